// BuiltinProducer: the lab's own producer, a real Kafka client on its own thread.
//
// What it does, like a Java producer with idempotence off:
//   - generates records at records_per_second, paced smoothly (a token bucket checked every
//     1-100 ms, never a burst of more than 50 ms worth), keys per KeyPattern, values of
//     value_bytes: the record's sequence number in decimal, "-p", the producer id, '-', then
//     filler letters, cut to value_bytes ("42-p1-abcd..."), so that a reader (the audit) can tell
//     which producer's which record it holds (parse_value_identity());
//   - picks each record's partition with the partitioner, built on this thread; a partitioner
//     error, exception or out-of-range answer drops that record and counts it, and the first
//     error of a run of them becomes one ProducerError event (at most one a second);
//   - batches per partition (linger_ms, max_batch_bytes, compression) and sends Produce v7,
//     one batch per partition per request, to each partition's leader (route "leader") or to
//     the next broker in turn (route "any broker", which forwards), at most
//     max_in_flight_per_broker requests per broker at a time;
//   - on NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION, a timeout or
//     a lost connection, refreshes metadata (Metadata v4) and retries the batch with backoff
//     (100 ms doubling to 1 s) until request_timeout_ms after its first record was created;
//     then, or on an error that retrying cannot fix, the batch's records count as failed.
//     With route "any broker" a NOT_LEADER_OR_FOLLOWER means the broker did not forward: the
//     request failed, is counted, and its batches go to the next broker after the backoff,
//     without a metadata refresh (which could not help);
//   - keeps at most max_buffered_records generated-but-unsent records: when full it stops
//     generating (and does not catch up later) instead of growing memory. Requests in flight
//     add at most max_in_flight_per_broker requests of at most 4 MiB per broker.
// It publishes a ProducerSnapshot 4 times a second and ProducerStarted/Changed/Stopped/Error
// events, each with a plain-words explanation.
//
// Lifecycle and threads: construct, start() (spawns the thread), update() any number of times,
// stop() (or destroy). Public methods are thread-safe and may block briefly (update and start
// wait for the producer thread to answer, at most 5 s; stop waits for in-flight requests at
// most 1 s, then for the thread). A stopped producer is not restarted.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "core/events.h"
#include "core/snapshots.h"
#include "lab/workload.h"

namespace kraftlab::lab {

// One acknowledged record, as the broker placed it. Views are valid during the callback only.
struct AckedRecord {
    std::uint64_t sequence = 0;  // the producer's own record number (0, 1, ...), in the value
    std::int32_t partition = 0;
    std::int64_t offset = -1;  // -1 for acks=0: the broker does not say where it went
    std::optional<protocol::ByteView> key;
    protocol::ByteView value;
};

struct ProducerHooks {
    // The audit hook: called on the producer thread with every acknowledged batch, its records
    // in offset order, before the ack is counted. The producer waits for it, so nothing queues
    // up behind it and memory stays bounded; it must be quick (copy what it keeps, hand it to
    // its own bounded store). Fixed at construction. Exceptions are caught and ignored.
    std::function<void(std::span<const AckedRecord>)> on_acked;
};

// The (sequence, producer id) a built-in producer wrote at the front of a value, if the value
// has one in full (a value shorter than "<seq>-p<id>-" cannot carry it).
struct ValueIdentity {
    std::uint64_t sequence = 0;
    std::int32_t producer = 0;
};
std::optional<ValueIdentity> parse_value_identity(protocol::ByteView value);

class BuiltinProducer {
  public:
    // bootstrap: "host:port,host:port", the brokers to ask for metadata first.
    BuiltinProducer(std::int32_t id, ProducerConfig config, std::string bootstrap,
                    core::EventBus& events, core::SnapshotBoard& snapshots,
                    ProducerHooks hooks = {});
    ~BuiltinProducer();
    BuiltinProducer(const BuiltinProducer&) = delete;
    BuiltinProducer& operator=(const BuiltinProducer&) = delete;

    // Starts the thread and builds the partitioner on it. On failure (a bad bootstrap list, a
    // custom partitioner that does not build) returns the reason and nothing runs.
    std::optional<std::string> start();
    // Applies a new config on the producer thread: rate, acks, keys, values, partitioner (a new
    // custom one is built there), compression and limits take effect for the next records and
    // requests. The topic cannot change. On failure the previous config stays in force.
    std::optional<std::string> update(ProducerConfig config);
    // Stops generating, waits up to 1 s for requests in flight, closes the connections, then
    // publishes a last snapshot (running = false) and a ProducerStopped event. Idempotent.
    void stop();

    std::int32_t id() const { return id_; }
    ProducerConfig config() const;  // the config in force
    bool running() const { return running_.load(); }
    // The producer thread's Linux thread id (0 when not running): for CPU accounting via
    // /proc/self/task/<tid>/stat.
    pid_t thread_id() const { return tid_.load(); }

  private:
    struct State;

    const std::int32_t id_;
    std::string bootstrap_;
    core::EventBus& events_;
    core::SnapshotBoard& snapshots_;
    ProducerHooks hooks_;

    mutable std::mutex config_mutex_;
    ProducerConfig config_;  // guarded by config_mutex_; the thread keeps its own copy

    std::mutex lifecycle_mutex_;  // serializes start/update/stop
    std::atomic<bool> running_{false};
    std::atomic<pid_t> tid_{0};
    std::unique_ptr<State> state_;  // its io_context and everything that runs on the thread
};

}  // namespace kraftlab::lab
