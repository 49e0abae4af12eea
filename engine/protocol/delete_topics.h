// DeleteTopics (key 20). Versions 0-3, none flexible and sharing one request layout; the response
// adds throttle_time_ms at v1. (v3 only adds the TOPIC_DELETION_DISABLED error code.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct DeleteTopicsRequest {
    static constexpr ApiKey kKey = ApiKey::DeleteTopics;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 3;

    std::vector<std::string> topic_names;
    std::int32_t timeout_ms = 0;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DeleteTopicsRequest&) const = default;
};

struct DeleteTopicsResponse {
    static constexpr ApiKey kKey = ApiKey::DeleteTopics;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 3;

    struct DeletableTopicResult {
        std::string name;
        std::int16_t error_code = 0;
        bool operator==(const DeletableTopicResult&) const = default;
    };

    std::int32_t throttle_time_ms = 0;  // v1+
    std::vector<DeletableTopicResult> responses;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DeleteTopicsResponse&) const = default;
};

}  // namespace kraftlab::protocol
