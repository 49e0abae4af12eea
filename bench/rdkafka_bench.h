// Shared by the librdkafka benchmarks (clients_bench.cpp, replication_bench.cpp): a
// kraftlab-cluster child process driven over its stdin/stdout, and a librdkafka producer that
// measures throughput and per-message latency (produce() call to delivery report). Header-only;
// each benchmark is one translation unit.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "proc_stat.h"

extern char** environ;

namespace kraftlab::bench {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

[[noreturn]] inline void die(const std::string& why) {
    std::cerr << program_invocation_short_name << ": " << why << "\n";
    std::exit(1);
}

inline void set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
    char err[512];
    if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
        die(std::string("config ") + key + ": " + err);
    }
}

inline double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}

inline double median(std::vector<double> v) {
    return percentile(v, 0.5);
}

inline std::string fmt(double v, int precision = 0) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(precision);
    s << v;
    return s.str();
}

// --- produce --------------------------------------------------------------------------------

struct ProduceResult {
    double seconds = 0;
    double msgs_per_s = 0;
    double mb_per_s = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    long failed = 0;
};

struct ProduceOptions {
    long messages = 0;
    int value_bytes = 100;
    std::string acks = "1";  // librdkafka's request.required.acks: "0", "1", "all"
    double rate = 0;  // messages per second, evenly spaced; 0: as fast as librdkafka takes them
    bool idempotence = false;  // enable.idempotence (librdkafka then also needs acks=all)
    int max_in_flight = 0;     // max.in.flight.requests.per.connection; 0: librdkafka's default
    // When set: each delivered message's {seconds from the start when produce() was called,
    // latency in ms}, in send order, for latency over a window of the run.
    std::vector<std::pair<double, double>>* samples = nullptr;
};

namespace detail {
struct ProduceState {
    std::vector<Clock::time_point> sent;
    std::vector<double> latency_ms;
    long delivered = 0;
    long failed = 0;
    std::string first_error;
};

inline void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* s = static_cast<ProduceState*>(opaque);
    auto index = reinterpret_cast<std::uintptr_t>(m->_private);
    if (m->err) {
        if (s->failed++ == 0) s->first_error = rd_kafka_err2str(m->err);
    } else if (index < s->sent.size()) {
        s->latency_ms[index] =
            std::chrono::duration<double, std::milli>(Clock::now() - s->sent[index]).count();
    }
    ++s->delivered;
}
}  // namespace detail

// Produces o.messages values of o.value_bytes to `topic` (the default partitioner spreads them)
// as fast as librdkafka accepts them (or paced at o.rate), after one warm-up message so that
// metadata and connections exist before the clock starts. linger.ms 5, batches up to 10000, no
// compression. A message's latency is from its produce() call to its delivery report.
inline ProduceResult produce(const std::string& bootstrap, const std::string& topic,
                             const ProduceOptions& o) {
    detail::ProduceState state;
    const auto n = static_cast<std::size_t>(o.messages);
    state.sent.resize(n);
    state.latency_ms.assign(n, -1);

    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", bootstrap);
    set(conf, "acks", o.acks);
    set(conf, "linger.ms", "5");
    set(conf, "batch.num.messages", "10000");
    set(conf, "queue.buffering.max.messages", "2000000");
    set(conf, "queue.buffering.max.kbytes", "2097151");
    set(conf, "compression.codec", "none");
    if (o.idempotence) set(conf, "enable.idempotence", "true");
    if (o.max_in_flight > 0)
        set(conf, "max.in.flight.requests.per.connection", std::to_string(o.max_in_flight));
    rd_kafka_conf_set_dr_msg_cb(conf, detail::on_delivery);
    rd_kafka_conf_set_opaque(conf, &state);
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) die(std::string("producer: ") + err);

    std::string value(static_cast<std::size_t>(o.value_bytes), 'x');
    rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()),
                      RD_KAFKA_V_VALUE(value.data(), value.size()),
                      RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(n)), RD_KAFKA_V_END);
    rd_kafka_flush(rk, 30'000);
    if (state.failed) die("warm-up message to " + topic + " failed: " + state.first_error);
    state.delivered = 0;

    const auto start = Clock::now();
    for (long i = 0; i < o.messages; ++i) {
        if (o.rate > 0) {
            const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(i / o.rate));
            while (Clock::now() < due) {
                const auto left =
                    std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now());
                rd_kafka_poll(rk, static_cast<int>(std::max<std::int64_t>(0, left.count())));
            }
        }
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
    r.msgs_per_s = static_cast<double>(o.messages - state.failed) / seconds;
    r.mb_per_s = r.msgs_per_s * o.value_bytes / 1e6;
    std::vector<double> lat;
    lat.reserve(n);
    for (double l : state.latency_ms) {
        if (l >= 0) lat.push_back(l);
    }
    r.p50_ms = percentile(lat, 0.50);
    r.p99_ms = percentile(lat, 0.99);
    if (o.samples) {
        o.samples->clear();
        for (std::size_t i = 0; i < n; ++i) {
            if (state.latency_ms[i] < 0) continue;
            o.samples->emplace_back(std::chrono::duration<double>(state.sent[i] - start).count(),
                                    state.latency_ms[i]);
        }
    }
    return r;
}

// --- the mock cluster -------------------------------------------------------------------------

// librdkafka's in-process mock cluster (rdkafka_mock.h): the peer a benchmark compares the lab
// with, in the same run, with the same client.
class MockCluster {
  public:
    explicit MockCluster(int brokers = 1) {
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        set(conf, "log_level", "3");  // the owner handle has no bootstrap servers, on purpose
        char err[512];
        owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
        if (!owner_) die(std::string("mock owner: ") + err);
        cluster_ = rd_kafka_mock_cluster_new(owner_, brokers);
        if (!cluster_) die("rd_kafka_mock_cluster_new failed");
        bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
    }
    ~MockCluster() {
        rd_kafka_mock_cluster_destroy(cluster_);
        rd_kafka_destroy(owner_);
    }
    const std::string& bootstrap() const { return bootstrap_; }
    void create_topic(const std::string& name, int partitions, int replication_factor = 1) {
        if (rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replication_factor))
            die("mock topic");
    }

  private:
    rd_kafka_t* owner_ = nullptr;
    rd_kafka_mock_cluster_t* cluster_ = nullptr;
    std::string bootstrap_;
};

// --- kraftlab-cluster as a child process --------------------------------------------------------

// Starts `binary` with `args` plus a fresh session directory, waits for its 'ready' line, and
// answers commands. A thread reads the child's stdout all the time (its events would otherwise
// fill the pipe and stall the lab) and keeps only the 'reply' lines.
class LabChild {
  public:
    LabChild(const std::string& binary, std::vector<std::string> args) {
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
        args.insert(args.begin(), binary);
        args.push_back("--data");
        args.push_back(dir_.string());
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
            die("cannot start " + binary);
        }
        posix_spawn_file_actions_destroy(&actions);
        close(in_pipe[0]);
        close(out_pipe[1]);
        to_child_ = fdopen(in_pipe[1], "w");
        from_child_ = fdopen(out_pipe[0], "r");
        reader_ = std::thread([this] { read_loop(); });
        json ready = wait_for("ready");
        bootstrap_ = ready.at("bootstrap").get<std::string>();
    }
    ~LabChild() {
        if (to_child_) {
            std::fputs("quit\n", to_child_);
            std::fclose(to_child_);
        }
        int status = 0;
        waitpid(pid_, &status, 0);
        if (reader_.joinable()) reader_.join();
        if (from_child_) std::fclose(from_child_);
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    LabChild(const LabChild&) = delete;
    LabChild& operator=(const LabChild&) = delete;

    const std::string& bootstrap() const { return bootstrap_; }
    pid_t pid() const { return pid_; }

    // Sends one command line and returns its reply; dies if the lab says it failed.
    json command(const std::string& line) {
        std::fputs((line + "\n").c_str(), to_child_);
        std::fflush(to_child_);
        json reply = wait_for("reply");
        if (!reply.value("ok", false)) die("lab command '" + line + "' failed: " + reply.dump());
        return reply;
    }

  private:
    void read_loop() {
        char* line = nullptr;
        std::size_t cap = 0;
        while (getline(&line, &cap, from_child_) > 0) {
            if (!std::strstr(line, "\"reply\"") && !std::strstr(line, "\"ready\"")) continue;
            json j = json::parse(line, nullptr, false);
            const std::string type = j.is_discarded() ? "" : j.value("type", "");
            if (type == "reply" || type == "ready") {
                std::lock_guard lock(mutex_);
                lines_.push_back(std::move(j));
                cv_.notify_all();
            }
        }
        free(line);
        std::lock_guard lock(mutex_);
        ended_ = true;
        cv_.notify_all();
    }

    json wait_for(const std::string& type) {
        std::unique_lock lock(mutex_);
        for (;;) {
            for (auto it = lines_.begin(); it != lines_.end(); ++it) {
                if (it->value("type", "") == type) {
                    json j = std::move(*it);
                    lines_.erase(it);
                    return j;
                }
            }
            if (ended_) die("kraftlab-cluster ended unexpectedly");
            cv_.wait(lock);
        }
    }

    std::filesystem::path dir_;
    pid_t pid_ = 0;
    FILE* to_child_ = nullptr;
    FILE* from_child_ = nullptr;
    std::string bootstrap_;
    std::thread reader_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<json> lines_;
    bool ended_ = false;
};

// The kraftlab-cluster next to this benchmark's executable (build/bin/).
inline std::string default_cluster_binary() {
    std::filesystem::path self = std::filesystem::canonical("/proc/self/exe");
    return (self.parent_path() / "kraftlab-cluster").string();
}

}  // namespace kraftlab::bench
