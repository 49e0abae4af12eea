// Events: what nodes tell the lab (a broker was killed, a topic was created, a log was recovered),
// each with a one-line explanation in plain words. The UI, the CLI and scenario checks all read the
// same stream.
//
// Thread contract: any thread may publish; one consumer drains. Publishing never blocks on the
// consumer: the bus is bounded, and when it is full the oldest events are dropped and counted.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kraftlab::core {

class LabClock;

struct NodeRef {
    enum class Kind : std::uint8_t { Lab, Broker, Controller, Producer, Consumer };
    Kind kind = Kind::Lab;
    std::int32_t id = -1;

    static NodeRef lab() { return {Kind::Lab, -1}; }
    static NodeRef broker(std::int32_t id) { return {Kind::Broker, id}; }
    static NodeRef controller(std::int32_t id) { return {Kind::Controller, id}; }
    static NodeRef producer(std::int32_t id) { return {Kind::Producer, id}; }
    static NodeRef consumer(std::int32_t id) { return {Kind::Consumer, id}; }
    // "lab", "broker-2", "controller-1", "producer-1", "consumer-3"
    std::string label() const;
    auto operator<=>(const NodeRef&) const = default;
};

enum class EventKind : std::uint8_t {
    LabReady,
    LabStopped,
    NodeStarted,
    NodeKilled,
    NodeRestarted,
    NodeFailed,  // could not start (port taken, data directory unusable)
    BrokerRegistered,
    BrokerFenced,
    BrokerUnfenced,
    TopicCreated,
    TopicDeleted,
    TopicConfigChanged,
    LeaderChanged,
    PartitionOffline,
    LogRecovered,
    Throughput,
    ClientRejected,  // a client sent something the broker refused (bad frame, unknown API)
    CommandFailed,
    ProducerStarted,
    ProducerChanged,
    ProducerStopped,
    ProducerError,  // a produce failed, a partitioner misbehaved, metadata was refreshed
    ConsumerStarted,
    ConsumerStopped,
    ConsumerError,
    ElectionStarted,     // a controller became candidate (data: epoch, reason)
    VoteCast,            // a voter granted its vote (data: epoch, candidate, reason)
    VoteRefused,         // a voter refused (data: epoch, candidate, reason)
    ControllerElected,   // a candidate won (data: epoch, votes)
    ControllerResigned,  // a leader stepped down (data: epoch, reason)
    QuorumChanged,       // a controller's role or known leader changed (data: role, epoch, leader)
    MetadataTruncated,   // a controller cut its metadata log to match the leader
    SettingsChanged,     // the lab's timeouts changed (data: the new values)
    // Replication (issue 5)
    IsrShrunk,         // a replica left a partition's ISR (data: broker, isr, reason)
    IsrExpanded,       // a replica rejoined (data: broker, isr)
    ReplicaTruncated,  // a follower cut its divergent tail by leader epoch (data: from, to, epoch)
    UncleanElection,   // an out-of-sync replica became leader (data: leader, lost_from)
    RecordsLost,       // acknowledged records are gone (audit, unclean election, power loss)
    RecordsDeleted,    // DeleteRecords moved a partition's log start (data: log_start_offset)
    // A partition reassignment started, completed, was replaced or cancelled (data: state,
    // replicas, adding, removing, previous_replicas)
    ReassignmentChanged,
    AuditFinished,  // the audit of acknowledged writes (data: the report)
    // Lab time (issue 13)
    LabPaused,        // lab time stands still (data: lab_ms, trigger when an event paused it)
    LabResumed,       // lab time runs again
    LabSpeedChanged,  // (data: speed)
    LabStepped,       // a step while paused ran its course (data: ms, lab_ms)
    NodeFrozen,       // pause-node: a broker or controller is held, as in a GC pause
    NodeThawed,       // resume-node: it goes on from what it last knew
    // The lab network (issue 14)
    NetworkChanged,  // links' faults changed (data: links [{from, to, faults}], what)
    // Consumer groups (issue 15)
    GroupChanged,        // members joined or left, a rebalance, a generation (data: group, state)
    CoordinatorChanged,  // a broker loaded or dropped a __consumer_offsets partition's groups
};
inline constexpr int kEventKindCount = static_cast<int>(EventKind::CoordinatorChanged) + 1;

// "topic_created", "node_killed", ... (stable names: scripts and tests match on them)
std::string_view event_kind_name(EventKind kind);
// The kind with that name (scenario files name kinds), or nullopt.
std::optional<EventKind> event_kind_from_name(std::string_view name);

struct Event {
    std::int64_t time_ms = 0;  // wall time: Unix time in milliseconds
    std::int64_t lab_ms = 0;   // lab time (core/lab_clock.h): frozen while the lab is paused
    EventKind kind = EventKind::LabReady;
    NodeRef node;
    std::string topic;            // empty when the event is not about a topic
    std::int32_t partition = -1;  // -1 when not about one partition
    std::string explain;          // one line, plain words
    nlohmann::json data = nlohmann::json::object();

    // {"type":"event","kind":...,"time_ms":...,"node":...,"topic":...,"explain":...,...data}
    nlohmann::json to_json() const;
};

std::int64_t now_unix_ms();

class EventBus {
  public:
    explicit EventBus(std::size_t capacity = 65536) : capacity_(capacity) {}

    void publish(Event event);
    // Convenience: stamps the wall time and the lab time.
    void publish(EventKind kind, NodeRef node, std::string explain,
                 nlohmann::json data = nlohmann::json::object(), std::string topic = {},
                 std::int32_t partition = -1);

    // Moves up to max events into out (appending); returns how many.
    std::size_t drain(std::vector<Event>& out, std::size_t max = SIZE_MAX);
    std::uint64_t dropped() const;

    // The lab's clock, for events' lab time (nullptr: the publishing thread's clock). Set once,
    // before any node runs.
    void set_clock(const LabClock* clock) { clock_ = clock; }
    // Called on the publishing thread with every event's kind, after it is queued (the lab
    // pauses on chosen events this way). It must be quick and take no lock a command may hold.
    // Set once, before any node runs.
    void set_observer(std::function<void(EventKind)> observer) { observer_ = std::move(observer); }

  private:
    const LabClock* clock_ = nullptr;
    std::function<void(EventKind)> observer_;
    mutable std::mutex mutex_;
    std::deque<Event> queue_;
    std::size_t capacity_;
    std::uint64_t dropped_ = 0;
};

}  // namespace kraftlab::core
