#include "protocol/sasl_authenticate.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

namespace {
constexpr std::int16_t kFirstFlexible = 2;
}  // namespace

void SaslAuthenticateRequest::encode(Writer& out, std::int16_t version) const {
    const bool flexible = version >= kFirstFlexible;
    if (flexible) {
        out.compact_bytes(auth_bytes);
        out.empty_tagged_fields();
    } else {
        out.bytes(auth_bytes);
    }
}

bool SaslAuthenticateRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = version >= kFirstFlexible;
    auth_bytes = flexible ? in.compact_bytes() : in.bytes();
    if (flexible) in.tagged_fields();
    return in.ok();
}

void SaslAuthenticateResponse::encode(Writer& out, std::int16_t version) const {
    const bool flexible = version >= kFirstFlexible;
    out.i16(error_code);
    write_nullable_string(out, error_message, flexible);
    if (flexible) {
        out.compact_bytes(auth_bytes);
    } else {
        out.bytes(auth_bytes);
    }
    if (version >= 1) out.i64(session_lifetime_ms);
    if (flexible) out.empty_tagged_fields();
}

bool SaslAuthenticateResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = version >= kFirstFlexible;
    error_code = in.i16();
    error_message = read_nullable_string(in, flexible);
    auth_bytes = flexible ? in.compact_bytes() : in.bytes();
    if (version >= 1) session_lifetime_ms = in.i64();
    if (flexible) in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
