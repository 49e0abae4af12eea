// Record batches for the storage tests (test_storage, test_descriptor_budget).
#pragma once

#include <algorithm>
#include <vector>

#include "protocol/codec.h"
#include "protocol/crc32c.h"
#include "protocol/record_batch.h"

namespace kraftlab::protocol::test {

// A valid v2 batch as a producer sends it: base offset 0, no leader epoch, `records` uncompressed
// records with value_bytes each (bytes derived from seed), timestamps base_timestamp_ms +
// i * step_ms.
inline Bytes make_batch(int records, std::int64_t base_timestamp_ms, std::size_t value_bytes,
                        std::int64_t step_ms = 1, std::uint8_t seed = 0) {
    Bytes body;
    Writer rw(body);
    std::int64_t max_timestamp_ms = base_timestamp_ms;
    for (int i = 0; i < records; ++i) {
        Bytes record;
        Writer r(record);
        r.i8(0);  // attributes
        r.varlong(i * step_ms);
        r.varint(i);   // offset delta
        r.varint(-1);  // null key
        r.varint(static_cast<std::int32_t>(value_bytes));
        for (std::size_t b = 0; b < value_bytes; ++b) {
            record.push_back(static_cast<std::uint8_t>(seed + i * 31 + b));
        }
        r.varint(0);  // no headers
        rw.varint(static_cast<std::int32_t>(record.size()));
        rw.raw(record);
        max_timestamp_ms = std::max(max_timestamp_ms, base_timestamp_ms + i * step_ms);
    }
    Bytes out;
    Writer w(out);
    w.i64(0);
    w.i32(0);  // length, patched below
    w.i32(-1);
    w.i8(kMagicV2);
    w.u32(0);  // CRC, patched below
    w.i16(0);
    w.i32(records - 1);
    w.i64(base_timestamp_ms);
    w.i64(max_timestamp_ms);
    w.i64(-1);
    w.i16(-1);
    w.i32(-1);
    w.i32(records);
    w.raw(body);
    w.patch_i32(8, static_cast<std::int32_t>(out.size() - kLogOverheadBytes));
    std::uint32_t crc = crc32c(ByteView(out).subspan(21));
    for (int i = 0; i < 4; ++i)
        out[17 + i] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
    return out;
}

// make_batch's batch as an idempotent producer sends it: producer id, epoch and base sequence
// set, the CRC recomputed.
inline Bytes make_producer_batch(int records, std::int64_t producer_id, std::int16_t epoch,
                                 std::int32_t base_sequence, std::uint8_t seed = 0) {
    Bytes out = make_batch(records, 1'000'000, 20, 1, seed);
    Bytes fields;
    Writer w(fields);
    w.i64(producer_id);
    w.i16(epoch);
    w.i32(base_sequence);
    std::copy(fields.begin(), fields.end(), out.begin() + 43);
    std::uint32_t crc = crc32c(ByteView(out).subspan(21));
    for (int i = 0; i < 4; ++i)
        out[17 + i] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
    return out;
}

inline RecordBatchHeader header_of(ByteView batch) {
    return *RecordBatchHeader::parse(batch);
}

inline Bytes concat(const std::vector<Bytes>& parts, std::size_t from = 0,
                    std::size_t to = std::size_t(-1)) {
    Bytes out;
    for (std::size_t i = from; i < std::min(to, parts.size()); ++i) {
        out.insert(out.end(), parts[i].begin(), parts[i].end());
    }
    return out;
}

}  // namespace kraftlab::protocol::test
