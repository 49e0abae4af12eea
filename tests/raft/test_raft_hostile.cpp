// Hostile input to the KRaft core (issue 12, item 1): Vote, BeginQuorumEpoch and EndQuorumEpoch
// from a node that is not a voter, or with an epoch out of range, are refused before anything
// changes (no epoch bump, no step-down, nothing to persist), and no epoch ever overflows.
//
// One RaftNode driven by hand (requests in, Ready out): the pure core, no sockets. The same bytes
// over a socket to a real lab are test_hostile_raft (tests/integration).
#include <QtTest>

#include <climits>

#include "raft/raft.h"
#include "raft/wire.h"

using namespace kraftlab;
using namespace kraftlab::raft;

namespace {

Config three_voters(NodeId id) {
    Config c;
    c.id = id;
    c.voters = {1, 2, 3};
    c.election_timeout_ms = 1000;
    c.fetch_timeout_ms = 2000;
    c.request_timeout_ms = 2000;
    return c;
}

// Node 1, elected leader of epoch 1 with node 2's vote; its Ready handled.
RaftNode leader_of_epoch_1() {
    RaftNode n(three_voters(1), QuorumState{}, {}, 0);
    n.ready();
    n.campaign(0);
    Ready r = n.ready();
    for (const auto& req : r.requests) {
        if (req.to == 2) n.handle_response(req.id, VoteResponse{1, kNoNode, true, "", {}}, 0);
    }
    n.ready();
    return n;
}

struct Snapshot {
    Role role;
    std::int32_t epoch;
    NodeId leader;
    NodeId voted_for;
};
Snapshot snap(const RaftNode& n) {
    return {n.role(), n.epoch(), n.leader(), n.voted_for()};
}
void expect_unchanged(RaftNode& n, const Snapshot& before) {
    QCOMPARE(n.role(), before.role);
    QCOMPARE(n.epoch(), before.epoch);
    QCOMPARE(n.leader(), before.leader);
    QCOMPARE(n.voted_for(), before.voted_for);
    const Ready r = n.ready();
    QVERIFY2(!r.quorum_state, "a refused request must leave nothing to persist");
    QVERIFY(!r.truncate_to);
}

}  // namespace

class RaftHostileTest : public QObject {
    Q_OBJECT

  private slots:
    void the_leader_is_set_up() {
        RaftNode n = leader_of_epoch_1();
        QCOMPARE(n.role(), Role::Leader);
        QCOMPARE(n.epoch(), 1);
    }

    // The packet: candidate 999, epoch 2147483647, on the leader and on a follower.
    void a_vote_from_a_non_voter_at_int32_max_changes_nothing() {
        RaftNode leader = leader_of_epoch_1();
        const Snapshot before = snap(leader);
        const VoteResponse a =
            leader.handle(VoteRequest{INT32_MAX, 999, INT32_MAX, INT64_MAX}, 999, 5);
        QVERIFY(!a.granted);
        QVERIFY(a.refused != Refusal::None);
        QCOMPARE(a.epoch, 1);
        expect_unchanged(leader, before);

        // A valid epoch from a non-voter: refused as such (INCONSISTENT_VOTER_SET on the wire).
        const VoteResponse b = leader.handle(VoteRequest{7, 999, 7, 100}, 999, 6);
        QCOMPARE(b.refused, Refusal::NotVoter);
        QVERIFY2(b.reason.find("999") != std::string::npos, b.reason.c_str());
        expect_unchanged(leader, before);

        // A voter that has not heard of any leader yet (unattached, epoch 0) refuses it too.
        RaftNode fresh(three_voters(2), QuorumState{}, {}, 0);
        fresh.ready();
        const Snapshot fresh_before = snap(fresh);
        QVERIFY(fresh.handle(VoteRequest{INT32_MAX, 999, 0, 0}, 999, 1).refused != Refusal::None);
        QCOMPARE(fresh.handle(VoteRequest{3, 999, 0, 0}, 999, 1).refused, Refusal::NotVoter);
        QCOMPARE(fresh.handle(VoteRequest{3, -5, 0, 0}, -5, 1).refused, Refusal::InvalidId);
        expect_unchanged(fresh, fresh_before);
    }

    void begin_and_end_quorum_epoch_from_a_non_voter_do_not_depose_the_leader() {
        RaftNode leader = leader_of_epoch_1();
        const Snapshot before = snap(leader);
        QCOMPARE(leader.handle(BeginQuorumEpochRequest{2, 999}, 999, 5).refused, Refusal::NotVoter);
        QCOMPARE(leader.handle(EndQuorumEpochRequest{2, 999, {1}}, 999, 5).refused,
                 Refusal::NotVoter);
        QVERIFY(leader.handle(BeginQuorumEpochRequest{INT32_MAX, 999}, 999, 5).refused !=
                Refusal::None);
        expect_unchanged(leader, before);
        // Time passes with a follower fetching: still the leader of epoch 1.
        leader.handle(FetchRequest{2, 1, 1, 1}, 2, 500);
        leader.tick(1000);
        QCOMPARE(leader.role(), Role::Leader);
        QCOMPARE(leader.epoch(), 1);
    }

    // A real voter's id with an epoch at or past the bound: refused, never wrapped.
    void a_voter_message_at_int32_max_cannot_overflow() {
        RaftNode leader = leader_of_epoch_1();
        const Snapshot before = snap(leader);
        QCOMPARE(leader.handle(VoteRequest{INT32_MAX, 2, INT32_MAX, 5}, 2, 5).refused,
                 Refusal::InvalidEpoch);
        QCOMPARE(leader.handle(BeginQuorumEpochRequest{INT32_MAX, 3}, 3, 5).refused,
                 Refusal::InvalidEpoch);
        QCOMPARE(leader.handle(EndQuorumEpochRequest{INT32_MAX, 3, {}}, 3, 5).refused,
                 Refusal::InvalidEpoch);
        QCOMPARE(leader.handle(VoteRequest{-1, 2, 0, 0}, 2, 5).refused, Refusal::InvalidEpoch);
        // More than kMaxEpochJump ahead: refused; within it: Raft as usual (it deposes).
        QCOMPARE(leader.handle(VoteRequest{1 + kMaxEpochJump + 1, 2, 9, 9}, 2, 5).refused,
                 Refusal::InvalidEpoch);
        expect_unchanged(leader, before);
        const VoteResponse ok = leader.handle(VoteRequest{1 + kMaxEpochJump, 2, 9, 9}, 2, 6);
        QCOMPARE(ok.refused, Refusal::None);
        QVERIFY(ok.granted);
        QCOMPARE(leader.epoch(), 1 + kMaxEpochJump);
    }

    // A node that reached kMaxEpoch (persisted, or by a voter's message) never campaigns into
    // a negative epoch: it stays at kMaxEpoch and says why.
    void a_node_at_the_largest_epoch_never_campaigns_past_it() {
        RaftNode n(three_voters(1), QuorumState{kMaxEpoch - 1, kNoNode, kNoNode}, {}, 0);
        n.ready();
        const VoteResponse granted = n.handle(VoteRequest{kMaxEpoch, 2, 0, 0}, 2, 1);
        QCOMPARE(granted.refused, Refusal::None);
        QCOMPARE(n.epoch(), kMaxEpoch);
        Ready r = n.ready();
        QVERIFY(r.quorum_state);
        QCOMPARE(r.quorum_state->epoch, kMaxEpoch);
        bool said_why = false;
        for (std::int64_t t = 10; t < 10000; t += 10) {
            n.tick(t);
            r = n.ready();
            QVERIFY(!r.quorum_state || r.quorum_state->epoch == kMaxEpoch);
            for (const Change& c : r.changes) {
                if (c.reason.find("largest epoch") != std::string::npos) said_why = true;
            }
            QVERIFY(n.epoch() == kMaxEpoch);
        }
        QVERIFY(said_why);
        QVERIFY(n.role() != Role::Candidate);
        n.campaign(10000);
        QCOMPARE(n.epoch(), kMaxEpoch);

        // A persisted INT32_MAX (the runtime refuses it; the core clamps, never wraps).
        RaftNode m(three_voters(1), QuorumState{INT32_MAX, kNoNode, kNoNode}, {}, 0);
        m.campaign(1);
        m.tick(5000);
        QCOMPARE(m.epoch(), kMaxEpoch);
    }

    // Answers to our own requests with an epoch out of range are worth nothing.
    void an_answer_with_an_epoch_out_of_range_is_ignored() {
        RaftNode n(three_voters(1), QuorumState{}, {}, 0);
        n.ready();
        n.campaign(0);
        const Ready r = n.ready();
        QVERIFY(!r.requests.empty());
        for (const auto& req : r.requests)
            n.handle_response(req.id, VoteResponse{INT32_MAX, 999, false, "", {}}, 1);
        QCOMPARE(n.epoch(), 1);
        QCOMPARE(n.role(), Role::Candidate);
    }

    // On the wire: a refusal is the partition's error code, as Kafka answers, and a node that
    // gets one treats its request as failed.
    void a_refusal_travels_as_kafkas_error_code() {
        RaftNode leader = leader_of_epoch_1();
        const Response answer = leader.handle(VoteRequest{5, 999, 0, 0}, 999, 5);
        const protocol::Bytes body =
            wire::encode_response(answer, protocol::ApiKey::Vote, wire::kVoteVersion);
        std::string why;
        const auto decoded =
            wire::decode_response(Request(VoteRequest{}), body, wire::kVoteVersion, &why);
        QVERIFY2(!decoded,
                 decoded ? std::to_string(std::get<VoteResponse>(*decoded).epoch).c_str() : "");
        QVERIFY2(why.find("INCONSISTENT_VOTER_SET") != std::string::npos, why.c_str());
        const Response begin = leader.handle(BeginQuorumEpochRequest{INT32_MAX, 3}, 3, 5);
        const protocol::Bytes begin_body = wire::encode_response(
            begin, protocol::ApiKey::BeginQuorumEpoch, wire::kBeginQuorumEpochVersion);
        QVERIFY(!wire::decode_response(Request(BeginQuorumEpochRequest{}), begin_body,
                                       wire::kBeginQuorumEpochVersion, &why));
        QVERIFY2(why.find("INVALID_REQUEST") != std::string::npos, why.c_str());
    }
};

QTEST_APPLESS_MAIN(RaftHostileTest)
#include "test_raft_hostile.moc"
