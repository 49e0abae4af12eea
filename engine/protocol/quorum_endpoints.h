// Endpoint shapes shared by the KRaft quorum RPCs since KIP-853 (Kafka 3.9): Vote v1,
// BeginQuorumEpoch v1, EndQuorumEpoch v1 and DescribeQuorum v2. All of them are flexible versions,
// so these only ever travel in the compact encoding. Ports are UINT16 on the wire.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/codec.h"

namespace kraftlab::protocol {

// A response's NodeEndpoints entry: where a leader named in the response can be reached, so that a
// replica that learns of a new leader can connect without a separate discovery round.
struct NodeEndpoint {
    std::int32_t node_id = 0;
    std::string host;
    std::uint16_t port = 0;
    bool operator==(const NodeEndpoint&) const = default;
};

// A named listener: a request's LeaderEndpoints, a DescribeQuorum node's Listeners.
struct ListenerEndpoint {
    std::string name;  // the listener name, e.g. "CONTROLLER"
    std::string host;
    std::uint16_t port = 0;
    bool operator==(const ListenerEndpoint&) const = default;
};

namespace detail {

// Internal to engine/protocol. The tag that NodeEndpoints uses in every response that has it.
inline constexpr std::uint32_t kNodeEndpointsTag = 0;

// Compact arrays of endpoints (each element ends with its own empty tagged-field section).
void write_node_endpoints(Writer& out, const std::vector<NodeEndpoint>& endpoints);
void read_node_endpoints(Reader& in, std::vector<NodeEndpoint>& out);
void write_listener_endpoints(Writer& out, const std::vector<ListenerEndpoint>& endpoints);
void read_listener_endpoints(Reader& in, std::vector<ListenerEndpoint>& out);

// A response's top-level tagged-field section when NodeEndpoints (tag 0) is its only known tagged
// field: written only when non-empty (Kafka's generator omits an empty array); on read, unknown
// tags are skipped and the field's declared size must match its content.
void write_node_endpoints_tagged_section(Writer& out, const std::vector<NodeEndpoint>& endpoints);
void read_node_endpoints_tagged_section(Reader& in, std::vector<NodeEndpoint>& out);

}  // namespace detail

}  // namespace kraftlab::protocol
