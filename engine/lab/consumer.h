// BuiltinConsumer: the lab's own consumer, a real Kafka client on its own thread, reading one
// topic: every partition without a consumer group (like kafka-python's assign()), or, when its
// config names a group, the partitions the group assigns it, committing its offsets there (the
// membership is lab/group_member.h, on the same thread).
//
// What it does:
//   - Metadata v4 for the topic (never creating it) to find each partition's leader, refreshed
//     every 10 s and whenever a fetch reports that leadership moved or a connection broke;
//   - ListOffsets v2 on each leader for the start position (earliest or latest offset);
//   - one Fetch (v10, no fetch session) loop per leader broker, covering the partitions that
//     broker leads; a partition whose leader moves is picked up by the new leader's loop and
//     continues from its position, so nothing is skipped or counted twice;
//   - decodes every fetched batch (CRC checked, decompressed as needed) and counts records and
//     bytes; OFFSET_OUT_OF_RANGE resets a position by start_from, like auto.offset.reset.
// It publishes a ConsumerSnapshot 4 times a second (position, high watermark and lag per
// partition; in a group also the membership and committed offsets) and ConsumerStarted/Stopped/
// Error events (in a group, ConsumerStarted again for each assignment it gets).
//
// Memory is bounded by the fetch sizes: each leader's loop holds one response at a time, of at
// most 64 MiB (the request's max_bytes; the client refuses larger frames).
//
// Lifecycle and threads: construct, start(), stop() (or destroy). Public methods are
// thread-safe; stop() waits for the thread (a fetch in progress is cut short).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/events.h"
#include "core/snapshots.h"
#include "lab/workload.h"
#include "protocol/records.h"

namespace kraftlab::lab {

struct ConsumerHooks {
    // Called on the consumer thread with every record read, in offset order per partition,
    // before it is counted (once: a record read again after a rebalance is not passed again).
    // Synchronous, so memory stays bounded: it must be quick. For the audit of acknowledged writes
    // and for tests. Exceptions are caught and ignored.
    std::function<void(std::int32_t partition, const protocol::Record& record)> on_record;
};

class BuiltinConsumer {
  public:
    BuiltinConsumer(std::int32_t id, ConsumerConfig config, std::string bootstrap,
                    core::EventBus& events, core::SnapshotBoard& snapshots,
                    ConsumerHooks hooks = {});
    ~BuiltinConsumer();
    BuiltinConsumer(const BuiltinConsumer&) = delete;
    BuiltinConsumer& operator=(const BuiltinConsumer&) = delete;

    std::optional<std::string> start();
    // Closes the connections, publishes a last snapshot (running = false) and a
    // ConsumerStopped event, and joins the thread. Idempotent. A group member commits and
    // sends LeaveGroup first; with `crash` (the consumer's process dies) it says nothing, and
    // its group learns it when its session times out.
    void stop(bool crash = false);

    std::int32_t id() const { return id_; }
    const ConsumerConfig& config() const { return config_; }
    bool running() const { return running_.load(); }
    pid_t thread_id() const { return tid_.load(); }

  private:
    struct State;

    const std::int32_t id_;
    const ConsumerConfig config_;
    std::string bootstrap_;
    core::EventBus& events_;
    core::SnapshotBoard& snapshots_;
    ConsumerHooks hooks_;

    std::mutex lifecycle_mutex_;
    std::atomic<bool> running_{false};
    std::atomic<pid_t> tid_{0};
    std::unique_ptr<State> state_;
};

}  // namespace kraftlab::lab
