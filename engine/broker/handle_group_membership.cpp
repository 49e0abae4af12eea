// JoinGroup, SyncGroup, Heartbeat and LeaveGroup: a consumer group's members, served by the
// broker that coordinates the group (broker/group_coordinator.h); any other broker answers
// NOT_COORDINATOR and the client asks FindCoordinator again.
#include "broker/broker.h"

// g++ 12's false -Wmismatched-new-delete on Asio's coroutine frames (see broker.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "protocol/heartbeat.h"
#include "protocol/join_group.h"
#include "protocol/leave_group.h"
#include "protocol/sync_group.h"

namespace kraftlab::broker {

namespace {

// The client's host as Kafka reports it in DescribeGroups: "/127.0.0.1".
std::string client_host(const net::SessionInfo& session) {
    const auto colon = session.peer.rfind(':');
    return "/" + session.peer.substr(0, colon == std::string::npos ? session.peer.size() : colon);
}

}  // namespace

net::awaitable<Broker::Reply> Broker::handle_join_group(const protocol::RequestHeader& h,
                                                        protocol::Reader& body,
                                                        net::SessionInfo& session) {
    protocol::JoinGroupRequest request;
    if (!request.decode(body, h.api_version)) co_return Reply::close("malformed JoinGroup request");
    group::JoinRequest join;
    join.member_id = request.member_id;
    join.group_instance_id = request.group_instance_id;
    join.client_id = h.client_id.value_or("");
    join.client_host = client_host(session);
    join.session_timeout_ms = request.session_timeout_ms;
    join.rebalance_timeout_ms = request.rebalance_timeout_ms;
    join.protocol_type = request.protocol_type;
    for (auto& p : request.protocols)
        join.protocols.push_back({std::move(p.name), std::move(p.metadata)});
    // Before v4 a client cannot handle MEMBER_ID_REQUIRED (KIP-394).
    join.require_known_member_id = h.api_version >= 4;

    auto result = co_await groups_->join(request.group_id, std::move(join));
    if (stopping_) co_return Reply::silent();
    protocol::JoinGroupResponse response;
    response.error_code = to_wire(result.error);
    response.generation_id = result.generation;
    response.protocol_name = result.protocol_name;
    response.leader = result.leader;
    response.member_id = result.member_id;
    for (auto& m : result.members)
        response.members.push_back(
            {std::move(m.member_id), std::move(m.group_instance_id), std::move(m.metadata)});
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_sync_group(const protocol::RequestHeader& h,
                                                        protocol::Reader& body) {
    protocol::SyncGroupRequest request;
    if (!request.decode(body, h.api_version)) co_return Reply::close("malformed SyncGroup request");
    group::SyncRequest sync;
    sync.member_id = request.member_id;
    sync.group_instance_id = request.group_instance_id;
    sync.generation = request.generation_id;
    for (auto& a : request.assignments)
        sync.assignments[a.member_id] = std::move(a.assignment);

    auto result = co_await groups_->sync(request.group_id, std::move(sync));
    if (stopping_) co_return Reply::silent();
    protocol::SyncGroupResponse response;
    response.error_code = to_wire(result.error);
    response.assignment = std::move(result.assignment);
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_heartbeat(const protocol::RequestHeader& h,
                                                       protocol::Reader& body) {
    protocol::HeartbeatRequest request;
    if (!request.decode(body, h.api_version)) co_return Reply::close("malformed Heartbeat request");
    protocol::HeartbeatResponse response;
    response.error_code = to_wire(groups_->heartbeat(
        request.group_id, request.member_id, request.group_instance_id, request.generation_id));
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_leave_group(const protocol::RequestHeader& h,
                                                         protocol::Reader& body) {
    protocol::LeaveGroupRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed LeaveGroup request");
    protocol::LeaveGroupResponse response;
    if (h.api_version < 3) {
        response.error_code =
            to_wire(groups_->leave(request.group_id, request.member_id, std::nullopt));
        co_return Reply::encode(response, h.api_version);
    }
    // v3+ (KIP-345): several members at once, each answered; the group's status first.
    if (auto e = groups_->status(request.group_id); e != protocol::ErrorCode::NONE) {
        response.error_code = to_wire(e);
        co_return Reply::encode(response, h.api_version);
    }
    for (const auto& m : request.members) {
        response.members.push_back(
            {m.member_id, m.group_instance_id,
             to_wire(groups_->leave(request.group_id, m.member_id, m.group_instance_id))});
    }
    co_return Reply::encode(response, h.api_version);
}

}  // namespace kraftlab::broker
