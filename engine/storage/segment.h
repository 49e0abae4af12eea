// One segment of a partition log: `<base>.log` holds whole record batches back to back, exactly as
// appended, and `<base>.index` its sparse index (see offset_index.h). `<base>` is the base offset
// of the segment's first batch, printed as 20 decimal digits so that names sort like offsets.
//
// The in-memory Segment is only metadata (sizes, offsets, the sparse index); record bytes stay on
// disk. Owned by PartitionLog and used from its thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/record_batch.h"
#include "storage/file.h"
#include "storage/offset_index.h"

namespace kraftlab::storage {

// The smallest legal Length field of a batch: a bare header, no records.
inline constexpr std::int32_t kMinBatchLength =
    protocol::kRecordBatchHeaderBytes - protocol::kLogOverheadBytes;

// The part of a segment's state that describes its files; what fsync makes durable.
struct SegmentExtent {
    std::uint64_t size_bytes = 0;
    std::size_t index_entries = 0;
    std::int64_t next_offset = 0;
    std::int64_t max_timestamp_ms = kNoTimestamp;
    bool operator==(const SegmentExtent&) const = default;
};

struct Segment {
    std::int64_t base_offset = 0;
    std::int64_t next_offset = 0;  // one past the last offset stored; base_offset while empty
    std::uint64_t size_bytes = 0;
    std::int64_t max_timestamp_ms = kNoTimestamp;  // largest batch MaxTimestamp
    SparseIndex index;

    // No descriptors here: the segment's files are opened on demand through the process's
    // DescriptorCache (descriptor_cache.h), keyed by the log and base_offset.

    // The extent at the last flush, and whether the files were created after it: what a power
    // loss would leave of this segment.
    SegmentExtent flushed;
    bool created_since_flush = false;

    bool empty() const { return size_bytes == 0; }
    SegmentExtent extent() const {
        return {size_bytes, index.size(), next_offset, max_timestamp_ms};
    }
    // Forgets what lies beyond an earlier extent (the files are cut by the caller).
    void reset_to(const SegmentExtent& e) {
        size_bytes = e.size_bytes;
        index.shrink_to(e.index_entries);
        next_offset = e.next_offset;
        max_timestamp_ms = e.max_timestamp_ms;
    }
    std::uint32_t relative(std::int64_t offset) const {
        return static_cast<std::uint32_t>(offset - base_offset);
    }

    // Accounts for a batch now stored at position (the end of the segment): sizes, offsets, max
    // timestamp, and an index entry when one is due. Does not touch the files.
    // Returns whether an index entry was added.
    bool add_batch(const protocol::RecordBatchHeader& header, std::uint64_t position,
                   std::uint32_t index_interval_bytes);
};

// "00000000000000004000" for 4000.
std::string segment_stem(std::int64_t base_offset);
std::filesystem::path segment_log_path(const std::filesystem::path& dir, std::int64_t base_offset);
std::filesystem::path segment_index_path(const std::filesystem::path& dir,
                                         std::int64_t base_offset);
// The base offset in "<20 digits><extension>", or nullopt for any other name.
std::optional<std::int64_t> parse_segment_file_name(std::string_view name,
                                                    std::string_view extension);

// Reads the 61-byte header of the batch at position and checks that the batch lies inside the
// segment, is v2 and starts at expected_base_offset. Errors say where the segment is damaged.
IoStatus read_batch_header(const File& file, const Segment& segment, std::uint64_t position,
                           std::int64_t expected_base_offset, protocol::RecordBatchHeader& out);

struct BatchLocation {
    std::uint64_t position = 0;
    protocol::RecordBatchHeader header;
};

// Finds the batch that holds offset (base_offset <= offset < next_offset): the index gives a
// start, then headers are read one by one via pread until the batch is found.
IoStatus locate_batch(const File& file, const Segment& segment, std::int64_t offset,
                      BatchLocation& out);

}  // namespace kraftlab::storage
