// GroupMember: the client side of Kafka's classic consumer group protocol, for the built-in
// consumer (lab/consumer.h) whose config names a group. What it sends, in order:
//   - FindCoordinator v2 (key_type 0, the group) to any broker, again after a short backoff
//     while the answer is COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR (the first one of a lab
//     makes __consumer_offsets, which takes a moment);
//   - JoinGroup v5 with protocol type "consumer" and two protocols in order of preference, the
//     configured assignor first, each with the consumer-protocol subscription of the one topic;
//     the first time without a member id, then again with the id MEMBER_ID_REQUIRED gave;
//   - SyncGroup v3: the leader member computes every member's assignment with the protocol the
//     coordinator chose (group/assignors.h), from the members' subscriptions and the partition
//     counts Metadata gives for their topics; the others send none;
//   - OffsetFetch v5 for the partitions it was given: a committed offset is where the consumer
//     goes on; without one it starts by its start_from (Kafka's auto.offset.reset);
//   - Heartbeat v3 every heartbeat_interval_ms; OffsetCommit v7 (generation, member id) every
//     auto_commit_interval_ms (commit "auto") or after each fetch that returned records
//     ("poll"), one at a time, only for partitions whose position moved;
//   - when the consumer stops: a last OffsetCommit, then LeaveGroup v3.
// Rebalances are eager, as range and round robin require: before rejoining, the member revokes
// every partition (the consumer stops fetching them at once) and commits their positions.
//   REBALANCE_IN_PROGRESS                   commit, revoke, rejoin (same member id)
//   ILLEGAL_GENERATION                      revoke, rejoin (the generation's commits are refused)
//   UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID   revoke, forget the member id, rejoin
//   NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, a broken connection
//                                           find the coordinator again (the consumer keeps
//                                           reading meanwhile), then commit, revoke, rejoin
//
// Connections: its own set (lab/broker_connections.h), so that a JoinGroup that waits for the
// whole group holds up no Fetch, and no long-polling Fetch delays a heartbeat.
//
// Events (few: none per heartbeat or commit): ConsumerStarted when it starts ("joins group g")
// and for each assignment it gets ("owns partitions 0, 1 ... generation 3"); errors go to the
// consumer (hooks.error), which reports them as ConsumerError at a bounded rate.
//
// Thread: the consumer's io_context thread only; nothing here locks, and the hooks are called on
// that thread. Lifecycle: made and start()ed by the consumer on its thread; leave() (or, in a
// paused lab, abandon()) ends the membership once, after which finished() is true and nothing
// is sent; destroyed on the same thread once its io_context no longer runs.
#pragma once

#include "net/asio.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/events.h"
#include "core/lab_clock.h"
#include "core/snapshots.h"
#include "group/assignors.h"
#include "lab/broker_connections.h"
#include "lab/workload.h"
#include "net/kafka_client.h"
#include "net/lab_timer.h"
#include "protocol/errors.h"

namespace kraftlab::lab {

// Partition -> offset: a committed offset (-1: none) or a position (the next offset to read).
using PartitionOffsets = std::map<std::int32_t, std::int64_t>;

// What the member asks of, and tells, its consumer. Called on the consumer's thread.
struct GroupMemberHooks {
    // The group gave this member these partitions of the topic, with their committed offsets:
    // fetch them, from there.
    std::function<void(const PartitionOffsets& committed)> assigned;
    // Stop fetching every assigned partition now; their positions (unknown ones left out), to
    // commit.
    std::function<PartitionOffsets()> revoke;
    // The positions of the assigned partitions now (unknown ones left out).
    std::function<PartitionOffsets()> positions;
    // Something went wrong, in plain words (the consumer's error event and last_error).
    std::function<void(const std::string& message)> error;
};

class GroupMember {
  public:
    enum class Phase { FindingCoordinator, Joining, Syncing, Consuming, Rebalancing, Stopped };
    // "finding coordinator", "joining", "syncing", "consuming", "rebalancing", "stopped"
    static std::string_view phase_name(Phase phase);

    GroupMember(net::asio::io_context& io, std::int32_t consumer_id,
                std::vector<BrokerAddress> bootstrap, net::KafkaClientConfig client,
                ConsumerConfig config, core::EventBus& events, GroupMemberHooks hooks);
    ~GroupMember();
    GroupMember(const GroupMember&) = delete;
    GroupMember& operator=(const GroupMember&) = delete;

    // Starts looking for the coordinator, then joins.
    void start();
    // commit "poll": a fetch returned records; commit the positions soon.
    void consumed();
    // Ends the membership: commits the positions and sends LeaveGroup (each bounded by a short
    // timeout), then closes its connections.
    net::awaitable<void> leave();
    // Ends it at once, without a word (the lab is paused and would answer nothing): closes the
    // connections; the coordinator expires the session later.
    void abandon();

    Phase phase() const { return phase_; }
    bool finished() const { return finished_; }
    const std::string& member_id() const { return member_id_; }
    std::int32_t generation() const { return generation_; }
    bool is_leader() const { return !member_id_.empty() && leader_ == member_id_; }
    std::int32_t coordinator() const { return coordinator_; }
    // The protocol the coordinator chose for the generation ("range", "roundrobin").
    const std::string& protocol() const { return protocol_; }
    // Committed offsets of the assigned partitions, as this member knows them (-1: none).
    const PartitionOffsets& committed() const { return committed_; }
    // Fills a consumer snapshot's group view: the membership, and each listed partition's
    // committed offset.
    void describe(core::ConsumerSnapshot& snapshot) const;

  private:
    net::awaitable<void> run();
    net::awaitable<void> find_coordinator();
    net::awaitable<void> join_and_sync();
    // SyncGroup (the leader with everyone's assignment), then OffsetFetch; on success the
    // member consumes.
    net::awaitable<void> sync(const protocol::JoinGroupResponse& joined);
    // The leader's assignment; nullopt when not even this consumer's topic could be described.
    net::awaitable<std::optional<group::GroupAssignment>> compute_assignment(
        const protocol::JoinGroupResponse& joined);
    net::awaitable<std::optional<PartitionOffsets>> fetch_committed(
        const std::vector<std::int32_t>& partitions);
    // Consuming: the next heartbeat and commit when they are due.
    net::awaitable<void> consume_step();
    net::awaitable<void> heartbeat();
    // Commits the positions that moved since the last commit, in the current generation: NONE,
    // the first error the coordinator gave, or NETWORK_EXCEPTION when no answer came (then,
    // unless saying goodbye, the coordinator counts as lost).
    net::awaitable<protocol::ErrorCode> commit(const PartitionOffsets& positions,
                                               std::int32_t timeout_ms, bool goodbye);
    // Before a rejoin: revokes every partition, then commits their positions if asked.
    net::awaitable<void> revoke_for_rejoin(bool commit_first);

    // What a group error from the coordinator means for the membership (the next step is set);
    // false for an error that is not one of them (the caller reports it and backs off).
    bool react(protocol::ErrorCode code, const std::string& during);
    void lose_coordinator(const std::string& why);
    // An error for the consumer to report, about this group.
    void report(const std::string& what) const;
    // The coordinator's connection; nullptr (the coordinator lost) if none comes in time, or
    // once the member stops.
    net::awaitable<std::shared_ptr<net::KafkaClient>> coordinator_connection();
    // The open connection to a broker within `patience` (connections are made in the
    // background), or nullptr; once the member stops, only for its goodbye.
    net::awaitable<std::shared_ptr<net::KafkaClient>> connection(std::int32_t broker,
                                                                 core::LabTime::duration patience,
                                                                 bool goodbye);
    // Waits on lab time; cut short when the member stops (and, between heartbeats, by
    // consumed()).
    net::awaitable<void> wait_lab(core::LabTime::duration d);
    std::int32_t slow_call_timeout_ms() const;

    net::asio::io_context& io_;
    const std::int32_t consumer_id_;
    const ConsumerConfig config_;
    core::EventBus& events_;
    const GroupMemberHooks hooks_;
    const group::AssignorKind assignor_;
    BrokerConnections conns_;
    std::set<net::LabTimer*> sleeping_;  // cancelled when the member stops

    Phase phase_ = Phase::FindingCoordinator;
    bool stopping_ = false;
    bool finished_ = false;
    std::vector<std::int32_t> brokers_;  // from the last Metadata answer
    std::size_t next_broker_ = 0;
    std::int32_t coordinator_ = -1;
    std::int32_t failures_ = 0;  // in a row, for the backoff
    // The membership: the next step is to (re)join while need_join_ is set; before that, the
    // assigned partitions are revoked (and committed if commit_before_join_).
    std::string member_id_;
    std::int32_t generation_ = -1;
    std::string leader_;
    std::string protocol_;
    bool need_join_ = true;
    bool commit_before_join_ = false;
    bool assigned_ = false;      // the consumer holds partitions from this member
    bool in_slow_call_ = false;  // a JoinGroup or SyncGroup waits at the coordinator
    PartitionOffsets committed_;
    bool commit_wanted_ = false;  // commit "poll": records came since the last commit
    core::LabTime::time_point next_heartbeat_{};
    core::LabTime::time_point next_auto_commit_{};
};

}  // namespace kraftlab::lab
