// FindCoordinator: consumer groups and transactions need a coordinator, and this lab has neither
// yet, so every key gets COORDINATOR_NOT_AVAILABLE, the error Kafka gives while no coordinator
// can serve a key. Clients retry it; an event says why.
//
// The API is advertised because librdkafka 2.0.2 enables lz4 only for brokers that list
// FindCoordinator v0 (its sign of a broker newer than 0.8.2).
#include "broker/broker.h"
#include "protocol/find_coordinator.h"

namespace kraftlab::broker {

net::awaitable<Broker::Reply> Broker::handle_find_coordinator(const protocol::RequestHeader& h,
                                                              protocol::Reader& body) {
    protocol::FindCoordinatorRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed FindCoordinator request");

    const std::string what = request.key_type == 1 ? "transactional id" : "consumer group";
    // Clients retry every few hundred milliseconds: say it once per key and minute, not each time.
    const std::int64_t now = core::now_unix_ms();
    auto& last = coordinator_reported_ms_[request.key];
    if (now - last >= 60'000) {
        last = now;
        events_.publish(core::EventKind::ClientRejected, core::NodeRef::broker(config_.node_id),
                        "broker " + std::to_string(config_.node_id) + " has no coordinator for " +
                            what + " '" + request.key +
                            "': consumer groups and transactions are not part of "
                            "this lab yet (COORDINATOR_NOT_AVAILABLE)",
                        {{"key", request.key}, {"key_type", request.key_type}});
    }

    protocol::FindCoordinatorResponse response;
    response.error_code = protocol::to_wire(protocol::ErrorCode::COORDINATOR_NOT_AVAILABLE);
    response.error_message = "consumer groups and transactions are not part of this lab yet";
    response.node_id = -1;
    response.host = "";
    response.port = -1;
    protocol::Bytes out;
    protocol::Writer w(out);
    response.encode(w, h.api_version);
    co_return Reply::respond(std::move(out));
}

}  // namespace kraftlab::broker
