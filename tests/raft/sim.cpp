#include "sim.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <sstream>

namespace kraftlab::raft::sim {

namespace {

std::string node_text(NodeId n) {
    return n == kNoNode ? "-" : std::to_string(n);
}

std::string fetch_error_text(FetchError e) {
    switch (e) {
        case FetchError::None:
            return "";
        case FetchError::NotLeader:
            return " NOT_LEADER";
        case FetchError::FencedEpoch:
            return " FENCED_EPOCH";
        case FetchError::UnknownEpoch:
            return " UNKNOWN_EPOCH";
    }
    return " ?";
}

std::string entries_text(const std::vector<Entry>& entries) {
    std::string out = "[";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i) out += " ";
        out += entry_text(entries[i]);
    }
    return out + "]";
}

std::string request_text(const Request& r) {
    std::ostringstream o;
    if (const auto* v = std::get_if<VoteRequest>(&r)) {
        o << "Vote epoch=" << v->candidate_epoch << " last=" << v->last_end_offset << "@e"
          << v->last_epoch;
    } else if (const auto* b = std::get_if<BeginQuorumEpochRequest>(&r)) {
        o << "BeginQuorumEpoch epoch=" << b->epoch << " leader=" << node_text(b->leader_id);
    } else if (const auto* e = std::get_if<EndQuorumEpochRequest>(&r)) {
        o << "EndQuorumEpoch epoch=" << e->epoch << " leader=" << node_text(e->leader_id)
          << " successors=";
        for (std::size_t i = 0; i < e->preferred_successors.size(); ++i) {
            o << (i ? "," : "") << e->preferred_successors[i];
        }
        if (e->preferred_successors.empty()) o << "-";
    } else if (const auto* f = std::get_if<FetchRequest>(&r)) {
        o << "Fetch epoch=" << f->current_epoch << " offset=" << f->fetch_offset
          << " last_epoch=" << f->last_fetched_epoch;
    }
    return o.str();
}

std::string response_text(const Response& r) {
    std::ostringstream o;
    if (const auto* v = std::get_if<VoteResponse>(&r)) {
        o << "VoteResponse epoch=" << v->epoch << " leader=" << node_text(v->leader_id)
          << (v->granted ? " granted" : " rejected: " + v->reason);
    } else if (const auto* b = std::get_if<BeginQuorumEpochResponse>(&r)) {
        o << "BeginQuorumEpochResponse epoch=" << b->epoch << " leader=" << node_text(b->leader_id);
    } else if (const auto* e = std::get_if<EndQuorumEpochResponse>(&r)) {
        o << "EndQuorumEpochResponse epoch=" << e->epoch << " leader=" << node_text(e->leader_id);
    } else if (const auto* f = std::get_if<FetchResponse>(&r)) {
        o << "FetchResponse" << fetch_error_text(f->error) << " epoch=" << f->epoch
          << " leader=" << node_text(f->leader_id);
        if (f->error == FetchError::None) {
            o << " hw=" << f->high_watermark;
            if (f->diverging_epoch) {
                o << " diverging=" << f->diverging_epoch->second << "@e"
                  << f->diverging_epoch->first;
            } else {
                o << " entries=" << entries_text(f->entries);
            }
        }
    }
    return o.str();
}

// Where an entry with `base_offset` sits in a contiguous log, or -1.
std::ptrdiff_t index_of(const std::vector<Entry>& log, std::int64_t base_offset) {
    auto it = std::lower_bound(log.begin(), log.end(), base_offset,
                               [](const Entry& e, std::int64_t o) { return e.base_offset < o; });
    if (it == log.end() || it->base_offset != base_offset) return -1;
    return it - log.begin();
}

}  // namespace

// ================================================================== text

Bytes bytes_of(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

std::string records_text(const std::vector<Bytes>& records) {
    if (auto leader = leader_change_leader(Entry{0, 1, records})) {
        return "<leader " + std::to_string(*leader) + ">";
    }
    std::string out;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i) out += ",";
        out += std::string(records[i].begin(), records[i].end());
    }
    return out;
}

std::string entry_text(const Entry& e) {
    return std::to_string(e.base_offset) + "@e" + std::to_string(e.epoch) + ":" +
           records_text(e.records);
}

std::string message_text(const Message& m) {
    switch (m.type) {
        case Message::Type::Request:
            return std::to_string(m.from) + "->" + std::to_string(m.to) + " " +
                   request_text(m.request);
        case Message::Type::Response:
            return std::to_string(m.from) + "->" + std::to_string(m.to) + " " +
                   response_text(m.response);
        case Message::Type::Failure:
            return "net->" + std::to_string(m.to) + " request to " + std::to_string(m.from) +
                   " failed";
    }
    return "?";
}

std::string change_text(NodeId node, const Change& c) {
    const std::string n = "  " + std::to_string(node) + ": ";
    const std::string e = std::to_string(c.epoch);
    switch (c.kind) {
        case Change::Kind::RoleChanged:
            return n + "epoch " + e + " leader " + node_text(c.peer) + ", " + c.reason;
        case Change::Kind::ElectionStarted:
            return n + "election for epoch " + e + ": " + c.reason;
        case Change::Kind::VoteGranted:
            return n + "vote from " + std::to_string(c.peer);
        case Change::Kind::VoteRejected:
            return n + "no vote from " + std::to_string(c.peer) + ": " + c.reason;
        case Change::Kind::VoteCast:
            return n + c.reason;
        case Change::Kind::ElectionWon:
            return n + c.reason;
        case Change::Kind::ElectionLost:
            return n + "lost epoch " + e + ": " + c.reason;
        case Change::Kind::Resigned:
            return n + "resigned epoch " + e + ": " + c.reason;
        case Change::Kind::Truncated:
            return n + "truncated to " + std::to_string(c.offset) + ": " + c.reason;
        case Change::Kind::HighWatermark:
            return n + "high watermark " + std::to_string(c.offset);
    }
    return n + "?";
}

std::string status_text(const Node& n) {
    std::ostringstream o;
    o << n.id << ": ";
    if (!n.raft) {
        o << "down       epoch=" << n.disk.state.epoch
          << " voted=" << node_text(n.disk.state.voted_for)
          << " log=" << (n.disk.log.empty() ? 0 : n.disk.log.back().next_offset());
        return o.str();
    }
    const RaftNode& r = *n.raft;
    std::string role(role_name(r.role()));
    role.resize(10, ' ');
    o << role << " epoch=" << r.epoch() << " leader=" << node_text(r.leader())
      << " voted=" << node_text(r.voted_for()) << " log=" << r.log_end_offset() << "@e"
      << r.last_epoch() << " hw=" << r.high_watermark();
    if (n.paused) o << " paused";
    return o.str();
}

// ================================================================== checker

void Checker::violation(std::string what) {
    if (violations_++ == 0) {
        first_ =
            "t=" + std::to_string(cluster_ ? cluster_->now_ms() : 0) + "ms: " + std::move(what);
    }
}

const Entry* Checker::committed_at(std::int64_t base_offset) const {
    const auto i = index_of(committed_, base_offset);
    return i < 0 ? nullptr : &committed_[static_cast<std::size_t>(i)];
}

void Checker::on_state_persisted(const Node& n, const QuorumState& before,
                                 const QuorumState& after) {
    if (after.epoch < before.epoch) {
        violation("node " + std::to_string(n.id) + " persisted epoch " +
                  std::to_string(after.epoch) + " after " + std::to_string(before.epoch));
    }
    if (after.epoch == before.epoch && before.voted_for != kNoNode &&
        after.voted_for != before.voted_for) {
        violation("node " + std::to_string(n.id) + " voted twice in epoch " +
                  std::to_string(after.epoch) + ": for " + std::to_string(before.voted_for) +
                  ", then " + node_text(after.voted_for));
    }
    if (!n.voter && after.voted_for != kNoNode) {
        violation("observer " + std::to_string(n.id) + " voted");
    }
}

void Checker::on_vote_answered(const Node& n, NodeId candidate, const VoteResponse& r) {
    if (!r.granted) return;
    if (!n.voter) violation("observer " + std::to_string(n.id) + " granted a vote");
    if (n.disk.state.epoch != r.epoch || n.disk.state.voted_for != candidate) {
        violation("node " + std::to_string(n.id) + " granted a vote to " +
                  std::to_string(candidate) + " in epoch " + std::to_string(r.epoch) +
                  " that is not on its disk");
    }
}

void Checker::on_restart(const Node& n) {
    Track& t = tracks_[n.id];
    t.high_watermark = -1;
    t.checked_to = 0;
    t.applied_checked = 0;
}

void Checker::on_durable_truncated(const Node& n, std::int64_t offset) {
    Track& t = tracks_[n.id];
    t.durable_match = std::min(t.durable_match, offset);
}

void Checker::check_leader_has_committed(const Node& n, std::size_t from_index) {
    const RaftNode& r = *n.raft;
    for (std::size_t i = from_index; i < committed_.size(); ++i) {
        if (committed_epoch_[i] >= r.epoch()) continue;
        const Entry& e = committed_[i];
        auto got = r.entries(e.base_offset, e.next_offset());
        if (got.size() != 1 || got.front() != e) {
            violation("leader " + std::to_string(n.id) + " of epoch " + std::to_string(r.epoch()) +
                      " lacks committed entry " + entry_text(e) + " (committed in epoch " +
                      std::to_string(committed_epoch_[i]) + ")");
            return;
        }
    }
}

void Checker::check(const Cluster& c) {
    cluster_ = &c;
    const std::size_t committed_before = committed_.size();
    for (NodeId id : c.ids()) {
        const Node& n = c.node(id);
        Track& t = tracks_[id];
        if (!n.raft) continue;
        const RaftNode& r = *n.raft;
        const std::string who = "node " + std::to_string(id);

        if (r.epoch() < t.epoch) {
            violation(who + " went back from epoch " + std::to_string(t.epoch) + " to " +
                      std::to_string(r.epoch()));
        }
        t.epoch = std::max(t.epoch, r.epoch());

        if (!n.voter && (r.role() != Role::Observer || r.voted_for() != kNoNode)) {
            violation("observer " + std::to_string(id) + " is " + std::string(role_name(r.role())));
        }
        if (r.role() == Role::Leader) {
            auto [it, first_time] = leaders_.emplace(r.epoch(), id);
            if (!first_time && it->second != id) {
                violation("two leaders in epoch " + std::to_string(r.epoch()) + ": " +
                          std::to_string(it->second) + " and " + std::to_string(id));
            }
            if (first_time) check_leader_has_committed(n, 0);
        }

        const std::int64_t hw = r.high_watermark();
        if (hw < t.high_watermark) {
            violation(who + "'s high watermark went back from " + std::to_string(t.high_watermark) +
                      " to " + std::to_string(hw));
        }
        t.high_watermark = std::max(t.high_watermark, hw);
        if (hw > r.log_end_offset()) {
            violation(who + "'s high watermark " + std::to_string(hw) + " is past its log end " +
                      std::to_string(r.log_end_offset()));
        }
        // State machine safety: what this node has committed equals what anyone committed.
        if (hw > t.checked_to) {
            for (const Entry& e : r.entries(t.checked_to, hw)) {
                if (e.base_offset < committed_end()) {
                    const Entry* known = committed_at(e.base_offset);
                    if (!known || *known != e) {
                        violation(who + " committed " + entry_text(e) + " where " +
                                  (known ? entry_text(*known) : std::string("another entry")) +
                                  " was committed");
                        break;
                    }
                } else if (e.base_offset == committed_end()) {
                    committed_.push_back(e);
                    committed_epoch_.push_back(r.epoch());
                } else {
                    violation(who + " committed " + entry_text(e) + " past a gap");
                    break;
                }
            }
            t.checked_to = hw;
        }
        // What the node applied is the committed log, in order.
        for (; t.applied_checked < n.applied.size(); ++t.applied_checked) {
            const Entry& e = n.applied[t.applied_checked];
            const Entry* known = committed_at(e.base_offset);
            if (!known || *known != e) {
                violation(who + " applied " + entry_text(e) + " which is not the committed entry");
                break;
            }
        }
    }

    // Leader completeness for what just became committed.
    if (committed_.size() > committed_before) {
        for (NodeId id : c.ids()) {
            const Node& n = c.node(id);
            if (n.raft && n.raft->role() == Role::Leader)
                check_leader_has_committed(n, committed_before);
        }
    }

    // Committed means on a majority of voters' disks, and it stays there.
    const std::int64_t end = committed_end();
    std::size_t holding = 0;
    for (NodeId v : c.voters()) {
        const Node& n = c.node(v);
        Track& t = tracks_[v];
        while (t.durable_match < end) {
            const auto i = index_of(n.disk.log, t.durable_match);
            const Entry* want = committed_at(t.durable_match);
            if (i < 0 || !want || n.disk.log[static_cast<std::size_t>(i)] != *want) break;
            t.durable_match = want->next_offset();
        }
        if (t.durable_match >= end) ++holding;
    }
    if (end > 0 && holding < c.voters().size() / 2 + 1) {
        violation("committed log up to " + std::to_string(end) + " is on only " +
                  std::to_string(holding) + " of " + std::to_string(c.voters().size()) +
                  " voters' disks");
    }

    // Leader completeness, looking ahead: no voter that lacks part of the committed log may be
    // able to win a future election. A voter grants a vote only to a candidate whose log is at
    // least as up to date as its own (last epoch, then end offset), so count, for each voter
    // missing something, the voters (itself included) whose disk log is no more up to date than
    // its own. In correct Raft that is never a majority: committing needs an entry of the
    // leader's epoch on a majority, and each of those logs is more up to date than any log that
    // lacks it. Committing an older epoch's entries by counting replicas alone (the paper's
    // figure 8) breaks this at once, before any crash has to expose it.
    if (end > 0) {
        auto last_of = [](const Node& n) {
            return n.disk.log.empty()
                       ? std::pair<std::int32_t, std::int64_t>(0, 0)
                       : std::pair(n.disk.log.back().epoch, n.disk.log.back().next_offset());
        };
        for (NodeId x : c.voters()) {
            if (tracks_[x].durable_match >= end) continue;
            const auto lx = last_of(c.node(x));
            std::size_t would_vote = 0;
            for (NodeId y : c.voters()) {
                if (last_of(c.node(y)) <= lx) ++would_vote;
            }
            if (would_vote >= c.voters().size() / 2 + 1) {
                violation("node " + std::to_string(x) + " lacks the committed log up to " +
                          std::to_string(end) + " (it matches up to " +
                          std::to_string(tracks_[x].durable_match) + ") yet could be elected: " +
                          std::to_string(would_vote) + " of " + std::to_string(c.voters().size()) +
                          " voters' logs are no more up to date than its (epoch " +
                          std::to_string(lx.first) + ", end " + std::to_string(lx.second) + ")");
                break;
            }
        }
    }
}

void Checker::check_log_matching(const Cluster& c) {
    cluster_ = &c;
    const auto& ids = c.ids();
    for (std::size_t i = 0; i < ids.size(); ++i) {
        for (std::size_t j = i + 1; j < ids.size(); ++j) {
            const auto& a = c.node(ids[i]).disk.log;
            const auto& b = c.node(ids[j]).disk.log;
            // The highest entry both hold with the same epoch: everything below must be equal.
            for (std::size_t k = a.size(); k-- > 0;) {
                const auto jb = index_of(b, a[k].base_offset);
                if (jb < 0 || b[static_cast<std::size_t>(jb)].epoch != a[k].epoch) continue;
                for (std::size_t m = 0; m <= k; ++m) {
                    const auto mb = index_of(b, a[m].base_offset);
                    if (mb < 0 || b[static_cast<std::size_t>(mb)] != a[m]) {
                        violation("log matching: nodes " + std::to_string(ids[i]) + " and " +
                                  std::to_string(ids[j]) + " agree on " + entry_text(a[k]) +
                                  " but not on " + entry_text(a[m]));
                        break;
                    }
                }
                break;
            }
        }
    }
}

// ================================================================== cluster

Cluster::Cluster(Options options) : options_(std::move(options)), rng_(options_.seed) {
    for (NodeId v : options_.voters)
        ids_.push_back(v);
    for (NodeId o : options_.observers)
        ids_.push_back(o);
    std::sort(ids_.begin(), ids_.end());
    for (NodeId id : ids_) {
        Node& n = nodes_[id];
        n.id = id;
        n.voter =
            std::find(options_.voters.begin(), options_.voters.end(), id) != options_.voters.end();
    }
    for (NodeId id : ids_) {
        Node& n = nodes_[id];
        n.raft.emplace(config_for(n), n.disk.state, n.disk.log, now_ms_);
        process(n);
    }
}

Config Cluster::config_for(const Node& n) const {
    Config c = options_.config;
    c.id = n.id;
    c.voters = options_.voters;
    c.random_seed =
        options_.seed * 1000003 + static_cast<std::uint64_t>(n.id) * 7919 + n.incarnation;
    return c;
}

Node& Cluster::node(NodeId id) {
    return nodes_.at(id);
}
const Node& Cluster::node(NodeId id) const {
    return nodes_.at(id);
}

std::optional<NodeId> Cluster::leader() const {
    std::optional<NodeId> best;
    std::int32_t best_epoch = -1;
    for (const auto& [id, n] : nodes_) {
        if (n.raft && n.raft->role() == Role::Leader && n.raft->epoch() > best_epoch) {
            best = id;
            best_epoch = n.raft->epoch();
        }
    }
    return best;
}

bool Cluster::connected(NodeId a, NodeId b) const {
    if (one_way_cuts_.count({a, b})) return false;
    auto ga = group_.find(a);
    auto gb = group_.find(b);
    if (ga == group_.end() || gb == group_.end()) return true;
    return ga->second == gb->second;
}

void Cluster::partition(const std::vector<std::vector<NodeId>>& groups) {
    group_.clear();
    for (std::size_t g = 0; g < groups.size(); ++g) {
        for (NodeId id : groups[g])
            group_[id] = static_cast<int>(g);
    }
}

void Cluster::cut_one_way(NodeId from, NodeId to) {
    one_way_cuts_.insert({from, to});
}

void Cluster::heal() {
    group_.clear();
    one_way_cuts_.clear();
}

void Cluster::send(Message m) {
    const Faults& f = options_.faults;
    std::uniform_real_distribution<double> chance(0.0, 1.0);
    auto delay = [&]() -> std::int64_t {
        if (f.long_delay > 0 && chance(rng_) < f.long_delay) {
            return std::uniform_int_distribution<std::int64_t>(0, f.long_delay_max_ms)(rng_);
        }
        if (f.delay_max_ms <= f.delay_min_ms) return f.delay_min_ms;
        return std::uniform_int_distribution<std::int64_t>(f.delay_min_ms, f.delay_max_ms)(rng_);
    };
    if (f.drop > 0 && chance(rng_) < f.drop) {
        report(message_text(m) + " (lost)");
        return;
    }
    const bool twice = f.duplicate > 0 && chance(rng_) < f.duplicate;
    m.seq = next_seq_++;
    m.deliver_at_ms = now_ms_ + delay();
    in_flight_.push_back(m);
    if (twice) {
        m.seq = next_seq_++;
        m.deliver_at_ms = now_ms_ + delay();
        in_flight_.push_back(m);
    }
}

void Cluster::notify_failure(const Message& m) {
    if (m.type != Message::Type::Request) return;
    std::uniform_real_distribution<double> chance(0.0, 1.0);
    if (options_.faults.notify_failure <= 0 || chance(rng_) >= options_.faults.notify_failure)
        return;
    Message f;
    f.type = Message::Type::Failure;
    f.from = m.to;
    f.to = m.from;
    f.request_id = m.request_id;
    f.incarnation = m.incarnation;
    f.seq = next_seq_++;
    f.deliver_at_ms = now_ms_ + 1;
    in_flight_.push_back(f);
}

void Cluster::drop(std::size_t index) {
    Message m = in_flight_.at(index);
    in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(index));
    report(message_text(m) + " (dropped)");
}

void Cluster::deliver(std::size_t index) {
    Message m = in_flight_.at(index);
    in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(index));
    // A message that waited at a paused node had already arrived: later cuts cannot take it.
    if (!m.waited && m.type != Message::Type::Failure && !connected(m.from, m.to)) {
        report(message_text(m) + " (cut)");
        notify_failure(m);
        return;
    }
    Node& n = node(m.to);
    if (!n.raft) {
        report(message_text(m) + " (" + std::to_string(m.to) + " is down)");
        notify_failure(m);
        return;
    }
    if (n.paused) {
        // The connection is open and the bytes arrive; nobody reads them until it resumes.
        report(message_text(m) + " (waits: " + std::to_string(m.to) + " is paused)");
        n.waiting.push_back(std::move(m));
        return;
    }
    ++delivered_;
    switch (m.type) {
        case Message::Type::Request: {
            const auto* f = std::get_if<FetchRequest>(&m.request);
            if (f && options_.long_poll && n.raft->fetch_would_wait(*f)) {
                report(message_text(m) + " (held)");
                n.held.push_back({m, now_ms_});
                return;
            }
            handle_request(n, m, "");
            break;
        }
        case Message::Type::Response:
        case Message::Type::Failure:
            if (n.incarnation != m.incarnation) {
                report(message_text(m) + " (lost: " + std::to_string(m.to) + " restarted)");
                return;
            }
            report(message_text(m));
            if (m.type == Message::Type::Response) {
                n.raft->handle_response(m.request_id, m.response, now_ms_);
            } else {
                n.raft->request_failed(m.request_id, now_ms_);
            }
            process(n);
            break;
    }
    release_held(n);
}

void Cluster::handle_request(Node& n, const Message& m, const char* note) {
    report(message_text(m) + note);
    Response response = std::visit(
        [&](const auto& req) -> Response { return n.raft->handle(req, m.from, now_ms_); },
        m.request);
    // The answer leaves only once what it depends on is on disk.
    process(n);
    if (const auto* v = std::get_if<VoteResponse>(&response)) {
        checker_.on_vote_answered(n, std::get<VoteRequest>(m.request).candidate_id, *v);
    }
    Message answer;
    answer.type = Message::Type::Response;
    answer.from = n.id;
    answer.to = m.from;
    answer.request_id = m.request_id;
    answer.incarnation = m.incarnation;
    answer.response = std::move(response);
    send(std::move(answer));
}

void Cluster::release_held(Node& n) {
    for (;;) {
        if (!n.raft) {
            n.held.clear();
            return;
        }
        if (n.paused) return;  // held fetches stay held: nothing at the node runs
        auto it = std::find_if(n.held.begin(), n.held.end(), [&](const Node::Held& h) {
            return now_ms_ - h.since_ms >= options_.fetch_hold_max_ms ||
                   !n.raft->fetch_would_wait(std::get<FetchRequest>(h.message.request));
        });
        if (it == n.held.end()) return;
        Message m = it->message;
        n.held.erase(it);
        handle_request(n, m, " (released)");
    }
}

void Cluster::process(Node& n) {
    for (int round = 0; round < 8 && n.raft; ++round) {
        Ready r = n.raft->ready();
        if (r.empty()) return;
        if (r.quorum_state) {
            checker_.on_state_persisted(n, n.disk.state, *r.quorum_state);
            n.disk.state = *r.quorum_state;
        }
        if (r.truncate_to) {
            const std::int64_t to = *r.truncate_to;
            auto it = std::find_if(n.disk.log.begin(), n.disk.log.end(),
                                   [&](const Entry& e) { return e.next_offset() > to; });
            if (it != n.disk.log.end() && it->base_offset != to) {
                checker_.violation("node " + std::to_string(n.id) +
                                   " truncated inside an entry at " + std::to_string(to));
            }
            n.disk.log.erase(it, n.disk.log.end());
            checker_.on_durable_truncated(n, to);
        }
        for (Entry& e : r.append) {
            const std::int64_t end = n.disk.log.empty() ? 0 : n.disk.log.back().next_offset();
            if (e.base_offset != end) {
                checker_.violation("node " + std::to_string(n.id) + " appended " + entry_text(e) +
                                   " at log end " + std::to_string(end));
            }
            n.disk.log.push_back(std::move(e));
        }
        for (OutgoingRequest& out : r.requests) {
            Message m;
            m.type = Message::Type::Request;
            m.from = n.id;
            m.to = out.to;
            m.request_id = out.id;
            m.incarnation = n.incarnation;
            m.request = std::move(out.request);
            send(std::move(m));
        }
        for (Entry& e : r.committed) {
            const std::int64_t end = n.applied.empty() ? 0 : n.applied.back().next_offset();
            if (e.base_offset != end) {
                checker_.violation("node " + std::to_string(n.id) + " applied " + entry_text(e) +
                                   " after " + std::to_string(end));
            }
            n.applied.push_back(std::move(e));
        }
        if (trace) {
            for (const Change& ch : r.changes)
                trace(change_text(n.id, ch));
        }
    }
}

void Cluster::tick(std::int64_t ms) {
    now_ms_ += ms;
    for (NodeId id : ids_) {
        Node& n = node(id);
        if (!n.raft || n.paused) continue;
        n.raft->tick(now_ms_);
        process(n);
    }
    for (NodeId id : ids_)
        release_held(node(id));
}

void Cluster::crash(NodeId id) {
    Node& n = node(id);
    if (!n.raft) return;
    n.raft.reset();
    n.held.clear();
    n.paused = false;
    n.waiting.clear();  // read by no one: lost with the process
    report("  " + std::to_string(id) + ": crashed");
}

void Cluster::pause(NodeId id) {
    Node& n = node(id);
    if (!n.raft || n.paused) return;
    n.paused = true;
    n.paused_at_ms = now_ms_;
    report("  " + std::to_string(id) + ": paused");
}

void Cluster::resume(NodeId id) {
    Node& n = node(id);
    if (!n.paused) return;
    n.paused = false;
    report("  " + std::to_string(id) + ": resumed after " +
           std::to_string(now_ms_ - n.paused_at_ms) + " ms, " + std::to_string(n.waiting.size()) +
           " messages waiting");
    for (Message& m : n.waiting) {
        m.waited = true;
        m.deliver_at_ms = now_ms_;
        in_flight_.push_back(std::move(m));
    }
    n.waiting.clear();
    // Nothing else runs now: the node acts at its next tick (seeing the whole pause at once) or
    // when the first waiting message is delivered, whichever the caller makes come first.
}

void Cluster::restart(NodeId id) {
    Node& n = node(id);
    if (n.raft) return;
    ++n.incarnation;
    n.applied.clear();
    checker_.on_restart(n);
    n.raft.emplace(config_for(n), n.disk.state, n.disk.log, now_ms_);
    process(n);
}

std::optional<std::int64_t> Cluster::propose(NodeId id, std::vector<Bytes> records) {
    Node& n = node(id);
    if (!n.raft || n.paused) return std::nullopt;
    auto offset = n.raft->propose(std::move(records), now_ms_);
    process(n);
    release_held(n);
    return offset;
}

void Cluster::campaign(NodeId id) {
    Node& n = node(id);
    if (!n.raft || n.paused) return;
    n.raft->campaign(now_ms_);
    process(n);
    release_held(n);
}

void Cluster::resign(NodeId id) {
    Node& n = node(id);
    if (!n.raft || n.paused) return;
    n.raft->resign(now_ms_);
    process(n);
    release_held(n);
}

// ================================================================== random simulation

namespace {

struct PendingProposal {
    NodeId leader;
    std::uint64_t incarnation;
    std::int32_t epoch;
    std::int64_t offset;
    std::int64_t at_ms;
};

}  // namespace

SimulationResult run_simulation(const SimulationOptions& so) {
    SimulationResult result;
    SimulationStats& st = result.stats;
    std::mt19937_64 rng(so.seed * 0x2545F4914F6CDD1DULL + 17);
    std::uniform_real_distribution<double> chance(0.0, 1.0);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };

    Options o;
    st.voters = (so.seed % 2 == 0) ? 3 : 5;
    o.voters.clear();
    for (int i = 1; i <= st.voters; ++i)
        o.voters.push_back(i);
    o.observers = {9};
    o.seed = so.seed;
    o.config.election_timeout_ms = 1000;
    o.config.election_backoff_max_ms = 1000;
    o.config.fetch_timeout_ms = 2000;
    o.config.request_timeout_ms = 800;
    o.config.retry_backoff_ms = 20;
    o.config.fetch_max_entries = 1 + static_cast<std::int64_t>(so.seed % 4);
    o.fetch_hold_max_ms = 300;
    Faults chaos;
    chaos.drop = 0.03;
    chaos.duplicate = 0.02;
    chaos.delay_min_ms = 1;
    chaos.delay_max_ms = 25;
    chaos.long_delay = 0.01;
    chaos.long_delay_max_ms = 2500;
    chaos.notify_failure = 0.5;
    o.faults = chaos;

    std::deque<std::string> tail;
    Cluster c(o);
    c.trace = [&](const std::string& line) {
        const std::string stamped = "[" + std::to_string(c.now_ms()) + "] " + line;
        if (so.trace) std::fprintf(stderr, "%s\n", stamped.c_str());
        tail.push_back(stamped);
        if (tail.size() > 300) tail.pop_front();
    };

    std::vector<PendingProposal> proposals;
    std::int64_t proposal_counter = 0;

    auto observe = [&]() {
        for (auto it = proposals.begin(); it != proposals.end();) {
            const Node& n = c.node(it->leader);
            if (!n.raft || n.incarnation != it->incarnation || n.raft->epoch() != it->epoch ||
                n.raft->role() != Role::Leader) {
                it = proposals.erase(it);  // its leader is gone: outcome unknown to it
            } else if (n.raft->high_watermark() > it->offset) {
                st.commit_latency_ms.push_back(c.now_ms() - it->at_ms);
                it = proposals.erase(it);
            } else {
                ++it;
            }
        }
        if (st.first_leader_ms < 0 && c.leader()) st.first_leader_ms = c.now_ms();
    };
    auto step = [&]() {
        ++st.steps;
        c.checker().check(c);
        if (st.steps % 97 == 0) c.checker().check_log_matching(c);
        observe();
        return c.checker().ok();
    };
    auto deliver_due = [&]() {
        for (;;) {
            std::vector<std::size_t> due;
            std::vector<NodeId> waited_for;  // receivers whose first waiting message is in `due`
            for (std::size_t i = 0; i < c.in_flight().size(); ++i) {
                const Message& m = c.in_flight()[i];
                if (m.deliver_at_ms > c.now_ms()) continue;
                if (m.waited) {
                    // What waited in a paused node's socket is read in the order it arrived.
                    if (std::find(waited_for.begin(), waited_for.end(), m.to) != waited_for.end())
                        continue;
                    waited_for.push_back(m.to);
                }
                due.push_back(i);
            }
            if (due.empty()) return true;
            c.deliver(due[pick(due.size())]);  // in any order: reordering
            if (!step()) return false;
        }
    };
    auto propose_somewhere = [&](NodeId id) -> bool {
        std::vector<Bytes> records;
        const int count = 1 + static_cast<int>(pick(3));
        for (int i = 0; i < count; ++i) {
            records.push_back(
                bytes_of("s" + std::to_string(so.seed) + "-" + std::to_string(++proposal_counter)));
        }
        auto offset = c.propose(id, std::move(records));
        if (offset) {
            ++st.proposals;
            const Node& n = c.node(id);
            proposals.push_back({id, n.incarnation, n.raft->epoch(), *offset, c.now_ms()});
        }
        return offset.has_value();
    };
    auto fail = [&](std::string why) {
        result.ok = false;
        result.failure = std::move(why);
        result.trace_tail.assign(tail.begin(), tail.end());
        st.messages = c.messages_delivered();
        return result;
    };

    const auto& ids = c.ids();
    // --- safety phase: faults on
    // Besides random faults, the nemesis aims at the moments Raft gets wrong most easily: it
    // sends proposals to every node that believes it leads (a stale leader grows a divergent
    // tail), crashes fresh leaders shortly after their election, and isolates leaders.
    // The paper's figure 8 needs logs that diverge across epochs: a leader holding entries no
    // one else has (crashed or cut off right after it appended them), then a later leader cut
    // off before its first entry spread (isolated right after its election), then the first one
    // elected again with its old tail. Both are staged more often than random faults would.
    std::size_t leaders_seen = 0;
    std::vector<std::pair<std::int64_t, NodeId>> scheduled_crashes;
    std::vector<std::pair<std::int64_t, NodeId>> scheduled_isolations;
    auto crash = [&](NodeId victim) {
        if (!c.node(victim).raft) return;
        c.crash(victim);
        ++st.crashes;
    };
    // Pauses come from a generator of their own (see SimulationOptions).
    std::mt19937_64 pause_rng(so.seed * 0x9E3779B97F4A7C15ULL + 29);
    std::map<NodeId, std::int64_t> resume_at;
    auto maybe_pause = [&](const std::vector<NodeId>& leaders) {
        const double per_tick = so.pauses_per_s * static_cast<double>(so.tick_ms) / 1000.0;
        if (so.pauses_per_s <= 0 || chance(pause_rng) >= per_tick) return;
        std::vector<NodeId> running;
        for (NodeId id : ids) {
            if (c.node(id).raft && !c.node(id).paused) running.push_back(id);
        }
        std::vector<NodeId> running_leaders;
        for (NodeId id : leaders) {
            if (c.node(id).raft && !c.node(id).paused) running_leaders.push_back(id);
        }
        if (running.empty()) return;
        const bool at_leader =
            !running_leaders.empty() && chance(pause_rng) < so.leader_pause_share;
        const auto& from = at_leader ? running_leaders : running;
        const NodeId victim = from[static_cast<std::size_t>(pause_rng() % from.size())];
        const std::int64_t ms = std::uniform_int_distribution<std::int64_t>(
            so.pause_min_ms, std::max(so.pause_min_ms, so.pause_max_ms))(pause_rng);
        c.pause(victim);
        resume_at[victim] = c.now_ms() + ms;
        ++st.pauses;
        if (at_leader) ++st.leader_pauses;
    };
    auto resume_due = [&]() {
        for (auto it = resume_at.begin(); it != resume_at.end();) {
            if (it->second <= c.now_ms()) {
                c.resume(it->first);  // does nothing if it crashed meanwhile
                it = resume_at.erase(it);
            } else {
                ++it;
            }
        }
    };
    // One-way cuts and bridges come from a generator of their own (see SimulationOptions).
    std::mt19937_64 link_rng(so.seed * 0xD1B54A32D192ED03ULL + 71);
    auto maybe_cut_or_bridge = [&]() {
        const double per_tick = static_cast<double>(so.tick_ms) / 1000.0;
        const auto& all = c.ids();
        if (all.size() < 2) return;
        if (so.one_way_cuts_per_s > 0 && chance(link_rng) < so.one_way_cuts_per_s * per_tick) {
            const std::size_t i = static_cast<std::size_t>(link_rng() % all.size());
            std::size_t j = static_cast<std::size_t>(link_rng() % (all.size() - 1));
            if (j >= i) ++j;
            const NodeId from = all[i];
            const NodeId to = all[j];
            c.cut_one_way(from, to);
            ++st.one_way_cuts;
            c.trace("  cut one way: " + std::to_string(from) + " -> " + std::to_string(to));
        }
        if (all.size() >= 3 && so.bridges_per_s > 0 &&
            chance(link_rng) < so.bridges_per_s * per_tick) {
            std::vector<NodeId> order(all.begin(), all.end());
            std::shuffle(order.begin(), order.end(), link_rng);
            // order[0] is the bridge (in no group); the rest split into two non-empty sides.
            const std::size_t one_side =
                1 + static_cast<std::size_t>(link_rng() % (order.size() - 2));
            std::vector<std::vector<NodeId>> groups(2);
            for (std::size_t i = 1; i < order.size(); ++i)
                groups[i <= one_side ? 0 : 1].push_back(order[i]);
            c.partition(groups);
            ++st.bridges;
            c.trace("  partition: bridge " + std::to_string(order[0]) + " reaches both sides");
        }
    };
    auto live_leaders = [&]() {
        std::vector<NodeId> out;
        for (NodeId id : ids) {
            if (c.node(id).raft && c.node(id).raft->role() == Role::Leader) out.push_back(id);
        }
        return out;
    };
    while (c.now_ms() < so.chaos_ms) {
        if (!deliver_due()) return fail(c.checker().first_violation());
        const auto leaders = live_leaders();
        if (chance(rng) < 0.08) {
            const NodeId to = !leaders.empty() && chance(rng) < 0.9 ? leaders[pick(leaders.size())]
                                                                    : ids[pick(ids.size())];
            if (propose_somewhere(to) && chance(rng) < 0.04) {
                if (chance(rng) < 0.5) {
                    crash(to);
                } else {
                    scheduled_isolations.push_back({c.now_ms(), to});
                }
            }
        }
        if (c.checker().leaders().size() > leaders_seen) {
            leaders_seen = c.checker().leaders().size();
            const NodeId fresh = c.checker().leaders().rbegin()->second;
            if (chance(rng) < 0.2) {
                scheduled_crashes.push_back(
                    {c.now_ms() + static_cast<std::int64_t>(pick(300)), fresh});
            } else if (chance(rng) < 0.15) {
                scheduled_isolations.push_back(
                    {c.now_ms() + static_cast<std::int64_t>(pick(40)), fresh});
            }
        }
        for (auto it = scheduled_isolations.begin(); it != scheduled_isolations.end();) {
            if (it->first <= c.now_ms()) {
                std::vector<std::vector<NodeId>> groups(2);
                for (NodeId id : ids)
                    groups[id == it->second ? 0 : 1].push_back(id);
                c.partition(groups);
                ++st.partitions;
                c.trace("  partition: " + std::to_string(it->second) + " alone");
                it = scheduled_isolations.erase(it);
            } else {
                ++it;
            }
        }
        for (auto it = scheduled_crashes.begin(); it != scheduled_crashes.end();) {
            if (it->first <= c.now_ms()) {
                crash(it->second);
                it = scheduled_crashes.erase(it);
            } else {
                ++it;
            }
        }
        if (chance(rng) < 0.002) crash(ids[pick(ids.size())]);
        if (chance(rng) < 0.001 && !leaders.empty()) crash(leaders[pick(leaders.size())]);
        for (NodeId id : ids) {
            if (!c.node(id).raft && chance(rng) < 0.01) c.restart(id);
        }
        if (chance(rng) < 0.002) {
            std::vector<std::vector<NodeId>> groups(2);
            if (!leaders.empty() && chance(rng) < 0.5) {
                const NodeId l = leaders[pick(leaders.size())];
                for (NodeId id : ids)
                    groups[id == l ? 0 : 1].push_back(id);
            } else {
                for (NodeId id : ids)
                    groups[pick(2)].push_back(id);
            }
            c.partition(groups);
            ++st.partitions;
            c.trace("  partition");
        }
        if (chance(rng) < 0.006) c.heal();
        if (chance(rng) < 0.0005 && !leaders.empty()) c.resign(leaders[pick(leaders.size())]);
        if (chance(rng) < 0.0003) c.campaign(c.voters()[pick(c.voters().size())]);
        maybe_pause(leaders);
        resume_due();
        maybe_cut_or_bridge();
        c.tick(so.tick_ms);
        if (!step()) return fail(c.checker().first_violation());
    }

    // --- liveness phase: heal everything; a leader and one committed log must follow
    Faults calm;
    calm.delay_min_ms = 1;
    calm.delay_max_ms = 5;
    c.options().faults = calm;
    c.heal();
    c.trace("  heal: faults off, every node up and running");
    for (NodeId id : ids) {
        c.resume(id);
        c.restart(id);
    }
    if (!step()) return fail(c.checker().first_violation());
    const std::int64_t healed_at = c.now_ms();
    bool proposed_after_heal = false;
    for (;;) {
        if (!deliver_due()) return fail(c.checker().first_violation());
        auto l = c.leader();
        if (l && !proposed_after_heal) {
            propose_somewhere(*l);
            proposed_after_heal = true;
        }
        bool converged = false;
        if (l && proposed_after_heal) {
            const RaftNode& lr = *c.node(*l).raft;
            converged = lr.high_watermark() == lr.log_end_offset() &&
                        c.checker().committed_end() == lr.log_end_offset();
            for (NodeId id : ids) {
                const RaftNode& r = *c.node(id).raft;
                converged = converged && r.epoch() == lr.epoch() && r.leader() == *l &&
                            r.high_watermark() == lr.high_watermark() &&
                            r.log_end_offset() == lr.log_end_offset() &&
                            c.node(id).applied.size() == c.checker().committed().size();
            }
        }
        if (converged) {
            st.converged_after_heal_ms = c.now_ms() - healed_at;
            break;
        }
        if (c.now_ms() - healed_at > so.liveness_bound_ms) {
            std::string states;
            for (NodeId id : ids)
                states += " | " + status_text(c.node(id));
            return fail("liveness: no convergence within " + std::to_string(so.liveness_bound_ms) +
                        " ms of healing:" + states);
        }
        c.tick(so.tick_ms);
        if (!step()) return fail(c.checker().first_violation());
    }
    c.checker().check_log_matching(c);
    if (!c.checker().ok()) return fail(c.checker().first_violation());
    st.elections = static_cast<std::int64_t>(c.checker().leaders().size());
    st.messages = c.messages_delivered();
    st.committed_end = c.checker().committed_end();
    return result;
}

}  // namespace kraftlab::raft::sim
