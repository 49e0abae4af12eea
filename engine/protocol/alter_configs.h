// AlterConfigs (key 33): replaces the whole set of a resource's explicit configs; a config the
// request does not name returns to its default (the pre-KIP-339 call that kafka-python,
// confluent-kafka 1.7 and kafkajs make). Versions 0-1, none flexible; v1 has v0's layout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct AlterConfigsRequest {
    static constexpr ApiKey kKey = ApiKey::AlterConfigs;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct Config {
        std::string name;
        std::optional<std::string> value;
        bool operator==(const Config&) const = default;
    };
    struct Resource {
        std::int8_t resource_type = 2;  // 2 topic, 4 broker
        std::string resource_name;
        std::vector<Config> configs;
        bool operator==(const Resource&) const = default;
    };

    std::vector<Resource> resources;
    bool validate_only = false;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const AlterConfigsRequest&) const = default;
};

struct AlterConfigsResponse {
    static constexpr ApiKey kKey = ApiKey::AlterConfigs;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct Result {
        std::int16_t error_code = 0;
        std::optional<std::string> error_message;
        std::int8_t resource_type = 2;
        std::string resource_name;
        bool operator==(const Result&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::vector<Result> responses;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const AlterConfigsResponse&) const = default;
};

}  // namespace kraftlab::protocol
