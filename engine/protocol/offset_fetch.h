// OffsetFetch (key 9): a consumer asks its group's coordinator for the offsets the group has
// committed, to know where to resume. Versions 0-5, none flexible (v6 is the first flexible one;
// require_stable, v7, and several groups per request, v8, exist only in flexible versions).
//
// v0 read offsets kept in ZooKeeper and v1 those in __consumer_offsets, with one layout; v2 lets
// topics be null (every partition the group has committed) and adds a top-level error_code to the
// response (group and coordinator errors, which v0-1 could only repeat in every partition); v3
// adds throttle_time_ms to the response; v4 is v3; v5 adds committed_leader_epoch per partition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct OffsetFetchRequest {
    static constexpr ApiKey kKey = ApiKey::OffsetFetch;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 5;

    struct Topic {
        std::string name;
        std::vector<std::int32_t> partition_indexes;
        bool operator==(const Topic&) const = default;
    };

    std::string group_id;
    // nullopt: every committed partition of the group (v2+). v0-1 have no null array: there a
    // nullopt is written as an empty list, which asks for nothing, so callers that want "all" at
    // those versions must name the partitions (Kafka's client refuses to send it).
    std::optional<std::vector<Topic>> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const OffsetFetchRequest&) const = default;
};

struct OffsetFetchResponse {
    static constexpr ApiKey kKey = ApiKey::OffsetFetch;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 5;

    struct Partition {
        std::int32_t partition_index = 0;
        std::int64_t committed_offset = -1;        // -1: nothing committed
        std::int32_t committed_leader_epoch = -1;  // v5+
        std::optional<std::string> metadata;
        std::int16_t error_code = 0;
        bool operator==(const Partition&) const = default;
    };

    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t throttle_time_ms = 0;  // v3+
    std::vector<Topic> topics;
    std::int16_t error_code = 0;  // v2+; on the wire after the topics

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const OffsetFetchResponse&) const = default;
};

}  // namespace kraftlab::protocol
