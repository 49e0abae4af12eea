// BrokerHeartbeat (key 63): a registered broker's periodic liveness report to the active KRaft
// controller, which answers with the broker's fencing state (KIP-631). Versions 0-1, all flexible.
//
// v1 adds OfflineLogDirs (KIP-858) as a tagged field (tag 0): written only when non-empty, an
// absent tag decodes to an empty list. The response is the same at both versions; note Kafka's
// default IsFenced = true (a broker is fenced until the controller says otherwise).
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct BrokerHeartbeatRequest {
    static constexpr ApiKey kKey = ApiKey::BrokerHeartbeat;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    std::int32_t broker_id = 0;
    std::int64_t broker_epoch = -1;
    std::int64_t current_metadata_offset = 0;  // the highest metadata offset the broker has reached
    bool want_fence = false;
    bool want_shut_down = false;
    std::vector<Uuid> offline_log_dirs;  // v1+, tagged (tag 0); written only when non-empty

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const BrokerHeartbeatRequest&) const = default;
};

struct BrokerHeartbeatResponse {
    static constexpr ApiKey kKey = ApiKey::BrokerHeartbeat;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 1;

    std::int32_t throttle_time_ms = 0;
    std::int16_t error_code = 0;
    bool is_caught_up = false;  // the broker has approximately caught up with the metadata log
    bool is_fenced = true;
    bool should_shut_down = false;  // the broker may proceed with its controlled shutdown

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const BrokerHeartbeatResponse&) const = default;
};

}  // namespace kraftlab::protocol
