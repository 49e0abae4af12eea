// The in-memory copy of one node's raft log (private to engine/raft/).
//
// Entries are contiguous from start_offset(); epochs never decrease along the log, so the end of
// an epoch is found by binary search. This is the part of the log the node can read; the runtime
// owns the durable copy and keeps it equal through Ready's truncate_to / append.
//
// Thread: whatever owns the RaftNode.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "raft/raft.h"

namespace kraftlab::raft {

// An epoch and an end offset, as KIP-595's Fetch answers a divergence: `end_offset` is the offset
// just after the last entry of `epoch` (the first offset of the next epoch, or the log end).
struct EpochEnd {
    std::int32_t epoch = 0;
    std::int64_t end_offset = 0;
    bool operator==(const EpochEnd&) const = default;
};

class RaftLog {
  public:
    // Keeps the longest well-formed prefix of `entries`: contiguous offsets from the first entry,
    // non-decreasing positive epochs, at least one record each. An empty log starts at 0.
    explicit RaftLog(std::vector<Entry> entries);

    std::int64_t start_offset() const { return start_offset_; }
    std::int64_t end_offset() const {
        return entries_.empty() ? start_offset_ : entries_.back().next_offset();
    }
    std::int32_t last_epoch() const { return entries_.empty() ? 0 : entries_.back().epoch; }
    bool empty() const { return entries_.empty(); }
    const std::vector<Entry>& entries() const { return entries_; }

    // Appends at the end. False (and nothing changes) unless entry.base_offset == end_offset(),
    // the epoch is not below last_epoch(), and it has records.
    bool append(Entry entry);

    // Drops every entry that ends above `offset`: an entry straddling `offset` goes too, so the
    // log always ends on an entry boundary. Returns the new end offset.
    std::int64_t truncate(std::int64_t offset);

    // The largest epoch <= `epoch` that has entries here, and where it ends. (0, start) when
    // there is none. Kafka's ReplicatedLog.endOffsetForEpoch.
    EpochEnd end_of_epoch(std::int32_t epoch) const;

    // Index of the entry whose base offset is exactly `offset`, or -1.
    std::ptrdiff_t index_at(std::int64_t offset) const;
    // Index of the first entry ending above `offset` (entries_.size() if none).
    std::size_t first_ending_after(std::int64_t offset) const;

    // Up to `max_entries` whole entries starting at base offset `from` (none if `from` is not an
    // entry boundary).
    std::vector<Entry> read(std::int64_t from, std::size_t max_entries) const;
    // Entries lying wholly inside [from, to).
    std::vector<Entry> range(std::int64_t from, std::int64_t to) const;

  private:
    std::int64_t start_offset_ = 0;
    std::vector<Entry> entries_;
};

}  // namespace kraftlab::raft
