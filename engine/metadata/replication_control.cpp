#include "metadata/replication_control.h"

#include <algorithm>
#include <set>

#include "metadata/topic_config.h"

namespace kraftlab::metadata {

namespace {

std::vector<std::int32_t> live_brokers(const MetadataImage& image) {
    std::vector<std::int32_t> ids;
    for (const auto& [id, b] : image.brokers()) {
        if (!b.fenced && !b.in_controlled_shutdown) ids.push_back(id);
    }
    return ids;
}

std::size_t total_partitions(const MetadataImage& image) {
    std::size_t n = 0;
    for (const auto& [name, t] : image.topics())
        n += t->partitions.size();
    return n;
}

TopicResult fail(const std::string& name, ErrorCode code, std::string message) {
    TopicResult r;
    r.name = name;
    r.error = code;
    r.message = std::move(message);
    return r;
}

}  // namespace

std::int32_t choose_leader(const MetadataImage& image, const PartitionInfo& partition,
                           std::int32_t excluded) {
    for (std::int32_t replica : partition.replicas) {
        if (replica == excluded) continue;
        if (partition.in_isr(replica) && image.is_live(replica)) return replica;
    }
    return kNoLeader;
}

ControllerResult<std::vector<TopicResult>> create_topics(const MetadataImage& image,
                                                         const std::vector<NewTopic>& topics,
                                                         const ClusterDefaults& defaults,
                                                         bool validate_only) {
    ControllerResult<std::vector<TopicResult>> out;
    const std::vector<std::int32_t> live = live_brokers(image);
    std::size_t placed_so_far = total_partitions(image);
    std::set<std::string> seen;

    for (const NewTopic& t : topics) {
        if (auto why = validate_topic_name(t.name)) {
            out.response.push_back(fail(t.name, ErrorCode::INVALID_TOPIC_EXCEPTION, *why));
            continue;
        }
        if (t.name.starts_with("__")) {
            out.response.push_back(
                fail(t.name, ErrorCode::INVALID_TOPIC_EXCEPTION,
                     "names starting with '__' are reserved for internal topics"));
            continue;
        }
        if (image.topic(t.name) || seen.count(t.name)) {
            out.response.push_back(fail(t.name, ErrorCode::TOPIC_ALREADY_EXISTS,
                                        "topic '" + t.name + "' already exists"));
            continue;
        }

        // Configs first: a bad config refuses the whole topic.
        std::optional<std::string> config_error;
        for (const auto& [key, value] : t.configs) {
            if (!value) continue;
            if (auto why = validate_topic_config(key, *value)) {
                config_error = *why;
                break;
            }
        }
        if (config_error) {
            out.response.push_back(fail(t.name, ErrorCode::INVALID_CONFIG, *config_error));
            continue;
        }

        std::vector<std::vector<std::int32_t>> assignment;
        if (!t.assignments.empty()) {
            if (t.num_partitions != -1 || t.replication_factor != -1) {
                out.response.push_back(fail(t.name, ErrorCode::INVALID_REQUEST,
                                            "give either replica assignments or partition count "
                                            "and replication factor, not both"));
                continue;
            }
            auto sorted = t.assignments;
            std::sort(sorted.begin(), sorted.end());
            std::string problem;
            std::size_t rf = sorted.front().second.size();
            for (std::size_t i = 0; i < sorted.size() && problem.empty(); ++i) {
                const auto& [index, replicas] = sorted[i];
                if (index != static_cast<std::int32_t>(i)) {
                    problem = "partitions must be numbered 0.." + std::to_string(sorted.size() - 1);
                } else if (replicas.empty() || replicas.size() != rf) {
                    problem = "every partition needs the same, non-zero number of replicas";
                } else if (std::set<std::int32_t>(replicas.begin(), replicas.end()).size() !=
                           replicas.size()) {
                    problem = "partition " + std::to_string(index) + " lists a broker twice";
                } else {
                    for (auto b : replicas) {
                        if (!image.broker(b)) {
                            problem = "broker " + std::to_string(b) + " is not registered";
                            break;
                        }
                    }
                }
                assignment.push_back(replicas);
            }
            if (!problem.empty()) {
                out.response.push_back(
                    fail(t.name, ErrorCode::INVALID_REPLICA_ASSIGNMENT, problem));
                continue;
            }
        } else {
            std::int32_t partitions =
                t.num_partitions == -1 ? defaults.num_partitions : t.num_partitions;
            std::int32_t rf = t.replication_factor == -1 ? defaults.default_replication_factor
                                                         : t.replication_factor;
            if (partitions <= 0 || partitions > defaults.max_partitions_per_topic) {
                out.response.push_back(fail(t.name, ErrorCode::INVALID_PARTITIONS,
                                            "the number of partitions must be between 1 and " +
                                                std::to_string(defaults.max_partitions_per_topic)));
                continue;
            }
            if (rf <= 0) {
                out.response.push_back(fail(t.name, ErrorCode::INVALID_REPLICATION_FACTOR,
                                            "the replication factor must be at least 1"));
                continue;
            }
            if (static_cast<std::size_t>(rf) > live.size()) {
                out.response.push_back(
                    fail(t.name, ErrorCode::INVALID_REPLICATION_FACTOR,
                         "replication factor " + std::to_string(rf) + " is larger than the " +
                             std::to_string(live.size()) + " available broker(s)"));
                continue;
            }
            const std::size_t n = live.size();
            const std::size_t start = placed_so_far % n;
            for (std::int32_t p = 0; p < partitions; ++p) {
                std::vector<std::int32_t> replicas;
                std::size_t first = (start + static_cast<std::size_t>(p)) % n;
                for (std::int32_t r = 0; r < rf; ++r) {
                    replicas.push_back(live[(first + static_cast<std::size_t>(r)) % n]);
                }
                assignment.push_back(std::move(replicas));
            }
        }

        seen.insert(t.name);
        placed_so_far += assignment.size();
        TopicResult result;
        result.name = t.name;
        result.topic_id = Uuid::random();
        result.num_partitions = static_cast<std::int32_t>(assignment.size());
        result.replication_factor = static_cast<std::int16_t>(assignment.front().size());
        out.response.push_back(result);
        if (validate_only) continue;

        out.records.emplace_back(TopicRecord{t.name, result.topic_id});
        for (const auto& [key, value] : t.configs) {
            if (!value) continue;
            out.records.emplace_back(ConfigRecord{ConfigResourceType::Topic, t.name, key, value});
        }
        for (std::size_t p = 0; p < assignment.size(); ++p) {
            PartitionRecord pr;
            pr.partition_id = static_cast<std::int32_t>(p);
            pr.topic_id = result.topic_id;
            pr.replicas = assignment[p];
            // Only live replicas start in the ISR; the first of them leads.
            for (auto b : assignment[p]) {
                if (image.is_live(b)) pr.isr.push_back(b);
            }
            if (pr.isr.empty()) pr.isr.push_back(assignment[p].front());
            pr.leader = image.is_live(pr.isr.front()) ? pr.isr.front() : kNoLeader;
            pr.leader_epoch = 0;
            pr.partition_epoch = 0;
            out.records.emplace_back(std::move(pr));
        }
    }
    return out;
}

ControllerResult<std::vector<TopicResult>> delete_topics(const MetadataImage& image,
                                                         const std::vector<std::string>& names) {
    ControllerResult<std::vector<TopicResult>> out;
    std::set<std::string> seen;
    for (const auto& name : names) {
        auto t = image.topic(name);
        if (!t || seen.count(name)) {
            out.response.push_back(fail(name, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                                        "topic '" + name + "' does not exist"));
            continue;
        }
        seen.insert(name);
        TopicResult r;
        r.name = name;
        r.topic_id = t->id;
        out.response.push_back(r);
        out.records.emplace_back(RemoveTopicRecord{t->id});
    }
    return out;
}

ControllerResult<TopicResult> alter_topic_configs(
    const MetadataImage& image, const std::string& topic,
    const std::vector<std::pair<std::string, std::optional<std::string>>>& configs) {
    ControllerResult<TopicResult> out;
    out.response.name = topic;
    if (!image.topic(topic)) {
        out.response.error = ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
        out.response.message = "topic '" + topic + "' does not exist";
        return out;
    }
    for (const auto& [key, value] : configs) {
        std::optional<std::string> why =
            value ? validate_topic_config(key, *value)
                  : (find_topic_config(key) ? std::nullopt
                                            : std::optional<std::string>("unknown config " + key));
        if (why) {
            out.response.error = ErrorCode::INVALID_CONFIG;
            out.response.message = *why;
            out.records.clear();
            return out;
        }
        out.records.emplace_back(ConfigRecord{ConfigResourceType::Topic, topic, key, value});
    }
    return out;
}

std::vector<MetadataRecord> register_broker(const MetadataImage& image, std::int32_t broker_id,
                                            const Uuid& incarnation_id, std::string host,
                                            std::uint16_t port, std::optional<std::string> rack) {
    RegisterBrokerRecord r;
    r.broker_id = broker_id;
    r.incarnation_id = incarnation_id;
    // Kafka uses the record's log offset as the epoch; the next epoch above the old one has the
    // same effect here: every registration is newer than the last.
    const BrokerInfo* old = image.broker(broker_id);
    r.broker_epoch = std::max<std::int64_t>(old ? old->epoch + 1 : 0, image.offset() + 1);
    r.endpoints.push_back(BrokerEndpoint{"PLAINTEXT", std::move(host), port, 0});
    r.rack = std::move(rack);
    r.fenced = true;
    return {r};
}

std::vector<MetadataRecord> fence_broker(const MetadataImage& image, std::int32_t broker_id) {
    std::vector<MetadataRecord> out;
    const BrokerInfo* b = image.broker(broker_id);
    if (!b || b->fenced) return out;
    out.emplace_back(FenceBrokerRecord{broker_id, b->epoch});
    for (const auto& [name, topic] : image.topics()) {
        for (const PartitionInfo& p : topic->partitions) {
            if (!p.has_replica(broker_id)) continue;
            bool leads = p.leader == broker_id;
            bool in_isr = p.in_isr(broker_id);
            if (!leads && !in_isr) continue;
            PartitionChangeRecord change;
            change.partition_id = p.partition;
            change.topic_id = topic->id;
            std::vector<std::int32_t> isr;
            for (auto r : p.isr) {
                if (r != broker_id) isr.push_back(r);
            }
            if (leads) {
                std::int32_t leader = choose_leader(image, p, broker_id);
                if (leader == kNoLeader && isr.empty() &&
                    EffectiveTopicConfig::of(image, name).unclean_leader_election) {
                    leader = choose_unclean_leader(image, p, broker_id);
                    if (leader != kNoLeader) {
                        isr = {leader};
                        change.leader_recovery_state = kLeaderRecovering;
                    }
                }
                change.leader = leader;
                if (leader == kNoLeader && isr.empty())
                    isr = {broker_id};  // keep the last ISR member
            } else if (isr.empty()) {
                continue;  // an offline partition's last ISR member stays
            }
            if (isr != p.isr) change.isr = isr;
            if (change.leader == kLeaderUnchanged && !change.isr) continue;
            out.emplace_back(std::move(change));
        }
    }
    return out;
}

std::vector<MetadataRecord> unfence_broker(const MetadataImage& image, std::int32_t broker_id) {
    std::vector<MetadataRecord> out;
    const BrokerInfo* b = image.broker(broker_id);
    if (!b || !b->fenced) return out;
    out.emplace_back(UnfenceBrokerRecord{broker_id, b->epoch});
    for (const auto& [name, topic] : image.topics()) {
        const bool unclean = EffectiveTopicConfig::of(image, name).unclean_leader_election;
        for (const PartitionInfo& p : topic->partitions) {
            if (p.leader != kNoLeader || !p.has_replica(broker_id)) continue;
            PartitionChangeRecord change;
            change.partition_id = p.partition;
            change.topic_id = topic->id;
            if (p.in_isr(broker_id)) {
                change.leader = broker_id;
            } else if (unclean) {
                // No ISR member is alive (else the partition would not be offline): the topic
                // allows an out-of-sync replica to lead, losing what it lacks.
                change.leader = broker_id;
                change.isr = std::vector<std::int32_t>{broker_id};
                change.leader_recovery_state = kLeaderRecovering;
            } else {
                continue;
            }
            out.emplace_back(std::move(change));
        }
    }
    return out;
}

std::int32_t choose_unclean_leader(const MetadataImage& image, const PartitionInfo& partition,
                                   std::int32_t excluded) {
    for (auto r : partition.replicas) {
        if (r != excluded && image.is_live(r)) return r;
    }
    return kNoLeader;
}

std::vector<MetadataRecord> elect_unclean_leaders(const MetadataImage& image,
                                                  const std::string& topic_name) {
    std::vector<MetadataRecord> out;
    auto topic = image.topic(topic_name);
    if (!topic || !EffectiveTopicConfig::of(image, topic_name).unclean_leader_election) return out;
    for (const PartitionInfo& p : topic->partitions) {
        if (p.leader != kNoLeader) continue;
        const auto leader = choose_unclean_leader(image, p, -1);
        if (leader == kNoLeader) continue;
        PartitionChangeRecord change;
        change.partition_id = p.partition;
        change.topic_id = topic->id;
        change.leader = leader;
        if (!p.in_isr(leader)) {
            change.isr = std::vector<std::int32_t>{leader};
            change.leader_recovery_state = kLeaderRecovering;
        }
        out.emplace_back(std::move(change));
    }
    return out;
}

ControllerResult<AlterPartitionResult> alter_partition(const MetadataImage& image,
                                                       std::int32_t broker_id,
                                                       std::int64_t broker_epoch,
                                                       const std::vector<IsrRequest>& requests) {
    ControllerResult<AlterPartitionResult> out;
    const BrokerInfo* requester = image.broker(broker_id);
    if (!requester || requester->epoch != broker_epoch) {
        out.response.error = ErrorCode::STALE_BROKER_EPOCH;
        return out;
    }
    for (const auto& req : requests) {
        IsrOutcome o;
        o.topic_id = req.topic_id;
        o.topic_name = req.topic_name;
        o.partition = req.partition;
        auto topic =
            req.topic_name.empty() ? image.topic_by_id(req.topic_id) : image.topic(req.topic_name);
        auto fail = [&](ErrorCode e, std::string why) {
            o.error = e;
            o.message = std::move(why);
            out.response.partitions.push_back(o);
        };
        if (!topic) {
            fail(req.topic_name.empty() ? ErrorCode::UNKNOWN_TOPIC_ID
                                        : ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                 "no such topic");
            continue;
        }
        o.topic_id = topic->id;
        o.topic_name = topic->name;
        if (req.partition < 0 ||
            req.partition >= static_cast<std::int32_t>(topic->partitions.size())) {
            fail(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, "no such partition");
            continue;
        }
        const PartitionInfo& p = topic->partitions[static_cast<std::size_t>(req.partition)];
        if (p.leader != broker_id) {
            fail(ErrorCode::NOT_LEADER_OR_FOLLOWER,
                 "broker " + std::to_string(broker_id) + " does not lead the partition");
            continue;
        }
        if (req.leader_epoch != p.leader_epoch) {
            fail(req.leader_epoch < p.leader_epoch ? ErrorCode::FENCED_LEADER_EPOCH
                                                   : ErrorCode::INVALID_UPDATE_VERSION,
                 "leader epoch " + std::to_string(req.leader_epoch) + " is not the current " +
                     std::to_string(p.leader_epoch));
            continue;
        }
        if (req.partition_epoch != p.partition_epoch) {
            fail(ErrorCode::INVALID_UPDATE_VERSION,
                 "partition epoch " + std::to_string(req.partition_epoch) + " is not the current " +
                     std::to_string(p.partition_epoch));
            continue;
        }
        std::vector<std::int32_t> isr;
        std::string ineligible;
        for (const auto& [id, epoch] : req.new_isr) {
            const BrokerInfo* b = image.broker(id);
            if (!p.has_replica(id)) {
                ineligible = "broker " + std::to_string(id) + " is not a replica";
            } else if (!b || b->fenced || b->in_controlled_shutdown) {
                ineligible = "broker " + std::to_string(id) + " is fenced or shutting down";
            } else if (epoch >= 0 && b->epoch != epoch) {
                ineligible = "broker " + std::to_string(id) + " restarted since (epoch " +
                             std::to_string(b->epoch) + ", not " + std::to_string(epoch) + ")";
            }
            if (!ineligible.empty()) break;
            if (std::find(isr.begin(), isr.end(), id) == isr.end()) isr.push_back(id);
        }
        if (!ineligible.empty()) {
            fail(ErrorCode::INELIGIBLE_REPLICA, ineligible);
            continue;
        }
        if (std::find(isr.begin(), isr.end(), broker_id) == isr.end()) {
            fail(ErrorCode::INVALID_REQUEST, "the leader must stay in the ISR");
            continue;
        }
        if (req.leader_recovery_state == kLeaderRecovering &&
            p.leader_recovery_state != kLeaderRecovering) {
            fail(ErrorCode::INVALID_REQUEST, "a recovered partition cannot go back to recovering");
            continue;
        }
        PartitionChangeRecord change;
        change.partition_id = p.partition;
        change.topic_id = topic->id;
        if (isr != p.isr) change.isr = isr;
        if (req.leader_recovery_state != p.leader_recovery_state)
            change.leader_recovery_state = req.leader_recovery_state;
        o.leader = p.leader;
        o.leader_epoch = p.leader_epoch;
        o.isr = isr;
        o.leader_recovery_state = req.leader_recovery_state;
        o.partition_epoch = p.partition_epoch;
        if (change.isr || change.leader_recovery_state) {
            o.partition_epoch = p.partition_epoch + 1;
            for (auto id : isr) {
                if (!p.in_isr(id)) o.added.push_back(id);
            }
            for (auto id : p.isr) {
                if (std::find(isr.begin(), isr.end(), id) == isr.end()) o.removed.push_back(id);
            }
            out.records.emplace_back(std::move(change));
        }
        out.response.partitions.push_back(o);
    }
    return out;
}

std::vector<MetadataRecord> elect_preferred_leaders(const MetadataImage& image) {
    std::vector<MetadataRecord> out;
    for (const auto& [name, topic] : image.topics()) {
        for (const PartitionInfo& p : topic->partitions) {
            if (p.replicas.empty()) continue;
            std::int32_t preferred = p.replicas.front();
            if (p.leader == preferred || !p.in_isr(preferred) || !image.is_live(preferred))
                continue;
            PartitionChangeRecord change;
            change.partition_id = p.partition;
            change.topic_id = topic->id;
            change.leader = preferred;
            out.emplace_back(std::move(change));
        }
    }
    return out;
}

}  // namespace kraftlab::metadata
