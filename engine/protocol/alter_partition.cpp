#include "protocol/alter_partition.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

// Every version is flexible. A topic is a compact name (v0-1) or a UUID (v2+), then the partitions
// array and tagged fields.
std::size_t topic_min_bytes(std::int16_t version) {
    return (version >= 2 ? 16 : 1) + 1 + 1;
}

std::size_t request_partition_min_bytes(std::int16_t version) {
    // index, leader epoch, ISR array (either kind), partition epoch, tagged fields.
    std::size_t n = 4 + 4 + 1 + 4 + 1;
    if (version >= 1) n += 1;  // leader recovery state
    return n;
}

constexpr std::size_t kBrokerStateMinBytes = 4 + 8 + 1;  // id, epoch, tagged fields

std::size_t response_partition_min_bytes(std::int16_t version) {
    // index, error, leader id, leader epoch, ISR array, partition epoch, tagged fields.
    std::size_t n = 4 + 2 + 4 + 4 + 1 + 4 + 1;
    if (version >= 1) n += 1;  // leader recovery state
    return n;
}

void write_topic(Writer& out, const std::string& name, const Uuid& id, std::int16_t version) {
    if (version >= 2) {
        out.uuid(id);
    } else {
        out.compact_string(name);
    }
}

void read_topic(Reader& in, std::string& name, Uuid& id, std::int16_t version) {
    if (version >= 2) {
        id = in.uuid();
    } else {
        name = in.compact_string();
    }
}

}  // namespace

void AlterPartitionRequest::encode(Writer& out, std::int16_t version) const {
    out.i32(broker_id);
    out.i64(broker_epoch);
    write_array_length(out, topics.size(), true);
    for (const auto& t : topics) {
        write_topic(out, t.topic_name, t.topic_id, version);
        write_array_length(out, t.partitions.size(), true);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i32(p.leader_epoch);
            if (version <= 2) {
                write_int32_array(out, p.new_isr, true);
            } else {
                write_array_length(out, p.new_isr_with_epochs.size(), true);
                for (const auto& b : p.new_isr_with_epochs) {
                    out.i32(b.broker_id);
                    out.i64(b.broker_epoch);
                    out.empty_tagged_fields();
                }
            }
            if (version >= 1) out.i8(p.leader_recovery_state);
            out.i32(p.partition_epoch);
            out.empty_tagged_fields();
        }
        out.empty_tagged_fields();
    }
    out.empty_tagged_fields();
}

bool AlterPartitionRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    broker_id = in.i32();
    broker_epoch = in.i64();
    const std::size_t partition_min = request_partition_min_bytes(version);
    read_elements(
        in, read_array_length(in, topic_min_bytes(version), true), topics, [&](TopicData& t) {
            read_topic(in, t.topic_name, t.topic_id, version);
            read_elements(in, read_array_length(in, partition_min, true), t.partitions,
                          [&](PartitionData& p) {
                              p.partition_index = in.i32();
                              p.leader_epoch = in.i32();
                              if (version <= 2) {
                                  read_int32_array(in, p.new_isr, true);
                              } else {
                                  read_elements(in,
                                                read_array_length(in, kBrokerStateMinBytes, true),
                                                p.new_isr_with_epochs, [&](BrokerState& b) {
                                                    b.broker_id = in.i32();
                                                    b.broker_epoch = in.i64();
                                                    in.tagged_fields();
                                                });
                              }
                              if (version >= 1) p.leader_recovery_state = in.i8();
                              p.partition_epoch = in.i32();
                              in.tagged_fields();
                          });
            in.tagged_fields();
        });
    in.tagged_fields();
    return in.ok();
}

void AlterPartitionResponse::encode(Writer& out, std::int16_t version) const {
    out.i32(throttle_time_ms);
    out.i16(error_code);
    write_array_length(out, topics.size(), true);
    for (const auto& t : topics) {
        write_topic(out, t.topic_name, t.topic_id, version);
        write_array_length(out, t.partitions.size(), true);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i16(p.error_code);
            out.i32(p.leader_id);
            out.i32(p.leader_epoch);
            write_int32_array(out, p.isr, true);
            if (version >= 1) out.i8(p.leader_recovery_state);
            out.i32(p.partition_epoch);
            out.empty_tagged_fields();
        }
        out.empty_tagged_fields();
    }
    out.empty_tagged_fields();
}

bool AlterPartitionResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    error_code = in.i16();
    const std::size_t partition_min = response_partition_min_bytes(version);
    read_elements(in, read_array_length(in, topic_min_bytes(version), true), topics,
                  [&](TopicData& t) {
                      read_topic(in, t.topic_name, t.topic_id, version);
                      read_elements(in, read_array_length(in, partition_min, true), t.partitions,
                                    [&](PartitionData& p) {
                                        p.partition_index = in.i32();
                                        p.error_code = in.i16();
                                        p.leader_id = in.i32();
                                        p.leader_epoch = in.i32();
                                        read_int32_array(in, p.isr, true);
                                        if (version >= 1) p.leader_recovery_state = in.i8();
                                        p.partition_epoch = in.i32();
                                        in.tagged_fields();
                                    });
                      in.tagged_fields();
                  });
    in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
