// The partition log on disk: what is appended is read back byte for byte from any offset, across
// segment rolls and restarts; a torn or corrupt tail, a lost or garbage index and a power loss are
// recovered from without losing a batch that was intact (or flushed), and garbage never crashes.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <thread>

#include "protocol/crc32c.h"
#include "protocol/record_batch.h"
#include "storage/partition_log.h"
#include "storage_test_util.h"

using namespace kraftlab::protocol;
using namespace kraftlab::storage;
using namespace kraftlab::protocol::test;
namespace fs = std::filesystem;

namespace {

// What the log should hold: the stored (stamped) bytes of every batch, in order.
struct Expected {
    std::vector<Bytes> batches;

    std::int64_t base(std::size_t i) const { return header_of(batches[i]).base_offset; }
    std::int64_t last(std::size_t i) const { return header_of(batches[i]).last_offset(); }
    std::int64_t end_offset() const { return batches.empty() ? 0 : last(batches.size() - 1) + 1; }
    std::size_t containing(std::int64_t offset) const {
        for (std::size_t i = 0; i < batches.size(); ++i) {
            if (last(i) >= offset) return i;
        }
        return batches.size();
    }
    void keep_below(std::int64_t offset) {
        while (!batches.empty() && last(batches.size() - 1) >= offset)
            batches.pop_back();
    }
};

// Appends batches as leader in one call and records the stamped bytes.
AppendResult append(PartitionLog& log, Expected& expected, const std::vector<Bytes>& batches,
                    std::int32_t epoch = 3) {
    Bytes buffer = concat(batches);
    AppendResult r = log.append_as_leader(buffer, epoch);
    if (r.ok()) {
        std::size_t at = 0;
        for (const Bytes& b : batches) {
            expected.batches.emplace_back(buffer.begin() + at, buffer.begin() + at + b.size());
            at += b.size();
        }
    }
    return r;
}

// Every byte of the log, read front to back in fetches of at most max_bytes.
Bytes read_all(const PartitionLog& log, std::size_t max_bytes = 64 * 1024) {
    Bytes out;
    std::int64_t offset = log.log_start_offset();
    while (offset < log.log_end_offset()) {
        ReadResult r = log.read(offset, max_bytes, log.log_end_offset());
        if (!r.ok() || r.data.empty()) {
            qWarning("read at %lld failed: %s", static_cast<long long>(offset), r.message.c_str());
            return {};
        }
        out.insert(out.end(), r.data.begin(), r.data.end());
        offset = r.next_offset;
    }
    return out;
}

std::vector<fs::path> files_with(const fs::path& dir, const std::string& extension) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().extension() == extension) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

Bytes file_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

Bytes random_bytes(std::mt19937& rng, std::size_t n) {
    Bytes out(n);
    for (auto& b : out)
        b = static_cast<std::uint8_t>(rng());
    return out;
}

std::unique_ptr<PartitionLog> open_log(const fs::path& dir, LogConfig config,
                                       RecoveryReport* report = nullptr) {
    OpenResult r = PartitionLog::open(dir, config);
    if (!r.ok()) qWarning("open failed: %s", r.error.c_str());
    if (report) *report = r.recovery;
    // KRAFTLAB_SHOW_RECOVERY=1 prints what each recovery repaired, to read the words.
    if (std::getenv("KRAFTLAB_SHOW_RECOVERY") && !r.recovery.reason.empty()) {
        qInfo("%s", r.recovery.reason.c_str());
    }
    return std::move(r.log);
}

// Small segments and a small index interval, so that a few hundred KiB exercise rolls and
// multi-entry indexes.
LogConfig small_config() {
    LogConfig c;
    c.segment_bytes = 8 * 1024;
    c.index_interval_bytes = 512;
    c.max_batch_bytes = 64 * 1024;
    return c;
}

// n batches of 1..max_records records with 0..max_value value bytes, timestamps rising by 10 ms
// per batch.
std::vector<Bytes> random_batches(std::mt19937& rng, int n, int max_records = 8,
                                  std::size_t max_value = 120) {
    std::vector<Bytes> out;
    for (int i = 0; i < n; ++i) {
        int records = 1 + static_cast<int>(rng() % max_records);
        std::size_t value = rng() % (max_value + 1);
        out.push_back(
            make_batch(records, 1'000'000 + i * 10, value, 1, static_cast<std::uint8_t>(i)));
    }
    return out;
}

// Fills a log with n random batches appended in groups of 1..4.
void fill(PartitionLog& log, Expected& expected, std::mt19937& rng, int n) {
    auto batches = random_batches(rng, n);
    for (std::size_t i = 0; i < batches.size();) {
        std::size_t group = std::min<std::size_t>(1 + rng() % 4, batches.size() - i);
        std::vector<Bytes> part(batches.begin() + i, batches.begin() + i + group);
        QVERIFY(append(log, expected, part).ok());
        i += group;
    }
}

// The producers' state of a log computed from scratch: every stored batch, in order.
ProducerStateTable scanned_state(const PartitionLog& log) {
    ProducerStateTable t;
    Bytes all = read_all(log);
    BatchIterator it(all);
    while (it.next())
        t.record(it.header());
    return t;
}

RecordBatchHeader producer_header(std::int64_t id, std::int16_t epoch, std::int32_t seq,
                                  std::int32_t records, std::int64_t base_offset = 0) {
    RecordBatchHeader h;
    h.producer_id = id;
    h.producer_epoch = epoch;
    h.base_sequence = seq;
    h.last_offset_delta = records - 1;
    h.records_count = records;
    h.base_offset = base_offset;
    return h;
}

}  // namespace

class StorageTest : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir tmp_;
    int next_dir_ = 0;
    fs::path fresh_dir() {
        return fs::path(tmp_.path().toStdString()) / ("orders-" + std::to_string(next_dir_++));
    }

  private slots:
    void append_and_read_round_trip_across_segment_rolls() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        QVERIFY(log);
        QCOMPARE(log->log_end_offset(), 0);
        std::mt19937 rng(1);
        auto batches = random_batches(rng, 400);
        Expected expected;
        std::int64_t next = 0;
        for (std::size_t i = 0; i < batches.size();) {
            std::size_t group = std::min<std::size_t>(1 + rng() % 5, batches.size() - i);
            std::vector<Bytes> part(batches.begin() + i, batches.begin() + i + group);
            AppendResult r = append(*log, expected, part);
            QVERIFY2(r.ok(), r.message.c_str());
            QCOMPARE(r.first_offset, next);
            QCOMPARE(r.bytes_written, concat(part).size());
            next = expected.end_offset();
            QCOMPARE(r.last_offset, next - 1);
            QCOMPARE(log->log_end_offset(), next);
            i += group;
        }
        QVERIFY(log->segment_count() > 10);
        QCOMPARE(log->size_bytes(), concat(expected.batches).size());
        QCOMPARE(read_all(*log), concat(expected.batches));
        QCOMPARE(read_all(*log, 1), concat(expected.batches));  // one batch per read
        // No segment grew past segment_bytes, and each holds whole batches named by base offset.
        auto logs = files_with(dir, ".log");
        QCOMPARE(static_cast<int>(logs.size()), log->segment_count());
        for (const auto& path : logs) {
            QVERIFY(fs::file_size(path) <= small_config().segment_bytes);
            Bytes bytes = file_bytes(path);
            BatchIterator it(bytes, SIZE_MAX, true);
            bool first = true;
            while (it.next()) {
                if (first) QCOMPARE(segment_stem(it.header().base_offset), path.stem().string());
                first = false;
            }
            QCOMPARE(it.error(), BatchError::None);
            QCOMPARE(it.valid_bytes(), bytes.size());
        }
    }

    void leader_stamps_offsets_and_epoch_outside_the_crc() {
        auto log = open_log(fresh_dir(), small_config());
        Expected expected;
        QVERIFY(append(*log, expected, {make_batch(3, 10, 5)}, 1).ok());
        QVERIFY(append(*log, expected, {make_batch(2, 20, 5), make_batch(4, 30, 5)}, 7).ok());
        ReadResult r = log->read(0, 1 << 20, log->log_end_offset());
        QVERIFY(r.ok());
        BatchIterator it(r.data, SIZE_MAX, true);  // CRCs still hold after stamping
        std::vector<std::pair<std::int64_t, std::int32_t>> seen;
        while (it.next()) {
            seen.emplace_back(it.header().base_offset, it.header().partition_leader_epoch);
        }
        QCOMPARE(it.error(), BatchError::None);
        QCOMPARE(seen,
                 (std::vector<std::pair<std::int64_t, std::int32_t>>{{0, 1}, {3, 7}, {5, 7}}));
        QCOMPARE(log->log_end_offset(), 9);
    }

    void read_from_every_offset_including_mid_batch() {
        auto log = open_log(fresh_dir(), small_config());
        std::mt19937 rng(2);
        Expected expected;
        fill(*log, expected, rng, 80);
        QVERIFY(log->segment_count() > 3);
        const std::int64_t end = log->log_end_offset();
        for (std::int64_t offset = 0; offset < end; ++offset) {
            std::size_t i = expected.containing(offset);
            ReadResult one = log->read(offset, 1, end);  // max_bytes 1: exactly one whole batch
            QVERIFY2(one.ok(), one.message.c_str());
            QCOMPARE(one.data, expected.batches[i]);
            QCOMPARE(one.first_offset, expected.base(i));
            QCOMPARE(one.next_offset, expected.last(i) + 1);
            ReadResult rest = log->read(offset, 1 << 20, end);  // spans the following segments
            QCOMPARE(rest.data, concat(expected.batches, i));
            QCOMPARE(rest.next_offset, end);
        }
        ReadResult at_end = log->read(end, 1 << 20, end);
        QVERIFY(at_end.ok());
        QVERIFY(at_end.data.empty());
        QCOMPARE(at_end.next_offset, end);
    }

    void read_respects_max_bytes_and_max_offset() {
        LogConfig config;  // one segment
        auto log = open_log(fresh_dir(), config);
        Expected expected;
        std::vector<Bytes> batches;
        for (int i = 0; i < 10; ++i)
            batches.push_back(make_batch(3, 100 + i, 50 + i * 10));
        QVERIFY(append(*log, expected, batches).ok());
        const std::int64_t end = log->log_end_offset();
        QCOMPARE(end, 30);
        std::size_t three = concat(expected.batches, 2, 5).size();
        QCOMPARE(log->read(6, three, end).data, concat(expected.batches, 2, 5));
        QCOMPARE(log->read(6, three - 1, end).data, concat(expected.batches, 2, 4));
        QCOMPARE(log->read(7, three, end).data, concat(expected.batches, 2, 5));  // mid-batch
        // max_offset is exclusive, and a batch straddling it is left out whole.
        QCOMPARE(log->read(0, 1 << 20, 15).data, concat(expected.batches, 0, 5));
        QCOMPARE(log->read(0, 1 << 20, 16).data, concat(expected.batches, 0, 5));
        QCOMPARE(log->read(0, 1 << 20, 18).data, concat(expected.batches, 0, 6));
        QCOMPARE(log->read(4, 1 << 20, 18).next_offset, 18);
        ReadResult below_hw = log->read(15, 1 << 20, 15);  // a consumer at the high watermark
        QVERIFY(below_hw.ok());
        QVERIFY(below_hw.data.empty());
        QCOMPARE(log->read(16, 1 << 20, 17).data.size(), 0u);  // batch 15..17 is not below 17

        // The same bounds across segment boundaries.
        auto small = open_log(fresh_dir(), small_config());
        std::mt19937 rng(3);
        Expected ex2;
        fill(*small, ex2, rng, 60);
        for (std::int64_t max_offset = 0; max_offset <= small->log_end_offset(); max_offset += 7) {
            std::size_t below = 0;
            while (below < ex2.batches.size() && ex2.last(below) < max_offset)
                ++below;
            QCOMPARE(small->read(0, 1 << 20, max_offset).data, concat(ex2.batches, 0, below));
        }
    }

    void oversized_first_batch_comes_whole() {
        auto log = open_log(fresh_dir(), small_config());
        Expected expected;
        QVERIFY(append(*log, expected,
                       {make_batch(5, 1, 2000), make_batch(1, 2, 10), make_batch(1, 3, 10)})
                    .ok());
        QVERIFY(expected.batches[0].size() > 10'000);
        for (std::int64_t offset : {0, 2, 4}) {
            ReadResult r = log->read(offset, 100, log->log_end_offset());
            QVERIFY(r.ok());
            QCOMPARE(r.data, expected.batches[0]);  // whole, and nothing after it
        }
        // Later batches are held to max_bytes: only the first may exceed it.
        QCOMPARE(log->read(5, expected.batches[1].size() + 1, 7).data, expected.batches[1]);
    }

    void batch_larger_than_a_segment_gets_a_segment_of_its_own() {
        auto log = open_log(fresh_dir(), small_config());  // 8 KiB segments
        Expected expected;
        QVERIFY(append(*log, expected, {make_batch(1, 1, 100)}).ok());
        QVERIFY(append(*log, expected, {make_batch(10, 2, 2000), make_batch(1, 3, 100)}).ok());
        QCOMPARE(log->segment_count(), 3);
        QCOMPARE(read_all(*log), concat(expected.batches));
    }

    void offset_out_of_range() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        ReadResult empty = log->read(0, 100, 0);
        QVERIFY(empty.ok());
        QVERIFY(empty.data.empty());
        QCOMPARE(log->read(1, 100, 1).error, ErrorCode::OFFSET_OUT_OF_RANGE);
        Expected expected;
        QVERIFY(append(*log, expected, {make_batch(4, 1, 10)}).ok());
        QCOMPARE(log->read(-1, 100, 4).error, ErrorCode::OFFSET_OUT_OF_RANGE);
        QCOMPARE(log->read(5, 100, 4).error, ErrorCode::OFFSET_OUT_OF_RANGE);
        QVERIFY(log->read(4, 100, 4).ok());

        // A log whose first segment starts at 1000 (older segments deleted by retention).
        log.reset();
        fs::path later = fresh_dir();
        fs::create_directories(later);
        Bytes segment;
        for (std::int64_t base : {1000, 1003}) {
            Bytes b = make_batch(3, base, 10);
            stamp_batch(b, base, 1);
            segment.insert(segment.end(), b.begin(), b.end());
        }
        write_file(later / "00000000000000001000.log", segment);
        RecoveryReport report;
        log = open_log(later, small_config(), &report);
        QVERIFY(log);
        QCOMPARE(report.truncated_bytes, 0u);
        QCOMPARE(log->log_start_offset(), 1000);
        QCOMPARE(log->log_end_offset(), 1006);
        QCOMPARE(log->read(999, 100, 1006).error, ErrorCode::OFFSET_OUT_OF_RANGE);
        QCOMPARE(log->read(1004, 1 << 20, 1006).data,
                 Bytes(segment.begin() + segment.size() / 2, segment.end()));
        QVERIFY(append(*log, expected, {make_batch(1, 5, 5)}).ok());
        QCOMPARE(log->log_end_offset(), 1007);
    }

    void restart_keeps_every_byte_and_the_log_end_offset() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        std::mt19937 rng(4);
        Expected expected;
        fill(*log, expected, rng, 150);
        const int segments = log->segment_count();
        std::map<fs::path, Bytes> indexes;
        for (const auto& p : files_with(dir, ".index"))
            indexes[p] = file_bytes(p);
        QVERIFY(log->close().ok());
        QVERIFY(log->offline());
        QCOMPARE(log->read(0, 10, 10).error, ErrorCode::KAFKA_STORAGE_ERROR);  // closed
        log.reset();

        RecoveryReport report;
        log = open_log(dir, small_config(), &report);
        QVERIFY(log);
        QVERIFY2(report.clean(), report.reason.c_str());
        QCOMPARE(report.truncated_bytes, 0u);
        QCOMPARE(report.truncated_batches, 0);
        QCOMPARE(report.indexes_rebuilt, 0);
        QCOMPARE(report.segments, segments);
        QCOMPARE(report.log_end_offset, expected.end_offset());
        QCOMPARE(log->log_end_offset(), expected.end_offset());
        QCOMPARE(log->flushed_offset(), expected.end_offset());
        QCOMPARE(read_all(*log), concat(expected.batches));
        for (const auto& [path, bytes] : indexes)
            QCOMPARE(file_bytes(path), bytes);

        // A process crash (no close, no flush): the OS keeps what was written.
        fill(*log, expected, rng, 40);
        log.reset();
        log = open_log(dir, small_config(), &report);
        QVERIFY2(report.clean(), report.reason.c_str());
        QCOMPARE(read_all(*log), concat(expected.batches));
        AppendResult more = append(*log, expected, {make_batch(2, 1, 1)});
        QCOMPARE(more.first_offset, report.log_end_offset);
    }

    void torn_tail_is_cut_at_the_last_whole_batch() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        std::mt19937 rng(5);
        Expected expected;
        fill(*log, expected, rng, 60);
        QVERIFY(append(*log, expected, {make_batch(6, 7, 300)}).ok());
        log.reset();  // crash
        const fs::path tail = files_with(dir, ".log").back();
        const std::size_t last = expected.batches.size() - 1;
        const std::uint64_t full = fs::file_size(tail);
        const std::uint64_t torn_at = full - expected.batches[last].size() / 2;
        fs::resize_file(tail, torn_at);

        RecoveryReport report;
        log = open_log(dir, small_config(), &report);
        QVERIFY(log);
        QCOMPARE(report.truncated_batches, 1);
        QCOMPARE(report.truncated_bytes, torn_at - (full - expected.batches[last].size()));
        const std::string want = "truncated 1 torn batch (" +
                                 std::to_string(report.truncated_bytes) + " bytes) at offset " +
                                 std::to_string(expected.base(last)) + " of segment " +
                                 tail.filename().string() + ": the batch is cut short";
        QCOMPARE(report.reason, want);
        QCOMPARE(report.indexes_rebuilt, 0);
        QCOMPARE(log->log_end_offset(), expected.base(last));
        expected.batches.pop_back();
        QCOMPARE(read_all(*log), concat(expected.batches));

        // Appends continue from the cut, and the next restart is clean.
        AppendResult r = append(*log, expected, {make_batch(2, 9, 9)});
        QCOMPARE(r.first_offset, expected.base(last));
        log.reset();
        // A write torn inside the header (5 bytes of the next batch made it).
        {
            std::ofstream out(files_with(dir, ".log").back(), std::ios::binary | std::ios::app);
            out.write("\0\0\0\0\0", 5);
        }
        log = open_log(dir, small_config(), &report);
        QCOMPARE(report.truncated_batches, 1);
        QCOMPARE(report.truncated_bytes, 5u);
        QVERIFY(report.reason.find("torn") != std::string::npos);
        QCOMPARE(read_all(*log), concat(expected.batches));
        log.reset();
        log = open_log(dir, small_config(), &report);
        QVERIFY2(report.clean(), report.reason.c_str());
    }

    void corrupt_batch_in_the_tail_drops_it_and_everything_after() {
        fs::path dir = fresh_dir();
        LogConfig config = small_config();
        config.segment_bytes = 64 * 1024;
        auto log = open_log(dir, config);
        std::mt19937 rng(6);
        Expected expected;
        fill(*log, expected, rng, 300);
        log.reset();
        // Batches of the tail segment and where they start.
        const fs::path tail = files_with(dir, ".log").back();
        const std::int64_t tail_base = std::stoll(tail.stem().string());
        std::vector<std::size_t> in_tail;
        for (std::size_t i = 0; i < expected.batches.size(); ++i) {
            if (expected.base(i) >= tail_base) in_tail.push_back(i);
        }
        QVERIFY(in_tail.size() >= 10);
        const std::size_t k = in_tail[in_tail.size() / 2];
        std::uint64_t position = 0;
        for (std::size_t i = in_tail.front(); i < k; ++i)
            position += expected.batches[i].size();
        const std::uint64_t flip_at = position + kRecordBatchHeaderBytes +
                                      (expected.batches[k].size() - kRecordBatchHeaderBytes) / 2;
        Bytes bytes = file_bytes(tail);
        bytes[flip_at] ^= 0x40;
        write_file(tail, bytes);

        RecoveryReport report;
        log = open_log(dir, config, &report);
        QVERIFY(log);
        QCOMPARE(report.truncated_batches, static_cast<int>(expected.batches.size() - k));
        QCOMPARE(report.truncated_bytes, bytes.size() - position);
        QVERIFY2(report.reason.find("CRC-32C") != std::string::npos, report.reason.c_str());
        QVERIFY(report.reason.find("offset " + std::to_string(expected.base(k))) !=
                std::string::npos);
        QCOMPARE(log->log_end_offset(), expected.base(k));
        expected.batches.resize(k);
        QCOMPARE(read_all(*log), concat(expected.batches));
        QVERIFY(append(*log, expected, {make_batch(1, 1, 1)}).ok());
        QCOMPARE(read_all(*log), concat(expected.batches));
    }

    void corrupt_sealed_segment_ends_the_log_there() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        std::mt19937 rng(14);
        Expected expected;
        fill(*log, expected, rng, 100);
        log.reset();
        auto logs = files_with(dir, ".log");
        QVERIFY(logs.size() >= 5);
        // The last batch of the second segment, and a garbage index there too, so that the
        // segment is scanned in full.
        const std::int64_t base = std::stoll(logs[1].stem().string());
        const std::int64_t next_base = std::stoll(logs[2].stem().string());
        std::size_t k = expected.containing(next_base - 1);
        Bytes bytes = file_bytes(logs[1]);
        const std::size_t position = bytes.size() - expected.batches[k].size();
        bytes[position + kRecordBatchHeaderBytes] ^= 0x01;
        write_file(logs[1], bytes);
        write_file(files_with(dir, ".index")[1], random_bytes(rng, 40));

        RecoveryReport report;
        log = open_log(dir, small_config(), &report);
        QVERIFY(log);
        QCOMPARE(log->log_end_offset(), expected.base(k));
        QCOMPARE(log->segment_count(), 2);
        QCOMPARE(report.indexes_rebuilt, 1);
        const std::string cut =
            "truncated 1 corrupt batch (" + std::to_string(expected.batches[k].size()) +
            " bytes) at offset " + std::to_string(expected.base(k)) + " of segment " +
            logs[1].filename().string() + ": the batch fails its CRC-32C check, so deleted " +
            std::to_string(logs.size() - 2) + " later segments";
        QVERIFY2(report.reason.starts_with(cut), report.reason.c_str());
        QVERIFY(report.reason.find("; rebuilt the index of segment " + segment_stem(base)) !=
                std::string::npos);
        expected.keep_below(expected.base(k));
        QCOMPARE(read_all(*log), concat(expected.batches));
    }

    // Recovery trusts a sealed segment with a good index and scans only past its last entry, so
    // a flipped record byte before it is found by the read that returns the batch: the log goes
    // offline naming the segment, instead of handing the damage to a consumer or a follower.
    void damage_in_a_sealed_segment_is_found_on_read() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        std::mt19937 rng(15);
        Expected expected;
        fill(*log, expected, rng, 100);
        log.reset();
        const auto logs = files_with(dir, ".log");
        QVERIFY(logs.size() >= 3);
        Bytes bytes = file_bytes(logs[0]);
        bytes[kRecordBatchHeaderBytes] ^= 0x01;  // the first record of the first batch
        write_file(logs[0], bytes);

        RecoveryReport report;
        log = open_log(dir, small_config(), &report);
        QVERIFY(log);
        QVERIFY2(report.clean(), report.reason.c_str());
        auto r = log->read(0, 1 << 20, log->log_end_offset());
        QCOMPARE(r.error, ErrorCode::KAFKA_STORAGE_ERROR);
        QVERIFY(log->offline());
        const std::string want =
            "segment " + logs[0].filename().string() + " is damaged at byte 0 (offset 0)";
        QVERIFY2(r.message.starts_with(want) && r.message.find("CRC-32C") != std::string::npos,
                 r.message.c_str());
        // Offsets in a later, intact segment still fail: the log is offline as a whole.
        QCOMPARE(
            log->read(expected.base(expected.batches.size() - 1), 1 << 20, log->log_end_offset())
                .error,
            ErrorCode::KAFKA_STORAGE_ERROR);
    }

    void damage_found_while_rebuilding_producers_leaves_the_log_online() {
        // Without a snapshot the producers' state is read from the log's start; damage in a
        // sealed segment stops that read (and says so) but is found by reads, as before.
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        Expected expected;
        for (int i = 0; i < 200; ++i)
            QVERIFY(append(*log, expected, {make_producer_batch(3, 4, 0, i * 3)}).ok());
        log.reset();
        for (const auto& f : files_with(dir, ".snapshot"))
            fs::remove(f);
        const auto logs = files_with(dir, ".log");
        QVERIFY(logs.size() >= 3);
        Bytes bytes = file_bytes(logs[0]);
        bytes[kRecordBatchHeaderBytes] ^= 0x01;
        write_file(logs[0], bytes);
        RecoveryReport report;
        log = open_log(dir, small_config(), &report);
        QVERIFY(log);
        QVERIFY(!log->offline());
        QVERIFY2(
            report.reason.find("producers' state read only up to offset 0") != std::string::npos,
            report.reason.c_str());
        QVERIFY(log->producer_state().producers().empty());
        QCOMPARE(log->read(0, 1 << 20, log->log_end_offset()).error,
                 ErrorCode::KAFKA_STORAGE_ERROR);
    }

    void garbage_or_missing_indexes_are_rebuilt() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        std::mt19937 rng(7);
        Expected expected;
        fill(*log, expected, rng, 120);
        QVERIFY(log->close().ok());
        log.reset();
        auto indexes = files_with(dir, ".index");
        QVERIFY(indexes.size() >= 5);
        std::vector<Bytes> originals;
        for (const auto& p : indexes)
            originals.push_back(file_bytes(p));
        QVERIFY(originals[2].size() >= 2 * kIndexEntryBytes);

        write_file(indexes[0], random_bytes(rng, 100));  // not a multiple of 16
        fs::remove(indexes[1]);                          // missing
        Bytes swapped = originals[2];                    // entries out of order
        std::swap_ranges(swapped.begin(), swapped.begin() + kIndexEntryBytes,
                         swapped.begin() + kIndexEntryBytes);
        write_file(indexes[2], swapped);
        {
            // Ordered, but the last entry points past the end of the segment.
            Bytes past_end = originals[3];
            Reader last(ByteView(past_end).last(kIndexEntryBytes));
            std::uint32_t relative_offset = last.u32();
            last.u32();
            std::int64_t max_timestamp_ms = last.i64();
            Writer w(past_end);
            w.u32(relative_offset + 1);
            w.u32(static_cast<std::uint32_t>(fs::file_size(files_with(dir, ".log")[3]) + 10));
            w.i64(max_timestamp_ms);
            write_file(indexes[3], past_end);
        }
        write_file(indexes.back(), random_bytes(rng, 64));  // the tail's

        RecoveryReport report;
        log = open_log(dir, small_config(), &report);
        QVERIFY(log);
        QCOMPARE(report.indexes_rebuilt, 5);
        QCOMPARE(report.truncated_bytes, 0u);
        QVERIFY(report.reason.find("rebuilt the index of segment " + indexes[1].stem().string() +
                                   ".log: it is missing") != std::string::npos);
        // Rebuilt by the same rule appends use: identical files.
        for (std::size_t i = 0; i < indexes.size(); ++i) {
            QCOMPARE(file_bytes(indexes[i]), originals[i]);
        }
        QCOMPARE(read_all(*log), concat(expected.batches));
        for (std::int64_t offset = 0; offset < log->log_end_offset(); offset += 3) {
            QCOMPARE(log->read(offset, 1, log->log_end_offset()).data,
                     expected.batches[expected.containing(offset)]);
        }
        auto found = log->find_batch_for_timestamp(1'000'000 + 55 * 10);
        QVERIFY(found.ok() && found.found);
        QCOMPARE(found.found->batch, expected.batches[55]);
    }

    void timestamp_lookup_finds_the_first_batch_reaching_it() {
        auto log = open_log(fresh_dir(), small_config());
        Expected expected;
        std::mt19937 rng(8);
        std::vector<Bytes> batches;
        for (int i = 0; i < 200; ++i) {
            // Rising timestamps, with every seventh batch from a late producer (older times).
            std::int64_t ts = i % 7 == 6 ? 10'000 + i * 10 - 300 : 10'000 + i * 10;
            batches.push_back(make_batch(1 + static_cast<int>(rng() % 4), ts, rng() % 100, 2,
                                         static_cast<std::uint8_t>(i)));
        }
        for (const Bytes& b : batches)
            QVERIFY(append(*log, expected, {b}).ok());
        QVERIFY(log->segment_count() > 3);
        std::int64_t max_ts = 0;
        for (const Bytes& b : expected.batches)
            max_ts = std::max(max_ts, header_of(b).max_timestamp);
        for (std::int64_t ts = 9'000; ts <= max_ts + 20; ts += 3) {
            std::optional<std::size_t> want;
            for (std::size_t i = 0; i < expected.batches.size() && !want; ++i) {
                if (header_of(expected.batches[i]).max_timestamp >= ts) want = i;
            }
            TimestampResult r = log->find_batch_for_timestamp(ts);
            QVERIFY(r.ok());
            QCOMPARE(r.found.has_value(), want.has_value());
            if (want) {
                QCOMPARE(r.found->base_offset, expected.base(*want));
                QCOMPARE(r.found->batch, expected.batches[*want]);
            }
        }
    }

    void truncate_to_batch_boundaries_and_mid_batch_then_append_again() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        std::mt19937 rng(9);
        Expected expected;
        fill(*log, expected, rng, 150);
        const int segments = log->segment_count();
        QVERIFY(segments > 6);

        // No-op above the end.
        QVERIFY(log->truncate_to(log->log_end_offset() + 5).ok());
        QCOMPARE(log->log_end_offset(), expected.end_offset());

        // At a batch boundary inside a segment.
        std::size_t k = expected.batches.size() - 20;
        QVERIFY(log->truncate_to(expected.base(k)).ok());
        expected.keep_below(expected.base(k));
        QCOMPARE(log->log_end_offset(), expected.end_offset());
        QCOMPARE(read_all(*log), concat(expected.batches));

        // Mid-batch: the whole batch goes.
        std::size_t j = expected.batches.size() - 10;
        while (expected.last(j) == expected.base(j))
            --j;
        QVERIFY(log->truncate_to(expected.base(j) + 1).ok());
        QCOMPARE(log->log_end_offset(), expected.base(j));
        expected.keep_below(expected.base(j) + 1);
        QCOMPARE(read_all(*log), concat(expected.batches));

        // Exactly at a segment's base: that segment goes too.
        auto logs = files_with(dir, ".log");
        const std::int64_t segment_base = std::stoll(logs[logs.size() - 2].stem().string());
        QVERIFY(log->truncate_to(segment_base).ok());
        expected.keep_below(segment_base);
        QCOMPARE(log->log_end_offset(), segment_base);
        QCOMPARE(log->segment_count(), static_cast<int>(logs.size()) - 2);
        QCOMPARE(static_cast<int>(files_with(dir, ".log").size()), log->segment_count());
        QCOMPARE(read_all(*log), concat(expected.batches));
        auto found = log->find_batch_for_timestamp(INT64_MAX);
        QVERIFY(found.ok() && !found.found);

        // Appending again continues at the new end; a restart agrees.
        AppendResult r = append(*log, expected, random_batches(rng, 30));
        QVERIFY(r.ok());
        QCOMPARE(r.first_offset, segment_base);
        log.reset();
        RecoveryReport report;
        log = open_log(dir, small_config(), &report);
        QVERIFY2(report.clean(), report.reason.c_str());
        QCOMPARE(read_all(*log), concat(expected.batches));

        // Down to nothing.
        QVERIFY(log->truncate_to(0).ok());
        QCOMPARE(log->log_end_offset(), 0);
        QCOMPARE(log->segment_count(), 1);
        QCOMPARE(log->size_bytes(), 0u);
        expected.batches.clear();
        QVERIFY(append(*log, expected, {make_batch(2, 1, 1)}).ok());
        QCOMPARE(read_all(*log), concat(expected.batches));
    }

    void discard_unflushed_models_a_power_loss() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        QCOMPARE(log->flushed_offset(), 0);
        std::mt19937 rng(10);
        Expected expected;
        fill(*log, expected, rng, 50);
        QVERIFY(log->flush().ok());
        QCOMPARE(log->flushed_offset(), expected.end_offset());
        const Expected flushed = expected;
        const int segments = log->segment_count();
        const auto files = files_with(dir, ".log");

        fill(*log, expected, rng, 60);  // several rolls past the flush
        QVERIFY(log->segment_count() > segments);
        QCOMPARE(log->flushed_offset(), flushed.end_offset());
        QVERIFY(log->discard_unflushed().ok());
        QCOMPARE(log->log_end_offset(), flushed.end_offset());
        QCOMPARE(log->segment_count(), segments);
        QCOMPARE(files_with(dir, ".log"), files);
        QCOMPARE(read_all(*log), concat(flushed.batches));
        QVERIFY(log->discard_unflushed().ok());  // nothing more to lose
        QCOMPARE(log->log_end_offset(), flushed.end_offset());

        expected = flushed;
        AppendResult r = append(*log, expected, random_batches(rng, 5));
        QCOMPARE(r.first_offset, flushed.end_offset());
        log.reset();
        RecoveryReport report;
        log = open_log(dir, small_config(), &report);
        QVERIFY2(report.clean(), report.reason.c_str());
        QCOMPARE(read_all(*log), concat(expected.batches));
    }

    // The broker's flusher: prepare on the owner's thread, fsync on another, finish on the owner.
    void flush_in_two_halves_counts_only_what_was_prepared() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        std::mt19937 rng(12);
        Expected expected;
        fill(*log, expected, rng, 40);
        PartitionLog::FlushJob job;
        QVERIFY(log->prepare_flush(job).ok());
        QVERIFY(!job.empty());
        const Expected prepared = expected;
        // Appends go on while the fsyncs run (here on a thread of their own), rolling segments.
        const int segments = log->segment_count();
        IoStatus synced{"not run"};
        std::thread flusher([&job, &synced] { synced = job.run(); });
        fill(*log, expected, rng, 40);
        flusher.join();
        QVERIFY2(synced.ok(), synced.error.c_str());
        QVERIFY(log->segment_count() > segments);
        QCOMPARE(log->flushed_offset(), 0);  // nothing counts before finish_flush()
        QVERIFY(log->finish_flush(job).ok());
        QCOMPARE(log->flushed_offset(), prepared.end_offset());
        // A power loss now keeps exactly what the job had prepared.
        QVERIFY(log->discard_unflushed().ok());
        QCOMPARE(log->log_end_offset(), prepared.end_offset());
        QCOMPARE(read_all(*log), concat(prepared.batches));
        expected = prepared;

        // A job whose log was cut meanwhile counts for nothing: the cut is the newer truth.
        fill(*log, expected, rng, 20);
        QVERIFY(log->prepare_flush(job).ok());
        QVERIFY(job.run().ok());
        QVERIFY(log->truncate_to(prepared.end_offset()).ok());
        QVERIFY(log->finish_flush(job).ok());
        QCOMPARE(log->flushed_offset(), prepared.end_offset());
        QCOMPARE(log->log_end_offset(), prepared.end_offset());

        // A job that never ran, or that another log prepared, changes nothing.
        expected = prepared;
        fill(*log, expected, rng, 5);
        QVERIFY(log->prepare_flush(job).ok());
        QVERIFY(log->finish_flush(job).ok());
        QCOMPARE(log->flushed_offset(), prepared.end_offset());
        auto other = open_log(fresh_dir(), small_config());
        Expected other_expected;
        fill(*other, other_expected, rng, 5);
        PartitionLog::FlushJob foreign;
        QVERIFY(other->prepare_flush(foreign).ok());
        QVERIFY(foreign.run().ok());
        QVERIFY(log->finish_flush(foreign).ok());
        QCOMPARE(log->flushed_offset(), prepared.end_offset());
        // Nothing dirty: an empty job.
        QVERIFY(log->flush().ok());
        QVERIFY(log->prepare_flush(job).ok());
        QVERIFY(job.empty());
    }

    void follower_append_keeps_offsets_and_checks_continuity() {
        auto leader = open_log(fresh_dir(), small_config());
        auto follower = open_log(fresh_dir(), small_config());
        std::mt19937 rng(11);
        Expected expected;
        fill(*leader, expected, rng, 40);
        // Replicate in fetches of ~2 KiB, as a follower would.
        while (follower->log_end_offset() < leader->log_end_offset()) {
            ReadResult fetched =
                leader->read(follower->log_end_offset(), 2048, leader->log_end_offset());
            QVERIFY(fetched.ok());
            AppendResult r = follower->append_replicated(fetched.data);
            QVERIFY2(r.ok(), r.message.c_str());
            QCOMPARE(r.first_offset, fetched.first_offset);
        }
        QCOMPARE(read_all(*follower), read_all(*leader));  // epochs and offsets as the leader's

        const std::int64_t end = follower->log_end_offset();
        const std::uint64_t size = follower->size_bytes();
        // The same data again does not start at LEO.
        ReadResult again = leader->read(0, 4096, leader->log_end_offset());
        AppendResult stale = follower->append_replicated(again.data);
        QCOMPARE(stale.error, ErrorCode::OFFSET_OUT_OF_RANGE);
        // A gap inside one append: nothing is written, not even the batch that fits.
        QVERIFY(append(*leader, expected,
                       {make_batch(2, 1, 1), make_batch(2, 1, 1), make_batch(2, 1, 1)})
                    .ok());
        std::size_t n = expected.batches.size();
        Bytes gap = concat({expected.batches[n - 3], expected.batches[n - 1]});
        QCOMPARE(follower->append_replicated(gap).error, ErrorCode::OFFSET_OUT_OF_RANGE);
        QCOMPARE(follower->append_replicated({}).error, ErrorCode::CORRUPT_MESSAGE);
        QCOMPARE(follower->log_end_offset(), end);
        QCOMPARE(follower->size_bytes(), size);
    }

    void malformed_or_oversized_append_writes_nothing() {
        auto log = open_log(fresh_dir(), small_config());
        Expected expected;
        QVERIFY(append(*log, expected, {make_batch(1, 1, 1)}).ok());
        Bytes good = make_batch(2, 1, 10);
        Bytes cut = make_batch(2, 1, 10);
        cut.resize(cut.size() - 3);
        Bytes buffer = concat({good, cut});
        AppendResult r = log->append_as_leader(buffer, 5);
        QCOMPARE(r.error, ErrorCode::CORRUPT_MESSAGE);
        QCOMPARE(header_of(buffer).partition_leader_epoch, -1);  // not even stamped
        Bytes huge = make_batch(40, 1, 2000);                    // > max_batch_bytes (64 KiB)
        QCOMPARE(log->append_as_leader(huge, 5).error, ErrorCode::MESSAGE_TOO_LARGE);
        Bytes v1 = make_batch(1, 1, 1);
        v1[16] = 1;
        QCOMPARE(log->append_as_leader(v1, 5).error, ErrorCode::CORRUPT_MESSAGE);
        QCOMPARE(log->log_end_offset(), 1);
        QCOMPARE(read_all(*log), concat(expected.batches));
    }

    void missing_middle_segment_ends_the_log_at_the_gap() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        std::mt19937 rng(12);
        Expected expected;
        fill(*log, expected, rng, 100);
        log.reset();
        auto logs = files_with(dir, ".log");
        QVERIFY(logs.size() >= 5);
        fs::remove(logs[2]);
        const std::int64_t gap_at = std::stoll(logs[2].stem().string());
        RecoveryReport report;
        log = open_log(dir, small_config(), &report);
        QVERIFY(log);
        QCOMPARE(log->log_end_offset(), gap_at);
        QCOMPARE(log->segment_count(), 2);
        QVERIFY2(
            report.reason.find("ends at offset " + std::to_string(gap_at)) != std::string::npos,
            report.reason.c_str());
        QVERIFY(report.reason.find("deleted " + std::to_string(logs.size() - 3) +
                                   " later segments") != std::string::npos);
        expected.keep_below(gap_at);
        QCOMPARE(read_all(*log), concat(expected.batches));
        QCOMPARE(files_with(dir, ".log").size(), 2u);
    }

    void garbage_files_never_crash_open() {
        std::mt19937 rng(13);
        // Random bytes as the only segment, a garbage index, stray files of every kind.
        fs::path dir = fresh_dir();
        fs::create_directories(dir / "00000000000000000077.log");  // a directory
        write_file(dir / "00000000000000000000.log", random_bytes(rng, 10'000));
        write_file(dir / "00000000000000000000.index", random_bytes(rng, 100));
        write_file(dir / "00000000000000000042.index", random_bytes(rng, 32));  // orphan
        write_file(dir / "leader-epoch-checkpoint", {'0', '\n'});
        write_file(dir / "-0000000000000000001.log", random_bytes(rng, 10));
        RecoveryReport report;
        auto log = open_log(dir, small_config(), &report);
        QVERIFY(log);
        QCOMPARE(log->log_end_offset(), 0);
        QCOMPARE(report.truncated_bytes, 10'000u);
        QVERIFY(!report.clean());
        QVERIFY(!fs::exists(dir / "00000000000000000042.index"));
        QVERIFY(fs::exists(dir / "leader-epoch-checkpoint"));
        Expected expected;
        QVERIFY(append(*log, expected, {make_batch(3, 1, 1)}).ok());
        QCOMPARE(read_all(*log), concat(expected.batches));

        // A valid log followed by random segment files and random tails, many shapes: open
        // always succeeds and keeps a readable, valid prefix of the good data.
        for (int round = 0; round < 40; ++round) {
            fs::path d = fresh_dir();
            auto good = open_log(d, small_config());
            Expected ex;
            fill(*good, ex, rng, 20);
            good.reset();
            auto logs = files_with(d, ".log");
            switch (round % 4) {
                case 0:  // random bytes appended to the tail
                {
                    std::ofstream out(logs.back(), std::ios::binary | std::ios::app);
                    Bytes junk = random_bytes(rng, rng() % 3000);
                    out.write(reinterpret_cast<const char*>(junk.data()),
                              static_cast<std::streamsize>(junk.size()));
                } break;
                case 1:  // a random file as a later segment
                    write_file(d / (segment_stem(ex.end_offset() + rng() % 3) + ".log"),
                               random_bytes(rng, rng() % 5000));
                    break;
                case 2:  // the tail replaced by random bytes
                    write_file(logs.back(), random_bytes(rng, rng() % 9000));
                    break;
                case 3:  // a zero-length tail and random index files
                    write_file(d / (segment_stem(ex.end_offset()) + ".log"), {});
                    for (const auto& p : files_with(d, ".index")) {
                        write_file(p, random_bytes(rng, rng() % 200));
                    }
                    break;
            }
            RecoveryReport r;
            auto reopened = open_log(d, small_config(), &r);
            QVERIFY(reopened);
            Bytes all = read_all(*reopened);
            Bytes want = concat(ex.batches);
            QVERIFY(all.size() <= want.size());
            QVERIFY(std::equal(all.begin(), all.end(), want.begin()));
            QVERIFY(append(*reopened, ex, {make_batch(1, 1, 1)}).ok());
        }
    }

    void open_reports_bad_config_and_unusable_directories() {
        LogConfig bad = small_config();
        bad.segment_bytes = 10;
        OpenResult r = PartitionLog::open(fresh_dir(), bad);
        QVERIFY(!r.ok());
        QVERIFY(!r.error.empty());
        fs::path file = fresh_dir();
        write_file(file, {1, 2, 3});
        r = PartitionLog::open(file, small_config());
        QVERIFY(!r.ok());
        QVERIFY2(r.error.find("as a partition directory") != std::string::npos, r.error.c_str());
    }

    // --- idempotent producers (storage/producer_state.h) ----------------------------------------

    void producer_state_follows_kafkas_rules() {
        using Kind = ProducerCheck::Kind;
        ProducerStateTable t;
        // Unknown here: any sequence starts it (Kafka 3.x, KIP-360).
        QCOMPARE(t.check(producer_header(7, 0, 42, 1)).kind, Kind::Append);
        QCOMPARE(t.check(producer_header(-1, -1, -1, 1)).kind, Kind::Append);  // not idempotent
        QCOMPARE(t.check(producer_header(7, 0, -1, 1)).error, ErrorCode::INVALID_RECORD);
        std::int64_t offset = 0;
        std::int32_t seq = 0;
        for (int i = 0; i < 7; ++i) {  // seven batches of 3 records: seq 0-2, 3-5, ... 18-20
            auto h = producer_header(7, 0, seq, 3, offset);
            QCOMPARE(t.check(h).kind, Kind::Append);
            t.record(h);
            offset += 3;
            seq += 3;
        }
        QCOMPARE(t.find(7)->batches.size(), ProducerStateTable::kBatchesRetained);
        // A retry of each of the last five: a duplicate, with its original offsets.
        for (int i = 2; i < 7; ++i) {
            auto c = t.check(producer_header(7, 0, i * 3, 3));
            QCOMPARE(c.kind, Kind::Duplicate);
            QCOMPARE(c.duplicate.first_offset, std::int64_t(i * 3));
            QCOMPARE(c.duplicate.last_offset, std::int64_t(i * 3 + 2));
        }
        // Older than the last five, a gap, or a different range: out of order.
        QCOMPARE(t.check(producer_header(7, 0, 3, 3)).error,
                 ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
        QCOMPARE(t.check(producer_header(7, 0, 22, 1)).error,
                 ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
        QCOMPARE(t.check(producer_header(7, 0, 18, 2)).error,
                 ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
        QCOMPARE(t.check(producer_header(7, 0, 21, 5)).kind, Kind::Append);
        // A newer epoch starts at 0; an older one is fenced.
        QCOMPARE(t.check(producer_header(7, 1, 21, 1)).error,
                 ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
        auto bumped = producer_header(7, 1, 0, 1, offset);
        QCOMPARE(t.check(bumped).kind, Kind::Append);
        t.record(bumped);
        QCOMPARE(t.find(7)->batches.size(), std::size_t(1));
        QCOMPARE(t.check(producer_header(7, 0, 21, 1)).error, ErrorCode::INVALID_PRODUCER_EPOCH);
        QCOMPARE(t.check(producer_header(7, 0, 18, 3)).error, ErrorCode::INVALID_PRODUCER_EPOCH);
        // An append of several batches: each checked as the earlier ones leave the table.
        QCOMPARE(t.check_append({producer_header(7, 1, 1, 2), producer_header(7, 1, 3, 1)}).kind,
                 Kind::Append);
        QCOMPARE(t.check_append({producer_header(7, 1, 1, 2), producer_header(7, 1, 4, 1)}).error,
                 ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
        QCOMPARE(t.check_append({producer_header(9, 0, 0, 1), producer_header(7, 1, 0, 1)}).kind,
                 Kind::Duplicate);
    }

    void producer_sequences_wrap_at_int32_max() {
        constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
        QCOMPARE(ProducerStateTable::last_sequence(kMax - 1, 3), 1);
        QCOMPARE(ProducerStateTable::last_sequence(kMax, 0), kMax);
        QCOMPARE(ProducerStateTable::last_sequence(5, 2), 7);
        QVERIFY(ProducerStateTable::in_sequence(kMax, 0));
        QVERIFY(!ProducerStateTable::in_sequence(kMax - 1, 0));
        QVERIFY(ProducerStateTable::in_sequence(4, 5));
        ProducerStateTable t;
        auto h = producer_header(3, 2, kMax - 1, 3, 100);  // kMax-1, kMax, 0
        t.record(h);
        QCOMPARE(t.find(3)->last_seq(), 0);
        QCOMPARE(t.check(producer_header(3, 2, 1, 1)).kind, ProducerCheck::Kind::Append);
        QCOMPARE(t.check(producer_header(3, 2, kMax - 1, 3)).kind, ProducerCheck::Kind::Duplicate);
        QCOMPARE(t.check(producer_header(3, 2, 0, 1)).error,
                 ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
    }

    void producer_state_memory_is_bounded() {
        // Batches from ever new producer ids: the table keeps the most recent kMaxProducers.
        ProducerStateTable t;
        const auto max = static_cast<std::int64_t>(ProducerStateTable::kMaxProducers);
        for (std::int64_t id = 0; id < max + 500; ++id)
            t.record(producer_header(id, 0, 0, 1, id));
        QCOMPARE(t.producers().size(), ProducerStateTable::kMaxProducers);
        QVERIFY(!t.find(0) && !t.find(499));
        QVERIFY(t.find(500) && t.find(max + 499));
        // A known producer's next batch evicts no one.
        t.record(producer_header(600, 0, 1, 1, max + 500));
        QCOMPARE(t.producers().size(), ProducerStateTable::kMaxProducers);
        QVERIFY(t.find(500));
    }

    void leader_append_answers_retries_and_refuses_gaps() {
        auto log = open_log(fresh_dir(), small_config());
        Expected expected;
        QVERIFY(append(*log, expected, {make_producer_batch(3, 11, 0, 0)}).ok());
        QVERIFY(append(*log, expected, {make_batch(2, 5, 5)}).ok());  // not idempotent
        QVERIFY(append(*log, expected, {make_producer_batch(2, 11, 0, 3)}).ok());
        const auto end = log->log_end_offset();
        QCOMPARE(end, std::int64_t(7));
        // The retry of the first batch: its original offsets, nothing written.
        Bytes retry = make_producer_batch(3, 11, 0, 0);
        AppendResult r = log->append_as_leader(retry, 4);
        QVERIFY2(r.ok(), r.message.c_str());
        QVERIFY(r.duplicate);
        QCOMPARE(r.first_offset, std::int64_t(0));
        QCOMPARE(r.last_offset, std::int64_t(2));
        QCOMPARE(log->log_end_offset(), end);
        // A gap and an older epoch: refused, nothing written.
        Bytes gap = make_producer_batch(1, 11, 0, 9);
        r = log->append_as_leader(gap, 4);
        QCOMPARE(r.error, ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
        QVERIFY(!r.message.empty());
        QVERIFY(append(*log, expected, {make_producer_batch(1, 11, 1, 0)}).ok());
        Bytes fenced = make_producer_batch(1, 11, 0, 5);
        QCOMPARE(log->append_as_leader(fenced, 4).error, ErrorCode::INVALID_PRODUCER_EPOCH);
        QCOMPARE(log->log_end_offset(), end + 1);
        QCOMPARE(read_all(*log), concat(expected.batches));
    }

    void producer_state_survives_restarts_truncation_and_replication() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        Expected expected;
        std::mt19937 rng(5);
        std::map<std::int64_t, std::int32_t> next_seq;
        for (int i = 0; i < 300; ++i) {
            const std::int64_t id = static_cast<std::int64_t>(rng() % 6);
            const int records = 1 + static_cast<int>(rng() % 4);
            auto r = append(
                *log, expected,
                {make_producer_batch(records, id, 0, next_seq[id], static_cast<std::uint8_t>(i))});
            QVERIFY2(r.ok(), r.message.c_str());
            next_seq[id] += records;
        }
        QVERIFY(log->segment_count() > 3);
        const ProducerStateTable full = log->producer_state();
        QCOMPARE(full.producers().size(), std::size_t(6));
        QVERIFY(full == scanned_state(*log));
        // Rolls wrote snapshots; at most kProducerSnapshotsKept stay.
        auto snapshots = files_with(dir, ".snapshot");
        QVERIFY(!snapshots.empty());
        QVERIFY(snapshots.size() <= PartitionLog::kProducerSnapshotsKept);
        // A follower that stores the leader's batches has the same state.
        auto follower = open_log(fresh_dir(), small_config());
        QVERIFY(follower->append_replicated(concat(expected.batches)).ok());
        QVERIFY(follower->producer_state() == full);
        // A crash (no close): rebuilt from the newest roll snapshot and the batches after it.
        log.reset();
        log = open_log(dir, small_config());
        QVERIFY(log->producer_state() == full);
        // A clean close saves a snapshot at LEO.
        const auto leo = log->log_end_offset();
        QVERIFY(log->close().ok());
        log.reset();
        QVERIFY(fs::exists(dir / (segment_stem(leo) + ".snapshot")));
        log = open_log(dir, small_config());
        QVERIFY(log->producer_state() == full);
        // Truncation in the middle: the state is what the remaining batches make, and snapshots
        // past the cut are gone.
        const std::int64_t cut = expected.base(expected.batches.size() / 2);
        QVERIFY(log->truncate_to(cut).ok());
        expected.keep_below(cut);
        QVERIFY(log->producer_state() == scanned_state(*log));
        QVERIFY(!(log->producer_state() == full));
        for (const auto& f : files_with(dir, ".snapshot"))
            QVERIFY(*parse_segment_file_name(f.filename().string(), ".snapshot") <= cut);
        // A retry of a batch the truncation dropped is appended again, in order.
        log.reset();
        log = open_log(dir, small_config());
        QVERIFY(log->producer_state() == scanned_state(*log));
    }

    void bad_producer_snapshots_are_ignored_and_the_log_read_instead() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        Expected expected;
        for (int i = 0; i < 40; ++i) {
            QVERIFY(
                append(*log, expected, {make_producer_batch(2, 1 + i % 3, 0, (i / 3) * 2)}).ok());
        }
        const ProducerStateTable full = log->producer_state();
        const auto leo = log->log_end_offset();
        QVERIFY(log->close().ok());
        log.reset();
        const fs::path good = dir / (segment_stem(leo) + ".snapshot");
        const Bytes snapshot = file_bytes(good);
        QVERIFY(decode_producer_snapshot(snapshot, nullptr).has_value());
        // Every strict prefix, a flipped bit anywhere, garbage, and a snapshot that names
        // another offset than its file: each ignored (and deleted), the state read from the log.
        std::vector<Bytes> bad;
        for (std::size_t n = 0; n < snapshot.size(); n += 7)
            bad.emplace_back(snapshot.begin(), snapshot.begin() + std::ptrdiff_t(n));
        for (std::size_t i = 0; i < snapshot.size(); i += 5) {
            Bytes flipped = snapshot;
            flipped[i] ^= 0x10;
            bad.push_back(flipped);
        }
        bad.push_back(Bytes(300, 0xab));
        bad.push_back(encode_producer_snapshot(full, leo - 1));
        for (const auto& bytes : bad) {
            for (const auto& f : files_with(dir, ".snapshot"))
                fs::remove(f);
            write_file(good, bytes);
            RecoveryReport report;
            log = open_log(dir, small_config(), &report);
            QVERIFY(log);
            QVERIFY(log->producer_state() == full);
            QVERIFY2(report.reason.find("ignored " + good.filename().string()) != std::string::npos,
                     report.reason.c_str());
            QVERIFY(!fs::exists(good));
            log.reset();
        }
        // A snapshot past LEO (the log lost its tail since) is dropped quietly.
        const fs::path ahead = dir / (segment_stem(leo + 100) + ".snapshot");
        write_file(ahead, encode_producer_snapshot(ProducerStateTable{}, leo + 100));
        log = open_log(dir, small_config());
        QVERIFY(log->producer_state() == full);
        QVERIFY(!fs::exists(ahead));
    }

    void remove_deletes_the_partition_directory() {
        fs::path dir = fresh_dir();
        auto log = open_log(dir, small_config());
        Expected expected;
        QVERIFY(append(*log, expected, {make_batch(1, 1, 1)}).ok());
        QVERIFY(log->close().ok());
        log.reset();
        QVERIFY(PartitionLog::remove(dir));
        QVERIFY(!fs::exists(dir));
    }

    // DeleteRecords: the log start moves into the log, persists, and survives damage.
    void log_start_moves_forward_and_is_kept_across_reopen() {
        const fs::path dir = fresh_dir();
        std::mt19937 rng(7);
        Expected expected;
        auto log = open_log(dir, small_config());
        fill(*log, expected, rng, 120);
        QVERIFY(log->segment_count() >= 4);
        const int segments = log->segment_count();
        const std::int64_t start = log->log_end_offset() / 2 + 1;
        QVERIFY(log->advance_log_start(start).ok());
        QCOMPARE(log->log_start_offset(), start);
        QVERIFY(log->segment_count() < segments);  // sealed segments below the start are gone
        QCOMPARE(log->read(start - 1, 1024, log->log_end_offset()).error,
                 ErrorCode::OFFSET_OUT_OF_RANGE);
        auto r = log->read(start, 1024, log->log_end_offset());
        QVERIFY(r.ok() && !r.data.empty());
        QVERIFY(header_of(r.data).base_offset <= start);  // the batch holding it, whole
        // Backwards changes nothing; past the log end is refused.
        QVERIFY(log->advance_log_start(start - 3).ok());
        QCOMPARE(log->log_start_offset(), start);
        QCOMPARE(log->advance_log_start(log->log_end_offset() + 1).error,
                 ErrorCode::OFFSET_OUT_OF_RANGE);
        const std::int64_t end = log->log_end_offset();
        log.reset();

        RecoveryReport report;
        log = open_log(dir, small_config(), &report);
        QVERIFY2(report.clean(), report.reason.c_str());
        QCOMPARE(log->log_start_offset(), start);
        QCOMPARE(log->log_end_offset(), end);
        log.reset();

        // A damaged checkpoint is ignored with a note: records come back, none are lost.
        const std::string damaged = "0\nlots\n";
        write_file(dir / "log-start-offset", Bytes(damaged.begin(), damaged.end()));
        log = open_log(dir, small_config(), &report);
        QVERIFY(report.reason.find("ignored log-start-offset") != std::string::npos);
        QVERIFY(log->log_start_offset() < start);
        QCOMPARE(log->log_end_offset(), end);
        // A follower cut below the start keeps start <= LEO.
        QVERIFY(log->advance_log_start(start).ok());
        QVERIFY(log->truncate_to(start - 1).ok());
        QVERIFY(log->log_start_offset() <= log->log_end_offset());
    }

    // A follower whose log ends below the leader's log start (Kafka's truncateFullyAndStartAt):
    // everything goes, the log starts again there, and what the leader sends from its start
    // (the whole batch holding it) is appended.
    void a_follower_starts_again_at_the_leaders_log_start() {
        Expected expected;
        auto leader = open_log(fresh_dir(), small_config());
        for (int i = 0; i < 40; ++i) {
            QVERIFY(append(*leader, expected,
                           {make_producer_batch(3, 21, 0, i * 3, static_cast<std::uint8_t>(i))})
                        .ok());
        }
        const fs::path dir = fresh_dir();
        auto follower = open_log(dir, small_config());
        auto head = leader->read(0, 300, leader->log_end_offset());
        QVERIFY(head.ok());
        QVERIFY(follower->append_replicated(head.data).ok());
        QVERIFY(follower->close().ok());  // leaves a producer snapshot at its LEO
        follower = open_log(dir, small_config());
        QVERIFY(!files_with(dir, ".snapshot").empty());
        const std::int64_t old_end = follower->log_end_offset();
        QVERIFY(old_end > 0);
        // DeleteRecords on the leader, inside a batch past the follower's end.
        const std::int64_t start = old_end + 31;
        QVERIFY(leader->advance_log_start(start).ok());

        QVERIFY(follower->restart_at(start).ok());
        QCOMPARE(follower->log_start_offset(), start);
        QCOMPARE(follower->log_end_offset(), start);
        QCOMPARE(follower->segment_count(), 1);
        QVERIFY(files_with(dir, ".snapshot").empty());
        QVERIFY(follower->producer_state().producers().empty());
        QCOMPARE(follower->read(start - 1, 1024, start).error, ErrorCode::OFFSET_OUT_OF_RANGE);
        // The leader's answer from its start begins with the batch holding it, earlier: the
        // empty log starts there instead.
        auto rest = leader->read(start, 1u << 20, leader->log_end_offset());
        QVERIFY(rest.ok());
        const std::int64_t base = header_of(rest.data).base_offset;
        QVERIFY(base < start);
        QCOMPARE(follower->append_replicated(rest.data).error, ErrorCode::OFFSET_OUT_OF_RANGE);
        QVERIFY(follower->restart_at(base).ok());
        QVERIFY(follower->append_replicated(rest.data).ok());
        QVERIFY(follower->advance_log_start(start).ok());
        QCOMPARE(follower->log_end_offset(), leader->log_end_offset());
        QCOMPARE(follower->log_start_offset(), start);
        QVERIFY(follower->producer_state() == leader->producer_state());
        // On a log with records, a lower offset is only a log start move.
        QVERIFY(follower->restart_at(start - 1).ok());
        QCOMPARE(follower->log_start_offset(), start);
        QCOMPARE(follower->log_end_offset(), leader->log_end_offset());
        // Reopened (a crash): the same start, end and bytes.
        follower.reset();
        RecoveryReport report;
        follower = open_log(dir, small_config(), &report);
        QVERIFY2(report.clean(), report.reason.c_str());
        QCOMPARE(follower->log_start_offset(), start);
        QCOMPARE(follower->log_end_offset(), leader->log_end_offset());
        QCOMPARE(read_all(*follower), read_all(*leader));
    }
};

QTEST_APPLESS_MAIN(StorageTest)
#include "test_storage.moc"
