#include "metadata/replication_control.h"

#include <algorithm>
#include <set>

#include "metadata/reassignment.h"
#include "metadata/topic_config.h"

namespace kraftlab::metadata {

namespace {

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

std::vector<std::int32_t> live_brokers(const MetadataImage& image) {
    std::vector<std::int32_t> ids;
    for (const auto& [id, b] : image.brokers()) {
        if (!b.fenced && !b.in_controlled_shutdown) ids.push_back(id);
    }
    return ids;
}

PartitionRecord new_partition_record(const MetadataImage& image, const Uuid& topic_id,
                                     std::int32_t partition, std::vector<std::int32_t> replicas) {
    PartitionRecord pr;
    pr.partition_id = partition;
    pr.topic_id = topic_id;
    // Only live replicas start in the ISR; the first of them leads.
    for (auto b : replicas) {
        if (image.is_live(b)) pr.isr.push_back(b);
    }
    if (pr.isr.empty()) pr.isr.push_back(replicas.front());
    pr.leader = image.is_live(pr.isr.front()) ? pr.isr.front() : kNoLeader;
    pr.leader_epoch = 0;
    pr.partition_epoch = 0;
    pr.replicas = std::move(replicas);
    return pr;
}

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
        // The one internal topic of this lab, made by a broker for consumer groups
        // (group/coordinator_key.h); clients are refused it by the broker.
        if (t.name.starts_with("__") && t.name != "__consumer_offsets") {
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
            // The same cap as a partition count: every assigned replica is a log to open.
            if (t.assignments.size() >
                static_cast<std::size_t>(defaults.max_partitions_per_topic)) {
                out.response.push_back(
                    fail(t.name, ErrorCode::INVALID_PARTITIONS,
                         std::to_string(t.assignments.size()) +
                             " partition assignments are too many: a topic may have at most " +
                             std::to_string(defaults.max_partitions_per_topic) + " partitions"));
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
            out.records.emplace_back(new_partition_record(
                image, result.topic_id, static_cast<std::int32_t>(p), assignment[p]));
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
    // Turning unclean leader election on gives offline partitions a leader now, not only at the
    // next fencing or unfencing.
    // (replay copies the image: a non-owning pointer to it is enough.)
    auto next = replay(std::shared_ptr<const MetadataImage>(std::shared_ptr<void>(), &image),
                       out.records, image.offset() + 1);
    auto elections = elect_unclean_leaders(*next, topic);
    out.records.insert(out.records.end(), elections.begin(), elections.end());
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

std::optional<PartitionChangeRecord> unclean_leader_change(const MetadataImage& image,
                                                           const TopicInfo& topic,
                                                           const PartitionInfo& partition,
                                                           std::int32_t excluded,
                                                           std::int32_t returning) {
    if (partition.leader != kNoLeader && partition.leader != excluded) return std::nullopt;
    if (!EffectiveTopicConfig::of(image, topic.name).unclean_leader_election) return std::nullopt;
    for (std::int32_t replica : partition.replicas) {
        if (replica == excluded) continue;
        if (replica != returning && !image.is_live(replica)) continue;
        PartitionChangeRecord change;
        change.partition_id = partition.partition;
        change.topic_id = topic.id;
        change.leader = replica;
        change.isr = std::vector<std::int32_t>{replica};
        change.leader_recovery_state = kLeaderRecovering;
        return change;
    }
    return std::nullopt;
}

std::vector<MetadataRecord> elect_unclean_leaders(const MetadataImage& image,
                                                  std::string_view topic) {
    std::vector<MetadataRecord> out;
    auto t = image.topic(topic);
    if (!t) return out;
    for (const PartitionInfo& p : t->partitions) {
        if (p.leader != kNoLeader) continue;
        if (auto change = unclean_leader_change(image, *t, p)) out.emplace_back(std::move(*change));
    }
    return out;
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
                if (leader == kNoLeader) {
                    // No in-sync replica is left: unclean election if the topic allows it.
                    if (auto unclean = unclean_leader_change(image, *topic, p, broker_id)) {
                        out.emplace_back(std::move(*unclean));
                        continue;
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
        for (const PartitionInfo& p : topic->partitions) {
            if (p.leader != kNoLeader || !p.has_replica(broker_id)) continue;
            if (p.in_isr(broker_id)) {
                PartitionChangeRecord change;
                change.partition_id = p.partition;
                change.topic_id = topic->id;
                change.leader = broker_id;
                out.emplace_back(std::move(change));
            } else if (auto unclean =
                           unclean_leader_change(image, *topic, p, -1, /*returning=*/broker_id)) {
                out.emplace_back(std::move(*unclean));
            }
        }
    }
    return out;
}

ControllerResult<protocol::AlterPartitionResponse> alter_partition(
    const MetadataImage& image, const protocol::AlterPartitionRequest& request,
    std::int16_t version) {
    using protocol::AlterPartitionResponse;
    using protocol::to_wire;
    ControllerResult<AlterPartitionResponse> out;
    const BrokerInfo* requester = image.broker(request.broker_id);
    if (!requester || requester->epoch != request.broker_epoch) {
        // An older incarnation of the broker (or one the controller has not registered) must not
        // change anything: its view of the partitions is gone.
        out.response.error_code = to_wire(ErrorCode::STALE_BROKER_EPOCH);
        return out;
    }
    for (const auto& t : request.topics) {
        auto& topic_answer = out.response.topics.emplace_back();
        topic_answer.topic_name = t.topic_name;
        topic_answer.topic_id = t.topic_id;
        auto topic = version >= 2 ? image.topic_by_id(t.topic_id) : image.topic(t.topic_name);
        auto answer_error = [&](const protocol::AlterPartitionRequest::PartitionData& p,
                                ErrorCode code) {
            auto& a = topic_answer.partitions.emplace_back();
            a.partition_index = p.partition_index;
            a.error_code = to_wire(code);
        };
        if (!topic) {
            for (const auto& p : t.partitions)
                answer_error(p, version >= 2 ? ErrorCode::UNKNOWN_TOPIC_ID
                                             : ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
            continue;
        }
        for (const auto& p : t.partitions) {
            if (p.partition_index < 0 ||
                p.partition_index >= static_cast<std::int32_t>(topic->partitions.size())) {
                answer_error(p, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
                continue;
            }
            const PartitionInfo& current =
                topic->partitions[static_cast<std::size_t>(p.partition_index)];
            // The new ISR with broker epochs; before v3 the epochs are unknown (-1: not checked).
            std::vector<protocol::AlterPartitionRequest::BrokerState> new_isr =
                p.new_isr_with_epochs;
            if (version < 3) {
                new_isr.clear();
                for (auto id : p.new_isr)
                    new_isr.push_back({id, -1});
            }
            std::vector<std::int32_t> isr_ids;
            for (const auto& m : new_isr)
                isr_ids.push_back(m.broker_id);

            ErrorCode error = ErrorCode::NONE;
            if (p.leader_epoch > current.leader_epoch ||
                p.partition_epoch > current.partition_epoch) {
                // The leader has seen epochs this image has not: a newer controller made them.
                error = ErrorCode::NOT_CONTROLLER;
            } else if (p.leader_epoch < current.leader_epoch) {
                error = ErrorCode::FENCED_LEADER_EPOCH;
            } else if (request.broker_id != current.leader) {
                error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
            } else if (p.partition_epoch < current.partition_epoch) {
                error = ErrorCode::INVALID_UPDATE_VERSION;
            } else if (std::set<std::int32_t>(isr_ids.begin(), isr_ids.end()).size() !=
                           isr_ids.size() ||
                       !std::count(isr_ids.begin(), isr_ids.end(), current.leader)) {
                error = ErrorCode::INVALID_REQUEST;
            } else if (p.leader_recovery_state == kLeaderRecovering &&
                       (isr_ids.size() > 1 || current.leader_recovery_state != kLeaderRecovering)) {
                // Only the unclean election's new leader is in sync until it has recovered; and
                // a recovered partition cannot go back to recovering.
                error = ErrorCode::INVALID_REQUEST;
            } else {
                for (const auto& m : new_isr) {
                    const BrokerInfo* b = image.broker(m.broker_id);
                    if (!current.has_replica(m.broker_id) || !b || b->fenced ||
                        b->in_controlled_shutdown ||
                        (m.broker_epoch != -1 && m.broker_epoch != b->epoch)) {
                        error = version >= 2 ? ErrorCode::INELIGIBLE_REPLICA
                                             : ErrorCode::OPERATION_NOT_ATTEMPTED;
                        break;
                    }
                }
            }
            if (error != ErrorCode::NONE) {
                answer_error(p, error);
                continue;
            }

            auto& a = topic_answer.partitions.emplace_back();
            a.partition_index = p.partition_index;
            a.leader_id = current.leader;
            a.leader_epoch = current.leader_epoch;
            a.isr = isr_ids;
            a.leader_recovery_state = p.leader_recovery_state;
            a.partition_epoch = current.partition_epoch;
            PartitionChangeRecord change;
            change.partition_id = current.partition;
            change.topic_id = topic->id;
            if (isr_ids != current.isr) change.isr = isr_ids;
            if (p.leader_recovery_state != current.leader_recovery_state)
                change.leader_recovery_state = p.leader_recovery_state;
            // The ISR change that brings the last adding replica in completes a move.
            if ((change.isr || change.leader_recovery_state) &&
                complete_reassignment_if_ready(image, with_change(current, change), change)) {
                if (change.isr) a.isr = *change.isr;
                if (change.leader != kLeaderUnchanged && change.leader != current.leader) {
                    // The move removed the requesting leader: it must learn the new one from
                    // the metadata (Kafka answers NEW_LEADER_ELECTED).
                    a = {};
                    a.partition_index = p.partition_index;
                    a.error_code = to_wire(ErrorCode::NEW_LEADER_ELECTED);
                }
            }
            if (change.isr || change.leader_recovery_state) {
                if (a.error_code == 0) a.partition_epoch += 1;  // as the record will make it
                out.records.emplace_back(std::move(change));
            }
        }
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
