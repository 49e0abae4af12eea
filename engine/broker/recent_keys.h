// RecentKeys: the keys of the newest records a partition leader appended, for the UI's hover on
// the log strip (core::PartitionSnapshot::recent_keys).
//
// Cheap by construction: an append only copies its batches (whole, as stored) into a small
// ring; nothing is decoded per record. The keys are decoded when a snapshot asks for them (4
// times a second), and only if something was appended since the last time.
//
// Bounds: the ring keeps the newest batches that together hold at least kKeys records, and at
// most kMaxBatches batches and kMaxBytes bytes (the newest batch is always kept, whatever its
// size, up to the broker's message.max.bytes).
//
// Thread: the broker's node thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "protocol/codec.h"

namespace kraftlab::broker {

class RecentKeys {
  public:
    static constexpr std::size_t kKeys = 8;
    static constexpr std::size_t kMaxBatches = 8;
    static constexpr std::size_t kMaxBytes = 256 * 1024;
    // Longest key shown as is; longer keys are cut and end in "...".
    static constexpr std::size_t kMaxKeyChars = 64;

    // Remembers the batches just appended (one or more v2 batches, offsets stamped).
    void appended(protocol::ByteView batches);

    // The keys of the newest (at most kKeys) records, oldest first; and the offset after the
    // last of them (0 when nothing was appended). A batch that does not decode ends the search.
    const std::vector<std::string>& keys();
    std::int64_t end_offset() const { return end_offset_; }

  private:
    struct Batch {
        protocol::Bytes bytes;
        std::int32_t records = 0;
    };
    std::deque<Batch> batches_;
    std::size_t bytes_ = 0;
    bool dirty_ = false;
    std::vector<std::string> keys_;
    std::int64_t end_offset_ = 0;
};

// How a key is shown: printable text (ASCII or valid UTF-8 without control characters) as is,
// anything else as lowercase hex; either cut to kMaxKeyChars with "..."; a null key as "(null)".
std::string display_key(const std::optional<protocol::Bytes>& key);

}  // namespace kraftlab::broker
