// The descriptor budget (storage/descriptor_cache.h): many more partition logs than the budget
// has descriptors are appended to and read from, from one thread and from several, while the
// process's open descriptors (/proc/self/fd) stay within the budget; data survives closing and
// reopening; a file written and not yet flushed is fsynced before an eviction closes it, one
// flushed is not synced again.
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "storage/descriptor_cache.h"
#include "storage/partition_log.h"
#include "storage_test_util.h"

using namespace kraftlab::protocol;
using namespace kraftlab::protocol::test;
using namespace kraftlab::storage;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kBudget = 16;  // the cache's smallest

long open_descriptors() {
    // The directory iterator's own descriptor is counted too; the callers allow for it.
    return static_cast<long>(
        std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator()));
}

LogConfig small_config() {
    LogConfig c;
    c.segment_bytes = 4 * 1024;  // a few segments per log
    c.index_interval_bytes = 512;
    return c;
}

std::unique_ptr<PartitionLog> open_log(const fs::path& dir) {
    OpenResult r = PartitionLog::open(dir, small_config());
    if (!r.ok()) qWarning("open %s: %s", dir.c_str(), r.error.c_str());
    return std::move(r.log);
}

// Appends one batch whose value bytes name the log and the round, and returns what is stored.
Bytes append_one(PartitionLog& log, int which, int round) {
    Bytes batch =
        make_batch(3, 1'000 + round, 200, 1, static_cast<std::uint8_t>(which * 7 + round));
    if (!log.append_as_leader(batch, 1).ok()) return {};
    return batch;  // stamped in place
}

Bytes read_all(const PartitionLog& log) {
    Bytes out;
    std::int64_t offset = log.log_start_offset();
    while (offset < log.log_end_offset()) {
        ReadResult r = log.read(offset, 64 * 1024, log.log_end_offset());
        if (!r.ok() || r.data.empty()) return {};
        out.insert(out.end(), r.data.begin(), r.data.end());
        offset = r.next_offset;
    }
    return out;
}

}  // namespace

class DescriptorBudgetTest : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir tmp_;
    std::size_t saved_budget_ = 0;
    fs::path dir(const std::string& name) { return fs::path(tmp_.path().toStdString()) / name; }

  private slots:
    void initTestCase() {
        saved_budget_ = DescriptorCache::instance().budget();
        DescriptorCache::instance().set_budget(kBudget);
        QCOMPARE(DescriptorCache::instance().budget(), kBudget);
    }
    void cleanupTestCase() { DescriptorCache::instance().set_budget(saved_budget_); }

    void budget_follows_the_limit() {
        QCOMPARE(DescriptorCache::budget_for_limit(1024), std::size_t{512});
        QCOMPARE(DescriptorCache::budget_for_limit(256), std::size_t{128});
        QCOMPARE(DescriptorCache::budget_for_limit(10), kBudget);
    }

    void more_logs_than_descriptors_keep_every_record() {
        const long before = open_descriptors();
        constexpr int kLogs = 60;  // 120+ files against a budget of 16
        constexpr int kRounds = 30;
        std::vector<std::unique_ptr<PartitionLog>> logs;
        std::vector<Bytes> expected(kLogs);
        long most = 0;
        for (int i = 0; i < kLogs; ++i) {
            logs.push_back(open_log(dir("many-" + std::to_string(i))));
            QVERIFY(logs.back());
        }
        // Round-robin appends and reads: every log's files are evicted and reopened many times.
        for (int round = 0; round < kRounds; ++round) {
            for (int i = 0; i < kLogs; ++i) {
                Bytes stored = append_one(*logs[i], i, round);
                QVERIFY(!stored.empty());
                expected[i].insert(expected[i].end(), stored.begin(), stored.end());
                if (round % 7 == 3) QCOMPARE(read_all(*logs[i]), expected[i]);
            }
            most = std::max(most, open_descriptors());
            QVERIFY(DescriptorCache::instance().open_files() <= kBudget);
        }
        QVERIFY(logs.front()->segment_count() > 3);
        QVERIFY2(most - before <= static_cast<long>(kBudget) + 1,
                 qPrintable(QString("%1 descriptors open beyond the %2 before, budget %3")
                                .arg(most - before)
                                .arg(before)
                                .arg(kBudget)));
        QVERIFY(DescriptorCache::instance().evictions() > 1000);
        for (int i = 0; i < kLogs; ++i)
            QCOMPARE(read_all(*logs[i]), expected[i]);

        // Closed and reopened: the same bytes, and a closed log holds no descriptor.
        for (auto& log : logs)
            QVERIFY(log->close().ok());
        logs.clear();
        QCOMPARE(DescriptorCache::instance().open_files(), std::size_t{0});
        QVERIFY(open_descriptors() <= before);
        for (int i = 0; i < kLogs; ++i) {
            auto log = open_log(dir("many-" + std::to_string(i)));
            QVERIFY(log);
            QCOMPARE(read_all(*log), expected[i]);
        }
        QCOMPARE(DescriptorCache::instance().open_files(), std::size_t{0});
    }

    void eviction_fsyncs_what_was_written_and_not_flushed() {
        // Written, not flushed: the eviction syncs before closing.
        auto written = open_log(dir("dirty"));
        QVERIFY(written);
        QVERIFY(!append_one(*written, 1, 1).empty());
        QVERIFY(written->flushed_offset() < written->log_end_offset());
        std::uint64_t synced = DescriptorCache::instance().synced_evictions();
        std::vector<std::unique_ptr<PartitionLog>> others;
        for (std::size_t i = 0; i < kBudget; ++i) {
            others.push_back(open_log(dir("filler-" + std::to_string(i))));
            QVERIFY(others.back());
        }
        QVERIFY(DescriptorCache::instance().synced_evictions() > synced);  // the log file
        // The flush still works on the closed files, and records what is durable.
        QVERIFY(written->flush().ok());
        QCOMPARE(written->flushed_offset(), written->log_end_offset());

        // Written and flushed: evicting it syncs nothing (the flush's fsync counts).
        QVERIFY(!append_one(*written, 1, 2).empty());
        QVERIFY(written->flush().ok());
        synced = DescriptorCache::instance().synced_evictions();
        const std::uint64_t evicted = DescriptorCache::instance().evictions();
        others.clear();
        for (std::size_t i = 0; i < kBudget; ++i) {
            others.push_back(open_log(dir("filler-2-" + std::to_string(i))));
            QVERIFY(others.back());
        }
        QVERIFY(DescriptorCache::instance().evictions() > evicted);
        QCOMPARE(DescriptorCache::instance().synced_evictions(), synced);
        // A power loss keeps everything the flush promised.
        const std::int64_t end = written->log_end_offset();
        QVERIFY(written->discard_unflushed().ok());
        QCOMPARE(written->log_end_offset(), end);
    }

    void brokers_on_several_threads_share_the_budget() {
        const long before = open_descriptors();
        constexpr int kThreads = 3;
        constexpr int kLogsEach = 12;
        std::vector<std::thread> threads;
        std::vector<int> failures(kThreads, 0);
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                std::vector<std::unique_ptr<PartitionLog>> logs;
                std::vector<Bytes> expected(kLogsEach);
                for (int i = 0; i < kLogsEach; ++i) {
                    logs.push_back(
                        open_log(dir("thread-" + std::to_string(t) + "-" + std::to_string(i))));
                    if (!logs.back()) return void(++failures[t]);
                }
                for (int round = 0; round < 20; ++round) {
                    for (int i = 0; i < kLogsEach; ++i) {
                        Bytes stored = append_one(*logs[i], i, round);
                        if (stored.empty()) ++failures[t];
                        expected[i].insert(expected[i].end(), stored.begin(), stored.end());
                    }
                    if (round % 5 == 0) {
                        for (auto& log : logs)
                            if (!log->flush().ok()) ++failures[t];
                    }
                }
                for (int i = 0; i < kLogsEach; ++i)
                    if (read_all(*logs[i]) != expected[i]) ++failures[t];
            });
        }
        for (auto& th : threads)
            th.join();
        for (int t = 0; t < kThreads; ++t)
            QCOMPARE(failures[t], 0);
        QCOMPARE(DescriptorCache::instance().open_files(), std::size_t{0});
        QVERIFY(open_descriptors() <= before);
    }

    void raising_the_limit_reaches_the_hard_limit() {
        struct rlimit rl {};
        QCOMPARE(::getrlimit(RLIMIT_NOFILE, &rl), 0);
        const std::uint64_t limit = raise_descriptor_limit();
        struct rlimit after {};
        QCOMPARE(::getrlimit(RLIMIT_NOFILE, &after), 0);
        QCOMPARE(after.rlim_cur, after.rlim_max);
        QCOMPARE(limit, static_cast<std::uint64_t>(after.rlim_cur));
        QCOMPARE(DescriptorCache::instance().budget(), DescriptorCache::budget_for_limit(limit));
        DescriptorCache::instance().set_budget(kBudget);
    }
};

QTEST_GUILESS_MAIN(DescriptorBudgetTest)
#include "test_descriptor_budget.moc"
