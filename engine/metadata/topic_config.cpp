#include "metadata/topic_config.h"

#include <charconv>

namespace kraftlab::metadata {

namespace {

std::optional<std::int64_t> parse_int(std::string_view text) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

std::optional<bool> parse_bool(std::string_view text) {
    if (text == "true") return true;
    if (text == "false") return false;
    return std::nullopt;
}

}  // namespace

const std::vector<TopicConfigSpec>& topic_config_specs() {
    static const std::vector<TopicConfigSpec> specs = {
        {"min.insync.replicas", "1", "1",
         "With acks=all, a write succeeds only when at least this many replicas are in sync."},
        {"unclean.leader.election.enable", "false", "false",
         "Whether a replica that is not in sync may become leader, losing the records it lacks."},
        {"segment.bytes", "16777216", "1073741824",
         "Size at which the partition log rolls to a new segment file (a batch larger than this "
         "fills a segment alone)."},
        {"max.message.bytes", "1048588", "1048588",
         "Largest record batch the broker accepts for this topic; a compressed batch may expand "
         "to this size or 16 MiB, whichever is larger."},
    };
    return specs;
}

const TopicConfigSpec* find_topic_config(std::string_view name) {
    for (const auto& spec : topic_config_specs()) {
        if (spec.name == name) return &spec;
    }
    return nullptr;
}

std::optional<std::string> validate_topic_config(std::string_view name, std::string_view value) {
    const TopicConfigSpec* spec = find_topic_config(name);
    if (!spec) {
        return "the lab does not implement the topic config '" + std::string(name) + "'";
    }
    if (name == "min.insync.replicas") {
        auto v = parse_int(value);
        if (!v || *v < 1 || *v > 1000) return "min.insync.replicas must be an integer >= 1";
    } else if (name == "unclean.leader.election.enable") {
        if (!parse_bool(value)) return "unclean.leader.election.enable must be true or false";
    } else if (name == "segment.bytes") {
        auto v = parse_int(value);
        if (!v || *v < 14 || *v > (std::int64_t{1} << 31) - 1) {
            return "segment.bytes must be an integer between 14 and 2147483647";
        }
    } else if (name == "max.message.bytes") {
        auto v = parse_int(value);
        if (!v || *v < 0 || *v > (std::int64_t{1} << 31) - 1) {
            return "max.message.bytes must be a non-negative integer";
        }
    }
    return std::nullopt;
}

std::optional<std::string> validate_topic_name(std::string_view name) {
    if (name.empty()) return "a topic name cannot be empty";
    if (name == "." || name == "..") return "a topic name cannot be '.' or '..'";
    if (name.size() > 249) return "a topic name is at most 249 characters";
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok) {
            return "'" + std::string(name) +
                   "' has a character other than ASCII letters, digits, '.', '_' and '-'";
        }
    }
    return std::nullopt;
}

EffectiveTopicConfig EffectiveTopicConfig::of(const MetadataImage& image, std::string_view topic) {
    EffectiveTopicConfig c;
    const auto& configs = image.topic_configs(topic);
    for (const auto& [key, value] : configs) {
        if (key == "min.insync.replicas") {
            if (auto v = parse_int(value)) c.min_insync_replicas = static_cast<std::int32_t>(*v);
        } else if (key == "unclean.leader.election.enable") {
            if (auto v = parse_bool(value)) c.unclean_leader_election = *v;
        } else if (key == "segment.bytes") {
            if (auto v = parse_int(value)) c.segment_bytes = *v;
        } else if (key == "max.message.bytes") {
            if (auto v = parse_int(value)) c.max_message_bytes = static_cast<std::int32_t>(*v);
        }
    }
    return c;
}

}  // namespace kraftlab::metadata
