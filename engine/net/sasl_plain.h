// SASL PLAIN (RFC 4616) as Kafka speaks it: the client's one token is
// "authzid NUL username NUL password"; an authzid, if given, must equal the username (Kafka's
// PlainSaslServer). Pure functions, no sockets: the token codec, the credentials a client sends,
// and a comparison whose time does not depend on where two secrets differ.
//
// The lab's nodes authenticate as kLabNodeUser with the per-lab secret as password; a client
// user may be added by the operator (kraftlab-cluster --client-sasl).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocol/codec.h"

namespace kraftlab::net {

inline constexpr std::string_view kPlainMechanism = "PLAIN";
// The user every lab node (controller, broker, the lab's admin) authenticates as.
inline constexpr std::string_view kLabNodeUser = "kraftlab-node";
// RFC 4616: the username and the password are each at most 255 bytes.
inline constexpr std::size_t kMaxPlainFieldBytes = 255;

struct SaslCredentials {
    std::string username;
    std::string password;
    bool operator==(const SaslCredentials&) const = default;
};

struct PlainToken {
    std::string authzid;
    std::string username;
    std::string password;
};

// The client's PLAIN token, with an empty authzid.
protocol::Bytes encode_plain_token(const SaslCredentials& credentials);
// The token a client sent; nullopt (and *why, in plain words) if it is not a valid PLAIN token.
std::optional<PlainToken> parse_plain_token(protocol::ByteView token, std::string* why);

// The credentials a lab node authenticates with; nullopt for an empty secret (SASL off).
inline std::optional<SaslCredentials> lab_node_credentials(const std::string& lab_secret) {
    if (lab_secret.empty()) return std::nullopt;
    return SaslCredentials{std::string(kLabNodeUser), lab_secret};
}

// Equal strings; the time taken depends only on the lengths, not on the bytes compared.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace kraftlab::net
