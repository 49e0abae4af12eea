// Settings of one broker node. Names follow Kafka's broker configs; lab defaults are chosen for
// demos on one machine and are shown beside Kafka's own defaults in the UI.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/lab_clock.h"
#include "group/classic_group.h"
#include "net/lab_network.h"
#include "net/sasl_plain.h"
#include "raft/driver.h"
#include "storage/partition_log.h"

namespace kraftlab::broker {

struct BrokerConfig {
    // The lab's clock (core/lab_clock.h) this node's thread runs on; nullptr: the standalone one.
    core::LabClock* clock = nullptr;
    // The lab network (net/lab_network.h) this broker's connections to other nodes are links of,
    // and whose clients link its listener applies; nullptr: plain sockets (tests of a bare
    // broker). It outlives the broker.
    net::LabNetwork* network = nullptr;
    std::int32_t node_id = 1;
    std::string host = "127.0.0.1";  // listeners bind loopback unless the user asks otherwise
    std::uint16_t port = 0;          // 0: an ephemeral port, kept across restarts
    std::filesystem::path data_dir;  // this broker's own directory: <session>/broker-<id>
    std::string cluster_id;
    // The per-lab secret (lab/lab_secret.h): the broker authenticates to controllers and to
    // other brokers with it, and only a connection authenticated with it may fetch or ask
    // OffsetForLeaderEpoch as a follower. Empty: SASL off (tests that run a bare broker).
    std::string lab_secret;
    // Set: the client listener requires SASL PLAIN, and this user is accepted besides the
    // lab's nodes (kraftlab-cluster --client-sasl). Unset: PLAINTEXT for clients, SASL optional.
    std::optional<net::SaslCredentials> client_sasl;
    // With client_sasl: connections waiting to authenticate, at most, and for how long.
    std::int32_t max_unauthenticated_connections = 64;
    std::int64_t sasl_authentication_timeout_ms = 10'000;

    // socket.request.max.bytes (Kafka: 100 MiB): larger frames close the connection.
    std::size_t socket_request_max_bytes = 100 * 1024 * 1024;
    // message.max.bytes (Kafka: 1048588): the largest record batch a produce may carry.
    std::int32_t message_max_bytes = 1048588;
    // fetch.max.bytes (Kafka: 55 MiB): the most one Fetch response carries, whatever the
    // request's max_bytes (only a first batch larger than that is still sent whole, KIP-74). The
    // lab's is smaller: a lab process hosts every broker, and the lab's clients never need more.
    std::size_t fetch_max_bytes = 16 * 1024 * 1024;
    // max.connections: further connections are closed at once.
    std::int32_t max_connections = 1000;
    // queued.max.request.bytes (Kafka: unbounded; at least socket.request.max.bytes): bytes of
    // requests being read or waiting, for the whole broker; when full, sockets stop being read.
    std::size_t queued_max_request_bytes = 100 * 1024 * 1024;
    // connections.max.idle.ms (Kafka: 600000). The lab's own connections talk at least every
    // second (heartbeats, raft and replica fetches, long polls of 500 ms), so one minute never
    // cuts them, and a socket left open by a stranger or a killed client frees its slot in a
    // minute rather than ten.
    std::int64_t connections_max_idle_ms = 60'000;
    // auto.create.topics.enable (Kafka: true); topics are created with num.partitions.
    bool auto_create_topics = true;
    // How often the broker publishes a snapshot of its state for the UI.
    std::int32_t snapshot_interval_ms = 250;
    // How long a CreateTopics/DeleteTopics/auto-creation waits for the controller at most.
    std::int32_t controller_timeout_ms = 10000;

    // The controller quorum (controller.quorum.voters): where the metadata log and the active
    // controller are.
    std::vector<raft::PeerAddress> controllers;
    // broker.heartbeat.interval.ms (Kafka: 2000). The lab's is shorter so that demos move.
    std::int32_t heartbeat_interval_ms = 1000;
    // broker.session.timeout.ms as the controllers apply it (Kafka: 9000); shown beside the
    // heartbeat ring in the UI.
    std::int32_t session_timeout_ms = 3000;
    // log.flush.interval.ms: how often every log is fsynced. Kafka's default is effectively
    // never (Long.MAX_VALUE: it relies on replication and the OS); the lab's is 1 s, so that a
    // power loss visibly loses the tail acknowledged with acks=1 since the last flush.
    std::int64_t flush_interval_ms = 1000;

    // replica.lag.time.max.ms (Kafka: 30000): a follower not caught up for this long leaves the
    // ISR. The lab's is shorter so that a class sees it happen.
    std::int64_t replica_lag_time_max_ms = 3000;
    // replica.fetch.wait.max.ms (Kafka: 500) and replica.fetch.max.bytes (Kafka: 1 MiB): a
    // follower's fetch waits this long at the leader for new data, and asks for at most this
    // much per partition.
    std::int32_t replica_fetch_wait_max_ms = 500;
    std::int32_t replica_fetch_max_bytes = 1024 * 1024;

    // Consumer groups (broker/group_coordinator.h). offsets.topic.num.partitions (Kafka: 50)
    // is small in the lab so that the class can see every coordinator partition;
    // offsets.topic.replication.factor (Kafka: 3) is capped by the brokers registered when the
    // topic is made; offsets.commit.timeout.ms (Kafka: 5000) is how long a commit or a group's
    // record waits for the in-sync replicas.
    std::int32_t offsets_topic_partitions = 3;
    std::int16_t offsets_topic_replication_factor = 3;
    std::int32_t offsets_commit_timeout_ms = 5000;
    // group.initial.rebalance.delay.ms 1 s (Kafka: 3 s): consumers started together form one
    // generation rather than one each, and the class does not wait long.
    group::GroupConfig groups{.initial_rebalance_delay_ms = 1000};

    storage::LogConfig log;
};

}  // namespace kraftlab::broker
