// Snapshots: each node's state a few times a second (role, offsets, sizes, counters), for the UI,
// the CLI's status and throughput figures. Unlike events they are not a stream: the newest
// snapshot of a node replaces the previous one.
//
// Thread contract: nodes publish from their own threads; readers on any thread get an immutable
// shared_ptr they may keep as long as they like.
//
// Snapshots of different nodes are taken at different moments, so putting two side by side can
// show what never was (a follower ahead of its leader). Each node stamps its snapshot with the
// lab-wide snapshot sequence (next_snapshot_seq) just before and just after it reads its state,
// and the board keeps each node's last few snapshots: a reader that compares nodes picks, for
// each, one taken wholly before the other's (seq_end < other.seq_begin). The app's replication
// view makes that cut (ReplicaLaneModel::update).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kraftlab::core {

struct PartitionSnapshot {
    // A follower as its leader sees it (leader replicas only).
    struct Follower {
        std::int32_t id = 0;
        std::int64_t log_end_offset = -1;  // -1: not fetched yet in this leader epoch
        bool in_isr = false;
        std::int64_t caught_up_age_ms = -1;  // since it last reached the leader's LEO
        std::int64_t fetch_age_ms = -1;      // since its last fetch; -1 never
        std::uint64_t fetches_total = 0;     // fetches served to it by this leader
    };
    std::string topic;
    std::int32_t partition = 0;
    bool is_leader = false;
    std::int32_t leader_epoch = 0;
    // Replication: this replica's view (leader: what it tracks; follower: what it fetches).
    std::int32_t leader = -1;  // as this broker's metadata says
    std::vector<std::int32_t> replicas;
    std::vector<std::int32_t> isr;
    // A reassignment in progress (metadata/reassignment.h): replicas copying the log to join,
    // and replicas that leave once they have.
    std::vector<std::int32_t> adding_replicas;
    std::vector<std::int32_t> removing_replicas;
    std::int32_t partition_epoch = 0;
    std::int8_t leader_recovery_state = 0;      // 1: recovering after an unclean election
    std::int64_t flushed_offset = 0;            // below this, on disk (fsynced)
    std::vector<Follower> followers;            // leader only
    bool isr_change_pending = false;            // leader only: an AlterPartition in flight
    std::string isr_change_reason;              // the last ISR change this leader asked for
    std::uint64_t fetches_to_leader_total = 0;  // follower only: fetches sent to its leader
    std::string follower_error;                 // follower only: why it cannot fetch, if so
    std::int64_t log_start_offset = 0;
    std::int64_t log_end_offset = 0;
    std::int64_t high_watermark = 0;
    // Where this replica's current leader epoch begins in its log (its leader-epoch cache's
    // entry for leader_epoch); -1 when the cache has no entry for it yet.
    std::int64_t epoch_start_offset = -1;
    std::uint64_t size_bytes = 0;
    std::int32_t segments = 0;
    std::uint64_t records_in_total = 0;  // appended as leader since the broker started
    std::uint64_t bytes_in_total = 0;
    std::uint64_t bytes_out_total = 0;  // fetched by consumers
    // Keys of the newest records appended here as leader since the broker started, oldest
    // first (at most 8; printable text as is, other keys as hex, a null key as "(null)"; see
    // broker/recent_keys.h). For the UI's hover on the log strip.
    std::vector<std::string> recent_keys;
    std::int64_t recent_keys_end_offset = 0;  // offset after the last key in recent_keys
    // Idempotent producers: retries answered from the log as leader (not written again) since
    // the broker started, and the producer ids the partition keeps state for.
    std::uint64_t duplicates_prevented_total = 0;
    std::uint64_t idempotent_producers = 0;
};

// A consumer group as its coordinator sees it (broker/group_coordinator.h).
struct GroupSnapshot {
    struct Member {
        std::string member_id;
        std::string group_instance_id;  // empty for a dynamic member
        std::string client_id;
        std::string client_host;
        std::int32_t session_timeout_ms = 0;
        std::int64_t last_seen_lab_ms = 0;    // its last JoinGroup, SyncGroup or Heartbeat
        std::vector<std::string> subscribed;  // topics (from its consumer-protocol subscription)
        // What the leader assigned it (decoded consumer-protocol assignment), (topic, partition).
        std::vector<std::pair<std::string, std::int32_t>> assigned;
    };
    struct Offset {
        std::string topic;
        std::int32_t partition = 0;
        std::int64_t offset = -1;
        std::string metadata;
        std::int64_t commit_time_ms = 0;  // wall time (Unix ms) of the commit
    };
    std::string group_id;
    std::string state;          // Kafka's names: Empty, PreparingRebalance, ... Stable, Dead
    std::string protocol_type;  // "consumer"
    std::string protocol;       // the assignor chosen: "range", "roundrobin", ...
    std::int32_t generation = 0;
    std::string leader;
    std::int32_t offsets_partition = -1;  // its partition of __consumer_offsets
    // Lab time when the group last stopped consuming for a rebalance; -1 while it consumes (or
    // is empty).
    std::int64_t rebalance_started_lab_ms = -1;
    std::vector<Member> members;
    std::vector<Offset> offsets;  // committed, by topic and partition
};

// The lab-wide order of snapshot reads: one atomic counter, so that "a's seq_end < b's seq_begin"
// means a's state was read before b's began to be (the counter's order is a real-time order).
std::uint64_t next_snapshot_seq();

struct BrokerSnapshot {
    std::int32_t id = 0;
    bool up = false;
    // next_snapshot_seq() before and after the broker read its state for this snapshot.
    std::uint64_t seq_begin = 0;
    std::uint64_t seq_end = 0;
    std::string host;
    std::uint16_t port = 0;
    std::int64_t time_ms = 0;  // wall time (Unix ms) when taken
    std::int64_t lab_ms = 0;   // lab time when taken: rates are per lab second
    std::int64_t metadata_offset = -1;
    std::int32_t connections = 0;
    std::uint64_t requests_total = 0;
    std::uint64_t produce_requests_total = 0;
    std::uint64_t fetch_requests_total = 0;
    std::uint64_t produce_forwarded_total = 0;  // sent on to a leader ("via any broker")
    // Partitions whose records this broker sent on to their leader ("via any broker"), with how
    // many forwarded requests carried each; the replication view draws each hop from these.
    struct Forwarded {
        std::string topic;
        std::int32_t partition = 0;
        std::int32_t leader = -1;  // where the last ones went
        std::uint64_t requests_total = 0;
    };
    std::vector<Forwarded> forwarded;
    std::uint64_t bytes_received_total = 0;  // request bytes off the wire
    std::uint64_t bytes_sent_total = 0;
    std::vector<PartitionSnapshot> partitions;
    // The consumer groups this broker coordinates (leads their __consumer_offsets partition).
    std::vector<GroupSnapshot> groups;
    // Its life with the controller quorum.
    std::int64_t broker_epoch = -1;       // from its registration; -1 until registered
    bool fenced = true;                   // as its own metadata image says
    std::int32_t active_controller = -1;  // who answers its heartbeats
    std::int64_t last_heartbeat_ack_ms =
        0;  // Unix ms of the last heartbeat the controller answered
    // The same moment in lab time (core::LabTime), -1 before the first: what a countdown drawn
    // against the lab's clock needs (it stands still while the lab is paused).
    std::int64_t last_heartbeat_ack_lab_ms = -1;
    std::int32_t heartbeat_interval_ms = 0;
    std::int32_t session_timeout_ms = 0;
    // log.flush.interval.ms: how often the broker fsyncs its logs (what survives a power loss).
    std::int64_t flush_interval_ms = 0;
    std::int64_t replica_lag_time_max_ms = 0;
};

// A controller of the KRaft quorum.
struct ControllerSnapshot {
    struct Follower {
        std::int32_t id = 0;
        std::int64_t fetch_offset = -1;  // how far it has fetched the metadata log
        bool voter = true;
    };
    struct BrokerSession {
        std::int32_t id = 0;
        std::int64_t last_heartbeat_age_ms = 0;
        bool fenced = true;
    };
    std::int32_t id = 0;
    bool up = false;
    std::string host;
    std::uint16_t port = 0;
    std::int64_t time_ms = 0;  // wall time (Unix ms) when taken
    std::string role;  // "leader", "follower", "candidate", "unattached", "voted", "resigned"
    std::int32_t epoch = 0;
    std::int32_t leader = -1;
    std::int32_t voted_for = -1;
    std::int64_t log_end_offset = 0;
    std::int64_t high_watermark = -1;
    std::int64_t applied_offset = -1;    // the last metadata record applied to its image
    bool active = false;                 // leader and serving as the active controller
    std::vector<Follower> followers;     // leader only
    std::vector<BrokerSession> brokers;  // active controller only
    std::int32_t election_timeout_ms = 0;
    std::int32_t fetch_timeout_ms = 0;
};

class LatencyHistogram;  // core/latency_histogram.h

// A built-in producer (lab/workload.h), a few times a second.
struct ProducerSnapshot {
    std::int32_t id = 0;
    std::int64_t time_ms = 0;  // wall time (Unix ms) when taken
    std::int64_t lab_ms = 0;   // lab time when taken: rates are per lab second
    std::string topic;
    bool running = true;
    double target_records_per_second = 0;
    std::int16_t acks = -1;  // 0, 1, -1 (all); N >= 2 is the lab's acks=N (not Kafka)
    // "leader": each produce goes to the partition leader (as real clients do); "any broker": to
    // the next broker in turn, which forwards to the leader and relays the answer (the lab's
    // rendering of the seed's message flow).
    std::string route = "leader";
    bool idempotence = false;  // producer id and sequences (KIP-98): retries are not written twice
    std::string partitioner;   // "round-robin", "key-hash", "custom"
    std::string key_pattern;   // "none", "sequence", "random", "fixed"
    // The pattern's setting, so that an editor shows what runs instead of a default:
    // keys=random:N's N and keys=fixed:K's K.
    std::int32_t random_key_count = 0;
    std::string fixed_key;
    std::int32_t value_bytes = 0;
    std::uint64_t records_sent_total = 0;    // put into a produce request
    std::uint64_t records_acked_total = 0;   // acknowledged (or sent, for acks=0)
    std::uint64_t records_failed_total = 0;  // given up after errors
    std::uint64_t partitioner_errors_total = 0;
    std::uint64_t records_buffered = 0;              // generated, waiting for a request
    std::vector<std::uint64_t> acked_per_partition;  // where the records landed
    // Produce latency (record created -> acknowledged, or sent for acks=0) over a sliding window
    // of the last 10 s (core::LatencyWindow): its p50 and p99, -1 when nothing was acknowledged
    // in the window; and the window's histogram (null when empty) so that readers can merge
    // producers into real percentiles. Shared and immutable: a snapshot copies a pointer, and an
    // unchanged window keeps the same one.
    double latency_p50_ms = -1;
    double latency_p99_ms = -1;
    std::shared_ptr<const LatencyHistogram> latency_window;
    std::string last_error;  // plain words; empty when all is well
};

// A built-in consumer.
struct ConsumerSnapshot {
    // next_snapshot_seq() before and after the consumer read its positions (see BrokerSnapshot).
    std::uint64_t seq_begin = 0;
    std::uint64_t seq_end = 0;
    struct Partition {
        std::int32_t partition = 0;
        std::int32_t leader = -1;
        std::int64_t position = -1;        // next offset to read; -1 before it is known
        std::int64_t high_watermark = -1;  // from the last fetch
        std::int64_t lag = 0;              // high_watermark - position
        std::string error;
        // In a group: whether the group assigned it to this consumer now (an unassigned one has
        // no position and no lag: another member reads it), and its offset committed in the
        // group as this member knows it (-1: none, or not this member's).
        bool assigned = true;
        std::int64_t committed = -1;
    };
    std::int32_t id = 0;
    std::int64_t time_ms = 0;  // wall time (Unix ms) when taken
    std::int64_t lab_ms = 0;   // lab time when taken: rates are per lab second
    std::string topic;
    std::string start_from;
    bool running = true;
    std::uint64_t records_total = 0;
    std::uint64_t bytes_total = 0;
    std::vector<Partition> partitions;
    std::string last_error;
    // Its consumer group (lab/group_member.h); group is empty for a consumer without one.
    std::string group;
    std::string assignor;  // "range", "roundrobin"
    std::string commit;    // "auto", "poll"
    std::string member_id;
    std::int32_t generation = -1;
    // "finding coordinator", "joining", "syncing", "consuming", "rebalancing", "stopped"
    std::string group_state;
    std::int32_t coordinator = -1;  // broker id; -1 while unknown
};

class SnapshotBoard {
  public:
    // How many snapshots of each broker and consumer the board keeps (newest last): at four a
    // second, two seconds of history, enough to find one taken before another node's newest.
    static constexpr std::size_t kHistory = 8;
    using BrokerHistory = std::vector<std::shared_ptr<const BrokerSnapshot>>;
    using ConsumerHistory = std::vector<std::shared_ptr<const ConsumerSnapshot>>;

    void publish(std::shared_ptr<const BrokerSnapshot> snapshot);
    // Marks a broker down, keeping its last known partitions for display.
    void mark_down(std::int32_t broker_id);
    std::shared_ptr<const BrokerSnapshot> broker(std::int32_t id) const;
    // The newest snapshot of each broker.
    std::vector<std::shared_ptr<const BrokerSnapshot>> brokers() const;
    // The kept snapshots of each broker, oldest first, by broker id.
    std::map<std::int32_t, BrokerHistory> broker_history() const;

    void publish(std::shared_ptr<const ProducerSnapshot> snapshot);
    void publish(std::shared_ptr<const ConsumerSnapshot> snapshot);
    void publish(std::shared_ptr<const ControllerSnapshot> snapshot);
    void mark_controller_down(std::int32_t id);
    std::vector<std::shared_ptr<const ControllerSnapshot>> controllers() const;
    std::shared_ptr<const ControllerSnapshot> controller(std::int32_t id) const;
    void remove_producer(std::int32_t id);
    void remove_consumer(std::int32_t id);
    std::vector<std::shared_ptr<const ProducerSnapshot>> producers() const;
    // The newest snapshot of each consumer.
    std::vector<std::shared_ptr<const ConsumerSnapshot>> consumers() const;
    // The kept snapshots of each consumer, oldest first, by consumer id.
    std::map<std::int32_t, ConsumerHistory> consumer_history() const;

  private:
    mutable std::mutex mutex_;
    std::map<std::int32_t, BrokerHistory> brokers_;
    std::map<std::int32_t, std::shared_ptr<const ProducerSnapshot>> producers_;
    std::map<std::int32_t, ConsumerHistory> consumers_;
    std::map<std::int32_t, std::shared_ptr<const ControllerSnapshot>> controllers_;
};

}  // namespace kraftlab::core
