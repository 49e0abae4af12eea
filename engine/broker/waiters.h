// Waiters: coroutines of a broker parked until what they wait for may have happened (data
// appended, replication progress, a metadata change) or their deadline passed. Each parks its
// own LabTimer here; wake() cancels them all, and each re-checks its own condition.
//
// Thread: the broker's node thread only. A timer is listed only while its owner waits.
#pragma once

#include <list>

#include "core/lab_clock.h"
#include "net/asio.h"
#include "net/lab_timer.h"

namespace kraftlab::broker {

class Waiters {
  public:
    // Waits on `timer` (the caller's, in its frame) until `deadline` or the next wake().
    net::awaitable<void> wait(net::LabTimer& timer, core::LabTime::time_point deadline);
    void wake() {
        for (auto* t : timers_)
            t->cancel();
    }

  private:
    std::list<net::LabTimer*> timers_;
};

}  // namespace kraftlab::broker
