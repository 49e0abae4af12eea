#include "transcript.h"

#include <memory>
#include <sstream>

#include "sim.h"

namespace kraftlab::raft::sim {

namespace {

constexpr std::int64_t kTickMs = 100;
constexpr int kMaxRounds = 1000;

std::vector<std::string> split(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

bool parse_int(const std::string& s, std::int64_t& out) {
    if (s.empty()) return false;
    std::size_t used = 0;
    try {
        out = std::stoll(s, &used);
    } catch (...) {
        return false;
    }
    return used == s.size();
}

class Runner {
  public:
    // Runs one command; its output lines go to `out`. Returns an error message or "".
    std::string execute(const std::vector<std::string>& words, std::vector<std::string>& out) {
        out_ = &out;
        const std::string& cmd = words[0];
        std::vector<std::string> args(words.begin() + 1, words.end());
        if (cmd == "nodes") return nodes(args);
        if (!cluster_) return "no cluster: start with `nodes`";
        std::string err;
        if (cmd == "tick") {
            err = tick(args);
        } else if (cmd == "deliver") {
            err = deliver(args);
        } else if (cmd == "stabilize") {
            err = stabilize();
        } else if (cmd == "run") {
            err = run(args);
        } else if (cmd == "campaign" || cmd == "resign" || cmd == "crash" || cmd == "restart" ||
                   cmd == "pause" || cmd == "resume") {
            err = node_action(cmd, args);
        } else if (cmd == "propose") {
            err = propose(args);
        } else if (cmd == "partition") {
            err = partition(args);
        } else if (cmd == "heal") {
            cluster_->heal();
        } else if (cmd == "status") {
            for (NodeId id : cluster_->ids())
                out.push_back(status_text(cluster_->node(id)));
        } else if (cmd == "log") {
            err = log(args);
        } else {
            return "unknown command `" + cmd + "`";
        }
        if (!err.empty()) return err;
        cluster_->checker().check(*cluster_);
        cluster_->checker().check_log_matching(*cluster_);
        if (!cluster_->checker().ok()) {
            out.push_back("VIOLATION: " + cluster_->checker().first_violation());
            return "safety violation: " + cluster_->checker().first_violation();
        }
        return "";
    }

  private:
    std::string nodes(const std::vector<std::string>& args) {
        Options o;
        o.voters.clear();
        o.config.election_timeout_ms = 1000;
        o.config.election_backoff_max_ms = 1000;
        o.config.fetch_timeout_ms = 2000;
        o.config.request_timeout_ms = 2000;
        o.config.retry_backoff_ms = 20;
        o.fetch_hold_max_ms = 500;
        for (const std::string& a : args) {
            std::int64_t v = 0;
            if (a.rfind("observers=", 0) == 0) {
                std::istringstream in(a.substr(10));
                for (std::string id; std::getline(in, id, ',');) {
                    if (!parse_int(id, v)) return "bad observer id in `" + a + "`";
                    o.observers.push_back(static_cast<NodeId>(v));
                }
            } else if (a.rfind("seed=", 0) == 0 && parse_int(a.substr(5), v)) {
                o.seed = static_cast<std::uint64_t>(v);
            } else if (a.rfind("fetch_max_entries=", 0) == 0 && parse_int(a.substr(18), v)) {
                o.config.fetch_max_entries = v;
            } else if (parse_int(a, v)) {
                o.voters.push_back(static_cast<NodeId>(v));
            } else {
                return "bad argument `" + a + "`";
            }
        }
        if (o.voters.empty()) return "nodes: no voters";
        cluster_ = std::make_unique<Cluster>(o);
        cluster_->trace = [this](const std::string& line) {
            if (!quiet_ || line.rfind("  ", 0) == 0) out_->push_back(line);
        };
        return "";
    }

    std::string tick(const std::vector<std::string>& args) {
        std::int64_t n = 1, ms = kTickMs;
        for (const std::string& a : args) {
            if (a.rfind("ms=", 0) == 0) {
                if (!parse_int(a.substr(3), ms) || ms <= 0) return "tick: bad `" + a + "`";
            } else if (!parse_int(a, n) || n < 0) {
                return "tick: bad count `" + a + "`";
            }
        }
        for (std::int64_t i = 0; i < n; ++i)
            cluster_->tick(ms);
        return "";
    }

    std::string deliver(const std::vector<std::string>& args) {
        NodeId from = kNoNode, to = kNoNode, drop = kNoNode;
        for (const std::string& a : args) {
            std::int64_t v = 0;
            if (a.rfind("from=", 0) == 0 && parse_int(a.substr(5), v)) {
                from = static_cast<NodeId>(v);
            } else if (a.rfind("to=", 0) == 0 && parse_int(a.substr(3), v)) {
                to = static_cast<NodeId>(v);
            } else if (a.rfind("drop=", 0) == 0 && parse_int(a.substr(5), v)) {
                drop = static_cast<NodeId>(v);
            } else {
                return "deliver: bad argument `" + a + "`";
            }
        }
        round(from, to, drop);
        return "";
    }

    // One round: what is in flight now, in send order; what it causes waits for the next.
    bool round(NodeId from = kNoNode, NodeId to = kNoNode, NodeId drop = kNoNode) {
        std::vector<std::uint64_t> batch;
        for (const Message& m : cluster_->in_flight()) {
            if ((from == kNoNode || m.from == from) && (to == kNoNode || m.to == to)) {
                batch.push_back(m.seq);
            }
        }
        for (std::uint64_t seq : batch) {
            const auto& f = cluster_->in_flight();
            for (std::size_t i = 0; i < f.size(); ++i) {
                if (f[i].seq != seq) continue;
                if (f[i].to == drop) {
                    cluster_->drop(i);
                } else {
                    cluster_->deliver(i);
                }
                break;
            }
        }
        return !batch.empty();
    }

    std::string stabilize() {
        for (int i = 0; i < kMaxRounds; ++i) {
            if (!round()) return "";
        }
        return "stabilize: still busy after " + std::to_string(kMaxRounds) + " rounds";
    }

    std::string run(const std::vector<std::string>& args) {
        std::int64_t n = 0;
        if (args.size() != 1 || !parse_int(args[0], n)) return "run: need a tick count";
        quiet_ = true;
        std::string err;
        for (std::int64_t i = 0; i < n && err.empty(); ++i) {
            cluster_->tick(kTickMs);
            err = stabilize();
        }
        quiet_ = false;
        return err;
    }

    std::optional<NodeId> node_arg(const std::vector<std::string>& args, std::size_t i) {
        std::int64_t v = 0;
        if (i >= args.size() || !parse_int(args[i], v)) return std::nullopt;
        for (NodeId id : cluster_->ids()) {
            if (id == v) return id;
        }
        return std::nullopt;
    }

    std::string node_action(const std::string& cmd, const std::vector<std::string>& args) {
        auto id = node_arg(args, 0);
        if (!id || args.size() != 1) return cmd + ": need one known node id";
        if (cmd == "campaign") cluster_->campaign(*id);
        if (cmd == "resign") cluster_->resign(*id);
        if (cmd == "crash") cluster_->crash(*id);
        if (cmd == "restart") cluster_->restart(*id);
        if (cmd == "pause") cluster_->pause(*id);
        if (cmd == "resume") cluster_->resume(*id);
        return "";
    }

    std::string propose(const std::vector<std::string>& args) {
        auto id = node_arg(args, 0);
        if (!id || args.size() < 2) return "propose: need a node id and records";
        std::vector<Bytes> records;
        for (std::size_t i = 1; i < args.size(); ++i)
            records.push_back(bytes_of(args[i]));
        if (cluster_->node(*id).paused) {
            out_->push_back("not proposed: " + std::to_string(*id) + " is paused");
            return "";
        }
        auto offset = cluster_->propose(*id, std::move(records));
        out_->push_back(offset ? "offset " + std::to_string(*offset) : "rejected");
        return "";
    }

    std::string partition(const std::vector<std::string>& args) {
        std::vector<std::vector<NodeId>> groups(1);
        for (const std::string& a : args) {
            if (a == "|") {
                groups.emplace_back();
                continue;
            }
            std::int64_t v = 0;
            if (!parse_int(a, v)) return "partition: bad node `" + a + "`";
            groups.back().push_back(static_cast<NodeId>(v));
        }
        cluster_->partition(groups);
        return "";
    }

    std::string log(const std::vector<std::string>& args) {
        std::vector<NodeId> ids;
        for (std::size_t i = 0; i < args.size(); ++i) {
            auto id = node_arg(args, i);
            if (!id) return "log: unknown node `" + args[i] + "`";
            ids.push_back(*id);
        }
        if (ids.empty()) ids = cluster_->ids();
        for (NodeId id : ids) {
            std::string line = std::to_string(id) + ":";
            for (const Entry& e : cluster_->node(id).disk.log)
                line += " " + entry_text(e);
            out_->push_back(line);
        }
        return "";
    }

    std::unique_ptr<Cluster> cluster_;
    std::vector<std::string>* out_ = nullptr;
    bool quiet_ = false;
};

}  // namespace

TranscriptRun run_transcript(const std::string& text) {
    TranscriptRun result;
    Runner runner;
    std::istringstream in(text);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);

    std::ostringstream out;
    std::size_t i = 0;
    while (i < lines.size()) {
        const std::string& line = lines[i];
        if (line.empty() || line[0] == '#') {
            out << line << "\n";
            ++i;
            continue;
        }
        // A command: skip its recorded output (up to the blank line that ends the block).
        std::size_t j = i + 1;
        if (j < lines.size() && lines[j] == "----") {
            ++j;
            while (j < lines.size() && !lines[j].empty())
                ++j;
        }
        std::vector<std::string> produced;
        const std::string err = runner.execute(split(line), produced);
        if (!err.empty() && result.error.empty()) {
            result.error = "line " + std::to_string(i + 1) + ": `" + line + "`: " + err;
        }
        out << line << "\n----\n";
        if (produced.empty()) produced.push_back(err.empty() ? "ok" : "ERROR: " + err);
        for (const std::string& p : produced)
            out << p << "\n";
        if (j < lines.size()) {
            out << "\n";  // the blank line that ends the block
            i = j + 1;
        } else {
            i = j;
        }
    }
    result.output = out.str();
    return result;
}

}  // namespace kraftlab::raft::sim
