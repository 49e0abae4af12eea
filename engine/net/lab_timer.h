// LabTimer: the engine's Asio timer. It waits on lab time (core::LabTime), so a paused lab's
// timers stand still and a slowed lab's fire later; asio::steady_timer (real time) is not used in
// the engine. ClockWaker makes an io_context look at its lab-time deadlines again whenever the
// clock changes (resume, speed, step), so a change takes effect at once rather than when the
// reactor next wakes. Given a node's gate, it also holds the node while the lab is paused
// (core/node_gate.h) and lets it go when the clock runs again.
//
// Threads: a LabTimer is used on its io_context's thread, which is bound to the lab's clock
// (core::ClockBinding). ClockWaker: made and destroyed on any thread, before its io_context dies.
#pragma once

#include <boost/asio/basic_waitable_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/lab_clock.h"
#include "core/node_gate.h"
#include "net/asio.h"

namespace kraftlab::net {

using LabTimer = asio::basic_waitable_timer<core::LabTime, core::LabWaitTraits>;

// Waits on `timer` until lab time `due`, in slices of at most 50 ms of lab time, and gives up
// early (false) once stop() is true: a message held by the lab network may be due a minute
// later, and a node that stops must not wait for it.
awaitable<bool> wait_until(LabTimer& timer, core::LabTime::time_point due,
                           const std::function<bool()>& stop);

class ClockWaker {
  public:
    ClockWaker(asio::io_context& io, core::LabClock& clock, core::NodeGate* gate = nullptr);
    ~ClockWaker();
    ClockWaker(const ClockWaker&) = delete;
    ClockWaker& operator=(const ClockWaker&) = delete;

  private:
    core::LabClock& clock_;
    std::uint64_t listener_ = 0;
};

}  // namespace kraftlab::net
