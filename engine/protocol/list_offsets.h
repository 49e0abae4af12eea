// ListOffsets (key 2): the offset of a partition at a timestamp, or at the log's start or end.
// Versions 1-2, not flexible (v0's multi-offset form is not implemented). v2 adds the isolation
// level to the request and throttle_time_ms to the response.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct ListOffsetsRequest {
    static constexpr ApiKey kKey = ApiKey::ListOffsets;
    static constexpr std::int16_t kMinVersion = 1;
    static constexpr std::int16_t kMaxVersion = 2;

    // Special values of Partition::timestamp.
    static constexpr std::int64_t kLatestTimestamp = -1;    // the log end offset (or LSO)
    static constexpr std::int64_t kEarliestTimestamp = -2;  // the log start offset

    struct Partition {
        std::int32_t partition_index = 0;
        std::int64_t timestamp = 0;
        bool operator==(const Partition&) const = default;
    };

    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t replica_id = 0;      // -1 for consumers
    std::int8_t isolation_level = 0;  // v2+; 0 read_uncommitted, 1 read_committed
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const ListOffsetsRequest&) const = default;
};

struct ListOffsetsResponse {
    static constexpr ApiKey kKey = ApiKey::ListOffsets;
    static constexpr std::int16_t kMinVersion = 1;
    static constexpr std::int16_t kMaxVersion = 2;

    struct Partition {
        std::int32_t partition_index = 0;
        std::int16_t error_code = 0;
        std::int64_t timestamp = -1;
        std::int64_t offset = -1;
        bool operator==(const Partition&) const = default;
    };

    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t throttle_time_ms = 0;  // v2+
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const ListOffsetsResponse&) const = default;
};

}  // namespace kraftlab::protocol
