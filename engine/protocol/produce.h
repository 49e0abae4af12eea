// Produce (key 0): record batches for topic partitions. Versions 0-7, none flexible.
//
// v3-v7 requests share one layout (v3 introduced transactional_id and record batch v2; v4-v7 only
// widen the error codes and, at v7, allow zstd batches); v0-v2 lack transactional_id and carry the
// old message formats (magic 0/1). The response gains throttle_time_ms at v1, log_append_time_ms
// at v2 and log_start_offset at v5. With acks == 0 the broker sends no response at all.
//
// Why v0-v2 at all: librdkafka 2.0.2 compresses with gzip, snappy or lz4 only when the broker's
// Produce range includes v0 (its check for "this broker understands compression"), so a broker
// advertising 3-7 silently receives uncompressed batches from kcat -z.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct ProduceRequest {
    static constexpr ApiKey kKey = ApiKey::Produce;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 7;

    struct PartitionProduceData {
        std::int32_t index = 0;
        // One or more record batches, carried through unparsed (see record_batch.h).
        std::optional<Bytes> records;
        bool operator==(const PartitionProduceData&) const = default;
    };

    struct TopicProduceData {
        std::string name;
        std::vector<PartitionProduceData> partition_data;
        bool operator==(const TopicProduceData&) const = default;
    };

    std::optional<std::string> transactional_id;  // v3+; null unless the producer is transactional
    std::int16_t acks = 0;                        // 0 none, 1 leader, -1 full ISR
    std::int32_t timeout_ms = 0;
    std::vector<TopicProduceData> topic_data;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const ProduceRequest&) const = default;
};

struct ProduceResponse {
    static constexpr ApiKey kKey = ApiKey::Produce;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 7;

    struct PartitionProduceResponse {
        std::int32_t index = 0;
        std::int16_t error_code = 0;
        std::int64_t base_offset = 0;
        // -1 unless the topic uses LogAppendTime.
        std::int64_t log_append_time_ms = -1;  // v2+
        std::int64_t log_start_offset = -1;    // v5+
        bool operator==(const PartitionProduceResponse&) const = default;
    };

    struct TopicProduceResponse {
        std::string name;
        std::vector<PartitionProduceResponse> partition_responses;
        bool operator==(const TopicProduceResponse&) const = default;
    };

    std::vector<TopicProduceResponse> responses;
    std::int32_t throttle_time_ms = 0;  // v1+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const ProduceResponse&) const = default;
};

}  // namespace kraftlab::protocol
