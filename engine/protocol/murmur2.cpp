#include "protocol/murmur2.h"

namespace kraftlab::protocol {

std::int32_t murmur2(ByteView data) {
    // Unsigned arithmetic gives Java's int wrap-around without signed-overflow UB; `>>` on the
    // unsigned value is Java's `>>>`.
    constexpr std::uint32_t seed = 0x9747b28c;
    constexpr std::uint32_t m = 0x5bd1e995;
    constexpr int r = 24;

    const std::size_t length = data.size();
    std::uint32_t h = seed ^ static_cast<std::uint32_t>(length);
    const std::size_t words = length / 4;
    const std::uint8_t* p = data.data();
    for (std::size_t i = 0; i < words; ++i, p += 4) {
        std::uint32_t k = std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) |
                          (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    // Java reads the tail as signed bytes, but `(data[i] & 0xff)` masks them back: unsigned here.
    switch (length % 4) {
        case 3:
            h ^= std::uint32_t{p[2]} << 16;
            [[fallthrough]];
        case 2:
            h ^= std::uint32_t{p[1]} << 8;
            [[fallthrough]];
        case 1:
            h ^= std::uint32_t{p[0]};
            h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return static_cast<std::int32_t>(h);
}

std::int32_t murmur2_partition(ByteView key, std::int32_t num_partitions) {
    if (num_partitions <= 0) return -1;
    return to_positive(murmur2(key)) % num_partitions;
}

}  // namespace kraftlab::protocol
