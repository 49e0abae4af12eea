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
// Pure function of the directory's files, any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace kraftlab::controller {

// The damage found (plain words naming the segment file, the offset and the byte position), or
// nullopt when the log is whole or only its tail is torn. A missing directory is a fresh log.
std::optional<std::string> find_metadata_log_damage(const std::filesystem::path& dir);

}  // namespace kraftlab::controller
