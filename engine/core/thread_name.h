// Every thread the engine starts calls this first: it names the thread (visible in gdb, top -H
// and perf) and blocks asynchronous signals in it, so that SIGINT/SIGTERM always reach the
// program's main thread, whatever threads the lab starts or restarts later.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <string>

namespace kraftlab::core {

inline void name_this_thread(const std::string& name) {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
}

}  // namespace kraftlab::core
