// Cluster: the lab network's commands (cluster.h): faults on links, Jepsen's shapes, heal.
// The links themselves and their faults live in net::LabNetwork; this file names nodes, checks
// bounds, and announces every change as a NetworkChanged event.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "lab/cluster.h"

namespace kraftlab::lab {

using core::EventKind;
using core::NodeRef;
using net::LinkFaults;
using net::NodeIndex;

namespace {

std::string arrow(bool one_way) {
    return one_way ? " → " : " ↔ ";
}

std::string pct(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

// The bounds of each fault, in the words a refusal gives.
std::optional<std::string> delay_problem(std::int32_t ms, std::int32_t jitter_ms) {
    if (ms < 0 || ms > 60'000 || jitter_ms < 0 || jitter_ms > 60'000)
        return "a delay and its jitter are 0..60000 ms";
    return std::nullopt;
}

std::optional<std::string> loss_problem(double percent, std::int32_t burst) {
    if (!(percent >= 0 && percent <= 100) || burst < 1 || burst > 1000)
        return "loss is 0..100 percent, in bursts of 1..1000 messages";
    return std::nullopt;
}

std::optional<std::string> percent_problem(const char* what, double percent) {
    if (!(percent >= 0 && percent <= 100)) return std::string(what) + " is 0..100 percent";
    return std::nullopt;
}

std::optional<std::string> bandwidth_problem(std::int64_t bytes_per_s) {
    if (bytes_per_s != 0 && (bytes_per_s < 1000 || bytes_per_s > (std::int64_t{10} << 30)))
        return "a bandwidth cap is 1000..10737418240 bytes/s (0 removes the cap)";
    return std::nullopt;
}

}  // namespace

std::optional<std::string> Cluster::resolve_node(const std::string& name, NodeIndex* index) const {
    if (!config_.lab_network)
        return "this lab runs without its network (--no-lab-network): no link to change";
    std::string label = name;
    const auto digit = [](unsigned char c) { return std::isdigit(c) != 0; };
    if (!name.empty() && std::all_of(name.begin(), name.end(), digit) && name.size() < 10) {
        const std::int32_t id = std::stoi(name);
        if (brokers_.count(id)) {
            label = NodeRef::broker(id).label();
        } else if (controllers_.count(id)) {
            label = NodeRef::controller(id).label();
        }
    }
    bool known = label == net::kClientsNode;
    for (const auto& [id, slot] : brokers_)
        known = known || label == NodeRef::broker(id).label();
    for (const auto& [id, slot] : controllers_)
        known = known || label == NodeRef::controller(id).label();
    auto found = known ? network_.find_node(label) : std::nullopt;
    if (!found) {
        std::string names;
        for (const auto& [id, slot] : controllers_)
            names += NodeRef::controller(id).label() + ", ";
        for (const auto& [id, slot] : brokers_)
            names += NodeRef::broker(id).label() + ", ";
        return "no node '" + name + "' in this lab (nodes: " + names + "clients; or a bare id)";
    }
    *index = *found;
    return std::nullopt;
}

CommandResult Cluster::change_links(const std::string& a, const std::string& b, bool one_way,
                                    const std::string& what,
                                    const std::function<void(LinkFaults&)>& edit) {
    std::lock_guard lock(mutex_);
    NodeIndex from = 0, to = 0;
    if (auto why = resolve_node(a, &from)) return CommandResult::failure(*why);
    if (auto why = resolve_node(b, &to)) return CommandResult::failure(*why);
    if (from == to) return CommandResult::failure("a link joins two different nodes");
    nlohmann::json links = nlohmann::json::array();
    std::vector<std::pair<NodeIndex, NodeIndex>> directions{{from, to}};
    if (!one_way) directions.emplace_back(to, from);
    for (const auto& [x, y] : directions) {
        LinkFaults f = network_.faults(x, y);
        edit(f);
        network_.set_faults(x, y, f);
        links.push_back({{"from", network_.node_name(x)},
                         {"to", network_.node_name(y)},
                         {"faults", f.any() ? f.describe() : "healthy"}});
    }
    const std::string message =
        network_.node_name(from) + arrow(one_way) + network_.node_name(to) + ": " + what;
    events_.publish(EventKind::NetworkChanged, NodeRef::lab(), message,
                    {{"links", links}, {"what", what}});
    return CommandResult::success(message, {{"links", links}});
}

CommandResult Cluster::cut(const std::string& a, const std::string& b, bool one_way) {
    return change_links(a, b, one_way,
                        one_way ? "cut one way (silence: nothing crosses)"
                                : "cut (silence: nothing crosses either way)",
                        [](LinkFaults& f) { f.cut = true; });
}

CommandResult Cluster::set_delay(const std::string& a, const std::string& b, std::int32_t ms,
                                 std::int32_t jitter_ms, LinkFaults::Distribution distribution,
                                 bool one_way) {
    if (auto why = delay_problem(ms, jitter_ms)) return CommandResult::failure(*why);
    const std::string what =
        ms == 0 && jitter_ms == 0
            ? "no delay"
            : "delay " + std::to_string(ms) + " ms" +
                  (jitter_ms ? (distribution == LinkFaults::Distribution::Normal ? " ~ " : " ± ") +
                                   std::to_string(jitter_ms) + " ms"
                             : "");
    return change_links(a, b, one_way, what, [&](LinkFaults& f) {
        f.delay_ms = ms;
        f.jitter_ms = jitter_ms;
        f.distribution = distribution;
    });
}

CommandResult Cluster::set_loss(const std::string& a, const std::string& b, double percent,
                                std::int32_t burst, bool one_way) {
    if (auto why = loss_problem(percent, burst)) return CommandResult::failure(*why);
    return change_links(a, b, one_way,
                        pct(percent) + "% of messages lost" +
                            (burst > 1 ? " (in runs of " + std::to_string(burst) + ")" : ""),
                        [&](LinkFaults& f) {
                            f.loss_percent = percent;
                            f.loss_burst = burst;
                        });
}

CommandResult Cluster::set_duplicate(const std::string& a, const std::string& b, double percent,
                                     bool one_way) {
    if (auto why = percent_problem("duplicate", percent)) return CommandResult::failure(*why);
    return change_links(a, b, one_way, pct(percent) + "% of requests delivered twice",
                        [&](LinkFaults& f) { f.duplicate_percent = percent; });
}

CommandResult Cluster::set_reorder(const std::string& a, const std::string& b, double percent,
                                   bool one_way) {
    if (auto why = percent_problem("reorder", percent)) return CommandResult::failure(*why);
    return change_links(a, b, one_way,
                        pct(percent) + "% of messages may overtake earlier ones (with a delay)",
                        [&](LinkFaults& f) { f.reorder_percent = percent; });
}

CommandResult Cluster::set_bandwidth(const std::string& a, const std::string& b,
                                     std::int64_t bytes_per_s, bool one_way) {
    if (auto why = bandwidth_problem(bytes_per_s)) return CommandResult::failure(*why);
    return change_links(
        a, b, one_way,
        bytes_per_s ? "at most " + std::to_string(bytes_per_s) + " bytes/s" : "no bandwidth cap",
        [&](LinkFaults& f) { f.bandwidth_bytes_per_s = bytes_per_s; });
}

CommandResult Cluster::set_link(const std::string& a, const std::string& b,
                                const LinkFaults& faults, bool one_way) {
    for (auto why : {delay_problem(faults.delay_ms, faults.jitter_ms),
                     loss_problem(faults.loss_percent, faults.loss_burst),
                     percent_problem("duplicate", faults.duplicate_percent),
                     percent_problem("reorder", faults.reorder_percent),
                     bandwidth_problem(faults.bandwidth_bytes_per_s)}) {
        if (why) return CommandResult::failure(*why);
    }
    return change_links(a, b, one_way, faults.any() ? faults.describe() : "healthy",
                        [&](LinkFaults& f) { f = faults; });
}

CommandResult Cluster::reset_link(const std::string& a, const std::string& b) {
    std::lock_guard lock(mutex_);
    NodeIndex x = 0, y = 0;
    if (auto why = resolve_node(a, &x)) return CommandResult::failure(*why);
    if (auto why = resolve_node(b, &y)) return CommandResult::failure(*why);
    if (x == y) return CommandResult::failure("a link joins two different nodes");
    const std::size_t n = network_.reset(x, y);
    const std::string message = network_.node_name(x) + " ↔ " + network_.node_name(y) + ": " +
                                std::to_string(n) + " connection" + (n == 1 ? "" : "s") +
                                " reset (they reconnect)";
    events_.publish(EventKind::NetworkChanged, NodeRef::lab(), message,
                    {{"what", "reset"}, {"connections", n}});
    return CommandResult::success(message, {{"connections", n}});
}

CommandResult Cluster::heal() {
    std::lock_guard lock(mutex_);
    const auto faulty = network_.faulty_links();
    network_.heal_all();
    const std::string message = faulty.empty() ? "every link was healthy already"
                                               : "healed " + std::to_string(faulty.size()) +
                                                     " link" + (faulty.size() == 1 ? "" : "s") +
                                                     ": every link is healthy";
    events_.publish(EventKind::NetworkChanged, NodeRef::lab(), message,
                    {{"what", "heal"}, {"links", nlohmann::json::array()}});
    return CommandResult::success(message, {{"healed", faulty.size()}});
}

CommandResult Cluster::heal(const std::string& a, const std::string& b) {
    return change_links(a, b, false, "healed", [](LinkFaults& f) { f = LinkFaults{}; });
}

CommandResult Cluster::apply_cuts(const std::vector<std::pair<NodeIndex, NodeIndex>>& cuts,
                                  const std::string& what) {
    nlohmann::json links = nlohmann::json::array();
    for (const auto& [x, y] : cuts) {
        LinkFaults f = network_.faults(x, y);
        f.cut = true;
        network_.set_faults(x, y, f);
        links.push_back(
            {{"from", network_.node_name(x)}, {"to", network_.node_name(y)}, {"faults", "cut"}});
    }
    const std::string message = what + " (" + std::to_string(cuts.size()) + " links cut)";
    events_.publish(EventKind::NetworkChanged, NodeRef::lab(), message,
                    {{"links", links}, {"what", what}});
    return CommandResult::success(message, {{"links", links}});
}

CommandResult Cluster::isolate(const std::string& node) {
    std::lock_guard lock(mutex_);
    NodeIndex n = 0;
    if (auto why = resolve_node(node, &n)) return CommandResult::failure(*why);
    std::vector<NodeIndex> others;
    const bool clients = network_.node_name(n) == net::kClientsNode;
    for (const auto& [id, slot] : brokers_)
        others.push_back(*network_.find_node(NodeRef::broker(id).label()));
    if (!clients) {
        for (const auto& [id, slot] : controllers_)
            others.push_back(*network_.find_node(NodeRef::controller(id).label()));
    }
    std::vector<std::pair<NodeIndex, NodeIndex>> cuts;
    for (NodeIndex o : others) {
        if (o == n) continue;
        cuts.emplace_back(n, o);
        cuts.emplace_back(o, n);
    }
    return apply_cuts(cuts, network_.node_name(n) + " isolated from every other " +
                                (clients ? "broker" : "node"));
}

CommandResult Cluster::partition(const std::vector<std::vector<std::string>>& groups) {
    std::lock_guard lock(mutex_);
    if (groups.size() < 2) return CommandResult::failure("a partition needs two groups or more");
    std::vector<std::set<NodeIndex>> sides;
    std::set<NodeIndex> listed;
    std::string shape;
    for (const auto& group : groups) {
        if (group.empty()) return CommandResult::failure("a group of a partition is empty");
        std::set<NodeIndex> side;
        std::string names;
        for (const auto& name : group) {
            NodeIndex n = 0;
            if (auto why = resolve_node(name, &n)) return CommandResult::failure(*why);
            side.insert(n);
            listed.insert(n);
            names += (names.empty() ? "" : ",") + network_.node_name(n);
        }
        sides.push_back(std::move(side));
        shape += (shape.empty() ? "" : " | ") + names;
    }
    std::vector<std::pair<NodeIndex, NodeIndex>> cuts;
    for (NodeIndex x : listed) {
        for (NodeIndex y : listed) {
            if (x == y) continue;
            const bool together = std::any_of(sides.begin(), sides.end(), [&](const auto& s) {
                return s.count(x) && s.count(y);
            });
            if (!together) cuts.emplace_back(x, y);
        }
    }
    if (cuts.empty()) {
        return CommandResult::failure(
            "every node listed shares a group with every other: "
            "nothing to cut");
    }
    return apply_cuts(cuts, "partitioned " + shape);
}

CommandResult Cluster::ring(const std::vector<std::string>& nodes) {
    std::lock_guard lock(mutex_);
    std::vector<NodeIndex> order;
    if (nodes.empty()) {
        for (const auto& [id, slot] : controllers_)
            order.push_back(*network_.find_node(NodeRef::controller(id).label()));
        for (const auto& [id, slot] : brokers_)
            order.push_back(*network_.find_node(NodeRef::broker(id).label()));
    } else {
        for (const auto& name : nodes) {
            NodeIndex n = 0;
            if (auto why = resolve_node(name, &n)) return CommandResult::failure(*why);
            if (std::find(order.begin(), order.end(), n) != order.end())
                return CommandResult::failure(name + " is twice in the ring");
            order.push_back(n);
        }
    }
    const std::size_t count = order.size();
    if (count < 4) return CommandResult::failure("a ring needs four nodes or more");
    // Each node sees itself and its nearest `reach` on each side: a majority, never the same.
    const std::size_t majority = count / 2 + 1;
    const std::size_t reach = majority / 2;  // (majority - 1 others, half on each side), rounded
    std::vector<std::pair<NodeIndex, NodeIndex>> cuts;
    std::string shape;
    for (std::size_t i = 0; i < count; ++i) {
        shape += (shape.empty() ? "" : " – ") + network_.node_name(order[i]);
        for (std::size_t j = 0; j < count; ++j) {
            if (i == j) continue;
            const std::size_t d = std::min((i + count - j) % count, (j + count - i) % count);
            if (d > reach) cuts.emplace_back(order[i], order[j]);
        }
    }
    return apply_cuts(cuts, "a ring " + shape + ": each node reaches its " + std::to_string(reach) +
                                " nearest on each side");
}

CommandResult Cluster::links() const {
    std::lock_guard lock(mutex_);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [ends, f] : network_.faulty_links()) {
        list.push_back({{"from", network_.node_name(ends.first)},
                        {"to", network_.node_name(ends.second)},
                        {"faults", f.describe()},
                        {"cut", f.cut},
                        {"delay_ms", f.delay_ms},
                        {"jitter_ms", f.jitter_ms},
                        {"loss_percent", f.loss_percent},
                        {"duplicate_percent", f.duplicate_percent},
                        {"reorder_percent", f.reorder_percent},
                        {"bandwidth_bytes_per_s", f.bandwidth_bytes_per_s}});
    }
    std::string message = list.empty() ? "every link is healthy" : "";
    for (const auto& l : list)
        message += (message.empty() ? "" : "; ") + l["from"].get<std::string>() + " → " +
                   l["to"].get<std::string>() + ": " + l["faults"].get<std::string>();
    return CommandResult::success(
        message,
        {{"nodes", network_.node_names()}, {"links", list}, {"rpcs", network_.events_recorded()}});
}

}  // namespace kraftlab::lab
