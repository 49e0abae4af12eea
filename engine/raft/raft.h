// The KRaft consensus core: one node's view of the metadata quorum, as a pure state machine.
//
// Shaped like etcd's raft (STYLE.md §1): time and messages go in (tick(), handle_*()), and
// everything the node wants done comes out of ready(): requests to send, entries to persist or
// truncate, the quorum state to persist, entries newly committed, and what changed (for the
// lab's events). No sockets, threads, clocks, disks or randomness of its own: the runtime
// (engine/controller, engine/broker) does the IO, and the random source is seeded, so a
// simulation replays exactly.
//
// The protocol is KRaft's (KIP-595, Apache Kafka's KafkaRaftClient), pull-based:
//   - Vote: a candidate bumps the epoch, votes for itself, asks every voter; a voter grants at
//     most one vote per epoch, and only to a candidate whose log is at least as up to date
//     (last epoch, then end offset). A majority makes it leader.
//   - BeginQuorumEpoch: the new leader tells the voters. It appends an entry of its own epoch
//     first (a leader may only commit entries of its epoch, and through them the earlier ones).
//   - Fetch: followers and observers pull from the leader with (fetch_offset, last_fetched_epoch).
//     When they diverge, the leader answers with a diverging epoch and end offset, and the
//     follower truncates its log there before fetching again. The leader's high watermark is the
//     largest offset that a majority of voters (itself included) have fetched, counted only once
//     it has an entry of its current epoch below it.
//   - EndQuorumEpoch: a leader that resigns tells the voters, who then elect sooner.
//   - Timeouts: a follower that hears nothing from its leader for fetch_timeout becomes a
//     candidate; an unattached or voted node starts an election after a randomized election
//     timeout; a candidate that does not win retries after a randomized backoff; a leader that
//     has not heard from a majority within fetch_timeout * 1.5 resigns (check quorum), so a
//     partitioned leader steps down.
//   - Observers (brokers) are not voters: they never vote or campaign, their fetches do not
//     count towards the high watermark; they find the leader by fetching from any voter.
//
// Offsets count records, as in Kafka: an entry is a batch of records occupying
// [base_offset, base_offset + records.size()). Entries are appended, fetched and committed whole.
//
// The leader's own-epoch entry is KRaft's LeaderChange control record: an entry of one record,
// the bytes {0x00, 0x02, leader id as 4 bytes big endian}. A metadata record starts with its frame
// version (1), so a leading 0 byte never is one; is_leader_change() tells them apart, and the
// runtime skips these entries when it applies the log (it may store them as a Kafka control
// batch). propose() refuses records that start with the reserved byte 0x00.
//
// The runtime's side of the contract (etcd's RawNode contract, plus Kafka's flush-before-ack):
//   - After every call that changed something, call ready() and handle the Ready completely
//     (persist, then send, then apply) before the next call into the node. The node takes
//     everything a Ready carried as persisted from then on: the leader counts its own log end
//     towards the high watermark only through it.
//   - An answer returned by handle() is sent only after the Ready that follows it is persisted
//     (call ready() first): a granted vote must be on disk before the candidate can see it.
//   - After a restart, `committed` delivers the log again from its start once the high
//     watermark is known (the high watermark itself is not persisted, as in KRaft).
//
// Thread: not thread-safe; one owner calls everything.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/codec.h"

namespace kraftlab::raft {

using NodeId = std::int32_t;
using protocol::Bytes;

inline constexpr NodeId kNoNode = -1;

// Epochs are bounded so that no message can wedge the quorum (issue 12):
//   - kMaxEpoch: no node ever enters a larger epoch. A candidate needs epoch + 1, so a node at
//     kMaxEpoch can no longer campaign (it reports why) but never overflows; a request or answer
//     naming a larger epoch (INT32_MAX among them) is invalid and changes nothing.
//   - kMaxEpochJump: a request (unsolicited input, anyone may send it) may raise our epoch by at
//     most this much. A real voter gains one epoch per election (at least an election timeout
//     each, a second in the lab), so a million is weeks of failed elections; one forged message
//     can therefore not bring the quorum within reach of kMaxEpoch. Answers to our own requests
//     (from the voters we dialled) may carry any valid epoch, so a node that was away catches up.
// A persisted quorum state outside [0, kMaxEpoch] is refused by the runtime (it names the file).
inline constexpr std::int32_t kMaxEpoch = INT32_MAX - 1;
inline constexpr std::int32_t kMaxEpochJump = 1'000'000;

// Why a request was refused before the core looked at it: nothing changed. The wire maps it to
// the partition's error code, as Kafka's KafkaRaftClient answers.
enum class Refusal {
    None,
    NotVoter,      // the candidate or leader is not a voter: INCONSISTENT_VOTER_SET
    InvalidEpoch,  // epoch out of range (above kMaxEpoch, or too far ahead): INVALID_REQUEST
    InvalidId,     // a negative node id: INVALID_REQUEST
};
std::string_view refusal_name(Refusal refusal);

struct Entry {
    std::int64_t base_offset = 0;
    std::int32_t epoch = 0;
    std::vector<Bytes> records;  // opaque to the core; at least one
    std::int64_t next_offset() const {
        return base_offset + static_cast<std::int64_t>(records.size());
    }
    bool operator==(const Entry&) const = default;
};

// What must survive a restart besides the log (Kafka's quorum-state file).
struct QuorumState {
    std::int32_t epoch = 0;
    NodeId voted_for = kNoNode;  // in `epoch`
    NodeId leader = kNoNode;     // known leader of `epoch`, if any
    bool operator==(const QuorumState&) const = default;
};

enum class Role { Unattached, Voted, Candidate, Leader, Follower, Resigned, Observer };
std::string_view role_name(Role role);  // "unattached", "voted", ..., as the UI shows them

// The LeaderChange entry (see the header comment): true for the entry a new leader appends first.
bool is_leader_change(const Entry& entry);
// The leader named by a LeaderChange entry; nullopt when `entry` is not one.
std::optional<NodeId> leader_change_leader(const Entry& entry);

struct Config {
    NodeId id = 0;
    std::vector<NodeId> voters;               // the quorum; `id` is an observer if absent
    std::int64_t election_timeout_ms = 1000;  // controller.quorum.election.timeout.ms (lab default)
    std::int64_t election_backoff_max_ms = 1000;
    std::int64_t fetch_timeout_ms = 2000;    // controller.quorum.fetch.timeout.ms
    std::int64_t request_timeout_ms = 2000;  // an unanswered request is retried after this
    std::int64_t retry_backoff_ms = 20;      // controller.quorum.retry.backoff.ms: wait after a
                                             // failed request; base of the election backoff
    std::int64_t fetch_max_entries = 64;     // per Fetch response
    std::uint64_t random_seed = 1;
};

// --- RPCs (the core's view; the runtime maps them to Kafka's Vote, BeginQuorumEpoch,
// EndQuorumEpoch and Fetch messages) ------------------------------------------------------

struct VoteRequest {
    std::int32_t candidate_epoch = 0;
    NodeId candidate_id = kNoNode;
    std::int32_t last_epoch = 0;       // epoch of the candidate's last entry
    std::int64_t last_end_offset = 0;  // its log end offset
};
struct VoteResponse {
    std::int32_t epoch = 0;  // the responder's epoch after handling the request
    NodeId leader_id = kNoNode;
    bool granted = false;
    std::string
        reason;  // plain words, for the election timeline ("already voted for 2 in epoch 5")
    Refusal refused = Refusal::None;
};
struct BeginQuorumEpochRequest {
    std::int32_t epoch = 0;
    NodeId leader_id = kNoNode;
};
struct BeginQuorumEpochResponse {
    std::int32_t epoch = 0;
    NodeId leader_id = kNoNode;
    Refusal refused = Refusal::None;
};
struct EndQuorumEpochRequest {
    std::int32_t epoch = 0;
    NodeId leader_id = kNoNode;
    std::vector<NodeId> preferred_successors;  // most up to date first
};
struct EndQuorumEpochResponse {
    std::int32_t epoch = 0;
    NodeId leader_id = kNoNode;
    Refusal refused = Refusal::None;
};
struct FetchRequest {
    NodeId replica_id = kNoNode;          // the fetcher (a voter or an observer)
    std::int32_t current_epoch = 0;       // the fetcher's epoch
    std::int64_t fetch_offset = 0;        // its log end offset
    std::int32_t last_fetched_epoch = 0;  // epoch of its entry just below fetch_offset (0 if none)
};
enum class FetchError { None, NotLeader, FencedEpoch, UnknownEpoch };
struct FetchResponse {
    FetchError error = FetchError::None;
    std::int32_t epoch = 0;  // the responder's epoch
    NodeId leader_id = kNoNode;
    std::int64_t high_watermark = -1;
    // When the fetcher's log diverges: truncate to end_offset (which is at most the fetch
    // offset), then fetch again from there with the epoch of the entry before it.
    std::optional<std::pair<std::int32_t, std::int64_t>> diverging_epoch;  // (epoch, end offset)
    std::vector<Entry> entries;
};

using Request =
    std::variant<VoteRequest, BeginQuorumEpochRequest, EndQuorumEpochRequest, FetchRequest>;
using Response =
    std::variant<VoteResponse, BeginQuorumEpochResponse, EndQuorumEpochResponse, FetchResponse>;

// A request the node wants sent. The runtime delivers it and hands the answer (or its absence)
// back with handle_response() / request_failed(), quoting `id`.
struct OutgoingRequest {
    std::uint64_t id = 0;
    NodeId to = kNoNode;
    Request request;
};

// Something that happened, for events and the UI's election timeline.
struct Change {
    enum class Kind {
        RoleChanged,      // role / epoch / leader changed (see RaftNode accessors); `reason`
                          // starts with the new role's name ("candidate: ...")
        ElectionStarted,  // this node became candidate in `epoch`
        VoteGranted,      // (candidate) `peer` granted its vote
        VoteRejected,     // (candidate) `peer` refused, `reason` says why
        VoteCast,         // (voter) this node voted for `peer` in `epoch`
        ElectionWon,      // this node became leader of `epoch`
        ElectionLost,     // a candidacy ended without winning (another leader, or timeout)
        Resigned,         // this leader stepped down (`reason`)
        Truncated,        // the log was cut at `offset` to match the leader
        HighWatermark,    // the high watermark moved to `offset`
    };
    Kind kind;
    std::int32_t epoch = 0;
    NodeId peer = kNoNode;
    std::int64_t offset = -1;
    std::string reason;
};

// Everything to do since the last ready(). Contract (as etcd's): persist `quorum_state` and
// the log changes (truncate first, then append) before sending `requests`; then apply
// `committed`, in order.
struct Ready {
    std::optional<QuorumState> quorum_state;  // changed: persist
    std::optional<std::int64_t> truncate_to;  // drop every entry at or above this offset
    std::vector<Entry> append;                // then append these
    std::vector<OutgoingRequest> requests;
    std::vector<Entry> committed;  // newly below the high watermark
    std::vector<Change> changes;
    bool empty() const {
        return !quorum_state && !truncate_to && append.empty() && requests.empty() &&
               committed.empty() && changes.empty();
    }
};

class RaftNode {
  public:
    // `log` is what was persisted (entries in order, contiguous from offset 0 or a later start);
    // `state` the persisted quorum state. `now_ms` starts the timers.
    RaftNode(Config config, QuorumState state, std::vector<Entry> log, std::int64_t now_ms);
    ~RaftNode();
    RaftNode(RaftNode&&) noexcept;
    RaftNode& operator=(RaftNode&&) noexcept;

    // Time passes: timeouts fire, fetches are due. Call at least every few tens of ms.
    void tick(std::int64_t now_ms);

    // Incoming requests, answered at once (the runtime sends the answer back). Vote,
    // BeginQuorumEpoch and EndQuorumEpoch are checked before anything changes (Kafka's
    // validateVoterOnlyRequest): from a non-voter, with a negative id or an epoch out of range
    // (see kMaxEpoch) they are refused (`refused`) and change nothing, not even the epoch.
    VoteResponse handle(const VoteRequest& r, NodeId from, std::int64_t now_ms);
    BeginQuorumEpochResponse handle(const BeginQuorumEpochRequest& r, NodeId from,
                                    std::int64_t now_ms);
    EndQuorumEpochResponse handle(const EndQuorumEpochRequest& r, NodeId from, std::int64_t now_ms);
    FetchResponse handle(const FetchRequest& r, NodeId from, std::int64_t now_ms);
    // True when a Fetch from `r` would return nothing new right now (no entries, no new high
    // watermark, no divergence, and no news for the leader): the runtime may hold it (long poll)
    // until this turns false, for at most a fraction of fetch_timeout_ms (Kafka holds 500 ms of
    // 2000) and less than the fetcher's request_timeout_ms; a held fetch does not yet count for
    // check quorum.
    bool fetch_would_wait(const FetchRequest& r) const;

    // The answer to one of our requests, or its failure (timeout, connection lost).
    void handle_response(std::uint64_t request_id, const Response& response, std::int64_t now_ms);
    void request_failed(std::uint64_t request_id, std::int64_t now_ms);

    // Leader only: append records as one entry of the current epoch. Returns the entry's base
    // offset, or nullopt when this node is not the leader (or has resigned), when `records` is
    // empty, or when a record starts with the reserved byte 0x00 (see is_leader_change()).
    std::optional<std::int64_t> propose(std::vector<Bytes> records, std::int64_t now_ms);
    // Leader only: step down now (EndQuorumEpoch to the voters).
    void resign(std::int64_t now_ms);
    // Voter only, and not while leader: start an election now, as if the election timer had
    // fired (tests, and the lab's "force an election" action). Does nothing on an observer or a
    // leader.
    void campaign(std::int64_t now_ms);
    // Change the timeouts live (the lab's settings): election and fetch timeouts, the longest
    // election backoff and the request timeout, which the owner derives from the first two.
    // Timers already running keep their deadlines; the next ones, and retries, use the new values.
    void set_timeouts(std::int64_t election_timeout_ms, std::int64_t fetch_timeout_ms,
                      std::int64_t election_backoff_max_ms, std::int64_t request_timeout_ms);

    Ready ready();

    // State, for the runtime and the UI.
    Role role() const;
    std::int32_t epoch() const;
    NodeId leader() const;  // kNoNode when unknown (and on a resigned leader)
    NodeId voted_for() const;
    std::int64_t log_start_offset() const;
    std::int64_t log_end_offset() const;
    std::int64_t high_watermark() const;  // -1 when unknown (e.g. a new follower)
    std::int32_t last_epoch() const;      // epoch of the last entry, 0 if none
    const Config& config() const;
    bool is_voter() const;
    // Entries in [from, to) that are still in memory (the runtime catches up observers).
    std::vector<Entry> entries(std::int64_t from, std::int64_t to) const;
    // Leader only: each voter's and observer's last fetch offset (the UI draws replication).
    std::vector<std::pair<NodeId, std::int64_t>> follower_offsets() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kraftlab::raft
