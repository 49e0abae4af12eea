// Plays a scenario (scenario.h): a pure state machine. The runtime (kraftlab-cluster
// --scenario; the app's player later) gives it lab time, the lab's events and how many records
// the scenario's producers have had acknowledged; it says which step is due, and at the end
// judges the expectations from the audit's findings and the events it counted. It runs no
// command itself: the runtime resolves a step's placeholders (resolve_placeholders) against the
// lab as it is and runs the commands. One thread (the runtime's).
//
// Placeholders in a step's commands, resolved when the step runs:
//   {leader:T-P}    the broker that leads partition P of topic T now
//   {follower:T-P}  the first replica of T-P (in assignment order) that does not lead it;
//                   {follower:T-P:2} the second. Replicas, not the ISR: the same broker while
//                   it falls out of sync and back, as long as the leader stays
//   {followers:T-P} every replica that does not lead it, as a list: "2,3" (partition A | B,C)
//   {isr:T-P}       its in-sync replicas, as a list (one id when the ISR is one broker, even
//                   a dead one: an offline partition keeps its last in-sync replica)
//   {controller}    the active controller
//   {producer:N}    the id of the N-th producer this scenario started (1, 2, ...)
//   {consumer:N}    the id of the N-th consumer this scenario started
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/events.h"
#include "lab/scenario.h"

namespace kraftlab::lab {

struct ScenarioExpectationResult {
    bool held = false;
    std::int64_t actual = 0;
    std::string says;    // the expectation's own words
    std::string detail;  // "lost: 12 (expected at least 1)"
};

struct ScenarioVerdict {
    bool passed = false;
    std::vector<ScenarioExpectationResult> results;
    std::string summary;  // plain words: "3 of 3 expectations held" or what failed first
};

// What the lab looks like when a step runs, for its placeholders.
struct ScenarioLabState {
    std::map<std::string, std::int32_t> leaders;  // "T-P" -> broker (partitions with a leader)
    std::map<std::string, std::vector<std::int32_t>> replicas;  // "T-P" -> assignment order
    std::map<std::string, std::vector<std::int32_t>> isr;       // "T-P" -> in-sync replicas
    std::int32_t active_controller = -1;
    std::vector<std::int32_t> producers;  // ids, in the order the scenario started them
    std::vector<std::int32_t> consumers;
};

// The command with its placeholders filled in, or nullopt with *error in plain words.
std::optional<std::string> resolve_placeholders(const std::string& command,
                                                const ScenarioLabState& lab, std::string* error);

class ScenarioPlayer {
  public:
    explicit ScenarioPlayer(Scenario scenario);

    const Scenario& scenario() const { return scenario_; }
    // The scenario starts now: the first step's wait counts from here.
    void start(std::int64_t lab_ms);
    // Every event of the lab, in order (counted for the expectations; it may be what the
    // waiting step waits for). Events from before start() are not counted.
    void on_event(const core::Event& event);
    // The index of the step due now, if the waiting one's condition holds (it is then counted
    // as run at lab_ms, and the next one waits from then). `acked`: records acknowledged to the
    // scenario's producers so far; `lab`: the ISRs (for when_isr).
    std::optional<std::size_t> due(std::int64_t lab_ms, std::int64_t acked,
                                   const ScenarioLabState& lab);
    // Runs the waiting step now whatever it waits for (the app's "next step"); the next one
    // waits from lab_ms. Its index, or nullopt when every step has run.
    std::optional<std::size_t> skip(std::int64_t lab_ms);
    // Plain words when the waiting step has waited past its timeout (the run fails).
    std::optional<std::string> overdue(std::int64_t lab_ms) const;
    // What the waiting step waits for, in words ("a leader_changed event about ledger-0",
    // "5 s of lab time"); "" when every step has run.
    std::string waiting_for() const;
    bool done() const { return next_ >= scenario_.steps.size(); }
    std::size_t next_step() const { return next_; }

    // The expectations, from the audit's result data (lab::Cluster::audit) and the events seen.
    ScenarioVerdict judge(const nlohmann::json& audit) const;

  private:
    struct Seen {
        std::string kind, topic, explain;
    };
    // An event not yet weighed against the waiting step's condition. Events drained together
    // may satisfy two steps in turn: the rest of a batch after the one that let a step run
    // waits here for the next step.
    struct Pending {
        Seen what;
        std::int32_t partition = -1;
        std::int64_t lab_ms = 0;
    };
    bool matches(const ScenarioCondition& c, const Pending& e) const;
    static constexpr std::size_t kMaxSeen = 200'000;

    Scenario scenario_;
    std::size_t next_ = 0;
    std::int64_t started_ms_ = std::numeric_limits<std::int64_t>::max();  // not yet
    std::int64_t armed_ms_ = 0;    // when the waiting step started waiting
    std::deque<Pending> pending_;  // bounded by kMaxPending, the oldest dropped
    static constexpr std::size_t kMaxPending = 100'000;
    std::vector<Seen> seen_;  // every event, for the expectations (bounded)
    std::uint64_t seen_dropped_ = 0;
};

}  // namespace kraftlab::lab
