// kraftlab-bench-workload: how fast one built-in producer goes, and what it costs.
//
//   kraftlab-bench-workload [--rate N] [--seconds S] [--partitions P] [--brokers B]
//                           [--acks 0|1|all] [--value-bytes N]
//
// Starts an in-process lab (B brokers, a topic of P partitions), runs one producer at N
// records/s (the lab's maximum, 1,000,000, by default: "as fast as it goes") for S seconds
// after a 1 s warm-up, and prints one JSON line: acknowledged records/s, latency, and the CPU
// the producer thread used (utime + stime from /proc/self/task/<tid>/stat) as a share of one
// core. A measurement, never a test verdict.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "lab/cluster.h"
#include "proc_stat.h"

using kraftlab::bench::thread_cpu_ticks;

int main(int argc, char** argv) {
    double rate = 1'000'000;
    double seconds = 5;
    int partitions = 12;
    int brokers = 3;
    std::int16_t acks = 1;
    int value_bytes = 100;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--rate")
            rate = std::stod(v);
        else if (a == "--seconds")
            seconds = std::stod(v);
        else if (a == "--partitions")
            partitions = std::stoi(v);
        else if (a == "--brokers")
            brokers = std::stoi(v);
        else if (a == "--acks")
            acks = static_cast<std::int16_t>(v == "all" ? -1 : std::stoi(v));
        else if (a == "--value-bytes")
            value_bytes = std::stoi(v);
        else {
            std::cerr << "unknown argument " << a << "\n";
            return 2;
        }
    }

    kraftlab::lab::LabConfig config;
    config.brokers = brokers;
    kraftlab::lab::Cluster lab(config);
    if (auto error = lab.start()) {
        std::cerr << *error << "\n";
        return 1;
    }
    if (auto r = lab.create_topic("bench", partitions); !r.ok) {
        std::cerr << r.message << "\n";
        return 1;
    }
    kraftlab::lab::ProducerConfig p;
    p.topic = "bench";
    p.records_per_second = rate;
    p.acks = acks;
    p.value_bytes = value_bytes;
    auto [added, id] = lab.add_producer(p);
    if (!added.ok) {
        std::cerr << added.message << "\n";
        return 1;
    }
    auto snapshot = [&] {
        for (const auto& s : lab.snapshots().producers()) {
            if (s->id == id) return s;
        }
        return std::shared_ptr<const kraftlab::core::ProducerSnapshot>();
    };
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const pid_t tid = lab.producer_thread_id(id);
    auto before = snapshot();
    const long ticks_before = thread_cpu_ticks(tid);
    const auto t0 = std::chrono::steady_clock::now();
    double p50_sum = 0, p99_max = 0;
    int samples = 0;
    while (std::chrono::steady_clock::now() - t0 < std::chrono::duration<double>(seconds)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        if (auto s = snapshot(); s && s->latency_p50_ms >= 0) {
            p50_sum += s->latency_p50_ms;
            p99_max = std::max(p99_max, s->latency_p99_ms);
            ++samples;
        }
    }
    auto after = snapshot();
    const long ticks_after = thread_cpu_ticks(tid);
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double acked_per_s =
        static_cast<double>(after->records_acked_total - before->records_acked_total) / elapsed;
    const double cpu = static_cast<double>(ticks_after - ticks_before) /
                       static_cast<double>(sysconf(_SC_CLK_TCK)) / elapsed;
    std::printf(
        "{\"target_records_per_s\":%.0f,\"acked_records_per_s\":%.0f,\"failed\":%llu,"
        "\"producer_cpu_share_of_one_core\":%.3f,\"latency_p50_ms_mean\":%.2f,"
        "\"latency_p99_ms_max\":%.2f,\"partitions\":%d,\"brokers\":%d,\"acks\":%d,"
        "\"value_bytes\":%d,\"seconds\":%.1f}\n",
        rate, acked_per_s, static_cast<unsigned long long>(after->records_failed_total), cpu,
        samples ? p50_sum / samples : -1.0, p99_max, partitions, brokers, acks, value_bytes,
        elapsed);
    lab.stop();
    return 0;
}
