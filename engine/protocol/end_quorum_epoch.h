// EndQuorumEpoch (key 54): a resigning KRaft leader tells the voters to start an election without
// waiting for the fetch timeout (KIP-595). Versions 0-1. v0 is NOT flexible (request header v1 /
// response header v0); v1 is the first flexible version.
//
// v1 (KIP-853, Kafka 3.9) replaces each partition's PreferredSuccessors (v0 only: replica ids)
// with PreferredCandidates (v1+: replica id and directory id), adds the request's LeaderEndpoints
// (a regular v1+ field, NOT tagged) and the response's NodeEndpoints (tagged, tag 0). Fields absent
// at a version are not written and decode to Kafka's defaults (empty arrays); a runtime that
// speaks both versions must map one list to the other itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"
#include "protocol/quorum_endpoints.h"

namespace kraftlab::protocol {

struct EndQuorumEpochRequest {
    static constexpr ApiKey kKey = ApiKey::EndQuorumEpoch;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct ReplicaInfo {
        std::int32_t candidate_id = 0;
        Uuid candidate_directory_id;
        bool operator==(const ReplicaInfo&) const = default;
    };

    struct PartitionData {
        std::int32_t partition_index = 0;
        std::int32_t leader_id = 0;  // the resigning leader
        std::int32_t leader_epoch = 0;
        // Voters in the order they should start elections (the most caught-up first).
        std::vector<std::int32_t> preferred_successors;  // v0 only
        std::vector<ReplicaInfo> preferred_candidates;   // v1+
        bool operator==(const PartitionData&) const = default;
    };

    struct TopicData {
        std::string topic_name;
        std::vector<PartitionData> partitions;
        bool operator==(const TopicData&) const = default;
    };

    std::optional<std::string> cluster_id;  // nullable, default null
    std::vector<TopicData> topics;
    std::vector<ListenerEndpoint> leader_endpoints;  // v1+; the resigning leader's listeners

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const EndQuorumEpochRequest&) const = default;
};

struct EndQuorumEpochResponse {
    static constexpr ApiKey kKey = ApiKey::EndQuorumEpoch;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct PartitionData {
        std::int32_t partition_index = 0;
        std::int16_t error_code = 0;
        std::int32_t leader_id = 0;  // the current leader, or -1 if unknown
        std::int32_t leader_epoch = 0;
        bool operator==(const PartitionData&) const = default;
    };

    struct TopicData {
        std::string topic_name;
        std::vector<PartitionData> partitions;
        bool operator==(const TopicData&) const = default;
    };

    std::int16_t error_code = 0;
    std::vector<TopicData> topics;
    std::vector<NodeEndpoint> node_endpoints;  // v1+, tagged (tag 0); written only when non-empty

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const EndQuorumEpochResponse&) const = default;
};

}  // namespace kraftlab::protocol
