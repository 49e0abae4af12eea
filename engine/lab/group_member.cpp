// The built-in consumer's membership of a consumer group (lab/group_member.h).
#include "lab/group_member.h"

#include <algorithm>

#include "group/consumer_protocol.h"

namespace kraftlab::lab {

namespace asio = net::asio;
using Clock = core::LabTime;
using protocol::ErrorCode;
using namespace std::chrono_literals;

namespace {

constexpr std::int16_t kFindCoordinatorVersion = 2;
constexpr std::int16_t kJoinGroupVersion = 5;
constexpr std::int16_t kSyncGroupVersion = 3;
constexpr std::int16_t kHeartbeatVersion = 3;
constexpr std::int16_t kLeaveGroupVersion = 3;
constexpr std::int16_t kOffsetCommitVersion = 7;
constexpr std::int16_t kOffsetFetchVersion = 5;
constexpr auto kConnectPoll = 20ms;
constexpr auto kConnectPatience = 2s;
// A stopping consumer waits this long for each of its last commit and its LeaveGroup (the
// consumer's thread gives its coroutines 2 s in all).
constexpr std::int32_t kGoodbyeTimeoutMs = 700;
constexpr auto kGoodbyePatience = 300ms;
// Bounds on what a JoinGroup answer can make the leader do.
constexpr std::size_t kMaxAssignedTopics = 1'000;
constexpr std::int32_t kMaxPartitions = 100'000;
constexpr int kOffsetFetchAttempts = 10;

// 100 ms, doubling to 1 s: short, because the usual causes (the coordinator is loading its
// partition, __consumer_offsets is being made, a leader moved) pass within a second or two.
Clock::duration backoff(std::int32_t failures) {
    const std::int32_t ms = 100 * (1 << std::clamp(failures - 1, 0, 4));
    return std::chrono::milliseconds(std::min(ms, 1'000));
}

std::string name_of(ErrorCode code) {
    return std::string(protocol::error_name(code));
}

bool coordinator_moving(ErrorCode code) {
    return code == ErrorCode::COORDINATOR_NOT_AVAILABLE || code == ErrorCode::NOT_COORDINATOR ||
           code == ErrorCode::COORDINATOR_LOAD_IN_PROGRESS;
}

}  // namespace

std::string_view GroupMember::phase_name(Phase phase) {
    // In Phase's order.
    static constexpr std::string_view kNames[] = {"finding coordinator", "joining",     "syncing",
                                                  "consuming",           "rebalancing", "stopped"};
    return kNames[static_cast<std::size_t>(phase)];
}

GroupMember::GroupMember(asio::io_context& io, std::int32_t consumer_id,
                         std::vector<BrokerAddress> bootstrap, net::KafkaClientConfig client,
                         ConsumerConfig config, core::EventBus& events, GroupMemberHooks hooks)
    : io_(io),
      consumer_id_(consumer_id),
      config_(std::move(config)),
      events_(events),
      hooks_(std::move(hooks)),
      assignor_(group::assignor_from_name(config_.assignor).value_or(group::AssignorKind::Range)),
      conns_(io.get_executor(), std::move(bootstrap), std::move(client)) {}

GroupMember::~GroupMember() = default;

void GroupMember::start() {
    asio::co_spawn(io_, run(), asio::detached);
    const std::string start = config_.start_from == StartFrom::Earliest
                                  ? "from the earliest offset"
                                  : "from the latest offset (new records only)";
    events_.publish(core::EventKind::ConsumerStarted, core::NodeRef::consumer(consumer_id_),
                    "consumer " + std::to_string(consumer_id_) + " joins group " + config_.group +
                        " to read " + config_.topic + " (" + config_.assignor + ", commits " +
                        config_.commit + "); where nothing is committed it starts " + start,
                    {{"start_from", start_from_name(config_.start_from)},
                     {"group", config_.group},
                     {"assignor", config_.assignor},
                     {"commit", config_.commit}},
                    config_.topic);
}

void GroupMember::describe(core::ConsumerSnapshot& s) const {
    s.group = config_.group;
    s.assignor = config_.assignor;
    s.commit = config_.commit;
    s.member_id = member_id_;
    s.generation = generation_;
    s.group_state = std::string(phase_name(phase_));
    s.coordinator = coordinator_;
    for (auto& p : s.partitions) {
        auto it = committed_.find(p.partition);
        p.committed = it == committed_.end() ? -1 : it->second;
    }
}

void GroupMember::consumed() {
    if (config_.commit != "poll") return;
    commit_wanted_ = true;
    // Only the wait between heartbeats is cut short: a backoff stays a backoff.
    if (phase_ == Phase::Consuming && !need_join_) {
        for (auto* t : sleeping_)
            t->cancel();
    }
}

std::int32_t GroupMember::slow_call_timeout_ms() const {
    // A JoinGroup waits at the coordinator until every member has rejoined (at most the
    // rebalance timeout), a follower's SyncGroup until the leader's: Java's client allows the
    // rebalance timeout plus 5 s.
    return std::max(config_.request_timeout_ms, config_.rebalance_timeout_ms + 5'000);
}

asio::awaitable<void> GroupMember::wait_lab(Clock::duration d) {
    net::LabTimer timer(io_, d);
    sleeping_.insert(&timer);
    net::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    sleeping_.erase(&timer);
}

asio::awaitable<std::shared_ptr<net::KafkaClient>> GroupMember::connection(std::int32_t broker,
                                                                           Clock::duration patience,
                                                                           bool goodbye) {
    const auto deadline = Clock::now() + patience;
    for (;;) {
        if (auto client = conns_.get(broker)) co_return client;
        if ((stopping_ && !goodbye) || Clock::now() >= deadline) co_return nullptr;
        co_await wait_lab(kConnectPoll);
    }
}

asio::awaitable<std::shared_ptr<net::KafkaClient>> GroupMember::coordinator_connection() {
    auto client = co_await connection(coordinator_, kConnectPatience, false);
    if (!client && !stopping_)
        lose_coordinator("no connection to broker " + std::to_string(coordinator_));
    if (stopping_) co_return nullptr;
    co_return client;
}

void GroupMember::report(const std::string& what) const {
    if (hooks_.error) hooks_.error("group " + config_.group + ": " + what);
}

// ---- the membership's steps -------------------------------------------------------------------

asio::awaitable<void> GroupMember::run() {
    while (!stopping_) {
        if (coordinator_ < 0) {
            co_await find_coordinator();
        } else if (need_join_) {
            if (assigned_) co_await revoke_for_rejoin(commit_before_join_);
            // Committing may have shown that the coordinator moved: find it first.
            if (!stopping_ && coordinator_ >= 0) co_await join_and_sync();
        } else {
            co_await consume_step();
        }
    }
}

void GroupMember::lose_coordinator(const std::string& why) {
    report(why + "; finding its coordinator again");
    if (coordinator_ >= 0) conns_.drop(coordinator_, why);
    coordinator_ = -1;
    need_join_ = true;
    commit_before_join_ = true;  // the generation may still hold at the new coordinator
}

bool GroupMember::react(ErrorCode code, const std::string& during) {
    switch (code) {
        case ErrorCode::REBALANCE_IN_PROGRESS:
            need_join_ = true;
            commit_before_join_ = true;
            return true;
        case ErrorCode::UNKNOWN_MEMBER_ID:
        case ErrorCode::FENCED_INSTANCE_ID:
            member_id_.clear();
            [[fallthrough]];
        case ErrorCode::ILLEGAL_GENERATION:
            need_join_ = true;
            commit_before_join_ = false;
            generation_ = -1;
            return true;
        case ErrorCode::NOT_COORDINATOR:
        case ErrorCode::COORDINATOR_NOT_AVAILABLE:
            lose_coordinator(during + " answered " + name_of(code));
            return true;
        default:
            return false;
    }
}

asio::awaitable<void> GroupMember::find_coordinator() {
    phase_ = Phase::FindingCoordinator;
    // Any broker can answer; Metadata tells which there are (and the bootstrap list is where to
    // ask it). Asked again now and then, in case the brokers changed.
    if (brokers_.empty() || (failures_ > 0 && failures_ % 5 == 0)) {
        auto layout = co_await conns_.fetch_metadata(config_.topic);
        if (stopping_) co_return;
        if (layout) {
            brokers_.clear();
            for (const auto& [id, address] : layout->brokers)
                brokers_.push_back(id);
        } else {
            report("no broker answered (" + layout.error().message + ")");
        }
    }
    if (brokers_.empty()) {
        co_await wait_lab(backoff(++failures_));
        co_return;
    }
    const std::int32_t broker = brokers_[next_broker_++ % brokers_.size()];
    auto client = co_await connection(broker, kConnectPatience, false);
    if (stopping_) co_return;
    if (!client) {
        co_await wait_lab(backoff(++failures_));
        co_return;
    }
    protocol::FindCoordinatorRequest request;
    request.key = config_.group;
    request.key_type = 0;  // a group
    auto response = co_await client->call(request, kFindCoordinatorVersion);
    if (stopping_) co_return;
    if (!response) {
        conns_.drop(broker, response.error().message);
        co_await wait_lab(backoff(++failures_));
        co_return;
    }
    const auto code = static_cast<ErrorCode>(response->error_code);
    if (code == ErrorCode::NONE && response->node_id >= 0 && response->port > 0 &&
        response->port <= 65535) {
        std::map<std::int32_t, BrokerAddress> address;
        address[response->node_id] = {response->host, static_cast<std::uint16_t>(response->port)};
        conns_.learn_brokers(address);
        coordinator_ = response->node_id;
        failures_ = 0;
        co_return;
    }
    ++failures_;
    // The coordinator being made or moved is expected for a moment; say so only if it lasts.
    if (!coordinator_moving(code) || failures_ >= 10) {
        report("FindCoordinator on broker " + std::to_string(broker) + " answered " +
               name_of(code));
    }
    co_await wait_lab(backoff(failures_));
}

asio::awaitable<void> GroupMember::revoke_for_rejoin(bool commit_first) {
    phase_ = Phase::Rebalancing;
    // Revoked first, so that nothing is read between the commit and the rejoin.
    const PartitionOffsets positions = hooks_.revoke ? hooks_.revoke() : PartitionOffsets{};
    assigned_ = false;
    if (commit_first && generation_ >= 0 && !member_id_.empty()) {
        const auto code = co_await commit(positions, config_.request_timeout_ms, false);
        if (!stopping_ && code != ErrorCode::NONE) {
            react(code, "OffsetCommit");
            report("the commit before rejoining failed (" + name_of(code) +
                   "); the partitions' next owner reads some records again");
        }
    }
    committed_.clear();
}

asio::awaitable<void> GroupMember::join_and_sync() {
    phase_ = Phase::Joining;
    auto client = co_await coordinator_connection();
    if (!client) co_return;
    protocol::JoinGroupRequest request;
    request.group_id = config_.group;
    request.session_timeout_ms = config_.session_timeout_ms;
    request.rebalance_timeout_ms = config_.rebalance_timeout_ms;
    request.member_id = member_id_;
    request.protocol_type = "consumer";
    const auto subscription = group::encode_subscription(std::vector<std::string>{config_.topic});
    // Both assignors, the configured one first: the coordinator picks the one every member
    // supports that most members prefer, so a member configured otherwise does not break in.
    const group::AssignorKind other = assignor_ == group::AssignorKind::Range
                                          ? group::AssignorKind::RoundRobin
                                          : group::AssignorKind::Range;
    for (auto kind : {assignor_, other})
        request.protocols.push_back({std::string(group::assignor_name(kind)), subscription});
    const std::int32_t timeout_ms = slow_call_timeout_ms();
    in_slow_call_ = true;
    auto response = co_await client->call(request, kJoinGroupVersion, timeout_ms);
    in_slow_call_ = false;
    if (stopping_) co_return;
    if (!response) {
        lose_coordinator("JoinGroup failed (" + response.error().message + ")");
        co_return;
    }
    const auto code = static_cast<ErrorCode>(response->error_code);
    if (code == ErrorCode::MEMBER_ID_REQUIRED) {  // JoinGroup v4+: join again with this id
        member_id_ = response->member_id;
        co_return;
    }
    if (code != ErrorCode::NONE) {
        if (!react(code, "JoinGroup")) {
            ++failures_;
            if (code != ErrorCode::COORDINATOR_LOAD_IN_PROGRESS)
                report("JoinGroup answered " + name_of(code));
            co_await wait_lab(backoff(failures_));
        }
        co_return;
    }
    member_id_ = response->member_id;
    generation_ = response->generation_id;
    leader_ = response->leader;
    protocol_ = response->protocol_name;
    failures_ = 0;
    co_await sync(*response);
}

asio::awaitable<std::optional<group::GroupAssignment>> GroupMember::compute_assignment(
    const protocol::JoinGroupResponse& joined) {
    std::vector<group::AssignorMember> members;
    std::set<std::string> topics;
    for (const auto& m : joined.members) {
        group::AssignorMember member;
        member.member_id = m.member_id;
        member.group_instance_id = m.group_instance_id;
        if (auto subscription = group::decode_subscription(m.metadata)) {
            member.topics = std::move(subscription->topics);
        } else {
            report("the subscription of member " + m.member_id +
                   " does not decode; it gets no partitions");
        }
        for (const auto& t : member.topics) {
            if (topics.size() < kMaxAssignedTopics) topics.insert(t);
        }
        members.push_back(std::move(member));
    }
    // Partition counts from Metadata, for every topic a member reads (the others may read other
    // topics than this consumer). A topic the brokers do not describe is assigned to nobody.
    group::PartitionCounts counts;
    for (const auto& topic : topics) {
        auto layout = co_await conns_.fetch_metadata(topic);
        if (stopping_) co_return std::nullopt;
        if (!layout) {
            if (topic == config_.topic) co_return std::nullopt;  // no answer at all: rejoin
            continue;
        }
        if (layout->topic_error == ErrorCode::NONE && layout->partitions() > 0)
            counts[topic] = layout->partitions();
    }
    const auto kind = group::assignor_from_name(protocol_).value_or(assignor_);
    co_return group::assign(kind, members, counts);
}

asio::awaitable<void> GroupMember::sync(const protocol::JoinGroupResponse& joined) {
    phase_ = Phase::Syncing;
    protocol::SyncGroupRequest request;
    request.group_id = config_.group;
    request.generation_id = generation_;
    request.member_id = member_id_;
    if (is_leader()) {
        auto assignment = co_await compute_assignment(joined);
        if (stopping_) co_return;
        if (!assignment) {
            // No metadata: assigning nothing would leave the group idle until the next
            // rebalance; joining again starts one now.
            co_await wait_lab(backoff(++failures_));
            co_return;
        }
        for (const auto& [member, partitions] : *assignment)
            request.assignments.push_back({member, group::encode_assignment(partitions)});
    }
    auto client = co_await coordinator_connection();
    if (!client) co_return;
    const std::int32_t timeout_ms = slow_call_timeout_ms();
    in_slow_call_ = true;
    auto response = co_await client->call(request, kSyncGroupVersion, timeout_ms);
    in_slow_call_ = false;
    if (stopping_) co_return;
    if (!response) {
        lose_coordinator("SyncGroup failed (" + response.error().message + ")");
        co_return;
    }
    const auto code = static_cast<ErrorCode>(response->error_code);
    if (code != ErrorCode::NONE) {
        if (!react(code, "SyncGroup")) {
            if (code != ErrorCode::COORDINATOR_LOAD_IN_PROGRESS)
                report("SyncGroup answered " + name_of(code));
            co_await wait_lab(backoff(++failures_));
        }
        co_return;
    }
    std::vector<std::int32_t> mine;
    auto decoded = group::decode_assignment(response->assignment);
    if (!decoded) {
        report("the assignment does not decode");
    } else if (auto it = decoded->partitions.find(config_.topic); it != decoded->partitions.end()) {
        for (auto p : it->second) {
            if (p >= 0 && p < kMaxPartitions) mine.push_back(p);
        }
    }
    std::sort(mine.begin(), mine.end());
    mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
    auto committed = co_await fetch_committed(mine);
    if (stopping_ || !committed) co_return;
    committed_ = std::move(*committed);
    need_join_ = false;
    commit_before_join_ = false;
    assigned_ = true;
    commit_wanted_ = false;
    phase_ = Phase::Consuming;
    next_heartbeat_ = Clock::now() + std::chrono::milliseconds(config_.heartbeat_interval_ms);
    next_auto_commit_ = Clock::now() + std::chrono::milliseconds(config_.auto_commit_interval_ms);
    if (hooks_.assigned) hooks_.assigned(committed_);
    std::string list;
    for (auto p : mine)
        list += (list.empty() ? "" : ", ") + std::to_string(p);
    list = list.empty() ? "no partition" : "partitions " + list;
    events_.publish(core::EventKind::ConsumerStarted, core::NodeRef::consumer(consumer_id_),
                    "consumer " + std::to_string(consumer_id_) + " owns " + list + " of " +
                        config_.topic + " in group " + config_.group + " (generation " +
                        std::to_string(generation_) + ", " + protocol_ +
                        (is_leader() ? ", its leader)" : ")"),
                    {{"group", config_.group},
                     {"member_id", member_id_},
                     {"generation", generation_},
                     {"partitions", mine}},
                    config_.topic);
}

asio::awaitable<std::optional<PartitionOffsets>> GroupMember::fetch_committed(
    const std::vector<std::int32_t>& partitions) {
    if (partitions.empty()) co_return PartitionOffsets{};
    for (int attempt = 1; attempt <= kOffsetFetchAttempts; ++attempt) {
        auto client = co_await coordinator_connection();
        if (!client) co_return std::nullopt;
        protocol::OffsetFetchRequest request;
        request.group_id = config_.group;
        request.topics.emplace();
        request.topics->push_back({config_.topic, partitions});
        auto response = co_await client->call(request, kOffsetFetchVersion);
        if (stopping_) co_return std::nullopt;
        if (!response) {
            lose_coordinator("OffsetFetch failed (" + response.error().message + ")");
            co_return std::nullopt;
        }
        auto code = static_cast<ErrorCode>(response->error_code);
        PartitionOffsets out;
        for (auto p : partitions)
            out[p] = -1;
        for (const auto& t : response->topics) {
            if (t.name != config_.topic) continue;
            for (const auto& pr : t.partitions) {
                auto it = out.find(pr.partition_index);
                if (it == out.end()) continue;
                const auto pcode = static_cast<ErrorCode>(pr.error_code);
                if (pcode == ErrorCode::NONE) {
                    it->second = std::max<std::int64_t>(-1, pr.committed_offset);
                } else if (code == ErrorCode::NONE) {
                    code = pcode;  // v0-1 coordinators repeat group errors per partition
                }
            }
        }
        if (code == ErrorCode::NONE) co_return out;
        if (react(code, "OffsetFetch")) co_return std::nullopt;
        if (code != ErrorCode::COORDINATOR_LOAD_IN_PROGRESS &&
            code != ErrorCode::UNSTABLE_OFFSET_COMMIT) {
            report("OffsetFetch answered " + name_of(code));
        }
        co_await wait_lab(backoff(attempt));
    }
    co_return std::nullopt;  // still joined: the next turn rejoins
}

asio::awaitable<void> GroupMember::consume_step() {
    const auto now = Clock::now();
    const bool per_poll = config_.commit == "poll";
    auto due = next_heartbeat_;
    if (per_poll && commit_wanted_) {
        due = now;
    } else if (!per_poll) {
        due = std::min(due, next_auto_commit_);
    }
    if (now < due) {
        co_await wait_lab(due - now);
        co_return;
    }
    if (now >= next_heartbeat_) {
        next_heartbeat_ = now + std::chrono::milliseconds(config_.heartbeat_interval_ms);
        co_await heartbeat();
        if (stopping_ || need_join_ || coordinator_ < 0) co_return;
    }
    const bool commit_due = per_poll ? commit_wanted_ : Clock::now() >= next_auto_commit_;
    if (!commit_due) co_return;
    commit_wanted_ = false;
    next_auto_commit_ = Clock::now() + std::chrono::milliseconds(config_.auto_commit_interval_ms);
    const PartitionOffsets positions = hooks_.positions ? hooks_.positions() : PartitionOffsets{};
    const auto code = co_await commit(positions, config_.request_timeout_ms, false);
    if (stopping_ || code == ErrorCode::NONE || code == ErrorCode::NETWORK_EXCEPTION) co_return;
    if (react(code, "OffsetCommit")) {
        // Rejoining commits again only when this generation still holds.
        if (code == ErrorCode::REBALANCE_IN_PROGRESS) commit_before_join_ = false;
    } else if (code != ErrorCode::COORDINATOR_LOAD_IN_PROGRESS) {
        report("OffsetCommit answered " + name_of(code));
    }
}

asio::awaitable<void> GroupMember::heartbeat() {
    auto client = co_await coordinator_connection();
    if (!client) co_return;
    protocol::HeartbeatRequest request;
    request.group_id = config_.group;
    request.generation_id = generation_;
    request.member_id = member_id_;
    auto response = co_await client->call(request, kHeartbeatVersion);
    if (stopping_) co_return;
    if (!response) {
        lose_coordinator("Heartbeat failed (" + response.error().message + ")");
        co_return;
    }
    const auto code = static_cast<ErrorCode>(response->error_code);
    if (code != ErrorCode::NONE && !react(code, "Heartbeat"))
        report("Heartbeat answered " + name_of(code));
}

asio::awaitable<ErrorCode> GroupMember::commit(const PartitionOffsets& positions,
                                               std::int32_t timeout_ms, bool goodbye) {
    PartitionOffsets todo;
    for (const auto& [p, offset] : positions) {
        auto it = committed_.find(p);
        if (offset >= 0 && (it == committed_.end() || it->second != offset)) todo[p] = offset;
    }
    if (todo.empty()) co_return ErrorCode::NONE;
    const auto patience = goodbye ? Clock::duration(kGoodbyePatience) : kConnectPatience;
    auto client = co_await connection(coordinator_, patience, goodbye);
    if (!client) {
        if (!goodbye && !stopping_)
            lose_coordinator("no connection to broker " + std::to_string(coordinator_));
        co_return ErrorCode::NETWORK_EXCEPTION;
    }
    protocol::OffsetCommitRequest request;
    request.group_id = config_.group;
    request.generation_id = generation_;
    request.member_id = member_id_;
    auto& topic = request.topics.emplace_back();
    topic.name = config_.topic;
    for (const auto& [p, offset] : todo) {
        protocol::OffsetCommitRequest::Partition part;
        part.partition_index = p;
        part.committed_offset = offset;
        topic.partitions.push_back(part);
    }
    auto response = co_await client->call(request, kOffsetCommitVersion, timeout_ms);
    if (!response) {
        if (!goodbye && !stopping_)
            lose_coordinator("OffsetCommit failed (" + response.error().message + ")");
        co_return ErrorCode::NETWORK_EXCEPTION;
    }
    ErrorCode first = ErrorCode::NONE;
    for (const auto& t : response->topics) {
        if (t.name != config_.topic) continue;
        for (const auto& pr : t.partitions) {
            const auto code = static_cast<ErrorCode>(pr.error_code);
            auto it = todo.find(pr.partition_index);
            if (it == todo.end()) continue;
            if (code == ErrorCode::NONE) {
                committed_[pr.partition_index] = it->second;
            } else if (first == ErrorCode::NONE) {
                first = code;
            }
        }
    }
    co_return first;
}

void GroupMember::abandon() {
    stopping_ = true;
    for (auto* t : sleeping_)
        t->cancel();
    if (hooks_.revoke) hooks_.revoke();
    assigned_ = false;
    phase_ = Phase::Stopped;
    conns_.close_all("the consumer stopped");
    finished_ = true;
}

asio::awaitable<void> GroupMember::leave() {
    if (stopping_) co_return;
    stopping_ = true;
    for (auto* t : sleeping_)
        t->cancel();
    const PartitionOffsets positions = hooks_.revoke ? hooks_.revoke() : PartitionOffsets{};
    if (coordinator_ >= 0) {
        // A JoinGroup or SyncGroup that waits at the coordinator holds the connection (a broker
        // answers a connection's requests in order): a new one says goodbye.
        if (in_slow_call_) conns_.drop(coordinator_, "the consumer is leaving the group");
        if (assigned_ && generation_ >= 0 && !member_id_.empty()) {
            const auto code = co_await commit(positions, kGoodbyeTimeoutMs, true);
            if (code != ErrorCode::NONE) {
                report("the last commit failed (" + name_of(code) + ")");
            }
        }
        std::shared_ptr<net::KafkaClient> client;
        if (!member_id_.empty()) client = co_await connection(coordinator_, kGoodbyePatience, true);
        if (client) {
            protocol::LeaveGroupRequest request;
            request.group_id = config_.group;
            request.members.push_back({member_id_, std::nullopt});
            // Its answer changes nothing: the member is gone either way.
            co_await client->call(request, kLeaveGroupVersion, kGoodbyeTimeoutMs);
        }
    }
    abandon();
}

}  // namespace kraftlab::lab
