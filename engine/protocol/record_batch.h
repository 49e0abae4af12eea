// Record batch v2 (magic 2): the unit producers send, the log stores and consumers fetch.
//
// Header layout (61 bytes, big-endian; Kafka's DefaultRecordBatch):
//   0 BaseOffset i64 | 8 Length i32 (bytes after this field) | 12 PartitionLeaderEpoch i32
//   16 Magic i8 | 17 CRC u32 (CRC-32C of bytes 21..end) | 21 Attributes i16 | 23 LastOffsetDelta
//   i32 27 BaseTimestamp i64 | 35 MaxTimestamp i64 | 43 ProducerId i64 | 51 ProducerEpoch i16 53
//   BaseSequence i32 | 57 RecordsCount i32 | 61 records (compressed as a block if a codec is set)
//
// BaseOffset and PartitionLeaderEpoch lie outside the CRC, so the broker stamps them in place and
// stores the batch exactly as the producer sent it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "protocol/codec.h"

namespace kraftlab::protocol {

inline constexpr std::size_t kRecordBatchHeaderBytes = 61;
// BaseOffset + Length: the bytes in front of what Length counts.
inline constexpr std::size_t kLogOverheadBytes = 12;
inline constexpr std::int8_t kMagicV2 = 2;

enum class Compression : std::int8_t { None = 0, Gzip = 1, Snappy = 2, Lz4 = 3, Zstd = 4 };
std::string_view compression_name(Compression c);
std::optional<Compression> compression_from_name(std::string_view name);

struct RecordBatchHeader {
    std::int64_t base_offset = 0;
    std::int32_t length = 0;
    std::int32_t partition_leader_epoch = -1;
    std::int8_t magic = kMagicV2;
    std::uint32_t crc = 0;
    std::int16_t attributes = 0;
    std::int32_t last_offset_delta = 0;
    std::int64_t base_timestamp = 0;
    std::int64_t max_timestamp = 0;
    std::int64_t producer_id = -1;
    std::int16_t producer_epoch = -1;
    std::int32_t base_sequence = -1;
    std::int32_t records_count = 0;

    // Reads the 61 header bytes at the front of data; nullopt if fewer are there. No validation.
    static std::optional<RecordBatchHeader> parse(ByteView data);

    Compression compression() const { return static_cast<Compression>(attributes & 0x07); }
    bool log_append_time() const { return (attributes & 0x08) != 0; }
    bool is_transactional() const { return (attributes & 0x10) != 0; }
    bool is_control() const { return (attributes & 0x20) != 0; }
    std::int64_t last_offset() const { return base_offset + last_offset_delta; }
    std::int64_t next_offset() const { return last_offset() + 1; }
    // Whole batch in bytes, BaseOffset and Length included.
    std::size_t size_bytes() const { return static_cast<std::size_t>(length) + kLogOverheadBytes; }
};

enum class BatchError {
    None,
    Truncated,           // fewer bytes than the header or the length says
    InvalidLength,       // length below the header size
    TooLarge,            // longer than the allowed batch size
    UnsupportedMagic,    // magic other than 2 (message format v0/v1 is not accepted)
    CrcMismatch,         // CRC-32C over attributes..end differs from the header's
    InvalidRecordCount,  // count < 0, or LastOffsetDelta != count - 1 for a fresh batch
    InvalidCompression,  // codec bits 5..7
    CorruptRecords,      // records do not decode (bad varints, lengths, decompression failure)
};
std::string_view describe(BatchError error);

// Checks one batch at the front of data: sizes, magic, codec, record count and CRC. The records
// themselves are not decoded. On success fills *header (when given) and returns None.
BatchError validate_batch(ByteView data, std::size_t max_batch_bytes, RecordBatchHeader* header);

// Writes BaseOffset and PartitionLeaderEpoch into a stored batch (both outside the CRC).
void stamp_batch(std::span<std::uint8_t> batch, std::int64_t base_offset,
                 std::int32_t leader_epoch);

// Walks the batches of a buffer (a produce payload, a fetch response, a segment) front to back.
// Stops at the first batch that does not fit or is not v2; error() tells why it stopped early.
class BatchIterator {
  public:
    explicit BatchIterator(ByteView data, std::size_t max_batch_bytes = SIZE_MAX,
                           bool check_crc = false)
        : data_(data), max_batch_bytes_(max_batch_bytes), check_crc_(check_crc) {}

    // Advances to the next batch; false at the end or on an error.
    bool next();
    const RecordBatchHeader& header() const { return header_; }
    ByteView batch() const { return data_.subspan(position_, header_.size_bytes()); }
    std::size_t position() const { return position_; }
    // Bytes consumed by the complete batches seen so far.
    std::size_t valid_bytes() const { return valid_bytes_; }
    BatchError error() const { return error_; }

  private:
    ByteView data_;
    std::size_t max_batch_bytes_;
    bool check_crc_;
    std::size_t position_ = 0;
    std::size_t valid_bytes_ = 0;
    RecordBatchHeader header_;
    BatchError error_ = BatchError::None;
};

}  // namespace kraftlab::protocol
