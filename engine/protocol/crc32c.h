// CRC-32C (Castagnoli), the checksum of record batch v2.
#pragma once

#include <cstdint>

#include "protocol/codec.h"

namespace kraftlab::protocol {

std::uint32_t crc32c(ByteView data);
// Continue a checksum over more bytes: crc32c(a + b) == crc32c_extend(crc32c(a), b).
std::uint32_t crc32c_extend(std::uint32_t crc, ByteView data);

namespace detail {
// The table-driven path (Boost.CRC), used where the CPU lacks SSE4.2; tests compare both paths.
std::uint32_t crc32c_extend_portable(std::uint32_t crc, ByteView data);
}  // namespace detail

}  // namespace kraftlab::protocol
