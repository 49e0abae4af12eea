// ReplicaFetchers: the follower side of partition replication on a broker (Kafka's
// ReplicaFetcherManager, with one ReplicaFetcherThread per source broker). One fetcher coroutine
// runs per leader broker this broker follows partitions of, over one connection to it:
//   - a partition that starts following first asks its leader for the end offset of its latest
//     leader epoch (OffsetsForLeaderEpoch v3+, with its replica id) and cuts its divergent tail
//     there (KIP-101/KIP-279);
//   - then it fetches (Fetch v10 with its replica id), appends the batches as they are, learns
//     their leader epochs and the leader's high watermark.
// The decisions are the pure replication::FollowerFetcher's (HostedPartition::fetcher); its
// generation changes with every leader change, so an answer to a request sent before the change
// is dropped rather than appended. A fetcher ends by itself once this broker follows nothing of
// its leader.
//
// Thread: the broker's node thread only. Lifecycle: made by Broker::start(); the replica manager
// starts fetchers after metadata changes (ensure_fetcher); stop() closes their connections when
// the broker stops; destroyed by Broker::stop() after the node thread has ended.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "broker/broker_context.h"
#include "net/asio.h"
#include "net/kafka_client.h"
#include "protocol/fetch.h"

namespace kraftlab::broker {

class ReplicaFetchers {
  public:
    // persist_epochs: writes a partition's leader-epoch checkpoint when its replica's cache
    // changed (ReplicaManager::persist_epochs), after a truncation or an append.
    ReplicaFetchers(BrokerContext context, std::function<void(HostedPartition&)> persist_epochs)
        : ctx_(context), persist_epochs_(std::move(persist_epochs)) {}
    ReplicaFetchers(const ReplicaFetchers&) = delete;
    ReplicaFetchers& operator=(const ReplicaFetchers&) = delete;

    // Starts the fetcher for this leader broker unless one runs.
    void ensure_fetcher(std::int32_t leader_id);
    // The broker stops: every fetcher's connection closes, so that a fetcher waiting on it ends
    // at once (its coroutine keeps the client alive otherwise).
    void stop();

  private:
    // A partition a fetcher serves, as of when it looked: a changed generation means the
    // leadership moved meanwhile and the answer is dropped.
    struct FollowedPartition {
        std::string topic;
        std::int32_t partition = 0;
        std::uint64_t generation = 0;
    };
    enum class FetchStep { Idle, Done, Backoff, Failed };

    // One per leader broker this broker follows partitions of: truncates by leader epoch
    // (OffsetsForLeaderEpoch), then fetches (Fetch with replica id) and appends.
    net::awaitable<void> replica_fetcher(std::int32_t leader_id);
    HostedPartition* followed(const FollowedPartition& k, std::int32_t leader_id);
    net::awaitable<std::shared_ptr<net::KafkaClient>> connect_to_leader(
        std::int32_t leader_id, std::vector<FollowedPartition> parts);
    // One OffsetsForLeaderEpoch round for the partitions that must truncate (Idle if none).
    net::awaitable<FetchStep> truncate_by_epoch(net::KafkaClient& client, std::int32_t leader_id,
                                                std::vector<FollowedPartition> parts);
    // One Fetch for the partitions ready to fetch (Idle if none).
    net::awaitable<FetchStep> fetch_from_leader(net::KafkaClient& client, std::int32_t leader_id,
                                                std::vector<FollowedPartition> parts);
    // Appends what a replica fetch brought for one partition; false on an error to back off.
    // `generation` and `fetch_offset` are the request's (FollowerFetcher::on_fetch_answer).
    bool apply_replica_fetch(HostedPartition& p, std::uint64_t generation,
                             std::int64_t fetch_offset,
                             const protocol::FetchResponse::PartitionData& part);
    // The leader's log starts past ours: drop ours and start again there (storage's restart_at),
    // said in an event when `announce` (not for the quiet step back to the first batch's base).
    bool restart_log(HostedPartition& p, std::int64_t offset, bool announce);

    BrokerContext ctx_;
    std::function<void(HostedPartition&)> persist_epochs_;
    std::set<std::int32_t> fetchers_;  // leader ids with a replica_fetcher running
    // Each running replica fetcher's connection to its leader (closed by stop()).
    std::map<std::int32_t, std::weak_ptr<net::KafkaClient>> clients_;
};

}  // namespace kraftlab::broker
