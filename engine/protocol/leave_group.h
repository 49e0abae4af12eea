// LeaveGroup (key 13): members leave a group at once, without waiting for their session to end.
// Versions 0-3, none flexible (v4 is the first flexible one).
//
// v0-2 name one member (member_id); v1 adds throttle_time_ms to the response; v3 names several
// members, each by member id and group instance id, and answers each with its own error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct LeaveGroupRequest {
    static constexpr ApiKey kKey = ApiKey::LeaveGroup;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 3;

    struct Member {
        std::string member_id;
        std::optional<std::string> group_instance_id;
        bool operator==(const Member&) const = default;
    };

    std::string group_id;
    std::string member_id;        // v0-2
    std::vector<Member> members;  // v3+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const LeaveGroupRequest&) const = default;
};

struct LeaveGroupResponse {
    static constexpr ApiKey kKey = ApiKey::LeaveGroup;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 3;

    struct Member {
        std::string member_id;
        std::optional<std::string> group_instance_id;
        std::int16_t error_code = 0;
        bool operator==(const Member&) const = default;
    };

    std::int32_t throttle_time_ms = 0;  // v1+
    std::int16_t error_code = 0;
    std::vector<Member> members;  // v3+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const LeaveGroupResponse&) const = default;
};

}  // namespace kraftlab::protocol
