// The replication simulation's active controller (sim.h): the metadata of one topic with one
// partition, kept as the MetadataImage the lab's controllers keep, and changed only by the
// decisions the lab ships: broker sessions, fencing and unfencing (metadata/broker_sessions.h),
// elections and AlterPartition (metadata/replication_control.h). Its records are applied at
// once (the simulation has one controller and no metadata quorum: a commit is instant).
//
// What the simulation adapts: a broker's life is an incarnation number (its registration's
// incarnation id); its heartbeat registers a new life before it renews the session, as the
// runtime's BrokerRegistration then BrokerHeartbeat do; the broker epoch of a request is the
// one registered for the incarnation that sent it; and AlterPartition names the new ISR members'
// current broker epochs (the leader's image is taken to be up to date).
//
// Thread: single-threaded, owned by the simulation's World. Lifecycle: one per run.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "metadata/broker_sessions.h"
#include "metadata/image.h"
#include "protocol/errors.h"
#include "replication/replica.h"

namespace kraftlab::replication::sim {

struct Stats;

class SimController {
  public:
    // Brokers 1..brokers, registered and unfenced at time 0 in incarnation 1; the partition's
    // replicas are all of them in order, all in the ISR, broker 1 leading in leader epoch 1.
    SimController(int brokers, std::int64_t session_timeout_ms, bool unclean_leader_election,
                  Stats& stats, std::function<void(const std::string&)> event);

    // The partition as the image says.
    const PartitionState& partition() const { return partition_; }
    // The image's offset: brokers report the offset they have seen in their heartbeats.
    std::int64_t offset() const { return image_->offset(); }
    // The incarnation registered for `broker` (it receives the metadata), 0 if none.
    std::uint64_t incarnation(int broker) const;
    bool fenced(int broker) const;
    // Bumped by every change that was applied: the simulation then pushes the metadata.
    std::uint64_t changes() const { return changes_; }

    // A heartbeat from `broker` in `incarnation` that has seen the metadata up to
    // `metadata_offset`. A new incarnation registers first (refused while the old session
    // lives). False when the heartbeat was refused (no session renewed, no answer).
    bool heartbeat(int broker, std::uint64_t incarnation, std::int64_t metadata_offset,
                   std::int64_t now_ms);
    // Sessions that expired are fenced; every second the preferred leader is restored, as the
    // runtime's duty loop does.
    void tick(std::int64_t now_ms);
    // AlterPartition from `broker` in `incarnation`: the answer's error.
    protocol::ErrorCode alter_partition(int broker, std::uint64_t incarnation,
                                        const IsrChange& change);

  private:
    void commit(const std::vector<metadata::MetadataRecord>& records, const std::string& why);
    std::int64_t epoch_of(int broker, std::uint64_t incarnation) const;

    Stats& stats_;
    std::function<void(const std::string&)> event_;
    std::shared_ptr<const metadata::MetadataImage> image_;
    metadata::BrokerSessions sessions_;
    PartitionState partition_;
    protocol::Uuid topic_id_;
    std::uint64_t changes_ = 0;
    std::int64_t next_preferred_check_ms_ = 1000;
};

}  // namespace kraftlab::replication::sim
