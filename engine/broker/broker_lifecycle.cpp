#include "broker/broker_lifecycle.h"

#include <chrono>
#include <optional>
#include <utility>

#include "protocol/broker_heartbeat.h"
#include "protocol/broker_registration.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;

BrokerLifecycle::BrokerLifecycle(BrokerContext context, std::uint16_t port,
                                 std::function<bool()> log_dir_failed)
    : ctx_(context), port_(port), log_dir_failed_(std::move(log_dir_failed)), timer_(ctx_.io) {}

void BrokerLifecycle::start() {
    asio::co_spawn(ctx_.io, lifecycle_loop(), asio::detached);
}

net::awaitable<void> BrokerLifecycle::controlled_shutdown() {
    shutting_down_ = true;  // the lifecycle loop sends nothing more
    if (broker_epoch_ >= 0 && !ctx_.stopping) {
        protocol::BrokerHeartbeatRequest hb;
        hb.broker_id = ctx_.config.node_id;
        hb.broker_epoch = broker_epoch_;
        hb.current_metadata_offset = ctx_.image->offset();
        hb.want_shut_down = true;
        co_await ctx_.controller().heartbeat(hb, 1000);
    }
}

net::awaitable<void> BrokerLifecycle::lifecycle_loop() {
    const auto& config = ctx_.config;
    const protocol::Uuid incarnation = protocol::Uuid::random();
    bool reported_wait = false;
    auto sleep = [this](std::int32_t ms) -> net::awaitable<void> {
        timer_.expires_after(std::chrono::milliseconds(ms));
        net::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    };
    while (!ctx_.stopping && !shutting_down_) {
        protocol::BrokerRegistrationRequest reg;
        reg.broker_id = config.node_id;
        reg.cluster_id = config.cluster_id;
        reg.incarnation_id = incarnation;
        reg.listeners.push_back({"PLAINTEXT", config.host, port_, 0});
        reg.rack = std::nullopt;
        auto r = co_await ctx_.controller().register_broker(reg, 2000);
        if (ctx_.stopping || shutting_down_) co_return;
        if (!r.ok() || r->error_code != 0) {
            const auto code = r.ok() ? static_cast<protocol::ErrorCode>(r->error_code)
                                     : protocol::ErrorCode::NONE;
            if (code == protocol::ErrorCode::DUPLICATE_BROKER_REGISTRATION && !reported_wait) {
                reported_wait = true;
                ctx_.events.publish(EventKind::BrokerRegistered, NodeRef::broker(config.node_id),
                                    "broker " + std::to_string(config.node_id) +
                                        " waits to register: the controller still holds its "
                                        "previous session until broker.session.timeout.ms passes");
            }
            co_await sleep(200);
            continue;
        }
        broker_epoch_ = r->broker_epoch;
        active_controller_ = ctx_.controller_client.last_answered();
        while (!ctx_.stopping && !shutting_down_) {
            protocol::BrokerHeartbeatRequest hb;
            hb.broker_id = config.node_id;
            hb.broker_epoch = broker_epoch_;
            hb.current_metadata_offset = ctx_.image->offset();
            hb.want_fence = log_dir_failed_();
            auto h = co_await ctx_.controller().heartbeat(hb, config.heartbeat_interval_ms);
            if (ctx_.stopping || shutting_down_) co_return;
            if (h.ok() && h->error_code == 0) {
                last_heartbeat_ack_ms_ = core::now_unix_ms();
                last_heartbeat_ack_lab_ms_ = core::LabTime::now_ms();
                active_controller_ = ctx_.controller_client.last_answered();
            } else if (h.ok() &&
                       (h->error_code ==
                            protocol::to_wire(protocol::ErrorCode::STALE_BROKER_EPOCH) ||
                        h->error_code ==
                            protocol::to_wire(protocol::ErrorCode::BROKER_ID_NOT_REGISTERED))) {
                broker_epoch_ = -1;
                break;  // register again
            }
            co_await sleep(config.heartbeat_interval_ms);
        }
    }
}

}  // namespace kraftlab::broker
