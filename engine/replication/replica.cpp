// The replication core (see replica.h for Kafka's rules and the runtime's contract).
//
// Facts were checked against Apache Kafka's kafka.cluster.Partition (maybeIncrementLeaderHW,
// getOutOfSyncReplicas, maybeExpandIsr, checkEnoughReplicasReachOffset), kafka.cluster.Replica
// (lastCaughtUpTimeMs), LeaderEpochFileCache (assign, endOffsetFor, truncateFromEnd) and
// AbstractFetcherThread.getOffsetTruncationState. The code is ours.
#include "replication/replica.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace kraftlab::replication {

namespace {

bool contains(const std::vector<std::int32_t>& ids, std::int32_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string seconds(std::int64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
    return buf;
}

// One decimal integer, the whole of `text`, no sign other than '-'.
template <typename Int>
bool parse_int(std::string_view text, Int* out) {
    if (text.empty()) return false;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, *out);
    return ec == std::errc() && ptr == end;
}

}  // namespace

// --- LeaderEpochCache ------------------------------------------------------------------------

LeaderEpochCache::LeaderEpochCache(std::vector<Entry> entries) : entries_(std::move(entries)) {}

bool LeaderEpochCache::assign(std::int32_t epoch, std::int64_t start_offset) {
    if (epoch < 0 || start_offset < 0) return false;
    if (!entries_.empty() && epoch <= entries_.back().epoch) return false;
    while (!entries_.empty() && entries_.back().start_offset >= start_offset)
        entries_.pop_back();
    entries_.push_back(Entry{epoch, start_offset});
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
    // The first entry with an epoch above the requested one ends the requested epoch.
    auto higher = std::upper_bound(
        entries_.begin(), entries_.end(), requested_epoch,
        [](std::int32_t epoch, const Entry& entry) { return epoch < entry.epoch; });
    if (higher == entries_.end()) return {};  // newer than anything we know
    if (higher == entries_.begin()) return {requested_epoch, higher->start_offset};
    return {std::prev(higher)->epoch, higher->start_offset};
}

std::string LeaderEpochCache::serialize() const {
    std::string out = "0\n" + std::to_string(entries_.size()) + "\n";
    for (const Entry& e : entries_)
        out += std::to_string(e.epoch) + " " + std::to_string(e.start_offset) + "\n";
    return out;
}

std::optional<LeaderEpochCache> LeaderEpochCache::parse(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        if (nl == std::string_view::npos) {
            lines.push_back(text);
            break;
        }
        lines.push_back(text.substr(0, nl));
        text.remove_prefix(nl + 1);
    }
    if (lines.size() < 2) return std::nullopt;
    int version = -1;
    if (!parse_int(lines[0], &version) || version != 0) return std::nullopt;
    std::size_t count = 0;
    if (!parse_int(lines[1], &count) || count != lines.size() - 2) return std::nullopt;
    std::vector<Entry> entries;
    entries.reserve(count);
    for (std::size_t i = 2; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        const auto space = line.find(' ');
        if (space == std::string_view::npos) return std::nullopt;
        Entry e;
        if (!parse_int(line.substr(0, space), &e.epoch) ||
            !parse_int(line.substr(space + 1), &e.start_offset))
            return std::nullopt;
        if (e.epoch < 0 || e.start_offset < 0) return std::nullopt;
        if (!entries.empty() &&
            (e.epoch <= entries.back().epoch || e.start_offset < entries.back().start_offset))
            return std::nullopt;
        entries.push_back(e);
    }
    return LeaderEpochCache(std::move(entries));
}

// --- follower truncation ---------------------------------------------------------------------

Truncation truncation_for(const LeaderEpochCache& local, std::int64_t local_leo,
                          std::int64_t log_start_offset, const EpochEndOffset& leader_answer) {
    Truncation t;
    if (leader_answer.undefined() || leader_answer.epoch == kUndefinedEpoch) {
        t.offset = std::min(log_start_offset, local_leo);
        return t;
    }
    const EpochEndOffset mine = local.end_offset_for(leader_answer.epoch, local_leo);
    const std::int64_t my_end = mine.undefined() ? local_leo : mine.end_offset;
    t.offset = std::min({leader_answer.end_offset, my_end, local_leo});
    t.offset = std::max(t.offset, std::min(log_start_offset, local_leo));
    // Complete when we hold the leader's epoch: both logs agree up to its end. Otherwise our
    // epoch before it may still diverge; ask again with it.
    t.complete = std::any_of(local.entries().begin(), local.entries().end(),
                             [&](const auto& e) { return e.epoch == leader_answer.epoch; });
    return t;
}

// --- PartitionReplica ------------------------------------------------------------------------

PartitionReplica::PartitionReplica(ReplicaConfig config, LeaderEpochCache epochs,
                                   std::int64_t log_start_offset, std::int64_t log_end_offset)
    : config_(config),
      epochs_(std::move(epochs)),
      log_start_offset_(log_start_offset),
      log_end_offset_(std::max(log_end_offset, log_start_offset)),
      high_watermark_(log_start_offset) {}

void PartitionReplica::become_leader(const PartitionState& state, std::int64_t now_ms) {
    const bool new_epoch = role_ != Role::Leader || state.leader_epoch > state_.leader_epoch;
    if (!new_epoch) {
        // The same leader epoch: a committed ISR change (or a stale repeat, ignored).
        if (state.leader_epoch < state_.leader_epoch ||
            state.partition_epoch <= state_.partition_epoch)
            return;
        state_ = state;
        pending_.reset();
        for (FollowerProgress& f : followers_) {
            const bool was = f.in_isr;
            f.in_isr = contains(state_.isr, f.id);
            // A member that was not in the ISR counts as caught up from the moment it joined.
            if (f.in_isr && !was) f.last_caught_up_ms = std::max(f.last_caught_up_ms, now_ms);
        }
        // Replicas no longer assigned are forgotten; newly assigned ones start unknown.
        std::erase_if(followers_,
                      [&](const FollowerProgress& f) { return !contains(state_.replicas, f.id); });
        for (std::int32_t id : state_.replicas) {
            if (id == config_.local_id || follower(id)) continue;
            FollowerProgress f;
            f.id = id;
            f.in_isr = contains(state_.isr, id);
            if (f.in_isr) f.last_caught_up_ms = now_ms;
            followers_.push_back(f);
        }
        maybe_advance_high_watermark();
        return;
    }

    role_ = Role::Leader;
    state_ = state;
    pending_.reset();
    epoch_start_offset_ = log_end_offset_;
    if (epochs_.assign(state.leader_epoch, log_end_offset_)) epochs_changed_ = true;
    high_watermark_ = std::clamp(high_watermark_, log_start_offset_, log_end_offset_);
    followers_.clear();
    for (std::int32_t id : state_.replicas) {
        if (id == config_.local_id) continue;
        FollowerProgress f;
        f.id = id;
        f.in_isr = contains(state_.isr, id);
        if (f.in_isr) {
            // Kafka resets ISR members as caught up now, at the leader's current LEO.
            f.last_caught_up_ms = now_ms;
            f.last_fetch_ms = now_ms;
            f.leader_leo_at_last_fetch = log_end_offset_;
        }
        followers_.push_back(f);
    }
    maybe_advance_high_watermark();
}

void PartitionReplica::become_follower(const PartitionState& state) {
    role_ = Role::Follower;
    state_ = state;
    followers_.clear();
    pending_.reset();
    high_watermark_ = std::min(high_watermark_, log_end_offset_);
    // An epoch this replica led without appending anything starts at its log end and holds no
    // records; as its latest epoch it would be what the follower asks the new leader about,
    // and when the answer names an epoch the follower lacks, truncation cuts nothing and asks
    // the same again forever. Kafka's truncateTo drops such entries even when it cuts nothing.
    if (epochs_.truncate_from_end(log_end_offset_)) epochs_changed_ = true;
}

bool PartitionReplica::on_leader_append(std::int64_t new_log_end_offset) {
    log_end_offset_ = std::max(log_end_offset_, new_log_end_offset);
    return maybe_advance_high_watermark();
}

void PartitionReplica::on_follower_append(
    std::int64_t new_log_end_offset, const std::vector<LeaderEpochCache::Entry>& batch_epochs) {
    log_end_offset_ = std::max(log_end_offset_, new_log_end_offset);
    for (const auto& e : batch_epochs)
        if (epochs_.assign(e.epoch, e.start_offset)) epochs_changed_ = true;
}

void PartitionReplica::on_truncate(std::int64_t log_end_offset) {
    log_end_offset_ = std::max(log_end_offset, log_start_offset_);
    high_watermark_ = std::min(high_watermark_, log_end_offset_);
    epoch_start_offset_ = std::min(epoch_start_offset_, log_end_offset_);
    if (epochs_.truncate_from_end(log_end_offset_)) epochs_changed_ = true;
}

void PartitionReplica::on_restart_at(std::int64_t offset) {
    log_start_offset_ = offset;
    log_end_offset_ = offset;
    high_watermark_ = offset;
    epoch_start_offset_ = offset;
    if (!epochs_.empty()) {
        epochs_ = LeaderEpochCache{};
        epochs_changed_ = true;
    }
}

void PartitionReplica::on_leader_high_watermark(std::int64_t leader_hw) {
    if (role_ != Role::Follower) return;
    high_watermark_ = std::max(log_start_offset_, std::min(leader_hw, log_end_offset_));
}

protocol::ErrorCode PartitionReplica::on_follower_fetch(std::int32_t id, std::int64_t fetch_offset,
                                                        std::int64_t now_ms, bool* hw_moved) {
    if (hw_moved) *hw_moved = false;
    FollowerProgress* f = role_ == Role::Leader ? follower(id) : nullptr;
    if (!f) return protocol::ErrorCode::NOT_LEADER_OR_FOLLOWER;
    // A fetch past our end cannot come from a log that agrees with ours (the runtime truncates
    // by epoch before fetching); Kafka answers OFFSET_OUT_OF_RANGE.
    if (fetch_offset > log_end_offset_ || fetch_offset < 0)
        return protocol::ErrorCode::OFFSET_OUT_OF_RANGE;
    if (fetch_offset >= log_end_offset_) {
        f->last_caught_up_ms = now_ms;
    } else if (f->last_fetch_ms >= 0 && f->leader_leo_at_last_fetch != kUndefinedOffset &&
               fetch_offset >= f->leader_leo_at_last_fetch) {
        f->last_caught_up_ms = std::max(f->last_caught_up_ms, f->last_fetch_ms);
    }
    f->log_end_offset = fetch_offset;
    f->last_fetch_ms = now_ms;
    f->leader_leo_at_last_fetch = log_end_offset_;
    const bool moved = maybe_advance_high_watermark();
    if (hw_moved) *hw_moved = moved;
    return protocol::ErrorCode::NONE;
}

std::optional<IsrChange> PartitionReplica::isr_change(std::int64_t now_ms) {
    if (role_ != Role::Leader || pending_) return std::nullopt;
    IsrChange change;
    change.leader_epoch = state_.leader_epoch;
    change.partition_epoch = state_.partition_epoch;
    change.leader_recovery_state = 0;  // every proposal from a leader marks it recovered

    // Shrink first: every ISR member not caught up for longer than the lag time leaves at once.
    for (const FollowerProgress& f : followers_) {
        if (!f.in_isr) continue;
        const bool at_end = f.log_end_offset == log_end_offset_;
        const std::int64_t behind_ms = now_ms - f.last_caught_up_ms;
        if (!at_end && behind_ms > config_.replica_lag_time_max_ms) {
            change.removed.push_back(f.id);
            if (!change.reason.empty()) change.reason += "; ";
            change.reason += "broker " + std::to_string(f.id) +
                             " left the ISR of this partition: not caught up for " +
                             seconds(behind_ms) + " > replica.lag.time.max.ms " +
                             seconds(config_.replica_lag_time_max_ms);
        }
    }
    if (change.removed.empty()) {
        // Expand: one caught-up replica at a time, as Kafka does on the follower's fetch.
        for (const FollowerProgress& f : followers_) {
            if (f.in_isr || f.log_end_offset == kUndefinedOffset) continue;
            if (f.log_end_offset >= high_watermark_ && f.log_end_offset >= epoch_start_offset_) {
                change.added.push_back(f.id);
                change.reason = "broker " + std::to_string(f.id) +
                                " rejoined the ISR of this partition: caught up to offset " +
                                std::to_string(f.log_end_offset) + " (high watermark " +
                                std::to_string(high_watermark_) + ")";
                break;
            }
        }
    }
    if (change.removed.empty() && change.added.empty()) {
        if (state_.leader_recovery_state != 1) return std::nullopt;
        change.reason = "leader " + std::to_string(config_.local_id) +
                        " marks the partition recovered after an unclean election";
    }
    for (std::int32_t id : state_.isr)
        if (!contains(change.removed, id)) change.new_isr.push_back(id);
    for (std::int32_t id : change.added)
        change.new_isr.push_back(id);
    pending_ = change;
    return change;
}

void PartitionReplica::isr_change_failed(protocol::ErrorCode error) {
    if (error == protocol::ErrorCode::INELIGIBLE_REPLICA ||
        error == protocol::ErrorCode::OPERATION_NOT_ATTEMPTED) {
        pending_.reset();
    }
}

protocol::ErrorCode PartitionReplica::check_produce(std::int16_t acks,
                                                    std::int32_t min_insync_replicas) const {
    if (role_ != Role::Leader) return protocol::ErrorCode::NOT_LEADER_OR_FOLLOWER;
    if (acks == 0 || acks == 1) return protocol::ErrorCode::NONE;
    if (acks == -1) {
        return static_cast<std::int32_t>(state_.isr.size()) < min_insync_replicas
                   ? protocol::ErrorCode::NOT_ENOUGH_REPLICAS
                   : protocol::ErrorCode::NONE;
    }
    if (acks >= 2) {
        return static_cast<std::int32_t>(state_.replicas.size()) < acks
                   ? protocol::ErrorCode::NOT_ENOUGH_REPLICAS
                   : protocol::ErrorCode::NONE;
    }
    return protocol::ErrorCode::INVALID_REQUIRED_ACKS;
}

AckState PartitionReplica::ack_state(std::int64_t required_offset, std::int16_t acks,
                                     std::int32_t min_insync_replicas) const {
    if (role_ != Role::Leader) return {true, protocol::ErrorCode::NOT_LEADER_OR_FOLLOWER};
    if (acks == 0 || acks == 1) return {true, protocol::ErrorCode::NONE};
    if (acks == -1) {
        if (high_watermark_ < required_offset) return {};
        return {true, static_cast<std::int32_t>(state_.isr.size()) < min_insync_replicas
                          ? protocol::ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND
                          : protocol::ErrorCode::NONE};
    }
    if (acks >= 2) {
        std::int32_t holding = log_end_offset_ >= required_offset ? 1 : 0;
        for (const FollowerProgress& f : followers_)
            if (f.log_end_offset != kUndefinedOffset && f.log_end_offset >= required_offset)
                ++holding;
        if (holding < acks) return {};
        return {true, protocol::ErrorCode::NONE};
    }
    return {true, protocol::ErrorCode::INVALID_REQUIRED_ACKS};
}

bool PartitionReplica::take_epochs_changed() {
    const bool changed = epochs_changed_;
    epochs_changed_ = false;
    return changed;
}

bool PartitionReplica::maybe_advance_high_watermark() {
    if (role_ != Role::Leader) return false;
    // Kafka's maximal ISR: the ISR plus the members a pending change adds (members it removes
    // still count until the controller commits the change).
    std::int64_t new_hw = log_end_offset_;
    for (const FollowerProgress& f : followers_) {
        const bool counted = f.in_isr || (pending_ && contains(pending_->added, f.id));
        if (!counted) continue;
        if (f.log_end_offset == kUndefinedOffset) return false;  // holds the HW where it is
        new_hw = std::min(new_hw, f.log_end_offset);
    }
    if (new_hw <= high_watermark_) return false;
    high_watermark_ = new_hw;
    return true;
}

FollowerProgress* PartitionReplica::follower(std::int32_t id) {
    for (FollowerProgress& f : followers_)
        if (f.id == id) return &f;
    return nullptr;
}

}  // namespace kraftlab::replication
