// OffsetCommit, OffsetFetch and OffsetDelete: a group's committed offsets, kept by the group's
// coordinator as records of __consumer_offsets (broker/group_coordinator.h).
#include "broker/broker.h"
#include "protocol/offset_commit.h"
#include "protocol/offset_delete.h"
#include "protocol/offset_fetch.h"

namespace kraftlab::broker {

using protocol::ErrorCode;

net::awaitable<Broker::Reply> Broker::handle_offset_commit(const protocol::RequestHeader& h,
                                                           protocol::Reader& body) {
    protocol::OffsetCommitRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed OffsetCommit request");
    std::vector<OffsetCommitEntry> entries;
    for (const auto& t : request.topics) {
        for (const auto& p : t.partitions) {
            entries.push_back({t.name, p.partition_index, p.committed_offset,
                               p.committed_leader_epoch, p.committed_metadata.value_or("")});
        }
    }
    // v0 has no generation or member: a commit from outside the group protocol.
    auto errors =
        co_await groups_->commit(request.group_id, request.member_id, request.group_instance_id,
                                 request.generation_id, std::move(entries));
    if (stopping_) co_return Reply::silent();
    protocol::OffsetCommitResponse response;
    std::size_t i = 0;
    for (const auto& t : request.topics) {
        auto& out = response.topics.emplace_back();
        out.name = t.name;
        for (const auto& p : t.partitions)
            out.partitions.push_back({p.partition_index, to_wire(errors[i++])});
    }
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_offset_fetch(const protocol::RequestHeader& h,
                                                          protocol::Reader& body) {
    protocol::OffsetFetchRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed OffsetFetch request");
    std::optional<std::vector<TopicPartitionKey>> which;
    if (request.topics) {
        which.emplace();
        for (const auto& t : *request.topics) {
            for (auto p : t.partition_indexes)
                which->emplace_back(t.name, p);
        }
    }
    std::map<TopicPartitionKey, CommittedOffset> committed;
    const auto error = groups_->fetch_offsets(request.group_id, which, committed);

    protocol::OffsetFetchResponse response;
    // v2+ carries a group-level error; before it, each partition says it.
    if (h.api_version >= 2) response.error_code = to_wire(error);
    auto partition_answer = [&](std::int32_t index, const CommittedOffset* c) {
        protocol::OffsetFetchResponse::Partition p;
        p.partition_index = index;
        p.error_code = to_wire(error);
        p.metadata = std::string();
        if (error == ErrorCode::NONE && c) {
            p.committed_offset = c->offset;
            p.committed_leader_epoch = c->leader_epoch;
            p.metadata = c->metadata;
        }
        return p;
    };
    if (request.topics) {
        for (const auto& t : *request.topics) {
            auto& out = response.topics.emplace_back();
            out.name = t.name;
            for (auto index : t.partition_indexes) {
                auto it = committed.find({t.name, index});
                out.partitions.push_back(
                    partition_answer(index, it == committed.end() ? nullptr : &it->second));
            }
        }
    } else if (error == ErrorCode::NONE) {
        for (const auto& [tp, c] : committed) {
            if (response.topics.empty() || response.topics.back().name != tp.first)
                response.topics.emplace_back().name = tp.first;
            response.topics.back().partitions.push_back(partition_answer(tp.second, &c));
        }
    }
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_offset_delete(const protocol::RequestHeader& h,
                                                           protocol::Reader& body) {
    protocol::OffsetDeleteRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed OffsetDelete request");
    std::vector<TopicPartitionKey> partitions;
    for (const auto& t : request.topics) {
        for (auto p : t.partitions)
            partitions.emplace_back(t.name, p);
    }
    auto [error, errors] = co_await groups_->delete_offsets(request.group_id, partitions);
    if (stopping_) co_return Reply::silent();
    protocol::OffsetDeleteResponse response;
    response.error_code = to_wire(error);
    if (error == ErrorCode::NONE) {
        std::size_t i = 0;
        for (const auto& t : request.topics) {
            auto& out = response.topics.emplace_back();
            out.name = t.name;
            for (auto p : t.partitions)
                out.partitions.push_back({p, to_wire(errors[i++])});
        }
    }
    co_return Reply::encode(response, h.api_version);
}

}  // namespace kraftlab::broker
