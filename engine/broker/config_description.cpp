#include "broker/config_description.h"

#include "metadata/topic_config.h"

namespace kraftlab::broker {

using protocol::ConfigSource;
using Config = protocol::DescribeConfigsResponse::Config;

namespace {

std::int8_t source(ConfigSource s) {
    return static_cast<std::int8_t>(s);
}

// The broker-level name of a topic config (the static setting a topic falls back to).
std::string broker_synonym(std::string_view topic_config) {
    if (topic_config == "segment.bytes") return "log.segment.bytes";
    if (topic_config == "max.message.bytes") return "message.max.bytes";
    return std::string(topic_config);
}

// A broker config whose value is `value`, Kafka's default `kafka_default` (nullopt: Kafka has
// none, e.g. node.id).
Config broker_config(std::string name, std::string value,
                     std::optional<std::string> kafka_default) {
    Config c;
    c.name = std::move(name);
    c.value = value;
    c.read_only = true;
    const bool is_default = kafka_default && *kafka_default == value;
    c.is_default = is_default;
    c.config_source =
        source(is_default ? ConfigSource::DefaultConfig : ConfigSource::StaticBrokerConfig);
    if (!is_default) {
        c.synonyms.push_back({c.name, value, source(ConfigSource::StaticBrokerConfig)});
    }
    if (kafka_default) {
        c.synonyms.push_back({c.name, *kafka_default, source(ConfigSource::DefaultConfig)});
    }
    return c;
}

}  // namespace

std::vector<Config> describe_topic_configs(const metadata::MetadataImage& image,
                                           const std::string& topic) {
    std::vector<Config> out;
    for (const auto& spec : metadata::topic_config_specs()) {
        Config c;
        c.name = std::string(spec.name);
        auto explicit_value = image.topic_config(topic, spec.name);
        const bool lab_differs = spec.lab_default != spec.kafka_default;
        const std::string synonym = broker_synonym(spec.name);
        if (explicit_value) {
            c.value = *explicit_value;
            c.config_source = source(ConfigSource::DynamicTopicConfig);
            c.synonyms.push_back({c.name, *explicit_value, c.config_source});
        } else {
            c.value = std::string(spec.lab_default);
            c.is_default = !lab_differs;
            c.config_source = source(lab_differs ? ConfigSource::StaticBrokerConfig
                                                 : ConfigSource::DefaultConfig);
        }
        if (lab_differs) {
            c.synonyms.push_back(
                {synonym, std::string(spec.lab_default), source(ConfigSource::StaticBrokerConfig)});
        }
        c.synonyms.push_back(
            {synonym, std::string(spec.kafka_default), source(ConfigSource::DefaultConfig)});
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<Config> describe_broker_configs(const BrokerConfig& config, std::uint16_t bound_port) {
    auto n = [](auto v) { return std::to_string(v); };
    std::vector<Config> out = {
        broker_config("node.id", n(config.node_id), std::nullopt),
        broker_config("broker.id", n(config.node_id), std::nullopt),
        broker_config("listeners", "PLAINTEXT://" + config.host + ":" + n(bound_port),
                      std::nullopt),
        broker_config("log.dirs", config.data_dir.string(), std::nullopt),
        broker_config("auto.create.topics.enable", config.auto_create_topics ? "true" : "false",
                      "true"),
        broker_config("message.max.bytes", n(config.message_max_bytes), "1048588"),
        broker_config("log.segment.bytes", n(config.log.segment_bytes), "1073741824"),
        broker_config("log.flush.interval.ms", n(config.flush_interval_ms), std::nullopt),
        broker_config("min.insync.replicas", "1", "1"),
        broker_config("unclean.leader.election.enable", "false", "false"),
        broker_config("replica.lag.time.max.ms", n(config.replica_lag_time_max_ms), "30000"),
        broker_config("replica.fetch.wait.max.ms", n(config.replica_fetch_wait_max_ms), "500"),
        broker_config("replica.fetch.max.bytes", n(config.replica_fetch_max_bytes), "1048576"),
        broker_config("broker.heartbeat.interval.ms", n(config.heartbeat_interval_ms), "2000"),
        broker_config("broker.session.timeout.ms", n(config.session_timeout_ms), "9000"),
        broker_config("socket.request.max.bytes", n(config.socket_request_max_bytes), "104857600"),
        broker_config("fetch.max.bytes", n(config.fetch_max_bytes), "57671680"),
        broker_config("max.connections", n(config.max_connections), "2147483647"),
        broker_config("connections.max.idle.ms", n(config.connections_max_idle_ms), "600000"),
        broker_config("offsets.topic.num.partitions", n(config.offsets_topic_partitions), "50"),
        broker_config("offsets.topic.replication.factor",
                      n(config.offsets_topic_replication_factor), "3"),
        broker_config("offsets.commit.timeout.ms", n(config.offsets_commit_timeout_ms), "5000"),
        broker_config("group.initial.rebalance.delay.ms",
                      n(config.groups.initial_rebalance_delay_ms), "3000"),
    };
    return out;
}

}  // namespace kraftlab::broker
