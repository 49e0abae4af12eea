#include "storage/offset_index.h"

#include <algorithm>

namespace kraftlab::storage {

bool SparseIndex::entry_due(std::uint64_t position, std::uint32_t interval_bytes) const {
    std::uint64_t previous = entries_.empty() ? 0 : entries_.back().position;
    if (!entries_.empty() && position <= previous) return false;
    return position - previous >= interval_bytes;
}

void SparseIndex::drop_from_position(std::uint64_t position) {
    auto it =
        std::lower_bound(entries_.begin(), entries_.end(), position,
                         [](const IndexEntry& e, std::uint64_t pos) { return e.position < pos; });
    entries_.erase(it, entries_.end());
}

const IndexEntry* SparseIndex::floor_for_offset(std::uint64_t relative_offset) const {
    auto it = std::upper_bound(
        entries_.begin(), entries_.end(), relative_offset,
        [](std::uint64_t rel, const IndexEntry& e) { return rel < e.relative_offset; });
    return it == entries_.begin() ? nullptr : &*std::prev(it);
}

const IndexEntry* SparseIndex::last_before_timestamp(std::int64_t timestamp_ms) const {
    // Max timestamps so far never decrease, so the entries below timestamp_ms form a prefix.
    auto it = std::lower_bound(
        entries_.begin(), entries_.end(), timestamp_ms,
        [](const IndexEntry& e, std::int64_t ts) { return e.max_timestamp_ms < ts; });
    return it == entries_.begin() ? nullptr : &*std::prev(it);
}

protocol::Bytes encode_index_entries(const std::vector<IndexEntry>& entries, std::size_t from,
                                     std::size_t to) {
    protocol::Bytes out;
    out.reserve((to - from) * kIndexEntryBytes);
    protocol::Writer w(out);
    for (std::size_t i = from; i < to; ++i) {
        w.u32(entries[i].relative_offset);
        w.u32(entries[i].position);
        w.i64(entries[i].max_timestamp_ms);
    }
    return out;
}

std::optional<std::vector<IndexEntry>> decode_index(protocol::ByteView data,
                                                    std::uint64_t segment_bytes,
                                                    std::uint64_t offset_span, std::string* why) {
    auto fail = [&](std::string reason) -> std::optional<std::vector<IndexEntry>> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    if (data.size() % kIndexEntryBytes != 0) {
        return fail("its size (" + std::to_string(data.size()) + " bytes) is not a multiple of " +
                    std::to_string(kIndexEntryBytes));
    }
    std::vector<IndexEntry> entries;
    entries.reserve(data.size() / kIndexEntryBytes);
    protocol::Reader in(data);
    while (in.remaining() > 0) {
        IndexEntry e;
        e.relative_offset = in.u32();
        e.position = in.u32();
        e.max_timestamp_ms = in.i64();
        if (!entries.empty()) {
            const IndexEntry& prev = entries.back();
            if (e.relative_offset <= prev.relative_offset)
                return fail("its offsets do not increase");
            if (e.position <= prev.position) return fail("its positions do not increase");
            if (e.max_timestamp_ms < prev.max_timestamp_ms)
                return fail("its max timestamps go backwards");
        }
        if (e.position >= segment_bytes) return fail("it points past the end of the segment");
        if (e.relative_offset >= offset_span) return fail("it names offsets beyond the segment");
        entries.push_back(e);
    }
    return entries;
}

}  // namespace kraftlab::storage
