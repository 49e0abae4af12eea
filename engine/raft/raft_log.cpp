#include "raft/raft_log.h"

#include <algorithm>

namespace kraftlab::raft {

RaftLog::RaftLog(std::vector<Entry> entries) {
    if (!entries.empty()) start_offset_ = std::max<std::int64_t>(0, entries.front().base_offset);
    entries_.reserve(entries.size());
    for (auto& e : entries) {
        if (e.epoch <= 0 || !append(std::move(e))) break;
    }
}

bool RaftLog::append(Entry entry) {
    if (entry.base_offset != end_offset() || entry.records.empty() || entry.epoch < last_epoch()) {
        return false;
    }
    entries_.push_back(std::move(entry));
    return true;
}

std::int64_t RaftLog::truncate(std::int64_t offset) {
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(first_ending_after(offset)),
                   entries_.end());
    return end_offset();
}

std::size_t RaftLog::first_ending_after(std::int64_t offset) const {
    auto it = std::upper_bound(entries_.begin(), entries_.end(), offset,
                               [](std::int64_t o, const Entry& e) { return o < e.next_offset(); });
    return static_cast<std::size_t>(it - entries_.begin());
}

EpochEnd RaftLog::end_of_epoch(std::int32_t epoch) const {
    // First entry of a later epoch; the epoch we want is the one just before it.
    auto it = std::upper_bound(entries_.begin(), entries_.end(), epoch,
                               [](std::int32_t ep, const Entry& e) { return ep < e.epoch; });
    if (it == entries_.begin()) return {0, start_offset_};
    const std::int32_t found = std::prev(it)->epoch;
    const std::int64_t end = it == entries_.end() ? end_offset() : it->base_offset;
    return {found, end};
}

std::ptrdiff_t RaftLog::index_at(std::int64_t offset) const {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), offset,
                               [](const Entry& e, std::int64_t o) { return e.base_offset < o; });
    if (it == entries_.end() || it->base_offset != offset) return -1;
    return it - entries_.begin();
}

std::vector<Entry> RaftLog::read(std::int64_t from, std::size_t max_entries) const {
    std::vector<Entry> out;
    const auto i = index_at(from);
    if (i < 0) return out;
    for (auto k = static_cast<std::size_t>(i); k < entries_.size() && out.size() < max_entries;
         ++k) {
        out.push_back(entries_[k]);
    }
    return out;
}

std::vector<Entry> RaftLog::range(std::int64_t from, std::int64_t to) const {
    std::vector<Entry> out;
    for (auto k = first_ending_after(from); k < entries_.size(); ++k) {
        const Entry& e = entries_[k];
        if (e.next_offset() > to) break;
        if (e.base_offset >= from) out.push_back(e);
    }
    return out;
}

}  // namespace kraftlab::raft
