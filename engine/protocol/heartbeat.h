// Heartbeat (key 12): a group member says it is alive in its generation; the answer tells it to
// rejoin when the group rebalances. Versions 0-3, none flexible (v4 is the first flexible one).
//
// v1 adds throttle_time_ms to the response; v2 is v1; v3 adds group_instance_id to the request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct HeartbeatRequest {
    static constexpr ApiKey kKey = ApiKey::Heartbeat;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 3;

    std::string group_id;
    std::int32_t generation_id = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v3+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const HeartbeatRequest&) const = default;
};

struct HeartbeatResponse {
    static constexpr ApiKey kKey = ApiKey::Heartbeat;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 3;

    std::int32_t throttle_time_ms = 0;  // v1+
    std::int16_t error_code = 0;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const HeartbeatResponse&) const = default;
};

}  // namespace kraftlab::protocol
