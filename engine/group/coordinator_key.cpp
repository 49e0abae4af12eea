#include "group/coordinator_key.h"

namespace kraftlab::group {

namespace {

// The next code point of s from i (advancing i), or U+FFFD for a byte that does not start a
// well-formed sequence (one byte consumed, as Java's replacement does for each bad byte).
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    auto cont = [&](std::size_t k) {
        return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    };
    auto bits = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i + k]) & 0x3F);
    };
    std::uint32_t cp = 0xFFFD;
    std::size_t len = 1;
    if (b0 < 0x80) {
        cp = b0;
    } else if (b0 >= 0xC2 && b0 < 0xE0 && cont(1)) {
        cp = ((b0 & 0x1Fu) << 6) | bits(1);
        len = 2;
    } else if (b0 >= 0xE0 && b0 < 0xF0 && cont(1) && cont(2)) {
        const std::uint32_t c = ((b0 & 0x0Fu) << 12) | (bits(1) << 6) | bits(2);
        if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
            cp = c;
            len = 3;
        }
    } else if (b0 >= 0xF0 && b0 < 0xF5 && cont(1) && cont(2) && cont(3)) {
        const std::uint32_t c = ((b0 & 0x07u) << 18) | (bits(1) << 12) | (bits(2) << 6) | bits(3);
        if (c >= 0x10000 && c <= 0x10FFFF) {
            cp = c;
            len = 4;
        }
    }
    i += len;
    return cp;
}

}  // namespace

std::int32_t java_string_hash(std::string_view utf8) {
    std::uint32_t h = 0;  // unsigned: Java's int overflow wraps, C++'s signed overflow is UB
    auto add = [&h](std::uint32_t unit) { h = h * 31u + unit; };
    for (std::size_t i = 0; i < utf8.size();) {
        const std::uint32_t cp = next_code_point(utf8, i);
        if (cp >= 0x10000) {
            add(0xD800 + ((cp - 0x10000) >> 10));  // a surrogate pair in UTF-16
            add(0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            add(cp);
        }
    }
    return static_cast<std::int32_t>(h);
}

std::int32_t offsets_partition_for(std::string_view group_id, std::int32_t partitions) {
    const std::int32_t h = java_string_hash(group_id);
    // Kafka's Utils.abs: Integer.MIN_VALUE maps to 0 (Math.abs would leave it negative).
    const std::int32_t a = h == INT32_MIN ? 0 : (h < 0 ? -h : h);
    return partitions > 0 ? a % partitions : 0;
}

}  // namespace kraftlab::group
