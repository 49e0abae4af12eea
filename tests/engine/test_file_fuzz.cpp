// Every file the lab reads is untrusted (issue 12): for each file kind the engine reads, a valid
// file written by the engine's own code is mutated in a fixed, seeded way (bit flips, truncation
// to any length including 0, garbage appended, a range zeroed, bytes inserted; for text files
// also numbers made huge, negative or of the wrong type, lines dropped, invalid UTF-8) and read
// back through the real loading path. Every case must end in either
//   - a clean open whose invariants hold (batches read back pass their CRC, offsets increase
//     without gaps up to the log end offset, the leader epochs are ordered and inside the log,
//     an append after recovery works and reads back), a repair reported naming the file; or
//   - a refusal, or a log that goes offline, with an error naming the file;
// never a crash, an escaping exception or a hang. The outcomes per kind are printed.
//
// Partition files (segment .log, .index, leader-epoch-checkpoint, partition.metadata) go through
// broker::LogManager::load_existing (PartitionLog::open and recovery) and
// broker::load_leader_epochs; the controller's metadata log through
// controller::load_metadata_log; quorum-state through controller::read_quorum_state.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "broker/epoch_checkpoint.h"
#include "broker/log_manager.h"
#include "controller/metadata_log_check.h"
#include "controller/quorum_state_file.h"
#include "core/events.h"
#include "metadata/image.h"
#include "raft/wire.h"
#include "storage/partition_log.h"
#include "storage_test_util.h"

using namespace kraftlab;
namespace fs = std::filesystem;
using protocol::Bytes;

namespace {

constexpr std::uint64_t kSeed = 20261206;
constexpr int kBroker = 1;
const char* const kTopic = "fuzz";
// Small segments and a dense index, so that a log of 24 batches has several sealed segments
// whose indexes hold entries.
const storage::LogConfig kLogConfig{600, 150, 1 << 20};

// The cases live in memory where the machine has /dev/shm: recovery fsyncs what it opens, and
// hundreds of fsyncs of freshly copied files on a shared disk are not what this test is about.
QString scratch_template() {
    const QString base = QDir("/dev/shm").exists() ? QString("/dev/shm") : QDir::tempPath();
    return base + "/kraftlab-file-fuzz-XXXXXX";
}

Bytes read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& path, const Bytes& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
}

std::vector<fs::path> files_with(const fs::path& dir, const std::string& extension) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == extension) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// --- mutations -------------------------------------------------------------------------------

// One binary mutation, chosen by `which` so that every kind gets each of them equally often.
std::string mutate_bytes(Bytes& data, int which, std::mt19937_64& rng) {
    auto random_bytes = [&](std::size_t n) {
        Bytes b(n);
        for (auto& c : b)
            c = static_cast<std::uint8_t>(rng());
        return b;
    };
    switch (which % 5) {
        case 0: {
            if (data.empty()) data.push_back(0);
            const int flips = 1 + static_cast<int>(rng() % 3);
            for (int i = 0; i < flips; ++i)
                data[rng() % data.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
            return "flip " + std::to_string(flips) + " bit(s)";
        }
        case 1: {
            const std::size_t n = data.empty() ? 0 : rng() % data.size();
            data.resize(n);
            return "truncate to " + std::to_string(n);
        }
        case 2: {
            const Bytes garbage = random_bytes(1 + rng() % 300);
            data.insert(data.end(), garbage.begin(), garbage.end());
            return "append " + std::to_string(garbage.size()) + " bytes";
        }
        case 3: {
            if (data.empty()) return "zero nothing";
            const std::size_t from = rng() % data.size();
            const std::size_t n = 1 + rng() % std::min<std::size_t>(64, data.size() - from);
            std::fill_n(data.begin() + static_cast<std::ptrdiff_t>(from), n, 0);
            return "zero " + std::to_string(n) + " bytes at " + std::to_string(from);
        }
        default: {
            const std::size_t at = rng() % (data.size() + 1);
            const Bytes inserted = random_bytes(1 + rng() % 32);
            data.insert(data.begin() + static_cast<std::ptrdiff_t>(at), inserted.begin(),
                        inserted.end());
            return "insert " + std::to_string(inserted.size()) + " bytes at " + std::to_string(at);
        }
    }
}

// A text mutation (odd `which`) or a binary one (even): numbers made huge, negative or of the
// wrong type, a line dropped or repeated, invalid UTF-8.
std::string mutate_text(std::string& text, int which, std::mt19937_64& rng) {
    if (which % 2 == 0) {
        Bytes b(text.begin(), text.end());
        std::string what = mutate_bytes(b, which / 2, rng);
        text.assign(b.begin(), b.end());
        return what;
    }
    std::vector<std::pair<std::size_t, std::size_t>> numbers;  // (start, length) of digit runs
    for (std::size_t i = 0; i < text.size();) {
        if (std::isdigit(static_cast<unsigned char>(text[i]))) {
            std::size_t j = i;
            while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])))
                ++j;
            numbers.emplace_back(i, j - i);
            i = j;
        } else {
            ++i;
        }
    }
    static const std::vector<std::string> replacements = {"99999999999999999999999",
                                                          "9223372036854775808",
                                                          "2147483648",
                                                          "-1",
                                                          "-9223372036854775809",
                                                          "-0",
                                                          "1.5",
                                                          "1e9",
                                                          "\"7\"",
                                                          "true",
                                                          "null",
                                                          "x",
                                                          ""};
    const int kind = (which / 2) % 4;
    if (kind == 0 && !numbers.empty()) {
        const auto [at, n] = numbers[rng() % numbers.size()];
        const std::string& r = replacements[rng() % replacements.size()];
        text.replace(at, n, r);
        return "number replaced by '" + r + "'";
    }
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    if (kind == 1 && !lines.empty()) {
        const std::size_t i = rng() % lines.size();
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
        text.clear();
        for (const auto& l : lines)
            text += l + "\n";
        return "line " + std::to_string(i) + " dropped";
    }
    if (kind == 2 && !lines.empty()) {
        const std::size_t i = rng() % lines.size();
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
        text.clear();
        for (const auto& l : lines)
            text += l + "\n";
        return "line " + std::to_string(i) + " repeated";
    }
    static const std::vector<std::string> invalid_utf8 = {"\xff", "\xc3", "\xed\xa0\x80",
                                                          "\xf8\x88\x80\x80\x80", "\xc0\xaf"};
    const std::string& bad = invalid_utf8[rng() % invalid_utf8.size()];
    text.insert(rng() % (text.size() + 1), bad);
    return "invalid UTF-8 inserted";
}

// --- outcomes --------------------------------------------------------------------------------

enum class Outcome { Intact, Repaired, Offline, Refused };

struct Tally {
    std::map<Outcome, int> counts;
    int cases() const {
        int n = 0;
        for (const auto& [o, c] : counts)
            n += c;
        return n;
    }
    QString line(const char* kind) const {
        auto get = [&](Outcome o) {
            auto it = counts.find(o);
            return it == counts.end() ? 0 : it->second;
        };
        return QString(
                   "%1: %2 cases: %3 opened intact, %4 repaired (named), %5 offline on read "
                   "(named), %6 refused (named)")
            .arg(kind)
            .arg(cases())
            .arg(get(Outcome::Intact))
            .arg(get(Outcome::Repaired))
            .arg(get(Outcome::Offline))
            .arg(get(Outcome::Refused));
    }
};

bool names(const std::string& text, const fs::path& file) {
    return text.find(file.filename().string()) != std::string::npos ||
           text.find(file.string()) != std::string::npos;
}

// --- partition logs --------------------------------------------------------------------------

std::shared_ptr<const metadata::MetadataImage> image_with_topic(const protocol::Uuid& id) {
    metadata::RegisterBrokerRecord broker;
    broker.broker_id = kBroker;
    broker.incarnation_id = protocol::Uuid::random();
    broker.broker_epoch = 1;
    broker.fenced = false;
    metadata::PartitionRecord partition;
    partition.partition_id = 0;
    partition.topic_id = id;
    partition.replicas = {kBroker};
    partition.isr = {kBroker};
    partition.leader = kBroker;
    partition.leader_epoch = 2;
    partition.partition_epoch = 0;
    return metadata::replay(metadata::MetadataImage::empty(),
                            {broker, metadata::TopicRecord{kTopic, id}, partition}, 0);
}

struct Golden {
    fs::path data_dir;  // holds <kTopic>-0
    fs::path partition_dir;
    std::int64_t log_end_offset = 0;
};

// A partition directory as a broker leaves it: created by LogManager (partition.metadata),
// 24 batches appended as leader over epochs 0..2 in several segments, the epochs checkpointed.
void write_golden(const fs::path& data_dir, Golden& out) {
    protocol::Uuid id;  // fixed, so that every run mutates the same bytes
    id.high = 0x6b7261667466757aULL;
    id.low = 0x7a2d66696c657321ULL;
    const auto image = image_with_topic(id);
    QVERIFY(image->topic(kTopic));
    core::EventBus events;
    broker::LogManager logs(data_dir, kLogConfig, kBroker, events);
    logs.load_existing();
    logs.reconcile(*image, true);
    broker::HostedPartition* p = logs.find(kTopic, 0);
    QVERIFY(p && p->log);
    p->log->set_segment_bytes(kLogConfig.segment_bytes);  // reconcile gave it the topic's default
    replication::LeaderEpochCache epochs;
    for (int i = 0; i < 24; ++i) {
        const std::int32_t epoch = i / 8;
        Bytes batch = protocol::test::make_batch(1 + i % 3, 1'000'000 + i * 10, 20, 1,
                                                 static_cast<std::uint8_t>(i));
        const std::int64_t leo = p->log->log_end_offset();
        auto r = p->log->append_as_leader(batch, epoch);
        QVERIFY2(r.ok(), r.message.c_str());
        epochs.assign(epoch, leo);
    }
    QVERIFY(p->log->segment_count() >= 5);
    out.log_end_offset = p->log->log_end_offset();
    out.partition_dir = p->log->directory();
    out.data_dir = data_dir;
    std::ofstream(out.partition_dir / broker::kEpochCheckpointFile) << epochs.serialize();
    logs.close_all(true);
    QVERIFY(fs::exists(out.partition_dir / "partition.metadata"));
}

// Reads the whole log back. Empty when every batch passes its CRC and offsets run without gaps
// from the start to LEO; else what went wrong. *offline is set if a read took the log offline.
std::string read_back(const storage::PartitionLog& log, bool* offline, std::string* offline_why) {
    std::int64_t offset = log.log_start_offset();
    const std::int64_t end = log.log_end_offset();
    while (offset < end) {
        auto r = log.read(offset, 700, end);
        if (!r.ok()) {
            if (r.error != protocol::ErrorCode::KAFKA_STORAGE_ERROR || !log.offline()) {
                return "read at " + std::to_string(offset) +
                       " failed without taking the log "
                       "offline: " +
                       r.message;
            }
            *offline = true;
            *offline_why = r.message;
            return {};
        }
        if (r.data.empty()) return "read at " + std::to_string(offset) + " made no progress";
        protocol::BatchIterator it(r.data, SIZE_MAX, /*check_crc=*/true);
        std::int64_t expected = offset;
        bool first = true;
        while (it.next()) {
            const auto& h = it.header();
            if (first ? (h.base_offset > offset || h.last_offset() < offset)
                      : h.base_offset != expected) {
                return "batch at " + std::to_string(h.base_offset) + ", expected " +
                       std::to_string(expected);
            }
            first = false;
            expected = h.next_offset();
        }
        if (it.error() != protocol::BatchError::None) {
            return "read at " + std::to_string(offset) +
                   " returned a bad batch: " + std::string(protocol::describe(it.error()));
        }
        if (r.next_offset != expected) return "next_offset disagrees with the batches";
        offset = expected;
    }
    if (offset != end) return "read past the log end offset";
    return {};
}

// Loads the data directory as a restarting broker does and checks the outcome; `file` is the
// mutated one. Adds to tally; a failure is a test failure naming the case.
void check_partition_case(const fs::path& data_dir, const fs::path& file, const std::string& what,
                          Tally& tally) {
    const std::string label = file.filename().string() + " (" + what + ")";
    core::EventBus events;
    broker::LogManager logs(data_dir, kLogConfig, kBroker, events);
    logs.load_existing();
    std::vector<core::Event> said;
    events.drain(said);
    broker::HostedPartition* p = logs.find(kTopic, 0);
    if (!p) {
        const bool named = std::any_of(said.begin(), said.end(), [&](const core::Event& e) {
            return e.kind == core::EventKind::NodeFailed && names(e.explain, file);
        });
        QVERIFY2(named, ("refused without naming the file: " + label + ": " +
                         (said.empty() ? std::string("no event") : said.front().explain))
                            .c_str());
        ++tally.counts[Outcome::Refused];
        return;
    }
    // The directory has a partition.metadata: a log served without its topic id would be
    // adopted by whatever topic of that name the metadata holds.
    QVERIFY2(!p->topic_id.is_zero(), ("served without a topic id: " + label).c_str());
    storage::PartitionLog& log = *p->log;
    bool repaired = false;
    for (const auto& e : said) {
        if (e.kind != core::EventKind::LogRecovered) continue;
        if (e.explain.find("nothing to repair") != std::string::npos) continue;
        QVERIFY2(e.explain.find(".log") != std::string::npos ||
                     e.explain.find(".index") != std::string::npos,
                 ("a repair that names no file: " + label + ": " + e.explain).c_str());
        repaired = true;
    }
    const broker::LoadedEpochs epochs = broker::load_leader_epochs(log);
    if (!epochs.damage.empty()) {
        QVERIFY2(names(epochs.damage, file), ("epochs: " + label + ": " + epochs.damage).c_str());
        repaired = true;
    }
    const auto& entries = epochs.cache.entries();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        QVERIFY2(entries[i].start_offset < log.log_end_offset() && entries[i].epoch >= 0,
                 ("an epoch outside the log: " + label).c_str());
        if (i > 0) {
            QVERIFY2(entries[i].epoch > entries[i - 1].epoch &&
                         entries[i].start_offset >= entries[i - 1].start_offset,
                     ("epochs out of order: " + label).c_str());
        }
    }
    bool offline = log.offline();
    std::string offline_why = log.offline_reason();
    if (!offline) {
        const std::string bad = read_back(log, &offline, &offline_why);
        QVERIFY2(bad.empty(), (label + ": " + bad).c_str());
    }
    if (offline) {
        QVERIFY2(offline_why.find(".log") != std::string::npos ||
                     offline_why.find(".index") != std::string::npos,
                 ("offline without naming a file: " + label + ": " + offline_why).c_str());
        ++tally.counts[Outcome::Offline];
        return;
    }
    // An append after recovery works and reads back.
    const std::int64_t leo = log.log_end_offset();
    Bytes batch = protocol::test::make_batch(2, 2'000'000, 16);
    auto appended = log.append_as_leader(batch, 3);
    QVERIFY2(appended.ok(), (label + ": append after recovery: " + appended.message).c_str());
    QCOMPARE(appended.first_offset, leo);
    auto back = log.read(leo, 1 << 20, log.log_end_offset());
    QVERIFY2(back.ok() && back.first_offset == leo && back.next_offset == leo + 2,
             (label + ": the appended batch does not read back: " + back.message).c_str());
    QVERIFY(protocol::validate_batch(back.data, SIZE_MAX, nullptr) == protocol::BatchError::None);
    logs.close_all(true);
    // What recovery left is stable: a second open repairs nothing and ends at the same offset.
    auto again = storage::PartitionLog::open(data_dir / (std::string(kTopic) + "-0"), kLogConfig);
    QVERIFY2(again.ok(), (label + ": reopen: " + again.error).c_str());
    QVERIFY2(again.recovery.clean(),
             (label + ": reopen repaired " + again.recovery.reason).c_str());
    QCOMPARE(again.log->log_end_offset(), leo + 2);
    ++tally.counts[repaired ? Outcome::Repaired : Outcome::Intact];
}

// --- the controller's metadata log -----------------------------------------------------------

constexpr std::int32_t kStateEpoch = 3;

std::vector<raft::Entry> metadata_entries() {
    std::vector<raft::Entry> out;
    for (int i = 0; i < 14; ++i) {
        out.push_back(raft::Entry{i, 1 + i / 5, {Bytes(30 + i, static_cast<std::uint8_t>(i + 1))}});
    }
    return out;
}

}  // namespace

class FileFuzzTest : public QObject {
    Q_OBJECT

  private:
    // Copies the golden partition, applies `mutate` to the file pick() chooses, checks the case.
    void run_partition_kind(const char* kind, int cases,
                            const std::function<fs::path(const fs::path&, std::mt19937_64&)>& pick,
                            bool text, std::uint64_t seed) {
        QTemporaryDir tmp(scratch_template());
        const fs::path root = tmp.path().toStdString();
        Golden golden;
        write_golden(root / "golden", golden);
        if (QTest::currentTestFailed()) return;
        std::mt19937_64 rng(seed);
        Tally tally;
        for (int i = 0; i < cases; ++i) {
            const fs::path data_dir = root / ("case-" + std::to_string(i));
            fs::copy(golden.data_dir, data_dir, fs::copy_options::recursive);
            const fs::path file = pick(data_dir / (std::string(kTopic) + "-0"), rng);
            std::string what;
            if (text) {
                const Bytes b = read_bytes(file);
                std::string s(b.begin(), b.end());
                what = mutate_text(s, i, rng);
                write_bytes(file, Bytes(s.begin(), s.end()));
            } else {
                Bytes b = read_bytes(file);
                what = mutate_bytes(b, i, rng);
                write_bytes(file, b);
            }
            check_partition_case(data_dir, file, what, tally);
            if (QTest::currentTestFailed()) return;
            fs::remove_all(data_dir);
        }
        qInfo().noquote() << tally.line(kind);
        QCOMPARE(tally.cases(), cases);
    }

  private slots:
    void non_tail_segments() {
        run_partition_kind(
            "segment .log (sealed)", 60,
            [](const fs::path& dir, std::mt19937_64& rng) {
                auto logs = files_with(dir, ".log");
                return logs[rng() % (logs.size() - 1)];
            },
            false, kSeed + 1);
    }

    void tail_segment() {
        run_partition_kind(
            "segment .log (tail)", 50,
            [](const fs::path& dir, std::mt19937_64&) { return files_with(dir, ".log").back(); },
            false, kSeed + 2);
    }

    void offset_indexes() {
        run_partition_kind(
            "offset .index", 60,
            [](const fs::path& dir, std::mt19937_64& rng) {
                auto indexes = files_with(dir, ".index");
                return indexes[rng() % indexes.size()];
            },
            false, kSeed + 3);
    }

    void leader_epoch_checkpoint() {
        run_partition_kind(
            "leader-epoch-checkpoint", 50,
            [](const fs::path& dir, std::mt19937_64&) {
                return dir / broker::kEpochCheckpointFile;
            },
            true, kSeed + 4);
    }

    void partition_metadata() {
        run_partition_kind(
            "partition.metadata", 50,
            [](const fs::path& dir, std::mt19937_64&) { return dir / "partition.metadata"; }, true,
            kSeed + 5);
    }

    void controller_metadata_log() {
        QTemporaryDir tmp(scratch_template());
        const fs::path root = tmp.path().toStdString();
        const fs::path golden = root / "golden" / "__cluster_metadata-0";
        const std::vector<raft::Entry> original = metadata_entries();
        {
            auto opened = storage::PartitionLog::open(golden, storage::LogConfig{300, 64, 1 << 20});
            QVERIFY2(opened.ok(), opened.error.c_str());
            for (const auto& e : original) {
                auto r = opened.log->append_replicated(raft::wire::entries_to_batches({e}));
                QVERIFY2(r.ok(), r.message.c_str());
            }
            QVERIFY(opened.log->close().ok());
        }
        const auto golden_logs = files_with(golden, ".log");
        QVERIFY(golden_logs.size() >= 4);
        // Entries of the tail segment: the only ones recovery may cut (a torn write).
        const std::int64_t tail_base =
            *storage::parse_segment_file_name(golden_logs.back().filename().string(), ".log");

        std::mt19937_64 rng(kSeed + 6);
        Tally tally;
        constexpr int kCases = 60;
        for (int i = 0; i < kCases; ++i) {
            const fs::path dir = root / ("case-" + std::to_string(i)) / "__cluster_metadata-0";
            fs::create_directories(dir.parent_path());
            fs::copy(golden, dir, fs::copy_options::recursive);
            auto logs = files_with(dir, ".log");
            auto indexes = files_with(dir, ".index");
            // Half the cases damage the tail segment; a sixth an index.
            fs::path file = i % 2   ? logs.back()
                            : i % 3 ? logs[rng() % (logs.size() - 1)]
                                    : indexes[rng() % indexes.size()];
            Bytes b = read_bytes(file);
            const std::string what = mutate_bytes(b, i / 2, rng);
            write_bytes(file, b);
            const std::string label = file.filename().string() + " (" + what + ")";

            controller::MetadataLog loaded;
            const auto error = controller::load_metadata_log(dir, kStateEpoch, loaded);
            if (error) {
                QVERIFY2(names(*error, file) || names(*error, dir),
                         ("refused without naming the log: " + label + ": " + *error).c_str());
                ++tally.counts[Outcome::Refused];
                fs::remove_all(dir.parent_path());
                continue;
            }
            // Only the tail may be cut; everything before is what was written.
            QVERIFY2(static_cast<std::int64_t>(loaded.entries.size()) >= tail_base,
                     (label + ": committed entries before the tail were lost").c_str());
            QVERIFY(loaded.entries.size() <= original.size());
            std::int32_t last_epoch = 0;
            for (std::size_t k = 0; k < loaded.entries.size(); ++k) {
                const auto& e = loaded.entries[k];
                QVERIFY2(
                    e.base_offset == original[k].base_offset && e.records == original[k].records,
                    (label + ": entry " + std::to_string(k) + " differs").c_str());
                QVERIFY2(e.epoch >= last_epoch && e.epoch <= kStateEpoch,
                         (label + ": entry epochs out of order").c_str());
                last_epoch = e.epoch;
            }
            if (!loaded.repaired.empty()) {
                QVERIFY2(loaded.repaired.find(".log") != std::string::npos ||
                             loaded.repaired.find(".index") != std::string::npos,
                         (label + ": a repair naming no file: " + loaded.repaired).c_str());
            }
            // The controller appends after it: that works and reads back.
            const std::int64_t leo = loaded.log->log_end_offset();
            QCOMPARE(leo, static_cast<std::int64_t>(loaded.entries.size()));
            raft::Entry next{leo, kStateEpoch, {Bytes(8, 0x42)}};
            auto r = loaded.log->append_replicated(raft::wire::entries_to_batches({next}));
            QVERIFY2(r.ok(), (label + ": append: " + r.message).c_str());
            auto back = loaded.log->read(leo, 1 << 20, leo + 1);
            std::string why;
            auto entries = raft::wire::batches_to_entries(back.data, &why);
            QVERIFY2(back.ok() && entries && entries->size() == 1 && (*entries)[0] == next,
                     (label + ": the appended entry does not read back").c_str());
            ++tally.counts[loaded.repaired.empty() ? Outcome::Intact : Outcome::Repaired];
            loaded.log.reset();
            fs::remove_all(dir.parent_path());
        }
        qInfo().noquote() << tally.line("controller metadata log");
        QCOMPARE(tally.cases(), kCases);
    }

    // The quorum state: the fixed cases of test_controller_files (moved here) plus the generic
    // mutations of a file the controller writes.
    void quorum_state() {
        QTemporaryDir tmp(scratch_template());
        const fs::path file = fs::path(tmp.path().toStdString()) / "quorum-state";
        const std::string good = controller::quorum_state_text({7, 2, 3});
        std::vector<std::string> cases;
        const std::vector<std::string> bad_values = {"\"7\"",
                                                     "7.5",
                                                     "true",
                                                     "null",
                                                     "[]",
                                                     "{}",
                                                     "-2",
                                                     "1e30",
                                                     "-1e30",
                                                     "2147483648",
                                                     "4294967296",
                                                     "18446744073709551615",
                                                     "-9223372036854775808",
                                                     "99999999999999999999999"};
        for (const char* field : {"epoch", "voted_for", "leader"}) {
            for (const auto& v : bad_values) {
                nlohmann::json j = nlohmann::json::parse(good);
                j[field] = nlohmann::json::parse(v);
                cases.push_back(j.dump());
            }
            nlohmann::json missing = nlohmann::json::parse(good);
            missing.erase(field);
            cases.push_back(missing.dump());
        }
        cases.push_back(R"({"epoch":-1,"voted_for":-1,"leader":-1})");
        cases.push_back(R"({"epoch":2147483647,"voted_for":-1,"leader":-1})");
        for (std::size_t n = 0; n < good.size(); ++n)
            cases.push_back(good.substr(0, n));  // every truncation
        cases.push_back("[1,2,3]");
        cases.push_back("\"a string\"");
        cases.push_back(std::string(3, '\0'));
        std::mt19937_64 rng(kSeed + 7);
        for (int i = 0; cases.size() < 240; ++i) {
            std::string s = good;
            mutate_text(s, i, rng);
            cases.push_back(s);
        }
        Tally tally;
        for (const std::string& text : cases) {
            write_bytes(file, Bytes(text.begin(), text.end()));
            raft::QuorumState out{3, 3, 3};
            const auto error = controller::read_quorum_state(file, out);
            if (error) {
                QVERIFY2(names(*error, file), error->c_str());
                QCOMPARE(out, (raft::QuorumState{3, 3, 3}));  // untouched
                ++tally.counts[Outcome::Refused];
            } else {
                QVERIFY(out.epoch >= 0 && out.epoch <= raft::kMaxEpoch);
                QVERIFY(out.voted_for >= -1 && out.leader >= -1);
                ++tally.counts[Outcome::Intact];
            }
        }
        qInfo().noquote() << tally.line("quorum-state");
        QVERIFY(tally.counts[Outcome::Refused] >= 180);
    }
};

QTEST_MAIN(FileFuzzTest)
#include "test_file_fuzz.moc"
