// Client ids (Kafka's client.id, sent in every request header) by which brokers recognise the
// lab's own producers. Real clients never carry them, so they get Kafka's behaviour.
#pragma once

#include <string_view>

namespace kraftlab::core {

// A built-in producer: may ask for the lab's acks=N.
inline constexpr std::string_view kLabProducerClientIdPrefix = "kraftlab-producer-";
// A built-in producer's requests on route "any broker": a broker that does not lead a partition
// forwards them to its leader (route "leader" gets NOT_LEADER_OR_FOLLOWER, as a real client).
inline constexpr std::string_view kViaAnyBrokerClientIdPrefix = "kraftlab-producer-via-any-broker-";
// A broker forwarding such a request: the leader takes it as the lab producer's, never forwards it
// again.
inline constexpr std::string_view kForwardedClientIdPrefix =
    "kraftlab-producer-forwarded-by-broker-";

inline bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

}  // namespace kraftlab::core
