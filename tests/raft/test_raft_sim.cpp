// The seeded deterministic simulation of the raft core (sim.h): 3 or 5 voters and an observer
// on a network that drops, delays, duplicates and reorders, with crashes, restarts, partitions
// (bridges too: a node that reaches two sides that cannot reach each other), one-way cuts,
// pauses (GC pauses / SIGSTOP, some longer than the election timeout), resignations and random
// proposals; every step is checked for Raft's safety properties, then
// everything heals and the quorum must converge on one committed log.
//
//   KRAFTLAB_RAFT_SEEDS=N              run seeds 1..N (default 500)
//   KRAFTLAB_RAFT_SEED=S               run only seed S, printing every step (the replay command a
//                                      failure prints)
#include <QtTest>
#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "sim.h"

using namespace kraftlab::raft::sim;

namespace {

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

std::int64_t percentile(std::vector<std::int64_t> v, double p) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

class RaftSimulationTest : public QObject {
    Q_OBJECT

  private slots:
    void every_seed_is_safe_and_converges() {
        const std::uint64_t only = env_number("KRAFTLAB_RAFT_SEED", 0);
        const std::uint64_t seeds = env_number("KRAFTLAB_RAFT_SEEDS", 500);
        const std::uint64_t first = only ? only : 1;
        const std::uint64_t last = only ? only : seeds;

        std::vector<std::int64_t> first_leader_ms, converge_ms, commit_ms;
        std::int64_t steps = 0, elections = 0, crashes = 0, partitions = 0, pauses = 0,
                     leader_pauses = 0, one_way_cuts = 0, bridges = 0;
        for (std::uint64_t seed = first; seed <= last; ++seed) {
            SimulationOptions options;
            options.seed = seed;
            options.trace = only != 0;
            const SimulationResult r = run_simulation(options);
            if (!r.ok) {
                if (!options.trace) {  // a replay printed every step already
                    for (const auto& line : r.trace_tail)
                        qInfo("%s", line.c_str());
                }
                QFAIL(qPrintable(QString("seed %1 failed: %2\n  replay: KRAFTLAB_RAFT_SEED=%1 "
                                         "./build/bin/test_raft_sim")
                                     .arg(seed)
                                     .arg(QString::fromStdString(r.failure))));
            }
            const SimulationStats& s = r.stats;
            if (s.first_leader_ms >= 0) first_leader_ms.push_back(s.first_leader_ms);
            converge_ms.push_back(s.converged_after_heal_ms);
            commit_ms.insert(commit_ms.end(), s.commit_latency_ms.begin(),
                             s.commit_latency_ms.end());
            steps += s.steps;
            elections += s.elections;
            crashes += s.crashes;
            partitions += s.partitions;
            one_way_cuts += s.one_way_cuts;
            bridges += s.bridges;
            pauses += s.pauses;
            leader_pauses += s.leader_pauses;
        }
        auto mean = [](const std::vector<std::int64_t>& v) {
            return v.empty()
                       ? 0.0
                       : static_cast<double>(std::accumulate(v.begin(), v.end(), std::int64_t{0})) /
                             static_cast<double>(v.size());
        };
        qInfo(
            "seeds %llu..%llu: %lld steps, %lld elections, %lld crashes, %lld partitions, "
            "%lld pauses (%lld of a leader)",
            static_cast<unsigned long long>(first), static_cast<unsigned long long>(last),
            static_cast<long long>(steps), static_cast<long long>(elections),
            static_cast<long long>(crashes), static_cast<long long>(partitions),
            static_cast<long long>(pauses), static_cast<long long>(leader_pauses));
        qInfo("links: %lld one-way cuts, %lld bridge partitions",
              static_cast<long long>(one_way_cuts), static_cast<long long>(bridges));
        if (!only) QVERIFY2(leader_pauses > 0, "no seed paused a leader");
        if (!only) QVERIFY2(one_way_cuts > 0 && bridges > 0, "no one-way cut or bridge happened");
        qInfo("first leader: mean %.0f ms; converged after heal: mean %.0f ms, p99 %lld ms",
              mean(first_leader_ms), mean(converge_ms),
              static_cast<long long>(percentile(converge_ms, 0.99)));
        qInfo("commit latency (%zu proposals): mean %.1f ms, p50 %lld ms, p99 %lld ms",
              commit_ms.size(), mean(commit_ms), static_cast<long long>(percentile(commit_ms, 0.5)),
              static_cast<long long>(percentile(commit_ms, 0.99)));
    }
};

QTEST_APPLESS_MAIN(RaftSimulationTest)
#include "test_raft_sim.moc"
