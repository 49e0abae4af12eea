#include "protocol/describe_quorum.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

// Every version is flexible: compact name, compact partitions array, tagged fields.
constexpr std::size_t kTopicMinBytes = 1 + 1 + 1;
constexpr std::size_t kRequestPartitionMinBytes = 4 + 1;  // index, tagged fields

std::size_t response_partition_min_bytes(std::int16_t version) {
    // index, error, leader id, leader epoch, high watermark, two array lengths, tagged fields.
    std::size_t n = 4 + 2 + 4 + 4 + 8 + 1 + 1 + 1;
    if (version >= 2) n += 1;  // error message
    return n;
}

std::size_t replica_state_min_bytes(std::int16_t version) {
    std::size_t n = 4 + 8 + 1;     // replica id, log end offset, tagged fields
    if (version >= 1) n += 8 + 8;  // timestamps
    if (version >= 2) n += 16;     // directory id
    return n;
}

constexpr std::size_t kNodeMinBytes = 4 + 1 + 1;  // node id, listeners array, tagged fields

void write_replica_states(Writer& out, const std::vector<DescribeQuorumResponse::ReplicaState>& rs,
                          std::int16_t version) {
    write_array_length(out, rs.size(), true);
    for (const auto& r : rs) {
        out.i32(r.replica_id);
        if (version >= 2) out.uuid(r.replica_directory_id);
        out.i64(r.log_end_offset);
        if (version >= 1) {
            out.i64(r.last_fetch_timestamp);
            out.i64(r.last_caught_up_timestamp);
        }
        out.empty_tagged_fields();
    }
}

void read_replica_states(Reader& in, std::vector<DescribeQuorumResponse::ReplicaState>& out,
                         std::int16_t version) {
    read_elements(in, read_array_length(in, replica_state_min_bytes(version), true), out,
                  [&](DescribeQuorumResponse::ReplicaState& r) {
                      r.replica_id = in.i32();
                      if (version >= 2) r.replica_directory_id = in.uuid();
                      r.log_end_offset = in.i64();
                      if (version >= 1) {
                          r.last_fetch_timestamp = in.i64();
                          r.last_caught_up_timestamp = in.i64();
                      }
                      in.tagged_fields();
                  });
}

}  // namespace

void DescribeQuorumRequest::encode(Writer& out, std::int16_t) const {
    write_array_length(out, topics.size(), true);
    for (const auto& t : topics) {
        out.compact_string(t.topic_name);
        write_array_length(out, t.partitions.size(), true);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.empty_tagged_fields();
        }
        out.empty_tagged_fields();
    }
    out.empty_tagged_fields();
}

bool DescribeQuorumRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    read_elements(in, read_array_length(in, kTopicMinBytes, true), topics, [&](TopicData& t) {
        t.topic_name = in.compact_string();
        read_elements(in, read_array_length(in, kRequestPartitionMinBytes, true), t.partitions,
                      [&](PartitionData& p) {
                          p.partition_index = in.i32();
                          in.tagged_fields();
                      });
        in.tagged_fields();
    });
    in.tagged_fields();
    return in.ok();
}

void DescribeQuorumResponse::encode(Writer& out, std::int16_t version) const {
    out.i16(error_code);
    if (version >= 2) out.compact_nullable_string(error_message);
    write_array_length(out, topics.size(), true);
    for (const auto& t : topics) {
        out.compact_string(t.topic_name);
        write_array_length(out, t.partitions.size(), true);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i16(p.error_code);
            if (version >= 2) out.compact_nullable_string(p.error_message);
            out.i32(p.leader_id);
            out.i32(p.leader_epoch);
            out.i64(p.high_watermark);
            write_replica_states(out, p.current_voters, version);
            write_replica_states(out, p.observers, version);
            out.empty_tagged_fields();
        }
        out.empty_tagged_fields();
    }
    if (version >= 2) {
        write_array_length(out, nodes.size(), true);
        for (const auto& n : nodes) {
            out.i32(n.node_id);
            write_listener_endpoints(out, n.listeners);
            out.empty_tagged_fields();
        }
    }
    out.empty_tagged_fields();
}

bool DescribeQuorumResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    error_code = in.i16();
    if (version >= 2) error_message = in.compact_nullable_string();
    const std::size_t partition_min = response_partition_min_bytes(version);
    read_elements(in, read_array_length(in, kTopicMinBytes, true), topics, [&](TopicData& t) {
        t.topic_name = in.compact_string();
        read_elements(in, read_array_length(in, partition_min, true), t.partitions,
                      [&](PartitionData& p) {
                          p.partition_index = in.i32();
                          p.error_code = in.i16();
                          if (version >= 2) p.error_message = in.compact_nullable_string();
                          p.leader_id = in.i32();
                          p.leader_epoch = in.i32();
                          p.high_watermark = in.i64();
                          read_replica_states(in, p.current_voters, version);
                          read_replica_states(in, p.observers, version);
                          in.tagged_fields();
                      });
        in.tagged_fields();
    });
    if (version >= 2) {
        read_elements(in, read_array_length(in, kNodeMinBytes, true), nodes, [&](Node& n) {
            n.node_id = in.i32();
            read_listener_endpoints(in, n.listeners);
            in.tagged_fields();
        });
    }
    in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
