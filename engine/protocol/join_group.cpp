#include "protocol/join_group.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void JoinGroupRequest::encode(Writer& out, std::int16_t version) const {
    out.string(group_id);
    out.i32(session_timeout_ms);
    if (version >= 1) out.i32(rebalance_timeout_ms);
    out.string(member_id);
    if (version >= 5) out.nullable_string(group_instance_id);
    out.string(protocol_type);
    write_array_length(out, protocols.size());
    for (const auto& p : protocols) {
        out.string(p.name);
        out.bytes(p.metadata);
    }
}

bool JoinGroupRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    group_id = in.string();
    session_timeout_ms = in.i32();
    if (version >= 1) rebalance_timeout_ms = in.i32();
    member_id = in.string();
    if (version >= 5) group_instance_id = in.nullable_string();
    protocol_type = in.string();
    read_elements(in, read_array_length(in, 2 + 4), protocols, [&](Protocol& p) {
        p.name = in.string();
        p.metadata = in.bytes();
    });
    return in.ok();
}

void JoinGroupResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 2) out.i32(throttle_time_ms);
    out.i16(error_code);
    out.i32(generation_id);
    out.string(protocol_name);
    out.string(leader);
    out.string(member_id);
    write_array_length(out, members.size());
    for (const auto& m : members) {
        out.string(m.member_id);
        if (version >= 5) out.nullable_string(m.group_instance_id);
        out.bytes(m.metadata);
    }
}

bool JoinGroupResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 2) throttle_time_ms = in.i32();
    error_code = in.i16();
    generation_id = in.i32();
    protocol_name = in.string();
    leader = in.string();
    member_id = in.string();
    read_elements(in, read_array_length(in, 2 + 4), members, [&](Member& m) {
        m.member_id = in.string();
        if (version >= 5) m.group_instance_id = in.nullable_string();
        m.metadata = in.bytes();
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
