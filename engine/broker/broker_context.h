// BrokerContext: what a Broker lends its components (replica manager, replica fetchers,
// lifecycle, request forwarder, log flusher): its settings, event bus, io_context, logs, current
// metadata image, stop flag and controller client. Every member refers into the Broker.
//
// Thread: the broker's node thread only (like everything the members refer to).
// Lifetime: made by Broker::start() once the logs, the metadata log and the controller client
// exist; the components that hold a copy are destroyed by Broker::stop() after the node thread
// has ended, before what the references point to.
#pragma once

#include <cstdint>
#include <memory>

#include "broker/broker_config.h"
#include "broker/log_manager.h"
#include "core/events.h"
#include "metadata/image.h"
#include "net/asio.h"
#include "net/controller_client.h"
#include "net/lab_network.h"
#include "raft/driver.h"

namespace kraftlab::broker {

struct BrokerContext {
    // The broker's settings; those settable while running change on the node thread.
    const BrokerConfig& config;
    core::EventBus& events;
    net::asio::io_context& io;
    LogManager& logs;
    // The image the broker applied last: replaced (never changed) after each metadata batch.
    const std::shared_ptr<const metadata::MetadataImage>& image;
    // Set when the broker stops: every coroutine that sees it ends.
    const bool& stopping;
    net::ControllerClient& controller_client;
    // The metadata log the broker follows; it knows which controller leads the quorum.
    const raft::RaftDriver& metadata_log;

    // The controller client, pointed first at the quorum leader the metadata log knows of.
    net::ControllerClient& controller() const {
        controller_client.set_leader_hint(metadata_log.node().leader());
        return controller_client;
    }
    // The lab network's link from this broker to another (config.network set).
    net::LinkRoute link_to(std::int32_t broker_id) const {
        return config.network->route(core::NodeRef::broker(config.node_id).label(),
                                     core::NodeRef::broker(broker_id).label());
    }
};

}  // namespace kraftlab::broker
