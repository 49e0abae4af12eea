#include "protocol/offset_for_leader_epoch.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

std::size_t topic_min_bytes(bool flexible) {
    return min_string_bytes(flexible) + min_array_bytes(flexible) + (flexible ? 1 : 0);
}

std::size_t request_partition_min_bytes(std::int16_t version, bool flexible) {
    std::size_t n = 4 + 4;     // partition, leader epoch
    if (version >= 2) n += 4;  // current leader epoch
    return n + (flexible ? 1 : 0);
}

std::size_t response_partition_min_bytes(std::int16_t version, bool flexible) {
    std::size_t n = 2 + 4 + 8;  // error, partition, end offset
    if (version >= 1) n += 4;   // leader epoch
    return n + (flexible ? 1 : 0);
}

}  // namespace

void OffsetForLeaderEpochRequest::encode(Writer& out, std::int16_t version) const {
    const bool flexible = is_flexible(kKey, version);
    if (version >= 3) out.i32(replica_id);
    write_array_length(out, topics.size(), flexible);
    for (const auto& t : topics) {
        write_string(out, t.topic, flexible);
        write_array_length(out, t.partitions.size(), flexible);
        for (const auto& p : t.partitions) {
            out.i32(p.partition);
            if (version >= 2) out.i32(p.current_leader_epoch);
            out.i32(p.leader_epoch);
            if (flexible) out.empty_tagged_fields();
        }
        if (flexible) out.empty_tagged_fields();
    }
    if (flexible) out.empty_tagged_fields();
}

bool OffsetForLeaderEpochRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = is_flexible(kKey, version);
    if (version >= 3) replica_id = in.i32();
    const std::size_t partition_min = request_partition_min_bytes(version, flexible);
    read_elements(in, read_array_length(in, topic_min_bytes(flexible), flexible), topics,
                  [&](Topic& t) {
                      t.topic = read_string(in, flexible);
                      read_elements(in, read_array_length(in, partition_min, flexible),
                                    t.partitions, [&](Partition& p) {
                                        p.partition = in.i32();
                                        if (version >= 2) p.current_leader_epoch = in.i32();
                                        p.leader_epoch = in.i32();
                                        if (flexible) in.tagged_fields();
                                    });
                      if (flexible) in.tagged_fields();
                  });
    if (flexible) in.tagged_fields();
    return in.ok();
}

void OffsetForLeaderEpochResponse::encode(Writer& out, std::int16_t version) const {
    const bool flexible = is_flexible(kKey, version);
    if (version >= 2) out.i32(throttle_time_ms);
    write_array_length(out, topics.size(), flexible);
    for (const auto& t : topics) {
        write_string(out, t.topic, flexible);
        write_array_length(out, t.partitions.size(), flexible);
        for (const auto& p : t.partitions) {
            out.i16(p.error_code);
            out.i32(p.partition);
            if (version >= 1) out.i32(p.leader_epoch);
            out.i64(p.end_offset);
            if (flexible) out.empty_tagged_fields();
        }
        if (flexible) out.empty_tagged_fields();
    }
    if (flexible) out.empty_tagged_fields();
}

bool OffsetForLeaderEpochResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = is_flexible(kKey, version);
    if (version >= 2) throttle_time_ms = in.i32();
    const std::size_t partition_min = response_partition_min_bytes(version, flexible);
    read_elements(in, read_array_length(in, topic_min_bytes(flexible), flexible), topics,
                  [&](Topic& t) {
                      t.topic = read_string(in, flexible);
                      read_elements(in, read_array_length(in, partition_min, flexible),
                                    t.partitions, [&](EpochEndOffset& p) {
                                        p.error_code = in.i16();
                                        p.partition = in.i32();
                                        if (version >= 1) p.leader_epoch = in.i32();
                                        p.end_offset = in.i64();
                                        if (flexible) in.tagged_fields();
                                    });
                      if (flexible) in.tagged_fields();
                  });
    if (flexible) in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
