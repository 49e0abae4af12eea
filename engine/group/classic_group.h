// ClassicGroup: one consumer group under Kafka's classic group protocol (JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup; the rules of Kafka's GroupCoordinator and GroupMetadata), as a pure
// state machine: requests and the time come in, answers and what to persist come out.
//
// States (Kafka's): Empty (no members; committed offsets may remain), PreparingRebalance
// (members are asked to rejoin; JoinGroup answers wait until every member has rejoined or the
// rebalance timeout passes), CompletingRebalance (the generation is made; the leader member
// computes the assignment and sends it in its SyncGroup), Stable (every member has its
// assignment), Dead (the group is gone: deleted, or its coordinator moved away).
//
// What it decides: member ids (MEMBER_ID_REQUIRED: a new dynamic member is given an id and
// rejoins with it), static members (group.instance.id: a restarted static member takes its old
// place under a new member id without a rebalance when nothing it offers changed; requests under
// the old id are FENCED_INSTANCE_ID), generations (each completed join makes the next;
// requests of another generation are ILLEGAL_GENERATION), the protocol (the one every member
// supports that most members prefer), the leader (kept while it stays a member), session expiry
// (a member silent longer than its session timeout leaves, and the others rebalance), members
// that never rejoin within the rebalance timeout or never sync within it (removed, and the group
// rebalances again), and the errors Kafka returns for each request in each state.
//
// Pure: no sockets, no clock (lab milliseconds are passed in), no log. Answers that wait (a
// JoinGroup during a rebalance, a follower's SyncGroup before the leader's) come out of a later
// call in Output; the runtime (the broker's GroupCoordinator) keeps the requests by member id.
// Thread: not thread-safe; one thread (the coordinator's) calls it. Lifecycle: made when a group
// is first joined or loaded from __consumer_offsets; Dead when deleted or unloaded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.h"

namespace kraftlab::group {

using protocol::ErrorCode;
using Bytes = std::vector<std::uint8_t>;

enum class GroupState { Empty, PreparingRebalance, CompletingRebalance, Stable, Dead };
// "Empty", "PreparingRebalance", ... (Kafka's names, as DescribeGroups reports them).
std::string_view state_name(GroupState state);

struct GroupConfig {
    // group.min.session.timeout.ms / group.max.session.timeout.ms (Kafka: 6 s / 30 min; the lab's
    // timeouts are shorter, so its minimum is too).
    std::int32_t min_session_timeout_ms = 1'000;
    std::int32_t max_session_timeout_ms = 1'800'000;
    // group.max.size (Kafka: unbounded); the lab bounds it so a hostile client cannot grow a
    // group without end.
    std::size_t max_size = 1'000;
    // group.initial.rebalance.delay.ms: the first rebalance of an empty group waits this long
    // for more members (Kafka: 3 s; the lab's default is shorter).
    std::int64_t initial_rebalance_delay_ms = 0;
    // Protocols a member may offer, and bytes of metadata each (bounded memory).
    std::size_t max_protocols = 16;
    std::size_t max_protocol_metadata_bytes = 64 * 1024;
    // Part of every member id this group gives out, so that ids from different coordinators
    // (each load of the group starts counting again) never collide: the coordinator passes the
    // leader epoch of its __consumer_offsets partition. Empty: ids are client-group-n.
    std::string member_id_tag;
};

struct Protocol {
    std::string name;  // "range", "roundrobin", "cooperative-sticky", "RoundRobinAssigner", ...
    Bytes metadata;    // the subscription, opaque here
};

struct JoinRequest {
    std::string member_id;  // "": a new member
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    std::int32_t session_timeout_ms = 10'000;
    std::int32_t rebalance_timeout_ms = -1;  // -1 (JoinGroup v0): the session timeout
    std::string protocol_type;               // "consumer"
    std::vector<Protocol> protocols;         // in the member's order of preference
    // JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED with its id.
    bool require_known_member_id = true;
};

struct JoinedMember {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    Bytes metadata;  // its subscription for the chosen protocol
};

struct JoinResult {
    ErrorCode error = ErrorCode::NONE;
    std::int32_t generation = -1;
    std::string protocol_type;
    std::string protocol_name;
    std::string leader;
    std::string member_id;
    std::vector<JoinedMember> members;  // for the leader only: whom to assign
};

struct SyncRequest {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::int32_t generation = -1;
    // The leader's assignment: member id -> its bytes. Others send none.
    std::map<std::string, Bytes> assignments;
};

struct SyncResult {
    ErrorCode error = ErrorCode::NONE;
    std::string protocol_type;
    std::string protocol_name;
    Bytes assignment;
};

struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    std::int32_t session_timeout_ms = 0;
    std::int32_t rebalance_timeout_ms = 0;
    std::vector<Protocol> protocols;
    Bytes assignment;
    std::int64_t last_seen_ms = 0;  // its last JoinGroup, SyncGroup or Heartbeat
    bool awaiting_join = false;     // its JoinGroup waits for the rebalance to complete
    bool awaiting_sync = false;     // its SyncGroup waits for the leader's
    bool synced = false;            // has sent SyncGroup in this generation
};

// A member as the group's last GroupMetadata record in __consumer_offsets left it.
struct LoadedMember {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    std::int32_t rebalance_timeout_ms = 0;
    std::int32_t session_timeout_ms = 0;
    Bytes subscription;  // its metadata for the group's protocol
    Bytes assignment;
};

// What happened in a call, for the runtime: answers that were waiting, whether the group's
// metadata changed (a GroupMetadata record for __consumer_offsets), and what to tell the class.
struct Output {
    std::vector<std::pair<std::string, JoinResult>> joins;  // by member id
    std::vector<std::pair<std::string, SyncResult>> syncs;
    bool persist = false;
    std::vector<std::string> events;  // plain words: "generation 3 (range): leader m-1, 2 members"
};

class ClassicGroup {
  public:
    ClassicGroup(std::string group_id, GroupConfig config);

    // JoinGroup. An answer now (an error, MEMBER_ID_REQUIRED, or the current generation for a
    // member whose rejoin changes nothing), or none: then the answer for answer_member_id
    // comes in an Output (of this call when it completes the rebalance, or a later one).
    struct JoinAnswer {
        std::optional<JoinResult> now;
        std::string member_id;
    };
    JoinAnswer join(const JoinRequest& request, std::int64_t now_ms, Output& out);
    // SyncGroup: an answer now, or later in an Output (a follower before the leader).
    std::optional<SyncResult> sync(const SyncRequest& request, std::int64_t now_ms, Output& out);
    ErrorCode heartbeat(const std::string& member_id,
                        const std::optional<std::string>& group_instance_id,
                        std::int32_t generation, std::int64_t now_ms);
    // LeaveGroup for one member (v3+ names several: call once each). By member id, or by
    // instance id with member id "" (a static member leaving for good).
    ErrorCode leave(const std::string& member_id,
                    const std::optional<std::string>& group_instance_id, std::int64_t now_ms,
                    Output& out);
    // Whether an OffsetCommit from this member at this generation may commit now. A group with
    // no members accepts commits from outside the protocol (generation -1, no member id: the
    // consumer's assign() and admin tools).
    ErrorCode check_commit(const std::string& member_id,
                           const std::optional<std::string>& group_instance_id,
                           std::int32_t generation) const;
    // A coordinator loading __consumer_offsets restores the group as its last record left it
    // (Kafka's GroupMetadataManager): Stable with these members and their assignments, or
    // Empty with none. Every member's session starts now, so members of a dead coordinator that
    // find the new one in time keep their place without a rebalance.
    void load(std::string protocol_type, std::int32_t generation, std::string protocol_name,
              std::string leader, std::vector<LoadedMember> members, std::int64_t now_ms);
    // Time passes: session expiry, the rebalance and sync timeouts, the initial delay.
    void tick(std::int64_t now_ms, Output& out);
    // The group is deleted or its coordinator moved: waiting requests are answered
    // (COORDINATOR_NOT_AVAILABLE here, NOT_COORDINATOR by the runtime's choice) and it is Dead.
    void kill(ErrorCode error, Output& out);

    const std::string& id() const { return group_id_; }
    GroupState state() const { return state_; }
    std::int32_t generation() const { return generation_; }
    const std::string& protocol_type() const { return protocol_type_; }
    const std::string& protocol_name() const { return protocol_name_; }
    const std::string& leader() const { return leader_; }
    // Members in join order.
    const std::vector<Member>& members() const { return members_; }
    const Member* member(const std::string& member_id) const;
    // New members told MEMBER_ID_REQUIRED whose rejoin may still come.
    bool has_pending_members() const { return !pending_members_.empty(); }
    // The earliest lab time at which tick() has something to do (-1: nothing scheduled).
    std::int64_t next_deadline_ms() const;

  private:
    Member* find(const std::string& member_id);
    const Member* find_instance(const std::string& instance_id) const;
    // An error if the request names a member that is not this group's (or a static member's
    // old id), else NONE.
    ErrorCode check_member(const std::string& member_id,
                           const std::optional<std::string>& group_instance_id) const;
    bool supports_common_protocol(const JoinRequest& request) const;
    void add_member(const JoinRequest& request, const std::string& member_id, std::int64_t now_ms);
    void prepare_rebalance(const std::string& why, std::int64_t now_ms, Output& out);
    // PreparingRebalance: if every member has rejoined (or the time is up), the next generation.
    void maybe_complete_join(std::int64_t now_ms, Output& out);
    void complete_join(std::int64_t now_ms, Output& out);
    void remove_member(const std::string& member_id, const std::string& why, std::int64_t now_ms,
                       Output& out);
    std::string choose_protocol() const;
    JoinResult join_result(const Member& m) const;
    std::string new_member_id(const std::string& client_id);
    std::int32_t rebalance_timeout_ms() const;

    std::string group_id_;
    GroupConfig config_;
    GroupState state_ = GroupState::Empty;
    std::int32_t generation_ = 0;
    std::string protocol_type_;
    std::string protocol_name_;
    std::string leader_;
    std::vector<Member> members_;
    // New dynamic members told MEMBER_ID_REQUIRED, until they rejoin or their session passes.
    std::map<std::string, std::int64_t> pending_members_;  // id -> deadline
    std::int64_t rebalance_started_ms_ = 0;
    std::int64_t initial_delay_until_ms_ = -1;  // -1: no initial delay running
    std::int64_t sync_deadline_ms_ = -1;        // CompletingRebalance: the members' time to sync
    std::uint64_t next_member_ = 1;
};

}  // namespace kraftlab::group
