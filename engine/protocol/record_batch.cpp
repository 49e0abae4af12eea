#include "protocol/record_batch.h"

#include "protocol/crc32c.h"

namespace kraftlab::protocol {

namespace {

constexpr std::size_t kCrcOffset = 17;
constexpr std::size_t kAttributesOffset = 21;
constexpr std::size_t kMagicOffset = 16;
// Length counts from PartitionLeaderEpoch on: the smallest legal value is header minus 12.
constexpr std::int32_t kMinLength = kRecordBatchHeaderBytes - kLogOverheadBytes;

}  // namespace

std::string_view compression_name(Compression c) {
    switch (c) {
        case Compression::None:
            return "none";
        case Compression::Gzip:
            return "gzip";
        case Compression::Snappy:
            return "snappy";
        case Compression::Lz4:
            return "lz4";
        case Compression::Zstd:
            return "zstd";
    }
    return "unknown";
}

std::optional<Compression> compression_from_name(std::string_view name) {
    for (auto c : {Compression::None, Compression::Gzip, Compression::Snappy, Compression::Lz4,
                   Compression::Zstd}) {
        if (compression_name(c) == name) return c;
    }
    return std::nullopt;
}

std::optional<RecordBatchHeader> RecordBatchHeader::parse(ByteView data) {
    if (data.size() < kRecordBatchHeaderBytes) return std::nullopt;
    Reader in(data.first(kRecordBatchHeaderBytes));
    RecordBatchHeader h;
    h.base_offset = in.i64();
    h.length = in.i32();
    h.partition_leader_epoch = in.i32();
    h.magic = in.i8();
    h.crc = in.u32();
    h.attributes = in.i16();
    h.last_offset_delta = in.i32();
    h.base_timestamp = in.i64();
    h.max_timestamp = in.i64();
    h.producer_id = in.i64();
    h.producer_epoch = in.i16();
    h.base_sequence = in.i32();
    h.records_count = in.i32();
    return h;
}

std::string_view describe(BatchError error) {
    switch (error) {
        case BatchError::None:
            return "valid";
        case BatchError::Truncated:
            return "the batch is cut short";
        case BatchError::InvalidLength:
            return "the batch length is smaller than its header";
        case BatchError::TooLarge:
            return "the batch is larger than the allowed size";
        case BatchError::UnsupportedMagic:
            return "the batch is not record batch v2 (magic 2)";
        case BatchError::CrcMismatch:
            return "the batch fails its CRC-32C check";
        case BatchError::InvalidRecordCount:
            return "the record count does not match the offsets";
        case BatchError::InvalidCompression:
            return "the batch names an unknown compression codec";
        case BatchError::CorruptRecords:
            return "the records inside the batch do not decode";
    }
    return "unknown batch error";
}

BatchError validate_batch(ByteView data, std::size_t max_batch_bytes, RecordBatchHeader* out) {
    if (data.size() < kLogOverheadBytes) return BatchError::Truncated;
    auto h = RecordBatchHeader::parse(data);
    if (!h) {
        // Enough for the length? Distinguish "short buffer" from "claims to be tiny".
        Reader in(data.first(kLogOverheadBytes));
        in.i64();
        std::int32_t length = in.i32();
        return length < kMinLength ? BatchError::InvalidLength : BatchError::Truncated;
    }
    if (h->length < kMinLength) return BatchError::InvalidLength;
    if (h->size_bytes() > max_batch_bytes) return BatchError::TooLarge;
    if (data.size() < h->size_bytes()) return BatchError::Truncated;
    if (h->magic != kMagicV2) return BatchError::UnsupportedMagic;
    if ((h->attributes & 0x07) > static_cast<int>(Compression::Zstd))
        return BatchError::InvalidCompression;
    if (h->records_count < 0 || h->last_offset_delta < 0) return BatchError::InvalidRecordCount;
    ByteView covered = data.subspan(kAttributesOffset, h->size_bytes() - kAttributesOffset);
    if (crc32c(covered) != h->crc) return BatchError::CrcMismatch;
    if (out) *out = *h;
    return BatchError::None;
}

void stamp_batch(std::span<std::uint8_t> batch, std::int64_t base_offset,
                 std::int32_t leader_epoch) {
    auto put = [&](std::size_t at, std::uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) {
            batch[at + i] = static_cast<std::uint8_t>(v >> (8 * (bytes - 1 - i)));
        }
    };
    put(0, static_cast<std::uint64_t>(base_offset), 8);
    put(12, static_cast<std::uint32_t>(leader_epoch), 4);
    static_assert(kCrcOffset == 17 && kMagicOffset == 16);
}

bool BatchIterator::next() {
    if (error_ != BatchError::None) return false;
    std::size_t at = valid_bytes_;
    if (at >= data_.size()) return false;
    ByteView rest = data_.subspan(at);
    if (check_crc_) {
        error_ = validate_batch(rest, max_batch_bytes_, &header_);
        if (error_ != BatchError::None) return false;
    } else {
        auto h = RecordBatchHeader::parse(rest);
        if (!h) {
            error_ = BatchError::Truncated;
            return false;
        }
        if (h->length < kMinLength) {
            error_ = BatchError::InvalidLength;
            return false;
        }
        if (h->size_bytes() > max_batch_bytes_) {
            error_ = BatchError::TooLarge;
            return false;
        }
        if (rest.size() < h->size_bytes()) {
            error_ = BatchError::Truncated;
            return false;
        }
        if (h->magic != kMagicV2) {
            error_ = BatchError::UnsupportedMagic;
            return false;
        }
        header_ = *h;
    }
    position_ = at;
    valid_bytes_ = at + header_.size_bytes();
    return true;
}

}  // namespace kraftlab::protocol
