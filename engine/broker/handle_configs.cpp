// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs. Describing is answered from this
// broker's image and its own config (broker/config_description.h); changes are forwarded to the
// active controller, which validates and commits them, and the answer waits (within the
// controller timeout) until this broker's image holds what was accepted, so that a client's
// next describe here already sees it.
#include <algorithm>
#include <charconv>
#include <chrono>

#include "broker/broker.h"
#include "broker/config_description.h"
#include "metadata/topic_config.h"
#include "net/lab_timer.h"
#include "protocol/alter_configs.h"
#include "protocol/describe_configs.h"
#include "protocol/incremental_alter_configs.h"

namespace kraftlab::broker {

using protocol::ErrorCode;
using protocol::to_wire;

net::awaitable<void> Broker::await_metadata(std::function<bool()> done, std::int32_t timeout_ms) {
    const auto deadline = core::LabTime::now() + std::chrono::milliseconds(timeout_ms);
    net::LabTimer timer(*io_);
    while (!stopping_ && !done() && core::LabTime::now() < deadline) {
        co_await metadata_waiters_.wait(timer, deadline);
    }
}

net::awaitable<Broker::Reply> Broker::handle_describe_configs(const protocol::RequestHeader& h,
                                                              protocol::Reader& body) {
    protocol::DescribeConfigsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed DescribeConfigs request");
    protocol::DescribeConfigsResponse response;
    const std::string own_id = std::to_string(config_.node_id);
    for (const auto& res : request.resources) {
        auto& r = response.results.emplace_back();
        r.resource_type = res.resource_type;
        r.resource_name = res.resource_name;
        auto fail = [&](ErrorCode code, std::string message) {
            r.error_code = to_wire(code);
            r.error_message = std::move(message);
        };
        if (res.resource_type == protocol::kConfigResourceTopic) {
            if (auto why = metadata::validate_topic_name(res.resource_name)) {
                fail(ErrorCode::INVALID_TOPIC_EXCEPTION, *why);
                continue;
            }
            if (!image_->topic(res.resource_name)) {
                fail(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                     "topic '" + res.resource_name + "' does not exist");
                continue;
            }
            r.configs = describe_topic_configs(*image_, res.resource_name);
        } else if (res.resource_type == protocol::kConfigResourceBroker) {
            // As Kafka: a broker describes itself, or the cluster-wide defaults (empty name).
            if (!res.resource_name.empty() && res.resource_name != own_id) {
                fail(ErrorCode::INVALID_REQUEST, "Unexpected broker id, expected " + own_id +
                                                     " or empty string, but received " +
                                                     res.resource_name +
                                                     " (ask that broker itself)");
                continue;
            }
            r.configs = describe_broker_configs(config_, port_);
            if (res.resource_name.empty()) {
                // The defaults carry no per-node settings, and no value is static for them:
                // the lab has no dynamic cluster-wide broker configs.
                std::erase_if(r.configs, [](const auto& c) {
                    return c.name == "node.id" || c.name == "broker.id" || c.name == "listeners" ||
                           c.name == "log.dirs";
                });
            }
        } else {
            fail(ErrorCode::INVALID_REQUEST,
                 "the lab describes topic (2) and broker (4) configs, not resource type " +
                     std::to_string(res.resource_type));
            continue;
        }
        // Named keys only; a name the lab does not know is left out, as Kafka does.
        if (res.configuration_keys) {
            std::erase_if(r.configs, [&](const auto& c) {
                return std::find(res.configuration_keys->begin(), res.configuration_keys->end(),
                                 c.name) == res.configuration_keys->end();
            });
        }
        if (!request.include_synonyms || h.api_version == 0) {
            for (auto& c : r.configs)
                c.synonyms.clear();
        }
    }
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<protocol::IncrementalAlterConfigsResponse> Broker::forward_config_changes(
    const protocol::IncrementalAlterConfigsRequest& request) {
    controller_client_->set_leader_hint(metadata_fetcher_->node().leader());
    auto r = co_await controller_client_->incremental_alter_configs(request,
                                                                    config_.controller_timeout_ms);
    protocol::IncrementalAlterConfigsResponse response;
    if (stopping_) co_return response;
    if (!r.ok()) {
        for (const auto& res : request.resources) {
            response.responses.push_back({to_wire(ErrorCode::REQUEST_TIMED_OUT),
                                          "no active controller answered within " +
                                              std::to_string(config_.controller_timeout_ms) +
                                              " ms: " + r.error().message,
                                          res.resource_type, res.resource_name});
        }
        co_return response;
    }
    response = std::move(*r);
    // Wait until this broker's image holds what was accepted (a topic's explicit configs carry
    // every SET value and no DELETEd key).
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
                const bool set =
                    c.config_operation == static_cast<std::int8_t>(protocol::ConfigOperation::Set);
                if (set ? now != c.value : now.has_value()) return false;
            }
        }
        return true;
    };
    co_await await_metadata(applied, config_.controller_timeout_ms);
    co_return response;
}

net::awaitable<Broker::Reply> Broker::handle_incremental_alter_configs(
    const protocol::RequestHeader& h, protocol::Reader& body) {
    protocol::IncrementalAlterConfigsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed IncrementalAlterConfigs request");
    // Forwarded unchanged: the controller validates and answers each resource.
    auto response = co_await forward_config_changes(request);
    if (stopping_) co_return Reply::silent();
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_alter_configs(const protocol::RequestHeader& h,
                                                           protocol::Reader& body) {
    protocol::AlterConfigsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed AlterConfigs request");
    // AlterConfigs replaces a topic's whole set of overrides: it becomes an incremental change
    // that SETs every named config and DELETEs every other override the topic has now.
    protocol::AlterConfigsResponse response;
    protocol::IncrementalAlterConfigsRequest incremental;
    incremental.validate_only = request.validate_only;
    std::vector<std::size_t> forwarded;  // index in response.responses of each forwarded one
    for (const auto& res : request.resources) {
        auto& r = response.responses.emplace_back();
        r.resource_type = res.resource_type;
        r.resource_name = res.resource_name;
        if (res.resource_type == protocol::kConfigResourceBroker) {
            r.error_code = to_wire(ErrorCode::INVALID_REQUEST);
            r.error_message =
                "the lab's broker configs are set when the lab starts and cannot be changed "
                "while it runs; topic configs can";
            continue;
        }
        protocol::IncrementalAlterConfigsRequest::AlterConfigsResource inc;
        inc.resource_type = res.resource_type;
        inc.resource_name = res.resource_name;
        for (const auto& c : res.configs) {
            const auto op =
                c.value ? protocol::ConfigOperation::Set : protocol::ConfigOperation::Delete;
            inc.configs.push_back({c.name, static_cast<std::int8_t>(op), c.value});
        }
        if (res.resource_type == protocol::kConfigResourceTopic) {
            for (const auto& [key, value] : image_->topic_configs(res.resource_name)) {
                const bool named = std::any_of(res.configs.begin(), res.configs.end(),
                                               [&](const auto& c) { return c.name == key; });
                if (!named) {
                    inc.configs.push_back(
                        {key, static_cast<std::int8_t>(protocol::ConfigOperation::Delete),
                         std::nullopt});
                }
            }
        }
        incremental.resources.push_back(std::move(inc));
        forwarded.push_back(response.responses.size() - 1);
    }
    if (!incremental.resources.empty()) {
        auto answer = co_await forward_config_changes(incremental);
        if (stopping_) co_return Reply::silent();
        for (std::size_t i = 0; i < forwarded.size() && i < answer.responses.size(); ++i) {
            auto& r = response.responses[forwarded[i]];
            r.error_code = answer.responses[i].error_code;
            r.error_message = answer.responses[i].error_message;
        }
    }
    co_return Reply::encode(response, h.api_version);
}

}  // namespace kraftlab::broker
