#include "protocol/api_versions.h"

namespace kraftlab::protocol {

void ApiVersionsRequest::encode(Writer& out, std::int16_t version) const {
    if (version >= 3) {
        out.compact_string(client_software_name);
        out.compact_string(client_software_version);
        out.empty_tagged_fields();
    }
}

bool ApiVersionsRequest::decode(Reader& in, std::int16_t version) {
    if (version >= 3) {
        client_software_name = in.compact_string();
        client_software_version = in.compact_string();
        in.tagged_fields();
    }
    return in.ok();
}

void ApiVersionsResponse::encode(Writer& out, std::int16_t version) const {
    const bool flexible = version >= 3;
    out.i16(error_code);
    if (flexible) {
        out.compact_array_length(static_cast<std::int32_t>(api_keys.size()));
    } else {
        out.array_length(static_cast<std::int32_t>(api_keys.size()));
    }
    for (const auto& api : api_keys) {
        out.i16(api.api_key);
        out.i16(api.min_version);
        out.i16(api.max_version);
        if (flexible) out.empty_tagged_fields();
    }
    if (version >= 1) out.i32(throttle_time_ms);
    if (flexible) out.empty_tagged_fields();
}

bool ApiVersionsResponse::decode(Reader& in, std::int16_t version) {
    const bool flexible = version >= 3;
    error_code = in.i16();
    std::int32_t n = flexible ? in.compact_array_length(7) : in.array_length(6);
    api_keys.clear();
    for (std::int32_t i = 0; i < n && in.ok(); ++i) {
        ApiVersion api;
        api.api_key = in.i16();
        api.min_version = in.i16();
        api.max_version = in.i16();
        if (flexible) in.tagged_fields();
        api_keys.push_back(api);
    }
    if (version >= 1) throttle_time_ms = in.i32();
    if (flexible) in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
