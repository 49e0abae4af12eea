#include "storage/producer_state.h"

#include <limits>

#include "protocol/crc32c.h"

namespace kraftlab::storage {

using protocol::ErrorCode;
using protocol::RecordBatchHeader;

std::int32_t ProducerStateTable::last_sequence(std::int32_t base_sequence,
                                               std::int32_t last_offset_delta) {
    constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
    if (base_sequence > kMax - last_offset_delta)
        return last_offset_delta - (kMax - base_sequence) - 1;
    return base_sequence + last_offset_delta;
}

bool ProducerStateTable::in_sequence(std::int32_t last_seq, std::int32_t next_seq) {
    if (last_seq == std::numeric_limits<std::int32_t>::max()) return next_seq == 0;
    return next_seq == last_seq + 1;
}

const ProducerEntry* ProducerStateTable::find(std::int64_t producer_id) const {
    auto it = producers_.find(producer_id);
    return it == producers_.end() ? nullptr : &it->second;
}

ProducerCheck ProducerStateTable::check_against(const ProducerEntry* entry,
                                                const RecordBatchHeader& h) {
    ProducerCheck c;
    const std::string who =
        "producer " + std::to_string(h.producer_id) + " epoch " + std::to_string(h.producer_epoch);
    if (h.base_sequence < 0) {
        c.kind = ProducerCheck::Kind::Reject;
        c.error = ErrorCode::INVALID_RECORD;
        c.reason = who + " sent a batch without a sequence number";
        return c;
    }
    if (!entry) return c;  // unknown here: any sequence starts it (Kafka 3.x)
    const std::int32_t first = h.base_sequence;
    const std::int32_t last = last_sequence(h.base_sequence, h.last_offset_delta);
    if (h.producer_epoch == entry->epoch) {
        for (const auto& b : entry->batches) {
            if (b.first_seq == first && b.last_seq == last) {
                c.kind = ProducerCheck::Kind::Duplicate;
                c.duplicate = b;
                return c;
            }
        }
    }
    if (h.producer_epoch < entry->epoch) {
        c.kind = ProducerCheck::Kind::Reject;
        c.error = ErrorCode::INVALID_PRODUCER_EPOCH;
        c.reason = who + " is older than the epoch " + std::to_string(entry->epoch) +
                   " this partition has seen from that producer (a newer instance fenced it)";
        return c;
    }
    if (h.producer_epoch > entry->epoch) {
        if (first != 0) {
            c.kind = ProducerCheck::Kind::Reject;
            c.error = ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER;
            c.reason =
                who + " is a new epoch and must start at sequence 0, not " + std::to_string(first);
        }
        return c;
    }
    if (!in_sequence(entry->last_seq(), first)) {
        c.kind = ProducerCheck::Kind::Reject;
        c.error = ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER;
        c.reason = who + " sent sequence " + std::to_string(first) + " after " +
                   std::to_string(entry->last_seq()) + " (expected " +
                   std::to_string(last_sequence(entry->last_seq(), 1)) + ")";
    }
    return c;
}

void ProducerStateTable::apply(ProducerEntry& entry, const RecordBatchHeader& h) {
    if (h.producer_epoch != entry.epoch) {
        entry.epoch = h.producer_epoch;
        entry.batches.clear();
    }
    entry.batches.push_back({h.base_sequence, last_sequence(h.base_sequence, h.last_offset_delta),
                             h.base_offset, h.last_offset()});
    while (entry.batches.size() > kBatchesRetained)
        entry.batches.pop_front();
}

ProducerCheck ProducerStateTable::check(const RecordBatchHeader& h) const {
    if (h.producer_id < 0) return {};
    return check_against(find(h.producer_id), h);
}

ProducerCheck ProducerStateTable::check_append(
    const std::vector<RecordBatchHeader>& batches) const {
    // Entries as the earlier batches of this append leave them; usually none (one batch).
    std::map<std::int64_t, ProducerEntry> pending;
    for (const auto& h : batches) {
        if (h.producer_id < 0 || h.is_control()) continue;
        auto it = pending.find(h.producer_id);
        const ProducerEntry* entry = it != pending.end() ? &it->second : find(h.producer_id);
        ProducerCheck c = check_against(entry, h);
        if (c.kind != ProducerCheck::Kind::Append) return c;
        if (batches.size() > 1) {
            ProducerEntry next = entry ? *entry : ProducerEntry{};
            apply(next, h);
            pending[h.producer_id] = std::move(next);
        }
    }
    return {};
}

void ProducerStateTable::record(const RecordBatchHeader& h) {
    if (h.producer_id < 0 || h.is_control() || h.base_sequence < 0) return;
    if (producers_.size() >= kMaxProducers && !producers_.count(h.producer_id)) {
        auto oldest = producers_.begin();
        for (auto it = producers_.begin(); it != producers_.end(); ++it) {
            if (it->second.batches.back().last_offset < oldest->second.batches.back().last_offset)
                oldest = it;
        }
        producers_.erase(oldest);
    }
    apply(producers_[h.producer_id], h);
}

// ---------------------------------------------------------------------------------------------
// Snapshot files

namespace {

constexpr char kMagic[4] = {'K', 'L', 'P', 'S'};
constexpr std::uint16_t kSnapshotVersion = 1;
constexpr std::size_t kHeaderBytes = 4 + 2 + 4;
constexpr std::size_t kBatchBytes = 4 + 4 + 8 + 8;
constexpr std::size_t kProducerMinBytes = 8 + 2 + 1 + kBatchBytes;

}  // namespace

protocol::Bytes encode_producer_snapshot(const ProducerStateTable& table, std::int64_t offset) {
    protocol::Bytes body;
    protocol::Writer w(body);
    w.i64(offset);
    w.i32(static_cast<std::int32_t>(table.producers().size()));
    for (const auto& [id, e] : table.producers()) {
        w.i64(id);
        w.i16(e.epoch);
        w.i8(static_cast<std::int8_t>(e.batches.size()));
        for (const auto& b : e.batches) {
            w.i32(b.first_seq);
            w.i32(b.last_seq);
            w.i64(b.first_offset);
            w.i64(b.last_offset);
        }
    }
    protocol::Bytes out;
    protocol::Writer o(out);
    for (char c : kMagic)
        o.i8(static_cast<std::int8_t>(c));
    o.i16(static_cast<std::int16_t>(kSnapshotVersion));
    o.i32(static_cast<std::int32_t>(protocol::crc32c(body)));
    o.raw(body);
    return out;
}

std::optional<ProducerSnapshot> decode_producer_snapshot(protocol::ByteView data,
                                                         std::string* why) {
    auto fail = [&](std::string reason) -> std::optional<ProducerSnapshot> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    if (data.size() < kHeaderBytes + 12) return fail("it is cut short");
    protocol::Reader r(data);
    for (char c : kMagic) {
        if (r.i8() != static_cast<std::int8_t>(c)) return fail("it is not a producer snapshot");
    }
    if (static_cast<std::uint16_t>(r.i16()) != kSnapshotVersion)
        return fail("its format version is not 1");
    const auto crc = static_cast<std::uint32_t>(r.i32());
    if (protocol::crc32c(data.subspan(kHeaderBytes)) != crc)
        return fail("its checksum does not match its content");
    ProducerSnapshot s;
    s.offset = r.i64();
    const std::int32_t count = r.i32();
    if (!r.ok() || s.offset < 0 || count < 0 ||
        static_cast<std::size_t>(count) > r.remaining() / kProducerMinBytes) {
        return fail("its header is malformed");
    }
    std::map<std::int64_t, ProducerEntry> producers;
    for (std::int32_t i = 0; i < count && r.ok(); ++i) {
        const std::int64_t id = r.i64();
        ProducerEntry e;
        e.epoch = r.i16();
        const std::int8_t n = r.i8();
        if (!r.ok() || id < 0 || n < 1 || n > static_cast<std::int8_t>(5) || producers.count(id)) {
            return fail("producer " + std::to_string(i) + " of it is malformed");
        }
        for (std::int8_t j = 0; j < n; ++j) {
            ProducerBatch b;
            b.first_seq = r.i32();
            b.last_seq = r.i32();
            b.first_offset = r.i64();
            b.last_offset = r.i64();
            if (b.first_offset > b.last_offset || b.last_offset >= s.offset)
                return fail("a batch of producer " + std::to_string(id) + " is malformed");
            e.batches.push_back(b);
        }
        producers.emplace(id, std::move(e));
    }
    if (!r.ok()) return fail("it is cut short");
    if (!r.at_end()) return fail("bytes follow its last producer");
    s.table.assign(std::move(producers));
    return s;
}

}  // namespace kraftlab::storage
