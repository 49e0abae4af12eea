#include "broker/replica_fetchers.h"

#include <algorithm>
#include <chrono>

#include "net/lab_timer.h"
#include "protocol/offset_for_leader_epoch.h"
#include "protocol/record_batch.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;
using protocol::ErrorCode;
using replication::Role;

namespace {

constexpr std::int16_t kReplicaFetchVersion = 10;
constexpr std::int16_t kOffsetForLeaderEpochVersion = 3;

std::string partition_name(const std::string& topic, std::int32_t partition) {
    return topic + "-" + std::to_string(partition);
}

replication::LogRange log_range(const HostedPartition& p) {
    return {p.log->log_start_offset(), p.log->log_end_offset()};
}

}  // namespace

void ReplicaFetchers::ensure_fetcher(std::int32_t leader_id) {
    if (fetchers_.insert(leader_id).second) {
        asio::co_spawn(ctx_.io, replica_fetcher(leader_id), asio::detached);
    }
}

void ReplicaFetchers::stop() {
    for (auto& [id, weak] : clients_)
        if (auto c = weak.lock()) c->close("the broker is stopping");
}

HostedPartition* ReplicaFetchers::followed(const FollowedPartition& k, std::int32_t leader_id) {
    if (ctx_.stopping) return nullptr;
    auto* p = ctx_.logs.find(k.topic, k.partition);
    if (!p || !p->log || !p->replica || p->fetcher.generation() != k.generation ||
        p->replica->role() != Role::Follower || p->replica->leader() != leader_id) {
        return nullptr;
    }
    return p;
}

net::awaitable<void> ReplicaFetchers::replica_fetcher(std::int32_t leader_id) {
    std::shared_ptr<net::KafkaClient> client;
    net::LabTimer backoff(ctx_.io);
    net::error_code sleep_ec;  // a cancelled sleep is not an error
    auto sleep = [&backoff, &sleep_ec](int ms) {
        backoff.expires_after(std::chrono::milliseconds(ms));
        return backoff.async_wait(asio::redirect_error(asio::use_awaitable, sleep_ec));
    };
    while (!ctx_.stopping) {
        std::vector<FollowedPartition> parts;
        ctx_.logs.for_each([&](HostedPartition& p) {
            if (p.log && p.replica && p.replica->role() == Role::Follower &&
                p.replica->leader() == leader_id) {
                parts.push_back({p.topic, p.partition, p.fetcher.generation()});
            }
        });
        if (parts.empty()) break;  // no suspension since the check: ensure_fetcher() sees us gone
        if (!client || !client->is_open()) {
            client = co_await connect_to_leader(leader_id, parts);
            clients_[leader_id] = client;
            if (ctx_.stopping) break;
            if (!client) {
                co_await sleep(300);
                continue;
            }
        }
        // First cut divergent tails by leader epoch, then fetch what needs no cutting.
        auto step = co_await truncate_by_epoch(*client, leader_id, parts);
        if (step == FetchStep::Idle) step = co_await fetch_from_leader(*client, leader_id, parts);
        if (ctx_.stopping) break;
        if (step == FetchStep::Failed) {
            client->close("the replica fetcher's request failed");
            client.reset();
            co_await sleep(200);
        } else if (step == FetchStep::Backoff || step == FetchStep::Idle) {
            co_await sleep(100);
        }
    }
    fetchers_.erase(leader_id);
    clients_.erase(leader_id);
    if (client) client->close("the replica fetcher stopped");
}

net::awaitable<std::shared_ptr<net::KafkaClient>> ReplicaFetchers::connect_to_leader(
    std::int32_t leader_id, std::vector<FollowedPartition> parts) {
    const auto* b = ctx_.image->broker(leader_id);
    if (!b || b->port == 0) co_return nullptr;
    net::KafkaClientConfig cfg;
    cfg.client_id = "broker-" + std::to_string(ctx_.config.node_id) + "-replica-fetcher";
    cfg.connect_timeout_ms = 1000;
    cfg.request_timeout_ms = ctx_.config.replica_fetch_wait_max_ms + 5000;
    cfg.sasl = net::lab_node_credentials(ctx_.config.lab_secret);  // a follower is a lab node
    if (ctx_.config.network) cfg.route = ctx_.link_to(leader_id);
    auto client = net::KafkaClient::create(ctx_.io.get_executor(), cfg);
    // Known before it connects, so that stop() can close it mid-connect: over a slow lab link
    // the connect and SASL round trips can take longer than a node's stop may.
    clients_[leader_id] = client;
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

net::awaitable<ReplicaFetchers::FetchStep> ReplicaFetchers::truncate_by_epoch(
    net::KafkaClient& client, std::int32_t leader_id, std::vector<FollowedPartition> parts) {
    const std::string me = "broker " + std::to_string(ctx_.config.node_id);
    // 1. Truncation by leader epoch, before any fetch of a new leadership.
    protocol::OffsetForLeaderEpochRequest epochs_req;
    epochs_req.replica_id = ctx_.config.node_id;
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
        if (ctx_.stopping || !r.ok()) co_return FetchStep::Failed;
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
                    persist_epochs_(*p);
                    nlohmann::json data = {{"from", leo},
                                           {"to", now_leo},
                                           {"leader", leader_id},
                                           {"leader_epoch", a.leader_epoch},
                                           {"leader_end_offset", a.end_offset}};
                    ctx_.events.publish(
                        EventKind::ReplicaTruncated, NodeRef::broker(ctx_.config.node_id),
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

net::awaitable<ReplicaFetchers::FetchStep> ReplicaFetchers::fetch_from_leader(
    net::KafkaClient& client, std::int32_t leader_id, std::vector<FollowedPartition> parts) {
    // 2. Fetch.
    protocol::FetchRequest req;
    req.replica_id = ctx_.config.node_id;
    req.max_wait_ms = ctx_.config.replica_fetch_wait_max_ms;
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
        fp.partition_max_bytes = ctx_.config.replica_fetch_max_bytes;
        it->partitions.push_back(fp);
        fetching.push_back(k);
        fetch_offsets.push_back(ask.fetch_offset);
        ++p->fetches_to_leader_total;
    }
    if (fetching.empty()) co_return FetchStep::Idle;
    auto r = co_await client.call(req, kReplicaFetchVersion,
                                  ctx_.config.replica_fetch_wait_max_ms + 5000);
    if (ctx_.stopping) co_return FetchStep::Done;
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

bool ReplicaFetchers::restart_log(HostedPartition& p, std::int64_t offset, bool announce) {
    const std::int64_t leo = p.log->log_end_offset();
    auto restarted = p.log->restart_at(offset);
    if (!restarted.ok()) {
        p.follower_error =
            "starting the log again at " + std::to_string(offset) + " failed: " + restarted.message;
        return false;
    }
    p.replica->on_restart_at(offset);
    persist_epochs_(p);
    p.follower_error.clear();
    if (!announce) return true;
    ctx_.events.publish(
        EventKind::ReplicaTruncated, NodeRef::broker(ctx_.config.node_id),
        "broker " + std::to_string(ctx_.config.node_id) + " dropped its log of " +
            partition_name(p.topic, p.partition) + " (offsets up to " + std::to_string(leo) +
            ") and starts again at " + std::to_string(offset) +
            ": the leader deleted the records before that (its log start), so they can never "
            "be copied",
        {{"from", leo}, {"to", offset}, {"restart", true}}, p.topic, p.partition);
    return true;
}

bool ReplicaFetchers::apply_replica_fetch(HostedPartition& p, std::uint64_t generation,
                                          std::int64_t fetch_offset,
                                          const protocol::FetchResponse::PartitionData& part) {
    using Step = replication::FollowerFetcher::Step;
    const auto error = static_cast<ErrorCode>(part.error_code);
    const Step step = p.fetcher.on_fetch_answer(generation, log_range(p), error, fetch_offset,
                                                part.log_start_offset);
    if (step.kind == Step::Kind::Backoff) {
        p.follower_error = step.reason;
        return false;
    }
    if (step.kind == Step::Kind::StartAt) return restart_log(p, step.start_at, true);
    // Stale, or OFFSET_OUT_OF_RANGE (our log end is past the leader's: the fetcher truncates by
    // epoch again, at once).
    if (step.kind != Step::Kind::Append) return true;
    p.follower_error.clear();
    if (part.records && !part.records->empty()) {
        // Just started again at the leader's log start (restart_log), which DeleteRecords put
        // inside a batch: the batch holding it comes whole, so the empty log starts at its base.
        protocol::BatchIterator first(*part.records);
        const std::int64_t leo = p.log->log_end_offset();
        if (first.next() && first.header().base_offset < leo &&
            first.header().next_offset() > leo && p.log->log_start_offset() == leo) {
            if (!restart_log(p, first.header().base_offset, false)) return false;
        }
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
            persist_epochs_(p);
            p.bytes_in_total += whole;
        }
    }
    p.replica->on_leader_high_watermark(part.high_watermark);
    // DeleteRecords on the leader: the follower's log start follows, never past what it has.
    if (part.log_start_offset > p.log->log_start_offset()) {
        auto moved = p.log->advance_log_start(
            std::min<std::int64_t>(part.log_start_offset, p.log->log_end_offset()));
        if (!moved.ok()) p.follower_error = "moving the log start failed: " + moved.message;
    }
    return true;
}

}  // namespace kraftlab::broker
