// Cluster: the lab. It owns the nodes (the metadata controller and the brokers, each on its own
// thread), starts them on a session directory, kills and restarts them, runs commands, and turns
// snapshots into throughput figures once a second. The desktop app and kraftlab-cluster both
// drive the engine through this class and nothing else.
//
// Threads: every public method is thread-safe. Commands are serialized and block the caller
// until done (bounded by timeouts); the app calls them from a worker thread, never the GUI
// thread. Events and snapshots are read through events() and snapshots() from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker.h"
#include "controller/controller_node.h"
#include "core/events.h"
#include "core/lab_clock.h"
#include "core/snapshots.h"
#include "lab/audit.h"
#include "lab/consumer.h"
#include "lab/producer.h"
#include "lab/workload.h"
#include "metadata/replication_control.h"
#include "net/controller_client.h"
#include "net/lab_network.h"

namespace kraftlab::lab {

struct LabConfig {
    std::int32_t brokers = 3;
    // Controllers of the KRaft quorum (each a voter); 1 is a quorum of one.
    std::int32_t controllers = 3;
    std::string host = "127.0.0.1";
    // Broker i listens on port_base + i - 1; 0 gives every broker an ephemeral port (kept across
    // restarts).
    std::uint16_t port_base = 0;
    // The session directory; empty: a fresh temporary one.
    std::filesystem::path data_dir;
    broker::BrokerConfig
        broker;  // per-broker fields (id, port, data_dir, cluster_id) are filled in
    controller::ControllerConfig controller;  // likewise per controller; its timeouts apply
    metadata::ClusterDefaults cluster;
    std::int32_t throughput_interval_ms = 1000;
    // Acknowledged records the audit keeps at most (48 bytes each); beyond, it is partial.
    std::size_t audit_max_records = 10'000'000;
    // The per-lab secret the nodes authenticate with (lab/lab_secret.h); empty: a fresh one is
    // generated at start. Never shown.
    std::string lab_secret;
    // Set: the brokers require SASL PLAIN from clients too, with this user (the lab's own
    // producers, consumers and audit use it).
    std::optional<net::SaslCredentials> client_sasl;
    // False: the nodes talk over plain sockets, outside the lab network (no faults, no RPC
    // tap). Only for measuring what the network's seam costs (bench replication).
    bool lab_network = true;
};

struct CommandResult {
    bool ok = true;
    std::string message;  // plain words, for the reply line or the UI
    nlohmann::json data = nlohmann::json::object();

    static CommandResult success(std::string message,
                                 nlohmann::json data = nlohmann::json::object()) {
        return {true, std::move(message), std::move(data)};
    }
    static CommandResult failure(std::string message) { return {false, std::move(message), {}}; }
};

// What the lab looks like now, for displays: cheap to get from any thread (never waits for a
// running command), immutable once made.
struct LabView {
    struct Broker {
        std::int32_t id = 0;
        std::string host;
        std::uint16_t port = 0;
        bool running = false;
        bool frozen = false;  // pause-node: running, but its thread is held
    };
    struct Controller {
        std::int32_t id = 0;
        std::string host;
        std::uint16_t port = 0;
        bool running = false;
        bool frozen = false;
    };
    bool running = false;
    std::vector<Controller> controllers;
    std::string bootstrap;
    std::string data_dir;
    std::string cluster_id;
    std::vector<Broker> brokers;
    std::shared_ptr<const metadata::MetadataImage> metadata = metadata::MetadataImage::empty();
};

// Lab time as of now (Cluster::lab_time()): cheap, from any thread.
struct LabTimeView {
    std::int64_t lab_ms = 0;  // lab time since the lab was made
    double speed = 1.0;       // 0.05 .. 4
    bool paused = false;      // lab time stands still (paused, or a step has run its course)
    bool pause_on_election = false;
    bool pause_on_isr_change = false;
};

// The answer to adding a producer or consumer: `id` is the new one's id (-1 on failure).
struct AddClientResult {
    CommandResult result;
    std::int32_t id = -1;
};

class Cluster {
  public:
    static constexpr std::int32_t kMaxBrokers = 32;
    static constexpr std::int32_t kMaxControllers = 7;
    // Controller ids start here, apart from broker ids (1, 2, ...), as Kafka needs node ids to
    // be unique across a cluster: controller 101, 102, 103.
    static constexpr std::int32_t kFirstControllerId = 101;

    explicit Cluster(LabConfig config);
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    // Creates the session directory, starts the controller and every broker, and returns once
    // every broker is registered and serving. On failure returns the reason; nothing runs.
    std::optional<std::string> start();
    // Stops every node in order (logs flushed).
    void stop();

    const std::filesystem::path& data_dir() const { return data_dir_; }
    bool temporary_data_dir() const { return temporary_data_dir_; }
    const std::string& cluster_id() const { return cluster_id_; }
    // "127.0.0.1:9092,127.0.0.1:9093" over all brokers (running or not).
    std::string bootstrap() const;
    std::vector<std::int32_t> broker_ids() const;
    std::optional<std::uint16_t> broker_port(std::int32_t id) const;
    bool broker_running(std::int32_t id) const;

    CommandResult create_topic(const std::string& name, std::int32_t partitions,
                               std::int16_t replication_factor = -1,
                               std::vector<std::pair<std::string, std::string>> configs = {});
    CommandResult delete_topic(const std::string& name);
    // Changes a topic's configs live (IncrementalAlterConfigs to the active controller): a value
    // sets the key, nullopt returns it to the default. All or nothing; answers once every
    // running broker has applied the change.
    CommandResult set_topic_config(
        const std::string& topic,
        std::vector<std::pair<std::string, std::optional<std::string>>> configs);
    // cluster_admin.cpp. Grows a topic to `count` partitions (CreatePartitions); never fewer.
    CommandResult add_partitions(const std::string& topic, std::int32_t count);
    // ElectLeaders: the preferred replica leads where it is in sync and not leading yet, or
    // (unclean) a partition without a leader gets one, in sync or not. Empty topic: every
    // partition; partition -1: every partition of the topic.
    CommandResult elect_leaders(bool unclean, const std::string& topic = {},
                                std::int32_t partition = -1);
    // cluster_reassign.cpp. Moves a partition's replicas to `replicas` (the first is the
    // preferred leader), or with nullopt cancels the move in progress
    // (AlterPartitionReassignments). Answers when the move has started: the new replicas copy
    // the log, join the ISR, and then the old ones leave (ReassignmentChanged events).
    CommandResult reassign(const std::string& topic, std::int32_t partition,
                           std::optional<std::vector<std::int32_t>> replicas);
    // Changes a topic's replication factor: one reassignment per partition. Growing keeps each
    // partition's replicas and adds the running brokers that hold the fewest replicas; shrinking
    // keeps the first ones and always the leader.
    CommandResult set_replication_factor(const std::string& topic, std::int32_t replication_factor);
    // A process crash keeps what the broker wrote; a power loss also loses what it had not
    // flushed yet (see set_flush_interval), and says so with RecordsLost events.
    CommandResult kill_broker(std::int32_t id, broker::CrashMode mode = broker::CrashMode::Process);
    CommandResult restart_broker(std::int32_t id);
    CommandResult kill_controller(std::int32_t id);
    CommandResult restart_controller(std::int32_t id);
    // Asks the active controller to step down; the quorum elects another.
    CommandResult resign_controller(std::int32_t id);
    // Changes the quorum's timeouts, the brokers' heartbeat interval and their session timeout
    // while the lab runs (and for nodes restarted later).
    CommandResult set_timeouts(std::int32_t election_timeout_ms, std::int32_t fetch_timeout_ms,
                               std::int32_t heartbeat_interval_ms,
                               std::int32_t broker_session_timeout_ms);
    // What set_timeouts would refuse these with (lab/field_rules.h: each in its bounds, the
    // session longer than the heartbeat), in plain words; nullopt when they are fine.
    static std::optional<std::string> timeouts_problem(std::int32_t election_timeout_ms,
                                                       std::int32_t fetch_timeout_ms,
                                                       std::int32_t heartbeat_interval_ms,
                                                       std::int32_t broker_session_timeout_ms);
    // log.flush.interval.ms of every broker, running or restarted later: 10..86,400,000 ms
    // (Field::FlushInterval).
    CommandResult set_flush_interval(std::int64_t flush_interval_ms);
    std::int64_t flush_interval_ms() const;
    std::vector<std::int32_t> controller_ids() const;
    // The built-in workload (lab/workload.h). Producers and consumers are numbered from 1,
    // each kind on its own, and are Kafka clients of the brokers on their own threads. A config
    // is checked first: the topic must exist, the rate be 0..1,000,000 records/s, value bytes
    // 0..1 MiB, acks 0, 1, -1 or the lab's N up to the topic's replication factor
    // (lab/workload.h validate(), lab/field_rules.h); nothing is clamped. A custom partitioner is
    // built on the producer's thread; if it does not build, add/update fail with its error. Hooks
    // are for the audit and for tests (see ProducerHooks, ConsumerHooks).
    AddClientResult add_producer(ProducerConfig config, ProducerHooks hooks = {});
    CommandResult update_producer(std::int32_t id, ProducerConfig config);
    // Stops the producer (requests in flight get up to 1 s) and removes its snapshot.
    CommandResult remove_producer(std::int32_t id);
    AddClientResult add_consumer(ConsumerConfig config, ConsumerHooks hooks = {});
    CommandResult remove_consumer(std::int32_t id);
    // The consumer's process dies: no last commit, no LeaveGroup (BuiltinConsumer::stop).
    CommandResult kill_consumer(std::int32_t id);
    // The config a producer runs with (nullopt: no such producer); what update_producer starts
    // from when only a few settings change.
    std::optional<ProducerConfig> producer_config(std::int32_t id) const;
    std::vector<std::int32_t> producer_ids() const;
    std::vector<std::int32_t> consumer_ids() const;
    // For CPU accounting in benchmarks: the producer thread's Linux thread id (0 if none).
    pid_t producer_thread_id(std::int32_t id) const;

    // The audit of acknowledged writes (lab/audit.h): reads every audited topic back from its
    // leaders and compares it with what the built-in producers saw acknowledged before the
    // audit began. Producers keep running. The data is the report; the message its verdict.
    // Publishes AuditFinished, and RecordsLost per topic with losses. Blocks up to ~20 s
    // while partitions have no leader.
    CommandResult audit();

    // Lab time (lab/cluster_time.cpp, core/lab_clock.h). pause() freezes lab time and holds
    // every node between two handlers (their timers wait, their sockets are not read: a real
    // client's requests are held, not answered and not refused) and returns once every node is
    // held. resume() lets them go on from where they stood. speed: 0.05..4. step: only while
    // paused, runs the lab for exactly `ms` of lab time (1..60,000), then pauses again; it
    // returns when the step is over. While paused, commands that need the nodes to answer
    // (create/delete topic, configs, timeouts, restart, resign, audit) are refused; kill and
    // pause-node are not. Each is announced as a LabTime event.
    CommandResult pause();
    CommandResult resume();
    CommandResult set_speed(double speed);
    CommandResult step(std::int64_t ms);
    // Freezes one broker or controller (id), as a stop-the-world GC pause or SIGSTOP would: its
    // thread is held, its connections stay open, lab time goes on for the others; on resume it
    // acts on what it last knew. Shown as frozen, not down.
    CommandResult pause_node(std::int32_t id);
    CommandResult resume_node(std::int32_t id);
    // Pause the lab the moment a controller election starts, or an ISR shrinks or grows.
    void set_pause_on(bool election, bool isr_change);
    LabTimeView lab_time() const;

    // The lab network (lab/cluster_network.cpp, net/lab_network.h). Nodes are named as in
    // events: "broker-1", "controller-101", "clients"; a bare id names a broker or controller.
    // Faults go on the link a→b and, unless one_way, b→a; each replaces what that fault was and
    // keeps the link's other faults. Announced as NetworkChanged events. Allowed while paused.
    CommandResult cut(const std::string& a, const std::string& b, bool one_way);
    CommandResult set_delay(const std::string& a, const std::string& b, std::int32_t ms,
                            std::int32_t jitter_ms, net::LinkFaults::Distribution distribution,
                            bool one_way);
    CommandResult set_loss(const std::string& a, const std::string& b, double percent,
                           std::int32_t burst, bool one_way);
    CommandResult set_duplicate(const std::string& a, const std::string& b, double percent,
                                bool one_way);
    CommandResult set_reorder(const std::string& a, const std::string& b, double percent,
                              bool one_way);
    CommandResult set_bandwidth(const std::string& a, const std::string& b,
                                std::int64_t bytes_per_s, bool one_way);
    // Every fault of the link a→b (and b→a unless one_way) at once: what the app's link dialog
    // sets. The bounds are the single setters'.
    CommandResult set_link(const std::string& a, const std::string& b,
                           const net::LinkFaults& faults, bool one_way);
    // Resets the connections on the link both ways (they reconnect, as after a NAT forgot them).
    CommandResult reset_link(const std::string& a, const std::string& b);
    // heal(): every link; heal(a, b): that link both ways.
    CommandResult heal();
    CommandResult heal(const std::string& a, const std::string& b);
    // Shapes (Jepsen's names). isolate: the node is cut from every other node (not from the
    // clients: isolate "clients" for that). partition: groups of node names; two nodes can talk
    // when some group holds both (so a node in two groups is a bridge), and nodes in no group
    // keep every link. ring: each node reaches its neighbours on a ring of the given nodes (every
    // broker and controller when empty) so that each sees a majority, none the same one.
    CommandResult isolate(const std::string& node);
    CommandResult partition(const std::vector<std::vector<std::string>>& groups);
    CommandResult ring(const std::vector<std::string>& nodes);
    // Every link with a fault, and the nodes (the CLI's `links`).
    CommandResult links() const;
    net::LabNetwork& network() { return network_; }
    core::LabClock& clock() { return clock_; }

    // Brokers, topics, partitions, producers and consumers as JSON (the CLI's `status`).
    nlohmann::json status() const;

    // The lab as of now, for displays. Thread-safe and never blocked by a running command.
    LabView view() const;

    core::EventBus& events() { return events_; }
    core::SnapshotBoard& snapshots() { return snapshots_; }
    std::shared_ptr<const metadata::MetadataImage> metadata() const;

  private:
    CommandResult end_consumer(std::int32_t id, bool crash);

    struct BrokerSlot {
        broker::BrokerConfig config;
        std::unique_ptr<broker::Broker> node;
    };
    struct ControllerSlot {
        controller::ControllerConfig config;
        std::unique_ptr<controller::ControllerNode> node;
    };

    std::optional<std::string> start_broker(BrokerSlot& slot);
    std::vector<raft::PeerAddress> voters_locked() const;
    // Waits until every running broker is registered and unfenced (or the timeout passes).
    bool wait_for_brokers(std::chrono::milliseconds timeout);
    // Runs an admin request against the active controller on the admin thread, and waits.
    template <typename Fn>
    auto admin_call(Fn fn) ->
        typename decltype(fn(std::declval<net::ControllerClient&>()))::value_type;
    std::string bootstrap_locked() const;  // mutex_ held
    void publish_view_locked();            // mutex_ held: rebuilds the view
    std::optional<std::string> start_controller(ControllerSlot& slot);  // mutex_ held
    // Waits (bounded) until every running, registered broker has applied the metadata up to
    // `offset`, so that a command's answer means every broker knows (mutex_ held).
    void wait_for_brokers_metadata(std::int64_t offset);
    std::shared_ptr<const metadata::MetadataImage> freshest_image_locked() const;  // view_mutex_

    void throughput_loop();
    void stop_workload();                                                    // mutex_ held
    std::optional<std::string> check_topic(const std::string& topic) const;  // mutex_ held
    // acks=N at most the topic's replication factor, or no write would ever be answered.
    std::optional<std::string> check_acks_locked(const ProducerConfig& config) const;

    // Lab time: pauses on chosen events (EventBus observer, on the publishing thread).
    void pause_on_event(core::EventKind kind);
    // The lab network: a node name or bare id as one of the lab's nodes, or why not; a change
    // of some links' faults, applied and announced.
    std::optional<std::string> resolve_node(const std::string& name, net::NodeIndex* index) const;
    CommandResult change_links(const std::string& a, const std::string& b, bool one_way,
                               const std::string& what,
                               const std::function<void(net::LinkFaults&)>& edit);
    CommandResult apply_cuts(const std::vector<std::pair<net::NodeIndex, net::NodeIndex>>& cut,
                             const std::string& what);
    // The refusal while the lab is paused, for commands that need the nodes to answer.
    std::optional<CommandResult> refuse_while_paused(const char* what) const;

    // First: every node and client thread runs on it, so it outlives them all.
    core::LabClock clock_;
    // Second: every node's connections are its links.
    net::LabNetwork network_{clock_};
    std::atomic<bool> pause_on_election_{false};
    std::atomic<bool> pause_on_isr_change_{false};
    LabConfig config_;
    std::filesystem::path data_dir_;
    bool temporary_data_dir_ = false;
    std::string cluster_id_;
    core::EventBus events_;
    core::SnapshotBoard snapshots_;
    std::map<std::int32_t, ControllerSlot> controllers_;
    // The lab's own admin connection to the quorum (as kafka-topics.sh --bootstrap-controller):
    // a thread with an io_context, for create-topic, delete-topic and set-config.
    std::unique_ptr<net::asio::io_context> admin_io_;
    std::unique_ptr<net::asio::executor_work_guard<net::asio::io_context::executor_type>>
        admin_work_;
    std::unique_ptr<net::ControllerClient> admin_;
    std::thread admin_thread_;

    mutable std::mutex mutex_;  // serializes commands; guards brokers_ and the workload
    std::map<std::int32_t, BrokerSlot> brokers_;
    std::map<std::int32_t, std::unique_ptr<BuiltinProducer>> producers_;
    std::map<std::int32_t, std::unique_ptr<BuiltinConsumer>> consumers_;
    std::int32_t next_producer_id_ = 1;
    std::int32_t next_consumer_id_ = 1;
    bool started_ = false;
    // Every record the built-in producers saw acknowledged (fed from their threads).
    AckLog acked_;
    std::int64_t session_start_ms_ = 0;
    std::mutex audit_mutex_;  // one audit at a time (it does not hold mutex_ while reading)

    mutable std::mutex view_mutex_;  // guards view_; held only to copy a pointer
    std::shared_ptr<const LabView> view_ = std::make_shared<LabView>();
    // Running controllers, for the metadata image (under view_mutex_; a node is dropped from
    // here before it is destroyed).
    std::vector<controller::ControllerNode*> view_controllers_;

    std::thread throughput_thread_;
    std::mutex throughput_mutex_;
    std::condition_variable throughput_cv_;
    bool throughput_stop_ = false;
};

}  // namespace kraftlab::lab
