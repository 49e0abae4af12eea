#include "net/controller_client.h"

#include <algorithm>
#include <chrono>
#include "core/events.h"

#include "net/lab_timer.h"
#include "protocol/errors.h"

namespace kraftlab::net {

using protocol::ErrorCode;

ControllerClient::ControllerClient(asio::any_io_executor executor,
                                   std::vector<ControllerAddress> controllers,
                                   std::string client_id, std::optional<SaslCredentials> sasl,
                                   LabNetwork* network)
    : executor_(std::move(executor)),
      controllers_(std::move(controllers)),
      client_id_(std::move(client_id)),
      sasl_(std::move(sasl)),
      network_(network) {}

ControllerClient::~ControllerClient() {
    close();
}

void ControllerClient::close() {
    closed_ = true;
    for (auto& [id, c] : connections_) {
        if (c) c->close("the client is closing");
    }
    connections_.clear();
}

void ControllerClient::set_leader_hint(std::int32_t id) {
    hint_ = id;
}

awaitable<std::shared_ptr<KafkaClient>> ControllerClient::connection(const ControllerAddress& to) {
    auto& existing = connections_[to.id];
    if (existing && existing->is_open()) co_return existing;
    KafkaClientConfig cfg;
    cfg.client_id = client_id_;
    cfg.connect_timeout_ms = 1000;
    cfg.request_timeout_ms = 5000;
    cfg.sasl = sasl_;
    if (network_) cfg.route = network_->route(client_id_, core::NodeRef::controller(to.id).label());
    auto client = KafkaClient::create(executor_, cfg);
    auto status = co_await client->connect(to.host, to.port);
    if (!status.ok()) co_return nullptr;
    // While this one connected, the client may have been closed (the node is stopping) or
    // another call may have connected to the same controller: a connection nobody keeps must be
    // closed, or its reader keeps it (and the node's io_context) alive.
    if (closed_) {
        client->close("the client is closing");
        co_return nullptr;
    }
    auto& slot = connections_[to.id];
    if (slot && slot->is_open()) {
        client->close("another call connected first");
        co_return slot;
    }
    slot = client;
    co_return client;
}

template <typename Request, typename Response, typename NotController>
awaitable<Result<Response>> ControllerClient::call(const Request& request, std::int16_t version,
                                                   std::int32_t deadline_ms,
                                                   NotController not_controller) {
    const auto deadline = core::LabTime::now() + std::chrono::milliseconds(deadline_ms);
    protocol::Bytes body;
    protocol::Writer w(body);
    request.encode(w, version);
    // Start with the hint, then every controller in turn, round after round.
    std::vector<ControllerAddress> order = controllers_;
    std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
        return (a.id == hint_) > (b.id == hint_);
    });
    std::string last_error = "no controller is reachable";
    LabTimer backoff(executor_);
    for (int round = 0; !closed_ && core::LabTime::now() < deadline; ++round) {
        for (const auto& to : order) {
            if (closed_ || core::LabTime::now() >= deadline) break;
            auto client = co_await connection(to);
            if (!client) {
                last_error = "controller " + std::to_string(to.id) + " is unreachable";
                continue;
            }
            auto raw = co_await client->call_raw(Request::kKey, version, body);
            if (!raw.ok()) {
                last_error = raw.error().message;
                continue;
            }
            protocol::Reader r(raw->body());
            Response response;
            if (!response.decode(r, version)) {
                last_error = "controller " + std::to_string(to.id) + " sent a malformed answer";
                continue;
            }
            if (not_controller(response)) {
                last_error =
                    "controller " + std::to_string(to.id) + " is not the active controller";
                continue;
            }
            hint_ = to.id;
            last_answered_ = to.id;
            co_return response;
        }
        // Nobody leads yet (an election is on): wait a little before the next round.
        backoff.expires_after(std::chrono::milliseconds(std::min(50 * (round + 1), 500)));
        error_code ec;
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return ClientError{ClientError::Kind::Timeout, last_error};
}

namespace {
bool is_not_controller(std::int16_t code) {
    return code == protocol::to_wire(ErrorCode::NOT_CONTROLLER);
}
}  // namespace

awaitable<Result<protocol::BrokerRegistrationResponse>> ControllerClient::register_broker(
    const protocol::BrokerRegistrationRequest& request, std::int32_t deadline_ms) {
    co_return co_await call<protocol::BrokerRegistrationRequest,
                            protocol::BrokerRegistrationResponse>(
        request, kRegistrationVersion, deadline_ms,
        [](const protocol::BrokerRegistrationResponse& r) {
            return is_not_controller(r.error_code);
        });
}

awaitable<Result<protocol::BrokerHeartbeatResponse>> ControllerClient::heartbeat(
    const protocol::BrokerHeartbeatRequest& request, std::int32_t deadline_ms) {
    co_return co_await call<protocol::BrokerHeartbeatRequest, protocol::BrokerHeartbeatResponse>(
        request, kHeartbeatVersion, deadline_ms,
        [](const protocol::BrokerHeartbeatResponse& r) { return is_not_controller(r.error_code); });
}

awaitable<Result<protocol::CreateTopicsResponse>> ControllerClient::create_topics(
    const protocol::CreateTopicsRequest& request, std::int32_t deadline_ms) {
    co_return co_await call<protocol::CreateTopicsRequest, protocol::CreateTopicsResponse>(
        request, kCreateTopicsVersion, deadline_ms, [](const protocol::CreateTopicsResponse& r) {
            return !r.topics.empty() &&
                   std::all_of(r.topics.begin(), r.topics.end(),
                               [](const auto& t) { return is_not_controller(t.error_code); });
        });
}

awaitable<Result<protocol::DeleteTopicsResponse>> ControllerClient::delete_topics(
    const protocol::DeleteTopicsRequest& request, std::int32_t deadline_ms) {
    co_return co_await call<protocol::DeleteTopicsRequest, protocol::DeleteTopicsResponse>(
        request, kDeleteTopicsVersion, deadline_ms, [](const protocol::DeleteTopicsResponse& r) {
            return !r.responses.empty() &&
                   std::all_of(r.responses.begin(), r.responses.end(),
                               [](const auto& t) { return is_not_controller(t.error_code); });
        });
}

awaitable<Result<protocol::AllocateProducerIdsResponse>> ControllerClient::allocate_producer_ids(
    const protocol::AllocateProducerIdsRequest& request, std::int32_t deadline_ms) {
    co_return co_await call<protocol::AllocateProducerIdsRequest,
                            protocol::AllocateProducerIdsResponse>(
        request, kAllocateProducerIdsVersion, deadline_ms,
        [](const protocol::AllocateProducerIdsResponse& r) {
            return is_not_controller(r.error_code);
        });
}

awaitable<Result<protocol::AlterPartitionResponse>> ControllerClient::alter_partition(
    const protocol::AlterPartitionRequest& request, std::int32_t deadline_ms) {
    co_return co_await call<protocol::AlterPartitionRequest, protocol::AlterPartitionResponse>(
        request, kAlterPartitionVersion, deadline_ms,
        [](const protocol::AlterPartitionResponse& r) { return is_not_controller(r.error_code); });
}

awaitable<Result<protocol::IncrementalAlterConfigsResponse>>
ControllerClient::incremental_alter_configs(const protocol::IncrementalAlterConfigsRequest& request,
                                            std::int32_t deadline_ms) {
    co_return co_await call<protocol::IncrementalAlterConfigsRequest,
                            protocol::IncrementalAlterConfigsResponse>(
        request, kIncrementalAlterConfigsVersion, deadline_ms,
        [](const protocol::IncrementalAlterConfigsResponse& r) {
            return !r.responses.empty() &&
                   std::all_of(r.responses.begin(), r.responses.end(),
                               [](const auto& t) { return is_not_controller(t.error_code); });
        });
}

awaitable<Result<protocol::CreatePartitionsResponse>> ControllerClient::create_partitions(
    const protocol::CreatePartitionsRequest& request, std::int32_t deadline_ms) {
    co_return co_await call<protocol::CreatePartitionsRequest, protocol::CreatePartitionsResponse>(
        request, kCreatePartitionsVersion, deadline_ms,
        [](const protocol::CreatePartitionsResponse& r) {
            return !r.results.empty() &&
                   std::all_of(r.results.begin(), r.results.end(),
                               [](const auto& t) { return is_not_controller(t.error_code); });
        });
}

awaitable<Result<protocol::ElectLeadersResponse>> ControllerClient::elect_leaders(
    const protocol::ElectLeadersRequest& request, std::int32_t deadline_ms) {
    co_return co_await call<protocol::ElectLeadersRequest, protocol::ElectLeadersResponse>(
        request, kElectLeadersVersion, deadline_ms,
        [](const protocol::ElectLeadersResponse& r) { return is_not_controller(r.error_code); });
}

awaitable<Result<protocol::AlterPartitionReassignmentsResponse>>
ControllerClient::alter_partition_reassignments(
    const protocol::AlterPartitionReassignmentsRequest& request, std::int32_t deadline_ms) {
    co_return co_await call<protocol::AlterPartitionReassignmentsRequest,
                            protocol::AlterPartitionReassignmentsResponse>(
        request, kAlterPartitionReassignmentsVersion, deadline_ms,
        [](const protocol::AlterPartitionReassignmentsResponse& r) {
            return is_not_controller(r.error_code);
        });
}

}  // namespace kraftlab::net
