// The thread a built-in client (producer, consumer) runs its io_context on: named after it,
// its Linux thread id published for CPU accounting, an exception escaping run() turned into an
// event rather than a dead process, and a bounded stop.
//
// Threads: start and stop are called by the client's owner, under its lifecycle lock.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "core/lab_clock.h"
#include "core/mailbox.h"
#include "net/asio.h"

namespace kraftlab::lab {

struct ClientThread {
    // Runs first on the new thread; an error stops the start (nothing may have been spawned).
    std::function<std::optional<std::string>()> init;
    // An exception escaped run(): `what` in plain words, for the client's error event.
    std::function<void(const std::string& what)> crashed;
    // After run() returns, on the thread: destroy what was built there.
    std::function<void()> finish;
    // The lab's clock the thread runs on (nullptr: the standalone one).
    core::LabClock* clock = nullptr;
};

// Starts `io` on `thread` (named `name`, its id in `tid` while it runs) and waits up to 5 s for
// `hooks.init`; the reason on failure, with the thread joined.
std::optional<std::string> start_client_thread(std::thread& thread, net::asio::io_context& io,
                                               const std::string& name, std::atomic<pid_t>& tid,
                                               ClientThread hooks);

// Posts `begin_stop` through `mailbox`, waits for the thread (its coroutines end within
// `grace`; after grace + 5 s the io_context is stopped hard), then closes the mailbox.
void stop_client_thread(std::thread& thread, net::asio::io_context& io, core::Mailbox& mailbox,
                        std::function<void()> begin_stop, std::chrono::milliseconds grace);

}  // namespace kraftlab::lab
