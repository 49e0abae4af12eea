#include "protocol/elect_leaders.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void ElectLeadersRequest::encode(Writer& out, std::int16_t version) const {
    if (version >= 1) out.i8(election_type);
    if (!topic_partitions) {
        write_null_array(out);
    } else {
        write_array_length(out, topic_partitions->size());
        for (const auto& t : *topic_partitions) {
            out.string(t.topic);
            write_int32_array(out, t.partitions);
        }
    }
    out.i32(timeout_ms);
}

bool ElectLeadersRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 1) election_type = in.i8();
    const std::int32_t n = read_nullable_array_length(in, 2 + 4);
    if (n >= 0) {
        topic_partitions.emplace();
        read_elements(in, n, *topic_partitions, [&](TopicPartitions& t) {
            t.topic = in.string();
            read_int32_array(in, t.partitions);
        });
    }
    timeout_ms = in.i32();
    return in.ok();
}

void ElectLeadersResponse::encode(Writer& out, std::int16_t version) const {
    out.i32(throttle_time_ms);
    if (version >= 1) out.i16(error_code);
    write_array_length(out, results.size());
    for (const auto& t : results) {
        out.string(t.topic);
        write_array_length(out, t.partitions.size());
        for (const auto& p : t.partitions) {
            out.i32(p.partition_id);
            out.i16(p.error_code);
            out.nullable_string(p.error_message);
        }
    }
}

bool ElectLeadersResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    if (version >= 1) error_code = in.i16();
    read_elements(in, read_array_length(in, 2 + 4), results, [&](TopicResult& t) {
        t.topic = in.string();
        read_elements(in, read_array_length(in, 4 + 2 + 2), t.partitions, [&](PartitionResult& p) {
            p.partition_id = in.i32();
            p.error_code = in.i16();
            p.error_message = in.nullable_string();
        });
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
