// The four record-batch codecs (gzip, snappy, lz4, zstd), as Kafka and its clients speak them.
//
// What goes over the wire (checked against AK's compress/*.java, snappy-java, librdkafka 2.0.2):
//   gzip    RFC 1952 gzip members (never a bare zlib stream). Java's GZIPInputStream also reads
//           concatenated members, so decompress does too.
//   snappy  Java writes the xerial/snappy-java framing: magic "\x82SNAPPY\0", i32 version (1),
//           i32 compatible version (1), then [i32 length, raw snappy block] per 32 KiB of input.
//           librdkafka writes *raw* snappy (one block, no framing). Both Java and librdkafka read
//           both, telling them apart by the magic; so does decompress. compress writes xerial
//           framing, as Java does.
//   lz4     The LZ4 frame format with independent blocks (Java's Lz4BlockInputStream decodes
//           every block on its own), 64 KiB blocks, no checksums, no content size; that is what
//           compress writes and what both Java and librdkafka write.
//   zstd    Standard zstd frames. Java (zstd-jni streams) and librdkafka (ZSTD_compressStream)
//           leave the content size out of the frame header, so decompress streams rather than
//           trusting a size.
//
// Contract: nothing here throws (allocation failure included) and corrupt input of any shape
// returns an error instead of crashing or reading out of bounds. decompress never produces, or
// allocates room for, more than max_out_bytes of output: a decompression bomb fails with
// CompressionError::TooLarge after at most that much work.
#pragma once

#include <cstddef>
#include <string_view>

#include "protocol/codec.h"
#include "protocol/record_batch.h"

namespace kraftlab::protocol {

enum class CompressionError {
    None,
    Corrupt,      // not valid data for the codec (bad magic, checksum, truncated, trailing bytes)
    TooLarge,     // the output would exceed max_out_bytes
    Unsupported,  // a codec value outside the enum
    OutOfMemory,  // allocation failed
    Internal,     // the codec library failed on valid input (should not happen)
};
std::string_view describe(CompressionError error);

// Appends the compressed form of `in` to `out`. Compression::None appends `in` unchanged.
// On error `out` is left as it was.
CompressionError compress(Compression codec, ByteView in, Bytes& out);

// Appends the decompressed form of `in` to `out`, producing at most max_out_bytes (this call's
// output, not counting what `out` already held). On error `out` is left as it was.
CompressionError decompress(Compression codec, ByteView in, Bytes& out, std::size_t max_out_bytes);

namespace detail {
// Raw snappy (no framing), as librdkafka writes it; tests use it to feed decompress both forms.
CompressionError snappy_compress_raw(ByteView in, Bytes& out);
}  // namespace detail

}  // namespace kraftlab::protocol
