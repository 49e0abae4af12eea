// The rule of every number a person types into the lab: its name in plain words, its unit, its
// bounds (some depend on other values: a replication factor on the brokers, min.insync.replicas
// on the replication factor, a session timeout on the heartbeat interval), and a check of the
// text as typed. The engine (lab::Cluster), kraftlab-cluster and the app all check with these,
// so that each says the same thing in the same words, and none of them ever clamps: a value
// outside its bounds is refused with the reason, never changed into another one.
//
// Pure functions over constant tables: callable from any thread, no state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kraftlab::lab {

enum class Field {
    Partitions,         // of a topic
    ReplicationFactor,  // of a topic: at most the lab's brokers
    MinInsyncReplicas,  // of a topic: at most its replication factor
    ProducerRate,       // records/s of a built-in producer (decimals allowed; 0 pauses it)
    ValueBytes,         // bytes of each value a built-in producer writes
    RandomKeyCount,     // keys=random:N
    LabAcks,            // the lab's acks=N: at most the topic's replication factor
    ElectionTimeout,    // controller.quorum.election.timeout.ms
    FetchTimeout,       // controller.quorum.fetch.timeout.ms
    HeartbeatInterval,  // broker.heartbeat.interval.ms
    SessionTimeout,     // broker.session.timeout.ms: longer than the heartbeat interval
    FlushInterval,      // log.flush.interval.ms
    Brokers,            // brokers of a lab
    Controllers,        // controllers of a lab's KRaft quorum
    OffsetsPartitions,  // offsets.topic.num.partitions: partitions of __consumer_offsets
};

struct FieldRule {
    Field field;
    std::string_view key;    // its name for programs: "partitions", "session-timeout-ms", ...
    std::string_view label;  // its name for people: "Partitions", "Session timeout"
    std::string_view unit;   // "ms", "records/s", "bytes", or "" for a count
    bool whole;              // only whole numbers (all but the producer rate)
    double min;              // bounds without context, both included
    double max;
};

// Values other bounds depend on; an absent one leaves its rule at the bounds above.
struct FieldContext {
    std::optional<std::int64_t> brokers;                // ReplicationFactor <= brokers
    std::optional<std::int64_t> replication_factor;     // MinInsyncReplicas, LabAcks <= it
    std::optional<std::int64_t> heartbeat_interval_ms;  // SessionTimeout > it
    std::string topic;  // named in the context messages when not empty ("orders has 3 ...")
};

struct FieldCheck {
    bool ok = false;
    double value = 0;     // the number typed, when ok
    std::string message;  // why not, in plain words, when !ok
    std::string hint;     // the allowed range with its unit: "1 to 10,000", "50 to 60,000 ms"

    std::int64_t whole() const { return static_cast<std::int64_t>(value); }
};

const std::vector<FieldRule>& field_rules();
const FieldRule& field_rule(Field field);
// By key ("partitions"); nullptr for an unknown key.
const FieldRule* find_field_rule(std::string_view key);

// The bounds of a field in a context (e.g. replication factor 1..3 with 3 brokers).
struct FieldBounds {
    double min;
    double max;
};
FieldBounds field_bounds(Field field, const FieldContext& context = {});

// Checks text as a person typed it: surrounding spaces are ignored; anything else that is not a
// plain decimal number ("abc", "1e9", "", "0x10", "1,000", "2.5" for a whole field) is refused
// with what to enter; a number out of bounds with the bound it crossed. The text is never
// rewritten: the caller keeps what was typed.
FieldCheck check_field(Field field, std::string_view text, const FieldContext& context = {});
// The same for a value a program passes (set_timeouts(...)); NaN and infinities are refused.
FieldCheck check_field_value(Field field, double value, const FieldContext& context = {});

// 10000 -> "10,000"; 2.5 -> "2.5". For the messages and hints.
std::string format_number(double value);

}  // namespace kraftlab::lab
