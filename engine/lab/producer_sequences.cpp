#include "lab/producer_sequences.h"

#include <limits>

#include "protocol/crc32c.h"
#include "protocol/record_batch.h"

namespace kraftlab::lab {

void ProducerSequences::set_id(std::int64_t producer_id, std::int16_t epoch) {
    producer_id_ = producer_id;
    epoch_ = epoch;
    ++generation_;
    next_.clear();
}

std::uint64_t ProducerSequences::stamp(protocol::Bytes& batch, std::int32_t partition) {
    auto header = protocol::RecordBatchHeader::parse(batch);
    if (!header || batch.size() < protocol::kRecordBatchHeaderBytes) return generation_;
    std::int32_t& next = next_[partition];
    protocol::Bytes fields;
    protocol::Writer f(fields);
    f.i64(producer_id_);
    f.i16(epoch_);
    f.i32(next);
    std::copy(fields.begin(), fields.end(), batch.begin() + 43);  // ProducerId, Epoch, BaseSeq
    protocol::Writer w(batch);
    w.patch_i32(17, static_cast<std::int32_t>(
                        protocol::crc32c(protocol::ByteView(batch).subspan(21))));  // CRC-32C
    const std::int32_t count = header->records_count;
    constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
    next = next > kMax - count ? count - (kMax - next) - 1 : next + count;
    return generation_;
}

}  // namespace kraftlab::lab
