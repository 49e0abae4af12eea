// Raft's properties on the KRaft core (engine/raft/), one test each, in the paper's terms: election
// safety, log matching, leader completeness, state machine safety; then the situations that
// threaten them: a split vote, a stale leader, a partitioned leader, a restarted voter.
//
// Each test sets up a story on a single RaftNode (the pure core: requests in, Ready out) or on a
// sim::Cluster (tests/raft/sim.h) driven step by step, then checks the property itself rather than
// trusting the simulation's checker. The property tests also run short seeded random histories
// (crashes, partitions, lost, duplicated and reordered messages) and check the property after
// every step. The 500-seed simulation with its full checker is test_raft_sim.
#include <QtTest>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "raft/raft.h"
#include "sim.h"

using namespace kraftlab::raft;
using namespace kraftlab::raft::sim;

namespace {

constexpr std::int64_t kStepMs = 10;

Entry entry(std::int64_t offset, std::int32_t epoch, const std::string& value) {
    return Entry{offset, epoch, {bytes_of(value)}};
}

// The lab's default timeouts (raft.h, KAFKA-NOTES §4) on a network that loses nothing.
Options lab_options(std::vector<NodeId> voters, std::vector<NodeId> observers = {}) {
    Options o;
    o.voters = std::move(voters);
    o.observers = std::move(observers);
    o.config.election_timeout_ms = 1000;
    o.config.election_backoff_max_ms = 1000;
    o.config.fetch_timeout_ms = 2000;
    o.config.request_timeout_ms = 2000;
    o.config.retry_backoff_ms = 20;
    o.fetch_hold_max_ms = 500;
    return o;
}

// Delivers everything in flight, in send order, until nothing is (held fetches stay held).
void drain(Cluster& c) {
    for (int i = 0; i < 100000 && !c.in_flight().empty(); ++i)
        c.deliver(0);
}

// Time passes in small steps; messages flow after each.
void run_for(Cluster& c, std::int64_t ms) {
    for (std::int64_t t = 0; t < ms; t += kStepMs) {
        c.tick(kStepMs);
        drain(c);
    }
}

// Runs until `done` holds (true) or `max_ms` passes (false).
bool run_until(Cluster& c, std::int64_t max_ms, const std::function<bool()>& done) {
    for (std::int64_t t = 0; t < max_ms; t += kStepMs) {
        if (done()) return true;
        c.tick(kStepMs);
        drain(c);
    }
    return done();
}

// Delivers the first message in flight from `from` to `to`; false if there is none.
bool deliver_one(Cluster& c, NodeId from, NodeId to) {
    for (std::size_t i = 0; i < c.in_flight().size(); ++i) {
        if (c.in_flight()[i].from == from && c.in_flight()[i].to == to) {
            c.deliver(i);
            return true;
        }
    }
    return false;
}

const RaftNode& raft(const Cluster& c, NodeId id) {
    return *c.node(id).raft;
}

// Elects `id` (it campaigns, everything is delivered) and lets the followers catch up.
void elect(Cluster& c, NodeId id) {
    c.campaign(id);
    drain(c);
}

// Proposes `value` at `leader` and lets it commit; the offset just after it.
std::int64_t commit(Cluster& c, NodeId leader, const std::string& value) {
    auto offset = c.propose(leader, {bytes_of(value)});
    if (!offset) return -1;
    drain(c);
    return *offset + 1;
}

std::vector<Entry> disk_log(const Cluster& c, NodeId id) {
    return c.node(id).disk.log;
}

bool has_entry(const std::vector<Entry>& log, const Entry& e) {
    for (const Entry& x : log) {
        if (x == e) return true;
    }
    return false;
}

// ---------------------------------------------------------------- random histories

struct ChaosOptions {
    std::uint64_t seed = 1;
    std::int64_t chaos_ms = 8000;   // faults on
    std::int64_t settle_ms = 6000;  // then everything heals and runs quietly
};

// A seeded random history on 3 or 5 voters and an observer: lost, duplicated, delayed and
// reordered messages, crashes and restarts, partitions, forced elections and resignations,
// proposals to whoever believes it leads. `after_step` sees the cluster after every delivery and
// every tick. Independent of run_simulation, so the property checks below do not rest on its
// nemesis or its checker.
void chaos(const ChaosOptions& co, const std::function<void(const Cluster&)>& after_step) {
    std::vector<NodeId> voters{1, 2, 3};
    if (co.seed % 2) voters = {1, 2, 3, 4, 5};
    Options o = lab_options(voters, {9});
    o.seed = co.seed;
    o.config.request_timeout_ms = 800;
    o.config.fetch_max_entries = 1 + static_cast<std::int64_t>(co.seed % 3);
    o.fetch_hold_max_ms = 300;
    o.faults.drop = 0.05;
    o.faults.duplicate = 0.03;
    o.faults.delay_min_ms = 1;
    o.faults.delay_max_ms = 30;
    o.faults.long_delay = 0.01;
    o.faults.long_delay_max_ms = 2000;
    o.faults.notify_failure = 0.5;
    Cluster c(o);
    std::mt19937_64 rng(co.seed * 7919 + 3);
    std::uniform_real_distribution<double> chance(0.0, 1.0);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    int counter = 0;

    auto deliver_due = [&]() {
        for (int guard = 0; guard < 100000; ++guard) {
            std::vector<std::size_t> due;
            for (std::size_t i = 0; i < c.in_flight().size(); ++i) {
                if (c.in_flight()[i].deliver_at_ms <= c.now_ms()) due.push_back(i);
            }
            if (due.empty()) return;
            c.deliver(due[pick(due.size())]);
            after_step(c);
        }
    };
    const auto& ids = c.ids();
    while (c.now_ms() < co.chaos_ms) {
        deliver_due();
        if (chance(rng) < 0.1) {
            std::vector<NodeId> leaders;
            for (NodeId id : ids) {
                if (c.node(id).raft && c.node(id).raft->role() == Role::Leader)
                    leaders.push_back(id);
            }
            const NodeId to =
                leaders.empty() ? ids[pick(ids.size())] : leaders[pick(leaders.size())];
            c.propose(to, {bytes_of("r" + std::to_string(++counter))});
        }
        if (chance(rng) < 0.004) c.crash(ids[pick(ids.size())]);
        for (NodeId id : ids) {
            if (!c.node(id).raft && chance(rng) < 0.01) c.restart(id);
        }
        if (chance(rng) < 0.003) {
            std::vector<std::vector<NodeId>> groups(2);
            for (NodeId id : ids)
                groups[pick(2)].push_back(id);
            c.partition(groups);
        }
        if (chance(rng) < 0.005) c.heal();
        if (chance(rng) < 0.001) c.campaign(voters[pick(voters.size())]);
        if (chance(rng) < 0.001) c.resign(voters[pick(voters.size())]);
        c.tick(kStepMs);
        after_step(c);
    }
    c.options().faults = Faults{};
    c.heal();
    for (NodeId id : ids)
        c.restart(id);
    for (std::int64_t t = 0; t < co.settle_ms; t += kStepMs) {
        deliver_due();
        if (t == co.settle_ms / 2) {
            if (auto l = c.leader()) c.propose(*l, {bytes_of("last")});
        }
        c.tick(kStepMs);
        after_step(c);
    }
    deliver_due();
}

constexpr int kChaosSeeds = 24;

// The committed log as every node reveals it (the entries below its high watermark), with the
// epoch of the first node that revealed each entry: that node's epoch is at least the epoch in
// which the entry was committed.
struct CommittedLog {
    std::vector<Entry> entries;
    std::vector<std::int32_t> revealed_in;
    std::string problem;
    std::map<NodeId, std::pair<std::uint64_t, std::int64_t>> seen;  // incarnation, checked to

    std::int64_t end() const { return entries.empty() ? 0 : entries.back().next_offset(); }

    const Entry* at(std::int64_t base_offset) const {
        auto it =
            std::lower_bound(entries.begin(), entries.end(), base_offset,
                             [](const Entry& e, std::int64_t o) { return e.base_offset < o; });
        return it == entries.end() || it->base_offset != base_offset ? nullptr : &*it;
    }

    void observe(const Cluster& c) {
        for (NodeId id : c.ids()) {
            const Node& n = c.node(id);
            if (!n.raft) continue;
            const RaftNode& r = *n.raft;
            auto& [incarnation, checked_to] = seen[id];
            if (incarnation != n.incarnation) {
                incarnation = n.incarnation;
                checked_to = 0;
            }
            if (r.high_watermark() <= checked_to) continue;
            for (const Entry& e : r.entries(checked_to, r.high_watermark())) {
                if (e.base_offset < end()) {
                    const Entry* known = at(e.base_offset);
                    if ((!known || *known != e) && problem.empty()) {
                        problem = "node " + std::to_string(id) + " committed " + entry_text(e) +
                                  " where another entry was committed";
                    }
                } else if (e.base_offset == end()) {
                    entries.push_back(e);
                    revealed_in.push_back(r.epoch());
                }
            }
            checked_to = r.high_watermark();
        }
    }
};

}  // namespace

class RaftPropertyTest : public QObject {
    Q_OBJECT

  private slots:
    // ------------------------------------------------------------ the vote (one RaftNode)

    // A voter grants at most one vote per epoch, only to a candidate whose log is at least as
    // up to date as its own (last epoch first, then end offset), and persists the vote before
    // its answer may leave.
    void a_voter_grants_one_vote_per_epoch_to_an_up_to_date_log() {
        Config cfg;
        cfg.id = 1;
        cfg.voters = {1, 2, 3};
        // Log: epochs 1 and 3, ending at offset 2; in epoch 5, no vote yet.
        RaftNode node(cfg, QuorumState{5, kNoNode, kNoNode}, {entry(0, 1, "a"), entry(1, 3, "b")},
                      0);
        node.ready();

        auto vote = [&](NodeId candidate, std::int32_t epoch, std::int32_t last_epoch,
                        std::int64_t end) {
            return node.handle(VoteRequest{epoch, candidate, last_epoch, end}, candidate, 0);
        };
        QVERIFY2(!vote(2, 5, 3, 1).granted, "same last epoch, shorter log");
        QVERIFY2(!vote(2, 5, 2, 10).granted, "longer log, but an older last epoch");
        VoteResponse stale = vote(2, 4, 3, 2);
        QVERIFY2(!stale.granted, "an epoch behind ours");
        QCOMPARE(stale.epoch, 5);
        QCOMPARE(node.voted_for(), kNoNode);
        QVERIFY(!node.ready().quorum_state);  // refusals change nothing to persist

        QVERIFY2(vote(2, 5, 3, 2).granted, "an equal log is up to date");
        const Ready r = node.ready();
        QVERIFY(r.quorum_state);
        QCOMPARE(*r.quorum_state, (QuorumState{5, 2, kNoNode}));

        QVERIFY2(!vote(3, 5, 4, 9).granted, "a second candidate in the same epoch");
        QVERIFY2(vote(2, 5, 3, 2).granted, "the same candidate asking again");
        QVERIFY2(vote(3, 6, 3, 5).granted, "a new epoch, a new vote");
        QCOMPARE(node.epoch(), 6);
        QCOMPARE(node.voted_for(), 3);
    }

    // A live settings change (the lab's timeouts) reaches the values derived from them: an
    // unanswered Vote is retried after the new request timeout, not the one the node was made
    // with (issue 13: set_timeouts used to change only the election and fetch timeouts).
    void set_timeouts_changes_the_request_timeout_and_backoff_too() {
        Config cfg;
        cfg.id = 1;
        cfg.voters = {1, 2, 3};
        cfg.election_timeout_ms = 1000;
        cfg.fetch_timeout_ms = 2000;
        cfg.request_timeout_ms = 2000;
        cfg.election_backoff_max_ms = 1000;
        RaftNode node(cfg, QuorumState{1, kNoNode, kNoNode}, {}, 0);
        node.ready();
        node.set_timeouts(300, 400, 300, 400);
        QCOMPARE(node.config().request_timeout_ms, std::int64_t{400});
        QCOMPARE(node.config().election_backoff_max_ms, std::int64_t{300});
        node.campaign(0);
        auto votes_sent = [&] {
            int n = 0;
            for (const auto& r : node.ready().requests)
                n += std::holds_alternative<VoteRequest>(r.request) ? 1 : 0;
            return n;
        };
        QCOMPARE(votes_sent(), 2);  // to voters 2 and 3, never answered
        int resent_by_450 = 0;
        for (std::int64_t now = 10; now <= 450; now += 10) {
            node.tick(now);
            resent_by_450 += votes_sent();
        }
        // Timed out at 400 ms (not 2000), retried after the retry backoff, before the
        // election timeout could have restarted the election at a later epoch.
        QVERIFY2(resent_by_450 >= 2, std::to_string(resent_by_450).c_str());
        QCOMPARE(node.epoch(), 2);
    }

    // ------------------------------------------------------------ election safety

    // At most one leader per epoch: every epoch in which anyone led had exactly one leader, in
    // two candidates racing for the same epoch and in random histories.
    void election_safety_at_most_one_leader_per_epoch() {
        // Two candidates of one epoch, every voter asked by both: whatever the order of
        // delivery, the votes of one epoch elect at most one.
        for (int order = 0; order < 6; ++order) {
            Cluster c(lab_options({1, 2, 3}));
            c.campaign(1);
            c.campaign(3);  // both in epoch 1
            std::mt19937_64 rng(static_cast<std::uint64_t>(order));
            for (int i = 0; i < 1000 && !c.in_flight().empty(); ++i) {
                c.deliver(static_cast<std::size_t>(rng() % c.in_flight().size()));
            }
            int leaders = 0;
            for (NodeId id : c.ids()) {
                if (raft(c, id).role() == Role::Leader && raft(c, id).epoch() == 1) ++leaders;
            }
            QVERIFY2(leaders <= 1,
                     qPrintable(QString("order %1: %2 leaders").arg(order).arg(leaders)));
        }

        for (int seed = 1; seed <= kChaosSeeds; ++seed) {
            std::map<std::int32_t, std::set<NodeId>> leaders;
            chaos({static_cast<std::uint64_t>(seed)}, [&](const Cluster& c) {
                for (NodeId id : c.ids()) {
                    const Node& n = c.node(id);
                    if (n.raft && n.raft->role() == Role::Leader) {
                        leaders[n.raft->epoch()].insert(id);
                    }
                }
            });
            QVERIFY2(!leaders.empty(), qPrintable(QString("seed %1: no leader ever").arg(seed)));
            for (const auto& [epoch, who] : leaders) {
                QVERIFY2(who.size() == 1, qPrintable(QString("seed %1: %2 leaders in epoch %3")
                                                         .arg(seed)
                                                         .arg(who.size())
                                                         .arg(epoch)));
            }
        }
    }

    // ------------------------------------------------------------ log matching

    // If two logs hold an entry with the same offset and epoch, they are identical up to and
    // including it. A stale leader's divergent tail is the test: after it rejoins, its log
    // matches again, and at no step do two logs break the rule.
    void log_matching_same_offset_and_epoch_means_same_prefix() {
        auto check_pair = [](const std::vector<Entry>& a,
                             const std::vector<Entry>& b) -> std::string {
            for (std::size_t k = a.size(); k-- > 0;) {
                if (k >= b.size() || b[k].base_offset != a[k].base_offset) continue;
                if (b[k].epoch != a[k].epoch) continue;
                for (std::size_t m = 0; m <= k; ++m) {
                    if (a[m] != b[m]) {
                        return "agree on " + entry_text(a[k]) + " but not on " + entry_text(a[m]) +
                               " / " + entry_text(b[m]);
                    }
                }
                return "";
            }
            return "";
        };
        auto check_all = [&](const Cluster& c) -> std::string {
            for (NodeId x : c.ids()) {
                for (NodeId y : c.ids()) {
                    if (x >= y) continue;
                    const std::string p = check_pair(c.node(x).disk.log, c.node(y).disk.log);
                    if (!p.empty()) {
                        return "nodes " + std::to_string(x) + " and " + std::to_string(y) + " " + p;
                    }
                }
            }
            return "";
        };

        // A leader cut off with an uncommitted tail; a new leader writes other entries at the
        // same offsets in a later epoch; the old leader rejoins and its tail is replaced.
        Cluster c(lab_options({1, 2, 3}));
        elect(c, 1);
        commit(c, 1, "a");
        c.partition({{1}, {2, 3}});
        QVERIFY(c.propose(1, {bytes_of("x")}));
        QVERIFY(c.propose(1, {bytes_of("y")}));
        elect(c, 2);
        QCOMPARE(raft(c, 2).role(), Role::Leader);
        QVERIFY(commit(c, 2, "b") > 0);
        QCOMPARE(check_all(c), std::string());
        QVERIFY(disk_log(c, 1) != disk_log(c, 2));  // diverged, legitimately
        c.heal();
        QVERIFY(run_until(c, 10000, [&] { return disk_log(c, 1) == disk_log(c, 2); }));
        QCOMPARE(check_all(c), std::string());
        QCOMPARE(raft(c, 1).role(), Role::Follower);

        for (int seed = 1; seed <= kChaosSeeds; ++seed) {
            std::string problem;
            chaos({static_cast<std::uint64_t>(seed)}, [&](const Cluster& cl) {
                if (problem.empty()) problem = check_all(cl);
            });
            QVERIFY2(
                problem.empty(),
                qPrintable(QString("seed %1: %2").arg(seed).arg(QString::fromStdString(problem))));
        }
    }

    // ------------------------------------------------------------ leader completeness

    // A leader holds every entry committed in earlier epochs. A voter that missed committed
    // entries cannot win (its log is behind a majority's); and on one node, the figure 8 rule:
    // a new leader does not count replicas of older epochs' entries as committed until an entry
    // of its own epoch is on a majority.
    void leader_completeness_committed_entries_are_in_every_later_leader() {
        Cluster c(lab_options({1, 2, 3}));
        elect(c, 1);
        // Node 3 misses `a`, which commits on nodes 1 and 2.
        c.partition({{1, 2}, {3}});
        const std::int64_t end = commit(c, 1, "a");
        QCOMPARE(raft(c, 1).high_watermark(), end);
        const Entry a = raft(c, 1).entries(end - 1, end).front();
        // The leader dies; node 3 campaigns first but node 2 refuses it (3's log is behind);
        // node 2, which has `a`, wins the next epoch.
        c.crash(1);
        c.heal();
        c.campaign(3);
        drain(c);
        QVERIFY(raft(c, 3).role() != Role::Leader);
        QVERIFY(run_until(c, 10000, [&] {
            auto l = c.leader();
            return l && raft(c, *l).epoch() > 1;
        }));
        QCOMPARE(*c.leader(), 2);
        QVERIFY(has_entry(disk_log(c, 2), a));

        // Random histories: every leader, from its first step as leader, holds every entry
        // committed in an earlier epoch.
        for (int seed = 1; seed <= kChaosSeeds; ++seed) {
            CommittedLog committed;
            std::string problem;
            // A leader's log only grows in its epoch: each committed entry is checked once per
            // epoch's leader.
            std::map<std::int32_t, std::size_t> verified;
            chaos({static_cast<std::uint64_t>(seed)}, [&](const Cluster& cl) {
                committed.observe(cl);
                if (!problem.empty()) return;
                for (NodeId id : cl.ids()) {
                    const Node& n = cl.node(id);
                    if (!n.raft || n.raft->role() != Role::Leader) continue;
                    std::size_t& from = verified[n.raft->epoch()];
                    for (std::size_t i = from; i < committed.entries.size(); ++i, from = i) {
                        if (committed.revealed_in[i] >= n.raft->epoch()) continue;
                        const Entry& e = committed.entries[i];
                        auto got = n.raft->entries(e.base_offset, e.next_offset());
                        if (got.size() != 1 || got.front() != e) {
                            problem = "leader " + std::to_string(id) + " of epoch " +
                                      std::to_string(n.raft->epoch()) + " lacks " + entry_text(e);
                            return;
                        }
                    }
                }
            });
            QVERIFY2(
                problem.empty(),
                qPrintable(QString("seed %1: %2").arg(seed).arg(QString::fromStdString(problem))));
            QVERIFY2(committed.problem.empty(), committed.problem.c_str());
        }
    }

    // Figure 8 on one node: the new leader of epoch 4 holds an entry of epoch 2 that no
    // follower has. A follower fetching it puts it on a majority, yet it is not committed until
    // the leader's own LeaderChange entry (epoch 4) is on a majority too.
    void a_leader_commits_only_through_an_entry_of_its_own_epoch() {
        Config cfg;
        cfg.id = 1;
        cfg.voters = {1, 2, 3};
        RaftNode node(cfg, QuorumState{3, kNoNode, kNoNode}, {entry(0, 1, "a"), entry(1, 2, "x")},
                      0);
        node.ready();
        node.campaign(0);
        Ready r = node.ready();
        QCOMPARE(node.epoch(), 4);
        QCOMPARE(r.requests.size(), std::size_t{2});
        node.handle_response(r.requests[0].id, VoteResponse{4, kNoNode, true, "granted"}, 0);
        QCOMPARE(node.role(), Role::Leader);
        r = node.ready();  // persists the LeaderChange entry at offset 2
        QCOMPARE(r.append.size(), std::size_t{1});
        QCOMPARE(r.append.front().base_offset, 2);
        QCOMPARE(r.append.front().epoch, 4);
        QVERIFY(is_leader_change(r.append.front()));

        const NodeId follower = 2;
        // The follower has only `a`: it fetches `x`, then asks from offset 2.
        FetchResponse f = node.handle(FetchRequest{follower, 4, 1, 1}, follower, 0);
        QCOMPARE(f.entries.front(), entry(1, 2, "x"));
        f = node.handle(FetchRequest{follower, 4, 2, 2}, follower, 0);
        // Offsets 0..1 are now on two of three voters, but nothing of epoch 4 is.
        QCOMPARE(node.high_watermark(), std::int64_t{-1});
        QVERIFY(node.ready().committed.empty());
        f = node.handle(FetchRequest{follower, 4, 3, 4}, follower, 0);
        QCOMPARE(node.high_watermark(), std::int64_t{3});
        QCOMPARE(f.high_watermark, std::int64_t{3});
        QCOMPARE(node.ready().committed.size(), std::size_t{3});
    }

    // ------------------------------------------------------------ state machine safety

    // Every node applies the same entries in the same order: what any node applied (in any of
    // its lives) is a prefix of one sequence, and committed entries never change.
    void state_machine_safety_every_node_applies_the_same_sequence() {
        for (int seed = 1; seed <= kChaosSeeds; ++seed) {
            std::vector<Entry> sequence;
            CommittedLog committed;
            std::string problem;
            std::int64_t applied_total = 0;
            std::map<NodeId, std::pair<std::uint64_t, std::size_t>> seen;  // incarnation, checked
            chaos({static_cast<std::uint64_t>(seed)}, [&](const Cluster& cl) {
                committed.observe(cl);
                if (!problem.empty()) return;
                for (NodeId id : cl.ids()) {
                    const Node& n = cl.node(id);
                    const auto& applied = n.applied;
                    auto& [incarnation, checked] = seen[id];
                    if (incarnation != n.incarnation) {
                        incarnation = n.incarnation;
                        checked = 0;
                    }
                    for (std::size_t i = checked; i < applied.size(); ++i, checked = i) {
                        if (i < sequence.size()) {
                            if (applied[i] != sequence[i]) {
                                problem = "node " + std::to_string(id) + " applied " +
                                          entry_text(applied[i]) + " as entry " +
                                          std::to_string(i) + ", others " + entry_text(sequence[i]);
                                return;
                            }
                        } else {
                            sequence.push_back(applied[i]);
                        }
                    }
                }
                applied_total = static_cast<std::int64_t>(sequence.size());
            });
            QVERIFY2(
                problem.empty(),
                qPrintable(QString("seed %1: %2").arg(seed).arg(QString::fromStdString(problem))));
            QVERIFY2(committed.problem.empty(), committed.problem.c_str());
            QVERIFY2(applied_total > 0, qPrintable(QString("seed %1: nothing applied").arg(seed)));
        }
    }

    // ------------------------------------------------------------ situations

    // Four voters, two candidates at once, each voter granting the first it hears: two votes
    // each, no majority. Both back off for a random time and try again in a new epoch; one wins
    // and the other follows it.
    void a_split_vote_is_retried_in_a_later_epoch() {
        Cluster c(lab_options({1, 2, 3, 4}));
        c.campaign(1);
        c.campaign(2);
        QVERIFY(deliver_one(c, 1, 3));
        QVERIFY(deliver_one(c, 2, 4));
        drain(c);
        QVERIFY(!c.leader());
        QCOMPARE(raft(c, 1).role(), Role::Candidate);
        QCOMPARE(raft(c, 2).role(), Role::Candidate);
        QCOMPARE(raft(c, 1).epoch(), 1);

        QVERIFY(run_until(c, 5000, [&] { return c.leader().has_value(); }));
        const NodeId winner = *c.leader();
        QVERIFY(winner == 1 || winner == 2);
        QVERIFY(raft(c, winner).epoch() >= 2);
        run_for(c, 100);
        for (NodeId id : c.ids()) {
            if (id == winner) continue;
            QCOMPARE(raft(c, id).role(), Role::Follower);
            QCOMPARE(raft(c, id).leader(), winner);
            QCOMPARE(raft(c, id).epoch(), raft(c, winner).epoch());
        }
    }

    // A leader cut off keeps believing it leads; a new leader is elected in a higher epoch.
    // When the old leader hears of that epoch it steps down, follows the new leader and drops
    // the entries it took alone; it accepts no more proposals.
    void a_stale_leader_steps_down_when_it_sees_a_higher_epoch() {
        Cluster c(lab_options({1, 2, 3}));
        elect(c, 1);
        commit(c, 1, "a");
        c.partition({{1}, {2, 3}});
        elect(c, 2);
        QCOMPARE(raft(c, 2).role(), Role::Leader);
        QCOMPARE(raft(c, 2).epoch(), 2);
        QCOMPARE(raft(c, 1).role(), Role::Leader);  // stale, and does not know it yet
        QVERIFY(c.propose(1, {bytes_of("stale")}));
        const std::int64_t stale_end = raft(c, 1).log_end_offset();
        const std::int64_t stale_hw = raft(c, 1).high_watermark();
        run_for(c, 500);
        QCOMPARE(raft(c, 1).high_watermark(), stale_hw);  // it cannot commit alone

        c.heal();
        QVERIFY(run_until(c, 5000, [&] { return raft(c, 1).role() != Role::Leader; }));
        QCOMPARE(raft(c, 1).epoch(), 2);
        QCOMPARE(raft(c, 1).role(), Role::Follower);
        QCOMPARE(raft(c, 1).leader(), 2);
        QVERIFY(!c.propose(1, {bytes_of("late")}));
        QVERIFY(run_until(c, 2000, [&] { return disk_log(c, 1) == disk_log(c, 2); }));
        QVERIFY(raft(c, 1).log_end_offset() <= stale_end);
        for (const Entry& e : disk_log(c, 1))
            QVERIFY(records_text(e.records) != "stale");
    }

    // A leader cut off from the quorum resigns by check quorum, 1.5 fetch timeouts after it
    // last heard from a majority, while the majority elects a new leader and goes on
    // committing. Nothing proposed to the old leader commits.
    void a_partitioned_leader_resigns_while_the_majority_elects_another() {
        Cluster c(lab_options({1, 2, 3}));
        elect(c, 1);
        commit(c, 1, "a");
        run_for(c, 600);  // held fetches come and go: the leader hears from both followers
        c.partition({{1}, {2, 3}});
        const std::int64_t cut_at = c.now_ms();
        QVERIFY(c.propose(1, {bytes_of("lost")}));
        QVERIFY(run_until(c, 5000, [&] { return raft(c, 1).role() != Role::Leader; }));
        QCOMPARE(raft(c, 1).role(), Role::Resigned);
        // 1.5 fetch timeouts after its last fetch from a majority, which was handled at most one
        // long poll (500 ms) before or after the cut.
        QVERIFY(c.now_ms() - cut_at <= 3000 + 500 + kStepMs);
        QVERIFY(c.now_ms() - cut_at >= 3000 - 500);

        QVERIFY(run_until(c, 10000, [&] {
            auto l = c.leader();
            return l && *l != 1;
        }));
        const NodeId leader = *c.leader();
        QVERIFY(raft(c, leader).epoch() >= 2);
        const std::int64_t end = commit(c, leader, "b");
        QVERIFY(end > 0);
        run_for(c, 100);
        QCOMPARE(raft(c, leader).high_watermark(), end);
        QVERIFY(!c.propose(1, {bytes_of("refused")}));

        // Back in touch, node 1 follows whoever leads then (its own campaigns in the partition
        // may have forced a new election; its log, lacking `b`, cannot win one).
        c.heal();
        QVERIFY(run_until(c, 10000, [&] {
            auto l = c.leader();
            return l && *l != 1 && raft(c, 1).role() == Role::Follower &&
                   disk_log(c, 1) == disk_log(c, *l) &&
                   raft(c, 1).high_watermark() == raft(c, *l).high_watermark();
        }));
        for (const Entry& e : disk_log(c, 1))
            QVERIFY(records_text(e.records) != "lost");
    }

    // A voter restarts from what it persisted: its vote (it must not vote twice in an epoch),
    // the leader it followed, and its log (it fetches from its own log end, and applies the
    // committed log again once it learns the high watermark).
    void a_restarted_voter_resumes_from_its_persisted_state() {
        Cluster c(lab_options({1, 2, 3}));
        c.campaign(1);
        QVERIFY(deliver_one(c, 1, 2));  // node 2 votes for 1 in epoch 1
        QCOMPARE(c.node(2).disk.state, (QuorumState{1, 1, kNoNode}));
        c.crash(2);
        c.restart(2);
        QCOMPARE(raft(c, 2).role(), Role::Voted);
        QCOMPARE(raft(c, 2).epoch(), 1);
        QCOMPARE(raft(c, 2).voted_for(), 1);
        c.campaign(3);  // node 3 enters epoch 1 too and asks node 2
        QCOMPARE(raft(c, 3).epoch(), 1);
        std::optional<VoteResponse> answer;
        for (std::size_t i = 0; i < c.in_flight().size(); ++i) {
            if (c.in_flight()[i].from == 3 && c.in_flight()[i].to == 2) {
                c.deliver(i);
                break;
            }
        }
        for (const Message& m : c.in_flight()) {
            if (m.from == 2 && m.to == 3 && m.type == Message::Type::Response) {
                answer = std::get<VoteResponse>(m.response);
            }
        }
        QVERIFY(answer);
        QVERIFY(!answer->granted);
        QCOMPARE(c.node(2).disk.state.voted_for, 1);
        drain(c);
        QCOMPARE(*c.leader(), 1);

        // The log: node 2 crashes holding `a`, misses `b` and `c`, and comes back following the
        // leader it persisted, fetching from its own end.
        commit(c, 1, "a");
        run_for(c, 100);
        c.crash(2);
        commit(c, 1, "b");
        const std::int64_t end = commit(c, 1, "c");
        const std::int64_t end_before = disk_log(c, 2).back().next_offset();
        c.restart(2);
        QCOMPARE(raft(c, 2).role(), Role::Follower);
        QCOMPARE(raft(c, 2).leader(), 1);
        QCOMPARE(raft(c, 2).log_end_offset(), end_before);
        bool fetched_from_its_end = false;
        for (const Message& m : c.in_flight()) {
            if (const auto* f = std::get_if<FetchRequest>(&m.request);
                f && m.from == 2 && m.type == Message::Type::Request) {
                fetched_from_its_end = f->fetch_offset == end_before;
            }
        }
        QVERIFY(fetched_from_its_end);
        drain(c);
        QCOMPARE(raft(c, 2).log_end_offset(), end);
        QCOMPARE(raft(c, 2).high_watermark(), end);
        // Applied again from the start in this life, in order.
        QCOMPARE(c.node(2).applied, raft(c, 1).entries(0, end));

        // The leader itself restarts: it comes back resigned in its epoch (never leading from a
        // state it lost, never voting again in that epoch), and a new leader follows.
        c.crash(1);
        c.restart(1);
        QCOMPARE(raft(c, 1).role(), Role::Resigned);
        QCOMPARE(raft(c, 1).epoch(), 1);
        QVERIFY(run_until(c, 5000, [&] {
            auto l = c.leader();
            return l && raft(c, *l).epoch() >= 2;
        }));
        const NodeId leader = *c.leader();
        QVERIFY(run_until(c, 2000, [&] {
            return raft(c, 1).leader() == leader && disk_log(c, 1) == disk_log(c, leader);
        }));
        QVERIFY(raft(c, 1).log_end_offset() > end);  // the new leader's LeaderChange entry
    }
};

QTEST_APPLESS_MAIN(RaftPropertyTest)
#include "test_raft.moc"
