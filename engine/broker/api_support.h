// The API versions this broker advertises in ApiVersions, and accepts. Only versions that real
// clients are proven to use (KAFKA-NOTES §1.4); a range is widened only together with a
// real-client test that uses it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/api_keys.h"

namespace kraftlab::broker {

struct ApiRange {
    protocol::ApiKey key;
    std::int16_t min_version;
    std::int16_t max_version;
};

const std::vector<ApiRange>& supported_apis();
std::optional<ApiRange> supported_range(std::int16_t api_key);
inline bool is_supported(std::int16_t api_key, std::int16_t version) {
    auto r = supported_range(api_key);
    return r && version >= r->min_version && version <= r->max_version;
}

}  // namespace kraftlab::broker
