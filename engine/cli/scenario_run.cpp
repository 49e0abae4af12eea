// kraftlab-cluster --scenario (scenario_run.h): the runtime around the pure player. Each tick
// (20 ms of wall time) it drains the lab's events into the player and onto stdout, runs every
// step that is due (its commands through the same vocabulary as stdin), and fails the run on a
// refused command or a step past its timeout. At the end it audits and prints the verdict.
#include "cli/scenario_run.h"

#include <iostream>

#include "cli/commands.h"
#include "cli/scenario_steps.h"
#include "core/lab_clock.h"
#include "lab/scenario_player.h"

namespace kraftlab::cli {

using nlohmann::json;

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
    ScenarioClients clients;
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
    auto run = [&](const std::string& line) {
        return run_scenario_command(lab, line, clients, emit);
    };

    for (const auto& line : scenario_setup_commands(scenario, speed.value_or(scenario.speed))) {
        if (auto why = run(line)) return finish(false, *why, {});
    }

    player.start(lab.lab_time().lab_ms);
    while (!player.done()) {
        drain();
        const std::int64_t acked = scenario_acked(lab, clients);
        const std::int64_t now = lab.lab_time().lab_ms;
        while (auto index = player.due(now, acked, scenario_lab_state(lab, clients))) {
            const auto& step = scenario.steps[*index];
            emit(scenario_step_line(step, *index, now));
            if (auto why = run_scenario_step(lab, step, *index, clients, emit))
                return finish(false, *why, {});
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
