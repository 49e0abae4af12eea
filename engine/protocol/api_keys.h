// Kafka API keys, their names, and from which version each API is "flexible" (KIP-482: compact
// strings and arrays, tagged fields, request header v2 and response header v1).
#pragma once

#include <cstdint>
#include <string_view>

namespace kraftlab::protocol {

enum class ApiKey : std::int16_t {
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    LeaderAndIsr = 4,
    StopReplica = 5,
    UpdateMetadata = 6,
    ControlledShutdown = 7,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    LeaveGroup = 13,
    SyncGroup = 14,
    DescribeGroups = 15,
    ListGroups = 16,
    SaslHandshake = 17,
    ApiVersions = 18,
    CreateTopics = 19,
    DeleteTopics = 20,
    DeleteRecords = 21,
    InitProducerId = 22,
    OffsetForLeaderEpoch = 23,
    DescribeConfigs = 32,
    AlterConfigs = 33,
    DescribeLogDirs = 35,
    SaslAuthenticate = 36,
    CreatePartitions = 37,
    DeleteGroups = 42,
    ElectLeaders = 43,
    IncrementalAlterConfigs = 44,
    AlterPartitionReassignments = 45,
    ListPartitionReassignments = 46,
    OffsetDelete = 47,
    Vote = 52,
    BeginQuorumEpoch = 53,
    EndQuorumEpoch = 54,
    DescribeQuorum = 55,
    AlterPartition = 56,
    FetchSnapshot = 59,
    DescribeCluster = 60,
    BrokerRegistration = 62,
    BrokerHeartbeat = 63,
    UnregisterBroker = 64,
    AllocateProducerIds = 67,
};

inline std::int16_t to_wire(ApiKey key) {
    return static_cast<std::int16_t>(key);
}

// "Produce", "ApiVersions", ... or "Unknown" for a key this table does not name.
std::string_view api_name(std::int16_t key);

// The first flexible version of an API, from Kafka's message schemas ("flexibleVersions").
// Returns INT16_MAX for APIs that have no flexible version or that this table does not know.
std::int16_t first_flexible_version(ApiKey key);

inline bool is_flexible(ApiKey key, std::int16_t version) {
    return version >= first_flexible_version(key);
}

// Request header: v2 for flexible versions, else v1.
inline std::int16_t request_header_version(ApiKey key, std::int16_t version) {
    return is_flexible(key, version) ? 2 : 1;
}

// Response header: v1 for flexible versions, else v0. ApiVersions responses always use v0 so that
// a client can parse the answer before it knows what the broker supports (KIP-511).
inline std::int16_t response_header_version(ApiKey key, std::int16_t version) {
    if (key == ApiKey::ApiVersions) return 0;
    return is_flexible(key, version) ? 1 : 0;
}

}  // namespace kraftlab::protocol
