// ReplicaManager (broker/replica_manager.h): leader or follower as the image says, the
// leader-epoch checkpoint, the leader's ISR maintenance, and what waits on replication.
#include "broker/replica_manager.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <utility>

#include "broker/epoch_checkpoint.h"
#include "metadata/topic_config.h"
#include "storage/file.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;
using protocol::ErrorCode;
using replication::Role;

namespace {

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               core::LabTime::now().time_since_epoch())
        .count();
}

std::string partition_name(const std::string& topic, std::int32_t partition) {
    return topic + "-" + std::to_string(partition);
}

// Writes a small file so that it is either the old or the new one after a crash.
bool write_atomically(const std::filesystem::path& path, const std::string& text) {
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc | std::ios::binary);
        if (!out) return false;
        out << text;
        out.flush();
        if (!out) return false;
    }
    storage::File f;
    if (f.open(tmp, storage::File::Mode::ReadWrite).ok()) (void)f.sync();
    f.close();
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return false;
    (void)storage::sync_directory(path.parent_path());
    return true;
}

}  // namespace

ReplicaManager::ReplicaManager(BrokerContext context, ReplicaFetchers& fetchers,
                               std::function<std::int64_t()> broker_epoch)
    : ctx_(context),
      fetchers_(fetchers),
      broker_epoch_(std::move(broker_epoch)),
      isr_timer_(ctx_.io) {}

void ReplicaManager::start() {
    asio::co_spawn(ctx_.io, isr_loop(), asio::detached);
}

void ReplicaManager::stop() {
    appended_.wake();
    replicated_.wake();
    isr_timer_.cancel();
}

// ---------------------------------------------------------------------------------------------
// Replica state

void ReplicaManager::attach_replica(HostedPartition& p) {
    const auto& log = *p.log;
    LoadedEpochs loaded = load_leader_epochs(log);
    if (!loaded.damage.empty()) {
        ctx_.events.publish(EventKind::LogRecovered, NodeRef::broker(ctx_.config.node_id),
                            "broker " + std::to_string(ctx_.config.node_id) +
                                " repaired the log of " + partition_name(p.topic, p.partition) +
                                ": its " + loaded.damage,
                            {}, p.topic, p.partition);
    }
    replication::ReplicaConfig rc;
    rc.local_id = ctx_.config.node_id;
    rc.replica_lag_time_max_ms = ctx_.config.replica_lag_time_max_ms;
    p.replica = std::make_unique<replication::PartitionReplica>(
        rc, std::move(loaded.cache), log.log_start_offset(), log.log_end_offset());
    if (loaded.rebuilt) {
        write_atomically(log.directory() / kEpochCheckpointFile, p.replica->epochs().serialize());
    }
}

void ReplicaManager::persist_epochs(HostedPartition& p) {
    if (!p.replica || !p.log || !p.replica->take_epochs_changed()) return;
    if (!write_atomically(p.log->directory() / kEpochCheckpointFile,
                          p.replica->epochs().serialize())) {
        ctx_.events.publish(EventKind::CommandFailed, NodeRef::broker(ctx_.config.node_id),
                            "broker " + std::to_string(ctx_.config.node_id) +
                                " could not write the leader-epoch checkpoint of " +
                                partition_name(p.topic, p.partition));
    }
}

void ReplicaManager::reconcile() {
    const std::int64_t now = steady_ms();
    std::set<std::int32_t> leaders;
    ctx_.logs.for_each([&](HostedPartition& p) {
        if (!p.log || p.log->offline()) return;
        if (!p.replica) attach_replica(p);
        const auto* info = ctx_.image->partition(p.topic, p.partition);
        if (!info) return;
        replication::PartitionState st;
        st.leader = info->leader;
        st.leader_epoch = info->leader_epoch;
        st.partition_epoch = info->partition_epoch;
        st.replicas = info->replicas;
        st.isr = info->isr;
        st.leader_recovery_state = info->leader_recovery_state;
        auto& r = *p.replica;
        if (info->leader == ctx_.config.node_id) {
            const bool new_epoch = r.role() != Role::Leader || r.leader_epoch() != st.leader_epoch;
            if (new_epoch || r.partition_epoch() != st.partition_epoch) {
                r.become_leader(st, now);
                if (new_epoch) {
                    p.fetcher.stop();
                    p.fetches_served.clear();
                    p.follower_error.clear();
                }
                persist_epochs(p);
            }
        } else {
            const bool new_leader = r.role() != Role::Follower ||
                                    r.leader_epoch() != st.leader_epoch || r.leader() != st.leader;
            if (new_leader || r.partition_epoch() != st.partition_epoch) {
                r.become_follower(st);
                persist_epochs(p);  // it may have dropped an epoch that holds no records
            }
            if (p.fetcher.follow(st.leader, st.leader_epoch))
                p.follower_error = info->leader < 0 ? "the partition has no leader" : "";
            if (info->leader >= 0 && info->has_replica(ctx_.config.node_id))
                leaders.insert(info->leader);
        }
    });
    for (auto leader : leaders)
        fetchers_.ensure_fetcher(leader);
    // Produces waiting for acks must learn that leadership moved.
    notify_replicated();
}

// ---------------------------------------------------------------------------------------------
// Leadership and waits

protocol::ErrorCode ReplicaManager::led_partition(const std::string& topic, std::int32_t partition,
                                                  const metadata::PartitionInfo** info,
                                                  HostedPartition** hosted,
                                                  std::int32_t current_leader_epoch) {
    const auto* p = ctx_.image->partition(topic, partition);
    if (info) *info = p;
    if (!p) return protocol::ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
    if (p->leader != ctx_.config.node_id) return protocol::ErrorCode::NOT_LEADER_OR_FOLLOWER;
    HostedPartition* h = ctx_.logs.find(topic, partition);
    if (!h || !h->log) return protocol::ErrorCode::NOT_LEADER_OR_FOLLOWER;
    if (hosted) *hosted = h;
    if (current_leader_epoch >= 0 && current_leader_epoch != p->leader_epoch) {
        return current_leader_epoch < p->leader_epoch ? protocol::ErrorCode::FENCED_LEADER_EPOCH
                                                      : protocol::ErrorCode::UNKNOWN_LEADER_EPOCH;
    }
    return protocol::ErrorCode::NONE;
}

net::awaitable<ErrorCode> ReplicaManager::await_replicated(std::string topic,
                                                           std::int32_t partition,
                                                           std::int64_t end_offset,
                                                           std::int32_t timeout_ms) {
    const auto deadline = core::LabTime::now() + std::chrono::milliseconds(timeout_ms);
    net::LabTimer timer(ctx_.io);
    while (!ctx_.stopping) {
        auto* p = ctx_.logs.find(topic, partition);
        if (!p || !p->replica) co_return ErrorCode::NOT_LEADER_OR_FOLLOWER;
        const auto config = metadata::EffectiveTopicConfig::of(*ctx_.image, topic);
        const auto state = p->replica->ack_state(end_offset, -1, config.min_insync_replicas);
        if (state.done) co_return state.error;
        if (core::LabTime::now() >= deadline) co_return ErrorCode::REQUEST_TIMED_OUT;
        co_await replicated_.wait(timer, deadline);
    }
    co_return ErrorCode::NOT_LEADER_OR_FOLLOWER;
}

// ---------------------------------------------------------------------------------------------
// Leader: ISR maintenance

net::awaitable<void> ReplicaManager::isr_loop() {
    while (!ctx_.stopping) {
        const auto period = std::max<std::int64_t>(ctx_.config.replica_lag_time_max_ms / 2, 100);
        isr_timer_.expires_after(std::chrono::milliseconds(period));
        net::error_code ec;
        co_await isr_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ctx_.stopping) co_return;
        ctx_.logs.for_each([&](HostedPartition& p) { check_isr(p); });
    }
}

void ReplicaManager::check_isr(HostedPartition& p) {
    if (!p.replica || p.replica->role() != Role::Leader || p.replica->isr_change_pending()) return;
    if (broker_epoch_() < 0) return;
    auto change = p.replica->isr_change(steady_ms());
    if (!change) return;
    const auto topic = ctx_.image->topic(p.topic);
    if (!topic) {
        p.replica->isr_change_failed(ErrorCode::OPERATION_NOT_ATTEMPTED);
        return;
    }
    p.last_isr_change_reason = change->reason;
    asio::co_spawn(ctx_.io, send_isr_change(p.topic, p.partition, topic->id, std::move(*change)),
                   asio::detached);
}

net::awaitable<void> ReplicaManager::send_isr_change(std::string topic, std::int32_t partition,
                                                     protocol::Uuid topic_id,
                                                     replication::IsrChange change) {
    protocol::AlterPartitionRequest req;
    req.broker_id = ctx_.config.node_id;
    req.broker_epoch = broker_epoch_();
    auto& t = req.topics.emplace_back();
    t.topic_name = topic;
    t.topic_id = topic_id;
    auto& pd = t.partitions.emplace_back();
    pd.partition_index = partition;
    pd.leader_epoch = change.leader_epoch;
    pd.partition_epoch = change.partition_epoch;
    pd.leader_recovery_state = change.leader_recovery_state;
    for (auto id : change.new_isr) {
        const auto* b = ctx_.image->broker(id);
        pd.new_isr_with_epochs.push_back({id, b ? b->epoch : -1});
        pd.new_isr.push_back(id);
    }
    // The change takes effect when the metadata log brings the PartitionChange; the event says
    // why, with the leader's reasons. Said once the controller answers, or once the metadata
    // shows the change applied before its answer came (under load the log can be faster).
    auto announce = [&] {
        if (change.removed.empty() && change.added.empty()) return;
        nlohmann::json data = {{"leader", ctx_.config.node_id},
                               {"isr", change.new_isr},
                               {"added", change.added},
                               {"removed", change.removed}};
        ctx_.events.publish(
            change.removed.empty() ? EventKind::IsrExpanded : EventKind::IsrShrunk,
            NodeRef::broker(ctx_.config.node_id),
            partition_name(topic, partition) + ": " + change.reason + " (ISR now " +
                [&] {
                    std::string s;
                    for (auto id : change.new_isr)
                        s += (s.empty() ? "" : ",") + std::to_string(id);
                    return "[" + s + "]";
                }() +
                ")",
            std::move(data), topic, partition);
    };
    // Until an answer: one that says it was not applied ends it; after no answer, or an answer
    // that does not say so (the controller may have applied an earlier attempt), the change
    // stays pending, its additions holding the HW, and goes again until the metadata settles it
    // (PartitionReplica::isr_change_failed), as Kafka's AlterPartitionManager retries.
    for (;;) {
        req.broker_epoch = broker_epoch_();
        auto r = co_await ctx_.controller().alter_partition(req, 5000);
        if (ctx_.stopping) co_return;
        auto* p = ctx_.logs.find(topic, partition);
        if (!p || !p->replica || p->replica->role() != Role::Leader ||
            p->replica->leader_epoch() != change.leader_epoch) {
            co_return;
        }
        // Settled meanwhile by the metadata (a newer partition epoch), or replaced.
        const auto& pending = p->replica->pending_isr_change();
        if (!pending || pending->partition_epoch != change.partition_epoch ||
            pending->new_isr != change.new_isr) {
            const auto* now = ctx_.image->partition(topic, partition);
            if (!pending && now && now->isr == change.new_isr) announce();
            co_return;
        }
        ErrorCode error = ErrorCode::REQUEST_TIMED_OUT;
        std::string failure;
        if (r.ok()) {
            error = static_cast<ErrorCode>(r->error_code);
            for (const auto& rt : r->topics) {
                for (const auto& rp : rt.partitions) {
                    if (error == ErrorCode::NONE && rp.partition_index == partition)
                        error = static_cast<ErrorCode>(rp.error_code);
                }
            }
            if (error == ErrorCode::NONE) break;
            failure = "the controller refused: " + std::string(protocol::error_name(error));
        } else {
            failure = "no answer from the controller: " + r.error().message;
        }
        p->replica->isr_change_failed(error);
        if (!p->replica->isr_change_pending()) {
            p->last_isr_change_reason = change.reason + " (" + failure + ")";
            co_return;
        }
        p->last_isr_change_reason = change.reason + " (" + failure + "; asking again)";
        net::LabTimer backoff(ctx_.io);
        backoff.expires_after(std::chrono::milliseconds(500));
        net::error_code ec;
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ctx_.stopping) co_return;
    }
    announce();
}

}  // namespace kraftlab::broker
