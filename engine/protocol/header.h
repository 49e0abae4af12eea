// Request and response headers, and the frame around them.
//
// A frame is INT32 size + that many bytes. A request starts with a header: v1 is api_key INT16,
// api_version INT16, correlation_id INT32, client_id nullable STRING; v2 (flexible APIs) adds a
// tagged-field section. A response header is correlation_id (v0), plus tagged fields in v1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

// Bytes of the size prefix in front of every request and response.
inline constexpr std::size_t kFrameSizeBytes = 4;

struct RequestHeader {
    std::int16_t api_key = 0;
    std::int16_t api_version = 0;
    std::int32_t correlation_id = 0;
    std::optional<std::string> client_id;

    ApiKey key() const { return static_cast<ApiKey>(api_key); }
    std::int16_t header_version() const { return request_header_version(key(), api_version); }
};

// Reads a request header; the header version follows from the API key and version it starts
// with. Returns false (and leaves the reader failed) on a truncated or malformed header.
bool decode_request_header(Reader& in, RequestHeader& out);
void encode_request_header(Writer& out, const RequestHeader& header);

void encode_response_header(Writer& out, std::int32_t correlation_id, std::int16_t header_version);
// Returns the correlation id (the reader fails on a malformed header).
std::int32_t decode_response_header(Reader& in, std::int16_t header_version);

}  // namespace kraftlab::protocol
