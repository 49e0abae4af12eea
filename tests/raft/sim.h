// A simulated quorum for testing the raft core (engine/raft/): nodes with a durable store that
// survives crashes, a network that can drop, delay, duplicate, reorder and partition, a clock,
// and a checker of Raft's safety properties that runs after every step.
//
// A node can also be paused, as a stop-the-world GC pause or SIGSTOP would freeze it: it is not
// ticked and handles nothing; what reaches it meanwhile (requests, answers to its own requests)
// waits, as bytes in an open socket would, and is delivered in arrival order once it resumes;
// fetches held at it stay held. Its first tick after resuming sees the whole pause at once (its
// deadlines expired meanwhile) and it acts on what it last knew.
//
// One Cluster serves three kinds of test: the property tests drive it step by step, the golden
// transcripts (transcript.h) deliver its messages on command and print what happens, and the
// random simulation (run_simulation) lets a seeded generator choose everything. Nothing here
// reads a clock or a global random source: a seed replays a run exactly.
//
// The cluster plays the runtime's part of raft.h's contract: after every input it calls
// ready(), persists the quorum state and the log changes, then sends the requests, then
// applies the committed entries; an answer to a request leaves only after that. A crash keeps
// exactly what was persisted; a restart builds a new RaftNode from it. Fetches that would wait
// are held at the leader (long poll) until fetch_would_wait() turns false or they time out.
//
// Thread: single-threaded, like the core.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "raft/raft.h"

namespace kraftlab::raft::sim {

struct Message {
    enum class Type { Request, Response, Failure };  // Failure: "could not reach", to the sender
    Type type = Type::Request;
    std::uint64_t seq = 0;  // send order
    NodeId from = kNoNode;
    NodeId to = kNoNode;
    std::uint64_t request_id = 0;
    std::uint64_t incarnation = 0;  // of the requester: answers to an earlier life are lost
    Request request;
    Response response;
    std::int64_t deliver_at_ms = 0;
    // It reached its receiver while that node was paused and waited there: it is delivered
    // after the node resumes, in arrival order, whatever the links do meanwhile.
    bool waited = false;
};

// Network faults, drawn per message from the cluster's seeded generator. All zero: every message
// arrives, once, in order, when delivered.
struct Faults {
    double drop = 0;
    double duplicate = 0;
    std::int64_t delay_min_ms = 0;
    std::int64_t delay_max_ms = 0;
    double long_delay = 0;  // chance of a delay up to long_delay_max_ms (stale messages)
    std::int64_t long_delay_max_ms = 0;
    double notify_failure = 0;  // chance an undeliverable request is reported to its sender
};

struct Options {
    std::vector<NodeId> voters{1, 2, 3};
    std::vector<NodeId> observers;
    Config config;  // timeouts for every node; id, voters and random_seed are set per node
    std::uint64_t seed = 1;
    bool long_poll = true;
    std::int64_t fetch_hold_max_ms = 300;
    Faults faults;
};

struct Durable {
    QuorumState state;
    std::vector<Entry> log;
};

struct Node {
    struct Held {
        Message message;
        std::int64_t since_ms = 0;
    };
    NodeId id = kNoNode;
    bool voter = false;
    Durable disk;
    std::optional<RaftNode> raft;  // empty while crashed
    std::uint64_t incarnation = 0;
    std::vector<Entry> applied;  // committed entries applied in this incarnation, in order
    std::vector<Held> held;      // fetches held here (long poll)
    bool paused = false;
    std::int64_t paused_at_ms = 0;
    std::vector<Message> waiting;  // arrived while paused, in arrival order
};

class Cluster;

// Raft's safety properties, checked after every step (check()) and at the moments the cluster
// persists or answers (the on_* hooks). The first violation is kept; later ones are counted.
// check(): one leader per epoch, epochs and high watermarks never go back, every node's committed
// and applied entries equal everyone's, every leader holds what earlier epochs committed, the
// committed log is on a majority of voters' disks, and no voter lacking part of it could win an
// election (what makes the paper's figure 8 visible the moment it happens).
class Checker {
  public:
    void check(const Cluster& c);
    void check_log_matching(const Cluster& c);  // every pair of logs; costlier, call now and then

    void on_state_persisted(const Node& n, const QuorumState& before, const QuorumState& after);
    void on_vote_answered(const Node& n, NodeId candidate, const VoteResponse& r);
    void on_restart(const Node& n);
    void on_durable_truncated(const Node& n, std::int64_t offset);
    void violation(std::string what);

    bool ok() const { return violations_ == 0; }
    const std::string& first_violation() const { return first_; }
    std::int64_t committed_end() const {
        return committed_.empty() ? 0 : committed_.back().next_offset();
    }
    const std::vector<Entry>& committed() const { return committed_; }
    // Epochs in which some node was leader, and who.
    const std::map<std::int32_t, NodeId>& leaders() const { return leaders_; }

  private:
    struct Track {
        std::int64_t high_watermark = -1;  // this incarnation
        std::int64_t checked_to = 0;       // log below this compared with committed_ (this life)
        std::size_t applied_checked = 0;   // node.applied[0, this) compared with committed_
        std::int32_t epoch = 0;            // highest seen, over all lives
        std::int64_t durable_match = 0;    // voters: disk log equals committed_ below this
    };
    const Entry* committed_at(std::int64_t base_offset) const;
    void check_leader_has_committed(const Node& n, std::size_t from_index);

    std::map<NodeId, Track> tracks_;
    std::map<std::int32_t, NodeId> leaders_;
    std::vector<Entry> committed_;
    std::vector<std::int32_t> committed_epoch_;  // epoch of the node that first showed it committed
    const Cluster* cluster_ = nullptr;
    std::string first_;
    std::int64_t violations_ = 0;
};

class Cluster {
  public:
    explicit Cluster(Options options);

    std::int64_t now_ms() const { return now_ms_; }
    // Time passes by `ms`: every live node ticks, held fetches past their hold are answered.
    void tick(std::int64_t ms);

    // Messages sent and not yet delivered, in send order; those that waited for a paused node
    // (Message::waited) come back at the end when it resumes, in the order they reached it.
    const std::vector<Message>& in_flight() const { return in_flight_; }
    // Delivers (or drops, if the link is cut or the receiver is down) in_flight()[index]. To a
    // paused node it is not handled but waits there (Node::waiting) until the node resumes.
    void deliver(std::size_t index);
    // Drops in_flight()[index] without delivering it.
    void drop(std::size_t index);

    // Links: nodes in different groups cannot reach each other; nodes in no group reach all
    // (a bridge: partition({{1}, {3}}) leaves 2 reaching both sides).
    void partition(const std::vector<std::vector<NodeId>>& groups);
    // A one-way cut: from -> to loses everything, to -> from still works. Until heal().
    void cut_one_way(NodeId from, NodeId to);
    void heal();  // every partition and one-way cut ends
    // Whether a message from `a` reaches `b`.
    bool connected(NodeId a, NodeId b) const;

    void crash(NodeId id);  // a paused node may crash too (kill -9 of a stopped process)
    void restart(NodeId id);
    // Freeze a live node / let it run again (its waiting messages return to in_flight()). A
    // paused node refuses propose, campaign and resign: nothing in it runs.
    void pause(NodeId id);
    void resume(NodeId id);

    std::optional<std::int64_t> propose(NodeId id, std::vector<Bytes> records);
    void campaign(NodeId id);
    void resign(NodeId id);

    Node& node(NodeId id);
    const Node& node(NodeId id) const;
    const std::vector<NodeId>& ids() const { return ids_; }
    const std::vector<NodeId>& voters() const { return options_.voters; }
    // The live leader with the highest epoch, if any (a paused one too: it still believes so).
    std::optional<NodeId> leader() const;

    Options& options() { return options_; }
    Checker& checker() { return checker_; }
    const Checker& checker() const { return checker_; }
    std::int64_t messages_delivered() const { return delivered_; }

    // Every delivery, drop, hold and node change as one line (transcripts, --trace).
    std::function<void(const std::string&)> trace;

  private:
    Config config_for(const Node& n) const;
    void send(Message m);
    void handle_request(Node& n, const Message& m, const char* note);
    void process(Node& n);  // ready() until empty: persist, send, apply
    void release_held(Node& n);
    void report(const std::string& line) {
        if (trace) trace(line);
    }
    void notify_failure(const Message& m);

    Options options_;
    std::vector<NodeId> ids_;
    std::map<NodeId, Node> nodes_;
    std::map<NodeId, int> group_;                       // partition group; absent: reaches everyone
    std::set<std::pair<NodeId, NodeId>> one_way_cuts_;  // (from, to)
    std::vector<Message> in_flight_;
    std::uint64_t next_seq_ = 1;
    std::int64_t now_ms_ = 0;
    std::int64_t delivered_ = 0;
    std::mt19937_64 rng_;
    Checker checker_;
};

// --- text, for traces and transcripts ------------------------------------------------------
std::string records_text(const std::vector<Bytes>& records);  // "a,b" or "<leader 2>"
std::string entry_text(const Entry& e);                       // "3@e2:a,b"
std::string message_text(const Message& m);                   // "1->2 Vote epoch=1 ..."
std::string change_text(NodeId node, const Change& c);        // "2: voted for 1 in epoch 1"
std::string status_text(const Node& n);                       // one line per node
Bytes bytes_of(const std::string& s);

// --- the random simulation -----------------------------------------------------------------
struct SimulationOptions {
    std::uint64_t seed = 1;
    std::int64_t chaos_ms = 15000;           // safety phase: faults on
    std::int64_t liveness_bound_ms = 30000;  // after healing, convergence must come within this
    std::int64_t tick_ms = 10;
    // Pause faults (Cluster::pause), drawn from a generator of their own so that with
    // pauses_per_s = 0 a seed replays exactly as before pauses existed. A pause lasts
    // pause_min_ms..pause_max_ms, a range that spans the election timeout (1000 ms), the fetch
    // timeout (2000 ms) and the leader's check-quorum timeout (3000 ms); leader_pause_share of
    // pauses hit a node that believes it leads.
    double pauses_per_s = 0.3;
    std::int64_t pause_min_ms = 20;
    std::int64_t pause_max_ms = 4000;
    double leader_pause_share = 0.5;
    // One-way cuts and bridge partitions (a node reaching two sides that cannot reach each
    // other), drawn from a generator of their own too, so that with both at 0 a seed replays
    // exactly as before they existed. They end with the random heals, like partitions.
    double one_way_cuts_per_s = 0.2;
    double bridges_per_s = 0.1;
    bool trace = false;  // print every step to stderr
};

struct SimulationStats {
    int voters = 0;
    std::int64_t steps = 0;
    std::int64_t messages = 0;
    std::int64_t elections = 0;  // epochs that had a leader
    std::int64_t crashes = 0;
    std::int64_t partitions = 0;
    std::int64_t one_way_cuts = 0;
    std::int64_t bridges = 0;
    std::int64_t pauses = 0;
    std::int64_t leader_pauses = 0;     // of a node that believed it led
    std::int64_t first_leader_ms = -1;  // from the start, faults on
    std::int64_t converged_after_heal_ms = -1;
    std::int64_t proposals = 0;                   // accepted by a leader
    std::vector<std::int64_t> commit_latency_ms;  // proposal accepted -> its leader's HW past it
    std::int64_t committed_end = 0;
};

struct SimulationResult {
    bool ok = true;
    std::string failure;  // the first violated property, or the liveness failure
    SimulationStats stats;
    std::vector<std::string> trace_tail;  // the last lines of the trace, on failure
};

SimulationResult run_simulation(const SimulationOptions& options);

}  // namespace kraftlab::raft::sim
