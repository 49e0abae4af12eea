// A scenario: an experiment as a file (resources/scenarios/*.json, described for editors by
// scenario.schema.json beside them). It names the cluster's shape and topics, a list of steps
// (commands in kraftlab-cluster's vocabulary, run when a lab time passes or an event happens,
// each with a teacher's narration) and expectations the lab checks at the end from the audit
// and the events. This file is the model and its loader: every field is checked here, and a bad
// file gets one error naming the file, the line and the field. Pure (no lab); any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kraftlab::lab {

struct ScenarioTopic {
    std::string name;
    std::int32_t partitions = 1;
    std::int32_t replication_factor = 1;
    std::map<std::string, std::string> configs;  // topic configs, Kafka's names
};

// When a step runs, counted from the moment the previous step ran (the scenario's start for
// the first): at once, after some lab seconds, at an event, once the scenario's producers have
// had some records acknowledged, or once a partition's ISR has a size (a state, not an event:
// it holds however it came about). A step that waits longer than timeout_s fails the run.
struct ScenarioCondition {
    enum class Kind { Now, After, Event, Acked, Isr };
    Kind kind = Kind::Now;
    double after_s = 0;             // After
    std::string event;              // Event: an event kind ("leader_changed", "isr_shrunk", ...)
    std::string topic;              // Event: only events about this topic ("" any)
    std::int32_t partition = -1;    // Event: only about this partition (-1 any)
    std::string contains;           // Event: only events whose explanation contains this
    std::int64_t acked = 0;         // Acked: records acknowledged since the scenario started
    std::string isr_of;             // Isr: "T-P"
    std::int32_t isr_at_least = 0;  // Isr: size bounds
    std::int32_t isr_at_most = 1000;
    double timeout_s = 60;
};

struct ScenarioStep {
    std::string title;                 // a few words
    std::string say;                   // the narration: a few sentences in plain words
    std::string look_at;               // what to look at ("broker 2", "ledger-0", "replication")
    std::vector<std::string> actions;  // commands, with placeholders (scenario_player.h)
    ScenarioCondition when;
    bool pause = false;  // the app pauses for questions after the step; headless goes on
    int line = 0;        // where the step starts in its file
};

// Checked at the end. `what` is an audit finding ("lost", "duplicated", "moved",
// "out_of_order", "changed", "duplicates_prevented", "audited"; for the whole lab, or only
// `topic`'s) or, for an event expectation, an event kind counted over the whole run
// (optionally only about `topic`, or containing `contains`). Holds when the number is within
// [at_least, at_most].
struct ScenarioExpectation {
    enum class Kind { Audit, Event };
    Kind kind = Kind::Audit;
    std::string what;
    std::string topic;
    std::string contains;
    std::optional<std::int64_t> at_least;
    std::optional<std::int64_t> at_most;
    std::string says;  // the expectation in plain words, for the verdict
    int line = 0;
};

struct Scenario {
    std::string id;         // the file's name without .json
    std::string title;      // for the picker
    std::string teaches;    // one or two sentences: what the class learns
    std::string kafka;      // the Kafka settings or KIPs it is about
    double duration_s = 0;  // about how long it runs at speed 1 (lab seconds)
    std::int32_t controllers = 3;
    std::int32_t brokers = 3;
    double speed = 1.0;  // lab speed while it runs (0.05..4)
    std::vector<ScenarioTopic> topics;
    std::vector<ScenarioStep> steps;
    std::vector<ScenarioExpectation> expect;
};

// What a step's look_at names, for the app to bring into view and ring: a panel ("quorum",
// "replication", "elections" ...: kScenarioPanels), a node ("broker 2", "controller 101"; in
// a file also "broker {leader:ledger-0}", filled in when the step runs) or a partition of one
// of the scenario's topics ("ledger-0").
struct ScenarioLook {
    enum class Kind { Panel, Node, Partition };
    Kind kind = Kind::Panel;
    std::string panel;  // Panel: one of kScenarioPanels
    std::string node;   // Node: "broker-2", "controller-101" (or with its placeholder)
    std::string topic;  // Partition
    std::int32_t partition = -1;
};
inline constexpr const char* kScenarioPanels[] = {"cluster", "quorum",  "topics", "replication",
                                                  "charts",  "network", "events", "elections",
                                                  "clients", "groups"};
// nullopt when the text names none of these.
std::optional<ScenarioLook> scenario_look(const std::string& text, const Scenario& scenario);

struct ScenarioError {
    std::string file;
    int line = 0;
    std::string field;    // a JSON pointer ("/steps/2/when/after_s"), "" for the file itself
    std::string message;  // plain words
    // "file:line: field: message"
    std::string to_string() const;
};

inline constexpr int kScenarioVersion = 1;
inline constexpr std::size_t kMaxScenarioBytes = 1 << 20;

// Parses and checks a scenario (refused past kMaxScenarioBytes: a reader reads at most one
// byte more). `file` names it in errors; the id is its stem.
std::variant<Scenario, ScenarioError> parse_scenario(const std::string& text,
                                                     const std::string& file);
// Reads the file (at most kMaxScenarioBytes + 1 bytes) and parses it.
std::variant<Scenario, ScenarioError> load_scenario(const std::string& path);

}  // namespace kraftlab::lab
