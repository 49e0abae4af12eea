// The rules of the lab's number fields and their messages (lab/field_rules.h).
#include "lab/field_rules.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "lab/cluster.h"
#include "lab/workload.h"
#include "metadata/replication_control.h"

namespace kraftlab::lab {

namespace {

// The bounds come from where each limit is enforced: the controller's partition cap, the lab's
// broker and controller caps, the producer's limits (lab/workload.h), and the timeouts the
// nodes can run with (a timeout under ~50 ms would make the lab's own scheduling the story).
const std::vector<FieldRule> kRules = {
    {Field::Partitions, "partitions", "Partitions", "", true, 1, metadata::kMaxPartitionsPerTopic},
    {Field::ReplicationFactor, "replication-factor", "Replication factor", "", true, 1,
     Cluster::kMaxBrokers},
    {Field::MinInsyncReplicas, "min-insync-replicas", "min.insync.replicas", "", true, 1,
     Cluster::kMaxBrokers},
    {Field::ProducerRate, "rate", "Records per second", "records/s", false, 0,
     kMaxRecordsPerSecond},
    {Field::ValueBytes, "value-bytes", "Value size", "bytes", true, 0, kMaxValueBytes},
    {Field::RandomKeyCount, "random-keys", "Random keys", "", true, 1, kMaxRandomKeys},
    {Field::LabAcks, "acks-n", "acks=N", "", true, 2, kMaxLabAcks},
    {Field::ElectionTimeout, "election-timeout-ms", "Election timeout", "ms", true, 50, 60'000},
    {Field::FetchTimeout, "fetch-timeout-ms", "Fetch timeout", "ms", true, 100, 120'000},
    {Field::HeartbeatInterval, "heartbeat-interval-ms", "Heartbeat interval", "ms", true, 50,
     60'000},
    {Field::SessionTimeout, "session-timeout-ms", "Session timeout", "ms", true, 100, 300'000},
    {Field::FlushInterval, "flush-interval-ms", "Flush interval", "ms", true, 10, 86'400'000},
    {Field::Brokers, "brokers", "Brokers", "", true, 1, Cluster::kMaxBrokers},
    {Field::Controllers, "controllers", "Controllers", "", true, 1, Cluster::kMaxControllers},
    // Kafka's default, 50, is the most: each partition is a coordinator the class can look at.
    {Field::OffsetsPartitions, "offsets-partitions", "Consumer offsets partitions", "", true, 1,
     50},
};

std::string n(double v) {
    return format_number(v);
}

// "1 replica", "3 replicas".
std::string count(double v, std::string_view one, std::string_view many) {
    return n(v) + " " + std::string(v == 1 ? one : many);
}

// A timeout's name in a sentence, and how its longest value reads in words.
struct TimeoutWords {
    const char* name;
    const char* max_words;
};
std::optional<TimeoutWords> timeout_words(Field f) {
    switch (f) {
        case Field::ElectionTimeout:
            return TimeoutWords{"election timeout", "a minute"};
        case Field::FetchTimeout:
            return TimeoutWords{"fetch timeout", "two minutes"};
        case Field::HeartbeatInterval:
            return TimeoutWords{"heartbeat interval", "a minute"};
        case Field::SessionTimeout:
            return TimeoutWords{"session timeout", "five minutes"};
        case Field::FlushInterval:
            return TimeoutWords{"flush interval", "a day"};
        default:
            return std::nullopt;
    }
}

std::string hint_of(const FieldRule& rule, FieldBounds b) {
    if (b.max < b.min) return "none";
    std::string out = n(b.min) + " to " + n(b.max);
    if (!rule.unit.empty()) out += " " + std::string(rule.unit);
    return out;
}

// What to enter, when the text is not a number of the right kind.
std::string malformed(const FieldRule& rule, FieldBounds b, const FieldContext& ctx) {
    const std::string range = n(b.min) + " to " + n(b.max);
    if (auto t = timeout_words(rule.field))
        return "Enter the " + std::string(t->name) + " as a whole number of milliseconds, " +
               range + ".";
    switch (rule.field) {
        case Field::Partitions:
            return "Enter a whole number of partitions, " + range + ".";
        case Field::ReplicationFactor:
            return "Enter a whole number of replicas, " + range + ".";
        case Field::MinInsyncReplicas:
            return "Enter min.insync.replicas as a whole number of replicas, " + range + ".";
        case Field::LabAcks:
            if (b.max < b.min)
                return "acks=N needs a topic with 2 or more replicas; " +
                       (ctx.topic.empty() ? std::string("this one") : ctx.topic) + " has " +
                       count(b.max, "replica", "replicas") + ".";
            return "Enter acks=N as a whole number of replicas, " + range + ".";
        case Field::ProducerRate:
            return "Enter the rate as a number of records per second, " + range + ".";
        case Field::ValueBytes:
            return "Enter the value size as a whole number of bytes, " + range + ".";
        case Field::RandomKeyCount:
            return "Enter a whole number of random keys, " + range + ".";
        case Field::Brokers:
            return "Enter a whole number of brokers, " + range + ".";
        case Field::Controllers:
            return "Enter a whole number of controllers, " + range + ".";
        case Field::OffsetsPartitions:
            return "Enter a whole number of partitions for __consumer_offsets, " + range + ".";
        default:
            return "Enter a number, " + range + ".";
    }
}

std::string too_low(const FieldRule& rule, FieldBounds b, const std::string& shown,
                    const FieldContext& ctx) {
    if (auto t = timeout_words(rule.field)) {
        if (rule.field == Field::SessionTimeout && ctx.heartbeat_interval_ms && b.min > rule.min) {
            return "The session timeout must be longer than the heartbeat interval (" +
                   n(static_cast<double>(*ctx.heartbeat_interval_ms)) +
                   " ms), or every broker is fenced between two heartbeats: " + shown +
                   " ms is too short.";
        }
        return "The " + std::string(t->name) + " is at least " + n(b.min) + " ms: " + shown +
               " ms is too short.";
    }
    switch (rule.field) {
        case Field::Partitions:
            return "A topic needs at least 1 partition: " + shown + " is too few.";
        case Field::ReplicationFactor:
            return "Each partition needs at least 1 replica: " + shown + " is too few.";
        case Field::MinInsyncReplicas:
            return "min.insync.replicas is at least 1 (the leader itself): " + shown +
                   " is too few.";
        case Field::LabAcks:
            if (b.max < b.min) return malformed(rule, b, ctx);
            return "acks=N counts 2 replicas or more (for fewer, choose acks 0 or 1): " + shown +
                   " is too few.";
        case Field::ProducerRate:
            return "The rate cannot be negative: " + shown + " records/s. 0 pauses the producer.";
        case Field::ValueBytes:
            return "The value size cannot be negative: " + shown + " bytes.";
        case Field::RandomKeyCount:
            return "At least 1 random key: " + shown + " is too few.";
        case Field::Brokers:
            return "A lab needs at least 1 broker: " + shown + " is too few.";
        case Field::Controllers:
            return "A quorum needs at least 1 controller: " + shown + " is too few.";
        case Field::OffsetsPartitions:
            return "__consumer_offsets needs at least 1 partition: " + shown + " is too few.";
        default:
            return "At least " + n(b.min) + ": " + shown + " is too low.";
    }
}

std::string too_high(const FieldRule& rule, FieldBounds b, const std::string& shown,
                     const FieldContext& ctx) {
    const bool by_context = b.max < rule.max;
    const std::string topic = ctx.topic.empty() ? "the topic" : ctx.topic;
    if (auto t = timeout_words(rule.field)) {
        return "The " + std::string(t->name) + " is at most " + n(b.max) + " ms (" + t->max_words +
               "): " + shown + " ms is too long.";
    }
    switch (rule.field) {
        case Field::Partitions:
            return "At most " + n(b.max) + " partitions per topic: " + shown + " is too many.";
        case Field::ReplicationFactor:
            if (by_context)
                return "At most " + count(b.max, "replica", "replicas") +
                       ", one per broker of the lab: " + shown + " is too many.";
            return "At most " + n(b.max) +
                   " replicas, one per broker of the largest lab: " + shown + " is too many.";
        case Field::MinInsyncReplicas:
            if (by_context)
                return "At most " + n(b.max) + ", the replication factor of " + topic + ": with " +
                       shown + " every acks=all write would be refused.";
            return "At most " + n(b.max) + " (no topic has more replicas): " + shown +
                   " is too many.";
        case Field::LabAcks:
            if (b.max < b.min) return malformed(rule, b, ctx);
            if (by_context)
                return "acks=N is at most " + n(b.max) + ", the replication factor of " + topic +
                       ": with acks=" + shown + " no write would ever be answered.";
            return "acks=N is at most " + n(b.max) + " (no topic has more replicas): " + shown +
                   " is too many.";
        case Field::ProducerRate:
            return "The rate is at most " + n(b.max) + " records/s per producer: " + shown +
                   " is too many.";
        case Field::ValueBytes:
            return "The value size is at most " + n(b.max) + " bytes (1 MiB): " + shown +
                   " is too large.";
        case Field::RandomKeyCount:
            return "At most " + n(b.max) + " random keys: " + shown + " is too many.";
        case Field::Brokers:
            return "At most " + n(b.max) + " brokers: " + shown + " is too many.";
        case Field::Controllers:
            return "At most " + n(b.max) + " controllers: " + shown + " is too many.";
        case Field::OffsetsPartitions:
            return "At most " + n(b.max) +
                   " partitions for __consumer_offsets (Kafka's default): " + shown +
                   " is too many.";
        default:
            return "At most " + n(b.max) + ": " + shown + " is too high.";
    }
}

FieldCheck judge(const FieldRule& rule, double value, const std::string& shown,
                 const FieldContext& ctx) {
    const FieldBounds b = field_bounds(rule.field, ctx);
    FieldCheck out;
    out.hint = hint_of(rule, b);
    if (b.max < b.min) {
        out.message = malformed(rule, b, ctx);
    } else if (value < b.min) {
        out.message = too_low(rule, b, shown, ctx);
    } else if (value > b.max) {
        out.message = too_high(rule, b, shown, ctx);
    } else {
        out.ok = true;
        out.value = value;
    }
    return out;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

const std::vector<FieldRule>& field_rules() {
    return kRules;
}

const FieldRule& field_rule(Field field) {
    for (const auto& r : kRules) {
        if (r.field == field) return r;
    }
    throw std::logic_error("a field without a rule");  // every enumerator is in kRules
}

const FieldRule* find_field_rule(std::string_view key) {
    for (const auto& r : kRules) {
        if (r.key == key) return &r;
    }
    return nullptr;
}

FieldBounds field_bounds(Field field, const FieldContext& ctx) {
    const FieldRule& rule = field_rule(field);
    FieldBounds b{rule.min, rule.max};
    switch (field) {
        case Field::ReplicationFactor:
            if (ctx.brokers) b.max = std::min(b.max, static_cast<double>(*ctx.brokers));
            break;
        case Field::MinInsyncReplicas:
        case Field::LabAcks:
            if (ctx.replication_factor)
                b.max = std::min(b.max, static_cast<double>(*ctx.replication_factor));
            break;
        case Field::SessionTimeout:
            if (ctx.heartbeat_interval_ms)
                b.min = std::max(b.min, static_cast<double>(*ctx.heartbeat_interval_ms) + 1);
            break;
        default:
            break;
    }
    return b;
}

FieldCheck check_field(Field field, std::string_view text, const FieldContext& ctx) {
    const FieldRule& rule = field_rule(field);
    auto first = text.find_first_not_of(" \t");
    auto last = text.find_last_not_of(" \t");
    const std::string_view t =
        first == std::string_view::npos ? std::string_view() : text.substr(first, last - first + 1);
    const std::string shown(t);

    // A plain decimal: an optional minus, digits, and for a field that takes fractions an
    // optional point with digits. No exponent, sign '+', grouping, hex or spaces inside.
    std::size_t i = 0;
    const bool negative = !t.empty() && t[0] == '-';
    if (negative) ++i;
    const std::size_t int_start = i;
    while (i < t.size() && is_digit(t[i]))
        ++i;
    bool plain = i > int_start;
    if (plain && i < t.size() && t[i] == '.' && !rule.whole) {
        const std::size_t frac_start = ++i;
        while (i < t.size() && is_digit(t[i]))
            ++i;
        plain = i > frac_start;
    }
    plain = plain && i == t.size();
    if (!plain) {
        FieldCheck out;
        const FieldBounds b = field_bounds(field, ctx);
        out.hint = hint_of(rule, b);
        out.message = malformed(rule, b, ctx);
        return out;
    }
    double value = 0;
    if (rule.whole) {
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        // More digits than any bound has: past the bound on its side, as typed.
        if (ec == std::errc::result_out_of_range) {
            value = negative ? -INFINITY : INFINITY;
        } else {
            value = static_cast<double>(v);
        }
    } else {
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
        if (ec == std::errc::result_out_of_range) value = negative ? -INFINITY : INFINITY;
    }
    return judge(rule, value, shown, ctx);
}

FieldCheck check_field_value(Field field, double value, const FieldContext& ctx) {
    const FieldRule& rule = field_rule(field);
    if (std::isnan(value) || (rule.whole && std::isfinite(value) && value != std::floor(value))) {
        FieldCheck out;
        const FieldBounds b = field_bounds(field, ctx);
        out.hint = hint_of(rule, b);
        out.message = malformed(rule, b, ctx);
        return out;
    }
    // Echoed as a person would type it (no grouping), as check_field echoes the text.
    std::string shown = std::isfinite(value) ? format_number(value) : "that";
    std::erase(shown, ',');
    return judge(rule, value, shown, ctx);
}

std::string format_number(double value) {
    if (!std::isfinite(value)) return value > 0 ? "infinity" : "-infinity";
    const bool negative = value < 0;
    const double a = std::fabs(value);
    const double whole = std::floor(a);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f", whole);
    std::string digits = buf;
    std::string grouped;
    for (std::size_t k = 0; k < digits.size(); ++k) {
        if (k > 0 && (digits.size() - k) % 3 == 0) grouped += ',';
        grouped += digits[k];
    }
    std::string out = (negative ? "-" : "") + grouped;
    if (a != whole) {
        // Up to six decimals, without trailing zeros: 2.5, 0.125.
        std::snprintf(buf, sizeof buf, "%.6f", a - whole);
        std::string frac = buf + 1;  // ".500000"
        while (!frac.empty() && frac.back() == '0')
            frac.pop_back();
        if (frac.size() > 1) out += frac;
    }
    return out;
}

}  // namespace kraftlab::lab
