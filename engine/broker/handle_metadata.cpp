// Metadata: live brokers, and for each topic its partitions' leaders, replicas and ISR, from this
// broker's metadata image. Unknown topics are auto-created when the broker allows it and the
// client asks (v4 flag; earlier versions always ask), through the controller like CreateTopics.
#include "broker/broker.h"
#include "group/coordinator_key.h"
#include "metadata/topic_config.h"
#include "protocol/metadata.h"

namespace kraftlab::broker {

using protocol::ErrorCode;
using protocol::to_wire;

net::awaitable<Broker::Reply> Broker::handle_metadata(const protocol::RequestHeader& h,
                                                      protocol::Reader& body) {
    protocol::MetadataRequest request;
    if (!request.decode(body, h.api_version)) co_return Reply::close("malformed Metadata request");

    const bool allow_auto =
        config_.auto_create_topics && (h.api_version < 4 || request.allow_auto_topic_creation);
    std::map<std::string, ErrorCode> creation_errors;
    if (request.topics && allow_auto) {
        std::vector<metadata::NewTopic> missing;
        for (const auto& t : *request.topics) {
            if (image_->topic(t.name) || metadata::validate_topic_name(t.name)) continue;
            if (std::any_of(missing.begin(), missing.end(),
                            [&](const auto& m) { return m.name == t.name; })) {
                continue;
            }
            missing.push_back(metadata::NewTopic{t.name, -1, -1});
        }
        if (!missing.empty()) {
            auto results = co_await forwarder_->create_topics(std::move(missing), false);
            std::vector<std::string> created;
            for (const auto& r : results) {
                // Someone else creating the same topic at the same moment is success too.
                if (r.error == ErrorCode::NONE || r.error == ErrorCode::TOPIC_ALREADY_EXISTS) {
                    created.push_back(r.name);
                } else {
                    creation_errors[r.name] = r.error;
                }
            }
            if (!created.empty())
                co_await forwarder_->await_topics(created, true, config_.controller_timeout_ms);
            if (stopping_) co_return Reply::silent();
        }
    }

    protocol::MetadataResponse response;
    for (const auto& [id, b] : image_->brokers()) {
        if (b.fenced) continue;
        response.brokers.push_back({id, b.host, b.port, b.rack});
    }
    response.cluster_id = config_.cluster_id;
    // Any broker forwards admin requests to the controller, so clients may send them here.
    response.controller_id = config_.node_id;

    auto describe_topic = [&](const metadata::TopicInfo& t) {
        protocol::MetadataResponse::Topic out;
        out.name = t.name;
        // Clients leave internal topics out of pattern subscriptions (exclude.internal.topics).
        out.is_internal = t.name == group::kOffsetsTopic;
        for (const auto& p : t.partitions) {
            protocol::MetadataResponse::Partition part;
            part.partition_index = p.partition;
            part.leader_id = p.leader;
            part.replica_nodes = p.replicas;
            part.isr_nodes = p.isr;
            if (p.leader < 0 || !image_->is_live(p.leader)) {
                part.error_code = to_wire(ErrorCode::LEADER_NOT_AVAILABLE);
                part.leader_id = -1;
            }
            out.partitions.push_back(std::move(part));
        }
        return out;
    };

    if (!request.topics) {
        for (const auto& [name, t] : image_->topics())
            response.topics.push_back(describe_topic(*t));
    } else {
        for (const auto& wanted : *request.topics) {
            if (auto t = image_->topic(wanted.name)) {
                response.topics.push_back(describe_topic(*t));
                continue;
            }
            protocol::MetadataResponse::Topic missing;
            missing.name = wanted.name;
            if (metadata::validate_topic_name(wanted.name)) {
                missing.error_code = to_wire(ErrorCode::INVALID_TOPIC_EXCEPTION);
            } else if (auto it = creation_errors.find(wanted.name); it != creation_errors.end()) {
                missing.error_code = to_wire(it->second == ErrorCode::REQUEST_TIMED_OUT
                                                 ? ErrorCode::LEADER_NOT_AVAILABLE
                                                 : it->second);
            } else if (allow_auto) {
                missing.error_code = to_wire(ErrorCode::LEADER_NOT_AVAILABLE);  // being created
            } else {
                missing.error_code = to_wire(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
            }
            response.topics.push_back(std::move(missing));
        }
    }

    protocol::Bytes out;
    protocol::Writer w(out);
    response.encode(w, h.api_version);
    co_return Reply::respond(std::move(out));
}

}  // namespace kraftlab::broker
