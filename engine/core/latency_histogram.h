// LatencyHistogram: how many durations fell where, in log-linear buckets (the HdrHistogram idea,
// written here because no Debian package has one for C++): every power of two from 64 us up is
// split into 64 equal buckets, and durations under 128 us each have their own. So a percentile
// read back is within kMaxRelativeError of the real sample's value at any scale, from a few
// microseconds (acks=0) to minutes (a broker that never answers), in fixed memory (kBuckets
// counters, about 14 KiB) and with O(1) work per record: no samples are kept.
//
// Percentiles are by nearest rank: percentile(q) is the value of the ceil(q * count)-th smallest
// duration (the smallest for q = 0), as a sorted list of the samples would give. The smallest and
// largest durations are also kept exactly, so percentile(0) and percentile(1) are exact.
//
// A plain value type: not thread-safe; copy it (or share it as shared_ptr<const>) to hand it to
// another thread.
#pragma once

#include <array>
#include <cstdint>

namespace kraftlab::core {

class LatencyHistogram {
  public:
    // 2^6 = 64 linear buckets in each power of two.
    static constexpr int kSubBucketBits = 6;
    static constexpr std::int64_t kSubBuckets = std::int64_t{1} << kSubBucketBits;
    // Durations above this (about 71.6 minutes) are counted in the top bucket (see saturated()).
    static constexpr std::int64_t kMaxTrackableUs = (std::int64_t{1} << 32) - 1;
    static constexpr int kBuckets =
        static_cast<int>(kSubBuckets + (32 - kSubBucketBits) * kSubBuckets);
    // Half a bucket's width over the smallest value the bucket holds: a percentile read back lies
    // within this fraction of the sample it stands for (0.78 %).
    static constexpr double kMaxRelativeError = 1.0 / static_cast<double>(2 * kSubBuckets);

    // Counts `count` durations of duration_us. A negative duration (a clock that went back) is
    // not counted and returns false; it is counted in refused() instead.
    bool record(std::int64_t duration_us, std::uint64_t count = 1);
    // Adds another histogram's counts: the result is the histogram of both sets of samples.
    void merge(const LatencyHistogram& other);
    void clear();

    std::uint64_t count() const { return total_; }
    bool empty() const { return total_ == 0; }
    // Durations recorded above kMaxTrackableUs: they count in the top bucket (min_us() and
    // max_us() still hold their real values).
    std::uint64_t saturated() const { return saturated_; }
    // Negative durations record() refused.
    std::uint64_t refused() const { return refused_; }
    // Exact; -1 when empty.
    std::int64_t min_us() const { return total_ ? min_us_ : -1; }
    std::int64_t max_us() const { return total_ ? max_us_ : -1; }

    // The q-quantile (q in [0, 1]; 0.99 is p99) by nearest rank, in microseconds, within
    // kMaxRelativeError of the exact one; -1 when the histogram is empty. Throws
    // std::invalid_argument for a q outside [0, 1] (or NaN): that is a caller's mistake.
    double percentile_us(double q) const;
    double percentile_ms(double q) const {
        const double us = percentile_us(q);
        return us < 0 ? -1 : us / 1000.0;
    }

    // The bucket a duration falls in, and the range of durations a bucket holds (inclusive):
    // for tests and for anyone who wants to draw the distribution.
    static int bucket_of(std::int64_t duration_us);
    static std::int64_t bucket_low_us(int bucket);
    static std::int64_t bucket_high_us(int bucket);
    std::uint64_t count_in_bucket(int bucket) const {
        return counts_[static_cast<std::size_t>(bucket)];
    }

    bool operator==(const LatencyHistogram& other) const;

  private:
    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t total_ = 0;
    std::uint64_t saturated_ = 0;
    std::uint64_t refused_ = 0;
    std::int64_t min_us_ = 0;
    std::int64_t max_us_ = 0;
    // The lowest and highest buckets in use, so that merge() and percentile() skip empty ends
    // (a producer's latencies usually span a few dozen buckets of the 1,728).
    int low_bucket_ = kBuckets;
    int high_bucket_ = -1;
};

}  // namespace kraftlab::core
