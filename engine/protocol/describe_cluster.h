// DescribeCluster (key 60, KIP-700): the cluster id, the controller and the live brokers, as the
// Java AdminClient's describeCluster() asks for them. Version 0 only; it is flexible. As in
// Kafka's KRaft mode, the "controller" a broker names is a broker (the lab's: itself), since
// clients send controller-bound requests there and the broker forwards them to the active
// KRaft controller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct DescribeClusterRequest {
    static constexpr ApiKey kKey = ApiKey::DescribeCluster;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 0;

    bool include_cluster_authorized_operations = false;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DescribeClusterRequest&) const = default;
};

struct DescribeClusterResponse {
    static constexpr ApiKey kKey = ApiKey::DescribeCluster;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 0;

    struct Broker {
        std::int32_t broker_id = 0;
        std::string host;
        std::int32_t port = 0;
        std::optional<std::string> rack;
        bool operator==(const Broker&) const = default;
    };

    std::int32_t throttle_time_ms = 0;
    std::int16_t error_code = 0;
    std::optional<std::string> error_message;
    std::string cluster_id;
    std::int32_t controller_id = -1;
    std::vector<Broker> brokers;
    std::int32_t cluster_authorized_operations = INT32_MIN;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const DescribeClusterResponse&) const = default;
};

}  // namespace kraftlab::protocol
