// kraftlab-bench-replication: what replication costs a real client. librdkafka produces to three
// topics of one kraftlab-cluster (3 controllers, 3 brokers, a child process writing to disk),
// side by side in one invocation:
//
//   rf1-acks1     replication factor 1, acks=1    (the baseline)
//   rf3-acks1     replication factor 3, acks=1    (the leader answers; followers copy after)
//   rf3-acksall   replication factor 3, acks=all  (the answer waits for the ISR: followers fetch
//                 the batch and their next fetch tells the leader they hold it),
//                 min.insync.replicas 2
//
//   kraftlab-bench-replication [--messages N] [--runs R] [--value-bytes B] [--partitions P]
//                              [--paced-rate M] [--paced-seconds S] [--flush-interval MS]
//                              [--network] [--cluster PATH] [--json]
//
// --network: what the lab network costs. Each run then starts three labs in turn:
//   plain    the nodes on plain sockets (kraftlab-cluster --no-lab-network: no seam, no tap)
//   network  the lab network with no fault (every RPC through the seam and into the tap)
//   delay    10 ms ± 2 ms on every link (every pair of nodes, and clients to brokers), for
//            rf3-acksall only
// and reports each scenario's throughput under `network` as a ratio of `plain`'s in the same run
// (goal >= 0.95). Separate labs a minute apart on a shared machine differ by more than the seam
// costs, so it also measures the seam itself in-process (a fault-free send() each way and
// record() per RPC, in ns) and counts the RPCs the `network` lab carried, for the CPU share.
//
// Each run starts a fresh lab, creates the three topics (P partitions each, 6 by default, leaders
// spread over the brokers) and waits until every partition has its full ISR. Then, per scenario:
//
//   saturated  N messages (1,000,000 by default) as fast as librdkafka takes them: throughput is
//              messages acknowledged / wall time from the first produce() call to the last
//              delivery report; latency (produce() call to delivery report) is mostly queueing
//              in the client.
//   paced      M messages a second (20,000) for S seconds (3): far below saturation, so the
//              latency is the cost of the acks policy itself (linger.ms is 5 ms in both phases).
//
// The scenario order rotates from run to run so that warm-up and machine noise do not always fall
// on the same one; after each phase the benchmark waits until every follower has caught up (so one
// scenario's replication does not run into the next one's clock) and checks that the partitions
// hold exactly the records acknowledged. Reported: medians over the runs, and each scenario's
// saturated throughput as a ratio of rf1-acks1's in the same run (goal for rf3-acksall: >= 0.5).
// A measurement, never a test verdict.
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "net/lab_network.h"
#include "rdkafka_bench.h"

namespace {

using namespace kraftlab::bench;

struct Options {
    long messages = 1'000'000;
    double paced_rate = 20'000;
    double paced_seconds = 3;
    long flush_interval_ms = 0;  // 0: the lab's default
    int runs = 3;
    int value_bytes = 100;
    int partitions = 6;
    std::string cluster;
    bool json_output = false;
    bool network = false;
};

// A lab set-up a run measures (--network: three of them).
struct Variant {
    std::string name;
    std::vector<std::string> args;  // extra kraftlab-cluster arguments
    bool delay_every_link = false;
    bool acks_all_only = false;
};

struct Scenario {
    std::string name;
    int replication_factor;
    std::string acks;
};

const std::vector<Scenario> kScenarios = {
    {"rf1-acks1", 1, "1"},
    {"rf3-acks1", 3, "1"},
    {"rf3-acksall", 3, "all"},
};

Options parse(int argc, char** argv) {
    Options o;
    o.cluster = default_cluster_binary();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) die(a + " needs a value");
            return argv[++i];
        };
        try {
            if (a == "--messages") {
                o.messages = std::stol(next());
            } else if (a == "--runs") {
                o.runs = std::stoi(next());
            } else if (a == "--value-bytes") {
                o.value_bytes = std::stoi(next());
            } else if (a == "--paced-rate") {
                o.paced_rate = std::stod(next());
            } else if (a == "--paced-seconds") {
                o.paced_seconds = std::stod(next());
            } else if (a == "--flush-interval") {
                o.flush_interval_ms = std::stol(next());
            } else if (a == "--partitions") {
                o.partitions = std::stoi(next());
            } else if (a == "--cluster") {
                o.cluster = next();
            } else if (a == "--json") {
                o.json_output = true;
            } else if (a == "--network") {
                o.network = true;
            } else {
                die("unknown argument " + a +
                    " (try --messages N --runs R --value-bytes B --partitions P --paced-rate M "
                    "--paced-seconds S --flush-interval MS --network --cluster PATH --json)");
            }
        } catch (const std::logic_error&) {
            die(a + " needs a number");
        }
    }
    if (o.messages < 1 || o.runs < 1 || o.value_bytes < 1 || o.partitions < 1 ||
        o.paced_rate <= 0 || o.paced_seconds <= 0)
        die("counts must be positive");
    return o;
}

// The topic's partitions from the lab's status, or an empty array while it is unknown.
json partitions_of(const json& status, const std::string& topic) {
    for (const auto& t : status.value("topics", json::array())) {
        if (t.value("name", "") == topic) return t.value("partitions", json::array());
    }
    return json::array();
}

// Waits until every partition of `topic` has a leader, an ISR of `rf` replicas, and every
// replica's log end equal to the leader's, and (if `expected` >= 0) the topic holds `expected`
// records (the sum of the log ends; the brokers' snapshots lag by up to 250 ms). Dies after 60 s.
void wait_until_replicated(LabChild& lab, const std::string& topic, int partitions, int rf,
                           std::int64_t expected = -1) {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    std::string last;
    while (Clock::now() < deadline) {
        json parts = partitions_of(lab.command("status"), topic);
        bool ok = static_cast<int>(parts.size()) == partitions;
        std::int64_t records = 0;
        for (const auto& p : parts) {
            const auto logs = p.value("replica_logs", json::array());
            std::set<std::int64_t> ends;
            for (const auto& r : logs)
                ends.insert(r.value("log_end_offset", std::int64_t{-1}));
            const bool full = p.value("leader", -1) >= 0 &&
                              static_cast<int>(p.value("isr", json::array()).size()) == rf &&
                              static_cast<int>(logs.size()) == rf && ends.size() == 1;
            if (!full) {
                ok = false;
                last = p.dump();
            } else {
                records += *ends.begin();
            }
        }
        if (ok && (expected < 0 || records == expected)) return;
        if (ok)
            last = std::to_string(records) + " records held, " + std::to_string(expected) +
                   " acknowledged";
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    die("topic " + topic + " did not reach a full, caught-up ISR holding every acknowledged " +
        "record within 60 s; last: " + last);
}

struct Phase {
    std::map<std::string, std::vector<double>> rate, p50, p99;
};

// 10 ms ± 2 ms (uniform) both ways on every link between the lab's nodes and the clients.
void delay_every_link(LabChild& lab) {
    const json status = lab.command("status");
    std::vector<std::string> nodes = {"clients"};
    for (const auto& c : status.value("controllers", json::array()))
        nodes.push_back("controller-" + std::to_string(c.value("id", 0)));
    for (const auto& b : status.value("brokers", json::array()))
        nodes.push_back("broker-" + std::to_string(b.value("id", 0)));
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        for (std::size_t j = i + 1; j < nodes.size(); ++j) {
            const json r = lab.command("delay " + nodes[i] + " " + nodes[j] + " 10 jitter=2");
            if (!r.value("ok", false)) die("delay failed: " + r.dump());
        }
    }
}

// What the seam adds to one RPC with no fault on its link: the request's and the response's
// send(), the clock reads, and the tap's record(), in ns (median of 5 rounds of 200,000).
double seam_ns_per_rpc() {
    using kraftlab::net::LabNetwork;
    LabNetwork network(kraftlab::core::LabClock::standalone());
    const auto a = network.node("broker-1"), b = network.node("broker-2");
    std::vector<double> rounds;
    std::int64_t sink = 0;
    for (int r = 0; r < 5; ++r) {
        const int n = 200'000;
        const auto start = Clock::now();
        for (int i = 0; i < n; ++i) {
            kraftlab::net::RpcEvent e;
            e.sent_ns = network.send(a, b, 100).due.count();
            e.returned_ns = network.send(b, a, 100).due.count();
            e.correlation_id = i;
            network.record(e);
            sink += e.returned_ns & 1;
        }
        rounds.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
                         n);
    }
    if (sink < 0) std::cerr << sink;  // keeps the loop's work
    return median(rounds);
}

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) s.resize(width, ' ');
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    const Options o = parse(argc, argv);
    const long paced_messages = std::max(1L, static_cast<long>(o.paced_rate * o.paced_seconds));
    std::cerr << "kraftlab-bench-replication: " << o.messages << " messages of " << o.value_bytes
              << " bytes per scenario (then " << paced_messages << " at " << fmt(o.paced_rate)
              << "/s), " << o.partitions << " partitions, " << o.runs << " run(s), librdkafka "
              << rd_kafka_version_str() << "\n";

    std::vector<Variant> variants = {{"", {}, false, false}};
    if (o.network) {
        variants = {{"plain", {"--no-lab-network"}, false, false},
                    {"network", {}, false, false},
                    {"delay", {}, true, true}};
    }
    // A row of the report: a scenario under a variant ("network rf3-acksall"; the scenario's
    // name alone without --network).
    auto row_name = [](const Variant& v, const Scenario& s) {
        return v.name.empty() ? s.name : v.name + " " + s.name;
    };
    std::vector<std::pair<const Variant*, const Scenario*>> rows;
    for (const auto& v : variants) {
        for (const auto& s : kScenarios) {
            if (!v.acks_all_only || s.acks == "all") rows.emplace_back(&v, &s);
        }
    }

    Phase saturated, paced;
    std::map<std::string, std::vector<double>> ratio, seam_ratio;
    std::vector<double> rpcs_per_s;  // --network: RPCs the network lab carried, per second
    long failed_total = 0;
    for (int run = 0; run < o.runs; ++run) {
        std::map<std::string, double> this_run;
        // The variants' order rotates too, so that none always runs first.
        for (std::size_t vi = 0; vi < variants.size(); ++vi) {
            const Variant& v = variants[(vi + static_cast<std::size_t>(run)) % variants.size()];
            std::vector<std::string> args = {"--brokers", "3", "--controllers", "3",
                                             "--no-auto-create"};
            args.insert(args.end(), v.args.begin(), v.args.end());
            LabChild lab(o.cluster, args);
            const auto lab_started = Clock::now();
            if (o.flush_interval_ms > 0)
                lab.command("flush-interval " + std::to_string(o.flush_interval_ms));
            std::vector<const Scenario*> scenarios;
            for (const auto& s : kScenarios) {
                if (!v.acks_all_only || s.acks == "all") scenarios.push_back(&s);
            }
            for (const Scenario* s : scenarios) {
                lab.command("create-topic " + s->name + " " + std::to_string(o.partitions) + " " +
                            std::to_string(s->replication_factor) +
                            " min.insync.replicas=" + (s->replication_factor > 1 ? "2" : "1"));
            }
            for (const Scenario* s : scenarios)
                wait_until_replicated(lab, s->name, o.partitions, s->replication_factor);
            if (v.delay_every_link) delay_every_link(lab);

            for (std::size_t k = 0; k < scenarios.size(); ++k) {
                const Scenario& s =
                    *scenarios[(k + static_cast<std::size_t>(run)) % scenarios.size()];
                const std::string name = row_name(v, s);
                std::int64_t expected = 0;
                for (Phase* phase : {&saturated, &paced}) {
                    const bool is_paced = phase == &paced;
                    const ProduceOptions po{is_paced ? paced_messages : o.messages, o.value_bytes,
                                            s.acks, is_paced ? o.paced_rate : 0.0};
                    ProduceResult r = produce(lab.bootstrap(), s.name, po);
                    failed_total += r.failed;
                    expected += po.messages + 1 - r.failed;  // + the warm-up message
                    wait_until_replicated(lab, s.name, o.partitions, s.replication_factor,
                                          expected);
                    std::cerr << "  run " << run + 1 << "  " << pad(name, 20)
                              << (is_paced ? " paced      " : " saturated  ") << fmt(r.msgs_per_s)
                              << " msg/s, p50 " << fmt(r.p50_ms, 2) << " ms, p99 "
                              << fmt(r.p99_ms, 2) << " ms"
                              << (r.failed ? " (" + std::to_string(r.failed) + " failed)" : "")
                              << "\n";
                    phase->rate[name].push_back(r.msgs_per_s);
                    phase->p50[name].push_back(r.p50_ms);
                    phase->p99[name].push_back(r.p99_ms);
                    if (!is_paced) this_run[name] = r.msgs_per_s;
                }
            }
            if (o.network && v.name == "network") {
                const double rpcs = lab.command("links").value("rpcs", 0.0);
                rpcs_per_s.push_back(
                    rpcs / std::chrono::duration<double>(Clock::now() - lab_started).count());
            }
        }
        for (const auto& [v, s] : rows) {
            const std::string base = row_name(*v, kScenarios[0]);
            if (this_run.count(base))
                ratio[row_name(*v, *s)].push_back(this_run[row_name(*v, *s)] / this_run[base]);
            if (o.network && v->name == "network") {
                seam_ratio[s->name].push_back(this_run[row_name(*v, *s)] /
                                              this_run["plain " + s->name]);
            }
        }
    }

    json report = {{"messages", o.messages},     {"paced_messages", paced_messages},
                   {"paced_rate", o.paced_rate}, {"value_bytes", o.value_bytes},
                   {"partitions", o.partitions}, {"runs", o.runs},
                   {"failed", failed_total},     {"scenarios", json::array()}};
    for (const auto& [v, s] : rows) {
        const std::string name = row_name(*v, *s);
        json row = {{"name", name},
                    {"replication_factor", s->replication_factor},
                    {"acks", s->acks},
                    {"msgs_per_s", median(saturated.rate[name])},
                    {"mb_per_s", median(saturated.rate[name]) * o.value_bytes / 1e6},
                    {"p50_ms", median(saturated.p50[name])},
                    {"p99_ms", median(saturated.p99[name])},
                    {"ratio_to_rf1_acks1", ratio.count(name) ? json(median(ratio[name])) : json()},
                    {"paced_p50_ms", median(paced.p50[name])},
                    {"paced_p99_ms", median(paced.p99[name])}};
        if (o.network && v->name == "network") row["ratio_to_plain"] = median(seam_ratio[s->name]);
        report["scenarios"].push_back(row);
    }
    if (o.json_output) {
        std::cout << report.dump(2) << "\n";
        return failed_total ? 1 : 0;
    }
    std::cout << "\nMedians of " << o.runs << " run(s); " << o.value_bytes << "-byte values, "
              << o.partitions << " partitions, 3 brokers; saturated: " << o.messages
              << " messages; paced: " << paced_messages << " at " << fmt(o.paced_rate) << "/s\n\n";
    std::cout << "                            saturated                                    "
                 "paced\n";
    std::cout << "scenario                    msg/s      MB/s    p50 ms   p99 ms   x rf1   p50 ms "
                 "  p99 ms"
              << (o.network ? "   x plain" : "") << "\n";
    for (const auto& row : report["scenarios"]) {
        const auto num = [](const json& j, int digits) {
            return j.is_number() ? fmt(j.get<double>(), digits) : std::string("-");
        };
        std::cout << pad(row["name"], 28) << pad(fmt(row["msgs_per_s"]), 11)
                  << pad(fmt(row["mb_per_s"], 1), 8) << pad(fmt(row["p50_ms"], 2), 9)
                  << pad(fmt(row["p99_ms"], 2), 9) << pad(num(row["ratio_to_rf1_acks1"], 2), 8)
                  << pad(fmt(row["paced_p50_ms"], 2), 9) << pad(fmt(row["paced_p99_ms"], 2), 9)
                  << (row.contains("ratio_to_plain") ? num(row["ratio_to_plain"], 3) : "") << "\n";
    }
    std::cout << "\nx rf1: saturated throughput / rf1-acks1's in the same lab and run (median over "
                 "runs); goal: rf3-acksall >= 0.50\n";
    if (o.network) {
        std::cout << "x plain: the lab network's saturated throughput / the plain sockets' in the "
                     "same run (median over runs); goal >= 0.95\n";
        const double ns = seam_ns_per_rpc();
        const double rate = median(rpcs_per_s);
        std::cout << "the seam: " << fmt(ns, 0) << " ns per RPC with no fault (in-process); the "
                  << "network lab carried " << fmt(rate) << " RPCs/s (median), so the seam cost "
                  << fmt(100.0 * ns * rate / 1e9, 3) << "% of one core\n";
    }
    if (failed_total) std::cout << failed_total << " message(s) failed (see above)\n";
    return failed_total ? 1 : 0;
}
