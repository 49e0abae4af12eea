// GroupCoordinator: the consumer groups one broker coordinates, those whose partition of
// __consumer_offsets it leads (Kafka's GroupCoordinator and GroupMetadataManager). Each group is
// a pure group::ClassicGroup; this runtime gives it lab time, keeps the requests that wait (a
// JoinGroup during a rebalance, a follower's SyncGroup before the leader's), and writes what
// must survive to __consumer_offsets as Kafka does: a GroupMetadata record when the group's
// generation or members change, an offset record per committed partition, tombstones when a
// group or an offset is deleted. A write counts once every in-sync replica has it (acks=all), so
// committed offsets survive the coordinator's broker.
//
// Coordinator moves: when this broker becomes leader of an offsets partition it loads it (reads
// the log from its start; meanwhile COORDINATOR_LOAD_IN_PROGRESS) and then serves its groups;
// when the leadership moves away, the partition's groups are dropped here (requests waiting on
// them get NOT_COORDINATOR, and clients look for the new coordinator).
//
// Thread: the broker's node thread only (every method and coroutine). Lifecycle: made by the
// broker's start(), told after each metadata change which offsets partitions it leads
// (set_partitions), stopped by the broker's stop() (waiting requests end unanswered: the broker
// is gone), destroyed with the broker after its io_context stopped.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/events.h"
#include "core/snapshots.h"
#include "group/classic_group.h"
#include "net/asio.h"
#include "net/lab_timer.h"
#include "protocol/errors.h"
#include "storage/partition_log.h"

namespace kraftlab::broker {

using protocol::ErrorCode;
using TopicPartitionKey = std::pair<std::string, std::int32_t>;

// How long an Empty group with no committed offsets stays before the coordinator forgets it
// (and writes its tombstone). Kafka's cleanup runs every offsets.retention.check.interval.ms
// (10 min); the lab's minute lets a class still see a group everyone left. A group that never
// formed (a first join told MEMBER_ID_REQUIRED that never came back) goes at once: without it,
// each group id a client sends once would stay for as long as the broker coordinates.
inline constexpr std::int64_t kEmptyGroupRetentionMs = 60'000;

// offset.metadata.max.bytes (Kafka's default): a commit's metadata string may be this long.
inline constexpr std::size_t kMaxOffsetMetadataBytes = 4096;

struct OffsetCommitEntry {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = -1;
    std::int32_t leader_epoch = -1;
    std::string metadata;
};

struct CommittedOffset {
    std::int64_t offset = -1;
    std::int32_t leader_epoch = -1;
    std::string metadata;
    std::int64_t commit_timestamp_ms = 0;
};

// One group as DescribeGroups and the lab's views see it.
struct GroupView {
    std::string group_id;
    group::GroupState state = group::GroupState::Empty;
    std::string protocol_type;
    std::string protocol;
    std::int32_t generation = 0;
    std::string leader;
    std::vector<group::Member> members;
    std::int32_t partition = -1;  // of __consumer_offsets
    std::map<TopicPartitionKey, CommittedOffset> offsets;
};

// What the coordinator needs from its broker: the offsets partitions' logs and replication.
struct GroupStorage {
    // Appends one batch to __consumer_offsets-`partition` as its leader: NONE and the offset one
    // past the batch, or the error.
    std::function<std::pair<ErrorCode, std::int64_t>(std::int32_t partition, protocol::Bytes batch)>
        append;
    // Waits until the in-sync replicas of the partition hold it up to end_offset (acks=all, with
    // the topic's min.insync.replicas): NONE, or NOT_ENOUGH_REPLICAS, NOT_LEADER_OR_FOLLOWER,
    // REQUEST_TIMED_OUT, ...
    std::function<net::awaitable<ErrorCode>(std::int32_t partition, std::int64_t end_offset)>
        replicated;
    // Batches of the partition from `offset` on (storage::PartitionLog::read to its log end), and
    // its log start offset, for loading.
    std::function<storage::ReadResult(std::int32_t partition, std::int64_t offset)> read;
    std::function<std::int64_t(std::int32_t partition)> log_start;
    // Whether the cluster has this partition (commits to others are UNKNOWN_TOPIC_OR_PARTITION).
    std::function<bool(const std::string& topic, std::int32_t partition)> partition_exists;
};

class GroupCoordinator {
  public:
    GroupCoordinator(net::asio::io_context& io, std::int32_t broker_id, core::EventBus& events,
                     GroupStorage storage, group::GroupConfig config);
    ~GroupCoordinator();
    GroupCoordinator(const GroupCoordinator&) = delete;
    GroupCoordinator& operator=(const GroupCoordinator&) = delete;

    // Starts the timer that drives session expiry and rebalance timeouts.
    void start();
    // The broker stops: nothing more is answered or written.
    void stop();

    // After each metadata change: how many partitions __consumer_offsets has (0: none yet) and
    // those this broker leads, with their leader epochs. New ones (or a new epoch) are loaded;
    // lost ones are dropped.
    void set_partitions(std::int32_t partition_count,
                        const std::map<std::int32_t, std::int32_t>& led);

    // NONE if this broker coordinates the group now; else COORDINATOR_NOT_AVAILABLE (no offsets
    // topic yet), NOT_COORDINATOR (another broker leads its partition) or
    // COORDINATOR_LOAD_IN_PROGRESS.
    ErrorCode status(const std::string& group_id) const;

    // JoinGroup: answered now or when the rebalance completes.
    net::awaitable<group::JoinResult> join(std::string group_id, group::JoinRequest request);
    // SyncGroup: the leader's is answered once the group's new metadata is stored; the others
    // when the leader's assignment arrives.
    net::awaitable<group::SyncResult> sync(std::string group_id, group::SyncRequest request);
    ErrorCode heartbeat(const std::string& group_id, const std::string& member_id,
                        const std::optional<std::string>& group_instance_id,
                        std::int32_t generation);
    ErrorCode leave(const std::string& group_id, const std::string& member_id,
                    const std::optional<std::string>& group_instance_id);
    // OffsetCommit: one error per entry, in order. A group that does not exist is made (Empty)
    // for a commit from outside the group protocol (generation -1).
    net::awaitable<std::vector<ErrorCode>> commit(std::string group_id, std::string member_id,
                                                  std::optional<std::string> group_instance_id,
                                                  std::int32_t generation,
                                                  std::vector<OffsetCommitEntry> entries);
    // OffsetFetch: the committed offsets of these partitions (all of the group's when nullopt);
    // a partition without one is absent from the map.
    ErrorCode fetch_offsets(const std::string& group_id,
                            const std::optional<std::vector<TopicPartitionKey>>& which,
                            std::map<TopicPartitionKey, CommittedOffset>& out) const;
    std::optional<GroupView> describe(const std::string& group_id) const;
    // Every group this broker coordinates now.
    std::vector<GroupView> groups() const;
    // Every group here for the lab's views (members' subscriptions and assignments decoded).
    std::vector<core::GroupSnapshot> snapshot() const;
    // DeleteGroups: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, or NONE once the tombstones are stored.
    net::awaitable<ErrorCode> delete_group(std::string group_id);
    // OffsetDelete: a group-level error, or one error per partition
    // (GROUP_SUBSCRIBED_TO_TOPIC for a topic a member of the group subscribes to).
    net::awaitable<std::pair<ErrorCode, std::vector<ErrorCode>>> delete_offsets(
        std::string group_id, std::vector<TopicPartitionKey> partitions);

  private:
    struct Entry {
        std::int32_t partition = -1;
        std::unique_ptr<group::ClassicGroup> group;
        std::map<TopicPartitionKey, CommittedOffset> offsets;
        // Lab time when the group stopped consuming for a rebalance (-1: it consumes).
        std::int64_t rebalance_started_ms = -1;
        // Lab time since when it has been Empty with nothing to keep (no offsets, no member
        // about to join); -1 otherwise. See kEmptyGroupRetentionMs.
        std::int64_t idle_since_ms = -1;
    };
    enum class Load { Loading, Loaded };
    struct Led {
        std::int32_t leader_epoch = -1;
        Load load = Load::Loading;
    };
    template <typename Result>
    struct Waiter {
        std::string group_id;
        std::string member_id;
        std::optional<Result> result;
        net::LabTimer* timer = nullptr;
    };
    using JoinWaiter = Waiter<group::JoinResult>;
    using SyncWaiter = Waiter<group::SyncResult>;
    // A GroupMetadata record appended and not yet known to be replicated.
    struct Stored {
        std::int32_t partition = -1;
        ErrorCode error = ErrorCode::NONE;
        std::int64_t end_offset = -1;
    };

    std::int32_t partition_for(const std::string& group_id) const;
    Entry& entry(const std::string& group_id);
    // What a group call produced: events published, waiting joins answered, the group's record
    // appended when it changed. Syncs are answered once that record is replicated (Kafka answers
    // SyncGroup after storing the assignment); the returned Stored says where it went.
    std::optional<Stored> apply(const std::string& group_id, group::Output out);
    void deliver_joins(const std::string& group_id,
                       std::vector<std::pair<std::string, group::JoinResult>> joins);
    void deliver_syncs(const std::string& group_id,
                       std::vector<std::pair<std::string, group::SyncResult>> syncs);
    net::awaitable<void> finish_store(std::string group_id, Stored stored,
                                      std::vector<std::pair<std::string, group::SyncResult>> syncs);
    net::awaitable<ErrorCode> await_stored(const Stored& stored);
    // The group's metadata as its GroupMetadata record (a tombstone when the group is Dead).
    protocol::Bytes metadata_batch(const Entry& e) const;
    net::awaitable<void> load_partition(std::int32_t partition, std::int32_t leader_epoch);
    void unload_partition(std::int32_t partition);
    net::awaitable<void> tick_loop();
    // Notes whether the group has become idle (Empty, nothing to keep) or is no longer.
    void track_idle(Entry& e);
    // Forgets idle groups whose time is up (never-formed ones at once); a tombstone for those
    // that were ever stored.
    void remove_idle_groups(std::int64_t now);
    void wake() {
        if (tick_timer_) tick_timer_->cancel();
    }
    // Kafka's mapping of a failed write to the error a group client understands.
    static ErrorCode store_error(ErrorCode append_error);
    void publish(core::EventKind kind, const std::string& group_id, const std::string& text,
                 nlohmann::json data = nlohmann::json::object());

    net::asio::io_context& io_;
    std::int32_t broker_id_;
    core::EventBus& events_;
    GroupStorage storage_;
    group::GroupConfig config_;
    bool stopped_ = false;
    std::int32_t partition_count_ = 0;
    std::map<std::int32_t, Led> led_;
    std::map<std::string, Entry> groups_;
    std::list<JoinWaiter*> join_waiters_;
    std::list<SyncWaiter*> sync_waiters_;
    std::unique_ptr<net::LabTimer> tick_timer_;
};

}  // namespace kraftlab::broker
