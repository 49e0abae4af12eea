#include "protocol/delete_records.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void DeleteRecordsRequest::encode(Writer& out, std::int16_t /*version*/) const {
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        write_array_length(out, t.partitions.size());
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i64(p.offset);
        }
    }
    out.i32(timeout_ms);
}

bool DeleteRecordsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    read_elements(in, read_array_length(in, 2 + 4), topics, [&](Topic& t) {
        t.name = in.string();
        read_elements(in, read_array_length(in, 4 + 8), t.partitions, [&](Partition& p) {
            p.partition_index = in.i32();
            p.offset = in.i64();
        });
    });
    timeout_ms = in.i32();
    return in.ok();
}

void DeleteRecordsResponse::encode(Writer& out, std::int16_t /*version*/) const {
    out.i32(throttle_time_ms);
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        write_array_length(out, t.partitions.size());
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i64(p.low_watermark);
            out.i16(p.error_code);
        }
    }
}

bool DeleteRecordsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    read_elements(in, read_array_length(in, 2 + 4), topics, [&](Topic& t) {
        t.name = in.string();
        read_elements(in, read_array_length(in, 4 + 8 + 2), t.partitions, [&](Partition& p) {
            p.partition_index = in.i32();
            p.low_watermark = in.i64();
            p.error_code = in.i16();
        });
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
