// RequestForwarder: the requests a broker passes on rather than serves itself.
//   - Admin requests go to the active controller (Kafka's ForwardingManager): CreateTopics and
//     DeleteTopics over TCP, every topic failed with REQUEST_TIMED_OUT when no controller answers
//     within controller_timeout_ms. await_topics() then waits until this broker's own image shows
//     the change, so a client's next request here already sees it.
//   - The lab's "via any broker" produces go to the partition's leader (forward_produce), over
//     one connection per leader, counted for the snapshots (how many, and which partition went
//     to which leader last).
//
// Thread: the broker's node thread only. Lifecycle: made by Broker::start(); stop() closes the
// connections to leaders when the broker stops; destroyed by Broker::stop() after the node
// thread has ended.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker/broker_context.h"
#include "broker/waiters.h"
#include "core/snapshots.h"
#include "metadata/replication_control.h"
#include "net/asio.h"
#include "net/kafka_client.h"
#include "protocol/produce.h"

namespace kraftlab::broker {

class RequestForwarder {
  public:
    // metadata_applied: woken after each metadata batch the broker applies.
    RequestForwarder(BrokerContext context, Waiters& metadata_applied)
        : ctx_(context), metadata_applied_(metadata_applied) {}
    RequestForwarder(const RequestForwarder&) = delete;
    RequestForwarder& operator=(const RequestForwarder&) = delete;

    // The broker stops: connections to leaders close, so that a forward waiting on one ends.
    void stop();

    // Forwarded to the active controller; one result per topic.
    net::awaitable<std::vector<metadata::TopicResult>> create_topics(
        std::vector<metadata::NewTopic> topics, bool validate_only);
    net::awaitable<std::vector<metadata::TopicResult>> delete_topics(
        std::vector<std::string> names);
    // Waits (up to timeout_ms) until the image knows every one of these topics, or none of them
    // when `present` is false.
    net::awaitable<void> await_topics(std::vector<std::string> names, bool present,
                                      std::int32_t timeout_ms);

    // Sends a produce on to the partitions' leader and returns its answer (nullopt if it could
    // not be reached); acks=0 gets an empty answer. Used for the lab's "via any broker" route.
    net::awaitable<std::optional<protocol::ProduceResponse>> forward_produce(
        std::int32_t leader, const protocol::ProduceRequest& request, std::int16_t version);

    // Fills the snapshot's forwarding counters (produce_forwarded_total, forwarded); counters of
    // deleted topics go with them.
    void fill_snapshot(core::BrokerSnapshot& s);

  private:
    BrokerContext ctx_;
    Waiters& metadata_applied_;
    std::map<std::int32_t, std::shared_ptr<net::KafkaClient>> forward_clients_;
    std::uint64_t produce_forwarded_total_ = 0;
    // Per partition forwarded: the leader it last went to, and how many requests carried it.
    std::map<std::pair<std::string, std::int32_t>, std::pair<std::int32_t, std::uint64_t>>
        forwarded_;
};

}  // namespace kraftlab::broker
