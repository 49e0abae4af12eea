// Names, descriptions and value checks of workload configs (lab/workload.h).
#include <cmath>
#include <sstream>

#include "lab/field_rules.h"
#include "lab/workload.h"

namespace kraftlab::lab {

std::string_view key_pattern_name(KeyPattern p) {
    switch (p) {
        case KeyPattern::None:
            return "none";
        case KeyPattern::Sequence:
            return "sequence";
        case KeyPattern::RandomKeys:
            return "random";
        case KeyPattern::Fixed:
            return "fixed";
    }
    return "unknown";
}

std::string_view start_from_name(StartFrom s) {
    return s == StartFrom::Earliest ? "earliest" : "latest";
}

std::string acks_name(std::int16_t acks) {
    if (acks == -1) return "all";
    return acks >= 2 ? std::to_string(acks) + " (lab)" : std::to_string(acks);
}

std::string_view route_name(Route r) {
    return r == Route::AnyBroker ? "any broker" : "leader";
}

namespace {
std::string format_rate(double v) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(v == std::floor(v) ? 0 : (v < 10 ? 2 : 1));
    s << v;
    return s.str();
}
}  // namespace

std::string describe(const ProducerConfig& c) {
    std::string out = format_rate(c.records_per_second) + " records/s to " + c.topic + " (" +
                      std::string(partitioner_name(c.partitioner)) + ", acks=" + acks_name(c.acks);
    if (c.route == Route::AnyBroker) out += ", via any broker";
    if (c.idempotence) out += ", idempotent";
    if (c.compression != protocol::Compression::None)
        out += ", " + std::string(protocol::compression_name(c.compression));
    return out + ")";
}

std::optional<std::string> validate(const ProducerConfig& c) {
    auto range = [](const char* what, auto v, auto lo, auto hi) -> std::optional<std::string> {
        if (v >= lo && v <= hi) return std::nullopt;
        std::ostringstream s;
        s << what << " must be between " << lo << " and " << hi << ", not " << v;
        return s.str();
    };
    if (c.topic.empty()) return "a producer needs a topic";
    // The fields a person types are checked by their rules (lab/field_rules.h), in the words
    // the app and kraftlab-cluster use too.
    auto rule = [](Field f, double v) -> std::optional<std::string> {
        auto check = check_field_value(f, v);
        if (check.ok) return std::nullopt;
        return check.message;
    };
    if (auto e = rule(Field::ProducerRate, c.records_per_second)) return e;
    if (auto e = rule(Field::ValueBytes, c.value_bytes)) return e;
    if (c.acks < -1) {
        return "acks must be 0, 1, all (-1) or the lab's 2.." + std::to_string(kMaxLabAcks) +
               ", not " + std::to_string(c.acks);
    }
    if (c.idempotence && c.acks != -1) {
        return "idempotence needs acks=all, as in Kafka (the producer's retries are only safe "
               "when every in-sync replica has the batch), not acks=" +
               acks_name(c.acks);
    }
    if (c.acks >= 2) {
        if (auto e = rule(Field::LabAcks, c.acks)) return e;
    }
    if (c.route != Route::Leader && c.route != Route::AnyBroker) return "unknown route";
    if (c.key_pattern == KeyPattern::RandomKeys) {
        if (auto e = rule(Field::RandomKeyCount, c.random_key_count)) return e;
    }
    if (c.key_pattern == KeyPattern::Fixed && c.fixed_key.size() > 1024)
        return "the fixed key must be at most 1024 bytes";
    if (c.partitioner == PartitionerKind::Custom && !c.custom_partitioner)
        return "a custom partitioner needs its code";
    if (auto e = range("linger.ms", c.linger_ms, 0, 10'000)) return e;
    if (auto e = range("the batch size in bytes", c.max_batch_bytes, 1024, 16 * 1024 * 1024))
        return e;
    if (auto e = range("max in-flight requests per broker", c.max_in_flight_per_broker, 1, 32))
        return e;
    if (auto e = range("request.timeout.ms", c.request_timeout_ms, 100, 600'000)) return e;
    if (auto e = range("max buffered records", c.max_buffered_records, 1, 10'000'000)) return e;
    return std::nullopt;
}

std::optional<std::string> validate(const ConsumerConfig& c) {
    if (c.topic.empty()) return "a consumer needs a topic";
    if (c.max_wait_ms < 0 || c.max_wait_ms > 30'000)
        return "fetch.max.wait.ms must be between 0 and 30000";
    if (c.partition_max_bytes < 1024 || c.partition_max_bytes > 64 * 1024 * 1024)
        return "max.partition.fetch.bytes must be between 1024 and 67108864";
    if (c.request_timeout_ms < 100 || c.request_timeout_ms > 600'000)
        return "request.timeout.ms must be between 100 and 600000";
    if (c.group.empty()) return std::nullopt;  // the group settings below are not used
    if (c.group.size() > 255) return "a group name must be at most 255 characters";
    for (unsigned char ch : c.group) {
        if (ch < 0x20 || ch == 0x7f) return "a group name must not contain control characters";
    }
    if (c.assignor != "range" && c.assignor != "roundrobin")
        return "the assignor must be range or roundrobin, not '" + c.assignor + "'";
    if (c.commit != "auto" && c.commit != "poll")
        return "commit must be auto (every few seconds) or poll (after each fetch), not '" +
               c.commit + "'";
    // The coordinator refuses sessions outside its group.min/max.session.timeout.ms (1 s and
    // 30 min in the lab).
    if (c.session_timeout_ms < 1'000 || c.session_timeout_ms > 1'800'000)
        return "session.timeout.ms must be between 1000 and 1800000";
    if (c.heartbeat_interval_ms < 100 || c.heartbeat_interval_ms >= c.session_timeout_ms) {
        return "heartbeat.interval.ms must be at least 100 and below session.timeout.ms (" +
               std::to_string(c.session_timeout_ms) + "), not " +
               std::to_string(c.heartbeat_interval_ms);
    }
    if (c.rebalance_timeout_ms < 1'000 || c.rebalance_timeout_ms > 600'000)
        return "the rebalance timeout (max.poll.interval.ms) must be between 1000 and 600000";
    if (c.auto_commit_interval_ms < 100 || c.auto_commit_interval_ms > 600'000)
        return "auto.commit.interval.ms must be between 100 and 600000";
    return std::nullopt;
}

}  // namespace kraftlab::lab
