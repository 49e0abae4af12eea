#include "protocol/list_groups.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void ListGroupsRequest::encode(Writer& /*out*/, std::int16_t /*version*/) const {}

bool ListGroupsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    return check_version(in, version, kMinVersion, kMaxVersion);
}

void ListGroupsResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 1) out.i32(throttle_time_ms);
    out.i16(error_code);
    write_array_length(out, groups.size());
    for (const auto& g : groups) {
        out.string(g.group_id);
        out.string(g.protocol_type);
    }
}

bool ListGroupsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 1) throttle_time_ms = in.i32();
    error_code = in.i16();
    read_elements(in, read_array_length(in, 2 + 2), groups, [&](Group& g) {
        g.group_id = in.string();
        g.protocol_type = in.string();
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
