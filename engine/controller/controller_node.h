// ControllerNode: one controller of the KRaft quorum, a node with its own thread, io_context and
// port, speaking the Kafka protocol.
//
// Every controller is a voter of the Raft quorum over the metadata log (engine/raft: the pure
// core driven by RaftDriver), keeps that log and its quorum state on disk
// (<session>/controller-<id>/), and replays the committed records into its own MetadataImage.
// The one that leads is the active controller: it registers brokers (BrokerRegistration),
// tracks their heartbeats (BrokerHeartbeat) and fences those whose session expires, unfences
// them when they have caught up, creates and deletes topics (CreateTopics/DeleteTopics, which
// brokers forward), changes partitions' ISRs when their leaders ask (AlterPartition), changes
// topic configs (IncrementalAlterConfigs, which brokers forward too), places
// replicas and elects partition leaders — each decision a set of
// records (metadata/replication_control.h) proposed to the quorum and answered once committed.
// The others answer such requests with NOT_CONTROLLER.
//
// Lifecycle: start(), then kill() (like a process crash: connections reset, what was written
// stays) or shutdown(). A stopped node is not restarted: the lab builds a new one on the same
// directory and port, and it resumes from its persisted log and quorum state.
// Threads: public methods are thread-safe; everything else runs on the node thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/events.h"
#include "core/lab_clock.h"
#include "core/mailbox.h"
#include "core/node_gate.h"
#include "core/snapshots.h"
#include "metadata/broker_sessions.h"
#include "metadata/image.h"
#include "metadata/replication_control.h"
#include "net/asio.h"
#include "net/kafka_server.h"
#include "net/lab_network.h"
#include "net/lab_timer.h"
#include "net/sasl_server.h"
#include "raft/driver.h"
#include "storage/partition_log.h"

namespace kraftlab::controller {

struct ControllerConfig {
    // The lab's clock (core/lab_clock.h) this node's thread runs on; nullptr: the standalone one.
    core::LabClock* clock = nullptr;
    // The lab network its raft connections are links of (net/lab_network.h); nullptr: plain
    // sockets. It outlives the controller.
    net::LabNetwork* network = nullptr;
    std::int32_t node_id = 101;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;          // 0: an ephemeral port, kept across restarts by the lab
    std::filesystem::path data_dir;  // <session>/controller-<id>
    std::string cluster_id;
    std::vector<raft::PeerAddress> voters;  // every controller, this one included
    // Lab defaults are shorter than Kafka's so that demos move; Kafka's in comments.
    std::int32_t election_timeout_ms = 1000;        // controller.quorum.election.timeout.ms (1000)
    std::int32_t fetch_timeout_ms = 1000;           // controller.quorum.fetch.timeout.ms (2000)
    std::int32_t broker_session_timeout_ms = 3000;  // broker.session.timeout.ms (9000)
    metadata::ClusterDefaults defaults;
    std::int32_t snapshot_interval_ms = 250;
    // The listener's bounds, as on a broker (broker_config.h says why these values).
    std::size_t queued_max_request_bytes = 100 * 1024 * 1024;  // queued.max.request.bytes
    std::int64_t connections_max_idle_ms = 60'000;             // connections.max.idle.ms
    // The per-lab secret (lab/lab_secret.h): the listener requires SASL PLAIN as the lab's node
    // user with it, and this controller's raft client authenticates with it. Empty: SASL off.
    std::string lab_secret;
    // Connections waiting to authenticate: at most this many (a new one closes the oldest), each
    // for at most this long, so strangers cannot keep a restarting broker out.
    std::int32_t max_unauthenticated_connections = 16;
    std::int64_t sasl_authentication_timeout_ms = 10'000;
};

class ControllerNode {
  public:
    ControllerNode(ControllerConfig config, core::EventBus& events, core::SnapshotBoard& snapshots);
    ~ControllerNode();
    ControllerNode(const ControllerNode&) = delete;
    ControllerNode& operator=(const ControllerNode&) = delete;

    // Binds its port (the lab binds every controller first, then tells each the voters'
    // addresses); the reason on failure.
    std::optional<std::string> listen();
    // Sets the voters (every controller, this one included), then opens its log and quorum state
    // and starts the thread; the reason on failure. Calls listen() first if that was not done.
    std::optional<std::string> start(std::vector<raft::PeerAddress> voters);
    void kill();
    void shutdown();

    // Asks the node to give up leadership (it tells the voters; a new election follows).
    void resign();
    // Changes the timeouts while running (raft ones apply from the next timer).
    void set_timeouts(std::int32_t election_timeout_ms, std::int32_t fetch_timeout_ms,
                      std::int32_t broker_session_timeout_ms);

    std::int32_t id() const { return config_.node_id; }
    std::uint16_t port() const { return port_; }
    bool running() const { return running_.load(); }
    // Lab time: holds this node's thread between two handlers (freeze-node, or the whole lab
    // paused; core/node_gate.h) or lets it go on. Does nothing unless running.
    void hold(core::NodeGate::Reason reason, bool held);
    const core::NodeGate& gate() const { return gate_; }
    // The committed metadata as this controller has applied it. Thread-safe.
    std::shared_ptr<const metadata::MetadataImage> image() const;

  private:
    struct Pending;

    void stop(bool orderly);
    std::optional<std::string> open_storage(raft::QuorumState& state,
                                            std::vector<raft::Entry>& log);
    std::optional<std::string> persist_state(const raft::QuorumState& state);
    std::optional<std::string> persist_log(std::optional<std::int64_t> truncate_to,
                                           const std::vector<raft::Entry>& append);
    void on_persist_failed(const std::string& why);
    void apply(const std::vector<raft::Entry>& committed);
    void on_changes(const std::vector<raft::Change>& changes);
    void on_vote(const raft::VoteRequest& request, const raft::VoteResponse& answer);

    net::awaitable<net::ServerReply> serve(const protocol::RequestHeader& h, protocol::Reader& body,
                                           net::SessionInfo& session);
    net::awaitable<protocol::Bytes> handle_registration(std::int16_t version,
                                                        protocol::Reader& body);
    net::awaitable<protocol::Bytes> handle_heartbeat(std::int16_t version, protocol::Reader& body);
    net::awaitable<protocol::Bytes> handle_alter_partition(std::int16_t version,
                                                           protocol::Reader& body);
    net::awaitable<protocol::Bytes> handle_create_topics(std::int16_t version,
                                                         protocol::Reader& body);
    net::awaitable<protocol::Bytes> handle_delete_topics(std::int16_t version,
                                                         protocol::Reader& body);
    net::awaitable<protocol::Bytes> handle_incremental_alter_configs(std::int16_t version,
                                                                     protocol::Reader& body);
    // handle_partition_admin.cpp
    net::awaitable<protocol::Bytes> handle_create_partitions(std::int16_t version,
                                                             protocol::Reader& body);
    net::awaitable<protocol::Bytes> handle_elect_leaders(std::int16_t version,
                                                         protocol::Reader& body);
    net::awaitable<protocol::Bytes> handle_alter_partition_reassignments(std::int16_t version,
                                                                         protocol::Reader& body);
    // controller/producer_ids_handler.cpp
    net::awaitable<protocol::Bytes> handle_allocate_producer_ids(std::int16_t version,
                                                                 protocol::Reader& body);

    // Active-controller duties.
    bool is_active() const;
    std::shared_ptr<const metadata::MetadataImage> working_image() const;
    // Proposes records and waits until they are committed (true) or cannot be (false).
    net::awaitable<bool> commit(std::vector<metadata::MetadataRecord> records, std::string cause);
    void fail_pending(const std::string& why);
    net::awaitable<void> duty_loop();
    net::awaitable<void> snapshot_loop();
    void publish_snapshot();

    ControllerConfig config_;
    core::EventBus& events_;
    core::SnapshotBoard& snapshots_;
    std::string label_;  // "controller 101"

    std::unique_ptr<net::asio::io_context> io_;
    core::MailboxPtr mailbox_;
    std::unique_ptr<net::SaslGate> sasl_;
    std::unique_ptr<net::KafkaServer> server_;
    std::unique_ptr<raft::RaftDriver> driver_;
    std::unique_ptr<storage::PartitionLog> log_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    core::NodeGate gate_;
    std::unique_ptr<net::ClockWaker> waker_;  // while running: wakes io_ on clock changes
    std::uint16_t port_ = 0;
    std::uint64_t duty_ticks_ = 0;
    bool stopping_ = false;
    std::unique_ptr<net::LabTimer> duty_timer_;
    std::unique_ptr<net::LabTimer> snapshot_timer_;

    std::shared_ptr<const metadata::MetadataImage> image_;  // committed; node thread
    mutable std::mutex image_mutex_;                        // guards shared_image_
    std::shared_ptr<const metadata::MetadataImage> shared_image_;
    std::map<std::int64_t, std::string> causes_;  // proposal base offset -> why
    std::int64_t leader_start_offset_ = -1;       // end of this leadership's LeaderChange entry
    std::int64_t applied_end_ = 0;                // every entry below this is applied to image_
    // (role, epoch, leader) last reported, so that one change is one event.
    std::tuple<int, std::int32_t, std::int32_t> reported_quorum_{-1, -1, -2};
    // Heartbeats (driver clock) and fencing decisions; the times matter while active only.
    metadata::BrokerSessions sessions_;
    std::vector<Pending*> pending_;
    // Elections as seen from here: for the timeline's "who voted for whom".
    std::vector<std::int32_t> votes_received_;
};

}  // namespace kraftlab::controller
