// kraftlab-bench-groups: consumer groups against kraftlab-cluster (a child process, 3 controllers,
// 3 brokers, writing to disk), with librdkafka consumers. Never part of the test verdict.
//
//   kraftlab-bench-groups [--messages N] [--runs R] [--rebalances K] [--cluster PATH] [--json]
//
// Rebalance: a group of 4 consumers (range assignor, session.timeout.ms 3000, heartbeats every
// 300 ms) on a 12-partition topic; one member leaves (consumer_close: LeaveGroup) or dies (its
// handle destroyed without closing: it just stops heartbeating), and the time until the other
// three own all 12 partitions again is measured, K times each (a fresh group every time);
// median and p95.
// Throughput: N records of 100 B in the 12 partitions read by a group of 1, 2 and 4 consumers
// (subscribe; the coordinator assigns) and, side by side in the same run, by one consumer with
// assign() to every partition (no group); R runs each, alternating, medians and the ratio to
// assign(). A run's clock starts at its first record and stops when every one of the N distinct
// records has arrived: a member that joins late makes a second rebalance, and with no commits
// the new owner of a partition reads it again from the start; those records count once (and
// how many were read again is reported).
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "rdkafka_bench.h"

namespace {

using namespace kraftlab::bench;

constexpr int kPartitions = 12;
const std::string kTopic = "groups-bench";

struct Options {
    long messages = 1'000'000;
    int runs = 3;
    int rebalances = 20;
    std::string cluster;
    bool json_output = false;
};

// One consumer on its own thread: polls, counts records, and follows the group's assignments
// (eager protocol: a revoke, then the new assignment).
// The distinct records a run has read, over all its members.
struct Seen {
    std::mutex mutex;
    std::unordered_set<std::uint64_t> keys;
    std::atomic<long> distinct{0};
    std::atomic<long> again{0};
    void add(std::int32_t partition, std::int64_t offset) {
        const auto key =
            (static_cast<std::uint64_t>(partition) << 40) | static_cast<std::uint64_t>(offset);
        std::lock_guard lock(mutex);
        if (keys.insert(key).second) {
            ++distinct;
        } else {
            ++again;
        }
    }
};

class Member {
  public:
    Member(const std::string& bootstrap, const std::string& group, Seen* seen = nullptr)
        : seen_(seen) {
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", bootstrap);
        set(conf, "group.id", group);
        set(conf, "partition.assignment.strategy", "range");
        set(conf, "session.timeout.ms", "3000");
        set(conf, "heartbeat.interval.ms", "300");
        set(conf, "enable.auto.commit", "false");
        set(conf, "auto.offset.reset", "earliest");
        set(conf, "fetch.message.max.bytes", "1048576");
        set(conf, "log_level", "3");
        rd_kafka_conf_set_rebalance_cb(conf, &Member::on_rebalance);
        rd_kafka_conf_set_opaque(conf, this);
        char err[512];
        rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
        if (!rk_) die(std::string("consumer: ") + err);
        rd_kafka_poll_set_consumer(rk_);
        rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, kTopic.c_str(), RD_KAFKA_PARTITION_UA);
        if (rd_kafka_subscribe(rk_, topics)) die("subscribe failed");
        rd_kafka_topic_partition_list_destroy(topics);
        thread_ = std::thread([this] { poll_loop(); });
    }
    ~Member() { leave(); }
    Member(const Member&) = delete;
    Member& operator=(const Member&) = delete;

    // LeaveGroup, as a consumer that closes does.
    void leave() {
        if (!rk_) return;
        stop_thread();
        rd_kafka_consumer_close(rk_);
        rd_kafka_destroy(rk_);
        rk_ = nullptr;
    }
    // Gone without a word: the coordinator notices only when its session times out.
    void die_silently() {
        if (!rk_) return;
        stop_thread();
        rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        rk_ = nullptr;
    }

    long received() const { return received_.load(); }
    int assigned() const { return assigned_.load(); }
    int assignments() const { return assignments_.load(); }
    std::optional<Clock::time_point> first_record() const {
        std::lock_guard lock(mutex_);
        return first_;
    }

  private:
    static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t* partitions, void* opaque) {
        auto* self = static_cast<Member*>(opaque);
        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
            rd_kafka_assign(rk, partitions);
            self->assigned_ = partitions->cnt;
            ++self->assignments_;
        } else {
            rd_kafka_assign(rk, nullptr);
            self->assigned_ = 0;
        }
    }
    void poll_loop() {
        while (!stop_.load()) {
            rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 50);
            if (!m) continue;
            if (!m->err) {
                if (received_.fetch_add(1) == 0) {
                    std::lock_guard lock(mutex_);
                    first_ = Clock::now();
                }
                if (seen_) seen_->add(m->partition, m->offset);
            }
            rd_kafka_message_destroy(m);
        }
    }
    void stop_thread() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }

    Seen* seen_ = nullptr;
    rd_kafka_t* rk_ = nullptr;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<long> received_{0};
    std::atomic<int> assigned_{0};
    std::atomic<int> assignments_{0};
    mutable std::mutex mutex_;
    std::optional<Clock::time_point> first_;
};

template <typename Pred>
bool wait_until(Pred pred, double seconds) {
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return pred();
}

// One rebalance after one of 4 members leaves (or dies): seconds until the other three own
// every partition in a new generation; -1 if it never happened within 30 s.
double one_rebalance(const std::string& bootstrap, const std::string& group, bool leave) {
    std::vector<std::unique_ptr<Member>> members;
    for (int i = 0; i < 4; ++i)
        members.push_back(std::make_unique<Member>(bootstrap, group));
    auto owned = [&](std::size_t from) {
        int n = 0;
        for (std::size_t i = from; i < members.size(); ++i)
            n += members[i]->assigned();
        return n;
    };
    // Stable with four: every member has its share (range: 3 partitions each).
    if (!wait_until(
            [&] {
                for (const auto& m : members) {
                    if (m->assigned() != kPartitions / 4) return false;
                }
                return true;
            },
            30)) {
        die("a group of 4 did not settle with 3 partitions each");
    }
    std::vector<int> before;
    for (const auto& m : members)
        before.push_back(m->assignments());
    const auto t0 = Clock::now();
    if (leave) {
        members[0]->leave();
    } else {
        members[0]->die_silently();
    }
    const bool done = wait_until(
        [&] {
            for (std::size_t i = 1; i < members.size(); ++i) {
                if (members[i]->assignments() <= before[i]) return false;
            }
            return owned(1) == kPartitions;
        },
        30);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return done ? seconds : -1;
}

// Seconds for `n` group members (or, with n == 0, one assign() consumer) to read every record;
// *again: records a member read that another (or it) had read before in this run.
double one_read(const std::string& bootstrap, const std::string& group, int n, long expected,
                long* again) {
    *again = 0;
    if (n == 0) {
        rd_kafka_conf_t* conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", bootstrap);
        set(conf, "group.id", group);  // required by librdkafka; no subscribe()
        set(conf, "enable.auto.commit", "false");
        set(conf, "fetch.message.max.bytes", "1048576");
        char err[512];
        rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
        if (!rk) die(std::string("consumer: ") + err);
        rd_kafka_poll_set_consumer(rk);
        rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(kPartitions);
        for (int p = 0; p < kPartitions; ++p) {
            rd_kafka_topic_partition_list_add(list, kTopic.c_str(), p)->offset =
                RD_KAFKA_OFFSET_BEGINNING;
        }
        rd_kafka_assign(rk, list);
        rd_kafka_topic_partition_list_destroy(list);
        long received = 0;
        std::optional<Clock::time_point> first;
        const auto deadline = Clock::now() + std::chrono::seconds(300);
        while (received < expected && Clock::now() < deadline) {
            rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 50);
            if (!m) continue;
            if (!m->err) {
                if (!first) first = Clock::now();
                ++received;
            }
            rd_kafka_message_destroy(m);
        }
        const auto last = Clock::now();
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        if (received < expected || !first) die("assign() did not read every record");
        return std::chrono::duration<double>(last - *first).count();
    }
    Seen seen;
    std::vector<std::unique_ptr<Member>> members;
    for (int i = 0; i < n; ++i)
        members.push_back(std::make_unique<Member>(bootstrap, group, &seen));
    if (!wait_until([&] { return seen.distinct.load() >= expected; }, 300))
        die("a group of " + std::to_string(n) + " did not read every record");
    const auto last = Clock::now();
    *again = seen.again.load();
    std::optional<Clock::time_point> first;
    for (const auto& m : members) {
        const auto f = m->first_record();
        if (f && (!first || *f < *first)) first = f;
    }
    return std::chrono::duration<double>(last - *first).count();
}

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
        } else if (a == "--rebalances") {
            o.rebalances = std::stoi(next());
        } else if (a == "--cluster") {
            o.cluster = next();
        } else if (a == "--json") {
            o.json_output = true;
        } else {
            die("usage: kraftlab-bench-groups [--messages N] [--runs R] [--rebalances K] "
                "[--cluster PATH] [--json]");
        }
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    LabChild lab(o.cluster, {"--controllers", "3", "--brokers", "3"});
    lab.command("create-topic " + kTopic + " " + std::to_string(kPartitions) + " 3");
    ProduceOptions po;
    po.messages = o.messages;
    po.value_bytes = 100;
    // acks=all: every record is replicated (below the high watermark) before the reads start,
    // so no run waits for the followers to catch up.
    po.acks = "all";
    const auto produced = produce(lab.bootstrap(), kTopic, po);
    if (produced.failed) die("producing the data failed");
    const long expected = o.messages + 1;  // the warm-up record too

    json report = {{"messages", expected}, {"partitions", kPartitions}};
    int group_seq = 0;
    auto next_group = [&] { return "bench-" + std::to_string(++group_seq); };

    // Rebalances.
    for (bool leave : {true, false}) {
        std::vector<double> times;
        int failed = 0;
        for (int k = 0; k < o.rebalances; ++k) {
            const double s = one_rebalance(lab.bootstrap(), next_group(), leave);
            if (s < 0) {
                ++failed;
            } else {
                times.push_back(s * 1000);
            }
        }
        const std::string name = leave ? "leave" : "session_timeout";
        report["rebalance_" + name] = {{"median_ms", median(times)},
                                       {"p95_ms", percentile(times, 0.95)},
                                       {"runs", times.size()},
                                       {"failed", failed}};
        if (!o.json_output) {
            std::cout << "rebalance after a member " << (leave ? "leaves (LeaveGroup)" : "dies")
                      << ": median " << fmt(median(times)) << " ms, p95 "
                      << fmt(percentile(times, 0.95)) << " ms over " << times.size() << " runs"
                      << (failed ? " (" + std::to_string(failed) + " never settled)" : "")
                      << (leave ? "" : "; session.timeout.ms 3000") << "\n";
        }
    }

    // Throughput: alternate the setups run by run so that noise hits them alike.
    const std::vector<int> setups = {0, 1, 2, 4};
    std::map<int, std::vector<double>> rates;
    std::map<int, long> read_again;
    for (int r = 0; r < o.runs; ++r) {
        for (int n : setups) {
            long again = 0;
            const double s = one_read(lab.bootstrap(), next_group(), n, expected, &again);
            rates[n].push_back(static_cast<double>(expected) / s);
            read_again[n] += again;
        }
    }
    const double base = median(rates[0]);
    for (int n : setups) {
        const double m = median(rates[n]);
        const std::string name = n == 0 ? "assign" : "group_" + std::to_string(n);
        report["consume_" + name] = {{"median_msgs_per_s", m},
                                     {"ratio_to_assign", m / base},
                                     {"read_again_total", read_again[n]}};
        if (!o.json_output) {
            std::cout << (n == 0 ? std::string("assign() to all 12")
                                 : "group of " + std::to_string(n))
                      << ": " << fmt(m) << " msg/s median of " << o.runs << " (" << fmt(m / base, 2)
                      << "x assign())\n";
        }
    }
    if (o.json_output) std::cout << report.dump(2) << "\n";
    return 0;
}
