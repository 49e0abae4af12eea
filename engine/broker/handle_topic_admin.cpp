// CreateTopics, DeleteTopics and IncrementalAlterConfigs: forwarded to the controller, which
// decides and writes the records; the answer waits (within the request's timeout) until this
// broker's own image shows the change, so a client's next request here already sees it.
#include <algorithm>
#include <chrono>

#include "broker/broker.h"
#include "net/lab_timer.h"
#include "protocol/create_topics.h"
#include "protocol/delete_topics.h"
#include "protocol/incremental_alter_configs.h"

namespace kraftlab::broker {

using protocol::ErrorCode;
using protocol::to_wire;

net::awaitable<Broker::Reply> Broker::handle_create_topics(const protocol::RequestHeader& h,
                                                           protocol::Reader& body) {
    protocol::CreateTopicsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed CreateTopics request");

    std::vector<metadata::NewTopic> topics;
    // Internal topics are made by the brokers themselves (__consumer_offsets on the first
    // FindCoordinator), never by a client.
    std::vector<metadata::TopicResult> refused;
    for (const auto& t : request.topics) {
        if (t.name.starts_with("__")) {
            refused.push_back({t.name, ErrorCode::INVALID_TOPIC_EXCEPTION,
                               "names starting with '__' are reserved for internal topics"});
            continue;
        }
        metadata::NewTopic n;
        n.name = t.name;
        n.num_partitions = t.num_partitions;
        n.replication_factor = t.replication_factor;
        for (const auto& a : t.assignments)
            n.assignments.emplace_back(a.partition_index, a.broker_ids);
        for (const auto& c : t.configs)
            n.configs.emplace_back(c.name, c.value);
        topics.push_back(std::move(n));
    }
    auto results = co_await forwarder_->create_topics(std::move(topics), request.validate_only);
    if (stopping_) co_return Reply::silent();
    results.insert(results.end(), refused.begin(), refused.end());

    if (!request.validate_only && request.timeout_ms > 0) {
        std::vector<std::string> created;
        for (const auto& r : results) {
            if (r.error == ErrorCode::NONE) created.push_back(r.name);
        }
        if (!created.empty()) {
            co_await forwarder_->await_topics(
                created, true, std::min(request.timeout_ms, config_.controller_timeout_ms));
        }
        if (stopping_) co_return Reply::silent();
    }

    protocol::CreateTopicsResponse response;
    for (const auto& r : results) {
        auto& out = response.topics.emplace_back();
        out.name = r.name;
        out.error_code = to_wire(r.error);
        out.error_message = r.error == ErrorCode::NONE ? std::nullopt : std::optional(r.message);
    }
    protocol::Bytes out;
    protocol::Writer w(out);
    response.encode(w, h.api_version);
    co_return Reply::respond(std::move(out));
}

net::awaitable<Broker::Reply> Broker::handle_delete_topics(const protocol::RequestHeader& h,
                                                           protocol::Reader& body) {
    protocol::DeleteTopicsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed DeleteTopics request");

    auto results = co_await forwarder_->delete_topics(request.topic_names);
    if (stopping_) co_return Reply::silent();
    if (request.timeout_ms > 0) {
        std::vector<std::string> deleted;
        for (const auto& r : results) {
            if (r.error == ErrorCode::NONE) deleted.push_back(r.name);
        }
        if (!deleted.empty()) {
            co_await forwarder_->await_topics(
                deleted, false, std::min(request.timeout_ms, config_.controller_timeout_ms));
        }
        if (stopping_) co_return Reply::silent();
    }

    protocol::DeleteTopicsResponse response;
    for (const auto& r : results)
        response.responses.push_back({r.name, to_wire(r.error)});
    protocol::Bytes out;
    protocol::Writer w(out);
    response.encode(w, h.api_version);
    co_return Reply::respond(std::move(out));
}

net::awaitable<Broker::Reply> Broker::handle_incremental_alter_configs(
    const protocol::RequestHeader& h, protocol::Reader& body) {
    protocol::IncrementalAlterConfigsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed IncrementalAlterConfigs request");

    // Forwarded unchanged: the controller validates and answers each resource.
    controller_client_->set_leader_hint(metadata_fetcher_->node().leader());
    auto r = co_await controller_client_->incremental_alter_configs(request,
                                                                    config_.controller_timeout_ms);
    if (stopping_) co_return Reply::silent();
    protocol::IncrementalAlterConfigsResponse response;
    if (!r.ok()) {
        for (const auto& res : request.resources) {
            response.responses.push_back({to_wire(ErrorCode::REQUEST_TIMED_OUT),
                                          "no active controller answered within " +
                                              std::to_string(config_.controller_timeout_ms) +
                                              " ms: " + r.error().message,
                                          res.resource_type, res.resource_name});
        }
    } else {
        response = std::move(*r);
        // Wait until this broker's image holds what was accepted (a topic's explicit configs
        // carry every SET value and no DELETEd key), within the controller timeout.
        auto applied = [&] {
            for (const auto& res : request.resources) {
                const bool accepted = std::any_of(
                    response.responses.begin(), response.responses.end(), [&](const auto& a) {
                        return a.error_code == 0 && a.resource_name == res.resource_name &&
                               a.resource_type == res.resource_type;
                    });
                if (!accepted || request.validate_only ||
                    res.resource_type != protocol::kConfigResourceTopic) {
                    continue;
                }
                for (const auto& c : res.configs) {
                    auto now = image_->topic_config(res.resource_name, c.name);
                    const bool set = c.config_operation ==
                                     static_cast<std::int8_t>(protocol::ConfigOperation::Set);
                    if (set ? now != c.value : now.has_value()) return false;
                }
            }
            return true;
        };
        const auto deadline =
            core::LabTime::now() + std::chrono::milliseconds(config_.controller_timeout_ms);
        net::LabTimer timer(*io_);
        while (!stopping_ && !applied() && core::LabTime::now() < deadline) {
            co_await metadata_waiters_.wait(timer, deadline);
        }
        if (stopping_) co_return Reply::silent();
    }
    protocol::Bytes out;
    protocol::Writer w(out);
    response.encode(w, h.api_version);
    co_return Reply::respond(std::move(out));
}

}  // namespace kraftlab::broker
