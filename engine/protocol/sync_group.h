// SyncGroup (key 14): after a JoinGroup, each member asks for its assignment; the leader member
// sends everyone's. Versions 0-3, none flexible (v4 is the first flexible one).
//
// v1 adds throttle_time_ms to the response; v2 is v1; v3 adds group_instance_id to the request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct SyncGroupRequest {
    static constexpr ApiKey kKey = ApiKey::SyncGroup;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 3;

    struct Assignment {
        std::string member_id;
        Bytes assignment;
        bool operator==(const Assignment&) const = default;
    };

    std::string group_id;
    std::int32_t generation_id = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v3+
    std::vector<Assignment> assignments;           // the leader's only

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const SyncGroupRequest&) const = default;
};

struct SyncGroupResponse {
    static constexpr ApiKey kKey = ApiKey::SyncGroup;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 3;

    std::int32_t throttle_time_ms = 0;  // v1+
    std::int16_t error_code = 0;
    Bytes assignment;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const SyncGroupResponse&) const = default;
};

}  // namespace kraftlab::protocol
