#include "protocol/fetch.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

constexpr std::uint32_t kClusterIdTag = 0;
constexpr std::uint32_t kDivergingEpochTag = 0;
constexpr std::uint32_t kCurrentLeaderTag = 1;
constexpr std::uint32_t kSnapshotIdTag = 2;

// Minimum wire size of a topic entry (name or id, then the partitions array length, then in
// flexible versions the entry's tagged-field count).
std::size_t topic_min_bytes(std::int16_t version, bool flexible) {
    std::size_t id = version >= 13 ? 16 : min_string_bytes(flexible);
    return id + min_array_bytes(flexible) + (flexible ? 1 : 0);
}

std::size_t fetch_partition_min_bytes(std::int16_t version, bool flexible) {
    std::size_t n = 4 + 8 + 4;  // partition, fetch_offset, partition_max_bytes
    if (version >= 5) n += 8;   // log_start_offset
    if (version >= 9) n += 4;   // current_leader_epoch
    if (version >= 12) n += 4;  // last_fetched_epoch
    return n + (flexible ? 1 : 0);
}

std::size_t partition_data_min_bytes(std::int16_t version, bool flexible) {
    // partition_index, error_code, high_watermark, last_stable_offset, aborted array, records.
    std::size_t n = 4 + 2 + 8 + 8 + min_array_bytes(flexible) + (flexible ? 1 : 4);
    if (version >= 5) n += 8;   // log_start_offset
    if (version >= 11) n += 4;  // preferred_read_replica
    return n + (flexible ? 1 : 0);
}

void write_topic_name_or_id(Writer& out, const std::string& name, const Uuid& id,
                            std::int16_t version, bool flexible) {
    if (version >= 13) {
        out.uuid(id);
    } else {
        write_string(out, name, flexible);
    }
}

void read_topic_name_or_id(Reader& in, std::string& name, Uuid& id, std::int16_t version,
                           bool flexible) {
    if (version >= 13) {
        id = in.uuid();
    } else {
        name = read_string(in, flexible);
    }
}

}  // namespace

void FetchRequest::encode(Writer& out, std::int16_t version) const {
    const bool flexible = is_flexible(kKey, version);
    out.i32(replica_id);
    out.i32(max_wait_ms);
    out.i32(min_bytes);
    out.i32(max_bytes);
    out.i8(isolation_level);
    if (version >= 7) {
        out.i32(session_id);
        out.i32(session_epoch);
    }
    write_array_length(out, topics.size(), flexible);
    for (const auto& t : topics) {
        write_topic_name_or_id(out, t.topic, t.topic_id, version, flexible);
        write_array_length(out, t.partitions.size(), flexible);
        for (const auto& p : t.partitions) {
            out.i32(p.partition);
            if (version >= 9) out.i32(p.current_leader_epoch);
            out.i64(p.fetch_offset);
            if (version >= 12) out.i32(p.last_fetched_epoch);
            if (version >= 5) out.i64(p.log_start_offset);
            out.i32(p.partition_max_bytes);
            if (flexible) out.empty_tagged_fields();
        }
        if (flexible) out.empty_tagged_fields();
    }
    if (version >= 7) {
        write_array_length(out, forgotten_topics_data.size(), flexible);
        for (const auto& f : forgotten_topics_data) {
            write_topic_name_or_id(out, f.topic, f.topic_id, version, flexible);
            write_int32_array(out, f.partitions, flexible);
            if (flexible) out.empty_tagged_fields();
        }
    }
    if (version >= 11) write_string(out, rack_id, flexible);
    if (flexible) {
        out.uvarint(cluster_id ? 1 : 0);
        if (cluster_id) {
            write_tagged_field(out, kClusterIdTag, false,
                               [&](Writer& w) { w.compact_nullable_string(cluster_id); });
        }
    }
}

bool FetchRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = is_flexible(kKey, version);
    replica_id = in.i32();
    max_wait_ms = in.i32();
    min_bytes = in.i32();
    max_bytes = in.i32();
    isolation_level = in.i8();
    if (version >= 7) {
        session_id = in.i32();
        session_epoch = in.i32();
    }
    const std::size_t partition_min = fetch_partition_min_bytes(version, flexible);
    read_elements(in, read_array_length(in, topic_min_bytes(version, flexible), flexible), topics,
                  [&](FetchTopic& t) {
                      read_topic_name_or_id(in, t.topic, t.topic_id, version, flexible);
                      read_elements(in, read_array_length(in, partition_min, flexible),
                                    t.partitions, [&](FetchPartition& p) {
                                        p.partition = in.i32();
                                        if (version >= 9) p.current_leader_epoch = in.i32();
                                        p.fetch_offset = in.i64();
                                        if (version >= 12) p.last_fetched_epoch = in.i32();
                                        if (version >= 5) p.log_start_offset = in.i64();
                                        p.partition_max_bytes = in.i32();
                                        if (flexible) in.tagged_fields();
                                    });
                      if (flexible) in.tagged_fields();
                  });
    if (version >= 7) {
        read_elements(in, read_array_length(in, topic_min_bytes(version, flexible), flexible),
                      forgotten_topics_data, [&](ForgottenTopic& f) {
                          read_topic_name_or_id(in, f.topic, f.topic_id, version, flexible);
                          read_int32_array(in, f.partitions, flexible);
                          if (flexible) in.tagged_fields();
                      });
    }
    if (version >= 11) rack_id = read_string(in, flexible);
    if (flexible) {
        in.tagged_fields([&](std::uint32_t tag, Reader& field) {
            if (tag != kClusterIdTag) return false;
            cluster_id = field.compact_nullable_string();
            if (!field.at_end()) field.fail();
            return true;
        });
    }
    return in.ok();
}

void FetchResponse::encode(Writer& out, std::int16_t version) const {
    const bool flexible = is_flexible(kKey, version);
    out.i32(throttle_time_ms);
    if (version >= 7) {
        out.i16(error_code);
        out.i32(session_id);
    }
    write_array_length(out, responses.size(), flexible);
    for (const auto& t : responses) {
        write_topic_name_or_id(out, t.topic, t.topic_id, version, flexible);
        write_array_length(out, t.partitions.size(), flexible);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i16(p.error_code);
            out.i64(p.high_watermark);
            out.i64(p.last_stable_offset);
            if (version >= 5) out.i64(p.log_start_offset);
            if (!p.aborted_transactions) {
                write_null_array(out, flexible);
            } else {
                write_array_length(out, p.aborted_transactions->size(), flexible);
                for (const auto& a : *p.aborted_transactions) {
                    out.i64(a.producer_id);
                    out.i64(a.first_offset);
                    if (flexible) out.empty_tagged_fields();
                }
            }
            if (version >= 11) out.i32(p.preferred_read_replica);
            write_records(out, p.records, flexible);
            if (flexible) {
                const bool diverging = p.diverging_epoch != EpochEndOffset{};
                const bool leader = p.current_leader != LeaderIdAndEpoch{};
                const bool snapshot = p.snapshot_id != SnapshotId{};
                out.uvarint(static_cast<std::uint32_t>(diverging + leader + snapshot));
                if (diverging) {
                    write_tagged_field(out, kDivergingEpochTag, true, [&](Writer& w) {
                        w.i32(p.diverging_epoch.epoch);
                        w.i64(p.diverging_epoch.end_offset);
                    });
                }
                if (leader) {
                    write_tagged_field(out, kCurrentLeaderTag, true, [&](Writer& w) {
                        w.i32(p.current_leader.leader_id);
                        w.i32(p.current_leader.leader_epoch);
                    });
                }
                if (snapshot) {
                    write_tagged_field(out, kSnapshotIdTag, true, [&](Writer& w) {
                        w.i64(p.snapshot_id.end_offset);
                        w.i32(p.snapshot_id.epoch);
                    });
                }
            }
        }
        if (flexible) out.empty_tagged_fields();
    }
    if (flexible) out.empty_tagged_fields();
}

bool FetchResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = is_flexible(kKey, version);
    throttle_time_ms = in.i32();
    if (version >= 7) {
        error_code = in.i16();
        session_id = in.i32();
    }
    const std::size_t partition_min = partition_data_min_bytes(version, flexible);
    const std::size_t aborted_min = 8 + 8 + (flexible ? 1 : 0);
    read_elements(in, read_array_length(in, topic_min_bytes(version, flexible), flexible),
                  responses, [&](FetchableTopicResponse& t) {
                      read_topic_name_or_id(in, t.topic, t.topic_id, version, flexible);
                      read_elements(in, read_array_length(in, partition_min, flexible),
                                    t.partitions, [&](PartitionData& p) {
                                        p.partition_index = in.i32();
                                        p.error_code = in.i16();
                                        p.high_watermark = in.i64();
                                        p.last_stable_offset = in.i64();
                                        if (version >= 5) p.log_start_offset = in.i64();
                                        std::int32_t n =
                                            read_nullable_array_length(in, aborted_min, flexible);
                                        if (n < 0) {
                                            p.aborted_transactions.reset();
                                        } else {
                                            read_elements(in, n, *p.aborted_transactions,
                                                          [&](AbortedTransaction& a) {
                                                              a.producer_id = in.i64();
                                                              a.first_offset = in.i64();
                                                              if (flexible) in.tagged_fields();
                                                          });
                                        }
                                        if (version >= 11) p.preferred_read_replica = in.i32();
                                        p.records = read_records(in, flexible);
                                        if (!flexible) return;
                                        in.tagged_fields([&](std::uint32_t tag, Reader& field) {
                                            switch (tag) {
                                                case kDivergingEpochTag:
                                                    p.diverging_epoch.epoch = field.i32();
                                                    p.diverging_epoch.end_offset = field.i64();
                                                    break;
                                                case kCurrentLeaderTag:
                                                    p.current_leader.leader_id = field.i32();
                                                    p.current_leader.leader_epoch = field.i32();
                                                    break;
                                                case kSnapshotIdTag:
                                                    p.snapshot_id.end_offset = field.i64();
                                                    p.snapshot_id.epoch = field.i32();
                                                    break;
                                                default:
                                                    return false;
                                            }
                                            finish_tagged_struct(field);
                                            return true;
                                        });
                                    });
                      if (flexible) in.tagged_fields();
                  });
    if (flexible) in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
