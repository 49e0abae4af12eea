// kraftlab-cluster --scenario (scenario_run.h): the runtime around the pure player. Each tick
// (20 ms of wall time) it drains the lab's events into the player and onto stdout, runs every
// step that is due (its commands through the same vocabulary as stdin), and fails the run on a
// refused command or a step past its timeout. At the end it audits and prints the verdict.
#include "cli/scenario_run.h"

#include <iostream>

#include "cli/commands.h"
#include "core/lab_clock.h"
#include "lab/scenario_player.h"

namespace kraftlab::cli {

namespace {

using nlohmann::json;

lab::ScenarioLabState lab_state(lab::Cluster& lab, const std::vector<std::int32_t>& producers,
                                const std::vector<std::int32_t>& consumers) {
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
    s.producers = producers;
    s.consumers = consumers;
    return s;
}

json step_line(const lab::ScenarioStep& step, std::size_t index, std::int64_t lab_ms) {
    return {{"type", "scenario_step"}, {"step", index + 1},       {"title", step.title},
            {"say", step.say},         {"look_at", step.look_at}, {"pause", step.pause},
            {"line", step.line},       {"lab_ms", lab_ms}};
}

}  // namespace

int run_scenario(const std::string& path, lab::LabConfig config, std::optional<double> speed,
                 const std::function<void(const json&)>& emit) {
    auto loaded = lab::load_scenario(path);
    if (auto* error = std::get_if<lab::ScenarioError>(&loaded)) {
        std::cerr << "kraftlab-cluster: " << error->to_string() << "\n";
        emit({{"type", "scenario_error"},
              {"file", error->file},
              {"line", error->line},
              {"field", error->field},
              {"error", error->to_string()}});
        return 2;
    }
    const lab::Scenario scenario = std::get<lab::Scenario>(std::move(loaded));
    config.brokers = scenario.brokers;
    config.controllers = scenario.controllers;
    lab::Cluster lab(config);
    if (auto error = lab.start()) {
        emit({{"type", "error"}, {"error", *error}});
        return 1;
    }
    emit(ready_line(lab));
    emit({{"type", "scenario_started"},
          {"id", scenario.id},
          {"title", scenario.title},
          {"teaches", scenario.teaches},
          {"kafka", scenario.kafka},
          {"steps", scenario.steps.size()}});

    std::vector<core::Event> events;
    lab::ScenarioPlayer player(scenario);
    std::vector<std::int32_t> producers, consumers;
    auto drain = [&] {
        events.clear();
        lab.events().drain(events);
        for (const auto& e : events) {
            emit(e.to_json());
            player.on_event(e);
        }
    };
    auto finish = [&](bool passed, const std::string& summary, const json& expectations) {
        drain();
        emit({{"type", "scenario_verdict"},
              {"id", scenario.id},
              {"passed", passed},
              {"summary", summary},
              {"expectations", expectations.is_null() ? json::array() : expectations}});
        lab.stop();
        drain();
        return passed ? 0 : 1;
    };
    auto run = [&](const std::string& line) -> std::optional<std::string> {
        const auto out = run_command(lab, line);
        if (out.quit) return "'" + line + "' would end the lab: not a scenario step";
        if (!out.result) return std::nullopt;
        emit(reply(out.command, *out.result));
        if (!out.result->ok) return "'" + line + "' was refused: " + out.result->message;
        const auto& data = out.result->data;
        if (out.command == "produce" && data.contains("producer"))
            producers.push_back(data["producer"].get<std::int32_t>());
        if (out.command == "consume" && data.contains("consumer"))
            consumers.push_back(data["consumer"].get<std::int32_t>());
        return std::nullopt;
    };

    const double lab_speed = speed.value_or(scenario.speed);
    if (lab_speed != 1.0) {
        if (auto why = run("speed " + std::to_string(lab_speed))) return finish(false, *why, {});
    }
    for (const auto& t : scenario.topics) {
        std::string line = "create-topic " + t.name + " " + std::to_string(t.partitions) + " " +
                           std::to_string(t.replication_factor);
        for (const auto& [k, v] : t.configs)
            line += " " + k + "=" + v;
        if (auto why = run(line)) return finish(false, *why, {});
    }

    player.start(lab.lab_time().lab_ms);
    while (!player.done()) {
        drain();
        std::int64_t acked = 0;
        for (const auto& p : lab.snapshots().producers()) {
            if (std::find(producers.begin(), producers.end(), p->id) != producers.end())
                acked += static_cast<std::int64_t>(p->records_acked_total);
        }
        const std::int64_t now = lab.lab_time().lab_ms;
        while (auto index = player.due(now, acked, lab_state(lab, producers, consumers))) {
            const auto& step = scenario.steps[*index];
            emit(step_line(step, *index, now));
            for (const auto& action : step.actions) {
                std::string why;
                auto line =
                    lab::resolve_placeholders(action, lab_state(lab, producers, consumers), &why);
                if (!line) {
                    return finish(false,
                                  "step " + std::to_string(*index + 1) + " (line " +
                                      std::to_string(step.line) + "): " + why,
                                  {});
                }
                if (auto refused = run(*line)) {
                    return finish(false,
                                  "step " + std::to_string(*index + 1) + " (line " +
                                      std::to_string(step.line) + "): " + *refused,
                                  {});
                }
            }
        }
        if (auto why = player.overdue(lab.lab_time().lab_ms)) return finish(false, *why, {});
        core::LabClock::standalone().block_for(std::chrono::milliseconds(20));
    }

    drain();
    const auto audit = lab.audit();
    emit(reply("audit", audit));
    drain();
    if (!audit.ok) return finish(false, "the audit could not run: " + audit.message, {});
    const auto verdict = player.judge(audit.data);
    json results = json::array();
    for (const auto& r : verdict.results) {
        results.push_back(
            {{"held", r.held}, {"says", r.says}, {"detail", r.detail}, {"actual", r.actual}});
    }
    return finish(verdict.passed, verdict.summary, results);
}

}  // namespace kraftlab::cli
