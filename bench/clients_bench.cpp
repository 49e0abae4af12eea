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
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
    long messages = 1'000'000;
    int runs = 3;
    int value_bytes = 100;
    std::vector<int> partitions = {1, 6};
    std::string cluster;
    bool json_output = false;
};

struct ProduceResult {
    double seconds = 0;
    double msgs_per_s = 0;
    double mb_per_s = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    long failed = 0;
};

struct ConsumeResult {
    double seconds = 0;
    double msgs_per_s = 0;
    double mb_per_s = 0;
    long received = 0;
};

[[noreturn]] void die(const std::string& why) {
    std::cerr << "kraftlab-bench-clients: " << why << "\n";
    std::exit(1);
}

void set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
    char err[512];
    if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
        die(std::string("config ") + key + ": " + err);
    }
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}

double median(std::vector<double> v) {
    return percentile(v, 0.5);
}

// --- produce --------------------------------------------------------------------------------

struct ProduceState {
    std::vector<Clock::time_point> sent;
    std::vector<double> latency_ms;
    long delivered = 0;
    long failed = 0;
    std::string first_error;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* s = static_cast<ProduceState*>(opaque);
    auto index = reinterpret_cast<std::uintptr_t>(m->_private);
    if (m->err) {
        if (s->failed++ == 0) s->first_error = rd_kafka_err2str(m->err);
    } else {
        s->latency_ms[index] =
            std::chrono::duration<double, std::milli>(Clock::now() - s->sent[index]).count();
    }
    ++s->delivered;
}

ProduceResult produce(const std::string& bootstrap, const std::string& topic, const Options& o) {
    ProduceState state;
    state.sent.resize(static_cast<std::size_t>(o.messages));
    state.latency_ms.assign(static_cast<std::size_t>(o.messages), -1);

    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", bootstrap);
    set(conf, "acks", "1");
    set(conf, "linger.ms", "5");
    set(conf, "batch.num.messages", "10000");
    set(conf, "queue.buffering.max.messages", "2000000");
    set(conf, "queue.buffering.max.kbytes", "2097151");
    set(conf, "compression.codec", "none");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &state);
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) die(std::string("producer: ") + err);

    std::string value(static_cast<std::size_t>(o.value_bytes), 'x');
    // Warm up: one message so that metadata and connections exist before the clock starts.
    rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()),
                      RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_END);
    rd_kafka_flush(rk, 30'000);
    state.delivered = 0;
    state.failed = 0;

    const auto start = Clock::now();
    for (long i = 0; i < o.messages; ++i) {
        state.sent[static_cast<std::size_t>(i)] = Clock::now();
        for (;;) {
            rd_kafka_resp_err_t e = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_VALUE(value.data(), value.size()),
                RD_KAFKA_V_MSGFLAGS(0), RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(i)),
                RD_KAFKA_V_END);
            if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
            if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                die(std::string("produce: ") + rd_kafka_err2str(e));
            rd_kafka_poll(rk, 1);
        }
        if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
    }
    while (state.delivered < o.messages) {
        rd_kafka_poll(rk, 100);
        if (std::chrono::duration<double>(Clock::now() - start).count() > 600)
            die("produce timed out");
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    rd_kafka_destroy(rk);

    ProduceResult r;
    r.seconds = seconds;
    r.failed = state.failed;
    if (state.failed) std::cerr << "  " << state.failed << " failed: " << state.first_error << "\n";
    r.msgs_per_s = static_cast<double>(o.messages) / seconds;
    r.mb_per_s = r.msgs_per_s * o.value_bytes / 1e6;
    std::vector<double> lat;
    lat.reserve(state.latency_ms.size());
    for (double l : state.latency_ms) {
        if (l >= 0) lat.push_back(l);
    }
    r.p50_ms = percentile(lat, 0.50);
    r.p99_ms = percentile(lat, 0.99);
    return r;
}

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

// kraftlab-cluster as a child process: one broker, a fresh session directory.
class LabChild {
  public:
    explicit LabChild(const std::string& binary) {
        dir_ =
            std::filesystem::temp_directory_path() / ("kraftlab-bench-" + std::to_string(getpid()));
        std::filesystem::remove_all(dir_);
        int in_pipe[2], out_pipe[2];
        if (pipe(in_pipe) || pipe(out_pipe)) die("pipe");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
        posix_spawn_file_actions_addclose(&actions, in_pipe[1]);
        posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
        std::string data = dir_.string();
        std::vector<char*> argv = {const_cast<char*>(binary.c_str()),
                                   const_cast<char*>("--brokers"),
                                   const_cast<char*>("1"),
                                   const_cast<char*>("--data"),
                                   data.data(),
                                   nullptr};
        if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
            die("cannot start " + binary);
        }
        posix_spawn_file_actions_destroy(&actions);
        close(in_pipe[0]);
        close(out_pipe[1]);
        to_child_ = fdopen(in_pipe[1], "w");
        from_child_ = fdopen(out_pipe[0], "r");
        json ready = read_until([](const json& j) { return j.value("type", "") == "ready"; });
        bootstrap_ = ready.at("bootstrap").get<std::string>();
    }
    ~LabChild() {
        if (to_child_) {
            std::fputs("quit\n", to_child_);
            std::fclose(to_child_);
        }
        int status = 0;
        waitpid(pid_, &status, 0);
        if (from_child_) std::fclose(from_child_);
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    const std::string& bootstrap() const { return bootstrap_; }
    pid_t pid() const { return pid_; }

    void command(const std::string& line) {
        std::fputs((line + "\n").c_str(), to_child_);
        std::fflush(to_child_);
        json reply = read_until([](const json& j) { return j.value("type", "") == "reply"; });
        if (!reply.value("ok", false)) die("lab command '" + line + "' failed: " + reply.dump());
    }

  private:
    template <typename Pred>
    json read_until(Pred pred) {
        char* line = nullptr;
        std::size_t cap = 0;
        while (getline(&line, &cap, from_child_) > 0) {
            json j = json::parse(line, nullptr, false);
            if (!j.is_discarded() && pred(j)) {
                free(line);
                return j;
            }
        }
        free(line);
        die("kraftlab-cluster ended unexpectedly");
    }

    std::filesystem::path dir_;
    pid_t pid_ = 0;
    FILE* to_child_ = nullptr;
    FILE* from_child_ = nullptr;
    std::string bootstrap_;
};

class MockCluster {
  public:
    MockCluster() {
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        set(conf, "log_level", "3");  // the owner handle has no bootstrap servers, on purpose
        char err[512];
        owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        if (!owner_) die(std::string("mock owner: ") + err);
        cluster_ = rd_kafka_mock_cluster_new(owner_, 1);
        if (!cluster_) die("rd_kafka_mock_cluster_new failed");
        bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
    }
    ~MockCluster() {
        rd_kafka_mock_cluster_destroy(cluster_);
        rd_kafka_destroy(owner_);
    }
    const std::string& bootstrap() const { return bootstrap_; }
    void create_topic(const std::string& name, int partitions) {
        if (rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1)) die("mock topic");
    }

  private:
    rd_kafka_t* owner_ = nullptr;
    rd_kafka_mock_cluster_t* cluster_ = nullptr;
    std::string bootstrap_;
};

Options parse(int argc, char** argv) {
    Options o;
    std::filesystem::path self = std::filesystem::canonical("/proc/self/exe");
    o.cluster = (self.parent_path() / "kraftlab-cluster").string();
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

std::string fmt(double v, int precision = 0) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(precision);
    s << v;
    return s.str();
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
                LabChild lab(o.cluster);
                lab.command("create-topic " + topic + " " + std::to_string(partitions));
                auto p = produce(lab.bootstrap(), topic, o);
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
                auto p = produce(mock.bootstrap(), topic, o);
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
