#include "protocol/leave_group.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void LeaveGroupRequest::encode(Writer& out, std::int16_t version) const {
    out.string(group_id);
    if (version <= 2) {
        out.string(member_id);
        return;
    }
    write_array_length(out, members.size());
    for (const auto& m : members) {
        out.string(m.member_id);
        out.nullable_string(m.group_instance_id);
    }
}

bool LeaveGroupRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    group_id = in.string();
    if (version <= 2) {
        member_id = in.string();
    } else {
        read_elements(in, read_array_length(in, 2 + 2), members, [&](Member& m) {
            m.member_id = in.string();
            m.group_instance_id = in.nullable_string();
        });
    }
    return in.ok();
}

void LeaveGroupResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 1) out.i32(throttle_time_ms);
    out.i16(error_code);
    if (version < 3) return;
    write_array_length(out, members.size());
    for (const auto& m : members) {
        out.string(m.member_id);
        out.nullable_string(m.group_instance_id);
        out.i16(m.error_code);
    }
}

bool LeaveGroupResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 1) throttle_time_ms = in.i32();
    error_code = in.i16();
    if (version >= 3) {
        read_elements(in, read_array_length(in, 2 + 2 + 2), members, [&](Member& m) {
            m.member_id = in.string();
            m.group_instance_id = in.nullable_string();
            m.error_code = in.i16();
        });
    }
    return in.ok();
}

}  // namespace kraftlab::protocol
