#include "core/latency_window.h"

#include <stdexcept>
#include <string>

namespace kraftlab::core {

LatencyWindow::LatencyWindow(int seconds) {
    if (seconds < 1 || seconds > kMaxSeconds) {
        throw std::invalid_argument("a latency window is 1 to " + std::to_string(kMaxSeconds) +
                                    " seconds long, not " + std::to_string(seconds));
    }
    slots_.resize(static_cast<std::size_t>(seconds));
}

std::int64_t LatencyWindow::second_of(std::int64_t now_ms) {
    // Floor, also for a clock before its epoch.
    return now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);
}

bool LatencyWindow::live(const Slot& slot, std::int64_t now_second) const {
    return slot.second > now_second - seconds() && slot.second <= now_second &&
           !slot.counts.empty();
}

void LatencyWindow::record(std::int64_t now_ms, std::int64_t duration_us) {
    std::int64_t second = second_of(now_ms);
    if (newest_second_ >= 0 && second < newest_second_) second = newest_second_;
    newest_second_ = second;
    const auto n = static_cast<std::int64_t>(slots_.size());
    Slot& slot = slots_[static_cast<std::size_t>(((second % n) + n) % n)];
    if (slot.second != second) {
        slot.counts.clear();
        slot.second = second;
    }
    slot.counts.record(duration_us);
    ++recorded_;
}

LatencyHistogram LatencyWindow::merged(std::int64_t now_ms) const {
    const std::int64_t now_second = second_of(now_ms);
    LatencyHistogram out;
    for (const auto& slot : slots_) {
        if (live(slot, now_second)) out.merge(slot.counts);
    }
    return out;
}

std::shared_ptr<const LatencyHistogram> LatencyWindow::snapshot(std::int64_t now_ms) {
    const std::int64_t now_second = second_of(now_ms);
    std::vector<std::int64_t> seconds;
    for (const auto& slot : slots_) {
        if (live(slot, now_second)) seconds.push_back(slot.second);
    }
    if (seconds.empty()) {
        snapshot_.reset();
    } else if (!snapshot_ || recorded_ != snapshot_recorded_ || seconds != snapshot_seconds_) {
        snapshot_ = std::make_shared<const LatencyHistogram>(merged(now_ms));
    }
    snapshot_recorded_ = recorded_;
    snapshot_seconds_ = std::move(seconds);
    return snapshot_;
}

}  // namespace kraftlab::core
