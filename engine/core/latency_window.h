// LatencyWindow: the durations of the last few seconds, for percentiles that mean something at
// any record rate. At five records a second a quarter-second interval holds one record (its p50
// is its p99); ten seconds hold fifty. A ring of one-second LatencyHistograms: a record goes into
// the slot of its second, a slot is cleared when its second comes round again, and merged()
// adds up the slots of the last `seconds` whole seconds (the current one included, so the window
// holds between seconds - 1 and seconds of samples). Memory is fixed (seconds + 1 histograms),
// and recording is O(1) whatever the rate.
//
// Time is the caller's: any monotonic clock in milliseconds, passed in, so tests step it. Not
// thread-safe: a producer owns its window on its own thread and publishes snapshot()s.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/latency_histogram.h"

namespace kraftlab::core {

class LatencyWindow {
  public:
    static constexpr int kDefaultSeconds = 10;
    static constexpr int kMaxSeconds = 60;

    // seconds in [1, kMaxSeconds]; std::invalid_argument otherwise.
    explicit LatencyWindow(int seconds = kDefaultSeconds);

    int seconds() const { return static_cast<int>(slots_.size()); }

    // A duration that ended at now_ms. A now_ms older than the window's newest second (a clock
    // that went back) counts in the newest slot: nothing recorded is dropped before its time.
    void record(std::int64_t now_ms, std::int64_t duration_us);

    // Every duration recorded in the window ending at now_ms.
    LatencyHistogram merged(std::int64_t now_ms) const;

    // The same, shared and immutable, for a snapshot: the previous one again (the same pointer)
    // when nothing was recorded and nothing left the window since, so that readers comparing
    // snapshots see no change where there is none; nullptr when the window is empty.
    std::shared_ptr<const LatencyHistogram> snapshot(std::int64_t now_ms);

  private:
    struct Slot {
        std::int64_t second = -1;  // the second (now_ms / 1000) its counts belong to
        LatencyHistogram counts;
    };
    static std::int64_t second_of(std::int64_t now_ms);
    bool live(const Slot& slot, std::int64_t now_second) const;

    std::vector<Slot> slots_;
    std::int64_t newest_second_ = -1;
    // What the last snapshot() was made of: the seconds of the non-empty live slots and the
    // records counted up to then.
    std::uint64_t recorded_ = 0;
    std::uint64_t snapshot_recorded_ = 0;
    std::vector<std::int64_t> snapshot_seconds_;
    std::shared_ptr<const LatencyHistogram> snapshot_;
};

}  // namespace kraftlab::core
