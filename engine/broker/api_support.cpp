#include "broker/api_support.h"

namespace kraftlab::broker {

using protocol::ApiKey;

const std::vector<ApiRange>& supported_apis() {
    static const std::vector<ApiRange> apis = {
        // Produce from v0 and Fetch to v10 although no client here sends Produce below v3 or
        // needs Fetch above v4: librdkafka 2.0.2 compresses with gzip/snappy only when Produce's
        // range includes v0, and with zstd only when Fetch's includes v10. FindCoordinator v0 is
        // its test for lz4. tests/integration/test_kcat.cpp proves each codec really arrives.
        {ApiKey::Produce, 0, 7},
        {ApiKey::Fetch, 4, 10},
        {ApiKey::ListOffsets, 1, 2},
        {ApiKey::Metadata, 0, 4},
        {ApiKey::FindCoordinator, 0, 2},
        // Consumer groups (broker/group_coordinator.h), up to the highest version a client here
        // sends (seen in their debug logs): librdkafka 2.0.2 FindCoordinator 2, JoinGroup 5,
        // SyncGroup 3, Heartbeat 3, LeaveGroup 1, OffsetCommit 7, OffsetFetch 5; kafka-python
        // 2.0.2 FindCoordinator 0, JoinGroup 2, SyncGroup 1, Heartbeat 1, LeaveGroup 1,
        // OffsetCommit 2, OffsetFetch 1 and 3, DescribeGroups 3, ListGroups 2; kafkajs 2.2.4
        // JoinGroup 5, SyncGroup 3, Heartbeat 3, LeaveGroup 3, OffsetCommit 5, OffsetFetch 4,
        // DescribeGroups 2, ListGroups 2, DeleteGroups 1. OffsetFetch stops at v5: v6 is
        // flexible and librdkafka would switch to it. OffsetDelete has only v0 (no client here
        // has an API for it: tests send it by hand).
        {ApiKey::OffsetCommit, 0, 7},
        {ApiKey::OffsetFetch, 0, 5},
        {ApiKey::JoinGroup, 0, 5},
        {ApiKey::Heartbeat, 0, 3},
        {ApiKey::LeaveGroup, 0, 3},
        {ApiKey::SyncGroup, 0, 3},
        {ApiKey::DescribeGroups, 0, 3},
        {ApiKey::ListGroups, 0, 2},
        {ApiKey::DeleteGroups, 0, 1},
        {ApiKey::OffsetDelete, 0, 0},
        // SASL PLAIN (net/sasl_server.h): lab nodes always authenticate here; clients may, and
        // must when the lab runs with --client-sasl.
        {ApiKey::SaslHandshake, 0, 1},
        {ApiKey::ApiVersions, 0, 3},
        {ApiKey::CreateTopics, 0, 4},
        {ApiKey::DeleteTopics, 0, 3},
        {ApiKey::OffsetForLeaderEpoch, 0, 4},
        {ApiKey::SaslAuthenticate, 0, 2},
        // Forwarded to the active controller; no Debian client has an API for it (confluent-kafka
        // 1.7 and kafka-python 2.0.2 speak only AlterConfigs), so tests send it by hand
        // (tests/integration/clients/incremental_alter_configs.py, with kafka-python's protocol
        // classes).
        {ApiKey::IncrementalAlterConfigs, 0, 1},
        // Admin APIs, up to the highest version a client here sends (kafka-python 2.0.2,
        // confluent-kafka 1.7 / librdkafka 2.0.2, kafkajs 2.2.4): DescribeConfigs 2 (kafkajs),
        // AlterConfigs 1, CreatePartitions 1, DeleteRecords 1 (kafkajs, librdkafka). Nothing here
        // sends ElectLeaders, DescribeLogDirs or DescribeCluster (kafka-python's and kafkajs's
        // describe_cluster read Metadata): tests send them by hand, at the versions Kafka's Java
        // AdminClient would negotiate down to.
        {ApiKey::DescribeConfigs, 0, 2},
        {ApiKey::AlterConfigs, 0, 1},
        {ApiKey::CreatePartitions, 0, 1},
        {ApiKey::DeleteRecords, 0, 1},
        {ApiKey::ElectLeaders, 0, 1},
        {ApiKey::DescribeLogDirs, 0, 1},
        {ApiKey::DescribeCluster, 0, 0},
        // Partition reassignment (handle_reassignments.cpp): kafkajs's admin sends v0 of both.
        {ApiKey::AlterPartitionReassignments, 0, 0},
        {ApiKey::ListPartitionReassignments, 0, 0},
        // Idempotent producers (handle_init_producer_id.cpp): librdkafka 2.0.2 needs v0 in range
        // and sends the highest up to 4 (flexible from v2); kafkajs 2.2.4 sends v1.
        {ApiKey::InitProducerId, 0, 4},
    };
    return apis;
}

std::optional<ApiRange> supported_range(std::int16_t api_key) {
    for (const auto& r : supported_apis()) {
        if (protocol::to_wire(r.key) == api_key) return r;
    }
    return std::nullopt;
}

}  // namespace kraftlab::broker
