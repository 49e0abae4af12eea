#include "protocol/codec.h"

#include <bit>
#include <cstring>
#include <limits>
#include <random>

namespace kraftlab::protocol {

namespace {

constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64_value(char c) {
    auto pos = kBase64Url.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::string Uuid::to_base64() const {
    std::array<std::uint8_t, 16> raw{};
    for (int i = 0; i < 8; ++i) {
        raw[i] = static_cast<std::uint8_t>(high >> (56 - 8 * i));
        raw[8 + i] = static_cast<std::uint8_t>(low >> (56 - 8 * i));
    }
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (auto b : raw) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kBase64Url[(acc >> bits) & 0x3f]);
        }
    }
    if (bits > 0) out.push_back(kBase64Url[(acc << (6 - bits)) & 0x3f]);
    return out;
}

std::optional<Uuid> Uuid::from_base64(std::string_view text) {
    if (text.size() != 22) return std::nullopt;
    std::array<std::uint8_t, 16> raw{};
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t n = 0;
    for (char c : text) {
        int v = base64_value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < raw.size()) raw[n++] = static_cast<std::uint8_t>(acc >> bits);
        }
    }
    Uuid u;
    for (int i = 0; i < 8; ++i) {
        u.high = (u.high << 8) | raw[i];
        u.low = (u.low << 8) | raw[8 + i];
    }
    return u;
}

Uuid Uuid::random() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    Uuid u;
    do {
        u.high = rng();
        u.low = rng();
    } while (u.is_zero());
    return u;
}

// ---------------------------------------------------------------------------------------------
// Reader

bool Reader::need(std::size_t n) {
    if (!ok_) return false;
    if (data_.size() - pos_ < n) {
        ok_ = false;
        return false;
    }
    return true;
}

template <typename T>
T Reader::big_endian() {
    if (!need(sizeof(T))) return T{};
    std::make_unsigned_t<T> v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        v = (v << 8) | data_[pos_ + i];
    pos_ += sizeof(T);
    return static_cast<T>(v);
}

std::int8_t Reader::i8() {
    return big_endian<std::int8_t>();
}
std::int16_t Reader::i16() {
    return big_endian<std::int16_t>();
}
std::int32_t Reader::i32() {
    return big_endian<std::int32_t>();
}
std::int64_t Reader::i64() {
    return big_endian<std::int64_t>();
}
std::uint16_t Reader::u16() {
    return big_endian<std::uint16_t>();
}
std::uint32_t Reader::u32() {
    return big_endian<std::uint32_t>();
}

double Reader::f64() {
    return std::bit_cast<double>(big_endian<std::uint64_t>());
}

bool Reader::boolean() {
    return i8() != 0;
}

Uuid Reader::uuid() {
    Uuid u;
    u.high = static_cast<std::uint64_t>(i64());
    u.low = static_cast<std::uint64_t>(i64());
    return u;
}

std::uint64_t Reader::uvarlong() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (!need(1)) return 0;
        std::uint8_t b = data_[pos_++];
        value |= static_cast<std::uint64_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) return value;
    }
    ok_ = false;  // more than 10 bytes: not a varint
    return 0;
}

std::uint32_t Reader::uvarint() {
    std::uint32_t value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        if (!need(1)) return 0;
        std::uint8_t b = data_[pos_++];
        if (shift == 28 && (b & 0xf0) != 0) {  // would overflow 32 bits
            ok_ = false;
            return 0;
        }
        value |= static_cast<std::uint32_t>(b & 0x7f) << shift;
        if ((b & 0x80) == 0) return value;
    }
    ok_ = false;
    return 0;
}

std::int32_t Reader::varint() {
    std::uint32_t raw = uvarint();
    return static_cast<std::int32_t>((raw >> 1) ^ (~(raw & 1) + 1));
}

std::int64_t Reader::varlong() {
    std::uint64_t raw = uvarlong();
    return static_cast<std::int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
}

std::string Reader::string() {
    auto s = nullable_string();
    if (!s) {
        ok_ = false;
        return {};
    }
    return std::move(*s);
}

std::optional<std::string> Reader::nullable_string() {
    std::int16_t len = i16();
    if (!ok_) return std::string{};
    if (len < 0) {
        if (len != -1) ok_ = false;
        return std::nullopt;
    }
    if (!need(static_cast<std::size_t>(len))) return std::string{};
    std::string s(reinterpret_cast<const char*>(data_.data() + pos_),
                  static_cast<std::size_t>(len));
    pos_ += static_cast<std::size_t>(len);
    return s;
}

std::string Reader::compact_string() {
    auto s = compact_nullable_string();
    if (!s) {
        ok_ = false;
        return {};
    }
    return std::move(*s);
}

std::optional<std::string> Reader::compact_nullable_string() {
    std::uint32_t n = uvarint();
    if (!ok_) return std::string{};
    if (n == 0) return std::nullopt;
    std::size_t len = n - 1;
    if (len > std::numeric_limits<std::int16_t>::max() || !need(len)) {
        ok_ = false;
        return std::string{};
    }
    std::string s(reinterpret_cast<const char*>(data_.data() + pos_), len);
    pos_ += len;
    return s;
}

Bytes Reader::bytes() {
    auto b = nullable_bytes();
    if (!b) {
        ok_ = false;
        return {};
    }
    return std::move(*b);
}

std::optional<Bytes> Reader::nullable_bytes() {
    std::int32_t len = i32();
    if (!ok_) return Bytes{};
    if (len < 0) {
        if (len != -1) ok_ = false;
        return std::nullopt;
    }
    auto view = raw(static_cast<std::size_t>(len));
    return Bytes(view.begin(), view.end());
}

Bytes Reader::compact_bytes() {
    auto b = compact_nullable_bytes();
    if (!b) {
        ok_ = false;
        return {};
    }
    return std::move(*b);
}

std::optional<Bytes> Reader::compact_nullable_bytes() {
    std::uint32_t n = uvarint();
    if (!ok_) return Bytes{};
    if (n == 0) return std::nullopt;
    auto view = raw(n - 1);
    return Bytes(view.begin(), view.end());
}

std::int32_t Reader::array_length(std::size_t min_element_bytes) {
    std::int32_t n = i32();
    if (!ok_) return 0;
    if (n < -1) {
        ok_ = false;
        return 0;
    }
    if (n > 0 &&
        static_cast<std::size_t>(n) > remaining() / std::max<std::size_t>(1, min_element_bytes)) {
        ok_ = false;
        return 0;
    }
    return n;
}

std::int32_t Reader::compact_array_length(std::size_t min_element_bytes) {
    std::uint32_t n = uvarint();
    if (!ok_) return 0;
    if (n == 0) return -1;
    std::size_t count = n - 1;
    if (count > remaining() / std::max<std::size_t>(1, min_element_bytes)) {
        ok_ = false;
        return 0;
    }
    return static_cast<std::int32_t>(count);
}

ByteView Reader::raw(std::size_t n) {
    if (!need(n)) return {};
    ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
}

void Reader::tagged_fields(const TagHandler& handler) {
    std::uint32_t count = uvarint();
    if (!ok_) return;
    if (count > remaining()) {  // every field needs at least two bytes
        ok_ = false;
        return;
    }
    std::int64_t last_tag = -1;
    for (std::uint32_t i = 0; i < count && ok_; ++i) {
        std::uint32_t tag = uvarint();
        std::uint32_t size = uvarint();
        if (!ok_) return;
        if (static_cast<std::int64_t>(tag) <= last_tag) {  // tags are strictly ascending
            ok_ = false;
            return;
        }
        last_tag = tag;
        ByteView field = raw(size);
        if (!ok_) return;
        if (handler) {
            Reader sub(field);
            if (handler(tag, sub) && !sub.ok()) {
                ok_ = false;
                return;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Writer

namespace {

template <typename T>
void put_big_endian(Bytes& out, T v) {
    auto u = static_cast<std::make_unsigned_t<T>>(v);
    for (int i = static_cast<int>(sizeof(T)) - 1; i >= 0; --i) {
        out.push_back(static_cast<std::uint8_t>(u >> (8 * i)));
    }
}

}  // namespace

void Writer::i8(std::int8_t v) {
    out_.push_back(static_cast<std::uint8_t>(v));
}
void Writer::i16(std::int16_t v) {
    put_big_endian(out_, v);
}
void Writer::i32(std::int32_t v) {
    put_big_endian(out_, v);
}
void Writer::i64(std::int64_t v) {
    put_big_endian(out_, v);
}
void Writer::u16(std::uint16_t v) {
    put_big_endian(out_, v);
}
void Writer::u32(std::uint32_t v) {
    put_big_endian(out_, v);
}
void Writer::f64(double v) {
    put_big_endian(out_, std::bit_cast<std::uint64_t>(v));
}

void Writer::uuid(const Uuid& v) {
    put_big_endian(out_, v.high);
    put_big_endian(out_, v.low);
}

void Writer::uvarlong(std::uint64_t v) {
    while (v >= 0x80) {
        out_.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out_.push_back(static_cast<std::uint8_t>(v));
}

void Writer::uvarint(std::uint32_t v) {
    uvarlong(v);
}

void Writer::varint(std::int32_t v) {
    uvarint((static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31));
}

void Writer::varlong(std::int64_t v) {
    uvarlong((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void Writer::string(std::string_view v) {
    i16(static_cast<std::int16_t>(v.size()));
    raw({reinterpret_cast<const std::uint8_t*>(v.data()), v.size()});
}

void Writer::nullable_string(const std::optional<std::string>& v) {
    if (!v) {
        i16(-1);
        return;
    }
    string(*v);
}

void Writer::compact_string(std::string_view v) {
    uvarint(static_cast<std::uint32_t>(v.size() + 1));
    raw({reinterpret_cast<const std::uint8_t*>(v.data()), v.size()});
}

void Writer::compact_nullable_string(const std::optional<std::string>& v) {
    if (!v) {
        uvarint(0);
        return;
    }
    compact_string(*v);
}

void Writer::bytes(ByteView v) {
    i32(static_cast<std::int32_t>(v.size()));
    raw(v);
}

void Writer::nullable_bytes(const std::optional<Bytes>& v) {
    if (!v) {
        i32(-1);
        return;
    }
    bytes(*v);
}

void Writer::compact_bytes(ByteView v) {
    uvarint(static_cast<std::uint32_t>(v.size() + 1));
    raw(v);
}

void Writer::compact_nullable_bytes(const std::optional<Bytes>& v) {
    if (!v) {
        uvarint(0);
        return;
    }
    compact_bytes(*v);
}

void Writer::array_length(std::int32_t n) {
    i32(n);
}

void Writer::compact_array_length(std::int32_t n) {
    uvarint(n < 0 ? 0u : static_cast<std::uint32_t>(n) + 1);
}

void Writer::raw(ByteView v) {
    out_.insert(out_.end(), v.begin(), v.end());
}

void Writer::patch_i32(std::size_t at, std::int32_t v) {
    auto u = static_cast<std::uint32_t>(v);
    for (int i = 0; i < 4; ++i)
        out_[at + i] = static_cast<std::uint8_t>(u >> (24 - 8 * i));
}

std::size_t uvarint_size(std::uint64_t v) {
    std::size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

std::size_t varint_size(std::int64_t v) {
    return uvarint_size((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

}  // namespace kraftlab::protocol
