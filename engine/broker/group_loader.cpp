// GroupCoordinator's loading of a __consumer_offsets partition this broker has just come to
// lead: every record from the log start, the newest per key winning (tombstones delete), then
// each group restored as its last GroupMetadata record left it, with its committed offsets.
#include "broker/group_coordinator.h"

// g++ 12's false -Wmismatched-new-delete on Asio's coroutine frames (see broker.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "group/coordinator_key.h"
#include "group/offsets_records.h"
#include "protocol/record_batch.h"
#include "protocol/records.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;

net::awaitable<void> GroupCoordinator::load_partition(std::int32_t partition,
                                                      std::int32_t leader_epoch) {
    const auto started = core::LabTime::now_ms();
    auto still_ours = [&] {
        auto it = led_.find(partition);
        return !stopped_ && it != led_.end() && it->second.leader_epoch == leader_epoch &&
               it->second.load == Load::Loading;
    };
    std::map<std::string, std::optional<group::GroupMetadataValue>> metadata;
    std::map<std::string, std::map<TopicPartitionKey, std::optional<CommittedOffset>>> offsets;
    std::size_t records = 0, skipped = 0;
    std::string failure;
    std::int64_t offset = storage_.log_start(partition);
    while (true) {
        // One read at a time, and a turn for everything else on the node between reads: a
        // large partition must not hold up heartbeats and fetches.
        co_await asio::post(io_, asio::use_awaitable);
        if (!still_ours()) co_return;
        auto read = storage_.read(partition, offset);
        if (!read.ok()) {
            failure = read.message;
            break;
        }
        if (read.data.empty()) break;
        protocol::BatchIterator batches(read.data);
        while (batches.next()) {
            std::vector<protocol::Record> rs;
            if (batches.header().is_control() ||
                protocol::decode_records(batches.batch(), rs) != protocol::BatchError::None) {
                ++skipped;
                continue;
            }
            for (const auto& r : rs) {
                ++records;
                if (!r.key) {
                    ++skipped;
                    continue;
                }
                auto key = group::decode_key(*r.key);
                if (auto* k = key ? std::get_if<group::OffsetKey>(&*key) : nullptr) {
                    auto& slot = offsets[k->group][{k->topic, k->partition}];
                    if (!r.value) {
                        slot.reset();
                        continue;
                    }
                    auto v = group::decode_offset_value(*r.value);
                    if (!v) {
                        ++skipped;
                        continue;
                    }
                    slot = CommittedOffset{v->offset, v->leader_epoch, v->metadata,
                                           v->commit_timestamp};
                } else if (auto* g = key ? std::get_if<group::GroupMetadataKey>(&*key) : nullptr) {
                    if (!r.value) {
                        metadata[g->group].reset();
                        continue;
                    }
                    auto v = group::decode_group_metadata_value(*r.value);
                    if (!v) {
                        ++skipped;
                        continue;
                    }
                    metadata[g->group] = std::move(*v);
                } else {
                    ++skipped;
                }
            }
        }
        if (read.next_offset <= offset) break;
        offset = read.next_offset;
    }
    if (!still_ours()) co_return;

    const auto now = core::LabTime::now_ms();
    std::size_t groups = 0, committed = 0;
    auto config = config_;
    config.member_id_tag = std::to_string(leader_epoch);
    auto make = [&](const std::string& id) -> Entry& {
        auto& e = groups_[id];
        e.partition = partition;
        if (!e.group) e.group = std::make_unique<group::ClassicGroup>(id, config);
        return e;
    };
    for (auto& [id, value] : metadata) {
        if (!value) continue;
        std::vector<group::LoadedMember> members;
        for (auto& m : value->members) {
            members.push_back({std::move(m.member_id), std::move(m.group_instance_id),
                               std::move(m.client_id), std::move(m.client_host),
                               m.rebalance_timeout_ms, m.session_timeout_ms,
                               std::move(m.subscription), std::move(m.assignment)});
        }
        make(id).group->load(value->protocol_type, value->generation, value->protocol.value_or(""),
                             value->leader.value_or(""), std::move(members), now);
        ++groups;
    }
    for (auto& [id, by_partition] : offsets) {
        std::map<TopicPartitionKey, CommittedOffset> live;
        for (auto& [tp, c] : by_partition) {
            if (c) live.emplace(tp, std::move(*c));
        }
        if (live.empty()) continue;
        auto& e = make(id);
        committed += live.size();
        e.offsets = std::move(live);
    }
    led_[partition].load = Load::Loaded;
    wake();
    std::string text =
        "broker " + std::to_string(broker_id_) + " is now the coordinator of the groups in " +
        std::string(group::kOffsetsTopic) + "-" + std::to_string(partition) + ": loaded " +
        std::to_string(groups) + " group" + (groups == 1 ? "" : "s") + " and " +
        std::to_string(committed) + " committed offset" + (committed == 1 ? "" : "s") + " from " +
        std::to_string(records) + " records in " + std::to_string(now - started) + " ms";
    if (skipped) text += " (" + std::to_string(skipped) + " records it could not read skipped)";
    if (!failure.empty()) text += "; the log could not be read to its end: " + failure;
    events_.publish(EventKind::CoordinatorChanged, NodeRef::broker(broker_id_), text,
                    {{"partition", partition},
                     {"loaded", true},
                     {"groups", groups},
                     {"offsets", committed},
                     {"leader_epoch", leader_epoch}},
                    std::string(group::kOffsetsTopic), partition);
}

}  // namespace kraftlab::broker
