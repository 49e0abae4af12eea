// FindCoordinator (key 10): which broker coordinates a consumer group (key_type 0) or a
// transactional id (key_type 1). Versions 0-2, none flexible (v3 is the first flexible one).
//
// v1 adds key_type to the request and throttle_time_ms and error_message to the response; v2 has
// v1's layout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct FindCoordinatorRequest {
    static constexpr ApiKey kKey = ApiKey::FindCoordinator;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 2;

    std::string key;           // the group id (or transactional id)
    std::int8_t key_type = 0;  // v1+; 0 group, 1 transaction

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const FindCoordinatorRequest&) const = default;
};

struct FindCoordinatorResponse {
    static constexpr ApiKey kKey = ApiKey::FindCoordinator;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 2;

    std::int32_t throttle_time_ms = 0;  // v1+
    std::int16_t error_code = 0;
    std::optional<std::string> error_message;  // v1+
    std::int32_t node_id = -1;
    std::string host;
    std::int32_t port = -1;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const FindCoordinatorResponse&) const = default;
};

}  // namespace kraftlab::protocol
