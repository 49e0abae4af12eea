// The controller's decisions about topics, partitions and brokers, as pure functions: given the
// current image and a request, return the records that carry out the decision plus the answer
// (Kafka's ReplicationControlManager / ClusterControlManager shape). Nothing here does IO; the
// node that owns the metadata log appends the records and replays them like everyone else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metadata/image.h"
#include "protocol/alter_partition.h"
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

// The most partitions a topic may have (the lab's field rules show it as the bound).
inline constexpr std::int32_t kMaxPartitionsPerTopic = 10'000;

struct ClusterDefaults {
    std::int32_t num_partitions = 3;              // num.partitions
    std::int16_t default_replication_factor = 1;  // default.replication.factor
    std::int32_t max_partitions_per_topic = kMaxPartitionsPerTopic;
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

// Changes topic configs (set a value, or nullopt to return to the default). When the change turns
// unclean.leader.election.enable on, the records also elect leaders for the topic's offline
// partitions (elect_unclean_leaders), so that the switch takes effect at once, as in Kafka.
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
// (Kafka keeps the ISR non-empty for the same reason) -- unless the topic allows unclean leader
// election: then the first live replica leads with ISR [itself] (unclean_leader_change).
std::vector<MetadataRecord> fence_broker(const MetadataImage& image, std::int32_t broker_id);

// The broker is available again: UnfenceBroker, then leaders for offline partitions it can lead:
// those whose ISR it is in, and, where the topic allows unclean leader election, those it is a
// replica of. It does not rejoin other ISRs here: with replication, a returning follower rejoins
// only through its leader's AlterPartition once it has caught up. Preferred leaders are restored
// separately (elect_preferred_leaders).
std::vector<MetadataRecord> unfence_broker(const MetadataImage& image, std::int32_t broker_id);

// An unclean election for an offline partition: the first replica in preferred order that is
// live (or is `returning`, a broker being unfenced in the same records) becomes leader with ISR
// [itself] and leader recovery state RECOVERING (1), so its new followers truncate to its log.
// nullopt when the topic does not allow it (unclean.leader.election.enable=false, the default),
// the partition has a leader, or no replica is available.
std::optional<PartitionChangeRecord> unclean_leader_change(const MetadataImage& image,
                                                           const TopicInfo& topic,
                                                           const PartitionInfo& partition,
                                                           std::int32_t excluded = -1,
                                                           std::int32_t returning = -1);

// Unclean elections for every offline partition of `topic` (after its config was changed to
// allow them). Empty when the topic does not allow them.
std::vector<MetadataRecord> elect_unclean_leaders(const MetadataImage& image,
                                                  std::string_view topic);

// AlterPartition from a partition leader (Kafka's ReplicationControlManager.alterPartition):
// checks each partition's request against the image and answers it; an accepted ISR or leader
// recovery state change is a PartitionChangeRecord, and the answer carries the partition as it
// will be once that record is applied. `version` is the request's (0-3): v2+ names topics by id
// and answers INELIGIBLE_REPLICA (v0-1: OPERATION_NOT_ATTEMPTED), v3 carries broker epochs for
// the new ISR members. The requester's broker epoch must be current (else STALE_BROKER_EPOCH for
// the whole request). Per partition, in Kafka's order:
//   UNKNOWN_TOPIC_ID (v2+) / UNKNOWN_TOPIC_OR_PARTITION  the topic or partition does not exist
//   NOT_CONTROLLER          the request knows newer epochs than this image (a newer controller)
//   FENCED_LEADER_EPOCH     the leader epoch is stale
//   NOT_LEADER_OR_FOLLOWER  the requester does not lead the partition (Kafka: INVALID_REQUEST)
//   INVALID_UPDATE_VERSION  the partition epoch is stale (another change came first)
//   INVALID_REQUEST         a replica twice in the ISR, the leader not in it, more than one
//                           member while RECOVERING, or RECOVERED going back to RECOVERING
//   INELIGIBLE_REPLICA      a member is not a replica (Kafka: INVALID_REQUEST), not registered,
//                           fenced, in controlled shutdown, or (v3) of another broker epoch
ControllerResult<protocol::AlterPartitionResponse> alter_partition(
    const MetadataImage& image, const protocol::AlterPartitionRequest& request,
    std::int16_t version);

// For every partition whose preferred replica (replicas[0]) is live, in the ISR, and not the
// leader: move leadership back to it (Kafka's auto.leader.rebalance).
std::vector<MetadataRecord> elect_preferred_leaders(const MetadataImage& image);

// Brokers that may take new replicas: registered, unfenced, not shutting down.
std::vector<std::int32_t> live_brokers(const MetadataImage& image);

// A new partition on `replicas` (non-empty): its live replicas form the ISR (the first replica
// alone when none is live), the first of them leads if live, epochs 0.
PartitionRecord new_partition_record(const MetadataImage& image, const Uuid& topic_id,
                                     std::int32_t partition, std::vector<std::int32_t> replicas);

// The new leader for a partition if `excluded` were gone: first replica in preferred order that
// is in the ISR, live, and not excluded. kNoLeader if none.
std::int32_t choose_leader(const MetadataImage& image, const PartitionInfo& partition,
                           std::int32_t excluded = -1);

}  // namespace kraftlab::metadata
