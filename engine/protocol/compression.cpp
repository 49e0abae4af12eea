#include "protocol/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <new>
#include <stdexcept>

namespace kraftlab::protocol {

namespace {

// --- bounded output --------------------------------------------------------------------------

// The output of one decompress call: bytes [base, base + produced) of `out`, plus writable room
// after them. Room is only ever handed out up to `cap` = max_out + 1 bytes in total: a codec that
// manages to fill the extra byte has proven the output is too large, without us allocating more.
class BoundedOutput {
  public:
    BoundedOutput(Bytes& out, std::size_t max_out, std::size_t first_guess)
        : out_(out),
          base_(out.size()),
          cap_(max_out == SIZE_MAX ? SIZE_MAX : max_out + 1),
          max_(max_out),
          next_chunk_(first_guess) {}

    std::size_t produced() const { return produced_; }
    bool too_large() const { return produced_ > max_; }
    std::uint8_t* write_pointer() { return out_.data() + base_ + produced_; }

    // Writable bytes at write_pointer(), growing the vector if there are none; 0 once the cap
    // is reached.
    std::size_t room() {
        std::size_t have = out_.size() - base_ - produced_;
        if (have > 0) return have;
        std::size_t left = cap_ - produced_;
        if (left == 0) return 0;
        std::size_t grow = std::min(std::max<std::size_t>({next_chunk_, produced_, 4096}), left);
        // zlib and zstd take 32-bit sizes in places; 1 GiB steps keep every count in range.
        grow = std::min<std::size_t>(grow, std::size_t{1} << 30);
        out_.resize(out_.size() + grow);
        next_chunk_ = 0;
        return grow;
    }

    void advance(std::size_t n) { produced_ += n; }
    // Drops the unused room; call once at the end on success.
    void finish() { out_.resize(base_ + produced_); }

  private:
    Bytes& out_;
    std::size_t base_;
    std::size_t cap_;
    std::size_t max_;
    std::size_t next_chunk_;
    std::size_t produced_ = 0;
};

std::size_t first_guess(ByteView in, std::size_t max_out) {
    // Records compress around 2-5x; start with room for 4x and double from there.
    std::size_t guess = in.size() > (SIZE_MAX / 8) ? SIZE_MAX : in.size() * 4 + 1024;
    return std::min(guess, max_out == SIZE_MAX ? max_out : max_out + 1);
}

// --- gzip ----------------------------------------------------------------------------------------

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper (RFC 1952) only

struct DeflateState {
    z_stream zs{};
    bool ready = false;
    DeflateState() {
        ready = deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                             Z_DEFAULT_STRATEGY) == Z_OK;
    }
    ~DeflateState() {
        if (ready) deflateEnd(&zs);
    }
};

CompressionError gzip_compress(ByteView in, Bytes& out) {
    // deflateInit2 allocates ~256 KiB; keep one per thread and reset it (the builder compresses
    // many small batches).
    thread_local DeflateState state;
    if (!state.ready || deflateReset(&state.zs) != Z_OK) return CompressionError::Internal;
    z_stream& zs = state.zs;
    std::size_t base = out.size();
    std::size_t bound = deflateBound(&zs, static_cast<uLong>(in.size())) + 64;
    out.resize(base + bound);
    zs.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const-correct
    zs.next_out = out.data() + base;
    std::size_t in_left = in.size();
    std::size_t out_left = bound;
    int ret = Z_OK;
    while (ret == Z_OK) {
        zs.avail_in = static_cast<uInt>(std::min<std::size_t>(in_left, UINT_MAX));
        zs.avail_out = static_cast<uInt>(std::min<std::size_t>(out_left, UINT_MAX));
        uInt in_given = zs.avail_in;
        uInt out_given = zs.avail_out;
        ret = deflate(&zs, zs.avail_in == in_left ? Z_FINISH : Z_NO_FLUSH);
        in_left -= in_given - zs.avail_in;
        out_left -= out_given - zs.avail_out;
        if (ret == Z_BUF_ERROR && out_left > 0) ret = Z_OK;  // only the 4 GiB slicing ran dry
    }
    if (ret != Z_STREAM_END) return CompressionError::Internal;
    out.resize(base + bound - out_left);
    return CompressionError::None;
}

struct InflateState {
    z_stream zs{};
    bool ready = false;
    InflateState() { ready = inflateInit2(&zs, kGzipWindowBits) == Z_OK; }
    ~InflateState() {
        if (ready) inflateEnd(&zs);
    }
};

CompressionError gzip_decompress(ByteView in, Bytes& out, std::size_t max_out) {
    thread_local InflateState state;
    if (!state.ready || inflateReset(&state.zs) != Z_OK) return CompressionError::Internal;
    z_stream& zs = state.zs;
    BoundedOutput sink(out, max_out, first_guess(in, max_out));
    std::size_t in_pos = 0;
    for (;;) {
        std::size_t room = sink.room();
        if (room == 0) return CompressionError::TooLarge;
        std::size_t in_left = in.size() - in_pos;
        zs.next_in = const_cast<Bytef*>(in.data() + in_pos);
        zs.avail_in = static_cast<uInt>(std::min<std::size_t>(in_left, UINT_MAX));
        zs.next_out = sink.write_pointer();
        zs.avail_out = static_cast<uInt>(room);
        uInt in_given = zs.avail_in;
        int ret = inflate(&zs, Z_NO_FLUSH);
        in_pos += in_given - zs.avail_in;
        sink.advance(room - zs.avail_out);
        if (sink.too_large()) return CompressionError::TooLarge;
        switch (ret) {
            case Z_OK:
                break;
            case Z_STREAM_END:
                if (in_pos == in.size()) {
                    sink.finish();
                    return CompressionError::None;
                }
                // Another gzip member follows (Java's GZIPInputStream reads them all). Anything
                // that is not a gzip member is trailing garbage.
                if (in.size() - in_pos < 2 || in[in_pos] != 0x1f || in[in_pos + 1] != 0x8b)
                    return CompressionError::Corrupt;
                if (inflateReset(&zs) != Z_OK) return CompressionError::Internal;
                break;
            case Z_BUF_ERROR:
                // No progress possible: either the output is full (loop to grow it) or the input
                // ran out mid-stream (truncated).
                if (zs.avail_out != 0 && in_pos == in.size()) return CompressionError::Corrupt;
                break;
            case Z_MEM_ERROR:
                return CompressionError::OutOfMemory;
            default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
                return CompressionError::Corrupt;
        }
    }
}

// --- snappy --------------------------------------------------------------------------------------

constexpr std::uint8_t kXerialMagic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr std::size_t kXerialHeaderBytes = 16;        // magic, i32 version, i32 compatible version
constexpr std::size_t kXerialBlockBytes = 32 * 1024;  // snappy-java's default, used by Kafka

void put_be32(std::uint8_t* p, std::uint32_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

std::uint32_t get_be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

CompressionError snappy_compress_xerial(ByteView in, Bytes& out) {
    std::size_t blocks = (in.size() + kXerialBlockBytes - 1) / kXerialBlockBytes;
    std::size_t bound = kXerialHeaderBytes;
    for (std::size_t i = 0; i < blocks; ++i) {
        std::size_t n = std::min(kXerialBlockBytes, in.size() - i * kXerialBlockBytes);
        bound += 4 + snappy::MaxCompressedLength(n);
    }
    std::size_t base = out.size();
    out.resize(base + bound);
    std::uint8_t* p = out.data() + base;
    std::memcpy(p, kXerialMagic, sizeof kXerialMagic);
    put_be32(p + 8, 1);   // version (SnappyCodec.DEFAULT_VERSION)
    put_be32(p + 12, 1);  // compatible version (MINIMUM_COMPATIBLE_VERSION)
    std::size_t at = kXerialHeaderBytes;
    for (std::size_t i = 0; i < blocks; ++i) {
        std::size_t offset = i * kXerialBlockBytes;
        std::size_t n = std::min(kXerialBlockBytes, in.size() - offset);
        std::size_t written = 0;
        snappy::RawCompress(reinterpret_cast<const char*>(in.data() + offset), n,
                            reinterpret_cast<char*>(p + at + 4), &written);
        put_be32(p + at, static_cast<std::uint32_t>(written));
        at += 4 + written;
    }
    out.resize(base + at);
    return CompressionError::None;
}

CompressionError snappy_decompress(ByteView in, Bytes& out, std::size_t max_out) {
    std::size_t base = out.size();
    std::size_t produced = 0;
    // Decodes one raw block straight into `out` after what is there; bounds checked up front.
    auto block = [&](ByteView raw) {
        std::size_t length = 0;
        const char* src = reinterpret_cast<const char*>(raw.data());
        if (!snappy::GetUncompressedLength(src, raw.size(), &length))
            return CompressionError::Corrupt;
        // A snappy element expands at most 64 bytes out of 3 (a copy with a 2-byte offset), so
        // a declared length above ~21.4x the input cannot be genuine: reject it before
        // allocating, which keeps a 20-byte block from reserving max_out bytes.
        if (length / 22 > raw.size()) return CompressionError::Corrupt;
        if (length > max_out - produced) return CompressionError::TooLarge;
        out.resize(base + produced + length);
        if (!snappy::RawUncompress(src, raw.size(),
                                   reinterpret_cast<char*>(out.data() + base + produced)))
            return CompressionError::Corrupt;
        produced += length;
        return CompressionError::None;
    };

    bool xerial = in.size() >= kXerialHeaderBytes &&
                  std::memcmp(in.data(), kXerialMagic, sizeof kXerialMagic) == 0;
    if (!xerial) return block(in);  // raw snappy, as librdkafka writes it

    // snappy-java refuses streams whose version is below its minimum compatible version (1).
    if (get_be32(in.data() + 8) < 1) return CompressionError::Corrupt;
    std::size_t at = kXerialHeaderBytes;
    while (at < in.size()) {
        if (in.size() - at < 4) return CompressionError::Corrupt;
        std::uint32_t length = get_be32(in.data() + at);
        at += 4;
        if (length == 0 || length > in.size() - at) return CompressionError::Corrupt;
        if (auto err = block(in.subspan(at, length)); err != CompressionError::None) return err;
        at += length;
    }
    return CompressionError::None;
}

// --- lz4 -----------------------------------------------------------------------------------------

LZ4F_preferences_t lz4_preferences() {
    // What Java's Lz4BlockOutputStream writes: 64 KiB independent blocks, no checksums, no
    // content size (FLG 0x60, BD 0x40; librdkafka's frames carry the same two bytes).
    LZ4F_preferences_t prefs;
    std::memset(&prefs, 0, sizeof prefs);
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
    prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
    prefs.frameInfo.frameType = LZ4F_frame;
    prefs.frameInfo.contentSize = 0;
    prefs.compressionLevel = 0;  // the fast compressor, as Java's and librdkafka's defaults
    return prefs;
}

CompressionError lz4_compress(ByteView in, Bytes& out) {
    LZ4F_preferences_t prefs = lz4_preferences();
    std::size_t bound = LZ4F_compressFrameBound(in.size(), &prefs);
    if (LZ4F_isError(bound)) return CompressionError::Internal;
    std::size_t base = out.size();
    out.resize(base + bound);
    std::size_t n = LZ4F_compressFrame(out.data() + base, bound, in.data(), in.size(), &prefs);
    if (LZ4F_isError(n)) return CompressionError::Internal;
    out.resize(base + n);
    return CompressionError::None;
}

struct Lz4Decompressor {
    LZ4F_dctx* ctx = nullptr;
    Lz4Decompressor() {
        if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) ctx = nullptr;
    }
    ~Lz4Decompressor() { LZ4F_freeDecompressionContext(ctx); }
};

CompressionError lz4_decompress(ByteView in, Bytes& out, std::size_t max_out) {
    // One context per thread: creating one allocates its block buffers, which cost more than
    // decoding a typical small batch.
    thread_local Lz4Decompressor state;
    if (!state.ctx) return CompressionError::OutOfMemory;
    LZ4F_resetDecompressionContext(state.ctx);  // clean after an earlier error, too
    LZ4F_dctx* ctx = state.ctx;
    BoundedOutput sink(out, max_out, first_guess(in, max_out));
    std::size_t in_pos = 0;
    for (;;) {
        std::size_t room = sink.room();
        if (room == 0) return CompressionError::TooLarge;
        std::size_t src_size = in.size() - in_pos;
        std::size_t dst_size = room;
        std::size_t hint = LZ4F_decompress(ctx, sink.write_pointer(), &dst_size, in.data() + in_pos,
                                           &src_size, nullptr);
        if (LZ4F_isError(hint)) return CompressionError::Corrupt;
        in_pos += src_size;
        sink.advance(dst_size);
        if (sink.too_large()) return CompressionError::TooLarge;
        if (hint == 0) {  // a frame ended; a further frame may follow
            if (in_pos == in.size()) {
                sink.finish();
                return CompressionError::None;
            }
            continue;
        }
        // Mid-frame with all input consumed and the output not filled: the frame is cut short.
        if (in_pos == in.size() && dst_size < room) return CompressionError::Corrupt;
    }
}

// --- zstd ----------------------------------------------------------------------------------------

constexpr int kZstdLevel = 3;  // ZSTD_CLEVEL_DEFAULT; Java's and librdkafka's default too

struct ZstdContexts {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    ~ZstdContexts() {
        ZSTD_freeCCtx(cctx);
        ZSTD_freeDCtx(dctx);
    }
};

ZstdContexts& zstd_contexts() {
    thread_local ZstdContexts contexts;
    return contexts;
}

CompressionError zstd_compress(ByteView in, Bytes& out) {
    ZSTD_CCtx* cctx = zstd_contexts().cctx;
    if (!cctx) return CompressionError::OutOfMemory;
    std::size_t bound = ZSTD_compressBound(in.size());
    std::size_t base = out.size();
    out.resize(base + bound);
    // One-shot compression records the content size in the frame header, which helps readers
    // size their buffers; streaming readers (Java, librdkafka) accept it either way.
    std::size_t n =
        ZSTD_compressCCtx(cctx, out.data() + base, bound, in.data(), in.size(), kZstdLevel);
    if (ZSTD_isError(n)) return CompressionError::Internal;
    out.resize(base + n);
    return CompressionError::None;
}

CompressionError zstd_decompress(ByteView in, Bytes& out, std::size_t max_out) {
    ZSTD_DCtx* dctx = zstd_contexts().dctx;
    if (!dctx) return CompressionError::OutOfMemory;
    ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
    // A declared content size over the budget fails before any work. Frames without one (what
    // Java and librdkafka write) are bounded by the output cap as they stream. The window limit
    // stays at the library default (128 MiB, as zstd-jni): Kafka allows levels up to 22, whose
    // streaming frames ask for windows that large even for small payloads.
    unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
    if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR &&
        declared > max_out)
        return CompressionError::TooLarge;
    // The declared size (when there is one) sizes the first chunk, but a header alone never
    // reserves more than 8x the usual guess: the rest grows as data actually arrives.
    std::size_t guess = first_guess(in, max_out);
    if (declared < SIZE_MAX / 2)
        guess = std::min(static_cast<std::size_t>(declared) + 1,
                         guess > SIZE_MAX / 8 ? SIZE_MAX : guess * 8);
    BoundedOutput sink(out, max_out, guess);
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    for (;;) {
        std::size_t room = sink.room();
        if (room == 0) return CompressionError::TooLarge;
        ZSTD_outBuffer output{sink.write_pointer(), room, 0};
        std::size_t hint = ZSTD_decompressStream(dctx, &output, &input);
        if (ZSTD_isError(hint)) {
            ZSTD_ErrorCode code = ZSTD_getErrorCode(hint);
            if (code == ZSTD_error_memory_allocation) return CompressionError::OutOfMemory;
            if (code == ZSTD_error_frameParameter_windowTooLarge) return CompressionError::TooLarge;
            return CompressionError::Corrupt;
        }
        sink.advance(output.pos);
        if (sink.too_large()) return CompressionError::TooLarge;
        if (hint == 0) {  // a frame is complete and flushed; another may follow
            if (input.pos == input.size) {
                sink.finish();
                return CompressionError::None;
            }
            continue;
        }
        if (input.pos == input.size && output.pos < output.size) return CompressionError::Corrupt;
    }
}

// --- dispatch ------------------------------------------------------------------------------------

CompressionError compress_impl(Compression codec, ByteView in, Bytes& out) {
    switch (codec) {
        case Compression::None:
            out.insert(out.end(), in.begin(), in.end());
            return CompressionError::None;
        case Compression::Gzip:
            return gzip_compress(in, out);
        case Compression::Snappy:
            return snappy_compress_xerial(in, out);
        case Compression::Lz4:
            return lz4_compress(in, out);
        case Compression::Zstd:
            return zstd_compress(in, out);
    }
    return CompressionError::Unsupported;
}

CompressionError decompress_impl(Compression codec, ByteView in, Bytes& out, std::size_t max) {
    switch (codec) {
        case Compression::None:
            if (in.size() > max) return CompressionError::TooLarge;
            out.insert(out.end(), in.begin(), in.end());
            return CompressionError::None;
        case Compression::Gzip:
            return gzip_decompress(in, out, max);
        case Compression::Snappy:
            return snappy_decompress(in, out, max);
        case Compression::Lz4:
            return lz4_decompress(in, out, max);
        case Compression::Zstd:
            return zstd_decompress(in, out, max);
    }
    return CompressionError::Unsupported;
}

// Runs one codec call with the module-edge guarantees: no exception escapes, and `out` is back
// at its original size on any error.
template <typename Fn>
CompressionError guarded(Bytes& out, Fn&& fn) {
    std::size_t base = out.size();
    CompressionError err;
    try {
        err = fn();
    } catch (const std::bad_alloc&) {
        err = CompressionError::OutOfMemory;
    } catch (const std::length_error&) {
        err = CompressionError::OutOfMemory;
    }
    if (err != CompressionError::None) out.resize(base);
    return err;
}

}  // namespace

std::string_view describe(CompressionError error) {
    switch (error) {
        case CompressionError::None:
            return "ok";
        case CompressionError::Corrupt:
            return "the compressed data is corrupt or truncated";
        case CompressionError::TooLarge:
            return "the decompressed data exceeds the allowed size";
        case CompressionError::Unsupported:
            return "unknown compression codec";
        case CompressionError::OutOfMemory:
            return "out of memory while (de)compressing";
        case CompressionError::Internal:
            return "the compression library failed";
    }
    return "unknown compression error";
}

CompressionError compress(Compression codec, ByteView in, Bytes& out) {
    return guarded(out, [&] { return compress_impl(codec, in, out); });
}

CompressionError decompress(Compression codec, ByteView in, Bytes& out, std::size_t max_out_bytes) {
    return guarded(out, [&] { return decompress_impl(codec, in, out, max_out_bytes); });
}

CompressionError detail::snappy_compress_raw(ByteView in, Bytes& out) {
    return guarded(out, [&] {
        std::size_t base = out.size();
        out.resize(base + snappy::MaxCompressedLength(in.size()));
        std::size_t n = 0;
        snappy::RawCompress(reinterpret_cast<const char*>(in.data()), in.size(),
                            reinterpret_cast<char*>(out.data() + base), &n);
        out.resize(base + n);
        return CompressionError::None;
    });
}

}  // namespace kraftlab::protocol
