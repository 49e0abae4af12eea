// The process's budget of descriptors for log files: one LRU of open segment and index files
// shared by every PartitionLog of every broker in the process, so that the number of partitions a
// lab hosts is not bounded by RLIMIT_NOFILE. A log opens a file when it needs it (append, read,
// flush, recovery) through a Lease; released files stay open, and when the budget is reached the
// least recently used ones are closed to make room. No mmap is involved: every access is
// pread/pwrite on a descriptor the lease pins.
//
// Durability: a file written since its last sync is fdatasync'ed before an eviction closes it,
// so that closing never weakens what flush() promised (and a write-back error is not lost with
// the descriptor); if that sync fails, the error is kept and every later acquire by the same
// owner returns it, which takes that log offline.
//
// Thread: thread-safe (brokers run on different threads); one mutex guards the table, a pinned
// file is never closed by another thread, and an eviction's fsync runs with the mutex released.
// Lifecycle: one process-wide instance(); set_budget_from_limit() sizes it at lab start, after
// raise_descriptor_limit(). Owners forget their files (forget_owner) when they close.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <list>
#include <map>
#include <mutex>
#include <string>

#include "storage/file.h"

namespace kraftlab::storage {

// One file of one log: owner is the log's unique instance number, kind says which file.
struct FileKey {
    enum class Kind : std::uint8_t { Log, Index };
    std::uint64_t owner = 0;
    std::int64_t base_offset = 0;
    Kind kind = Kind::Log;
    auto operator<=>(const FileKey&) const = default;
};

class DescriptorCache {
    struct Entry;

  public:
    // A pinned open file: valid until the lease is released (destroyed or reassigned).
    class Lease {
      public:
        Lease() = default;
        ~Lease() { release(); }
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&& other) noexcept;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;

        explicit operator bool() const { return entry_ != nullptr; }
        const File& file() const;
        // Call after writing through file(): the file is dirty until a sync.
        void wrote();
        // fdatasync, after which the writes made before it count as synced.
        IoStatus sync();
        void release();

      private:
        friend class DescriptorCache;
        DescriptorCache* cache_ = nullptr;
        Entry* entry_ = nullptr;
    };

    explicit DescriptorCache(std::size_t budget) : budget_(budget) {}
    ~DescriptorCache();
    DescriptorCache(const DescriptorCache&) = delete;
    DescriptorCache& operator=(const DescriptorCache&) = delete;

    // The cache every PartitionLog uses. Until set_budget_from_limit() runs its budget comes from
    // the current soft limit.
    static DescriptorCache& instance();

    // Pins the file, opening it (path, mode) if it is not open; ReadOnly is opened read-write,
    // so that one descriptor serves readers and the writer. Mode only matters on open: to
    // recreate a file with CreateTruncating, forget() it first. May close idle files first.
    IoStatus acquire(const FileKey& key, const std::filesystem::path& path, File::Mode mode,
                     Lease& out);
    // Closes the file without syncing (the caller deletes or cuts it); if it is pinned it closes
    // when released, and a later acquire opens a new descriptor.
    void forget(const FileKey& key);
    // forget() of every file of owner, and of its kept eviction error.
    void forget_owner(std::uint64_t owner);

    // A mark of the writes made so far: sync_through(key, mark) after an fsync of that file
    // (by any descriptor) started after the mark, so the writes before it are no longer dirty.
    std::uint64_t write_mark() const;
    void synced_through(const FileKey& key, std::uint64_t mark);

    void set_budget(std::size_t budget);
    // budget = limit / 2: the other half is for sockets, epoll and eventfds, the app's own
    // files, and the few files a log opens outside the cache (flush, recovery, checkpoints).
    void set_budget_from_limit(std::uint64_t soft_limit);
    static std::size_t budget_for_limit(std::uint64_t soft_limit);
    std::size_t budget() const;
    std::size_t open_files() const;
    std::uint64_t evictions() const;
    // Evictions that had to fsync a file first (written since its last sync or flush).
    std::uint64_t synced_evictions() const;

  private:
    struct Entry {
        FileKey key;
        File file;
        int pins = 0;
        bool forgotten = false;
        std::uint64_t last_write = 0;  // write sequence number of the newest write
        std::uint64_t synced = 0;      // writes up to this sequence number are synced
        std::list<Entry*>::iterator lru;
    };
    void release(Entry* entry);
    // Closes least recently used idle files until fewer than budget_ are open (or none is idle).
    void evict_locked(std::unique_lock<std::mutex>& lock, std::size_t keep_below);
    void close_entry_locked(std::unique_lock<std::mutex>& lock, Entry* entry, bool sync);

    mutable std::mutex mutex_;
    std::size_t budget_;
    std::size_t open_ = 0;
    std::uint64_t write_seq_ = 0;
    std::uint64_t evictions_ = 0;
    std::uint64_t synced_evictions_ = 0;
    std::map<FileKey, Entry*> entries_;
    std::list<Entry*> idle_;  // unpinned open files, least recently used first
    std::map<std::uint64_t, std::string> owner_errors_;
};

// Raises RLIMIT_NOFILE's soft limit to the hard limit (a desktop's soft limit is often 1024) and
// sizes DescriptorCache::instance() from the result. Returns the soft limit now in force.
// Called by Cluster::start(), which both kraftlab-cluster and the app go through.
std::uint64_t raise_descriptor_limit();

}  // namespace kraftlab::storage
