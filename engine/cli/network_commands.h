// kraftlab-cluster: the lab network's commands (cut, heal, delay, loss, duplicate, reorder,
// bandwidth, reset, isolate, partition, ring, links) and the JSON line of an RPC event
// (--rpc-events). Parsing only: the lab (lab/cluster_network.cpp) checks bounds and acts.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/cluster.h"
#include "net/lab_network.h"

namespace kraftlab::cli {

extern const std::string_view kNetworkUsage;

// Runs words[0] if it is a network command; nullopt if it is not one.
std::optional<lab::CommandResult> run_network_command(lab::Cluster& lab,
                                                      const std::vector<std::string>& words);

// {"type":"rpc","from":"broker-2","to":"controller-101","api":"BrokerHeartbeat",...}
nlohmann::json rpc_event_json(const net::LabNetwork& network, const net::RpcEvent& event);

}  // namespace kraftlab::cli
