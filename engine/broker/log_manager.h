// The partitions a broker hosts, each with its on-disk log, kept in line with the metadata
// image: a partition assigned to this broker gets a log; a log is deleted only when a metadata
// record removed it (the topic was deleted, or the partition moved away) while this broker
// held it. A log on disk that the metadata never assigned here (a topic deleted while the
// broker was down, a re-created topic's old id, or metadata that lost the topic) is a stray:
// it is set aside as `<topic>-<partition>.<topic id>-stray` with an event and its data kept, as
// Kafka 3.7+ does, never deleted on the strength of an absence.
//
// Thread: the broker's node thread only.
// Layout: <data_dir>/<topic>-<partition>/ holds the segments and `partition.metadata`, which
// records the topic id so that a topic deleted and re-created while the broker was down is not
// mistaken for the old one (Kafka does the same).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "broker/recent_keys.h"
#include "core/events.h"
#include "metadata/image.h"
#include "replication/follower_fetcher.h"
#include "replication/replica.h"
#include "storage/partition_log.h"

namespace kraftlab::broker {

struct HostedPartition {
    std::string topic;
    std::int32_t partition = 0;
    protocol::Uuid topic_id;
    std::unique_ptr<storage::PartitionLog> log;
    // The replica's replication state (leader or follower), created by the broker once the log
    // is open; its leader epochs persist in <dir>/leader-epoch-checkpoint.
    std::unique_ptr<replication::PartitionReplica> replica;
    // This broker has applied an image that assigns it this partition under topic_id: only then
    // can a later image without it mean that a record removed it.
    bool seen_assigned = false;
    // The log went offline while serving (damage found on read, a failed write or flush) and
    // the broker has said so; see LogFlusher::check_failed_logs().
    bool failure_reported = false;

    // Follower side (it fetches from replica->leader()): the fetch loop's decisions (truncate by
    // leader epoch first, then fetch; its generation changes with every leader change, so that
    // an answer to a request sent before the change is dropped rather than appended).
    replication::FollowerFetcher fetcher;
    std::uint64_t fetches_to_leader_total = 0;
    std::string follower_error;
    // Leader side: fetches served to each follower, for the UI's animation.
    std::map<std::int32_t, std::uint64_t> fetches_served;
    std::string last_isr_change_reason;

    // Counters since the broker started, for snapshots and throughput.
    std::uint64_t records_in_total = 0;
    std::uint64_t bytes_in_total = 0;
    std::uint64_t bytes_out_total = 0;
    // Idempotent producers' retries answered from the log instead of appended again.
    std::uint64_t duplicates_prevented_total = 0;
    // Keys of the newest records appended here as leader, for snapshots.
    RecentKeys recent_keys;
};

class LogManager {
  public:
    LogManager(std::filesystem::path data_dir, storage::LogConfig defaults, std::int32_t broker_id,
               core::EventBus& events);

    // Opens every partition directory already on disk, recovering each log, and reports each
    // recovery. A directory whose log cannot be opened, or whose partition.metadata is damaged
    // (refused: not opened, not written to, not created anew until a restart), is reported and
    // left alone.
    void load_existing();

    HostedPartition* find(std::string_view topic, std::int32_t partition);

    // Makes the hosted logs match the image: creates logs for partitions assigned to this
    // broker; deletes the logs that an earlier image assigned here and this one does not (a
    // record removed them); sets aside as strays the logs on disk whose topic id differs from
    // the image's, and, once caught_up (the image holds every committed record), those the
    // image does not know at all.
    void reconcile(const metadata::MetadataImage& image, bool caught_up);

    // Closes every log. flush: fsync first (an orderly shutdown); else like a process exit.
    void close_all(bool flush);

    template <typename Fn>
    void for_each(Fn&& fn) {
        for (auto& [topic, parts] : partitions_) {
            for (auto& [index, p] : parts)
                fn(*p);
        }
    }

  private:
    std::filesystem::path dir_for(std::string_view topic, std::int32_t partition) const;
    HostedPartition* open_partition(const std::string& topic, std::int32_t partition,
                                    const protocol::Uuid& topic_id, bool creating);
    void remove_partition(const std::string& topic, std::int32_t partition);
    // Closes the log and renames its directory aside; the data stays on disk.
    void set_aside_stray(const std::string& topic, std::int32_t partition, const std::string& why);

    std::filesystem::path data_dir_;
    storage::LogConfig defaults_;
    std::int32_t broker_id_;
    core::EventBus& events_;
    std::map<std::string, std::map<std::int32_t, std::unique_ptr<HostedPartition>>, std::less<>>
        partitions_;
    // "<topic>-<partition>" whose partition.metadata was damaged: reported once, never opened.
    std::set<std::string> refused_;
};

}  // namespace kraftlab::broker
