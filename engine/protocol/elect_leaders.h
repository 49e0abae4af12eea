// ElectLeaders (key 43): asks the controller to elect leaders now, either the preferred replica
// (the first in the replica list, kafka-leader-election --election-type PREFERRED) or, for a
// partition without a leader, any live replica even if it is not in sync (UNCLEAN, losing what
// the old leader had that it lacks). Versions 0-1, none flexible: v0 always means PREFERRED; v1
// adds election_type and a top-level error code. Null topic_partitions means every partition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

inline constexpr std::int8_t kElectionPreferred = 0;
inline constexpr std::int8_t kElectionUnclean = 1;

struct ElectLeadersRequest {
    static constexpr ApiKey kKey = ApiKey::ElectLeaders;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct TopicPartitions {
        std::string topic;
        std::vector<std::int32_t> partitions;
        bool operator==(const TopicPartitions&) const = default;
    };

    std::int8_t election_type = kElectionPreferred;  // v1+
    std::optional<std::vector<TopicPartitions>> topic_partitions;
    std::int32_t timeout_ms = 60000;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const ElectLeadersRequest&) const = default;
};

struct ElectLeadersResponse {
    static constexpr ApiKey kKey = ApiKey::ElectLeaders;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct PartitionResult {
        std::int32_t partition_id = 0;
        std::int16_t error_code = 0;
        std::optional<std::string> error_message;
        bool operator==(const PartitionResult&) const = default;
    };
    struct TopicResult {
        std::string topic;
        std::vector<PartitionResult> partitions;
        bool operator==(const TopicResult&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::int16_t error_code = 0;  // v1+
    std::vector<TopicResult> results;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const ElectLeadersResponse&) const = default;
};

}  // namespace kraftlab::protocol
