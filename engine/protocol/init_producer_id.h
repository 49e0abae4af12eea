// InitProducerId (key 22): a producer asks for a producer id and epoch before it sends idempotent
// (or transactional) batches (KIP-98). Versions 0-4; flexible from v2 (compact strings, tagged
// fields). v3 adds ProducerId/ProducerEpoch, the producer's current ones when it asks to bump its
// epoch (KIP-360; -1/-1 otherwise); v4 only lets the broker answer PRODUCER_FENCED. The response
// is the same at every version and has no error message field.
//
// Who sends which version: librdkafka 2.0.2 the highest of 0-4 the broker advertises (flexible at
// v2+; it needs v0 in range for its idempotence feature), kafkajs 2.2.4 v0-v1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct InitProducerIdRequest {
    static constexpr ApiKey kKey = ApiKey::InitProducerId;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    std::optional<std::string> transactional_id;  // null: an idempotent producer, no transactions
    std::int32_t transaction_timeout_ms = 0;
    std::int64_t producer_id = -1;     // v3+
    std::int16_t producer_epoch = -1;  // v3+

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const InitProducerIdRequest&) const = default;
};

struct InitProducerIdResponse {
    static constexpr ApiKey kKey = ApiKey::InitProducerId;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 4;

    std::int32_t throttle_time_ms = 0;
    std::int16_t error_code = 0;
    std::int64_t producer_id = -1;
    std::int16_t producer_epoch = -1;

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const InitProducerIdResponse&) const = default;
};

}  // namespace kraftlab::protocol
