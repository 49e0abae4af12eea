#include "protocol/vote.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

// Every version is flexible: compact name, compact partitions array, tagged fields.
constexpr std::size_t kTopicMinBytes = 1 + 1 + 1;

std::size_t request_partition_min_bytes(std::int16_t version) {
    std::size_t n = 4 + 4 + 4 + 4 + 8;  // index, candidate epoch and id, last offset epoch, offset
    if (version >= 1) n += 16 + 16;     // candidate and voter directory ids
    return n + 1;                       // tagged fields
}

// index, error, leader id, leader epoch, vote granted, tagged fields.
constexpr std::size_t kResponsePartitionMinBytes = 4 + 2 + 4 + 4 + 1 + 1;

}  // namespace

void VoteRequest::encode(Writer& out, std::int16_t version) const {
    out.compact_nullable_string(cluster_id);
    if (version >= 1) out.i32(voter_id);
    write_array_length(out, topics.size(), true);
    for (const auto& t : topics) {
        out.compact_string(t.topic_name);
        write_array_length(out, t.partitions.size(), true);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i32(p.candidate_epoch);
            out.i32(p.candidate_id);
            if (version >= 1) {
                out.uuid(p.candidate_directory_id);
                out.uuid(p.voter_directory_id);
            }
            out.i32(p.last_offset_epoch);
            out.i64(p.last_offset);
            out.empty_tagged_fields();
        }
        out.empty_tagged_fields();
    }
    out.empty_tagged_fields();
}

bool VoteRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    cluster_id = in.compact_nullable_string();
    if (version >= 1) voter_id = in.i32();
    const std::size_t partition_min = request_partition_min_bytes(version);
    read_elements(in, read_array_length(in, kTopicMinBytes, true), topics, [&](TopicData& t) {
        t.topic_name = in.compact_string();
        read_elements(in, read_array_length(in, partition_min, true), t.partitions,
                      [&](PartitionData& p) {
                          p.partition_index = in.i32();
                          p.candidate_epoch = in.i32();
                          p.candidate_id = in.i32();
                          if (version >= 1) {
                              p.candidate_directory_id = in.uuid();
                              p.voter_directory_id = in.uuid();
                          }
                          p.last_offset_epoch = in.i32();
                          p.last_offset = in.i64();
                          in.tagged_fields();
                      });
        in.tagged_fields();
    });
    in.tagged_fields();
    return in.ok();
}

void VoteResponse::encode(Writer& out, std::int16_t version) const {
    out.i16(error_code);
    write_array_length(out, topics.size(), true);
    for (const auto& t : topics) {
        out.compact_string(t.topic_name);
        write_array_length(out, t.partitions.size(), true);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i16(p.error_code);
            out.i32(p.leader_id);
            out.i32(p.leader_epoch);
            out.boolean(p.vote_granted);
            out.empty_tagged_fields();
        }
        out.empty_tagged_fields();
    }
    if (version >= 1) {
        write_node_endpoints_tagged_section(out, node_endpoints);
    } else {
        out.empty_tagged_fields();
    }
}

bool VoteResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    error_code = in.i16();
    read_elements(in, read_array_length(in, kTopicMinBytes, true), topics, [&](TopicData& t) {
        t.topic_name = in.compact_string();
        read_elements(in, read_array_length(in, kResponsePartitionMinBytes, true), t.partitions,
                      [&](PartitionData& p) {
                          p.partition_index = in.i32();
                          p.error_code = in.i16();
                          p.leader_id = in.i32();
                          p.leader_epoch = in.i32();
                          p.vote_granted = in.boolean();
                          in.tagged_fields();
                      });
        in.tagged_fields();
    });
    if (version >= 1) {
        read_node_endpoints_tagged_section(in, node_endpoints);
    } else {
        in.tagged_fields();  // v0 knows no tags: a tag 0 from a newer writer is skipped
    }
    return in.ok();
}

}  // namespace kraftlab::protocol
