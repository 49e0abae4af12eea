// SaslHandshake (key 17): the client names the SASL mechanism it wants; the broker answers with
// the mechanisms it enables. Versions 0-1, never flexible. v1 means the SASL tokens then travel in
// SaslAuthenticate requests (KIP-152); v0 meant raw size-prefixed tokens, which the lab does not
// read (a v0 client is still answered, but must then use SaslAuthenticate as librdkafka does).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct SaslHandshakeRequest {
    static constexpr ApiKey kKey = ApiKey::SaslHandshake;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    std::string mechanism;  // "PLAIN"

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const SaslHandshakeRequest&) const = default;
};

struct SaslHandshakeResponse {
    static constexpr ApiKey kKey = ApiKey::SaslHandshake;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    std::int16_t error_code = 0;
    std::vector<std::string> mechanisms;  // the mechanisms the broker enables

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const SaslHandshakeResponse&) const = default;
};

}  // namespace kraftlab::protocol
