// AlterPartitionReassignments, forwarded to the active controller (the answer waits, within the
// request's timeout, until this broker's image shows every accepted move started or cancelled),
// and ListPartitionReassignments, answered from this broker's image: the partitions whose
// adding or removing replicas are not empty.
#include <algorithm>

#include "broker/broker.h"
#include "protocol/partition_reassignments.h"

namespace kraftlab::broker {

using protocol::ErrorCode;
using protocol::to_wire;

net::awaitable<Broker::Reply> Broker::handle_alter_partition_reassignments(
    const protocol::RequestHeader& h, protocol::Reader& body) {
    protocol::AlterPartitionReassignmentsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed AlterPartitionReassignments request");
    controller_client_->set_leader_hint(metadata_fetcher_->node().leader());
    auto r = co_await controller_client_->alter_partition_reassignments(
        request, config_.controller_timeout_ms);
    if (stopping_) co_return Reply::silent();
    protocol::AlterPartitionReassignmentsResponse response;
    if (!r.ok()) {
        response.error_code = to_wire(ErrorCode::REQUEST_TIMED_OUT);
        response.error_message = "no active controller answered within " +
                                 std::to_string(config_.controller_timeout_ms) +
                                 " ms: " + r.error().message;
        co_return Reply::encode(response, h.api_version);
    }
    response = std::move(*r);
    if (response.error_code == 0 && request.timeout_ms > 0) {
        auto accepted = [&](const std::string& topic, std::int32_t partition) {
            for (const auto& t : response.responses) {
                if (t.name != topic) continue;
                for (const auto& p : t.partitions)
                    if (p.partition_index == partition) return p.error_code == 0;
            }
            return false;
        };
        auto shown = [&] {
            for (const auto& t : request.topics) {
                for (const auto& p : t.partitions) {
                    if (!accepted(t.name, p.partition_index)) continue;
                    const auto* info = image_->partition(t.name, p.partition_index);
                    if (!info) continue;
                    const bool moving =
                        !info->adding_replicas.empty() || !info->removing_replicas.empty();
                    if (!p.replicas) {
                        if (moving) return false;
                        continue;
                    }
                    for (auto id : *p.replicas)
                        if (!info->has_replica(id)) return false;
                }
            }
            return true;
        };
        co_await await_metadata(shown, std::min(request.timeout_ms, config_.controller_timeout_ms));
        if (stopping_) co_return Reply::silent();
    }
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_list_partition_reassignments(
    const protocol::RequestHeader& h, protocol::Reader& body) {
    protocol::ListPartitionReassignmentsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed ListPartitionReassignments request");
    protocol::ListPartitionReassignmentsResponse response;
    auto add = [&](const std::string& topic, const metadata::PartitionInfo& p) {
        if (p.adding_replicas.empty() && p.removing_replicas.empty()) return;
        auto it = std::find_if(response.topics.begin(), response.topics.end(),
                               [&](const auto& t) { return t.name == topic; });
        if (it == response.topics.end())
            it = response.topics.insert(response.topics.end(), {topic, {}});
        it->partitions.push_back({p.partition, p.replicas, p.adding_replicas, p.removing_replicas});
    };
    if (!request.topics) {
        for (const auto& [name, topic] : image_->topics())
            for (const auto& p : topic->partitions)
                add(name, p);
    } else {
        // Unknown topics and partitions are left out, as Kafka does.
        for (const auto& t : *request.topics) {
            for (auto index : t.partition_indexes)
                if (const auto* p = image_->partition(t.name, index)) add(t.name, *p);
        }
    }
    co_return Reply::encode(response, h.api_version);
}

}  // namespace kraftlab::broker
