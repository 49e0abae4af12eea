// kraftlab-cluster's command vocabulary: what a line on stdin (or a scenario step) asks of the
// lab, parsed strictly and run on the caller's thread. One line in, one CommandResult out; the
// caller prints it (reply()) or acts on it. The lab checks bounds and acts (lab/cluster.h).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "lab/cluster.h"

namespace kraftlab::cli {

// kraftlab-cluster --help: the options, then every command.
extern const std::string_view kUsage;

struct CommandOutcome {
    std::string command;                       // the first word ("" for an empty line)
    std::optional<lab::CommandResult> result;  // none for an empty line or quit
    bool quit = false;                         // "quit" or "exit"
};

// Runs one command line against the lab.
CommandOutcome run_command(lab::Cluster& lab, const std::string& line);

// {"type":"ready","bootstrap":...,"data":...,...}: the first line once the lab runs.
nlohmann::json ready_line(const lab::Cluster& lab);

// {"type":"reply","command":...,"ok":...,"message" or "error":...,...data}
nlohmann::json reply(const std::string& command, const lab::CommandResult& r);

}  // namespace kraftlab::cli
