#include "protocol/header.h"

namespace kraftlab::protocol {

bool decode_request_header(Reader& in, RequestHeader& out) {
    out.api_key = in.i16();
    out.api_version = in.i16();
    out.correlation_id = in.i32();
    out.client_id = in.nullable_string();  // client_id stays a classic string even in header v2
    if (in.ok() && out.header_version() >= 2) in.tagged_fields();
    return in.ok();
}

void encode_request_header(Writer& out, const RequestHeader& header) {
    out.i16(header.api_key);
    out.i16(header.api_version);
    out.i32(header.correlation_id);
    out.nullable_string(header.client_id);
    if (header.header_version() >= 2) out.empty_tagged_fields();
}

void encode_response_header(Writer& out, std::int32_t correlation_id, std::int16_t header_version) {
    out.i32(correlation_id);
    if (header_version >= 1) out.empty_tagged_fields();
}

std::int32_t decode_response_header(Reader& in, std::int16_t header_version) {
    std::int32_t correlation_id = in.i32();
    if (header_version >= 1) in.tagged_fields();
    return correlation_id;
}

}  // namespace kraftlab::protocol
