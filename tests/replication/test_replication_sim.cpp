// The seeded replication simulation (sim.h): 3 brokers, the shipped controller decisions and
// follower fetch loop, a network that drops, delays, reorders, duplicates, cuts links (both ways
// or one way) and partitions (isolated node, minority/majority, bridge), crashes and restarts,
// pauses, and a producer; then heal, settle and check.
//
//   "acks=all, min.insync.replicas=2, clean elections, process crashes: no acknowledged record
//    is ever lost, and replicas are identical below the high watermark", over 300 seeds.
// Then negative controls, which show the checker can fail: acks=1 with power losses loses
// acknowledged records in some seeds, and so does acks=all with unclean leader election.
// Two last runs report (without asserting) what power losses do to acks=all: Kafka does not fsync
// before acknowledging, so losing power on every replica holding a record loses it, and so does
// one power loss on a partition whose ISR has shrunk to that broker alone (KIP-966's case).
//
//   KRAFTLAB_REPL_SEEDS=N   run seeds 1..N (default 300)
//   KRAFTLAB_REPL_SEED=S    run only seed S of the first test, printing every event
#include <QtTest>

#include <chrono>
#include <cstdlib>
#include <functional>

#include "sim.h"

using namespace kraftlab::replication::sim;

namespace {

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Sweep {
    std::vector<std::uint64_t> seeds_with_losses;
    std::vector<std::pair<std::uint64_t, Result>> failures;  // any property violated
    Stats totals;
    double seconds = 0;
};

Sweep sweep(const Options& base, std::uint64_t first, std::uint64_t last, bool trace = false) {
    Sweep s;
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t seed = first; seed <= last; ++seed) {
        Options o = base;
        o.seed = seed;
        o.trace = trace;
        Result r = run_simulation(o);
        if (r.lost_acknowledged > 0) s.seeds_with_losses.push_back(seed);
        Stats& t = s.totals;
        t.acknowledged += r.stats.acknowledged;
        t.produce_errors += r.stats.produce_errors;
        t.crashes += r.stats.crashes;
        t.power_losses += r.stats.power_losses;
        t.link_cuts += r.stats.link_cuts;
        t.one_way_cuts += r.stats.one_way_cuts;
        t.partitions += r.stats.partitions;
        t.slow_links += r.stats.slow_links;
        t.duplicates += r.stats.duplicates;
        t.pauses += r.stats.pauses;
        t.leader_pauses += r.stats.leader_pauses;
        t.fenced_refusals += r.stats.fenced_refusals;
        t.elections += r.stats.elections;
        t.unclean_elections += r.stats.unclean_elections;
        t.isr_shrinks += r.stats.isr_shrinks;
        t.isr_expands += r.stats.isr_expands;
        t.truncated_records += r.stats.truncated_records;
        if (!r.ok()) s.failures.emplace_back(seed, std::move(r));
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return s;
}

void report(const char* name, const Sweep& s, std::uint64_t seeds) {
    const Stats& t = s.totals;
    qInfo(
        "%s: %llu seeds in %.2f s: %lld records acknowledged, %lld produce errors, %lld "
        "crashes (%lld power losses), %lld link cuts, %lld pauses (%lld of the leader), %lld "
        "elections (%lld unclean), %lld ISR shrinks, %lld expands, %lld records truncated by "
        "epoch, %lld requests refused for an old leader epoch",
        name, static_cast<unsigned long long>(seeds), s.seconds,
        static_cast<long long>(t.acknowledged), static_cast<long long>(t.produce_errors),
        static_cast<long long>(t.crashes), static_cast<long long>(t.power_losses),
        static_cast<long long>(t.link_cuts), static_cast<long long>(t.pauses),
        static_cast<long long>(t.leader_pauses), static_cast<long long>(t.elections),
        static_cast<long long>(t.unclean_elections), static_cast<long long>(t.isr_shrinks),
        static_cast<long long>(t.isr_expands), static_cast<long long>(t.truncated_records),
        static_cast<long long>(t.fenced_refusals));
    qInfo("%s: network: %lld one-way cuts, %lld partitions, %lld slow links, %lld duplicates", name,
          static_cast<long long>(t.one_way_cuts), static_cast<long long>(t.partitions),
          static_cast<long long>(t.slow_links), static_cast<long long>(t.duplicates));
    QString seeds_text;
    for (std::size_t i = 0; i < s.seeds_with_losses.size() && i < 20; ++i)
        seeds_text += QString::number(s.seeds_with_losses[i]) + " ";
    qInfo("%s: %zu seeds lost acknowledged records%s%s", name, s.seeds_with_losses.size(),
          s.seeds_with_losses.empty() ? "" : ": ", qPrintable(seeds_text.trimmed()));
}

void print_failure(std::uint64_t seed, const Result& r) {
    for (const auto& line : r.trace_tail)
        qInfo("%s", line.c_str());
    qInfo(
        "seed %llu: lost %lld, diverged %lld, HW regressions %lld, split leaders %lld, "
        "followers ahead %lld, stale appends %lld, converged %d: %s",
        static_cast<unsigned long long>(seed), static_cast<long long>(r.lost_acknowledged),
        static_cast<long long>(r.diverged_replicas), static_cast<long long>(r.hw_regressions),
        static_cast<long long>(r.split_leaders), static_cast<long long>(r.follower_ahead),
        static_cast<long long>(r.stale_appends), r.converged ? 1 : 0, r.failure.c_str());
}

// The properties that hold whatever acks and elections do: replicas converge and agree below
// the high watermark, one leader per epoch, and no HW goes back within its epoch.
bool structural_ok(const Result& r) {
    return r.diverged_replicas == 0 && r.hw_regressions == 0 && r.split_leaders == 0 &&
           r.follower_ahead == 0 && r.stale_appends == 0 && r.converged;
}

// Where losing acknowledged records is expected (negative controls, findings), everything else
// must still hold: prints the first seed that broke more than durability, and says whether none
// did.
bool only_durability_failed(const Sweep& s) {
    for (const auto& [seed, r] : s.failures) {
        if (structural_ok(r)) continue;
        print_failure(seed, r);
        qWarning("seed %llu broke more than durability: %s", static_cast<unsigned long long>(seed),
                 r.failure.c_str());
        return false;
    }
    return true;
}

}  // namespace

class ReplicationSimulationTest : public QObject {
    Q_OBJECT

    std::uint64_t seeds_ = env_number("KRAFTLAB_REPL_SEEDS", 300);

  private slots:
    void acks_all_with_clean_elections_never_loses_an_acknowledged_record() {
        const std::uint64_t only = env_number("KRAFTLAB_REPL_SEED", 0);
        Options o;  // acks=all, min.insync.replicas=2, unclean=false, process crashes
        const Sweep s = sweep(o, only ? only : 1, only ? only : seeds_, only != 0);
        report("acks=all, clean", s, only ? 1 : seeds_);
        if (!s.failures.empty()) {
            const auto& [seed, r] = s.failures.front();
            if (!only) print_failure(seed, r);
            QFAIL(qPrintable(QString("%1 of %2 seeds failed; first: seed %3: %4\n  replay: "
                                     "KRAFTLAB_REPL_SEED=%3 ./build/bin/test_replication_sim "
                                     "acks_all_with_clean_elections_never_loses_an_"
                                     "acknowledged_record")
                                 .arg(s.failures.size())
                                 .arg(only ? 1 : seeds_)
                                 .arg(seed)
                                 .arg(QString::fromStdString(r.failure))));
        }
        QVERIFY(s.totals.acknowledged > 0);
        QVERIFY(s.totals.elections > 0);
        QVERIFY(s.totals.isr_shrinks > 0 && s.totals.isr_expands > 0);
        if (!only) {
            // The pauses happened and reached what they are for: paused leaders replaced, and
            // their (and their followers') requests with the old leader epoch refused.
            QVERIFY(s.totals.leader_pauses > 0);
            QVERIFY(s.totals.fenced_refusals > 0);
            // And the network faults of sim_faults.h happened.
            QVERIFY(s.totals.one_way_cuts > 0 && s.totals.partitions > 0);
            QVERIFY(s.totals.slow_links > 0 && s.totals.duplicates > 0);
        }
    }

    // Negative control 1: the checker can fail. acks=1 acknowledges on the leader's append; a
    // power loss on the leader before the followers fetched loses the record.
    void negative_control_acks_1_with_power_losses_loses_acknowledged_records() {
        if (env_number("KRAFTLAB_REPL_SEED", 0)) QSKIP("replaying one seed of the first test");
        Options o;
        o.acks = 1;
        o.power_loss_share = 1.0;
        const Sweep s = sweep(o, 1, seeds_);
        report("acks=1, power losses", s, seeds_);
        QVERIFY2(!s.seeds_with_losses.empty(), "the checker found no lost acks=1 record");
        QVERIFY2(only_durability_failed(s), "a seed broke more than durability (see above)");
    }

    // Negative control 2: acks=all is only as good as the election. With unclean leader
    // election an out-of-sync replica may lead and the old leader truncates acknowledged
    // records away (a core that truncated to the HW cannot be built without changing the
    // core, so this is the second way to show the checker bites).
    void negative_control_unclean_election_loses_acknowledged_records() {
        if (env_number("KRAFTLAB_REPL_SEED", 0)) QSKIP("replaying one seed of the first test");
        Options o;
        o.unclean_leader_election = true;
        const Sweep s = sweep(o, 1, seeds_);
        report("acks=all, unclean", s, seeds_);
        QVERIFY(s.totals.unclean_elections > 0);
        QVERIFY2(!s.seeds_with_losses.empty(), "no unclean election lost an acknowledged record");
        QVERIFY2(only_durability_failed(s), "a seed broke more than durability (see above)");
    }

    // A finding too: power losses one broker at a time (each back before the next goes). A
    // record acknowledged with acks=all was in min.insync.replicas memories, but the ISR may have
    // shrunk since (link cuts fence brokers, lagging followers leave it). If its last member then
    // loses power, it comes back with a shorter log and is still the only clean choice: the
    // controller elects it and the others truncate to it. Kafka before KIP-966 (eligible leader
    // replicas, unclean shutdown detection) does the same. Seed 278 of 300 shows it.
    void finding_acks_all_with_one_power_loss_at_a_time() {
        if (env_number("KRAFTLAB_REPL_SEED", 0)) QSKIP("replaying one seed of the first test");
        Options o;
        o.power_loss_share = 1.0;
        o.max_down = 1;
        const Sweep s = sweep(o, 1, seeds_);
        report("acks=all, clean, one power loss at a time (reported, not asserted)", s, seeds_);
        QVERIFY(s.totals.power_losses > 0);
        QVERIFY2(only_durability_failed(s), "a seed broke more than durability (see above)");
    }

    // A finding, not a rule: Kafka acknowledges acks=all without fsync, so power losses that
    // take every copy of a record's unflushed tail lose it even with clean elections.
    void finding_acks_all_with_power_losses() {
        if (env_number("KRAFTLAB_REPL_SEED", 0)) QSKIP("replaying one seed of the first test");
        Options o;
        o.power_loss_share = 1.0;
        const Sweep s = sweep(o, 1, seeds_);
        report("acks=all, clean, power losses (reported, not asserted)", s, seeds_);
        QVERIFY2(only_durability_failed(s), "a seed broke more than durability (see above)");
    }
};

QTEST_APPLESS_MAIN(ReplicationSimulationTest)
#include "test_replication_sim.moc"
