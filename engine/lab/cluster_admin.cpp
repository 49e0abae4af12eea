// The lab's partition admin commands, sent to the active controller as an admin tool would
// (kafka-topics --alter --partitions, kafka-leader-election): add-partitions and elect-leaders.
// Each answers once every running broker has applied the result.
#include "lab/cluster.h"
#include "lab/cluster_admin_call.h"
#include "lab/field_rules.h"
#include "protocol/create_partitions.h"
#include "protocol/elect_leaders.h"

namespace kraftlab::lab {

namespace {

constexpr std::int32_t kAdminTimeoutMs = 15'000;

CommandResult refused(protocol::ErrorCode code, const std::optional<std::string>& message) {
    return CommandResult::failure(std::string(protocol::error_name(code)) + ": " +
                                  message.value_or(std::string(protocol::error_message(code))));
}

}  // namespace

CommandResult Cluster::add_partitions(const std::string& topic, std::int32_t count) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    if (auto paused = refuse_while_paused("adding partitions")) return *paused;
    if (auto c = check_field_value(Field::Partitions, count); !c.ok)
        return CommandResult::failure(c.message);
    protocol::CreatePartitionsRequest request;
    request.timeout_ms = kAdminTimeoutMs;
    request.topics.push_back({topic, count, std::nullopt});
    auto r = admin_call(
        [&](net::ControllerClient& c) { return c.create_partitions(request, kAdminTimeoutMs); });
    if (!r.ok())
        return CommandResult::failure("no active controller answered: " + r.error().message);
    if (r->results.empty())
        return CommandResult::failure("the controller answered without a result");
    const auto& answer = r->results.front();
    if (const auto code = static_cast<protocol::ErrorCode>(answer.error_code);
        code != protocol::ErrorCode::NONE) {
        return refused(code, answer.error_message);
    }
    wait_for_brokers_metadata(metadata()->offset());
    return CommandResult::success(
        "topic " + topic + " has " + std::to_string(count) +
            " partitions now; records with a key may go to another partition than before",
        {{"topic", topic}, {"partitions", count}});
}

CommandResult Cluster::elect_leaders(bool unclean, const std::string& topic,
                                     std::int32_t partition) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    if (auto paused = refuse_while_paused("electing leaders")) return *paused;
    protocol::ElectLeadersRequest request;
    request.election_type = unclean ? protocol::kElectionUnclean : protocol::kElectionPreferred;
    request.timeout_ms = kAdminTimeoutMs;
    if (!topic.empty()) {
        auto info = metadata()->topic(topic);
        if (!info) return CommandResult::failure("topic " + topic + " does not exist");
        std::vector<std::int32_t> partitions;
        if (partition >= 0) {
            partitions.push_back(partition);
        } else {
            for (const auto& p : info->partitions)
                partitions.push_back(p.partition);
        }
        request.topic_partitions =
            std::vector<protocol::ElectLeadersRequest::TopicPartitions>{{topic, partitions}};
    }
    auto r = admin_call(
        [&](net::ControllerClient& c) { return c.elect_leaders(request, kAdminTimeoutMs); });
    if (!r.ok())
        return CommandResult::failure("no active controller answered: " + r.error().message);
    if (const auto code = static_cast<protocol::ErrorCode>(r->error_code);
        code != protocol::ErrorCode::NONE) {
        return refused(code, std::nullopt);
    }
    wait_for_brokers_metadata(metadata()->offset());
    // One line per partition, grouped: elected, not needed, could not.
    int elected = 0, not_needed = 0;
    std::vector<std::string> problems;
    nlohmann::json results = nlohmann::json::array();
    for (const auto& t : r->results) {
        for (const auto& p : t.partitions) {
            const auto code = static_cast<protocol::ErrorCode>(p.error_code);
            const std::string name = t.topic + "-" + std::to_string(p.partition_id);
            results.push_back({{"partition", name}, {"error", protocol::error_name(code)}});
            if (code == protocol::ErrorCode::NONE) {
                ++elected;
            } else if (code == protocol::ErrorCode::ELECTION_NOT_NEEDED) {
                ++not_needed;
            } else {
                problems.push_back(
                    name + ": " +
                    p.error_message.value_or(std::string(protocol::error_name(code))));
            }
        }
    }
    const char* kind = unclean ? "unclean" : "preferred";
    std::string text = std::to_string(elected) + " " + kind + " leader(s) elected";
    if (not_needed > 0) text += ", " + std::to_string(not_needed) + " needed none";
    if (elected == 0 && problems.empty()) {
        text = unclean ? "every partition has a leader: an unclean election is only for a "
                         "partition without one"
                       : "every preferred replica already leads";
    }
    for (const auto& p : problems)
        text += "; " + p;
    return CommandResult{
        elected > 0 || problems.empty(), text, {{"elected", elected}, {"results", results}}};
}

}  // namespace kraftlab::lab
