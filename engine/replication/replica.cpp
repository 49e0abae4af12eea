#include "replication/replica.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <sstream>
#include <utility>

namespace kraftlab::replication {

using protocol::ErrorCode;

namespace {

bool contains(const std::vector<std::int32_t>& v, std::int32_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

std::string seconds(std::int64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
    return buf;
}

std::string join(const std::vector<std::int32_t>& ids) {
    std::string out = "[";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i) out += ",";
        out += std::to_string(ids[i]);
    }
    return out + "]";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// LeaderEpochCache

LeaderEpochCache::LeaderEpochCache(std::vector<Entry> entries) {
    for (const auto& e : entries)
        assign(e.epoch, e.start_offset);
}

bool LeaderEpochCache::assign(std::int32_t epoch, std::int64_t start_offset) {
    if (epoch < 0 || start_offset < 0) return false;
    if (!entries_.empty() && epoch <= entries_.back().epoch) return false;
    // Entries at or beyond the new start describe a tail that is gone.
    while (!entries_.empty() && entries_.back().start_offset >= start_offset)
        entries_.pop_back();
    entries_.push_back({epoch, start_offset});
    return true;
}

bool LeaderEpochCache::truncate_from_end(std::int64_t end_offset) {
    bool changed = false;
    while (!entries_.empty() && entries_.back().start_offset >= end_offset) {
        entries_.pop_back();
        changed = true;
    }
    return changed;
}

std::int32_t LeaderEpochCache::latest_epoch() const {
    return entries_.empty() ? kUndefinedEpoch : entries_.back().epoch;
}

EpochEndOffset LeaderEpochCache::end_offset_for(std::int32_t requested_epoch,
                                                std::int64_t log_end_offset) const {
    if (requested_epoch == kUndefinedEpoch || entries_.empty()) return {};
    if (requested_epoch == entries_.back().epoch) return {requested_epoch, log_end_offset};
    // The first entry with a newer epoch than requested.
    auto higher =
        std::upper_bound(entries_.begin(), entries_.end(), requested_epoch,
                         [](std::int32_t epoch, const Entry& e) { return epoch < e.epoch; });
    if (higher == entries_.end()) return {};  // newer than anything known
    if (higher == entries_.begin()) return {requested_epoch, higher->start_offset};
    return {std::prev(higher)->epoch, higher->start_offset};
}

std::string LeaderEpochCache::serialize() const {
    std::string out = "0\n" + std::to_string(entries_.size()) + "\n";
    for (const auto& e : entries_)
        out += std::to_string(e.epoch) + " " + std::to_string(e.start_offset) + "\n";
    return out;
}

std::optional<LeaderEpochCache> LeaderEpochCache::parse(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto nl = text.find('\n');
        lines.push_back(text.substr(0, nl));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    auto number = [](std::string_view s, std::int64_t& out) {
        if (s.empty()) return false;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && p == s.data() + s.size();
    };
    std::int64_t version = -1, count = -1;
    if (lines.size() < 2 || !number(lines[0], version) || version != 0 ||
        !number(lines[1], count) || count < 0 ||
        lines.size() < 2 + static_cast<std::size_t>(count)) {
        return std::nullopt;
    }
    LeaderEpochCache cache;
    for (std::int64_t i = 0; i < count; ++i) {
        auto line = lines[2 + static_cast<std::size_t>(i)];
        auto space = line.find(' ');
        std::int64_t epoch = -1, offset = -1;
        if (space == std::string_view::npos || !number(line.substr(0, space), epoch) ||
            !number(line.substr(space + 1), offset) || epoch < 0 || epoch > INT32_MAX ||
            offset < 0) {
            return std::nullopt;
        }
        if (!cache.assign(static_cast<std::int32_t>(epoch), offset)) return std::nullopt;
    }
    for (std::size_t i = 2 + static_cast<std::size_t>(count); i < lines.size(); ++i) {
        if (!lines[i].empty()) return std::nullopt;  // trailing garbage
    }
    return cache;
}

Truncation truncation_for(const LeaderEpochCache& local, std::int64_t local_leo,
                          std::int64_t log_start_offset, const EpochEndOffset& leader_answer) {
    if (leader_answer.undefined() || leader_answer.epoch == kUndefinedEpoch) {
        return {std::min(log_start_offset, local_leo), true};
    }
    const auto mine = local.end_offset_for(leader_answer.epoch, local_leo);
    if (mine.undefined()) return {std::min(log_start_offset, local_leo), true};
    const auto offset = std::min({leader_answer.end_offset, mine.end_offset, local_leo});
    return {offset, mine.epoch == leader_answer.epoch};
}

// ---------------------------------------------------------------------------------------------
// PartitionReplica

PartitionReplica::PartitionReplica(ReplicaConfig config, LeaderEpochCache epochs,
                                   std::int64_t log_start_offset, std::int64_t log_end_offset)
    : config_(config),
      epochs_(std::move(epochs)),
      log_start_offset_(log_start_offset),
      log_end_offset_(log_end_offset),
      high_watermark_(log_start_offset) {}

bool PartitionReplica::take_epochs_changed() {
    return std::exchange(epochs_changed_, false);
}

FollowerProgress* PartitionReplica::follower(std::int32_t id) {
    for (auto& f : followers_) {
        if (f.id == id) return &f;
    }
    return nullptr;
}

void PartitionReplica::become_leader(const PartitionState& state, std::int64_t now_ms) {
    const bool new_epoch = role_ != Role::Leader || state.leader_epoch != state_.leader_epoch;
    state_ = state;
    role_ = Role::Leader;
    if (new_epoch) {
        epoch_start_offset_ = log_end_offset_;
        if (epochs_.assign(state.leader_epoch, log_end_offset_)) epochs_changed_ = true;
        followers_.clear();
        for (auto id : state.replicas) {
            if (id == config_.local_id) continue;
            FollowerProgress f;
            f.id = id;
            f.in_isr = contains(state.isr, id);
            // ISR members count as caught up now: they get replica.lag.time.max.ms to show it.
            f.last_caught_up_ms = f.in_isr ? now_ms : 0;
            followers_.push_back(f);
        }
        pending_.reset();
    } else {
        // A committed ISR change (or another change of the partition) in the same epoch.
        for (auto id : state.replicas) {
            if (id != config_.local_id && !follower(id)) {
                FollowerProgress f;
                f.id = id;
                followers_.push_back(f);
            }
        }
        std::erase_if(followers_,
                      [&](const FollowerProgress& f) { return !contains(state.replicas, f.id); });
        for (auto& f : followers_) {
            const bool was = f.in_isr;
            f.in_isr = contains(state.isr, f.id);
            if (f.in_isr && !was && f.last_caught_up_ms == 0) f.last_caught_up_ms = now_ms;
        }
        if (pending_ && state.partition_epoch > pending_->partition_epoch) pending_.reset();
    }
    high_watermark_ = std::min(high_watermark_, log_end_offset_);
    maybe_advance_high_watermark();
}

void PartitionReplica::become_follower(const PartitionState& state) {
    state_ = state;
    role_ = Role::Follower;
    followers_.clear();
    pending_.reset();
}

bool PartitionReplica::on_leader_append(std::int64_t new_log_end_offset) {
    log_end_offset_ = new_log_end_offset;
    return maybe_advance_high_watermark();
}

void PartitionReplica::on_follower_append(
    std::int64_t new_log_end_offset, const std::vector<LeaderEpochCache::Entry>& batch_epochs) {
    for (const auto& e : batch_epochs) {
        if (epochs_.assign(e.epoch, e.start_offset)) epochs_changed_ = true;
    }
    log_end_offset_ = new_log_end_offset;
}

void PartitionReplica::on_truncate(std::int64_t log_end_offset) {
    log_end_offset_ = log_end_offset;
    if (epochs_.truncate_from_end(log_end_offset)) epochs_changed_ = true;
    high_watermark_ = std::min(high_watermark_, log_end_offset_);
    if (role_ == Role::Leader) epoch_start_offset_ = std::min(epoch_start_offset_, log_end_offset);
}

void PartitionReplica::on_leader_high_watermark(std::int64_t leader_hw) {
    if (role_ != Role::Follower) return;
    high_watermark_ = std::max<std::int64_t>(std::min(leader_hw, log_end_offset_), 0);
}

bool PartitionReplica::maybe_advance_high_watermark() {
    if (role_ != Role::Leader) return false;
    std::int64_t hw = log_end_offset_;
    // Kafka's maximal ISR: the ISR, plus members a pending change adds.
    auto counted = [&](const FollowerProgress& f) {
        return f.in_isr || (pending_ && contains(pending_->new_isr, f.id));
    };
    for (const auto& f : followers_) {
        if (!counted(f)) continue;
        if (f.log_end_offset == kUndefinedOffset) return false;  // not heard from yet
        hw = std::min(hw, f.log_end_offset);
    }
    if (hw > high_watermark_) {
        high_watermark_ = hw;
        return true;
    }
    return false;
}

ErrorCode PartitionReplica::on_follower_fetch(std::int32_t id, std::int64_t fetch_offset,
                                              std::int64_t now_ms, bool* hw_moved) {
    if (hw_moved) *hw_moved = false;
    if (role_ != Role::Leader) return ErrorCode::NOT_LEADER_OR_FOLLOWER;
    FollowerProgress* f = follower(id);
    if (!f) return ErrorCode::NOT_LEADER_OR_FOLLOWER;
    // Kafka's Replica.updateFetchState: caught up if the fetch reaches the leader's LEO now; or
    // if it reaches the LEO the leader had at the previous fetch, caught up as of that fetch.
    if (fetch_offset >= log_end_offset_) {
        f->last_caught_up_ms = std::max(f->last_caught_up_ms, now_ms);
    } else if (f->leader_leo_at_last_fetch != kUndefinedOffset &&
               fetch_offset >= f->leader_leo_at_last_fetch && f->last_fetch_ms >= 0) {
        f->last_caught_up_ms = std::max(f->last_caught_up_ms, f->last_fetch_ms);
    }
    f->log_end_offset = std::min(fetch_offset, log_end_offset_);
    f->last_fetch_ms = now_ms;
    f->leader_leo_at_last_fetch = log_end_offset_;
    const bool moved = maybe_advance_high_watermark();
    if (hw_moved) *hw_moved = moved;
    return ErrorCode::NONE;
}

std::optional<IsrChange> PartitionReplica::isr_change(std::int64_t now_ms) {
    if (role_ != Role::Leader || pending_) return std::nullopt;
    IsrChange change;
    change.leader_epoch = state_.leader_epoch;
    change.partition_epoch = state_.partition_epoch;
    change.leader_recovery_state = 0;
    std::vector<std::string> reasons;
    // Shrink: ISR members not caught up within the lag time.
    for (const auto& f : followers_) {
        if (!f.in_isr) continue;
        const std::int64_t lag = now_ms - f.last_caught_up_ms;
        if (lag > config_.replica_lag_time_max_ms) {
            change.removed.push_back(f.id);
            reasons.push_back("broker " + std::to_string(f.id) +
                              " left the ISR: not caught up for " + seconds(lag) +
                              " > replica.lag.time.max.ms " +
                              seconds(config_.replica_lag_time_max_ms));
        }
    }
    // Expand: a replica outside the ISR that has reached the HW and this epoch's start.
    if (change.removed.empty()) {
        for (const auto& f : followers_) {
            if (f.in_isr || f.log_end_offset == kUndefinedOffset) continue;
            if (f.log_end_offset >= high_watermark_ && f.log_end_offset >= epoch_start_offset_) {
                change.added.push_back(f.id);
                reasons.push_back("broker " + std::to_string(f.id) +
                                  " rejoined the ISR: caught up to offset " +
                                  std::to_string(f.log_end_offset));
            }
        }
    }
    const bool recovering = state_.leader_recovery_state == 1;
    if (change.removed.empty() && change.added.empty() && !recovering) return std::nullopt;
    change.new_isr.push_back(config_.local_id);
    for (auto id : state_.isr) {
        if (id != config_.local_id && !contains(change.removed, id)) change.new_isr.push_back(id);
    }
    for (auto id : change.added)
        change.new_isr.push_back(id);
    if (recovering && reasons.empty()) {
        reasons.push_back("the leader elected uncleanly marks the partition recovered; ISR " +
                          join(change.new_isr));
    }
    for (std::size_t i = 0; i < reasons.size(); ++i)
        change.reason += (i ? "; " : "") + reasons[i];
    pending_ = change;
    // A pending expansion counts towards the HW at once (maximal ISR).
    maybe_advance_high_watermark();
    return change;
}

void PartitionReplica::isr_change_failed() {
    pending_.reset();
}

ErrorCode PartitionReplica::check_produce(std::int16_t acks,
                                          std::int32_t min_insync_replicas) const {
    if (role_ != Role::Leader) return ErrorCode::NOT_LEADER_OR_FOLLOWER;
    if (acks < -1) return ErrorCode::INVALID_REQUIRED_ACKS;
    if (acks == -1 && static_cast<std::int32_t>(state_.isr.size()) < min_insync_replicas) {
        return ErrorCode::NOT_ENOUGH_REPLICAS;
    }
    if (acks >= 2 && static_cast<std::int32_t>(state_.replicas.size()) < acks) {
        return ErrorCode::NOT_ENOUGH_REPLICAS;
    }
    return ErrorCode::NONE;
}

AckState PartitionReplica::ack_state(std::int64_t required_offset, std::int16_t acks,
                                     std::int32_t min_insync_replicas) const {
    if (role_ != Role::Leader) return {true, ErrorCode::NOT_LEADER_OR_FOLLOWER};
    if (acks == 0 || acks == 1) return {true, ErrorCode::NONE};
    if (acks == -1) {
        if (high_watermark_ < required_offset) return {false, ErrorCode::NONE};
        if (static_cast<std::int32_t>(state_.isr.size()) < min_insync_replicas) {
            return {true, ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND};
        }
        return {true, ErrorCode::NONE};
    }
    std::int32_t holding = log_end_offset_ >= required_offset ? 1 : 0;
    for (const auto& f : followers_) {
        if (f.log_end_offset != kUndefinedOffset && f.log_end_offset >= required_offset) ++holding;
    }
    return {holding >= acks, ErrorCode::NONE};
}

}  // namespace kraftlab::replication
