#include "protocol/alter_configs.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void AlterConfigsRequest::encode(Writer& out, std::int16_t /*version*/) const {
    write_array_length(out, resources.size());
    for (const auto& r : resources) {
        out.i8(r.resource_type);
        out.string(r.resource_name);
        write_array_length(out, r.configs.size());
        for (const auto& c : r.configs) {
            out.string(c.name);
            out.nullable_string(c.value);
        }
    }
    out.boolean(validate_only);
}

bool AlterConfigsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    read_elements(in, read_array_length(in, 1 + 2 + 4), resources, [&](Resource& r) {
        r.resource_type = in.i8();
        r.resource_name = in.string();
        read_elements(in, read_array_length(in, 2 + 2), r.configs, [&](Config& c) {
            c.name = in.string();
            c.value = in.nullable_string();
        });
    });
    validate_only = in.boolean();
    return in.ok();
}

void AlterConfigsResponse::encode(Writer& out, std::int16_t /*version*/) const {
    out.i32(throttle_time_ms);
    write_array_length(out, responses.size());
    for (const auto& r : responses) {
        out.i16(r.error_code);
        out.nullable_string(r.error_message);
        out.i8(r.resource_type);
        out.string(r.resource_name);
    }
}

bool AlterConfigsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    read_elements(in, read_array_length(in, 2 + 2 + 1 + 2), responses, [&](Result& r) {
        r.error_code = in.i16();
        r.error_message = in.nullable_string();
        r.resource_type = in.i8();
        r.resource_name = in.string();
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
