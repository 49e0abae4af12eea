// PartitionLog's logical log start (DeleteRecords): advance_log_start() and its checkpoint file,
// <dir>/log-start-offset (Kafka keeps one log-start-offset-checkpoint per log dir; the lab keeps
// one small file per partition, like leader-epoch-checkpoint). Text: "0\n<offset>\n" (a version,
// then the offset).
#include <charconv>
#include <fstream>

#include "storage/partition_log.h"

namespace kraftlab::storage {

namespace {

constexpr const char* kLogStartFile = "log-start-offset";
constexpr std::uintmax_t kMaxLogStartFileBytes = 64;

std::optional<std::int64_t> parse_checkpoint(const std::string& text) {
    // "0\n<offset>\n"
    if (!text.starts_with("0\n") || !text.ends_with("\n")) return std::nullopt;
    const std::string_view digits(text.data() + 2, text.size() - 3);
    std::int64_t v = -1;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size() || v < 0) return std::nullopt;
    return v;
}

// Old or new file after a crash, never a torn one: write aside, fsync, rename, fsync the dir.
IoStatus write_checkpoint(const std::filesystem::path& dir, std::int64_t offset) {
    const auto path = dir / kLogStartFile;
    const auto tmp = dir / (std::string(kLogStartFile) + ".tmp");
    const std::string text = "0\n" + std::to_string(offset) + "\n";
    File f;
    IoStatus st = f.open(tmp, File::Mode::CreateTruncating);
    if (st.ok()) {
        st = f.pwrite_all(
            0, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    }
    if (st.ok()) st = f.sync();
    f.close();
    if (!st.ok()) return st;
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return {"rename " + tmp.filename().string() + ": " + ec.message()};
    return sync_directory(dir);
}

}  // namespace

LogStatus PartitionLog::advance_log_start(std::int64_t offset) {
    if (LogStatus st = check_online(); !st.ok()) return st;
    if (offset > log_end_offset()) {
        return {protocol::ErrorCode::OFFSET_OUT_OF_RANGE, "offset " + std::to_string(offset) +
                                                              " is past the log end offset " +
                                                              std::to_string(log_end_offset())};
    }
    if (offset <= log_start_offset()) return {};
    if (IoStatus st = write_checkpoint(dir_, offset); !st.ok()) {
        return {protocol::ErrorCode::KAFKA_STORAGE_ERROR,
                "writing " + std::string(kLogStartFile) + " in " + dir_.string() + ": " + st.error};
    }
    start_offset_ = offset;
    // Sealed segments wholly below the start go; the active one always stays.
    bool deleted = false;
    while (segments_.size() > 1 && segments_[1].base_offset <= offset) {
        const std::int64_t base = segments_.front().base_offset;
        segments_.erase(segments_.begin());
        deleted = true;
        if (IoStatus st = delete_segment_files(base); !st.ok()) return go_offline(st.error);
    }
    // A flush job prepared before may name a deleted segment: it must count for nothing rather
    // than fail (finish_flush).
    if (deleted) ++cuts_;
    return {};
}

LogStatus PartitionLog::restart_at(std::int64_t offset) {
    if (LogStatus st = check_online(); !st.ok()) return st;
    if (offset < 0) {
        return {protocol::ErrorCode::OFFSET_OUT_OF_RANGE,
                "cannot start a log at offset " + std::to_string(offset)};
    }
    const bool empty = log_start_offset() == log_end_offset();
    if (offset == log_end_offset() && empty) return {};
    if (offset <= log_end_offset() && !empty) return advance_log_start(offset);
    // The start first: a crash after it reopens the old segments with their start at the old
    // LEO (load_log_start never goes past LEO), still below the leader's, and the follower
    // restarts again. Then the segments, oldest first, so that a crash midway leaves a log that
    // is a suffix of the old one; then the new empty segment.
    if (IoStatus st = write_checkpoint(dir_, offset); !st.ok()) {
        return {protocol::ErrorCode::KAFKA_STORAGE_ERROR,
                "writing " + std::string(kLogStartFile) + " in " + dir_.string() + ": " + st.error};
    }
    std::vector<std::int64_t> bases;
    for (const Segment& seg : segments_)
        bases.push_back(seg.base_offset);
    segments_.clear();
    ++cuts_;  // a flush job prepared before names segments that are gone
    for (std::int64_t base : bases) {
        if (IoStatus st = delete_segment_files(base); !st.ok()) {
            // Never without a segment: the empty one at offset (if it can be), then offline.
            if (!roll(offset).ok()) {
                Segment placeholder;
                placeholder.base_offset = offset;
                placeholder.next_offset = offset;
                segments_.push_back(placeholder);
            }
            return go_offline(st.error);
        }
    }
    // Snapshots describe producers of the dropped records, at offsets below the new start.
    delete_producer_snapshots();
    if (IoStatus st = roll(offset); !st.ok()) {
        // Offline, but LEO and the log start still read as `offset`.
        Segment placeholder;
        placeholder.base_offset = offset;
        placeholder.next_offset = offset;
        if (segments_.empty()) segments_.push_back(placeholder);
        return go_offline(st.error);
    }
    start_offset_ = offset;
    flushed_offset_ = offset;
    producers_.clear();
    producer_state_note_.clear();
    return flush();
}

void PartitionLog::load_log_start(std::vector<std::string>& notes) {
    start_offset_ = segments_.front().base_offset;
    const auto path = dir_ / kLogStartFile;
    const SmallFile file = read_small_file(path, kMaxLogStartFileBytes);
    if (!file.exists && file.error.empty()) return;
    std::optional<std::int64_t> offset;
    if (file.error.empty()) offset = parse_checkpoint(file.text);
    if (!offset) {
        notes.push_back(
            "ignored " + std::string(kLogStartFile) + " (" +
            (file.error.empty() ? "not \"0\", a newline, an offset, a newline" : file.error) +
            "): the log starts at its first segment, " + std::to_string(start_offset_));
        return;
    }
    // A power loss may have cut the log below the recorded start: never past LEO.
    start_offset_ = std::max(start_offset_, std::min(*offset, log_end_offset()));
    // Segments a crash left behind between the checkpoint and their deletion.
    while (segments_.size() > 1 && segments_[1].base_offset <= start_offset_) {
        const std::int64_t base = segments_.front().base_offset;
        segments_.erase(segments_.begin());
        if (IoStatus st = delete_segment_files(base); !st.ok()) {
            notes.push_back("could not delete segment " + std::to_string(base) +
                            " below the log start: " + st.error);
            break;
        }
    }
}

}  // namespace kraftlab::storage
