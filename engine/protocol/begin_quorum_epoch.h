// BeginQuorumEpoch (key 53): a newly elected KRaft leader tells the voters about its epoch
// (KIP-595). Versions 0-1. v0 is NOT flexible (classic strings and arrays, request header v1 /
// response header v0) even though Vote v0 is; v1 is the first flexible version.
//
// v1 (KIP-853, Kafka 3.9) adds the request's VoterId, each partition's VoterDirectoryId and the
// request's LeaderEndpoints (a regular v1+ field, NOT tagged), and the response's NodeEndpoints
// (tagged, tag 0). Fields absent at a version are not written and decode to Kafka's defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"
#include "protocol/quorum_endpoints.h"

namespace kraftlab::protocol {

struct BeginQuorumEpochRequest {
    static constexpr ApiKey kKey = ApiKey::BeginQuorumEpoch;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct PartitionData {
        std::int32_t partition_index = 0;
        Uuid voter_directory_id;     // v1+; the directory id of the receiving voter
        std::int32_t leader_id = 0;  // the newly elected leader
        std::int32_t leader_epoch = 0;
        bool operator==(const PartitionData&) const = default;
    };

    struct TopicData {
        std::string topic_name;
        std::vector<PartitionData> partitions;
        bool operator==(const TopicData&) const = default;
    };

    std::optional<std::string> cluster_id;  // nullable, default null
    std::int32_t voter_id = -1;             // v1+; the replica id of the receiving voter
    std::vector<TopicData> topics;
    std::vector<ListenerEndpoint> leader_endpoints;  // v1+; the leader's listeners

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const BeginQuorumEpochRequest&) const = default;
};

struct BeginQuorumEpochResponse {
    static constexpr ApiKey kKey = ApiKey::BeginQuorumEpoch;
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
    bool operator==(const BeginQuorumEpochResponse&) const = default;
};

}  // namespace kraftlab::protocol
