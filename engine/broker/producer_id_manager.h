// ProducerIdManager: the producer ids a broker hands out in InitProducerId answers (Kafka's
// RPCProducerIdManager). The active controller gives the broker a block of ids at a time
// (AllocateProducerIds, 1000 ids, committed as a ProducerIdsRecord before the answer); the
// broker gives them out one per request, and asks for the next block when the current one runs
// out. Requests that find the block empty wait for the one allocation in flight (never two at
// once); at most kMaxWaiting wait, the others are answered COORDINATOR_LOAD_IN_PROGRESS at once
// (retriable: librdkafka and kafkajs ask again), so a flood of InitProducerId costs a bounded
// amount of memory, and one metadata record per 1000 ids; blocks are asked for at most every
// kMinAllocationIntervalMs, so a flood grows the metadata log by at most ten records a second
// per broker (Kafka has no such pause; the lab's metadata log is never compacted).
//
// Thread: the broker's node thread only. Lifecycle: made by Broker::start(); stop() wakes the
// waiters when the broker stops; destroyed by Broker::stop() after the node thread has ended.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "broker/broker_context.h"
#include "broker/waiters.h"
#include "core/lab_clock.h"
#include "net/asio.h"
#include "protocol/errors.h"

namespace kraftlab::broker {

class ProducerIdManager {
  public:
    static constexpr std::size_t kMaxWaiting = 256;
    static constexpr std::int64_t kMinAllocationIntervalMs = 100;

    // broker_epoch: this broker's registration epoch (-1: not registered yet), which
    // AllocateProducerIds carries.
    ProducerIdManager(BrokerContext context, std::function<std::int64_t()> broker_epoch)
        : ctx_(context), broker_epoch_(std::move(broker_epoch)) {}
    ProducerIdManager(const ProducerIdManager&) = delete;
    ProducerIdManager& operator=(const ProducerIdManager&) = delete;

    struct Answer {
        protocol::ErrorCode error = protocol::ErrorCode::NONE;
        std::int64_t producer_id = -1;
        std::string reason;  // for an error, plain words
    };
    // A producer id no one else got, or COORDINATOR_LOAD_IN_PROGRESS (with the reason) when no
    // block could be had within timeout_ms.
    net::awaitable<Answer> next_id(std::int32_t timeout_ms);

    // The broker stops: waiters wake and see it.
    void stop() { waiters_.wake(); }

    // Ids left in the current block (for snapshots and tests).
    std::int64_t remaining() const { return end_ - next_; }

  private:
    net::awaitable<void> allocate();

    BrokerContext ctx_;
    std::function<std::int64_t()> broker_epoch_;
    std::int64_t next_ = 0;  // the current block is [next_, end_)
    std::int64_t end_ = 0;
    bool allocating_ = false;
    core::LabTime::time_point last_allocation_{};  // when the last allocation started
    std::string last_failure_;                     // why the last allocation failed
    std::size_t waiting_ = 0;
    Waiters waiters_;
};

}  // namespace kraftlab::broker
