// SaslAuthenticate (key 36): one SASL token from the client, one from the broker (KIP-152).
// Versions 0-2; v1 adds the session lifetime to the response (KIP-368), v2 is flexible. For PLAIN
// the client's token is "authzid NUL user NUL password" (RFC 4616) and the broker's is empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct SaslAuthenticateRequest {
    static constexpr ApiKey kKey = ApiKey::SaslAuthenticate;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 2;

    Bytes auth_bytes;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const SaslAuthenticateRequest&) const = default;
};

struct SaslAuthenticateResponse {
    static constexpr ApiKey kKey = ApiKey::SaslAuthenticate;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 2;

    std::int16_t error_code = 0;
    std::optional<std::string> error_message;  // nullable
    Bytes auth_bytes;
    std::int64_t session_lifetime_ms = 0;  // v1+; 0: the session does not expire

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const SaslAuthenticateResponse&) const = default;
};

}  // namespace kraftlab::protocol
