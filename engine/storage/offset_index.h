// The sparse index of one segment: which batch starts where, and how late the timestamps got.
//
// File format (`<base>.index`): fixed 16-byte big-endian entries, one per indexed batch, in log
// order: relative offset u32 (the batch's base offset minus the segment's base offset), file
// position u32 (where that batch starts in `<base>.log`), max timestamp i64 (the largest
// MaxTimestamp of every batch in the segment up to and including that one, in ms).
//
// An entry is added for a batch that starts at least `interval_bytes` after the previous entry
// (or after the segment start), so an offset or timestamp lookup scans at most about
// interval_bytes plus one batch of headers. The rule depends only on batch positions, so an index
// rebuilt by scanning the segment is identical to the one appends wrote.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/codec.h"

namespace kraftlab::storage {

inline constexpr std::size_t kIndexEntryBytes = 16;
// Kafka's RecordBatch.NO_TIMESTAMP: what a segment without batches reports as its max timestamp.
inline constexpr std::int64_t kNoTimestamp = -1;

struct IndexEntry {
    std::uint32_t relative_offset = 0;
    std::uint32_t position = 0;
    std::int64_t max_timestamp_ms = kNoTimestamp;
    bool operator==(const IndexEntry&) const = default;
};

class SparseIndex {
  public:
    const std::vector<IndexEntry>& entries() const { return entries_; }
    std::size_t size() const { return entries_.size(); }

    // Whether a batch starting at position gets an entry (see the rule above).
    bool entry_due(std::uint64_t position, std::uint32_t interval_bytes) const;
    void add(const IndexEntry& entry) { entries_.push_back(entry); }
    // Keeps the first n entries.
    void shrink_to(std::size_t n) { entries_.resize(std::min(n, entries_.size())); }
    // Drops the entries of batches at or after position.
    void drop_from_position(std::uint64_t position);
    void assign(std::vector<IndexEntry> entries) { entries_ = std::move(entries); }

    // The last entry whose batch starts at or before relative_offset; nullptr means "scan from
    // the segment start".
    const IndexEntry* floor_for_offset(std::uint64_t relative_offset) const;
    // The last entry whose max timestamp so far is below timestamp_ms: every batch up to it is
    // older, so a search for the first batch reaching timestamp_ms may start there. nullptr means
    // "scan from the segment start".
    const IndexEntry* last_before_timestamp(std::int64_t timestamp_ms) const;

  private:
    std::vector<IndexEntry> entries_;
};

// The file bytes of entries[from, to).
protocol::Bytes encode_index_entries(const std::vector<IndexEntry>& entries, std::size_t from,
                                     std::size_t to);

// Decodes an index file and checks that it is well-formed for a segment of segment_bytes whose
// offsets stay below base + offset_span: size a multiple of the entry size, offsets and positions
// strictly increasing, max timestamps never decreasing, every position inside the segment, every
// offset inside the span. On failure returns nullopt and says why in plain words in *why.
std::optional<std::vector<IndexEntry>> decode_index(protocol::ByteView data,
                                                    std::uint64_t segment_bytes,
                                                    std::uint64_t offset_span, std::string* why);

}  // namespace kraftlab::storage
