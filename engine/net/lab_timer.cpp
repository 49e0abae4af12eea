#include "net/lab_timer.h"

namespace kraftlab::net {

awaitable<bool> wait_until(LabTimer& timer, core::LabTime::time_point due,
                           const std::function<bool()>& stop) {
    constexpr auto kSlice = std::chrono::milliseconds(50);
    while (!stop()) {
        const auto now = core::LabTime::now();
        if (now >= due) co_return true;
        timer.expires_at(std::min(due, now + kSlice));
        error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return false;
}

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
        // A wake-up timer that is every queue's earliest makes the reactor recompute how long
        // to sleep for every timer, at the clock's new rate. It is due before lab time began, not
        // "now": a timer that fell due before this handler ran (the node was busy, or the pause
        // came just before its deadline) would be earlier than "now", Asio would not re-arm, and
        // that timer would wait out the reactor's parked sleep (60 s).
        asio::post(io, [&io] {
            auto timer = std::make_shared<LabTimer>(io);
            timer->expires_at(core::LabTime::time_point(core::LabTime::duration(-1)));
            timer->async_wait([timer](const error_code&) {});
        });
    });
}

ClockWaker::~ClockWaker() {
    clock_.remove_listener(listener_);
}

}  // namespace kraftlab::net
