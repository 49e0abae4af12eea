// ApiVersions (key 18): the first request of every client, asking which API versions the broker
// speaks. v3 is flexible and carries the client's software name and version (KIP-511).
//
// The response header is always v0. A broker that does not support the requested version answers
// with a v0-format body (error 35 and at least ApiVersions' own range) so any client can read it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct ApiVersionsRequest {
    static constexpr ApiKey kKey = ApiKey::ApiVersions;

    std::string client_software_name;     // v3+
    std::string client_software_version;  // v3+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
};

struct ApiVersionsResponse {
    static constexpr ApiKey kKey = ApiKey::ApiVersions;

    struct ApiVersion {
        std::int16_t api_key = 0;
        std::int16_t min_version = 0;
        std::int16_t max_version = 0;
        auto operator<=>(const ApiVersion&) const = default;
    };

    std::int16_t error_code = 0;
    std::vector<ApiVersion> api_keys;
    std::int32_t throttle_time_ms = 0;  // v1+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
};

}  // namespace kraftlab::protocol
