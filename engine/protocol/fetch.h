// Fetch (key 1): consumers and followers read record batches. Versions 4-13.
//
// Version history of the fields kept here: v5 log_start_offset; v7 fetch sessions (session_id,
// session_epoch, forgotten topics) and a top-level error_code; v9 current_leader_epoch; v11
// rack_id and preferred_read_replica; v12 is the first flexible version (compact strings, arrays
// and records, tagged fields, request header v2 / response header v1) and adds
// last_fetched_epoch; v13 replaces topic names with topic ids.
//
// Tagged fields (v12+) follow Kafka's rule: a field is written only when it differs from its
// default, and an absent field decodes to its default. So "no DivergingEpoch" is a diverging_epoch
// equal to EpochEndOffset{} (epoch -1, end offset -1), exactly as in Kafka's Java code. Unknown
// tags are skipped and not kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct FetchRequest {
    static constexpr ApiKey kKey = ApiKey::Fetch;
    static constexpr std::int16_t kMinVersion = 4;
    static constexpr std::int16_t kMaxVersion = 13;

    struct FetchPartition {
        std::int32_t partition = 0;
        std::int32_t current_leader_epoch = -1;  // v9+
        std::int64_t fetch_offset = 0;
        // Epoch of the last fetched record; the leader uses it to detect divergence (KRaft).
        std::int32_t last_fetched_epoch = -1;  // v12+
        std::int64_t log_start_offset = -1;    // v5+; followers only
        std::int32_t partition_max_bytes = 0;
        bool operator==(const FetchPartition&) const = default;
    };

    struct FetchTopic {
        std::string topic;  // v4-12
        Uuid topic_id;      // v13+
        std::vector<FetchPartition> partitions;
        bool operator==(const FetchTopic&) const = default;
    };

    // Partitions to drop from an incremental fetch session.
    struct ForgottenTopic {
        std::string topic;  // v7-12
        Uuid topic_id;      // v13+
        std::vector<std::int32_t> partitions;
        bool operator==(const ForgottenTopic&) const = default;
    };

    std::optional<std::string> cluster_id;  // v12+, tagged (tag 0); written only when set
    std::int32_t replica_id = -1;           // -1 for consumers, the broker id for followers
    std::int32_t max_wait_ms = 0;
    std::int32_t min_bytes = 0;
    std::int32_t max_bytes = 0x7fffffff;
    std::int8_t isolation_level = 0;  // 0 read_uncommitted, 1 read_committed
    std::int32_t session_id = 0;      // v7+
    std::int32_t session_epoch = -1;  // v7+
    std::vector<FetchTopic> topics;
    std::vector<ForgottenTopic> forgotten_topics_data;  // v7+
    std::string rack_id;                                // v11+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const FetchRequest&) const = default;
};

struct FetchResponse {
    static constexpr ApiKey kKey = ApiKey::Fetch;
    static constexpr std::int16_t kMinVersion = 4;
    static constexpr std::int16_t kMaxVersion = 13;

    // The tagged structs' field order differs: EpochEndOffset is (epoch, end_offset), SnapshotId is
    // (end_offset, epoch).
    struct EpochEndOffset {
        std::int32_t epoch = -1;
        std::int64_t end_offset = -1;
        bool operator==(const EpochEndOffset&) const = default;
    };

    struct LeaderIdAndEpoch {
        std::int32_t leader_id = -1;
        std::int32_t leader_epoch = -1;
        bool operator==(const LeaderIdAndEpoch&) const = default;
    };

    struct SnapshotId {
        std::int64_t end_offset = -1;
        std::int32_t epoch = -1;
        bool operator==(const SnapshotId&) const = default;
    };

    struct AbortedTransaction {
        std::int64_t producer_id = 0;
        std::int64_t first_offset = 0;
        bool operator==(const AbortedTransaction&) const = default;
    };

    struct PartitionData {
        std::int32_t partition_index = 0;
        std::int16_t error_code = 0;
        std::int64_t high_watermark = 0;
        std::int64_t last_stable_offset = -1;
        std::int64_t log_start_offset = -1;  // v5+
        EpochEndOffset diverging_epoch;      // v12+, tagged (tag 0)
        LeaderIdAndEpoch current_leader;     // v12+, tagged (tag 1)
        SnapshotId snapshot_id;              // v12+, tagged (tag 2)
        // Null is allowed (Java brokers send null for read_uncommitted fetches).
        std::optional<std::vector<AbortedTransaction>> aborted_transactions =
            std::vector<AbortedTransaction>{};
        std::int32_t preferred_read_replica = -1;  // v11+
        std::optional<Bytes> records;
        bool operator==(const PartitionData&) const = default;
    };

    struct FetchableTopicResponse {
        std::string topic;  // v4-12
        Uuid topic_id;      // v13+
        std::vector<PartitionData> partitions;
        bool operator==(const FetchableTopicResponse&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::int16_t error_code = 0;  // v7+; top-level errors, e.g. fetch session errors
    std::int32_t session_id = 0;  // v7+
    std::vector<FetchableTopicResponse> responses;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const FetchResponse&) const = default;
};

}  // namespace kraftlab::protocol
