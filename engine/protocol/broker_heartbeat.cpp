#include "protocol/broker_heartbeat.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

constexpr std::uint32_t kOfflineLogDirsTag = 0;

}  // namespace

void BrokerHeartbeatRequest::encode(Writer& out, std::int16_t version) const {
    out.i32(broker_id);
    out.i64(broker_epoch);
    out.i64(current_metadata_offset);
    out.boolean(want_fence);
    out.boolean(want_shut_down);
    if (version >= 1 && !offline_log_dirs.empty()) {
        out.uvarint(1);
        write_tagged_field(out, kOfflineLogDirsTag, false,
                           [&](Writer& w) { write_uuid_array(w, offline_log_dirs, true); });
    } else {
        out.empty_tagged_fields();
    }
}

bool BrokerHeartbeatRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    broker_id = in.i32();
    broker_epoch = in.i64();
    current_metadata_offset = in.i64();
    want_fence = in.boolean();
    want_shut_down = in.boolean();
    // v0 knows no tags: a tag 0 there is an unknown field and is skipped.
    in.tagged_fields([&](std::uint32_t tag, Reader& field) {
        if (version < 1 || tag != kOfflineLogDirsTag) return false;
        read_uuid_array(field, offline_log_dirs, true);
        finish_tagged_value(field);
        return true;
    });
    return in.ok();
}

void BrokerHeartbeatResponse::encode(Writer& out, std::int16_t) const {
    out.i32(throttle_time_ms);
    out.i16(error_code);
    out.boolean(is_caught_up);
    out.boolean(is_fenced);
    out.boolean(should_shut_down);
    out.empty_tagged_fields();
}

bool BrokerHeartbeatResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    error_code = in.i16();
    is_caught_up = in.boolean();
    is_fenced = in.boolean();
    should_shut_down = in.boolean();
    in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
