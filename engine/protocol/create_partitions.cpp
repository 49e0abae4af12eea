#include "protocol/create_partitions.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void CreatePartitionsRequest::encode(Writer& out, std::int16_t /*version*/) const {
    write_array_length(out, topics.size());
    for (const auto& t : topics) {
        out.string(t.name);
        out.i32(t.count);
        if (!t.assignments) {
            write_null_array(out);
        } else {
            write_array_length(out, t.assignments->size());
            for (const auto& a : *t.assignments)
                write_int32_array(out, a);
        }
    }
    out.i32(timeout_ms);
    out.boolean(validate_only);
}

bool CreatePartitionsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    read_elements(in, read_array_length(in, 2 + 4 + 4), topics, [&](Topic& t) {
        t.name = in.string();
        t.count = in.i32();
        const std::int32_t n = read_nullable_array_length(in, 4);
        if (n >= 0) {
            t.assignments.emplace();
            read_elements(in, n, *t.assignments,
                          [&](std::vector<std::int32_t>& ids) { read_int32_array(in, ids); });
        }
    });
    timeout_ms = in.i32();
    validate_only = in.boolean();
    return in.ok();
}

void CreatePartitionsResponse::encode(Writer& out, std::int16_t /*version*/) const {
    out.i32(throttle_time_ms);
    write_array_length(out, results.size());
    for (const auto& r : results) {
        out.string(r.name);
        out.i16(r.error_code);
        out.nullable_string(r.error_message);
    }
}

bool CreatePartitionsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    read_elements(in, read_array_length(in, 2 + 2 + 2), results, [&](Result& r) {
        r.name = in.string();
        r.error_code = in.i16();
        r.error_message = in.nullable_string();
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
