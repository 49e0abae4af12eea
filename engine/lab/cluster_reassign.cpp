// The lab's reassignment commands, sent to the active controller as kafka-reassign-partitions
// would: move one partition (reassign), cancel its move, or change a topic's replication factor
// (a move of every partition). Each answers once every running broker has the move in its image.
#include <algorithm>
#include <map>

#include "lab/cluster.h"
#include "lab/cluster_admin_call.h"
#include "lab/field_rules.h"
#include "metadata/replication_control.h"
#include "protocol/partition_reassignments.h"

namespace kraftlab::lab {

using metadata::ids_text;

namespace {

constexpr std::int32_t kAdminTimeoutMs = 15'000;

// The replicas of `p` at `rf`: shrinking keeps the first ones and the leader; growing adds the
// live brokers holding the fewest replicas (ties: the lowest id).
std::vector<std::int32_t> resized(const metadata::PartitionInfo& p, std::size_t rf,
                                  const std::vector<std::int32_t>& live,
                                  std::map<std::int32_t, int>& load) {
    auto replicas = p.replicas;
    std::erase_if(replicas, [&](std::int32_t id) {
        return std::find(p.adding_replicas.begin(), p.adding_replicas.end(), id) !=
               p.adding_replicas.end();
    });
    if (replicas.size() > rf) {
        const bool keeps_leader =
            std::find(replicas.begin(), replicas.begin() + static_cast<std::ptrdiff_t>(rf),
                      p.leader) != replicas.begin() + static_cast<std::ptrdiff_t>(rf);
        replicas.resize(rf);
        if (p.leader >= 0 && !keeps_leader) replicas.back() = p.leader;
        return replicas;
    }
    while (replicas.size() < rf) {
        std::int32_t best = -1;
        for (auto id : live) {
            if (std::find(replicas.begin(), replicas.end(), id) != replicas.end()) continue;
            if (best < 0 || load[id] < load[best]) best = id;
        }
        if (best < 0) break;
        replicas.push_back(best);
        ++load[best];
    }
    return replicas;
}

}  // namespace

CommandResult Cluster::reassign(const std::string& topic, std::int32_t partition,
                                std::optional<std::vector<std::int32_t>> replicas) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    if (auto paused = refuse_while_paused("moving replicas")) return *paused;
    protocol::AlterPartitionReassignmentsRequest request;
    request.timeout_ms = kAdminTimeoutMs;
    request.topics.push_back({topic, {{partition, replicas}}});
    auto r = admin_call([&](net::ControllerClient& c) {
        return c.alter_partition_reassignments(request, kAdminTimeoutMs);
    });
    if (!r.ok())
        return CommandResult::failure("no active controller answered: " + r.error().message);
    auto code = static_cast<protocol::ErrorCode>(r->error_code);
    std::optional<std::string> message = r->error_message;
    if (code == protocol::ErrorCode::NONE) {
        if (r->responses.empty() || r->responses.front().partitions.empty())
            return CommandResult::failure("the controller answered without a result");
        const auto& answer = r->responses.front().partitions.front();
        code = static_cast<protocol::ErrorCode>(answer.error_code);
        message = answer.error_message;
    }
    if (code != protocol::ErrorCode::NONE) {
        return CommandResult::failure(std::string(protocol::error_name(code)) + ": " +
                                      message.value_or(std::string(protocol::error_message(code))));
    }
    wait_for_brokers_metadata(metadata()->offset());
    const std::string label = topic + "-" + std::to_string(partition);
    const auto* now = metadata()->partition(topic, partition);
    nlohmann::json data = {{"topic", topic}, {"partition", partition}};
    if (now) {
        data["replicas"] = now->replicas;
        data["adding"] = now->adding_replicas;
        data["removing"] = now->removing_replicas;
    }
    if (!replicas)
        return CommandResult::success("the move of " + label + " is cancelled", std::move(data));
    const bool done = now && now->adding_replicas.empty() && now->removing_replicas.empty();
    return CommandResult::success(
        done ? label + " is on " + ids_text(now->replicas) + " now"
             : label + " moves to " + ids_text(*replicas) +
                   ": the new replicas copy the log and join the ISR, then the old ones leave",
        std::move(data));
}

CommandResult Cluster::set_replication_factor(const std::string& topic,
                                              std::int32_t replication_factor) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    if (auto paused = refuse_while_paused("changing the replication factor")) return *paused;
    auto image = metadata();
    auto info = image->topic(topic);
    if (!info) return CommandResult::failure("topic " + topic + " does not exist");
    const auto live = metadata::live_brokers(*image);
    FieldContext ctx;
    ctx.brokers = static_cast<std::int64_t>(live.size());
    ctx.topic = topic;
    if (auto c = check_field_value(Field::ReplicationFactor, replication_factor, ctx); !c.ok)
        return CommandResult::failure(c.message);
    std::map<std::int32_t, int> load;
    for (const auto& [name, t] : image->topics())
        for (const auto& p : t->partitions)
            for (auto id : p.replicas)
                ++load[id];
    protocol::AlterPartitionReassignmentsRequest request;
    request.timeout_ms = kAdminTimeoutMs;
    auto& moves = request.topics.emplace_back();
    moves.name = topic;
    for (const auto& p : info->partitions) {
        moves.partitions.push_back(
            {p.partition, resized(p, static_cast<std::size_t>(replication_factor), live, load)});
    }
    auto r = admin_call([&](net::ControllerClient& c) {
        return c.alter_partition_reassignments(request, kAdminTimeoutMs);
    });
    if (!r.ok())
        return CommandResult::failure("no active controller answered: " + r.error().message);
    if (r->error_code != 0) {
        const auto code = static_cast<protocol::ErrorCode>(r->error_code);
        return CommandResult::failure(
            std::string(protocol::error_name(code)) + ": " +
            r->error_message.value_or(std::string(protocol::error_message(code))));
    }
    std::vector<std::string> problems;
    for (const auto& t : r->responses) {
        for (const auto& p : t.partitions) {
            if (p.error_code == 0) continue;
            problems.push_back(t.name + "-" + std::to_string(p.partition_index) + ": " +
                               p.error_message.value_or(std::string(protocol::error_name(
                                   static_cast<protocol::ErrorCode>(p.error_code)))));
        }
    }
    wait_for_brokers_metadata(metadata()->offset());
    std::string text = "topic " + topic + " moves to replication factor " +
                       std::to_string(replication_factor) + ": " +
                       std::to_string(moves.partitions.size() - problems.size()) +
                       " partition move(s) started";
    for (const auto& p : problems)
        text += "; " + p;
    return CommandResult{
        problems.empty(), text, {{"topic", topic}, {"replication_factor", replication_factor}}};
}

}  // namespace kraftlab::lab
