// The controller's decisions about topics, partitions and brokers, as pure functions: given the
// current image and a request, return the records that carry out the decision plus the answer
// (Kafka's ReplicationControlManager / ClusterControlManager shape). Nothing here does IO; the
// node that owns the metadata log appends the records and replays them like everyone else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "metadata/image.h"
#include "protocol/errors.h"

namespace kraftlab::metadata {

using protocol::ErrorCode;

template <typename T>
struct ControllerResult {
    std::vector<MetadataRecord> records;
    T response;
};

struct NewTopic {
    std::string name;
    std::int32_t num_partitions = -1;      // -1: the cluster default
    std::int16_t replication_factor = -1;  // -1: the cluster default
    // Explicit replica lists by partition; when given, num_partitions and replication_factor
    // must be -1 (as in Kafka).
    std::vector<std::pair<std::int32_t, std::vector<std::int32_t>>> assignments;
    std::vector<std::pair<std::string, std::optional<std::string>>> configs;
};

struct TopicResult {
    std::string name;
    ErrorCode error = ErrorCode::NONE;
    std::string message;  // plain words when error != NONE
    Uuid topic_id;
    std::int32_t num_partitions = -1;
    std::int16_t replication_factor = -1;
};

struct ClusterDefaults {
    std::int32_t num_partitions = 3;              // num.partitions
    std::int16_t default_replication_factor = 1;  // default.replication.factor
    std::int32_t max_partitions_per_topic = 10'000;
};

// Creates topics: validates names, counts, assignments and configs; places replicas on live
// brokers, spreading leaders (partition p of a topic starts at broker index (start + p) mod n,
// where start rotates with the number of partitions already in the cluster).
ControllerResult<std::vector<TopicResult>> create_topics(const MetadataImage& image,
                                                         const std::vector<NewTopic>& topics,
                                                         const ClusterDefaults& defaults,
                                                         bool validate_only);

ControllerResult<std::vector<TopicResult>> delete_topics(const MetadataImage& image,
                                                         const std::vector<std::string>& names);

// Changes topic configs (set a value, or nullopt to return to the default).
ControllerResult<TopicResult> alter_topic_configs(
    const MetadataImage& image, const std::string& topic,
    const std::vector<std::pair<std::string, std::optional<std::string>>>& configs);

// A broker joins (or rejoins with a new incarnation): a RegisterBrokerRecord, fenced until it
// has caught up with the metadata log.
std::vector<MetadataRecord> register_broker(const MetadataImage& image, std::int32_t broker_id,
                                            const Uuid& incarnation_id, std::string host,
                                            std::uint16_t port, std::optional<std::string> rack);

// The broker stops being available: FenceBroker, then for every partition it belongs to a
// PartitionChange that drops it from the ISR and, if it led, elects the first replica in
// preferred order that is in the ISR and live. When no such replica exists the partition goes
// offline (leader -1) and keeps its last ISR member, so that member can lead again on return
// (Kafka keeps the ISR non-empty for the same reason).
std::vector<MetadataRecord> fence_broker(const MetadataImage& image, std::int32_t broker_id);

// The broker is available again: UnfenceBroker, then leaders for offline partitions it can lead
// (it is in their ISR). Preferred leaders are restored separately (elect_preferred_leaders).
std::vector<MetadataRecord> unfence_broker(const MetadataImage& image, std::int32_t broker_id);

// For every partition whose preferred replica (replicas[0]) is live, in the ISR, and not the
// leader: move leadership back to it (Kafka's auto.leader.rebalance).
std::vector<MetadataRecord> elect_preferred_leaders(const MetadataImage& image);

// Kafka's LeaderRecoveryState: 1 after an unclean election until the new leader says it
// recovered (AlterPartition).
inline constexpr std::int8_t kLeaderRecovering = 1;

// Unclean leader election (unclean.leader.election.enable): the first live replica in preferred
// order, in the ISR or not, other than `excluded`. kNoLeader if none.
std::int32_t choose_unclean_leader(const MetadataImage& image, const PartitionInfo& partition,
                                   std::int32_t excluded = -1);
// For every offline partition of the topic, if the topic allows unclean election: a live replica
// becomes leader with ISR = [it] (records only the old ISR had are lost). Run when the setting is
// turned on.
std::vector<MetadataRecord> elect_unclean_leaders(const MetadataImage& image,
                                                  const std::string& topic_name);

// AlterPartition (Kafka's ReplicationControlManager.alterPartition): a partition leader asks to
// change the ISR (and its recovery state).
struct IsrRequest {
    Uuid topic_id;           // v2+
    std::string topic_name;  // v0-1; empty when the id is used
    std::int32_t partition = 0;
    std::int32_t leader_epoch = 0;
    std::int32_t partition_epoch = 0;
    std::vector<std::pair<std::int32_t, std::int64_t>> new_isr;  // (broker, epoch or -1)
    std::int8_t leader_recovery_state = 0;
};
struct IsrOutcome {
    Uuid topic_id;
    std::string topic_name;
    std::int32_t partition = 0;
    ErrorCode error = ErrorCode::NONE;
    std::string message;  // plain words when error != NONE
    std::int32_t leader = kNoLeader;
    std::int32_t leader_epoch = 0;
    std::int32_t partition_epoch = 0;  // after the change
    std::vector<std::int32_t> isr;
    std::int8_t leader_recovery_state = 0;
    std::vector<std::int32_t> added, removed;
};
struct AlterPartitionResult {
    ErrorCode error = ErrorCode::NONE;  // top level: STALE_BROKER_EPOCH
    std::vector<IsrOutcome> partitions;
};
// Errors per partition: UNKNOWN_TOPIC_ID / UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER
// (the requester does not lead), FENCED_LEADER_EPOCH (stale leader epoch),
// INVALID_UPDATE_VERSION (stale partition epoch), INELIGIBLE_REPLICA (a new member is not a
// replica, fenced, shutting down, or restarted since: broker epoch), INVALID_REQUEST (the leader
// left out, or recovered -> recovering). Accepted changes become PartitionChangeRecords.
ControllerResult<AlterPartitionResult> alter_partition(const MetadataImage& image,
                                                       std::int32_t broker_id,
                                                       std::int64_t broker_epoch,
                                                       const std::vector<IsrRequest>& requests);

// The new leader for a partition if `excluded` were gone: first replica in preferred order that
// is in the ISR, live, and not excluded. kNoLeader if none.
std::int32_t choose_leader(const MetadataImage& image, const PartitionInfo& partition,
                           std::int32_t excluded = -1);

}  // namespace kraftlab::metadata
