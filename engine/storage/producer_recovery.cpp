// PartitionLog's producer-state files (partition_log.h): snapshot files written at LEO, and the
// rebuild of the idempotent producers' state from the newest good snapshot at or below LEO plus
// the batches after it. Snapshot files are untrusted input: one that is cut short, fails its
// CRC, or says it covers another offset than its name is deleted and noted, and the rebuild
// falls back to an older one or to the log's start. Never a crash, never a change to the log.
#include <algorithm>
#include <filesystem>

#include "storage/partition_log.h"

namespace kraftlab::storage {

namespace {

constexpr std::string_view kSnapshotExtension = ".snapshot";
// Far above any real table (a producer takes at most 147 bytes): a bigger file is not ours.
constexpr std::uintmax_t kMaxSnapshotBytes = 64u << 20;

std::filesystem::path snapshot_path(const std::filesystem::path& dir, std::int64_t offset) {
    return dir / (segment_stem(offset) + std::string(kSnapshotExtension));
}

}  // namespace

std::vector<std::int64_t> PartitionLog::producer_snapshot_offsets() const {
    std::vector<std::int64_t> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
        if (auto offset = parse_segment_file_name(e.path().filename().string(), kSnapshotExtension))
            out.push_back(*offset);
    }
    std::sort(out.begin(), out.end());
    return out;
}

void PartitionLog::delete_producer_snapshots() {
    std::error_code ec;
    for (std::int64_t offset : producer_snapshot_offsets())
        std::filesystem::remove(snapshot_path(dir_, offset), ec);
}

bool PartitionLog::write_producer_snapshot() {
    if (offline()) return false;
    const std::int64_t offset = log_end_offset();
    const auto path = snapshot_path(dir_, offset);
    const auto tmp = std::filesystem::path(path.string() + ".tmp");
    const protocol::Bytes bytes = encode_producer_snapshot(producers_, offset);
    {
        File f;
        IoStatus st = f.open(tmp, File::Mode::CreateTruncating);
        if (st.ok()) st = f.pwrite_all(0, bytes);
        if (st.ok()) st = f.sync();
        if (!st.ok()) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return false;
    // The newest few stay: a truncation below the newest falls back to an older one.
    auto offsets = producer_snapshot_offsets();
    while (offsets.size() > kProducerSnapshotsKept) {
        std::filesystem::remove(snapshot_path(dir_, offsets.front()), ec);
        offsets.erase(offsets.begin());
    }
    (void)sync_directory(dir_);
    return true;
}

void PartitionLog::rebuild_producer_state() {
    producers_.clear();
    producer_state_note_.clear();
    if (offline()) return;
    const std::int64_t end = log_end_offset();
    std::int64_t from = log_start_offset();
    auto offsets = producer_snapshot_offsets();
    std::error_code ec;
    for (auto it = offsets.rbegin(); it != offsets.rend(); ++it) {
        const auto path = snapshot_path(dir_, *it);
        if (*it > end) {  // written before a truncation or a lost tail: covers what is gone
            std::filesystem::remove(path, ec);
            continue;
        }
        SmallFile file = read_small_file(path, kMaxSnapshotBytes);
        std::string why = file.error;
        std::optional<ProducerSnapshot> snapshot;
        if (why.empty()) {
            protocol::ByteView bytes(reinterpret_cast<const std::uint8_t*>(file.text.data()),
                                     file.text.size());
            snapshot = decode_producer_snapshot(bytes, &why);
            if (snapshot && snapshot->offset != *it) {
                why = "it covers offset " + std::to_string(snapshot->offset) + ", not its name's";
                snapshot.reset();
            }
        }
        if (snapshot) {
            producers_ = std::move(snapshot->table);
            from = std::max(from, *it);
            break;
        }
        producer_state_note_ += (producer_state_note_.empty() ? "" : "; ") +
                                std::string("ignored ") + path.filename().string() + ": " + why;
        std::filesystem::remove(path, ec);
    }
    // The batches after the snapshot, headers only (read() checked their CRCs). Damage found
    // here does not take the log offline: as before, a read that needs the damaged batch does;
    // the state then covers the batches before it.
    std::int64_t offset = from;
    while (offset < end) {
        ReadResult r = read(offset, 1u << 20, end);
        if (!r.ok()) {
            offline_reason_.clear();
            producer_state_note_ += (producer_state_note_.empty() ? "" : "; ") +
                                    std::string("producers' state read only up to offset ") +
                                    std::to_string(offset) + ": " + r.message;
            break;
        }
        if (r.data.empty()) break;
        protocol::BatchIterator it(r.data);
        while (it.next()) {
            if (it.header().last_offset() >= from) producers_.record(it.header());
        }
        if (r.next_offset <= offset) break;
        offset = r.next_offset;
    }
}

}  // namespace kraftlab::storage
