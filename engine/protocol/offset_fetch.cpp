#include "protocol/offset_fetch.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void OffsetFetchRequest::encode(Writer& out, std::int16_t version) const {
    out.string(group_id);
    if (!topics) {
        // v0-1 cannot say "all"; see the header.
        out.array_length(version >= 2 ? -1 : 0);
        return;
    }
    write_array_length(out, topics->size());
    for (const auto& t : *topics) {
        out.string(t.name);
        write_int32_array(out, t.partition_indexes);
    }
}

bool OffsetFetchRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    group_id = in.string();
    // A null array is malformed before v2 (the schema makes it nullable from v2).
    const std::int32_t n =
        version >= 2 ? read_nullable_array_length(in, 2 + 4) : read_array_length(in, 2 + 4);
    if (n >= 0 && in.ok()) {
        topics.emplace();
        read_elements(in, n, *topics, [&](Topic& t) {
            t.name = in.string();
            read_int32_array(in, t.partition_indexes);
        });
    }
    return in.ok();
}

void OffsetFetchResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 3) out.i32(throttle_time_ms);
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        write_array_length(out, t.partitions.size());
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i64(p.committed_offset);
            if (version >= 5) out.i32(p.committed_leader_epoch);
            out.nullable_string(p.metadata);
            out.i16(p.error_code);
        }
    }
    if (version >= 2) out.i16(error_code);
}

bool OffsetFetchResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 3) throttle_time_ms = in.i32();
    // index, offset, (leader epoch,) metadata length, error.
    const std::size_t partition_min = 4 + 8 + (version >= 5 ? 4 : 0) + 2 + 2;
    read_elements(in, read_array_length(in, 2 + 4), topics, [&](Topic& t) {
        t.name = in.string();
        read_elements(in, read_array_length(in, partition_min), t.partitions, [&](Partition& p) {
            p.partition_index = in.i32();
            p.committed_offset = in.i64();
            if (version >= 5) p.committed_leader_epoch = in.i32();
            p.metadata = in.nullable_string();
            p.error_code = in.i16();
        });
    });
    if (version >= 2) error_code = in.i16();
    return in.ok();
}

}  // namespace kraftlab::protocol
