// kraftlab-bench-lab-time: what lab time costs and how fast a pause takes hold.
//
//   kraftlab-bench-lab-time [--partitions N] [--pauses N] [--idle-s S]
//
// Starts an in-process lab (3 controllers, 3 brokers, a temporary session directory) with one
// topic of N partitions (1,000 by default) at replication factor 3, waits until every partition
// has its full ISR and 20 s more have passed, then measures, in one run:
//
//   pause latency  N pauses (100), each after a random 50-150 ms of running: the wall time from
//                  the call to Cluster::pause() until every node is held between two handlers
//                  (its answer). Lab time itself stops at the call. Median, p99, max. Goal: one
//                  frame at 60 Hz (16.7 ms).
//   disturbance    what the pauses changed in an idle lab, from its events during the pauses:
//                  brokers fenced, controller elections, partition leader changes, ISR shrinks.
//                  Goal 0: a paused lab stands still, and on resume acts on what it knew.
//   idle CPU       the process's CPU (user + system, % of one core) over S seconds (10) running at
//                  1×, then the same paused: timers wait on lab time, so a paused lab should
//                  cost next to nothing.
//
// A measurement, never a test verdict.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "lab/cluster.h"

namespace {

using kraftlab::lab::Cluster;
using kraftlab::lab::LabConfig;
using Real = std::chrono::steady_clock;

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double idle_cpu_percent(double seconds) {
    const double cpu0 = cpu_seconds();
    const auto t0 = Real::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const double wall = std::chrono::duration<double>(Real::now() - t0).count();
    return 100.0 * (cpu_seconds() - cpu0) / wall;
}

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

// What pausing disturbed: events that an idle lab should not see, by name.
struct Disturbance {
    int fenced = 0, elections = 0, leader_changes = 0, isr_shrinks = 0;
    void count(const std::vector<kraftlab::core::Event>& events) {
        using kraftlab::core::EventKind;
        for (const auto& e : events) {
            fenced += e.kind == EventKind::BrokerFenced;
            elections += e.kind == EventKind::ElectionStarted;
            leader_changes += e.kind == EventKind::LeaderChanged;
            isr_shrinks += e.kind == EventKind::IsrShrunk;
        }
    }
};

bool full_isr(Cluster& lab, const std::string& topic) {
    auto info = lab.metadata()->topic(topic);
    if (!info) return false;
    for (const auto& p : info->partitions) {
        if (p.leader < 0 || p.isr.size() != p.replicas.size()) return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    int partitions = 1000, pauses = 100;
    double idle_s = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--partitions") {
            partitions = std::stoi(v);
        } else if (a == "--pauses") {
            pauses = std::stoi(v);
        } else if (a == "--idle-s") {
            idle_s = std::stod(v);
        } else {
            std::cerr << "usage: kraftlab-bench-lab-time [--partitions N] [--pauses N] "
                         "[--idle-s S]\n";
            return 2;
        }
    }
    LabConfig config;
    config.controllers = 3;
    config.brokers = 3;
    Cluster lab(config);
    if (auto error = lab.start()) {
        std::cerr << "the lab did not start: " << *error << "\n";
        return 1;
    }
    auto created = lab.create_topic("timed", partitions, 3);
    if (!created.ok) {
        std::cerr << created.message << "\n";
        return 1;
    }
    const auto wait_start = Real::now();
    while (!full_isr(lab, "timed") && Real::now() - wait_start < std::chrono::seconds(120))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::this_thread::sleep_for(std::chrono::seconds(20));  // settle after creation
    std::cerr << "lab ready: " << partitions << " partitions, RF 3\n";

    const double cpu_running = idle_cpu_percent(idle_s);

    std::vector<kraftlab::core::Event> events;
    lab.events().drain(events);  // creation's events are not the pauses'
    events.clear();
    std::mt19937 random(7);
    std::uniform_int_distribution<int> run_ms(50, 150);
    std::vector<double> took;
    for (int i = 0; i < pauses; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(run_ms(random)));
        const auto t0 = Real::now();
        auto r = lab.pause();
        took.push_back(std::chrono::duration<double, std::milli>(Real::now() - t0).count());
        if (!r.ok) std::cerr << "pause: " << r.message << "\n";
        if (i + 1 < pauses) lab.resume();
    }
    lab.events().drain(events);
    Disturbance disturbed;
    disturbed.count(events);
    const double cpu_paused = idle_cpu_percent(idle_s);
    lab.resume();

    std::printf("lab time, %d partitions (RF 3), 3 controllers, 3 brokers\n", partitions);
    std::printf(
        "  pause takes hold (%d pauses): median %.2f ms, p99 %.2f ms, max %.2f ms "
        "(goal <= 16.7 ms)\n",
        pauses, percentile(took, 0.5), percentile(took, 0.99), percentile(took, 1.0));
    std::printf(
        "  during the pauses: %d brokers fenced, %d controller elections, %d leader changes, "
        "%d ISR shrinks (goal 0 each)\n",
        disturbed.fenced, disturbed.elections, disturbed.leader_changes, disturbed.isr_shrinks);
    std::printf("  idle CPU over %.0f s: running %.1f%% of a core, paused %.1f%%\n", idle_s,
                cpu_running, cpu_paused);
    std::printf(
        "{\"partitions\":%d,\"pause_median_ms\":%.3f,\"pause_p99_ms\":%.3f,"
        "\"pause_max_ms\":%.3f,\"fenced\":%d,\"elections\":%d,\"leader_changes\":%d,"
        "\"isr_shrinks\":%d,\"idle_cpu_running_pct\":%.2f,\"idle_cpu_paused_pct\":%.2f}\n",
        partitions, percentile(took, 0.5), percentile(took, 0.99), percentile(took, 1.0),
        disturbed.fenced, disturbed.elections, disturbed.leader_changes, disturbed.isr_shrinks,
        cpu_running, cpu_paused);
    lab.stop();
    return 0;
}
