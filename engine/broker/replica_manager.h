// ReplicaManager: the replication core (engine/replication) on a broker's thread, with real logs
// (Kafka's ReplicaManager).
//   - reconcile(): after every metadata change each hosted partition becomes leader or follower
//     as the image says (Kafka's ReplicaManager.applyDelta); fetchers start (ReplicaFetchers) for
//     the leaders that have followers here. A newly opened log gets its replica state, its leader
//     epochs from the checkpoint file (or rebuilt from the log's batches), and the checkpoint is
//     written again whenever the epochs change.
//   - The leader's ISR maintenance (Kafka's isr-expiration task, every replica.lag.time.max.ms /
//     2, and when a follower catches up: check_isr) sends AlterPartition to the active
//     controller; the change takes effect when the metadata log brings it back.
//   - What waits on replication: follower fetches parked until the next leader append
//     (notify_appended), consumer fetches and acks=all produces parked until replication moves
//     (notify_replicated), and led_partition(), the check every leader-only request makes.
//
// Thread: the broker's node thread only. Lifecycle: made by Broker::start(), start() runs the
// ISR loop; stop() wakes every waiter and ends the loop when the broker stops; destroyed by
// Broker::stop() after the node thread has ended.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "broker/broker_context.h"
#include "broker/replica_fetchers.h"
#include "broker/waiters.h"
#include "core/lab_clock.h"
#include "net/asio.h"
#include "net/lab_timer.h"
#include "protocol/errors.h"
#include "replication/replica.h"

namespace kraftlab::broker {

class ReplicaManager {
  public:
    // broker_epoch: this broker's current registration epoch (BrokerLifecycle; -1: none), which
    // AlterPartition carries; no ISR change is sent without one.
    ReplicaManager(BrokerContext context, ReplicaFetchers& fetchers,
                   std::function<std::int64_t()> broker_epoch);
    ReplicaManager(const ReplicaManager&) = delete;
    ReplicaManager& operator=(const ReplicaManager&) = delete;

    // Starts the ISR loop.
    void start();
    // The broker stops: every waiter wakes (and sees it), the ISR loop ends.
    void stop();

    // After each metadata change: every hosted partition becomes leader or follower as the image
    // says; fetchers start for leaders that have followers here.
    void reconcile();
    // Writes the leader-epoch checkpoint when the replica's cache changed.
    void persist_epochs(HostedPartition& p);
    // A leader's check of one partition's ISR (also when a follower caught up): a change goes to
    // the active controller.
    void check_isr(HostedPartition& p);

    // The partition's state if this broker leads it and has its log; else the Kafka error a
    // client gets (UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER). current_leader_epoch is
    // the request's idea of the leader epoch (KIP-320; -1: not given): older than the partition's
    // is FENCED_LEADER_EPOCH, newer UNKNOWN_LEADER_EPOCH.
    protocol::ErrorCode led_partition(const std::string& topic, std::int32_t partition,
                                      const metadata::PartitionInfo** info,
                                      HostedPartition** hosted,
                                      std::int32_t current_leader_epoch = -1);

    // Wakes follower fetches waiting for data (called after every leader append).
    void notify_appended() { appended_.wake(); }
    // Wakes what waits on replication progress: consumer fetches (the high watermark moved) and
    // produces waiting for their acks (a follower's log end offset moved).
    void notify_replicated() { replicated_.wake(); }
    // Parks a follower fetch on `timer` until the next notify_appended() or the deadline.
    net::awaitable<void> wait_appended(net::LabTimer& timer, core::LabTime::time_point deadline) {
        return appended_.wait(timer, deadline);
    }
    // Parks a consumer fetch or an acks wait until the next notify_replicated() or the deadline.
    net::awaitable<void> wait_replicated(net::LabTimer& timer, core::LabTime::time_point deadline) {
        return replicated_.wait(timer, deadline);
    }
    // Waits until the in-sync replicas hold topic-partition up to end_offset (acks=all).
    net::awaitable<protocol::ErrorCode> await_replicated(std::string topic, std::int32_t partition,
                                                         std::int64_t end_offset,
                                                         std::int32_t timeout_ms);

  private:
    // Creates the replica state of a newly opened log (leader epochs from the checkpoint, or
    // rebuilt from the log's batches).
    void attach_replica(HostedPartition& p);
    // Every replica.lag.time.max.ms / 2: check_isr() of every partition this broker leads.
    net::awaitable<void> isr_loop();
    net::awaitable<void> send_isr_change(std::string topic, std::int32_t partition,
                                         protocol::Uuid topic_id, replication::IsrChange change);

    BrokerContext ctx_;
    ReplicaFetchers& fetchers_;
    std::function<std::int64_t()> broker_epoch_;
    net::LabTimer isr_timer_;
    Waiters appended_;    // follower fetches
    Waiters replicated_;  // consumer fetches, acks waits
};

}  // namespace kraftlab::broker
