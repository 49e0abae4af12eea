#include "lab/client_thread.h"

#include <unistd.h>

#include <future>
#include <memory>

#include "core/thread_name.h"
#include "net/lab_timer.h"

namespace kraftlab::lab {

std::optional<std::string> start_client_thread(std::thread& thread, net::asio::io_context& io,
                                               const std::string& name, std::atomic<pid_t>& tid,
                                               ClientThread hooks) {
    auto answer = std::make_shared<std::promise<std::optional<std::string>>>();
    auto future = answer->get_future();
    // Posted before the thread starts, so that run() has work from the first moment.
    net::asio::post(io, [init = hooks.init, answer] { answer->set_value(init()); });
    thread = std::thread([&io, &tid, name, hooks] {
        core::name_this_thread(name);
        core::ClockBinding on_lab_time(hooks.clock);
        std::optional<net::ClockWaker> waker;
        if (hooks.clock) waker.emplace(io, *hooks.clock);
        tid = gettid();
        // Nothing here is meant to throw (errors are values); if something does anyway (an
        // allocation), the client ends with an event instead of taking the process with it.
        try {
            io.run();
        } catch (const std::exception& e) {
            hooks.crashed(e.what());
        }
        if (hooks.finish) hooks.finish();
        tid = 0;
    });
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
        io.stop();
        thread.join();
        return name + " did not start within 5 s";
    }
    if (auto error = future.get()) {
        thread.join();  // nothing was spawned: run() returns by itself
        return error;
    }
    return std::nullopt;
}

void stop_client_thread(std::thread& thread, net::asio::io_context& io, core::Mailbox& mailbox,
                        std::function<void()> begin_stop, std::chrono::milliseconds grace) {
    mailbox.post(std::move(begin_stop));
    auto joined = std::async(std::launch::async, [&thread] { thread.join(); });
    if (joined.wait_for(grace + std::chrono::seconds(5)) != std::future_status::ready) {
        io.stop();
        joined.wait();
    }
    mailbox.close();
}

}  // namespace kraftlab::lab
