// Vote (key 52): a KRaft candidate asks each voter for its vote in a new epoch (KIP-595). Versions
// 0-1, all flexible (compact encodings, tagged fields, request header v2 / response header v1).
//
// v1 (KIP-853, Kafka 3.9) adds the voter key: the request's VoterId and each partition's
// CandidateDirectoryId and VoterDirectoryId (all regular fields, not tagged), and the response's
// NodeEndpoints (tagged, tag 0: where the leaders named in the response listen). Fields absent at
// a version are not written and decode to Kafka's defaults.
//
// The request's ClusterId is a nullable string defaulting to null (a voter skips the cluster check
// for a null id). The log it votes on is named by topic and partition: KRaft's is
// __cluster_metadata partition 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"
#include "protocol/quorum_endpoints.h"

namespace kraftlab::protocol {

struct VoteRequest {
    static constexpr ApiKey kKey = ApiKey::Vote;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct PartitionData {
        std::int32_t partition_index = 0;
        std::int32_t candidate_epoch = 0;  // the candidate's bumped epoch
        std::int32_t candidate_id = 0;     // the replica id of the candidate
        Uuid candidate_directory_id;       // v1+
        Uuid voter_directory_id;           // v1+; the directory id of the voter asked
        // The candidate's log end: Kafka sends its log end offset (exclusive, the next offset to
        // write) and the epoch of its last record, although the schema calls them the last
        // record's offset and epoch.
        std::int32_t last_offset_epoch = 0;
        std::int64_t last_offset = 0;
        bool operator==(const PartitionData&) const = default;
    };

    struct TopicData {
        std::string topic_name;
        std::vector<PartitionData> partitions;
        bool operator==(const TopicData&) const = default;
    };

    std::optional<std::string> cluster_id;  // nullable, default null
    std::int32_t voter_id = -1;             // v1+; the replica id of the voter asked
    std::vector<TopicData> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const VoteRequest&) const = default;
};

struct VoteResponse {
    static constexpr ApiKey kKey = ApiKey::Vote;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct PartitionData {
        std::int32_t partition_index = 0;
        std::int16_t error_code = 0;
        std::int32_t leader_id = 0;  // the current leader, or -1 if unknown
        std::int32_t leader_epoch = 0;
        bool vote_granted = false;
        bool operator==(const PartitionData&) const = default;
    };

    struct TopicData {
        std::string topic_name;
        std::vector<PartitionData> partitions;
        bool operator==(const TopicData&) const = default;
    };

    std::int16_t error_code = 0;  // top-level errors, e.g. INCONSISTENT_CLUSTER_ID
    std::vector<TopicData> topics;
    std::vector<NodeEndpoint> node_endpoints;  // v1+, tagged (tag 0); written only when non-empty

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const VoteResponse&) const = default;
};

}  // namespace kraftlab::protocol
