// AlterPartitionReassignments (key 45) and ListPartitionReassignments (key 46), KIP-455: move a
// partition's replicas to other brokers, or cancel a move (null replicas); and list the moves in
// progress with their adding and removing replicas. Version 0 of each, which is flexible; it is
// what kafkajs and Kafka's Java admin send. A broker forwards the first to the active
// controller and answers the second from its metadata image.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct AlterPartitionReassignmentsRequest {
    static constexpr ApiKey kKey = ApiKey::AlterPartitionReassignments;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 0;

    struct Partition {
        std::int32_t partition_index = 0;
        std::optional<std::vector<std::int32_t>> replicas;  // null: cancel the move in progress
        bool operator==(const Partition&) const = default;
    };
    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t timeout_ms = 60000;
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const AlterPartitionReassignmentsRequest&) const = default;
};

struct AlterPartitionReassignmentsResponse {
    static constexpr ApiKey kKey = ApiKey::AlterPartitionReassignments;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 0;

    struct Partition {
        std::int32_t partition_index = 0;
        std::int16_t error_code = 0;
        std::optional<std::string> error_message;
        bool operator==(const Partition&) const = default;
    };
    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::int16_t error_code = 0;
    std::optional<std::string> error_message;
    std::vector<Topic> responses;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const AlterPartitionReassignmentsResponse&) const = default;
};

struct ListPartitionReassignmentsRequest {
    static constexpr ApiKey kKey = ApiKey::ListPartitionReassignments;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 0;

    struct Topic {
        std::string name;
        std::vector<std::int32_t> partition_indexes;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t timeout_ms = 60000;
    std::optional<std::vector<Topic>> topics;  // null: every partition

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const ListPartitionReassignmentsRequest&) const = default;
};

struct ListPartitionReassignmentsResponse {
    static constexpr ApiKey kKey = ApiKey::ListPartitionReassignments;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 0;

    struct Partition {
        std::int32_t partition_index = 0;
        std::vector<std::int32_t> replicas;
        std::vector<std::int32_t> adding_replicas;
        std::vector<std::int32_t> removing_replicas;
        bool operator==(const Partition&) const = default;
    };
    struct Topic {
        std::string name;
        std::vector<Partition> partitions;
        bool operator==(const Topic&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::int16_t error_code = 0;
    std::optional<std::string> error_message;
    std::vector<Topic> topics;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const ListPartitionReassignmentsResponse&) const = default;
};

}  // namespace kraftlab::protocol
