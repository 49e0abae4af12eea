// IncrementalAlterConfigs (key 44): set or delete single config entries of resources (topics,
// brokers) without restating the others (KIP-339). Versions 0-1; v1 is flexible (compact strings
// and arrays, tagged fields), with the same fields as v0.
//
// Operations: 0 SET, 1 DELETE (back to the default), 2 APPEND and 3 SUBTRACT (list configs).
// Resource types as in Kafka's ConfigResource.Type: 2 TOPIC, 4 BROKER, 8 BROKER_LOGGER.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

enum class ConfigOperation : std::int8_t { Set = 0, Delete = 1, Append = 2, Subtract = 3 };
inline constexpr std::int8_t kConfigResourceTopic = 2;
inline constexpr std::int8_t kConfigResourceBroker = 4;

struct IncrementalAlterConfigsRequest {
    static constexpr ApiKey kKey = ApiKey::IncrementalAlterConfigs;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct AlterableConfig {
        std::string name;
        std::int8_t config_operation = 0;  // ConfigOperation
        std::optional<std::string> value;  // nullable
        bool operator==(const AlterableConfig&) const = default;
    };

    struct AlterConfigsResource {
        std::int8_t resource_type = kConfigResourceTopic;
        std::string resource_name;
        std::vector<AlterableConfig> configs;
        bool operator==(const AlterConfigsResource&) const = default;
    };

    std::vector<AlterConfigsResource> resources;
    bool validate_only = false;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const IncrementalAlterConfigsRequest&) const = default;
};

struct IncrementalAlterConfigsResponse {
    static constexpr ApiKey kKey = ApiKey::IncrementalAlterConfigs;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct AlterConfigsResourceResponse {
        std::int16_t error_code = 0;
        std::optional<std::string> error_message;  // null when there was no error
        std::int8_t resource_type = kConfigResourceTopic;
        std::string resource_name;
        bool operator==(const AlterConfigsResourceResponse&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::vector<AlterConfigsResourceResponse> responses;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const IncrementalAlterConfigsResponse&) const = default;
};

}  // namespace kraftlab::protocol
