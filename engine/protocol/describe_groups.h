// DescribeGroups (key 15): the state, protocol and members of consumer groups, as
// kafka-consumer-groups --describe shows them. Versions 0-4, none flexible (v5 is the first
// flexible one).
//
// v1 adds throttle_time_ms to the response; v2 is v1; v3 adds include_authorized_operations to
// the request and authorized_operations to each group in the response; v4 adds
// group_instance_id to each member in the response.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct DescribeGroupsRequest {
    static constexpr ApiKey kKey = ApiKey::DescribeGroups;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    std::vector<std::string> groups;
    bool include_authorized_operations = false;  // v3+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DescribeGroupsRequest&) const = default;
};

struct DescribeGroupsResponse {
    static constexpr ApiKey kKey = ApiKey::DescribeGroups;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    // Kafka's "not requested" value of authorized_operations.
    static constexpr std::int32_t kOperationsNotRequested =
        std::numeric_limits<std::int32_t>::min();

    struct Member {
        std::string member_id;
        std::optional<std::string> group_instance_id;  // v4+
        std::string client_id;
        std::string client_host;
        Bytes member_metadata;    // the subscription under the chosen protocol (Stable only)
        Bytes member_assignment;  // what the leader assigned (Stable only)
        bool operator==(const Member&) const = default;
    };

    struct Group {
        std::int16_t error_code = 0;
        std::string group_id;
        std::string group_state;    // "Stable", "Empty", "Dead", ...
        std::string protocol_type;  // "consumer", or "" when none
        std::string protocol_data;  // the chosen protocol's name (e.g. "range"), or ""
        std::vector<Member> members;
        std::int32_t authorized_operations = kOperationsNotRequested;  // v3+
        bool operator==(const Group&) const = default;
    };

    std::int32_t throttle_time_ms = 0;  // v1+
    std::vector<Group> groups;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DescribeGroupsResponse&) const = default;
};

}  // namespace kraftlab::protocol
