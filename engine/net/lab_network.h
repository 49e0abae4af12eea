// LabNetwork: the lab's network, the one seam every node-to-node RPC passes (as Kafka's
// NetworkChannel is for its raft client), and the link client traffic crosses to reach a broker.
//
// Nodes are named as in events: "broker-1", "controller-101", and "clients" (every Kafka client
// of the brokers: real ones on loopback and the lab's own producers, consumers and audit). Each
// directed link A→B carries faults (LinkFaults), set and cleared live; every decision is taken
// on lab time, so a paused lab holds its delayed messages and a slowed lab delivers them later.
//
// Who applies the faults:
//   - node to node: the sender's KafkaClient (configured with a LinkRoute) asks send() for each
//     request it writes and each response it reads, and holds, drops or doubles the frame
//     accordingly; connect() across a cut waits for the connect timeout, as a SYN into silence;
//   - clients to a broker: the broker's KafkaServer, for every connection that is not a node's
//     (a node's connection is known by its local port: attach()).
// Neither side fakes a message: a delivered request is the real frame on the real socket, a lost
// one is never written, so the sender waits for its own timeout.
//
// Observation: every RPC on a link becomes an RpcEvent in a bounded ring (tap()), drained by the
// app once per frame and by kraftlab-cluster --rpc-events; the oldest are overwritten and
// counted. Fault changes are kept as intervals (fault_history()) for the bands on charts.
//
// Determinism: each link has its own random generator, seeded from the network's seed and the
// link's names, so the same sequence of sends on a link meets the same losses.
//
// Threads: every method is thread-safe. send() takes one mutex briefly; with no faults set it
// takes none. Reset callbacks run on the thread that called reset(), and must only post work.
// Lifecycle: made by the lab before its nodes, destroyed after them.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/lab_clock.h"

namespace kraftlab::net {

using NodeIndex = std::uint16_t;
inline constexpr NodeIndex kNoNodeIndex = 0xffff;
inline constexpr std::string_view kClientsNode = "clients";

struct LinkFaults {
    enum class Distribution : std::uint8_t { Uniform, Normal };
    bool cut = false;            // silence: nothing crosses (not a reset)
    std::int32_t delay_ms = 0;   // added to every message
    std::int32_t jitter_ms = 0;  // ± around delay_ms (uniform) or its standard deviation
    Distribution distribution = Distribution::Uniform;
    double loss_percent = 0;       // messages lost, on average
    std::int32_t loss_burst = 1;   // mean length of a run of losses (1: independent losses)
    double duplicate_percent = 0;  // requests delivered (and handled) twice
    double reorder_percent = 0;    // messages that may overtake those sent before them
    std::int64_t bandwidth_bytes_per_s = 0;  // 0: no cap

    bool any() const;
    // "cut", "delay 100±20 ms, 10% loss", "" when healthy.
    std::string describe() const;
    bool operator==(const LinkFaults&) const = default;
};

// What happens to one message on a link.
struct Fate {
    enum class Kind : std::uint8_t { Deliver, Lost, Cut };
    Kind kind = Kind::Deliver;
    core::LabClock::duration due{0};  // lab time at which it arrives (Deliver)
    bool delayed = false;             // due is later than the send
    bool duplicate = false;           // deliver a second copy (requests)
    bool reordered = false;           // allowed to overtake earlier messages
};

inline constexpr std::uint16_t kNoTopic = 0xffff;

// What an RPC is about, where the request says: its (first) partition and offset, as a request
// names it (the names live in the request) and as an RpcEvent keeps it (the topic interned).
struct RequestDetail {
    std::string_view topic;       // empty: none (or the request names topics by id only)
    std::int32_t partition = -1;  // the first partition it names
    std::int32_t partitions = 0;  // how many it names
    std::int64_t offset = -1;     // a fetch's offset, where there is one
};
struct RpcDetail {                   // trivially destructible: it rides in coroutine frames
    std::uint16_t topic = kNoTopic;  // LabNetwork::topic_name()
    std::int32_t partition = -1;
    std::int32_t partitions = 0;
    std::int64_t offset = -1;
};

// One RPC on a link, as the sequence diagram draws it. Times are lab nanoseconds; 0: did not
// happen (a lost request never arrives).
struct RpcEvent {
    enum class Outcome : std::uint8_t {
        Delivered,     // request and response crossed
        Sent,          // one-way (acks=0 produce): the request crossed
        RequestLost,   // the link lost the request
        RequestCut,    // the request met a cut
        ResponseLost,  // the request crossed; the link lost its response
        ResponseCut,   // the response met a cut
        TimedOut,      // no response within the sender's timeout (the receiver was slow)
        Disconnected,  // the connection ended while the RPC was pending
    };
    std::uint64_t seq = 0;
    NodeIndex from = kNoNodeIndex;
    NodeIndex to = kNoNodeIndex;
    std::int16_t api_key = -1;
    std::int16_t api_version = 0;
    std::int32_t correlation_id = 0;
    std::int32_t request_bytes = 0;
    std::int32_t response_bytes = 0;
    RpcDetail detail;              // what it is about, where the request says
    std::int64_t sent_ns = 0;      // the sender handed it to the link
    std::int64_t arrived_ns = 0;   // the receiver got it
    std::int64_t answered_ns = 0;  // the receiver's response left
    std::int64_t returned_ns = 0;  // the sender got the response
    Outcome outcome = Outcome::Delivered;
    bool delayed = false;
    bool duplicated = false;
    bool reordered = false;
};
std::string_view outcome_name(RpcEvent::Outcome outcome);  // "delivered", "request_lost", ...

// A fault as it held on a link for a while (for bands on charts). end_ms -1: still holds.
struct FaultInterval {
    NodeIndex from = kNoNodeIndex;
    NodeIndex to = kNoNodeIndex;
    std::string what;  // LinkFaults::describe()
    std::int64_t start_ms = 0;
    std::int64_t end_ms = -1;
};

// How a client-side seam knows its link: the network, and the two ends.
class LabNetwork;
struct LinkRoute {
    LabNetwork* network = nullptr;
    NodeIndex from = kNoNodeIndex;
    NodeIndex to = kNoNodeIndex;
    explicit operator bool() const { return network != nullptr; }
};

class LabNetwork {
  public:
    static constexpr std::size_t kTapCapacity = 1 << 16;
    static constexpr std::size_t kHistoryCapacity = 512;

    explicit LabNetwork(core::LabClock& clock, std::uint64_t seed = 0x6b7261667466ULL);
    LabNetwork(const LabNetwork&) = delete;
    LabNetwork& operator=(const LabNetwork&) = delete;

    // The index of a node by name, made on first use ("broker-1", "controller-101", "clients").
    NodeIndex node(const std::string& name);
    std::optional<NodeIndex> find_node(const std::string& name) const;
    std::string node_name(NodeIndex index) const;
    // Topic names, interned for RpcEvents (at most 65,535; later ones are kNoTopic).
    std::uint16_t topic_index(const std::string& topic);
    std::string topic_name(std::uint16_t index) const;
    // A request's detail as an RpcEvent keeps it (the topic interned).
    RpcDetail detail(const RequestDetail& request);
    std::vector<std::string> node_names() const;
    NodeIndex clients() { return node(std::string(kClientsNode)); }
    LinkRoute route(const std::string& from, const std::string& to) {
        return LinkRoute{this, node(from), node(to)};
    }

    // Faults of one directed link: set replaces, clear heals it.
    void set_faults(NodeIndex from, NodeIndex to, const LinkFaults& faults);
    LinkFaults faults(NodeIndex from, NodeIndex to) const;
    // Every link with a fault.
    std::vector<std::pair<std::pair<NodeIndex, NodeIndex>, LinkFaults>> faulty_links() const;
    void heal_all();
    bool any_faults() const { return faulty_links_.load(std::memory_order_acquire) > 0; }

    // The seam: the fate of a message of `bytes` sent from → to, now or (sent_at) a little
    // earlier. Consumes the link's random numbers and bandwidth; keeps the link's order unless
    // the message is reordered.
    Fate send(NodeIndex from, NodeIndex to, std::size_t bytes,
              std::optional<core::LabClock::duration> sent_at = std::nullopt);
    // Whether a connection from → to can be made now (no cut either way: TCP needs both).
    bool can_connect(NodeIndex from, NodeIndex to) const;

    // Connections on a link, for reset() and for telling node traffic from client traffic.
    // `local_port`: the connecting socket's port (0: none); `on_reset` posts a close to the
    // connection's thread. Returns a handle for detach().
    std::uint64_t attach(NodeIndex from, NodeIndex to, std::uint16_t local_port,
                         std::function<void()> on_reset);
    void detach(std::uint64_t handle);
    // The node a connection from this local port belongs to (nullopt: a client's).
    std::optional<NodeIndex> node_of_port(std::uint16_t port) const;
    // Resets every connection on a→b and b→a (like a NAT that forgot them). Returns how many.
    std::size_t reset(NodeIndex a, NodeIndex b);

    // The RPC tap. record() stamps seq; drain() returns events from *cursor on (at most max)
    // and moves the cursor; *missed gets how many were overwritten before being read.
    void record(RpcEvent event);
    std::vector<RpcEvent> drain(std::uint64_t* cursor, std::size_t max,
                                std::uint64_t* missed = nullptr) const;
    std::uint64_t events_recorded() const;

    std::vector<FaultInterval> fault_history() const;

  private:
    struct Link {
        LinkFaults faults;
        std::mt19937_64 random;
        std::int32_t burst_left = 0;             // losses still to come in the current burst
        core::LabClock::duration last_due{0};    // the latest due time handed out (order)
        core::LabClock::duration busy_until{0};  // bandwidth: the link is sending until then
        std::size_t history_index = SIZE_MAX;    // the open FaultInterval, if any
    };
    struct Attachment {
        NodeIndex from = kNoNodeIndex;
        NodeIndex to = kNoNodeIndex;
        std::uint16_t port = 0;
        std::function<void()> on_reset;
    };
    static std::uint32_t key(NodeIndex from, NodeIndex to) {
        return (static_cast<std::uint32_t>(from) << 16) | to;
    }
    Link& link_locked(NodeIndex from, NodeIndex to);
    void close_interval_locked(Link& link, std::int64_t now_ms);

    core::LabClock& clock_;
    const std::uint64_t seed_;
    mutable std::mutex mutex_;  // nodes, links, attachments, history
    std::vector<std::string> nodes_;
    std::vector<std::string> topics_;
    std::map<std::string, std::uint16_t, std::less<>> topic_indexes_;
    std::map<std::uint32_t, Link> links_;
    std::atomic<std::int32_t> faulty_links_{0};
    std::map<std::uint64_t, Attachment> attachments_;
    std::map<std::uint16_t, NodeIndex> node_ports_;
    std::uint64_t next_attachment_ = 1;
    std::deque<FaultInterval> history_;  // at most kHistoryCapacity, oldest first
    std::size_t history_base_ = 0;       // the absolute index of history_.front()

    mutable std::mutex tap_mutex_;
    std::vector<RpcEvent> tap_;  // ring of kTapCapacity
    std::uint64_t next_seq_ = 0;
};

}  // namespace kraftlab::net
