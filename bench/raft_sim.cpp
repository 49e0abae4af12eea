// kraftlab-bench-raft-sim: the raft core's seeded simulation (tests/raft/sim.h) over more seeds
// than CI runs, and how fast it goes.
//
//   kraftlab-bench-raft-sim [N] [--first S] [--jobs J] [--pauses-per-s R]
//
// Runs seeds S .. S+N-1 (N = 10000 and S = 1 by default; CI's test_raft_sim runs 1..500) on J
// threads (1 by default; each seed is independent and single-threaded, so a seed's result never
// depends on J). Every failing seed is printed to stderr with its failure and the command that
// replays it with a full trace (--pauses-per-s R draws pause faults at another rate than the
// tests' 0.3 a second; 0 replays the runs from before pause faults existed); then one JSON line
// goes to stdout: seeds, failures, wall time, seeds/s and simulation steps/s. Exits 1 if any seed
// failed. A measurement, never a test verdict (test_raft_sim is the verdict).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim.h"

namespace {

void usage() {
    std::fprintf(stderr,
                 "usage: kraftlab-bench-raft-sim [N] [--first S] [--jobs J] [--pauses-per-s R]\n");
}

bool parse_count(const char* s, std::uint64_t& out) {
    char* end = nullptr;
    out = std::strtoull(s, &end, 10);
    return end && *end == '\0' && *s != '\0' && *s != '-';
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t seeds = 10000;
    std::uint64_t first = 1;
    std::uint64_t jobs = 1;
    double pauses_per_s = kraftlab::raft::sim::SimulationOptions{}.pauses_per_s;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--pauses-per-s") {
            char* end = nullptr;
            if (i + 1 >= argc) {
                usage();
                return 2;
            }
            pauses_per_s = std::strtod(argv[++i], &end);
            if (!end || *end != '\0' || !(pauses_per_s >= 0 && pauses_per_s <= 100)) {
                std::fprintf(stderr, "--pauses-per-s: want a number from 0 to 100, got %s\n",
                             argv[i]);
                return 2;
            }
            continue;
        }
        std::uint64_t* target = &seeds;
        if (a == "--first" || a == "--jobs") {
            if (i + 1 >= argc) {
                usage();
                return 2;
            }
            target = a == "--first" ? &first : &jobs;
            ++i;
        }
        if (!parse_count(argv[i], *target)) {
            usage();
            return 2;
        }
    }
    jobs = std::clamp<std::uint64_t>(jobs, 1, 64);

    std::atomic<std::uint64_t> next{first};
    std::atomic<std::int64_t> steps{0};
    std::mutex failures_mutex;
    std::vector<std::uint64_t> failures;
    const auto start = std::chrono::steady_clock::now();
    auto worker = [&]() {
        for (;;) {
            const std::uint64_t seed = next++;
            if (seed >= first + seeds) return;
            kraftlab::raft::sim::SimulationOptions options;
            options.seed = seed;
            options.pauses_per_s = pauses_per_s;
            const auto r = kraftlab::raft::sim::run_simulation(options);
            steps += r.stats.steps;
            if (!r.ok) {
                std::lock_guard lock(failures_mutex);
                failures.push_back(seed);
                std::fprintf(stderr, "seed %llu failed: %s\n",
                             static_cast<unsigned long long>(seed), r.failure.c_str());
                if (pauses_per_s == kraftlab::raft::sim::SimulationOptions{}.pauses_per_s) {
                    std::fprintf(stderr,
                                 "  replay: KRAFTLAB_RAFT_SEED=%llu ./build/bin/test_raft_sim\n",
                                 static_cast<unsigned long long>(seed));
                } else {  // test_raft_sim runs the default rate only
                    std::fprintf(stderr,
                                 "  again: kraftlab-bench-raft-sim 1 --first %llu "
                                 "--pauses-per-s %g\n",
                                 static_cast<unsigned long long>(seed), pauses_per_s);
                }
            }
        }
    };
    std::vector<std::thread> threads;
    for (std::uint64_t j = 1; j < jobs; ++j)
        threads.emplace_back(worker);
    worker();
    for (auto& t : threads)
        t.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::sort(failures.begin(), failures.end());
    std::string failed = "[";
    for (std::size_t i = 0; i < failures.size(); ++i) {
        failed += (i ? "," : "") + std::to_string(failures[i]);
    }
    failed += "]";
    std::printf(
        "{\"bench\":\"raft-sim\",\"first_seed\":%llu,\"seeds\":%llu,\"jobs\":%llu,"
        "\"pauses_per_s\":%g,\"failed\":%s,\"seconds\":%.2f,\"seeds_per_s\":%.1f,\"steps_per_s\":%."
        "0f}\n",
        static_cast<unsigned long long>(first), static_cast<unsigned long long>(seeds),
        static_cast<unsigned long long>(jobs), pauses_per_s, failed.c_str(), seconds,
        static_cast<double>(seeds) / seconds, static_cast<double>(steps.load()) / seconds);
    return failures.empty() ? 0 : 1;
}
