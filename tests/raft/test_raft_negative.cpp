// Negative control: the simulation's checker must be able to fail. This executable links a copy
// of the raft core built with one deliberate bug (KRAFTLAB_RAFT_TEST_FAULT, see
// engine/raft/raft.cpp and tests/raft/CMakeLists.txt), runs seeds until the checker reports a
// violation, and fails if none does within the budget.
//
//   fault 1: votes are granted without the log up-to-date check
//   fault 2: the leader commits without an entry of its own epoch (the paper's figure 8)
//
//   KRAFTLAB_RAFT_NEGATIVE_SEEDS=N   the budget of seeds (default 500)
//   KRAFTLAB_RAFT_SEED=S             run only seed S, printing every step (the replay command
//                                    printed with a catch); passes if that seed catches the fault
#include <QtTest>
#include <cstdlib>

#include "sim.h"

using namespace kraftlab::raft::sim;

class RaftNegativeControlTest : public QObject {
    Q_OBJECT

  private slots:
    void the_checker_catches_a_broken_core() {
        const char* env = std::getenv("KRAFTLAB_RAFT_NEGATIVE_SEEDS");
        const std::uint64_t budget = env && *env ? std::strtoull(env, nullptr, 10) : 500;
        const char* only_env = std::getenv("KRAFTLAB_RAFT_SEED");
        const std::uint64_t only = only_env && *only_env ? std::strtoull(only_env, nullptr, 10) : 0;
        const std::uint64_t first = only ? only : 1;
        const std::uint64_t last = only ? only : budget;
        for (std::uint64_t seed = first; seed <= last; ++seed) {
            SimulationOptions options;
            options.seed = seed;
            options.trace = only != 0;
            const SimulationResult r = run_simulation(options);
            if (!r.ok) {
                qInfo(
                    "fault %d caught at seed %llu of %llu: %s\n  replay: KRAFTLAB_RAFT_SEED=%llu "
                    "./build/bin/test_raft_negative_fault%d",
                    KRAFTLAB_RAFT_TEST_FAULT, static_cast<unsigned long long>(seed),
                    static_cast<unsigned long long>(last), r.failure.c_str(),
                    static_cast<unsigned long long>(seed), KRAFTLAB_RAFT_TEST_FAULT);
                return;
            }
        }
        QFAIL(qPrintable(QString("fault %1 went unnoticed for seeds %2..%3: the checker is blind "
                                 "to it")
                             .arg(KRAFTLAB_RAFT_TEST_FAULT)
                             .arg(first)
                             .arg(last)));
    }
};

QTEST_APPLESS_MAIN(RaftNegativeControlTest)
#include "test_raft_negative.moc"
