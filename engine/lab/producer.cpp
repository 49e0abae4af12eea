#include "net/asio.h"

#include "lab/producer.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "core/client_ids.h"
#include "core/latency_window.h"
#include "core/mailbox.h"
#include "core/thread_name.h"
#include "lab/broker_connections.h"
#include "lab/client_thread.h"
#include "lab/producer_sequences.h"
#include "net/kafka_client.h"
#include "net/lab_timer.h"
#include "protocol/errors.h"
#include "protocol/init_producer_id.h"
#include "protocol/records.h"

namespace kraftlab::lab {

namespace asio = net::asio;
using Clock = core::LabTime;
using core::EventKind;
using core::NodeRef;
using protocol::ErrorCode;
using namespace std::chrono_literals;

namespace {

constexpr std::int16_t kProduceVersion = 7;
constexpr auto kSnapshotInterval = 250ms;
constexpr auto kIdleWake = 100ms;      // the main loop's longest sleep
constexpr auto kWaitingPoll = 20ms;    // while batches wait for a leader or a connection
constexpr auto kMetadataMaxAge = 10s;  // refresh even when nothing goes wrong
constexpr auto kMetadataMinInterval = 100ms;
constexpr auto kStopGrace = 1s;            // for requests in flight when the producer stops
constexpr auto kAnswerTimeout = 5s;        // update() waits this long for the thread
constexpr auto kErrorEventMinGap = 200ms;  // distinct error events at most 5 a second
constexpr auto kErrorEventRepeat = 1s;     // the same error again at most once a second
constexpr double kMaxBurstSeconds = 0.05;  // credit a late wake-up may catch up, at most
constexpr std::size_t kMaxRequestBytes = 4 << 20;

std::int64_t to_us(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::chrono::microseconds retry_backoff(std::int32_t attempts) {
    auto ms = 100 * (1 << std::min(attempts - 1, 4));
    return std::chrono::milliseconds(std::min(ms, 1000));
}

bool retriable(ErrorCode code) {
    switch (code) {
        case ErrorCode::NOT_LEADER_OR_FOLLOWER:
        case ErrorCode::LEADER_NOT_AVAILABLE:
        case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
        case ErrorCode::REQUEST_TIMED_OUT:
        case ErrorCode::NOT_ENOUGH_REPLICAS:
        case ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
        case ErrorCode::KAFKA_STORAGE_ERROR:
        case ErrorCode::NETWORK_EXCEPTION:
        case ErrorCode::BROKER_NOT_AVAILABLE:
        case ErrorCode::REPLICA_NOT_AVAILABLE:
        case ErrorCode::FENCED_LEADER_EPOCH:
        case ErrorCode::UNKNOWN_LEADER_EPOCH:
            return true;
        default:
            return false;
    }
}

// Errors that mean "your idea of the leader is out of date".
bool needs_metadata(ErrorCode code) {
    return code == ErrorCode::NOT_LEADER_OR_FOLLOWER || code == ErrorCode::LEADER_NOT_AVAILABLE ||
           code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION ||
           code == ErrorCode::FENCED_LEADER_EPOCH || code == ErrorCode::UNKNOWN_LEADER_EPOCH ||
           code == ErrorCode::KAFKA_STORAGE_ERROR || code == ErrorCode::BROKER_NOT_AVAILABLE;
}

std::unique_ptr<Partitioner> build_partitioner(const ProducerConfig& config, std::string* error) {
    switch (config.partitioner) {
        case PartitionerKind::RoundRobin:
            return make_round_robin_partitioner();
        case PartitionerKind::KeyHash:
            return make_key_hash_partitioner();
        case PartitionerKind::Custom:
            break;
    }
    if (!config.custom_partitioner) {
        *error = "the custom partitioner has no code";
        return nullptr;
    }
    std::string why;
    std::unique_ptr<Partitioner> p;
    try {
        p = config.custom_partitioner(&why);
    } catch (const std::exception& e) {
        why = std::string("building it threw: ") + e.what();
    } catch (...) {
        why = "building it threw an exception";
    }
    if (!p) *error = "the custom partitioner does not build: " + (why.empty() ? "no reason" : why);
    return p;
}

nlohmann::json config_json(const ProducerConfig& c) {
    return {{"topic", c.topic},
            {"records_per_second", c.records_per_second},
            {"acks", acks_name(c.acks)},
            {"route", route_name(c.route)},
            {"idempotence", c.idempotence},
            {"partitioner", partitioner_name(c.partitioner)},
            {"keys", key_pattern_name(c.key_pattern)},
            {"value_bytes", c.value_bytes},
            {"compression", protocol::compression_name(c.compression)},
            {"linger_ms", c.linger_ms}};
}

std::string keys_text(const ProducerConfig& c) {
    switch (c.key_pattern) {
        case KeyPattern::RandomKeys:
            return "random:" + std::to_string(c.random_key_count);
        case KeyPattern::Fixed:
            return "fixed:" + c.fixed_key;
        default:
            return std::string(key_pattern_name(c.key_pattern));
    }
}

// "rate 100 -> 500, acks all -> 1": what an update changed, for the event.
std::string changes(const ProducerConfig& a, const ProducerConfig& b) {
    std::string out;
    auto add = [&](const std::string& what, const std::string& from, const std::string& to) {
        if (from == to) return;
        out += (out.empty() ? "" : ", ") + what + " " + from + " -> " + to;
    };
    auto num = [](double v) {
        std::string s = std::to_string(v);
        s.erase(s.find_last_not_of('0') + 1);
        if (!s.empty() && s.back() == '.') s.pop_back();
        return s;
    };
    add("rate", num(a.records_per_second), num(b.records_per_second));
    add("acks", acks_name(a.acks), acks_name(b.acks));
    add("route", std::string(route_name(a.route)), std::string(route_name(b.route)));
    add("idempotence", a.idempotence ? "on" : "off", b.idempotence ? "on" : "off");
    add("keys", keys_text(a), keys_text(b));
    add("partitioner", std::string(partitioner_name(a.partitioner)),
        std::string(partitioner_name(b.partitioner)));
    if (a.partitioner == PartitionerKind::Custom && b.partitioner == PartitionerKind::Custom &&
        a.custom_partitioner_source != b.custom_partitioner_source) {
        out += (out.empty() ? "" : ", ") + std::string("custom partitioner code");
    }
    add("value bytes", std::to_string(a.value_bytes), std::to_string(b.value_bytes));
    add("compression", std::string(protocol::compression_name(a.compression)),
        std::string(protocol::compression_name(b.compression)));
    add("linger.ms", std::to_string(a.linger_ms), std::to_string(b.linger_ms));
    add("batch bytes", std::to_string(a.max_batch_bytes), std::to_string(b.max_batch_bytes));
    add("in-flight per broker", std::to_string(a.max_in_flight_per_broker),
        std::to_string(b.max_in_flight_per_broker));
    add("request.timeout.ms", std::to_string(a.request_timeout_ms),
        std::to_string(b.request_timeout_ms));
    add("max buffered", std::to_string(a.max_buffered_records),
        std::to_string(b.max_buffered_records));
    add("max records", std::to_string(a.max_records), std::to_string(b.max_records));
    return out;
}

}  // namespace

// Everything that runs on the producer thread. Members below `thread` are touched only there
// (coroutines capture `this`; the owner joins the thread before destroying the State).
struct BuiltinProducer::State {
    struct Batch {
        std::int32_t partition = 0;
        protocol::Bytes bytes;                 // the built batch (BaseOffset 0)
        std::vector<std::int64_t> created_us;  // per record, steady clock
        std::vector<std::uint64_t> sequences;  // per record, for the audit hook
        std::int64_t first_created_us = 0;
        std::int32_t attempts = 0;
        std::int64_t retry_at_us = 0;
        std::uint64_t id_generation = 0;  // idempotence: the producer id it was stamped under
        std::string last_error;
        std::size_t records() const { return created_us.size(); }
    };
    using BatchPtr = std::unique_ptr<Batch>;

    struct Partition {
        protocol::RecordBatchBuilder builder;  // the open batch
        std::vector<std::int64_t> open_created_us;
        std::vector<std::uint64_t> open_sequences;
        std::int64_t open_first_us = 0;
        std::deque<BatchPtr> ready;  // closed, waiting for a request (retries at the front)
        std::uint64_t acked = 0;
    };

    State(std::int32_t id_, ProducerConfig config_, std::vector<BrokerAddress> bootstrap_,
          core::EventBus& events_, core::SnapshotBoard& snapshots_, ProducerHooks hooks_)
        : id(id_),
          bootstrap(std::move(bootstrap_)),
          events(events_),
          snapshots(snapshots_),
          hooks(std::move(hooks_)),
          mailbox(core::Mailbox::create(io.get_executor())),
          config(std::move(config_)),
          rng(std::random_device{}()) {}

    const std::int32_t id;
    const std::vector<BrokerAddress> bootstrap;
    core::EventBus& events;
    core::SnapshotBoard& snapshots;
    const ProducerHooks hooks;
    asio::io_context io{1};
    core::MailboxPtr mailbox;
    std::thread thread;

    ProducerConfig config;
    std::unique_ptr<Partitioner> partitioner;
    // Two sets of connections, told apart by their client id: `conns` (route "leader", as real
    // clients, and metadata) and `any_conns` (route "any broker": only requests on these may be
    // forwarded by a broker that does not lead, so that a leader-route request sent on stale
    // metadata gets NOT_LEADER_OR_FOLLOWER, as a real client's would). A route change lets the
    // other set's requests in flight finish.
    std::unique_ptr<BrokerConnections> conns;
    std::unique_ptr<BrokerConnections> any_conns;
    net::LabTimer loop_timer{io};
    net::LabTimer metadata_timer{io};
    bool stopping = false;
    bool finished = false;
    bool loop_done = false;
    bool metadata_done = false;

    // The topic as the brokers last described it.
    bool have_layout = false;
    // Metadata is wanted while wanted != served; a request made while a fetch is under way is
    // served only by the next fetch.
    std::uint64_t metadata_wanted = 1;
    std::uint64_t metadata_served = 0;
    TopicLayout layout;
    std::deque<Partition> partitions;  // a deque: Partition is not nothrow-movable
    std::map<std::int32_t, std::vector<std::int32_t>> by_leader;  // broker -> partitions
    std::map<std::int32_t, std::int32_t> in_flight;               // broker -> requests
    std::map<std::int32_t, std::size_t> fair_start;               // broker -> rotation
    std::int32_t total_in_flight = 0;
    // Route "any broker": the broker that gets the next request, and how many requests were
    // answered NOT_LEADER_OR_FOLLOWER by a broker that did not forward them.
    std::size_t next_route_broker = 0;
    std::size_t any_fair_start = 0;
    std::uint64_t not_forwarded = 0;

    // Idempotence (config.idempotence; lab/producer_sequences.h): the producer id, the
    // partitions with a batch in flight (one at a time each, so sequences arrive in order), and
    // whether an InitProducerId is under way.
    ProducerSequences sequences;
    std::set<std::int32_t> sending;
    bool asking_id = false;
    net::LabTimer id_timer{io};  // the pause before asking again; cancelled by stopping

    // Generation.
    double credit = 0;
    Clock::time_point last_generate = Clock::now();
    std::uint64_t generated = 0;
    std::string key_buffer;
    std::string value_buffer;
    std::string filler;
    std::mt19937_64 rng;

    // Counters for snapshots.
    std::uint64_t sent = 0;
    std::uint64_t acked = 0;
    std::uint64_t failed = 0;
    std::uint64_t partitioner_errors = 0;
    std::uint64_t buffered = 0;
    // Produce latency over the last 10 s: p50 == p99 over a quarter second at a few records a
    // second, real percentiles over ten. O(1) per record, fixed memory.
    core::LatencyWindow latency_window;

    // Error reporting.
    std::string last_error;
    std::string last_event_error;
    Clock::time_point last_error_event{};
    bool partitioner_error_run = false;
    Clock::time_point last_partitioner_event{};

    std::string label() const { return "producer " + std::to_string(id); }
    std::string partition_label(std::int32_t p) const {
        return config.topic + "-" + std::to_string(p);
    }

    // ---- start, update, stop (run on the thread) -------------------------------------------

    std::optional<std::string> init() {
        std::string error;
        partitioner = build_partitioner(config, &error);
        if (!partitioner) return error;
        net::KafkaClientConfig client;
        client.client_id = std::string(core::kLabProducerClientIdPrefix) + std::to_string(id);
        client.connect_timeout_ms = 2'000;
        client.request_timeout_ms = config.request_timeout_ms;
        client.max_in_flight = 32 + 4;  // above any max_in_flight_per_broker we allow
        client.sasl = config.sasl;
        conns = std::make_unique<BrokerConnections>(
            io.get_executor(), bootstrap, client,
            [this](std::int32_t broker, const std::string& e) { on_connect_attempt(broker, e); });
        client.client_id = std::string(core::kViaAnyBrokerClientIdPrefix) + std::to_string(id);
        any_conns = std::make_unique<BrokerConnections>(
            io.get_executor(), bootstrap, client,
            [this](std::int32_t broker, const std::string& e) { on_connect_attempt(broker, e); });
        rebuild_filler();
        asio::co_spawn(io, main_loop(), asio::detached);
        asio::co_spawn(io, metadata_loop(), asio::detached);
        events.publish(EventKind::ProducerStarted, NodeRef::producer(id),
                       label() + " sends " + describe(config), config_json(config), config.topic);
        publish_snapshot();
        return std::nullopt;
    }

    std::optional<std::string> apply(ProducerConfig next) {
        if (next.topic != config.topic) {
            return "a producer's topic cannot change (it sends to " + config.topic +
                   "); stop it and start another";
        }
        std::unique_ptr<Partitioner> rebuilt;
        if (next.partitioner != config.partitioner || next.partitioner == PartitionerKind::Custom) {
            std::string error;
            rebuilt = build_partitioner(next, &error);
            if (!rebuilt) return error;
        }
        const std::string what = changes(config, next);
        if (next.compression != config.compression) {
            for (std::size_t p = 0; p < partitions.size(); ++p) {
                close_open(static_cast<std::int32_t>(p));
                partitions[p].builder = protocol::RecordBatchBuilder(next.compression);
            }
        }
        if (rebuilt) {
            partitioner = std::move(rebuilt);  // the old one dies here, on its own thread
            partitioner_error_run = false;
        }
        const bool value_changed = next.value_bytes != config.value_bytes;
        config = std::move(next);
        if (value_changed) rebuild_filler();
        if (!what.empty()) {
            events.publish(EventKind::ProducerChanged, NodeRef::producer(id),
                           label() + " now sends " + describe(config) + "; changed: " + what,
                           config_json(config), config.topic);
        }
        publish_snapshot();  // so that status and the UI show the change at once
        wake();
        return std::nullopt;
    }

    void begin_stop() {
        if (stopping) return;
        stopping = true;
        wake();
        metadata_timer.cancel();
        id_timer.cancel();
    }

    // Last step of stopping: nothing may run after this but coroutines winding down.
    void finish() {
        finished = true;
        std::uint64_t unsent = buffered;
        for (auto& p : partitions) {
            p.ready.clear();
            p.builder.clear();
            p.open_created_us.clear();
            p.open_sequences.clear();
        }
        buffered = 0;
        conns->close_all("the producer stopped");
        any_conns->close_all("the producer stopped");
        metadata_timer.cancel();
        id_timer.cancel();
        auto s = make_snapshot();
        s->running = false;
        snapshots.publish(std::move(s));
        std::string explain = label() + " stopped: " + std::to_string(sent) + " records sent, " +
                              std::to_string(acked) + " acknowledged, " + std::to_string(failed) +
                              " failed";
        if (unsent > 0) explain += ", " + std::to_string(unsent) + " unsent dropped";
        if (total_in_flight > 0)
            explain += ", " + std::to_string(total_in_flight) + " request(s) left unanswered";
        events.publish(EventKind::ProducerStopped, NodeRef::producer(id), std::move(explain),
                       {{"sent", sent}, {"acked", acked}, {"failed", failed}, {"unsent", unsent}},
                       config.topic);
    }

    void wake() { loop_timer.cancel(); }

    void request_metadata() {
        ++metadata_wanted;
        metadata_timer.cancel();
    }
    bool need_metadata() const { return metadata_wanted != metadata_served; }

    // ---- the main loop: generate, batch, send, snapshot ------------------------------------

    asio::awaitable<void> main_loop() {
        auto next_snapshot = Clock::now() + kSnapshotInterval;
        last_generate = Clock::now();
        while (!stopping) {
            auto now = Clock::now();
            generate(now);
            drain(now);
            if (now >= next_snapshot) {
                publish_snapshot();
                next_snapshot = std::max(next_snapshot + kSnapshotInterval, now + 1ms);
            }
            auto wake_at = std::min(next_snapshot, now + kIdleWake);
            wake_at = std::min(wake_at, next_work(now));
            loop_timer.expires_at(wake_at);
            net::error_code ec;
            co_await loop_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        // Stopping: no new records or requests; let the requests in flight come back.
        const auto grace_end = Clock::now() + kStopGrace;
        while (total_in_flight > 0 && Clock::now() < grace_end) {
            loop_timer.expires_at(grace_end);
            net::error_code ec;
            co_await loop_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        finish();
    }

    // When the loop must run again at the latest: the next record due, an open batch whose
    // linger ends, a batch whose retry backoff ends or that waits for a leader/connection.
    Clock::time_point next_work(Clock::time_point now) {
        auto at = Clock::time_point::max();
        const double rate = config.records_per_second;
        if (have_layout && rate > 0 && !partitions.empty() &&
            (config.max_records == 0 || generated < config.max_records) &&
            buffered < static_cast<std::uint64_t>(config.max_buffered_records)) {
            double seconds = std::max(0.0, 1.0 - credit) / rate;
            at = now + std::max<Clock::duration>(1ms, std::chrono::duration_cast<Clock::duration>(
                                                          std::chrono::duration<double>(seconds)));
        }
        const auto linger = std::chrono::milliseconds(config.linger_ms);
        const std::int64_t now_us = to_us(now);
        for (const auto& p : partitions) {
            if (!p.open_created_us.empty()) {
                at = std::min(
                    at, Clock::time_point(std::chrono::microseconds(p.open_first_us)) + linger);
            }
            if (!p.ready.empty()) {
                const auto& front = *p.ready.front();
                at = std::min(at,
                              front.retry_at_us > now_us
                                  ? Clock::time_point(std::chrono::microseconds(front.retry_at_us))
                                  : now + kWaitingPoll);
            }
        }
        return at;
    }

    void rebuild_filler() {
        filler.resize(static_cast<std::size_t>(config.value_bytes));
        for (std::size_t i = 0; i < filler.size(); ++i)
            filler[i] = static_cast<char>('a' + i % 26);
        value_buffer = filler;
    }

    void generate(Clock::time_point now) {
        const double seconds = std::chrono::duration<double>(now - last_generate).count();
        last_generate = now;
        const double rate = config.records_per_second;
        if (!have_layout || partitions.empty() || rate <= 0 ||
            (config.max_records != 0 && generated >= config.max_records)) {
            credit = 0;
            return;
        }
        credit = std::min(credit + rate * seconds, std::max(1.0, rate * kMaxBurstSeconds));
        auto n = static_cast<std::uint64_t>(credit);
        if (n == 0) return;
        credit -= static_cast<double>(n);
        const auto limit = static_cast<std::uint64_t>(config.max_buffered_records);
        const std::uint64_t room = buffered >= limit ? 0 : limit - buffered;
        if (n > room) {
            n = room;
            credit = 0;  // full: drop the credit rather than burst when room returns
        }
        if (config.max_records != 0) n = std::min(n, config.max_records - generated);
        const std::int64_t now_us = to_us(now);
        const std::int64_t timestamp_ms = core::now_unix_ms();
        for (std::uint64_t i = 0; i < n; ++i)
            produce_one(now_us, timestamp_ms);
    }

    void produce_one(std::int64_t now_us, std::int64_t timestamp_ms) {
        const std::uint64_t seq = generated++;
        char digits[24];
        std::optional<protocol::ByteView> key;
        auto as_bytes = [](const std::string& s) {
            return protocol::ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
        };
        switch (config.key_pattern) {
            case KeyPattern::None:
                break;
            case KeyPattern::Sequence:
            case KeyPattern::RandomKeys: {
                std::uint64_t k =
                    config.key_pattern == KeyPattern::Sequence
                        ? seq
                        : rng() % static_cast<std::uint64_t>(std::max(1, config.random_key_count));
                auto end = std::to_chars(digits, digits + sizeof digits, k).ptr;
                key_buffer.assign("key-");
                key_buffer.append(digits, end);
                key = as_bytes(key_buffer);
                break;
            }
            case KeyPattern::Fixed:
                key = as_bytes(config.fixed_key);
                break;
        }
        // Value: "<seq>-p<producer id>-" then filler, cut to value_bytes.
        {
            char identity[48];
            auto end = std::to_chars(identity, identity + 24, seq).ptr;
            *end++ = '-';
            *end++ = 'p';
            end = std::to_chars(end, identity + sizeof identity - 1, id).ptr;
            *end++ = '-';
            const std::size_t prefix =
                std::min(static_cast<std::size_t>(end - identity), value_buffer.size());
            std::copy(identity, identity + prefix, value_buffer.begin());
            std::copy(filler.begin() + static_cast<std::ptrdiff_t>(prefix), filler.end(),
                      value_buffer.begin() + static_cast<std::ptrdiff_t>(prefix));
        }
        const protocol::ByteView value = as_bytes(value_buffer);
        const auto count = static_cast<std::int32_t>(partitions.size());

        Partitioner::Choice choice;
        try {
            choice = partitioner->choose(key, value, count);
        } catch (const std::exception& e) {
            choice = {-1, std::string("it threw: ") + e.what()};
        } catch (...) {
            choice = {-1, "it threw an exception"};
        }
        if (choice.error.empty() && (choice.partition < 0 || choice.partition >= count)) {
            choice.error = "it chose partition " + std::to_string(choice.partition) +
                           " of a topic with " + std::to_string(count) + " partitions";
        }
        if (!choice.error.empty()) {
            partitioner_failed(choice.error);
            return;
        }
        partitioner_error_run = false;
        append(choice.partition, key, value, timestamp_ms, now_us, seq);
    }

    void partitioner_failed(const std::string& why) {
        ++partitioner_errors;
        last_error = "the partitioner failed: " + why;
        if (partitioner_error_run) return;
        partitioner_error_run = true;
        auto now = Clock::now();
        if (now - last_partitioner_event < 1s) return;
        last_partitioner_event = now;
        events.publish(EventKind::ProducerError, NodeRef::producer(id),
                       label() + "'s partitioner failed: " + why + "; the record was dropped (" +
                           std::to_string(partitioner_errors) + " partitioner errors so far)",
                       {{"reason", why}, {"partitioner_errors", partitioner_errors}}, config.topic);
    }

    void append(std::int32_t p, std::optional<protocol::ByteView> key, protocol::ByteView value,
                std::int64_t timestamp_ms, std::int64_t now_us, std::uint64_t seq) {
        auto& part = partitions[static_cast<std::size_t>(p)];
        const std::size_t estimate = value.size() + (key ? key->size() : 0) + 24;
        if (!part.open_created_us.empty() && part.builder.uncompressed_bytes() + estimate >
                                                 static_cast<std::size_t>(config.max_batch_bytes)) {
            close_open(p);
        }
        if (part.open_created_us.empty()) part.open_first_us = now_us;
        part.builder.append(key, value, timestamp_ms);
        part.open_created_us.push_back(now_us);
        part.open_sequences.push_back(seq);
        ++buffered;
    }

    void close_open(std::int32_t p) {
        auto& part = partitions[static_cast<std::size_t>(p)];
        if (part.open_created_us.empty()) return;
        auto batch = std::make_unique<Batch>();
        batch->partition = p;
        batch->bytes = part.builder.build();
        batch->created_us = std::move(part.open_created_us);
        batch->sequences = std::move(part.open_sequences);
        batch->first_created_us = part.open_first_us;
        part.open_created_us = {};
        part.open_sequences = {};
        part.builder.clear();
        part.ready.push_back(std::move(batch));
    }

    void drain(Clock::time_point now) {
        const std::int64_t now_us = to_us(now);
        const std::int64_t linger_us = std::int64_t{config.linger_ms} * 1000;
        for (std::size_t p = 0; p < partitions.size(); ++p) {
            auto& part = partitions[p];
            if (!part.open_created_us.empty() && now_us - part.open_first_us >= linger_us)
                close_open(static_cast<std::int32_t>(p));
        }
        expire(now_us);
        if (stopping) return;
        if (config.idempotence && !sequences.has_id()) {
            ask_producer_id();
            return;
        }
        if (config.route == Route::AnyBroker) {
            drain_to_any_broker(now_us);
            return;
        }
        for (const auto& [broker, parts] : by_leader) {
            if (broker < 0 || parts.empty()) continue;
            bool any_ready = false;
            for (auto p : parts) {
                const auto& q = partitions[static_cast<std::size_t>(p)].ready;
                if (!q.empty() && q.front()->retry_at_us <= now_us) {
                    any_ready = true;
                    break;
                }
            }
            if (!any_ready) continue;
            auto client = conns->get(broker);
            if (!client) continue;
            while (in_flight[broker] < config.max_in_flight_per_broker) {
                auto batches = take_ready(parts, fair_start[broker]++, now_us);
                if (batches.empty()) break;
                launch(broker, client, false, std::move(batches));
            }
        }
    }

    // Route "any broker": each request goes to the next broker in turn (as the metadata lists
    // them) that has a connection and room for another request, whoever leads the partitions
    // in it; that broker forwards. A broker without a connection is skipped (get() starts one).
    void drain_to_any_broker(std::int64_t now_us) {
        std::vector<std::int32_t> brokers;
        for (const auto& [broker, address] : layout.brokers)
            brokers.push_back(broker);
        if (brokers.empty() || partitions.empty()) return;
        std::vector<std::int32_t> parts(partitions.size());
        for (std::size_t p = 0; p < parts.size(); ++p)
            parts[p] = static_cast<std::int32_t>(p);
        std::size_t skipped = 0;  // brokers passed over in a row: one full turn ends it
        while (skipped < brokers.size()) {
            const std::int32_t broker = brokers[next_route_broker++ % brokers.size()];
            std::shared_ptr<net::KafkaClient> client;
            if (in_flight[broker] >= config.max_in_flight_per_broker ||
                !(client = any_conns->get(broker))) {
                ++skipped;
                continue;
            }
            auto batches = take_ready(parts, any_fair_start++, now_us);
            if (batches.empty()) return;
            skipped = 0;
            launch(broker, std::move(client), true, std::move(batches));
        }
    }

    // The front batch of each of `parts` whose backoff is over, starting the round at `start`
    // (so that no partition always comes last), up to kMaxRequestBytes (at least one batch).
    std::vector<BatchPtr> take_ready(const std::vector<std::int32_t>& parts, std::size_t start,
                                     std::int64_t now_us) {
        std::vector<BatchPtr> batches;
        std::size_t bytes = 0;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const std::int32_t p = parts[(start + i) % parts.size()];
            auto& q = partitions[static_cast<std::size_t>(p)].ready;
            if (q.empty() || q.front()->retry_at_us > now_us) continue;
            if (config.idempotence && sending.count(p)) continue;
            if (!batches.empty() && bytes + q.front()->bytes.size() > kMaxRequestBytes) break;
            if (config.idempotence) {
                // Stamped when first sent, and again under a new producer id.
                auto& b = *q.front();
                if (b.id_generation != sequences.generation())
                    b.id_generation = sequences.stamp(b.bytes, p);
                sending.insert(p);
            }
            bytes += q.front()->bytes.size();
            batches.push_back(std::move(q.front()));
            q.pop_front();
        }
        return batches;
    }

    // via_any_broker: the request goes on any_conns (it may be forwarded).
    void launch(std::int32_t broker, std::shared_ptr<net::KafkaClient> client, bool via_any_broker,
                std::vector<BatchPtr> batches) {
        for (const auto& b : batches) {
            buffered -= b->records();
            if (b->attempts == 0) sent += b->records();
        }
        ++in_flight[broker];
        ++total_in_flight;
        asio::co_spawn(io, send(broker, std::move(client), via_any_broker, std::move(batches)),
                       asio::detached);
    }

    // Fails batches that have waited request_timeout_ms since their first record was made.
    void expire(std::int64_t now_us) {
        const std::int64_t timeout_us = std::int64_t{config.request_timeout_ms} * 1000;
        for (std::size_t p = 0; p < partitions.size(); ++p) {
            auto& q = partitions[p].ready;
            for (auto it = q.begin(); it != q.end();) {
                if (now_us - (*it)->first_created_us < timeout_us) {
                    ++it;
                    continue;
                }
                BatchPtr batch = std::move(*it);
                it = q.erase(it);
                buffered -= batch->records();
                fail_batch(*batch, why_waiting(*batch) + " for " +
                                       std::to_string(config.request_timeout_ms) +
                                       " ms (request.timeout.ms)");
            }
        }
    }

    std::string why_waiting(const Batch& b) const {
        const auto leader = b.partition < layout.partitions()
                                ? layout.leaders[static_cast<std::size_t>(b.partition)]
                                : -1;
        if (!b.last_error.empty()) return "still failing (" + b.last_error + ")";
        if (leader < 0) return partition_label(b.partition) + " had no leader";
        return "broker " + std::to_string(leader) + " could not be reached";
    }

    asio::awaitable<void> send(std::int32_t broker, std::shared_ptr<net::KafkaClient> client,
                               bool via_any_broker, std::vector<BatchPtr> batches) {
        const std::int16_t acks = config.acks;
        protocol::ProduceRequest request;
        request.acks = acks;
        request.timeout_ms = config.request_timeout_ms;
        auto& topic = request.topic_data.emplace_back();
        topic.name = config.topic;
        for (auto& b : batches)
            topic.partition_data.push_back({b->partition, std::move(b->bytes)});

        std::optional<net::ClientError> error;
        std::optional<protocol::ProduceResponse> response;
        if (acks == 0) {
            auto sent_ok = co_await client->send_without_response(request, kProduceVersion);
            if (!sent_ok) error = sent_ok.error();
        } else {
            auto r = co_await client->call(request, kProduceVersion, config.request_timeout_ms);
            if (!r) {
                error = r.error();
            } else {
                response = std::move(*r);
            }
        }
        for (std::size_t i = 0; i < batches.size(); ++i) {
            batches[i]->bytes = std::move(*topic.partition_data[i].records);
            sending.erase(batches[i]->partition);
        }
        --in_flight[broker];
        --total_in_flight;
        if (finished) co_return;
        const auto now = Clock::now();

        if (error) {
            if (error->kind != net::ClientError::Kind::Unsupported &&
                error->kind != net::ClientError::Kind::Busy) {
                (via_any_broker ? any_conns : conns)->drop(broker, error->message);
            }
            request_metadata();
            report_error("produce to broker " + std::to_string(broker) + " failed (" +
                         error->message + "); refreshing metadata and retrying " +
                         std::to_string(batches.size()) + " batch(es)");
            for (auto& b : batches)
                retry_or_fail(std::move(b), error->message, now);
        } else if (acks == 0) {
            for (auto& b : batches)
                on_acked(*b, -1, now);
        } else {
            std::map<std::int32_t, const protocol::ProduceResponse::PartitionProduceResponse*>
                answers;
            for (const auto& t : response->responses) {
                if (t.name != config.topic) continue;
                for (const auto& pr : t.partition_responses)
                    answers[pr.index] = &pr;
            }
            bool all_good = true;
            bool counted_not_forwarded = false;
            for (auto& b : batches) {
                auto it = answers.find(b->partition);
                if (it == answers.end()) {
                    all_good = false;
                    retry_or_fail(std::move(b),
                                  "broker " + std::to_string(broker) + " did not answer for " +
                                      partition_label(b->partition),
                                  now);
                    continue;
                }
                const auto code = static_cast<ErrorCode>(it->second->error_code);
                if (code == ErrorCode::NONE) {
                    on_acked(*b, it->second->base_offset, now);
                    continue;
                }
                all_good = false;
                const std::string why = partition_label(b->partition) + " on broker " +
                                        std::to_string(broker) + ": " +
                                        std::string(protocol::error_name(code));
                if (config.idempotence && (code == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER ||
                                           code == ErrorCode::INVALID_PRODUCER_EPOCH ||
                                           code == ErrorCode::UNKNOWN_PRODUCER_ID)) {
                    // The leader's state and ours disagree: a new producer id, and the batch
                    // goes again as a new write under it.
                    sequences.forget();
                    report_error(why + "; asking for a new producer id and retrying", b->partition);
                    retry_or_fail(std::move(b), why, now);
                } else if (via_any_broker && code == ErrorCode::NOT_LEADER_OR_FOLLOWER) {
                    // The broker did not forward (a broker without forwarding, or a leader it
                    // does not know yet). New metadata would not change where the request goes:
                    // the batch waits out its backoff and goes to the next broker in turn.
                    if (!counted_not_forwarded) {
                        counted_not_forwarded = true;
                        ++not_forwarded;
                    }
                    report_error(why + ": it did not forward the request to the leader (" +
                                     std::to_string(not_forwarded) +
                                     " request(s) so far); retrying through the next broker",
                                 b->partition);
                    retry_or_fail(std::move(b), why, now);
                } else if (retriable(code)) {
                    if (needs_metadata(code)) request_metadata();
                    report_error(why + "; " +
                                     (needs_metadata(code) ? "refreshing metadata and retrying"
                                                           : "retrying"),
                                 b->partition);
                    retry_or_fail(std::move(b), why, now);
                } else {
                    fail_batch(*b, why + " (" + std::string(protocol::error_message(code)) + ")");
                }
            }
            if (all_good) maybe_clear_error();
        }
        wake();
    }

    void retry_or_fail(BatchPtr batch, const std::string& why, Clock::time_point now) {
        const std::int64_t now_us = to_us(now);
        ++batch->attempts;
        batch->last_error = why;
        const std::int64_t timeout_us = std::int64_t{config.request_timeout_ms} * 1000;
        if (stopping || now_us - batch->first_created_us >= timeout_us) {
            fail_batch(*batch,
                       why + (stopping ? " (the producer is stopping)"
                                       : " (gave up after request.timeout.ms " +
                                             std::to_string(config.request_timeout_ms) + " ms)"));
            return;
        }
        if (batch->partition >= static_cast<std::int32_t>(partitions.size())) {
            fail_batch(*batch, partition_label(batch->partition) + " no longer exists");
            return;
        }
        batch->retry_at_us =
            now_us + std::chrono::microseconds(retry_backoff(batch->attempts)).count();
        buffered += batch->records();
        partitions[static_cast<std::size_t>(batch->partition)].ready.push_front(std::move(batch));
    }

    void fail_batch(const Batch& batch, const std::string& why) {
        // Its sequence may or may not be in the log: later batches go under a new producer id.
        if (config.idempotence && batch.id_generation != 0) sequences.forget();
        failed += batch.records();
        report_error(std::to_string(batch.records()) + " record(s) for " +
                         partition_label(batch.partition) + " failed: " + why,
                     batch.partition);
    }

    void on_acked(const Batch& batch, std::int64_t base_offset, Clock::time_point now) {
        if (hooks.on_acked) {
            std::vector<protocol::Record> records;
            if (protocol::decode_records(batch.bytes, records) == protocol::BatchError::None) {
                std::vector<AckedRecord> out;
                out.reserve(records.size());
                for (std::size_t i = 0; i < records.size(); ++i) {
                    const auto& r = records[i];
                    AckedRecord a;
                    a.sequence = i < batch.sequences.size() ? batch.sequences[i] : 0;
                    a.partition = batch.partition;
                    a.offset = base_offset >= 0 ? base_offset + r.offset : -1;
                    if (r.key) a.key = protocol::ByteView(*r.key);
                    if (r.value) a.value = protocol::ByteView(*r.value);
                    out.push_back(a);
                }
                try {
                    hooks.on_acked(out);
                } catch (...) {
                    // The hook's own failure is not the producer's: keep producing.
                }
            }
        }
        acked += batch.records();
        if (batch.partition < static_cast<std::int32_t>(partitions.size()))
            partitions[static_cast<std::size_t>(batch.partition)].acked += batch.records();
        const std::int64_t now_us = to_us(now);
        for (auto created : batch.created_us)
            latency_window.record(now_us / 1000, now_us - created);
    }

    // InitProducerId (v1, as kafkajs sends it) to a broker the metadata names, once at a time;
    // the batches wait meanwhile. A failure is reported and asked again at the next drain.
    void ask_producer_id() {
        if (asking_id || layout.brokers.empty()) return;
        asking_id = true;
        asio::co_spawn(io, init_producer_id(), asio::detached);
    }

    asio::awaitable<void> init_producer_id() {
        std::string failure = "no broker to ask";
        for (const auto& [broker, address] : layout.brokers) {
            auto client = conns->get(broker);
            if (!client) continue;
            protocol::InitProducerIdRequest request;
            request.transaction_timeout_ms = 60'000;
            auto r = co_await client->call(request, 1, config.request_timeout_ms);
            if (finished) co_return;
            if (!r) {
                failure = r.error().message;
                continue;
            }
            if (r->error_code != 0) {
                failure = std::string(protocol::error_name(static_cast<ErrorCode>(r->error_code)));
                continue;
            }
            sequences.set_id(r->producer_id, r->producer_epoch);
            failure.clear();
            break;
        }
        asking_id = false;
        if (!failure.empty()) {
            report_error("no producer id for idempotence yet (" + failure + "); asking again");
            // Asked again after a pause, not in a tight loop.
            if (stopping) co_return;
            id_timer.expires_after(std::chrono::milliseconds(200));
            net::error_code ec;
            asking_id = true;
            co_await id_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            asking_id = false;
            if (finished || stopping) co_return;
        }
        wake();
    }

    void report_error(const std::string& message, std::int32_t partition = -1) {
        last_error = message;
        const auto now = Clock::now();
        const bool repeat = message == last_event_error;
        if (now - last_error_event < (repeat ? kErrorEventRepeat : kErrorEventMinGap)) return;
        last_error_event = now;
        last_event_error = message;
        events.publish(EventKind::ProducerError, NodeRef::producer(id), label() + ": " + message,
                       {{"error", message}}, config.topic, partition);
    }

    // All is well again: every request answered cleanly, nothing waiting to be retried, every
    // partition has a leader and the partitioner behaves.
    void maybe_clear_error() {
        if (last_error.empty() || partitioner_error_run) return;
        for (auto leader : layout.leaders) {
            if (leader < 0) return;
        }
        for (const auto& p : partitions) {
            for (const auto& b : p.ready) {
                if (b->attempts > 0) return;
            }
        }
        last_error.clear();
    }

    void on_connect_attempt(std::int32_t broker, const std::string& error) {
        if (finished) return;
        if (!error.empty()) {
            report_error("cannot connect to broker " + std::to_string(broker) + ": " + error);
            request_metadata();
        }
        wake();
    }

    // ---- metadata ------------------------------------------------------------------------

    asio::awaitable<void> metadata_loop() {
        Clock::time_point last_fetch{};
        std::int32_t failures = 0;  // failed or incomplete answers in a row
        auto next_refresh = Clock::now();
        while (!stopping) {
            const auto now = Clock::now();
            const auto earliest =
                last_fetch + (failures > 0 ? std::chrono::duration_cast<Clock::duration>(
                                                 retry_backoff(std::min(failures, 5)))
                                           : Clock::duration(kMetadataMinInterval));
            if ((need_metadata() || now >= next_refresh) && now >= earliest) {
                last_fetch = now;
                const std::uint64_t serving = metadata_wanted;
                auto layout_or = co_await conns->fetch_metadata(config.topic);
                if (stopping) break;
                if (layout_or) {
                    any_conns->learn_brokers(layout_or->brokers);
                    const bool complete = apply_layout(std::move(*layout_or));
                    failures = complete ? 0 : failures + 1;
                    if (complete) metadata_served = serving;
                } else {
                    ++failures;
                    report_error("cannot fetch metadata for " + config.topic + ": " +
                                 layout_or.error().message);
                }
                next_refresh = Clock::now() + kMetadataMaxAge;
                continue;
            }
            metadata_timer.expires_at(need_metadata() ? std::max(earliest, now) : next_refresh);
            net::error_code ec;
            co_await metadata_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
    }

    // Takes a Metadata answer in; returns false when it is incomplete (topic missing, a
    // partition without leader), so that the loop asks again after a backoff.
    bool apply_layout(TopicLayout next) {
        if (next.topic_error != ErrorCode::NONE || next.partitions() == 0) {
            report_error("the brokers do not describe topic " + config.topic + " (" +
                         std::string(protocol::error_name(next.topic_error)) + ")");
            for (auto& l : layout.leaders)
                l = -1;
            rebuild_by_leader();
            return false;
        }
        const std::int32_t count = next.partitions();
        std::string news;
        if (have_layout && count != static_cast<std::int32_t>(partitions.size())) {
            news = config.topic + " now has " + std::to_string(count) + " partitions (was " +
                   std::to_string(partitions.size()) + ")";
        }
        for (std::int32_t p = count; p < static_cast<std::int32_t>(partitions.size()); ++p) {
            close_open(p);
            auto& q = partitions[static_cast<std::size_t>(p)].ready;
            for (auto& b : q) {
                buffered -= b->records();
                fail_batch(*b, partition_label(p) + " no longer exists");
            }
            q.clear();
        }
        while (static_cast<std::int32_t>(partitions.size()) > count)
            partitions.pop_back();
        while (static_cast<std::int32_t>(partitions.size()) < count) {
            partitions.emplace_back();
            partitions.back().builder = protocol::RecordBatchBuilder(config.compression);
        }
        bool complete = true;
        if (have_layout) {
            for (std::int32_t p = 0; p < count; ++p) {
                const auto was =
                    p < layout.partitions() ? layout.leaders[static_cast<std::size_t>(p)] : -1;
                const auto now_leader = next.leaders[static_cast<std::size_t>(p)];
                if (was == now_leader) continue;
                news += (news.empty() ? "" : ", ") + partition_label(p) +
                        (now_leader < 0 ? " has no leader"
                                        : " is led by broker " + std::to_string(now_leader)) +
                        (was < 0 ? "" : " (was broker " + std::to_string(was) + ")");
            }
        }
        for (auto leader : next.leaders) {
            if (leader < 0) complete = false;
        }
        layout = std::move(next);
        rebuild_by_leader();
        if (!have_layout) {
            have_layout = true;
            last_generate = Clock::now();
            credit = 0;
        }
        if (!news.empty()) {
            events.publish(EventKind::ProducerError, NodeRef::producer(id),
                           label() + " refreshed metadata: " + news, {}, config.topic);
        }
        if (!complete) {
            for (std::int32_t p = 0; p < count; ++p) {
                if (layout.leaders[static_cast<std::size_t>(p)] < 0) {
                    last_error = partition_label(p) + " has no leader; its records wait";
                    break;
                }
            }
        }
        wake();
        return complete;
    }

    void rebuild_by_leader() {
        by_leader.clear();
        for (std::int32_t p = 0; p < layout.partitions(); ++p)
            by_leader[layout.leaders[static_cast<std::size_t>(p)]].push_back(p);
    }

    // ---- snapshots -----------------------------------------------------------------------

    std::shared_ptr<core::ProducerSnapshot> make_snapshot() {
        auto s = std::make_shared<core::ProducerSnapshot>();
        s->id = id;
        s->time_ms = core::now_unix_ms();
        s->lab_ms = core::LabTime::now_ms();
        s->topic = config.topic;
        s->running = !stopping;
        s->target_records_per_second = config.records_per_second;
        s->acks = config.acks;
        s->idempotence = config.idempotence;
        s->route = std::string(route_name(config.route));
        s->partitioner = std::string(partitioner_name(config.partitioner));
        s->key_pattern = std::string(key_pattern_name(config.key_pattern));
        s->random_key_count = config.random_key_count;
        s->fixed_key = config.fixed_key;
        s->value_bytes = config.value_bytes;
        s->records_sent_total = sent;
        s->records_acked_total = acked;
        s->records_failed_total = failed;
        s->partitioner_errors_total = partitioner_errors;
        s->records_buffered = buffered;
        s->acked_per_partition.reserve(partitions.size());
        for (const auto& p : partitions)
            s->acked_per_partition.push_back(p.acked);
        s->latency_window = latency_window.snapshot(to_us(Clock::now()) / 1000);
        if (s->latency_window) {
            s->latency_p50_ms = s->latency_window->percentile_ms(0.50);
            s->latency_p99_ms = s->latency_window->percentile_ms(0.99);
        }
        s->last_error = last_error;
        return s;
    }

    void publish_snapshot() { snapshots.publish(make_snapshot()); }
};

// ---------------------------------------------------------------------------------------------

std::optional<ValueIdentity> parse_value_identity(protocol::ByteView value) {
    const auto* p = reinterpret_cast<const char*>(value.data());
    const auto* end = p + value.size();
    ValueIdentity id;
    auto seq = std::from_chars(p, end, id.sequence);
    if (seq.ec != std::errc() || seq.ptr == p || end - seq.ptr < 2 || seq.ptr[0] != '-' ||
        seq.ptr[1] != 'p') {
        return std::nullopt;
    }
    const char* at = seq.ptr + 2;
    auto producer = std::from_chars(at, end, id.producer);
    if (producer.ec != std::errc() || producer.ptr == at || producer.ptr == end ||
        *producer.ptr != '-' || id.producer < 1) {
        return std::nullopt;
    }
    return id;
}

BuiltinProducer::BuiltinProducer(std::int32_t id, ProducerConfig config, std::string bootstrap,
                                 core::EventBus& events, core::SnapshotBoard& snapshots,
                                 ProducerHooks hooks)
    : id_(id),
      bootstrap_(std::move(bootstrap)),
      events_(events),
      snapshots_(snapshots),
      hooks_(std::move(hooks)),
      config_(std::move(config)) {}

BuiltinProducer::~BuiltinProducer() {
    stop();
}

ProducerConfig BuiltinProducer::config() const {
    std::lock_guard lock(config_mutex_);
    return config_;
}

std::optional<std::string> BuiltinProducer::start() {
    std::lock_guard lock(lifecycle_mutex_);
    core::ClockBinding on_lab_time(config_.clock);  // its state is built here
    if (state_) return "producer " + std::to_string(id_) + " was started already";
    auto addresses = parse_bootstrap(bootstrap_);
    if (!addresses) return "'" + bootstrap_ + "' is not a list of host:port";
    ProducerConfig config = this->config();
    if (auto error = validate(config)) return error;

    auto state = std::make_unique<State>(id_, std::move(config), std::move(*addresses), events_,
                                         snapshots_, hooks_);
    State* s = state.get();
    ClientThread hooks;
    hooks.init = [s] { return s->init(); };
    hooks.crashed = [this](const std::string& what) {
        events_.publish(
            EventKind::ProducerError, NodeRef::producer(id_),
            "producer " + std::to_string(id_) + " stopped on an internal error: " + what);
    };
    // What was built on this thread is destroyed on it (a script engine must be).
    hooks.finish = [s] {
        s->partitioner.reset();
        s->conns.reset();
    };
    hooks.clock = config_.clock;
    if (auto error = start_client_thread(s->thread, s->io, "producer-" + std::to_string(id_), tid_,
                                         std::move(hooks))) {
        return error;
    }
    state_ = std::move(state);
    running_ = true;
    return std::nullopt;
}

std::optional<std::string> BuiltinProducer::update(ProducerConfig config) {
    std::lock_guard lock(lifecycle_mutex_);
    if (!state_ || !running_) return "producer " + std::to_string(id_) + " is not running";
    if (auto error = validate(config)) return error;
    auto answer = std::make_shared<std::promise<std::optional<std::string>>>();
    auto future = answer->get_future();
    State* s = state_.get();
    if (!s->mailbox->post([s, config, answer] { answer->set_value(s->apply(config)); })) {
        return "producer " + std::to_string(id_) + " is not running";
    }
    if (future.wait_for(kAnswerTimeout) != std::future_status::ready)
        return "producer " + std::to_string(id_) + " did not answer within 5 s";
    if (auto error = future.get()) return error;
    std::lock_guard config_lock(config_mutex_);
    config_ = std::move(config);
    return std::nullopt;
}

void BuiltinProducer::stop() {
    std::lock_guard lock(lifecycle_mutex_);
    if (!state_) return;
    State* s = state_.get();
    // The thread ends when its coroutines do (at most the stop grace plus a connect timeout).
    // A thread stuck in a partitioner would be a bug: after a grace period it is stopped hard.
    stop_client_thread(
        s->thread, s->io, *s->mailbox, [s] { s->begin_stop(); }, kStopGrace);
    state_.reset();
    running_ = false;
}

}  // namespace kraftlab::lab
