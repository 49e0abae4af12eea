// CreatePartitions (key 37): grows a topic to a new partition count, optionally saying which
// brokers hold each new partition's replicas (kafka-topics --alter --partitions). Versions 0-1,
// none flexible; v1 has v0's layout. Forwarded by brokers to the active controller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct CreatePartitionsRequest {
    static constexpr ApiKey kKey = ApiKey::CreatePartitions;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct Topic {
        std::string name;
        std::int32_t count = 0;  // the new total
        // One replica list per new partition, or null: the controller places them.
        std::optional<std::vector<std::vector<std::int32_t>>> assignments;
        bool operator==(const Topic&) const = default;
    };

    std::vector<Topic> topics;
    std::int32_t timeout_ms = 0;
    bool validate_only = false;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const CreatePartitionsRequest&) const = default;
};

struct CreatePartitionsResponse {
    static constexpr ApiKey kKey = ApiKey::CreatePartitions;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct Result {
        std::string name;
        std::int16_t error_code = 0;
        std::optional<std::string> error_message;
        bool operator==(const Result&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::vector<Result> results;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const CreatePartitionsResponse&) const = default;
};

}  // namespace kraftlab::protocol
