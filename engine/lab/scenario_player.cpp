// The scenario player's state machine and placeholders (scenario_player.h).
#include "lab/scenario_player.h"

#include <sstream>

#include <algorithm>
#include <cmath>

namespace kraftlab::lab {

namespace {

std::optional<std::int32_t> nth(const std::vector<std::int32_t>& ids, const std::string& n) {
    if (n.empty() || n.size() > 3 || !std::all_of(n.begin(), n.end(), ::isdigit))
        return std::nullopt;
    const auto i = std::stoul(n);
    if (i == 0 || i > ids.size()) return std::nullopt;
    return ids[i - 1];
}

}  // namespace

std::optional<std::string> resolve_placeholders(const std::string& command,
                                                const ScenarioLabState& lab, std::string* error) {
    std::string out;
    std::size_t i = 0;
    while (i < command.size()) {
        const auto open = command.find('{', i);
        if (open == std::string::npos) {
            out += command.substr(i);
            break;
        }
        const auto close = command.find('}', open);
        if (close == std::string::npos) {
            *error = "'{' without '}' in '" + command + "'";
            return std::nullopt;
        }
        out += command.substr(i, open - i);
        const std::string name = command.substr(open + 1, close - open - 1);
        const auto colon = name.find(':');
        const std::string what = name.substr(0, colon);
        const std::string arg = colon == std::string::npos ? "" : name.substr(colon + 1);
        std::optional<std::int32_t> id;
        // Replicas of "T-P" other than its leader, in assignment order.
        auto followers = [&](const std::string& partition) {
            std::vector<std::int32_t> out;
            auto leader = lab.leaders.find(partition);
            if (auto r = lab.replicas.find(partition); r != lab.replicas.end()) {
                for (std::int32_t b : r->second) {
                    if (leader == lab.leaders.end() || b != leader->second) out.push_back(b);
                }
            }
            return out;
        };
        if (what == "followers" || what == "isr") {  // a list: "2,3"
            std::vector<std::int32_t> ids = followers(arg);
            if (what == "isr") {
                auto isr = lab.isr.find(arg);
                ids = isr == lab.isr.end() ? std::vector<std::int32_t>{} : isr->second;
            }
            std::string list;
            for (std::int32_t b : ids)
                list += (list.empty() ? "" : ",") + std::to_string(b);
            if (list.empty()) {
                *error = "partition " + arg + " has no " +
                         (what == "isr" ? "in-sync replica" : "follower") + " now";
                return std::nullopt;
            }
            out += list;
            i = close + 1;
            continue;
        }
        if (what == "leader") {
            if (auto it = lab.leaders.find(arg); it != lab.leaders.end()) id = it->second;
            if (!id) *error = "partition " + arg + " has no leader now";
        } else if (what == "follower") {
            // "T-P" or "T-P:N" (the N-th follower, from 1)
            const auto second = arg.find(':');
            const std::string partition = arg.substr(0, second);
            id = nth(followers(partition),
                     second == std::string::npos ? "1" : arg.substr(second + 1));
            if (!id)
                *error = "partition " + partition + " has no follower" +
                         (second == std::string::npos ? "" : " " + arg.substr(second + 1)) + " now";
        } else if (what == "controller" && arg.empty()) {
            if (lab.active_controller >= 0) id = lab.active_controller;
            if (!id) *error = "there is no active controller now";
        } else if (what == "producer" || what == "consumer") {
            id = nth(what == "producer" ? lab.producers : lab.consumers, arg);
            if (!id) *error = "this scenario has not started a " + what + " " + arg;
        } else {
            *error = "unknown placeholder {" + name +
                     "} (known: leader:T-P, follower:T-P, followers:T-P, isr:T-P, controller, "
                     "producer:N, consumer:N)";
        }
        if (!id) return std::nullopt;
        out += std::to_string(*id);
        i = close + 1;
    }
    return out;
}

ScenarioPlayer::ScenarioPlayer(Scenario scenario) : scenario_(std::move(scenario)) {}

void ScenarioPlayer::start(std::int64_t lab_ms) {
    started_ms_ = lab_ms;
    next_ = 0;
    armed_ms_ = lab_ms;
    pending_.clear();
}

bool ScenarioPlayer::matches(const ScenarioCondition& c, const Pending& e) const {
    if (c.kind != ScenarioCondition::Kind::Event) return false;
    if (e.what.kind != c.event) return false;
    if (!c.topic.empty() && e.what.topic != c.topic) return false;
    if (c.partition >= 0 && e.partition != c.partition) return false;
    if (!c.contains.empty() && e.what.explain.find(c.contains) == std::string::npos) return false;
    return e.lab_ms >= armed_ms_;
}

void ScenarioPlayer::on_event(const core::Event& event) {
    if (event.lab_ms < started_ms_) return;  // the lab starting, the topics being made
    Seen seen{std::string(core::event_kind_name(event.kind)), event.topic, event.explain};
    if (next_ < scenario_.steps.size()) {
        if (pending_.size() >= kMaxPending) pending_.pop_front();
        pending_.push_back({seen, event.partition, event.lab_ms});
    }
    if (seen_.size() < kMaxSeen) {
        seen_.push_back(std::move(seen));
    } else {
        ++seen_dropped_;
    }
}

std::optional<std::size_t> ScenarioPlayer::due(std::int64_t lab_ms, std::int64_t acked,
                                               const ScenarioLabState& lab) {
    if (next_ >= scenario_.steps.size()) return std::nullopt;
    const ScenarioCondition& c = scenario_.steps[next_].when;
    bool ready = false;
    std::int64_t ran_at = lab_ms;
    switch (c.kind) {
        case ScenarioCondition::Kind::Now:
            ready = true;
            break;
        case ScenarioCondition::Kind::After:
            ready = lab_ms - armed_ms_ >= std::llround(c.after_s * 1000);
            break;
        case ScenarioCondition::Kind::Event:
            // In order: events before the match are spent, those after wait for the next step,
            // which counts from the matching event.
            while (!ready && !pending_.empty()) {
                const Pending e = std::move(pending_.front());
                pending_.pop_front();
                if (matches(c, e)) {
                    ready = true;
                    ran_at = e.lab_ms;
                }
            }
            break;
        case ScenarioCondition::Kind::Acked:
            ready = acked >= c.acked;
            break;
        case ScenarioCondition::Kind::Isr:
            if (auto it = lab.isr.find(c.isr_of); it != lab.isr.end()) {
                const auto n = static_cast<std::int32_t>(it->second.size());
                ready = n >= c.isr_at_least && n <= c.isr_at_most;
            }
            break;
    }
    if (!ready) return std::nullopt;
    const std::size_t step = next_++;
    armed_ms_ = ran_at;
    while (!pending_.empty() && pending_.front().lab_ms < armed_ms_)
        pending_.pop_front();
    return step;
}

std::optional<std::size_t> ScenarioPlayer::skip(std::int64_t lab_ms) {
    if (next_ >= scenario_.steps.size()) return std::nullopt;
    const std::size_t step = next_++;
    armed_ms_ = lab_ms;
    while (!pending_.empty() && pending_.front().lab_ms < armed_ms_)
        pending_.pop_front();
    return step;
}

std::string ScenarioPlayer::waiting_for() const {
    if (next_ >= scenario_.steps.size()) return {};
    const ScenarioCondition& c = scenario_.steps[next_].when;
    auto seconds = [](double s) {
        std::ostringstream out;
        out << s;
        return out.str();
    };
    switch (c.kind) {
        case ScenarioCondition::Kind::Now:
            return "nothing";
        case ScenarioCondition::Kind::After:
            return seconds(c.after_s) + " s of lab time";
        case ScenarioCondition::Kind::Event:
            return "a " + c.event + " event" + (c.topic.empty() ? "" : " about " + c.topic) +
                   (c.partition >= 0 ? "-" + std::to_string(c.partition) : "") +
                   (c.contains.empty() ? "" : " saying '" + c.contains + "'");
        case ScenarioCondition::Kind::Acked:
            return std::to_string(c.acked) + " acknowledged records";
        case ScenarioCondition::Kind::Isr:
            return "the ISR of " + c.isr_of + " to hold " +
                   (c.isr_at_least == c.isr_at_most
                        ? std::to_string(c.isr_at_least)
                        : std::to_string(c.isr_at_least) + " to " + std::to_string(c.isr_at_most)) +
                   " replica(s)";
    }
    return {};
}

std::optional<std::string> ScenarioPlayer::overdue(std::int64_t lab_ms) const {
    if (next_ >= scenario_.steps.size()) return std::nullopt;
    const ScenarioStep& s = scenario_.steps[next_];
    if (lab_ms - armed_ms_ <= std::llround(s.when.timeout_s * 1000)) return std::nullopt;
    const bool timed = s.when.kind == ScenarioCondition::Kind::Now ||
                       s.when.kind == ScenarioCondition::Kind::After;
    return "step " + std::to_string(next_ + 1) + " (\"" + s.title + "\", line " +
           std::to_string(s.line) + ") waited " + std::to_string(std::llround(s.when.timeout_s)) +
           " s of lab time for " + (timed ? std::string("its time") : waiting_for()) +
           ", which never came";
}

ScenarioVerdict ScenarioPlayer::judge(const nlohmann::json& audit) const {
    ScenarioVerdict v;
    v.passed = true;
    int held = 0;
    std::string first_failure;
    for (const auto& e : scenario_.expect) {
        ScenarioExpectationResult r;
        r.says = e.says;
        if (e.kind == ScenarioExpectation::Kind::Audit) {
            // The whole lab's number, or one topic's ({"count": N} or N in audit["topics"]).
            const nlohmann::json* from = &audit;
            if (!e.topic.empty()) {
                from = nullptr;
                if (audit.is_object() && audit.contains("topics") && audit["topics"].is_array()) {
                    for (const auto& t : audit["topics"]) {
                        if (t.is_object() && t.value("topic", "") == e.topic) from = &t;
                    }
                }
            }
            r.actual = 0;
            if (from && from->is_object() && from->contains(e.what)) {
                const auto& v = (*from)[e.what];
                if (v.is_number()) r.actual = v.get<std::int64_t>();
                if (v.is_object() && v.contains("count") && v["count"].is_number())
                    r.actual = v["count"].get<std::int64_t>();
            }
        } else {
            r.actual = std::count_if(seen_.begin(), seen_.end(), [&](const Seen& s) {
                return s.kind == e.what && (e.topic.empty() || s.topic == e.topic) &&
                       (e.contains.empty() || s.explain.find(e.contains) != std::string::npos);
            });
        }
        r.held = (!e.at_least || r.actual >= *e.at_least) && (!e.at_most || r.actual <= *e.at_most);
        std::string range;
        if (e.at_least && e.at_most) {
            range = *e.at_least == *e.at_most
                        ? "exactly " + std::to_string(*e.at_least)
                        : std::to_string(*e.at_least) + " to " + std::to_string(*e.at_most);
        } else if (e.at_least) {
            range = "at least " + std::to_string(*e.at_least);
        } else {
            range = "at most " + std::to_string(*e.at_most);
        }
        r.detail = (e.kind == ScenarioExpectation::Kind::Audit ? "audit: " : "events: ") + e.what +
                   (e.topic.empty() ? "" : " about " + e.topic) + " = " + std::to_string(r.actual) +
                   " (expected " + range + ")";
        if (r.held) {
            ++held;
        } else if (first_failure.empty()) {
            first_failure = e.says + ": did not hold, " + r.detail;
            v.passed = false;
        }
        v.results.push_back(std::move(r));
    }
    v.summary = v.passed ? "every expectation held (" + std::to_string(held) + " of " +
                               std::to_string(scenario_.expect.size()) + ")"
                         : first_failure;
    if (seen_dropped_ > 0)
        v.summary += "; " + std::to_string(seen_dropped_) + " late events were not counted";
    return v;
}

}  // namespace kraftlab::lab
