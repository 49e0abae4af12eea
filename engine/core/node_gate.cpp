#include "core/node_gate.h"

#include <boost/asio/post.hpp>

namespace kraftlab::core {

void NodeGate::close(Reason reason, const boost::asio::any_io_executor& node) {
    bool newly_closed = false;
    {
        std::lock_guard lock(mutex_);
        const bool was_closed = closed_locked();
        (reason == Reason::Frozen ? frozen_ : lab_paused_) = true;
        newly_closed = !was_closed && closed_locked();
    }
    if (newly_closed) boost::asio::post(node, [this] { hold(); });
}

void NodeGate::open(Reason reason) {
    {
        std::lock_guard lock(mutex_);
        (reason == Reason::Frozen ? frozen_ : lab_paused_) = false;
    }
    cv_.notify_all();
}

bool NodeGate::closed() const {
    std::lock_guard lock(mutex_);
    return closed_locked();
}

bool NodeGate::frozen() const {
    std::lock_guard lock(mutex_);
    return frozen_;
}

void NodeGate::hold() {
    std::unique_lock lock(mutex_);
    if (!closed_locked()) return;
    holding_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return !closed_locked(); });
    holding_ = false;
    cv_.notify_all();
}

bool NodeGate::wait_held(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [this] { return holding_ || !closed_locked(); }) && holding_;
}

void NodeGate::open_for_stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
}

}  // namespace kraftlab::core
