// FindCoordinator: which broker coordinates a consumer group: the leader of the group's
// partition of __consumer_offsets (group/coordinator_key.h). The first request makes that topic
// (COORDINATOR_NOT_AVAILABLE until it has leaders; clients retry), as Kafka does. Transactions
// are not part of the lab: a transactional id gets COORDINATOR_NOT_AVAILABLE, said once a
// minute in the events.
//
// The API is also what tells librdkafka 2.0.2 that this broker is newer than 0.8.2 (it enables
// lz4 and groups only for brokers that list FindCoordinator v0).
#include "broker/broker.h"
#include "group/coordinator_key.h"
#include "protocol/find_coordinator.h"

namespace kraftlab::broker {

net::awaitable<Broker::Reply> Broker::handle_find_coordinator(const protocol::RequestHeader& h,
                                                              protocol::Reader& body) {
    protocol::FindCoordinatorRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed FindCoordinator request");

    protocol::FindCoordinatorResponse response;
    auto refuse = [&](protocol::ErrorCode e, std::string why) {
        response.error_code = to_wire(e);
        response.error_message = std::move(why);
        response.node_id = -1;
        response.host = "";
        response.port = -1;
    };
    if (request.key_type != 0) {
        // Clients retry every few hundred milliseconds: say it once per key and minute.
        const std::int64_t now = core::now_unix_ms();
        auto& last = coordinator_reported_ms_[request.key];
        if (now - last >= 60'000) {
            last = now;
            events_.publish(core::EventKind::ClientRejected, core::NodeRef::broker(config_.node_id),
                            "broker " + std::to_string(config_.node_id) +
                                " has no coordinator for transactional id '" + request.key +
                                "': transactions are not part of this lab yet "
                                "(COORDINATOR_NOT_AVAILABLE)",
                            {{"key", request.key}, {"key_type", request.key_type}});
        }
        refuse(protocol::ErrorCode::COORDINATOR_NOT_AVAILABLE,
               "transactions are not part of this lab yet");
    } else if (auto topic = image_->topic(group::kOffsetsTopic); !topic) {
        ensure_offsets_topic();
        refuse(protocol::ErrorCode::COORDINATOR_NOT_AVAILABLE,
               "the offsets topic is being created");
    } else {
        const auto partition = group::offsets_partition_for(
            request.key, static_cast<std::int32_t>(topic->partitions.size()));
        const auto* info = image_->partition(group::kOffsetsTopic, partition);
        const auto broker = info ? image_->brokers().find(info->leader) : image_->brokers().end();
        if (!info || info->leader < 0 || broker == image_->brokers().end()) {
            refuse(protocol::ErrorCode::COORDINATOR_NOT_AVAILABLE,
                   std::string(group::kOffsetsTopic) + "-" + std::to_string(partition) +
                       " has no leader");
        } else {
            response.node_id = info->leader;
            response.host = broker->second.host;
            response.port = broker->second.port;
        }
    }
    protocol::Bytes out;
    protocol::Writer w(out);
    response.encode(w, h.api_version);
    co_return Reply::respond(std::move(out));
}

}  // namespace kraftlab::broker
