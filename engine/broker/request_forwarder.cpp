#include "broker/request_forwarder.h"

#include <algorithm>
#include <chrono>

#include "core/client_ids.h"
#include "net/lab_timer.h"
#include "protocol/create_topics.h"
#include "protocol/delete_topics.h"

namespace kraftlab::broker {

// ---------------------------------------------------------------------------------------------
// Admin requests, forwarded to the active controller

namespace {

// Every topic failed with REQUEST_TIMED_OUT: no controller answered within timeout_ms.
std::vector<metadata::TopicResult> unanswered(const std::vector<std::string>& names,
                                              std::int32_t timeout_ms, const std::string& why) {
    const std::string message =
        "no active controller answered within " + std::to_string(timeout_ms) + " ms: " + why;
    std::vector<metadata::TopicResult> out;
    for (const auto& n : names)
        out.push_back({n, protocol::ErrorCode::REQUEST_TIMED_OUT, message});
    return out;
}

}  // namespace

net::awaitable<std::vector<metadata::TopicResult>> RequestForwarder::create_topics(
    std::vector<metadata::NewTopic> topics, bool validate_only) {
    std::vector<std::string> names;
    protocol::CreateTopicsRequest req;
    req.timeout_ms = ctx_.config.controller_timeout_ms;
    req.validate_only = validate_only;
    for (const auto& t : topics) {
        names.push_back(t.name);
        protocol::CreateTopicsRequest::CreatableTopic c;
        c.name = t.name;
        c.num_partitions = t.num_partitions;
        c.replication_factor = t.replication_factor;
        for (const auto& [p, ids] : t.assignments)
            c.assignments.push_back({p, ids});
        for (const auto& [k, v] : t.configs)
            c.configs.push_back({k, v});
        req.topics.push_back(std::move(c));
    }
    auto r = co_await ctx_.controller().create_topics(req, ctx_.config.controller_timeout_ms);
    if (!r.ok()) {
        co_return unanswered(names, ctx_.config.controller_timeout_ms, r.error().message);
    }
    std::vector<metadata::TopicResult> out;
    for (const auto& t : r->topics) {
        out.push_back(
            {t.name, static_cast<protocol::ErrorCode>(t.error_code), t.error_message.value_or("")});
    }
    co_return out;
}

net::awaitable<std::vector<metadata::TopicResult>> RequestForwarder::delete_topics(
    std::vector<std::string> names) {
    protocol::DeleteTopicsRequest req;
    req.topic_names = names;
    req.timeout_ms = ctx_.config.controller_timeout_ms;
    auto r = co_await ctx_.controller().delete_topics(req, ctx_.config.controller_timeout_ms);
    if (!r.ok()) {
        co_return unanswered(names, ctx_.config.controller_timeout_ms, r.error().message);
    }
    std::vector<metadata::TopicResult> out;
    for (const auto& t : r->responses) {
        out.push_back({t.name, static_cast<protocol::ErrorCode>(t.error_code),
                       t.error_code == 0 ? ""
                                         : std::string(protocol::error_message(
                                               static_cast<protocol::ErrorCode>(t.error_code)))});
    }
    co_return out;
}

net::awaitable<void> RequestForwarder::await_topics(std::vector<std::string> names, bool present,
                                                    std::int32_t timeout_ms) {
    auto deadline = core::LabTime::now() + std::chrono::milliseconds(timeout_ms);
    net::LabTimer timer(ctx_.io);
    while (!ctx_.stopping) {
        bool all = true;
        for (const auto& n : names) {
            if (static_cast<bool>(ctx_.image->topic(n)) != present) {
                all = false;
                break;
            }
        }
        if (all || core::LabTime::now() >= deadline) co_return;
        co_await metadata_applied_.wait(timer, deadline);
    }
}

// ---------------------------------------------------------------------------------------------
// Forwarding (the lab's "via any broker" producers)

net::awaitable<std::optional<protocol::ProduceResponse>> RequestForwarder::forward_produce(
    std::int32_t leader, const protocol::ProduceRequest& request, std::int16_t version) {
    for (const auto& t : request.topic_data) {
        for (const auto& part : t.partition_data) {
            auto& [to, count] = forwarded_[{t.name, part.index}];
            to = leader;
            ++count;
        }
    }
    auto& client = forward_clients_[leader];
    if (!client || !client->is_open()) {
        const auto* b = ctx_.image->broker(leader);
        if (!b || b->port == 0) co_return std::nullopt;
        net::KafkaClientConfig cfg;
        // A lab producer's id, so that the leader accepts acks=N; the leader never forwards a
        // request that carries it.
        cfg.client_id =
            std::string(core::kForwardedClientIdPrefix) + std::to_string(ctx_.config.node_id);
        cfg.connect_timeout_ms = 1000;
        cfg.request_timeout_ms = std::max(request.timeout_ms, 0) + 5000;
        cfg.sasl = net::lab_node_credentials(ctx_.config.lab_secret);
        if (ctx_.config.network) cfg.route = ctx_.link_to(leader);
        auto fresh = net::KafkaClient::create(ctx_.io.get_executor(), cfg);
        auto status = co_await fresh->connect(b->host, b->port);
        if (!status.ok()) co_return std::nullopt;
        // A connection nobody keeps must be closed, or its reader keeps it open: the broker
        // stopped meanwhile, or another forward connected to this leader first.
        if (ctx_.stopping) {
            fresh->close("the broker is stopping");
            co_return std::nullopt;
        }
        if (client && client->is_open()) {
            fresh->close("another forward connected first");
        } else {
            client = fresh;
        }
    }
    auto c = client;  // the map entry may be replaced while this call waits
    ++produce_forwarded_total_;
    if (request.acks == 0) {
        auto sent = co_await c->send_without_response(request, version);
        if (!sent.ok()) co_return std::nullopt;
        co_return protocol::ProduceResponse{};
    }
    auto r = co_await c->call(request, version, std::max(request.timeout_ms, 0) + 5000);
    if (!r.ok()) co_return std::nullopt;
    co_return std::move(*r);
}

void RequestForwarder::stop() {
    for (auto& [id, c] : forward_clients_)
        if (c) c->close("the broker is stopping");
}

void RequestForwarder::fill_snapshot(core::BrokerSnapshot& s) {
    s.produce_forwarded_total = produce_forwarded_total_;
    // Counters of deleted topics go with them (a topic created again under the name starts over).
    std::erase_if(forwarded_,
                  [&](const auto& entry) { return !ctx_.image->topic(entry.first.first); });
    for (const auto& [key, value] : forwarded_)
        s.forwarded.push_back({key.first, key.second, value.first, value.second});
}

}  // namespace kraftlab::broker
