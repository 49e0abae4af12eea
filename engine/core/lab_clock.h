// LabClock: the lab's time, and the only way time enters the engine (as Kafka's `Time` and
// redpanda's `clock_type`).
//
// Lab time is steady time that can be paused, scaled by a speed factor (0.05× to 4×) and stepped
// (while paused, run for exactly N ms of lab time, then freeze again). It starts at 0 when the
// clock is made. Every engine timeout is measured on it: Asio timers of type net::LabTimer wait
// on LabTime (below), and the pure cores are handed LabTime's milliseconds.
//
// Injection: each lab owns one LabClock. A runtime binds its thread to its lab's clock when the
// thread starts (ClockBinding); LabTime::now() reads the clock bound to the calling thread, or a
// standalone clock (always running at 1×) on threads bound to none (tools, benchmarks). The
// EventBus is handed the clock explicitly.
//
// Wall time (Unix milliseconds, for event stamps and file names) is read here too: wall_ms().
//
// Threads: every method is thread-safe. Listeners run on the thread that changed the clock, with
// the listener lock held: they must only post work elsewhere (net::ClockWaker does).
// Lifecycle: a clock must outlive the threads bound to it and its listeners.
#pragma once

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

namespace kraftlab::core {

class LabClock {
  public:
    using duration = std::chrono::nanoseconds;
    static constexpr double kMinSpeed = 0.05;
    static constexpr double kMaxSpeed = 4.0;

    LabClock();
    LabClock(const LabClock&) = delete;
    LabClock& operator=(const LabClock&) = delete;

    // Lab time since the clock was made.
    duration now() const;
    std::int64_t now_ms() const;

    // True while lab time does not advance (paused, or a step has run its course).
    bool paused() const;
    double speed() const;

    // Idempotent. pause() freezes lab time at once; resume() lets it run on from where it stood.
    void pause();
    void resume();
    // Refused (false) outside [kMinSpeed, kMaxSpeed]. Lab time does not jump.
    bool set_speed(double speed);
    // Only while paused (else false): lab time runs at the current speed until it has advanced by
    // exactly `lab`, then stands still again. Returns the lab time it will stop at through `until`.
    bool step(duration lab, duration* until = nullptr);

    // How long, in real (steady) time, until lab time has advanced by `lab` at the current rate;
    // nullopt when it will not advance (paused). Never negative.
    std::optional<duration> real_wait(duration lab) const;
    // Blocks the calling thread for `lab` of lab time (sliced, so a pause, a resume or a speed
    // change is noticed within 10 ms). For control threads (the Cluster's command waits), never
    // for a node's io thread.
    void block_for(duration lab) const;
    // Blocks until lab time has reached `lab_time` (as block_for).
    void block_until(duration lab_time) const;
    // Blocks while lab time runs: until a step has run its course or someone paused the clock.
    void block_while_running() const;

    // Called after every change (pause, resume, speed, step). Returns a handle for remove().
    std::uint64_t add_listener(std::function<void()> fn);
    void remove_listener(std::uint64_t handle);

    // The clock bound to the calling thread (ClockBinding), or the standalone one.
    static const LabClock& current();
    // A clock that is never paused or scaled: real steady time, for threads bound to no lab.
    static LabClock& standalone();
    // Unix time in milliseconds (the wall clock: event stamps, never a timeout).
    static std::int64_t wall_ms();

  private:
    using steady = std::chrono::steady_clock;
    static constexpr std::int64_t kNoStop = INT64_MIN;
    // The clock's state; lab time at real time r is base_lab + (r - base_real) * speed, frozen
    // while paused and never past stop_at (a step's end).
    struct Params {
        std::int64_t base_real = 0;  // steady ns
        std::int64_t base_lab = 0;   // lab ns
        double speed = 1.0;
        bool paused = false;
        std::int64_t stop_at = kNoStop;  // lab ns
    };
    static std::int64_t lab_at(const Params& p, std::int64_t real_ns);
    static std::int64_t real_ns();
    // Readers never lock: now() is called on every timer and socket read of every node. A
    // sequence lock: writers (under mutex_) bump version_ to odd, store, bump it to even.
    Params load() const;
    void store_locked(const Params& p);  // mutex_ held
    // Rebases the clock at this instant, then lets `edit` change it; publishes and tells the
    // listeners when edit returns true (false: nothing changes).
    bool change(const std::function<bool(Params&)>& edit);
    void notify();

    std::mutex mutex_;  // serializes writers
    Params params_;     // the writers' copy (mutex_)
    std::atomic<std::uint64_t> version_{0};
    std::atomic<std::int64_t> base_real_{0};
    std::atomic<std::int64_t> base_lab_{0};
    std::atomic<double> speed_{1.0};
    std::atomic<bool> paused_{false};
    std::atomic<std::int64_t> stop_at_{kNoStop};

    std::mutex listeners_mutex_;
    std::map<std::uint64_t, std::function<void()>> listeners_;
    std::uint64_t next_listener_ = 1;
};

// Binds the calling thread to a clock for the binding's lifetime (restoring the previous one).
class ClockBinding {
  public:
    explicit ClockBinding(const LabClock* clock);
    ~ClockBinding();
    ClockBinding(const ClockBinding&) = delete;
    ClockBinding& operator=(const ClockBinding&) = delete;

  private:
    const LabClock* previous_;
};

// The Clock type Asio timers wait on (std::chrono's Clock requirements): lab time of the calling
// thread's clock.
struct LabTime {
    using duration = LabClock::duration;
    using rep = duration::rep;
    using period = duration::period;
    using time_point = std::chrono::time_point<LabTime>;
    static constexpr bool is_steady = true;
    static time_point now() noexcept { return time_point(LabClock::current().now()); }
    // Milliseconds of lab time: what the pure cores are ticked with.
    static std::int64_t now_ms() noexcept { return LabClock::current().now_ms(); }
};

// Asio's WaitTraits for LabTime: how long the reactor sleeps (real time) before it looks at a
// lab-time deadline again. While paused it sleeps long; net::ClockWaker wakes it on every change.
struct LabWaitTraits {
    static LabTime::duration to_wait_duration(const LabTime::duration& d);
    static LabTime::duration to_wait_duration(const LabTime::time_point& t) {
        return to_wait_duration(t - LabTime::now());
    }
};

}  // namespace kraftlab::core
