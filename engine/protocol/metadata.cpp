#include "protocol/metadata.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void MetadataRequest::encode(Writer& out, std::int16_t version) const {
    if (!topics) {
        // v0 has no null array; its "all topics" is the empty array.
        out.array_length(version == 0 ? 0 : -1);
    } else {
        write_array_length(out, topics->size());
        for (const auto& topic : *topics)
            out.string(topic.name);
    }
    if (version >= 4) out.boolean(allow_auto_topic_creation);
}

bool MetadataRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    // A null array is malformed in v0 (the schema makes it nullable from v1).
    std::int32_t n = version == 0 ? read_array_length(in, 2) : read_nullable_array_length(in, 2);
    if (n >= 0 && !(version == 0 && n == 0)) {
        topics.emplace();
        read_elements(in, n, *topics, [&](Topic& t) { t.name = in.string(); });
    }
    if (version >= 4) allow_auto_topic_creation = in.boolean();
    return in.ok();
}

void MetadataResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 3) out.i32(throttle_time_ms);
    write_array_length(out, brokers.size());
    for (const auto& b : brokers) {
        out.i32(b.node_id);
        out.string(b.host);
        out.i32(b.port);
        if (version >= 1) out.nullable_string(b.rack);
    }
    if (version >= 2) out.nullable_string(cluster_id);
    if (version >= 1) out.i32(controller_id);
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.i16(t.error_code);
        out.string(t.name);
        if (version >= 1) out.boolean(t.is_internal);
        write_array_length(out, t.partitions.size());
        for (const auto& p : t.partitions) {
            out.i16(p.error_code);
            out.i32(p.partition_index);
            out.i32(p.leader_id);
            write_int32_array(out, p.replica_nodes);
            write_int32_array(out, p.isr_nodes);
        }
    }
}

bool MetadataResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 3) throttle_time_ms = in.i32();
    // node_id, host, port (+ rack from v1).
    const std::size_t broker_min = 4 + 2 + 4 + (version >= 1 ? 2 : 0);
    read_elements(in, read_array_length(in, broker_min), brokers, [&](Broker& b) {
        b.node_id = in.i32();
        b.host = in.string();
        b.port = in.i32();
        if (version >= 1) b.rack = in.nullable_string();
    });
    if (version >= 2) cluster_id = in.nullable_string();
    if (version >= 1) controller_id = in.i32();
    // error_code, name, (is_internal,) partitions length.
    const std::size_t topic_min = 2 + 2 + (version >= 1 ? 1 : 0) + 4;
    // error_code, partition_index, leader_id, two array lengths.
    const std::size_t partition_min = 2 + 4 + 4 + 4 + 4;
    read_elements(in, read_array_length(in, topic_min), topics, [&](Topic& t) {
        t.error_code = in.i16();
        t.name = in.string();
        if (version >= 1) t.is_internal = in.boolean();
        read_elements(in, read_array_length(in, partition_min), t.partitions, [&](Partition& p) {
            p.error_code = in.i16();
            p.partition_index = in.i32();
            p.leader_id = in.i32();
            read_int32_array(in, p.replica_nodes);
            read_int32_array(in, p.isr_nodes);
        });
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
