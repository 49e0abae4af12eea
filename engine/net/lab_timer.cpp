#include "net/lab_timer.h"

namespace kraftlab::net {

ClockWaker::ClockWaker(asio::io_context& io, core::LabClock& clock, core::NodeGate* gate)
    : clock_(clock) {
    const auto follow_pause = [&io, &clock, gate] {
        if (!gate) return;
        if (clock.paused()) {
            gate->close(core::NodeGate::Reason::LabPaused, io.get_executor());
        } else {
            gate->open(core::NodeGate::Reason::LabPaused);
        }
    };
    follow_pause();
    listener_ = clock_.add_listener([&io, follow_pause] {
        follow_pause();
        // A timer due now is the reactor's earliest: arming it makes the reactor recompute how
        // long to sleep for every timer, at the clock's new rate.
        asio::post(io, [&io] {
            auto timer = std::make_shared<LabTimer>(io);
            timer->expires_after(core::LabTime::duration::zero());
            timer->async_wait([timer](const error_code&) {});
        });
    });
}

ClockWaker::~ClockWaker() {
    clock_.remove_listener(listener_);
}

}  // namespace kraftlab::net
