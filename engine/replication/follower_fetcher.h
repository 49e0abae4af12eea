// A follower's fetch loop for one partition, as decisions (Kafka's AbstractFetcherThread, per
// partition): what to ask the leader next, and what to do with its answer.
//
// Pure like replica.h: no sockets, timers or disks. The broker runtime (engine/broker's
// ReplicaFetchers) batches the requests of the partitions it follows from one leader into
// one OffsetsForLeaderEpoch or Fetch, sends them, and brings each partition's answer back here;
// the replication simulation (tests/replication) does the same over its simulated network. Both
// do the IO the answer calls for (cut the log, append the batches) and tell the replica
// (PartitionReplica::on_truncate, on_follower_append, on_leader_high_watermark).
//
// The loop, as in Kafka (KIP-101, KIP-279, KIP-320):
//   - When the metadata names a new leader or leader epoch, the follower first truncates by
//     epoch: it asks the leader where its own latest epoch ends (OffsetsForLeaderEpoch, with its
//     current leader epoch so that a stale leader or follower is fenced) and cuts its log there
//     (truncation_for); when the answer names an epoch it does not hold, it asks again with its
//     new latest epoch. A log without epochs (empty) has nothing to cut.
//   - Then it fetches from its log end offset, with its current leader epoch.
//   - OFFSET_OUT_OF_RANGE from the leader means the follower's log end is past the leader's:
//     truncate by epoch again. Any other error backs off and asks again (the metadata will say
//     if the leadership moved).
//   - Every change of leadership starts a new generation: an answer to a request of an earlier
//     generation, or a fetch answer for another offset than the log end, is stale and dropped.
//
// Thread: not thread-safe; the owner of the partition's replica calls everything. Lifecycle:
// one per follower partition replica, living as long as that replica; follow() and stop() as
// the metadata changes.
#pragma once

#include <cstdint>
#include <string>

#include "protocol/errors.h"
#include "replication/replica.h"

namespace kraftlab::replication {

// The follower's local log as the fetcher needs it.
struct LogRange {
    std::int64_t start_offset = 0;
    std::int64_t end_offset = 0;
};

class FollowerFetcher {
  public:
    enum class Phase {
        Idle,        // not following: this replica leads, or the partition has no leader
        Truncating,  // cut the divergent tail by leader epoch before fetching
        Fetching,
    };

    // What to send the leader for this partition now.
    struct Request {
        enum class Kind { None, OffsetsForLeaderEpoch, Fetch };
        Kind kind = Kind::None;
        std::int32_t leader = -1;
        std::int32_t current_leader_epoch = kUndefinedEpoch;  // fences a stale side (KIP-320)
        std::int32_t requested_epoch = kUndefinedEpoch;       // OffsetsForLeaderEpoch
        std::int64_t fetch_offset = kUndefinedOffset;         // Fetch: the log end offset
        std::uint64_t generation = 0;                         // give it back with the answer
    };

    // What the answer calls for.
    struct Step {
        enum class Kind {
            Stale,     // an answer to an earlier generation or offset: drop it, nothing changes
            Truncate,  // cut the log to `truncate_to` (below the log end), then go on
            Continue,  // nothing to cut or append: send the next request now
            Append,    // append the fetched batches (they start at the log end), then go on
            Backoff,   // an error: wait a while before the next request; `reason` says why
            StartAt,   // the log ends below the leader's start: drop it, start empty at start_at
        };
        Kind kind = Kind::Continue;
        std::int64_t truncate_to = kUndefinedOffset;
        std::int64_t start_at = kUndefinedOffset;
        std::string reason;  // Backoff: in plain words, for the replica's status
    };

    // The metadata names `leader` (-1: none) in `leader_epoch` and this replica follows. True
    // when that restarts the loop (another leader or epoch, or it was not following): a new
    // generation, truncating first (Idle without a leader). Otherwise nothing changes.
    bool follow(std::int32_t leader, std::int32_t leader_epoch);
    // This replica leads, or is not a replica any more: Idle, and answers still out are stale.
    void stop();
    // The follower's own append failed because the batches did not start at its log end: its
    // log and the leader's disagree, truncate by epoch again.
    void retruncate();

    // The next request, given the log's leader epochs and range. A truncation with no epoch in
    // the log skips to fetching (an empty log has nothing to cut).
    Request next_request(const LeaderEpochCache& epochs, const LogRange& log);

    // The leader's OffsetsForLeaderEpoch answer to the request of `generation`: `error`, and
    // where the epoch the follower asked about ends on the leader.
    // Truncate (to where the two logs last agree, truncation_for) or Continue; once the answer
    // names an epoch the follower holds, the truncation is complete and fetching starts.
    Step on_epoch_answer(std::uint64_t generation, const LeaderEpochCache& epochs,
                         const LogRange& log, protocol::ErrorCode error,
                         const EpochEndOffset& answer);
    // The leader's Fetch answer to the request of `generation` at `fetch_offset`. Append means
    // the batches may be appended; the caller then tells the replica what it appended and the
    // leader's high watermark. OFFSET_OUT_OF_RANGE with the leader's log start past our log end
    // (`leader_log_start`, the answer's log_start_offset) is StartAt: what we lack was deleted on
    // the leader (DeleteRecords), and fetching can only go on from its start, as Kafka's
    // truncateFullyAndStartAt. Otherwise OFFSET_OUT_OF_RANGE means our end is past the leader's,
    // and we truncate by epoch again.
    Step on_fetch_answer(std::uint64_t generation, const LogRange& log, protocol::ErrorCode error,
                         std::int64_t fetch_offset,
                         std::int64_t leader_log_start = kUndefinedOffset);

    Phase phase() const { return phase_; }
    std::int32_t leader() const { return leader_; }
    std::int32_t leader_epoch() const { return leader_epoch_; }
    std::uint64_t generation() const { return generation_; }
    bool following() const { return following_; }

  private:
    bool following_ = false;  // since follow(), until stop()
    Phase phase_ = Phase::Idle;
    std::int32_t leader_ = -1;
    std::int32_t leader_epoch_ = kUndefinedEpoch;
    std::uint64_t generation_ = 0;
};

}  // namespace kraftlab::replication
