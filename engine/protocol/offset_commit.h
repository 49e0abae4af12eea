// OffsetCommit (key 8): a consumer stores the offsets it has consumed up to, per partition, with
// its group's coordinator. Versions 0-7, none flexible (v8 is the first flexible one).
//
// v1 adds generation_id and member_id (the coordinator refuses commits from members of another
// generation) and a per-partition commit_timestamp; v2 drops commit_timestamp and adds
// retention_time_ms; v3 and v4 are v2 (the response gains throttle_time_ms at v3); v5 drops
// retention_time_ms (retention is the broker's offsets.retention.minutes alone); v6 adds
// committed_leader_epoch per partition; v7 adds group_instance_id (static membership).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct OffsetCommitRequest {
    static constexpr ApiKey kKey = ApiKey::OffsetCommit;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 7;

    struct Partition {
        std::int32_t partition_index = 0;
        std::int64_t committed_offset = 0;
        std::int32_t committed_leader_epoch = -1;  // v6+
        std::int64_t commit_timestamp = -1;        // v1 only
        std::optional<std::string> committed_metadata;
        bool operator==(const Partition&) const = default;
    };

    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::string group_id;
    std::int32_t generation_id = -1;               // v1+
    std::string member_id;                         // v1+
    std::optional<std::string> group_instance_id;  // v7+
    std::int64_t retention_time_ms = -1;           // v2-4 (-1: the broker's retention)
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const OffsetCommitRequest&) const = default;
};

struct OffsetCommitResponse {
    static constexpr ApiKey kKey = ApiKey::OffsetCommit;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 7;

    struct Partition {
        std::int32_t partition_index = 0;
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

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const OffsetCommitResponse&) const = default;
};

}  // namespace kraftlab::protocol
