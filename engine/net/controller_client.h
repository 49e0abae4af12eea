// ControllerClient: how a broker (or the lab acting as an admin) reaches the active controller
// of the KRaft quorum. It knows the voters' addresses and a hint of who leads; a request goes to
// the hinted controller, and an answer of NOT_CONTROLLER, or a dead connection, moves it on to
// the next voter until one accepts it or the deadline passes. It keeps one connection per
// controller and reuses it.
//
// Speaks BrokerRegistration, BrokerHeartbeat, AlterPartition, CreateTopics, DeleteTopics,
// IncrementalAlterConfigs, CreatePartitions, ElectLeaders and AllocateProducerIds, as a Kafka
// broker does towards its controllers.
//
// Threads: the owner's io_context thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/asio.h"
#include "net/kafka_client.h"
#include "protocol/allocate_producer_ids.h"
#include "protocol/alter_partition.h"
#include "protocol/broker_heartbeat.h"
#include "protocol/broker_registration.h"
#include "protocol/create_partitions.h"
#include "protocol/create_topics.h"
#include "protocol/delete_topics.h"
#include "protocol/elect_leaders.h"
#include "protocol/incremental_alter_configs.h"
#include "protocol/partition_reassignments.h"

namespace kraftlab::net {

struct ControllerAddress {
    std::int32_t id = -1;
    std::string host;
    std::uint16_t port = 0;
};

class ControllerClient {
  public:
    // sasl: the credentials every connection authenticates with (the lab's node user and
    // secret); controllers require them.
    // network: the lab network whose links "<client_id>" → "controller-<id>" its connections
    // are (net/lab_network.h); nullptr: plain sockets. client_id is the node's name.
    ControllerClient(asio::any_io_executor executor, std::vector<ControllerAddress> controllers,
                     std::string client_id, std::optional<SaslCredentials> sasl = std::nullopt,
                     LabNetwork* network = nullptr);
    ~ControllerClient();

    // The controller believed to be active (from the metadata log's leader), tried first.
    void set_leader_hint(std::int32_t id);
    std::int32_t last_answered() const { return last_answered_; }

    static constexpr std::int16_t kRegistrationVersion = 0;
    static constexpr std::int16_t kHeartbeatVersion = 0;
    static constexpr std::int16_t kCreateTopicsVersion = 4;
    static constexpr std::int16_t kDeleteTopicsVersion = 3;
    // v3: new ISR members with their broker epochs (KIP-903), topics by id.
    static constexpr std::int16_t kAlterPartitionVersion = 3;
    static constexpr std::int16_t kIncrementalAlterConfigsVersion = 1;
    static constexpr std::int16_t kCreatePartitionsVersion = 1;
    static constexpr std::int16_t kElectLeadersVersion = 1;
    static constexpr std::int16_t kAlterPartitionReassignmentsVersion = 0;
    static constexpr std::int16_t kAllocateProducerIdsVersion = 0;

    awaitable<Result<protocol::BrokerRegistrationResponse>> register_broker(
        const protocol::BrokerRegistrationRequest& request, std::int32_t deadline_ms);
    awaitable<Result<protocol::BrokerHeartbeatResponse>> heartbeat(
        const protocol::BrokerHeartbeatRequest& request, std::int32_t deadline_ms);
    awaitable<Result<protocol::CreateTopicsResponse>> create_topics(
        const protocol::CreateTopicsRequest& request, std::int32_t deadline_ms);
    awaitable<Result<protocol::DeleteTopicsResponse>> delete_topics(
        const protocol::DeleteTopicsRequest& request, std::int32_t deadline_ms);
    awaitable<Result<protocol::IncrementalAlterConfigsResponse>> incremental_alter_configs(
        const protocol::IncrementalAlterConfigsRequest& request, std::int32_t deadline_ms);

    awaitable<Result<protocol::CreatePartitionsResponse>> create_partitions(
        const protocol::CreatePartitionsRequest& request, std::int32_t deadline_ms);
    awaitable<Result<protocol::ElectLeadersResponse>> elect_leaders(
        const protocol::ElectLeadersRequest& request, std::int32_t deadline_ms);
    awaitable<Result<protocol::AlterPartitionReassignmentsResponse>> alter_partition_reassignments(
        const protocol::AlterPartitionReassignmentsRequest& request, std::int32_t deadline_ms);
    // A block of producer ids for InitProducerId answers (broker/producer_id_manager.h).
    awaitable<Result<protocol::AllocateProducerIdsResponse>> allocate_producer_ids(
        const protocol::AllocateProducerIdsRequest& request, std::int32_t deadline_ms);

    // A partition leader asks to change the ISR (replication).
    awaitable<Result<protocol::AlterPartitionResponse>> alter_partition(
        const protocol::AlterPartitionRequest& request, std::int32_t deadline_ms);

    void close();

  private:
    template <typename Request, typename Response, typename NotController>
    awaitable<Result<Response>> call(const Request& request, std::int16_t version,
                                     std::int32_t deadline_ms, NotController not_controller);
    awaitable<std::shared_ptr<KafkaClient>> connection(const ControllerAddress& to);

    asio::any_io_executor executor_;
    std::vector<ControllerAddress> controllers_;
    std::string client_id_;
    std::optional<SaslCredentials> sasl_;
    LabNetwork* network_ = nullptr;
    std::int32_t hint_ = -1;
    std::int32_t last_answered_ = -1;
    std::map<std::int32_t, std::shared_ptr<KafkaClient>> connections_;
    bool closed_ = false;
};

}  // namespace kraftlab::net
