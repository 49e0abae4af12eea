// kraftlab-cluster --scenario FILE: runs one scenario headless (lab/scenario_player.h) on a lab
// of the scenario's shape, prints its steps, the lab's events and replies, and the verdict as
// JSON lines, and returns the exit code: 0 when every expectation held, 1 when one did not or
// the run failed (a command refused, a step that waited past its timeout), 2 for a bad file.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "lab/cluster.h"

namespace kraftlab::cli {

// `config` carries the command line's options; the scenario sets the number of brokers and
// controllers. `speed`, when given, overrides the scenario's lab speed (the test suite runs
// the library fast). `emit` prints one JSON line.
int run_scenario(const std::string& path, lab::LabConfig config, std::optional<double> speed,
                 const std::function<void(const nlohmann::json&)>& emit);

}  // namespace kraftlab::cli
