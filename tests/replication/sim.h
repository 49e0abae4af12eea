// A seeded deterministic simulation of one partition replicated by the pure replication core
// (engine/replication/replica.h), for tests (test_replication_sim) and benches.
//
// What it simulates: brokers (replication factor = broker count), each with a PartitionReplica,
// the shipped follower fetch loop (replication/follower_fetcher.h) and an in-memory log of
// batches (base offset, leader epoch, record ids) flushed every few ms; a controller that makes
// the shipped decisions on a real MetadataImage (sim_controller.h: broker sessions, fencing and
// unfencing from metadata/broker_sessions.h; elections, preferred leaders and AlterPartition
// from metadata/replication_control.h); a network with random delays, drops, reordering and
// cut links (broker-broker and broker-controller), and, from a generator of their own
// (sim_faults.h), one-way cuts, partitions (an isolated node, a minority/majority split, a
// bridge node that sees both sides), slow links with jitter and duplicated messages; crashes
// (process crash: the log survives; power loss: the log is cut to its flushed offset) and
// restarts (rebuild the epoch cache from
// the log, truncate by epoch through an OffsetsForLeaderEpoch round trip, then fetch); pauses (a
// stop-the-world GC pause or SIGSTOP: the broker is not ticked, sends no heartbeats and handles
// nothing; what reaches it waits, as bytes in an open socket, and is handled in arrival order
// once it resumes, after its first tick, which sees the whole pause); a producer
// that sends to the leader with a given acks and records every acknowledged record id and
// offset. After the chaos everything heals and the run settles; the checker then requires every
// acknowledged record exactly once at its offset in the leader's log, every replica identical to
// the leader below the high watermark, the cluster converged, and (all along) one leader per
// leader epoch whose high watermark never went back nor passed its log end, no follower ahead of
// the live leader of the epoch it follows, and no follower appending what a leader of another
// epoch sent (fenced epochs are refused).
//
// Nothing here reads a clock or a global random source: the seed replays a run exactly.
// Thread: single-threaded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kraftlab::replication::sim {

struct Options {
    std::uint64_t seed = 1;
    int brokers = 3;
    std::int16_t acks = -1;
    std::int32_t min_insync_replicas = 2;
    bool unclean_leader_election = false;
    double power_loss_share = 0.0;  // of crashes, the share that lose the unflushed tail

    std::int64_t chaos_ms = 8000;   // faults and produces
    std::int64_t settle_ms = 8000;  // then: everything healed, no drops, no produces
    std::int64_t step_ms = 2;

    std::int64_t heartbeat_interval_ms = 50;
    std::int64_t session_timeout_ms = 400;
    std::int64_t replica_lag_time_max_ms = 400;
    std::int64_t request_timeout_ms = 250;
    std::int64_t produce_timeout_ms = 800;
    std::int64_t flush_interval_min_ms = 5;
    std::int64_t flush_interval_max_ms = 40;
    std::int64_t metadata_push_interval_ms = 100;

    double drop = 0.02;
    std::int64_t delay_min_ms = 1;
    std::int64_t delay_max_ms = 15;
    double long_delay = 0.02;  // chance of a delay up to long_delay_max_ms (reordering)
    std::int64_t long_delay_max_ms = 200;

    double crashes_per_s = 0.8;
    int max_down = 0;  // brokers down at once at most; 0: all but one
    double link_cuts_per_s = 0.8;
    std::int64_t down_min_ms = 200;
    std::int64_t down_max_ms = 1500;
    std::int64_t cut_min_ms = 100;
    std::int64_t cut_max_ms = 1500;
    // Pauses, drawn from a generator of their own so that with pauses_per_s = 0 a seed replays
    // exactly as before pauses existed. The range spans the session timeout (a paused leader is
    // fenced and replaced) and the replica lag time; leader_pause_share of them hit the leader.
    double pauses_per_s = 0.5;
    std::int64_t pause_min_ms = 20;
    std::int64_t pause_max_ms = 1500;
    double leader_pause_share = 0.5;
    // The network fault vocabulary of sim_faults.h, drawn from a generator of its own too (so
    // that it does not shift the draws above). Besides these, drop is loss, delay_min..max_ms
    // the jitter of every message, and long_delay the reordering of single messages.
    double one_way_cuts_per_s = 0.4;  // for cut_min_ms..cut_max_ms
    double partitions_per_s = 0.25;   // a node isolated, a minority/majority split, or a bridge
    std::int64_t partition_min_ms = 200;
    std::int64_t partition_max_ms = 1500;
    double slow_links_per_s = 0.4;  // for cut_min_ms..cut_max_ms, a delay up to the max ...
    std::int64_t slow_link_delay_max_ms = 120;
    std::int64_t slow_link_jitter_ms = 40;  // ... plus 0..jitter per message (reordering)
    double duplicate = 0.01;                // a node-to-node message arrives twice

    bool trace = false;           // print every event as it happens
    std::size_t trace_tail = 80;  // events kept for a failure report
};

struct Stats {
    std::int64_t acknowledged = 0;  // records acknowledged to the producer
    std::int64_t produce_errors = 0;
    std::int64_t crashes = 0;
    std::int64_t power_losses = 0;
    std::int64_t link_cuts = 0;
    std::int64_t one_way_cuts = 0;
    std::int64_t partitions = 0;
    std::int64_t slow_links = 0;
    std::int64_t duplicates = 0;
    std::int64_t pauses = 0;
    std::int64_t leader_pauses = 0;  // of a broker that believed it led
    // Requests refused for carrying an old leader epoch: Fetch / OffsetsForLeaderEpoch at a
    // leader (FENCED_LEADER_EPOCH), AlterPartition at the controller.
    std::int64_t fenced_refusals = 0;
    std::int64_t elections = 0;
    std::int64_t unclean_elections = 0;
    std::int64_t isr_shrinks = 0;
    std::int64_t isr_expands = 0;
    std::int64_t truncated_records = 0;  // removed by truncation by epoch
    std::int64_t final_log_end_offset = 0;
};

struct Result {
    // The checker's verdict, one count per property.
    std::int64_t lost_acknowledged = 0;  // acknowledged but not exactly once at its offset
    std::int64_t diverged_replicas = 0;  // replicas differing from the leader below the HW
    std::int64_t hw_regressions = 0;     // a leader's HW went back within its leader epoch
    std::int64_t split_leaders = 0;      // two brokers leading one leader epoch
    std::int64_t follower_ahead = 0;     // a follower past the live leader of its epoch
    std::int64_t stale_appends = 0;      // a follower appended data from another leader epoch
    bool converged = false;              // one leader, full ISR, every LEO = HW after settling
    bool ok() const {
        return lost_acknowledged == 0 && diverged_replicas == 0 && hw_regressions == 0 &&
               split_leaders == 0 && follower_ahead == 0 && stale_appends == 0 && converged;
    }
    std::string failure;                  // the first violation, in words
    std::vector<std::string> trace_tail;  // the last events before the end
    Stats stats;
};

Result run_simulation(const Options& options);

}  // namespace kraftlab::replication::sim
