#include "core/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

namespace kraftlab::core {

int LatencyHistogram::bucket_of(std::int64_t duration_us) {
    const auto v =
        static_cast<std::uint64_t>(std::clamp<std::int64_t>(duration_us, 0, kMaxTrackableUs));
    // Under 2 * kSubBuckets every microsecond has its own bucket.
    if (v < static_cast<std::uint64_t>(2 * kSubBuckets)) return static_cast<int>(v);
    // In [2^e, 2^(e+1)) the buckets are 2^(e - kSubBucketBits) wide.
    const int e = std::bit_width(v) - 1;
    const int shift = e - kSubBucketBits;
    const auto sub = static_cast<int>(v >> shift) - static_cast<int>(kSubBuckets);
    return static_cast<int>(kSubBuckets) * (shift + 1) + sub;
}

std::int64_t LatencyHistogram::bucket_low_us(int bucket) {
    if (bucket < 2 * kSubBuckets) return bucket;
    const int shift = bucket / static_cast<int>(kSubBuckets) - 1;
    const int sub = bucket % static_cast<int>(kSubBuckets);
    return (kSubBuckets + sub) << shift;
}

std::int64_t LatencyHistogram::bucket_high_us(int bucket) {
    if (bucket < 2 * kSubBuckets) return bucket;
    const int shift = bucket / static_cast<int>(kSubBuckets) - 1;
    return bucket_low_us(bucket) + (std::int64_t{1} << shift) - 1;
}

bool LatencyHistogram::record(std::int64_t duration_us, std::uint64_t count) {
    if (duration_us < 0) {
        refused_ += count;
        return false;
    }
    if (count == 0) return true;
    if (duration_us > kMaxTrackableUs) saturated_ += count;
    const int b = bucket_of(duration_us);
    counts_[static_cast<std::size_t>(b)] += count;
    if (total_ == 0) {
        min_us_ = max_us_ = duration_us;
    } else {
        min_us_ = std::min(min_us_, duration_us);
        max_us_ = std::max(max_us_, duration_us);
    }
    total_ += count;
    low_bucket_ = std::min(low_bucket_, b);
    high_bucket_ = std::max(high_bucket_, b);
    return true;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    refused_ += other.refused_;
    if (other.total_ == 0) return;
    for (int b = other.low_bucket_; b <= other.high_bucket_; ++b)
        counts_[static_cast<std::size_t>(b)] += other.counts_[static_cast<std::size_t>(b)];
    if (total_ == 0) {
        min_us_ = other.min_us_;
        max_us_ = other.max_us_;
    } else {
        min_us_ = std::min(min_us_, other.min_us_);
        max_us_ = std::max(max_us_, other.max_us_);
    }
    total_ += other.total_;
    saturated_ += other.saturated_;
    low_bucket_ = std::min(low_bucket_, other.low_bucket_);
    high_bucket_ = std::max(high_bucket_, other.high_bucket_);
}

void LatencyHistogram::clear() {
    // Only the buckets in use: a one-second slot of a producer's window is cleared every second.
    if (total_ > 0) {
        std::fill(counts_.begin() + low_bucket_, counts_.begin() + high_bucket_ + 1, 0);
    }
    total_ = saturated_ = refused_ = 0;
    min_us_ = max_us_ = 0;
    low_bucket_ = kBuckets;
    high_bucket_ = -1;
}

double LatencyHistogram::percentile_us(double q) const {
    if (!(q >= 0.0 && q <= 1.0)) {
        throw std::invalid_argument(
            "a percentile needs a fraction between 0 and 1 (0.99 for p99), not " +
            std::to_string(q));
    }
    if (total_ == 0) return -1;
    // Nearest rank, 1-based: the ceil(q * n)-th smallest sample, at least the first.
    const auto wanted = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total_))));
    if (wanted >= total_) return static_cast<double>(max_us_);
    if (wanted == 1) return static_cast<double>(min_us_);
    std::uint64_t seen = 0;
    for (int b = low_bucket_; b <= high_bucket_; ++b) {
        seen += counts_[static_cast<std::size_t>(b)];
        if (seen >= wanted) {
            // The middle of the bucket, where the error is smallest whichever sample it stands
            // for; never outside what was recorded.
            const double mid =
                (static_cast<double>(bucket_low_us(b)) + static_cast<double>(bucket_high_us(b))) /
                2;
            return std::clamp(mid, static_cast<double>(min_us_), static_cast<double>(max_us_));
        }
    }
    return static_cast<double>(max_us_);  // not reached: the counts add up to total_
}

bool LatencyHistogram::operator==(const LatencyHistogram& other) const {
    return total_ == other.total_ && saturated_ == other.saturated_ && refused_ == other.refused_ &&
           min_us() == other.min_us() && max_us() == other.max_us() && counts_ == other.counts_;
}

}  // namespace kraftlab::core
