// kraftlab-bench-idempotence: what idempotence costs a real producer (issue 16). librdkafka
// produces to one kraftlab-cluster (3 controllers, 3 brokers, a child process writing to disk)
// twice per run, side by side: acks=all without and with enable.idempotence (a producer id from
// InitProducerId, sequence numbers per partition that every leader checks and keeps).
//
//   kraftlab-bench-idempotence [--messages N] [--runs R] [--value-bytes B] [--partitions P]
//                              [--client-defaults] [--mock] [--pin] [--cluster PATH]
//
// --mock runs the same comparison against librdkafka's in-process mock cluster (3 brokers,
// RF 3) instead: what the client's idempotence costs by itself, with no real broker behind it.
//
// Both producers keep at most 5 requests in flight per broker, as Kafka's Java producer does by
// default and as librdkafka must with idempotence: the comparison is then what the brokers'
// checks cost. --client-defaults leaves the plain producer at librdkafka's default (1,000,000 in
// flight), which measures the client's own limit too.
//
// The client and the lab share the machine, so the CPU each used is reported too (seconds per
// million messages, from /proc): on 2 cores the throughput ratio is bounded by their sum. What
// idempotence costs the lab itself is the ratio of the lab's CPU per message, printed as "lab
// CPU". --pin puts the lab's threads on CPU 0 and the client's on CPU 1, so that neither takes
// the other's core.
//
// Each run creates two fresh topics (P partitions, 6 by default, replication factor 3,
// min.insync.replicas 2), produces N messages (500,000) to each as fast as librdkafka takes them,
// and alternates which goes first so that warm-up and noise fall on both alike. Reported:
// medians of throughput and latency, and the idempotent throughput as a ratio of the plain one
// measured in the same run (goal >= 0.9; Kafka's own cost of idempotence is small). A
// measurement, never a test verdict.
#include <sched.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "rdkafka_bench.h"

namespace {

using namespace kraftlab::bench;

struct Options {
    long messages = 500'000;
    int runs = 3;
    int value_bytes = 100;
    int partitions = 6;
    bool client_defaults = false;
    bool mock = false;
    bool pin = false;
    std::string cluster;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) die("missing value after " + a);
            return argv[++i];
        };
        if (a == "--messages") {
            o.messages = std::stol(next());
        } else if (a == "--runs") {
            o.runs = std::stoi(next());
        } else if (a == "--value-bytes") {
            o.value_bytes = std::stoi(next());
        } else if (a == "--partitions") {
            o.partitions = std::stoi(next());
        } else if (a == "--mock") {
            o.mock = true;
        } else if (a == "--pin") {
            o.pin = true;
        } else if (a == "--client-defaults") {
            o.client_defaults = true;
        } else if (a == "--cluster") {
            o.cluster = next();
        } else {
            die("usage: kraftlab-bench-idempotence [--messages N] [--runs R] [--value-bytes B] "
                "[--partitions P] [--client-defaults] [--mock] [--pin] [--cluster PATH]");
        }
    }
    if (o.messages <= 0 || o.runs <= 0 || o.partitions <= 0) die("counts must be positive");
    if (o.pin && o.mock) die("--pin needs the lab (the mock cluster runs inside the client)");
    return o;
}

// Every thread of process `pid` on CPU `cpu` (threads it starts later inherit it).
void pin_process(pid_t pid, int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    std::error_code ec;
    for (const auto& task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        const pid_t tid = std::stoi(task.path().filename().string());
        if (sched_setaffinity(tid, sizeof set, &set) != 0)
            die("cannot pin a thread to CPU " + std::to_string(cpu));
    }
    if (ec) die("cannot list the threads of process " + std::to_string(pid));
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    const std::string binary = o.cluster.empty() ? default_cluster_binary() : o.cluster;
    std::optional<LabChild> lab;
    std::optional<MockCluster> mock;
    if (o.mock) {
        mock.emplace(3);
    } else {
        lab.emplace(binary, std::vector<std::string>{"--controllers", "3", "--brokers", "3"});
    }
    if (o.pin) {
        if (sysconf(_SC_NPROCESSORS_ONLN) < 2) die("--pin needs 2 CPUs");
        pin_process(lab->pid(), 0);
        // This thread only: librdkafka's threads, started later, inherit CPU 1 from it.
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(1, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) die("cannot pin the client to CPU 1");
    }
    const std::string bootstrap = o.mock ? mock->bootstrap() : lab->bootstrap();
    std::cout << "kraftlab-bench-idempotence "
              << (o.mock ? "(librdkafka's mock cluster)" : "(kraftlab-cluster)") << ": "
              << o.messages << " x " << o.value_bytes << " B, " << o.partitions
              << " partitions, RF 3, acks=all, "
              << (o.client_defaults ? "librdkafka's default in-flight limit"
                                    : "at most 5 requests in flight")
              << (o.pin ? ", lab on CPU 0 and client on CPU 1" : "") << ", " << o.runs
              << " run(s)\n";

    std::vector<double> plain_rate, idem_rate, ratio, plain_p99, idem_p99, plain_p50, idem_p50;
    // CPU seconds per million messages: the client (this process) and the lab (its child).
    std::vector<double> plain_client_cpu, idem_client_cpu, plain_lab_cpu, idem_lab_cpu, lab_ratio;
    for (int run = 0; run < o.runs; ++run) {
        ProduceResult plain, idem;
        for (int turn = 0; turn < 2; ++turn) {
            const bool idempotent = (turn + run) % 2 == 1;
            const std::string topic =
                std::string(idempotent ? "idem-" : "plain-") + std::to_string(run);
            if (o.mock) {
                mock->create_topic(topic, o.partitions, 3);
            } else {
                lab->command("create-topic " + topic + " " + std::to_string(o.partitions) +
                             " 3 min.insync.replicas=2");
            }
            ProduceOptions po;
            po.messages = o.messages;
            po.value_bytes = o.value_bytes;
            po.acks = "all";
            po.idempotence = idempotent;
            po.max_in_flight = o.client_defaults ? 0 : 5;
            const double client_before = cpu_seconds(getpid());
            const double lab_before = o.mock ? 0 : cpu_seconds(lab->pid());
            const auto r = produce(bootstrap, topic, po);
            const double per_million = 1e6 / static_cast<double>(o.messages);
            const double client_cpu = (cpu_seconds(getpid()) - client_before) * per_million;
            const double lab_cpu =
                o.mock ? 0 : (cpu_seconds(lab->pid()) - lab_before) * per_million;
            (idempotent ? idem_client_cpu : plain_client_cpu).push_back(client_cpu);
            (idempotent ? idem_lab_cpu : plain_lab_cpu).push_back(lab_cpu);
            if (r.failed) die(topic + ": " + std::to_string(r.failed) + " messages failed");
            (idempotent ? idem : plain) = r;
            std::cout << "  run " << run + 1 << " " << (idempotent ? "idempotent" : "plain     ")
                      << "  " << fmt(r.msgs_per_s) << " msg/s  p50 " << fmt(r.p50_ms, 1)
                      << " ms  p99 " << fmt(r.p99_ms, 1) << " ms  CPU per 1M: client "
                      << fmt(client_cpu, 2) << " s, lab " << fmt(lab_cpu, 2) << " s\n";
            if (!o.mock) lab->command("delete-topic " + topic);
        }
        plain_rate.push_back(plain.msgs_per_s);
        idem_rate.push_back(idem.msgs_per_s);
        ratio.push_back(idem.msgs_per_s / plain.msgs_per_s);
        if (!o.mock) lab_ratio.push_back(idem_lab_cpu.back() / plain_lab_cpu.back());
        plain_p50.push_back(plain.p50_ms);
        idem_p50.push_back(idem.p50_ms);
        plain_p99.push_back(plain.p99_ms);
        idem_p99.push_back(idem.p99_ms);
    }
    std::cout << "\nmedians over " << o.runs << " run(s):\n"
              << "  plain       " << fmt(median(plain_rate)) << " msg/s  p50 "
              << fmt(median(plain_p50), 1) << " ms  p99 " << fmt(median(plain_p99), 1) << " ms\n"
              << "  idempotent  " << fmt(median(idem_rate)) << " msg/s  p50 "
              << fmt(median(idem_p50), 1) << " ms  p99 " << fmt(median(idem_p99), 1) << " ms\n"
              << "  CPU per 1M messages: client " << fmt(median(plain_client_cpu), 2)
              << " s plain, " << fmt(median(idem_client_cpu), 2) << " s idempotent; lab "
              << fmt(median(plain_lab_cpu), 2) << " s plain, " << fmt(median(idem_lab_cpu), 2)
              << " s idempotent\n"
              << (o.mock
                      ? ""
                      : "  lab CPU per message, idempotent / plain, same run: " +
                            fmt(median(lab_ratio), 2) + " (what idempotence costs the brokers)\n")
              << "  idempotent / plain throughput, same run: " << fmt(median(ratio), 2)
              << " (goal >= 0.90)\n";
    return 0;
}
