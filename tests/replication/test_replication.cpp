// Kafka's replication rules on the pure replication core (engine/replication/replica.h), one
// test per rule: the high watermark over the ISR, lastCaughtUpTimeMs, ISR shrink and expand, one
// pending AlterPartition at a time, acks=all / min.insync.replicas / acks=N, the leader epoch
// cache, truncation by epoch (KIP-101, KIP-279), and two stories told with tiny in-memory logs:
// the KIP-101 double failover, and an unclean election that loses acknowledged records.
// The random simulation with a controller, a network and crashes is test_replication_sim.
#include <QtTest>

#include <string>
#include <vector>

#include "replication/replica.h"

using namespace kraftlab::replication;
using kraftlab::protocol::ErrorCode;

namespace {

PartitionState partition(std::int32_t leader, std::int32_t leader_epoch,
                         std::int32_t partition_epoch, std::vector<std::int32_t> replicas,
                         std::vector<std::int32_t> isr, std::int8_t recovery = 0) {
    PartitionState s;
    s.leader = leader;
    s.leader_epoch = leader_epoch;
    s.partition_epoch = partition_epoch;
    s.replicas = std::move(replicas);
    s.isr = std::move(isr);
    s.leader_recovery_state = recovery;
    return s;
}

PartitionReplica replica(std::int32_t id, std::int64_t leo = 0, LeaderEpochCache epochs = {},
                         std::int64_t lag_ms = 3000) {
    ReplicaConfig c;
    c.local_id = id;
    c.replica_lag_time_max_ms = lag_ms;
    return PartitionReplica(c, std::move(epochs), 0, leo);
}

// Broker 1 leads epoch 1 of a partition on {1, 2, 3} with the whole ISR, at time 0.
PartitionReplica leader_of_three(std::vector<std::int32_t> isr = {1, 2, 3}) {
    PartitionReplica r = replica(1);
    r.become_leader(partition(1, 1, 1, {1, 2, 3}, std::move(isr)), 0);
    return r;
}

ErrorCode fetch(PartitionReplica& r, std::int32_t id, std::int64_t offset, std::int64_t now_ms,
                bool* moved = nullptr) {
    bool m = false;
    const ErrorCode e = r.on_follower_fetch(id, offset, now_ms, &m);
    if (moved) *moved = m;
    return e;
}

const FollowerProgress* progress(const PartitionReplica& r, std::int32_t id) {
    for (const auto& f : r.followers())
        if (f.id == id) return &f;
    return nullptr;
}

// A tiny partition log: one record per offset, each stamped with its leader epoch; "flushed"
// is how much survives a power loss.
struct Record {
    std::int32_t epoch = 0;
    std::string id;
    bool operator==(const Record&) const = default;
};
struct MiniLog {
    std::vector<Record> records;
    std::int64_t flushed = 0;

    std::int64_t end() const { return static_cast<std::int64_t>(records.size()); }
    void append(std::int32_t epoch, const std::string& id) { records.push_back({epoch, id}); }
    void truncate(std::int64_t offset) {
        if (offset < end()) records.resize(static_cast<std::size_t>(offset));
        flushed = std::min(flushed, end());
    }
    void flush() { flushed = end(); }
    void power_loss() { truncate(flushed); }
    // What a restarted broker does when its checkpoint is lost: rebuild from the batches.
    LeaderEpochCache rebuild_epochs() const {
        LeaderEpochCache c;
        for (std::int64_t o = 0; o < end(); ++o)
            c.assign(records[static_cast<std::size_t>(o)].epoch, o);
        return c;
    }
    std::vector<LeaderEpochCache::Entry> epochs_from(std::int64_t offset) const {
        std::vector<LeaderEpochCache::Entry> out;
        for (std::int64_t o = offset; o < end(); ++o)
            out.push_back({records[static_cast<std::size_t>(o)].epoch, o});
        return out;
    }
};

// The follower copies what the leader has beyond its end (one fetch), then fetches again so
// the leader learns its new LEO. Returns the leader HW it was told.
void replicate(MiniLog& leader_log, PartitionReplica& leader, MiniLog& follower_log,
               PartitionReplica& follower, std::int64_t now_ms) {
    const std::int64_t from = follower_log.end();
    QCOMPARE(fetch(leader, follower.config().local_id, from, now_ms), ErrorCode::NONE);
    for (std::int64_t o = from; o < leader_log.end(); ++o)
        follower_log.records.push_back(leader_log.records[static_cast<std::size_t>(o)]);
    follower.on_follower_append(follower_log.end(), follower_log.epochs_from(from));
    follower.on_leader_high_watermark(leader.high_watermark());
    QCOMPARE(fetch(leader, follower.config().local_id, follower_log.end(), now_ms),
             ErrorCode::NONE);
    follower.on_leader_high_watermark(leader.high_watermark());
}

// The follower's truncation by epoch against the leader, repeated until complete (KIP-279).
void truncate_by_epoch(const MiniLog& leader_log, const PartitionReplica& leader,
                       MiniLog& follower_log, PartitionReplica& follower) {
    for (int round = 0; round < 10; ++round) {
        const EpochEndOffset answer =
            leader.epochs().end_offset_for(follower.epochs().latest_epoch(), leader_log.end());
        const Truncation t = truncation_for(follower.epochs(), follower_log.end(),
                                            follower.log_start_offset(), answer);
        if (t.offset < follower_log.end()) {
            follower_log.truncate(t.offset);
            follower.on_truncate(t.offset);
        }
        if (t.complete) return;
    }
    QFAIL("truncation by epoch did not complete in 10 rounds");
}

}  // namespace

class ReplicationCoreTest : public QObject {
    Q_OBJECT

  private slots:
    // --- the high watermark ----------------------------------------------------------------

    void high_watermark_is_the_smallest_leo_over_the_isr() {
        PartitionReplica r = leader_of_three({1, 2});
        r.on_leader_append(10);
        QCOMPARE(r.high_watermark(), 0);
        bool moved = false;
        QCOMPARE(fetch(r, 2, 6, 10, &moved), ErrorCode::NONE);
        QVERIFY(moved);
        QCOMPARE(r.high_watermark(), 6);
        // Broker 3 is outside the ISR: its LEO does not hold the HW.
        QCOMPARE(fetch(r, 3, 1, 10), ErrorCode::NONE);
        QCOMPARE(fetch(r, 2, 10, 20, &moved), ErrorCode::NONE);
        QVERIFY(moved);
        QCOMPARE(r.high_watermark(), 10);
        QCOMPARE(fetch(r, 2, 10, 30, &moved), ErrorCode::NONE);
        QVERIFY(!moved);
    }

    void a_follower_whose_leo_is_unknown_holds_the_high_watermark() {
        PartitionReplica r = leader_of_three();
        r.on_leader_append(10);
        QCOMPARE(progress(r, 3)->log_end_offset, kUndefinedOffset);
        fetch(r, 2, 10, 10);
        QCOMPARE(r.high_watermark(), 0);  // 3 has not fetched in this epoch
        fetch(r, 3, 4, 20);
        QCOMPARE(r.high_watermark(), 4);
    }

    void the_high_watermark_never_goes_back_while_leading_and_never_passes_the_leo() {
        PartitionReplica r = leader_of_three();
        r.on_leader_append(10);
        fetch(r, 2, 10, 10);
        fetch(r, 3, 8, 10);
        QCOMPARE(r.high_watermark(), 8);
        // Broker 3 restarted after a power loss and fetches from an earlier offset.
        fetch(r, 3, 5, 20);
        QCOMPARE(r.high_watermark(), 8);
        // A new leader epoch keeps the HW (every follower's LEO is unknown again).
        r.become_leader(partition(1, 2, 2, {1, 2, 3}, {1, 2, 3}), 30);
        QCOMPARE(r.high_watermark(), 8);
        QVERIFY(r.high_watermark() <= r.log_end_offset());
        // The ISR is the leader alone: HW = LEO at once, and on every append.
        PartitionReplica alone = replica(1, 7);
        alone.become_leader(partition(1, 1, 1, {1, 2, 3}, {1}), 0);
        QCOMPARE(alone.high_watermark(), 7);
        QVERIFY(alone.on_leader_append(9));
        QCOMPARE(alone.high_watermark(), 9);
    }

    void a_follower_takes_the_leaders_high_watermark_up_to_its_own_leo() {
        PartitionReplica f = replica(2, 5);
        f.become_follower(partition(1, 1, 1, {1, 2, 3}, {1, 2, 3}));
        QCOMPARE(f.role(), Role::Follower);
        f.on_leader_high_watermark(9);
        QCOMPARE(f.high_watermark(), 5);
        f.on_follower_append(12, {{1, 5}});
        f.on_leader_high_watermark(9);
        QCOMPARE(f.high_watermark(), 9);
    }

    void a_new_leader_epoch_records_the_epoch_and_resets_follower_progress() {
        PartitionReplica r = replica(1, 10, LeaderEpochCache({{0, 0}}));
        r.become_leader(partition(1, 3, 5, {1, 2, 3}, {1, 2}), 1000);
        QCOMPARE(r.role(), Role::Leader);
        QCOMPARE(r.leader_epoch(), 3);
        QCOMPARE(r.leader_epoch_start_offset(), 10);
        QCOMPARE(r.epochs().entries(), (std::vector<LeaderEpochCache::Entry>{{0, 0}, {3, 10}}));
        QVERIFY(r.take_epochs_changed());
        QVERIFY(!r.take_epochs_changed());
        const FollowerProgress* two = progress(r, 2);
        const FollowerProgress* three = progress(r, 3);
        QVERIFY(two && three && !progress(r, 1));
        QCOMPARE(two->log_end_offset, kUndefinedOffset);
        QVERIFY(two->in_isr);
        QCOMPARE(two->last_caught_up_ms, 1000);  // ISR members: caught up as of now
        QVERIFY(!three->in_isr);
        QCOMPARE(three->last_caught_up_ms, 0);
    }

    void truncation_clamps_the_high_watermark_and_the_epoch_cache() {
        PartitionReplica f = replica(2, 0);
        f.become_follower(partition(1, 1, 1, {1, 2}, {1, 2}));
        f.on_follower_append(10, {{1, 0}, {2, 6}});
        f.on_leader_high_watermark(10);
        QVERIFY(f.take_epochs_changed());
        f.on_truncate(6);
        QCOMPARE(f.log_end_offset(), 6);
        QCOMPARE(f.high_watermark(), 6);
        QCOMPARE(f.epochs().entries(), (std::vector<LeaderEpochCache::Entry>{{1, 0}}));
        QVERIFY(f.take_epochs_changed());
    }

    // --- lastCaughtUpTimeMs and the ISR -----------------------------------------------------

    void last_caught_up_time_follows_kafkas_rule() {
        PartitionReplica r = leader_of_three();
        r.on_leader_append(10);
        fetch(r, 2, 10, 100);  // reaches the LEO now
        QCOMPARE(progress(r, 2)->last_caught_up_ms, 100);
        r.on_leader_append(20);
        // Reaches the LEO the leader had at the previous fetch (10): caught up as of then.
        fetch(r, 2, 15, 200);
        QCOMPARE(progress(r, 2)->last_caught_up_ms, 100);
        r.on_leader_append(30);
        fetch(r, 2, 20, 300);  // the LEO at the fetch at 200 was 20
        QCOMPARE(progress(r, 2)->last_caught_up_ms, 200);
        fetch(r, 2, 25, 400);  // below 30, the LEO at the fetch at 300
        QCOMPARE(progress(r, 2)->last_caught_up_ms, 200);
        QCOMPARE(progress(r, 2)->last_fetch_ms, 400);
        QCOMPARE(progress(r, 2)->leader_leo_at_last_fetch, 30);
        fetch(r, 2, 30, 500);
        QCOMPARE(progress(r, 2)->last_caught_up_ms, 500);
    }

    void a_lagging_member_leaves_the_isr_after_the_lag_time_and_not_before() {
        PartitionReplica r = leader_of_three();
        r.on_leader_append(10);
        for (std::int64_t t = 0; t <= 3200; t += 100)
            fetch(r, 2, 10, t);
        // Broker 3 never fetches: not caught up since it became an ISR member at 0.
        QVERIFY(!r.isr_change(3000));  // 3.0 s is not more than the lag time
        const auto change = r.isr_change(3200);
        QVERIFY(change);
        QCOMPARE(change->removed, (std::vector<std::int32_t>{3}));
        QCOMPARE(change->new_isr, (std::vector<std::int32_t>{1, 2}));
        QCOMPARE(change->leader_epoch, 1);
        QCOMPARE(change->partition_epoch, 1);
        QCOMPARE(change->reason,
                 std::string("broker 3 left the ISR of this partition: not caught up for 3.2 s > "
                             "replica.lag.time.max.ms 3.0 s"));
        QVERIFY(r.isr_change_pending());
    }

    void a_member_at_the_leaders_leo_stays_in_the_isr_however_long_it_is_quiet() {
        PartitionReplica r = leader_of_three();
        r.on_leader_append(10);
        fetch(r, 2, 10, 0);
        fetch(r, 3, 10, 0);
        QVERIFY(!r.isr_change(60000));  // no produce for a minute: nobody is behind
    }

    void a_replica_rejoins_at_the_high_watermark_and_the_epoch_start_offset() {
        // Broker 1 had 10 records; it leads epoch 2 with ISR {1, 2}; broker 3 is out.
        PartitionReplica r = replica(1, 10, LeaderEpochCache({{1, 0}}));
        r.become_leader(partition(1, 2, 4, {1, 2, 3}, {1, 2}), 0);
        QCOMPARE(r.leader_epoch_start_offset(), 10);
        QCOMPARE(r.high_watermark(), 0);  // held by broker 2, unknown yet
        fetch(r, 3, 5, 10);
        QVERIFY(!r.isr_change(10));  // LEO 5 >= HW 0, but below the epoch's start offset 10
        fetch(r, 2, 10, 20);
        QCOMPARE(r.high_watermark(), 10);
        r.on_leader_append(14);
        fetch(r, 2, 14, 30);
        QCOMPARE(r.high_watermark(), 14);
        fetch(r, 3, 12, 40);
        QVERIFY(!r.isr_change(40));  // past the epoch start, below the HW 14
        fetch(r, 3, 14, 50);
        const auto change = r.isr_change(50);
        QVERIFY(change);
        QCOMPARE(change->added, (std::vector<std::int32_t>{3}));
        QCOMPARE(change->new_isr, (std::vector<std::int32_t>{1, 2, 3}));
        QVERIFY(change->removed.empty());
        QVERIFY(change->reason.find("broker 3 rejoined the ISR") != std::string::npos);
    }

    void one_pending_change_at_a_time_and_a_failed_change_can_be_retried() {
        PartitionReplica r = leader_of_three();
        r.on_leader_append(10);
        fetch(r, 2, 10, 0);
        const auto first = r.isr_change(3500);
        QVERIFY(first);
        QVERIFY(!r.isr_change(3600));  // pending
        // While it is pending, the member it removes still holds the HW (the maximal ISR).
        QCOMPARE(r.high_watermark(), 0);
        r.isr_change_failed(ErrorCode::INELIGIBLE_REPLICA);  // the controller did not apply it
        QVERIFY(!r.isr_change_pending());
        const auto again = r.isr_change(3700);
        QVERIFY(again);
        QCOMPARE(again->removed, first->removed);
    }

    void a_pending_addition_counts_in_the_high_watermark() {
        PartitionReplica r = leader_of_three({1, 2});
        r.on_leader_append(10);
        fetch(r, 2, 10, 0);
        fetch(r, 3, 10, 0);
        QVERIFY(r.isr_change(0));
        r.on_leader_append(20);
        fetch(r, 2, 20, 10);
        QCOMPARE(r.high_watermark(), 10);  // broker 3, joining, is at 10
        fetch(r, 3, 20, 20);
        QCOMPARE(r.high_watermark(), 20);
    }

    // An AlterPartition that got no answer (or an answer that does not say it was not applied)
    // may have been applied: the controller may already count the joining member in the ISR and
    // elect it. Its addition keeps holding the HW until the metadata settles it, and the change
    // stays pending to be sent again. Dropping it let a paused leader, resumed after its request
    // timed out, acknowledge acks=all records its joining follower lacked; that follower was then
    // elected (found by the replication simulation's pauses, acks=all, clean elections).
    void an_unanswered_addition_keeps_holding_the_high_watermark_until_settled() {
        for (const ErrorCode outcome :
             {ErrorCode::REQUEST_TIMED_OUT, ErrorCode::INVALID_UPDATE_VERSION,
              ErrorCode::FENCED_LEADER_EPOCH}) {
            PartitionReplica r = leader_of_three({1, 2});
            r.on_leader_append(10);
            fetch(r, 2, 10, 0);
            fetch(r, 3, 10, 0);
            const auto change = r.isr_change(0);
            QVERIFY(change && change->added == std::vector<std::int32_t>{3});
            r.isr_change_failed(outcome);
            QVERIFY(r.isr_change_pending());
            QCOMPARE(r.pending_isr_change()->new_isr, change->new_isr);  // to send again
            r.on_leader_append(20);
            fetch(r, 2, 20, 10);
            QCOMPARE(r.high_watermark(), 10);  // broker 3 may be in the ISR: it is at 10
            // The metadata says the controller did apply it: broker 3 is a member.
            r.become_leader(partition(1, 1, 2, {1, 2, 3}, {1, 2, 3}), 20);
            QVERIFY(!r.isr_change_pending());
            QCOMPARE(r.high_watermark(), 10);
            fetch(r, 3, 20, 30);
            QCOMPARE(r.high_watermark(), 20);
        }
        // An answer that says it was not applied drops it, and with it the addition.
        PartitionReplica r = leader_of_three({1, 2});
        r.on_leader_append(10);
        fetch(r, 2, 10, 0);
        fetch(r, 3, 10, 0);
        QVERIFY(r.isr_change(0));
        r.isr_change_failed(ErrorCode::INELIGIBLE_REPLICA);
        QVERIFY(!r.isr_change_pending());
        r.on_leader_append(20);
        fetch(r, 2, 20, 10);
        QCOMPARE(r.high_watermark(), 20);
    }

    void a_committed_change_arrives_as_the_same_leader_epoch_with_a_newer_partition_epoch() {
        PartitionReplica r = leader_of_three();
        r.on_leader_append(10);
        fetch(r, 2, 10, 0);
        const auto change = r.isr_change(4000);
        QVERIFY(change);
        // A stale repeat of the current state changes nothing.
        r.become_leader(partition(1, 1, 1, {1, 2, 3}, {1, 2, 3}), 4000);
        QVERIFY(r.isr_change_pending());
        QCOMPARE(r.high_watermark(), 0);
        r.become_leader(partition(1, 1, 2, {1, 2, 3}, change->new_isr), 4100);
        QVERIFY(!r.isr_change_pending());
        QCOMPARE(r.isr(), (std::vector<std::int32_t>{1, 2}));
        QCOMPARE(r.partition_epoch(), 2);
        QCOMPARE(r.leader_epoch(), 1);
        QVERIFY(!progress(r, 3)->in_isr);
        QCOMPARE(r.high_watermark(), 10);  // broker 3 no longer holds it
        // Progress survived: broker 2's LEO is still known.
        QCOMPARE(progress(r, 2)->log_end_offset, 10);
    }

    void a_leader_after_an_unclean_election_marks_the_partition_recovered() {
        PartitionReplica r = replica(2, 3);
        r.become_leader(partition(2, 4, 7, {1, 2, 3}, {2}, 1), 0);
        const auto change = r.isr_change(0);
        QVERIFY(change);
        QCOMPARE(change->leader_recovery_state, std::int8_t{0});
        QCOMPARE(change->new_isr, (std::vector<std::int32_t>{2}));
        QVERIFY(change->added.empty() && change->removed.empty());
        QCOMPARE(change->partition_epoch, 7);
        r.become_leader(partition(2, 4, 8, {1, 2, 3}, {2}, 0), 10);
        QVERIFY(!r.isr_change(20));
    }

    // --- produce: acks ----------------------------------------------------------------------

    void acks_all_waits_for_the_high_watermark_then_completes() {
        PartitionReplica r = leader_of_three();
        QCOMPARE(r.check_produce(-1, 2), ErrorCode::NONE);
        r.on_leader_append(5);
        QVERIFY(!r.ack_state(5, -1, 2).done);
        fetch(r, 2, 5, 10);
        QVERIFY(!r.ack_state(5, -1, 2).done);  // broker 3 is in the ISR and has not fetched
        fetch(r, 3, 3, 10);
        QVERIFY(!r.ack_state(5, -1, 2).done);
        QVERIFY(r.ack_state(3, -1, 2).done);
        fetch(r, 3, 5, 20);
        const AckState a = r.ack_state(5, -1, 2);
        QVERIFY(a.done);
        QCOMPARE(a.error, ErrorCode::NONE);
        // acks=1 and acks=0 complete on the leader's append.
        QVERIFY(r.ack_state(100, 1, 2).done);
        QVERIFY(r.ack_state(100, 0, 2).done);
    }

    void acks_all_with_too_small_an_isr_is_refused_before_the_append() {
        PartitionReplica r = leader_of_three({1});
        QCOMPARE(r.check_produce(-1, 2), ErrorCode::NOT_ENOUGH_REPLICAS);
        QCOMPARE(r.check_produce(-1, 1), ErrorCode::NONE);
        QCOMPARE(r.check_produce(1, 2), ErrorCode::NONE);  // min.insync applies to acks=all only
        QCOMPARE(r.check_produce(0, 3), ErrorCode::NONE);
        QCOMPARE(r.check_produce(-2, 1), ErrorCode::INVALID_REQUIRED_ACKS);
    }

    void acks_all_whose_isr_shrank_after_the_append_fails_after_append() {
        PartitionReplica r = leader_of_three();
        QCOMPARE(r.check_produce(-1, 3), ErrorCode::NONE);
        r.on_leader_append(5);
        fetch(r, 2, 5, 0);
        const auto change = r.isr_change(3500);  // broker 3 never fetched
        QVERIFY(change);
        QVERIFY(!r.ack_state(5, -1, 3).done);
        r.become_leader(partition(1, 1, 2, {1, 2, 3}, change->new_isr), 3600);
        const AckState a = r.ack_state(5, -1, 3);
        QVERIFY(a.done);
        QCOMPARE(a.error, ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND);
        QCOMPARE(r.check_produce(-1, 3), ErrorCode::NOT_ENOUGH_REPLICAS);
    }

    void acks_n_counts_the_leader_and_every_replica_that_holds_the_records() {
        PartitionReplica r = leader_of_three({1});  // ISR membership does not matter for acks=N
        QCOMPARE(r.check_produce(3, 1), ErrorCode::NONE);
        QCOMPARE(r.check_produce(4, 1), ErrorCode::NOT_ENOUGH_REPLICAS);
        r.on_leader_append(5);
        QVERIFY(!r.ack_state(5, 2, 1).done);
        fetch(r, 3, 4, 10);
        QVERIFY(!r.ack_state(5, 2, 1).done);
        fetch(r, 3, 5, 20);
        QVERIFY(r.ack_state(5, 2, 1).done);
        QCOMPARE(r.ack_state(5, 2, 1).error, ErrorCode::NONE);
        QVERIFY(!r.ack_state(5, 3, 1).done);
        fetch(r, 2, 7, 30);  // beyond the leader's end: refused, not counted
        QVERIFY(!r.ack_state(5, 3, 1).done);
        fetch(r, 2, 5, 30);
        QVERIFY(r.ack_state(5, 3, 1).done);
    }

    void a_replica_that_no_longer_leads_answers_not_leader_or_follower() {
        PartitionReplica r = leader_of_three();
        r.on_leader_append(5);
        QCOMPARE(fetch(r, 9, 0, 0), ErrorCode::NOT_LEADER_OR_FOLLOWER);  // not a replica
        QCOMPARE(fetch(r, 1, 0, 0), ErrorCode::NOT_LEADER_OR_FOLLOWER);  // itself
        QCOMPARE(fetch(r, 2, 6, 0), ErrorCode::OFFSET_OUT_OF_RANGE);
        r.become_follower(partition(2, 2, 2, {1, 2, 3}, {2, 3}));
        QCOMPARE(r.role(), Role::Follower);
        QCOMPARE(r.leader(), 2);
        QVERIFY(r.followers().empty());
        const AckState a = r.ack_state(5, -1, 2);
        QVERIFY(a.done);
        QCOMPARE(a.error, ErrorCode::NOT_LEADER_OR_FOLLOWER);
        QCOMPARE(r.ack_state(5, 1, 1).error, ErrorCode::NOT_LEADER_OR_FOLLOWER);
        QCOMPARE(r.check_produce(1, 1), ErrorCode::NOT_LEADER_OR_FOLLOWER);
        QCOMPARE(fetch(r, 3, 0, 0), ErrorCode::NOT_LEADER_OR_FOLLOWER);
        QVERIFY(!r.isr_change(100000));
    }

    // --- the leader epoch cache --------------------------------------------------------------

    void epoch_cache_assign_keeps_epochs_and_offsets_ascending() {
        LeaderEpochCache c;
        QCOMPARE(c.latest_epoch(), kUndefinedEpoch);
        QVERIFY(c.assign(0, 0));
        QVERIFY(c.assign(2, 10));
        QVERIFY(!c.assign(2, 12));  // not newer
        QVERIFY(!c.assign(1, 12));
        QVERIFY(c.assign(3, 20));
        QCOMPARE(c.latest_epoch(), 3);
        // A newer epoch starting below existing entries replaces the tail they described.
        QVERIFY(c.assign(5, 10));
        QCOMPARE(c.entries(), (std::vector<LeaderEpochCache::Entry>{{0, 0}, {5, 10}}));
    }

    void epoch_cache_end_offset_for_follows_kafka() {
        const LeaderEpochCache c({{1, 0}, {3, 10}, {6, 25}});
        const std::int64_t leo = 40;
        QCOMPARE(c.end_offset_for(6, leo), (EpochEndOffset{6, 40}));  // latest: the LEO
        QCOMPARE(c.end_offset_for(3, leo), (EpochEndOffset{3, 25}));  // ends where 6 starts
        QCOMPARE(c.end_offset_for(4, leo), (EpochEndOffset{3, 25}));  // unknown: largest <= 4
        QCOMPARE(c.end_offset_for(1, leo), (EpochEndOffset{1, 10}));
        QCOMPARE(c.end_offset_for(0, leo), (EpochEndOffset{0, 0}));  // older than the first
        QVERIFY(c.end_offset_for(7, leo).undefined());               // newer than the latest
        QVERIFY(c.end_offset_for(kUndefinedEpoch, leo).undefined());
        QVERIFY(LeaderEpochCache().end_offset_for(1, 0).undefined());
    }

    void epoch_cache_truncate_from_end_drops_epochs_at_or_after_the_cut() {
        LeaderEpochCache c({{1, 0}, {3, 10}, {6, 25}});
        QVERIFY(!c.truncate_from_end(30));
        QVERIFY(c.truncate_from_end(25));
        QCOMPARE(c.entries(), (std::vector<LeaderEpochCache::Entry>{{1, 0}, {3, 10}}));
        QVERIFY(c.truncate_from_end(5));
        QCOMPARE(c.entries(), (std::vector<LeaderEpochCache::Entry>{{1, 0}}));
        QVERIFY(c.truncate_from_end(0));
        QVERIFY(c.empty());
    }

    void epoch_cache_checkpoint_round_trips_and_rejects_malformed_text() {
        const LeaderEpochCache c({{1, 0}, {3, 10}, {6, 25}});
        QCOMPARE(c.serialize(), std::string("0\n3\n1 0\n3 10\n6 25\n"));
        QCOMPARE(LeaderEpochCache::parse(c.serialize()), std::optional<LeaderEpochCache>(c));
        QCOMPARE(LeaderEpochCache::parse("0\n0\n"),
                 std::optional<LeaderEpochCache>(LeaderEpochCache()));
        QCOMPARE(LeaderEpochCache::parse("0\n1\n2 7"),  // no final newline
                 std::optional<LeaderEpochCache>(LeaderEpochCache({{2, 7}})));
        for (const char* bad : {"", "0", "0\n", "1\n0\n", "0\n2\n1 0\n", "0\n1\n1 0\n2 5\n",
                                "0\n1\n1\n", "0\n1\n1 x\n", "0\n1\n1  0\n", "0\n1\n-1 0\n",
                                "0\n1\n1 -5\n", "0\n2\n3 0\n2 5\n", "0\n2\n1 5\n2 4\n", "0\n-1\n",
                                "0\n1\n99999999999 0\n", "x\n0\n", "0\n1\n1 0\n\n", "0 \n0\n"}) {
            QVERIFY2(!LeaderEpochCache::parse(bad), bad);
        }
    }

    // --- truncation by epoch (KIP-279) -------------------------------------------------------

    void truncation_for_each_kind_of_leader_answer() {
        const LeaderEpochCache mine({{1, 0}, {2, 10}, {4, 20}});
        const std::int64_t leo = 30;
        // The leader has no epoch <= ours: keep nothing we cannot prove.
        Truncation t = truncation_for(mine, leo, 3, EpochEndOffset{});
        QCOMPARE(t.offset, 3);
        QVERIFY(t.complete);
        // Same latest epoch, the leader's log ends earlier: cut to its end.
        t = truncation_for(mine, leo, 0, EpochEndOffset{4, 25});
        QCOMPARE(t.offset, 25);
        QVERIFY(t.complete);
        // Same epoch, the leader ends later: nothing to cut (offset >= LEO).
        t = truncation_for(mine, leo, 0, EpochEndOffset{4, 45});
        QCOMPARE(t.offset, 30);
        QVERIFY(t.complete);
        // The leader knows our epoch 2 but not 4: epoch 2 ended at 18 on the leader.
        t = truncation_for(mine, leo, 0, EpochEndOffset{2, 18});
        QCOMPARE(t.offset, 18);
        QVERIFY(t.complete);
        // Epoch 2 ran longer on the leader than here: cut where our epoch 2 ended (20).
        t = truncation_for(mine, leo, 0, EpochEndOffset{2, 26});
        QCOMPARE(t.offset, 20);
        QVERIFY(t.complete);
        // The leader answers with epoch 3, which we never held: cut to where our epoch 2
        // ended, then ask again with epoch 2.
        t = truncation_for(mine, leo, 0, EpochEndOffset{3, 24});
        QCOMPARE(t.offset, 20);
        QVERIFY(!t.complete);
        t = truncation_for(mine, leo, 0, EpochEndOffset{3, 15});
        QCOMPARE(t.offset, 15);
        QVERIFY(!t.complete);
        // Never beyond the local LEO.
        t = truncation_for(LeaderEpochCache({{1, 0}}), 5, 0, EpochEndOffset{1, 50});
        QCOMPARE(t.offset, 5);
    }

    // --- stories ---------------------------------------------------------------------------

    // KIP-101's second scenario. A leads epoch 1, B follows; both hold r0 and r1 and the HW is
    // 2. Both lose power: A had flushed both records, B only r0. B returns first and leads
    // epoch 2, writing r2 at offset 1. A returns with r1 at offset 1. Truncating A to its high
    // watermark (2) would keep r1 where the leader has r2; truncating by epoch does not.
    // A leader demoted before it appended anything (paused past its session, say) holds its
    // epoch in the cache at its log end, with no records. Following the next leader, it must
    // not keep asking about that epoch: when the answer names an epoch it lacks, truncation
    // would cut nothing and ask the same question forever (found by the replication
    // simulation's pauses). Kafka drops such an entry whenever the follower truncates, even to
    // its own log end.
    void a_leader_demoted_before_appending_truncates_by_epoch_to_completion() {
        MiniLog a;  // broker 1: epoch 1 at 0..19, an uncommitted tail of epoch 3 at 20..28
        for (int i = 0; i < 29; ++i)
            a.append(i < 20 ? 1 : 3, "r" + std::to_string(i));
        PartitionReplica ra = replica(1, a.end(), a.rebuild_epochs());
        ra.become_leader(partition(1, 5, 9, {1, 2}, {1}), 0);
        QCOMPARE(ra.epochs().latest_epoch(), 5);  // nothing appended in it
        ra.take_epochs_changed();

        MiniLog b;  // broker 2, the next leader: epoch 1 at 0..19, epoch 4 at 20..34, epoch 6
        for (int i = 0; i < 40; ++i)
            b.append(i < 20   ? 1
                     : i < 35 ? 4
                              : 6,
                     i < 20 ? "r" + std::to_string(i) : "b" + std::to_string(i));
        PartitionReplica rb = replica(2, b.end(), b.rebuild_epochs());
        rb.become_leader(partition(2, 6, 10, {1, 2}, {2}), 0);

        ra.become_follower(partition(2, 6, 10, {1, 2}, {2}));
        QCOMPARE(ra.epochs().latest_epoch(), 3);
        QVERIFY(ra.take_epochs_changed());  // the runtime persists the cache
        truncate_by_epoch(b, rb, a, ra);
        QCOMPARE(a.end(), 20);
        replicate(b, rb, a, ra, 1);
        QVERIFY(a.records == b.records);
    }

    void kip101_double_failover_truncates_by_epoch_not_to_the_high_watermark() {
        MiniLog log_a, log_b;
        PartitionReplica a = replica(1), b = replica(2);
        a.become_leader(partition(1, 1, 1, {1, 2}, {1, 2}), 0);
        b.become_follower(partition(1, 1, 1, {1, 2}, {1, 2}));
        log_a.append(1, "r0");
        a.on_leader_append(log_a.end());
        log_a.append(1, "r1");
        a.on_leader_append(log_a.end());
        replicate(log_a, a, log_b, b, 10);
        QCOMPARE(a.high_watermark(), 2);
        const std::int64_t a_stale_hw = a.high_watermark();
        log_a.flush();
        log_b.flushed = 1;  // B's r1 was still in the page cache
        log_a.power_loss();
        log_b.power_loss();
        QCOMPARE(log_a.end(), 2);
        QCOMPARE(log_b.end(), 1);

        // B returns first; the controller elects it (the last ISR member standing) in epoch 2.
        PartitionReplica b2 = replica(2, log_b.end(), log_b.rebuild_epochs());
        b2.become_leader(partition(2, 2, 3, {1, 2}, {2}), 1000);
        log_b.append(2, "r2");
        b2.on_leader_append(log_b.end());
        QCOMPARE(b2.high_watermark(), 2);

        // A returns. Had it truncated to its stale HW, offset 1 would hold r1 on A, r2 on B.
        MiniLog naive = log_a;
        naive.truncate(a_stale_hw);
        for (std::int64_t o = naive.end(); o < log_b.end(); ++o)
            naive.records.push_back(log_b.records[static_cast<std::size_t>(o)]);
        QVERIFY(naive.records != log_b.records);
        QCOMPARE(naive.records[1].id, std::string("r1"));

        PartitionReplica a2 = replica(1, log_a.end(), log_a.rebuild_epochs());
        a2.become_follower(partition(2, 2, 3, {1, 2}, {2}));
        // A asks for the end of epoch 1: B says 1, where epoch 2 began.
        QCOMPARE(b2.epochs().end_offset_for(1, log_b.end()), (EpochEndOffset{1, 1}));
        truncate_by_epoch(log_b, b2, log_a, a2);
        QCOMPARE(log_a.end(), 1);
        replicate(log_b, b2, log_a, a2, 1100);
        QCOMPARE(log_a.records, log_b.records);
        QCOMPARE(a2.epochs(), b2.epochs());
        QCOMPARE(a2.high_watermark(), 2);
    }

    // An unclean election: B falls out of the ISR, A keeps acknowledging acks=1 produces (and
    // even advances the HW alone), then A dies. With unclean.leader.election.enable B leads in
    // epoch 2 although it is missing records; A returns and truncates them away.
    void an_unclean_election_loses_records_acknowledged_with_acks_1() {
        MiniLog log_a, log_b;
        PartitionReplica a = replica(1), b = replica(2);
        a.become_leader(partition(1, 1, 1, {1, 2}, {1, 2}), 0);
        b.become_follower(partition(1, 1, 1, {1, 2}, {1, 2}));
        log_a.append(1, "r0");
        a.on_leader_append(log_a.end());
        replicate(log_a, a, log_b, b, 10);
        QCOMPARE(a.high_watermark(), 1);

        // B stops fetching (cut off) while A acknowledges acks=1 produces; A drops B from the
        // ISR after the lag time (B is behind A's LEO), and then advances the HW alone.
        std::vector<std::string> acknowledged;
        auto produce = [&](const char* id) {
            QCOMPARE(a.check_produce(1, 1), ErrorCode::NONE);
            log_a.append(1, id);
            a.on_leader_append(log_a.end());
            QVERIFY(a.ack_state(log_a.end(), 1, 1).done);
            acknowledged.push_back(id);
        };
        produce("r1");
        QVERIFY(!a.isr_change(3000));
        const auto shrink = a.isr_change(3100);
        QVERIFY(shrink);
        QCOMPARE(shrink->new_isr, (std::vector<std::int32_t>{1}));
        a.become_leader(partition(1, 1, 2, {1, 2}, {1}), 3200);
        produce("r2");
        QCOMPARE(a.high_watermark(), 3);  // the ISR is A alone

        // A dies. No ISR member is alive; the unclean election picks B, recovering.
        b.become_leader(partition(2, 2, 3, {1, 2}, {2}, 1), 5000);
        QCOMPARE(b.isr_change(5000)->leader_recovery_state, std::int8_t{0});
        log_b.append(2, "r3");
        b.on_leader_append(log_b.end());

        // A returns as a follower and truncates by epoch: r1 and r2 are gone for good.
        a.become_follower(partition(2, 2, 3, {1, 2}, {2}));
        truncate_by_epoch(log_b, b, log_a, a);
        QCOMPARE(log_a.end(), 1);
        replicate(log_b, b, log_a, a, 5100);
        QCOMPARE(log_a.records, log_b.records);
        for (const std::string& id : acknowledged) {
            for (const Record& rec : log_a.records)
                QVERIFY(rec.id != id);
        }
    }
};

QTEST_APPLESS_MAIN(ReplicationCoreTest)
#include "test_replication.moc"
