// The partition assignors a consumer group's leader member runs (Kafka's client-side assignors of
// the classic protocol): given the members with the topics each subscribes to and the partition
// count of every topic, which partitions each member consumes. Pure functions: the same input
// always gives the same assignment, so every member and test can recompute it.
//
//   range       Kafka's RangeAssignor, per topic: the topic's partitions in numeric order are cut
//               into contiguous ranges, one per member subscribed to it (members in order, see
//               below); the first (partitions % members) members get one extra. With two members
//               and topics t0, t1 of 3 partitions: C0 [t0p0, t0p1, t1p0, t1p1], C1 [t0p2, t1p2].
//   roundrobin  Kafka's RoundRobinAssignor: every partition of every subscribed topic (topics by
//               name, partitions in numeric order) goes to the next member in a circle, skipping
//               members not subscribed to its topic. Same example: C0 [t0p0, t0p2, t1p1],
//               C1 [t0p1, t1p0, t1p2].
//
// Member order (Kafka's AbstractPartitionAssignor.MemberInfo): static members (with a
// group.instance.id) first, by instance id; then the others by member id. Names compare byte by
// byte (Java compares UTF-16 units: the same order for every name without characters above
// U+FFFF).
//
// Topics without a partition count (unknown to the leader's metadata, or 0 partitions) are
// assigned to nobody, as in Kafka. A member's repeated topic counts once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "group/consumer_protocol.h"

namespace kraftlab::group {

struct AssignorMember {
    std::string member_id;  // unique within the group
    std::optional<std::string> group_instance_id;
    std::vector<std::string> topics;  // its subscription
};

// Topic -> its number of partitions.
using PartitionCounts = std::map<std::string, std::int32_t>;
// Member id -> topic -> partitions, ascending. Every member is a key (an empty map: nothing to
// consume); a topic appears only with at least one partition.
using GroupAssignment = std::map<std::string, TopicPartitions>;

enum class AssignorKind { Range, RoundRobin };
// Kafka's protocol names, which JoinGroup carries: "range", "roundrobin".
std::string_view assignor_name(AssignorKind kind);
std::optional<AssignorKind> assignor_from_name(std::string_view name);

GroupAssignment assign_range(const std::vector<AssignorMember>& members,
                             const PartitionCounts& partitions);
GroupAssignment assign_round_robin(const std::vector<AssignorMember>& members,
                                   const PartitionCounts& partitions);
GroupAssignment assign(AssignorKind kind, const std::vector<AssignorMember>& members,
                       const PartitionCounts& partitions);

}  // namespace kraftlab::group
