#include "protocol/offset_delete.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void OffsetDeleteRequest::encode(Writer& out, std::int16_t /*version*/) const {
    out.string(group_id);
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        write_int32_array(out, t.partitions);
    }
}

bool OffsetDeleteRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    group_id = in.string();
    read_elements(in, read_array_length(in, 2 + 4), topics, [&](Topic& t) {
        t.name = in.string();
        read_int32_array(in, t.partitions);
    });
    return in.ok();
}

void OffsetDeleteResponse::encode(Writer& out, std::int16_t /*version*/) const {
    out.i16(error_code);
    out.i32(throttle_time_ms);
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        write_array_length(out, t.partitions.size());
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i16(p.error_code);
        }
    }
}

bool OffsetDeleteResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    error_code = in.i16();
    throttle_time_ms = in.i32();
    read_elements(in, read_array_length(in, 2 + 4), topics, [&](Topic& t) {
        t.name = in.string();
        read_elements(in, read_array_length(in, 4 + 2), t.partitions, [&](Partition& p) {
            p.partition_index = in.i32();
            p.error_code = in.i16();
        });
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
