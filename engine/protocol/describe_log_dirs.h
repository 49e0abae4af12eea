// DescribeLogDirs (key 35): what a broker stores where: per log directory, each partition
// replica's size on disk and how far its log end is behind the high watermark (for a follower,
// behind what it knows of the leader's). kafka-log-dirs --describe. Versions 0-1, none
// flexible; v1 has v0's layout. Null topics means every partition the broker has.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct DescribeLogDirsRequest {
    static constexpr ApiKey kKey = ApiKey::DescribeLogDirs;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct Topic {
        std::string topic;
        std::vector<std::int32_t> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::optional<std::vector<Topic>> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DescribeLogDirsRequest&) const = default;
};

struct DescribeLogDirsResponse {
    static constexpr ApiKey kKey = ApiKey::DescribeLogDirs;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct Partition {
        std::int32_t partition_index = 0;
        std::int64_t partition_size = 0;
        std::int64_t offset_lag = 0;
        bool is_future_key = false;
        bool operator==(const Partition&) const = default;
    };
    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };
    struct Result {
        std::int16_t error_code = 0;
        std::string log_dir;
        std::vector<Topic> topics;
        bool operator==(const Result&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::vector<Result> results;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DescribeLogDirsResponse&) const = default;
};

}  // namespace kraftlab::protocol
