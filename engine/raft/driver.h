// RaftDriver: runs a RaftNode (the pure core) on a node's io_context with real time and real
// sockets. It ticks the core, sends the core's requests to the other quorum members over TCP
// (one KafkaClient per peer, reconnected as needed), feeds their answers back, serves incoming
// raft requests (holding a Fetch with nothing to return until there is, like Kafka's long poll),
// and hands the core's Ready to its owner through hooks: persist the quorum state and the log
// before anything is sent, then apply committed entries.
//
// Controllers drive a voting node and persist; brokers drive an observer and keep nothing.
//
// Threads: everything runs on the io_context's one thread; every method is called there.
// Lifecycle: start(), then stop() (or destroy the io_context) — the owner node does both.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "net/asio.h"
#include "net/kafka_client.h"
#include "net/lab_timer.h"
#include "raft/raft.h"

namespace kraftlab::raft {

struct PeerAddress {
    NodeId id = kNoNode;
    std::string host;
    std::uint16_t port = 0;
};

class RaftDriver {
  public:
    struct Hooks {
        // Make the quorum state durable before returning (fsync). Voters only. Returns why it
        // could not; the driver then halts (see failed), as Kafka's raft client does.
        std::function<std::optional<std::string>(const QuorumState&)> persist_state;
        // Drop the log at and above truncate_to (if set), then append; durable before returning.
        // Returns why it could not; the driver then halts.
        std::function<std::optional<std::string>(std::optional<std::int64_t> truncate_to,
                                                 const std::vector<Entry>& append)>
            persist_log;
        // The driver halted because state or log could not be made durable: nothing it had not
        // persisted has left (no vote granted, no append acknowledged). Called once.
        std::function<void(const std::string& why)> failed;
        // Entries newly below the high watermark, in order.
        std::function<void(const std::vector<Entry>& committed)> apply;
        // What changed (elections, votes, leaders, truncations), for events and the UI.
        std::function<void(const std::vector<Change>& changes)> changed;
        // A Vote this node answered, with the core's reason for granting or refusing (Kafka's
        // Vote response carries no reason; the voter tells the timeline itself).
        std::function<void(const VoteRequest& request, const VoteResponse& answer)> voted;
    };

    struct Options {
        std::int32_t tick_interval_ms = 10;
        std::int32_t fetch_max_wait_ms = 500;  // how long a leader may hold an empty Fetch
        std::string cluster_id;
        std::string client_id = "kraftlab-raft";
        // Credentials every connection to a voter authenticates with (controllers require
        // SASL: the lab's node user and secret).
        std::optional<net::SaslCredentials> sasl;
        // The lab network (net/lab_network.h): connections to the voters are its links from
        // node_name ("broker-1", "controller-101") to "controller-<id>". nullptr: plain sockets.
        net::LabNetwork* network = nullptr;
        std::string node_name;
    };

    RaftDriver(net::asio::io_context& io, RaftNode node, std::vector<PeerAddress> voters,
               Hooks hooks, Options options);
    ~RaftDriver();

    void start();
    void stop();
    // True once a persist hook failed: the driver is stopped and answers nothing more.
    bool failed() const { return failed_; }

    RaftNode& node() { return node_; }
    const RaftNode& node() const { return node_; }
    // Milliseconds on the driver's clock (what the core is ticked with).
    std::int64_t now_ms() const;

    // After calling into node() from outside (propose, resign): process what it produced.
    void process();

    // Serves a raft request that arrived on one of the owner's connections; the answer is the
    // encoded response body. A Fetch may be held until there is something to return.
    net::awaitable<protocol::Bytes> serve(protocol::ApiKey key, std::int16_t version,
                                          protocol::Reader& body);
    static bool is_raft_api(protocol::ApiKey key);

  private:
    struct Peer;
    net::awaitable<void> tick_loop();
    net::awaitable<void> send(OutgoingRequest request);
    Peer* peer(NodeId id);
    void wake_fetchers();
    std::int32_t fetch_wait_ms() const;

    net::asio::io_context& io_;
    RaftNode node_;
    std::map<NodeId, std::unique_ptr<Peer>> peers_;
    Hooks hooks_;
    Options options_;
    bool stopping_ = false;
    bool failed_ = false;
    std::unique_ptr<net::LabTimer> tick_timer_;
    std::vector<net::LabTimer*> parked_fetches_;
};

}  // namespace kraftlab::raft
