// Kafka wire primitives: big-endian integers, varints, strings, bytes, arrays and tagged fields,
// in both the classic and the "flexible" (compact, KIP-482) encodings.
//
// Contract: a Reader never throws and never reads past its span. The first malformed or
// truncated field puts it into a failed state (ok() == false); every later read returns a zero
// value. Decoders read a whole message and check ok() once at the end. Array and byte lengths are
// checked against the bytes that remain before anything is allocated, so a hostile length prefix
// cannot make a node allocate more than the frame it already holds.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kraftlab::protocol {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// A Kafka UUID (topic ids, cluster ids): 16 bytes, most significant half first.
struct Uuid {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    bool is_zero() const { return high == 0 && low == 0; }
    auto operator<=>(const Uuid&) const = default;
    // Kafka prints UUIDs as URL-safe base64 without padding (22 characters).
    std::string to_base64() const;
    static std::optional<Uuid> from_base64(std::string_view text);
    static Uuid random();
};

class Reader {
  public:
    explicit Reader(ByteView data) : data_(data) {}

    bool ok() const { return ok_; }
    void fail() { ok_ = false; }
    std::size_t position() const { return pos_; }
    std::size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
    bool at_end() const { return ok_ && pos_ == data_.size(); }

    std::int8_t i8();
    std::int16_t i16();
    std::int32_t i32();
    std::int64_t i64();
    std::uint16_t u16();
    std::uint32_t u32();
    double f64();
    bool boolean();
    Uuid uuid();

    // Unsigned LEB128 (flexible lengths, tag numbers) and zigzag varints (records).
    std::uint32_t uvarint();
    std::uint64_t uvarlong();
    std::int32_t varint();
    std::int64_t varlong();

    // INT16-length strings. A null (-1) where a non-null string is required fails the reader.
    std::string string();
    std::optional<std::string> nullable_string();
    // UVARINT(length + 1) strings of flexible versions.
    std::string compact_string();
    std::optional<std::string> compact_nullable_string();

    // INT32-length bytes, and their compact (UVARINT(length + 1)) forms.
    Bytes bytes();
    std::optional<Bytes> nullable_bytes();
    Bytes compact_bytes();
    std::optional<Bytes> compact_nullable_bytes();

    // Length of an array, -1 for a null array. Fails when the count could not possibly fit in the
    // remaining bytes (each element needs at least min_element_bytes).
    std::int32_t array_length(std::size_t min_element_bytes = 1);
    std::int32_t compact_array_length(std::size_t min_element_bytes = 1);

    // A view of the next n bytes (no copy); fails if fewer remain.
    ByteView raw(std::size_t n);
    ByteView rest() { return raw(remaining()); }

    // Tagged fields of a flexible struct. The handler is called for each field with a Reader over
    // exactly that field's bytes; return false for an unknown tag to skip it.
    using TagHandler = std::function<bool(std::uint32_t tag, Reader& field)>;
    void tagged_fields(const TagHandler& handler = {});

  private:
    bool need(std::size_t n);
    template <typename T>
    T big_endian();

    ByteView data_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

class Writer {
  public:
    explicit Writer(Bytes& out) : out_(out) {}

    std::size_t position() const { return out_.size(); }

    void i8(std::int8_t v);
    void i16(std::int16_t v);
    void i32(std::int32_t v);
    void i64(std::int64_t v);
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void f64(double v);
    void boolean(bool v) { i8(v ? 1 : 0); }
    void uuid(const Uuid& v);

    void uvarint(std::uint32_t v);
    void uvarlong(std::uint64_t v);
    void varint(std::int32_t v);
    void varlong(std::int64_t v);

    void string(std::string_view v);
    void nullable_string(const std::optional<std::string>& v);
    void compact_string(std::string_view v);
    void compact_nullable_string(const std::optional<std::string>& v);

    void bytes(ByteView v);
    void nullable_bytes(const std::optional<Bytes>& v);
    void compact_bytes(ByteView v);
    void compact_nullable_bytes(const std::optional<Bytes>& v);

    void array_length(std::int32_t n);          // -1 writes a null array
    void compact_array_length(std::int32_t n);  // -1 writes a null array (UVARINT 0)

    void raw(ByteView v);
    // A flexible struct's tagged-field section with no fields.
    void empty_tagged_fields() { uvarint(0); }

    // Overwrite a big-endian int32 written earlier (length prefixes known only at the end).
    void patch_i32(std::size_t at, std::int32_t v);

  private:
    Bytes& out_;
};

// Size in bytes of the unsigned / zigzag varint encodings (record sizes are computed before
// writing).
std::size_t uvarint_size(std::uint64_t v);
std::size_t varint_size(std::int64_t v);

}  // namespace kraftlab::protocol
