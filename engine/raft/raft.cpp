// The KRaft consensus core (see raft.h for the protocol and the runtime's contract).
//
// One Impl holds the node's whole state. Every transition between roles goes through enter(),
// which persists what changed (via Ready.quorum_state), drops the previous role's requests and
// bookkeeping, and reports the change. Role behaviour lives in one place per input: tick_*()
// for timers, handle_*() for requests, on_*_response() for answers.
//
// Test builds only: KRAFTLAB_RAFT_TEST_FAULT selects a deliberate bug, so the simulation can
// prove that its checker catches one (tests/raft/CMakeLists.txt builds those variants; the
// library everyone links has it at 0).
//   1: a voter grants its vote without checking that the candidate's log is up to date.
//   2: a leader commits by counting replicas alone, without waiting for an entry of its own
//      epoch (the Raft paper's figure 8 bug).
#include "raft/raft.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "raft/raft_log.h"

#ifndef KRAFTLAB_RAFT_TEST_FAULT
#define KRAFTLAB_RAFT_TEST_FAULT 0
#endif

namespace kraftlab::raft {

namespace {

constexpr std::uint8_t kControlByte = 0x00;
constexpr std::uint8_t kLeaderChangeType = 0x02;  // Kafka's ControlRecordType.LEADER_CHANGE
constexpr std::size_t kLeaderChangeSize = 6;
// Observers the leader remembers (for follower_offsets()); the oldest is forgotten past this.
constexpr std::size_t kMaxObserversTracked = 256;

enum class Kind { Vote, BeginEpoch, EndEpoch, Fetch };

Bytes leader_change_record(NodeId leader) {
    const auto u = static_cast<std::uint32_t>(leader);
    return Bytes{kControlByte,
                 kLeaderChangeType,
                 static_cast<std::uint8_t>(u >> 24),
                 static_cast<std::uint8_t>(u >> 16),
                 static_cast<std::uint8_t>(u >> 8),
                 static_cast<std::uint8_t>(u)};
}

// Different nodes given the same seed must still draw different timeouts, or their elections
// would collide forever.
std::uint64_t mix_seed(std::uint64_t seed, NodeId id) {
    std::uint64_t z = seed ^ (0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(id) + 1));
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::string s(std::int64_t v) {
    return std::to_string(v);
}

bool valid_epoch(std::int32_t e) {
    return e >= 0 && e <= kMaxEpoch;
}

}  // namespace

std::string_view refusal_name(Refusal refusal) {
    switch (refusal) {
        case Refusal::None:
            return "none";
        case Refusal::NotVoter:
            return "not a voter";
        case Refusal::InvalidEpoch:
            return "invalid epoch";
        case Refusal::InvalidId:
            return "invalid node id";
    }
    return "?";
}

std::string_view role_name(Role role) {
    switch (role) {
        case Role::Unattached:
            return "unattached";
        case Role::Voted:
            return "voted";
        case Role::Candidate:
            return "candidate";
        case Role::Leader:
            return "leader";
        case Role::Follower:
            return "follower";
        case Role::Resigned:
            return "resigned";
        case Role::Observer:
            return "observer";
    }
    return "?";
}

bool is_leader_change(const Entry& entry) {
    return leader_change_leader(entry).has_value();
}

std::optional<NodeId> leader_change_leader(const Entry& entry) {
    if (entry.records.size() != 1) return std::nullopt;
    const Bytes& r = entry.records.front();
    if (r.size() != kLeaderChangeSize || r[0] != kControlByte || r[1] != kLeaderChangeType) {
        return std::nullopt;
    }
    const std::uint32_t u = (std::uint32_t{r[2]} << 24) | (std::uint32_t{r[3]} << 16) |
                            (std::uint32_t{r[4]} << 8) | std::uint32_t{r[5]};
    return static_cast<NodeId>(u);
}

struct RaftNode::Impl {
    struct Pending {
        NodeId to = kNoNode;
        Kind kind = Kind::Fetch;
        std::int64_t sent_ms = 0;
        std::int64_t fetch_offset = 0;      // Fetch: our log end when sent
        std::int32_t fetch_last_epoch = 0;  // Fetch: our last epoch when sent
    };
    // What the leader knows of a replica in its epoch.
    struct Replica {
        std::int64_t fetched = -1;  // largest valid fetch offset seen (-1: none yet)
        std::int64_t last_fetch_ms = -1;
        std::int64_t last_sent_hw = -2;  // high watermark in our last answer to it
        bool acknowledged = false;       // answered BeginQuorumEpoch or fetched in this epoch
    };

    // --- fixed at construction
    Config cfg;
    bool voter = false;
    std::size_t majority = 1;
    std::mt19937_64 rng;

    // --- quorum state (persisted through Ready.quorum_state)
    Role role = Role::Unattached;
    std::int32_t epoch = 0;
    NodeId leader = kNoNode;  // the epoch's leader; on a resigned leader, itself
    NodeId voted_for = kNoNode;
    bool quorum_state_dirty = false;

    // --- log
    std::int64_t durable_end = 0;  // end of the log the runtime handed us (it may hold a bad tail)
    RaftLog log;
    std::int64_t high_watermark = -1;
    std::int64_t applied_end = 0;    // committed entries below this were handed out
    std::int64_t persisted_end = 0;  // log end as of the last ready(): on disk by contract
    std::int64_t dirty_from = 0;     // lowest offset changed since the last ready()
    bool high_watermark_moved = false;

    // --- timers and role state (reset by enter())
    std::int64_t election_deadline_ms = 0;  // unattached, voted, candidate, resigned
    std::int64_t fetch_deadline_ms = 0;     // follower, observer: no good answer from the leader
    bool leader_resigned = false;           // follower: the leader sent EndQuorumEpoch
    std::int64_t next_fetch_ms = 0;
    std::int64_t check_quorum_deadline_ms = 0;
    std::set<NodeId> granted, rejected;  // candidate
    bool backing_off = false;
    std::int64_t backoff_until_ms = 0;
    int retries = 0;                      // consecutive candidacies
    std::int64_t epoch_start_offset = 0;  // leader: offset of its LeaderChange entry
    std::map<NodeId, Replica> replicas;   // leader
    std::set<NodeId> heard;               // leader: voters fetched since the quorum timer reset
    std::vector<NodeId> successors;       // resigned
    std::set<NodeId> end_acknowledged;    // resigned
    std::map<NodeId, std::int64_t> retry_at_ms;  // per peer: no Vote/Begin/End resend before
    std::size_t discovery_next = 0;              // observer without a leader: next voter to ask

    // --- requests and output
    std::uint64_t next_request_id = 1;
    std::map<std::uint64_t, Pending> pending;
    std::vector<OutgoingRequest> outbox;
    std::vector<Change> changes;

    Impl(Config config, QuorumState state, std::vector<Entry> entries, std::int64_t now_ms)
        : cfg(std::move(config)),
          rng(mix_seed(cfg.random_seed, cfg.id)),
          durable_end(entries.empty() ? 0 : entries.back().next_offset()),
          log(std::move(entries)) {
        std::vector<NodeId> voters;
        for (NodeId v : cfg.voters) {
            if (v >= 0 && std::find(voters.begin(), voters.end(), v) == voters.end()) {
                voters.push_back(v);
            }
        }
        cfg.voters = voters;
        voter = std::find(voters.begin(), voters.end(), cfg.id) != voters.end();
        majority = voters.size() / 2 + 1;
        cfg.fetch_max_entries = std::max<std::int64_t>(1, cfg.fetch_max_entries);
        cfg.election_timeout_ms = std::max<std::int64_t>(1, cfg.election_timeout_ms);

        applied_end = log.start_offset();
        // A malformed tail the log refused is cut from the runtime's copy by the first Ready.
        persisted_end = std::max(durable_end, log.end_offset());
        dirty_from = log.end_offset();
        // The runtime refuses a persisted epoch out of range; the core never holds one.
        epoch = std::clamp(state.epoch, 0, kMaxEpoch);
        voted_for = state.voted_for;
        leader = state.leader;
        discovery_next = voters.empty() ? 0 : rng() % voters.size();

        std::string why = "started";
        if (!voter) {
            role = Role::Observer;
            if (leader == cfg.id) leader = kNoNode;
            fetch_deadline_ms = now_ms + cfg.fetch_timeout_ms;
            next_fetch_ms = now_ms;
        } else if (leader == cfg.id) {
            // We led this epoch before the restart, but what we had in memory is gone: resign,
            // so the others elect without waiting for their fetch timeouts (as Kafka does).
            role = Role::Resigned;
            election_deadline_ms = now_ms + random_election_timeout_ms();
            why = "restarted as the leader of epoch " + s(epoch) + ": resigned";
            send_end_epoch(now_ms);
        } else if (leader != kNoNode) {
            role = Role::Follower;
            fetch_deadline_ms = now_ms + cfg.fetch_timeout_ms;
            next_fetch_ms = now_ms;
        } else if (voted_for == cfg.id) {
            // Resume our candidacy in the same epoch: we already voted for ourselves.
            role = Role::Candidate;
            retries = 1;
            granted.insert(cfg.id);
            election_deadline_ms = now_ms + random_election_timeout_ms();
        } else if (voted_for != kNoNode) {
            role = Role::Voted;
            election_deadline_ms = now_ms + random_election_timeout_ms();
        } else {
            role = Role::Unattached;
            election_deadline_ms = now_ms + random_election_timeout_ms();
        }
        changes.push_back({Change::Kind::RoleChanged, epoch, public_leader(), -1,
                           std::string(role_name(role)) + ": " + why});
        if (role == Role::Candidate) {
            if (granted.size() >= majority) {
                become_leader(now_ms);
            } else {
                send_votes(now_ms);
            }
        }
        if (role == Role::Follower || role == Role::Observer) maybe_send_fetch(now_ms);
    }

    // ---------------------------------------------------------------- helpers

    NodeId public_leader() const { return role == Role::Resigned ? kNoNode : leader; }

    bool is_voter_id(NodeId n) const {
        return std::find(cfg.voters.begin(), cfg.voters.end(), n) != cfg.voters.end();
    }

    std::int64_t random_between(std::int64_t lo, std::int64_t hi) {  // [lo, hi]
        if (hi <= lo) return lo;
        return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
    }

    // Kafka: election.timeout.ms + random(election.timeout.ms).
    std::int64_t random_election_timeout_ms() {
        return random_between(cfg.election_timeout_ms, 2 * cfg.election_timeout_ms - 1);
    }

    // After a lost election: retry_backoff * random(1 .. 2^retries), at most
    // election_backoff_max_ms, so repeated collisions spread out.
    std::int64_t election_backoff_ms() {
        const int shift = std::clamp(retries, 1, 16);
        const std::int64_t span = std::int64_t{1} << shift;
        const std::int64_t b =
            std::max<std::int64_t>(1, cfg.retry_backoff_ms) * random_between(1, span);
        return std::min(b, std::max<std::int64_t>(1, cfg.election_backoff_max_ms));
    }

    // After EndQuorumEpoch: the first preferred successor campaigns at once, the next ones wait
    // exponentially longer, voters not listed wait a whole election timeout (Kafka's
    // strictExponentialElectionBackoffMs).
    std::int64_t successor_backoff_ms(const std::vector<NodeId>& list) {
        auto it = std::find(list.begin(), list.end(), cfg.id);
        if (it == list.end()) return random_election_timeout_ms();
        const auto position = it - list.begin();
        if (position == 0) return 0;
        const std::int64_t b = std::max<std::int64_t>(1, cfg.retry_backoff_ms)
                               << std::min<std::int64_t>(position, 16);
        return std::min(b, std::max<std::int64_t>(1, cfg.election_backoff_max_ms));
    }

    std::int64_t check_quorum_timeout_ms() const { return cfg.fetch_timeout_ms * 3 / 2; }

    void change(Change::Kind kind, NodeId peer, std::int64_t offset, std::string reason) {
        changes.push_back({kind, epoch, peer, offset, std::move(reason)});
    }

    void set_high_watermark(std::int64_t hw) {
        if (hw > high_watermark) {
            high_watermark = hw;
            high_watermark_moved = true;
        }
    }

    bool has_pending(NodeId to, Kind kind) const {
        for (const auto& [id, p] : pending) {
            if (p.to == to && p.kind == kind) return true;
        }
        return false;
    }

    void send(NodeId to, Request request, Kind kind, std::int64_t now_ms) {
        const std::uint64_t id = next_request_id++;
        Pending p{to, kind, now_ms, 0, 0};
        if (const auto* f = std::get_if<FetchRequest>(&request)) {
            p.fetch_offset = f->fetch_offset;
            p.fetch_last_epoch = f->last_fetched_epoch;
        }
        pending.emplace(id, p);
        outbox.push_back({id, to, std::move(request)});
    }

    // ---------------------------------------------------------------- transitions

    // Every role change passes here. Requests of the previous role are forgotten (answers to
    // them are ignored), so nothing from an older role or epoch can act on the new one.
    void enter(Role new_role, std::int32_t new_epoch, NodeId new_voted_for, NodeId new_leader,
               const std::string& reason) {
        const Role old_role = role;
        const std::int32_t old_epoch = epoch;
        const NodeId old_leader = public_leader();
        if (new_epoch != epoch || new_voted_for != voted_for || new_leader != leader) {
            quorum_state_dirty = true;
        }
        role = new_role;
        epoch = new_epoch;
        voted_for = new_voted_for;
        leader = new_leader;
        pending.clear();
        granted.clear();
        rejected.clear();
        backing_off = false;
        replicas.clear();
        heard.clear();
        successors.clear();
        end_acknowledged.clear();
        retry_at_ms.clear();
        leader_resigned = false;
        if (role != old_role || epoch != old_epoch || public_leader() != old_leader) {
            change(Change::Kind::RoleChanged, public_leader(), -1,
                   std::string(role_name(role)) + ": " + reason);
        }
    }

    void become_unattached(std::int32_t new_epoch, std::int64_t now_ms, const std::string& why) {
        if (!voter) {
            enter(Role::Observer, new_epoch, kNoNode, kNoNode, why);
            next_fetch_ms = now_ms;
            return;
        }
        // A node that was already waiting for an election keeps its timer (as Kafka's
        // QuorumState does): otherwise a candidate that can never win (its log is behind) would
        // reset everyone's timer with each new epoch and keep the others from ever campaigning.
        const bool keep_timer = role == Role::Unattached || role == Role::Voted ||
                                role == Role::Candidate || role == Role::Resigned;
        enter(Role::Unattached, new_epoch, kNoNode, kNoNode, why);
        if (!keep_timer) election_deadline_ms = now_ms + random_election_timeout_ms();
    }

    void become_follower(std::int32_t new_epoch, NodeId new_leader, std::int64_t now_ms,
                         const std::string& why) {
        const NodeId keep_vote = new_epoch == epoch ? voted_for : kNoNode;
        enter(voter ? Role::Follower : Role::Observer, new_epoch, keep_vote, new_leader, why);
        fetch_deadline_ms = now_ms + cfg.fetch_timeout_ms;
        next_fetch_ms = now_ms;
        maybe_send_fetch(now_ms);
    }

    void become_candidate(std::int64_t now_ms, const std::string& why) {
        if (epoch >= kMaxEpoch) {
            // No epoch is left to campaign in (see kMaxEpoch): stay, and say so at each timeout
            // rather than overflow into a negative epoch that every voter would refuse.
            change(Change::Kind::ElectionLost, cfg.id, -1,
                   "cannot campaign: epoch " + s(epoch) + " is the largest epoch");
            election_deadline_ms = now_ms + random_election_timeout_ms();
            fetch_deadline_ms = now_ms + cfg.fetch_timeout_ms;
            backoff_until_ms = now_ms + election_backoff_ms();
            return;
        }
        const int next_retries = role == Role::Candidate ? retries + 1 : 1;
        enter(Role::Candidate, epoch + 1, cfg.id, kNoNode, why);
        retries = next_retries;
        granted.insert(cfg.id);
        election_deadline_ms = now_ms + random_election_timeout_ms();
        change(Change::Kind::ElectionStarted, cfg.id, -1, why);
        if (granted.size() >= majority) {
            become_leader(now_ms);
            return;
        }
        send_votes(now_ms);
    }

    void become_leader(std::int64_t now_ms) {
        const std::string why = "won the election of epoch " + s(epoch) + " with " +
                                s(static_cast<std::int64_t>(granted.size())) + " of " +
                                s(static_cast<std::int64_t>(cfg.voters.size())) + " votes";
        enter(Role::Leader, epoch, cfg.id, cfg.id, why);
        change(Change::Kind::ElectionWon, cfg.id, -1, why);
        // The entry of our own epoch: the high watermark may only pass it, so whatever we commit
        // is in the log of every later leader.
        epoch_start_offset = log.end_offset();
        log.append(Entry{epoch_start_offset, epoch, {leader_change_record(cfg.id)}});
        for (NodeId v : cfg.voters) {
            if (v != cfg.id) replicas[v] = Replica{};
        }
        check_quorum_deadline_ms = now_ms + check_quorum_timeout_ms();
        send_begin_epoch(now_ms);
    }

    void become_resigned(std::int64_t now_ms, const std::string& why) {
        // Most up to date first, so the best placed voter campaigns first.
        std::vector<std::pair<std::int64_t, NodeId>> order;
        for (NodeId v : cfg.voters) {
            if (v == cfg.id) continue;
            auto it = replicas.find(v);
            order.push_back({it == replicas.end() ? -1 : it->second.fetched, v});
        }
        std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        change(Change::Kind::Resigned, cfg.id, -1, why);
        enter(Role::Resigned, epoch, voted_for, cfg.id, why);
        for (const auto& [offset, v] : order)
            successors.push_back(v);
        election_deadline_ms = now_ms + random_election_timeout_ms();
        send_end_epoch(now_ms);
    }

    // Any message that carries a higher epoch ends whatever we were doing in ours.
    void step_up(std::int32_t new_epoch, NodeId new_leader, std::int64_t now_ms,
                 const std::string& why) {
        if (!valid_epoch(new_epoch) || new_epoch <= epoch) return;  // callers check; never lower
        if (role == Role::Leader) change(Change::Kind::Resigned, cfg.id, -1, why);
        candidacy_lost(why);
        if (new_leader != kNoNode && new_leader != cfg.id && is_voter_id(new_leader)) {
            become_follower(new_epoch, new_leader, now_ms, why);
        } else {
            become_unattached(new_epoch, now_ms, why);
        }
    }

    // A candidacy ends without a win. One that is backing off was reported lost already.
    void candidacy_lost(const std::string& why) {
        if (role == Role::Candidate && !backing_off) {
            change(Change::Kind::ElectionLost, cfg.id, -1, why);
        }
    }

    void start_backoff(std::int64_t now_ms, const std::string& why) {
        backing_off = true;
        backoff_until_ms = now_ms + election_backoff_ms();
        change(Change::Kind::ElectionLost, cfg.id, -1, why);
    }

    // ---------------------------------------------------------------- sending

    void send_votes(std::int64_t now_ms) {
        if (role != Role::Candidate || backing_off) return;
        for (NodeId v : cfg.voters) {
            if (v == cfg.id || granted.count(v) || rejected.count(v) ||
                has_pending(v, Kind::Vote) || now_ms < retry_at_ms[v]) {
                continue;
            }
            send(v, VoteRequest{epoch, cfg.id, log.last_epoch(), log.end_offset()}, Kind::Vote,
                 now_ms);
        }
    }

    void send_begin_epoch(std::int64_t now_ms) {
        if (role != Role::Leader) return;
        for (auto& [v, r] : replicas) {
            if (!is_voter_id(v) || r.acknowledged || has_pending(v, Kind::BeginEpoch) ||
                now_ms < retry_at_ms[v]) {
                continue;
            }
            send(v, BeginQuorumEpochRequest{epoch, cfg.id}, Kind::BeginEpoch, now_ms);
        }
    }

    void send_end_epoch(std::int64_t now_ms) {
        if (role != Role::Resigned) return;
        for (NodeId v : cfg.voters) {
            if (v == cfg.id || end_acknowledged.count(v) || has_pending(v, Kind::EndEpoch) ||
                now_ms < retry_at_ms[v]) {
                continue;
            }
            send(v, EndQuorumEpochRequest{epoch, cfg.id, successors}, Kind::EndEpoch, now_ms);
        }
    }

    void maybe_send_fetch(std::int64_t now_ms) {
        if (role != Role::Follower && role != Role::Observer) return;
        if (now_ms < next_fetch_ms) return;
        for (const auto& [id, p] : pending) {
            if (p.kind == Kind::Fetch) return;
        }
        NodeId target = leader;
        if (target == kNoNode) {
            // An observer finds the leader by asking any voter.
            if (cfg.voters.empty()) return;
            target = cfg.voters[discovery_next++ % cfg.voters.size()];
        }
        send(target, FetchRequest{cfg.id, epoch, log.end_offset(), log.last_epoch()}, Kind::Fetch,
             now_ms);
    }

    // ---------------------------------------------------------------- time

    void tick(std::int64_t now_ms) {
        std::vector<std::uint64_t> expired;
        for (const auto& [id, p] : pending) {
            if (now_ms - p.sent_ms >= cfg.request_timeout_ms) expired.push_back(id);
        }
        for (auto id : expired)
            request_failed(id, now_ms);

        switch (role) {
            case Role::Leader:
                tick_leader(now_ms);
                break;
            case Role::Candidate:
                if (backing_off) {
                    if (now_ms >= backoff_until_ms) {
                        become_candidate(now_ms, "backoff over after losing epoch " + s(epoch));
                    }
                } else if (now_ms >= election_deadline_ms) {
                    start_backoff(now_ms, "no majority within the election timeout");
                } else {
                    send_votes(now_ms);
                }
                break;
            case Role::Unattached:
            case Role::Voted:
                if (now_ms >= election_deadline_ms) {
                    become_candidate(now_ms, "no leader within the election timeout");
                }
                break;
            case Role::Follower:
                if (now_ms >= fetch_deadline_ms) {
                    become_candidate(now_ms,
                                     leader_resigned
                                         ? "leader " + s(leader) + " resigned epoch " + s(epoch)
                                         : "no answer from leader " + s(leader) + " within " +
                                               s(cfg.fetch_timeout_ms) + " ms");
                } else {
                    maybe_send_fetch(now_ms);
                }
                break;
            case Role::Resigned:
                if (now_ms >= election_deadline_ms) {
                    become_candidate(now_ms, "no new leader after resigning epoch " + s(epoch));
                } else {
                    send_end_epoch(now_ms);
                }
                break;
            case Role::Observer:
                if (leader != kNoNode && now_ms >= fetch_deadline_ms) {
                    // Forget the leader and look for it again through the voters.
                    enter(Role::Observer, epoch, kNoNode, kNoNode,
                          "no answer from leader " + s(leader) + " within " +
                              s(cfg.fetch_timeout_ms) + " ms");
                    next_fetch_ms = now_ms;
                }
                maybe_send_fetch(now_ms);
                break;
        }
    }

    // Check quorum, as Kafka's LeaderState does it: the timer restarts whenever a majority of
    // voters (ourselves included) has fetched since it last restarted, so a leader resigns
    // check_quorum_timeout_ms after it last heard from a majority, not up to twice that.
    void heard_from_voter(NodeId v, std::int64_t now_ms) {
        heard.insert(v);
        if (heard.size() + 1 >= majority) {
            heard.clear();
            check_quorum_deadline_ms = now_ms + check_quorum_timeout_ms();
        }
    }

    void tick_leader(std::int64_t now_ms) {
        if (now_ms >= check_quorum_deadline_ms) {
            if (majority <= 1) {  // a quorum of one: we are the majority
                check_quorum_deadline_ms = now_ms + check_quorum_timeout_ms();
            } else {
                become_resigned(now_ms, "check quorum: heard from " +
                                            s(static_cast<std::int64_t>(heard.size() + 1)) +
                                            " of " +
                                            s(static_cast<std::int64_t>(cfg.voters.size())) +
                                            " voters in " + s(check_quorum_timeout_ms()) + " ms");
                return;
            }
        }
        send_begin_epoch(now_ms);
    }

    // ---------------------------------------------------------------- leader bookkeeping

    // Majority of voters' fetch offsets, the leader's own counting only as far as it is
    // persisted; committed only past our LeaderChange entry.
    void leader_update_high_watermark() {
        if (role != Role::Leader) return;
        std::vector<std::int64_t> offsets;
        for (NodeId v : cfg.voters) {
            if (v == cfg.id) {
                offsets.push_back(persisted_end);
            } else {
                auto it = replicas.find(v);
                offsets.push_back(it == replicas.end() ? -1 : it->second.fetched);
            }
        }
        std::sort(offsets.begin(), offsets.end(), std::greater<>());
        const std::int64_t candidate = offsets[cfg.voters.size() / 2];
#if KRAFTLAB_RAFT_TEST_FAULT == 2
        if (candidate > 0) set_high_watermark(candidate);
#else
        if (candidate > epoch_start_offset) set_high_watermark(candidate);
#endif
    }

    Replica& replica(NodeId id, std::int64_t now_ms) {
        if (!replicas.count(id) && replicas.size() >= cfg.voters.size() + kMaxObserversTracked) {
            // Forget the observer heard from longest ago.
            auto oldest = replicas.end();
            for (auto it = replicas.begin(); it != replicas.end(); ++it) {
                if (is_voter_id(it->first)) continue;
                if (oldest == replicas.end() ||
                    it->second.last_fetch_ms < oldest->second.last_fetch_ms) {
                    oldest = it;
                }
            }
            if (oldest != replicas.end()) replicas.erase(oldest);
        }
        Replica& r = replicas[id];
        r.last_fetch_ms = now_ms;
        return r;
    }

    // KIP-595's check of (fetch offset, last fetched epoch) against our log: nullopt when the
    // fetcher's log matches ours up to the fetch offset, else where it must truncate to.
    std::optional<EpochEnd> divergence(std::int64_t fetch_offset, std::int32_t last_epoch) const {
        if (fetch_offset == 0 && log.start_offset() == 0) return std::nullopt;
        if (fetch_offset < log.start_offset()) return std::nullopt;  // no snapshots: served empty
        const EpochEnd end = log.end_of_epoch(last_epoch);
        if (end.epoch != last_epoch || end.end_offset < fetch_offset) return end;
        return std::nullopt;
    }

    // ---------------------------------------------------------------- requests in

    // Kafka's validateVoterOnlyRequest, plus the epoch bounds (see kMaxEpoch): a Vote,
    // BeginQuorumEpoch or EndQuorumEpoch that fails it is answered with the refusal and changes
    // nothing. Checked before anything else, so that no such request can move the epoch.
    Refusal check_voter_request(NodeId remote, std::int32_t request_epoch) const {
        if (remote < 0) return Refusal::InvalidId;
        if (!valid_epoch(request_epoch) ||
            std::int64_t{request_epoch} > std::int64_t{epoch} + kMaxEpochJump) {
            return Refusal::InvalidEpoch;
        }
        if (!voter || !is_voter_id(remote)) return Refusal::NotVoter;
        return Refusal::None;
    }

    std::string refusal_reason(Refusal refusal, NodeId remote, std::int32_t request_epoch) const {
        switch (refusal) {
            case Refusal::NotVoter:
                return voter ? "node " + s(remote) + " is not a voter"
                             : "observer " + s(cfg.id) + " does not vote";
            case Refusal::InvalidEpoch:
                return "epoch " + s(request_epoch) + " is out of range (epoch " + s(epoch) +
                       ", at most " + s(kMaxEpochJump) + " ahead and " + s(kMaxEpoch) + ")";
            case Refusal::InvalidId:
                return "node id " + s(remote) + " is negative";
            case Refusal::None:
                break;
        }
        return {};
    }

    VoteResponse handle_vote(const VoteRequest& r, NodeId from, std::int64_t now_ms) {
        auto answer = [&](bool granted_now, std::string reason) {
            return VoteResponse{epoch, public_leader(), granted_now, std::move(reason)};
        };
        if (const Refusal refusal = check_voter_request(r.candidate_id, r.candidate_epoch);
            refusal != Refusal::None) {
            VoteResponse refused =
                answer(false, refusal_reason(refusal, r.candidate_id, r.candidate_epoch));
            refused.refused = refusal;
            return refused;
        }
        if (from != r.candidate_id) return answer(false, "request names another candidate");
        if (r.candidate_epoch < epoch) {
            return answer(false, "epoch " + s(r.candidate_epoch) + " is behind epoch " + s(epoch));
        }
        if (r.candidate_epoch > epoch) {
            step_up(
                r.candidate_epoch, kNoNode, now_ms,
                "vote request from " + s(r.candidate_id) + " for epoch " + s(r.candidate_epoch));
        }
#if KRAFTLAB_RAFT_TEST_FAULT == 1
        const bool up_to_date = true;
#else
        const bool up_to_date = std::pair(r.last_epoch, r.last_end_offset) >=
                                std::pair(log.last_epoch(), log.end_offset());
#endif
        switch (role) {
            case Role::Unattached:
                if (!up_to_date) {
                    return answer(false, "candidate log (epoch " + s(r.last_epoch) + ", end " +
                                             s(r.last_end_offset) + ") is behind ours (epoch " +
                                             s(log.last_epoch()) + ", end " + s(log.end_offset()) +
                                             ")");
                }
                enter(Role::Voted, epoch, r.candidate_id, kNoNode,
                      "voted for " + s(r.candidate_id) + " in epoch " + s(epoch));
                election_deadline_ms = now_ms + random_election_timeout_ms();
                change(Change::Kind::VoteCast, r.candidate_id, -1,
                       "voted for " + s(r.candidate_id) + " in epoch " + s(epoch));
                return answer(true, "granted");
            case Role::Voted:
                if (voted_for == r.candidate_id) return answer(true, "granted (again)");
                return answer(false, "already voted for " + s(voted_for) + " in epoch " + s(epoch));
            case Role::Candidate:
                return answer(false, "voted for itself in epoch " + s(epoch));
            case Role::Leader:
                return answer(false, "is the leader of epoch " + s(epoch));
            case Role::Follower:
                return answer(false,
                              "already follows leader " + s(leader) + " in epoch " + s(epoch));
            case Role::Resigned:
                return answer(false, "resigned as leader of epoch " + s(epoch));
            case Role::Observer:
                break;
        }
        return answer(false, "not a voter");
    }

    BeginQuorumEpochResponse handle_begin(const BeginQuorumEpochRequest& r, NodeId from,
                                          std::int64_t now_ms) {
        if (const Refusal refusal = check_voter_request(r.leader_id, r.epoch);
            refusal != Refusal::None) {
            return {epoch, public_leader(), refusal};
        }
        if (r.epoch >= epoch && from == r.leader_id && r.leader_id != cfg.id &&
            is_voter_id(r.leader_id)) {
            const std::string why = "leader " + s(r.leader_id) + " began epoch " + s(r.epoch);
            if (r.epoch > epoch) {
                step_up(r.epoch, r.leader_id, now_ms, why);
            } else if (role == Role::Unattached || role == Role::Voted || role == Role::Candidate ||
                       (role == Role::Observer && leader == kNoNode)) {
                candidacy_lost(why);
                become_follower(epoch, r.leader_id, now_ms, why);
            }
            // Same epoch as a leader, follower or resigned leader we already are: nothing new
            // (two leaders in one epoch cannot happen; a message claiming it is ignored).
        }
        return {epoch, public_leader(), Refusal::None};
    }

    EndQuorumEpochResponse handle_end(const EndQuorumEpochRequest& r, NodeId from,
                                      std::int64_t now_ms) {
        if (const Refusal refusal = check_voter_request(r.leader_id, r.epoch);
            refusal != Refusal::None) {
            return {epoch, public_leader(), refusal};
        }
        if (r.epoch >= epoch && from == r.leader_id && r.leader_id != cfg.id &&
            is_voter_id(r.leader_id)) {
            const std::string why = "leader " + s(r.leader_id) + " resigned epoch " + s(r.epoch);
            if (r.epoch > epoch) step_up(r.epoch, kNoNode, now_ms, why);
            if (voter && (leader == r.leader_id || leader == kNoNode)) {
                const std::int64_t at = now_ms + successor_backoff_ms(r.preferred_successors);
                if (role == Role::Follower) {
                    fetch_deadline_ms = std::min(fetch_deadline_ms, at);
                    leader_resigned = true;
                }
                if (role == Role::Unattached || role == Role::Voted) {
                    election_deadline_ms = std::min(election_deadline_ms, at);
                }
            }
        }
        return {epoch, public_leader(), Refusal::None};
    }

    FetchResponse handle_fetch(const FetchRequest& r, NodeId from, std::int64_t now_ms) {
        FetchResponse resp;
        resp.epoch = epoch;
        resp.leader_id = public_leader();
        if (r.current_epoch < epoch) {
            resp.error = FetchError::FencedEpoch;
            return resp;
        }
        if (r.current_epoch > epoch) {
            resp.error = FetchError::UnknownEpoch;
            return resp;
        }
        if (role != Role::Leader) {
            resp.error = FetchError::NotLeader;
            return resp;
        }
        const bool from_voter = is_voter_id(from) && from != cfg.id;
        Replica& rep = replica(from, now_ms);
        if (from_voter) {
            heard_from_voter(from, now_ms);
            rep.acknowledged = true;
        }
        if (auto d = divergence(r.fetch_offset, r.last_fetched_epoch)) {
            resp.diverging_epoch = std::pair(d->epoch, d->end_offset);
        } else {
            // A valid fetch offset says the fetcher's log equals ours below it. Duplicated or
            // reordered requests may carry older offsets; keep the largest.
            rep.fetched = std::max(rep.fetched, std::min(r.fetch_offset, log.end_offset()));
            if (from_voter) leader_update_high_watermark();
            resp.entries =
                log.read(r.fetch_offset, static_cast<std::size_t>(cfg.fetch_max_entries));
        }
        resp.high_watermark = high_watermark;
        rep.last_sent_hw = high_watermark;
        return resp;
    }

    bool fetch_would_wait(const FetchRequest& r) const {
        if (role != Role::Leader || r.current_epoch != epoch) return false;
        if (divergence(r.fetch_offset, r.last_fetched_epoch)) return false;
        if (r.fetch_offset != log.end_offset()) return false;
        auto it = replicas.find(r.replica_id);
        if (it == replicas.end()) return false;
        // A voter at a new offset is news for the high watermark; a changed high watermark is
        // news for the fetcher.
        if (it->second.fetched != r.fetch_offset) return false;
        return it->second.last_sent_hw == high_watermark;
    }

    // ---------------------------------------------------------------- answers in

    void handle_response(std::uint64_t id, const Response& response, std::int64_t now_ms) {
        auto it = pending.find(id);
        if (it == pending.end()) return;  // late, duplicated, or from before a role change
        const Pending p = it->second;
        pending.erase(it);
        const std::int32_t response_epoch =
            std::visit([](const auto& r) { return r.epoch; }, response);
        if (!valid_epoch(response_epoch)) {
            // Out of range (see kMaxEpoch): worth nothing, as if the request had failed.
            if (p.kind == Kind::Fetch) {
                next_fetch_ms = now_ms + cfg.retry_backoff_ms;
            } else {
                retry_at_ms[p.to] = now_ms + cfg.retry_backoff_ms;
            }
            return;
        }
        if (const auto* v = std::get_if<VoteResponse>(&response); v && p.kind == Kind::Vote) {
            on_vote_response(p, *v, now_ms);
        } else if (const auto* b = std::get_if<BeginQuorumEpochResponse>(&response);
                   b && p.kind == Kind::BeginEpoch) {
            if (b->epoch > epoch) {
                step_up(b->epoch, b->leader_id, now_ms,
                        "node " + s(p.to) + " is in epoch " + s(b->epoch));
            } else if (role == Role::Leader && b->epoch == epoch) {
                if (auto r = replicas.find(p.to); r != replicas.end())
                    r->second.acknowledged = true;
            }
        } else if (const auto* e = std::get_if<EndQuorumEpochResponse>(&response);
                   e && p.kind == Kind::EndEpoch) {
            if (e->epoch > epoch) {
                step_up(e->epoch, e->leader_id, now_ms,
                        "node " + s(p.to) + " is in epoch " + s(e->epoch));
            } else if (role == Role::Resigned) {
                end_acknowledged.insert(p.to);
            }
        } else if (const auto* f = std::get_if<FetchResponse>(&response);
                   f && p.kind == Kind::Fetch) {
            on_fetch_response(p, *f, now_ms);
        }
    }

    void on_vote_response(const Pending& p, const VoteResponse& r, std::int64_t now_ms) {
        if (r.epoch > epoch) {
            step_up(r.epoch, r.leader_id, now_ms,
                    "voter " + s(p.to) + " is in epoch " + s(r.epoch));
            return;
        }
        if (role != Role::Candidate || r.epoch != epoch) return;
        if (r.granted) {
            granted.insert(p.to);
            change(Change::Kind::VoteGranted, p.to, -1, "granted by " + s(p.to));
            if (granted.size() >= majority) become_leader(now_ms);
            return;
        }
        rejected.insert(p.to);
        change(Change::Kind::VoteRejected, p.to, -1, r.reason);
        if (r.leader_id != kNoNode && r.leader_id != cfg.id && is_voter_id(r.leader_id)) {
            const std::string why = "voter " + s(p.to) + " follows leader " + s(r.leader_id);
            candidacy_lost(why);
            become_follower(epoch, r.leader_id, now_ms, why);
            return;
        }
        // Once a majority is out of reach, back off now rather than at the election timeout.
        if (!backing_off && rejected.size() > cfg.voters.size() - majority) {
            start_backoff(now_ms, "rejected by " + s(static_cast<std::int64_t>(rejected.size())) +
                                      " of " + s(static_cast<std::int64_t>(cfg.voters.size())) +
                                      " voters");
        }
    }

    void on_fetch_response(const Pending& p, const FetchResponse& r, std::int64_t now_ms) {
        if (r.epoch > epoch) {
            step_up(r.epoch, r.leader_id, now_ms,
                    "node " + s(p.to) + " reports epoch " + s(r.epoch));
            return;
        }
        if (role != Role::Follower && role != Role::Observer) return;
        if (r.error != FetchError::None || r.epoch < epoch) {
            if (r.epoch == epoch && leader == kNoNode && r.leader_id != kNoNode &&
                r.leader_id != cfg.id && is_voter_id(r.leader_id)) {
                become_follower(epoch, r.leader_id, now_ms,
                                "learned leader " + s(r.leader_id) + " from " + s(p.to));
                return;
            }
            next_fetch_ms = now_ms + cfg.retry_backoff_ms;
            return;
        }
        // A good answer in our epoch: its sender is the epoch's leader.
        if (leader == kNoNode) {
            if (!is_voter_id(p.to)) return;
            enter(role, epoch, voted_for, p.to, "learned leader " + s(p.to) + " by fetching");
        } else if (leader != p.to) {
            return;
        }
        fetch_deadline_ms = now_ms + cfg.fetch_timeout_ms;
        next_fetch_ms = now_ms;
        if (p.fetch_offset != log.end_offset() || p.fetch_last_epoch != log.last_epoch()) {
            maybe_send_fetch(now_ms);  // answers a log we no longer have
            return;
        }
        if (r.diverging_epoch) {
            truncate_to_leader(r.diverging_epoch->first, r.diverging_epoch->second, now_ms);
            maybe_send_fetch(now_ms);
            return;
        }
        if (!r.entries.empty() && r.entries.front().base_offset == log.end_offset()) {
            for (const Entry& e : r.entries) {
                if (e.epoch > epoch || !log.append(e)) break;
            }
        }
        if (r.high_watermark >= 0) {
            set_high_watermark(std::min(r.high_watermark, log.end_offset()));
        }
        maybe_send_fetch(now_ms);
    }

    // The follower's half of KIP-595's divergence (Kafka's truncateToEndOffset): keep what
    // matches the leader's (epoch, end offset), drop the rest.
    void truncate_to_leader(std::int32_t div_epoch, std::int64_t div_end, std::int64_t now_ms) {
        std::int64_t to;
        if (div_epoch == 0) {
            to = std::min(div_end, log.end_offset());
        } else {
            const EpochEnd local = log.end_of_epoch(div_epoch);
            to = local.epoch == div_epoch ? std::min(local.end_offset, div_end) : local.end_offset;
        }
        if (to < high_watermark) {
            // A leader never asks this of a correct follower (everything below our high
            // watermark is committed, hence in its log); refuse rather than lose committed
            // entries, as Kafka does, and try again later.
            next_fetch_ms = now_ms + cfg.retry_backoff_ms;
            return;
        }
        if (to >= log.end_offset()) return;
        const std::int64_t end = log.truncate(to);
        dirty_from = std::min(dirty_from, end);
        change(Change::Kind::Truncated, leader, end,
               "diverged from leader " + s(leader) + " after epoch " + s(div_epoch));
    }

    void request_failed(std::uint64_t id, std::int64_t now_ms) {
        auto it = pending.find(id);
        if (it == pending.end()) return;
        const Pending p = it->second;
        pending.erase(it);
        if (p.kind == Kind::Fetch) {
            next_fetch_ms = now_ms + cfg.retry_backoff_ms;
        } else {
            retry_at_ms[p.to] = now_ms + cfg.retry_backoff_ms;
        }
    }

    // ---------------------------------------------------------------- leader input

    std::optional<std::int64_t> propose(std::vector<Bytes> records) {
        if (role != Role::Leader || records.empty()) return std::nullopt;
        for (const Bytes& b : records) {
            if (!b.empty() && b[0] == kControlByte) return std::nullopt;
        }
        const std::int64_t base = log.end_offset();
        if (!log.append(Entry{base, epoch, std::move(records)})) return std::nullopt;
        return base;
    }

    Ready ready() {
        Ready out;
        if (quorum_state_dirty) {
            out.quorum_state = QuorumState{epoch, voted_for, leader};
            quorum_state_dirty = false;
        }
        if (dirty_from < persisted_end) out.truncate_to = dirty_from;
        for (auto k = log.first_ending_after(dirty_from); k < log.entries().size(); ++k) {
            out.append.push_back(log.entries()[k]);
        }
        persisted_end = log.end_offset();
        dirty_from = persisted_end;
        // Our own appends count from now on (the runtime persists this Ready before anything it
        // leads to is sent or applied).
        leader_update_high_watermark();
        if (high_watermark > applied_end) {
            out.committed = log.range(applied_end, high_watermark);
            if (!out.committed.empty()) applied_end = out.committed.back().next_offset();
        }
        if (high_watermark_moved) {
            change(Change::Kind::HighWatermark, kNoNode, high_watermark,
                   "committed up to " + s(high_watermark));
            high_watermark_moved = false;
        }
        out.requests = std::move(outbox);
        outbox.clear();
        out.changes = std::move(changes);
        changes.clear();
        return out;
    }

    std::vector<std::pair<NodeId, std::int64_t>> follower_offsets() const {
        std::vector<std::pair<NodeId, std::int64_t>> out;
        if (role != Role::Leader) return out;
        for (NodeId v : cfg.voters) {
            if (v == cfg.id) continue;
            auto it = replicas.find(v);
            out.push_back({v, it == replicas.end() ? -1 : it->second.fetched});
        }
        for (const auto& [id, r] : replicas) {
            if (!is_voter_id(id)) out.push_back({id, r.fetched});
        }
        return out;
    }
};

// -------------------------------------------------------------------- RaftNode

RaftNode::RaftNode(Config config, QuorumState state, std::vector<Entry> log, std::int64_t now_ms)
    : impl_(std::make_unique<Impl>(std::move(config), state, std::move(log), now_ms)) {}
RaftNode::~RaftNode() = default;
RaftNode::RaftNode(RaftNode&&) noexcept = default;
RaftNode& RaftNode::operator=(RaftNode&&) noexcept = default;

void RaftNode::tick(std::int64_t now_ms) {
    impl_->tick(now_ms);
}

VoteResponse RaftNode::handle(const VoteRequest& r, NodeId from, std::int64_t now_ms) {
    return impl_->handle_vote(r, from, now_ms);
}
BeginQuorumEpochResponse RaftNode::handle(const BeginQuorumEpochRequest& r, NodeId from,
                                          std::int64_t now_ms) {
    return impl_->handle_begin(r, from, now_ms);
}
EndQuorumEpochResponse RaftNode::handle(const EndQuorumEpochRequest& r, NodeId from,
                                        std::int64_t now_ms) {
    return impl_->handle_end(r, from, now_ms);
}
FetchResponse RaftNode::handle(const FetchRequest& r, NodeId from, std::int64_t now_ms) {
    return impl_->handle_fetch(r, from, now_ms);
}
bool RaftNode::fetch_would_wait(const FetchRequest& r) const {
    return impl_->fetch_would_wait(r);
}

void RaftNode::handle_response(std::uint64_t request_id, const Response& response,
                               std::int64_t now_ms) {
    impl_->handle_response(request_id, response, now_ms);
}
void RaftNode::request_failed(std::uint64_t request_id, std::int64_t now_ms) {
    impl_->request_failed(request_id, now_ms);
}

std::optional<std::int64_t> RaftNode::propose(std::vector<Bytes> records, std::int64_t) {
    return impl_->propose(std::move(records));
}
void RaftNode::resign(std::int64_t now_ms) {
    if (impl_->role == Role::Leader) impl_->become_resigned(now_ms, "asked to resign");
}
void RaftNode::set_timeouts(std::int64_t election_timeout_ms, std::int64_t fetch_timeout_ms,
                            std::int64_t election_backoff_max_ms, std::int64_t request_timeout_ms) {
    impl_->cfg.election_timeout_ms = std::max<std::int64_t>(1, election_timeout_ms);
    impl_->cfg.fetch_timeout_ms = std::max<std::int64_t>(1, fetch_timeout_ms);
    impl_->cfg.election_backoff_max_ms = std::max<std::int64_t>(1, election_backoff_max_ms);
    impl_->cfg.request_timeout_ms = std::max<std::int64_t>(1, request_timeout_ms);
}

void RaftNode::campaign(std::int64_t now_ms) {
    if (impl_->voter && impl_->role != Role::Leader) {
        impl_->become_candidate(now_ms, "asked to campaign");
    }
}

Ready RaftNode::ready() {
    return impl_->ready();
}

Role RaftNode::role() const {
    return impl_->role;
}
std::int32_t RaftNode::epoch() const {
    return impl_->epoch;
}
NodeId RaftNode::leader() const {
    return impl_->public_leader();
}
NodeId RaftNode::voted_for() const {
    return impl_->voted_for;
}
std::int64_t RaftNode::log_start_offset() const {
    return impl_->log.start_offset();
}
std::int64_t RaftNode::log_end_offset() const {
    return impl_->log.end_offset();
}
std::int64_t RaftNode::high_watermark() const {
    return impl_->high_watermark;
}
std::int32_t RaftNode::last_epoch() const {
    return impl_->log.last_epoch();
}
const Config& RaftNode::config() const {
    return impl_->cfg;
}
bool RaftNode::is_voter() const {
    return impl_->voter;
}
std::vector<Entry> RaftNode::entries(std::int64_t from, std::int64_t to) const {
    return impl_->log.range(from, to);
}
std::vector<std::pair<NodeId, std::int64_t>> RaftNode::follower_offsets() const {
    return impl_->follower_offsets();
}

}  // namespace kraftlab::raft
