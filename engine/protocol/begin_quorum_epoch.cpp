#include "protocol/begin_quorum_epoch.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

std::size_t topic_min_bytes(bool flexible) {
    return min_string_bytes(flexible) + min_array_bytes(flexible) + (flexible ? 1 : 0);
}

std::size_t request_partition_min_bytes(std::int16_t version, bool flexible) {
    std::size_t n = 4 + 4 + 4;      // index, leader id, leader epoch
    if (version >= 1) n += 16;      // voter directory id
    return n + (flexible ? 1 : 0);  // tagged fields
}

std::size_t response_partition_min_bytes(bool flexible) {
    return 4 + 2 + 4 + 4 + (flexible ? 1 : 0);  // index, error, leader id and epoch, tags
}

}  // namespace

void BeginQuorumEpochRequest::encode(Writer& out, std::int16_t version) const {
    const bool flexible = is_flexible(kKey, version);
    write_nullable_string(out, cluster_id, flexible);
    if (version >= 1) out.i32(voter_id);
    write_array_length(out, topics.size(), flexible);
    for (const auto& t : topics) {
        write_string(out, t.topic_name, flexible);
        write_array_length(out, t.partitions.size(), flexible);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            if (version >= 1) out.uuid(p.voter_directory_id);
            out.i32(p.leader_id);
            out.i32(p.leader_epoch);
            if (flexible) out.empty_tagged_fields();
        }
        if (flexible) out.empty_tagged_fields();
    }
    if (version >= 1) write_listener_endpoints(out, leader_endpoints);
    if (flexible) out.empty_tagged_fields();
}

bool BeginQuorumEpochRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = is_flexible(kKey, version);
    cluster_id = read_nullable_string(in, flexible);
    if (version >= 1) voter_id = in.i32();
    const std::size_t partition_min = request_partition_min_bytes(version, flexible);
    read_elements(in, read_array_length(in, topic_min_bytes(flexible), flexible), topics,
                  [&](TopicData& t) {
                      t.topic_name = read_string(in, flexible);
                      read_elements(in, read_array_length(in, partition_min, flexible),
                                    t.partitions, [&](PartitionData& p) {
                                        p.partition_index = in.i32();
                                        if (version >= 1) p.voter_directory_id = in.uuid();
                                        p.leader_id = in.i32();
                                        p.leader_epoch = in.i32();
                                        if (flexible) in.tagged_fields();
                                    });
                      if (flexible) in.tagged_fields();
                  });
    if (version >= 1) read_listener_endpoints(in, leader_endpoints);
    if (flexible) in.tagged_fields();
    return in.ok();
}

void BeginQuorumEpochResponse::encode(Writer& out, std::int16_t version) const {
    const bool flexible = is_flexible(kKey, version);
    out.i16(error_code);
    write_array_length(out, topics.size(), flexible);
    for (const auto& t : topics) {
        write_string(out, t.topic_name, flexible);
        write_array_length(out, t.partitions.size(), flexible);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i16(p.error_code);
            out.i32(p.leader_id);
            out.i32(p.leader_epoch);
            if (flexible) out.empty_tagged_fields();
        }
        if (flexible) out.empty_tagged_fields();
    }
    if (flexible) write_node_endpoints_tagged_section(out, node_endpoints);
}

bool BeginQuorumEpochResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = is_flexible(kKey, version);
    error_code = in.i16();
    const std::size_t partition_min = response_partition_min_bytes(flexible);
    read_elements(in, read_array_length(in, topic_min_bytes(flexible), flexible), topics,
                  [&](TopicData& t) {
                      t.topic_name = read_string(in, flexible);
                      read_elements(in, read_array_length(in, partition_min, flexible),
                                    t.partitions, [&](PartitionData& p) {
                                        p.partition_index = in.i32();
                                        p.error_code = in.i16();
                                        p.leader_id = in.i32();
                                        p.leader_epoch = in.i32();
                                        if (flexible) in.tagged_fields();
                                    });
                      if (flexible) in.tagged_fields();
                  });
    if (flexible) read_node_endpoints_tagged_section(in, node_endpoints);
    return in.ok();
}

}  // namespace kraftlab::protocol
