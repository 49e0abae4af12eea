#include "protocol/sync_group.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void SyncGroupRequest::encode(Writer& out, std::int16_t version) const {
    out.string(group_id);
    out.i32(generation_id);
    out.string(member_id);
    if (version >= 3) out.nullable_string(group_instance_id);
    write_array_length(out, assignments.size());
    for (const auto& a : assignments) {
        out.string(a.member_id);
        out.bytes(a.assignment);
    }
}

bool SyncGroupRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    group_id = in.string();
    generation_id = in.i32();
    member_id = in.string();
    if (version >= 3) group_instance_id = in.nullable_string();
    read_elements(in, read_array_length(in, 2 + 4), assignments, [&](Assignment& a) {
        a.member_id = in.string();
        a.assignment = in.bytes();
    });
    return in.ok();
}

void SyncGroupResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 1) out.i32(throttle_time_ms);
    out.i16(error_code);
    out.bytes(assignment);
}

bool SyncGroupResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 1) throttle_time_ms = in.i32();
    error_code = in.i16();
    assignment = in.bytes();
    return in.ok();
}

}  // namespace kraftlab::protocol
