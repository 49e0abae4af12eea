// The follower's fetch loop decisions (engine/replication/follower_fetcher.h), one Kafka rule
// per test: truncate by epoch before fetching a new leadership, cut to where the leader says the
// epoch ends, ask again when the answer names an epoch the follower lacks, re-truncate on
// OFFSET_OUT_OF_RANGE, back off on errors, and drop answers of an earlier leadership.
#include <QtTest>

#include "replication/follower_fetcher.h"

using namespace kraftlab::replication;
using kraftlab::protocol::ErrorCode;
using Kind = FollowerFetcher::Request::Kind;
using StepKind = FollowerFetcher::Step::Kind;

class FollowerFetcherTest : public QObject {
    Q_OBJECT

  private slots:
    void a_new_leader_is_asked_where_the_latest_epoch_ends_before_any_fetch() {
        FollowerFetcher f;
        QVERIFY(f.follow(2, 5));
        const LeaderEpochCache epochs({{1, 0}, {3, 40}});
        const auto r = f.next_request(epochs, {0, 60});
        QCOMPARE(r.kind, Kind::OffsetsForLeaderEpoch);
        QCOMPARE(r.leader, 2);
        QCOMPARE(r.current_leader_epoch, 5);
        QCOMPARE(r.requested_epoch, 3);
        QVERIFY(!f.follow(2, 5));  // the same leadership again changes nothing
        QCOMPARE(f.next_request(epochs, {0, 60}).generation, r.generation);
    }

    void an_empty_log_fetches_at_once() {
        FollowerFetcher f;
        f.follow(2, 5);
        const auto r = f.next_request(LeaderEpochCache{}, {0, 0});
        QCOMPARE(r.kind, Kind::Fetch);
        QCOMPARE(r.fetch_offset, 0);
        QCOMPARE(r.current_leader_epoch, 5);
    }

    void no_leader_sends_nothing() {
        FollowerFetcher f;
        QVERIFY(f.follow(-1, 4));
        QCOMPARE(f.next_request(LeaderEpochCache({{1, 0}}), {0, 10}).kind, Kind::None);
    }

    void the_leaders_end_offset_for_our_epoch_is_where_the_follower_cuts() {
        FollowerFetcher f;
        f.follow(2, 5);
        const LeaderEpochCache epochs({{1, 0}, {3, 40}});
        const auto r = f.next_request(epochs, {0, 60});
        // The leader's epoch 3 ended at 52: offsets 52..59 were never on it.
        const auto step =
            f.on_epoch_answer(r.generation, epochs, {0, 60}, ErrorCode::NONE, {3, 52});
        QCOMPARE(step.kind, StepKind::Truncate);
        QCOMPARE(step.truncate_to, 52);
        QCOMPARE(f.phase(), FollowerFetcher::Phase::Fetching);
        const auto next = f.next_request(LeaderEpochCache({{1, 0}, {3, 40}}), {0, 52});
        QCOMPARE(next.kind, Kind::Fetch);
        QCOMPARE(next.fetch_offset, 52);
    }

    void an_answer_at_or_past_our_end_cuts_nothing() {
        FollowerFetcher f;
        f.follow(2, 5);
        const LeaderEpochCache epochs({{1, 0}, {3, 40}});
        const auto r = f.next_request(epochs, {0, 60});
        const auto step =
            f.on_epoch_answer(r.generation, epochs, {0, 60}, ErrorCode::NONE, {3, 75});
        QCOMPARE(step.kind, StepKind::Continue);
        QCOMPARE(f.phase(), FollowerFetcher::Phase::Fetching);
    }

    void an_epoch_the_follower_lacks_cuts_and_asks_again() {
        FollowerFetcher f;
        f.follow(2, 5);
        // The leader knows no epoch 3: its epoch 2 ends at 45, where the follower's 3 began
        // after its own epoch 1.
        const LeaderEpochCache epochs({{1, 0}, {3, 50}});
        const auto r = f.next_request(epochs, {0, 70});
        const auto step =
            f.on_epoch_answer(r.generation, epochs, {0, 70}, ErrorCode::NONE, {2, 45});
        QCOMPARE(step.kind, StepKind::Truncate);
        QCOMPARE(step.truncate_to, 45);
        QCOMPARE(f.phase(), FollowerFetcher::Phase::Truncating);
        const auto again = f.next_request(LeaderEpochCache({{1, 0}}), {0, 45});
        QCOMPARE(again.kind, Kind::OffsetsForLeaderEpoch);
        QCOMPARE(again.requested_epoch, 1);
    }

    void an_epoch_answer_error_backs_off_and_keeps_truncating() {
        FollowerFetcher f;
        f.follow(2, 5);
        const LeaderEpochCache epochs({{1, 0}});
        const auto r = f.next_request(epochs, {0, 10});
        const auto step =
            f.on_epoch_answer(r.generation, epochs, {0, 10}, ErrorCode::FENCED_LEADER_EPOCH, {});
        QCOMPARE(step.kind, StepKind::Backoff);
        QVERIFY(step.reason.find("FENCED_LEADER_EPOCH") != std::string::npos);
        QCOMPARE(f.next_request(epochs, {0, 10}).kind, Kind::OffsetsForLeaderEpoch);
    }

    void a_fetch_answer_appends_and_offset_out_of_range_truncates_again() {
        FollowerFetcher f;
        f.follow(2, 5);
        const auto r = f.next_request(LeaderEpochCache{}, {0, 0});
        QCOMPARE(f.on_fetch_answer(r.generation, {0, 0}, ErrorCode::NONE, 0).kind,
                 StepKind::Append);
        const LeaderEpochCache epochs({{5, 0}});
        const auto r2 = f.next_request(epochs, {0, 30});
        QCOMPARE(r2.kind, Kind::Fetch);
        QCOMPARE(f.on_fetch_answer(r2.generation, {0, 30}, ErrorCode::OFFSET_OUT_OF_RANGE, 30).kind,
                 StepKind::Continue);
        QCOMPARE(f.next_request(epochs, {0, 30}).kind, Kind::OffsetsForLeaderEpoch);
    }

    // The leader's log starts past ours (DeleteRecords while we were behind, or a new replica):
    // start again at its start and keep fetching, from there.
    void offset_out_of_range_below_the_leaders_start_starts_the_log_again() {
        FollowerFetcher f;
        f.follow(2, 5);
        const LeaderEpochCache epochs({{5, 0}});
        const auto first = f.next_request(LeaderEpochCache{}, {0, 0});  // nothing to truncate
        QCOMPARE(f.on_fetch_answer(first.generation, {0, 0}, ErrorCode::NONE, 0).kind,
                 StepKind::Append);
        const auto r = f.next_request(epochs, {0, 30});
        QCOMPARE(r.kind, Kind::Fetch);
        const auto step =
            f.on_fetch_answer(r.generation, {0, 30}, ErrorCode::OFFSET_OUT_OF_RANGE, 30, 500);
        QCOMPARE(step.kind, StepKind::StartAt);
        QCOMPARE(step.start_at, std::int64_t(500));
        const auto next = f.next_request(LeaderEpochCache{}, {500, 500});
        QCOMPARE(next.kind, Kind::Fetch);
        QCOMPARE(next.fetch_offset, std::int64_t(500));
        // A leader start at or below our end is the other case: our end is past the leader's.
        const auto again = f.on_fetch_answer(next.generation, {500, 500},
                                             ErrorCode::OFFSET_OUT_OF_RANGE, 500, 400);
        QCOMPARE(again.kind, StepKind::Continue);
        QCOMPARE(f.next_request(LeaderEpochCache{{{5, 500}}}, {500, 500}).kind,
                 Kind::OffsetsForLeaderEpoch);
    }

    void a_fetch_error_backs_off_and_keeps_fetching() {
        FollowerFetcher f;
        f.follow(2, 5);
        const auto r = f.next_request(LeaderEpochCache{}, {0, 0});
        const auto step =
            f.on_fetch_answer(r.generation, {0, 0}, ErrorCode::NOT_LEADER_OR_FOLLOWER, 0);
        QCOMPARE(step.kind, StepKind::Backoff);
        QVERIFY(step.reason.find("leader broker 2") != std::string::npos);
        QCOMPARE(f.next_request(LeaderEpochCache{}, {0, 0}).kind, Kind::Fetch);
    }

    void answers_of_an_earlier_leadership_or_offset_are_stale() {
        FollowerFetcher f;
        f.follow(2, 5);
        const auto old = f.next_request(LeaderEpochCache{}, {0, 0});
        QVERIFY(f.follow(3, 6));  // a new leader: a new generation
        QVERIFY(f.next_request(LeaderEpochCache{}, {0, 0}).generation != old.generation);
        QCOMPARE(f.on_fetch_answer(old.generation, {0, 0}, ErrorCode::NONE, 0).kind,
                 StepKind::Stale);
        const auto r = f.next_request(LeaderEpochCache{}, {0, 0});
        // An answer for offset 0 when the log has since grown to 7 is stale too.
        QCOMPARE(f.on_fetch_answer(r.generation, {0, 7}, ErrorCode::NONE, 0).kind, StepKind::Stale);
        f.stop();  // this replica leads now
        QCOMPARE(f.on_fetch_answer(r.generation, {0, 0}, ErrorCode::NONE, 0).kind, StepKind::Stale);
        QCOMPARE(f.next_request(LeaderEpochCache{}, {0, 0}).kind, Kind::None);
        QVERIFY(f.follow(3, 6));  // following again after leading restarts the loop
    }

    void a_failed_append_truncates_again() {
        FollowerFetcher f;
        f.follow(2, 5);
        f.next_request(LeaderEpochCache{}, {0, 0});
        f.retruncate();
        QCOMPARE(f.next_request(LeaderEpochCache({{4, 0}}), {0, 12}).kind,
                 Kind::OffsetsForLeaderEpoch);
    }
};

QTEST_APPLESS_MAIN(FollowerFetcherTest)
#include "test_follower_fetcher.moc"
