// CreateTopics (key 19). Versions 0-4, none flexible: v1 adds validate_only and a per-topic
// error_message, v2 adds throttle_time_ms, v3 and v4 keep v2's layout.
//
// num_partitions and replication_factor may be -1 ("use the broker default", KIP-464). Kafka's
// Java client sends -1 only from v4, but kafkajs sends it at every version, so the codec carries
// any value at any version and leaves the policy to the broker.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct CreateTopicsRequest {
    static constexpr ApiKey kKey = ApiKey::CreateTopics;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    struct CreatableReplicaAssignment {
        std::int32_t partition_index = 0;
        std::vector<std::int32_t> broker_ids;
        bool operator==(const CreatableReplicaAssignment&) const = default;
    };

    struct CreatableTopicConfig {
        std::string name;
        std::optional<std::string> value;
        bool operator==(const CreatableTopicConfig&) const = default;
    };

    struct CreatableTopic {
        std::string name;
        std::int32_t num_partitions = 0;      // -1: broker default (or given by assignments)
        std::int16_t replication_factor = 0;  // -1: broker default (or given by assignments)
        std::vector<CreatableReplicaAssignment> assignments;  // empty: automatic placement
        std::vector<CreatableTopicConfig> configs;
        bool operator==(const CreatableTopic&) const = default;
    };

    std::vector<CreatableTopic> topics;
    std::int32_t timeout_ms = 60000;
    bool validate_only = false;  // v1+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const CreateTopicsRequest&) const = default;
};

struct CreateTopicsResponse {
    static constexpr ApiKey kKey = ApiKey::CreateTopics;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    struct CreatableTopicResult {
        std::string name;
        std::int16_t error_code = 0;
        // Nullable. Kafka's default (what a v0 response decodes to) is the empty string, not null.
        std::optional<std::string> error_message = std::string{};  // v1+
        bool operator==(const CreatableTopicResult&) const = default;
    };

    std::int32_t throttle_time_ms = 0;  // v2+
    std::vector<CreatableTopicResult> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const CreateTopicsResponse&) const = default;
};

}  // namespace kraftlab::protocol
