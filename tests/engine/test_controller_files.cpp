// The controller's files are untrusted (issue 12, item 7): a damaged quorum-state file or
// metadata log makes the controller refuse to start with a reason naming the file, never abort,
// and never start with an epoch it may have voted in already or with a shorter committed log.
//
// Metadata logs written by storage::PartitionLog, then damaged in chosen places; the seeded,
// mutated files of every kind are in test_file_fuzz.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "controller/controller_node.h"
#include "controller/metadata_log_check.h"
#include "controller/quorum_state_file.h"
#include "raft/wire.h"
#include "storage/partition_log.h"

using namespace kraftlab;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

// A metadata log of `entries` one-record entries, in small segments.
void write_metadata_log(const fs::path& dir, int entries) {
    auto opened = storage::PartitionLog::open(dir, storage::LogConfig{300, 64, 1 << 20});
    QVERIFY2(opened.ok(), opened.error.c_str());
    for (int i = 0; i < entries; ++i) {
        raft::Entry e{i, 1, {protocol::Bytes(40, static_cast<std::uint8_t>(i + 1))}};
        auto r = opened.log->append_replicated(raft::wire::entries_to_batches({e}));
        QVERIFY2(r.ok(), r.message.c_str());
    }
    QVERIFY(opened.log->close().ok());
}

std::vector<fs::path> segments(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".log") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

void flip_byte(const fs::path& file, std::uint64_t position) {
    std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
    f.seekg(static_cast<std::streamoff>(position));
    char c = 0;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(position));
    f.put(static_cast<char>(c ^ 0x5a));
}

// A lone controller (101) whose data directory is under tmp.
controller::ControllerConfig controller_101(const QTemporaryDir& tmp) {
    controller::ControllerConfig cfg;
    cfg.node_id = 101;
    cfg.data_dir = fs::path(tmp.path().toStdString()) / "controller-101";
    return cfg;
}

}  // namespace

class ControllerFilesTest : public QObject {
    Q_OBJECT

  private slots:
    void a_good_quorum_state_round_trips() {
        const raft::QuorumState s{41, 2, raft::kNoNode};
        raft::QuorumState out;
        QVERIFY(!controller::parse_quorum_state(controller::quorum_state_text(s), "f", out));
        QCOMPARE(out, s);
    }

    // The mutated quorum-state files (wrong types per field, truncations, random bytes, huge
    // and negative numbers) are in test_file_fuzz; here the field is named and a missing file
    // is a fresh start.
    void a_bad_quorum_state_names_the_field() {
        QTemporaryDir tmp;
        const fs::path file = fs::path(tmp.path().toStdString()) / "quorum-state";
        write_file(file, R"({"epoch":"7","voted_for":2,"leader":3})");
        raft::QuorumState out;
        const auto e = controller::read_quorum_state(file, out);
        QVERIFY(e && e->find("\"epoch\"") != std::string::npos);
        QVERIFY2(e->find(file.string()) != std::string::npos, e->c_str());
        fs::remove(file);
        QVERIFY(!controller::read_quorum_state(file, out));
    }

    // The controller itself refuses to start (no abort) and says which file.
    void a_controller_with_a_bad_quorum_state_refuses_to_start() {
        QTemporaryDir tmp;
        core::EventBus events;
        core::SnapshotBoard snapshots;
        const controller::ControllerConfig cfg = controller_101(tmp);
        fs::create_directories(cfg.data_dir);
        write_file(cfg.data_dir / "quorum-state", R"({"epoch":[1],"voted_for":-1,"leader":-1})");
        controller::ControllerNode node(cfg, events, snapshots);
        const auto error = node.start({{101, "127.0.0.1", 0}});
        QVERIFY(error);
        QVERIFY2(error->find("quorum-state") != std::string::npos, error->c_str());
        QVERIFY(!node.running());
    }

    void a_torn_tail_is_left_to_recovery() {
        QTemporaryDir tmp;
        const fs::path dir = fs::path(tmp.path().toStdString()) / "__cluster_metadata-0";
        write_metadata_log(dir, 12);
        QVERIFY(segments(dir).size() >= 3);
        QVERIFY(!controller::find_metadata_log_damage(dir));
        // Cut the last segment in the middle of its last batch: a torn write.
        const fs::path tail = segments(dir).back();
        fs::resize_file(tail, fs::file_size(tail) - 10);
        QVERIFY(!controller::find_metadata_log_damage(dir));
        // Flip a byte in the last batch: the end of an interrupted write too.
        fs::resize_file(tail, fs::file_size(tail) - 20);
        flip_byte(tail, fs::file_size(tail) - 5);
        QVERIFY(!controller::find_metadata_log_damage(dir));
    }

    void damage_before_the_tail_refuses_with_file_and_offset() {
        QTemporaryDir tmp;
        const fs::path dir = fs::path(tmp.path().toStdString()) / "__cluster_metadata-0";
        write_metadata_log(dir, 12);
        const fs::path first = segments(dir).front();
        flip_byte(first, 70);  // inside the first batch's records: CRC mismatch
        const auto damage = controller::find_metadata_log_damage(dir);
        QVERIFY(damage);
        QVERIFY2(damage->find(first.filename().string()) != std::string::npos, damage->c_str());
        QVERIFY2(damage->find("offset 0") != std::string::npos, damage->c_str());

        // A bad batch in the tail segment followed by an intact one: not a torn write.
        QTemporaryDir tmp2;
        const fs::path dir2 = fs::path(tmp2.path().toStdString()) / "__cluster_metadata-0";
        write_metadata_log(dir2, 12);
        const fs::path tail = segments(dir2).back();
        flip_byte(tail, 70);
        QVERIFY(controller::find_metadata_log_damage(dir2));

        // A missing middle segment: a gap.
        QTemporaryDir tmp3;
        const fs::path dir3 = fs::path(tmp3.path().toStdString()) / "__cluster_metadata-0";
        write_metadata_log(dir3, 12);
        fs::remove(segments(dir3)[1]);
        const auto gap = controller::find_metadata_log_damage(dir3);
        QVERIFY(gap);
        QVERIFY2(gap->find("ends at offset") != std::string::npos, gap->c_str());
    }

    // The entry epoch is the batch's PartitionLeaderEpoch, which the CRC does not cover: a
    // damaged one passes every batch check, so the load checks the epochs themselves.
    void an_entry_epoch_out_of_order_or_past_the_quorum_state_refuses() {
        auto set_epoch = [](const fs::path& segment, std::uint32_t epoch) {
            std::fstream f(segment, std::ios::binary | std::ios::in | std::ios::out);
            f.seekp(12);  // BaseOffset (8) and Length (4) come first
            for (int i = 3; i >= 0; --i)
                f.put(static_cast<char>(epoch >> (8 * i)));
        };
        for (std::uint32_t epoch : {0x40000000u, 0u}) {
            QTemporaryDir tmp;
            const fs::path dir = fs::path(tmp.path().toStdString()) / "__cluster_metadata-0";
            write_metadata_log(dir, 12);
            controller::MetadataLog loaded;
            QVERIFY(!controller::load_metadata_log(dir, 1, loaded));
            QCOMPARE(loaded.entries.size(), std::size_t{12});
            loaded.log.reset();
            const fs::path second = segments(dir)[1];
            set_epoch(second, epoch);  // above the quorum state's 1, or below the entry before
            QVERIFY(!controller::find_metadata_log_damage(dir));  // every batch looks intact
            const auto error = controller::load_metadata_log(dir, 1, loaded);
            QVERIFY(error);
            QVERIFY2(error->find(dir.string()) != std::string::npos &&
                         error->find("epoch") != std::string::npos,
                     error->c_str());
        }
    }

    // A controller that cannot make its quorum state durable must not act on it (a vote granted
    // from memory could be granted twice after a crash): it stops, says why, and is shown down.
    void a_controller_that_cannot_persist_its_state_stops() {
        QTemporaryDir tmp;
        core::EventBus events;
        core::SnapshotBoard snapshots;
        const controller::ControllerConfig cfg = controller_101(tmp);
        // The temporary file the state is written through is a directory: every write fails,
        // even as root.
        fs::create_directories(cfg.data_dir / "quorum-state.tmp" / "blocker");
        controller::ControllerNode node(cfg, events, snapshots);
        QVERIFY(!node.start({{101, "127.0.0.1", 0}}));
        std::string failure;
        std::vector<core::Event> drained;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                events.drain(drained);
                for (const auto& e : drained) {
                    if (e.kind == core::EventKind::NodeFailed) failure = e.explain;
                }
                return !failure.empty();
            }(),
            10000);
        QVERIFY2(failure.find("quorum-state.tmp") != std::string::npos, failure.c_str());
        QVERIFY(!fs::exists(cfg.data_dir / "quorum-state"));
        // It never became the active controller, and it is drawn down.
        for (const auto& e : drained)
            QVERIFY(e.kind != core::EventKind::ControllerElected);
        const auto controllers = snapshots.controllers();
        QCOMPARE(controllers.size(), std::size_t{1});
        QVERIFY(!controllers[0]->up);
        node.kill();
    }
};

QTEST_MAIN(ControllerFilesTest)
#include "test_controller_files.moc"
