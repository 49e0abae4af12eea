#include "lab/lab_secret.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "net/sasl_plain.h"

namespace kraftlab::lab {

namespace {

std::string base64(const std::uint8_t* data, std::size_t n) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    for (std::size_t i = 0; i < n; i += 3) {
        const std::uint32_t b0 = data[i];
        const std::uint32_t b1 = i + 1 < n ? data[i + 1] : 0;
        const std::uint32_t b2 = i + 2 < n ? data[i + 2] : 0;
        const std::uint32_t v = (b0 << 16) | (b1 << 8) | b2;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
        out += i + 2 < n ? kAlphabet[v & 63] : '=';
    }
    return out;
}

}  // namespace

std::string generate_lab_secret() {
    std::array<std::uint8_t, 32> bytes{};
    std::size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            // No kernel randomness means no secret worth the name: refuse to start the lab.
            throw std::runtime_error("cannot read random bytes for the lab secret");
        }
        got += static_cast<std::size_t>(n);
    }
    return base64(bytes.data(), bytes.size());
}

std::optional<std::string> read_lab_secret_file(const std::filesystem::path& path,
                                                std::string* why) {
    auto fail = [&](std::string reason) -> std::optional<std::string> {
        if (why) *why = "the lab secret file '" + path.string() + "' " + reason;
        return std::nullopt;
    };
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return fail("cannot be read: it does not exist");
    if (!S_ISREG(st.st_mode)) return fail("is not a regular file");
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return fail("may be read by its group or others (chmod 600 it)");
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot be read");
    std::string secret;
    // One more byte than a PLAIN password may hold, plus a line break, is enough to judge it.
    char c = 0;
    while (secret.size() <= net::kMaxPlainFieldBytes + 2 && in.get(c))
        secret.push_back(c);
    if (!secret.empty() && secret.back() == '\n') secret.pop_back();
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
    if (secret.empty()) return fail("is empty");
    if (secret.size() > net::kMaxPlainFieldBytes)
        return fail("holds more than 255 bytes (SASL PLAIN's limit)");
    if (secret.find_first_of(std::string("\0\n\r", 3)) != std::string::npos)
        return fail("holds a NUL or a line break inside the secret");
    return secret;
}

}  // namespace kraftlab::lab
