#include "protocol/describe_groups.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void DescribeGroupsRequest::encode(Writer& out, std::int16_t version) const {
    write_array_length(out, groups.size());
    for (const auto& g : groups)
        out.string(g);
    if (version >= 3) out.boolean(include_authorized_operations);
}

bool DescribeGroupsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    read_elements(in, read_array_length(in, 2), groups, [&](std::string& g) { g = in.string(); });
    if (version >= 3) include_authorized_operations = in.boolean();
    return in.ok();
}

void DescribeGroupsResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 1) out.i32(throttle_time_ms);
    write_array_length(out, groups.size());
    for (const auto& g : groups) {
        out.i16(g.error_code);
        out.string(g.group_id);
        out.string(g.group_state);
        out.string(g.protocol_type);
        out.string(g.protocol_data);
        write_array_length(out, g.members.size());
        for (const auto& m : g.members) {
            out.string(m.member_id);
            if (version >= 4) out.nullable_string(m.group_instance_id);
            out.string(m.client_id);
            out.string(m.client_host);
            out.bytes(m.member_metadata);
            out.bytes(m.member_assignment);
        }
        if (version >= 3) out.i32(g.authorized_operations);
    }
}

bool DescribeGroupsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 1) throttle_time_ms = in.i32();
    // error, four strings, the members' count (, authorized operations).
    const std::size_t group_min = 2 + 4 * 2 + 4 + (version >= 3 ? 4 : 0);
    // member id, (instance id,) client id, client host, two byte lengths.
    const std::size_t member_min = 2 + (version >= 4 ? 2 : 0) + 2 + 2 + 4 + 4;
    read_elements(in, read_array_length(in, group_min), groups, [&](Group& g) {
        g.error_code = in.i16();
        g.group_id = in.string();
        g.group_state = in.string();
        g.protocol_type = in.string();
        g.protocol_data = in.string();
        read_elements(in, read_array_length(in, member_min), g.members, [&](Member& m) {
            m.member_id = in.string();
            if (version >= 4) m.group_instance_id = in.nullable_string();
            m.client_id = in.string();
            m.client_host = in.string();
            m.member_metadata = in.bytes();
            m.member_assignment = in.bytes();
        });
        if (version >= 3) g.authorized_operations = in.i32();
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
