// Opening a partition log after a clean close, a process crash or a power loss: find the segment
// files, trust or rebuild each index, check batches, and cut the log at the first bad or torn
// batch so that what remains is a contiguous run of valid batches.
//
// Cost: the tail segment is read in full (CRC of every batch, as Kafka does past its recovery
// point); an earlier segment only from its last index entry on, unless its index is bad.
#include <algorithm>
#include <array>

#include "storage/partition_log.h"

namespace kraftlab::storage {

using protocol::BatchError;
using protocol::Bytes;
using protocol::ByteView;
using protocol::kLogOverheadBytes;
using protocol::kRecordBatchHeaderBytes;
using protocol::RecordBatchHeader;

namespace {

// Index entries hold u32 positions; with 2 GiB segments every batch start fits.
constexpr std::uint64_t kMaxSegmentBytes = std::uint64_t{1} << 31;
constexpr std::size_t kScanChunkBytes = std::size_t{1} << 20;

// Where a scan stopped, and why, in words for the report.
struct Problem {
    std::uint64_t position = 0;
    std::uint64_t batch_bytes = 0;  // size of the bad batch when its length is sane, else 0
    bool torn = false;              // cut short (an interrupted write), not damaged
    std::string why;
};

// Reads a segment file front to back in chunks of 1 MiB (or one batch, if larger), so that a
// recovery scan costs a few large preads instead of two per batch. Memory is bounded by the
// largest batch, which is bounded by the file's size.
class SegmentScanner {
  public:
    SegmentScanner(const File& file, std::uint64_t file_size)
        : file_(file), file_size_(file_size) {}

    // Checks the batch at position: length, magic, CRC (validate_batch), that it starts at
    // expected_offset and that its offsets fit the segment's index. A bad batch sets problem;
    // only I/O errors come back as errors.
    IoStatus check(std::uint64_t position, std::int64_t expected_offset, std::int64_t segment_base,
                   RecordBatchHeader& header, std::optional<Problem>& problem) {
        problem.reset();
        auto bad = [&](bool torn, std::uint64_t batch_bytes, std::string why) {
            problem = Problem{position, batch_bytes, torn, std::move(why)};
            return IoStatus{};
        };
        if (position > UINT32_MAX) {
            return bad(false, 0, "the segment is longer than its index can address");
        }
        const std::uint64_t remaining = file_size_ - position;
        if (remaining < kLogOverheadBytes) {
            return bad(true, 0, std::string(describe(BatchError::Truncated)));
        }
        if (IoStatus st = ensure(position, kLogOverheadBytes); !st.ok()) return st;
        protocol::Reader length_reader(view(position, kLogOverheadBytes).subspan(8));
        const std::int32_t length = length_reader.i32();
        if (length < kMinBatchLength) {
            return bad(false, 0, std::string(describe(BatchError::InvalidLength)));
        }
        const std::uint64_t size = static_cast<std::uint64_t>(length) + kLogOverheadBytes;
        if (size > remaining) return bad(true, 0, std::string(describe(BatchError::Truncated)));
        if (IoStatus st = ensure(position, size); !st.ok()) return st;
        BatchError err = validate_batch(view(position, size), SIZE_MAX, &header);
        if (err != BatchError::None) {
            return bad(err == BatchError::Truncated, size, std::string(describe(err)));
        }
        if (header.base_offset != expected_offset) {
            return bad(false, size,
                       "the batch starts at offset " + std::to_string(header.base_offset) +
                           ", expected " + std::to_string(expected_offset));
        }
        if (header.last_offset() - segment_base > INT32_MAX) {
            return bad(false, size, "the batch's offsets lie too far past the segment's base");
        }
        return {};
    }

  private:
    IoStatus ensure(std::uint64_t position, std::uint64_t n) {
        if (position >= buffer_start_ && position + n <= buffer_start_ + buffer_bytes_) return {};
        std::uint64_t want = std::min<std::uint64_t>(std::max<std::uint64_t>(n, kScanChunkBytes),
                                                     file_size_ - position);
        if (buffer_.size() < want) buffer_.resize(want);
        buffer_bytes_ = 0;
        if (IoStatus st = file_.pread_exact(position, {buffer_.data(), want}); !st.ok()) return st;
        buffer_start_ = position;
        buffer_bytes_ = want;
        return {};
    }
    ByteView view(std::uint64_t position, std::uint64_t n) const {
        return {buffer_.data() + (position - buffer_start_), n};
    }

    const File& file_;
    std::uint64_t file_size_;
    Bytes buffer_;
    std::uint64_t buffer_start_ = 0;
    std::uint64_t buffer_bytes_ = 0;
};

// Batches that look whole (sane length, magic 2) from position on, without CRC checks: how many
// batches a cut drops, for the report.
int count_batches(const File& file, std::uint64_t position, std::uint64_t file_size) {
    int count = 0;
    std::array<std::uint8_t, kRecordBatchHeaderBytes> bytes;
    while (position + kRecordBatchHeaderBytes <= file_size &&
           file.pread_exact(position, bytes).ok()) {
        auto h = RecordBatchHeader::parse(bytes);
        if (h->length < kMinBatchLength || h->magic != protocol::kMagicV2 ||
            h->size_bytes() > file_size - position) {
            break;
        }
        ++count;
        position += h->size_bytes();
    }
    return count;
}

// "1 batch", "3 batches".
std::string count_words(long long n, const std::string& singular, const std::string& plural) {
    return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

}  // namespace

class LogRecovery {
  public:
    LogRecovery(PartitionLog& log, RecoveryReport& report) : log_(log), report_(report) {}

    IoStatus run() {
        std::vector<std::int64_t> bases;
        if (IoStatus st = list_segments(bases); !st.ok()) return st;
        if (bases.empty()) {
            Segment seg;  // a new log starts at offset 0
            DescriptorCache::Lease log, index;
            if (IoStatus st = log_.lease_files(seg, File::Mode::CreateTruncating, log, index);
                !st.ok()) {
                return st;
            }
            log_.segments_.push_back(std::move(seg));
            directory_dirty_ = true;
        }
        bool cut = false;
        for (std::size_t i = 0; i < bases.size() && !cut; ++i) {
            std::optional<std::int64_t> next_base;
            if (i + 1 < bases.size()) next_base = bases[i + 1];
            if (IoStatus st = load(bases[i], next_base, cut); !st.ok()) return st;
            if (cut) {
                if (IoStatus st = delete_later(bases, i + 1); !st.ok()) return st;
            }
        }
        if (directory_dirty_) {
            if (IoStatus st = sync_directory(log_.dir_); !st.ok()) return st;
        }
        // The recovered log is the durable log: everything in it has been fsynced above.
        for (Segment& seg : log_.segments_) {
            seg.flushed = seg.extent();
            seg.created_since_flush = false;
        }
        log_.flushed_offset_ = log_.log_end_offset();
        log_.load_log_start(notes_);

        report_.segments = log_.segment_count();
        report_.log_start_offset = log_.log_start_offset();
        report_.log_end_offset = log_.log_end_offset();
        for (const std::string& n : notes_) {
            if (!report_.reason.empty()) report_.reason += "; ";
            report_.reason += n;
        }
        return {};
    }

  private:
    // Segment base offsets in order. Stray files are left alone; an index whose log is gone and
    // an empty log file before the last one are leftovers, and are deleted.
    IoStatus list_segments(std::vector<std::int64_t>& bases) {
        std::vector<std::int64_t> index_bases;
        std::error_code ec;
        for (auto it = std::filesystem::directory_iterator(log_.dir_, ec);
             !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
            std::error_code type_ec;
            if (!it->is_regular_file(type_ec)) continue;
            std::string name = it->path().filename().string();
            if (auto b = parse_segment_file_name(name, ".log")) {
                bases.push_back(*b);
            } else if (auto b = parse_segment_file_name(name, ".index")) {
                index_bases.push_back(*b);
            }
        }
        if (ec) return {"list " + log_.dir_.string() + ": " + ec.message()};
        std::sort(bases.begin(), bases.end());
        for (std::int64_t b : index_bases) {
            if (!std::binary_search(bases.begin(), bases.end(), b)) {
                if (IoStatus st = remove_file(segment_index_path(log_.dir_, b)); !st.ok()) {
                    return st;
                }
            }
        }
        for (std::size_t i = 0; i + 1 < bases.size();) {
            std::uint64_t size =
                std::filesystem::file_size(segment_log_path(log_.dir_, bases[i]), ec);
            if (ec) return {"stat " + segment_stem(bases[i]) + ".log: " + ec.message()};
            if (size != 0) {
                ++i;
                continue;
            }
            notes_.push_back("removed the empty segment file " + segment_stem(bases[i]) + ".log");
            IoStatus st = remove_file(segment_log_path(log_.dir_, bases[i]));
            if (st.ok()) st = remove_file(segment_index_path(log_.dir_, bases[i]));
            if (!st.ok()) return st;
            bases.erase(bases.begin() + static_cast<std::ptrdiff_t>(i));
        }
        return {};
    }

    IoStatus remove_file(const std::filesystem::path& path) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        if (ec) return {"remove " + path.filename().string() + ": " + ec.message()};
        directory_dirty_ = true;
        return {};
    }

    // Loads one segment and appends it to the log. next_base is the following segment's base
    // offset (nullopt for the tail). Sets cut when the log must end in this segment.
    IoStatus load(std::int64_t base, std::optional<std::int64_t> next_base, bool& cut) {
        const std::string name = segment_stem(base) + ".log";
        Segment seg;
        seg.base_offset = base;
        seg.next_offset = base;
        std::uint64_t file_size = 0;
        std::error_code ec;
        const bool index_exists = std::filesystem::exists(segment_index_path(log_.dir_, base), ec);
        DescriptorCache::Lease log, index;
        if (IoStatus st = log_.lease_files(seg, File::Mode::CreateReadWrite, log, index);
            !st.ok()) {
            return st;
        }
        if (IoStatus st = log.file().size(file_size); !st.ok()) return st;

        std::optional<Bytes> disk_index;
        std::string index_why;
        if (index_exists) {
            if (IoStatus st = read_index(index.file(), file_size, disk_index, index_why);
                !st.ok()) {
                return st;
            }
        } else {
            index_why = "it is missing";
        }

        std::optional<Problem> problem;
        bool scanned = false;
        if (next_base && disk_index) {
            // A sealed segment: trust a well-formed index and check only the batches after its
            // last entry, which also yields the segment's end offset and max timestamp.
            auto entries = decode_index(*disk_index, file_size,
                                        static_cast<std::uint64_t>(*next_base - base), &index_why);
            if (entries) {
                if (!entries->empty()) {
                    const IndexEntry last = entries->back();
                    seg.index.assign(std::move(*entries));
                    seg.size_bytes = last.position;
                    seg.next_offset = base + last.relative_offset;
                    seg.max_timestamp_ms = last.max_timestamp_ms;
                }
                if (IoStatus st = scan(log.file(), seg, file_size, problem); !st.ok()) return st;
                // The index may be right and the data bad, or the reverse: the full scan decides.
                scanned = !problem;
                if (problem) index_why = "it does not match the segment's batches";
            }
        } else if (disk_index) {
            decode_index(*disk_index, file_size, UINT64_MAX, &index_why);
        }
        if (!scanned) {
            seg.reset_to({0, 0, base, kNoTimestamp});
            if (IoStatus st = scan(log.file(), seg, file_size, problem); !st.ok()) return st;
        }

        cut_note_ = notes_.size();
        if (problem) {
            const std::uint64_t cut_bytes = file_size - problem->position;
            int batches = 1;
            if (problem->batch_bytes > 0) {
                batches +=
                    count_batches(log.file(), problem->position + problem->batch_bytes, file_size);
            }
            report_.truncated_bytes += cut_bytes;
            report_.truncated_batches += batches;
            const char* kind = problem->torn ? "torn" : "corrupt";
            std::string bytes =
                "(" + count_words(static_cast<long long>(cut_bytes), "byte", "bytes") + ")";
            if (batches == 1) {
                notes_.push_back("truncated 1 " + std::string(kind) + " batch " + bytes +
                                 " at offset " + std::to_string(seg.next_offset) + " of segment " +
                                 name + ": " + problem->why);
            } else {
                notes_.push_back("truncated " + count_words(batches, "batch", "batches") + " " +
                                 bytes + " from offset " + std::to_string(seg.next_offset) +
                                 " of segment " + name + ", the first one " + kind + ": " +
                                 problem->why);
            }
            if (IoStatus st = log.file().truncate(problem->position); !st.ok()) return st;
            cut = true;
        } else if (next_base && seg.next_offset != *next_base) {
            notes_.push_back(
                "segment " + name + " ends at offset " + std::to_string(seg.next_offset) +
                " but the next segment file starts at offset " + std::to_string(*next_base));
            cut = true;
        }

        // The index on disk must equal what the batches give; dropping entries of batches a cut
        // removed is part of the cut, anything else is a rebuild.
        Bytes want = encode_index_entries(seg.index.entries(), 0, seg.index.size());
        bool same = disk_index && disk_index->size() == want.size() &&
                    std::equal(want.begin(), want.end(), disk_index->begin());
        bool cut_prefix = problem && disk_index && disk_index->size() >= want.size() &&
                          std::equal(want.begin(), want.end(), disk_index->begin());
        if (!same) {
            IoStatus st;
            if (!cut_prefix) {
                ++report_.indexes_rebuilt;
                if (index_why.empty()) index_why = "it does not match the segment's batches";
                notes_.push_back("rebuilt the index of segment " + name + ": " + index_why);
                st = index.file().pwrite_all(0, want);
                index.wrote();
            }
            if (st.ok()) st = index.file().truncate(want.size());
            if (!st.ok()) return st;
        }
        // Make the recovered state the durable state (a process crash may have left it in the
        // page cache only). Cheap when nothing is dirty.
        IoStatus st = log.sync();
        if (st.ok()) st = index.sync();
        if (!st.ok()) return st;
        log_.segments_.push_back(std::move(seg));
        return {};
    }

    // Reads the index file. disk stays nullopt, with why, when the file is larger than any index
    // of this segment could be (garbage; not worth reading).
    IoStatus read_index(const File& index_file, std::uint64_t log_bytes, std::optional<Bytes>& disk,
                        std::string& why) {
        std::uint64_t size = 0;
        if (IoStatus st = index_file.size(size); !st.ok()) return st;
        // Every entry stands for a batch of at least 61 bytes.
        const std::uint64_t bound = (log_bytes / kRecordBatchHeaderBytes + 1) * kIndexEntryBytes;
        if (size > bound) {
            why = "it is larger than any index of this segment could be";
            return {};
        }
        disk.emplace(size);
        return index_file.pread_exact(0, *disk);
    }

    // Continues the segment from its current end (size_bytes, next_offset) through the file,
    // adding each good batch as an append would; stops at the end or the first bad batch.
    IoStatus scan(const File& log_file, Segment& seg, std::uint64_t file_size,
                  std::optional<Problem>& problem) {
        SegmentScanner scanner(log_file, file_size);
        std::uint64_t position = seg.size_bytes;
        while (position < file_size) {
            RecordBatchHeader h;
            if (IoStatus st = scanner.check(position, seg.next_offset, seg.base_offset, h, problem);
                !st.ok() || problem) {
                return st;
            }
            seg.add_batch(h, position, log_.config_.index_interval_bytes);
            position += h.size_bytes();
        }
        return {};
    }

    // Deletes the segments from bases[from] on: they follow a cut.
    IoStatus delete_later(const std::vector<std::int64_t>& bases, std::size_t from) {
        if (from >= bases.size()) return {};
        std::uint64_t bytes = 0;
        int batches = 0;
        for (std::size_t i = from; i < bases.size(); ++i) {
            File f;
            std::uint64_t size = 0;
            if (f.open(segment_log_path(log_.dir_, bases[i]), File::Mode::ReadOnly).ok() &&
                f.size(size).ok()) {
                bytes += size;
                batches += count_batches(f, 0, size);
            }
            f.close();
            IoStatus st = remove_file(segment_log_path(log_.dir_, bases[i]));
            if (st.ok()) st = remove_file(segment_index_path(log_.dir_, bases[i]));
            if (!st.ok()) return st;
        }
        report_.truncated_bytes += bytes;
        report_.truncated_batches += batches;
        notes_[cut_note_] += ", so deleted " +
                             count_words(static_cast<long long>(bases.size() - from),
                                         "later segment", "later segments") +
                             " (" + count_words(static_cast<long long>(bytes), "byte", "bytes") +
                             ", " + count_words(batches, "batch", "batches") + ")";
        return {};
    }

    PartitionLog& log_;
    RecoveryReport& report_;
    std::vector<std::string> notes_;
    std::size_t cut_note_ = 0;  // the note that explains the cut, which delete_later extends
    bool directory_dirty_ = false;
};

OpenResult PartitionLog::open(std::filesystem::path dir, LogConfig config) {
    OpenResult r;
    if (config.segment_bytes < kRecordBatchHeaderBytes || config.segment_bytes > kMaxSegmentBytes) {
        r.error = "segment_bytes must be between 61 and 2 GiB, not " +
                  std::to_string(config.segment_bytes);
        return r;
    }
    if (config.max_batch_bytes < kRecordBatchHeaderBytes ||
        config.max_batch_bytes > kMaxSegmentBytes) {
        r.error = "max_batch_bytes must be between 61 and 2 GiB, not " +
                  std::to_string(config.max_batch_bytes);
        return r;
    }
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir, ec)) {
        r.error = "cannot use " + dir.string() + " as a partition directory" +
                  (ec ? ": " + ec.message() : ": it is not a directory");
        return r;
    }
    std::unique_ptr<PartitionLog> log(new PartitionLog(dir, config));
    LogRecovery recovery(*log, r.recovery);
    if (IoStatus st = recovery.run(); !st.ok()) {
        r.error = "recovering " + dir.string() + ": " + st.error;
        r.recovery = {};
        return r;
    }
    log->rebuild_producer_state();
    if (!log->producer_state_note().empty()) {
        r.recovery.reason += (r.recovery.reason.empty() ? "" : "; ") + log->producer_state_note();
    }
    r.log = std::move(log);
    return r;
}

}  // namespace kraftlab::storage
