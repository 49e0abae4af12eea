#include "protocol/list_offsets.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void ListOffsetsRequest::encode(Writer& out, std::int16_t version) const {
    out.i32(replica_id);
    if (version >= 2) out.i8(isolation_level);
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        write_array_length(out, t.partitions.size());
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i64(p.timestamp);
        }
    }
}

bool ListOffsetsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    replica_id = in.i32();
    if (version >= 2) isolation_level = in.i8();
    read_elements(in, read_array_length(in, 2 + 4), topics, [&](Topic& t) {
        t.name = in.string();
        read_elements(in, read_array_length(in, 4 + 8), t.partitions, [&](Partition& p) {
            p.partition_index = in.i32();
            p.timestamp = in.i64();
        });
    });
    return in.ok();
}

void ListOffsetsResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 2) out.i32(throttle_time_ms);
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        write_array_length(out, t.partitions.size());
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i16(p.error_code);
            out.i64(p.timestamp);
            out.i64(p.offset);
        }
    }
}

bool ListOffsetsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 2) throttle_time_ms = in.i32();
    read_elements(in, read_array_length(in, 2 + 4), topics, [&](Topic& t) {
        t.name = in.string();
        read_elements(in, read_array_length(in, 4 + 2 + 8 + 8), t.partitions, [&](Partition& p) {
            p.partition_index = in.i32();
            p.error_code = in.i16();
            p.timestamp = in.i64();
            p.offset = in.i64();
        });
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
