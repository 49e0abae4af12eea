// Metadata (key 3): brokers, topics, partitions and their leaders. Versions 0-4, none flexible.
//
// The request's topic list means different things by version: in v0 an empty array asks for all
// topics; from v1 a null array asks for all topics and an empty array for none. The struct models
// the meaning, not the bytes: topics == nullopt is "all topics" at every version. So a v0 empty
// array decodes to nullopt and nullopt encodes as a v0 empty array. v0 cannot ask for no topics: an
// empty vector encodes as v0's "all".
//
// allow_auto_topic_creation exists from v4; older requests decode with its default (true), which is
// how Kafka treats them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct MetadataRequest {
    static constexpr ApiKey kKey = ApiKey::Metadata;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    struct Topic {
        std::string name;
        bool operator==(const Topic&) const = default;
    };

    std::optional<std::vector<Topic>> topics;  // nullopt: all topics
    bool allow_auto_topic_creation = true;     // v4+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const MetadataRequest&) const = default;
};

struct MetadataResponse {
    static constexpr ApiKey kKey = ApiKey::Metadata;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    struct Broker {
        std::int32_t node_id = 0;
        std::string host;
        std::int32_t port = 0;
        std::optional<std::string> rack;  // v1+
        bool operator==(const Broker&) const = default;
    };

    struct Partition {
        std::int16_t error_code = 0;
        std::int32_t partition_index = 0;
        std::int32_t leader_id = 0;
        std::vector<std::int32_t> replica_nodes;
        std::vector<std::int32_t> isr_nodes;
        bool operator==(const Partition&) const = default;
    };

    struct Topic {
        std::int16_t error_code = 0;
        std::string name;
        bool is_internal = false;  // v1+
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t throttle_time_ms = 0;  // v3+
    std::vector<Broker> brokers;
    std::optional<std::string> cluster_id;  // v2+
    // Clients send CreateTopics to this broker (v1+; -1 when unknown).
    std::int32_t controller_id = -1;  // v1+
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const MetadataResponse&) const = default;
};

}  // namespace kraftlab::protocol
