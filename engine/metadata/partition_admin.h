// The controller's admin decisions about existing partitions, as pure functions over the image
// (Kafka's ReplicationControlManager.createPartitions and electLeaders): adding partitions to a
// topic, and electing leaders on request. Like replication_control.h, nothing here does IO; the
// active controller commits the records and every node replays them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "metadata/replication_control.h"

namespace kraftlab::metadata {

// Grows `topic` to `count` partitions. assignments, when given, lists the replicas of each new
// partition (count - current lists, all of the topic's replication factor, registered brokers,
// none twice); otherwise new partitions are placed on live brokers as create_topics places them.
// Errors, as Kafka answers them:
//   UNKNOWN_TOPIC_OR_PARTITION   no such topic
//   INVALID_PARTITIONS           count not above the current one, or above the per-topic cap;
//                                __consumer_offsets (its count decides every group's coordinator)
//   INVALID_REPLICA_ASSIGNMENT   assignments of the wrong number, size, brokers or duplicates
//   INVALID_REPLICATION_FACTOR   fewer live brokers than the topic's replication factor
ControllerResult<TopicResult> create_partitions(
    const MetadataImage& image, const std::string& topic, std::int32_t count,
    const std::optional<std::vector<std::vector<std::int32_t>>>& assignments,
    const ClusterDefaults& defaults, bool validate_only);

struct ElectionResult {
    std::string topic;
    std::int32_t partition = 0;
    ErrorCode error = ErrorCode::NONE;
    std::string message;  // plain words when error != NONE
};

enum class ElectionType : std::int8_t { Preferred = 0, Unclean = 1 };

// Elects leaders now (kafka-leader-election). partitions: nullopt means every partition.
// Preferred: the first replica leads if it is live and in the ISR (ELECTION_NOT_NEEDED when it
// already does, PREFERRED_LEADER_NOT_AVAILABLE when it cannot). Unclean: only for a partition
// without a leader (else ELECTION_NOT_NEEDED); a live ISR member is chosen first; otherwise the
// first live replica leads with ISR [itself] and RECOVERING, whatever the topic's
// unclean.leader.election.enable says (the request is the operator's explicit choice, as in
// Kafka); ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is live. Unknown partitions get
// UNKNOWN_TOPIC_OR_PARTITION. With nullopt, only partitions that need an election are answered.
ControllerResult<std::vector<ElectionResult>> elect_leaders(
    const MetadataImage& image, ElectionType type,
    const std::optional<std::vector<std::pair<std::string, std::int32_t>>>& partitions);

}  // namespace kraftlab::metadata
