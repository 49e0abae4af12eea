// AlterPartition (key 56, formerly AlterIsr): a partition leader asks the controller to change the
// partition's ISR (and leader recovery state) (KIP-497, KIP-631). Versions 0-3, all flexible.
//
// v1 adds LeaderRecoveryState (KIP-704); v2 names topics by TopicId instead of TopicName, in both
// request and response (KIP-841); v3 replaces the request's NewIsr (replica ids, v0-2) with
// NewIsrWithEpochs (replica id and broker epoch, KIP-903) and leaves the response as in v2. Fields
// absent at a version are not written and decode to Kafka's defaults; a runtime that speaks
// several versions must fill new_isr or new_isr_with_epochs to match the version it sends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct AlterPartitionRequest {
    static constexpr ApiKey kKey = ApiKey::AlterPartition;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 3;

    struct BrokerState {
        std::int32_t broker_id = 0;
        std::int64_t broker_epoch = -1;  // -1 if the epoch check is not supported
        bool operator==(const BrokerState&) const = default;
    };

    struct PartitionData {
        std::int32_t partition_index = 0;
        std::int32_t leader_epoch = 0;
        std::vector<std::int32_t> new_isr;             // v0-2
        std::vector<BrokerState> new_isr_with_epochs;  // v3+
        std::int8_t leader_recovery_state = 0;         // v1+; 1 recovering from an unclean election
        // The partition epoch the change is based on (the controller rejects a stale one).
        std::int32_t partition_epoch = 0;
        bool operator==(const PartitionData&) const = default;
    };

    struct TopicData {
        std::string topic_name;  // v0-1
        Uuid topic_id;           // v2+
        std::vector<PartitionData> partitions;
        bool operator==(const TopicData&) const = default;
    };

    std::int32_t broker_id = 0;  // the requesting leader
    std::int64_t broker_epoch = -1;
    std::vector<TopicData> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const AlterPartitionRequest&) const = default;
};

struct AlterPartitionResponse {
    static constexpr ApiKey kKey = ApiKey::AlterPartition;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 3;

    struct PartitionData {
        std::int32_t partition_index = 0;
        std::int16_t error_code = 0;
        std::int32_t leader_id = 0;
        std::int32_t leader_epoch = 0;
        std::vector<std::int32_t> isr;
        std::int8_t leader_recovery_state = 0;  // v1+
        std::int32_t partition_epoch = 0;
        bool operator==(const PartitionData&) const = default;
    };

    struct TopicData {
        std::string topic_name;  // v0-1
        Uuid topic_id;           // v2+
        std::vector<PartitionData> partitions;
        bool operator==(const TopicData&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::int16_t error_code = 0;
    std::vector<TopicData> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const AlterPartitionResponse&) const = default;
};

}  // namespace kraftlab::protocol
