// The built-in workload against an in-process lab (brokers on ephemeral ports, a temporary
// session directory): partitioners place records as Java does; a producer delivers exactly what
// it was asked to and a consumer reads exactly that back; acks change live; a misbehaving
// partitioner is counted, never fatal; a leader killed mid-run loses nothing acknowledged; a
// producer whose only broker is down stops growing; consumers start from earliest or latest and
// their lag falls to zero; brokers show the keys they appended last. The audit of acknowledged
// writes: a clean run loses nothing; a power loss loses exactly what was acknowledged after the
// last flush; a process crash loses nothing. Brokers forward only the "any broker" route's
// produces, and refuse a Fetch or OffsetForLeaderEpoch naming the wrong leader epoch (KIP-320).
#include <pthread.h>

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "core/client_ids.h"
#include "core/latency_histogram.h"
#include "lab/cluster.h"
#include "net/kafka_client.h"
#include "protocol/fetch.h"
#include "protocol/murmur2.h"
#include "protocol/offset_for_leader_epoch.h"
#include "protocol/records.h"

using namespace kraftlab;
using namespace std::chrono_literals;
using lab::Cluster;
using lab::ProducerConfig;

namespace {

std::string text(protocol::ByteView v) {
    return std::string(v.begin(), v.end());
}
protocol::ByteView bytes(const std::string& s) {
    return protocol::ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// Polls until the condition holds or the time is up.
bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

// Runs `body` on a fresh connection to the broker at 127.0.0.1:port, as client `client_id`,
// until it ends (15 s at most). False if the connection could not be made.
bool with_broker(std::uint16_t port, const std::string& client_id,
                 const std::function<net::awaitable<void>(net::KafkaClient&)>& body) {
    net::asio::io_context io;
    net::KafkaClientConfig config;
    config.client_id = client_id;
    auto client = net::KafkaClient::create(io.get_executor(), config);
    bool connected = false;
    net::asio::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
            if (!co_await client->connect("127.0.0.1", port)) co_return;
            connected = true;
            co_await body(*client);
            client->close("done");
        },
        net::asio::detached);
    io.run_for(15s);
    return connected;
}

// (partition, offset, key, value) as the producer was told or the consumer read.
using Seen = std::tuple<std::int32_t, std::int64_t, std::string, std::string>;

// What hooks saw, thread-safely (hooks run on the producer's and consumer's threads).
struct Recorder {
    std::mutex mutex;
    std::vector<Seen> acked;
    std::vector<Seen> read;

    lab::ProducerHooks producer_hooks() {
        return {[this](std::span<const lab::AckedRecord> records) {
            std::lock_guard lock(mutex);
            for (const auto& r : records)
                acked.emplace_back(r.partition, r.offset, r.key ? text(*r.key) : "", text(r.value));
        }};
    }
    lab::ConsumerHooks consumer_hooks() {
        return {[this](std::int32_t p, const protocol::Record& r) {
            std::lock_guard lock(mutex);
            read.emplace_back(p, r.offset, r.key ? std::string(r.key->begin(), r.key->end()) : "",
                              r.value ? std::string(r.value->begin(), r.value->end()) : "");
        }};
    }
    std::size_t acked_count() {
        std::lock_guard lock(mutex);
        return acked.size();
    }
    std::size_t read_count() {
        std::lock_guard lock(mutex);
        return read.size();
    }
};

class Lab {
  public:
    explicit Lab(int brokers) {
        lab::LabConfig config;
        config.brokers = brokers;
        config.data_dir = dir_.path().toStdString() + "/session";
        cluster_ = std::make_unique<Cluster>(config);
    }
    bool start() { return !cluster_->start().has_value(); }
    Cluster& operator*() { return *cluster_; }
    Cluster* operator->() { return cluster_.get(); }

    std::shared_ptr<const core::ProducerSnapshot> producer(std::int32_t id) {
        for (const auto& s : cluster_->snapshots().producers()) {
            if (s->id == id) return s;
        }
        return nullptr;
    }
    std::shared_ptr<const core::ConsumerSnapshot> consumer(std::int32_t id) {
        for (const auto& s : cluster_->snapshots().consumers()) {
            if (s->id == id) return s;
        }
        return nullptr;
    }
    // Events seen so far (drained from the bus and kept).
    const std::vector<core::Event>& events() {
        cluster_->events().drain(events_);
        return events_;
    }
    std::size_t count_events(core::EventKind kind, const std::string& containing = {}) {
        std::size_t n = 0;
        for (const auto& e : events()) {
            if (e.kind == kind && e.explain.find(containing) != std::string::npos) ++n;
        }
        return n;
    }

  private:
    QTemporaryDir dir_;
    std::unique_ptr<Cluster> cluster_;
    std::vector<core::Event> events_;
};

ProducerConfig producer_for(const std::string& topic, double rate) {
    ProducerConfig c;
    c.topic = topic;
    c.records_per_second = rate;
    return c;
}

// Sleeps until the producer has nothing buffered or in flight.
bool settled(Lab& lab, std::int32_t id) {
    return wait_for([&] {
        auto s = lab.producer(id);
        return s && s->records_buffered == 0 &&
               s->records_sent_total == s->records_acked_total + s->records_failed_total;
    });
}

std::string this_thread_name() {
    char name[32] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    return name;
}

// Where custom partitioners were built, used and destroyed (thread names).
struct ThreadLog {
    std::mutex mutex;
    std::set<std::string> built, chose, destroyed;
    void add(std::set<std::string>& where) {
        std::lock_guard lock(mutex);
        where.insert(this_thread_name());
    }
};

// A partitioner that fails in every way it can, by record number.
class MisbehavingPartitioner : public lab::Partitioner {
  public:
    explicit MisbehavingPartitioner(ThreadLog& log) : log_(log) { log_.add(log_.built); }
    ~MisbehavingPartitioner() override { log_.add(log_.destroyed); }
    Choice choose(std::optional<protocol::ByteView>, protocol::ByteView,
                  std::int32_t num_partitions) override {
        const auto n = calls_++;
        if (n == 0) log_.add(log_.chose);
        if (n % 11 == 10) throw std::runtime_error("boom");
        if (n % 7 == 6) return {0, "no partition for you"};
        if (n % 5 == 4) return {num_partitions, {}};
        if (n % 3 == 2) return {-1, {}};
        return {static_cast<std::int32_t>(n % static_cast<std::uint64_t>(num_partitions)), {}};
    }
    // How many of the first n calls fail.
    static std::uint64_t failures(std::uint64_t n) {
        std::uint64_t f = 0;
        for (std::uint64_t i = 0; i < n; ++i)
            f += (i % 11 == 10 || i % 7 == 6 || i % 5 == 4 || i % 3 == 2) ? 1 : 0;
        return f;
    }

  private:
    ThreadLog& log_;
    std::uint64_t calls_ = 0;
};

}  // namespace

class WorkloadTest : public QObject {
    Q_OBJECT

  private slots:
    void round_robin_spreads_evenly() {
        auto p = lab::make_round_robin_partitioner();
        std::map<std::int32_t, int> counts;
        for (int i = 0; i < 1200; ++i) {
            auto c = p->choose(std::nullopt, {}, 12);
            QVERIFY(c.error.empty());
            ++counts[c.partition];
        }
        QCOMPARE(counts.size(), std::size_t{12});
        for (const auto& [partition, n] : counts)
            QCOMPARE(n, 100);
        QVERIFY(!p->choose(std::nullopt, {}, 0).error.empty());
        QCOMPARE(lab::partitioner_name(lab::PartitionerKind::RoundRobin),
                 std::string_view("round-robin"));
        QCOMPARE(lab::partitioner_name(lab::PartitionerKind::KeyHash),
                 std::string_view("key-hash"));
    }

    void key_hash_matches_javas_murmur2_partition() {
        // AK UtilsTest.testMurmur2 (KAFKA-NOTES §3): murmur2 values; Java's partition is
        // toPositive(hash) % numPartitions.
        const std::vector<std::pair<std::string, std::int32_t>> java = {
            {"21", -973932308},
            {"foobar", -790332482},
            {"a-little-bit-long-string", -985981536},
            {"abc", 479470107},
            {"", 275646681}};
        auto p = lab::make_key_hash_partitioner();
        for (std::int32_t n : {1, 3, 6, 12, 100}) {
            for (const auto& [key, hash] : java) {
                const auto expected = (hash & 0x7fffffff) % n;
                auto c = p->choose(bytes(key), {}, n);
                QVERIFY(c.error.empty());
                QCOMPARE(c.partition, expected);
            }
        }
        // Null keys go round robin.
        std::set<std::int32_t> seen;
        for (int i = 0; i < 6; ++i)
            seen.insert(p->choose(std::nullopt, {}, 6).partition);
        QCOMPARE(seen.size(), std::size_t{6});
    }

    void a_producer_delivers_exactly_what_it_was_asked_and_a_consumer_reads_it_back() {
        Lab lab(3);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("orders", 6).ok);
        Recorder rec;
        auto config = producer_for("orders", 2000);
        config.max_records = 3000;
        const auto t0 = std::chrono::steady_clock::now();
        auto [added, id] = lab->add_producer(config, rec.producer_hooks());
        QVERIFY2(added.ok, added.message.c_str());
        QCOMPARE(id, 1);
        QVERIFY(wait_for([&] { return rec.acked_count() == 3000; }));
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        // 3000 records at 2000/s: paced, not sent in one burst.
        QVERIFY2(seconds > 1.3 && seconds < 4.0, std::to_string(seconds).c_str());
        QVERIFY(settled(lab, id));
        auto s = lab.producer(id);
        QCOMPARE(s->records_acked_total, std::uint64_t{3000});
        QCOMPARE(s->records_sent_total, std::uint64_t{3000});
        QCOMPARE(s->records_failed_total, std::uint64_t{0});
        QCOMPARE(s->acked_per_partition, std::vector<std::uint64_t>(6, 500));  // round robin
        QVERIFY(s->last_error.empty());
        // Latency over the last 10 s: every record of this short run, real percentiles.
        QVERIFY(s->latency_window);
        QCOMPARE(s->latency_window->count(), std::uint64_t{3000});
        QVERIFY(s->latency_p50_ms > 0 && s->latency_p50_ms <= s->latency_p99_ms);
        QCOMPARE(s->latency_p99_ms, s->latency_window->percentile_ms(0.99));
        QCOMPARE(
            lab.count_events(core::EventKind::ProducerStarted,
                             "producer 1 sends 2000 records/s to orders (round-robin, acks=all)"),
            std::size_t{1});

        auto [consumed, cid] = lab->add_consumer({"orders"}, rec.consumer_hooks());
        QVERIFY2(consumed.ok, consumed.message.c_str());
        QVERIFY(wait_for([&] { return rec.read_count() >= 3000; }));
        std::this_thread::sleep_for(300ms);  // nothing more arrives
        std::set<Seen> acked, read;
        {
            std::lock_guard lock(rec.mutex);
            acked.insert(rec.acked.begin(), rec.acked.end());
            read.insert(rec.read.begin(), rec.read.end());
            QCOMPARE(rec.read.size(), std::size_t{3000});
        }
        QCOMPARE(acked.size(), std::size_t{3000});
        QVERIFY(acked == read);
        // Content: key-<n> and "<n>-abc..." of 100 bytes, every n once.
        std::set<std::string> keys;
        for (const auto& [p, offset, key, value] : acked) {
            QCOMPARE(value.size(), std::size_t{100});
            const auto n = key.substr(4);
            QCOMPARE(key, "key-" + n);
            QVERIFY(value.starts_with(n + "-"));
            keys.insert(key);
        }
        QCOMPARE(keys.size(), std::size_t{3000});
        QVERIFY(wait_for([&] {
            auto c = lab.consumer(cid);
            if (!c || c->records_total != 3000 || c->partitions.size() != 6) return false;
            for (const auto& p : c->partitions) {
                if (p.lag != 0 || p.position != 500 || p.high_watermark != 500) return false;
            }
            return true;
        }));
        // Brokers show the keys they appended last, as they were sent.
        std::set<std::string> recent;
        for (const auto& b : lab->snapshots().brokers()) {
            for (const auto& p : b->partitions) {
                if (!p.is_leader || p.topic != "orders") continue;
                QCOMPARE(p.recent_keys.size(), std::size_t{8});
                QCOMPARE(p.recent_keys_end_offset, p.log_end_offset);
                recent.insert(p.recent_keys.begin(), p.recent_keys.end());
            }
        }
        QCOMPARE(recent.size(), std::size_t{48});
        QVERIFY(recent.contains("key-2999"));
        for (const auto& k : recent)
            QVERIFY2(keys.contains(k), k.c_str());
    }

    void acks_0_1_and_all_work_and_change_live() {
        Lab lab(2);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("acks", 4).ok);
        auto config = producer_for("acks", 1000);
        config.acks = 0;
        auto [added, id] = lab->add_producer(config);
        QVERIFY(added.ok);
        auto acked = [&] {
            auto s = lab.producer(id);
            return s ? s->records_acked_total : 0;
        };
        QVERIFY(wait_for([&] { return acked() >= 200; }));
        QCOMPARE(lab.producer(id)->acks, std::int16_t{0});
        for (std::int16_t acks : {std::int16_t{1}, std::int16_t{-1}, std::int16_t{0}}) {
            config.acks = acks;
            auto r = lab->update_producer(id, config);
            QVERIFY2(r.ok, r.message.c_str());
            QCOMPARE(lab->producer_config(id)->acks, acks);
            const auto before = acked();
            QVERIFY(wait_for([&] {
                auto s = lab.producer(id);
                return s->acks == acks && s->records_acked_total >= before + 200;
            }));
        }
        QCOMPARE(lab.count_events(core::EventKind::ProducerChanged, "acks 0 -> 1"), std::size_t{1});
        QCOMPARE(lab.count_events(core::EventKind::ProducerChanged, "acks 1 -> all"),
                 std::size_t{1});
        config.records_per_second = 0;  // pause: rate 0 is legal
        QVERIFY(lab->update_producer(id, config).ok);
        QVERIFY(settled(lab, id));
        auto s = lab.producer(id);
        QCOMPARE(s->records_failed_total, std::uint64_t{0});
        // Everything sent, with any acks, is in the logs.
        auto [consumed, cid] = lab->add_consumer({"acks"});
        QVERIFY(consumed.ok);
        QVERIFY(wait_for([&] {
            auto c = lab.consumer(cid);
            return c && c->records_total == s->records_acked_total;
        }));
    }

    void a_bad_custom_partitioner_is_counted_never_fatal() {
        Lab lab(1);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("custom", 3).ok);
        auto config = producer_for("custom", 5000);
        config.partitioner = lab::PartitionerKind::Custom;
        ThreadLog threads;
        config.custom_partitioner = [&](std::string*) -> std::unique_ptr<lab::Partitioner> {
            return std::make_unique<MisbehavingPartitioner>(threads);
        };
        config.max_records = 2000;
        auto [added, id] = lab->add_producer(config);
        QVERIFY2(added.ok, added.message.c_str());
        const auto failures = MisbehavingPartitioner::failures(2000);
        QVERIFY(wait_for([&] {
            auto s = lab.producer(id);
            return s && s->partitioner_errors_total == failures &&
                   s->records_acked_total == 2000 - failures;
        }));
        auto s = lab.producer(id);
        QCOMPARE(s->partitioner, std::string("custom"));
        QVERIFY2(s->last_error.find("partitioner") != std::string::npos, s->last_error.c_str());
        // One event per run of errors at most once a second, not one per bad record.
        const auto errors = lab.count_events(core::EventKind::ProducerError, "partitioner failed");
        QVERIFY(errors >= 1 && errors <= 3);

        // A partitioner that does not build: refused, and the running one stays.
        auto broken = config;
        broken.custom_partitioner = [](std::string* error) -> std::unique_ptr<lab::Partitioner> {
            *error = "SyntaxError: line 1";
            return nullptr;
        };
        auto r = lab->update_producer(id, broken);
        QVERIFY(!r.ok);
        QVERIFY2(r.message.find("SyntaxError: line 1") != std::string::npos, r.message.c_str());
        auto throwing = config;
        throwing.custom_partitioner = [](std::string*) -> std::unique_ptr<lab::Partitioner> {
            throw std::runtime_error("factory exploded");
        };
        auto [refused, none] = lab->add_producer(throwing);
        QVERIFY(!refused.ok);
        QVERIFY2(refused.message.find("factory exploded") != std::string::npos,
                 refused.message.c_str());
        QCOMPARE(none, -1);
        // A good new custom partitioner replaces it live.
        auto good = config;
        good.max_records = 3000;
        good.custom_partitioner = [](std::string*) -> std::unique_ptr<lab::Partitioner> {
            return lab::make_round_robin_partitioner();
        };
        QVERIFY(lab->update_producer(id, good).ok);
        QVERIFY(wait_for([&] { return lab.producer(id)->records_acked_total == 3000 - failures; }));
        QCOMPARE(lab.producer(id)->partitioner_errors_total, failures);
        // Built, called and destroyed on the producer's own thread only.
        std::lock_guard lock(threads.mutex);
        const std::set<std::string> producer_thread = {"producer-" + std::to_string(id)};
        QCOMPARE(threads.built, producer_thread);
        QCOMPARE(threads.chose, producer_thread);
        QCOMPARE(threads.destroyed, producer_thread);
    }

    void killing_the_leader_mid_run_loses_nothing_acknowledged() {
        Lab lab(3);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("durable", 3).ok);  // one replica: broker 2 leads one partition
        Recorder rec;
        auto config = producer_for("durable", 1000);
        config.request_timeout_ms = 15'000;
        auto [added, id] = lab->add_producer(config, rec.producer_hooks());
        QVERIFY(added.ok);
        QVERIFY(wait_for([&] { return rec.acked_count() > 300; }));
        QVERIFY(lab->kill_broker(2).ok);
        // The partition goes offline once the active controller fences broker 2, after the
        // session timeout (3 s in the lab); until then the producer's sends to it fail.
        QVERIFY(wait_for([&] { return !lab.producer(id)->last_error.empty(); }, 8s));
        QVERIFY(wait_for([&] { return lab.producer(id)->records_buffered > 100; }, 8s));
        QVERIFY(lab.count_events(core::EventKind::ProducerError) >= 1);
        // Restarted only once the producer has seen the partition without a leader: a broker
        // back before its session expired is never fenced, its partition never leaderless, and
        // the producer would have no leader change to refresh (a failure seen under CI load).
        QVERIFY(wait_for(
            [&] { return lab.count_events(core::EventKind::ProducerError, "has no leader") >= 1; },
            10s));
        QVERIFY(lab->restart_broker(2).ok);
        const auto acked_at_restart = lab.producer(id)->records_acked_total;
        QVERIFY(wait_for(
            [&] { return lab.producer(id)->records_acked_total > acked_at_restart + 800; }));
        QVERIFY(lab.count_events(core::EventKind::ProducerError, "refreshed metadata") >= 1);
        config.records_per_second = 0;
        QVERIFY(lab->update_producer(id, config).ok);
        QVERIFY(settled(lab, id));
        auto s = lab.producer(id);
        QCOMPARE(s->records_failed_total, std::uint64_t{0});
        QVERIFY2(s->last_error.empty(), s->last_error.c_str());
        QCOMPARE(static_cast<std::size_t>(s->records_acked_total), rec.acked_count());

        auto [consumed, cid] = lab->add_consumer({"durable"}, rec.consumer_hooks());
        QVERIFY(consumed.ok);
        QVERIFY(wait_for([&] {
            auto c = lab.consumer(cid);
            if (!c || c->partitions.size() != 3) return false;
            for (const auto& p : c->partitions) {
                if (p.position < 0 || p.lag != 0) return false;
            }
            return true;
        }));
        std::lock_guard lock(rec.mutex);
        std::set<Seen> read(rec.read.begin(), rec.read.end());
        for (const auto& a : rec.acked)
            QVERIFY2(read.contains(a), "an acknowledged record was lost");
        // A batch whose answer was lost with the connection may have been written and then
        // resent: duplicates are allowed (no idempotence), losses are not.
        QVERIFY(rec.read.size() >= rec.acked.size());
    }

    void memory_stays_bounded_while_the_only_broker_is_down() {
        Lab lab(1);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("stuck", 2).ok);
        auto config = producer_for("stuck", 20'000);
        config.max_buffered_records = 3000;
        config.request_timeout_ms = 30'000;
        auto [added, id] = lab->add_producer(config);
        QVERIFY(added.ok);
        QVERIFY(wait_for([&] { return lab.producer(id)->records_acked_total > 1000; }));
        QVERIFY(lab->kill_broker(1).ok);
        QVERIFY(wait_for([&] { return lab.producer(id)->records_buffered == 3000; }, 3s));
        const auto sent = lab.producer(id)->records_sent_total;
        for (int i = 0; i < 5; ++i) {
            std::this_thread::sleep_for(100ms);
            auto s = lab.producer(id);
            QCOMPARE(s->records_buffered, std::uint64_t{3000});  // stopped generating
            QCOMPARE(s->records_sent_total, sent);
            QVERIFY(!s->last_error.empty());
        }
        QVERIFY(lab->restart_broker(1).ok);
        QVERIFY(wait_for([&] {
            auto s = lab.producer(id);
            return s->records_sent_total > sent + 3000 && s->records_buffered < 3000;
        }));
        QCOMPARE(lab.producer(id)->records_failed_total, std::uint64_t{0});
    }

    void records_that_cannot_be_delivered_fail_with_the_reason() {
        Lab lab(1);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("doomed", 2).ok);
        // Nobody to send to for longer than request.timeout.ms: given up, counted, explained.
        auto config = producer_for("doomed", 1000);
        config.request_timeout_ms = 300;
        auto [added, id] = lab->add_producer(config);
        QVERIFY(added.ok);
        QVERIFY(wait_for([&] { return lab.producer(id)->records_acked_total > 100; }));
        QVERIFY(lab->kill_broker(1).ok);
        QVERIFY(wait_for([&] { return lab.producer(id)->records_failed_total > 100; }, 5s));
        QVERIFY(lab.count_events(core::EventKind::ProducerError, "request.timeout.ms") >= 1);
        QVERIFY(lab->restart_broker(1).ok);
        const auto acked = lab.producer(id)->records_acked_total;
        QVERIFY(wait_for([&] { return lab.producer(id)->records_acked_total > acked + 300; }));
        QVERIFY(lab->remove_producer(id).ok);

        // A record larger than the topic's max.message.bytes: no retry can help.
        auto huge = producer_for("doomed", 5);
        huge.value_bytes = lab::kMaxValueBytes;
        auto [big, big_id] = lab->add_producer(huge);
        QVERIFY(big.ok);
        QVERIFY(wait_for([&] { return lab.producer(big_id)->records_failed_total >= 2; }, 5s));
        QCOMPARE(lab.producer(big_id)->records_acked_total, std::uint64_t{0});
        QVERIFY(lab.producer(big_id)->last_error.find("MESSAGE_TOO_LARGE") != std::string::npos);
    }

    void consumers_start_from_earliest_or_latest_and_catch_up() {
        Lab lab(2);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("log", 4).ok);
        auto config = producer_for("log", 5000);
        config.max_records = 500;
        config.key_pattern = lab::KeyPattern::None;
        auto [first, id1] = lab->add_producer(config);
        QVERIFY(first.ok);
        QVERIFY(wait_for([&] { return lab.producer(id1)->records_acked_total == 500; }));

        auto [e, earliest] = lab->add_consumer({"log", lab::StartFrom::Earliest});
        auto [l, latest] = lab->add_consumer({"log", lab::StartFrom::Latest});
        QVERIFY(e.ok && l.ok);
        auto caught_up = [&](std::int32_t id, std::uint64_t records,
                             std::int64_t end_per_partition) {
            auto c = lab.consumer(id);
            if (!c || c->records_total != records || c->partitions.size() != 4) return false;
            for (const auto& p : c->partitions) {
                if (p.position != end_per_partition || p.high_watermark != end_per_partition ||
                    p.lag != 0 || p.leader < 1) {
                    return false;
                }
            }
            return true;
        };
        QVERIFY(wait_for([&] { return caught_up(earliest, 500, 125); }));
        QVERIFY(wait_for([&] { return caught_up(latest, 0, 125); }));
        QCOMPARE(lab.consumer(latest)->start_from, std::string("latest"));

        config.max_records = 200;
        auto [second, id2] = lab->add_producer(config);
        QVERIFY(second.ok);
        QVERIFY(wait_for([&] { return caught_up(earliest, 700, 175); }));
        QVERIFY(wait_for([&] { return caught_up(latest, 200, 175); }));
        QVERIFY(lab->remove_consumer(latest).ok);
        QVERIFY(!lab.consumer(latest));  // its snapshot goes with it
        QCOMPARE(lab.count_events(core::EventKind::ConsumerStopped), std::size_t{1});
    }

    void bad_configs_get_clear_errors() {
        Lab lab(1);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("t", 1).ok);
        auto refuse = [&](ProducerConfig c, const std::string& words) {
            auto [r, id] = lab->add_producer(c);
            QVERIFY2(!r.ok, words.c_str());
            QVERIFY2(r.message.find(words) != std::string::npos, r.message.c_str());
            QCOMPARE(id, -1);
        };
        refuse(producer_for("nope", 10), "there is no topic 'nope'");
        refuse(producer_for("t", -1), "rate");
        refuse(producer_for("t", 2'000'000), "rate");
        refuse(producer_for("t", std::nan("")), "rate");
        auto c = producer_for("t", 10);
        c.value_bytes = 2 * 1024 * 1024;
        refuse(c, "value size");
        c = producer_for("t", 10);
        c.acks = 33;
        refuse(c, "acks");
        c.acks = -2;
        refuse(c, "acks");
        // The lab's acks=N is a config the lab accepts (the broker decides what it means).
        c.acks = 2;
        QVERIFY(!lab::validate(c));
        QCOMPARE(lab::acks_name(2), std::string("2 (lab)"));
        QCOMPARE(lab::describe(c), std::string("10 records/s to t (round-robin, acks=2 (lab))"));
        c = producer_for("t", 10);
        c.partitioner = lab::PartitionerKind::Custom;
        refuse(c, "custom partitioner");
        auto [cr, cid] = lab->add_consumer({"nope"});
        QVERIFY(!cr.ok);
        QCOMPARE(cid, -1);

        QVERIFY(!lab->update_producer(7, producer_for("t", 1)).ok);
        QVERIFY(!lab->remove_producer(7).ok);
        QVERIFY(!lab->remove_consumer(7).ok);
        auto [ok, id] = lab->add_producer(producer_for("t", 10));
        QVERIFY(ok.ok);
        auto moved = lab->update_producer(id, producer_for("other", 10));
        QVERIFY(!moved.ok);
        QVERIFY(moved.message.find("topic") != std::string::npos);
        c = producer_for("t", 10);
        c.value_bytes = -1;
        QVERIFY(!lab->update_producer(id, c).ok);
        QCOMPARE(lab->producer_config(id)->value_bytes, 100);  // unchanged
        QCOMPARE(lab->producer_ids(), std::vector<std::int32_t>{id});
        auto status = lab->status();
        QCOMPARE(status["producers"].size(), std::size_t{1});
        QCOMPARE(status["producers"][0]["topic"], "t");
    }

    void values_carry_the_producer_and_its_sequence() {
        auto id = lab::parse_value_identity(bytes("42-p7-abcdefgh"));
        QVERIFY(id);
        QCOMPARE(id->sequence, std::uint64_t{42});
        QCOMPARE(id->producer, 7);
        for (const char* bad :
             {"", "42", "42-", "42-p", "42-p7", "42-x7-", "-p7-", "42-p0-", "x-p1-"})
            QVERIFY2(!lab::parse_value_identity(bytes(bad)), bad);
    }

    void a_clean_run_audits_with_nothing_lost() {
        Lab lab(1);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("clean", 3, 1).ok);
        auto config = producer_for("clean", 2000);
        config.acks = 1;
        config.key_pattern = lab::KeyPattern::RandomKeys;  // repeated keys: order is checked
        config.partitioner = lab::PartitionerKind::KeyHash;
        auto [added, id] = lab->add_producer(config);
        QVERIFY(added.ok);
        QVERIFY(wait_for([&] {
            auto s = lab.producer(id);
            return s && s->records_acked_total > 1500;
        }));
        // While the producer runs: what was acknowledged before the audit began is all there.
        auto during = lab->audit();
        QVERIFY2(during.ok, during.message.c_str());
        QVERIFY2(during.data["audited"].get<std::uint64_t>() > 1500, during.message.c_str());
        QCOMPARE(during.data["lost"].get<std::uint64_t>(), std::uint64_t{0});
        QVERIFY(lab.producer(id)->records_acked_total > 0);
        QVERIFY(lab->remove_producer(id).ok);

        auto r = lab->audit();
        QVERIFY2(r.ok, r.message.c_str());
        const auto acked = r.data["audited"].get<std::uint64_t>();
        QVERIFY(acked >= during.data["audited"].get<std::uint64_t>());
        QVERIFY(r.data["read"].get<std::uint64_t>() >= acked);
        for (const char* finding :
             {"lost", "moved", "duplicated", "out_of_order", "changed", "unverified"})
            QVERIFY2(r.data[finding].get<std::uint64_t>() == 0, finding);
        QVERIFY2(
            r.message.find("nothing lost, moved, duplicated or out of order") != std::string::npos,
            r.message.c_str());
        QCOMPARE(r.data["topics"].size(), std::size_t{1});
        QCOMPARE(r.data["topics"][0]["topic"], "clean");
        QCOMPARE(lab.count_events(core::EventKind::AuditFinished), std::size_t{2});
        QCOMPARE(lab.count_events(core::EventKind::RecordsLost), std::size_t{0});
    }

    void idempotence_keeps_requests_delivered_twice_from_being_written_twice() {
        Lab lab(1);
        QVERIFY(lab.start());
        // Half of the clients' requests reach the broker twice, each copy handled.
        QVERIFY(lab->set_duplicate("clients", "broker-1", 50, true).ok);
        // Without idempotence a produce handled twice is written twice: the audit finds it.
        QVERIFY(lab->create_topic("twice", 3, 1).ok);
        auto plain = producer_for("twice", 500);
        plain.max_records = 300;
        auto [added, id] = lab->add_producer(plain);
        QVERIFY(added.ok);
        QVERIFY(wait_for([&] {
            auto s = lab.producer(id);
            return s && s->records_acked_total >= 300;
        }));
        auto r = lab->audit();
        QVERIFY2(r.ok, r.message.c_str());
        QVERIFY2(r.data["duplicated"].get<std::uint64_t>() > 0, r.message.c_str());
        QVERIFY(lab->remove_producer(id).ok);
        QVERIFY(lab->delete_topic("twice").ok);

        // With it, the copies are answered from the log: nothing duplicated, and the audit
        // says how many were prevented.
        QVERIFY(lab->create_topic("once", 3, 1).ok);
        auto idempotent = producer_for("once", 500);
        idempotent.idempotence = true;
        idempotent.acks = 1;
        QVERIFY(!lab->add_producer(idempotent).result.ok);  // Kafka's rule: acks=all
        idempotent.acks = -1;
        idempotent.max_records = 600;
        auto [again, idem] = lab->add_producer(idempotent);
        QVERIFY2(again.ok, again.message.c_str());
        QVERIFY(wait_for([&] {
            auto s = lab.producer(idem);
            return s && s->records_acked_total >= 600;
        }));
        r = lab->audit();
        QVERIFY2(r.ok, r.message.c_str());
        for (const char* finding : {"lost", "moved", "duplicated", "out_of_order", "changed"})
            QVERIFY2(r.data[finding].get<std::uint64_t>() == 0, r.message.c_str());
        QVERIFY2(r.data["audited"].get<std::uint64_t>() >= 600, r.message.c_str());
        QVERIFY2(r.data["duplicates_prevented"].get<std::uint64_t>() > 0, r.message.c_str());
        QVERIFY2(r.message.find("duplicates prevented") != std::string::npos, r.message.c_str());
        QCOMPARE(lab.producer(idem)->records_failed_total, std::uint64_t{0});
        qInfo("%s", r.message.c_str());
    }

    void a_power_loss_loses_what_was_acknowledged_after_the_last_flush() {
        Lab lab(1);
        QVERIFY(lab.start());
        QVERIFY(lab->set_flush_interval(60'000).ok);
        QVERIFY(!lab->set_flush_interval(5).ok);
        QCOMPARE(lab->flush_interval_ms(), std::int64_t{60'000});
        QVERIFY(lab->create_topic("fragile", 2, 1).ok);
        auto config = producer_for("fragile", 2000);
        config.acks = 1;
        config.max_records = 600;
        auto [first, p1] = lab->add_producer(config);
        QVERIFY(first.ok);
        QVERIFY(wait_for([&] { return lab.producer(p1)->records_acked_total == 600; }));
        // One flush now, then none for a minute: the first 600 records are on disk.
        QVERIFY(lab->set_flush_interval(10).ok);
        auto flushed = [&](std::int64_t records) {
            auto b = lab->snapshots().broker(1);
            if (!b || b->flush_interval_ms != 10) return false;
            std::int64_t on_disk = 0;
            for (const auto& p : b->partitions) {
                if (p.topic != "fragile" || p.flushed_offset != p.log_end_offset) return false;
                on_disk += p.flushed_offset;
            }
            return on_disk == records;
        };
        QVERIFY(wait_for([&] { return flushed(600); }));
        QVERIFY(lab->set_flush_interval(60'000).ok);
        QVERIFY(wait_for([&] { return lab->snapshots().broker(1)->flush_interval_ms == 60'000; }));
        config.max_records = 400;
        auto [second, p2] = lab->add_producer(config);
        QVERIFY(second.ok);
        QVERIFY(wait_for([&] { return lab.producer(p2)->records_acked_total == 400; }));
        QVERIFY(settled(lab, p2));

        QVERIFY(lab->kill_broker(1, broker::CrashMode::PowerLoss).ok);
        std::int64_t lost_at_kill = 0;
        for (const auto& e : lab.events()) {
            if (e.kind != core::EventKind::RecordsLost) continue;
            QVERIFY2(e.explain.starts_with("power loss: broker 1 lost offsets 300-"),
                     e.explain.c_str());
            QVERIFY2(e.explain.ends_with("of fragile-" + std::to_string(e.partition) +
                                         ", written but not yet flushed (log.flush.interval.ms "
                                         "60000)"),
                     e.explain.c_str());
            lost_at_kill += e.data["records"].get<std::int64_t>();
        }
        QCOMPARE(lost_at_kill, std::int64_t{400});

        QVERIFY(lab->restart_broker(1).ok);
        auto r = lab->audit();
        QVERIFY2(r.ok, r.message.c_str());
        QCOMPARE(r.data["audited"].get<std::uint64_t>(), std::uint64_t{1000});
        QCOMPARE(r.data["read"].get<std::uint64_t>(), std::uint64_t{600});
        QCOMPARE(r.data["lost"].get<std::uint64_t>(), std::uint64_t{400});
        QCOMPARE(r.data["moved"].get<std::uint64_t>(), std::uint64_t{0});
        QCOMPARE(r.data["duplicated"].get<std::uint64_t>(), std::uint64_t{0});
        QVERIFY2(r.message.find("400 lost") != std::string::npos, r.message.c_str());
        const auto examples = r.data["topics"][0]["lost"]["examples"];
        QCOMPARE(examples.size(), std::size_t{5});
        QVERIFY2(examples[0].get<std::string>().starts_with("producer 2's record #"),
                 examples.dump().c_str());
        QCOMPARE(lab.count_events(core::EventKind::RecordsLost,
                                  "audit: 400 of 1000 acknowledged records of fragile are gone"),
                 std::size_t{1});
    }

    void a_process_crash_loses_nothing() {
        Lab lab(1);
        QVERIFY(lab.start());
        QVERIFY(lab->set_flush_interval(60'000).ok);
        QVERIFY(lab->create_topic("sturdy", 2, 1).ok);
        auto config = producer_for("sturdy", 2000);
        config.acks = 1;
        config.max_records = 500;
        auto [added, id] = lab->add_producer(config);
        QVERIFY(added.ok);
        QVERIFY(wait_for([&] { return lab.producer(id)->records_acked_total == 500; }));
        QVERIFY(settled(lab, id));
        QVERIFY(lab->kill_broker(1).ok);  // a process crash: the OS keeps the unflushed tail
        QVERIFY(lab->restart_broker(1).ok);
        auto r = lab->audit();
        QVERIFY2(r.ok, r.message.c_str());
        QCOMPARE(r.data["audited"].get<std::uint64_t>(), std::uint64_t{500});
        QCOMPARE(r.data["read"].get<std::uint64_t>(), std::uint64_t{500});
        QCOMPARE(r.data["lost"].get<std::uint64_t>(), std::uint64_t{0});
        QCOMPARE(lab.count_events(core::EventKind::RecordsLost), std::size_t{0});
    }

    // "Via any broker": a broker that does not lead forwards a produce only when it comes from
    // a built-in producer on that route (its client id says so); a real client, or a built-in
    // producer on route "leader" whose metadata is stale, gets NOT_LEADER_OR_FOLLOWER instead.
    // A producer on route "any broker" then delivers everything, and the audit agrees.
    void only_the_any_broker_route_is_forwarded() {
        Lab lab(3);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("fw", 3, 1).ok);
        std::int32_t leader = -1;
        QVERIFY(wait_for([&] {
            auto t = lab->metadata()->topic("fw");
            if (!t || t->partitions.empty()) return false;
            leader = t->partitions[0].leader;
            return leader >= 0;
        }));
        const std::int32_t other = leader == 1 ? 2 : 1;
        const auto port = lab->broker_port(other);
        QVERIFY(port);

        // Raw produces of one record to fw-0, sent to a broker that does not lead it.
        auto produce_as = [&](const std::string& client_id) -> std::optional<std::int16_t> {
            std::optional<std::int16_t> code;
            with_broker(*port, client_id, [&](net::KafkaClient& client) -> net::awaitable<void> {
                protocol::RecordBatchBuilder batch;
                batch.append(std::nullopt, bytes("v"), 0);
                protocol::ProduceRequest request;
                request.acks = 1;
                request.timeout_ms = 5000;
                request.topic_data.push_back({"fw", {{0, batch.build()}}});
                auto r = co_await client.call(request, 7, 10'000);
                if (r && !r->responses.empty() && !r->responses[0].partition_responses.empty())
                    code = r->responses[0].partition_responses[0].error_code;
            });
            return code;
        };
        const auto not_leader =
            static_cast<std::int16_t>(protocol::ErrorCode::NOT_LEADER_OR_FOLLOWER);
        QCOMPARE(produce_as("rdkafka"), std::optional<std::int16_t>(not_leader));
        QCOMPARE(produce_as(std::string(core::kLabProducerClientIdPrefix) + "77"),
                 std::optional<std::int16_t>(not_leader));
        QCOMPARE(produce_as(std::string(core::kViaAnyBrokerClientIdPrefix) + "77"),
                 std::optional<std::int16_t>(0));

        auto config = producer_for("fw", 2000);
        config.acks = 1;
        config.route = lab::Route::AnyBroker;
        config.max_records = 600;
        auto [added, id] = lab->add_producer(config);
        QVERIFY(added.ok);
        QVERIFY(wait_for([&] {
            auto s = lab.producer(id);
            return s && s->records_acked_total == 600;
        }));
        QCOMPARE(lab.producer(id)->records_failed_total, std::uint64_t{0});
        std::uint64_t forwarded = 0;
        for (const auto& b : lab->snapshots().brokers())
            forwarded += b->produce_forwarded_total;
        QVERIFY2(forwarded > 0, "no broker forwarded");
        auto r = lab->audit();
        QVERIFY2(r.ok, r.message.c_str());
        QCOMPARE(r.data["audited"].get<std::uint64_t>(), std::uint64_t{600});
        for (const char* finding : {"lost", "moved", "duplicated", "out_of_order", "changed"})
            QVERIFY2(r.data[finding].get<std::uint64_t>() == 0, finding);
    }

    // KIP-320: a request naming the leader epoch it believes in is refused when the leader is in
    // another one: FENCED_LEADER_EPOCH if the client's is older, UNKNOWN_LEADER_EPOCH if newer.
    // Fetch and OffsetForLeaderEpoch share the check (ReplicaManager::led_partition).
    void requests_with_a_wrong_leader_epoch_are_fenced() {
        Lab lab(3);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("ep", 1, 3).ok);
        auto partition = [&] {
            auto t = lab->metadata()->topic("ep");
            return t && !t->partitions.empty() ? t->partitions[0] : metadata::PartitionInfo{};
        };
        QVERIFY(wait_for([&] { return partition().leader >= 0 && partition().isr.size() == 3; }));
        // A leader change: the leader is killed and comes back (preferred leadership returns).
        const std::int32_t first = partition().leader;
        QVERIFY(lab->kill_broker(first).ok);
        QVERIFY(wait_for([&] { return partition().leader >= 0 && partition().leader != first; }));
        QVERIFY(lab->restart_broker(first).ok);
        // Settled: the preferred leader back (a second leader change) with a full ISR.
        QVERIFY(wait_for([&] { return partition().leader == first && partition().isr.size() == 3; },
                         30s));
        std::this_thread::sleep_for(500ms);  // the brokers apply that metadata too
        const auto now = partition();
        const auto port = lab->broker_port(now.leader);
        QVERIFY(port);

        auto end_offset_as_of = [&](std::int32_t current_epoch) {
            std::optional<std::int16_t> code;
            with_broker(*port, "kip-320", [&](net::KafkaClient& client) -> net::awaitable<void> {
                protocol::OffsetForLeaderEpochRequest request;
                request.replica_id = protocol::OffsetForLeaderEpochRequest::kConsumerReplicaId;
                request.topics.push_back({"ep", {{0, current_epoch, 0}}});
                auto r = co_await client.call(request, 4, 10'000);
                if (r && !r->topics.empty() && !r->topics[0].partitions.empty())
                    code = r->topics[0].partitions[0].error_code;
            });
            return code;
        };
        auto fetch_as_of = [&](std::int32_t current_epoch) {
            std::optional<std::int16_t> code;
            with_broker(*port, "kip-320", [&](net::KafkaClient& client) -> net::awaitable<void> {
                protocol::FetchRequest request;
                request.max_bytes = 1 << 20;
                protocol::FetchRequest::FetchTopic topic;
                topic.topic = "ep";
                protocol::FetchRequest::FetchPartition part;
                part.current_leader_epoch = current_epoch;
                part.partition_max_bytes = 1 << 20;
                topic.partitions.push_back(part);
                request.topics.push_back(topic);
                auto r = co_await client.call(request, 10, 10'000);  // v9+ carries the epoch
                if (r && !r->responses.empty() && !r->responses[0].partitions.empty())
                    code = r->responses[0].partitions[0].error_code;
            });
            return code;
        };
        using protocol::ErrorCode;
        auto code = [](ErrorCode e) {
            return std::optional<std::int16_t>(static_cast<std::int16_t>(e));
        };
        using Ask = std::function<std::optional<std::int16_t>(std::int32_t)>;
        for (const Ask& ask : {Ask(end_offset_as_of), Ask(fetch_as_of)}) {
            QCOMPARE(ask(now.leader_epoch), code(ErrorCode::NONE));
            QCOMPARE(ask(-1), code(ErrorCode::NONE));  // not given: not checked
            QCOMPARE(ask(now.leader_epoch - 1), code(ErrorCode::FENCED_LEADER_EPOCH));
            QCOMPARE(ask(now.leader_epoch + 1), code(ErrorCode::UNKNOWN_LEADER_EPOCH));
        }
    }

    void stopping_the_lab_stops_the_workload_first() {
        Lab lab(2);
        QVERIFY(lab.start());
        QVERIFY(lab->create_topic("busy", 2).ok);
        QVERIFY(lab->add_producer(producer_for("busy", 2000)).result.ok);
        QVERIFY(lab->add_consumer({"busy"}).result.ok);
        QVERIFY(wait_for(
            [&] { return lab.producer(1) && lab.producer(1)->records_acked_total > 100; }));
        lab->stop();
        QVERIFY(lab->snapshots().producers().empty());
        QVERIFY(lab->snapshots().consumers().empty());
        std::vector<core::EventKind> order;
        for (const auto& e : lab.events()) {
            if (e.kind == core::EventKind::ProducerStopped ||
                e.kind == core::EventKind::ConsumerStopped ||
                e.kind == core::EventKind::LabStopped) {
                order.push_back(e.kind);
            }
        }
        QCOMPARE(order, (std::vector<core::EventKind>{core::EventKind::ProducerStopped,
                                                      core::EventKind::ConsumerStopped,
                                                      core::EventKind::LabStopped}));
        // A producer stopped with its brokers up leaves nothing unanswered.
        for (const auto& e : lab.events()) {
            if (e.kind == core::EventKind::ProducerStopped)
                QVERIFY2(e.explain.find("unanswered") == std::string::npos, e.explain.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(WorkloadTest)
#include "test_workload.moc"
