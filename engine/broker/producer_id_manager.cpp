// ProducerIdManager (broker/producer_id_manager.h).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "broker/producer_id_manager.h"

#include <algorithm>
#include <chrono>

#include "net/lab_timer.h"
#include "protocol/allocate_producer_ids.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using protocol::ErrorCode;

net::awaitable<ProducerIdManager::Answer> ProducerIdManager::next_id(std::int32_t timeout_ms) {
    if (next_ < end_) co_return Answer{ErrorCode::NONE, next_++, {}};
    if (waiting_ >= kMaxWaiting) {
        co_return Answer{ErrorCode::COORDINATOR_LOAD_IN_PROGRESS, -1,
                         "too many producers are already waiting for producer ids here"};
    }
    const auto deadline = core::LabTime::now() + std::chrono::milliseconds(timeout_ms);
    net::LabTimer timer(ctx_.io);
    ++waiting_;
    while (!ctx_.stopping && next_ >= end_ && core::LabTime::now() < deadline) {
        if (!allocating_) {
            const auto ready_at =
                last_allocation_ + std::chrono::milliseconds(kMinAllocationIntervalMs);
            if (core::LabTime::now() < ready_at) {
                const auto until = std::min(ready_at, deadline);
                co_await waiters_.wait(timer, until);
                continue;
            }
            allocating_ = true;
            last_allocation_ = core::LabTime::now();
            asio::co_spawn(ctx_.io, allocate(), asio::detached);
        }
        co_await waiters_.wait(timer, deadline);
    }
    --waiting_;
    if (next_ < end_) co_return Answer{ErrorCode::NONE, next_++, {}};
    co_return Answer{ErrorCode::COORDINATOR_LOAD_IN_PROGRESS, -1,
                     "no block of producer ids from the active controller within " +
                         std::to_string(timeout_ms) + " ms" +
                         (last_failure_.empty() ? "" : " (" + last_failure_ + ")")};
}

net::awaitable<void> ProducerIdManager::allocate() {
    protocol::AllocateProducerIdsRequest req;
    req.broker_id = ctx_.config.node_id;
    req.broker_epoch = broker_epoch_();
    std::string failure;
    if (req.broker_epoch < 0) {
        failure = "this broker is not registered with the controller yet";
    } else {
        auto r = co_await ctx_.controller().allocate_producer_ids(
            req, ctx_.config.controller_timeout_ms);
        if (ctx_.stopping) co_return;
        if (!r.ok()) {
            failure = "no answer from the controller: " + r.error().message;
        } else if (r->error_code != 0) {
            failure = "the controller refused: " +
                      std::string(protocol::error_name(static_cast<ErrorCode>(r->error_code)));
        } else if (r->producer_id_len <= 0 || r->producer_id_start < 0) {
            failure = "the controller gave an empty block";
        } else {
            next_ = r->producer_id_start;
            end_ = r->producer_id_start + r->producer_id_len;
        }
    }
    last_failure_ = failure;
    if (!failure.empty()) {
        // The waiters try again after a pause, not in a tight loop against a controller.
        // (stop() wakes it too.)
        net::LabTimer backoff(ctx_.io);
        co_await waiters_.wait(backoff, core::LabTime::now() + std::chrono::milliseconds(200));
        if (ctx_.stopping) co_return;
    }
    allocating_ = false;
    waiters_.wake();
}

}  // namespace kraftlab::broker
