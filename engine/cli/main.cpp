// kraftlab-cluster: the headless lab.
//
//   kraftlab-cluster --brokers N [--port-base P] [--data DIR]
//
// Everything on stdout is one JSON object per line: first {"type":"ready",...}, then events
// ({"type":"event",...}) and replies to commands ({"type":"reply","ok":...}). Commands come on
// stdin, one a line; EOF is quit. Diagnostics that are not JSON go to stderr. Commands cover the
// cluster (topics, brokers) and the built-in workload (produce, consume, and their updates).
#include <atomic>
#include <charconv>
#include <csignal>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/network_commands.h"
#include "cli/parse.h"
#include "cli/scenario_run.h"
#include "core/lab_clock.h"
#include "core/thread_name.h"
#include "lab/cluster.h"
#include "lab/field_rules.h"
#include "lab/lab_secret.h"
#include "metadata/topic_config.h"
#include "net/sasl_plain.h"

namespace {

using kraftlab::cli::parse_number;
using kraftlab::cli::split_words;
using kraftlab::lab::check_field;
using kraftlab::lab::Cluster;
using kraftlab::lab::CommandResult;
using kraftlab::lab::Field;
using nlohmann::json;

std::mutex out_mutex;

void emit(const json& j) {
    std::lock_guard lock(out_mutex);
    std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n' << std::flush;
}

std::atomic<bool> signalled{false};

}  // namespace

int main(int argc, char** argv) {
    kraftlab::lab::LabConfig config;
    bool rpc_events = false;
    std::string scenario;
    std::optional<double> speed;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= args.size()) return std::nullopt;
            return args[++i];
        };
        if (a == "-h" || a == "--help") {
            std::cout << kraftlab::cli::kUsage << "\n" << kraftlab::cli::kNetworkUsage;
            return 0;
        } else if (a == "--brokers" || a == "--controllers") {
            auto v = value();
            auto n =
                check_field(a == "--brokers" ? Field::Brokers : Field::Controllers, v.value_or(""));
            if (!n.ok) {
                std::cerr << "kraftlab-cluster: " << a << ": " << n.message << "\n";
                return 2;
            }
            (a == "--brokers" ? config.brokers : config.controllers) =
                static_cast<std::int32_t>(n.whole());
        } else if (a == "--kafka-timeouts") {
            config.controller.election_timeout_ms = 1000;
            config.controller.fetch_timeout_ms = 2000;
            config.controller.broker_session_timeout_ms = 9000;
            config.broker.heartbeat_interval_ms = 2000;
            config.broker.session_timeout_ms = 9000;
        } else if (a == "--port-base") {
            auto v = value();
            auto n = v ? parse_number<std::uint16_t>(*v) : std::nullopt;
            if (!n) {
                std::cerr
                    << "kraftlab-cluster: --port-base needs a port number (0 for ephemeral)\n";
                return 2;
            }
            config.port_base = *n;
        } else if (a == "--num-partitions") {
            auto v = value();
            auto n = check_field(Field::Partitions, v.value_or(""));
            if (!n.ok) {
                std::cerr << "kraftlab-cluster: --num-partitions: " << n.message << "\n";
                return 2;
            }
            config.cluster.num_partitions = static_cast<std::int32_t>(n.whole());
        } else if (a == "--offsets-partitions") {
            auto v = value();
            auto n = check_field(Field::OffsetsPartitions, v.value_or(""));
            if (!n.ok) {
                std::cerr << "kraftlab-cluster: --offsets-partitions: " << n.message << "\n";
                return 2;
            }
            config.broker.offsets_topic_partitions = static_cast<std::int32_t>(n.whole());
        } else if (a == "--connections-max-idle-ms") {
            auto v = value();
            auto n = v ? parse_number<std::int64_t>(*v) : std::nullopt;
            if (!n || *n < 100 || *n > 86'400'000) {
                std::cerr << "kraftlab-cluster: --connections-max-idle-ms needs milliseconds, "
                             "100..86400000\n";
                return 2;
            }
            config.broker.connections_max_idle_ms = *n;
            config.controller.connections_max_idle_ms = *n;
        } else if (a == "--queued-max-request-bytes") {
            auto v = value();
            auto n = v ? parse_number<std::int64_t>(*v) : std::nullopt;
            if (!n || *n < (std::int64_t{2} << 20) || *n > (std::int64_t{16} << 30)) {
                std::cerr << "kraftlab-cluster: --queued-max-request-bytes needs a byte count, "
                             "2097152..17179869184\n";
                return 2;
            }
            config.broker.queued_max_request_bytes = static_cast<std::size_t>(*n);
            config.controller.queued_max_request_bytes = static_cast<std::size_t>(*n);
        } else if (a == "--client-sasl") {
            auto v = value();
            const auto colon = v ? v->find(':') : std::string::npos;
            if (!v || colon == std::string::npos || colon == 0 || colon + 1 == v->size() ||
                v->find('\0') != std::string::npos || colon > kraftlab::net::kMaxPlainFieldBytes ||
                v->size() - colon - 1 > kraftlab::net::kMaxPlainFieldBytes) {
                std::cerr << "kraftlab-cluster: --client-sasl needs USER:PASSWORD, both "
                             "non-empty, at most 255 bytes each\n";
                return 2;
            }
            kraftlab::net::SaslCredentials user{v->substr(0, colon), v->substr(colon + 1)};
            if (user.username == kraftlab::net::kLabNodeUser) {
                std::cerr << "kraftlab-cluster: --client-sasl: the user '"
                          << kraftlab::net::kLabNodeUser << "' is the lab's nodes' own\n";
                return 2;
            }
            config.client_sasl = std::move(user);
        } else if (a == "--lab-secret-file") {
            auto v = value();
            if (!v || v->empty()) {
                std::cerr << "kraftlab-cluster: --lab-secret-file needs a path\n";
                return 2;
            }
            std::string why;
            auto secret = kraftlab::lab::read_lab_secret_file(*v, &why);
            if (!secret) {
                std::cerr << "kraftlab-cluster: --lab-secret-file: " << why << "\n";
                return 2;
            }
            config.lab_secret = std::move(*secret);
        } else if (a == "--sasl-authentication-timeout-ms") {
            auto v = value();
            auto n = v ? parse_number<std::int64_t>(*v) : std::nullopt;
            if (!n || *n < 100 || *n > 600'000) {
                std::cerr << "kraftlab-cluster: --sasl-authentication-timeout-ms needs "
                             "milliseconds, 100..600000\n";
                return 2;
            }
            config.controller.sasl_authentication_timeout_ms = *n;
            config.broker.sasl_authentication_timeout_ms = *n;
        } else if (a == "--scenario") {
            auto v = value();
            if (!v || v->empty()) {
                std::cerr << "kraftlab-cluster: --scenario needs a scenario file\n";
                return 2;
            }
            scenario = *v;
        } else if (a == "--speed") {
            auto v = value();
            auto n = v ? parse_number<double>(*v) : std::nullopt;
            if (!n || !(*n >= 0.05 && *n <= 4)) {
                std::cerr << "kraftlab-cluster: --speed needs a lab speed, 0.05..4\n";
                return 2;
            }
            speed = *n;
        } else if (a == "--rpc-events") {
            rpc_events = true;
        } else if (a == "--no-lab-network") {
            config.lab_network = false;
        } else if (a == "--no-auto-create") {
            config.broker.auto_create_topics = false;
        } else if (a == "--data") {
            auto v = value();
            if (!v || v->empty()) {
                std::cerr << "kraftlab-cluster: --data needs a directory\n";
                return 2;
            }
            config.data_dir = *v;
        } else {
            std::cerr << "kraftlab-cluster: unknown argument '" << a << "'\n"
                      << kraftlab::cli::kUsage;
            return 2;
        }
    }

    // SIGINT/SIGTERM end the lab in order, like EOF: the handler only sets a flag, and without
    // SA_RESTART the blocked read of stdin returns, so the command loop sees it.
    struct sigaction action {};
    action.sa_handler = [](int) { signalled = true; };
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    if (!scenario.empty()) return kraftlab::cli::run_scenario(scenario, config, speed, emit);

    // Node threads block signals (core/thread_name.h), so these reach the command loop.
    Cluster lab(config);
    if (auto error = lab.start()) {
        emit({{"type", "error"}, {"error", *error}});
        return 1;
    }
    emit(kraftlab::cli::ready_line(lab));

    std::atomic<bool> quit{false};
    std::thread printer([&] {
        kraftlab::core::name_this_thread("events");
        std::vector<kraftlab::core::Event> batch;
        std::uint64_t rpc_cursor = 0;
        while (!quit.load()) {
            batch.clear();
            lab.events().drain(batch);
            for (const auto& e : batch)
                emit(e.to_json());
            if (rpc_events) {
                std::uint64_t missed = 0;
                for (const auto& r : lab.network().drain(&rpc_cursor, 4096, &missed))
                    emit(kraftlab::cli::rpc_event_json(lab.network(), r));
                if (missed) emit({{"type", "rpc_missed"}, {"count", missed}});
            }
            kraftlab::core::LabClock::standalone().block_for(std::chrono::milliseconds(20));
        }
    });

    std::string line;
    while (!signalled && std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto outcome = kraftlab::cli::run_command(lab, line);
        if (outcome.quit) break;
        if (outcome.result) emit(kraftlab::cli::reply(outcome.command, *outcome.result));
    }
    lab.stop();
    kraftlab::core::LabClock::standalone().block_for(std::chrono::milliseconds(50));
    quit = true;
    printer.join();
    std::vector<kraftlab::core::Event> rest;
    lab.events().drain(rest);
    for (const auto& e : rest)
        emit(e.to_json());
    emit(kraftlab::cli::reply("quit", CommandResult::success("the lab stopped; data kept in " +
                                                             lab.data_dir().string())));
    return 0;
}
