// One consumer group under Kafka's classic protocol (engine/group/classic_group.h), one rule per
// test: new members learn their id first (MEMBER_ID_REQUIRED), a rebalance waits for every member
// and makes the next generation, the leader gets the members' subscriptions and its assignment
// reaches everyone, requests of another generation or from unknown members are refused with
// Kafka's errors, a silent member is removed after its session timeout, a member that never
// rejoins or never syncs is removed after the rebalance timeout, a static member rejoins
// without a rebalance and fences its old id, LeaveGroup rebalances, the protocol every member
// supports wins, and bad input (huge metadata, too many members) is refused.
#include <QtTest>

#include "group/classic_group.h"
#include "group/coordinator_key.h"

using namespace kraftlab::group;

namespace {

Protocol proto(const std::string& name, std::uint8_t tag = 0) {
    return {name, Bytes{tag, 1, 2, 3}};
}

JoinRequest join_request(const std::string& member_id = {},
                         std::vector<Protocol> protocols = {proto("range")}) {
    JoinRequest r;
    r.member_id = member_id;
    r.client_id = "consumer";
    r.client_host = "/127.0.0.1";
    r.session_timeout_ms = 3'000;
    r.rebalance_timeout_ms = 5'000;
    r.protocol_type = "consumer";
    r.protocols = std::move(protocols);
    return r;
}

const JoinResult* answer_for(const Output& out, const std::string& member) {
    for (const auto& [id, r] : out.joins) {
        if (id == member) return &r;
    }
    return nullptr;
}

const SyncResult* sync_for(const Output& out, const std::string& member) {
    for (const auto& [id, r] : out.syncs) {
        if (id == member) return &r;
    }
    return nullptr;
}

// A new dynamic member: MEMBER_ID_REQUIRED with its id, then the join with it.
std::string join_new(ClassicGroup& g, std::int64_t now, Output& out,
                     std::vector<Protocol> protocols = {proto("range")}) {
    auto first = g.join(join_request({}, protocols), now, out);
    if (!first.now || first.now->error != ErrorCode::MEMBER_ID_REQUIRED) return {};
    auto second = g.join(join_request(first.member_id, protocols), now, out);
    return second.now ? std::string() : first.member_id;
}

// A group of two members in generation 1, stable, with "a" and "b" assigned.
struct TwoMembers {
    ClassicGroup g{"orders-readers", GroupConfig{}};
    std::string m1, m2;
    TwoMembers() {
        Output out;
        m1 = join_new(g, 0, out);
        m2 = join_new(g, 0, out);  // a rebalance: m1 must rejoin
        g.join(join_request(m1), 0, out);
        Output sync_out;
        // Both joined: generation 2.
        const std::string leader = g.leader();
        const std::string other = leader == m1 ? m2 : m1;
        g.sync({other, std::nullopt, g.generation(), {}}, 10, sync_out);
        g.sync({leader, std::nullopt, g.generation(), {{m1, Bytes{'a'}}, {m2, Bytes{'b'}}}}, 10,
               sync_out);
    }
};

}  // namespace

class ClassicGroupTest : public QObject {
    Q_OBJECT

  private slots:
    void a_new_member_is_told_its_id_and_joins_with_it() {
        ClassicGroup g("g", GroupConfig{});
        Output out;
        auto first = g.join(join_request(), 0, out);
        QVERIFY(first.now);
        QCOMPARE(first.now->error, ErrorCode::MEMBER_ID_REQUIRED);
        QVERIFY(!first.now->member_id.empty());
        QCOMPARE(g.members().size(), std::size_t{0});  // not a member until it joins with it
        auto second = g.join(join_request(first.member_id), 0, out);
        QVERIFY(!second.now);  // answered when the rebalance completes: at once, it is alone
        const auto* r = answer_for(out, first.member_id);
        QVERIFY(r);
        QCOMPARE(r->error, ErrorCode::NONE);
        QCOMPARE(r->generation, 1);
        QCOMPARE(r->leader, first.member_id);
        QCOMPARE(r->protocol_name, std::string("range"));
        QCOMPARE(r->members.size(), std::size_t{1});  // the leader sees whom to assign
        QCOMPARE(g.state(), GroupState::CompletingRebalance);
    }

    void the_leaders_assignment_reaches_every_member_and_the_group_is_stable() {
        ClassicGroup g("g", GroupConfig{});
        Output out;
        const auto m1 = join_new(g, 0, out);
        QCOMPARE(g.generation(), 1);
        // A second member: everyone must rejoin; m1's join is pending until it does.
        const auto m2 = join_new(g, 5, out);
        QCOMPARE(g.state(), GroupState::PreparingRebalance);
        Output rejoin;
        QVERIFY(!g.join(join_request(m1), 6, rejoin).now);
        QCOMPARE(g.generation(), 2);
        QCOMPARE(g.state(), GroupState::CompletingRebalance);
        const auto* leader_answer = answer_for(rejoin, m1);
        const auto* follower_answer = answer_for(rejoin, m2);
        QVERIFY(leader_answer && follower_answer);
        QCOMPARE(leader_answer->leader, m1);  // the leader stays the leader
        QCOMPARE(leader_answer->members.size(), std::size_t{2});
        QVERIFY(follower_answer->members.empty());
        // The follower syncs first and waits; the leader's assignment answers both.
        Output sync_out;
        QVERIFY(!g.sync({m2, std::nullopt, 2, {}}, 7, sync_out));
        auto mine =
            g.sync({m1, std::nullopt, 2, {{m1, Bytes{'x'}}, {m2, Bytes{'y'}}}}, 8, sync_out);
        QVERIFY(mine);
        QCOMPARE(mine->assignment, Bytes{'x'});
        const auto* theirs = sync_for(sync_out, m2);
        QVERIFY(theirs);
        QCOMPARE(theirs->error, ErrorCode::NONE);
        QCOMPARE(theirs->assignment, Bytes{'y'});
        QCOMPARE(g.state(), GroupState::Stable);
        QVERIFY(sync_out.persist);
    }

    void another_generation_is_refused_everywhere() {
        TwoMembers t;
        QCOMPARE(t.g.state(), GroupState::Stable);
        Output out;
        QCOMPARE(t.g.heartbeat(t.m1, std::nullopt, 0, 20), ErrorCode::ILLEGAL_GENERATION);
        QCOMPARE(t.g.sync({t.m1, std::nullopt, 7, {}}, 20, out)->error,
                 ErrorCode::ILLEGAL_GENERATION);
        QCOMPARE(t.g.check_commit(t.m1, std::nullopt, 0), ErrorCode::ILLEGAL_GENERATION);
        QCOMPARE(t.g.check_commit(t.m1, std::nullopt, t.g.generation()), ErrorCode::NONE);
        QCOMPARE(t.g.heartbeat(t.m1, std::nullopt, t.g.generation(), 20), ErrorCode::NONE);
    }

    void unknown_members_are_refused() {
        TwoMembers t;
        Output out;
        QCOMPARE(t.g.heartbeat("nobody", std::nullopt, t.g.generation(), 20),
                 ErrorCode::UNKNOWN_MEMBER_ID);
        QCOMPARE(t.g.join(join_request("nobody"), 20, out).now->error,
                 ErrorCode::UNKNOWN_MEMBER_ID);
        QCOMPARE(t.g.sync({"nobody", std::nullopt, t.g.generation(), {}}, 20, out)->error,
                 ErrorCode::UNKNOWN_MEMBER_ID);
        QCOMPARE(t.g.leave("nobody", std::nullopt, 20, out), ErrorCode::UNKNOWN_MEMBER_ID);
        QCOMPARE(t.g.state(), GroupState::Stable);
        // Commits from outside the protocol only while the group has no members.
        QCOMPARE(t.g.check_commit("", std::nullopt, -1), ErrorCode::UNKNOWN_MEMBER_ID);
        ClassicGroup empty("e", GroupConfig{});
        QCOMPARE(empty.check_commit("", std::nullopt, -1), ErrorCode::NONE);
    }

    void a_silent_member_is_removed_after_its_session_and_the_rest_rebalance() {
        TwoMembers t;
        const int gen = t.g.generation();
        // m1 keeps heartbeating; m2 is silent.
        for (std::int64_t now = 1'000; now <= 3'000; now += 1'000)
            QCOMPARE(t.g.heartbeat(t.m1, std::nullopt, gen, now), ErrorCode::NONE);
        Output out;
        t.g.tick(3'010, out);  // m2 last seen at 10: exactly its session, still in
        QCOMPARE(t.g.members().size(), std::size_t{2});
        t.g.tick(3'011, out);  // silent for longer than 3,000 ms: out
        QCOMPARE(t.g.members().size(), std::size_t{1});
        QVERIFY(!t.g.member(t.m2));
        QCOMPARE(t.g.state(), GroupState::PreparingRebalance);
        QCOMPARE(t.g.heartbeat(t.m1, std::nullopt, gen, 3'020), ErrorCode::REBALANCE_IN_PROGRESS);
        // Before rejoining, m1 commits what it consumed: still its generation's to commit
        // (Kafka's doCommitOffsets allows it while the group prepares the rebalance).
        QCOMPARE(t.g.check_commit(t.m1, std::nullopt, gen), ErrorCode::NONE);
        // m1 rejoins: a generation of one.
        Output rejoin;
        t.g.join(join_request(t.m1), 3'030, rejoin);
        QCOMPARE(t.g.generation(), gen + 1);
        // Between the join and the assignment, no commit: the old generation is over and the
        // new one owns nothing yet.
        QCOMPARE(t.g.state(), GroupState::CompletingRebalance);
        QCOMPARE(t.g.check_commit(t.m1, std::nullopt, gen), ErrorCode::ILLEGAL_GENERATION);
        QCOMPARE(t.g.check_commit(t.m1, std::nullopt, gen + 1), ErrorCode::REBALANCE_IN_PROGRESS);
        QVERIFY(answer_for(rejoin, t.m1));
        bool said = false;
        for (const auto& e : out.events)
            said = said || e.find("session.timeout.ms") != std::string::npos;
        QVERIFY(said);
    }

    void a_member_that_does_not_rejoin_in_time_is_left_out_of_the_next_generation() {
        TwoMembers t;
        Output out;
        QCOMPARE(t.g.leave(t.m1, std::nullopt, 100, out), ErrorCode::NONE);  // rebalance
        const auto m3 = join_new(t.g, 110, out);
        QCOMPARE(t.g.state(), GroupState::PreparingRebalance);
        // m2 keeps heartbeating (told REBALANCE_IN_PROGRESS) but never rejoins.
        QCOMPARE(t.g.heartbeat(t.m2, std::nullopt, t.g.generation(), 2'000),
                 ErrorCode::REBALANCE_IN_PROGRESS);
        Output later;
        t.g.tick(100 + 5'000, later);  // the rebalance timeout (5 s) since it began
        QCOMPARE(t.g.state(), GroupState::CompletingRebalance);
        QCOMPARE(t.g.members().size(), std::size_t{1});
        QCOMPARE(t.g.leader(), m3);
        QVERIFY(answer_for(later, m3));
    }

    void a_member_that_never_syncs_is_removed_and_the_group_rebalances() {
        ClassicGroup g("g", GroupConfig{});
        Output out;
        const auto m1 = join_new(g, 0, out);
        const auto m2 = join_new(g, 0, out);
        g.join(join_request(m1), 0, out);
        QCOMPARE(g.state(), GroupState::CompletingRebalance);
        const auto follower = g.leader() == m1 ? m2 : m1;
        // The follower syncs and waits; the leader never sends its assignment.
        QVERIFY(!g.sync({follower, std::nullopt, g.generation(), {}}, 100, out));
        Output later;
        g.heartbeat(follower, std::nullopt, g.generation(), 4'000);
        g.tick(5'000, later);  // the rebalance timeout after the generation was made
        QCOMPARE(g.members().size(), std::size_t{1});
        QCOMPARE(g.members().front().member_id, follower);
        // The waiting follower is told to rejoin.
        const auto* s = sync_for(later, follower);
        QVERIFY(s);
        QCOMPARE(s->error, ErrorCode::REBALANCE_IN_PROGRESS);
    }

    void a_static_member_rejoins_without_a_rebalance_and_its_old_id_is_fenced() {
        ClassicGroup g("g", GroupConfig{});
        Output out;
        JoinRequest r = join_request();
        r.group_instance_id = "reader-1";
        auto a = g.join(r, 0, out);  // static members get their id and join at once
        QVERIFY(!a.now);
        const std::string old_id = a.member_id;
        QVERIFY(g.sync({old_id, std::string("reader-1"), 1, {{old_id, Bytes{'p'}}}}, 1, out));
        QCOMPARE(g.state(), GroupState::Stable);
        // It restarts: the same instance id, no member id, the same subscription.
        Output again;
        auto b = g.join(r, 100, again);
        QVERIFY(b.now);
        QCOMPARE(b.now->error, ErrorCode::NONE);
        QCOMPARE(b.now->generation, 1);  // no new generation
        QVERIFY(b.member_id != old_id);
        // It led, and leads under its new id; its answer names the leader as it was, so that
        // it does not run an assignment the stable group would not take.
        QCOMPARE(g.leader(), b.member_id);
        QCOMPARE(b.now->leader, old_id);
        QVERIFY(b.now->members.empty());
        QCOMPARE(g.state(), GroupState::Stable);
        auto mine = g.sync({b.member_id, std::string("reader-1"), 1, {}}, 101, again);
        QVERIFY(mine);
        QCOMPARE(mine->assignment, Bytes{'p'});  // its partitions, kept
        // The old process (a zombie) is fenced.
        QCOMPARE(g.heartbeat(old_id, std::string("reader-1"), 1, 102),
                 ErrorCode::FENCED_INSTANCE_ID);
    }

    void a_follower_that_never_syncs_after_the_leader_did_is_removed() {
        TwoMembers t;  // both synced in generation 2
        Output out;
        const auto m3 = join_new(t.g, 100, out);
        t.g.join(join_request(t.m1), 100, out);
        t.g.join(join_request(t.m2), 100, out);
        QCOMPARE(t.g.state(), GroupState::CompletingRebalance);
        const int gen = t.g.generation();
        // The leader assigns (Stable); m3 never sends SyncGroup, though it heartbeats.
        const std::string leader = t.g.leader();
        QVERIFY(t.g.sync({leader, std::nullopt, gen, {}}, 200, out));
        const std::string other = leader == t.m1 ? t.m2 : t.m1;
        QVERIFY(t.g.sync({other, std::nullopt, gen, {}}, 200, out));
        QCOMPARE(t.g.state(), GroupState::Stable);
        for (std::int64_t now : {2'000, 4'000}) {
            for (const auto& id : {t.m1, t.m2, m3})
                QCOMPARE(t.g.heartbeat(id, std::nullopt, gen, now), ErrorCode::NONE);
        }
        Output later;
        t.g.tick(100 + 5'000 - 1, later);
        QVERIFY(t.g.member(m3));
        t.g.tick(100 + 5'000, later);  // the rebalance timeout since the generation was made
        QVERIFY(!t.g.member(m3));
        QCOMPARE(t.g.members().size(), std::size_t{2});
        QCOMPARE(t.g.state(), GroupState::PreparingRebalance);
    }

    void a_static_member_keeps_its_place_through_a_rebalance_it_misses() {
        ClassicGroup g("g", GroupConfig{});
        Output out;
        JoinRequest s = join_request();
        s.group_instance_id = "reader-1";
        const auto static_id = g.join(s, 0, out).member_id;
        const auto dynamic_id = join_new(g, 0, out);  // a rebalance; the static one is silent
        Output later;
        g.heartbeat(static_id, std::string("reader-1"), g.generation(), 2'000);
        g.tick(5'000, later);  // the rebalance timeout
        QCOMPARE(g.state(), GroupState::CompletingRebalance);
        QVERIFY(g.member(static_id));      // still in: its session decides, not the rebalance
        QCOMPARE(g.leader(), dynamic_id);  // the leader is one that rejoined
        QVERIFY(answer_for(later, dynamic_id));
        QVERIFY(!answer_for(later, static_id));
    }

    void leave_group_rebalances_the_rest() {
        TwoMembers t;
        Output out;
        QCOMPARE(t.g.leave(t.m2, std::nullopt, 50, out), ErrorCode::NONE);
        QCOMPARE(t.g.state(), GroupState::PreparingRebalance);
        Output rejoin;
        t.g.join(join_request(t.m1), 60, rejoin);
        QCOMPARE(t.g.state(), GroupState::CompletingRebalance);
        QCOMPARE(answer_for(rejoin, t.m1)->members.size(), std::size_t{1});
        // The last one leaves: Empty, in a new generation.
        Output last;
        t.g.leave(t.m1, std::nullopt, 70, last);
        QCOMPARE(t.g.state(), GroupState::Empty);
        QVERIFY(t.g.members().empty());
    }

    void the_protocol_every_member_supports_and_most_prefer_wins() {
        ClassicGroup g("g", GroupConfig{});
        Output out;
        const auto m1 = join_new(g, 0, out, {proto("cooperative-sticky"), proto("range")});
        const auto m2 = join_new(g, 0, out, {proto("range"), proto("roundrobin")});
        g.join(join_request(m1, {proto("cooperative-sticky"), proto("range")}), 0, out);
        QCOMPARE(g.protocol_name(), std::string("range"));  // the only one both offer
        // A member offering nothing in common is refused.
        auto bad = g.join(join_request({}, {proto("RoundRobinAssigner")}), 1, out);
        QVERIFY(bad.now);
        QCOMPARE(bad.now->error, ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
        Q_UNUSED(m2);
    }

    void bad_input_is_refused_and_bounded() {
        GroupConfig config;
        config.max_size = 2;
        ClassicGroup g("g", config);
        Output out;
        Protocol huge{"range", Bytes(config.max_protocol_metadata_bytes + 1, 7)};
        QCOMPARE(g.join(join_request({}, {huge}), 0, out).now->error,
                 ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
        JoinRequest no_protocols = join_request();
        no_protocols.protocols.clear();
        QCOMPARE(g.join(no_protocols, 0, out).now->error, ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
        JoinRequest short_session = join_request();
        short_session.session_timeout_ms = 10;
        QCOMPARE(g.join(short_session, 0, out).now->error, ErrorCode::INVALID_SESSION_TIMEOUT);
        QVERIFY(!join_new(g, 0, out).empty());
        QVERIFY(!join_new(g, 0, out).empty());
        QCOMPARE(g.join(join_request(), 0, out).now->error, ErrorCode::GROUP_MAX_SIZE_REACHED);
        // Ids told MEMBER_ID_REQUIRED and never used do not pile up.
        ClassicGroup h("h", GroupConfig{});
        for (int i = 0; i < 100; ++i)
            h.join(join_request(), 0, out);
        h.tick(3'001, out);
        QCOMPARE(h.next_deadline_ms(), std::int64_t{-1});
    }

    void a_dead_group_answers_what_waits_and_refuses_the_rest() {
        ClassicGroup g("g", GroupConfig{});
        Output out;
        const auto m1 = join_new(g, 0, out);
        join_new(g, 0, out);  // m1's rejoin is now awaited
        g.join(join_request(m1), 0, out);
        Output killed;
        g.kill(ErrorCode::NOT_COORDINATOR, killed);
        QCOMPARE(g.state(), GroupState::Dead);
        QCOMPARE(g.heartbeat(m1, std::nullopt, g.generation(), 1),
                 ErrorCode::COORDINATOR_NOT_AVAILABLE);
    }

    void a_loaded_group_is_stable_and_its_members_carry_on_without_a_rebalance() {
        // What a new coordinator reads from __consumer_offsets after the old one died.
        ClassicGroup g("g", GroupConfig{.member_id_tag = "7"});
        std::vector<LoadedMember> members = {
            {"c-1", std::nullopt, "c", "/127.0.0.1", 5'000, 3'000, Bytes{1}, Bytes{'a'}},
            {"c-2", std::string("static-2"), "c", "/127.0.0.1", 5'000, 3'000, Bytes{2}, Bytes{'b'}},
        };
        g.load("consumer", 4, "range", "c-2", members, 1'000);
        QCOMPARE(g.state(), GroupState::Stable);
        QCOMPARE(g.generation(), 4);
        QCOMPARE(g.leader(), std::string("c-2"));
        QCOMPARE(g.member("c-1")->assignment, Bytes{'a'});
        // Members heartbeat in their generation; their sessions started at the load.
        QCOMPARE(g.heartbeat("c-1", std::nullopt, 4, 3'500), ErrorCode::NONE);
        QCOMPARE(g.heartbeat("c-2", std::string("static-2"), 3, 3'500),
                 ErrorCode::ILLEGAL_GENERATION);
        QCOMPARE(g.check_commit("c-1", std::nullopt, 4), ErrorCode::NONE);
        // c-2 is never heard from again: its session (3 s from the load) ends, a rebalance.
        Output out;
        g.tick(4'001, out);
        QVERIFY(!g.member("c-2"));
        QCOMPARE(g.state(), GroupState::PreparingRebalance);
        // A new member's id carries the coordinator's tag, so it cannot collide with an id the
        // old coordinator gave out.
        Output join_out;
        auto first = g.join(join_request(), 4'002, join_out);
        QVERIFY(first.member_id.find("-7-") != std::string::npos);
        // No members in the record: Empty, offsets only.
        ClassicGroup empty("e", GroupConfig{});
        empty.load("consumer", 9, "", "", {}, 0);
        QCOMPARE(empty.state(), GroupState::Empty);
        QCOMPARE(empty.generation(), 9);
        QCOMPARE(empty.check_commit("", std::nullopt, -1), ErrorCode::NONE);
    }

    void a_group_lands_on_the_partition_kafka_would_choose() {
        // Java's String.hashCode: known values.
        QCOMPARE(java_string_hash(""), 0);
        QCOMPARE(java_string_hash("a"), 97);
        QCOMPARE(java_string_hash("hello"), 99162322);
        QCOMPARE(java_string_hash("Aa"), java_string_hash("BB"));  // the classic collision
        QCOMPARE(java_string_hash("\xe2\x82\xac"), 8364);          // U+20AC, one UTF-16 unit
        // U+1F600 is a surrogate pair in Java: 0xD83D * 31 + 0xDE00.
        QCOMPARE(java_string_hash("\xf0\x9f\x98\x80"), 0xD83D * 31 + 0xDE00);
        // Overflow wraps as Java's int does: "polygenelubricants".hashCode() == MIN_VALUE,
        // which Kafka's Utils.abs maps to partition 0.
        QCOMPARE(java_string_hash("polygenelubricants"), INT32_MIN);
        QCOMPARE(offsets_partition_for("polygenelubricants", 50), 0);
        // A negative hash (computed with Java's rules by hand): its absolute value decides.
        QCOMPARE(java_string_hash("orders-readers"), -879800024);
        QCOMPARE(offsets_partition_for("orders-readers", 50), 24);
        QCOMPARE(offsets_partition_for("orders-readers", 3), 2);
        for (int n : {1, 3, 50}) {
            const auto p = offsets_partition_for("any", n);
            QVERIFY(p >= 0 && p < n);
        }
    }
};

QTEST_APPLESS_MAIN(ClassicGroupTest)
#include "test_classic_group.moc"
