#include "protocol/create_topics.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void CreateTopicsRequest::encode(Writer& out, std::int16_t version) const {
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        out.i32(t.num_partitions);
        out.i16(t.replication_factor);
        write_array_length(out, t.assignments.size());
        for (const auto& a : t.assignments) {
            out.i32(a.partition_index);
            write_int32_array(out, a.broker_ids);
        }
        write_array_length(out, t.configs.size());
        for (const auto& c : t.configs) {
            out.string(c.name);
            out.nullable_string(c.value);
        }
    }
    out.i32(timeout_ms);
    if (version >= 1) out.boolean(validate_only);
}

bool CreateTopicsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    // name, num_partitions, replication_factor, assignments and configs lengths.
    const std::size_t topic_min = 2 + 4 + 2 + 4 + 4;
    read_elements(in, read_array_length(in, topic_min), topics, [&](CreatableTopic& t) {
        t.name = in.string();
        t.num_partitions = in.i32();
        t.replication_factor = in.i16();
        read_elements(in, read_array_length(in, 4 + 4), t.assignments,
                      [&](CreatableReplicaAssignment& a) {
                          a.partition_index = in.i32();
                          read_int32_array(in, a.broker_ids);
                      });
        read_elements(in, read_array_length(in, 2 + 2), t.configs, [&](CreatableTopicConfig& c) {
            c.name = in.string();
            c.value = in.nullable_string();
        });
    });
    timeout_ms = in.i32();
    if (version >= 1) validate_only = in.boolean();
    return in.ok();
}

void CreateTopicsResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 2) out.i32(throttle_time_ms);
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        out.i16(t.error_code);
        if (version >= 1) out.nullable_string(t.error_message);
    }
}

bool CreateTopicsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 2) throttle_time_ms = in.i32();
    const std::size_t topic_min = 2 + 2 + (version >= 1 ? 2 : 0);
    read_elements(in, read_array_length(in, topic_min), topics, [&](CreatableTopicResult& t) {
        t.name = in.string();
        t.error_code = in.i16();
        if (version >= 1) t.error_message = in.nullable_string();
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
