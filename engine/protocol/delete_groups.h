// DeleteGroups (key 42): removes empty consumer groups and their committed offsets
// (kafka-consumer-groups --delete). Versions 0-1, none flexible (v2 is the first flexible one).
//
// v1 has v0's layout (from v1 a broker answers before throttling on a quota violation). Unlike
// the older group APIs, the response carries throttle_time_ms from v0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct DeleteGroupsRequest {
    static constexpr ApiKey kKey = ApiKey::DeleteGroups;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    std::vector<std::string> groups_names;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DeleteGroupsRequest&) const = default;
};

struct DeleteGroupsResponse {
    static constexpr ApiKey kKey = ApiKey::DeleteGroups;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct Result {
        std::string group_id;
        std::int16_t error_code = 0;  // e.g. NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND
        bool operator==(const Result&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::vector<Result> results;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DeleteGroupsResponse&) const = default;
};

}  // namespace kraftlab::protocol
