#include "net/sasl_plain.h"

#include <algorithm>

namespace kraftlab::net {

protocol::Bytes encode_plain_token(const SaslCredentials& credentials) {
    protocol::Bytes token;
    token.reserve(2 + credentials.username.size() + credentials.password.size());
    token.push_back(0);  // no authzid
    token.insert(token.end(), credentials.username.begin(), credentials.username.end());
    token.push_back(0);
    token.insert(token.end(), credentials.password.begin(), credentials.password.end());
    return token;
}

std::optional<PlainToken> parse_plain_token(protocol::ByteView token, std::string* why) {
    auto fail = [&](std::string reason) -> std::optional<PlainToken> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    const auto first = std::find(token.begin(), token.end(), std::uint8_t{0});
    if (first == token.end()) return fail("the PLAIN token has no NUL separators");
    const auto second = std::find(first + 1, token.end(), std::uint8_t{0});
    if (second == token.end()) return fail("the PLAIN token has one NUL separator, not two");
    if (std::find(second + 1, token.end(), std::uint8_t{0}) != token.end())
        return fail("the PLAIN token has more than two NUL separators");
    PlainToken out;
    out.authzid.assign(token.begin(), first);
    out.username.assign(first + 1, second);
    out.password.assign(second + 1, token.end());
    if (out.username.empty()) return fail("the PLAIN token has an empty username");
    if (out.password.empty()) return fail("the PLAIN token has an empty password");
    if (out.username.size() > kMaxPlainFieldBytes || out.password.size() > kMaxPlainFieldBytes ||
        out.authzid.size() > kMaxPlainFieldBytes) {
        return fail("a field of the PLAIN token is longer than 255 bytes");
    }
    if (!out.authzid.empty() && out.authzid != out.username)
        return fail("the PLAIN token asks for an authorization id other than its username");
    return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    // Every byte of the longer string is looked at whatever the contents; only the lengths
    // (public: a password's length is not the secret) decide the time.
    const std::size_t n = std::max(a.size(), b.size());
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff = static_cast<unsigned char>(diff | (x ^ y));
    }
    // Keep the compiler from stopping the loop early on a set bit.
    volatile unsigned char result = diff;
    return result == 0;
}

}  // namespace kraftlab::net
