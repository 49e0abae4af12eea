// GroupCoordinator's committed offsets (OffsetCommit, OffsetFetch, OffsetDelete) and what admin
// tools ask of it (DescribeGroups, ListGroups, DeleteGroups), and its snapshot for the lab's views.
#include "broker/group_coordinator.h"

// g++ 12's false -Wmismatched-new-delete on Asio's coroutine frames (see broker.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <algorithm>
#include <set>

#include "group/consumer_protocol.h"
#include "group/offsets_records.h"
#include "protocol/records.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;

namespace {

std::int64_t now_ms() {
    return core::LabTime::now_ms();
}

}  // namespace

net::awaitable<std::vector<ErrorCode>> GroupCoordinator::commit(
    std::string group_id, std::string member_id, std::optional<std::string> group_instance_id,
    std::int32_t generation, std::vector<OffsetCommitEntry> entries) {
    std::vector<ErrorCode> errors(entries.size(), ErrorCode::NONE);
    auto fail_all = [&](ErrorCode e) {
        std::fill(errors.begin(), errors.end(), e);
        return errors;
    };
    if (auto e = status(group_id); e != ErrorCode::NONE) co_return fail_all(e);
    auto it = groups_.find(group_id);
    if (it == groups_.end()) {
        // Kafka makes the group for a commit from outside the protocol; a member's commit to a
        // group that does not exist names a member nobody knows.
        if (generation >= 0 || !member_id.empty())
            co_return fail_all(ErrorCode::ILLEGAL_GENERATION);
        entry(group_id);
        it = groups_.find(group_id);
    }
    const auto check = it->second.group->check_commit(member_id, group_instance_id, generation);
    if (check != ErrorCode::NONE) co_return fail_all(check);
    if (!member_id.empty())
        it->second.group->heartbeat(member_id, group_instance_id, generation, now_ms());

    const auto timestamp = core::now_unix_ms();
    protocol::RecordBatchBuilder batch;
    std::vector<std::size_t> written;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& c = entries[i];
        if (!storage_.partition_exists(c.topic, c.partition)) {
            errors[i] = ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
            continue;
        }
        if (c.metadata.size() > kMaxOffsetMetadataBytes) {
            errors[i] = ErrorCode::OFFSET_METADATA_TOO_LARGE;
            continue;
        }
        group::OffsetValue v;
        v.offset = c.offset;
        v.leader_epoch = c.leader_epoch;
        v.metadata = c.metadata;
        v.commit_timestamp = timestamp;
        batch.append(group::encode_key(group::OffsetKey{group_id, c.topic, c.partition}),
                     group::encode_value(v), timestamp);
        written.push_back(i);
    }
    if (written.empty()) co_return errors;
    Stored stored;
    stored.partition = it->second.partition;
    auto [append_error, end] = storage_.append(stored.partition, batch.build());
    stored.error = append_error;
    stored.end_offset = end;
    const auto error = co_await await_stored(stored);
    for (auto i : written)
        errors[i] = error;
    if (error != ErrorCode::NONE) co_return errors;
    // Only a stored commit is visible to OffsetFetch; the group may have moved meanwhile.
    it = groups_.find(group_id);
    if (it == groups_.end()) co_return fail_all(ErrorCode::NOT_COORDINATOR);
    for (auto i : written) {
        const auto& c = entries[i];
        it->second.offsets[{c.topic, c.partition}] =
            CommittedOffset{c.offset, c.leader_epoch, c.metadata, timestamp};
    }
    co_return errors;
}

ErrorCode GroupCoordinator::fetch_offsets(
    const std::string& group_id, const std::optional<std::vector<TopicPartitionKey>>& which,
    std::map<TopicPartitionKey, CommittedOffset>& out) const {
    if (auto e = status(group_id); e != ErrorCode::NONE) return e;
    auto it = groups_.find(group_id);
    if (it == groups_.end()) return ErrorCode::NONE;
    if (!which) {
        out = it->second.offsets;
        return ErrorCode::NONE;
    }
    for (const auto& tp : *which) {
        auto c = it->second.offsets.find(tp);
        if (c != it->second.offsets.end()) out.insert(*c);
    }
    return ErrorCode::NONE;
}

// ---------------------------------------------------------------------------------------------
// Admin

std::optional<GroupView> GroupCoordinator::describe(const std::string& group_id) const {
    auto it = groups_.find(group_id);
    if (it == groups_.end()) return std::nullopt;
    const auto& g = *it->second.group;
    GroupView v;
    v.group_id = group_id;
    v.state = g.state();
    v.protocol_type = g.protocol_type();
    v.protocol = g.protocol_name();
    v.generation = g.generation();
    v.leader = g.leader();
    v.members = g.members();
    v.partition = it->second.partition;
    v.offsets = it->second.offsets;
    return v;
}

std::vector<GroupView> GroupCoordinator::groups() const {
    std::vector<GroupView> out;
    for (const auto& [id, e] : groups_) {
        if (auto v = describe(id)) out.push_back(std::move(*v));
    }
    return out;
}

net::awaitable<ErrorCode> GroupCoordinator::delete_group(std::string group_id) {
    if (auto e = status(group_id); e != ErrorCode::NONE) co_return e;
    auto it = groups_.find(group_id);
    if (it == groups_.end()) co_return ErrorCode::GROUP_ID_NOT_FOUND;
    if (!it->second.group->members().empty()) co_return ErrorCode::NON_EMPTY_GROUP;
    // Tombstones for the group's metadata and every committed offset.
    protocol::RecordBatchBuilder batch;
    const auto timestamp = core::now_unix_ms();
    for (const auto& [tp, c] : it->second.offsets) {
        batch.append(group::encode_key(group::OffsetKey{group_id, tp.first, tp.second}),
                     std::nullopt, timestamp);
    }
    batch.append(group::encode_key(group::GroupMetadataKey{group_id}), std::nullopt, timestamp);
    Stored stored;
    stored.partition = it->second.partition;
    auto [append_error, end] = storage_.append(stored.partition, batch.build());
    stored.error = append_error;
    stored.end_offset = end;
    // The group is gone at once (Kafka marks it Dead before the write completes).
    group::Output out;
    it->second.group->kill(ErrorCode::GROUP_ID_NOT_FOUND, out);
    groups_.erase(it);
    publish(EventKind::GroupChanged, group_id, "deleted with its committed offsets");
    co_return co_await await_stored(stored);
}

net::awaitable<std::pair<ErrorCode, std::vector<ErrorCode>>> GroupCoordinator::delete_offsets(
    std::string group_id, std::vector<TopicPartitionKey> partitions) {
    std::vector<ErrorCode> errors(partitions.size(), ErrorCode::NONE);
    if (auto e = status(group_id); e != ErrorCode::NONE) co_return std::pair{e, errors};
    auto it = groups_.find(group_id);
    if (it == groups_.end()) co_return std::pair{ErrorCode::GROUP_ID_NOT_FOUND, errors};
    const auto& g = *it->second.group;
    if (!g.members().empty() && g.protocol_type() != "consumer")
        co_return std::pair{ErrorCode::NON_EMPTY_GROUP, errors};
    std::set<std::string> subscribed;
    for (const auto& m : g.members()) {
        for (const auto& p : m.protocols) {
            if (p.name != g.protocol_name()) continue;
            if (auto sub = group::decode_subscription(p.metadata))
                subscribed.insert(sub->topics.begin(), sub->topics.end());
        }
    }
    protocol::RecordBatchBuilder batch;
    const auto timestamp = core::now_unix_ms();
    std::vector<std::size_t> written;
    for (std::size_t i = 0; i < partitions.size(); ++i) {
        const auto& [topic, partition] = partitions[i];
        if (subscribed.count(topic)) {
            errors[i] = ErrorCode::GROUP_SUBSCRIBED_TO_TOPIC;
            continue;
        }
        if (!it->second.offsets.count(partitions[i])) continue;  // nothing to delete: no error
        batch.append(group::encode_key(group::OffsetKey{group_id, topic, partition}), std::nullopt,
                     timestamp);
        written.push_back(i);
    }
    if (written.empty()) co_return std::pair{ErrorCode::NONE, errors};
    Stored stored;
    stored.partition = it->second.partition;
    auto [append_error, end] = storage_.append(stored.partition, batch.build());
    stored.error = append_error;
    stored.end_offset = end;
    const auto error = co_await await_stored(stored);
    if (error != ErrorCode::NONE) co_return std::pair{error, errors};
    it = groups_.find(group_id);
    if (it != groups_.end()) {
        for (auto i : written)
            it->second.offsets.erase(partitions[i]);
    }
    co_return std::pair{ErrorCode::NONE, errors};
}

std::vector<core::GroupSnapshot> GroupCoordinator::snapshot() const {
    std::vector<core::GroupSnapshot> out;
    for (const auto& [id, e] : groups_) {
        const auto& g = *e.group;
        auto& s = out.emplace_back();
        s.group_id = id;
        s.state = std::string(group::state_name(g.state()));
        s.protocol_type = g.protocol_type();
        s.protocol = g.protocol_name();
        s.generation = g.generation();
        s.leader = g.leader();
        s.offsets_partition = e.partition;
        s.rebalance_started_lab_ms = e.rebalance_started_ms;
        for (const auto& m : g.members()) {
            auto& sm = s.members.emplace_back();
            sm.member_id = m.member_id;
            sm.group_instance_id = m.group_instance_id.value_or("");
            sm.client_id = m.client_id;
            sm.client_host = m.client_host;
            sm.session_timeout_ms = m.session_timeout_ms;
            sm.last_seen_lab_ms = m.last_seen_ms;
            if (g.protocol_type() != "consumer") continue;
            for (const auto& p : m.protocols) {
                if (p.name != g.protocol_name() && !g.protocol_name().empty()) continue;
                if (auto sub = group::decode_subscription(p.metadata)) sm.subscribed = sub->topics;
                break;
            }
            if (auto a = group::decode_assignment(m.assignment)) {
                for (const auto& [topic, parts] : a->partitions) {
                    for (auto p : parts)
                        sm.assigned.emplace_back(topic, p);
                }
            }
        }
        for (const auto& [tp, c] : e.offsets)
            s.offsets.push_back({tp.first, tp.second, c.offset, c.metadata, c.commit_timestamp_ms});
    }
    return out;
}

}  // namespace kraftlab::broker
