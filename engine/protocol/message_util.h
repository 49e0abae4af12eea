// Internal helpers for the per-API message codecs (metadata.h, fetch.h, ...): the choice between
// classic and compact (flexible) encodings, non-nullable array lengths, and element loops.
// Not meant for code outside engine/protocol.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/codec.h"

namespace kraftlab::protocol::detail {

// Length of an array the schema does not allow to be null: a null (-1) is malformed, as in Kafka's
// generated readers ("non-nullable field was serialized as null").
inline std::int32_t read_array_length(Reader& in, std::size_t min_element_bytes,
                                      bool flexible = false) {
    std::int32_t n =
        flexible ? in.compact_array_length(min_element_bytes) : in.array_length(min_element_bytes);
    if (n < 0) {
        in.fail();
        return 0;
    }
    return n;
}

// Length of a nullable array: -1 for null.
inline std::int32_t read_nullable_array_length(Reader& in, std::size_t min_element_bytes,
                                               bool flexible = false) {
    return flexible ? in.compact_array_length(min_element_bytes)
                    : in.array_length(min_element_bytes);
}

inline void write_array_length(Writer& out, std::size_t n, bool flexible = false) {
    auto count = static_cast<std::int32_t>(n);
    if (flexible) {
        out.compact_array_length(count);
    } else {
        out.array_length(count);
    }
}

inline void write_null_array(Writer& out, bool flexible = false) {
    if (flexible) {
        out.compact_array_length(-1);
    } else {
        out.array_length(-1);
    }
}

// Reads n elements into out (cleared first); stops at the first failure, leaving the reader
// failed and out partially filled. Memory grows only with bytes actually consumed.
template <typename T, typename ReadOne>
void read_elements(Reader& in, std::int32_t n, std::vector<T>& out, ReadOne&& read_one) {
    out.clear();
    for (std::int32_t i = 0; i < n && in.ok(); ++i) {
        read_one(out.emplace_back());
    }
}

inline std::string read_string(Reader& in, bool flexible = false) {
    return flexible ? in.compact_string() : in.string();
}

inline std::optional<std::string> read_nullable_string(Reader& in, bool flexible = false) {
    return flexible ? in.compact_nullable_string() : in.nullable_string();
}

inline void write_string(Writer& out, std::string_view s, bool flexible = false) {
    if (flexible) {
        out.compact_string(s);
    } else {
        out.string(s);
    }
}

inline void write_nullable_string(Writer& out, const std::optional<std::string>& s,
                                  bool flexible = false) {
    if (flexible) {
        out.compact_nullable_string(s);
    } else {
        out.nullable_string(s);
    }
}

// Kafka's "records" type: nullable bytes on the wire.
inline std::optional<Bytes> read_records(Reader& in, bool flexible = false) {
    return flexible ? in.compact_nullable_bytes() : in.nullable_bytes();
}

inline void write_records(Writer& out, const std::optional<Bytes>& records, bool flexible = false) {
    if (flexible) {
        out.compact_nullable_bytes(records);
    } else {
        out.nullable_bytes(records);
    }
}

// Arrays of INT32 (replica lists, partition indexes).
inline void read_int32_array(Reader& in, std::vector<std::int32_t>& out, bool flexible = false) {
    std::int32_t n = read_array_length(in, 4, flexible);
    read_elements(in, n, out, [&](std::int32_t& v) { v = in.i32(); });
}

inline void write_int32_array(Writer& out, const std::vector<std::int32_t>& values,
                              bool flexible = false) {
    write_array_length(out, values.size(), flexible);
    for (auto v : values)
        out.i32(v);
}

// Arrays of UUIDs (log directory ids).
inline void read_uuid_array(Reader& in, std::vector<Uuid>& out, bool flexible = false) {
    std::int32_t n = read_array_length(in, 16, flexible);
    read_elements(in, n, out, [&](Uuid& v) { v = in.uuid(); });
}

inline void write_uuid_array(Writer& out, const std::vector<Uuid>& values, bool flexible = false) {
    write_array_length(out, values.size(), flexible);
    for (const auto& v : values)
        out.uuid(v);
}

// Writes one tagged field: tag, size, then the body written by write_body. A struct value is itself
// a flexible struct, so it ends with its own (empty) tagged-field section; an array value does not
// (its elements carry their own). The caller writes the field count first, counting only fields
// that differ from their defaults, as Kafka's generator does.
template <typename WriteBody>
void write_tagged_field(Writer& out, std::uint32_t tag, bool is_struct, WriteBody&& write_body) {
    Bytes body;
    Writer w(body);
    write_body(w);
    if (is_struct) w.empty_tagged_fields();
    out.uvarint(tag);
    out.uvarint(static_cast<std::uint32_t>(body.size()));
    out.raw(body);
}

// The end of a tagged struct value: its own tagged fields, and nothing after them. A size that
// disagrees with the content is malformed.
inline void finish_tagged_struct(Reader& field) {
    field.tagged_fields();
    if (!field.at_end()) field.fail();
}

// The end of a tagged value that is not a struct (an array, a string): the declared size must be
// exactly what the value used.
inline void finish_tagged_value(Reader& field) {
    if (!field.at_end()) field.fail();
}

// Minimum wire size of a string, and of an array's length prefix, in each encoding.
inline constexpr std::size_t min_string_bytes(bool flexible) {
    return flexible ? 1 : 2;
}
inline constexpr std::size_t min_array_bytes(bool flexible) {
    return flexible ? 1 : 4;
}

// The version range a codec implements. Decoders refuse other versions: the version comes off the
// wire, and reading it with another version's layout would silently misparse.
inline bool check_version(Reader& in, std::int16_t version, std::int16_t min, std::int16_t max) {
    if (version < min || version > max) in.fail();
    return in.ok();
}

}  // namespace kraftlab::protocol::detail
