// Broker: one Kafka broker node. It owns a thread and an io_context, listens on a TCP port,
// serves Kafka clients (many connections, pipelined requests answered in order), keeps its
// partitions' logs on disk, and learns topics and leaders from metadata records sent by the
// controller.
//
// Lifecycle: construct, start() (binds, loads and recovers logs, starts the thread), then either
// kill() (a process crash: sockets reset, nothing flushed, data already written stays on disk;
// or a power loss: also everything written since the last flush is gone) or shutdown()
// (orderly: logs flushed). A stopped Broker is not restarted; the lab builds a new one on the
// same data directory and port, which recovers the logs.
//
// Durability: its LogFlusher fsyncs every log each flush_interval_ms (log.flush.interval.ms),
// so a power loss loses at most about that much of what was acknowledged with acks=1. The fsyncs
// themselves run on a flusher thread, so that requests are not stalled behind the disk.
//
// The Broker is the node: it owns the thread, the io_context, the server, request dispatch (one
// handler per API, broker/handle_*.cpp), the metadata it applies, its snapshots, and these
// components, each with its own header (which says its thread and lifecycle), made in start():
//   LogManager        the partitions' logs on disk, in line with the metadata (log_manager.h)
//   LogFlusher        flushes, offline logs, the power-loss cut (log_flusher.h)
//   ReplicaManager    leader or follower per partition, ISR changes, replication waits
//                     (replica_manager.h)
//   ReplicaFetchers   one fetcher per leader broker: truncate by epoch, fetch, append
//                     (replica_fetchers.h)
//   GroupCoordinator  consumer groups whose __consumer_offsets partition it leads
//                     (group_coordinator.h)
//   BrokerLifecycle   registration, heartbeats, controlled shutdown (broker_lifecycle.h)
//   RequestForwarder  admin requests to the active controller, "via any broker" produces to
//                     the leader (request_forwarder.h)
//   ProducerIdManager producer ids for InitProducerId, in blocks from the controller
//                     (producer_id_manager.h)
// They share what BrokerContext (broker_context.h) lends them.
//
// Threads: public methods are thread-safe. Everything else runs on the node thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "broker/broker_config.h"
#include "broker/broker_lifecycle.h"
#include "broker/group_coordinator.h"
#include "broker/log_flusher.h"
#include "broker/log_manager.h"
#include "broker/producer_id_manager.h"
#include "broker/replica_fetchers.h"
#include "broker/replica_manager.h"
#include "broker/request_forwarder.h"
#include "broker/waiters.h"
#include "core/events.h"
#include "core/mailbox.h"
#include "core/node_gate.h"
#include "core/snapshots.h"
#include "metadata/image.h"
#include "metadata/replication_control.h"
#include "net/asio.h"
#include "net/controller_client.h"
#include "net/kafka_client.h"
#include "net/kafka_server.h"
#include "net/lab_timer.h"
#include "net/sasl_server.h"
#include "protocol/fetch.h"
#include "protocol/header.h"
#include "protocol/incremental_alter_configs.h"
#include "protocol/produce.h"
#include "raft/driver.h"

namespace kraftlab::broker {

using IndexedRecord = std::pair<std::int64_t, metadata::MetadataRecord>;

// How a killed broker dies. Process: the OS keeps what the broker wrote (page cache survives).
// PowerLoss: the machine goes down too, and only what was fsynced survives.
enum class CrashMode { Process, PowerLoss };

class Broker {
  public:
    Broker(BrokerConfig config, core::EventBus& events, core::SnapshotBoard& snapshots);
    ~Broker();
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;

    // Binds the listener, loads the logs on disk and starts the node thread. On failure (the
    // port is taken, the data directory is unusable) returns the reason and nothing runs.
    std::optional<std::string> start();
    // Stops like a killed process: connections reset, logs closed without fsync. With
    // PowerLoss, once the node thread has stopped, every log also loses what was written after
    // its last flush, and a RecordsLost event says what went, per partition.
    void kill(CrashMode mode = CrashMode::Process);
    // Stops in order: connections closed, logs flushed.
    void shutdown();

    std::int32_t id() const { return config_.node_id; }
    std::uint16_t port() const { return port_; }
    const std::string& host() const { return config_.host; }
    bool running() const { return running_.load(); }
    // Lab time: holds this node's thread between two handlers (freeze-node, or the whole lab
    // paused; core/node_gate.h) or lets it go on. Does nothing unless running.
    void hold(core::NodeGate::Reason reason, bool held);
    const core::NodeGate& gate() const { return gate_; }
    // The offset of the last metadata record this broker has applied (-1 before any).
    std::int64_t metadata_offset() const { return metadata_offset_.load(); }
    // The heartbeat interval and the session timeout the controllers apply (shown in snapshots),
    // changed while running.
    void set_lifecycle_timeouts(std::int32_t heartbeat_interval_ms,
                                std::int32_t session_timeout_ms);
    // log.flush.interval.ms, changed while running (applied on the node thread); the next flush
    // is due this long after the previous one.
    void set_flush_interval_ms(std::int64_t flush_interval_ms);

  private:
    // What the node does after handling one request.
    struct Reply {
        enum class Action { Respond, Silent, Close };
        Action action = Action::Respond;
        protocol::Bytes body;      // the response body, without size and header
        std::string close_reason;  // for Close: plain words for the event stream

        static Reply respond(protocol::Bytes body) {
            return {Action::Respond, std::move(body), {}};
        }
        static Reply silent() { return {Action::Silent, {}, {}}; }
        static Reply close(std::string why) { return {Action::Close, {}, std::move(why)}; }
        // A response struct encoded at the request's version.
        template <typename Response>
        static Reply encode(const Response& response, std::int16_t version) {
            protocol::Bytes out;
            protocol::Writer w(out);
            response.encode(w, version);
            return respond(std::move(out));
        }
    };

    void stop(bool orderly);
    net::awaitable<net::ServerReply> serve(const protocol::RequestHeader& header,
                                           protocol::Reader& body, net::SessionInfo& session);
    // A request claiming a replica id from a connection not authenticated as a lab node: an
    // event says so (the handler answers TOPIC_AUTHORIZATION_FAILED).
    void refuse_follower_request(std::string_view api, std::int32_t replica_id);
    net::awaitable<Reply> dispatch(const protocol::RequestHeader& header, protocol::Reader& body,
                                   net::SessionInfo& session);
    // One per API (broker/handle_*.cpp). `body` is positioned after the request header.
    net::awaitable<Reply> handle_api_versions(const protocol::RequestHeader& h,
                                              protocol::Reader& body);
    net::awaitable<Reply> handle_metadata(const protocol::RequestHeader& h, protocol::Reader& body);
    // Produce and Fetch tell the session what they are about (SessionInfo::note, for the lab
    // network's RPC events).
    net::awaitable<Reply> handle_produce(const protocol::RequestHeader& h, protocol::Reader& body,
                                         net::SessionInfo& session);
    // from_lab_node: the session authenticated as a lab node; only then may a request with a
    // replica id act as a follower's (Kafka's ClusterAction).
    net::awaitable<Reply> handle_fetch(const protocol::RequestHeader& h, protocol::Reader& body,
                                       bool from_lab_node, net::SessionInfo& session);
    net::awaitable<Reply> handle_find_coordinator(const protocol::RequestHeader& h,
                                                  protocol::Reader& body);
    // Consumer groups (broker/handle_group_membership.cpp, handle_offsets.cpp,
    // handle_group_admin.cpp), served by groups_.
    net::awaitable<Reply> handle_join_group(const protocol::RequestHeader& h,
                                            protocol::Reader& body, net::SessionInfo& session);
    net::awaitable<Reply> handle_sync_group(const protocol::RequestHeader& h,
                                            protocol::Reader& body);
    net::awaitable<Reply> handle_heartbeat(const protocol::RequestHeader& h,
                                           protocol::Reader& body);
    net::awaitable<Reply> handle_leave_group(const protocol::RequestHeader& h,
                                             protocol::Reader& body);
    net::awaitable<Reply> handle_offset_commit(const protocol::RequestHeader& h,
                                               protocol::Reader& body);
    net::awaitable<Reply> handle_offset_fetch(const protocol::RequestHeader& h,
                                              protocol::Reader& body);
    net::awaitable<Reply> handle_offset_delete(const protocol::RequestHeader& h,
                                               protocol::Reader& body);
    net::awaitable<Reply> handle_describe_groups(const protocol::RequestHeader& h,
                                                 protocol::Reader& body);
    net::awaitable<Reply> handle_list_groups(const protocol::RequestHeader& h,
                                             protocol::Reader& body);
    net::awaitable<Reply> handle_delete_groups(const protocol::RequestHeader& h,
                                               protocol::Reader& body);
    net::awaitable<Reply> handle_list_offsets(const protocol::RequestHeader& h,
                                              protocol::Reader& body);
    net::awaitable<Reply> handle_create_topics(const protocol::RequestHeader& h,
                                               protocol::Reader& body);
    net::awaitable<Reply> handle_delete_topics(const protocol::RequestHeader& h,
                                               protocol::Reader& body);
    net::awaitable<Reply> handle_offset_for_leader_epoch(const protocol::RequestHeader& h,
                                                         protocol::Reader& body,
                                                         bool from_lab_node);
    net::awaitable<Reply> handle_incremental_alter_configs(const protocol::RequestHeader& h,
                                                           protocol::Reader& body);
    // Configs (broker/handle_configs.cpp).
    net::awaitable<Reply> handle_describe_configs(const protocol::RequestHeader& h,
                                                  protocol::Reader& body);
    net::awaitable<Reply> handle_alter_configs(const protocol::RequestHeader& h,
                                               protocol::Reader& body);
    // Sends config changes to the active controller and waits until this broker's image holds
    // the accepted ones (REQUEST_TIMED_OUT for every resource when no controller answers).
    net::awaitable<protocol::IncrementalAlterConfigsResponse> forward_config_changes(
        const protocol::IncrementalAlterConfigsRequest& request);
    // Cluster admin (broker/handle_cluster_admin.cpp, handle_delete_records.cpp).
    net::awaitable<Reply> handle_create_partitions(const protocol::RequestHeader& h,
                                                   protocol::Reader& body);
    net::awaitable<Reply> handle_elect_leaders(const protocol::RequestHeader& h,
                                               protocol::Reader& body);
    // Partition reassignment (broker/handle_reassignments.cpp).
    net::awaitable<Reply> handle_alter_partition_reassignments(const protocol::RequestHeader& h,
                                                               protocol::Reader& body);
    net::awaitable<Reply> handle_list_partition_reassignments(const protocol::RequestHeader& h,
                                                              protocol::Reader& body);
    net::awaitable<Reply> handle_describe_cluster(const protocol::RequestHeader& h,
                                                  protocol::Reader& body);
    net::awaitable<Reply> handle_describe_log_dirs(const protocol::RequestHeader& h,
                                                   protocol::Reader& body);
    net::awaitable<Reply> handle_delete_records(const protocol::RequestHeader& h,
                                                protocol::Reader& body);
    // Waits until done() holds for this broker's image, the broker stops, or timeout_ms pass.
    net::awaitable<void> await_metadata(std::function<bool()> done, std::int32_t timeout_ms);
    net::awaitable<Reply> handle_init_producer_id(const protocol::RequestHeader& h,
                                                  protocol::Reader& body);
    // The ApiVersions v0-format body with error UNSUPPORTED_VERSION, the answer to any API key or
    // version this broker does not speak.
    protocol::Bytes unsupported_version_body() const;

    net::awaitable<void> snapshot_loop();
    void apply_metadata(const std::vector<IndexedRecord>& records);
    void publish_snapshot();
    void reject_client(const net::SessionInfo& session, const std::string& explain);

    // --- consumer groups (broker/group_storage.cpp) ---------------------------------------------
    // Makes groups_ with this broker's __consumer_offsets partitions as its storage.
    void start_group_coordinator();
    // After a metadata change: which offsets partitions this broker leads now.
    void update_group_coordinator();
    // The first FindCoordinator for a group makes __consumer_offsets (once at a time).
    void ensure_offsets_topic();

    BrokerConfig config_;
    core::EventBus& events_;
    core::SnapshotBoard& snapshots_;

    std::unique_ptr<net::asio::io_context> io_;
    std::unique_ptr<net::SaslGate> sasl_;
    std::unique_ptr<net::KafkaServer> server_;
    core::MailboxPtr mailbox_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    core::NodeGate gate_;
    std::unique_ptr<net::ClockWaker> waker_;  // while running: wakes io_ on clock changes
    std::atomic<std::int64_t> metadata_offset_{-1};
    std::uint16_t port_ = 0;
    bool stopping_ = false;

    std::shared_ptr<const metadata::MetadataImage> image_;
    bool metadata_ready_ = false;            // the first full replay has arrived
    std::int64_t metadata_applied_end_ = 0;  // one past the last metadata entry applied
    std::unique_ptr<LogManager> logs_;
    std::unique_ptr<GroupCoordinator> groups_;
    bool creating_offsets_topic_ = false;
    // Coroutines waiting for the image to show a change, woken after each metadata batch.
    Waiters metadata_waiters_;
    std::unique_ptr<net::LabTimer> snapshot_timer_;
    std::unique_ptr<LogFlusher> flusher_;
    CrashMode crash_mode_ = CrashMode::Process;
    // The metadata log, followed as a raft observer (not a voter).
    std::unique_ptr<raft::RaftDriver> metadata_fetcher_;
    std::unique_ptr<net::ControllerClient> controller_client_;
    std::unique_ptr<BrokerLifecycle> lifecycle_;
    std::unique_ptr<RequestForwarder> forwarder_;
    std::unique_ptr<ReplicaFetchers> replica_fetchers_;
    std::unique_ptr<ReplicaManager> replica_manager_;
    std::unique_ptr<ProducerIdManager> producer_ids_;  // InitProducerId's ids

    // Counters for snapshots (the server counts requests and bytes).
    std::uint64_t produce_requests_total_ = 0;
    std::uint64_t fetch_requests_total_ = 0;
    std::map<std::string, std::int64_t> coordinator_reported_ms_;  // FindCoordinator key -> time
};

}  // namespace kraftlab::broker
