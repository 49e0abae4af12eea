// Partition reassignment as the controller decides it (KIP-455; Kafka's
// ReplicationControlManager.alterPartitionReassignments and PartitionChangeBuilder's
// completeReassignmentIfNeeded), pure functions over the image like replication_control.h.
//
// A move from replicas R to target T is one PartitionChangeRecord that sets
//   replicas = T followed by the members of R not in T (T[0] becomes the preferred leader),
//   adding_replicas = T - R, removing_replicas = R - T.
// The adding replicas' brokers create the log and fetch from the leader like any follower; the
// leader adds each to the ISR once caught up (AlterPartition). When every adding replica is in
// the ISR, the change that says so also completes the move: replicas = T, the ISR loses the
// removing replicas, adding and removing are emptied, and if the leader was being removed the
// first in-sync target replica on a live broker leads. A move that adds nothing (a shrink or a
// reorder) completes at once when a target replica is in sync.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metadata/replication_control.h"

namespace kraftlab::metadata {

struct ReassignmentRequest {
    std::string topic;
    std::int32_t partition = 0;
    std::optional<std::vector<std::int32_t>> target;  // nullopt: cancel the move in progress
};

struct ReassignmentResult {
    std::string topic;
    std::int32_t partition = 0;
    ErrorCode error = ErrorCode::NONE;
    std::string message;  // plain words when error != NONE
};

// Starts, replaces or cancels moves; each request is decided on the image that includes the
// ones before it. Errors, as Kafka answers them:
//   UNKNOWN_TOPIC_OR_PARTITION   no such partition
//   INVALID_REPLICA_ASSIGNMENT   an empty target, a broker named twice or not registered; a
//                                change that would leave no original or target replica in sync
//   NO_REASSIGNMENT_IN_PROGRESS  a cancel where nothing moves
// A target on a registered but fenced broker is accepted: the move waits for the broker.
// A new target while a move is in progress replaces it, counted from the original replicas.
// Cancelling returns to the original replicas: the adding ones leave the replicas and the ISR,
// and leadership returns to an original replica if an adding one led.
ControllerResult<std::vector<ReassignmentResult>> alter_partition_reassignments(
    const MetadataImage& image, const std::vector<ReassignmentRequest>& requests);

// Completes a move in `change` if the partition, as `change` will leave it (`after`), has every
// adding replica in its ISR and an in-sync replica left once the removing ones go: sets the
// change's replicas, ISR, adding and removing replicas, and its leader when the leader is
// removed. Returns true when it completed the move.
bool complete_reassignment_if_ready(const MetadataImage& image, const PartitionInfo& after,
                                    PartitionChangeRecord& change);

// The partition as `change` will leave it (the image's merge, without the epochs).
PartitionInfo with_change(const PartitionInfo& p, const PartitionChangeRecord& change);

}  // namespace kraftlab::metadata
