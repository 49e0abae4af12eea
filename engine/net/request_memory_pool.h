// RequestMemoryPool: Kafka's queued.max.request.bytes for one node's listener. It counts the
// bytes held by requests being read (only what has arrived) and by requests waiting to be
// served. A connection that would take it over the budget stops being read until others give
// bytes back (back-pressure: its peer's writes block in TCP), instead of allocating.
//
// A frame announcing more than the whole budget can never be held and is refused at its size
// prefix. Connections stalled in the middle of a frame while holding bytes are ended by the
// server's idle timeout (connections.max.idle.ms), which returns their bytes to the pool, so
// half-sent frames cannot pin the budget for ever.
//
// Threads: the owning node's io_context thread only. Lifecycle: owned by the KafkaServer;
// close() wakes every waiter for good when the server stops.
#pragma once

#include <cstddef>

#include "net/asio.h"
#include "net/lab_timer.h"

namespace kraftlab::net {

class RequestMemoryPool {
  public:
    RequestMemoryPool(asio::any_io_executor executor, std::size_t budget);

    std::size_t budget() const { return budget_; }
    std::size_t used() const { return used_; }
    std::size_t peak() const { return peak_; }
    bool closed() const { return closed_; }

    // Takes n bytes if they fit in the budget.
    bool try_acquire(std::size_t n);
    // Waits until some bytes are released (or the pool is closed); the caller then retries.
    awaitable<void> wait_for_release();
    void release(std::size_t n);
    // Wakes every waiter without releasing anything (e.g. one of them was closed).
    void wake_all();
    void close();

  private:
    std::size_t budget_;
    std::size_t used_ = 0;
    std::size_t peak_ = 0;
    std::size_t waiters_ = 0;
    bool closed_ = false;
    LabTimer wake_;  // never expires; cancelling it wakes the waiters
};

}  // namespace kraftlab::net
