#include "core/lab_clock.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace kraftlab::core {

namespace {
thread_local const LabClock* bound_clock = nullptr;

// While paused the reactor re-checks this often at most (a ClockWaker wakes it on a change).
constexpr LabClock::duration kParkedWait = std::chrono::seconds(60);
constexpr LabClock::duration kSleepSlice = std::chrono::milliseconds(10);
}  // namespace

LabClock::LabClock() : base_real_(steady::now()) {}

LabClock::duration LabClock::now_locked(steady::time_point real) const {
    if (paused_) return base_lab_;
    const auto elapsed =
        std::chrono::duration_cast<duration>(std::chrono::duration<double, std::nano>(
            static_cast<double>((real - base_real_).count()) * speed_));
    const duration lab = base_lab_ + std::max(duration{0}, elapsed);
    return stop_at_ ? std::min(lab, *stop_at_) : lab;
}

void LabClock::rebase_locked(steady::time_point real) {
    base_lab_ = now_locked(real);
    base_real_ = real;
}

LabClock::duration LabClock::now() const {
    std::lock_guard lock(mutex_);
    return now_locked(steady::now());
}

std::int64_t LabClock::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now()).count();
}

bool LabClock::paused() const {
    std::lock_guard lock(mutex_);
    return paused_ || (stop_at_ && now_locked(steady::now()) >= *stop_at_);
}

double LabClock::speed() const {
    std::lock_guard lock(mutex_);
    return speed_;
}

void LabClock::pause() {
    {
        std::lock_guard lock(mutex_);
        if (paused_) return;
        rebase_locked(steady::now());
        paused_ = true;
        stop_at_.reset();
    }
    notify();
}

void LabClock::resume() {
    {
        std::lock_guard lock(mutex_);
        const auto real = steady::now();
        if (!paused_ && !stop_at_) return;
        rebase_locked(real);
        paused_ = false;
        stop_at_.reset();
    }
    notify();
}

bool LabClock::set_speed(double speed) {
    if (!(speed >= kMinSpeed && speed <= kMaxSpeed)) return false;
    {
        std::lock_guard lock(mutex_);
        rebase_locked(steady::now());
        speed_ = speed;
    }
    notify();
    return true;
}

bool LabClock::step(duration lab, duration* until) {
    if (lab <= duration{0}) return false;
    {
        std::lock_guard lock(mutex_);
        const auto real = steady::now();
        const bool stopped = paused_ || (stop_at_ && now_locked(real) >= *stop_at_);
        if (!stopped) return false;
        rebase_locked(real);
        paused_ = false;
        stop_at_ = base_lab_ + lab;
        if (until) *until = *stop_at_;
    }
    notify();
    return true;
}

std::optional<LabClock::duration> LabClock::real_wait(duration lab) const {
    std::lock_guard lock(mutex_);
    if (lab <= duration{0}) return duration{0};
    if (paused_) return std::nullopt;
    if (stop_at_ && now_locked(steady::now()) + lab > *stop_at_) return std::nullopt;
    return std::chrono::duration_cast<duration>(
        std::chrono::duration<double, std::nano>(static_cast<double>(lab.count()) / speed_));
}

void LabClock::sleep_for(duration lab) const {
    sleep_until(now() + lab);
}

void LabClock::sleep_until(duration until) const {
    for (;;) {
        const duration left = until - now();
        if (left <= duration{0}) return;
        const auto wait = real_wait(left);
        std::this_thread::sleep_for(wait ? std::min(*wait, kSleepSlice) : kSleepSlice);
    }
}

std::uint64_t LabClock::add_listener(std::function<void()> fn) {
    std::lock_guard lock(listeners_mutex_);
    const auto handle = next_listener_++;
    listeners_.emplace(handle, std::move(fn));
    return handle;
}

void LabClock::remove_listener(std::uint64_t handle) {
    std::lock_guard lock(listeners_mutex_);
    listeners_.erase(handle);
}

void LabClock::notify() {
    std::lock_guard lock(listeners_mutex_);
    for (auto& [handle, fn] : listeners_)
        fn();
}

const LabClock& LabClock::current() {
    return bound_clock ? *bound_clock : standalone();
}

LabClock& LabClock::standalone() {
    static LabClock clock;
    return clock;
}

std::int64_t LabClock::wall_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

ClockBinding::ClockBinding(const LabClock* clock) : previous_(bound_clock) {
    bound_clock = clock;
}

ClockBinding::~ClockBinding() {
    bound_clock = previous_;
}

LabTime::duration LabWaitTraits::to_wait_duration(const LabTime::duration& d) {
    const auto wait = LabClock::current().real_wait(d);
    return wait ? std::min(*wait, kParkedWait) : kParkedWait;
}

}  // namespace kraftlab::core
