// OffsetForLeaderEpoch (key 23): for each partition, the end offset of a given leader epoch on
// the leader (KIP-101, KIP-279); followers truncate to it after a leader change, and consumers use
// it to detect log truncation (KIP-320). Versions 0-4; v4 is the first flexible one.
//
// v1 adds the response's LeaderEpoch; v2 the request's CurrentLeaderEpoch (fencing) and the
// response's ThrottleTimeMs; v3 the request's ReplicaId; v4 is v3 in the flexible encoding.
//
// Layout traps: the response partition starts with ErrorCode, then Partition (the reverse of most
// APIs). ReplicaId defaults to -2 (Kafka's "debug" replica, allowed to see beyond the high
// watermark), not -1 (a consumer): a request older than v3 decodes to -2, which is how a leader
// must treat followers speaking v0-v2.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct OffsetForLeaderEpochRequest {
    static constexpr ApiKey kKey = ApiKey::OffsetForLeaderEpoch;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;
    static constexpr std::int32_t kDebugReplicaId = -2;  // ReplicaId's default
    static constexpr std::int32_t kConsumerReplicaId = -1;

    struct Partition {
        std::int32_t partition = 0;
        std::int32_t current_leader_epoch = -1;  // v2+; -1 skips the fencing check
        std::int32_t leader_epoch = 0;           // the epoch to look up the end offset of
        bool operator==(const Partition&) const = default;
    };

    struct Topic {
        std::string topic;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t replica_id = kDebugReplicaId;  // v3+; the follower's broker id, -1 for a consumer
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const OffsetForLeaderEpochRequest&) const = default;
};

struct OffsetForLeaderEpochResponse {
    static constexpr ApiKey kKey = ApiKey::OffsetForLeaderEpoch;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    // Field order on the wire: error_code, partition, leader_epoch, end_offset.
    struct EpochEndOffset {
        std::int16_t error_code = 0;
        std::int32_t partition = 0;
        // The largest epoch not above the requested one, with its end offset (v0 has only the
        // offset).
        std::int32_t leader_epoch = -1;  // v1+
        std::int64_t end_offset = -1;
        bool operator==(const EpochEndOffset&) const = default;
    };

    struct Topic {
        std::string topic;
        std::vector<EpochEndOffset> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t throttle_time_ms = 0;  // v2+
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const OffsetForLeaderEpochResponse&) const = default;
};

}  // namespace kraftlab::protocol
