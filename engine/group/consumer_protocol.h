// Kafka's consumer protocol: what consumers put in the opaque bytes of JoinGroup and SyncGroup
// when the group's protocol type is "consumer" (Kafka's ConsumerProtocolSubscription and
// ConsumerProtocolAssignment schemas). The coordinator never needs them to run a group; the lab
// reads them to show which partitions each member owns, to refuse OffsetDelete for a topic the
// group subscribes to, and its built-in consumer writes them to join groups.
//
// Subscription: version INT16, topics [STRING], user_data NULLABLE_BYTES; v1 adds
// owned_partitions [topic STRING, partitions [INT32]]; v2 generation_id INT32; v3 rack_id
// NULLABLE_STRING. Assignment: version INT16, assigned_partitions [topic STRING, partitions
// [INT32]], user_data NULLABLE_BYTES (the same in v0-v3). kafkajs writes the v0 layout under its
// own protocol names; librdkafka and kafka-python the v0 or v1 layout.
//
// Decoding reads the fields of the version it knows up to v3 and ignores what follows (newer
// versions only add fields at the end, and Kafka's own reader does the same); counts are checked
// against the bytes that remain, so hostile bytes cost no more than their size.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/codec.h"

namespace kraftlab::group {

using TopicPartitions = std::map<std::string, std::vector<std::int32_t>>;

struct ConsumerSubscription {
    std::int16_t version = 0;
    std::vector<std::string> topics;
    std::optional<protocol::Bytes> user_data;
    TopicPartitions owned_partitions;  // v1+
    std::int32_t generation_id = -1;   // v2+
};

struct ConsumerAssignment {
    std::int16_t version = 0;
    TopicPartitions partitions;
    std::optional<protocol::Bytes> user_data;
};

// Writes version 0 of each (what every client understands).
protocol::Bytes encode_subscription(const std::vector<std::string>& topics);
protocol::Bytes encode_assignment(const TopicPartitions& partitions);
std::optional<ConsumerSubscription> decode_subscription(protocol::ByteView bytes);
// An empty assignment (no bytes: a member the leader gave nothing) decodes as no partitions.
std::optional<ConsumerAssignment> decode_assignment(protocol::ByteView bytes);

}  // namespace kraftlab::group
