// BrokerLifecycle: a broker's membership of the cluster, as the active controller sees it
// (Kafka's BrokerLifecycleManager). It registers with the active controller (BrokerRegistration,
// with this broker's listener and a fresh incarnation id), then heartbeats every
// heartbeat_interval_ms (BrokerHeartbeat, with the metadata offset reached, asking to be fenced
// once a log went offline); the controller fences this broker when they stop
// (broker.session.timeout.ms). A heartbeat refused for a stale epoch, or because the controller
// no longer knows the broker, registers again. An orderly stop ends with a controlled shutdown.
// It keeps what the lab shows of this: the broker epoch, the active controller, the last
// heartbeat acknowledged.
//
// Thread: the broker's node thread only. Lifecycle: made by Broker::start() (once the listener's
// port is known), start() spawns the registration/heartbeat loop; Broker::stop() runs
// controlled_shutdown() first when orderly, then stop(); destroyed by Broker::stop() after the
// node thread has ended.
#pragma once

#include <cstdint>
#include <functional>

#include "broker/broker_context.h"
#include "net/asio.h"
#include "net/lab_timer.h"

namespace kraftlab::broker {

class BrokerLifecycle {
  public:
    // port: the listener's, registered with the controller. log_dir_failed: checks the logs
    // before each heartbeat; true once one went offline (the heartbeat asks to be fenced).
    BrokerLifecycle(BrokerContext context, std::uint16_t port,
                    std::function<bool()> log_dir_failed);
    BrokerLifecycle(const BrokerLifecycle&) = delete;
    BrokerLifecycle& operator=(const BrokerLifecycle&) = delete;

    void start();
    // The broker stops: the loop ends.
    void stop() { timer_.cancel(); }
    // config.heartbeat_interval_ms changed: the next heartbeat goes out on the new interval.
    void interval_changed() { timer_.cancel(); }
    // Controlled shutdown (Kafka's BrokerHeartbeat with WantShutDown): the active controller
    // fences this broker and moves its leaderships away before it stops, so that a restart
    // registers at once instead of waiting for the old session to expire. No heartbeat is sent
    // after it. Waits at most a second for the answer.
    net::awaitable<void> controlled_shutdown();

    // The epoch the controller gave this registration; -1 while not registered.
    std::int64_t broker_epoch() const { return broker_epoch_; }
    // The controller that answered last (-1: none yet).
    std::int32_t active_controller() const { return active_controller_; }
    // When the last heartbeat was acknowledged: wall-clock and lab time (ms); 0 and -1 before any.
    std::int64_t last_heartbeat_ack_ms() const { return last_heartbeat_ack_ms_; }
    std::int64_t last_heartbeat_ack_lab_ms() const { return last_heartbeat_ack_lab_ms_; }

  private:
    // Registers, then heartbeats every heartbeat_interval_ms, until the broker stops.
    net::awaitable<void> lifecycle_loop();

    BrokerContext ctx_;
    std::uint16_t port_;
    std::function<bool()> log_dir_failed_;
    net::LabTimer timer_;
    std::int64_t broker_epoch_ = -1;
    bool shutting_down_ = false;  // controlled shutdown under way: no more heartbeats
    std::int32_t active_controller_ = -1;
    std::int64_t last_heartbeat_ack_ms_ = 0;
    std::int64_t last_heartbeat_ack_lab_ms_ = -1;
};

}  // namespace kraftlab::broker
