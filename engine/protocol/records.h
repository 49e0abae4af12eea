// Records inside a record batch v2: decoding every record of a batch, and building batches the
// way a producer does.
//
// Record layout (AK DefaultRecord.java; all varints zigzag, KAFKA-NOTES §2):
//   Length varint (bytes after this field) | Attributes i8 (unused, 0) | TimestampDelta varlong
//   | OffsetDelta varint | KeyLength varint (-1 = null) | Key | ValueLength varint (-1 = null)
//   | Value | HeadersCount varint | per header: KeyLength varint (>= 0), Key, ValueLength varint
//   (-1 = null), Value
// TimestampDelta and OffsetDelta are relative to the batch's BaseTimestamp and BaseOffset. With
// a codec set, everything after RecordsCount is one compressed block (protocol/compression.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/record_batch.h"

namespace kraftlab::protocol {

struct RecordHeader {
    std::string key;
    std::optional<Bytes> value;
    bool operator==(const RecordHeader&) const = default;
};

struct Record {
    std::int64_t offset = 0;        // absolute: BaseOffset + OffsetDelta
    std::int64_t timestamp_ms = 0;  // BaseTimestamp + TimestampDelta, or MaxTimestamp for
                                    // LogAppendTime batches (as Java reports it)
    std::optional<Bytes> key;
    std::optional<Bytes> value;
    std::vector<RecordHeader> headers;
    bool operator==(const Record&) const = default;
};

// Decodes every record of the batch at the front of `batch` (bytes past its Length are ignored,
// as validate_batch does) and appends them to `out`. The batch is validated first
// (validate_batch, CRC included), then decompressed if it names a codec, with the records
// section limited to max_uncompressed_bytes after decompression.
//
// Errors, returned as values (out is left as it was):
//   validate_batch's errors as they are;
//   TooLarge        the records section exceeds max_uncompressed_bytes;
//   CorruptRecords  decompression fails, or a record is malformed: a varint that is too long or
//                   negative where a length must not be, a Length that does not match what the
//                   record holds, fewer or more records than RecordsCount, offset deltas that
//                   are not increasing within LastOffsetDelta, or bytes after the last record.
BatchError decode_records(ByteView batch, std::vector<Record>& out,
                          std::size_t max_uncompressed_bytes = 64 << 20);

// What a produced batch's records say, checked against its header as Kafka's LogValidator
// checks a producer's batch; reason is plain words for the broker's event and the client's
// error, empty when the batch is sound.
struct RecordsVerdict {
    BatchError error = BatchError::None;
    std::string reason;
    std::size_t decompressed_bytes = 0;  // what the codec produced; 0 for an uncompressed batch
    bool ok() const { return error == BatchError::None; }
};

// Checks a batch a producer sent, beyond validate_batch (which it runs first): RecordsCount is
// at least one and LastOffsetDelta is RecordsCount - 1; once decompressed (at most
// max_uncompressed_bytes), the records section holds exactly RecordsCount well-formed records,
// record i with OffsetDelta i, and nothing after the last one. Nothing is copied but the
// decompressed section.
//
// Errors: validate_batch's as they are; TooLarge when the records exceed
// max_uncompressed_bytes (a decompression bomb); CorruptRecords when they do not decompress or
// a record is malformed; InvalidRecordCount when the count or the offset deltas disagree with
// the header (a header claiming 2^31-1 records holding one, or one record holding 1,000).
RecordsVerdict validate_records(ByteView batch, std::size_t max_uncompressed_bytes);

struct TimestampedOffset {
    std::int64_t offset = 0;
    std::int64_t timestamp_ms = 0;
};

// The first record of the batch whose timestamp is >= timestamp_ms (ListOffsets by time), in
// `found`, or nullopt if none is. Decompresses at most max_uncompressed_bytes and copies no key
// or value. Errors as decode_records: TooLarge past the limit, CorruptRecords if the records do
// not decode.
// *decompressed_bytes (when given) is what the codec produced, 0 for an uncompressed batch.
BatchError find_record_at_or_after(ByteView batch, std::int64_t timestamp_ms,
                                   std::size_t max_uncompressed_bytes,
                                   std::optional<TimestampedOffset>& found,
                                   std::size_t* decompressed_bytes = nullptr);

// The most a batch's records may take once decompressed, for a topic whose max.message.bytes is
// max_message_bytes. Kafka sets no such bound; the lab does, so that a small compressed batch
// cannot make a broker thread expand gigabytes: as much as an uncompressed batch may hold, and
// at least kMinDecompressedBatchLimit (the lab producers' largest batch.size is 16 MiB).
inline constexpr std::size_t kMinDecompressedBatchLimit = 16 << 20;
std::size_t decompressed_batch_limit(std::size_t max_message_bytes);

// The most one request may make a broker thread decompress, all its batches together (a
// produce's validation, a ListOffsets' lookups): without it, a 100 MiB request of 600-byte
// batches that each expand to 16 MiB would hold the thread for hours. 128 MiB is a fraction of
// a second of work, and far more than a client's request expands to (Java and librdkafka send at
// most 1 MiB per request by default).
inline constexpr std::size_t kDecompressionBudgetPerRequest = 128 << 20;

// Builds one v2 batch as a non-idempotent producer does: ProducerId -1, ProducerEpoch -1,
// BaseSequence -1, PartitionLeaderEpoch -1, CreateTime timestamps, CRC-32C. BaseTimestamp is the
// first record's timestamp and MaxTimestamp the largest (Java and librdkafka alike).
//
// Records are serialised as they are appended, into one buffer that grows geometrically, so an
// append costs one size computation and one copy of the key, value and headers. The codec runs
// once, in build(). The builder always uses its codec, even when that makes the batch larger
// (librdkafka falls back to an uncompressed batch in that case; Java does not).
//
// Preconditions (caller bugs, not checked at run time): fewer than 2^31 records per batch, and
// every key, value and header fits in an int32 length.
class RecordBatchBuilder {
  public:
    explicit RecordBatchBuilder(Compression c = Compression::None) : compression_(c) {}

    void append(std::optional<ByteView> key, std::optional<ByteView> value,
                std::int64_t timestamp_ms, const std::vector<RecordHeader>& headers = {});

    std::int32_t record_count() const { return count_; }
    // Size of the batch build() would return without compression (header + records); 0 when
    // empty. What a producer compares with batch.size.
    std::size_t uncompressed_bytes() const;
    bool empty() const { return count_ == 0; }
    Compression compression() const { return compression_; }

    // The finished batch with BaseOffset = base_offset. An empty builder builds nothing (an
    // empty Bytes): producers never send empty batches. If the codec fails (allocation failure,
    // nothing else), the batch is built uncompressed rather than lost.
    Bytes build(std::int64_t base_offset = 0) const;

    // Forgets the records but keeps the buffer's capacity, for the next batch.
    void clear();
    // Reserves room for this many bytes of serialised records.
    void reserve(std::size_t record_bytes) { records_.reserve(record_bytes); }

  private:
    Compression compression_;
    Bytes records_;  // serialised records, uncompressed
    std::int32_t count_ = 0;
    std::int64_t base_timestamp_ = 0;
    std::int64_t max_timestamp_ = 0;
};

}  // namespace kraftlab::protocol
