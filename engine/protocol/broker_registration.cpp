#include "protocol/broker_registration.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

// compact name, compact host, port, security protocol, tagged fields.
constexpr std::size_t kListenerMinBytes = 1 + 1 + 2 + 2 + 1;
// compact name, min and max version, tagged fields.
constexpr std::size_t kFeatureMinBytes = 1 + 2 + 2 + 1;

}  // namespace

void BrokerRegistrationRequest::encode(Writer& out, std::int16_t version) const {
    out.i32(broker_id);
    out.compact_string(cluster_id);
    out.uuid(incarnation_id);
    write_array_length(out, listeners.size(), true);
    for (const auto& l : listeners) {
        out.compact_string(l.name);
        out.compact_string(l.host);
        out.u16(l.port);
        out.i16(l.security_protocol);
        out.empty_tagged_fields();
    }
    write_array_length(out, features.size(), true);
    for (const auto& f : features) {
        out.compact_string(f.name);
        out.i16(f.min_supported_version);
        out.i16(f.max_supported_version);
        out.empty_tagged_fields();
    }
    out.compact_nullable_string(rack);
    if (version >= 1) out.boolean(is_migrating_zk_broker);
    if (version >= 2) write_uuid_array(out, log_dirs, true);
    if (version >= 3) out.i64(previous_broker_epoch);
    out.empty_tagged_fields();
}

bool BrokerRegistrationRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    broker_id = in.i32();
    cluster_id = in.compact_string();
    incarnation_id = in.uuid();
    read_elements(in, read_array_length(in, kListenerMinBytes, true), listeners, [&](Listener& l) {
        l.name = in.compact_string();
        l.host = in.compact_string();
        l.port = in.u16();
        l.security_protocol = in.i16();
        in.tagged_fields();
    });
    read_elements(in, read_array_length(in, kFeatureMinBytes, true), features, [&](Feature& f) {
        f.name = in.compact_string();
        f.min_supported_version = in.i16();
        f.max_supported_version = in.i16();
        in.tagged_fields();
    });
    rack = in.compact_nullable_string();
    if (version >= 1) is_migrating_zk_broker = in.boolean();
    if (version >= 2) read_uuid_array(in, log_dirs, true);
    if (version >= 3) previous_broker_epoch = in.i64();
    in.tagged_fields();
    return in.ok();
}

void BrokerRegistrationResponse::encode(Writer& out, std::int16_t) const {
    out.i32(throttle_time_ms);
    out.i16(error_code);
    out.i64(broker_epoch);
    out.empty_tagged_fields();
}

bool BrokerRegistrationResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    error_code = in.i16();
    broker_epoch = in.i64();
    in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
