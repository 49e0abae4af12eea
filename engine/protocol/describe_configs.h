// DescribeConfigs (key 32): the configs of topics and brokers, each value with where it comes
// from (kafka-configs --describe, AdminClient.describeConfigs). Versions 0-2, none flexible.
//
// v0 marks a value is_default; v1 replaces that with config_source (Kafka's ConfigSource) and
// adds synonyms (the other places the same setting could come from, most specific first) when
// the request asks for them; v2 has v1's layout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

// Kafka's DescribeConfigsResponse.ConfigSource.
enum class ConfigSource : std::int8_t {
    Unknown = 0,
    DynamicTopicConfig = 1,
    DynamicBrokerConfig = 2,
    DynamicDefaultBrokerConfig = 3,
    StaticBrokerConfig = 4,
    DefaultConfig = 5,
};

struct DescribeConfigsRequest {
    static constexpr ApiKey kKey = ApiKey::DescribeConfigs;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 2;

    struct Resource {
        std::int8_t resource_type = 2;  // 2 topic, 4 broker
        std::string resource_name;
        std::optional<std::vector<std::string>> configuration_keys;  // null: every config
        bool operator==(const Resource&) const = default;
    };

    std::vector<Resource> resources;
    bool include_synonyms = false;  // v1+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DescribeConfigsRequest&) const = default;
};

struct DescribeConfigsResponse {
    static constexpr ApiKey kKey = ApiKey::DescribeConfigs;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 2;

    struct Synonym {
        std::string name;
        std::optional<std::string> value;
        std::int8_t source = 0;
        bool operator==(const Synonym&) const = default;
    };
    struct Config {
        std::string name;
        std::optional<std::string> value;
        bool read_only = false;
        bool is_default = false;         // v0
        std::int8_t config_source = -1;  // v1+
        bool is_sensitive = false;
        std::vector<Synonym> synonyms;  // v1+
        bool operator==(const Config&) const = default;
    };
    struct Result {
        std::int16_t error_code = 0;
        std::optional<std::string> error_message;
        std::int8_t resource_type = 2;
        std::string resource_name;
        std::vector<Config> configs;
        bool operator==(const Result&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::vector<Result> results;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DescribeConfigsResponse&) const = default;
};

}  // namespace kraftlab::protocol
