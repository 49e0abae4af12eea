// DeleteRecords (key 21): moves partitions' log start offsets forward, so that records before
// them are gone for every reader (kafka-delete-records, kafkajs admin.deleteTopicRecords).
// Versions 0-1, none flexible; v1 has v0's layout. Offset -1 means "up to the high watermark".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct DeleteRecordsRequest {
    static constexpr ApiKey kKey = ApiKey::DeleteRecords;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct Partition {
        std::int32_t partition_index = 0;
        std::int64_t offset = 0;  // delete every record before this; -1: the high watermark
        bool operator==(const Partition&) const = default;
    };
    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::vector<Topic> topics;
    std::int32_t timeout_ms = 0;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DeleteRecordsRequest&) const = default;
};

struct DeleteRecordsResponse {
    static constexpr ApiKey kKey = ApiKey::DeleteRecords;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    struct Partition {
        std::int32_t partition_index = 0;
        std::int64_t low_watermark = -1;  // the new log start offset
        std::int16_t error_code = 0;
        bool operator==(const Partition&) const = default;
    };
    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DeleteRecordsResponse&) const = default;
};

}  // namespace kraftlab::protocol
