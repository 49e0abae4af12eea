#include "protocol/partition_reassignments.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

// All four messages are flexible from version 0: compact strings and arrays, tagged fields.

void AlterPartitionReassignmentsRequest::encode(Writer& out, std::int16_t /*version*/) const {
    out.i32(timeout_ms);
    write_array_length(out, topics.size(), true);
    for (const auto& t : topics) {
        out.compact_string(t.name);
        write_array_length(out, t.partitions.size(), true);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            if (p.replicas) {
                write_int32_array(out, *p.replicas, true);
            } else {
                write_null_array(out, true);
            }
            out.empty_tagged_fields();
        }
        out.empty_tagged_fields();
    }
    out.empty_tagged_fields();
}

bool AlterPartitionReassignmentsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    timeout_ms = in.i32();
    read_elements(in, read_array_length(in, 1 + 1 + 1, true), topics, [&](Topic& t) {
        t.name = in.compact_string();
        read_elements(in, read_array_length(in, 4 + 1 + 1, true), t.partitions, [&](Partition& p) {
            p.partition_index = in.i32();
            const std::int32_t n = read_nullable_array_length(in, 4, true);
            if (n >= 0) {
                p.replicas.emplace();
                read_elements(in, n, *p.replicas, [&](std::int32_t& v) { v = in.i32(); });
            }
            in.tagged_fields();
        });
        in.tagged_fields();
    });
    in.tagged_fields();
    return in.ok();
}

void AlterPartitionReassignmentsResponse::encode(Writer& out, std::int16_t /*version*/) const {
    out.i32(throttle_time_ms);
    out.i16(error_code);
    out.compact_nullable_string(error_message);
    write_array_length(out, responses.size(), true);
    for (const auto& t : responses) {
        out.compact_string(t.name);
        write_array_length(out, t.partitions.size(), true);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            out.i16(p.error_code);
            out.compact_nullable_string(p.error_message);
            out.empty_tagged_fields();
        }
        out.empty_tagged_fields();
    }
    out.empty_tagged_fields();
}

bool AlterPartitionReassignmentsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    error_code = in.i16();
    error_message = in.compact_nullable_string();
    read_elements(in, read_array_length(in, 1 + 1 + 1, true), responses, [&](Topic& t) {
        t.name = in.compact_string();
        read_elements(in, read_array_length(in, 4 + 2 + 1 + 1, true), t.partitions,
                      [&](Partition& p) {
                          p.partition_index = in.i32();
                          p.error_code = in.i16();
                          p.error_message = in.compact_nullable_string();
                          in.tagged_fields();
                      });
        in.tagged_fields();
    });
    in.tagged_fields();
    return in.ok();
}

void ListPartitionReassignmentsRequest::encode(Writer& out, std::int16_t /*version*/) const {
    out.i32(timeout_ms);
    if (topics) {
        write_array_length(out, topics->size(), true);
        for (const auto& t : *topics) {
            out.compact_string(t.name);
            write_int32_array(out, t.partition_indexes, true);
            out.empty_tagged_fields();
        }
    } else {
        write_null_array(out, true);
    }
    out.empty_tagged_fields();
}

bool ListPartitionReassignmentsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    timeout_ms = in.i32();
    const std::int32_t n = read_nullable_array_length(in, 1 + 1 + 1, true);
    if (n >= 0) {
        topics.emplace();
        read_elements(in, n, *topics, [&](Topic& t) {
            t.name = in.compact_string();
            read_int32_array(in, t.partition_indexes, true);
            in.tagged_fields();
        });
    }
    in.tagged_fields();
    return in.ok();
}

void ListPartitionReassignmentsResponse::encode(Writer& out, std::int16_t /*version*/) const {
    out.i32(throttle_time_ms);
    out.i16(error_code);
    out.compact_nullable_string(error_message);
    write_array_length(out, topics.size(), true);
    for (const auto& t : topics) {
        out.compact_string(t.name);
        write_array_length(out, t.partitions.size(), true);
        for (const auto& p : t.partitions) {
            out.i32(p.partition_index);
            write_int32_array(out, p.replicas, true);
            write_int32_array(out, p.adding_replicas, true);
            write_int32_array(out, p.removing_replicas, true);
            out.empty_tagged_fields();
        }
        out.empty_tagged_fields();
    }
    out.empty_tagged_fields();
}

bool ListPartitionReassignmentsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    error_code = in.i16();
    error_message = in.compact_nullable_string();
    read_elements(in, read_array_length(in, 1 + 1 + 1, true), topics, [&](Topic& t) {
        t.name = in.compact_string();
        read_elements(in, read_array_length(in, 4 + 1 + 1 + 1 + 1, true), t.partitions,
                      [&](Partition& p) {
                          p.partition_index = in.i32();
                          read_int32_array(in, p.replicas, true);
                          read_int32_array(in, p.adding_replicas, true);
                          read_int32_array(in, p.removing_replicas, true);
                          in.tagged_fields();
                      });
        in.tagged_fields();
    });
    in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
