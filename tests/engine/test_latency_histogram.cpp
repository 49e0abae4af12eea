// The latency histogram against the exact percentiles of sorted samples, for distributions a
// producer's latencies can take (constant, uniform, exponential, two humps as when a broker
// stalls, minutes, microseconds), its buckets, merging and clearing, bad input; and the sliding
// window a producer keeps: old records leave it, a run of slow records shows in p99 and not in
// p50, and an unchanged window gives the same snapshot.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "core/latency_histogram.h"
#include "core/latency_window.h"

using kraftlab::core::LatencyHistogram;
using kraftlab::core::LatencyWindow;

namespace {

const double kQuantiles[] = {0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1};

// Nearest rank on sorted samples: the ceil(q * n)-th smallest, the first for q = 0.
double exact_percentile(const std::vector<std::int64_t>& sorted, double q) {
    const auto n = sorted.size();
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
    rank = std::clamp<std::size_t>(rank, 1, n);
    return static_cast<double>(sorted[rank - 1]);
}

// Every percentile of the histogram within the stated relative error of the exact one; the
// first that is not, in words.
QString compare_to_exact(std::vector<std::int64_t> samples) {
    LatencyHistogram h;
    for (auto v : samples)
        h.record(v);
    std::sort(samples.begin(), samples.end());
    if (h.count() != samples.size())
        return QString("count %1 != %2").arg(h.count()).arg(samples.size());
    for (double q : kQuantiles) {
        const double exact = exact_percentile(samples, q);
        const double got = h.percentile_us(q);
        const double error = exact == 0 ? std::abs(got) : std::abs(got - exact) / exact;
        if (error > LatencyHistogram::kMaxRelativeError) {
            return QString("q %1: %2 us, exact %3 us (error %4 %)")
                .arg(q)
                .arg(got, 0, 'f', 1)
                .arg(exact, 0, 'f', 1)
                .arg(error * 100, 0, 'f', 3);
        }
    }
    return {};
}

std::vector<std::int64_t> draw(std::size_t n, const std::function<double(std::mt19937_64&)>& f) {
    std::mt19937_64 rng(20240611);
    std::vector<std::int64_t> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(std::max<std::int64_t>(0, std::llround(f(rng))));
    return out;
}

}  // namespace

class LatencyHistogramTest : public QObject {
    Q_OBJECT

  private slots:
    void the_stated_error_is_under_one_percent() {
        QVERIFY(LatencyHistogram::kMaxRelativeError <= 0.01);
        QVERIFY(sizeof(LatencyHistogram) < 16 * 1024);  // fixed memory, cheap to copy
    }

    void percentiles_of_known_distributions_are_within_the_stated_error_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("constant 5 ms") << 0;
        QTest::newRow("uniform 1 us to 100 ms") << 1;
        QTest::newRow("exponential, mean 2 ms") << 2;
        QTest::newRow("bimodal: 90 % near 1 ms, 10 % near 80 ms") << 3;
        QTest::newRow("very large: 10 to 70 minutes") << 4;
        QTest::newRow("very small: 0 to 50 us") << 5;
        QTest::newRow("log-uniform over 9 decades") << 6;
    }
    void percentiles_of_known_distributions_are_within_the_stated_error() {
        QFETCH(int, kind);
        std::vector<std::int64_t> samples;
        switch (kind) {
            case 0:
                samples.assign(10'000, 5'000);
                break;
            case 1:
                samples = draw(100'000, [](auto& rng) {
                    return std::uniform_real_distribution<double>(1, 100'000)(rng);
                });
                break;
            case 2:
                samples = draw(100'000, [](auto& rng) {
                    return std::exponential_distribution<double>(1.0 / 2'000)(rng);
                });
                break;
            case 3:
                samples = draw(100'000, [](auto& rng) {
                    if (std::uniform_real_distribution<double>(0, 1)(rng) < 0.9)
                        return std::normal_distribution<double>(1'000, 100)(rng);
                    return std::normal_distribution<double>(80'000, 5'000)(rng);
                });
                break;
            case 4:
                samples = draw(50'000, [](auto& rng) {
                    return std::uniform_real_distribution<double>(600e6, 4200e6)(rng);
                });
                break;
            case 5:
                samples = draw(20'000, [](auto& rng) {
                    return std::uniform_real_distribution<double>(0, 50)(rng);
                });
                break;
            case 6:
                samples = draw(100'000, [](auto& rng) {
                    return std::pow(10.0, std::uniform_real_distribution<double>(0, 9)(rng));
                });
                break;
        }
        const QString problem = compare_to_exact(samples);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void the_p50_and_p99_a_producer_card_shows() {
        // 98 records at 2 ms, 2 at 40 ms: p50 is 2 ms, p99 (the 99th of 100) is 40 ms.
        LatencyHistogram h;
        h.record(2'000, 98);
        h.record(40'000, 2);
        QVERIFY(std::abs(h.percentile_ms(0.5) - 2.0) <= 2.0 * LatencyHistogram::kMaxRelativeError);
        QVERIFY(std::abs(h.percentile_ms(0.99) - 40.0) <=
                40.0 * LatencyHistogram::kMaxRelativeError);
        QCOMPARE(h.min_us(), 2'000);
        QCOMPARE(h.max_us(), 40'000);
    }

    void buckets_tile_the_range_without_gaps() {
        std::int64_t next = 0;
        for (int b = 0; b < LatencyHistogram::kBuckets; ++b) {
            const auto low = LatencyHistogram::bucket_low_us(b);
            const auto high = LatencyHistogram::bucket_high_us(b);
            QCOMPARE(low, next);
            QVERIFY(high >= low);
            QCOMPARE(LatencyHistogram::bucket_of(low), b);
            QCOMPARE(LatencyHistogram::bucket_of(high), b);
            // Half the width over the lowest value: the error bound of the midpoint.
            if (low > 0) {
                QVERIFY(static_cast<double>(high - low) / 2 / static_cast<double>(low) <=
                        LatencyHistogram::kMaxRelativeError);
            }
            next = high + 1;
        }
        QCOMPARE(next - 1, LatencyHistogram::kMaxTrackableUs);
        // Under 128 us every microsecond is its own bucket.
        for (std::int64_t v = 0; v < 128; ++v)
            QCOMPARE(LatencyHistogram::bucket_low_us(LatencyHistogram::bucket_of(v)), v);
    }

    void durations_beyond_the_range_count_at_the_top() {
        LatencyHistogram h;
        h.record(10'000);
        h.record(LatencyHistogram::kMaxTrackableUs + 1'000'000, 3);
        QCOMPARE(h.count(), 4u);
        QCOMPARE(h.saturated(), 3u);
        QCOMPARE(h.max_us(), LatencyHistogram::kMaxTrackableUs + 1'000'000);  // the real one
        QCOMPARE(h.percentile_us(1.0), static_cast<double>(h.max_us()));
        QVERIFY(h.percentile_us(0.5) >= static_cast<double>(LatencyHistogram::bucket_low_us(
                                            LatencyHistogram::kBuckets - 1)));
        QCOMPARE(h.percentile_us(0.25), 10'000.0);
    }

    void merging_is_recording_both_sets() {
        auto a = draw(30'000, [](auto& rng) {
            return std::exponential_distribution<double>(1.0 / 500)(rng);
        });
        auto b = draw(
            5'000, [](auto& rng) { return std::normal_distribution<double>(30'000, 2'000)(rng); });
        LatencyHistogram ha, hb, both;
        for (auto v : a) {
            ha.record(v);
            both.record(v);
        }
        for (auto v : b) {
            hb.record(v);
            both.record(v);
        }
        LatencyHistogram merged = ha;
        merged.merge(hb);
        QVERIFY(merged == both);
        for (double q : kQuantiles)
            QCOMPARE(merged.percentile_us(q), both.percentile_us(q));
        // And the merged percentiles are those of the samples together.
        a.insert(a.end(), b.begin(), b.end());
        const QString problem = compare_to_exact(a);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // Merging an empty one changes nothing.
        merged.merge(LatencyHistogram{});
        QVERIFY(merged == both);
    }

    void cleared_is_empty() {
        LatencyHistogram h;
        h.record(5);
        h.record(123'456'789);
        h.clear();
        QVERIFY(h.empty());
        QVERIFY(h == LatencyHistogram{});
        QCOMPARE(h.percentile_us(0.5), -1.0);
        QCOMPARE(h.min_us(), -1);
        h.record(700);
        QCOMPARE(h.percentile_us(0.5), 700.0);
    }

    void bad_input_is_refused_in_words() {
        LatencyHistogram h;
        QVERIFY(!h.record(-5));
        QCOMPARE(h.refused(), 1u);
        QVERIFY(h.empty());
        h.record(1'000);
        for (double q : {-0.1, 1.5, std::nan("")}) {
            try {
                h.percentile_us(q);
                QFAIL("no error for a fraction outside [0, 1]");
            } catch (const std::invalid_argument& e) {
                QVERIFY2(QString(e.what()).contains("between 0 and 1"), e.what());
            }
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, LatencyWindow(0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 LatencyWindow(LatencyWindow::kMaxSeconds + 1));
    }

    // ---- the window ---------------------------------------------------------------------------

    void old_records_leave_the_window() {
        LatencyWindow w(10);
        const std::int64_t t0 = 1'000'000;  // ms on some monotonic clock
        for (int i = 0; i < 50; ++i)
            w.record(t0 + i * 20, 3'000);  // 50 records in the first second
        QCOMPARE(w.merged(t0 + 500).count(), 50u);
        QCOMPARE(w.merged(t0 + 9'000).count(), 50u);  // 9 s later: still in the last 10 s
        QVERIFY(w.merged(t0 + 10'000).empty());       // its second has left the window
        // A record in a later second, and the ring slot of the first second reused.
        w.record(t0 + 12'000, 8'000);
        w.record(t0 + 20'000, 9'000);  // the same slot as t0 + 10 s, ten seconds on
        const auto h = w.merged(t0 + 20'000);
        QCOMPARE(h.count(), 2u);
        QCOMPARE(h.min_us(), 8'000);
        QVERIFY(w.merged(t0 + 35'000).empty());
    }

    void a_run_of_slow_records_shows_in_p99_not_in_p50() {
        LatencyWindow w(10);
        const std::int64_t t0 = 50'000;
        // Ten seconds at 100 records/s, 2 ms each; in second 5 a broker stalls for 0.2 s: 20
        // records (2 %) take 250 ms.
        for (int ms = 0; ms < 10'000; ms += 10) {
            const bool stall = ms >= 5'000 && ms < 5'200;
            w.record(t0 + ms, stall ? 250'000 : 2'000);
        }
        auto h = w.merged(t0 + 9'999);
        QCOMPARE(h.count(), 1'000u);
        QVERIFY2(std::abs(h.percentile_ms(0.50) - 2.0) < 0.05,
                 qPrintable(QString::number(h.percentile_ms(0.50))));
        QVERIFY2(std::abs(h.percentile_ms(0.99) - 250.0) < 2.5,
                 qPrintable(QString::number(h.percentile_ms(0.99))));
        QVERIFY(h.percentile_ms(0.97) < 3.0);
        // Ten more seconds of fast records: the stall has left the window.
        for (int ms = 10'000; ms < 16'000; ms += 10)
            w.record(t0 + ms, 2'000);
        h = w.merged(t0 + 15'999);
        QVERIFY(h.percentile_ms(1.0) < 3.0);
        QCOMPARE(h.count(), 1'000u);
    }

    void an_unchanged_window_gives_the_same_snapshot() {
        LatencyWindow w(10);
        QVERIFY(!w.snapshot(0));  // empty: nothing to share
        w.record(1'000, 4'000);
        auto first = w.snapshot(1'250);
        QVERIFY(first);
        QCOMPARE(first->count(), 1u);
        QCOMPARE(w.snapshot(1'500).get(), first.get());  // nothing new: the same pointer
        QCOMPARE(w.snapshot(9'999).get(), first.get());
        w.record(9'999, 5'000);
        auto second = w.snapshot(9'999);
        QVERIFY(second.get() != first.get());
        QCOMPARE(second->count(), 2u);
        QCOMPARE(first->count(), 1u);     // a published snapshot never changes
        auto third = w.snapshot(11'000);  // the first record has left
        QCOMPARE(third->count(), 1u);
        QVERIFY(!w.snapshot(20'000));
    }

    void a_clock_that_goes_back_loses_nothing() {
        LatencyWindow w(5);
        w.record(10'500, 1'000);
        w.record(9'200, 2'000);  // earlier than the newest second: counted in it
        QCOMPARE(w.merged(10'600).count(), 2u);
    }
};

QTEST_APPLESS_MAIN(LatencyHistogramTest)
#include "test_latency_histogram.moc"
