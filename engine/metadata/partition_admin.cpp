#include "metadata/partition_admin.h"

#include <algorithm>
#include <set>

namespace kraftlab::metadata {

namespace {

TopicResult fail(const std::string& name, ErrorCode code, std::string message) {
    TopicResult r;
    r.name = name;
    r.error = code;
    r.message = std::move(message);
    return r;
}

}  // namespace

ControllerResult<TopicResult> create_partitions(
    const MetadataImage& image, const std::string& topic, std::int32_t count,
    const std::optional<std::vector<std::vector<std::int32_t>>>& assignments,
    const ClusterDefaults& defaults, bool validate_only) {
    ControllerResult<TopicResult> out;
    auto t = image.topic(topic);
    if (!t) {
        out.response = fail(topic, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                            "topic '" + topic + "' does not exist");
        return out;
    }
    const auto current = static_cast<std::int32_t>(t->partitions.size());
    if (topic == "__consumer_offsets") {
        out.response = fail(topic, ErrorCode::INVALID_PARTITIONS,
                            "__consumer_offsets keeps its partition count (the lab's "
                            "--offsets-partitions): a group's coordinator is chosen by it");
        return out;
    }
    if (count <= current) {
        out.response =
            fail(topic, ErrorCode::INVALID_PARTITIONS,
                 "topic '" + topic + "' has " + std::to_string(current) +
                     " partitions; a new count must be larger (partitions cannot be removed)");
        return out;
    }
    if (count > defaults.max_partitions_per_topic) {
        out.response = fail(topic, ErrorCode::INVALID_PARTITIONS,
                            "a topic may have at most " +
                                std::to_string(defaults.max_partitions_per_topic) + " partitions");
        return out;
    }
    const std::size_t rf = t->partitions.empty() ? 1 : t->partitions.front().replicas.size();
    const auto added = static_cast<std::size_t>(count - current);
    std::vector<std::vector<std::int32_t>> placed;
    if (assignments) {
        std::string problem;
        if (assignments->size() != added) {
            problem = "give one replica list for each of the " + std::to_string(added) +
                      " new partitions, not " + std::to_string(assignments->size());
        }
        for (std::size_t i = 0; i < assignments->size() && problem.empty(); ++i) {
            const auto& replicas = (*assignments)[i];
            const std::string which = "new partition " + std::to_string(current + i);
            if (replicas.size() != rf) {
                problem = which + " lists " + std::to_string(replicas.size()) +
                          " replicas; the topic's replication factor is " + std::to_string(rf);
            } else if (std::set<std::int32_t>(replicas.begin(), replicas.end()).size() !=
                       replicas.size()) {
                problem = which + " lists a broker twice";
            } else {
                for (auto b : replicas) {
                    if (!image.broker(b)) {
                        problem = which + ": broker " + std::to_string(b) + " is not registered";
                        break;
                    }
                }
            }
        }
        if (!problem.empty()) {
            out.response = fail(topic, ErrorCode::INVALID_REPLICA_ASSIGNMENT, problem);
            return out;
        }
        placed = *assignments;
    } else {
        const auto live = live_brokers(image);
        if (live.size() < rf) {
            out.response = fail(topic, ErrorCode::INVALID_REPLICATION_FACTOR,
                                "the topic's replication factor " + std::to_string(rf) +
                                    " is larger than the " + std::to_string(live.size()) +
                                    " available broker(s)");
            return out;
        }
        // Continue the topic's rotation: partition p's first replica follows partition p-1's.
        std::size_t start = 0;
        if (!t->partitions.empty() && !t->partitions.back().replicas.empty()) {
            auto it = std::find(live.begin(), live.end(), t->partitions.back().replicas.front());
            if (it != live.end()) start = static_cast<std::size_t>(it - live.begin()) + 1;
        }
        for (std::size_t p = 0; p < added; ++p) {
            std::vector<std::int32_t> replicas;
            for (std::size_t r = 0; r < rf; ++r)
                replicas.push_back(live[(start + p + r) % live.size()]);
            placed.push_back(std::move(replicas));
        }
    }
    out.response.name = topic;
    out.response.topic_id = t->id;
    out.response.num_partitions = count;
    out.response.replication_factor = static_cast<std::int16_t>(rf);
    if (validate_only) return out;
    for (std::size_t i = 0; i < placed.size(); ++i) {
        out.records.emplace_back(
            new_partition_record(image, t->id, current + static_cast<std::int32_t>(i), placed[i]));
    }
    return out;
}

namespace {

ElectionResult elect_one(const MetadataImage& image, const TopicInfo& topic, const PartitionInfo& p,
                         ElectionType type, std::vector<MetadataRecord>& records) {
    ElectionResult r{topic.name, p.partition, ErrorCode::NONE, {}};
    PartitionChangeRecord change;
    change.partition_id = p.partition;
    change.topic_id = topic.id;
    if (type == ElectionType::Preferred) {
        const std::int32_t preferred = p.replicas.empty() ? kNoLeader : p.replicas.front();
        if (p.leader == preferred) {
            r.error = ErrorCode::ELECTION_NOT_NEEDED;
            r.message = "broker " + std::to_string(preferred) + ", the preferred replica, leads";
        } else if (!image.is_live(preferred)) {
            r.error = ErrorCode::PREFERRED_LEADER_NOT_AVAILABLE;
            r.message =
                "the preferred replica, broker " + std::to_string(preferred) + ", is not available";
        } else if (!p.in_isr(preferred)) {
            r.error = ErrorCode::PREFERRED_LEADER_NOT_AVAILABLE;
            r.message = "the preferred replica, broker " + std::to_string(preferred) +
                        ", is not in sync (not in the ISR)";
        } else {
            change.leader = preferred;
            records.emplace_back(std::move(change));
        }
        return r;
    }
    if (p.leader != kNoLeader) {
        r.error = ErrorCode::ELECTION_NOT_NEEDED;
        r.message = "broker " + std::to_string(p.leader) +
                    " leads; an unclean election is only "
                    "for a partition without a leader";
        return r;
    }
    if (auto clean = choose_leader(image, p); clean != kNoLeader) {
        change.leader = clean;
        records.emplace_back(std::move(change));
        return r;
    }
    for (std::int32_t replica : p.replicas) {
        if (!image.is_live(replica)) continue;
        change.leader = replica;
        change.isr = std::vector<std::int32_t>{replica};
        change.leader_recovery_state = kLeaderRecovering;
        records.emplace_back(std::move(change));
        return r;
    }
    r.error = ErrorCode::ELIGIBLE_LEADERS_NOT_AVAILABLE;
    r.message = "no replica of this partition is on a live broker";
    return r;
}

}  // namespace

ControllerResult<std::vector<ElectionResult>> elect_leaders(
    const MetadataImage& image, ElectionType type,
    const std::optional<std::vector<std::pair<std::string, std::int32_t>>>& partitions) {
    ControllerResult<std::vector<ElectionResult>> out;
    if (!partitions) {
        for (const auto& [name, topic] : image.topics()) {
            for (const PartitionInfo& p : topic->partitions) {
                std::vector<MetadataRecord> records;
                auto r = elect_one(image, *topic, p, type, records);
                if (r.error == ErrorCode::ELECTION_NOT_NEEDED) continue;
                out.response.push_back(std::move(r));
                out.records.insert(out.records.end(), records.begin(), records.end());
            }
        }
        return out;
    }
    std::set<std::pair<std::string, std::int32_t>> seen;
    for (const auto& [topic, partition] : *partitions) {
        if (!seen.insert({topic, partition}).second) continue;
        const PartitionInfo* p = image.partition(topic, partition);
        if (!p) {
            out.response.push_back({topic, partition, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                                    topic + "-" + std::to_string(partition) + " does not exist"});
            continue;
        }
        out.response.push_back(elect_one(image, *image.topic(topic), *p, type, out.records));
    }
    return out;
}

}  // namespace kraftlab::metadata
