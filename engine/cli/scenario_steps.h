// What a scenario's runtime does to the lab, shared by kraftlab-cluster --scenario
// (scenario_run.cpp) and the app's player (app/scenario_controller.cpp): the commands that set
// the lab up, a step's commands with their placeholders filled in against the lab as it is, and
// what the pure player (lab/scenario_player.h) needs to know of the lab. Runs on the caller's
// thread (the headless main thread; the app's worker thread), like every command.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lab/cluster.h"
#include "lab/scenario.h"
#include "lab/scenario_player.h"

namespace kraftlab::cli {

// The clients a scenario started, in order: {producer:N} and {consumer:N} name them, and the
// records acknowledged to its producers are what when_acked counts.
struct ScenarioClients {
    std::vector<std::int32_t> producers;
    std::vector<std::int32_t> consumers;
};

// Each reply to a command the scenario ran, as kraftlab-cluster prints it (cli::reply).
using ReplySink = std::function<void(const nlohmann::json&)>;

// The leaders, replicas, ISRs, the active controller and the scenario's clients, now.
lab::ScenarioLabState scenario_lab_state(lab::Cluster& lab, const ScenarioClients& clients);

// Records acknowledged so far to the scenario's producers.
std::int64_t scenario_acked(lab::Cluster& lab, const ScenarioClients& clients);

// The commands that make the scenario's lab before its first step: the lab speed (when not 1)
// and its topics.
std::vector<std::string> scenario_setup_commands(const lab::Scenario& scenario, double speed);

// Runs one command line; a producer or consumer it starts joins `clients`. nullopt when it ran,
// else why not in plain words (refused, or a command a scenario may not use).
std::optional<std::string> run_scenario_command(lab::Cluster& lab, const std::string& line,
                                                ScenarioClients& clients, const ReplySink& sink);

// Runs step `index`'s commands in order, each with its placeholders filled in just before it
// runs. nullopt, or why the step failed: "step 3 (line 40): ...".
std::optional<std::string> run_scenario_step(lab::Cluster& lab, const lab::ScenarioStep& step,
                                             std::size_t index, ScenarioClients& clients,
                                             const ReplySink& sink);

// {"type":"scenario_step","step":N,"title",...}: the line printed when a step runs.
nlohmann::json scenario_step_line(const lab::ScenarioStep& step, std::size_t index,
                                  std::int64_t lab_ms);

}  // namespace kraftlab::cli
