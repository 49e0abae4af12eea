// A partition's leader-epoch-checkpoint file (<partition dir>/leader-epoch-checkpoint): Kafka's
// text format of the LeaderEpochCache, "0\n<count>\n<epoch> <start offset>\n...".
//
// The file is untrusted: one that is not a well-formed checkpoint (truncated, garbage, epochs or
// offsets out of order, larger than any checkpoint) is not used; the cache is rebuilt from the
// leader epochs the log's batches carry, and the reason, naming the file, is returned so that
// the broker reports the repair. Either way the cache ends at the log's end offset.
//
// Pure functions of the files, called on the broker's node thread (the log is its).
#pragma once

#include <filesystem>
#include <string>

#include "replication/replica.h"
#include "storage/partition_log.h"

namespace kraftlab::broker {

inline constexpr const char* kEpochCheckpointFile = "leader-epoch-checkpoint";

struct LoadedEpochs {
    replication::LeaderEpochCache cache;
    // The cache did not come from the file (missing or damaged): write it back.
    bool rebuilt = false;
    // Why the file that exists was not used, naming it; empty when it was used or is missing.
    std::string damage;
};

// The leader epochs of log: from its checkpoint file, else rebuilt from its batches.
LoadedEpochs load_leader_epochs(const storage::PartitionLog& log);

}  // namespace kraftlab::broker
