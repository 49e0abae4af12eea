// A controller's check of its metadata log (<session>/controller-<id>/__cluster_metadata-0/)
// before storage::PartitionLog::open recovers it.
//
// Recovery cuts a log at its first bad batch, which is right for a torn tail (the write that a
// crash interrupted was never acknowledged) but wrong for committed metadata: a controller that
// started with a shorter log would serve, and as leader replicate, a past in which topics do not
// exist (brokers then delete their partitions). Its peers hold the data, so a controller whose
// log is damaged anywhere but at its tail refuses to start instead, naming the file and offset.
//
// Damage is anything that stops a batch-by-batch read of the segments in offset order: a bad
// length, magic or CRC-32C, a batch at an unexpected offset, a gap between segments. It counts as
// a torn tail, left to recovery, only when it is in the last segment and no intact batch follows
// it. Read-only; the files are read once, front to back (the controller reads them all anyway).
//
// load_metadata_log() is the controller's whole open path: the check, then recovery (which may
// cut a torn tail), then every entry read back and decoded, the entries' epochs checked against
// the quorum state (the epoch is in PartitionLeaderEpoch, which the CRC does not cover).
//
// Pure functions of the directory's files, any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "raft/raft.h"
#include "storage/partition_log.h"

namespace kraftlab::controller {

// The damage found (plain words naming the segment file, the offset and the byte position), or
// nullopt when the log is whole or only its tail is torn. A missing directory is a fresh log.
std::optional<std::string> find_metadata_log_damage(const std::filesystem::path& dir);

struct MetadataLog {
    std::unique_ptr<storage::PartitionLog> log;  // open, at the end of entries
    std::vector<raft::Entry> entries;            // every entry, in offset order
    std::string repaired;  // what recovery repaired (a torn tail), empty when nothing
};

// Checks, opens (recovering a torn tail) and reads the metadata log in dir. The reason it
// cannot be used, naming the directory and the segment or offset, or nullopt with out filled.
// Entry epochs must not decrease and must not pass max_epoch (the quorum state's epoch).
std::optional<std::string> load_metadata_log(const std::filesystem::path& dir,
                                             std::int32_t max_epoch, MetadataLog& out);

}  // namespace kraftlab::controller
