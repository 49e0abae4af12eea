// Which partition of __consumer_offsets holds a group, and so which broker coordinates it: the
// leader of partition abs(groupId.hashCode()) % partitions, with Java's String.hashCode and
// Kafka's Utils.abs (GroupMetadataManager.partitionFor), so that a group lands on the same
// partition here as on a Kafka cluster with the same partition count.
#pragma once

#include <cstdint>
#include <string_view>

namespace kraftlab::group {

// The internal topic of committed offsets and group metadata (Kafka's name).
inline constexpr std::string_view kOffsetsTopic = "__consumer_offsets";

// Java's String.hashCode of the string these UTF-8 bytes spell: s[0]*31^(n-1) + ... + s[n-1]
// over UTF-16 code units, in 32-bit two's complement. Bytes that are not valid UTF-8 count as
// U+FFFD each, as Java's decoder replaces them.
std::int32_t java_string_hash(std::string_view utf8);

// The __consumer_offsets partition of a group; partitions > 0.
std::int32_t offsets_partition_for(std::string_view group_id, std::int32_t partitions);

}  // namespace kraftlab::group
