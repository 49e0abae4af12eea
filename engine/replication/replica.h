// The replication core: one partition replica on one broker, as a pure state machine.
//
// Like raft/ (STYLE.md §1), no sockets, threads, clocks or disks: the broker runtime
// (engine/broker) tells it what the metadata says (become_leader / become_follower), what its
// log did (appends, truncations) and what followers fetched, with the time as a number; it
// answers with the high watermark, the acks verdict for a waiting produce, and the ISR change to
// ask the active controller for. The deterministic simulation (tests/replication) drives the same
// class with simulated logs, clocks and networks.
//
// Kafka's rules, as in kafka.cluster.Partition and kafka.server.ReplicaManager:
//   - The leader tracks each follower's log end offset (LEO) from its fetch offset. The high
//     watermark (HW) is the smallest LEO over the ISR (the leader included, and replicas the
//     leader has asked to add while that request is pending: Kafka's "maximal ISR"). It never
//     goes down while the replica leads. A follower whose LEO is not known yet in this leader
//     epoch (it has not fetched) holds the HW where it is.
//   - A follower is caught up when a fetch reaches the leader's LEO at that time; if it reaches
//     the LEO the leader had at the follower's previous fetch, it was caught up at that previous
//     fetch (Kafka's lastCaughtUpTimeMs). An ISR member not caught up for longer than
//     replica.lag.time.max.ms leaves the ISR; a replica outside the ISR whose LEO reaches the HW
//     and the start offset of the current leader epoch rejoins. The leader proposes one change at
//     a time (AlterPartition); the change takes effect when the controller commits it and the
//     metadata brings it back (become_leader with the new partition epoch).
//   - acks=all completes when the HW passes the produce's last offset; it then fails with
//     NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR is smaller than min.insync.replicas. Before the
//     append, an acks=all produce to a partition whose ISR is smaller than min.insync.replicas
//     fails with NOT_ENOUGH_REPLICAS. acks=1 completes on the leader's append; acks=0 is never
//     answered. acks=N (N >= 2) is a lab extension, not part of Kafka: N replicas (the leader
//     counted, ISR or not) hold the records.
//   - Leader epochs (KIP-101, KIP-279): every batch carries the leader epoch it was written in;
//     the LeaderEpochCache maps each epoch to the offset it started at. A new leader records its
//     epoch at its LEO at once. A follower that starts following asks the leader for the end
//     offset of its latest epoch (OffsetsForLeaderEpoch) and truncates its divergent tail to
//     where the two logs last agree: never to its own high watermark.
//
// Thread: not thread-safe; one owner calls everything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.h"

namespace kraftlab::replication {

inline constexpr std::int32_t kUndefinedEpoch = -1;
inline constexpr std::int64_t kUndefinedOffset = -1;

// An answer to "where does epoch E end?" (OffsetsForLeaderEpoch's EpochEndOffset).
struct EpochEndOffset {
    std::int32_t epoch = kUndefinedEpoch;
    std::int64_t end_offset = kUndefinedOffset;
    bool undefined() const { return end_offset == kUndefinedOffset; }
    bool operator==(const EpochEndOffset&) const = default;
};

// Kafka's LeaderEpochFileCache: (epoch, start offset) pairs, epochs and offsets both ascending.
class LeaderEpochCache {
  public:
    struct Entry {
        std::int32_t epoch = 0;
        std::int64_t start_offset = 0;
        bool operator==(const Entry&) const = default;
    };

    LeaderEpochCache() = default;
    explicit LeaderEpochCache(std::vector<Entry> entries);

    // `epoch` starts at `start_offset`. Ignored (false) when epoch is not newer than the latest
    // entry's. Entries whose start offset is >= start_offset are dropped first (they describe a
    // tail that no longer exists). True when the cache changed (the runtime persists it).
    bool assign(std::int32_t epoch, std::int64_t start_offset);
    // The log was cut at end_offset: drops every entry starting at or after it. True if changed.
    bool truncate_from_end(std::int64_t end_offset);

    std::int32_t latest_epoch() const;  // kUndefinedEpoch when empty
    // Kafka's endOffsetFor: requested == latest epoch -> (latest, log_end_offset); requested
    // older than the first entry -> (requested, first entry's start offset); between entries ->
    // (the largest epoch <= requested, start offset of the next entry); newer than the latest,
    // or an empty cache, or requested == kUndefinedEpoch -> undefined.
    EpochEndOffset end_offset_for(std::int32_t requested_epoch, std::int64_t log_end_offset) const;

    const std::vector<Entry>& entries() const { return entries_; }
    bool empty() const { return entries_.empty(); }

    // Kafka's leader-epoch-checkpoint text format: "0\n<count>\n<epoch> <start offset>\n...".
    std::string serialize() const;
    // nullopt if the text is not a well-formed checkpoint (the runtime then rebuilds the cache
    // from the log's batches).
    static std::optional<LeaderEpochCache> parse(std::string_view text);

    bool operator==(const LeaderEpochCache&) const = default;

  private:
    std::vector<Entry> entries_;
};

// Follower truncation (KIP-279), one round. The follower asked the leader for the end offset of
// its latest epoch and got `leader_answer`.
struct Truncation {
    std::int64_t offset = 0;  // truncate the local log to this offset (no-op if >= LEO)
    // False: the follower's log still holds epochs the leader does not know at this offset; ask
    // again with the new latest epoch after truncating (Kafka repeats until complete).
    bool complete = true;
};
// - leader_answer undefined (the leader has no epoch <= ours): truncate to log_start_offset (the
//   follower keeps nothing it cannot prove), complete.
// - the follower holds leader_answer.epoch: truncate to min(leader end offset, the follower's end
//   offset for that epoch), complete.
// - the follower does not hold that epoch: truncate to min(leader end offset, the follower's end
//   offset for it), not complete.
// Never beyond local_leo.
Truncation truncation_for(const LeaderEpochCache& local, std::int64_t local_leo,
                          std::int64_t log_start_offset, const EpochEndOffset& leader_answer);

enum class Role { None, Leader, Follower };

// What the metadata says about a partition (its PartitionRecord with the changes applied).
struct PartitionState {
    std::int32_t leader = -1;
    std::int32_t leader_epoch = 0;
    std::int32_t partition_epoch = 0;
    std::vector<std::int32_t> replicas;
    std::vector<std::int32_t> isr;
    std::int8_t leader_recovery_state = 0;  // 1: recovering after an unclean election
};

struct ReplicaConfig {
    std::int32_t local_id = 0;
    // Kafka's replica.lag.time.max.ms (default 30000); the lab's default is shorter so that a
    // class sees a replica leave the ISR.
    std::int64_t replica_lag_time_max_ms = 3000;
};

// One follower as the leader sees it.
struct FollowerProgress {
    std::int32_t id = 0;
    std::int64_t log_end_offset = kUndefinedOffset;  // unknown until it fetches in this epoch
    std::int64_t last_caught_up_ms = 0;
    std::int64_t last_fetch_ms = -1;
    std::int64_t leader_leo_at_last_fetch = kUndefinedOffset;
    bool in_isr = false;
};

// An ISR change for the leader to send as AlterPartition.
struct IsrChange {
    std::vector<std::int32_t> new_isr;
    std::int32_t leader_epoch = 0;
    std::int32_t partition_epoch = 0;  // the state it is based on
    std::int8_t leader_recovery_state = 0;
    std::vector<std::int32_t> added;
    std::vector<std::int32_t> removed;
    // Plain words, e.g. "broker 3 left the ISR: not caught up for 3.2 s > replica.lag.time.max.ms
    // 3 s" or "broker 3 rejoined the ISR: caught up to offset 1200".
    std::string reason;
};

// The verdict on a produce waiting for acknowledgement.
struct AckState {
    bool done = false;
    protocol::ErrorCode error = protocol::ErrorCode::NONE;  // when done
};

class PartitionReplica {
  public:
    PartitionReplica(ReplicaConfig config, LeaderEpochCache epochs, std::int64_t log_start_offset,
                     std::int64_t log_end_offset);

    // --- metadata ---------------------------------------------------------------------------
    // This broker leads `state`. A new leader epoch resets every follower's progress (LEO
    // unknown; ISR members caught up as of now) and records the epoch in the cache at the LEO
    // (the runtime persists the cache when epochs_changed() says so). The same epoch with a newer
    // partition epoch is a committed ISR change: the ISR is taken from it and the pending change,
    // if any, is settled. The HW carries over from the replica's previous role.
    void become_leader(const PartitionState& state, std::int64_t now_ms);
    // Another broker (state.leader, or none when -1) leads: follower progress is dropped, and so
    // are epochs in the cache that hold no records (one this replica led without appending; the
    // runtime persists the cache when epochs_changed() says so). The runtime then truncates by
    // epoch (truncation_for) before fetching.
    void become_follower(const PartitionState& state);

    // --- the local log --------------------------------------------------------------------
    // The leader appended [old LEO, new_log_end_offset) in its epoch. True if the HW moved
    // (possible when the ISR is the leader alone).
    bool on_leader_append(std::int64_t new_log_end_offset);
    // The follower appended batches fetched from the leader: new LEO, and the epochs of the
    // batches appended as (epoch, base offset) in order; the cache learns new epochs.
    void on_follower_append(std::int64_t new_log_end_offset,
                            const std::vector<LeaderEpochCache::Entry>& batch_epochs);
    // The log was truncated to offset (follower truncation, or a power loss cut it on restart).
    void on_truncate(std::int64_t log_end_offset);
    // The follower's log was dropped and starts again, empty, at offset (the leader's log start
    // was past its end: PartitionLog::restart_at). Log start, LEO and HW become offset, and the
    // epoch cache empties (its entries describe records that are gone); the runtime persists it.
    void on_restart_at(std::int64_t offset);
    // A follower's fetch answer carried the leader's HW: the follower's HW becomes
    // min(leader_hw, LEO).
    void on_leader_high_watermark(std::int64_t leader_hw);

    // --- the leader's side of replication ----------------------------------------------------
    // Follower `id` fetched at fetch_offset (so its LEO is fetch_offset). NOT_LEADER_OR_FOLLOWER
    // when this replica does not lead or `id` is not a replica of the partition (Kafka's "replica
    // not assigned"). *hw_moved is set to whether the HW advanced.
    protocol::ErrorCode on_follower_fetch(std::int32_t id, std::int64_t fetch_offset,
                                          std::int64_t now_ms, bool* hw_moved);
    // The ISR change to propose now (shrink the lagging, expand the caught up, or mark a
    // recovering leader recovered), if any and if none is pending.
    std::optional<IsrChange> isr_change(std::int64_t now_ms);
    // The pending change's AlterPartition did not succeed: `error` is the controller's answer,
    // REQUEST_TIMED_OUT when none came. Only an answer that says it was not applied
    // (INELIGIBLE_REPLICA, OPERATION_NOT_ATTEMPTED) drops it and allows another proposal. After
    // any other outcome the controller may have applied it (the request timed out, or a retry
    // met INVALID_UPDATE_VERSION or FENCED_LEADER_EPOCH after an earlier attempt went through),
    // so it stays pending, as in Kafka: the members it adds keep holding the HW until the
    // metadata settles the ISR (become_leader, become_follower). The runtime sends
    // pending_isr_change() again after a timeout, and otherwise waits for the metadata.
    void isr_change_failed(protocol::ErrorCode error);
    bool isr_change_pending() const { return pending_.has_value(); }
    const std::optional<IsrChange>& pending_isr_change() const { return pending_; }

    // --- produce ---------------------------------------------------------------------------
    // Before the append: NOT_LEADER_OR_FOLLOWER when not leading; for acks=-1, NOT_ENOUGH_REPLICAS
    // when the ISR is smaller than min_insync_replicas; for acks=N >= 2 (lab),
    // NOT_ENOUGH_REPLICAS when the partition has fewer than N replicas; INVALID_REQUIRED_ACKS for
    // any other value below -1.
    protocol::ErrorCode check_produce(std::int16_t acks, std::int32_t min_insync_replicas) const;
    // After the append of records up to required_offset - 1: has the produce its acks?
    // acks=1 and acks=0: done at once. acks=-1: done when HW >= required_offset (error
    // NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR is then smaller than min_insync_replicas).
    // acks=N: done when N replicas' LEOs (the leader's included) reach required_offset. Not
    // leading any more: done with NOT_LEADER_OR_FOLLOWER.
    AckState ack_state(std::int64_t required_offset, std::int16_t acks,
                       std::int32_t min_insync_replicas) const;

    // --- state ----------------------------------------------------------------------------
    Role role() const { return role_; }
    std::int32_t leader() const { return state_.leader; }
    std::int32_t leader_epoch() const { return state_.leader_epoch; }
    std::int32_t partition_epoch() const { return state_.partition_epoch; }
    const PartitionState& state() const { return state_; }
    const std::vector<std::int32_t>& isr() const { return state_.isr; }
    std::int64_t high_watermark() const { return high_watermark_; }
    std::int64_t log_end_offset() const { return log_end_offset_; }
    std::int64_t log_start_offset() const { return log_start_offset_; }
    // Where the current leader epoch began (the leader's LEO when it became leader).
    std::int64_t leader_epoch_start_offset() const { return epoch_start_offset_; }
    const std::vector<FollowerProgress>& followers() const { return followers_; }
    const LeaderEpochCache& epochs() const { return epochs_; }
    // True once after each change to the epoch cache; the runtime persists it then.
    bool take_epochs_changed();
    const ReplicaConfig& config() const { return config_; }
    void set_replica_lag_time_max_ms(std::int64_t ms) { config_.replica_lag_time_max_ms = ms; }

  private:
    bool maybe_advance_high_watermark();
    FollowerProgress* follower(std::int32_t id);

    ReplicaConfig config_;
    LeaderEpochCache epochs_;
    bool epochs_changed_ = false;
    Role role_ = Role::None;
    PartitionState state_;
    std::int64_t log_start_offset_ = 0;
    std::int64_t log_end_offset_ = 0;
    std::int64_t high_watermark_ = 0;
    std::int64_t epoch_start_offset_ = 0;
    std::vector<FollowerProgress> followers_;
    std::optional<IsrChange> pending_;
};

}  // namespace kraftlab::replication
