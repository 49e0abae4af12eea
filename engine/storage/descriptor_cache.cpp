#include "storage/descriptor_cache.h"

#include <sys/resource.h>
#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>

namespace kraftlab::storage {

namespace {

// A cache too small to hold one segment and index per thread that uses it at once would thrash.
constexpr std::size_t kMinBudget = 16;
// When the hard limit is unlimited, a bound the kernel's nr_open accepts by default.
constexpr rlim_t kUnlimitedFallback = rlim_t{1} << 20;
// After EMFILE (descriptors used outside the budget), how many idle files to close before one
// more try.
constexpr std::size_t kEmergencyEvictions = 8;

std::uint64_t current_soft_limit() {
    struct rlimit rl {};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
    return rl.rlim_cur == RLIM_INFINITY ? kUnlimitedFallback : rl.rlim_cur;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Lease

DescriptorCache::Lease::Lease(Lease&& other) noexcept
    : cache_(std::exchange(other.cache_, nullptr)), entry_(std::exchange(other.entry_, nullptr)) {}

DescriptorCache::Lease& DescriptorCache::Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        release();
        cache_ = std::exchange(other.cache_, nullptr);
        entry_ = std::exchange(other.entry_, nullptr);
    }
    return *this;
}

const File& DescriptorCache::Lease::file() const {
    return entry_->file;
}

void DescriptorCache::Lease::wrote() {
    std::lock_guard lock(cache_->mutex_);
    entry_->last_write = ++cache_->write_seq_;
}

IoStatus DescriptorCache::Lease::sync() {
    std::uint64_t mark = cache_->write_mark();
    IoStatus st = entry_->file.sync();
    if (st.ok()) {
        std::lock_guard lock(cache_->mutex_);
        entry_->synced = std::max(entry_->synced, mark);
    }
    return st;
}

void DescriptorCache::Lease::release() {
    if (entry_) cache_->release(std::exchange(entry_, nullptr));
    cache_ = nullptr;
}

// ---------------------------------------------------------------------------------------------
// DescriptorCache

DescriptorCache::~DescriptorCache() {
    // Every lease is gone by now (the owners are); what is left is idle or forgotten-and-idle.
    for (auto& [key, entry] : entries_)
        delete entry;
}

DescriptorCache& DescriptorCache::instance() {
    // Never destroyed: a log destroyed during static destruction may still forget its files.
    static DescriptorCache* cache = new DescriptorCache(budget_for_limit(current_soft_limit()));
    return *cache;
}

IoStatus DescriptorCache::acquire(const FileKey& key, const std::filesystem::path& path,
                                  File::Mode mode, Lease& out) {
    out.release();
    std::unique_lock lock(mutex_);
    if (auto e = owner_errors_.find(key.owner); e != owner_errors_.end()) return {e->second};
    auto pin = [&](Entry* entry) {
        if (entry->pins++ == 0) idle_.erase(entry->lru);
        out.cache_ = this;
        out.entry_ = entry;
    };
    if (auto it = entries_.find(key); it != entries_.end()) {
        pin(it->second);
        return {};
    }
    evict_locked(lock, budget_);
    // The eviction may have let go of the mutex while it synced: another thread may have opened
    // the file meanwhile.
    if (auto it = entries_.find(key); it != entries_.end()) {
        pin(it->second);
        return {};
    }
    if (mode == File::Mode::ReadOnly) mode = File::Mode::ReadWrite;
    auto entry = std::make_unique<Entry>();
    entry->key = key;
    IoStatus st = entry->file.open(path, mode);
    if (!st.ok() && (st.code == EMFILE || st.code == ENFILE) && !idle_.empty()) {
        // The process ran out elsewhere (sockets, the app): give back some of ours and retry.
        evict_locked(lock, open_ > kEmergencyEvictions ? open_ - kEmergencyEvictions : 0);
        if (auto it = entries_.find(key); it != entries_.end()) {
            pin(it->second);
            return {};
        }
        st = entry->file.open(path, mode);
    }
    if (!st.ok()) return st;
    ++open_;
    Entry* raw = entry.release();
    entries_.emplace(key, raw);
    raw->pins = 1;
    out.cache_ = this;
    out.entry_ = raw;
    return {};
}

void DescriptorCache::release(Entry* entry) {
    std::unique_lock lock(mutex_);
    if (--entry->pins > 0) return;
    if (entry->forgotten) {
        close_entry_locked(lock, entry, /*sync=*/false);
        return;
    }
    idle_.push_back(entry);
    entry->lru = std::prev(idle_.end());
    // Files pinned past the budget (every one in use at once) are given back as they go idle.
    if (open_ > budget_) evict_locked(lock, budget_ + 1);
}

void DescriptorCache::evict_locked(std::unique_lock<std::mutex>& lock, std::size_t keep_below) {
    while (open_ >= keep_below && !idle_.empty()) {
        Entry* victim = idle_.front();
        idle_.pop_front();
        entries_.erase(victim->key);
        ++evictions_;
        const bool dirty = victim->last_write > victim->synced;
        if (dirty) ++synced_evictions_;
        close_entry_locked(lock, victim, dirty);
    }
}

void DescriptorCache::close_entry_locked(std::unique_lock<std::mutex>& lock, Entry* entry,
                                         bool sync) {
    // entry is in neither entries_ nor idle_ now: no other thread can reach it.
    std::unique_ptr<Entry> owned(entry);
    if (sync) {
        lock.unlock();
        IoStatus st = entry->file.sync();
        entry->file.close();
        lock.lock();
        if (!st.ok()) {
            owner_errors_.emplace(
                entry->key.owner,
                "closing an idle file to stay within the descriptor budget: " + st.error);
        }
    } else {
        entry->file.close();
    }
    --open_;
}

void DescriptorCache::forget(const FileKey& key) {
    std::unique_lock lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    Entry* entry = it->second;
    entries_.erase(it);
    if (entry->pins > 0) {
        entry->forgotten = true;
        return;
    }
    idle_.erase(entry->lru);
    close_entry_locked(lock, entry, /*sync=*/false);
}

void DescriptorCache::forget_owner(std::uint64_t owner) {
    std::unique_lock lock(mutex_);
    owner_errors_.erase(owner);
    auto it = entries_.lower_bound(FileKey{owner, INT64_MIN, FileKey::Kind::Log});
    while (it != entries_.end() && it->first.owner == owner) {
        Entry* entry = it->second;
        it = entries_.erase(it);
        if (entry->pins > 0) {
            entry->forgotten = true;
            continue;
        }
        idle_.erase(entry->lru);
        close_entry_locked(lock, entry, /*sync=*/false);  // does not unlock
    }
}

std::uint64_t DescriptorCache::write_mark() const {
    std::lock_guard lock(mutex_);
    return write_seq_;
}

void DescriptorCache::synced_through(const FileKey& key, std::uint64_t mark) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) {
        it->second->synced = std::max(it->second->synced, mark);
    }
}

void DescriptorCache::set_budget(std::size_t budget) {
    std::unique_lock lock(mutex_);
    budget_ = std::max(budget, kMinBudget);
    evict_locked(lock, budget_ + 1);
}

std::size_t DescriptorCache::budget_for_limit(std::uint64_t soft_limit) {
    return std::max<std::size_t>(kMinBudget, static_cast<std::size_t>(soft_limit / 2));
}

void DescriptorCache::set_budget_from_limit(std::uint64_t soft_limit) {
    set_budget(budget_for_limit(soft_limit));
}

std::size_t DescriptorCache::budget() const {
    std::lock_guard lock(mutex_);
    return budget_;
}

std::size_t DescriptorCache::open_files() const {
    std::lock_guard lock(mutex_);
    return open_;
}

std::uint64_t DescriptorCache::evictions() const {
    std::lock_guard lock(mutex_);
    return evictions_;
}

std::uint64_t DescriptorCache::synced_evictions() const {
    std::lock_guard lock(mutex_);
    return synced_evictions_;
}

std::uint64_t raise_descriptor_limit() {
    struct rlimit rl {};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < rl.rlim_max) {
        struct rlimit want = rl;
        want.rlim_cur = rl.rlim_max == RLIM_INFINITY ? kUnlimitedFallback : rl.rlim_max;
        // An unlimited hard limit may still be refused above fs.nr_open: then keep what we had.
        (void)::setrlimit(RLIMIT_NOFILE, &want);
    }
    const std::uint64_t limit = current_soft_limit();
    DescriptorCache::instance().set_budget_from_limit(limit);
    return limit;
}

}  // namespace kraftlab::storage
