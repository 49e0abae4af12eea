#include "net/asio.h"

#include "lab/consumer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "core/mailbox.h"
#include "core/thread_name.h"
#include "lab/broker_connections.h"
#include "lab/client_thread.h"
#include "lab/group_member.h"
#include "net/kafka_client.h"
#include "net/lab_timer.h"
#include "protocol/errors.h"
#include "protocol/record_batch.h"

namespace kraftlab::lab {

namespace asio = net::asio;
using Clock = core::LabTime;
using core::EventKind;
using core::NodeRef;
using protocol::ErrorCode;
using namespace std::chrono_literals;

namespace {

constexpr std::int16_t kFetchVersion = 10;
constexpr std::int16_t kListOffsetsVersion = 2;
constexpr auto kSnapshotInterval = 250ms;
constexpr auto kMetadataMaxAge = 10s;
constexpr auto kMetadataMinInterval = 100ms;
constexpr auto kNoConnectionPoll = 50ms;
constexpr auto kStopGrace = 2s;
constexpr auto kErrorEventMinGap = 200ms;
constexpr auto kErrorEventRepeat = 1s;
constexpr std::int32_t kFetchMaxBytes = 64 * 1024 * 1024;

std::chrono::milliseconds backoff(std::int32_t failures) {
    return std::chrono::milliseconds(std::min(50 * (1 << std::min(failures, 5)), 1000));
}

bool needs_metadata(ErrorCode code) {
    return code == ErrorCode::NOT_LEADER_OR_FOLLOWER || code == ErrorCode::LEADER_NOT_AVAILABLE ||
           code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION ||
           code == ErrorCode::FENCED_LEADER_EPOCH || code == ErrorCode::UNKNOWN_LEADER_EPOCH ||
           code == ErrorCode::KAFKA_STORAGE_ERROR || code == ErrorCode::REPLICA_NOT_AVAILABLE;
}

std::string start_text(StartFrom s) {
    return s == StartFrom::Earliest ? "from the earliest offset"
                                    : "from the latest offset (new records only)";
}

}  // namespace

// Everything that runs on the consumer thread; coroutines capture `this`, and the owner joins
// the thread before destroying it.
struct BuiltinConsumer::State {
    struct Partition {
        std::int32_t leader = -1;
        std::int64_t position = -1;  // next offset to read; -1 until ListOffsets answers
        std::int64_t high_watermark = -1;
        std::string error;
        // Fetched only while assigned: always without a group, as the group says with one.
        bool assigned = true;
        // Records below it were counted already: a partition the group gives back from an
        // older committed offset is read again, but its records count once.
        std::int64_t counted_to = 0;
    };

    State(std::int32_t id_, ConsumerConfig config_, std::vector<BrokerAddress> bootstrap_,
          core::EventBus& events_, core::SnapshotBoard& snapshots_, ConsumerHooks hooks_)
        : id(id_),
          config(std::move(config_)),
          bootstrap(std::move(bootstrap_)),
          events(events_),
          snapshots(snapshots_),
          hooks(std::move(hooks_)),
          mailbox(core::Mailbox::create(io.get_executor())) {}

    const std::int32_t id;
    const ConsumerConfig config;
    const std::vector<BrokerAddress> bootstrap;
    core::EventBus& events;
    core::SnapshotBoard& snapshots;
    const ConsumerHooks hooks;
    asio::io_context io{1};
    core::MailboxPtr mailbox;
    std::thread thread;

    std::unique_ptr<BrokerConnections> conns;
    std::unique_ptr<GroupMember> member;  // with a group only
    net::LabTimer snapshot_timer{io};
    net::LabTimer metadata_timer{io};
    std::set<net::LabTimer*> backoff_timers;  // fetch loops' backoff timers, cancelled on stop
    bool stopping = false;
    bool crashed = false;  // kill consumer: stopped without a word to its group

    TopicLayout layout;
    std::vector<Partition> partitions;
    std::set<std::int32_t> fetching;  // brokers with a fetch loop
    std::uint64_t metadata_wanted = 1;
    std::uint64_t metadata_served = 0;

    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    std::vector<protocol::Record> decoded;  // reused for every batch

    std::string last_error;
    std::string last_event_error;
    Clock::time_point last_error_event{};

    std::string label() const { return "consumer " + std::to_string(id); }
    std::string partition_label(std::int32_t p) const {
        return config.topic + "-" + std::to_string(p);
    }

    void init() {
        net::KafkaClientConfig client;
        client.client_id = "kraftlab-consumer-" + std::to_string(id);
        client.connect_timeout_ms = 2'000;
        client.request_timeout_ms = config.request_timeout_ms;
        client.max_in_flight = 8;
        client.sasl = config.sasl;
        client.max_response_bytes = static_cast<std::size_t>(kFetchMaxBytes) + (1 << 20);
        conns = std::make_unique<BrokerConnections>(io.get_executor(), bootstrap, client);
        asio::co_spawn(io, metadata_loop(), asio::detached);
        asio::co_spawn(io, snapshot_loop(), asio::detached);
        if (config.group.empty()) {
            events.publish(EventKind::ConsumerStarted, NodeRef::consumer(id),
                           label() + " reads " + config.topic + " " + start_text(config.start_from),
                           {{"start_from", start_from_name(config.start_from)}}, config.topic);
        } else {
            start_member(client);
        }
        publish_snapshot(true);
    }

    // ---- the group (lab/group_member.h) ---------------------------------------------------

    void start_member(const net::KafkaClientConfig& client) {
        GroupMemberHooks h;
        h.assigned = [this](const PartitionOffsets& committed) { assign(committed); };
        h.revoke = [this] { return positions(true); };
        h.positions = [this] { return positions(false); };
        h.error = [this](const std::string& message) { report_error(message); };
        member =
            std::make_unique<GroupMember>(io, id, bootstrap, client, config, events, std::move(h));
        member->start();
    }

    // The group gave this consumer these partitions: each goes on from its committed offset,
    // or without one from start_from (position -1: ListOffsets).
    void assign(const PartitionOffsets& committed) {
        if (stopping) return;
        if (!committed.empty() && committed.rbegin()->first >= std::ssize(partitions)) {
            partitions.resize(static_cast<std::size_t>(committed.rbegin()->first) + 1);
            request_metadata();  // the leader knows more partitions than we do
        }
        for (std::size_t p = 0; p < partitions.size(); ++p) {
            auto& ps = partitions[p];
            auto it = committed.find(static_cast<std::int32_t>(p));
            ps.assigned = it != committed.end();
            ps.position = ps.assigned ? it->second : -1;
            ps.error.clear();
        }
        ensure_fetch_loops();
    }

    // The positions of the assigned partitions (unknown ones left out); with revoke, they stop
    // being fetched at once (a fetch answer still on its way is dropped by take()).
    PartitionOffsets positions(bool revoke) {
        PartitionOffsets out;
        for (std::size_t p = 0; p < partitions.size(); ++p) {
            auto& ps = partitions[p];
            if (!ps.assigned) continue;
            if (ps.position >= 0) out[static_cast<std::int32_t>(p)] = ps.position;
            if (revoke) {
                ps.assigned = false;
                ps.position = -1;
                ps.error.clear();
            }
        }
        return out;
    }

    // crash: the consumer's process dies (kill consumer): no last commit and no LeaveGroup; its
    // group learns it only when its session times out.
    void begin_stop(bool crash) {
        if (stopping) return;
        stopping = true;
        crashed = crash;
        conns->close_all("the consumer stopped");
        for (auto* t : backoff_timers)
            t->cancel();
        metadata_timer.cancel();
        snapshot_timer.cancel();
        // A member commits and leaves; in a paused lab nobody would answer (and no lab-time
        // timeout would end the wait), so it only closes its connections.
        if (member && (crash || core::LabClock::current().paused())) {
            member->abandon();
        } else if (member) {
            asio::co_spawn(io, member->leave(), asio::detached);
        }
    }

    void request_metadata() {
        ++metadata_wanted;
        metadata_timer.cancel();
    }

    void report_error(const std::string& message, std::int32_t partition = -1) {
        last_error = message;
        const auto now = Clock::now();
        const bool repeat = message == last_event_error;
        if (now - last_error_event < (repeat ? kErrorEventRepeat : kErrorEventMinGap)) return;
        last_error_event = now;
        last_event_error = message;
        events.publish(EventKind::ConsumerError, NodeRef::consumer(id), label() + ": " + message,
                       {{"error", message}}, config.topic, partition);
    }

    // All is well again: every partition has a leader, a position and no error.
    void maybe_clear_error() {
        if (last_error.empty() || partitions.empty()) return;
        if (member && member->phase() != GroupMember::Phase::Consuming) return;
        for (const auto& p : partitions) {
            if (p.assigned && (p.leader < 0 || p.position < 0 || !p.error.empty())) return;
        }
        last_error.clear();
    }

    asio::awaitable<void> back_off(Clock::duration d) {
        net::LabTimer timer(io, d);
        backoff_timers.insert(&timer);
        net::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        backoff_timers.erase(&timer);
    }

    // ---- snapshots and the end ------------------------------------------------------------

    asio::awaitable<void> snapshot_loop() {
        while (!stopping) {
            snapshot_timer.expires_after(kSnapshotInterval);
            net::error_code ec;
            co_await snapshot_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (!stopping) publish_snapshot(true);
        }
        // Let the fetch loops see that their connections are closed, and a member say goodbye.
        const auto deadline = Clock::now() + kStopGrace;
        while ((!fetching.empty() || (member && !member->finished())) && Clock::now() < deadline) {
            snapshot_timer.expires_after(10ms);
            net::error_code ec;
            co_await snapshot_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        publish_snapshot(false);
        const std::string read = std::to_string(records) + " records (" + std::to_string(bytes) +
                                 " bytes) from " + config.topic;
        events.publish(
            EventKind::ConsumerStopped, NodeRef::consumer(id),
            crashed && member
                ? label() + " crashed after reading " + read +
                      ": it said nothing to its group (no LeaveGroup, no last commit); the "
                      "coordinator removes it once its session times out (session.timeout.ms)"
                : label() + (crashed ? " crashed" : " stopped") + " after reading " + read,
            {{"records", records}, {"bytes", bytes}, {"crash", crashed}}, config.topic);
    }

    void publish_snapshot(bool running) {
        auto s = std::make_shared<core::ConsumerSnapshot>();
        s->seq_begin = core::next_snapshot_seq();
        s->id = id;
        s->time_ms = core::now_unix_ms();
        s->lab_ms = core::LabTime::now_ms();
        s->topic = config.topic;
        s->start_from = std::string(start_from_name(config.start_from));
        s->running = running;
        s->records_total = records;
        s->bytes_total = bytes;
        s->last_error = last_error;
        for (std::size_t p = 0; p < partitions.size(); ++p) {
            const auto& ps = partitions[p];
            core::ConsumerSnapshot::Partition out;
            out.partition = static_cast<std::int32_t>(p);
            out.leader = ps.leader;
            out.position = ps.position;
            out.high_watermark = ps.high_watermark;
            out.lag = ps.position >= 0 && ps.high_watermark >= 0
                          ? std::max<std::int64_t>(0, ps.high_watermark - ps.position)
                          : 0;
            out.error = ps.error;
            out.assigned = ps.assigned;
            s->partitions.push_back(std::move(out));
        }
        if (member) member->describe(*s);
        s->seq_end = core::next_snapshot_seq();
        snapshots.publish(std::move(s));
    }

    // ---- metadata ------------------------------------------------------------------------

    asio::awaitable<void> metadata_loop() {
        Clock::time_point last_fetch{};
        std::int32_t failures = 0;
        auto next_refresh = Clock::now();
        while (!stopping) {
            const auto now = Clock::now();
            const auto earliest =
                last_fetch + (failures > 0 ? Clock::duration(backoff(failures))
                                           : Clock::duration(kMetadataMinInterval));
            const bool wanted = metadata_wanted != metadata_served;
            if ((wanted || now >= next_refresh) && now >= earliest) {
                last_fetch = now;
                const std::uint64_t serving = metadata_wanted;
                auto layout_or = co_await conns->fetch_metadata(config.topic);
                if (stopping) break;
                if (layout_or) {
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
            metadata_timer.expires_at(wanted ? std::max(earliest, now) : next_refresh);
            net::error_code ec;
            co_await metadata_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
    }

    bool apply_layout(TopicLayout next) {
        if (next.topic_error != ErrorCode::NONE || next.partitions() == 0) {
            report_error("the brokers do not describe topic " + config.topic + " (" +
                         std::string(protocol::error_name(next.topic_error)) + ")");
            for (auto& p : partitions)
                p.leader = -1;
            return false;
        }
        const auto count = static_cast<std::size_t>(next.partitions());
        const auto known = partitions.size();
        partitions.resize(count);  // a new partition starts without a position
        for (auto p = known; p < count; ++p)
            partitions[p].assigned = !member;  // a group assigns it in its next rebalance
        bool complete = true;
        for (std::size_t p = 0; p < count; ++p) {
            partitions[p].leader = next.leaders[p];
            if (next.leaders[p] < 0) {
                complete = false;
                partitions[p].error = "no leader";
            }
        }
        layout = std::move(next);
        ensure_fetch_loops();
        return complete;
    }

    // One fetch loop for each leader of an assigned partition.
    void ensure_fetch_loops() {
        std::set<std::int32_t> leaders;
        for (const auto& p : partitions) {
            if (p.leader >= 0 && p.assigned) leaders.insert(p.leader);
        }
        for (auto broker : leaders) {
            if (fetching.insert(broker).second)
                asio::co_spawn(io, fetch_loop(broker), asio::detached);
        }
    }

    // ---- fetching ------------------------------------------------------------------------

    asio::awaitable<void> fetch_loop(std::int32_t broker) {
        std::int32_t failures = 0;
        while (!stopping) {
            std::vector<std::int32_t> mine;
            for (std::size_t p = 0; p < partitions.size(); ++p) {
                if (partitions[p].leader == broker && partitions[p].assigned)
                    mine.push_back(static_cast<std::int32_t>(p));
            }
            if (mine.empty()) break;
            auto client = conns->get(broker);
            if (!client) {
                co_await back_off(kNoConnectionPoll);
                continue;
            }
            std::vector<std::int32_t> unknown;
            for (auto p : mine) {
                if (partitions[static_cast<std::size_t>(p)].position < 0) unknown.push_back(p);
            }
            if (!unknown.empty()) {
                const bool ok = co_await list_offsets(broker, client, unknown);
                if (stopping) break;
                if (!ok) {
                    co_await back_off(backoff(++failures));
                    continue;
                }
            }
            protocol::FetchRequest request;
            request.replica_id = -1;
            request.max_wait_ms = config.max_wait_ms;
            request.min_bytes = 1;
            request.max_bytes = kFetchMaxBytes;
            request.isolation_level = 0;
            request.session_id = 0;
            request.session_epoch = -1;  // no fetch session: every fetch is a full one
            auto& topic = request.topics.emplace_back();
            topic.topic = config.topic;
            std::map<std::int32_t, std::int64_t> asked;
            for (auto p : mine) {
                const auto& ps = partitions[static_cast<std::size_t>(p)];
                if (ps.leader != broker || ps.position < 0 || !ps.assigned) continue;
                protocol::FetchRequest::FetchPartition fp;
                fp.partition = p;
                fp.fetch_offset = ps.position;
                fp.partition_max_bytes = config.partition_max_bytes;
                topic.partitions.push_back(fp);
                asked[p] = ps.position;
            }
            if (asked.empty()) {
                co_await back_off(backoff(++failures));
                continue;
            }
            auto response = co_await client->call(request, kFetchVersion,
                                                  config.max_wait_ms + config.request_timeout_ms);
            if (stopping) break;
            if (!response) {
                conns->drop(broker, response.error().message);
                report_error("fetch from broker " + std::to_string(broker) + " failed (" +
                             response.error().message + "); refreshing metadata");
                request_metadata();
                co_await back_off(backoff(++failures));
                continue;
            }
            failures = 0;
            const auto before = records;
            take(broker, asked, *response);
            if (member && records != before) member->consumed();
            maybe_clear_error();
        }
        fetching.erase(broker);
    }

    asio::awaitable<bool> list_offsets(std::int32_t broker,
                                       std::shared_ptr<net::KafkaClient> client,
                                       const std::vector<std::int32_t>& which) {
        protocol::ListOffsetsRequest request;
        request.replica_id = -1;
        auto& topic = request.topics.emplace_back();
        topic.name = config.topic;
        const std::int64_t at = config.start_from == StartFrom::Earliest
                                    ? protocol::ListOffsetsRequest::kEarliestTimestamp
                                    : protocol::ListOffsetsRequest::kLatestTimestamp;
        for (auto p : which)
            topic.partitions.push_back({p, at});
        auto response = co_await client->call(request, kListOffsetsVersion);
        if (stopping) co_return false;
        if (!response) {
            conns->drop(broker, response.error().message);
            report_error("ListOffsets on broker " + std::to_string(broker) + " failed (" +
                         response.error().message + ")");
            request_metadata();
            co_return false;
        }
        bool any = false;
        for (const auto& t : response->topics) {
            if (t.name != config.topic) continue;
            for (const auto& pr : t.partitions) {
                if (pr.partition_index < 0 ||
                    pr.partition_index >= static_cast<std::int32_t>(partitions.size())) {
                    continue;
                }
                auto& ps = partitions[static_cast<std::size_t>(pr.partition_index)];
                if (ps.leader != broker || ps.position >= 0 || !ps.assigned) continue;
                const auto code = static_cast<ErrorCode>(pr.error_code);
                if (code == ErrorCode::NONE && pr.offset >= 0) {
                    ps.position = pr.offset;
                    ps.error.clear();
                    any = true;
                    continue;
                }
                ps.error = std::string(protocol::error_name(code));
                report_error(
                    "ListOffsets for " + partition_label(pr.partition_index) + ": " + ps.error,
                    pr.partition_index);
                if (needs_metadata(code)) request_metadata();
            }
        }
        co_return any;
    }

    void take(std::int32_t broker, const std::map<std::int32_t, std::int64_t>& asked,
              const protocol::FetchResponse& response) {
        if (response.error_code != 0) {
            report_error(
                "fetch from broker " + std::to_string(broker) + ": " +
                std::string(protocol::error_name(static_cast<ErrorCode>(response.error_code))));
            return;
        }
        for (const auto& t : response.responses) {
            if (t.topic != config.topic) continue;
            for (const auto& pd : t.partitions) {
                auto it = asked.find(pd.partition_index);
                if (it == asked.end() ||
                    pd.partition_index >= static_cast<std::int32_t>(partitions.size())) {
                    continue;
                }
                auto& ps = partitions[static_cast<std::size_t>(pd.partition_index)];
                // Stale: the partition moved or was revoked, or another loop read past this
                // point meanwhile.
                if (ps.leader != broker || ps.position != it->second || !ps.assigned) continue;
                const auto code = static_cast<ErrorCode>(pd.error_code);
                if (code == ErrorCode::NONE) {
                    ps.high_watermark = pd.high_watermark;
                    ps.error.clear();
                    if (pd.records) read_batches(pd.partition_index, ps, *pd.records);
                    continue;
                }
                ps.error = std::string(protocol::error_name(code));
                if (code == ErrorCode::OFFSET_OUT_OF_RANGE) {
                    report_error(partition_label(pd.partition_index) + ": offset " +
                                     std::to_string(ps.position) +
                                     " is out of range; starting again " +
                                     start_text(config.start_from),
                                 pd.partition_index);
                    ps.position = -1;
                } else {
                    report_error(partition_label(pd.partition_index) + " on broker " +
                                     std::to_string(broker) + ": " + ps.error,
                                 pd.partition_index);
                    if (needs_metadata(code)) request_metadata();
                }
            }
        }
    }

    void read_batches(std::int32_t partition, Partition& ps, protocol::ByteView data) {
        protocol::BatchIterator it(data);
        while (it.next()) {
            const auto& h = it.header();
            if (h.next_offset() <= ps.position) continue;  // a batch we read already
            bytes += it.batch().size();
            if (h.is_control()) {
                ps.position = h.next_offset();
                continue;
            }
            decoded.clear();
            auto error = protocol::decode_records(it.batch(), decoded);
            if (error != protocol::BatchError::None) {
                report_error("the batch at offset " + std::to_string(h.base_offset) + " of " +
                                 partition_label(partition) + " does not decode (" +
                                 std::string(protocol::describe(error)) + "); skipped",
                             partition);
                ps.position = h.next_offset();
                continue;
            }
            for (const auto& r : decoded) {
                if (r.offset < ps.position || r.offset < ps.counted_to) continue;
                if (hooks.on_record) {
                    try {
                        hooks.on_record(partition, r);
                    } catch (...) {
                        // The hook's failure is not the consumer's.
                    }
                }
                ++records;
                ps.counted_to = r.offset + 1;
            }
            ps.position = h.next_offset();
        }
        // A batch cut short at the end of the data (a size limit) is read again next time.
    }
};

// ---------------------------------------------------------------------------------------------

BuiltinConsumer::BuiltinConsumer(std::int32_t id, ConsumerConfig config, std::string bootstrap,
                                 core::EventBus& events, core::SnapshotBoard& snapshots,
                                 ConsumerHooks hooks)
    : id_(id),
      config_(std::move(config)),
      bootstrap_(std::move(bootstrap)),
      events_(events),
      snapshots_(snapshots),
      hooks_(std::move(hooks)) {}

BuiltinConsumer::~BuiltinConsumer() {
    stop();
}

std::optional<std::string> BuiltinConsumer::start() {
    std::lock_guard lock(lifecycle_mutex_);
    core::ClockBinding on_lab_time(config_.clock);  // its state is built here
    if (state_) return "consumer " + std::to_string(id_) + " was started already";
    auto addresses = parse_bootstrap(bootstrap_);
    if (!addresses) return "'" + bootstrap_ + "' is not a list of host:port";
    if (auto error = validate(config_)) return error;
    auto state =
        std::make_unique<State>(id_, config_, std::move(*addresses), events_, snapshots_, hooks_);
    State* s = state.get();
    ClientThread hooks;
    hooks.init = [s]() -> std::optional<std::string> {
        s->init();
        return std::nullopt;
    };
    hooks.crashed = [this](const std::string& what) {
        events_.publish(
            EventKind::ConsumerError, NodeRef::consumer(id_),
            "consumer " + std::to_string(id_) + " stopped on an internal error: " + what);
    };
    hooks.finish = [s] {
        s->member.reset();
        s->conns.reset();
    };
    hooks.clock = config_.clock;
    if (auto error = start_client_thread(s->thread, s->io, "consumer-" + std::to_string(id_), tid_,
                                         std::move(hooks))) {
        return error;
    }
    state_ = std::move(state);
    running_ = true;
    return std::nullopt;
}

void BuiltinConsumer::stop(bool crash) {
    std::lock_guard lock(lifecycle_mutex_);
    if (!state_) return;
    State* s = state_.get();
    stop_client_thread(
        s->thread, s->io, *s->mailbox, [s, crash] { s->begin_stop(crash); }, kStopGrace);
    state_.reset();
    running_ = false;
}

}  // namespace kraftlab::lab
