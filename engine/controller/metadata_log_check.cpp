#include "controller/metadata_log_check.h"

#include <algorithm>
#include <fstream>
#include <vector>

#include "protocol/record_batch.h"
#include "raft/wire.h"
#include "storage/segment.h"

namespace kraftlab::controller {

namespace fs = std::filesystem;
using protocol::BatchError;
using protocol::BatchIterator;
using protocol::Bytes;
using protocol::ByteView;

namespace {

std::optional<Bytes> read_file(const fs::path& path, std::string& why) {
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) {
        why = ec.message();
        return std::nullopt;
    }
    Bytes data(size);
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size))) {
        why = "cannot be read";
        return std::nullopt;
    }
    return data;
}

// True when an intact batch (length, magic, CRC) starts right after the bad batch at position:
// then the bad one is not the end of an interrupted write.
bool intact_batch_follows(ByteView data, std::size_t position) {
    if (data.size() - position < protocol::kRecordBatchHeaderBytes) return false;
    auto header = protocol::RecordBatchHeader::parse(data.subspan(position));
    if (!header || header->length < 0) return false;
    const std::uint64_t size = header->size_bytes();
    if (size > data.size() - position) return false;
    BatchIterator next(data.subspan(position + size), SIZE_MAX, /*check_crc=*/true);
    return next.next();
}

}  // namespace

std::optional<std::string> find_metadata_log_damage(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return std::nullopt;
    std::vector<std::int64_t> bases;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        std::error_code type_ec;
        if (!it->is_regular_file(type_ec)) continue;
        const auto base = storage::parse_segment_file_name(it->path().filename().string(), ".log");
        if (base && it->file_size(type_ec) > 0 && !type_ec) bases.push_back(*base);
    }
    if (ec) return "metadata log " + dir.string() + ": cannot be listed: " + ec.message();
    std::sort(bases.begin(), bases.end());

    std::optional<std::int64_t> expected;
    for (std::size_t i = 0; i < bases.size(); ++i) {
        const std::string name = storage::segment_stem(bases[i]) + ".log";
        const std::string where = "metadata log " + dir.string() + ": segment " + name;
        const bool tail = i + 1 == bases.size();
        if (expected && bases[i] != *expected) {
            return where + " starts at offset " + std::to_string(bases[i]) +
                   " but the segment before it ends at offset " + std::to_string(*expected);
        }
        std::string why;
        const auto data = read_file(dir / name, why);
        if (!data) return where + " " + why;
        std::int64_t next_offset = bases[i];
        BatchIterator it(ByteView(*data), SIZE_MAX, /*check_crc=*/true);
        std::optional<std::string> problem;
        std::size_t problem_at = 0;
        bool intact = false;  // the problem batch itself is intact (a wrong offset)
        while (it.next()) {
            if (it.header().base_offset != next_offset) {
                problem =
                    "the batch there starts at offset " + std::to_string(it.header().base_offset);
                problem_at = it.position();
                intact = true;
                break;
            }
            next_offset = it.header().last_offset() + 1;
        }
        if (!problem && it.error() != BatchError::None && it.valid_bytes() != data->size()) {
            problem = std::string(protocol::describe(it.error()));
            problem_at = it.valid_bytes();
        }
        if (problem) {
            if (tail && !intact && !intact_batch_follows(ByteView(*data), problem_at)) {
                return std::nullopt;  // a torn tail: recovery cuts it
            }
            return where + " is damaged at offset " + std::to_string(next_offset) + " (byte " +
                   std::to_string(problem_at) + " of " + std::to_string(data->size()) +
                   "): " + *problem +
                   (tail ? "; intact batches follow it, so it is not a torn write"
                         : "; it is not the last segment, so the data was complete");
        }
        expected = next_offset;
    }
    return std::nullopt;
}

std::optional<std::string> load_metadata_log(const fs::path& dir, std::int32_t max_epoch,
                                             MetadataLog& out) {
    if (auto damage = find_metadata_log_damage(dir)) return damage;
    auto opened = storage::PartitionLog::open(dir, {});
    if (!opened.log) return "metadata log " + dir.string() + ": " + opened.error;
    MetadataLog loaded;
    loaded.log = std::move(opened.log);
    loaded.repaired = opened.recovery.reason;
    const storage::PartitionLog& log = *loaded.log;
    std::int64_t offset = log.log_start_offset();
    const std::int64_t end = log.log_end_offset();
    std::int32_t last_epoch = 0;
    while (offset < end) {
        auto read = log.read(offset, 1 << 20, end);
        if (!read.ok() || read.data.empty()) {
            return "metadata log " + dir.string() + " cannot be read at offset " +
                   std::to_string(offset) + " (it ends at " + std::to_string(end) +
                   "): " + (read.ok() ? std::string("nothing there") : read.message);
        }
        std::string why;
        auto entries = raft::wire::batches_to_entries(read.data, &why);
        if (!entries) {
            return "metadata log " + dir.string() + " is damaged from offset " +
                   std::to_string(offset) + ": " + why;
        }
        for (auto& e : *entries) {
            if (e.epoch < last_epoch || e.epoch > max_epoch) {
                return "metadata log " + dir.string() + " is damaged at offset " +
                       std::to_string(e.base_offset) + ": the entry's epoch " +
                       std::to_string(e.epoch) + " is not between the previous entry's (" +
                       std::to_string(last_epoch) + ") and the quorum state's (" +
                       std::to_string(max_epoch) + ")";
            }
            last_epoch = e.epoch;
            loaded.entries.push_back(std::move(e));
        }
        offset = read.next_offset;
    }
    out = std::move(loaded);
    return std::nullopt;
}

}  // namespace kraftlab::controller
