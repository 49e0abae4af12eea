#include "cli/network_commands.h"

#include "cli/parse.h"
#include "protocol/api_keys.h"

namespace kraftlab::cli {

using lab::CommandResult;
using net::LinkFaults;

const std::string_view kNetworkUsage =
    "The lab network (nodes: broker-N, controller-N, clients, or a bare id; a fault applies\n"
    "both ways unless 'oneway' is given, and is kept until healed; all on lab time):\n"
    "  cut A B [oneway]      silence on the link: requests wait for their sender's timeout\n"
    "  heal [A B]            every link (or that one, both ways) healthy again\n"
    "  delay A B MS [jitter=MS] [normal] [oneway]   add MS (± jitter, uniform or normal)\n"
    "  loss A B PCT [burst=N] [oneway]   lose PCT% of messages (in runs of N on average)\n"
    "  duplicate A B PCT [oneway]   deliver PCT% of requests twice (each is handled twice)\n"
    "  reorder A B PCT [oneway]     PCT% of messages may overtake earlier ones (needs a delay)\n"
    "  bandwidth A B BYTES [oneway]   cap the link at BYTES/s (0: no cap)\n"
    "  reset A B             reset the connections on the link (they reconnect)\n"
    "  isolate NODE          cut NODE from every other node (isolate clients: from the brokers)\n"
    "  partition A,B | C,D,E   nodes in different groups cannot talk (a node in two groups\n"
    "                        is a bridge); unlisted nodes keep their links\n"
    "  ring [A,B,C,D,...]    each node reaches only its neighbours, a majority each\n"
    "  links                 every faulty link, and the RPC count\n";

namespace {

std::optional<double> percent(const std::string& word) {
    std::string w = word;
    if (!w.empty() && w.back() == '%') w.pop_back();
    return parse_number<double>(w);
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (c == sep) {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

}  // namespace

std::optional<CommandResult> run_network_command(lab::Cluster& lab,
                                                 const std::vector<std::string>& words) {
    const std::string& cmd = words.at(0);
    // Options after the two node names: "oneway" and key=value pairs.
    bool one_way = false, normal = false;
    std::optional<std::int64_t> jitter, burst;
    std::string stray;
    auto read_options = [&](std::size_t from) {
        for (std::size_t i = from; i < words.size(); ++i) {
            const auto& w = words[i];
            if (w == "oneway") {
                one_way = true;
            } else if (w == "normal" && cmd == "delay") {
                normal = true;
            } else if (w.rfind("jitter=", 0) == 0 && cmd == "delay") {
                jitter = parse_number<std::int64_t>(w.substr(7));
                if (!jitter) stray = w;
            } else if (w.rfind("burst=", 0) == 0 && cmd == "loss") {
                burst = parse_number<std::int64_t>(w.substr(6));
                if (!burst) stray = w;
            } else {
                stray = w;
            }
        }
        return stray.empty();
    };
    auto usage = [&](const char* text) {
        return CommandResult::failure(std::string("usage: ") + text);
    };

    if (cmd == "cut") {
        if (words.size() < 3 || !read_options(3)) return usage("cut A B [oneway]");
        return lab.cut(words[1], words[2], one_way);
    }
    if (cmd == "heal") {
        if (words.size() == 1) return lab.heal();
        if (words.size() != 3) return usage("heal [A B]");
        return lab.heal(words[1], words[2]);
    }
    if (cmd == "delay") {
        auto ms = words.size() >= 4 ? parse_number<std::int64_t>(words[3]) : std::nullopt;
        if (!ms || !read_options(4) || *ms > INT32_MAX || jitter.value_or(0) > INT32_MAX)
            return usage("delay A B MS [jitter=MS] [normal] [oneway]");
        return lab.set_delay(
            words[1], words[2], static_cast<std::int32_t>(*ms),
            static_cast<std::int32_t>(jitter.value_or(0)),
            normal ? LinkFaults::Distribution::Normal : LinkFaults::Distribution::Uniform, one_way);
    }
    if (cmd == "loss" || cmd == "duplicate" || cmd == "reorder") {
        auto p = words.size() >= 4 ? percent(words[3]) : std::nullopt;
        if (!p || !read_options(4) || burst.value_or(1) > INT32_MAX) {
            return usage(cmd == "loss"        ? "loss A B PCT [burst=N] [oneway]"
                         : cmd == "duplicate" ? "duplicate A B PCT [oneway]"
                                              : "reorder A B PCT [oneway]");
        }
        if (cmd == "loss") {
            return lab.set_loss(words[1], words[2], *p,
                                static_cast<std::int32_t>(burst.value_or(1)), one_way);
        }
        return cmd == "duplicate" ? lab.set_duplicate(words[1], words[2], *p, one_way)
                                  : lab.set_reorder(words[1], words[2], *p, one_way);
    }
    if (cmd == "bandwidth") {
        auto n = words.size() >= 4 ? parse_number<std::int64_t>(words[3]) : std::nullopt;
        if (!n || !read_options(4)) return usage("bandwidth A B BYTES_PER_S [oneway]");
        return lab.set_bandwidth(words[1], words[2], *n, one_way);
    }
    if (cmd == "reset") {
        if (words.size() != 3) return usage("reset A B");
        return lab.reset_link(words[1], words[2]);
    }
    if (cmd == "isolate") {
        if (words.size() != 2) return usage("isolate NODE");
        return lab.isolate(words[1]);
    }
    if (cmd == "partition") {
        // "1,2 | 3,4,5" or "1,2 3,4,5": groups by '|' when there is one, else by spaces.
        std::string rest;
        for (std::size_t i = 1; i < words.size(); ++i)
            rest += words[i] + " ";
        std::vector<std::string> group_texts;
        if (rest.find('|') != std::string::npos) {
            for (auto& g : split(rest, '|')) {
                std::string compact;
                for (char c : g)
                    if (c != ' ') compact += c;
                group_texts.push_back(compact);
            }
        } else {
            group_texts.assign(words.begin() + 1, words.end());
        }
        std::vector<std::vector<std::string>> groups;
        for (const auto& g : group_texts)
            groups.push_back(split(g, ','));
        if (groups.size() < 2) return usage("partition A,B | C,D,E  (two groups or more)");
        return lab.partition(groups);
    }
    if (cmd == "ring") {
        if (words.size() > 2) return usage("ring [A,B,C,D,...]");
        return lab.ring(words.size() == 2 ? split(words[1], ',') : std::vector<std::string>{});
    }
    if (cmd == "links") {
        if (words.size() != 1) return usage("links");
        return lab.links();
    }
    return std::nullopt;
}

nlohmann::json rpc_event_json(const net::LabNetwork& network, const net::RpcEvent& e) {
    auto ms = [](std::int64_t ns) -> nlohmann::json {
        if (ns == 0) return nullptr;
        return static_cast<double>(ns / 1000) / 1000.0;  // lab ms, to the microsecond
    };
    return {{"type", "rpc"},
            {"seq", e.seq},
            {"from", network.node_name(e.from)},
            {"to", network.node_name(e.to)},
            {"api", std::string(protocol::api_name(e.api_key))},
            {"version", e.api_version},
            {"correlation_id", e.correlation_id},
            {"request_bytes", e.request_bytes},
            {"response_bytes", e.response_bytes},
            {"sent_ms", ms(e.sent_ns)},
            {"arrived_ms", ms(e.arrived_ns)},
            {"answered_ms", ms(e.answered_ns)},
            {"returned_ms", ms(e.returned_ns)},
            {"outcome", std::string(net::outcome_name(e.outcome))},
            {"delayed", e.delayed},
            {"duplicated", e.duplicated},
            {"reordered", e.reordered},
            {"topic", e.detail.topic == net::kNoTopic
                          ? nlohmann::json()
                          : nlohmann::json(network.topic_name(e.detail.topic))},
            {"partition",
             e.detail.partition >= 0 ? nlohmann::json(e.detail.partition) : nlohmann::json()},
            {"partitions", e.detail.partitions},
            {"offset", e.detail.offset >= 0 ? nlohmann::json(e.detail.offset) : nlohmann::json()}};
}

}  // namespace kraftlab::cli
