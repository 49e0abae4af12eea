// DescribeQuorum (key 55): the state of a KRaft quorum as its leader sees it (KIP-595; served by
// brokers and controllers, e.g. to kafka-metadata-quorum.sh). Versions 0-2, all flexible.
//
// The request is the same at every version. The response's ReplicaState gains LastFetchTimestamp
// and LastCaughtUpTimestamp in v1 (KIP-836, default -1), and in v2 (KIP-853, Kafka 3.9) a
// ReplicaDirectoryId; v2 also adds ErrorMessage at the top level and per partition (nullable,
// default "" like every Kafka string without an explicit default) and Nodes, the voters' listeners
// (a regular field, not tagged). Fields absent at a version are not written and decode to Kafka's
// defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"
#include "protocol/quorum_endpoints.h"

namespace kraftlab::protocol {

struct DescribeQuorumRequest {
    static constexpr ApiKey kKey = ApiKey::DescribeQuorum;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 2;

    struct PartitionData {
        std::int32_t partition_index = 0;
        bool operator==(const PartitionData&) const = default;
    };

    struct TopicData {
        std::string topic_name;
        std::vector<PartitionData> partitions;
        bool operator==(const TopicData&) const = default;
    };

    std::vector<TopicData> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DescribeQuorumRequest&) const = default;
};

struct DescribeQuorumResponse {
    static constexpr ApiKey kKey = ApiKey::DescribeQuorum;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 2;

    struct ReplicaState {
        std::int32_t replica_id = 0;
        Uuid replica_directory_id;        // v2+
        std::int64_t log_end_offset = 0;  // -1 if unknown
        // Leader wall-clock time of the replica's last fetch; -1 for the leader itself or unknown.
        std::int64_t last_fetch_timestamp = -1;  // v1+
        // Leader wall-clock time at which the replica was last caught up; the current time for the
        // leader itself, -1 if unknown.
        std::int64_t last_caught_up_timestamp = -1;  // v1+
        bool operator==(const ReplicaState&) const = default;
    };

    struct PartitionData {
        std::int32_t partition_index = 0;
        std::int16_t error_code = 0;
        std::optional<std::string> error_message = std::string{};  // v2+; nullable
        std::int32_t leader_id = 0;                                // -1 if unknown
        std::int32_t leader_epoch = 0;
        std::int64_t high_watermark = 0;
        std::vector<ReplicaState> current_voters;
        std::vector<ReplicaState> observers;
        bool operator==(const PartitionData&) const = default;
    };

    struct TopicData {
        std::string topic_name;
        std::vector<PartitionData> partitions;
        bool operator==(const TopicData&) const = default;
    };

    struct Node {
        std::int32_t node_id = 0;
        std::vector<ListenerEndpoint> listeners;
        bool operator==(const Node&) const = default;
    };

    std::int16_t error_code = 0;
    std::optional<std::string> error_message = std::string{};  // v2+; nullable
    std::vector<TopicData> topics;
    std::vector<Node> nodes;  // v2+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DescribeQuorumResponse&) const = default;
};

}  // namespace kraftlab::protocol
