// What DescribeConfigs tells about a topic or this broker: each config the lab implements, under
// Kafka's name, with its value and where that value comes from (Kafka's ConfigSource): a topic
// override (DYNAMIC_TOPIC_CONFIG), a value the lab's brokers are started with that differs from
// Kafka's default (STATIC_BROKER_CONFIG), or Kafka's own default (DEFAULT_CONFIG). Synonyms list
// every place the value could come from, most specific first, as Kafka does with
// include_synonyms. The lab changes no broker config at run time, so broker configs are
// read-only and never DYNAMIC_BROKER_CONFIG.
//
// Pure functions; the broker calls them on its node thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/broker_config.h"
#include "metadata/image.h"
#include "protocol/describe_configs.h"

namespace kraftlab::broker {

// Every topic config of `topic` (which must exist in image).
std::vector<protocol::DescribeConfigsResponse::Config> describe_topic_configs(
    const metadata::MetadataImage& image, const std::string& topic);

// Every broker config the lab has, for this broker (listening on bound_port).
std::vector<protocol::DescribeConfigsResponse::Config> describe_broker_configs(
    const BrokerConfig& config, std::uint16_t bound_port);

}  // namespace kraftlab::broker
