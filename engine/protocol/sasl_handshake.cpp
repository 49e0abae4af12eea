#include "protocol/sasl_handshake.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void SaslHandshakeRequest::encode(Writer& out, std::int16_t) const {
    out.string(mechanism);
}

bool SaslHandshakeRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    mechanism = in.string();
    return in.ok();
}

void SaslHandshakeResponse::encode(Writer& out, std::int16_t) const {
    out.i16(error_code);
    write_array_length(out, mechanisms.size());
    for (const auto& m : mechanisms)
        out.string(m);
}

bool SaslHandshakeResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    error_code = in.i16();
    std::int32_t n = read_array_length(in, min_string_bytes(false));
    read_elements(in, n, mechanisms, [&](std::string& m) { m = in.string(); });
    return in.ok();
}

}  // namespace kraftlab::protocol
