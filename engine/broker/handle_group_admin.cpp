// DescribeGroups, ListGroups and DeleteGroups: what admin tools (kafka-consumer-groups, the
// clients' admin APIs) ask a group's coordinator. ListGroups lists only the groups this broker
// coordinates; admin clients ask every broker and merge, as with Kafka.
#include "broker/broker.h"
#include "protocol/delete_groups.h"
#include "protocol/describe_groups.h"
#include "protocol/list_groups.h"

namespace kraftlab::broker {

using protocol::ErrorCode;

net::awaitable<Broker::Reply> Broker::handle_describe_groups(const protocol::RequestHeader& h,
                                                             protocol::Reader& body) {
    protocol::DescribeGroupsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed DescribeGroups request");
    protocol::DescribeGroupsResponse response;
    for (const auto& id : request.groups) {
        auto& out = response.groups.emplace_back();
        out.group_id = id;
        if (request.include_authorized_operations) out.authorized_operations = 0;
        if (auto e = groups_->status(id); e != ErrorCode::NONE) {
            out.error_code = to_wire(e);
            continue;
        }
        const auto view = groups_->describe(id);
        if (!view) {
            out.group_state = "Dead";  // Kafka's answer for a group it does not know
            continue;
        }
        out.group_state = std::string(group::state_name(view->state));
        out.protocol_type = view->protocol_type;
        // Kafka's summary: metadata and assignments only once the group is Stable.
        const bool stable = view->state == group::GroupState::Stable;
        if (stable) out.protocol_data = view->protocol;
        for (const auto& m : view->members) {
            auto& member = out.members.emplace_back();
            member.member_id = m.member_id;
            member.group_instance_id = m.group_instance_id;
            member.client_id = m.client_id;
            member.client_host = m.client_host;
            if (!stable) continue;
            for (const auto& p : m.protocols) {
                if (p.name == view->protocol) member.member_metadata = p.metadata;
            }
            member.member_assignment = m.assignment;
        }
    }
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_list_groups(const protocol::RequestHeader& h,
                                                         protocol::Reader& body) {
    protocol::ListGroupsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed ListGroups request");
    protocol::ListGroupsResponse response;
    for (const auto& g : groups_->groups())
        response.groups.push_back({g.group_id, g.protocol_type});
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_delete_groups(const protocol::RequestHeader& h,
                                                           protocol::Reader& body) {
    protocol::DeleteGroupsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed DeleteGroups request");
    protocol::DeleteGroupsResponse response;
    for (const auto& id : request.groups_names) {
        const auto error = co_await groups_->delete_group(id);
        if (stopping_) co_return Reply::silent();
        response.results.push_back({id, to_wire(error)});
    }
    co_return Reply::encode(response, h.api_version);
}

}  // namespace kraftlab::broker
