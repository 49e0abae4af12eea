// ListGroups (key 16): the groups a broker coordinates, as kafka-consumer-groups --list shows
// them (an admin client asks every broker and merges the answers). Versions 0-2, none flexible
// (v3 is the first flexible one; the states filter, v4, exists only in flexible versions).
//
// The request has no fields at any of these versions. v1 adds throttle_time_ms to the response;
// v2 is v1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct ListGroupsRequest {
    static constexpr ApiKey kKey = ApiKey::ListGroups;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 2;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const ListGroupsRequest&) const = default;
};

struct ListGroupsResponse {
    static constexpr ApiKey kKey = ApiKey::ListGroups;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 2;

    struct Group {
        std::string group_id;
        std::string protocol_type;  // "consumer", or "" for a group that only commits offsets
        bool operator==(const Group&) const = default;
    };

    std::int32_t throttle_time_ms = 0;  // v1+
    std::int16_t error_code = 0;
    std::vector<Group> groups;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const ListGroupsResponse&) const = default;
};

}  // namespace kraftlab::protocol
