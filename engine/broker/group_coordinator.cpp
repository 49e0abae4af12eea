// GroupCoordinator: which groups this broker coordinates (the offsets partitions it leads), the
// group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and its records, and time
// (session and rebalance timeouts, idle groups). Loading is in group_loader.cpp, offsets and
// admin in group_offsets.cpp.
#include "broker/group_coordinator.h"

// g++ 12's false -Wmismatched-new-delete on Asio's coroutine frames (see broker.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <algorithm>
#include <set>

#include "group/consumer_protocol.h"
#include "group/coordinator_key.h"
#include "group/offsets_records.h"
#include "protocol/codec.h"
#include "protocol/record_batch.h"
#include "protocol/records.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;

namespace {

std::int64_t now_ms() {
    return core::LabTime::now_ms();
}

group::JoinResult join_error(ErrorCode e, const std::string& member_id = {}) {
    group::JoinResult r;
    r.error = e;
    r.member_id = member_id;
    return r;
}

group::SyncResult sync_error(ErrorCode e) {
    group::SyncResult r;
    r.error = e;
    return r;
}

}  // namespace

GroupCoordinator::GroupCoordinator(asio::io_context& io, std::int32_t broker_id,
                                   core::EventBus& events, GroupStorage storage,
                                   group::GroupConfig config)
    : io_(io),
      broker_id_(broker_id),
      events_(events),
      storage_(std::move(storage)),
      config_(std::move(config)) {}

GroupCoordinator::~GroupCoordinator() = default;

void GroupCoordinator::start() {
    asio::co_spawn(io_, tick_loop(), asio::detached);
}

void GroupCoordinator::stop() {
    stopped_ = true;
    wake();
    for (auto* w : join_waiters_)
        w->timer->cancel();
    for (auto* w : sync_waiters_)
        w->timer->cancel();
}

// ---------------------------------------------------------------------------------------------
// Which groups are here

std::int32_t GroupCoordinator::partition_for(const std::string& group_id) const {
    return group::offsets_partition_for(group_id, partition_count_);
}

ErrorCode GroupCoordinator::status(const std::string& group_id) const {
    if (stopped_ || partition_count_ <= 0) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
    auto it = led_.find(partition_for(group_id));
    if (it == led_.end()) return ErrorCode::NOT_COORDINATOR;
    if (it->second.load == Load::Loading) return ErrorCode::COORDINATOR_LOAD_IN_PROGRESS;
    return ErrorCode::NONE;
}

GroupCoordinator::Entry& GroupCoordinator::entry(const std::string& group_id) {
    auto it = groups_.find(group_id);
    if (it == groups_.end()) {
        Entry e;
        e.partition = partition_for(group_id);
        auto config = config_;
        config.member_id_tag = std::to_string(led_[e.partition].leader_epoch);
        e.group = std::make_unique<group::ClassicGroup>(group_id, config);
        it = groups_.emplace(group_id, std::move(e)).first;
    }
    return it->second;
}

void GroupCoordinator::set_partitions(std::int32_t partition_count,
                                      const std::map<std::int32_t, std::int32_t>& led) {
    if (stopped_) return;
    if (partition_count != partition_count_) {
        // The topic was deleted or made anew: nothing loaded before still holds.
        std::vector<std::int32_t> all;
        for (const auto& [p, l] : led_)
            all.push_back(p);
        for (auto p : all)
            unload_partition(p);
        partition_count_ = partition_count;
    }
    std::vector<std::int32_t> lost;
    for (const auto& [p, l] : led_) {
        auto it = led.find(p);
        if (it == led.end() || it->second != l.leader_epoch) lost.push_back(p);
    }
    for (auto p : lost)
        unload_partition(p);
    for (const auto& [p, epoch] : led) {
        if (led_.count(p)) continue;
        led_[p] = Led{epoch, Load::Loading};
        asio::co_spawn(io_, load_partition(p, epoch), asio::detached);
    }
}

void GroupCoordinator::unload_partition(std::int32_t partition) {
    if (!led_.erase(partition)) return;
    std::vector<std::string> ids;
    for (const auto& [id, e] : groups_) {
        if (e.partition == partition) ids.push_back(id);
    }
    for (const auto& id : ids) {
        group::Output out;
        groups_.at(id).group->kill(ErrorCode::NOT_COORDINATOR, out);
        deliver_joins(id, std::move(out.joins));
        deliver_syncs(id, std::move(out.syncs));
        groups_.erase(id);
    }
    events_.publish(
        EventKind::CoordinatorChanged, NodeRef::broker(broker_id_),
        "broker " + std::to_string(broker_id_) + " no longer coordinates the groups of " +
            std::string(group::kOffsetsTopic) + "-" + std::to_string(partition) + " (" +
            std::to_string(ids.size()) + " group" + (ids.size() == 1 ? "" : "s") + " moved away)",
        {{"partition", partition}, {"loaded", false}, {"groups", ids.size()}},
        std::string(group::kOffsetsTopic), partition);
}

// ---------------------------------------------------------------------------------------------
// The group protocol

net::awaitable<group::JoinResult> GroupCoordinator::join(std::string group_id,
                                                         group::JoinRequest request) {
    if (auto e = status(group_id); e != ErrorCode::NONE) co_return join_error(e);
    const bool existed = groups_.count(group_id) > 0;
    auto& e = entry(group_id);
    group::Output out;
    auto answer = e.group->join(request, now_ms(), out);
    if (!existed && answer.now && answer.now->error != ErrorCode::NONE &&
        answer.now->error != ErrorCode::MEMBER_ID_REQUIRED) {
        // Refused outright (an unknown member id, a bad session timeout or protocols): the
        // group would stay Empty with nothing in it, for as long as this broker coordinates,
        // one per group id a client cares to send. Kafka makes no group for the first two.
        groups_.erase(group_id);
        co_return *answer.now;
    }
    net::LabTimer timer(io_);
    JoinWaiter waiter{group_id, answer.member_id, std::nullopt, &timer};
    if (!answer.now) join_waiters_.push_back(&waiter);
    apply(group_id, std::move(out));
    if (answer.now) co_return *answer.now;
    while (!waiter.result && !stopped_) {
        timer.expires_after(std::chrono::hours(1));
        net::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    join_waiters_.remove(&waiter);
    if (!waiter.result) co_return join_error(ErrorCode::COORDINATOR_NOT_AVAILABLE);
    co_return *waiter.result;
}

net::awaitable<group::SyncResult> GroupCoordinator::sync(std::string group_id,
                                                         group::SyncRequest request) {
    if (auto e = status(group_id); e != ErrorCode::NONE) co_return sync_error(e);
    auto it = groups_.find(group_id);
    if (it == groups_.end()) co_return sync_error(ErrorCode::UNKNOWN_MEMBER_ID);
    group::Output out;
    auto now = it->second.group->sync(request, now_ms(), out);
    net::LabTimer timer(io_);
    SyncWaiter waiter{group_id, request.member_id, std::nullopt, &timer};
    if (!now) sync_waiters_.push_back(&waiter);
    auto stored = apply(group_id, std::move(out));
    if (now) {
        if (stored && now->error == ErrorCode::NONE) {
            // The leader's answer waits until the assignment is stored, as in Kafka.
            const auto error = co_await await_stored(*stored);
            if (error != ErrorCode::NONE) co_return sync_error(error);
        }
        co_return *now;
    }
    while (!waiter.result && !stopped_) {
        timer.expires_after(std::chrono::hours(1));
        net::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    sync_waiters_.remove(&waiter);
    if (!waiter.result) co_return sync_error(ErrorCode::COORDINATOR_NOT_AVAILABLE);
    co_return *waiter.result;
}

ErrorCode GroupCoordinator::heartbeat(const std::string& group_id, const std::string& member_id,
                                      const std::optional<std::string>& group_instance_id,
                                      std::int32_t generation) {
    if (auto e = status(group_id); e != ErrorCode::NONE) return e;
    auto it = groups_.find(group_id);
    if (it == groups_.end()) return ErrorCode::UNKNOWN_MEMBER_ID;
    const auto error =
        it->second.group->heartbeat(member_id, group_instance_id, generation, now_ms());
    wake();
    return error;
}

ErrorCode GroupCoordinator::leave(const std::string& group_id, const std::string& member_id,
                                  const std::optional<std::string>& group_instance_id) {
    if (auto e = status(group_id); e != ErrorCode::NONE) return e;
    auto it = groups_.find(group_id);
    if (it == groups_.end()) return ErrorCode::UNKNOWN_MEMBER_ID;
    group::Output out;
    const auto error = it->second.group->leave(member_id, group_instance_id, now_ms(), out);
    apply(group_id, std::move(out));
    return error;
}

std::optional<GroupCoordinator::Stored> GroupCoordinator::apply(const std::string& group_id,
                                                                group::Output out) {
    for (const auto& text : out.events)
        publish(EventKind::GroupChanged, group_id, text);
    if (auto it = groups_.find(group_id); it != groups_.end()) {
        // How long the group did not consume: from the first rebalance step to Stable.
        auto& e = it->second;
        const auto state = e.group->state();
        if (state == group::GroupState::PreparingRebalance ||
            state == group::GroupState::CompletingRebalance) {
            if (e.rebalance_started_ms < 0) e.rebalance_started_ms = now_ms();
        } else if (state == group::GroupState::Stable && e.rebalance_started_ms >= 0) {
            const auto took = now_ms() - e.rebalance_started_ms;
            e.rebalance_started_ms = -1;
            publish(EventKind::GroupChanged, group_id,
                    "consuming again in generation " + std::to_string(e.group->generation()) +
                        " after a rebalance of " + std::to_string(took) + " ms",
                    {{"rebalance_ms", took}});
        } else {
            e.rebalance_started_ms = -1;
        }
        track_idle(e);
    }
    deliver_joins(group_id, std::move(out.joins));
    std::optional<Stored> stored;
    auto it = groups_.find(group_id);
    if (out.persist && it != groups_.end()) {
        Stored s;
        s.partition = it->second.partition;
        auto [error, end] = storage_.append(s.partition, metadata_batch(it->second));
        s.error = error;
        s.end_offset = end;
        stored = s;
    }
    if (stored && !out.syncs.empty()) {
        asio::co_spawn(io_, finish_store(group_id, *stored, std::move(out.syncs)), asio::detached);
    } else {
        deliver_syncs(group_id, std::move(out.syncs));
    }
    wake();
    return stored;
}

net::awaitable<void> GroupCoordinator::finish_store(
    std::string group_id, Stored stored,
    std::vector<std::pair<std::string, group::SyncResult>> syncs) {
    const auto error = co_await await_stored(stored);
    if (error != ErrorCode::NONE) {
        for (auto& [member, result] : syncs) {
            if (result.error == ErrorCode::NONE) result = sync_error(error);
        }
    }
    deliver_syncs(group_id, std::move(syncs));
}

net::awaitable<ErrorCode> GroupCoordinator::await_stored(const Stored& stored) {
    if (stored.error != ErrorCode::NONE) co_return store_error(stored.error);
    const auto error = co_await storage_.replicated(stored.partition, stored.end_offset);
    co_return store_error(error);
}

void GroupCoordinator::deliver_joins(const std::string& group_id,
                                     std::vector<std::pair<std::string, group::JoinResult>> joins) {
    for (auto& [member, result] : joins) {
        for (auto* w : join_waiters_) {
            if (w->group_id == group_id && w->member_id == member && !w->result) {
                w->result = result;
                w->timer->cancel();
            }
        }
    }
}

void GroupCoordinator::deliver_syncs(const std::string& group_id,
                                     std::vector<std::pair<std::string, group::SyncResult>> syncs) {
    for (auto& [member, result] : syncs) {
        for (auto* w : sync_waiters_) {
            if (w->group_id == group_id && w->member_id == member && !w->result) {
                w->result = result;
                w->timer->cancel();
            }
        }
    }
}

ErrorCode GroupCoordinator::store_error(ErrorCode e) {
    // GroupMetadataManager's mapping: the client retries or finds the coordinator again.
    switch (e) {
        case ErrorCode::NONE:
            return ErrorCode::NONE;
        case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
        case ErrorCode::NOT_ENOUGH_REPLICAS:
        case ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
        case ErrorCode::REQUEST_TIMED_OUT:
            return ErrorCode::COORDINATOR_NOT_AVAILABLE;
        case ErrorCode::NOT_LEADER_OR_FOLLOWER:
        case ErrorCode::KAFKA_STORAGE_ERROR:
        case ErrorCode::FENCED_LEADER_EPOCH:
            return ErrorCode::NOT_COORDINATOR;
        default:
            return ErrorCode::UNKNOWN_SERVER_ERROR;
    }
}

protocol::Bytes GroupCoordinator::metadata_batch(const Entry& e) const {
    const auto& g = *e.group;
    const auto key = group::encode_key(group::GroupMetadataKey{g.id()});
    protocol::RecordBatchBuilder batch;
    if (g.state() == group::GroupState::Dead) {
        batch.append(key, std::nullopt, core::now_unix_ms());
        return batch.build();
    }
    group::GroupMetadataValue v;
    v.protocol_type = g.protocol_type();
    v.generation = g.generation();
    if (!g.protocol_name().empty()) v.protocol = g.protocol_name();
    if (!g.leader().empty()) v.leader = g.leader();
    v.current_state_timestamp = core::now_unix_ms();
    for (const auto& m : g.members()) {
        group::MemberMetadata mm;
        mm.member_id = m.member_id;
        mm.group_instance_id = m.group_instance_id;
        mm.client_id = m.client_id;
        mm.client_host = m.client_host;
        mm.rebalance_timeout_ms = m.rebalance_timeout_ms;
        mm.session_timeout_ms = m.session_timeout_ms;
        for (const auto& p : m.protocols) {
            if (p.name == g.protocol_name()) mm.subscription = p.metadata;
        }
        mm.assignment = m.assignment;
        v.members.push_back(std::move(mm));
    }
    const auto value = group::encode_value(v);
    batch.append(key, value, core::now_unix_ms());
    return batch.build();
}

// ---------------------------------------------------------------------------------------------
// Time

net::awaitable<void> GroupCoordinator::tick_loop() {
    tick_timer_ = std::make_unique<net::LabTimer>(io_);
    while (!stopped_) {
        std::int64_t next = -1;
        for (const auto& [id, e] : groups_) {
            auto d = e.group->next_deadline_ms();
            if (d >= 0 && (next < 0 || d < next)) next = d;
            if (e.idle_since_ms >= 0) {
                d = e.group->generation() == 0 ? e.idle_since_ms
                                               : e.idle_since_ms + kEmptyGroupRetentionMs;
                if (next < 0 || d < next) next = d;
            }
        }
        if (next < 0) {
            tick_timer_->expires_after(std::chrono::hours(1));
        } else {
            tick_timer_->expires_at(core::LabTime::time_point(std::chrono::milliseconds(next)));
        }
        net::error_code ec;
        co_await tick_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopped_) break;
        const auto now = now_ms();
        std::vector<std::string> due;
        for (const auto& [id, e] : groups_) {
            const auto d = e.group->next_deadline_ms();
            if (d >= 0 && d <= now) due.push_back(id);
        }
        for (const auto& id : due) {
            auto it = groups_.find(id);
            if (it == groups_.end()) continue;
            group::Output out;
            it->second.group->tick(now, out);
            apply(id, std::move(out));
        }
        remove_idle_groups(now);
    }
}

void GroupCoordinator::track_idle(Entry& e) {
    const bool idle = e.group->state() == group::GroupState::Empty && e.offsets.empty() &&
                      !e.group->has_pending_members();
    if (!idle) {
        e.idle_since_ms = -1;
    } else if (e.idle_since_ms < 0) {
        e.idle_since_ms = now_ms();
    }
}

void GroupCoordinator::remove_idle_groups(std::int64_t now) {
    std::vector<std::string> gone;
    for (auto& [id, e] : groups_) {
        track_idle(e);
        if (e.idle_since_ms < 0) continue;
        const bool formed = e.group->generation() > 0;
        if (formed && now < e.idle_since_ms + kEmptyGroupRetentionMs) continue;
        gone.push_back(id);
    }
    for (const auto& id : gone) {
        auto it = groups_.find(id);
        if (it->second.group->generation() > 0) {
            // Its GroupMetadata record goes too, so that a reload does not bring it back.
            protocol::RecordBatchBuilder batch;
            batch.append(group::encode_key(group::GroupMetadataKey{id}), std::nullopt,
                         core::now_unix_ms());
            storage_.append(it->second.partition, batch.build());
            publish(EventKind::GroupChanged, id,
                    "forgotten: empty, with no committed offsets, for " +
                        std::to_string(kEmptyGroupRetentionMs / 1000) + " s");
        }
        groups_.erase(it);
    }
}

void GroupCoordinator::publish(EventKind kind, const std::string& group_id, const std::string& text,
                               nlohmann::json data) {
    auto it = groups_.find(group_id);
    data["group"] = group_id;
    if (it != groups_.end()) {
        const auto& g = *it->second.group;
        data["state"] = std::string(group::state_name(g.state()));
        data["generation"] = g.generation();
        data["members"] = g.members().size();
        data["protocol"] = g.protocol_name();
        data["partition"] = it->second.partition;
    }
    events_.publish(kind, NodeRef::broker(broker_id_), "group " + group_id + ": " + text,
                    std::move(data));
}

}  // namespace kraftlab::broker
