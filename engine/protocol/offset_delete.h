// OffsetDelete (key 47): removes a group's committed offsets for some partitions, when the group
// no longer consumes their topics (kafka-consumer-groups --delete-offsets, KIP-496). Version 0
// only, not flexible.
//
// The response puts error_code before throttle_time_ms, unlike most APIs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct OffsetDeleteRequest {
    static constexpr ApiKey kKey = ApiKey::OffsetDelete;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 0;

    struct Topic {
        std::string name;
        std::vector<std::int32_t> partitions;  // partition indexes
        bool operator==(const Topic&) const = default;
    };

    std::string group_id;
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const OffsetDeleteRequest&) const = default;
};

struct OffsetDeleteResponse {
    static constexpr ApiKey kKey = ApiKey::OffsetDelete;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 0;

    struct Partition {
        std::int32_t partition_index = 0;
        std::int16_t error_code = 0;  // e.g. GROUP_SUBSCRIBED_TO_TOPIC
        bool operator==(const Partition&) const = default;
    };

    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int16_t error_code = 0;  // group-level: e.g. GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP
    std::int32_t throttle_time_ms = 0;
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const OffsetDeleteResponse&) const = default;
};

}  // namespace kraftlab::protocol
