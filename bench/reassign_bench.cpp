// kraftlab-bench-reassign: moving a replica of a big partition (issue 16). One kraftlab-cluster
// (3 controllers, 3 brokers, a child process writing to disk); a topic of one partition with
// replication factor 2 is filled with --mb megabytes (100 by default) by librdkafka, acks=all.
// Then a paced librdkafka producer (--rate messages/s, acks=all) writes for the whole
// measurement while, after a few seconds, `reassign` moves the replica that is not the leader to
// the third broker: the new replica copies the whole log, joins the ISR, and the old one leaves.
//
//   kraftlab-bench-reassign [--mb MB] [--rate M] [--runs R] [--cluster PATH]
//
// Reported per run and as medians: the time from the reassign command to the move completing
// (the partition's replicas are the target and nothing is adding or removing), the copy rate
// (MB of values per second), and the paced producer's p50/p99 latency before the move and while it
// ran, side by side. A measurement, never a test verdict.
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "rdkafka_bench.h"

namespace {

using namespace kraftlab::bench;

struct Options {
    double mb = 100;
    double rate = 2'000;
    int runs = 3;
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
        if (a == "--mb") {
            o.mb = std::stod(next());
        } else if (a == "--rate") {
            o.rate = std::stod(next());
        } else if (a == "--runs") {
            o.runs = std::stoi(next());
        } else if (a == "--cluster") {
            o.cluster = next();
        } else {
            die("usage: kraftlab-bench-reassign [--mb MB] [--rate M] [--runs R] [--cluster PATH]");
        }
    }
    if (o.mb <= 0 || o.rate <= 0 || o.runs <= 0) die("values must be positive");
    return o;
}

// The partition's entry in a `status` reply.
json partition_of(const json& status, const std::string& topic) {
    for (const auto& t : status.at("topics")) {
        if (t.value("name", "") == topic) return t.at("partitions").at(0);
    }
    die("topic " + topic + " is not in the status");
    return {};
}

// The p-th percentile of the latencies of messages sent in [from, to) s; -1 when none.
double percentile_between(const std::vector<std::pair<double, double>>& samples, double from,
                          double to, double p) {
    std::vector<double> v;
    for (const auto& [at, ms] : samples)
        if (at >= from && at < to) v.push_back(ms);
    return v.empty() ? -1 : percentile(v, p);
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    const std::string binary = o.cluster.empty() ? default_cluster_binary() : o.cluster;
    constexpr int kValueBytes = 1000;
    const long fill_messages = static_cast<long>(o.mb * 1e6 / kValueBytes);
    std::cout << "kraftlab-bench-reassign: " << fmt(o.mb) << " MB in one partition (RF 2), "
              << "paced producer " << fmt(o.rate) << " msg/s acks=all, " << o.runs << " run(s)\n";

    std::vector<double> move_s, copy_mb_s, before_p50, before_p99, during_p50, during_p99;
    for (int run = 0; run < o.runs; ++run) {
        LabChild lab(binary, {"--controllers", "3", "--brokers", "3"});
        const std::string topic = "big";
        lab.command("create-topic " + topic + " 1 2 min.insync.replicas=1");
        ProduceOptions fill;
        fill.messages = fill_messages;
        fill.value_bytes = kValueBytes;
        fill.acks = "all";
        const auto filled = produce(lab.bootstrap(), topic, fill);
        if (filled.failed) die("filling the partition failed");
        const json before = partition_of(lab.command("status"), topic);
        const int leader = before.at("leader").get<int>();
        const auto replicas = before.at("replicas").get<std::vector<int>>();
        const int follower = replicas[0] == leader ? replicas[1] : replicas[0];
        const int added = 6 - leader - follower;  // brokers 1, 2, 3
        // The values written (batch headers and record overhead come on top).
        const double size_mb = static_cast<double>(fill_messages) * kValueBytes / 1e6;

        // The paced producer runs for the whole measurement, in its own thread.
        const double warm_s = 4, total_s = 60;
        std::vector<std::pair<double, double>> samples;
        ProduceOptions paced;
        paced.messages = static_cast<long>(o.rate * total_s);
        paced.value_bytes = 100;
        paced.acks = "all";
        paced.rate = o.rate;
        paced.samples = &samples;
        const auto start = Clock::now();
        std::thread producer([&] { produce(lab.bootstrap(), topic, paced); });
        std::this_thread::sleep_for(std::chrono::duration<double>(warm_s));
        const double move_from = std::chrono::duration<double>(Clock::now() - start).count();
        lab.command("reassign " + topic + " 0 " + std::to_string(leader) + "," +
                    std::to_string(added));
        double move_to = -1;
        while (std::chrono::duration<double>(Clock::now() - start).count() < total_s - 1) {
            const json p = partition_of(lab.command("status"), topic);
            const auto now = p.at("replicas").get<std::vector<int>>();
            if (!p.contains("adding_replicas") && now == std::vector<int>{leader, added}) {
                move_to = std::chrono::duration<double>(Clock::now() - start).count();
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        producer.join();
        if (move_to < 0) die("the move did not complete within " + fmt(total_s) + " s");
        const double took = move_to - move_from;
        move_s.push_back(took);
        copy_mb_s.push_back(size_mb / took);
        before_p50.push_back(percentile_between(samples, 1, move_from, 0.5));
        before_p99.push_back(percentile_between(samples, 1, move_from, 0.99));
        during_p50.push_back(percentile_between(samples, move_from, move_to, 0.5));
        during_p99.push_back(percentile_between(samples, move_from, move_to, 0.99));
        std::cout << "  run " << run + 1 << ": " << fmt(size_mb, 1) << " MB moved from broker "
                  << follower << " to " << added << " in " << fmt(took, 2) << " s ("
                  << fmt(size_mb / took, 1) << " MB/s); produce p50/p99 before "
                  << fmt(before_p50.back(), 1) << "/" << fmt(before_p99.back(), 1) << " ms, during "
                  << fmt(during_p50.back(), 1) << "/" << fmt(during_p99.back(), 1) << " ms\n";
    }
    std::cout << "\nmedians over " << o.runs << " run(s):\n"
              << "  move time " << fmt(median(move_s), 2) << " s, copy "
              << fmt(median(copy_mb_s), 1) << " MB/s\n"
              << "  produce latency before the move  p50 " << fmt(median(before_p50), 1)
              << " ms  p99 " << fmt(median(before_p99), 1) << " ms\n"
              << "  produce latency while it moves   p50 " << fmt(median(during_p50), 1)
              << " ms  p99 " << fmt(median(during_p99), 1) << " ms\n";
    return 0;
}
