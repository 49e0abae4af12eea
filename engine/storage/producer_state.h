// ProducerStateTable: one partition's idempotent-producer state (KIP-98, Kafka's
// ProducerStateManager and ProducerAppendInfo): per producer id its epoch and the metadata of its
// last five batches (first and last sequence, first and last offset). Pure: no disk, no clock;
// PartitionLog (partition_log.h) keeps one per log, checks leader appends against it, feeds it
// every batch it stores (leader and follower appends), rebuilds it after a truncation or on
// open, and saves it in snapshot files (encode_producer_snapshot below).
//
// The rules a leader applies to a batch with a producer id (check / check_append), as Kafka 3.x:
//   - a batch whose epoch and sequence range equal one of the producer's last five batches is a
//     retry already in the log: Duplicate, answered with the original offsets and not appended;
//   - an epoch older than the producer's: INVALID_PRODUCER_EPOCH;
//   - a newer epoch must start at sequence 0, else OUT_OF_ORDER_SEQUENCE_NUMBER;
//   - the same epoch must continue at last sequence + 1 (wrapping from INT32_MAX to 0), else
//     OUT_OF_ORDER_SEQUENCE_NUMBER (a gap, or an old batch no longer among the last five);
//   - a producer id the partition has no state for is accepted at any sequence (Kafka 3.x since
//     KIP-360: its state may have gone with retention or DeleteRecords), so UNKNOWN_PRODUCER_ID
//     is never answered;
//   - a producer id with a negative base sequence is INVALID_RECORD.
// Follower appends and log rebuilds take batches as they are (record()), without checks.
//
// Memory: at most kMaxProducers producer ids per partition. A batch from one more evicts the
// producer whose last batch is the oldest (Kafka expires idle producers after
// producer.id.expiration.ms instead); an evicted producer counts as unknown, so only a retry of
// its old batches could be written twice. A client inventing producer ids cannot grow it.
//
// Thread: that of the owning PartitionLog (single-threaded, no locks). Lifecycle: a value.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/errors.h"
#include "protocol/record_batch.h"

namespace kraftlab::storage {

struct ProducerBatch {
    std::int32_t first_seq = 0;
    std::int32_t last_seq = 0;
    std::int64_t first_offset = 0;
    std::int64_t last_offset = 0;
    bool operator==(const ProducerBatch&) const = default;
};

struct ProducerEntry {
    std::int16_t epoch = -1;
    std::deque<ProducerBatch> batches;  // oldest first, at most kBatchesRetained, never empty
    std::int32_t last_seq() const { return batches.empty() ? -1 : batches.back().last_seq; }
    bool operator==(const ProducerEntry&) const = default;
};

// The leader's verdict on one batch, or on an append of several.
struct ProducerCheck {
    enum class Kind { Append, Duplicate, Reject };
    Kind kind = Kind::Append;
    protocol::ErrorCode error = protocol::ErrorCode::NONE;  // for Reject
    std::string reason;                                     // for Reject, plain words
    ProducerBatch duplicate;                                // for Duplicate: where it already is
};

class ProducerStateTable {
  public:
    static constexpr std::size_t kBatchesRetained = 5;  // Kafka's NUM_BATCHES_TO_RETAIN
    static constexpr std::size_t kMaxProducers = 10'000;

    // The sequence of a batch's last record: base + delta, wrapping past INT32_MAX to 0.
    static std::int32_t last_sequence(std::int32_t base_sequence, std::int32_t last_offset_delta);
    // next follows last: last + 1, or 0 after INT32_MAX.
    static bool in_sequence(std::int32_t last_seq, std::int32_t next_seq);

    // The leader's check of one batch (h.producer_id >= 0) against the table.
    ProducerCheck check(const protocol::RecordBatchHeader& h) const;
    // The check of an append of several batches, each against the table as the ones before it
    // in the same append would leave it. The first duplicate or refusal decides the whole append
    // (as Kafka's UnifiedLog.analyzeAndValidateProducerState); batches without a producer id
    // pass.
    ProducerCheck check_append(const std::vector<protocol::RecordBatchHeader>& batches) const;

    // A batch stored in the log (leader after its append, follower, rebuild): its producer's
    // state moves on. Batches without a producer id and control batches change nothing.
    void record(const protocol::RecordBatchHeader& h);

    const std::map<std::int64_t, ProducerEntry>& producers() const { return producers_; }
    const ProducerEntry* find(std::int64_t producer_id) const;
    void clear() { producers_.clear(); }
    // Replaces the whole table (a snapshot was loaded).
    void assign(std::map<std::int64_t, ProducerEntry> producers) {
        producers_ = std::move(producers);
    }
    bool operator==(const ProducerStateTable&) const = default;

  private:
    static ProducerCheck check_against(const ProducerEntry* entry,
                                       const protocol::RecordBatchHeader& h);
    static void apply(ProducerEntry& entry, const protocol::RecordBatchHeader& h);

    std::map<std::int64_t, ProducerEntry> producers_;
};

// Snapshot files: `<20-digit offset>.snapshot` in the partition directory holds the table as it
// was with every batch below that offset applied (Kafka's `<offset>.snapshot`, in a format of
// the lab's own). Layout, big-endian: "KLPS" (4 bytes), version u16 = 1, CRC-32C u32 of every
// byte after it, offset i64, producer count i32, then per producer: producer id i64, epoch i16,
// batch count u8 (1-5), and per batch first seq i32, last seq i32, first offset i64, last
// offset i64. Nothing may follow.
protocol::Bytes encode_producer_snapshot(const ProducerStateTable& table, std::int64_t offset);
struct ProducerSnapshot {
    std::int64_t offset = 0;
    ProducerStateTable table;
};
// nullopt, with *why in plain words, for anything malformed (cut short, bad CRC, bad counts).
std::optional<ProducerSnapshot> decode_producer_snapshot(protocol::ByteView data, std::string* why);

}  // namespace kraftlab::storage
