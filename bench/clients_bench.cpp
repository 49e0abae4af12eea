// kraftlab-bench-clients: librdkafka producer and consumer throughput and latency, measured in one
// invocation against kraftlab-cluster (a child process, writing to disk) and against librdkafka's
// own in-process mock cluster (rdkafka_mock.h), with the ratios. Never part of the test verdict.
//
//   kraftlab-bench-clients [--messages N] [--runs R] [--value-bytes B] [--partitions "1,6"]
//                          [--cluster PATH] [--json]
//
// Each scenario (partition count) runs R times against each target, alternating targets so that
// machine noise hits both alike; the report shows medians. Produce: acks=1, no compression,
// 100-byte values, throughput over the whole run and per-message latency (produce() call to
// delivery report). Consume: a consumer assigned to every partition from the beginning, until
// all N messages arrived. The mock cluster keeps only ~40k records a partition in memory, so its
// consume rate is reported but the fair peer for Kraftlab's consume rate is the mock's produce
// rate.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "rdkafka_bench.h"

namespace {

using namespace kraftlab::bench;

struct Options {
    long messages = 1'000'000;
    int runs = 3;
    int value_bytes = 100;
    std::vector<int> partitions = {1, 6};
    std::string cluster;
    bool json_output = false;
};

struct ConsumeResult {
    double seconds = 0;
    double msgs_per_s = 0;
    double mb_per_s = 0;
    long received = 0;
};

// --- consume --------------------------------------------------------------------------------

ConsumeResult consume(const std::string& bootstrap, const std::string& topic, int partitions,
                      long expected, const Options& o) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", bootstrap);
    set(conf, "group.id", "kraftlab-bench-unused");  // required by librdkafka; no subscribe()
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.partition.eof", "false");
    set(conf, "fetch.message.max.bytes", "1048576");
    set(conf, "queued.max.messages.kbytes", "262144");
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) die(std::string("consumer: ") + err);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; ++p) {
        rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(rk, list);
    rd_kafka_topic_partition_list_destroy(list);

    ConsumeResult r;
    std::optional<Clock::time_point> first;
    Clock::time_point last = Clock::now();
    const auto deadline = Clock::now() + std::chrono::seconds(600);
    std::uint64_t bytes = 0;
    while (r.received < expected && Clock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
        if (!m) continue;
        if (!m->err) {
            if (!first) first = Clock::now();
            ++r.received;
            bytes += m->len;
            last = Clock::now();
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    (void)o;
    r.seconds = first ? std::chrono::duration<double>(last - *first).count() : 0;
    if (r.seconds > 0) {
        r.msgs_per_s = static_cast<double>(r.received) / r.seconds;
        r.mb_per_s = static_cast<double>(bytes) / r.seconds / 1e6;
    }
    return r;
}

// --- targets --------------------------------------------------------------------------------

Options parse(int argc, char** argv) {
    Options o;
    o.cluster = default_cluster_binary();
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) die(a + " needs a value");
            return argv[++i];
        };
        if (a == "--messages") {
            o.messages = std::stol(next());
        } else if (a == "--runs") {
            o.runs = std::stoi(next());
        } else if (a == "--value-bytes") {
            o.value_bytes = std::stoi(next());
        } else if (a == "--partitions") {
            o.partitions.clear();
            std::stringstream ss(next());
            std::string p;
            while (std::getline(ss, p, ','))
                o.partitions.push_back(std::stoi(p));
        } else if (a == "--cluster") {
            o.cluster = next();
        } else if (a == "--json") {
            o.json_output = true;
        } else {
            die("unknown argument " + a +
                " (try --messages N --runs R --value-bytes B --partitions 1,6 --cluster PATH "
                "--json)");
        }
    }
    if (o.messages < 1 || o.runs < 1 || o.value_bytes < 1) die("counts must be positive");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    Options o = parse(argc, argv);
    std::cerr << "kraftlab-bench-clients: " << o.messages << " messages of " << o.value_bytes
              << " bytes, acks=1, " << o.runs << " run(s) per target, librdkafka "
              << rd_kafka_version_str() << "\n";

    json report = json::array();
    for (int partitions : o.partitions) {
        std::vector<double> k_prod, k_p50, k_p99, k_cons, m_prod, m_p50, m_p99, m_cons;
        for (int run = 0; run < o.runs; ++run) {
            const std::string topic =
                "bench-" + std::to_string(partitions) + "-" + std::to_string(run);
            {
                LabChild lab(o.cluster, {"--brokers", "1"});
                lab.command("create-topic " + topic + " " + std::to_string(partitions));
                auto p = produce(lab.bootstrap(), topic, {o.messages, o.value_bytes, "1"});
                auto c = consume(lab.bootstrap(), topic, partitions, o.messages, o);
                std::cerr << "  kraftlab  partitions=" << partitions << " run " << run + 1
                          << ": produce " << fmt(p.msgs_per_s) << " msg/s (p50 " << fmt(p.p50_ms, 2)
                          << " ms, p99 " << fmt(p.p99_ms, 2) << " ms), consume "
                          << fmt(c.msgs_per_s) << " msg/s (" << c.received << " read)\n";
                k_prod.push_back(p.msgs_per_s);
                k_p50.push_back(p.p50_ms);
                k_p99.push_back(p.p99_ms);
                k_cons.push_back(c.msgs_per_s);
            }
            {
                MockCluster mock;
                mock.create_topic(topic, partitions);
                auto p = produce(mock.bootstrap(), topic, {o.messages, o.value_bytes, "1"});
                std::cerr << "  mock      partitions=" << partitions << " run " << run + 1
                          << ": produce " << fmt(p.msgs_per_s) << " msg/s (p50 " << fmt(p.p50_ms, 2)
                          << " ms, p99 " << fmt(p.p99_ms, 2) << " ms)\n";
                m_prod.push_back(p.msgs_per_s);
                m_p50.push_back(p.p50_ms);
                m_p99.push_back(p.p99_ms);
            }
        }
        json row = {{"partitions", partitions},
                    {"messages", o.messages},
                    {"value_bytes", o.value_bytes},
                    {"runs", o.runs},
                    {"kraftlab",
                     {{"produce_msgs_per_s", median(k_prod)},
                      {"produce_mb_per_s", median(k_prod) * o.value_bytes / 1e6},
                      {"produce_p50_ms", median(k_p50)},
                      {"produce_p99_ms", median(k_p99)},
                      {"consume_msgs_per_s", median(k_cons)},
                      {"consume_mb_per_s", median(k_cons) * o.value_bytes / 1e6}}},
                    {"mock",
                     {{"produce_msgs_per_s", median(m_prod)},
                      {"produce_mb_per_s", median(m_prod) * o.value_bytes / 1e6},
                      {"produce_p50_ms", median(m_p50)},
                      {"produce_p99_ms", median(m_p99)}}},
                    {"ratios",
                     {{"produce", median(k_prod) / median(m_prod)},
                      {"consume_vs_mock_produce", median(k_cons) / median(m_prod)}}}};
        report.push_back(row);
    }

    if (o.json_output) {
        std::cout << report.dump(2) << "\n";
        return 0;
    }
    std::cout << "\nMedians of " << o.runs << " run(s), " << o.messages << " messages of "
              << o.value_bytes << " bytes, acks=1:\n\n";
    std::cout
        << "partitions  target    produce msg/s  MB/s   p50 ms  p99 ms  consume msg/s  MB/s\n";
    for (const auto& row : report) {
        const auto& k = row["kraftlab"];
        const auto& m = row["mock"];
        std::cout << fmt(row["partitions"].get<int>()) << "           kraftlab  "
                  << fmt(k["produce_msgs_per_s"]) << "        " << fmt(k["produce_mb_per_s"], 1)
                  << "   " << fmt(k["produce_p50_ms"], 2) << "    " << fmt(k["produce_p99_ms"], 2)
                  << "   " << fmt(k["consume_msgs_per_s"]) << "        "
                  << fmt(k["consume_mb_per_s"], 1) << "\n";
        std::cout << "            mock      " << fmt(m["produce_msgs_per_s"]) << "        "
                  << fmt(m["produce_mb_per_s"], 1) << "   " << fmt(m["produce_p50_ms"], 2) << "    "
                  << fmt(m["produce_p99_ms"], 2) << "\n";
        std::cout << "            ratios    produce " << fmt(row["ratios"]["produce"], 2)
                  << "x of mock; consume " << fmt(row["ratios"]["consume_vs_mock_produce"], 2)
                  << "x of mock's produce rate (goals: >= 0.80 each)\n";
    }
    return 0;
}
