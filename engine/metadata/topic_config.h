// Topic-level settings the lab implements: their names (Kafka's), defaults, and validation.
// A setting the lab does not implement is refused with INVALID_CONFIG rather than silently kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metadata/image.h"

namespace kraftlab::metadata {

struct TopicConfigSpec {
    std::string_view name;
    std::string_view lab_default;
    std::string_view kafka_default;
    std::string_view explain;  // one sentence for tooltips and errors
};

// Every topic config the lab understands, in display order.
const std::vector<TopicConfigSpec>& topic_config_specs();
const TopicConfigSpec* find_topic_config(std::string_view name);

// nullopt if valid, else a plain-words reason ("min.insync.replicas must be an integer >= 1").
std::optional<std::string> validate_topic_config(std::string_view name, std::string_view value);

// Kafka's topic name rules (Topic.validate): 1..249 characters of [a-zA-Z0-9._-], not "." or "..".
std::optional<std::string> validate_topic_name(std::string_view name);

// Effective values for a topic: its explicit config, else the lab default.
struct EffectiveTopicConfig {
    std::int32_t min_insync_replicas = 1;
    bool unclean_leader_election = false;
    std::int64_t segment_bytes = 16 << 20;
    std::int32_t max_message_bytes = 1048588;

    static EffectiveTopicConfig of(const MetadataImage& image, std::string_view topic);
};

}  // namespace kraftlab::metadata
