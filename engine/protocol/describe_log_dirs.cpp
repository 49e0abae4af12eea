#include "protocol/describe_log_dirs.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void DescribeLogDirsRequest::encode(Writer& out, std::int16_t /*version*/) const {
    if (!topics) {
        write_null_array(out);
        return;
    }
    write_array_length(out, topics->size());
    for (const auto& t : *topics) {
        out.string(t.topic);
        write_int32_array(out, t.partitions);
    }
}

bool DescribeLogDirsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const std::int32_t n = read_nullable_array_length(in, 2 + 4);
    if (n >= 0) {
        topics.emplace();
        read_elements(in, n, *topics, [&](Topic& t) {
            t.topic = in.string();
            read_int32_array(in, t.partitions);
        });
    }
    return in.ok();
}

void DescribeLogDirsResponse::encode(Writer& out, std::int16_t /*version*/) const {
    out.i32(throttle_time_ms);
    write_array_length(out, results.size());
    for (const auto& r : results) {
        out.i16(r.error_code);
        out.string(r.log_dir);
        write_array_length(out, r.topics.size());
        for (const auto& t : r.topics) {
            out.string(t.name);
            write_array_length(out, t.partitions.size());
            for (const auto& p : t.partitions) {
                out.i32(p.partition_index);
                out.i64(p.partition_size);
                out.i64(p.offset_lag);
                out.boolean(p.is_future_key);
            }
        }
    }
}

bool DescribeLogDirsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    read_elements(in, read_array_length(in, 2 + 2 + 4), results, [&](Result& r) {
        r.error_code = in.i16();
        r.log_dir = in.string();
        read_elements(in, read_array_length(in, 2 + 4), r.topics, [&](Topic& t) {
            t.name = in.string();
            read_elements(in, read_array_length(in, 4 + 8 + 8 + 1), t.partitions,
                          [&](Partition& p) {
                              p.partition_index = in.i32();
                              p.partition_size = in.i64();
                              p.offset_lag = in.i64();
                              p.is_future_key = in.boolean();
                          });
        });
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
