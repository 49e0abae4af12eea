// CreateTopics and DeleteTopics: forwarded to the controller, which
// decides and writes the records; the answer waits (within the request's timeout) until this
// broker's own image shows the change, so a client's next request here already sees it.
#include <algorithm>
#include <chrono>

#include "broker/broker.h"
#include "net/lab_timer.h"
#include "protocol/create_topics.h"
#include "protocol/delete_topics.h"

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

}  // namespace kraftlab::broker
