#include "broker/api_support.h"

namespace kraftlab::broker {

using protocol::ApiKey;

const std::vector<ApiRange>& supported_apis() {
    static const std::vector<ApiRange> apis = {
        {ApiKey::Produce, 3, 7},      {ApiKey::Fetch, 4, 4},        {ApiKey::ListOffsets, 1, 2},
        {ApiKey::Metadata, 0, 4},     {ApiKey::ApiVersions, 0, 3},  {ApiKey::CreateTopics, 0, 4},
        {ApiKey::DeleteTopics, 0, 3},
    };
    return apis;
}

std::optional<ApiRange> supported_range(std::int16_t api_key) {
    for (const auto& r : supported_apis()) {
        if (protocol::to_wire(r.key) == api_key) return r;
    }
    return std::nullopt;
}

}  // namespace kraftlab::broker
