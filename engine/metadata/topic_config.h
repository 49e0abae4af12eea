// Topic-level settings the lab implements: their names (Kafka's), defaults, and validation.
// A setting the lab does not implement is refused with INVALID_CONFIG rather than silently kept.
// Where each one is applied, read from the metadata image when it is needed:
//   min.insync.replicas             produce with acks=all (broker/handle_produce.cpp)
//   unclean.leader.election.enable  leader election (metadata/replication_control.cpp)
//   max.message.bytes               produce: batch size, and how far a compressed batch may
//                                   expand (handle_produce.cpp; ListOffsets by time too)
//   segment.bytes                   the partition logs' roll size, at open, after a change and
//                                   after a restart (broker/log_manager.cpp, reconcile)
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
