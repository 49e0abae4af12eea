// Cluster::admin_call's definition, for the files that send admin requests to the active
// controller (cluster.cpp, cluster_admin.cpp). Internal to engine/lab.
#pragma once

#include <future>

#include "lab/cluster.h"

namespace kraftlab::lab {

template <typename Fn>
auto Cluster::admin_call(Fn fn) ->
    typename decltype(fn(std::declval<net::ControllerClient&>()))::value_type {
    using Result = typename decltype(fn(std::declval<net::ControllerClient&>()))::value_type;
    std::promise<Result> answer;
    auto future = answer.get_future();
    net::asio::co_spawn(
        *admin_io_,
        [this, &fn, &answer]() -> net::awaitable<void> {
            // fn starts the request on the admin thread; its answer is awaited there.
            answer.set_value(co_await fn(*admin_));
        },
        net::asio::detached);
    return future.get();
}

}  // namespace kraftlab::lab
