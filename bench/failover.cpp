// kraftlab-bench-failover: how long failover takes, as distributions over many kills.
//
//   kraftlab-bench-failover [--kills N] [--timeouts lab|kafka|both] [--scenario
//   controller|broker|both]
//                           [--seed S] [--snapshot-ms MS] [--limit-s S] [--trace FILE] [--quiet]
//
// For each timeout set (the lab's defaults, read from LabConfig, and Kafka's defaults) and each
// scenario, starts a fresh in-process lab (3 controllers, 3 brokers, a temporary session
// directory) and kills N times:
//
//   controller  the active controller is killed; measured from just before kill_controller() to
//               the moment another running controller reports itself active (its snapshot; also
//               the ControllerElected event's time), and until every broker's heartbeats are
//               answered by the new one (BrokerSnapshot.active_controller). The killed one is
//               restarted and the quorum left to settle (all 3 up, one epoch, one active leader,
//               followers caught up, every broker following it) before the next kill.
//   broker      on a topic of 6 partitions with replication factor 3, a broker leading at least
//               one partition is killed; measured until the committed metadata (Cluster::metadata)
//               shows every partition it led led by another broker (also: until it is fenced).
//               It is restarted and the lab left to settle (unfenced, full ISRs, preferred
//               leaders back) before the next kill.
//
// Each kill comes after a random (seeded) 0-500 ms pause, so that kills do not lock onto the
// phase of heartbeats or fetches. Snapshots are polled every millisecond; nodes publish them every
// --snapshot-ms (5 ms by default instead of the lab's 250 ms, for resolution).
//
// Prints progress on stderr, then a table (n, median, p95, min, max in ms; for controller
// failover the ratio median / election timeout against the goal of 1.5) and one JSON line on
// stdout. A failover that does not complete within --limit-s (30 s) is not worked around: it is
// recorded as an anomaly, with the lab's events around it written to a file, and reported. A
// measurement, never a test verdict: nothing here asserts a timing. --trace FILE appends one JSON
// line per kill with the lab's events around it, timed from the kill (to see where time goes).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lab/cluster.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using kraftlab::core::ControllerSnapshot;
using kraftlab::core::Event;
using kraftlab::lab::Cluster;
using kraftlab::lab::LabConfig;
using nlohmann::json;

constexpr const char* kTopic = "bench";
constexpr std::int32_t kPartitions = 6;
constexpr std::int16_t kReplicationFactor = 3;

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double unix_ms_now() {
    return std::chrono::duration<double, std::milli>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Timeouts {
    std::string name;
    std::int32_t election_ms = 0;
    std::int32_t fetch_ms = 0;
    std::int32_t heartbeat_ms = 0;
    std::int32_t session_ms = 0;
};

Timeouts lab_timeouts() {
    const LabConfig d;
    return {"lab", d.controller.election_timeout_ms, d.controller.fetch_timeout_ms,
            d.broker.heartbeat_interval_ms, d.controller.broker_session_timeout_ms};
}

// Kafka's defaults (kraftlab-cluster --kafka-timeouts): controller.quorum.election.timeout.ms,
// controller.quorum.fetch.timeout.ms, broker.heartbeat.interval.ms, broker.session.timeout.ms.
Timeouts kafka_timeouts() {
    return {"kafka", 1000, 2000, 2000, 9000};
}

json timeouts_json(const Timeouts& t) {
    return {{"election_timeout_ms", t.election_ms},
            {"fetch_timeout_ms", t.fetch_ms},
            {"heartbeat_interval_ms", t.heartbeat_ms},
            {"session_timeout_ms", t.session_ms}};
}

struct Stats {
    std::size_t n = 0;
    double median = 0, p95 = 0, min = 0, max = 0, mean = 0;
};

Stats stats_of(std::vector<double> v) {
    Stats s;
    s.n = v.size();
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    // Nearest rank: the smallest value with at least 95% of the samples at or below it.
    const auto rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(n)));
    s.p95 = v[std::max<std::size_t>(rank, 1) - 1];
    s.min = v.front();
    s.max = v.back();
    double sum = 0;
    for (double x : v)
        sum += x;
    s.mean = sum / static_cast<double>(n);
    return s;
}

// One measured quantity of one (scenario, timeouts) run.
struct Series {
    std::string scenario;  // "controller_failover", ...
    std::string what;      // a line for the table
    std::string timeouts;  // "lab", "kafka"
    std::int32_t election_ms = 0;
    bool goal = false;  // controller failover: median <= 1.5 x election timeout
    std::vector<double> samples;
};

struct Options {
    int kills = 50;
    std::vector<Timeouts> timeouts;
    bool controller = true;
    bool broker = true;
    std::uint64_t seed = 1;
    std::int32_t snapshot_ms = 5;
    double limit_s = 30;
    bool quiet = false;
    std::string trace;  // a file: every kill's events
};

// The lab's event stream, drained as the bench goes: the events of the current kill, and a tail
// of the ones before, for the anomaly report.
class EventLog {
  public:
    explicit EventLog(Cluster& lab) : lab_(lab) {}
    void pump() { lab_.events().drain(current_); }
    // A new kill starts: what was current becomes the tail.
    void next() {
        pump();
        for (auto& e : current_)
            tail_.push_back(std::move(e));
        current_.clear();
        if (tail_.size() > kTail) tail_.erase(tail_.begin(), tail_.end() - kTail);
    }
    const std::vector<Event>& current() const { return current_; }
    const std::vector<Event>& tail() const { return tail_; }

  private:
    static constexpr std::size_t kTail = 400;
    Cluster& lab_;
    std::vector<Event> current_;
    std::vector<Event> tail_;
};

// The state of the lab, for anomaly reports.
json lab_state(Cluster& lab) {
    json controllers = json::array();
    for (const auto& c : lab.snapshots().controllers()) {
        json followers = json::array();
        for (const auto& f : c->followers)
            followers.push_back({{"id", f.id}, {"fetch_offset", f.fetch_offset}});
        controllers.push_back({{"id", c->id},
                               {"up", c->up},
                               {"time_ms", c->time_ms},
                               {"role", c->role},
                               {"epoch", c->epoch},
                               {"leader", c->leader},
                               {"voted_for", c->voted_for},
                               {"active", c->active},
                               {"log_end_offset", c->log_end_offset},
                               {"high_watermark", c->high_watermark},
                               {"applied_offset", c->applied_offset},
                               {"followers", followers}});
    }
    json brokers = json::array();
    for (const auto& b : lab.snapshots().brokers()) {
        brokers.push_back({{"id", b->id},
                           {"up", b->up},
                           {"time_ms", b->time_ms},
                           {"fenced", b->fenced},
                           {"broker_epoch", b->broker_epoch},
                           {"active_controller", b->active_controller},
                           {"last_heartbeat_ack_ms", b->last_heartbeat_ack_ms},
                           {"metadata_offset", b->metadata_offset}});
    }
    json status = lab.status();
    return {{"controllers", controllers},
            {"brokers", brokers},
            {"metadata_offset", status["metadata_offset"]},
            {"registered_brokers", status["brokers"]},
            {"topics", status["topics"]}};
}

class Bench {
  public:
    explicit Bench(Options o) : opt_(std::move(o)), rng_(opt_.seed) {}

    int run();

  private:
    std::unique_ptr<Cluster> start_lab(const Timeouts& t, std::string& error);
    void finish_lab(std::unique_ptr<Cluster> lab, bool keep);
    bool run_controller(const Timeouts& t);
    bool run_broker(const Timeouts& t);

    // Polls `done` every millisecond (draining events) until it is true or `limit` passes;
    // returns the time it became true, measured from `t0`.
    template <typename Done>
    std::optional<double> wait_until(EventLog& events, Clock::time_point t0, double limit_ms,
                                     Done done);
    void random_pause(EventLog& events);
    // --trace: one line per kill with its events (times relative to the kill).
    void trace(json kill, const std::vector<Event>& events);
    void anomaly(Cluster& lab, EventLog& events, json info);
    void progress(const std::string& line) const {
        if (!opt_.quiet) std::cerr << line << std::endl;
    }

    Options opt_;
    std::mt19937_64 rng_;
    std::vector<Series> series_;
    std::vector<json> anomalies_;
    json runs_ = json::array();
    fs::path anomaly_file_;
};

template <typename Done>
std::optional<double> Bench::wait_until(EventLog& events, Clock::time_point t0, double limit_ms,
                                        Done done) {
    for (;;) {
        events.pump();
        const auto now = Clock::now();
        if (done()) return ms_between(t0, now);
        if (ms_between(t0, now) > limit_ms) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void Bench::random_pause(EventLog& events) {
    std::uniform_int_distribution<int> pause(0, 500);
    const auto until = Clock::now() + std::chrono::milliseconds(pause(rng_));
    while (Clock::now() < until) {
        events.pump();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void Bench::trace(json kill, const std::vector<Event>& events) {
    if (opt_.trace.empty()) return;
    std::ofstream out(opt_.trace, std::ios::app);
    const double t0 = kill.value("kill_unix_ms", 0.0);
    json list = json::array();
    for (const auto& e : events) {
        if (e.kind == kraftlab::core::EventKind::Throughput) continue;
        json j = e.to_json();
        j["at_ms"] = static_cast<double>(e.time_ms) - t0;
        list.push_back(std::move(j));
    }
    kill["events"] = std::move(list);
    out << kill.dump() << "\n";
}

void Bench::anomaly(Cluster& lab, EventLog& events, json info) {
    events.pump();
    info["lab_state"] = lab_state(lab);
    info["data_dir"] = lab.data_dir().string();
    if (anomaly_file_.empty()) {
        anomaly_file_ = fs::temp_directory_path() /
                        ("kraftlab-failover-anomalies-" + std::to_string(::getpid()) + ".jsonl");
    }
    std::ofstream out(anomaly_file_, std::ios::app);
    out << json({{"anomaly", info}}).dump() << "\n";
    for (const auto& e : events.tail())
        out << json({{"before", e.to_json()}}).dump() << "\n";
    for (const auto& e : events.current())
        out << json({{"during", e.to_json()}}).dump() << "\n";
    info["events_file"] = anomaly_file_.string();
    info["events_before"] = events.tail().size();
    info["events_during"] = events.current().size();
    std::cerr << "ANOMALY: " << info.value("what", std::string("?")) << " ("
              << info.value("scenario", "") << ", " << info.value("timeouts", "") << ", kill "
              << info.value("kill", -1) << "); events in " << anomaly_file_.string() << std::endl;
    info.erase("lab_state");
    anomalies_.push_back(std::move(info));
}

std::unique_ptr<Cluster> Bench::start_lab(const Timeouts& t, std::string& error) {
    LabConfig config;
    config.brokers = 3;
    config.controllers = 3;
    config.controller.election_timeout_ms = t.election_ms;
    config.controller.fetch_timeout_ms = t.fetch_ms;
    config.controller.broker_session_timeout_ms = t.session_ms;
    config.controller.snapshot_interval_ms = opt_.snapshot_ms;
    config.broker.heartbeat_interval_ms = t.heartbeat_ms;
    config.broker.session_timeout_ms = t.session_ms;
    config.broker.snapshot_interval_ms = opt_.snapshot_ms;
    auto lab = std::make_unique<Cluster>(config);
    if (auto e = lab->start()) {
        error = *e;
        return nullptr;
    }
    return lab;
}

void Bench::finish_lab(std::unique_ptr<Cluster> lab, bool keep) {
    const fs::path dir = lab->data_dir();
    const bool temporary = lab->temporary_data_dir();
    lab->stop();
    lab.reset();
    if (temporary && !keep) {
        std::error_code ec;
        fs::remove_all(dir, ec);
    } else if (keep) {
        std::cerr << "kept the session directory of a lab with anomalies: " << dir.string()
                  << std::endl;
    }
}

// ---------------------------------------------------------------------------------------------
// Controller failover

namespace {

std::shared_ptr<const ControllerSnapshot> active_controller(Cluster& lab) {
    std::shared_ptr<const ControllerSnapshot> best;
    for (const auto& c : lab.snapshots().controllers()) {
        if (!c->up || !c->active) continue;
        if (!best || c->epoch > best->epoch) best = c;
    }
    return best;
}

// All controllers up, one epoch, one active leader, followers following it with its log and
// high watermark; every running broker unfenced, heartbeating to it. Returns the leader.
std::optional<std::int32_t> quorum_stable(Cluster& lab) {
    const auto ids = lab.controller_ids();
    const auto snaps = lab.snapshots().controllers();
    if (snaps.size() != ids.size()) return std::nullopt;
    std::shared_ptr<const ControllerSnapshot> leader;
    for (const auto& c : snaps) {
        if (!c->up) return std::nullopt;
        if (c->role == "leader") {
            if (leader || !c->active) return std::nullopt;
            leader = c;
        }
    }
    if (!leader) return std::nullopt;
    for (const auto& c : snaps) {
        if (c == leader) continue;
        if (c->role != "follower" || c->epoch != leader->epoch || c->leader != leader->id)
            return std::nullopt;
        if (c->log_end_offset != leader->log_end_offset ||
            c->high_watermark != leader->high_watermark) {
            return std::nullopt;
        }
    }
    auto image = lab.metadata();
    for (auto id : lab.broker_ids()) {
        if (!lab.broker_running(id) || !image->is_live(id)) return std::nullopt;
        auto b = lab.snapshots().broker(id);
        if (!b || !b->up || b->fenced || b->active_controller != leader->id) return std::nullopt;
    }
    return leader->id;
}

}  // namespace

bool Bench::run_controller(const Timeouts& t) {
    std::string error;
    auto lab = start_lab(t, error);
    if (!lab) {
        std::cerr << "the lab did not start: " << error << std::endl;
        anomalies_.push_back({{"scenario", "controller"},
                              {"timeouts", t.name},
                              {"what", "lab did not start: " + error}});
        return false;
    }
    EventLog events(*lab);
    const double limit_ms = opt_.limit_s * 1000;
    Series active{"controller_failover",
                  "active controller killed -> new active controller",
                  t.name,
                  t.election_ms,
                  true,
                  {}};
    Series detected{
        "controller_candidate", "  (first candidate: ElectionStarted event)", t.name, 0, false, {}};
    Series elected{"controller_elected",
                   "  (new leader elected: ControllerElected event)",
                   t.name,
                   0,
                   false,
                   {}};
    Series follow{
        "brokers_follow", "  every broker heartbeating to the new one", t.name, 0, false, {}};
    Series settle{
        "controller_settle", "  restart -> quorum settled (informational)", t.name, 0, false, {}};
    std::map<int, int> epoch_jumps;  // epochs the quorum moved per failover -> count
    int spurious = 0;                // leader changes while the quorum should have been settled
    const std::size_t anomalies_before = anomalies_.size();
    bool aborted = false;

    // Settled before the first kill.
    if (!wait_until(events, Clock::now(), limit_ms,
                    [&] { return quorum_stable(*lab).has_value(); })) {
        anomaly(*lab, events,
                {{"scenario", "controller"},
                 {"timeouts", t.name},
                 {"kill", 0},
                 {"what", "the quorum never settled after the lab started"}});
        aborted = true;
    }
    for (int k = 1; k <= opt_.kills && !aborted; ++k) {
        events.next();
        random_pause(events);
        auto victim = active_controller(*lab);
        auto settled = quorum_stable(*lab);
        if (!victim || !settled || *settled != victim->id) {
            ++spurious;
            anomaly(*lab, events,
                    {{"scenario", "controller"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"what", "the settled quorum changed leader during the random pause"}});
            if (!wait_until(events, Clock::now(), limit_ms,
                            [&] { return quorum_stable(*lab).has_value(); })) {
                aborted = true;
                break;
            }
            victim = active_controller(*lab);
        }
        const std::int32_t id = victim->id;
        const std::int32_t old_epoch = victim->epoch;
        const double kill_unix = unix_ms_now();
        const auto t0 = Clock::now();
        auto r = lab->kill_controller(id);
        const double kill_call_ms = ms_between(t0, Clock::now());
        if (!r.ok) {
            anomaly(*lab, events,
                    {{"scenario", "controller"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"victim", id},
                     {"what", "kill_controller failed: " + r.message}});
            aborted = true;
            break;
        }
        std::int32_t new_id = -1;
        std::int32_t new_epoch = 0;
        auto took = wait_until(events, t0, limit_ms, [&] {
            for (const auto& c : lab->snapshots().controllers()) {
                if (c->up && c->active && c->id != id && c->epoch > old_epoch) {
                    new_id = c->id;
                    new_epoch = c->epoch;
                    return true;
                }
            }
            return false;
        });
        if (!took) {
            anomaly(*lab, events,
                    {{"scenario", "controller"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"victim", id},
                     {"old_epoch", old_epoch},
                     {"limit_ms", limit_ms},
                     {"what",
                      "no other controller became active within the limit after the "
                      "active controller was killed"}});
            aborted = true;
            break;
        }
        active.samples.push_back(*took);
        epoch_jumps[new_epoch - old_epoch]++;
        // Every running broker's heartbeat answered by the new active controller, after the kill.
        auto followed = wait_until(events, t0, limit_ms, [&] {
            for (auto b : lab->broker_ids()) {
                auto s = lab->snapshots().broker(b);
                if (!s || !s->up || s->active_controller != new_id ||
                    static_cast<double>(s->last_heartbeat_ack_ms) < kill_unix) {
                    return false;
                }
            }
            return true;
        });
        if (followed) {
            follow.samples.push_back(*followed);
        } else {
            anomaly(*lab, events,
                    {{"scenario", "controller"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"victim", id},
                     {"new_active", new_id},
                     {"limit_ms", limit_ms},
                     {"what",
                      "not every broker heartbeats to the new active controller within "
                      "the limit"}});
        }
        std::optional<double> elected_ms, candidate_ms;
        std::string candidate_reason;
        for (const auto& e : events.current()) {
            const double at = static_cast<double>(e.time_ms) - kill_unix;
            if (e.kind == kraftlab::core::EventKind::ControllerElected && e.node.id == new_id &&
                e.data.value("epoch", 0) == new_epoch) {
                elected_ms = at;
            }
            if (e.kind == kraftlab::core::EventKind::ElectionStarted && !candidate_ms && at >= -1) {
                candidate_ms = at;
                candidate_reason = e.data.value("reason", std::string());
            }
        }
        if (elected_ms) elected.samples.push_back(*elected_ms);
        if (candidate_ms) detected.samples.push_back(*candidate_ms);
        trace({{"scenario", "controller"},
               {"timeouts", t.name},
               {"kill", k},
               {"victim", id},
               {"old_epoch", old_epoch},
               {"new_active", new_id},
               {"new_epoch", new_epoch},
               {"kill_unix_ms", kill_unix},
               {"active_ms", *took},
               {"brokers_follow_ms", followed ? json(*followed) : json()}},
              events.current());

        // Restart the killed one and let the quorum settle.
        const auto t1 = Clock::now();
        auto rr = lab->restart_controller(id);
        if (!rr.ok) {
            anomaly(*lab, events,
                    {{"scenario", "controller"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"victim", id},
                     {"what", "restart_controller failed: " + rr.message}});
            aborted = true;
            break;
        }
        auto settled_ms =
            wait_until(events, t1, limit_ms, [&] { return quorum_stable(*lab).has_value(); });
        if (!settled_ms) {
            anomaly(*lab, events,
                    {{"scenario", "controller"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"victim", id},
                     {"limit_ms", limit_ms},
                     {"what",
                      "the quorum did not settle within the limit after the killed "
                      "controller restarted"}});
            aborted = true;
            break;
        }
        settle.samples.push_back(*settled_ms);
        const auto now_leader = quorum_stable(*lab);
        if (now_leader && *now_leader != new_id) ++spurious;  // leadership moved during the restart
        char line[320];
        std::snprintf(
            line, sizeof line,
            "[controller %s %2d/%d] killed %d (epoch %d): %d active after %.0f ms (epoch %d; "
            "first candidate %.0f ms, elected %.0f ms), brokers follow %.0f ms, kill call %.1f ms, "
            "settled %.0f ms",
            t.name.c_str(), k, opt_.kills, id, old_epoch, new_id, *took, new_epoch,
            candidate_ms.value_or(-1), elected_ms.value_or(-1), followed.value_or(-1), kill_call_ms,
            *settled_ms);
        progress(line);
    }
    json jumps = json::object();
    for (auto [d, n] : epoch_jumps)
        jumps[std::to_string(d)] = n;
    runs_.push_back({{"scenario", "controller"},
                     {"timeouts", t.name},
                     {"epoch_jumps", jumps},
                     {"leader_changes_while_settled", spurious},
                     {"aborted", aborted}});
    series_.push_back(std::move(active));
    series_.push_back(std::move(detected));
    series_.push_back(std::move(elected));
    series_.push_back(std::move(follow));
    series_.push_back(std::move(settle));
    finish_lab(std::move(lab), anomalies_.size() > anomalies_before);
    return !aborted;
}

// ---------------------------------------------------------------------------------------------
// Broker failover

namespace {

// Every broker running and unfenced, every partition of the topic led by its preferred replica
// with a full ISR, and an active controller.
bool brokers_settled(Cluster& lab) {
    if (!active_controller(lab)) return false;
    auto image = lab.metadata();
    for (auto id : lab.broker_ids()) {
        if (!lab.broker_running(id) || !image->is_live(id)) return false;
    }
    auto topic = image->topic(kTopic);
    if (!topic || topic->partitions.size() != static_cast<std::size_t>(kPartitions)) return false;
    for (const auto& p : topic->partitions) {
        if (p.replicas.empty() || p.leader != p.replicas.front() ||
            p.isr.size() != p.replicas.size())
            return false;
    }
    return true;
}

}  // namespace

bool Bench::run_broker(const Timeouts& t) {
    std::string error;
    auto lab = start_lab(t, error);
    if (!lab) {
        std::cerr << "the lab did not start: " << error << std::endl;
        anomalies_.push_back({{"scenario", "broker"},
                              {"timeouts", t.name},
                              {"what", "lab did not start: " + error}});
        return false;
    }
    EventLog events(*lab);
    const double limit_ms = opt_.limit_s * 1000;
    Series moved{
        "broker_failover", "broker killed -> its partitions led elsewhere", t.name, 0, false, {}};
    Series fenced{
        "broker_fenced", "  (killed broker fenced in the metadata)", t.name, 0, false, {}};
    Series settle{"broker_settle", "  restart -> unfenced, preferred leaders back (informational)",
                  t.name,          0,
                  false,           {}};
    const std::size_t anomalies_before = anomalies_.size();
    bool aborted = false;

    if (auto r = lab->create_topic(kTopic, kPartitions, kReplicationFactor); !r.ok) {
        anomaly(*lab, events,
                {{"scenario", "broker"},
                 {"timeouts", t.name},
                 {"kill", 0},
                 {"what", "create_topic failed: " + r.message}});
        aborted = true;
    }
    if (!aborted &&
        !wait_until(events, Clock::now(), limit_ms, [&] { return brokers_settled(*lab); })) {
        anomaly(*lab, events,
                {{"scenario", "broker"},
                 {"timeouts", t.name},
                 {"kill", 0},
                 {"what", "the topic's partitions never settled on their preferred leaders"}});
        aborted = true;
    }
    for (int k = 1; k <= opt_.kills && !aborted; ++k) {
        events.next();
        random_pause(events);
        auto image = lab->metadata();
        std::map<std::int32_t, std::vector<std::int32_t>> led;  // broker -> partitions it leads
        if (auto topic = image->topic(kTopic)) {
            for (const auto& p : topic->partitions)
                led[p.leader].push_back(p.partition);
        }
        std::vector<std::int32_t> candidates;
        for (const auto& [b, parts] : led) {
            if (b >= 0 && !parts.empty()) candidates.push_back(b);
        }
        if (candidates.empty()) {
            anomaly(*lab, events,
                    {{"scenario", "broker"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"what", "no broker leads a partition of the topic"}});
            aborted = true;
            break;
        }
        std::uniform_int_distribution<std::size_t> pick(0, candidates.size() - 1);
        const std::int32_t id = candidates[pick(rng_)];
        const auto partitions = led[id];
        const double kill_unix = unix_ms_now();
        const auto t0 = Clock::now();
        auto r = lab->kill_broker(id);
        const double kill_call_ms = ms_between(t0, Clock::now());
        if (!r.ok) {
            anomaly(*lab, events,
                    {{"scenario", "broker"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"victim", id},
                     {"what", "kill_broker failed: " + r.message}});
            aborted = true;
            break;
        }
        std::optional<double> fenced_ms;
        auto took = wait_until(events, t0, limit_ms, [&] {
            auto img = lab->metadata();
            if (!fenced_ms) {
                if (const auto* b = img->broker(id); b && b->fenced)
                    fenced_ms = ms_between(t0, Clock::now());
            }
            auto topic = img->topic(kTopic);
            if (!topic || topic->partitions.size() != static_cast<std::size_t>(kPartitions))
                return false;
            for (auto p : partitions) {
                const auto leader = topic->partitions[static_cast<std::size_t>(p)].leader;
                if (leader == id || leader < 0) return false;
            }
            return true;
        });
        if (!took) {
            json parts = json::array();
            for (auto p : partitions)
                parts.push_back(p);
            anomaly(*lab, events,
                    {{"scenario", "broker"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"victim", id},
                     {"partitions_led", parts},
                     {"limit_ms", limit_ms},
                     {"what",
                      "the killed broker's partitions were not led elsewhere within the "
                      "limit"}});
            aborted = true;
            break;
        }
        moved.samples.push_back(*took);
        if (fenced_ms) fenced.samples.push_back(*fenced_ms);
        {
            json parts = json::array();
            for (auto p : partitions)
                parts.push_back(p);
            events.pump();
            trace({{"scenario", "broker"},
                   {"timeouts", t.name},
                   {"kill", k},
                   {"victim", id},
                   {"partitions_led", parts},
                   {"kill_unix_ms", kill_unix},
                   {"led_elsewhere_ms", *took},
                   {"fenced_ms", fenced_ms ? json(*fenced_ms) : json()}},
                  events.current());
        }

        const auto t1 = Clock::now();
        auto rr = lab->restart_broker(id);
        if (!rr.ok) {
            anomaly(*lab, events,
                    {{"scenario", "broker"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"victim", id},
                     {"what", "restart_broker failed: " + rr.message}});
            aborted = true;
            break;
        }
        auto settled_ms = wait_until(events, t1, limit_ms, [&] { return brokers_settled(*lab); });
        if (!settled_ms) {
            anomaly(*lab, events,
                    {{"scenario", "broker"},
                     {"timeouts", t.name},
                     {"kill", k},
                     {"victim", id},
                     {"limit_ms", limit_ms},
                     {"what",
                      "the restarted broker was not unfenced with its preferred leaders "
                      "back within the limit"}});
            aborted = true;
            break;
        }
        settle.samples.push_back(*settled_ms);
        char line[320];
        std::snprintf(
            line, sizeof line,
            "[broker %s %2d/%d] killed %d (led %zu): led elsewhere after %.0f ms, fenced %.0f ms, "
            "kill call %.1f ms, settled %.0f ms",
            t.name.c_str(), k, opt_.kills, id, partitions.size(), *took, fenced_ms.value_or(-1),
            kill_call_ms, *settled_ms);
        progress(line);
    }
    runs_.push_back({{"scenario", "broker"}, {"timeouts", t.name}, {"aborted", aborted}});
    series_.push_back(std::move(moved));
    series_.push_back(std::move(fenced));
    series_.push_back(std::move(settle));
    finish_lab(std::move(lab), anomalies_.size() > anomalies_before);
    return !aborted;
}

// ---------------------------------------------------------------------------------------------

int Bench::run() {
    const auto start = Clock::now();
    std::map<std::string, double> scenario_seconds;
    for (const auto& t : opt_.timeouts) {
        if (opt_.controller) {
            const auto s = Clock::now();
            run_controller(t);
            scenario_seconds["controller/" + t.name] = ms_between(s, Clock::now()) / 1000;
        }
        if (opt_.broker) {
            const auto s = Clock::now();
            run_broker(t);
            scenario_seconds["broker/" + t.name] = ms_between(s, Clock::now()) / 1000;
        }
    }
    const double total_s = ms_between(start, Clock::now()) / 1000;

    std::printf("\nFailover over %d kills per scenario (ms; seed %llu; snapshots every %d ms)\n",
                opt_.kills, static_cast<unsigned long long>(opt_.seed), opt_.snapshot_ms);
    for (const auto& t : opt_.timeouts) {
        std::printf("  %-5s timeouts: election %d, fetch %d, heartbeat %d, session %d\n",
                    t.name.c_str(), t.election_ms, t.fetch_ms, t.heartbeat_ms, t.session_ms);
    }
    std::printf("\n%-62s %-6s %4s %8s %8s %8s %8s  %s\n", "measured", "times", "n", "median", "p95",
                "min", "max", "median/election (goal <= 1.5)");
    json results = json::array();
    for (const auto& s : series_) {
        const Stats st = stats_of(s.samples);
        std::string ratio;
        json r = {{"scenario", s.scenario},
                  {"timeouts", s.timeouts},
                  {"n", st.n},
                  {"median_ms", std::round(st.median * 10) / 10},
                  {"p95_ms", std::round(st.p95 * 10) / 10},
                  {"min_ms", std::round(st.min * 10) / 10},
                  {"max_ms", std::round(st.max * 10) / 10},
                  {"mean_ms", std::round(st.mean * 10) / 10}};
        if (s.goal && st.n > 0) {
            const double x = st.median / s.election_ms;
            const bool met = x <= 1.5;
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.2f  %s", x, met ? "met" : "NOT met");
            ratio = buf;
            r["election_timeout_ms"] = s.election_ms;
            r["median_over_election_timeout"] = std::round(x * 100) / 100;
            r["goal_met"] = met;
        }
        std::printf("%-62s %-6s %4zu %8.0f %8.0f %8.0f %8.0f  %s\n", s.what.c_str(),
                    s.timeouts.c_str(), st.n, st.median, st.p95, st.min, st.max, ratio.c_str());
        results.push_back(std::move(r));
    }
    std::printf("\ntotal %.0f s", total_s);
    for (const auto& [k, v] : scenario_seconds)
        std::printf("; %s %.0f s", k.c_str(), v);
    std::printf("\n");
    if (!anomalies_.empty()) {
        std::printf("%zu anomalies (events in %s):\n", anomalies_.size(),
                    anomaly_file_.string().c_str());
        for (const auto& a : anomalies_)
            std::printf("  %s\n", a.dump().c_str());
    }
    json timeouts = json::object();
    for (const auto& t : opt_.timeouts)
        timeouts[t.name] = timeouts_json(t);
    json seconds = json::object();
    for (const auto& [k, v] : scenario_seconds)
        seconds[k] = std::round(v);
    json line = {{"bench", "failover"},  {"kills", opt_.kills},
                 {"seed", opt_.seed},    {"snapshot_interval_ms", opt_.snapshot_ms},
                 {"timeouts", timeouts}, {"results", results},
                 {"runs", runs_},        {"anomalies", anomalies_},
                 {"seconds", seconds},   {"total_seconds", std::round(total_s)}};
    std::printf("%s\n", line.dump().c_str());
    std::fflush(stdout);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    std::string timeouts = "both", scenario = "both";
    auto usage = [] {
        std::cerr
            << "usage: kraftlab-bench-failover [--kills N] [--timeouts lab|kafka|both] "
               "[--scenario controller|broker|both] [--seed S] [--snapshot-ms MS] [--limit-s S] "
               "[--trace FILE] [--quiet]\n";
        return 2;
    };
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--quiet") {
            opt.quiet = true;
            continue;
        }
        if (a == "--help" || a == "-h") return usage();
        if (i + 1 >= argc) return usage();
        std::string v = argv[++i];
        try {
            if (a == "--kills")
                opt.kills = std::stoi(v);
            else if (a == "--timeouts")
                timeouts = v;
            else if (a == "--scenario")
                scenario = v;
            else if (a == "--seed")
                opt.seed = std::stoull(v);
            else if (a == "--snapshot-ms")
                opt.snapshot_ms = std::stoi(v);
            else if (a == "--limit-s")
                opt.limit_s = std::stod(v);
            else if (a == "--trace")
                opt.trace = v;
            else
                return usage();
        } catch (const std::exception&) {
            return usage();
        }
    }
    if (timeouts == "lab" || timeouts == "both") opt.timeouts.push_back(lab_timeouts());
    if (timeouts == "kafka" || timeouts == "both") opt.timeouts.push_back(kafka_timeouts());
    if (opt.timeouts.empty() || opt.kills < 1 || opt.snapshot_ms < 1 || opt.limit_s <= 0)
        return usage();
    if (scenario == "controller")
        opt.broker = false;
    else if (scenario == "broker")
        opt.controller = false;
    else if (scenario != "both")
        return usage();
    return Bench(std::move(opt)).run();
}
