#include "protocol/delete_groups.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void DeleteGroupsRequest::encode(Writer& out, std::int16_t /*version*/) const {
    write_array_length(out, groups_names.size());
    for (const auto& g : groups_names)
        out.string(g);
}

bool DeleteGroupsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    read_elements(in, read_array_length(in, 2), groups_names,
                  [&](std::string& g) { g = in.string(); });
    return in.ok();
}

void DeleteGroupsResponse::encode(Writer& out, std::int16_t /*version*/) const {
    out.i32(throttle_time_ms);
    write_array_length(out, results.size());
    for (const auto& r : results) {
        out.string(r.group_id);
        out.i16(r.error_code);
    }
}

bool DeleteGroupsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    read_elements(in, read_array_length(in, 2 + 2), results, [&](Result& r) {
        r.group_id = in.string();
        r.error_code = in.i16();
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
