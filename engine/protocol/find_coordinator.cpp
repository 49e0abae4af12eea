#include "protocol/find_coordinator.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void FindCoordinatorRequest::encode(Writer& out, std::int16_t version) const {
    out.string(key);
    if (version >= 1) out.i8(key_type);
}

bool FindCoordinatorRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    key = in.string();
    if (version >= 1) key_type = in.i8();
    return in.ok();
}

void FindCoordinatorResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 1) out.i32(throttle_time_ms);
    out.i16(error_code);
    if (version >= 1) out.nullable_string(error_message);
    out.i32(node_id);
    out.string(host);
    out.i32(port);
}

bool FindCoordinatorResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 1) throttle_time_ms = in.i32();
    error_code = in.i16();
    if (version >= 1) error_message = in.nullable_string();
    node_id = in.i32();
    host = in.string();
    port = in.i32();
    return in.ok();
}

}  // namespace kraftlab::protocol
