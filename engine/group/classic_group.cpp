#include "group/classic_group.h"

#include <algorithm>
#include <set>

namespace kraftlab::group {

std::string_view state_name(GroupState state) {
    switch (state) {
        case GroupState::Empty:
            return "Empty";
        case GroupState::PreparingRebalance:
            return "PreparingRebalance";
        case GroupState::CompletingRebalance:
            return "CompletingRebalance";
        case GroupState::Stable:
            return "Stable";
        case GroupState::Dead:
            return "Dead";
    }
    return "Dead";
}

namespace {

JoinResult join_error(ErrorCode error, const std::string& member_id = {}) {
    JoinResult r;
    r.error = error;
    r.member_id = member_id;
    return r;
}

SyncResult sync_error(ErrorCode error) {
    SyncResult r;
    r.error = error;
    return r;
}

bool same_protocols(const std::vector<Protocol>& a, const std::vector<Protocol>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].metadata != b[i].metadata) return false;
    }
    return true;
}

}  // namespace

ClassicGroup::ClassicGroup(std::string group_id, GroupConfig config)
    : group_id_(std::move(group_id)), config_(config) {}

Member* ClassicGroup::find(const std::string& member_id) {
    for (auto& m : members_) {
        if (m.member_id == member_id) return &m;
    }
    return nullptr;
}

const Member* ClassicGroup::member(const std::string& member_id) const {
    return const_cast<ClassicGroup*>(this)->find(member_id);
}

const Member* ClassicGroup::find_instance(const std::string& instance_id) const {
    for (const auto& m : members_) {
        if (m.group_instance_id == instance_id) return &m;
    }
    return nullptr;
}

ErrorCode ClassicGroup::check_member(const std::string& member_id,
                                     const std::optional<std::string>& group_instance_id) const {
    if (group_instance_id) {
        // A static member's place is its instance id; an old member id of it is a zombie.
        const Member* holder = find_instance(*group_instance_id);
        if (holder && holder->member_id != member_id) return ErrorCode::FENCED_INSTANCE_ID;
        if (!holder) return ErrorCode::UNKNOWN_MEMBER_ID;
        return ErrorCode::NONE;
    }
    return member(member_id) ? ErrorCode::NONE : ErrorCode::UNKNOWN_MEMBER_ID;
}

std::string ClassicGroup::new_member_id(const std::string& client_id) {
    // Kafka's shape: the client id, a dash, something unique. Unique within the group's life
    // here (a counter), which is what the protocol needs.
    std::string id = (client_id.empty() ? std::string("member") : client_id) + "-" + group_id_;
    if (!config_.member_id_tag.empty()) id += "-" + config_.member_id_tag;
    return id + "-" + std::to_string(next_member_++);
}

void ClassicGroup::load(std::string protocol_type, std::int32_t generation,
                        std::string protocol_name, std::string leader,
                        std::vector<LoadedMember> members, std::int64_t now_ms) {
    protocol_type_ = std::move(protocol_type);
    generation_ = generation;
    members_.clear();
    pending_members_.clear();
    sync_deadline_ms_ = -1;
    initial_delay_until_ms_ = -1;
    for (auto& lm : members) {
        if (members_.size() >= config_.max_size) break;
        Member m;
        m.member_id = std::move(lm.member_id);
        m.group_instance_id = std::move(lm.group_instance_id);
        m.client_id = std::move(lm.client_id);
        m.client_host = std::move(lm.client_host);
        m.session_timeout_ms = lm.session_timeout_ms;
        m.rebalance_timeout_ms = lm.rebalance_timeout_ms;
        m.protocols.push_back({protocol_name, std::move(lm.subscription)});
        m.assignment = std::move(lm.assignment);
        m.last_seen_ms = now_ms;
        m.synced = true;
        members_.push_back(std::move(m));
    }
    if (members_.empty()) {
        state_ = GroupState::Empty;
        protocol_name_.clear();
        leader_.clear();
        return;
    }
    state_ = GroupState::Stable;
    protocol_name_ = std::move(protocol_name);
    leader_ = find(leader) ? std::move(leader) : members_.front().member_id;
}

std::int32_t ClassicGroup::rebalance_timeout_ms() const {
    std::int32_t t = 0;
    for (const auto& m : members_)
        t = std::max(t, m.rebalance_timeout_ms);
    return t;
}

bool ClassicGroup::supports_common_protocol(const JoinRequest& request) const {
    if (members_.empty()) return true;
    if (request.protocol_type != protocol_type_) return false;
    // Some protocol every current member (but the one rejoining) and this one offer.
    for (const auto& p : request.protocols) {
        const bool everyone = std::all_of(members_.begin(), members_.end(), [&](const Member& m) {
            if (m.member_id == request.member_id) return true;
            return std::any_of(m.protocols.begin(), m.protocols.end(),
                               [&](const Protocol& q) { return q.name == p.name; });
        });
        if (everyone) return true;
    }
    return false;
}

void ClassicGroup::add_member(const JoinRequest& request, const std::string& member_id,
                              std::int64_t now_ms) {
    Member m;
    m.member_id = member_id;
    m.group_instance_id = request.group_instance_id;
    m.client_id = request.client_id;
    m.client_host = request.client_host;
    m.session_timeout_ms = request.session_timeout_ms;
    m.rebalance_timeout_ms = request.rebalance_timeout_ms < 0 ? request.session_timeout_ms
                                                              : request.rebalance_timeout_ms;
    m.protocols = request.protocols;
    m.last_seen_ms = now_ms;
    m.awaiting_join = true;
    if (members_.empty()) protocol_type_ = request.protocol_type;
    members_.push_back(std::move(m));
}

ClassicGroup::JoinAnswer ClassicGroup::join(const JoinRequest& request, std::int64_t now_ms,
                                            Output& out) {
    JoinAnswer answer;
    answer.member_id = request.member_id;
    auto refuse = [&](ErrorCode e) {
        answer.now = join_error(e, request.member_id);
        return answer;
    };
    if (state_ == GroupState::Dead) return refuse(ErrorCode::COORDINATOR_NOT_AVAILABLE);
    if (request.session_timeout_ms < config_.min_session_timeout_ms ||
        request.session_timeout_ms > config_.max_session_timeout_ms)
        return refuse(ErrorCode::INVALID_SESSION_TIMEOUT);
    if (request.protocol_type.empty() || request.protocols.empty() ||
        request.protocols.size() > config_.max_protocols)
        return refuse(ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
    for (const auto& p : request.protocols) {
        if (p.name.empty() || p.metadata.size() > config_.max_protocol_metadata_bytes)
            return refuse(ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
    }
    if (!supports_common_protocol(request)) return refuse(ErrorCode::INCONSISTENT_GROUP_PROTOCOL);

    if (request.member_id.empty()) {
        // A static member coming back (a restart): it takes its old place under a new id.
        if (request.group_instance_id) {
            if (Member* old = const_cast<Member*>(find_instance(*request.group_instance_id))) {
                const std::string old_id = old->member_id;
                const std::string old_leader = leader_;
                const std::string id = new_member_id(request.client_id);
                old->member_id = id;
                old->client_id = request.client_id;
                old->client_host = request.client_host;
                old->session_timeout_ms = request.session_timeout_ms;
                old->protocols = request.protocols;
                old->rebalance_timeout_ms = request.rebalance_timeout_ms < 0
                                                ? request.session_timeout_ms
                                                : request.rebalance_timeout_ms;
                old->last_seen_ms = now_ms;
                if (leader_ == old_id) leader_ = id;
                answer.member_id = id;
                out.events.push_back("static member " + *request.group_instance_id +
                                     " rejoined as " + id + " (was " + old_id + ")");
                if (state_ == GroupState::Stable && choose_protocol() == protocol_name_) {
                    // The next generation would choose the same protocol: no rebalance; it
                    // syncs to get its assignment. The answer names the leader as it was, so
                    // that a restarted leader does not run an assignment the group would not
                    // take (Kafka before JoinGroup v9's skipAssignment).
                    JoinResult r;
                    r.generation = generation_;
                    r.protocol_type = protocol_type_;
                    r.protocol_name = protocol_name_;
                    r.leader = old_leader;
                    r.member_id = id;
                    answer.now = r;
                    out.persist = true;
                    return answer;
                }
                old->awaiting_join = true;
                if (state_ == GroupState::PreparingRebalance) {
                    maybe_complete_join(now_ms, out);
                } else {
                    prepare_rebalance("static member " + *request.group_instance_id +
                                          " rejoined with other protocols",
                                      now_ms, out);
                }
                return answer;
            }
        }
        if (members_.size() + pending_members_.size() >= config_.max_size)
            return refuse(ErrorCode::GROUP_MAX_SIZE_REACHED);
        const std::string id = new_member_id(request.client_id);
        answer.member_id = id;
        if (request.require_known_member_id && !request.group_instance_id) {
            // JoinGroup v4+: the member learns its id first and joins with it, so a retried
            // first join cannot leave a ghost member behind.
            pending_members_[id] = now_ms + request.session_timeout_ms;
            answer.now = join_error(ErrorCode::MEMBER_ID_REQUIRED, id);
            return answer;
        }
        JoinRequest known = request;
        known.member_id = id;
        add_member(known, id, now_ms);
        out.events.push_back("member " + id + " joined");
        if (state_ == GroupState::PreparingRebalance) {
            maybe_complete_join(now_ms, out);
        } else {
            prepare_rebalance("member " + id + " joined", now_ms, out);
        }
        return answer;
    }

    // A known member id: one told MEMBER_ID_REQUIRED, or a member rejoining.
    if (auto p = pending_members_.find(request.member_id); p != pending_members_.end()) {
        pending_members_.erase(p);
        if (members_.size() >= config_.max_size) return refuse(ErrorCode::GROUP_MAX_SIZE_REACHED);
        add_member(request, request.member_id, now_ms);
        out.events.push_back("member " + request.member_id + " joined");
        if (state_ == GroupState::PreparingRebalance) {
            maybe_complete_join(now_ms, out);
        } else {
            prepare_rebalance("member " + request.member_id + " joined", now_ms, out);
        }
        return answer;
    }
    if (auto e = check_member(request.member_id, request.group_instance_id); e != ErrorCode::NONE)
        return refuse(e);
    Member* m = find(request.member_id);
    m->last_seen_ms = now_ms;
    const bool unchanged = same_protocols(m->protocols, request.protocols);
    m->protocols = request.protocols;
    m->session_timeout_ms = request.session_timeout_ms;
    m->rebalance_timeout_ms = request.rebalance_timeout_ms < 0 ? request.session_timeout_ms
                                                               : request.rebalance_timeout_ms;
    switch (state_) {
        case GroupState::PreparingRebalance:
            m->awaiting_join = true;
            maybe_complete_join(now_ms, out);
            return answer;
        case GroupState::CompletingRebalance:
            if (unchanged) {
                // Its JoinGroup answer was lost: the same again.
                answer.now = join_result(*m);
                return answer;
            }
            m->awaiting_join = true;
            prepare_rebalance("member " + m->member_id + " rejoined with other protocols", now_ms,
                              out);
            return answer;
        case GroupState::Stable:
            if (unchanged && m->member_id != leader_) {
                answer.now = join_result(*m);
                return answer;
            }
            m->awaiting_join = true;
            prepare_rebalance(m->member_id == leader_
                                  ? "the leader " + m->member_id + " rejoined"
                                  : "member " + m->member_id + " rejoined with other protocols",
                              now_ms, out);
            return answer;
        case GroupState::Empty:
        case GroupState::Dead:
            break;
    }
    return refuse(ErrorCode::UNKNOWN_MEMBER_ID);
}

void ClassicGroup::prepare_rebalance(const std::string& why, std::int64_t now_ms, Output& out) {
    // A rebalance while members wait for the leader's assignment: they are told to rejoin.
    if (state_ == GroupState::CompletingRebalance) {
        for (auto& m : members_) {
            if (m.awaiting_sync) {
                out.syncs.emplace_back(m.member_id, sync_error(ErrorCode::REBALANCE_IN_PROGRESS));
                m.awaiting_sync = false;
            }
        }
    }
    const bool from_empty = state_ == GroupState::Empty;
    state_ = GroupState::PreparingRebalance;
    rebalance_started_ms_ = now_ms;
    sync_deadline_ms_ = -1;
    initial_delay_until_ms_ = from_empty && config_.initial_rebalance_delay_ms > 0
                                  ? now_ms + config_.initial_rebalance_delay_ms
                                  : -1;
    out.events.push_back("rebalance: " + why);
    maybe_complete_join(now_ms, out);
}

void ClassicGroup::maybe_complete_join(std::int64_t now_ms, Output& out) {
    if (state_ != GroupState::PreparingRebalance) return;
    const bool everyone = std::all_of(members_.begin(), members_.end(),
                                      [](const Member& m) { return m.awaiting_join; });
    const bool delaying = initial_delay_until_ms_ >= 0 && now_ms < initial_delay_until_ms_;
    const bool timed_out = now_ms >= rebalance_started_ms_ + rebalance_timeout_ms();
    if ((everyone && !delaying) || timed_out) complete_join(now_ms, out);
}

void ClassicGroup::complete_join(std::int64_t now_ms, Output& out) {
    // Dynamic members that did not rejoin in time are out of the next generation; static ones
    // keep their place (their session decides).
    std::vector<std::string> late;
    for (const auto& m : members_) {
        if (!m.awaiting_join && !m.group_instance_id) late.push_back(m.member_id);
    }
    for (const auto& id : late) {
        std::erase_if(members_, [&](const Member& m) { return m.member_id == id; });
        out.events.push_back("member " + id + " did not rejoin within the rebalance timeout");
    }
    const bool anyone = std::any_of(members_.begin(), members_.end(),
                                    [](const Member& m) { return m.awaiting_join; });
    if (!members_.empty() && !anyone) {
        // Only static members are left and none rejoined: wait another rebalance timeout
        // (their sessions will remove the ones that are gone).
        rebalance_started_ms_ = now_ms;
        return;
    }
    initial_delay_until_ms_ = -1;
    ++generation_;
    out.persist = true;
    if (members_.empty()) {
        state_ = GroupState::Empty;
        protocol_name_.clear();
        leader_.clear();
        sync_deadline_ms_ = -1;
        out.events.push_back("generation " + std::to_string(generation_) + ": no members");
        return;
    }
    protocol_name_ = choose_protocol();
    // The leader stays the leader if it rejoined; else the first member that did.
    const Member* leader = find(leader_);
    if (!leader || !leader->awaiting_join) {
        leader_ = std::find_if(members_.begin(), members_.end(), [](const Member& m) {
                      return m.awaiting_join;
                  })->member_id;
    }
    state_ = GroupState::CompletingRebalance;
    // Every member must now send SyncGroup within the rebalance timeout.
    sync_deadline_ms_ = now_ms + rebalance_timeout_ms();
    for (auto& m : members_) {
        m.synced = false;
        m.assignment.clear();
        if (!m.awaiting_join) continue;
        m.awaiting_join = false;
        m.last_seen_ms = now_ms;
        out.joins.emplace_back(m.member_id, join_result(m));
    }
    out.events.push_back("generation " + std::to_string(generation_) + " (" + protocol_name_ +
                         "): leader " + leader_ + ", " + std::to_string(members_.size()) +
                         " member" + (members_.size() == 1 ? "" : "s"));
}

std::string ClassicGroup::choose_protocol() const {
    // The candidates every member supports; each member votes for the first of them in its own
    // order of preference; the most votes win (ties: the leader's, then the first member's
    // order).
    std::set<std::string> common;
    for (const auto& p : members_.front().protocols)
        common.insert(p.name);
    for (const auto& m : members_) {
        std::set<std::string> mine;
        for (const auto& p : m.protocols) {
            if (common.count(p.name)) mine.insert(p.name);
        }
        common = std::move(mine);
    }
    std::map<std::string, int> votes;
    for (const auto& m : members_) {
        for (const auto& p : m.protocols) {
            if (common.count(p.name)) {
                ++votes[p.name];
                break;
            }
        }
    }
    const Member* order = nullptr;
    for (const auto& m : members_) {
        if (m.member_id == leader_) order = &m;
    }
    if (!order) order = &members_.front();
    std::string best;
    int best_votes = -1;
    for (const auto& p : order->protocols) {
        auto it = votes.find(p.name);
        const int v = it == votes.end() ? 0 : it->second;
        if (common.count(p.name) && v > best_votes) {
            best = p.name;
            best_votes = v;
        }
    }
    return best;
}

JoinResult ClassicGroup::join_result(const Member& m) const {
    JoinResult r;
    r.generation = generation_;
    r.protocol_type = protocol_type_;
    r.protocol_name = protocol_name_;
    r.leader = leader_;
    r.member_id = m.member_id;
    if (m.member_id == leader_) {
        for (const auto& other : members_) {
            JoinedMember j{other.member_id, other.group_instance_id, {}};
            for (const auto& p : other.protocols) {
                if (p.name == protocol_name_) j.metadata = p.metadata;
            }
            r.members.push_back(std::move(j));
        }
    }
    return r;
}

std::optional<SyncResult> ClassicGroup::sync(const SyncRequest& request, std::int64_t now_ms,
                                             Output& out) {
    if (state_ == GroupState::Dead) return sync_error(ErrorCode::COORDINATOR_NOT_AVAILABLE);
    if (auto e = check_member(request.member_id, request.group_instance_id); e != ErrorCode::NONE)
        return sync_error(e);
    if (request.generation != generation_) return sync_error(ErrorCode::ILLEGAL_GENERATION);
    Member* m = find(request.member_id);
    m->last_seen_ms = now_ms;
    switch (state_) {
        case GroupState::PreparingRebalance:
            return sync_error(ErrorCode::REBALANCE_IN_PROGRESS);
        case GroupState::Stable: {
            m->synced = true;
            if (std::all_of(members_.begin(), members_.end(),
                            [](const Member& x) { return x.synced; }))
                sync_deadline_ms_ = -1;
            SyncResult r;
            r.protocol_type = protocol_type_;
            r.protocol_name = protocol_name_;
            r.assignment = m->assignment;
            return r;
        }
        case GroupState::CompletingRebalance:
            break;
        case GroupState::Empty:
        case GroupState::Dead:
            return sync_error(ErrorCode::UNKNOWN_MEMBER_ID);
    }
    m->synced = true;
    if (request.member_id != leader_) {
        m->awaiting_sync = true;
        return std::nullopt;
    }
    // The leader's assignment: each member gets its bytes (none for a member the leader left
    // out; assignments for ids that are not members are dropped).
    for (auto& member : members_) {
        auto it = request.assignments.find(member.member_id);
        member.assignment = it == request.assignments.end() ? Bytes{} : it->second;
    }
    state_ = GroupState::Stable;
    if (std::all_of(members_.begin(), members_.end(), [](const Member& x) { return x.synced; }))
        sync_deadline_ms_ = -1;
    out.persist = true;
    for (auto& member : members_) {
        if (!member.awaiting_sync) continue;
        member.awaiting_sync = false;
        SyncResult r;
        r.protocol_type = protocol_type_;
        r.protocol_name = protocol_name_;
        r.assignment = member.assignment;
        out.syncs.emplace_back(member.member_id, std::move(r));
    }
    out.events.push_back("generation " + std::to_string(generation_) + " is stable: the leader " +
                         leader_ + " assigned the partitions");
    SyncResult r;
    r.protocol_type = protocol_type_;
    r.protocol_name = protocol_name_;
    r.assignment = m->assignment;
    return r;
}

ErrorCode ClassicGroup::heartbeat(const std::string& member_id,
                                  const std::optional<std::string>& group_instance_id,
                                  std::int32_t generation, std::int64_t now_ms) {
    if (state_ == GroupState::Dead) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
    if (state_ == GroupState::Empty) return ErrorCode::UNKNOWN_MEMBER_ID;
    if (auto e = check_member(member_id, group_instance_id); e != ErrorCode::NONE) return e;
    if (generation != generation_) return ErrorCode::ILLEGAL_GENERATION;
    find(member_id)->last_seen_ms = now_ms;
    return state_ == GroupState::PreparingRebalance ? ErrorCode::REBALANCE_IN_PROGRESS
                                                    : ErrorCode::NONE;
}

ErrorCode ClassicGroup::leave(const std::string& member_id,
                              const std::optional<std::string>& group_instance_id,
                              std::int64_t now_ms, Output& out) {
    if (state_ == GroupState::Dead) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
    std::string id = member_id;
    if (group_instance_id) {
        const Member* holder = find_instance(*group_instance_id);
        if (!holder) return ErrorCode::UNKNOWN_MEMBER_ID;
        if (!member_id.empty() && holder->member_id != member_id)
            return ErrorCode::FENCED_INSTANCE_ID;
        id = holder->member_id;
    } else if (auto p = pending_members_.find(member_id); p != pending_members_.end()) {
        pending_members_.erase(p);
        return ErrorCode::NONE;
    }
    if (!find(id)) return ErrorCode::UNKNOWN_MEMBER_ID;
    remove_member(id, "it left the group (LeaveGroup)", now_ms, out);
    return ErrorCode::NONE;
}

void ClassicGroup::remove_member(const std::string& member_id, const std::string& why,
                                 std::int64_t now_ms, Output& out) {
    Member* m = find(member_id);
    if (!m) return;
    if (m->awaiting_join)
        out.joins.emplace_back(member_id, join_error(ErrorCode::UNKNOWN_MEMBER_ID, member_id));
    if (m->awaiting_sync)
        out.syncs.emplace_back(member_id, sync_error(ErrorCode::UNKNOWN_MEMBER_ID));
    std::erase_if(members_, [&](const Member& x) { return x.member_id == member_id; });
    out.events.push_back("member " + member_id + " removed: " + why);
    out.persist = true;
    switch (state_) {
        case GroupState::Stable:
        case GroupState::CompletingRebalance:
            prepare_rebalance("member " + member_id + " left", now_ms, out);
            break;
        case GroupState::PreparingRebalance:
            maybe_complete_join(now_ms, out);
            break;
        case GroupState::Empty:
        case GroupState::Dead:
            break;
    }
}

ErrorCode ClassicGroup::check_commit(const std::string& member_id,
                                     const std::optional<std::string>& group_instance_id,
                                     std::int32_t generation) const {
    if (state_ == GroupState::Dead) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
    if (generation < 0 && member_id.empty() && !group_instance_id) {
        // Outside the group protocol: only while the group has no members.
        return members_.empty() ? ErrorCode::NONE : ErrorCode::UNKNOWN_MEMBER_ID;
    }
    if (auto e = check_member(member_id, group_instance_id); e != ErrorCode::NONE) return e;
    if (generation != generation_) return ErrorCode::ILLEGAL_GENERATION;
    // Kafka's GroupCoordinator.doCommitOffsets: a member of the current generation may still
    // commit while the group prepares a rebalance (what it consumed before rejoining; it learns
    // of the rebalance from its heartbeat), but not while the new generation's assignment is
    // being made (it has joined the new generation and owns nothing until SyncGroup).
    if (state_ == GroupState::CompletingRebalance) return ErrorCode::REBALANCE_IN_PROGRESS;
    return ErrorCode::NONE;
}

void ClassicGroup::tick(std::int64_t now_ms, Output& out) {
    if (state_ == GroupState::Dead) return;
    std::erase_if(pending_members_, [&](const auto& p) { return p.second <= now_ms; });
    // Session expiry: a member whose JoinGroup waits is alive; others must have been heard
    // from within their session timeout.
    std::vector<std::string> expired;
    for (const auto& m : members_) {
        if (m.awaiting_join) continue;
        if (now_ms - m.last_seen_ms > m.session_timeout_ms) expired.push_back(m.member_id);
    }
    for (const auto& id : expired) {
        const Member* m = member(id);
        if (!m) continue;
        remove_member(id,
                      "no heartbeat for " + std::to_string(now_ms - m->last_seen_ms) +
                          " ms > session.timeout.ms " + std::to_string(m->session_timeout_ms),
                      now_ms, out);
    }
    // Members that never sent SyncGroup within the rebalance timeout (the leader's assignment
    // may have come, or not): out, and the group rebalances.
    if ((state_ == GroupState::CompletingRebalance || state_ == GroupState::Stable) &&
        sync_deadline_ms_ >= 0 && now_ms >= sync_deadline_ms_) {
        sync_deadline_ms_ = -1;
        std::vector<std::string> unsynced;
        for (const auto& m : members_) {
            if (!m.synced) unsynced.push_back(m.member_id);
        }
        for (const auto& id : unsynced) {
            remove_member(id, "it did not sync within the rebalance timeout", now_ms, out);
        }
    }
    maybe_complete_join(now_ms, out);
}

void ClassicGroup::kill(ErrorCode error, Output& out) {
    for (auto& m : members_) {
        if (m.awaiting_join) out.joins.emplace_back(m.member_id, join_error(error, m.member_id));
        if (m.awaiting_sync) out.syncs.emplace_back(m.member_id, sync_error(error));
        m.awaiting_join = m.awaiting_sync = false;
    }
    state_ = GroupState::Dead;
}

std::int64_t ClassicGroup::next_deadline_ms() const {
    std::int64_t next = -1;
    auto consider = [&](std::int64_t t) {
        if (t >= 0 && (next < 0 || t < next)) next = t;
    };
    if (state_ == GroupState::Dead) return -1;
    for (const auto& [id, deadline] : pending_members_)
        consider(deadline);
    for (const auto& m : members_) {
        if (!m.awaiting_join) consider(m.last_seen_ms + m.session_timeout_ms + 1);
    }
    if (state_ == GroupState::PreparingRebalance) {
        consider(rebalance_started_ms_ + rebalance_timeout_ms());
        consider(initial_delay_until_ms_);
    }
    if (state_ == GroupState::CompletingRebalance || state_ == GroupState::Stable)
        consider(sync_deadline_ms_);
    return next;
}

}  // namespace kraftlab::group
