#include "net/request_memory_pool.h"
#include "net/lab_timer.h"

#include <algorithm>

namespace kraftlab::net {

RequestMemoryPool::RequestMemoryPool(asio::any_io_executor executor, std::size_t budget)
    : budget_(budget), wake_(executor) {
    // Set once: setting the expiry again would cancel the other waiters' waits.
    wake_.expires_at(LabTimer::time_point::max());
}

bool RequestMemoryPool::try_acquire(std::size_t n) {
    if (closed_ || n > budget_ - std::min(used_, budget_)) return false;
    used_ += n;
    peak_ = std::max(peak_, used_);
    return true;
}

awaitable<void> RequestMemoryPool::wait_for_release() {
    if (closed_) co_return;
    ++waiters_;
    error_code ignored;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    --waiters_;
}

void RequestMemoryPool::release(std::size_t n) {
    used_ -= std::min(n, used_);
    if (n > 0) wake_all();
}

void RequestMemoryPool::wake_all() {
    if (waiters_ > 0) wake_.cancel();
}

void RequestMemoryPool::close() {
    closed_ = true;
    wake_.cancel();
}

}  // namespace kraftlab::net
