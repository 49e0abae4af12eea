// Scenario files (scenario.h): parse with nlohmann::json, then check each field by hand so that
// an error names the field and its line (json_lines.h). Unknown fields are errors too: a typo
// ("aftr_s") must not silently become "at once".
#include "lab/scenario.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/events.h"
#include "lab/field_rules.h"
#include "lab/json_lines.h"

namespace kraftlab::lab {

namespace {

using nlohmann::json;

// Thrown inside the checks, caught once in parse_scenario.
struct Bad {
    std::string pointer;
    std::string message;
};

[[noreturn]] void bad(std::string pointer, std::string message) {
    throw Bad{std::move(pointer), std::move(message)};
}

void only_keys(const json& j, const std::string& at, std::initializer_list<const char*> keys) {
    if (!j.is_object()) bad(at, "must be an object");
    std::set<std::string> allowed(keys.begin(), keys.end());
    for (const auto& [k, v] : j.items()) {
        if (!allowed.contains(k)) {
            std::string list;
            for (const char* key : keys)
                list += (list.empty() ? "" : ", ") + std::string(key);
            bad(at + "/" + k, "unknown field '" + k + "' (known here: " + list + ")");
        }
    }
}

std::string text(const json& j, const std::string& at, bool required, std::size_t max = 2000) {
    if (!j.contains(at.substr(at.rfind('/') + 1))) {
        if (required) bad(at, "is missing");
        return {};
    }
    const json& v = j[at.substr(at.rfind('/') + 1)];
    if (!v.is_string()) bad(at, "must be a string");
    const auto& s = v.get_ref<const std::string&>();
    if (required && s.empty()) bad(at, "must not be empty");
    if (s.size() > max) bad(at, "is longer than " + std::to_string(max) + " characters");
    return s;
}

double number(const json& j, const std::string& at, double lo, double hi, double fallback) {
    const std::string key = at.substr(at.rfind('/') + 1);
    if (!j.contains(key)) return fallback;
    const json& v = j[key];
    if (!v.is_number()) bad(at, "must be a number");
    const double d = v.get<double>();
    if (!(d >= lo && d <= hi))
        bad(at, "must be from " + format_number(lo) + " to " + format_number(hi));
    return d;
}

std::int64_t whole(const json& j, const std::string& at, std::int64_t lo, std::int64_t hi,
                   std::int64_t fallback) {
    const std::string key = at.substr(at.rfind('/') + 1);
    if (!j.contains(key)) return fallback;
    const json& v = j[key];
    if (!v.is_number_integer()) bad(at, "must be a whole number");
    const auto n = v.get<std::int64_t>();
    if (n < lo || n > hi)
        bad(at, "must be from " + format_number(static_cast<double>(lo)) + " to " +
                    format_number(static_cast<double>(hi)));
    return n;
}

std::string event_kind(const json& j, const std::string& at) {
    std::string kind = text(j, at, true, 64);
    if (!core::event_kind_from_name(kind))
        bad(at, "'" + kind + "' is not an event kind of the lab");
    return kind;
}

ScenarioCondition condition(const json& step, const std::string& at) {
    ScenarioCondition c;
    c.timeout_s = number(step, at + "/timeout_s", 1, 3600, 60);
    const bool after = step.contains("after_s"), event = step.contains("when_event"),
               acked = step.contains("when_acked"), isr = step.contains("when_isr");
    if (after + event + acked + isr > 1)
        bad(at,
            "has more than one of after_s, when_event, when_acked and when_isr: a step waits "
            "for one");
    if (after) {
        c.kind = ScenarioCondition::Kind::After;
        c.after_s = number(step, at + "/after_s", 0, 3600, 0);
    } else if (event) {
        c.kind = ScenarioCondition::Kind::Event;
        const json& e = step["when_event"];
        const std::string eat = at + "/when_event";
        only_keys(e, eat, {"kind", "topic", "partition", "contains"});
        c.event = event_kind(e, eat + "/kind");
        c.topic = text(e, eat + "/topic", false, 249);
        c.partition = static_cast<std::int32_t>(whole(e, eat + "/partition", 0, 9999, -1));
        c.contains = text(e, eat + "/contains", false, 200);
    } else if (acked) {
        c.kind = ScenarioCondition::Kind::Acked;
        c.acked = whole(step, at + "/when_acked", 1, 100'000'000, 1);
    } else if (isr) {
        c.kind = ScenarioCondition::Kind::Isr;
        const json& e = step["when_isr"];
        const std::string iat = at + "/when_isr";
        only_keys(e, iat, {"partition", "at_least", "at_most"});
        c.isr_of = text(e, iat + "/partition", true, 260);
        const auto dash = c.isr_of.rfind('-');
        if (dash == std::string::npos || dash == 0 || dash + 1 == c.isr_of.size() ||
            c.isr_of.find_first_not_of("0123456789", dash + 1) != std::string::npos)
            bad(iat + "/partition", "must name a partition as TOPIC-N (\"ledger-0\")");
        if (!e.contains("at_least") && !e.contains("at_most"))
            bad(iat, "needs at_least or at_most (or both): the ISR size to wait for");
        c.isr_at_least = static_cast<std::int32_t>(whole(e, iat + "/at_least", 0, 32, 0));
        c.isr_at_most = static_cast<std::int32_t>(whole(e, iat + "/at_most", 0, 32, 32));
        if (c.isr_at_least > c.isr_at_most)
            bad(iat + "/at_most", "is below at_least: the step could never run");
    }
    return c;
}

ScenarioStep parse_step(const json& j, const std::string& at) {
    only_keys(j, at,
              {"title", "say", "look_at", "do", "after_s", "when_event", "when_acked", "when_isr",
               "timeout_s", "pause"});
    ScenarioStep s;
    s.title = text(j, at + "/title", true, 120);
    s.say = text(j, at + "/say", true, 2000);
    s.look_at = text(j, at + "/look_at", false, 120);
    if (j.contains("do")) {
        const json& d = j["do"];
        if (!d.is_array()) bad(at + "/do", "must be a list of commands");
        if (d.size() > 50) bad(at + "/do", "has more than 50 commands");
        for (std::size_t i = 0; i < d.size(); ++i) {
            const std::string cat = at + "/do/" + std::to_string(i);
            if (!d[i].is_string() || d[i].get_ref<const std::string&>().empty())
                bad(cat, "must be a command line (text), as kraftlab-cluster takes on stdin");
            if (d[i].get_ref<const std::string&>().size() > 500) bad(cat, "is too long");
            s.actions.push_back(d[i].get<std::string>());
        }
    }
    s.when = condition(j, at);
    if (j.contains("pause")) {
        if (!j["pause"].is_boolean()) bad(at + "/pause", "must be true or false");
        s.pause = j["pause"].get<bool>();
    }
    return s;
}

ScenarioExpectation parse_expectation(const json& j, const std::string& at) {
    only_keys(j, at, {"audit", "event", "topic", "contains", "at_least", "at_most", "says"});
    ScenarioExpectation e;
    if (j.contains("audit") == j.contains("event"))
        bad(at, "needs exactly one of 'audit' (a finding of the audit) and 'event' (a kind)");
    if (j.contains("audit")) {
        e.kind = ScenarioExpectation::Kind::Audit;
        e.what = text(j, at + "/audit", true, 64);
        static const std::set<std::string> findings = {
            "lost",    "duplicated",           "moved",  "out_of_order",
            "changed", "duplicates_prevented", "audited"};
        if (!findings.contains(e.what))
            bad(at + "/audit",
                "'" + e.what +
                    "' is not a finding of the audit (lost, duplicated, moved, out_of_order, "
                    "changed, duplicates_prevented, audited)");
        if (j.contains("contains")) bad(at, "'contains' goes with an event expectation only");
        e.topic = text(j, at + "/topic", false, 249);
        if (!e.topic.empty() && (e.what == "duplicates_prevented"))
            bad(at + "/topic", "duplicates_prevented is counted for the whole lab, not per topic");
    } else {
        e.kind = ScenarioExpectation::Kind::Event;
        e.what = event_kind(j, at + "/event");
        e.topic = text(j, at + "/topic", false, 249);
        e.contains = text(j, at + "/contains", false, 200);
    }
    if (j.contains("at_least"))
        e.at_least = whole(j, at + "/at_least", 0, std::int64_t{1} << 40, 0);
    if (j.contains("at_most")) e.at_most = whole(j, at + "/at_most", 0, std::int64_t{1} << 40, 0);
    if (!e.at_least && !e.at_most) bad(at, "needs at_least or at_most (or both)");
    if (e.at_least && e.at_most && *e.at_least > *e.at_most)
        bad(at + "/at_most", "is below at_least: the expectation could never hold");
    e.says = text(j, at + "/says", true, 300);
    return e;
}

// Every step's look_at names something the app can show (placeholders are filled in later).
void check_looks(const Scenario& s) {
    for (std::size_t i = 0; i < s.steps.size(); ++i) {
        const std::string& look = s.steps[i].look_at;
        if (look.empty() || scenario_look(look, s)) continue;
        std::string panels;
        for (const char* p : kScenarioPanels)
            panels += std::string(panels.empty() ? "" : ", ") + p;
        bad("/steps/" + std::to_string(i) + "/look_at",
            "'" + look + "' names nothing the app can show: a panel (" + panels +
                "), a node (\"broker 2\", \"controller {controller}\") or a partition of the "
                "scenario's topics (\"ledger-0\")");
    }
}

Scenario parse(const json& j) {
    only_keys(j, "",
              {"$schema", "version", "title", "teaches", "kafka", "duration_s", "cluster", "topics",
               "steps", "expect"});
    if (!j.contains("version")) bad("/version", "is missing");
    if (!j["version"].is_number_integer() || j["version"].get<std::int64_t>() != kScenarioVersion)
        bad("/version", "must be " + std::to_string(kScenarioVersion) +
                            " (the scenario format this Kraftlab reads)");
    Scenario s;
    s.title = text(j, "/title", true, 120);
    s.teaches = text(j, "/teaches", true, 1000);
    s.kafka = text(j, "/kafka", true, 200);
    s.duration_s = number(j, "/duration_s", 1, 3600, 60);
    if (j.contains("cluster")) {
        const json& c = j["cluster"];
        only_keys(c, "/cluster", {"controllers", "brokers", "speed"});
        s.controllers = static_cast<std::int32_t>(whole(c, "/cluster/controllers", 1, 7, 3));
        s.brokers = static_cast<std::int32_t>(whole(c, "/cluster/brokers", 1, 32, 3));
        s.speed = number(c, "/cluster/speed", 0.05, 4, 1);
    }
    if (j.contains("topics")) {
        const json& t = j["topics"];
        if (!t.is_array()) bad("/topics", "must be a list");
        if (t.size() > 20) bad("/topics", "has more than 20 topics");
        for (std::size_t i = 0; i < t.size(); ++i) {
            const std::string at = "/topics/" + std::to_string(i);
            only_keys(t[i], at, {"name", "partitions", "replication_factor", "configs"});
            ScenarioTopic topic;
            topic.name = text(t[i], at + "/name", true, 249);
            if (topic.name.find_first_of(" \t\n") != std::string::npos)
                bad(at + "/name", "must not contain spaces");
            topic.partitions =
                static_cast<std::int32_t>(whole(t[i], at + "/partitions", 1, 1000, 1));
            topic.replication_factor =
                static_cast<std::int32_t>(whole(t[i], at + "/replication_factor", 1, 32, 1));
            if (topic.replication_factor > s.brokers)
                bad(at + "/replication_factor", "is " + std::to_string(topic.replication_factor) +
                                                    " but the cluster has " +
                                                    std::to_string(s.brokers) + " broker(s)");
            if (t[i].contains("configs")) {
                const json& cfg = t[i]["configs"];
                if (!cfg.is_object()) bad(at + "/configs", "must be an object of name: value");
                for (const auto& [k, v] : cfg.items()) {
                    if (!v.is_string() || k.find_first_of(" =") != std::string::npos ||
                        v.get_ref<const std::string&>().find(' ') != std::string::npos)
                        bad(at + "/configs/" + k,
                            "must be a value as text without spaces (\"2\", \"true\")");
                    topic.configs[k] = v.get<std::string>();
                }
            }
            s.topics.push_back(std::move(topic));
        }
    }
    if (!j.contains("steps") || !j["steps"].is_array() || j["steps"].empty())
        bad("/steps", "must be a list of at least one step");
    if (j["steps"].size() > 200) bad("/steps", "has more than 200 steps");
    for (std::size_t i = 0; i < j["steps"].size(); ++i)
        s.steps.push_back(parse_step(j["steps"][i], "/steps/" + std::to_string(i)));
    if (!j.contains("expect") || !j["expect"].is_array() || j["expect"].empty())
        bad("/expect", "must be a list of at least one expectation: a scenario ends in a verdict");
    if (j["expect"].size() > 50) bad("/expect", "has more than 50 expectations");
    for (std::size_t i = 0; i < j["expect"].size(); ++i)
        s.expect.push_back(parse_expectation(j["expect"][i], "/expect/" + std::to_string(i)));
    check_looks(s);
    return s;
}

std::string stem_of(const std::string& file) {
    std::string name = file.substr(file.find_last_of('/') + 1);
    if (name.size() > 5 && name.ends_with(".json")) name.resize(name.size() - 5);
    return name;
}

}  // namespace

std::optional<ScenarioLook> scenario_look(const std::string& raw, const Scenario& scenario) {
    std::string t = raw;
    while (!t.empty() && t.back() == ' ')
        t.pop_back();
    t.erase(0, t.find_first_not_of(' '));
    std::string lower = t;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    ScenarioLook look;
    for (const char* p : kScenarioPanels) {
        if (lower == p) {
            look.panel = p;
            return look;
        }
    }
    // "broker 2", "broker-2", "controller {controller}".
    for (const std::string kind : {"broker", "controller"}) {
        if (lower.size() <= kind.size() + 1 || lower.compare(0, kind.size(), kind) != 0) continue;
        const char sep = lower[kind.size()];
        if (sep != ' ' && sep != '-') continue;
        const std::string id = t.substr(kind.size() + 1);
        const bool number = id.find_first_not_of("0123456789") == std::string::npos;
        const bool placeholder = id.size() > 2 && id.front() == '{' && id.back() == '}' &&
                                 id.find_first_of("{}", 1) == id.size() - 1;
        if (!number && !placeholder) continue;
        look.kind = ScenarioLook::Kind::Node;
        look.node = kind + "-" + id;
        return look;
    }
    // "T-P" for one of the scenario's topics (a topic's name may hold '-').
    const auto dash = t.rfind('-');
    if (dash != std::string::npos && dash > 0 && dash + 1 < t.size() &&
        t.find_first_not_of("0123456789", dash + 1) == std::string::npos && t.size() - dash < 6) {
        const std::string topic = t.substr(0, dash);
        const int partition = std::stoi(t.substr(dash + 1));
        for (const auto& st : scenario.topics) {
            if (st.name == topic && partition < st.partitions) {
                look.kind = ScenarioLook::Kind::Partition;
                look.topic = topic;
                look.partition = partition;
                return look;
            }
        }
    }
    return std::nullopt;
}

std::string ScenarioError::to_string() const {
    std::string out = file + ":" + std::to_string(line) + ": ";
    if (!field.empty()) out += field + ": ";
    return out + message;
}

std::variant<Scenario, ScenarioError> parse_scenario(const std::string& text,
                                                     const std::string& file) {
    if (text.size() > kMaxScenarioBytes)
        return ScenarioError{file, 0, "", "is larger than 1 MiB: not a scenario"};
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        // The byte where parsing stopped, as a line.
        const std::size_t at = std::min<std::size_t>(e.byte, text.size());
        const int line = 1 + static_cast<int>(std::count(
                                 text.begin(), text.begin() + static_cast<long>(at), '\n'));
        std::string why = e.what();
        if (auto p = why.find("syntax error"); p != std::string::npos) why = why.substr(p);
        return ScenarioError{file, line, "", "not valid JSON: " + why};
    }
    try {
        Scenario s = parse(j);
        s.id = stem_of(file);
        const auto lines = json_value_lines(text);
        for (std::size_t i = 0; i < s.steps.size(); ++i)
            s.steps[i].line = json_line_of(lines, "/steps/" + std::to_string(i));
        for (std::size_t i = 0; i < s.expect.size(); ++i)
            s.expect[i].line = json_line_of(lines, "/expect/" + std::to_string(i));
        return s;
    } catch (const Bad& b) {
        return ScenarioError{file, json_line_of(json_value_lines(text), b.pointer), b.pointer,
                             b.message};
    }
}

std::variant<Scenario, ScenarioError> load_scenario(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return ScenarioError{path, 0, "", "cannot be read"};
    std::string text;
    text.resize(kMaxScenarioBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parse_scenario(text, path);
}

}  // namespace kraftlab::lab
