#include "protocol/heartbeat.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void HeartbeatRequest::encode(Writer& out, std::int16_t version) const {
    out.string(group_id);
    out.i32(generation_id);
    out.string(member_id);
    if (version >= 3) out.nullable_string(group_instance_id);
}

bool HeartbeatRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    group_id = in.string();
    generation_id = in.i32();
    member_id = in.string();
    if (version >= 3) group_instance_id = in.nullable_string();
    return in.ok();
}

void HeartbeatResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 1) out.i32(throttle_time_ms);
    out.i16(error_code);
}

bool HeartbeatResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 1) throttle_time_ms = in.i32();
    error_code = in.i16();
    return in.ok();
}

}  // namespace kraftlab::protocol
