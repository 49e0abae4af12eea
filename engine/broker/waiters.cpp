#include "broker/waiters.h"

namespace kraftlab::broker {

net::awaitable<void> Waiters::wait(net::LabTimer& timer, core::LabTime::time_point deadline) {
    timer.expires_at(deadline);
    timers_.push_back(&timer);
    net::error_code ec;  // a cancelled wait (wake()) is not an error
    co_await timer.async_wait(net::asio::redirect_error(net::asio::use_awaitable, ec));
    timers_.remove(&timer);
}

}  // namespace kraftlab::broker
