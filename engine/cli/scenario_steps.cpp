#include "cli/scenario_steps.h"

#include <algorithm>

#include "cli/commands.h"

namespace kraftlab::cli {

using nlohmann::json;

lab::ScenarioLabState scenario_lab_state(lab::Cluster& lab, const ScenarioClients& clients) {
    lab::ScenarioLabState s;
    const auto image = lab.metadata();
    for (const auto& [name, topic] : image->topics()) {
        for (const auto& p : topic->partitions) {
            const std::string key = name + "-" + std::to_string(p.partition);
            if (p.leader >= 0) s.leaders[key] = p.leader;
            s.replicas[key] = p.replicas;
            s.isr[key] = p.isr;
        }
    }
    for (const auto& c : lab.snapshots().controllers()) {
        if (c && c->active) s.active_controller = c->id;
    }
    s.producers = clients.producers;
    s.consumers = clients.consumers;
    return s;
}

std::int64_t scenario_acked(lab::Cluster& lab, const ScenarioClients& clients) {
    std::int64_t acked = 0;
    for (const auto& p : lab.snapshots().producers()) {
        if (std::find(clients.producers.begin(), clients.producers.end(), p->id) !=
            clients.producers.end())
            acked += static_cast<std::int64_t>(p->records_acked_total);
    }
    return acked;
}

std::vector<std::string> scenario_setup_commands(const lab::Scenario& scenario, double speed) {
    std::vector<std::string> lines;
    if (speed != 1.0) lines.push_back("speed " + std::to_string(speed));
    for (const auto& t : scenario.topics) {
        std::string line = "create-topic " + t.name + " " + std::to_string(t.partitions) + " " +
                           std::to_string(t.replication_factor);
        for (const auto& [k, v] : t.configs)
            line += " " + k + "=" + v;
        lines.push_back(std::move(line));
    }
    return lines;
}

std::optional<std::string> run_scenario_command(lab::Cluster& lab, const std::string& line,
                                                ScenarioClients& clients, const ReplySink& sink) {
    const auto out = run_command(lab, line);
    if (out.quit) return "'" + line + "' would end the lab: not a scenario step";
    if (!out.result) return std::nullopt;
    if (sink) sink(reply(out.command, *out.result));
    if (!out.result->ok) return "'" + line + "' was refused: " + out.result->message;
    const auto& data = out.result->data;
    if (out.command == "produce" && data.contains("producer"))
        clients.producers.push_back(data["producer"].get<std::int32_t>());
    if (out.command == "consume" && data.contains("consumer"))
        clients.consumers.push_back(data["consumer"].get<std::int32_t>());
    return std::nullopt;
}

std::optional<std::string> run_scenario_step(lab::Cluster& lab, const lab::ScenarioStep& step,
                                             std::size_t index, ScenarioClients& clients,
                                             const ReplySink& sink) {
    const std::string where =
        "step " + std::to_string(index + 1) + " (line " + std::to_string(step.line) + "): ";
    for (const auto& action : step.actions) {
        std::string why;
        auto line = lab::resolve_placeholders(action, scenario_lab_state(lab, clients), &why);
        if (!line) return where + why;
        if (auto refused = run_scenario_command(lab, *line, clients, sink)) return where + *refused;
    }
    return std::nullopt;
}

json scenario_step_line(const lab::ScenarioStep& step, std::size_t index, std::int64_t lab_ms) {
    return {{"type", "scenario_step"}, {"step", index + 1},       {"title", step.title},
            {"say", step.say},         {"look_at", step.look_at}, {"pause", step.pause},
            {"line", step.line},       {"lab_ms", lab_ms}};
}

}  // namespace kraftlab::cli
