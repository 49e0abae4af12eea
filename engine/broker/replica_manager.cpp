// The broker's replica manager: the replication core (engine/replication) on the broker's
// thread, with real logs and sockets.
//
//   - reconcile_replicas(): after every metadata change each hosted partition becomes leader or
//     follower as the image says (Kafka's ReplicaManager.applyDelta).
//   - replica_fetcher(): one coroutine per leader broker (Kafka's ReplicaFetcherThread, one per
//     source broker). A partition that starts following first asks its leader for the end offset
//     of its latest leader epoch (OffsetsForLeaderEpoch v3+, with its replica id) and cuts its
//     divergent tail there (KIP-101/KIP-279); then it fetches (Fetch v10 with its replica id),
//     appends the batches as they are, learns their leader epochs and the leader's high
//     watermark.
//   - isr_loop(): the leader's ISR maintenance (Kafka's isr-expiration task, every
//     replica.lag.time.max.ms / 2) sends AlterPartition to the active controller; the change takes
//     effect when the metadata log brings it back.
#include <chrono>
#include <fstream>
#include <sstream>

#include "broker/broker.h"
#include "broker/epoch_checkpoint.h"
#include "net/lab_timer.h"
#include "protocol/offset_for_leader_epoch.h"
#include "protocol/record_batch.h"
#include "storage/file.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;
using protocol::ErrorCode;
using replication::Role;

namespace {

constexpr std::int16_t kReplicaFetchVersion = 10;
constexpr std::int16_t kOffsetForLeaderEpochVersion = 3;

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               core::LabTime::now().time_since_epoch())
        .count();
}

std::string partition_name(const std::string& topic, std::int32_t partition) {
    return topic + "-" + std::to_string(partition);
}

replication::LogRange log_range(const HostedPartition& p) {
    return {p.log->log_start_offset(), p.log->log_end_offset()};
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

// ---------------------------------------------------------------------------------------------
// Replica state

void Broker::attach_replica(HostedPartition& p) {
    const auto& log = *p.log;
    LoadedEpochs loaded = load_leader_epochs(log);
    if (!loaded.damage.empty()) {
        events_.publish(EventKind::LogRecovered, NodeRef::broker(config_.node_id),
                        "broker " + std::to_string(config_.node_id) + " repaired the log of " +
                            partition_name(p.topic, p.partition) + ": its " + loaded.damage,
                        {}, p.topic, p.partition);
    }
    replication::ReplicaConfig rc;
    rc.local_id = config_.node_id;
    rc.replica_lag_time_max_ms = config_.replica_lag_time_max_ms;
    p.replica = std::make_unique<replication::PartitionReplica>(
        rc, std::move(loaded.cache), log.log_start_offset(), log.log_end_offset());
    if (loaded.rebuilt) {
        write_atomically(log.directory() / kEpochCheckpointFile, p.replica->epochs().serialize());
    }
}

void Broker::persist_epochs(HostedPartition& p) {
    if (!p.replica || !p.log || !p.replica->take_epochs_changed()) return;
    if (!write_atomically(p.log->directory() / kEpochCheckpointFile,
                          p.replica->epochs().serialize())) {
        events_.publish(EventKind::CommandFailed, NodeRef::broker(config_.node_id),
                        "broker " + std::to_string(config_.node_id) +
                            " could not write the leader-epoch checkpoint of " +
                            partition_name(p.topic, p.partition));
    }
}

void Broker::reconcile_replicas() {
    const std::int64_t now = steady_ms();
    std::set<std::int32_t> leaders;
    logs_->for_each([&](HostedPartition& p) {
        if (!p.log || p.log->offline()) return;
        if (!p.replica) attach_replica(p);
        const auto* info = image_->partition(p.topic, p.partition);
        if (!info) return;
        replication::PartitionState st;
        st.leader = info->leader;
        st.leader_epoch = info->leader_epoch;
        st.partition_epoch = info->partition_epoch;
        st.replicas = info->replicas;
        st.isr = info->isr;
        st.leader_recovery_state = info->leader_recovery_state;
        auto& r = *p.replica;
        if (info->leader == config_.node_id) {
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
            if (info->leader >= 0 && info->has_replica(config_.node_id))
                leaders.insert(info->leader);
        }
    });
    for (auto leader : leaders) {
        if (fetchers_.insert(leader).second) {
            asio::co_spawn(*io_, replica_fetcher(leader), asio::detached);
        }
    }
    // Produces waiting for acks must learn that leadership moved.
    notify_replicated();
}

// ---------------------------------------------------------------------------------------------
// Follower: fetch from the leader

HostedPartition* Broker::followed(const FollowedPartition& k, std::int32_t leader_id) {
    if (stopping_) return nullptr;
    auto* p = logs_->find(k.topic, k.partition);
    if (!p || !p->log || !p->replica || p->fetcher.generation() != k.generation ||
        p->replica->role() != Role::Follower || p->replica->leader() != leader_id) {
        return nullptr;
    }
    return p;
}

net::awaitable<void> Broker::replica_fetcher(std::int32_t leader_id) {
    std::shared_ptr<net::KafkaClient> client;
    net::LabTimer backoff(*io_);
    net::error_code sleep_ec;  // a cancelled sleep is not an error
    auto sleep = [&backoff, &sleep_ec](int ms) {
        backoff.expires_after(std::chrono::milliseconds(ms));
        return backoff.async_wait(asio::redirect_error(asio::use_awaitable, sleep_ec));
    };
    while (!stopping_) {
        std::vector<FollowedPartition> parts;
        logs_->for_each([&](HostedPartition& p) {
            if (p.log && p.replica && p.replica->role() == Role::Follower &&
                p.replica->leader() == leader_id) {
                parts.push_back({p.topic, p.partition, p.fetcher.generation()});
            }
        });
        if (parts.empty()) break;  // no suspension since the check: reconcile sees us gone
        if (!client || !client->is_open()) {
            client = co_await connect_to_leader(leader_id, parts);
            fetcher_clients_[leader_id] = client;
            if (stopping_) break;
            if (!client) {
                co_await sleep(300);
                continue;
            }
        }
        // First cut divergent tails by leader epoch, then fetch what needs no cutting.
        auto step = co_await truncate_by_epoch(*client, leader_id, parts);
        if (step == FetchStep::Idle) step = co_await fetch_from_leader(*client, leader_id, parts);
        if (stopping_) break;
        if (step == FetchStep::Failed) {
            client->close("the replica fetcher's request failed");
            client.reset();
            co_await sleep(200);
        } else if (step == FetchStep::Backoff || step == FetchStep::Idle) {
            co_await sleep(100);
        }
    }
    fetchers_.erase(leader_id);
    fetcher_clients_.erase(leader_id);
    if (client) client->close("the replica fetcher stopped");
}

net::awaitable<std::shared_ptr<net::KafkaClient>> Broker::connect_to_leader(
    std::int32_t leader_id, std::vector<FollowedPartition> parts) {
    const auto* b = image_->broker(leader_id);
    if (!b || b->port == 0) co_return nullptr;
    net::KafkaClientConfig cfg;
    cfg.client_id = "broker-" + std::to_string(config_.node_id) + "-replica-fetcher";
    cfg.connect_timeout_ms = 1000;
    cfg.request_timeout_ms = config_.replica_fetch_wait_max_ms + 5000;
    cfg.sasl = net::lab_node_credentials(config_.lab_secret);  // a follower is a lab node
    if (config_.network) cfg.route = link_to(leader_id);
    auto client = net::KafkaClient::create(io_->get_executor(), cfg);
    auto status = co_await client->connect(b->host, b->port);
    if (status.ok()) co_return client;
    for (const auto& k : parts) {
        if (auto* p = followed(k, leader_id)) {
            p->follower_error = "cannot reach leader broker " + std::to_string(leader_id) + ": " +
                                status.error().message;
        }
    }
    co_return nullptr;
}

net::awaitable<Broker::FetchStep> Broker::truncate_by_epoch(net::KafkaClient& client,
                                                            std::int32_t leader_id,
                                                            std::vector<FollowedPartition> parts) {
    const std::string me = "broker " + std::to_string(config_.node_id);
    // 1. Truncation by leader epoch, before any fetch of a new leadership.
    protocol::OffsetForLeaderEpochRequest epochs_req;
    epochs_req.replica_id = config_.node_id;
    std::vector<FollowedPartition> truncating;
    for (const auto& k : parts) {
        auto* p = followed(k, leader_id);
        if (!p) continue;
        // (An empty log has nothing to cut: the fetcher goes straight to fetching.)
        const auto ask = p->fetcher.next_request(p->replica->epochs(), log_range(*p));
        if (ask.kind != replication::FollowerFetcher::Request::Kind::OffsetsForLeaderEpoch)
            continue;
        auto it = std::find_if(epochs_req.topics.begin(), epochs_req.topics.end(),
                               [&](const auto& t) { return t.topic == k.topic; });
        if (it == epochs_req.topics.end()) {
            epochs_req.topics.push_back({k.topic, {}});
            it = std::prev(epochs_req.topics.end());
        }
        it->partitions.push_back({k.partition, ask.current_leader_epoch, ask.requested_epoch});
        truncating.push_back(k);
    }
    if (truncating.empty()) co_return FetchStep::Idle;
    bool any_error = false;
    {
        auto r = co_await client.call(epochs_req, kOffsetForLeaderEpochVersion);
        if (stopping_ || !r.ok()) co_return FetchStep::Failed;
        for (const auto& t : r->topics) {
            for (const auto& a : t.partitions) {
                auto k = std::find_if(truncating.begin(), truncating.end(),
                                      [&](const FollowedPartition& x) {
                                          return x.topic == t.topic && x.partition == a.partition;
                                      });
                if (k == truncating.end()) continue;
                auto* p = followed(*k, leader_id);
                if (!p) continue;
                const auto error = static_cast<ErrorCode>(a.error_code);
                const auto leo = p->log->log_end_offset();
                using Step = replication::FollowerFetcher::Step;
                const Step step =
                    p->fetcher.on_epoch_answer(k->generation, p->replica->epochs(), log_range(*p),
                                               error, {a.leader_epoch, a.end_offset});
                if (step.kind == Step::Kind::Stale) continue;
                if (step.kind == Step::Kind::Backoff) {
                    p->follower_error = step.reason;
                    any_error = true;
                    continue;
                }
                if (step.kind == Step::Kind::Truncate) {
                    auto status = p->log->truncate_to(step.truncate_to);
                    if (!status.ok()) {
                        p->follower_error = "truncation failed: " + status.message;
                        p->fetcher.retruncate();  // not cut: ask again before fetching
                        continue;
                    }
                    const auto now_leo = p->log->log_end_offset();
                    p->replica->on_truncate(now_leo);
                    persist_epochs(*p);
                    nlohmann::json data = {{"from", leo},
                                           {"to", now_leo},
                                           {"leader", leader_id},
                                           {"leader_epoch", a.leader_epoch},
                                           {"leader_end_offset", a.end_offset}};
                    events_.publish(
                        EventKind::ReplicaTruncated, NodeRef::broker(config_.node_id),
                        me + " cut " + partition_name(p->topic, p->partition) + " from " +
                            std::to_string(leo) + " to " + std::to_string(now_leo) + ": leader " +
                            std::to_string(leader_id) + " says epoch " +
                            std::to_string(a.leader_epoch) + " ends at " +
                            std::to_string(a.end_offset) + ", so offsets " +
                            std::to_string(now_leo) + "-" + std::to_string(leo - 1) +
                            " were never on the leader (truncated by leader epoch, not by "
                            "the high watermark)",
                        std::move(data), p->topic, p->partition);
                }
                p->follower_error.clear();
            }
        }
    }
    co_return any_error ? FetchStep::Backoff : FetchStep::Done;
}

net::awaitable<Broker::FetchStep> Broker::fetch_from_leader(net::KafkaClient& client,
                                                            std::int32_t leader_id,
                                                            std::vector<FollowedPartition> parts) {
    // 2. Fetch.
    protocol::FetchRequest req;
    req.replica_id = config_.node_id;
    req.max_wait_ms = config_.replica_fetch_wait_max_ms;
    req.min_bytes = 1;
    req.max_bytes = 16 * 1024 * 1024;
    req.session_id = 0;
    req.session_epoch = -1;  // a full fetch, no session
    std::vector<FollowedPartition> fetching;
    std::vector<std::int64_t> fetch_offsets;  // by index in `fetching`
    for (const auto& k : parts) {
        auto* p = followed(k, leader_id);
        if (!p) continue;
        const auto ask = p->fetcher.next_request(p->replica->epochs(), log_range(*p));
        if (ask.kind != replication::FollowerFetcher::Request::Kind::Fetch) continue;
        auto it = std::find_if(req.topics.begin(), req.topics.end(),
                               [&](const auto& t) { return t.topic == k.topic; });
        if (it == req.topics.end()) {
            req.topics.push_back({});
            it = std::prev(req.topics.end());
            it->topic = k.topic;
        }
        protocol::FetchRequest::FetchPartition fp;
        fp.partition = k.partition;
        fp.current_leader_epoch = ask.current_leader_epoch;
        fp.fetch_offset = ask.fetch_offset;
        fp.log_start_offset = p->log->log_start_offset();
        fp.partition_max_bytes = config_.replica_fetch_max_bytes;
        it->partitions.push_back(fp);
        fetching.push_back(k);
        fetch_offsets.push_back(ask.fetch_offset);
        ++p->fetches_to_leader_total;
    }
    if (fetching.empty()) co_return FetchStep::Idle;
    auto r =
        co_await client.call(req, kReplicaFetchVersion, config_.replica_fetch_wait_max_ms + 5000);
    if (stopping_) co_return FetchStep::Done;
    if (!r.ok()) {
        for (const auto& k : fetching) {
            if (auto* p = followed(k, leader_id)) p->follower_error = r.error().message;
        }
        co_return FetchStep::Failed;
    }
    bool any_error = false;
    for (auto& t : r->responses) {
        for (auto& part : t.partitions) {
            auto k =
                std::find_if(fetching.begin(), fetching.end(), [&](const FollowedPartition& x) {
                    return x.topic == t.topic && x.partition == part.partition_index;
                });
            if (k == fetching.end()) continue;
            auto* p = followed(*k, leader_id);
            if (!p) continue;  // the leadership changed while the fetch was out: drop it
            const auto offset = fetch_offsets[static_cast<std::size_t>(k - fetching.begin())];
            if (!apply_replica_fetch(*p, k->generation, offset, part)) any_error = true;
        }
    }
    co_return any_error ? FetchStep::Backoff : FetchStep::Done;
}

bool Broker::apply_replica_fetch(HostedPartition& p, std::uint64_t generation,
                                 std::int64_t fetch_offset,
                                 const protocol::FetchResponse::PartitionData& part) {
    using Step = replication::FollowerFetcher::Step;
    const auto error = static_cast<ErrorCode>(part.error_code);
    const Step step = p.fetcher.on_fetch_answer(generation, log_range(p), error, fetch_offset);
    if (step.kind == Step::Kind::Backoff) {
        p.follower_error = step.reason;
        return false;
    }
    // Stale, or OFFSET_OUT_OF_RANGE (our log end is past the leader's: the fetcher truncates by
    // epoch again, at once).
    if (step.kind != Step::Kind::Append) return true;
    p.follower_error.clear();
    if (part.records && !part.records->empty()) {
        std::vector<replication::LeaderEpochCache::Entry> batch_epochs;
        protocol::BatchIterator it(*part.records);
        std::size_t whole = 0;
        while (it.next()) {
            const auto& h = it.header();
            if (batch_epochs.empty() || batch_epochs.back().epoch != h.partition_leader_epoch) {
                batch_epochs.push_back({h.partition_leader_epoch, h.base_offset});
            }
            whole = it.valid_bytes();
        }
        if (whole > 0) {
            auto appended =
                p.log->append_replicated(protocol::ByteView(*part.records).subspan(0, whole));
            if (!appended.ok()) {
                p.follower_error = "append failed: " + appended.message;
                if (appended.error == ErrorCode::OFFSET_OUT_OF_RANGE) p.fetcher.retruncate();
                return false;
            }
            p.replica->on_follower_append(p.log->log_end_offset(), batch_epochs);
            persist_epochs(p);
            p.bytes_in_total += whole;
        }
    }
    p.replica->on_leader_high_watermark(part.high_watermark);
    return true;
}

// ---------------------------------------------------------------------------------------------
// Leader: ISR maintenance

net::awaitable<void> Broker::isr_loop() {
    while (!stopping_) {
        const auto period = std::max<std::int64_t>(config_.replica_lag_time_max_ms / 2, 100);
        isr_timer_->expires_after(std::chrono::milliseconds(period));
        net::error_code ec;
        co_await isr_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) co_return;
        logs_->for_each([&](HostedPartition& p) { check_isr(p); });
    }
}

void Broker::check_isr(HostedPartition& p) {
    if (!p.replica || p.replica->role() != Role::Leader || p.replica->isr_change_pending()) return;
    if (lifecycle_->broker_epoch() < 0) return;
    auto change = p.replica->isr_change(steady_ms());
    if (!change) return;
    const auto topic = image_->topic(p.topic);
    if (!topic) {
        p.replica->isr_change_failed(ErrorCode::OPERATION_NOT_ATTEMPTED);
        return;
    }
    p.last_isr_change_reason = change->reason;
    asio::co_spawn(*io_, send_isr_change(p.topic, p.partition, topic->id, std::move(*change)),
                   asio::detached);
}

net::awaitable<void> Broker::send_isr_change(std::string topic, std::int32_t partition,
                                             protocol::Uuid topic_id,
                                             replication::IsrChange change) {
    protocol::AlterPartitionRequest req;
    req.broker_id = config_.node_id;
    req.broker_epoch = lifecycle_->broker_epoch();
    auto& t = req.topics.emplace_back();
    t.topic_name = topic;
    t.topic_id = topic_id;
    auto& pd = t.partitions.emplace_back();
    pd.partition_index = partition;
    pd.leader_epoch = change.leader_epoch;
    pd.partition_epoch = change.partition_epoch;
    pd.leader_recovery_state = change.leader_recovery_state;
    for (auto id : change.new_isr) {
        const auto* b = image_->broker(id);
        pd.new_isr_with_epochs.push_back({id, b ? b->epoch : -1});
        pd.new_isr.push_back(id);
    }
    // Until an answer: one that says it was not applied ends it; after no answer, or an answer
    // that does not say so (the controller may have applied an earlier attempt), the change
    // stays pending, its additions holding the HW, and goes again until the metadata settles it
    // (PartitionReplica::isr_change_failed), as Kafka's AlterPartitionManager retries.
    for (;;) {
        req.broker_epoch = lifecycle_->broker_epoch();
        controller_client_->set_leader_hint(metadata_fetcher_->node().leader());
        auto r = co_await controller_client_->alter_partition(req, 5000);
        if (stopping_) co_return;
        auto* p = logs_->find(topic, partition);
        if (!p || !p->replica || p->replica->role() != Role::Leader ||
            p->replica->leader_epoch() != change.leader_epoch) {
            co_return;
        }
        // Settled meanwhile by the metadata (a newer partition epoch), or replaced.
        const auto& pending = p->replica->pending_isr_change();
        if (!pending || pending->partition_epoch != change.partition_epoch ||
            pending->new_isr != change.new_isr) {
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
        net::LabTimer backoff(*io_);
        backoff.expires_after(std::chrono::milliseconds(500));
        net::error_code ec;
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) co_return;
    }
    // The change takes effect when the metadata log brings the PartitionChange; the event says
    // why now, with the leader's reasons.
    if (!change.removed.empty() || !change.added.empty()) {
        nlohmann::json data = {{"leader", config_.node_id},
                               {"isr", change.new_isr},
                               {"added", change.added},
                               {"removed", change.removed}};
        events_.publish(
            change.removed.empty() ? EventKind::IsrExpanded : EventKind::IsrShrunk,
            NodeRef::broker(config_.node_id),
            partition_name(topic, partition) + ": " + change.reason + " (ISR now " +
                [&] {
                    std::string s;
                    for (auto id : change.new_isr)
                        s += (s.empty() ? "" : ",") + std::to_string(id);
                    return "[" + s + "]";
                }() +
                ")",
            std::move(data), topic, partition);
    }
}

}  // namespace kraftlab::broker
