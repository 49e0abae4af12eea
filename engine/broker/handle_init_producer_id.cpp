// InitProducerId (key 22): an idempotent producer's first request, for its producer id and epoch
// (KIP-98). Any broker answers (no transaction coordinator: transactions are not served): a
// fresh id from this broker's block (ProducerIdManager), epoch 0. A v3+ request that names the
// producer's current id and epoch (KIP-360's epoch bump) gets a fresh id too, as Kafka does
// for a producer without a transactional id.
//
// A transactional id is refused with TRANSACTIONAL_ID_AUTHORIZATION_FAILED: it is not
// retriable, so librdkafka ("Transactional Id authorization failed", a fatal error) and kafkajs
// (KafkaJSProtocolError TRANSACTIONAL_ID_AUTHORIZATION_FAILED) stop at once instead of retrying
// against a coordinator that does not exist. The response has no error message at any version,
// so the lab's event says why in plain words. COORDINATOR_LOAD_IN_PROGRESS (retriable) when no
// block of ids could be had from the controller in time.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "broker/broker.h"
#include "protocol/init_producer_id.h"

namespace kraftlab::broker {

using protocol::ErrorCode;
using protocol::to_wire;

net::awaitable<Broker::Reply> Broker::handle_init_producer_id(const protocol::RequestHeader& h,
                                                              protocol::Reader& body) {
    protocol::InitProducerIdRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed InitProducerId request");
    protocol::InitProducerIdResponse response;
    std::string refusal;
    if (request.transactional_id) {
        response.error_code = to_wire(ErrorCode::TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        refusal = "transactions are not served by the lab (transactional id \"" +
                  request.transactional_id->substr(0, 100) +
                  "\"); an idempotent producer needs no transactional id";
    } else {
        const std::int32_t timeout_ms = config_.controller_timeout_ms;
        auto answer = co_await producer_ids_->next_id(timeout_ms);
        if (stopping_) co_return Reply::silent();
        response.error_code = to_wire(answer.error);
        if (answer.error == ErrorCode::NONE) {
            response.producer_id = answer.producer_id;
            response.producer_epoch = 0;
        } else {
            refusal = answer.reason;
        }
    }
    if (!refusal.empty()) {
        nlohmann::json data = {
            {"error", protocol::error_name(static_cast<ErrorCode>(response.error_code))}};
        if (h.client_id) data["client_id"] = *h.client_id;
        events_.publish(
            core::EventKind::ClientRejected, core::NodeRef::broker(config_.node_id),
            "broker " + std::to_string(config_.node_id) + " gave no producer id: " + refusal,
            std::move(data));
    }
    co_return Reply::encode(response, h.api_version);
}

}  // namespace kraftlab::broker
