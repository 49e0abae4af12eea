#include "protocol/incremental_alter_configs.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {

void end_struct(Writer& out, bool flexible) {
    if (flexible) out.empty_tagged_fields();
}

void skip_tags(Reader& in, bool flexible) {
    if (flexible) in.tagged_fields();
}

}  // namespace

void IncrementalAlterConfigsRequest::encode(Writer& out, std::int16_t version) const {
    const bool flexible = version >= 1;
    write_array_length(out, resources.size(), flexible);
    for (const auto& r : resources) {
        out.i8(r.resource_type);
        write_string(out, r.resource_name, flexible);
        write_array_length(out, r.configs.size(), flexible);
        for (const auto& c : r.configs) {
            write_string(out, c.name, flexible);
            out.i8(c.config_operation);
            write_nullable_string(out, c.value, flexible);
            end_struct(out, flexible);
        }
        end_struct(out, flexible);
    }
    out.boolean(validate_only);
    end_struct(out, flexible);
}

bool IncrementalAlterConfigsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = version >= 1;
    const std::size_t config_min =
        min_string_bytes(flexible) + 1 + min_string_bytes(flexible) + (flexible ? 1 : 0);
    const std::size_t resource_min =
        1 + min_string_bytes(flexible) + min_array_bytes(flexible) + (flexible ? 1 : 0);
    read_elements(in, read_array_length(in, resource_min, flexible), resources,
                  [&](AlterConfigsResource& r) {
                      r.resource_type = in.i8();
                      r.resource_name = read_string(in, flexible);
                      read_elements(in, read_array_length(in, config_min, flexible), r.configs,
                                    [&](AlterableConfig& c) {
                                        c.name = read_string(in, flexible);
                                        c.config_operation = in.i8();
                                        c.value = read_nullable_string(in, flexible);
                                        skip_tags(in, flexible);
                                    });
                      skip_tags(in, flexible);
                  });
    validate_only = in.boolean();
    skip_tags(in, flexible);
    return in.ok();
}

void IncrementalAlterConfigsResponse::encode(Writer& out, std::int16_t version) const {
    const bool flexible = version >= 1;
    out.i32(throttle_time_ms);
    write_array_length(out, responses.size(), flexible);
    for (const auto& r : responses) {
        out.i16(r.error_code);
        write_nullable_string(out, r.error_message, flexible);
        out.i8(r.resource_type);
        write_string(out, r.resource_name, flexible);
        end_struct(out, flexible);
    }
    end_struct(out, flexible);
}

bool IncrementalAlterConfigsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = version >= 1;
    throttle_time_ms = in.i32();
    const std::size_t response_min =
        2 + min_string_bytes(flexible) + 1 + min_string_bytes(flexible) + (flexible ? 1 : 0);
    read_elements(in, read_array_length(in, response_min, flexible), responses,
                  [&](AlterConfigsResourceResponse& r) {
                      r.error_code = in.i16();
                      r.error_message = read_nullable_string(in, flexible);
                      r.resource_type = in.i8();
                      r.resource_name = read_string(in, flexible);
                      skip_tags(in, flexible);
                  });
    skip_tags(in, flexible);
    return in.ok();
}

}  // namespace kraftlab::protocol
