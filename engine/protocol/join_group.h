// JoinGroup (key 11): a consumer joins a group, or rejoins it for a rebalance. Versions 0-5,
// none flexible (v6 is the first flexible one; the clients this lab serves send at most v5:
// KAFKA-NOTES §1.3).
//
// v1 adds rebalance_timeout_ms to the request; v2 adds throttle_time_ms to the response; v3 is
// v2; v4 means the client handles MEMBER_ID_REQUIRED (joins again with the id it was given); v5
// adds group_instance_id (static membership) to the request and to each member in the response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct JoinGroupRequest {
    static constexpr ApiKey kKey = ApiKey::JoinGroup;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 5;

    struct Protocol {
        std::string name;
        Bytes metadata;
        bool operator==(const Protocol&) const = default;
    };

    std::string group_id;
    std::int32_t session_timeout_ms = 0;
    std::int32_t rebalance_timeout_ms = -1;  // v1+ (-1: the session timeout)
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v5+
    std::string protocol_type;
    std::vector<Protocol> protocols;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const JoinGroupRequest&) const = default;
};

struct JoinGroupResponse {
    static constexpr ApiKey kKey = ApiKey::JoinGroup;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 5;

    struct Member {
        std::string member_id;
        std::optional<std::string> group_instance_id;  // v5+
        Bytes metadata;
        bool operator==(const Member&) const = default;
    };

    std::int32_t throttle_time_ms = 0;  // v2+
    std::int16_t error_code = 0;
    std::int32_t generation_id = -1;
    std::string protocol_name;
    std::string leader;
    std::string member_id;
    std::vector<Member> members;  // the leader's answer only

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const JoinGroupResponse&) const = default;
};

}  // namespace kraftlab::protocol
