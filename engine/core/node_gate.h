// NodeGate: stops a node's thread between two handlers, as a stop-the-world GC pause or SIGSTOP
// would, and lets it go on. A node is held while it is frozen on its own (freeze-node) or while
// the whole lab is paused; either way its timers wait, its sockets are not read (connections stay
// open, peers' requests are held, not refused) and on release it acts on what it last knew.
//
// The node posts hold() onto its own io_context whenever the gate closes; hold() blocks that
// thread until the gate opens (or the node is being stopped: open_for_stop()).
//
// Threads: every method is thread-safe; hold() runs on the node's thread.
// Lifecycle: owned by the node; open_for_stop() before the node joins its thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace kraftlab::core {

class NodeGate {
  public:
    enum class Reason { Frozen, LabPaused };

    // Closes the gate for this reason; if it was open, posts hold() onto the node's executor.
    void close(Reason reason, const boost::asio::any_io_executor& node);
    void open(Reason reason);
    bool closed() const;
    bool frozen() const;  // frozen on its own (not counting a lab pause)

    // On the node's thread: blocks while the gate is closed.
    void hold();
    // Waits until the node's thread is blocked in hold() (true) or the timeout passes.
    bool wait_held(std::chrono::milliseconds timeout) const;
    // The node is stopping: hold() returns and never blocks again.
    void open_for_stop();

  private:
    bool closed_locked() const { return !stopping_ && (frozen_ || lab_paused_); }

    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    bool frozen_ = false;
    bool lab_paused_ = false;
    bool stopping_ = false;
    bool holding_ = false;
};

}  // namespace kraftlab::core
