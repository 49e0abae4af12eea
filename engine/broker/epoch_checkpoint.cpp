#include "broker/epoch_checkpoint.h"

#include <fstream>
#include <sstream>

#include "protocol/record_batch.h"
#include "storage/file.h"

namespace kraftlab::broker {

namespace fs = std::filesystem;

namespace {

// About 40 bytes per epoch: far more epochs than a partition ever sees.
constexpr std::uintmax_t kMaxCheckpointBytes = 4 * 1024 * 1024;

// The file's cache, nullopt when it is missing; damage says why an existing file is not used.
std::optional<replication::LeaderEpochCache> read_checkpoint(const fs::path& path,
                                                             std::string& damage) {
    auto damaged = [&](const std::string& why) {
        damage = std::string(kEpochCheckpointFile) + " file " + path.string() + " " + why;
        return std::nullopt;
    };
    const auto file = storage::read_small_file(path, kMaxCheckpointBytes);
    if (!file.error.empty()) return damaged(file.error);
    if (!file.exists) return std::nullopt;
    auto cache = replication::LeaderEpochCache::parse(file.text);
    if (!cache) {
        return damaged("is not a well-formed checkpoint (" + std::to_string(file.text.size()) +
                       " bytes: version 0, a count, then that many \"<epoch> <start offset>\" "
                       "lines, both ascending)");
    }
    return cache;
}

}  // namespace

LoadedEpochs load_leader_epochs(const storage::PartitionLog& log) {
    LoadedEpochs r;
    std::optional<replication::LeaderEpochCache> cache =
        read_checkpoint(log.directory() / kEpochCheckpointFile, r.damage);
    if (!cache) {
        // No checkpoint (a log from before replication, or a damaged file): the batches say which
        // epoch wrote them. A read that fails took the log offline, with its reason.
        cache.emplace();
        std::int64_t offset = log.log_start_offset();
        while (offset < log.log_end_offset()) {
            auto read = log.read(offset, 1 << 20, log.log_end_offset());
            if (!read.ok() || read.data.empty()) break;
            protocol::BatchIterator it(read.data);
            while (it.next()) {
                const auto& h = it.header();
                if (h.partition_leader_epoch >= 0)
                    cache->assign(h.partition_leader_epoch, h.base_offset);
            }
            offset = read.next_offset;
        }
        r.rebuilt = true;
        if (!r.damage.empty()) r.damage += "; rebuilt from the leader epochs of the log's batches";
    }
    // A power loss may have cut the log below epochs the checkpoint still lists.
    cache->truncate_from_end(log.log_end_offset());
    r.cache = std::move(*cache);
    return r;
}

}  // namespace kraftlab::broker
