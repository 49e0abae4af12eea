#include "storage/segment.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace kraftlab::storage {

using protocol::kRecordBatchHeaderBytes;
using protocol::RecordBatchHeader;

bool Segment::add_batch(const RecordBatchHeader& header, std::uint64_t position,
                        std::uint32_t index_interval_bytes) {
    max_timestamp_ms = std::max(max_timestamp_ms, header.max_timestamp);
    bool indexed = index.entry_due(position, index_interval_bytes);
    if (indexed) {
        index.add(
            {relative(header.base_offset), static_cast<std::uint32_t>(position), max_timestamp_ms});
    }
    size_bytes = position + header.size_bytes();
    next_offset = header.next_offset();
    return indexed;
}

std::string segment_stem(std::int64_t base_offset) {
    char name[32];
    std::snprintf(name, sizeof name, "%020lld", static_cast<long long>(base_offset));
    return name;
}

std::filesystem::path segment_log_path(const std::filesystem::path& dir, std::int64_t base_offset) {
    return dir / (segment_stem(base_offset) + ".log");
}

std::filesystem::path segment_index_path(const std::filesystem::path& dir,
                                         std::int64_t base_offset) {
    return dir / (segment_stem(base_offset) + ".index");
}

std::optional<std::int64_t> parse_segment_file_name(std::string_view name,
                                                    std::string_view extension) {
    constexpr std::size_t kDigits = 20;
    if (name.size() != kDigits + extension.size() || !name.ends_with(extension)) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < kDigits; ++i) {
        char c = name[i];
        if (c < '0' || c > '9') return std::nullopt;
        std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
        if (value > (static_cast<std::uint64_t>(INT64_MAX) - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    return static_cast<std::int64_t>(value);
}

IoStatus read_batch_header(const File& file, const Segment& segment, std::uint64_t position,
                           std::int64_t expected_base_offset, RecordBatchHeader& out) {
    auto damaged = [&](const std::string& why) {
        return IoStatus{"segment " + segment_stem(segment.base_offset) +
                        ".log is damaged at byte " + std::to_string(position) + ": " + why};
    };
    if (position + kRecordBatchHeaderBytes > segment.size_bytes) {
        return damaged("a batch header runs past the end of the segment");
    }
    std::array<std::uint8_t, kRecordBatchHeaderBytes> bytes;
    if (IoStatus st = file.pread_exact(position, bytes); !st.ok()) return st;
    auto header = RecordBatchHeader::parse(bytes);  // cannot fail: 61 bytes are there
    if (header->length < kMinBatchLength || position + header->size_bytes() > segment.size_bytes) {
        return damaged("the batch length does not fit the segment");
    }
    if (header->magic != protocol::kMagicV2) return damaged("the batch is not v2");
    if (header->base_offset != expected_base_offset || header->last_offset_delta < 0) {
        return damaged("the batch starts at offset " + std::to_string(header->base_offset) +
                       ", expected " + std::to_string(expected_base_offset));
    }
    out = *header;
    return {};
}

IoStatus locate_batch(const File& file, const Segment& segment, std::int64_t offset,
                      BatchLocation& out) {
    std::uint64_t position = 0;
    std::int64_t expected = segment.base_offset;
    if (const IndexEntry* e = segment.index.floor_for_offset(
            static_cast<std::uint64_t>(offset - segment.base_offset))) {
        position = e->position;
        expected = segment.base_offset + e->relative_offset;
    }
    while (true) {
        RecordBatchHeader h;
        if (IoStatus st = read_batch_header(file, segment, position, expected, h); !st.ok()) {
            return st;
        }
        if (h.last_offset() >= offset) {
            out = {position, h};
            return {};
        }
        position += h.size_bytes();
        expected = h.next_offset();
    }
}

}  // namespace kraftlab::storage
