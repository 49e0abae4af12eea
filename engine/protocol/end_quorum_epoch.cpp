#include "protocol/end_quorum_epoch.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

std::size_t topic_min_bytes(bool flexible) {
    return min_string_bytes(flexible) + min_array_bytes(flexible) + (flexible ? 1 : 0);
}

std::size_t request_partition_min_bytes(bool flexible) {
    // index, leader id, leader epoch, then the successors (v0) or candidates (v1+) array length.
    return 4 + 4 + 4 + min_array_bytes(flexible) + (flexible ? 1 : 0);
}

// candidate id, directory id, tagged fields (v1+ only, always flexible).
constexpr std::size_t kReplicaInfoMinBytes = 4 + 16 + 1;

std::size_t response_partition_min_bytes(bool flexible) {
    return 4 + 2 + 4 + 4 + (flexible ? 1 : 0);  // index, error, leader id and epoch, tags
}

}  // namespace

void EndQuorumEpochRequest::encode(Writer& out, std::int16_t version) const {
    const bool flexible = is_flexible(kKey, version);
    write_nullable_string(out, cluster_id, flexible);
    write_array_length(out, topics.size(), flexible);
    for (const auto& t : topics) {
        write_string(out, t.topic_name, flexible);
        write_array_length(out, t.partitions.size(), flexible);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i32(p.leader_id);
            out.i32(p.leader_epoch);
            if (version == 0) write_int32_array(out, p.preferred_successors, flexible);
            if (version >= 1) {
                write_array_length(out, p.preferred_candidates.size(), flexible);
                for (const auto& c : p.preferred_candidates) {
                    out.i32(c.candidate_id);
                    out.uuid(c.candidate_directory_id);
                    out.empty_tagged_fields();
                }
            }
            if (flexible) out.empty_tagged_fields();
        }
        if (flexible) out.empty_tagged_fields();
    }
    if (version >= 1) write_listener_endpoints(out, leader_endpoints);
    if (flexible) out.empty_tagged_fields();
}

bool EndQuorumEpochRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = is_flexible(kKey, version);
    cluster_id = read_nullable_string(in, flexible);
    const std::size_t partition_min = request_partition_min_bytes(flexible);
    read_elements(
        in, read_array_length(in, topic_min_bytes(flexible), flexible), topics, [&](TopicData& t) {
            t.topic_name = read_string(in, flexible);
            read_elements(in, read_array_length(in, partition_min, flexible), t.partitions,
                          [&](PartitionData& p) {
                              p.partition_index = in.i32();
                              p.leader_id = in.i32();
                              p.leader_epoch = in.i32();
                              if (version == 0)
                                  read_int32_array(in, p.preferred_successors, flexible);
                              if (version >= 1) {
                                  read_elements(
                                      in, read_array_length(in, kReplicaInfoMinBytes, flexible),
                                      p.preferred_candidates, [&](ReplicaInfo& c) {
                                          c.candidate_id = in.i32();
                                          c.candidate_directory_id = in.uuid();
                                          in.tagged_fields();
                                      });
                              }
                              if (flexible) in.tagged_fields();
                          });
            if (flexible) in.tagged_fields();
        });
    if (version >= 1) read_listener_endpoints(in, leader_endpoints);
    if (flexible) in.tagged_fields();
    return in.ok();
}

void EndQuorumEpochResponse::encode(Writer& out, std::int16_t version) const {
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

bool EndQuorumEpochResponse::decode(Reader& in, std::int16_t version) {
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
