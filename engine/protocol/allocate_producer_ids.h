// AllocateProducerIds (key 67): a broker asks the active controller for a block of producer ids
// to hand out in InitProducerId answers (KIP-730). Version 0 only, flexible. The controller
// commits a ProducerIdsRecord before it answers, so a block is never given out twice, across
// broker restarts and controller failovers.
#pragma once

#include <cstdint>

#include "protocol/api_keys.h"
#include "protocol/codec.h"

namespace kraftlab::protocol {

struct AllocateProducerIdsRequest {
    static constexpr ApiKey kKey = ApiKey::AllocateProducerIds;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 0;

    std::int32_t broker_id = 0;
    std::int64_t broker_epoch = -1;  // a stale one is refused with STALE_BROKER_EPOCH

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const AllocateProducerIdsRequest&) const = default;
};

struct AllocateProducerIdsResponse {
    static constexpr ApiKey kKey = ApiKey::AllocateProducerIds;
    static constexpr std::int16_t kMinVersion = 0;
    static constexpr std::int16_t kMaxVersion = 0;

    std::int32_t throttle_time_ms = 0;
    std::int16_t error_code = 0;
    std::int64_t producer_id_start = 0;  // the first id of the block
    std::int32_t producer_id_len = 0;    // how many ids, from producer_id_start

    void encode(Writer& out, std::int16_t version) const;
    bool decode(Reader& in, std::int16_t version);
    bool operator==(const AllocateProducerIdsResponse&) const = default;
};

}  // namespace kraftlab::protocol
