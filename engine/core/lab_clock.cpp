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

LabClock::LabClock() {
    std::lock_guard lock(mutex_);
    params_.base_real = real_ns();
    store_locked(params_);
}

std::int64_t LabClock::real_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
        .count();
}

std::int64_t LabClock::lab_at(const Params& p, std::int64_t real) {
    if (p.paused) return p.base_lab;
    const double elapsed = static_cast<double>(real - p.base_real) * p.speed;
    const std::int64_t lab =
        p.base_lab + std::max<std::int64_t>(0, static_cast<std::int64_t>(elapsed));
    return p.stop_at != kNoStop ? std::min(lab, p.stop_at) : lab;
}

LabClock::Params LabClock::load() const {
    for (;;) {
        const std::uint64_t before = version_.load(std::memory_order_acquire);
        if (before & 1) continue;  // a writer is storing
        Params p;
        p.base_real = base_real_.load(std::memory_order_relaxed);
        p.base_lab = base_lab_.load(std::memory_order_relaxed);
        p.speed = speed_.load(std::memory_order_relaxed);
        p.paused = paused_.load(std::memory_order_relaxed);
        p.stop_at = stop_at_.load(std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_acquire);
        if (version_.load(std::memory_order_relaxed) == before) return p;
    }
}

void LabClock::store_locked(const Params& p) {
    version_.fetch_add(1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    base_real_.store(p.base_real, std::memory_order_relaxed);
    base_lab_.store(p.base_lab, std::memory_order_relaxed);
    speed_.store(p.speed, std::memory_order_relaxed);
    paused_.store(p.paused, std::memory_order_relaxed);
    stop_at_.store(p.stop_at, std::memory_order_relaxed);
    version_.fetch_add(1, std::memory_order_release);
}

LabClock::duration LabClock::now() const {
    return duration(lab_at(load(), real_ns()));
}

std::int64_t LabClock::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now()).count();
}

bool LabClock::paused() const {
    const Params p = load();
    return p.paused || (p.stop_at != kNoStop && lab_at(p, real_ns()) >= p.stop_at);
}

double LabClock::speed() const {
    return load().speed;
}

bool LabClock::change(const std::function<bool(Params&)>& edit) {
    {
        std::lock_guard lock(mutex_);
        const std::int64_t real = real_ns();
        Params next = params_;
        next.base_lab = lab_at(params_, real);  // lab time does not jump at a change
        next.base_real = real;
        if (!edit(next)) return false;
        params_ = next;
        store_locked(params_);
    }
    notify();
    return true;
}

void LabClock::pause() {
    change([](Params& p) {
        if (p.paused) return false;
        p.paused = true;
        p.stop_at = kNoStop;
        return true;
    });
}

void LabClock::resume() {
    change([](Params& p) {
        if (!p.paused && p.stop_at == kNoStop) return false;
        p.paused = false;
        p.stop_at = kNoStop;
        return true;
    });
}

bool LabClock::set_speed(double speed) {
    if (!(speed >= kMinSpeed && speed <= kMaxSpeed)) return false;
    return change([speed](Params& p) {
        p.speed = speed;
        return true;
    });
}

bool LabClock::step(duration lab, duration* until) {
    if (lab <= duration{0}) return false;
    std::int64_t stop_at = kNoStop;
    const bool stepped = change([&](Params& p) {
        // Rebased: base_lab is lab time now.
        const bool stopped = p.paused || (p.stop_at != kNoStop && p.base_lab >= p.stop_at);
        if (!stopped) return false;
        p.paused = false;
        p.stop_at = stop_at = p.base_lab + lab.count();
        return true;
    });
    if (stepped && until) *until = duration(stop_at);
    return stepped;
}

std::optional<LabClock::duration> LabClock::real_wait(duration lab) const {
    if (lab <= duration{0}) return duration{0};
    const Params p = load();
    if (p.paused) return std::nullopt;
    if (p.stop_at != kNoStop && lab_at(p, real_ns()) + lab.count() > p.stop_at) return std::nullopt;
    return std::chrono::duration_cast<duration>(
        std::chrono::duration<double, std::nano>(static_cast<double>(lab.count()) / p.speed));
}

void LabClock::block_for(duration lab) const {
    block_until(now() + lab);
}

void LabClock::block_until(duration until) const {
    for (;;) {
        const duration left = until - now();
        if (left <= duration{0}) return;
        const auto wait = real_wait(left);
        std::this_thread::sleep_for(wait ? std::min(*wait, kSleepSlice) : kSleepSlice);
    }
}

void LabClock::block_while_running() const {
    while (!paused())
        std::this_thread::sleep_for(kSleepSlice);
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
