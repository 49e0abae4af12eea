// BrokerRegistration (key 62): a broker registers with the active KRaft controller at startup and
// receives its broker epoch (KIP-631). Versions 0-4, all flexible.
//
// v1 adds IsMigratingZkBroker; v2 LogDirs (KIP-858); v3 PreviousBrokerEpoch (KIP-966, default -1);
// v4 changes no field but its meaning: before v4 a broker omits features whose
// MinSupportedVersion is 0 (KAFKA-17011), from v4 it lists them. The response is the same at
// every version. Fields absent at a version are not written and decode to Kafka's defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct BrokerRegistrationRequest {
    static constexpr ApiKey kKey = ApiKey::BrokerRegistration;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    struct Listener {
        std::string name;  // the listener name, e.g. "PLAINTEXT"
        std::string host;
        std::uint16_t port = 0;              // UINT16 on the wire
        std::int16_t security_protocol = 0;  // 0 PLAINTEXT, 1 SSL, 2 SASL_PLAINTEXT, 3 SASL_SSL
        bool operator==(const Listener&) const = default;
    };

    struct Feature {
        std::string name;  // e.g. "metadata.version"
        std::int16_t min_supported_version = 0;
        std::int16_t max_supported_version = 0;
        bool operator==(const Feature&) const = default;
    };

    std::int32_t broker_id = 0;
    std::string cluster_id;
    Uuid incarnation_id;  // random per process start; tells a restart from a duplicate
    std::vector<Listener> listeners;
    std::vector<Feature> features;
    // Nullable; Kafka's default is "" (no explicit default in the schema), a broker without a rack
    // sends null.
    std::optional<std::string> rack = std::string{};
    bool is_migrating_zk_broker = false;      // v1+
    std::vector<Uuid> log_dirs;               // v2+; the broker's online log directories
    std::int64_t previous_broker_epoch = -1;  // v3+; the epoch before a clean shutdown

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const BrokerRegistrationRequest&) const = default;
};

struct BrokerRegistrationResponse {
    static constexpr ApiKey kKey = ApiKey::BrokerRegistration;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    std::int32_t throttle_time_ms = 0;
    std::int16_t error_code = 0;
    std::int64_t broker_epoch = -1;  // the assigned epoch, or -1 if none

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const BrokerRegistrationResponse&) const = default;
};

}  // namespace kraftlab::protocol
