#include "protocol/produce.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void ProduceRequest::encode(Writer& out, std::int16_t version) const {
    if (version >= 3) out.nullable_string(transactional_id);
    out.i16(acks);
    out.i32(timeout_ms);
    write_array_length(out, topic_data.size());
    for (const auto& t : topic_data) {
        out.string(t.name);
        write_array_length(out, t.partition_data.size());
        for (const auto& p : t.partition_data) {
            out.i32(p.index);
            write_records(out, p.records);
        }
    }
}

bool ProduceRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 3) transactional_id = in.nullable_string();
    acks = in.i16();
    timeout_ms = in.i32();
    // name + partition_data length; index + records length.
    read_elements(in, read_array_length(in, 2 + 4), topic_data, [&](TopicProduceData& t) {
        t.name = in.string();
        read_elements(in, read_array_length(in, 4 + 4), t.partition_data,
                      [&](PartitionProduceData& p) {
                          p.index = in.i32();
                          p.records = read_records(in);
                      });
    });
    return in.ok();
}

void ProduceResponse::encode(Writer& out, std::int16_t version) const {
    write_array_length(out, responses.size());
    for (const auto& t : responses) {
        out.string(t.name);
        write_array_length(out, t.partition_responses.size());
        for (const auto& p : t.partition_responses) {
            out.i32(p.index);
            out.i16(p.error_code);
            out.i64(p.base_offset);
            if (version >= 2) out.i64(p.log_append_time_ms);
            if (version >= 5) out.i64(p.log_start_offset);
        }
    }
    if (version >= 1) out.i32(throttle_time_ms);
}

bool ProduceResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    // index, error_code, base_offset, log_append_time_ms (+ log_start_offset from v5).
    const std::size_t partition_min = 4 + 2 + 8 + (version >= 2 ? 8 : 0) + (version >= 5 ? 8 : 0);
    read_elements(in, read_array_length(in, 2 + 4), responses, [&](TopicProduceResponse& t) {
        t.name = in.string();
        read_elements(in, read_array_length(in, partition_min), t.partition_responses,
                      [&](PartitionProduceResponse& p) {
                          p.index = in.i32();
                          p.error_code = in.i16();
                          p.base_offset = in.i64();
                          if (version >= 2) p.log_append_time_ms = in.i64();
                          if (version >= 5) p.log_start_offset = in.i64();
                      });
    });
    if (version >= 1) throttle_time_ms = in.i32();
    return in.ok();
}

}  // namespace kraftlab::protocol
