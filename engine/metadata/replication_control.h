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

// Until followers copy the leader's data (replication), a replica on a live broker has nothing
// to catch up on: when a broker is unfenced, it rejoins the ISR of every partition it belongs
// to. (With replication, followers rejoin through the leader's AlterPartition instead.)
std::vector<MetadataRecord> restore_isr(const MetadataImage& image, std::int32_t broker_id);

// For every partition whose preferred replica (replicas[0]) is live, in the ISR, and not the
// leader: move leadership back to it (Kafka's auto.leader.rebalance).
std::vector<MetadataRecord> elect_preferred_leaders(const MetadataImage& image);

// The new leader for a partition if `excluded` were gone: first replica in preferred order that
// is in the ISR, live, and not excluded. kNoLeader if none.
std::int32_t choose_leader(const MetadataImage& image, const PartitionInfo& partition,
                           std::int32_t excluded = -1);

}  // namespace kraftlab::metadata
