#include "protocol/records.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "protocol/compression.h"
#include "protocol/crc32c.h"

namespace kraftlab::protocol {

namespace {

// Smallest possible record: Length, Attributes, TimestampDelta, OffsetDelta, KeyLength,
// ValueLength and HeadersCount, one byte each. Bounds RecordsCount before anything is reserved.
constexpr std::size_t kMinRecordBytes = 7;
constexpr std::size_t kAttributesOffset = 21;
constexpr std::size_t kCrcOffset = 17;

std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

std::int64_t unzigzag(std::uint64_t v) {
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// A bounds-checked cursor over one record. Reads past the end, or varints longer than their
// type, fail it (ok() == false) and return zero; the record is checked once at its end.
class Cursor {
  public:
    Cursor(const std::uint8_t* p, const std::uint8_t* end) : p_(p), end_(end) {}

    bool ok() const { return ok_; }
    const std::uint8_t* position() const { return p_; }
    std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }

    std::uint8_t byte() {
        if (p_ == end_) return fail();
        return *p_++;
    }

    // Zigzag varint of at most 5 bytes whose value fits 32 bits (Java's ByteUtils.readVarint
    // rejects longer ones; it silently drops excess bits of the 5th byte, we reject them).
    std::int32_t varint() {
        std::uint32_t value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (p_ == end_) return fail();
            std::uint8_t b = *p_++;
            if (shift == 28 && (b & 0xf0) != 0) return fail();
            value |= static_cast<std::uint32_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return static_cast<std::int32_t>(unzigzag(value));
        }
        return fail();
    }

    // Zigzag varlong of at most 10 bytes whose value fits 64 bits.
    std::int64_t varlong() {
        std::uint64_t value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (p_ == end_) return fail();
            std::uint8_t b = *p_++;
            if (shift == 63 && (b & 0xfe) != 0) return fail();
            value |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return unzigzag(value);
        }
        return fail();
    }

    // A length-prefixed field: n >= 0 bytes, or nullopt for -1; anything below -1 fails.
    std::optional<ByteView> nullable_field() {
        std::int32_t n = varint();
        if (!ok_ || n < -1) return fail_view();
        if (n == -1) return std::nullopt;
        return take(static_cast<std::size_t>(n));
    }

    ByteView take(std::size_t n) {
        if (!ok_ || remaining() < n) return fail_view();
        ByteView v(p_, n);
        p_ += n;
        return v;
    }

  private:
    int fail() {
        ok_ = false;
        p_ = end_;
        return 0;
    }
    ByteView fail_view() {
        fail();
        return {};
    }

    const std::uint8_t* p_;
    const std::uint8_t* end_;
    bool ok_ = true;
};

Bytes to_bytes(ByteView v) {
    return Bytes(v.begin(), v.end());
}

// One record's fields as views into the records section (nothing copied). The headers are
// checked when the record is parsed; `headers` holds their bytes for a second, safe pass.
struct RecordFields {
    std::int64_t timestamp_delta = 0;
    std::int32_t offset_delta = 0;
    std::optional<ByteView> key;
    std::optional<ByteView> value;
    std::int32_t header_count = 0;
    ByteView headers;
};

// Parses the record at the cursor (Length prefix included) into *out; false if it is malformed:
// a varint that is too long, a negative length where none may be, a null header key, a Length
// that does not cover exactly the fields.
bool parse_record(Cursor& section, RecordFields& out) {
    std::int32_t length = section.varint();
    if (!section.ok() || length < 0) return false;
    ByteView body = section.take(static_cast<std::size_t>(length));
    if (!section.ok()) return false;

    Cursor in(body.data(), body.data() + body.size());
    in.byte();  // record attributes: unused by every version so far
    out.timestamp_delta = in.varlong();
    out.offset_delta = in.varint();
    out.key = in.nullable_field();
    out.value = in.nullable_field();
    out.header_count = in.varint();
    // Each header needs at least two bytes (two lengths); a count beyond that is a lie.
    if (!in.ok() || out.header_count < 0 ||
        static_cast<std::size_t>(out.header_count) > in.remaining() / 2)
        return false;
    const std::uint8_t* headers_begin = in.position();
    for (std::int32_t j = 0; j < out.header_count; ++j) {
        std::int32_t key_length = in.varint();
        if (!in.ok() || key_length < 0) return false;  // header keys are never null
        in.take(static_cast<std::size_t>(key_length));
        in.nullable_field();
        if (!in.ok()) return false;
    }
    out.headers = ByteView(headers_begin, static_cast<std::size_t>(in.position() - headers_begin));
    // The Length prefix must cover exactly the fields (Java: "Invalid record size").
    return in.remaining() == 0;
}

// Decodes `count` records from the (uncompressed) records section into `out`.
BatchError decode_section(ByteView section, const RecordBatchHeader& h, std::vector<Record>& out) {
    const auto count = static_cast<std::size_t>(h.records_count);
    if (count > section.size() / kMinRecordBytes) return BatchError::CorruptRecords;
    out.reserve(out.size() + count);
    const bool log_append_time = h.log_append_time();
    const auto base_ts = static_cast<std::uint64_t>(h.base_timestamp);
    const auto base_offset = static_cast<std::uint64_t>(h.base_offset);
    std::int64_t previous_delta = -1;

    Cursor batch(section.data(), section.data() + section.size());
    RecordFields f;
    for (std::size_t i = 0; i < count; ++i) {
        if (!parse_record(batch, f)) return BatchError::CorruptRecords;
        if (f.offset_delta <= previous_delta || f.offset_delta > h.last_offset_delta)
            return BatchError::CorruptRecords;
        previous_delta = f.offset_delta;

        Record& r = out.emplace_back();
        r.offset =
            static_cast<std::int64_t>(base_offset + static_cast<std::uint64_t>(f.offset_delta));
        r.timestamp_ms = log_append_time
                             ? h.max_timestamp
                             : static_cast<std::int64_t>(
                                   base_ts + static_cast<std::uint64_t>(f.timestamp_delta));
        if (f.key) r.key = to_bytes(*f.key);
        if (f.value) r.value = to_bytes(*f.value);
        r.headers.reserve(static_cast<std::size_t>(f.header_count));
        Cursor in(f.headers.data(), f.headers.data() + f.headers.size());
        for (std::int32_t j = 0; j < f.header_count; ++j) {
            // Checked by parse_record: a non-null key, then a nullable value.
            std::int32_t key_length = in.varint();
            ByteView header_key = in.take(static_cast<std::size_t>(key_length));
            auto header_value = in.nullable_field();
            RecordHeader& header = r.headers.emplace_back();
            header.key.assign(reinterpret_cast<const char*>(header_key.data()), header_key.size());
            if (header_value) header.value = to_bytes(*header_value);
        }
    }
    if (batch.remaining() != 0) return BatchError::CorruptRecords;  // bytes after the last record
    return BatchError::None;
}

// The batch's records section, decompressed into `storage` if the batch names a codec and
// limited to max_uncompressed_bytes either way. The batch must have passed validate_batch.
BatchError records_section(ByteView batch, const RecordBatchHeader& h,
                           std::size_t max_uncompressed_bytes, Bytes& storage, ByteView& section) {
    section = batch.subspan(kRecordBatchHeaderBytes, h.size_bytes() - kRecordBatchHeaderBytes);
    if (h.compression() == Compression::None) {
        return section.size() > max_uncompressed_bytes ? BatchError::TooLarge : BatchError::None;
    }
    switch (decompress(h.compression(), section, storage, max_uncompressed_bytes)) {
        case CompressionError::None:
            section = storage;
            return BatchError::None;
        case CompressionError::TooLarge:
        case CompressionError::OutOfMemory:
            return BatchError::TooLarge;
        default:
            return BatchError::CorruptRecords;
    }
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::uint8_t* put_uvarint(std::uint8_t* p, std::uint64_t v) {
    while (v >= 0x80) {
        *p++ = static_cast<std::uint8_t>(v | 0x80);
        v >>= 7;
    }
    *p++ = static_cast<std::uint8_t>(v);
    return p;
}

std::uint8_t* put_varint(std::uint8_t* p, std::int64_t v) {
    return put_uvarint(p, zigzag(v));
}

std::uint8_t* put_field(std::uint8_t* p, std::optional<ByteView> v) {
    if (!v) return put_varint(p, -1);
    p = put_varint(p, static_cast<std::int64_t>(v->size()));
    if (!v->empty()) std::memcpy(p, v->data(), v->size());
    return p + v->size();
}

std::size_t field_size(std::optional<ByteView> v) {
    return v ? varint_size(static_cast<std::int64_t>(v->size())) + v->size() : 1;
}

std::optional<ByteView> view_of(const std::optional<Bytes>& b) {
    if (!b) return std::nullopt;
    return ByteView(*b);
}

}  // namespace

BatchError decode_records(ByteView batch, std::vector<Record>& out,
                          std::size_t max_uncompressed_bytes) {
    RecordBatchHeader h;
    if (auto err = validate_batch(batch, SIZE_MAX, &h); err != BatchError::None) return err;
    const std::size_t original_size = out.size();
    BatchError err = BatchError::None;
    try {
        Bytes decompressed;
        ByteView section;
        err = records_section(batch, h, max_uncompressed_bytes, decompressed, section);
        if (err == BatchError::None) err = decode_section(section, h, out);
    } catch (const std::bad_alloc&) {
        // Allocation is bounded by the batch and max_uncompressed_bytes; running out anyway is
        // reported as a batch too large to decode here.
        err = BatchError::TooLarge;
    }
    if (err != BatchError::None) out.resize(original_size);
    return err;
}

RecordsVerdict validate_records(ByteView batch, std::size_t max_uncompressed_bytes) {
    RecordBatchHeader h;
    if (auto err = validate_batch(batch, SIZE_MAX, &h); err != BatchError::None) {
        return {err, std::string(describe(err))};
    }
    if (h.records_count <= 0) {
        return {BatchError::InvalidRecordCount,
                "the header claims " + std::to_string(h.records_count) +
                    " records; a produced batch holds at least one"};
    }
    if (h.last_offset_delta != h.records_count - 1) {
        return {BatchError::InvalidRecordCount,
                "the header claims " +
                    plural(static_cast<std::size_t>(h.records_count), "record", "records") +
                    " but a last offset delta of " + std::to_string(h.last_offset_delta) +
                    " (it must be the count minus one)"};
    }
    Bytes decompressed;
    ByteView section;
    BatchError err = BatchError::None;
    try {
        err = records_section(batch, h, max_uncompressed_bytes, decompressed, section);
    } catch (const std::bad_alloc&) {
        err = BatchError::TooLarge;
    }
    if (err == BatchError::TooLarge) {
        return {err, "its records take more than " + std::to_string(max_uncompressed_bytes) +
                         " bytes once decompressed"};
    }
    if (err != BatchError::None) return {err, "its records do not decompress"};

    // Every record, counted: the header's count must be what the batch holds, not a bound.
    Cursor in(section.data(), section.data() + section.size());
    RecordFields f;
    std::size_t present = 0;
    while (in.remaining() > 0) {
        if (!parse_record(in, f)) {
            return {BatchError::CorruptRecords,
                    "record " + std::to_string(present) + " of the batch is malformed"};
        }
        if (f.offset_delta != static_cast<std::int32_t>(present) &&
            present < static_cast<std::size_t>(h.records_count)) {
            return {BatchError::InvalidRecordCount,
                    "record " + std::to_string(present) + " has offset delta " +
                        std::to_string(f.offset_delta) + "; a produced batch numbers its records " +
                        "0, 1, 2, ..."};
        }
        ++present;
    }
    if (present != static_cast<std::size_t>(h.records_count)) {
        return {BatchError::InvalidRecordCount,
                "the header claims " +
                    plural(static_cast<std::size_t>(h.records_count), "record", "records") +
                    " but the batch holds " + std::to_string(present)};
    }
    return {BatchError::None, {}, decompressed.size()};
}

BatchError find_record_at_or_after(ByteView batch, std::int64_t timestamp_ms,
                                   std::size_t max_uncompressed_bytes,
                                   std::optional<TimestampedOffset>& found,
                                   std::size_t* decompressed_bytes) {
    found.reset();
    if (decompressed_bytes) *decompressed_bytes = 0;
    RecordBatchHeader h;
    if (auto err = validate_batch(batch, SIZE_MAX, &h); err != BatchError::None) return err;
    Bytes decompressed;
    ByteView section;
    try {
        if (auto err = records_section(batch, h, max_uncompressed_bytes, decompressed, section);
            err != BatchError::None) {
            return err;
        }
    } catch (const std::bad_alloc&) {
        return BatchError::TooLarge;
    }
    if (decompressed_bytes) *decompressed_bytes = decompressed.size();
    Cursor in(section.data(), section.data() + section.size());
    RecordFields f;
    const auto base_ts = static_cast<std::uint64_t>(h.base_timestamp);
    for (std::int32_t i = 0; i < h.records_count; ++i) {
        if (!parse_record(in, f)) return BatchError::CorruptRecords;
        const auto ts = h.log_append_time()
                            ? h.max_timestamp
                            : static_cast<std::int64_t>(
                                  base_ts + static_cast<std::uint64_t>(f.timestamp_delta));
        if (ts >= timestamp_ms) {
            found = TimestampedOffset{
                static_cast<std::int64_t>(static_cast<std::uint64_t>(h.base_offset) +
                                          static_cast<std::uint64_t>(f.offset_delta)),
                ts};
            return BatchError::None;
        }
    }
    return BatchError::None;
}

std::size_t decompressed_batch_limit(std::size_t max_message_bytes) {
    return std::max(kMinDecompressedBatchLimit, max_message_bytes);
}

void RecordBatchBuilder::append(std::optional<ByteView> key, std::optional<ByteView> value,
                                std::int64_t timestamp_ms,
                                const std::vector<RecordHeader>& headers) {
    if (count_ == 0) {
        base_timestamp_ = timestamp_ms;
        max_timestamp_ = timestamp_ms;
    } else {
        max_timestamp_ = std::max(max_timestamp_, timestamp_ms);
    }
    // Java's long arithmetic wraps; so does this (unsigned), without signed-overflow UB.
    const auto timestamp_delta = static_cast<std::int64_t>(
        static_cast<std::uint64_t>(timestamp_ms) - static_cast<std::uint64_t>(base_timestamp_));
    const std::int32_t offset_delta = count_;

    std::size_t body = 1 + varint_size(timestamp_delta) + varint_size(offset_delta) +
                       field_size(key) + field_size(value) +
                       varint_size(static_cast<std::int64_t>(headers.size()));
    for (const auto& header : headers) {
        body += varint_size(static_cast<std::int64_t>(header.key.size())) + header.key.size() +
                field_size(view_of(header.value));
    }
    const std::size_t total = varint_size(static_cast<std::int64_t>(body)) + body;

    const std::size_t at = records_.size();
    records_.resize(at + total);
    std::uint8_t* p = records_.data() + at;
    p = put_varint(p, static_cast<std::int64_t>(body));
    *p++ = 0;  // record attributes
    p = put_varint(p, timestamp_delta);
    p = put_varint(p, offset_delta);
    p = put_field(p, key);
    p = put_field(p, value);
    p = put_varint(p, static_cast<std::int64_t>(headers.size()));
    for (const auto& header : headers) {
        p = put_field(p, ByteView(reinterpret_cast<const std::uint8_t*>(header.key.data()),
                                  header.key.size()));
        p = put_field(p, view_of(header.value));
    }
    ++count_;
}

std::size_t RecordBatchBuilder::uncompressed_bytes() const {
    return empty() ? 0 : kRecordBatchHeaderBytes + records_.size();
}

Bytes RecordBatchBuilder::build(std::int64_t base_offset) const {
    Bytes out;
    if (empty()) return out;
    out.reserve(kRecordBatchHeaderBytes + records_.size() + 64);
    Writer w(out);
    w.i64(base_offset);
    w.i32(0);   // Length, patched below
    w.i32(-1);  // PartitionLeaderEpoch: the broker stamps it (librdkafka sends 0; Java -1)
    w.i8(kMagicV2);
    w.u32(0);  // CRC, patched below
    const std::size_t attributes_at = out.size();
    w.i16(static_cast<std::int16_t>(compression_));  // codec bits; CreateTime, not transactional
    w.i32(count_ - 1);                               // LastOffsetDelta
    w.i64(base_timestamp_);
    w.i64(max_timestamp_);
    w.i64(-1);  // ProducerId
    w.i16(-1);  // ProducerEpoch
    w.i32(-1);  // BaseSequence
    w.i32(count_);

    if (compress(compression_, records_, out) != CompressionError::None) {
        // Only an allocation failure gets here; an uncompressed batch is still a valid batch.
        out.resize(kRecordBatchHeaderBytes);
        out[attributes_at] = 0;
        out[attributes_at + 1] = 0;
        out.insert(out.end(), records_.begin(), records_.end());
    }
    w.patch_i32(8, static_cast<std::int32_t>(out.size() - kLogOverheadBytes));
    const std::uint32_t crc =
        crc32c(ByteView(out).subspan(kAttributesOffset, out.size() - kAttributesOffset));
    w.patch_i32(kCrcOffset, static_cast<std::int32_t>(crc));
    return out;
}

void RecordBatchBuilder::clear() {
    records_.clear();
    count_ = 0;
    base_timestamp_ = 0;
    max_timestamp_ = 0;
}

}  // namespace kraftlab::protocol
