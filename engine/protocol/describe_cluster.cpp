#include "protocol/describe_cluster.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void DescribeClusterRequest::encode(Writer& out, std::int16_t /*version*/) const {
    out.boolean(include_cluster_authorized_operations);
    out.empty_tagged_fields();
}

bool DescribeClusterRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    include_cluster_authorized_operations = in.boolean();
    in.tagged_fields();
    return in.ok();
}

void DescribeClusterResponse::encode(Writer& out, std::int16_t /*version*/) const {
    out.i32(throttle_time_ms);
    out.i16(error_code);
    out.compact_nullable_string(error_message);
    out.compact_string(cluster_id);
    out.i32(controller_id);
    write_array_length(out, brokers.size(), true);
    for (const auto& b : brokers) {
        out.i32(b.broker_id);
        out.compact_string(b.host);
        out.i32(b.port);
        out.compact_nullable_string(b.rack);
        out.empty_tagged_fields();
    }
    out.i32(cluster_authorized_operations);
    out.empty_tagged_fields();
}

bool DescribeClusterResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    error_code = in.i16();
    error_message = in.compact_nullable_string();
    cluster_id = in.compact_string();
    controller_id = in.i32();
    read_elements(in, read_array_length(in, 4 + 1 + 4 + 1 + 1, true), brokers, [&](Broker& b) {
        b.broker_id = in.i32();
        b.host = in.compact_string();
        b.port = in.i32();
        b.rack = in.compact_nullable_string();
        in.tagged_fields();
    });
    cluster_authorized_operations = in.i32();
    in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
