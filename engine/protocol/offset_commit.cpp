#include "protocol/offset_commit.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

// Wire size of a request partition before its metadata string's bytes: index, offset, the
// version's optional fields, and the metadata's length prefix.
std::size_t request_partition_min(std::int16_t version) {
    return 4 + 8 + (version >= 6 ? 4 : 0) + (version == 1 ? 8 : 0) + 2;
}

}  // namespace

void OffsetCommitRequest::encode(Writer& out, std::int16_t version) const {
    out.string(group_id);
    if (version >= 1) {
        out.i32(generation_id);
        out.string(member_id);
    }
    if (version >= 7) out.nullable_string(group_instance_id);
    if (version >= 2 && version <= 4) out.i64(retention_time_ms);
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        write_array_length(out, t.partitions.size());
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i64(p.committed_offset);
            if (version >= 6) out.i32(p.committed_leader_epoch);
            if (version == 1) out.i64(p.commit_timestamp);
            out.nullable_string(p.committed_metadata);
        }
    }
}

bool OffsetCommitRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    group_id = in.string();
    if (version >= 1) {
        generation_id = in.i32();
        member_id = in.string();
    }
    if (version >= 7) group_instance_id = in.nullable_string();
    if (version >= 2 && version <= 4) retention_time_ms = in.i64();
    const std::size_t partition_min = request_partition_min(version);
    read_elements(in, read_array_length(in, 2 + 4), topics, [&](Topic& t) {
        t.name = in.string();
        read_elements(in, read_array_length(in, partition_min), t.partitions, [&](Partition& p) {
            p.partition_index = in.i32();
            p.committed_offset = in.i64();
            if (version >= 6) p.committed_leader_epoch = in.i32();
            if (version == 1) p.commit_timestamp = in.i64();
            p.committed_metadata = in.nullable_string();
        });
    });
    return in.ok();
}

void OffsetCommitResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 3) out.i32(throttle_time_ms);
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

bool OffsetCommitResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 3) throttle_time_ms = in.i32();
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
