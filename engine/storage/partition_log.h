// The log of one partition replica on disk: `<session>/broker-<id>/<topic>-<partition>/`.
//
// Record batches (v2) are stored exactly as received, in segments of at most segment_bytes named
// by their base offset, each with a sparse index (segment.h, offset_index.h). Only the leader
// changes a batch: it writes BaseOffset and PartitionLeaderEpoch, which the CRC does not cover.
// Reads return whole stored batches; the caller (the fetch path) sends them unchanged.
//
// Durability: appends reach the OS page cache; flush() fsyncs. A process crash keeps what was
// written; a power loss keeps what was flushed (discard_unflushed() models it). Opening the log
// recovers from either: the tail segment is checked batch by batch (length, magic, CRC-32C,
// offset continuity) and cut at the first bad or torn batch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/errors.h"
#include "protocol/record_batch.h"
#include "storage/descriptor_cache.h"
#include "storage/file.h"
#include "storage/producer_state.h"
#include "storage/segment.h"

namespace kraftlab::storage {

struct LogConfig {
    // A segment is rolled when the next batch would take it past this size. At most 2 GiB: index
    // entries hold u32 positions. Kafka's log.segment.bytes is 1 GiB; the lab's is smaller so
    // that demos show rolls.
    std::uint64_t segment_bytes = 16 * 1024 * 1024;
    // Log bytes between two index entries, at least: a lookup reads at most about this many bytes
    // of batch headers after the index (Kafka's log.index.interval.bytes).
    std::uint32_t index_interval_bytes = 4096;
    // The largest batch an append accepts, in bytes with its 12-byte log overhead (Kafka's
    // message.max.bytes). Recovery does not apply it, so lowering it never cuts stored data.
    std::size_t max_batch_bytes = 1024 * 1024 + 12;
};

// What open() found and repaired, for the broker's event log and the UI.
struct RecoveryReport {
    int segments = 0;  // after recovery
    std::int64_t log_start_offset = 0;
    std::int64_t log_end_offset = 0;
    std::uint64_t truncated_bytes = 0;  // log bytes cut off or deleted
    int truncated_batches = 0;  // the first bad batch plus the intact batches counted after it
    int indexes_rebuilt = 0;
    // Plain words, one clause per repair joined by "; "; empty when the log was clean. E.g.
    // "truncated 1 torn batch (812 bytes) at offset 4120 of segment 00000000000000004000.log:
    // the batch is cut short".
    std::string reason;
    bool clean() const { return reason.empty(); }
};

// Errors are values: error is a Kafka code (OFFSET_OUT_OF_RANGE, CORRUPT_MESSAGE,
// MESSAGE_TOO_LARGE, KAFKA_STORAGE_ERROR ...) the broker can put on the wire, message says why.
struct LogStatus {
    protocol::ErrorCode error = protocol::ErrorCode::NONE;
    std::string message;
    bool ok() const { return error == protocol::ErrorCode::NONE; }
};

struct AppendResult : LogStatus {
    std::int64_t first_offset = -1;  // base offset of the first batch written
    std::int64_t last_offset = -1;   // last offset of the last batch written
    std::uint64_t bytes_written = 0;
    // A leader append that an idempotent producer's retry made: nothing was written, and
    // first_offset/last_offset are where the batch already is (producer_state.h).
    bool duplicate = false;
};

struct ReadResult : LogStatus {
    // Whole batches, back to back, exactly as stored. Empty when offset == LEO or when the batch
    // holding offset reaches max_offset (a consumer already at the high watermark).
    protocol::Bytes data{};
    std::int64_t first_offset = -1;  // base offset of the first batch in data, -1 when empty
    std::int64_t next_offset = -1;   // one past the last offset in data; the asked offset if empty
};

struct TimestampLookup {
    std::int64_t base_offset = 0;
    protocol::Bytes batch{};  // the whole stored batch
};

struct TimestampResult : LogStatus {
    std::optional<TimestampLookup> found{};  // nullopt: no batch reaches the timestamp
};

struct OpenResult;

// Single-threaded: owned and called by one broker thread; nothing here locks. read() and the
// other const calls may reopen files, so they are not safe to call concurrently either.
//
// Descriptors: the log holds none of its own. Each call leases the files it needs from
// DescriptorCache::instance(), which keeps recently used ones open within the process's budget,
// so an idle partition may hold no descriptor at all (FlushJob::run() opens and closes its own).
//
// Invariants: segments cover [log_start_offset, log_end_offset) with no gap or overlap, each
// segment's batches are contiguous, the last segment is the active one. After an I/O error that
// leaves disk and memory in doubt, or after close(), the log is offline: every call reports
// KAFKA_STORAGE_ERROR (as Kafka takes a failed log dir offline) and the broker reopens it.
class PartitionLog {
  public:
    // Opens the partition's directory (creating it if needed) and recovers; see RecoveryReport.
    // A bad config, an unusable directory or an I/O error comes back as OpenResult::error.
    static OpenResult open(std::filesystem::path dir, LogConfig config);
    // Deletes a partition's directory and everything in it (topic deletion). The log must be
    // closed (or destroyed) first. False if the directory could not be removed.
    static bool remove(const std::filesystem::path& dir);

    PartitionLog(const PartitionLog&) = delete;
    PartitionLog& operator=(const PartitionLog&) = delete;
    // Closes descriptors without fsync: like a process exit, the OS keeps what was written.
    ~PartitionLog();

    // The first offset readers see: the first segment's base, or later after DeleteRecords moved
    // it (advance_log_start). Never above LEO.
    std::int64_t log_start_offset() const {
        return std::min(std::max(start_offset_, segments_.front().base_offset), log_end_offset());
    }
    // The next offset to assign (LEO).
    std::int64_t log_end_offset() const { return segments_.back().next_offset; }
    // Log bytes in all segments (indexes not counted).
    std::uint64_t size_bytes() const;
    int segment_count() const { return static_cast<int>(segments_.size()); }
    const std::filesystem::path& directory() const { return dir_; }
    const LogConfig& config() const { return config_; }
    // The topic's segment.bytes changed (or became known after open()): the next roll uses it.
    // Clamped to what open() accepts, 61 bytes to 2 GiB.
    void set_segment_bytes(std::uint64_t bytes);
    bool offline() const { return !offline_reason_.empty(); }
    const std::string& offline_reason() const { return offline_reason_; }

    // Leader append. batches holds one or more v2 batches the caller already checked with
    // protocol::validate_batch. Batches with a producer id are first checked against the
    // idempotent producers' state (producer_state.h): a retry of a batch already in the log
    // comes back as `duplicate` without a write; an epoch or sequence the rules refuse comes back
    // as its error (INVALID_PRODUCER_EPOCH, OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_RECORD) with
    // nothing written. Assigns consecutive offsets from LEO and stamps them and
    // leader_epoch into the batches in place (the caller's buffer changes), then writes them with
    // one pwrite per segment touched. Nothing is written if any batch is malformed
    // (CORRUPT_MESSAGE) or larger than max_batch_bytes (MESSAGE_TOO_LARGE); a failed write is
    // undone and reported as KAFKA_STORAGE_ERROR.
    AppendResult append_as_leader(std::span<std::uint8_t> batches, std::int32_t leader_epoch);
    // Follower append: batches keep their offsets and leader epochs; the producers' state takes
    // them as they are. The first must start at LEO
    // and each next one where the previous ended; otherwise nothing is written and the error is
    // OFFSET_OUT_OF_RANGE.
    AppendResult append_replicated(std::span<const std::uint8_t> batches);

    // Whole batches, starting with the one that contains offset, up to max_bytes in total and
    // never a batch whose last offset is >= max_offset (the high watermark for consumers, LEO for
    // followers). If the first batch alone exceeds max_bytes it is still returned whole (KIP-74),
    // so a consumer always makes progress. offset == LEO gives empty data; an offset outside
    // [log_start_offset, LEO] gives OFFSET_OUT_OF_RANGE. May span segments. Every batch returned
    // passes its CRC-32C check: a damaged one (in a sealed segment, which recovery does not scan
    // whole) takes the log offline with KAFKA_STORAGE_ERROR naming the segment file and byte.
    ReadResult read(std::int64_t offset, std::size_t max_bytes, std::int64_t max_offset) const;

    // The first batch (in offset order) whose MaxTimestamp >= timestamp_ms; the caller finds the
    // exact record inside it (ListOffsets by time). Uses the MaxTimestamp stored in the batch:
    // for LogAppendTime topics the broker must have set it before the append.
    TimestampResult find_batch_for_timestamp(std::int64_t timestamp_ms) const;

    // DeleteRecords (log_start.cpp): records before `offset` are gone for every reader from now
    // on. The new start is written to <dir>/log-start-offset (atomically, fsynced) before any
    // segment goes, and every sealed segment wholly below it is deleted; a start inside a batch
    // keeps that batch on disk (readers skip the records before the start, as Kafka's do).
    // offset at or below the current start changes nothing; above LEO is OFFSET_OUT_OF_RANGE.
    LogStatus advance_log_start(std::int64_t offset);

    // Kafka's truncateFullyAndStartAt (log_start.cpp): a follower whose log ends below its
    // leader's log start (DeleteRecords moved the start past it, or a new replica joins a log
    // that no longer starts at 0) can never fetch what it lacks. Every segment, and every
    // producer-state snapshot, is deleted and the log starts again, empty, at `offset`
    // (LEO = log start = offset), flushed before it returns. The producers' state starts empty.
    // An empty log (start == LEO) may also start again lower: the leader's first batch from its
    // start begins before it when DeleteRecords cut inside a batch. On a log with records, an
    // offset at or below LEO is advance_log_start(offset).
    LogStatus restart_at(std::int64_t offset);

    // Drops every batch whose last offset >= offset, whole batches only: LEO becomes the base
    // offset of the first dropped batch, or stays if none is dropped; an offset at or below
    // log_start_offset empties the log. Follower truncation. The cut is fsynced at once.
    LogStatus truncate_to(std::int64_t offset);

    // fsyncs every segment written since the last flush (data, then index) and the directory.
    // prepare_flush() + run() + finish_flush() in one go, on the owner's thread.
    LogStatus flush();

    // A flush in two halves, so that the fsyncs, which take as long as the disk does, need not
    // stall the thread that owns the log (Kafka's log flusher also runs on its own thread):
    // prepare_flush() notes, on the owner's thread, what to sync; run() opens those files, syncs
    // and closes them one at a time on any thread, and touches nothing else; finish_flush(), on the
    // owner's thread again, records what is now durable. Appends may go on meanwhile (they are
    // durable at the next flush). If the log was cut (truncate_to, discard_unflushed) after
    // prepare_flush(), the job counts for nothing, as if it had never completed.
    class FlushJob {
      public:
        bool empty() const { return items_.empty() && !sync_directory_; }
        // The fsyncs. On failure the first error; finish_flush() then takes the log offline.
        IoStatus run();

      private:
        friend class PartitionLog;
        struct Item {
            std::int64_t base_offset = 0;
            SegmentExtent extent;
        };
        std::vector<Item> items_;
        std::uint64_t write_mark_ = 0;  // DescriptorCache::write_mark() at prepare
        bool sync_directory_ = false;
        std::filesystem::path dir_;
        std::uint64_t instance_ = 0;
        std::uint64_t cuts_ = 0;
        std::uint64_t directory_changes_ = 0;
        std::int64_t log_end_offset_ = 0;
        IoStatus result_;
        bool ran_ = false;
    };
    // Errors (a descriptor that cannot be opened) take the log offline, as flush() does. A job
    // that is empty() needs no run(). finish_flush() ignores a job prepared by another log (one
    // reopened or recreated meanwhile) and does nothing on a log that went offline meanwhile;
    // a job whose run() failed takes the log offline.
    LogStatus prepare_flush(FlushJob& job);
    LogStatus finish_flush(FlushJob& job);
    // Every offset below this is on disk (fsynced). open() fsyncs what it recovered, so this
    // starts at LEO.
    std::int64_t flushed_offset() const { return flushed_offset_; }
    // Models a power loss: everything written after the last flush disappears from disk and
    // memory (files cut to their flushed sizes, segments created since then deleted). This is
    // how acks=1 loses data in front of a class.
    LogStatus discard_unflushed();
    // flush() and close every file. The log is offline afterwards. Saves the producers' state
    // first (a snapshot at LEO), so that the next open() need not read the log for it.
    LogStatus close();

    // The idempotent producers' state as of LEO. Kept by every append, rebuilt after
    // truncate_to() and discard_unflushed(), and on open() from the newest good snapshot file at
    // or below LEO plus the batches after it (a damaged or cut snapshot file is deleted and
    // noted, never trusted; without one the log is read from its start). Snapshot files are
    // written at LEO after an append that rolled a segment and by close(); the newest
    // kProducerSnapshotsKept stay (producer_recovery.cpp).
    const ProducerStateTable& producer_state() const { return producers_; }
    // What the last rebuild found: "" or plain words (a snapshot file ignored, and why).
    const std::string& producer_state_note() const { return producer_state_note_; }
    // Writes `<LEO>.snapshot` now; false (and the log stays as it is) if the file cannot be.
    bool write_producer_snapshot();
    static constexpr std::size_t kProducerSnapshotsKept = 3;

  private:
    PartitionLog(std::filesystem::path dir, LogConfig config);

    struct Batch {
        std::size_t position;  // in the caller's buffer
        protocol::RecordBatchHeader header;
    };
    friend class LogRecovery;

    // Splits an append buffer into batches, checking structure only (sizes, magic, offsets).
    LogStatus split_batches(protocol::ByteView data, std::vector<Batch>& out) const;
    AppendResult append_batches(protocol::ByteView data, const std::vector<Batch>& batches);
    // Writes batches[from, to) to the active segment: one pwrite of data, one of new index entries.
    IoStatus write_to_active(protocol::ByteView data, const std::vector<Batch>& batches,
                             std::size_t from, std::size_t to);
    IoStatus roll(std::int64_t base_offset);
    // producer_recovery.cpp: the producers' state from the newest good snapshot and the batches
    // after it.
    void rebuild_producer_state();
    std::vector<std::int64_t> producer_snapshot_offsets() const;  // ascending
    void delete_producer_snapshots();                             // every one (restart_at)
    FileKey key_of(std::int64_t base_offset, FileKey::Kind kind) const {
        return {instance_, base_offset, kind};
    }
    // Leases a segment's index and log files (index first: a crash between two creations then
    // leaves an orphan index, deleted quietly on open, not a log file without its index).
    IoStatus lease_files(const Segment& segment, File::Mode mode, DescriptorCache::Lease& log,
                         DescriptorCache::Lease& index) const;
    // Leases a segment's log file for reading.
    IoStatus lease_log(const Segment& segment, DescriptorCache::Lease& log) const;
    IoStatus delete_segment_files(std::int64_t base_offset);
    LogStatus truncate_segments(std::int64_t offset);
    // Cuts the active segment to size_bytes (a batch boundary), fsyncs the cut, and rereads the
    // offsets and max timestamp of what remains.
    IoStatus cut_segment(Segment& segment, std::uint64_t size_bytes);
    // The segment holding offset (log_start_offset <= offset < LEO).
    std::size_t segment_index_for(std::int64_t offset) const;
    LogStatus go_offline(std::string reason);
    LogStatus check_online() const;

    std::filesystem::path dir_;
    LogConfig config_;
    // Ascending base offsets; never empty while the log is open; back() is the active segment.
    std::vector<Segment> segments_;
    std::int64_t flushed_offset_ = 0;
    // The logical log start (log-start-offset file); segments_.front().base_offset when lower.
    std::int64_t start_offset_ = 0;
    // Reads <dir>/log-start-offset at open (log_start.cpp): a missing file means the first
    // segment's base; a damaged one is ignored with a note (records reappear, none are lost).
    void load_log_start(std::vector<std::string>& notes);
    bool directory_dirty_ = false;         // segment files created or deleted since the last flush
    std::uint64_t directory_changes_ = 0;  // each time directory_dirty_ is set
    std::uint64_t cuts_ = 0;               // truncations and discards: invalidate a FlushJob
    const std::uint64_t instance_;         // unique per PartitionLog object in the process
    // Set by a failed write or flush, and by damage that a read finds (a read is const to its
    // callers, but what it found holds for every later call): mutable for that.
    mutable std::string offline_reason_;
    ProducerStateTable producers_;
    std::string producer_state_note_;
};

struct OpenResult {
    std::unique_ptr<PartitionLog> log;  // null on error
    RecoveryReport recovery;
    std::string error;
    bool ok() const { return log != nullptr; }
};

}  // namespace kraftlab::storage
