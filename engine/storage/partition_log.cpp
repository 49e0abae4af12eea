// PartitionLog: appends, reads, lookups, truncation and durability. Opening and recovery are in
// log_recovery.cpp.
#include "storage/partition_log.h"

#include <atomic>

#include <algorithm>
#include <system_error>

namespace kraftlab::storage {

using protocol::BatchError;
using protocol::BatchIterator;
using protocol::ByteView;
using protocol::ErrorCode;
using protocol::kRecordBatchHeaderBytes;
using protocol::RecordBatchHeader;

namespace {

LogStatus storage_error(std::string message) {
    return {ErrorCode::KAFKA_STORAGE_ERROR, std::move(message)};
}

}  // namespace

namespace {
std::atomic<std::uint64_t> next_log_instance{1};
}  // namespace

PartitionLog::PartitionLog(std::filesystem::path dir, LogConfig config)
    : dir_(std::move(dir)), config_(config), instance_(next_log_instance++) {}

void PartitionLog::set_segment_bytes(std::uint64_t bytes) {
    config_.segment_bytes =
        std::clamp<std::uint64_t>(bytes, protocol::kRecordBatchHeaderBytes, std::uint64_t{1} << 31);
}

PartitionLog::~PartitionLog() {
    DescriptorCache::instance().forget_owner(instance_);
}

IoStatus PartitionLog::lease_files(const Segment& segment, File::Mode mode,
                                   DescriptorCache::Lease& log,
                                   DescriptorCache::Lease& index) const {
    DescriptorCache& cache = DescriptorCache::instance();
    if (IoStatus st = cache.acquire(key_of(segment.base_offset, FileKey::Kind::Index),
                                    segment_index_path(dir_, segment.base_offset), mode, index);
        !st.ok()) {
        return st;
    }
    return cache.acquire(key_of(segment.base_offset, FileKey::Kind::Log),
                         segment_log_path(dir_, segment.base_offset), mode, log);
}

IoStatus PartitionLog::lease_log(const Segment& segment, DescriptorCache::Lease& log) const {
    return DescriptorCache::instance().acquire(key_of(segment.base_offset, FileKey::Kind::Log),
                                               segment_log_path(dir_, segment.base_offset),
                                               File::Mode::ReadWrite, log);
}

std::uint64_t PartitionLog::size_bytes() const {
    std::uint64_t total = 0;
    for (const Segment& s : segments_)
        total += s.size_bytes;
    return total;
}

bool PartitionLog::remove(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return !ec;
}

LogStatus PartitionLog::check_online() const {
    if (!offline()) return {};
    return storage_error("the log in " + dir_.string() + " is offline: " + offline_reason_);
}

LogStatus PartitionLog::go_offline(std::string reason) {
    offline_reason_ = reason;
    return storage_error(std::move(reason));
}

// ---------------------------------------------------------------------------------------------
// Appends

LogStatus PartitionLog::split_batches(ByteView data, std::vector<Batch>& out) const {
    if (data.empty()) return {ErrorCode::CORRUPT_MESSAGE, "no record batches to append"};
    // Structure only: the caller checked CRCs with validate_batch, and checking them twice would
    // cost a second pass over every produced byte.
    BatchIterator it(data, config_.max_batch_bytes);
    while (it.next()) {
        if (it.header().last_offset_delta < 0) {
            return {ErrorCode::CORRUPT_MESSAGE,
                    "the batch at byte " + std::to_string(it.position()) +
                        " of the append has a negative last offset delta"};
        }
        out.push_back({it.position(), it.header()});
    }
    if (it.error() != BatchError::None) {
        return {it.error() == BatchError::TooLarge ? ErrorCode::MESSAGE_TOO_LARGE
                                                   : ErrorCode::CORRUPT_MESSAGE,
                "the batch at byte " + std::to_string(it.valid_bytes()) +
                    " of the append: " + std::string(protocol::describe(it.error()))};
    }
    return {};
}

AppendResult PartitionLog::append_as_leader(std::span<std::uint8_t> batches,
                                            std::int32_t leader_epoch) {
    if (LogStatus st = check_online(); !st.ok()) return {st};
    std::vector<Batch> split;
    if (LogStatus st = split_batches(batches, split); !st.ok()) return {st};
    std::vector<RecordBatchHeader> headers;
    headers.reserve(split.size());
    for (const Batch& b : split)
        headers.push_back(b.header);
    ProducerCheck verdict = producers_.check_append(headers);
    if (verdict.kind == ProducerCheck::Kind::Reject) return {{verdict.error, verdict.reason}};
    if (verdict.kind == ProducerCheck::Kind::Duplicate) {
        AppendResult r;
        r.first_offset = verdict.duplicate.first_offset;
        r.last_offset = verdict.duplicate.last_offset;
        r.duplicate = true;
        return r;
    }
    std::int64_t next = log_end_offset();
    for (Batch& b : split) {
        if (b.header.last_offset_delta > INT64_MAX - 1 - next) {
            return {{ErrorCode::CORRUPT_MESSAGE, "offsets would overflow a 64-bit integer"}};
        }
        protocol::stamp_batch(batches.subspan(b.position, b.header.size_bytes()), next,
                              leader_epoch);
        b.header.base_offset = next;
        b.header.partition_leader_epoch = leader_epoch;
        next = b.header.next_offset();
    }
    return append_batches(batches, split);
}

AppendResult PartitionLog::append_replicated(std::span<const std::uint8_t> batches) {
    if (LogStatus st = check_online(); !st.ok()) return {st};
    std::vector<Batch> split;
    if (LogStatus st = split_batches(batches, split); !st.ok()) return {st};
    std::int64_t expected = log_end_offset();
    for (const Batch& b : split) {
        if (b.header.base_offset != expected) {
            return {{ErrorCode::OFFSET_OUT_OF_RANGE,
                     "the replicated batch at byte " + std::to_string(b.position) +
                         " starts at offset " + std::to_string(b.header.base_offset) +
                         ", expected " + std::to_string(expected) +
                         (&b == &split.front() ? " (the log end offset)" : "")}};
        }
        if (b.header.last_offset_delta > INT64_MAX - 1 - expected) {
            return {{ErrorCode::CORRUPT_MESSAGE, "offsets would overflow a 64-bit integer"}};
        }
        expected = b.header.next_offset();
    }
    return append_batches(batches, split);
}

AppendResult PartitionLog::append_batches(ByteView data, const std::vector<Batch>& batches) {
    const std::int64_t old_end_offset = log_end_offset();
    const std::size_t old_segment_count = segments_.size();
    // Batches go to the active segment in runs; a run ends where a batch would not fit.
    std::size_t run_start = 0;
    std::uint64_t run_bytes = 0;
    IoStatus io;
    for (std::size_t i = 0; i < batches.size() && io.ok(); ++i) {
        const RecordBatchHeader& h = batches[i].header;
        const Segment& active = segments_.back();
        std::uint64_t filled = active.size_bytes + run_bytes;
        // A batch never spans segments; one larger than segment_bytes fills a segment alone.
        // Relative offsets in the index are u32; like Kafka, roll before they pass INT32_MAX.
        bool too_big = filled + h.size_bytes() > config_.segment_bytes;
        bool too_far = h.last_offset() - active.base_offset > INT32_MAX;
        if (filled > 0 && (too_big || too_far)) {
            if (i > run_start) io = write_to_active(data, batches, run_start, i);
            if (io.ok()) io = roll(h.base_offset);
            run_start = i;
            run_bytes = 0;
        }
        run_bytes += h.size_bytes();
    }
    if (io.ok()) io = write_to_active(data, batches, run_start, batches.size());

    if (!io.ok()) {
        // Put disk and memory back to the log before this append. Partial bytes past the active
        // segment's known size go first, then whole runs already written.
        Segment& active = segments_.back();
        DescriptorCache::Lease log, index;
        IoStatus undo = lease_files(active, File::Mode::ReadWrite, log, index);
        if (undo.ok()) undo = log.file().truncate(active.size_bytes);
        if (undo.ok()) undo = index.file().truncate(active.index.size() * kIndexEntryBytes);
        log.release();
        index.release();
        LogStatus back = undo.ok() ? truncate_segments(old_end_offset) : storage_error(undo.error);
        if (!back.ok()) {
            return {go_offline(io.error + "; undoing the append failed too: " + back.message)};
        }
        return {storage_error(io.error)};
    }
    for (const Batch& b : batches)
        producers_.record(b.header);
    // A roll seals a segment: a snapshot at LEO spares the next open() reading it for producers.
    if (segments_.size() > old_segment_count) {
        (void)write_producer_snapshot();
    }
    AppendResult r;
    r.first_offset = batches.front().header.base_offset;
    r.last_offset = batches.back().header.last_offset();
    r.bytes_written = data.size();
    return r;
}

IoStatus PartitionLog::write_to_active(ByteView data, const std::vector<Batch>& batches,
                                       std::size_t from, std::size_t to) {
    Segment& seg = segments_.back();
    DescriptorCache::Lease log, index;
    if (IoStatus st = lease_files(seg, File::Mode::ReadWrite, log, index); !st.ok()) return st;
    const SegmentExtent before = seg.extent();
    const std::uint64_t begin = batches[from].position;
    const std::uint64_t end = batches[to - 1].position + batches[to - 1].header.size_bytes();
    std::uint64_t position = before.size_bytes;
    for (std::size_t i = from; i < to; ++i) {
        seg.add_batch(batches[i].header, position, config_.index_interval_bytes);
        position += batches[i].header.size_bytes();
    }
    IoStatus st = log.file().pwrite_all(before.size_bytes, data.subspan(begin, end - begin));
    log.wrote();  // even a failed pwrite may have written part
    if (st.ok() && seg.index.size() > before.index_entries) {
        auto bytes =
            encode_index_entries(seg.index.entries(), before.index_entries, seg.index.size());
        st = index.file().pwrite_all(before.index_entries * kIndexEntryBytes, bytes);
        index.wrote();
    }
    if (!st.ok()) seg.reset_to(before);
    return st;
}

IoStatus PartitionLog::roll(std::int64_t base_offset) {
    Segment seg;
    seg.base_offset = base_offset;
    seg.next_offset = base_offset;
    seg.flushed = seg.extent();
    seg.created_since_flush = true;
    // Truncating: a file of that name can only be a leftover of a segment dropped earlier.
    DescriptorCache::instance().forget(key_of(base_offset, FileKey::Kind::Index));
    DescriptorCache::instance().forget(key_of(base_offset, FileKey::Kind::Log));
    DescriptorCache::Lease log, index;
    if (IoStatus st = lease_files(seg, File::Mode::CreateTruncating, log, index); !st.ok()) {
        return st;
    }
    directory_dirty_ = true;
    ++directory_changes_;
    // The sealed segment's descriptors go idle in the cache; flush() reopens it if it still has
    // writes to fsync (fsync acts on the file, not on the descriptor).
    segments_.push_back(std::move(seg));
    return {};
}

IoStatus PartitionLog::delete_segment_files(std::int64_t base_offset) {
    DescriptorCache::instance().forget(key_of(base_offset, FileKey::Kind::Index));
    DescriptorCache::instance().forget(key_of(base_offset, FileKey::Kind::Log));
    directory_dirty_ = true;
    ++directory_changes_;
    std::error_code ec;
    for (const auto& path :
         {segment_log_path(dir_, base_offset), segment_index_path(dir_, base_offset)}) {
        std::filesystem::remove(path, ec);
        if (ec) return {"remove " + path.filename().string() + ": " + ec.message()};
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// Reads

std::size_t PartitionLog::segment_index_for(std::int64_t offset) const {
    auto it =
        std::upper_bound(segments_.begin(), segments_.end(), offset,
                         [](std::int64_t off, const Segment& s) { return off < s.base_offset; });
    return it == segments_.begin() ? 0 : static_cast<std::size_t>(it - segments_.begin() - 1);
}

ReadResult PartitionLog::read(std::int64_t offset, std::size_t max_bytes,
                              std::int64_t max_offset) const {
    ReadResult r;
    if (LogStatus st = check_online(); !st.ok()) return {st};
    const std::int64_t end_offset = log_end_offset();
    if (offset < log_start_offset() || offset > end_offset) {
        r.error = ErrorCode::OFFSET_OUT_OF_RANGE;
        r.message = "offset " + std::to_string(offset) + " is outside the log [" +
                    std::to_string(log_start_offset()) + ", " + std::to_string(end_offset) + "]";
        return r;
    }
    r.next_offset = offset;
    if (offset == end_offset || offset >= max_offset) return r;

    // Damage or an I/O error inside the log takes it offline (Kafka's log dir failure): every
    // later call says so, and the broker moves its leaderships away
    // (LogFlusher::check_failed_logs).
    auto fail = [&](const IoStatus& st) {
        offline_reason_ = st.error;
        ReadResult bad;
        bad.error = ErrorCode::KAFKA_STORAGE_ERROR;
        bad.message = st.error;
        return bad;
    };
    std::uint64_t budget_bytes = max_bytes;
    std::int64_t next = offset;
    for (std::size_t i = segment_index_for(offset); i < segments_.size(); ++i) {
        const Segment& seg = segments_[i];
        if (next >= seg.next_offset) continue;
        DescriptorCache::Lease lease;
        if (IoStatus st = lease_log(seg, lease); !st.ok()) return fail(st);
        const File* file = &lease.file();
        BatchLocation first;
        if (IoStatus st = locate_batch(*file, seg, next, first); !st.ok()) return fail(st);
        if (first.header.last_offset() >= max_offset) break;
        // Where this segment's readable part ends: at the batch holding max_offset, if any.
        std::uint64_t end = seg.size_bytes;
        if (max_offset < seg.next_offset) {
            BatchLocation stop;
            if (IoStatus st = locate_batch(*file, seg, max_offset, stop); !st.ok()) return fail(st);
            end = stop.position;
        }
        const std::uint64_t available = end - first.position;
        // KIP-74: the first batch of a response comes whole even when it exceeds max_bytes.
        std::uint64_t allowed = budget_bytes;
        if (r.data.empty()) allowed = std::max<std::uint64_t>(allowed, first.header.size_bytes());
        const std::uint64_t want = std::min(available, allowed);
        if (want < first.header.size_bytes()) break;

        // One pread for the whole run, then keep whole batches only.
        const std::size_t old_size = r.data.size();
        r.data.resize(old_size + want);
        std::span<std::uint8_t> got(r.data.data() + old_size, want);
        if (IoStatus st = file->pread_exact(first.position, got); !st.ok()) return fail(st);
        std::size_t keep = 0;
        std::int64_t expected = first.header.base_offset;
        while (keep + kRecordBatchHeaderBytes <= got.size()) {
            auto h = RecordBatchHeader::parse(got.subspan(keep));
            if (h->base_offset != expected || h->length < kMinBatchLength) {
                return fail({"segment " + segment_stem(seg.base_offset) +
                             ".log is damaged at byte " + std::to_string(first.position + keep)});
            }
            if (keep + h->size_bytes() > got.size()) break;
            // Recovery checks CRCs in the tail segment only; damage in a sealed one is found
            // here, before a consumer or a follower gets it (CRC-32C runs at memory speed).
            if (auto err =
                    protocol::validate_batch(got.subspan(keep, h->size_bytes()), SIZE_MAX, nullptr);
                err != BatchError::None) {
                return fail({"segment " + segment_stem(seg.base_offset) +
                             ".log is damaged at byte " + std::to_string(first.position + keep) +
                             " (offset " + std::to_string(expected) +
                             "): " + std::string(protocol::describe(err))});
            }
            keep += h->size_bytes();
            expected = h->next_offset();
        }
        r.data.resize(old_size + keep);
        if (r.first_offset < 0) r.first_offset = first.header.base_offset;
        next = expected;
        budget_bytes = keep >= budget_bytes ? 0 : budget_bytes - keep;
        if (keep < available || end < seg.size_bytes) break;
    }
    r.next_offset = next;
    return r;
}

TimestampResult PartitionLog::find_batch_for_timestamp(std::int64_t timestamp_ms) const {
    TimestampResult r;
    if (LogStatus st = check_online(); !st.ok()) return {st};
    auto fail = [&](const IoStatus& st) {
        offline_reason_ = st.error;  // as in read()
        TimestampResult bad;
        bad.error = ErrorCode::KAFKA_STORAGE_ERROR;
        bad.message = st.error;
        return bad;
    };
    for (const Segment& seg : segments_) {
        // Every batch of an earlier segment is older than timestamp_ms.
        if (seg.empty() || seg.max_timestamp_ms < timestamp_ms) continue;
        DescriptorCache::Lease lease;
        if (IoStatus st = lease_log(seg, lease); !st.ok()) return fail(st);
        const File* file = &lease.file();
        std::uint64_t position = 0;
        std::int64_t expected = seg.base_offset;
        if (const IndexEntry* e = seg.index.last_before_timestamp(timestamp_ms)) {
            position = e->position;
            expected = seg.base_offset + e->relative_offset;
        }
        while (position < seg.size_bytes) {
            RecordBatchHeader h;
            if (IoStatus st = read_batch_header(*file, seg, position, expected, h); !st.ok()) {
                return fail(st);
            }
            if (h.max_timestamp >= timestamp_ms) {
                TimestampLookup found{h.base_offset, protocol::Bytes(h.size_bytes())};
                if (IoStatus st = file->pread_exact(position, found.batch); !st.ok()) {
                    return fail(st);
                }
                r.found = std::move(found);
                return r;
            }
            position += h.size_bytes();
            expected = h.next_offset();
        }
    }
    return r;
}

// ---------------------------------------------------------------------------------------------
// Truncation and durability

LogStatus PartitionLog::truncate_to(std::int64_t offset) {
    if (LogStatus st = check_online(); !st.ok()) return st;
    const std::int64_t before = log_end_offset();
    LogStatus st = truncate_segments(offset);
    if (!st.ok()) return go_offline(st.message);
    if (log_end_offset() != before) rebuild_producer_state();
    return st;
}

LogStatus PartitionLog::truncate_segments(std::int64_t offset) {
    if (offset >= log_end_offset()) return {};
    std::size_t keep = 0;  // the segment the cut falls in
    std::uint64_t cut_position = 0;
    if (offset > segments_.front().base_offset) {
        keep = segment_index_for(offset);
        const Segment& seg = segments_[keep];
        if (offset >= seg.next_offset) {
            cut_position = seg.size_bytes;  // only later segments go
        } else {
            DescriptorCache::Lease lease;
            BatchLocation loc;
            IoStatus st = lease_log(seg, lease);
            if (st.ok()) st = locate_batch(lease.file(), seg, offset, loc);
            if (!st.ok()) return storage_error(st.error);
            cut_position = loc.position;
        }
    }
    // A cut at the very start of a later segment drops that segment too.
    std::size_t keep_count = (cut_position == 0 && keep > 0) ? keep : keep + 1;
    while (segments_.size() > keep_count) {
        std::int64_t base = segments_.back().base_offset;
        segments_.pop_back();
        if (IoStatus st = delete_segment_files(base); !st.ok()) return storage_error(st.error);
    }
    Segment& active = segments_.back();
    if (keep_count == keep + 1 && cut_position < active.size_bytes) {
        if (IoStatus st = cut_segment(active, cut_position); !st.ok()) {
            return storage_error(st.error);
        }
    }
    flushed_offset_ = std::min(flushed_offset_, log_end_offset());
    // A cut below the logical start leaves nothing before LEO to hide.
    start_offset_ = std::min(start_offset_, log_end_offset());
    ++cuts_;
    return {};
}

IoStatus PartitionLog::cut_segment(Segment& seg, std::uint64_t size_bytes) {
    DescriptorCache::Lease log, index;
    if (IoStatus st = lease_files(seg, File::Mode::ReadWrite, log, index); !st.ok()) return st;
    IoStatus st = log.file().truncate(size_bytes);
    seg.index.drop_from_position(size_bytes);
    if (st.ok()) st = index.file().truncate(seg.index.size() * kIndexEntryBytes);
    // The cut is made durable at once, so that a power loss cannot bring back the dropped
    // batches (a follower truncates exactly because they diverge from the leader).
    if (st.ok()) st = log.sync();
    if (st.ok()) st = index.sync();
    if (!st.ok()) return st;
    // Reread the offsets and max timestamp of what remains: headers from the last index entry
    // on, at most about index_interval_bytes of them.
    std::uint64_t position = 0;
    std::int64_t expected = seg.base_offset;
    std::int64_t max_timestamp_ms = kNoTimestamp;
    if (!seg.index.entries().empty()) {
        const IndexEntry& last = seg.index.entries().back();
        position = last.position;
        expected = seg.base_offset + last.relative_offset;
        max_timestamp_ms = last.max_timestamp_ms;
    }
    seg.size_bytes = size_bytes;
    while (position < size_bytes) {
        RecordBatchHeader h;
        if (st = read_batch_header(log.file(), seg, position, expected, h); !st.ok()) return st;
        max_timestamp_ms = std::max(max_timestamp_ms, h.max_timestamp);
        position += h.size_bytes();
        expected = h.next_offset();
    }
    seg.next_offset = expected;
    seg.max_timestamp_ms = max_timestamp_ms;
    // What stays was either flushed before or has just been synced with the cut.
    seg.flushed = seg.extent();
    return {};
}

LogStatus PartitionLog::flush() {
    FlushJob job;
    if (LogStatus st = prepare_flush(job); !st.ok()) return st;
    job.run();
    return finish_flush(job);
}

LogStatus PartitionLog::prepare_flush(FlushJob& job) {
    job = FlushJob{};
    if (LogStatus st = check_online(); !st.ok()) return st;
    // Every write of this log so far (on this thread) is below the mark.
    job.write_mark_ = DescriptorCache::instance().write_mark();
    for (Segment& seg : segments_) {
        if (!seg.created_since_flush && seg.extent() == seg.flushed) continue;
        job.items_.push_back({seg.base_offset, seg.extent()});
    }
    job.sync_directory_ = directory_dirty_;
    job.dir_ = dir_;
    job.instance_ = instance_;
    job.cuts_ = cuts_;
    job.directory_changes_ = directory_changes_;
    job.log_end_offset_ = log_end_offset();
    return {};
}

IoStatus PartitionLog::FlushJob::run() {
    ran_ = true;
    // Descriptors of its own, one file at a time: fdatasync acts on the file, so it also makes
    // durable what was written through the cache's descriptors, and a job never pins the cache
    // (the log may be cut or closed on its thread meanwhile).
    DescriptorCache& cache = DescriptorCache::instance();
    for (const Item& item : items_) {
        for (auto kind : {FileKey::Kind::Log, FileKey::Kind::Index}) {
            File file;
            const auto path = kind == FileKey::Kind::Log
                                  ? segment_log_path(dir_, item.base_offset)
                                  : segment_index_path(dir_, item.base_offset);
            result_ = file.open(path, File::Mode::ReadWrite);
            if (result_.ok()) result_ = file.sync();
            if (!result_.ok()) return result_;
            cache.synced_through({instance_, item.base_offset, kind}, write_mark_);
        }
    }
    if (sync_directory_) result_ = sync_directory(dir_);
    return result_;
}

LogStatus PartitionLog::finish_flush(FlushJob& job) {
    if (offline() || job.instance_ != instance_ || job.empty() || !job.ran_) return {};
    // Cut meanwhile: what it synced may be gone, and a file it meant to sync may have been
    // deleted by the cut (its run() then failed to open it), which is no error of the log.
    if (job.cuts_ != cuts_) return {};
    if (!job.result_.ok()) return go_offline(job.result_.error);
    std::size_t i = 0;
    for (const FlushJob::Item& item : job.items_) {
        while (i < segments_.size() && segments_[i].base_offset < item.base_offset)
            ++i;
        if (i == segments_.size() || segments_[i].base_offset != item.base_offset) continue;
        segments_[i].flushed = item.extent;
        segments_[i].created_since_flush = false;
    }
    if (job.sync_directory_ && job.directory_changes_ == directory_changes_) {
        directory_dirty_ = false;
    }
    flushed_offset_ = std::max(flushed_offset_, job.log_end_offset_);
    return {};
}

LogStatus PartitionLog::discard_unflushed() {
    if (LogStatus st = check_online(); !st.ok()) return st;
    // Segments created after the last flush were never made durable: they vanish whole.
    while (segments_.size() > 1 && segments_.back().created_since_flush) {
        std::int64_t base = segments_.back().base_offset;
        segments_.pop_back();
        if (IoStatus st = delete_segment_files(base); !st.ok()) return go_offline(st.error);
    }
    for (Segment& seg : segments_) {
        if (seg.extent() == seg.flushed) continue;
        DescriptorCache::Lease log, index;
        IoStatus st = lease_files(seg, File::Mode::ReadWrite, log, index);
        if (st.ok()) st = log.file().truncate(seg.flushed.size_bytes);
        if (st.ok()) st = index.file().truncate(seg.flushed.index_entries * kIndexEntryBytes);
        if (!st.ok()) return go_offline(st.error);
        seg.reset_to(seg.flushed);
    }
    flushed_offset_ = log_end_offset();
    ++cuts_;
    rebuild_producer_state();
    return {};
}

LogStatus PartitionLog::close() {
    if (!offline()) (void)write_producer_snapshot();
    LogStatus st = offline() ? LogStatus{} : flush();
    DescriptorCache::instance().forget_owner(instance_);
    if (!offline()) offline_reason_ = "the log is closed";
    return st;
}

}  // namespace kraftlab::storage
