// The active controller's CreatePartitions, ElectLeaders and AlterPartitionReassignments (brokers
// forward them from admin clients): decided by metadata/partition_admin.h and
// metadata/reassignment.h on the working image, committed to the
// metadata log, answered once committed. A controller that is not active answers NOT_CONTROLLER
// so the broker's ControllerClient moves on to the next voter.
#include <algorithm>
#include <set>

#include "controller/controller_node.h"
#include "metadata/partition_admin.h"
#include "metadata/reassignment.h"
#include "protocol/create_partitions.h"
#include "protocol/elect_leaders.h"
#include "protocol/partition_reassignments.h"

namespace kraftlab::controller {

using protocol::Bytes;
using protocol::ErrorCode;
using protocol::to_wire;

namespace {

template <typename M>
Bytes encode_message(const M& m, std::int16_t version) {
    Bytes out;
    protocol::Writer w(out);
    m.encode(w, version);
    return out;
}

}  // namespace

net::awaitable<Bytes> ControllerNode::handle_create_partitions(std::int16_t version,
                                                               protocol::Reader& body) {
    protocol::CreatePartitionsRequest req;
    if (!req.decode(body, version)) co_return Bytes{};
    protocol::CreatePartitionsResponse resp;
    auto answer_all = [&](ErrorCode code, const std::string& message) {
        resp.results.clear();
        for (const auto& t : req.topics)
            resp.results.push_back({t.name, to_wire(code), message});
        return encode_message(resp, version);
    };
    if (!is_active())
        co_return answer_all(ErrorCode::NOT_CONTROLLER, label_ + " is not the active controller");
    // Each topic is decided on the image that includes the ones before it (a topic named twice
    // is refused the second time, as Kafka does).
    auto img = working_image();
    std::vector<metadata::MetadataRecord> records;
    std::set<std::string> seen;
    std::string what;
    for (const auto& t : req.topics) {
        if (!seen.insert(t.name).second) {
            resp.results.push_back({t.name, to_wire(ErrorCode::INVALID_REQUEST),
                                    "topic '" + t.name + "' is named twice in one request"});
            continue;
        }
        auto r = metadata::create_partitions(*img, t.name, t.count, t.assignments, config_.defaults,
                                             req.validate_only);
        if (r.response.error != ErrorCode::NONE) {
            resp.results.push_back({t.name, to_wire(r.response.error), r.response.message});
            continue;
        }
        resp.results.push_back({t.name, 0, std::nullopt});
        if (r.records.empty()) continue;
        what += (what.empty() ? "" : ", ") + t.name + " to " + std::to_string(t.count);
        img = metadata::replay(img, r.records, img->offset() + 1);
        records.insert(records.end(), r.records.begin(), r.records.end());
    }
    if (!records.empty() && !co_await commit(std::move(records), "partitions added: " + what)) {
        co_return answer_all(ErrorCode::NOT_CONTROLLER,
                             label_ + " lost its leadership before the partitions were committed");
    }
    co_return encode_message(resp, version);
}

net::awaitable<Bytes> ControllerNode::handle_elect_leaders(std::int16_t version,
                                                           protocol::Reader& body) {
    protocol::ElectLeadersRequest req;
    if (!req.decode(body, version)) co_return Bytes{};
    protocol::ElectLeadersResponse resp;
    if (!is_active()) {
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        co_return encode_message(resp, version);
    }
    if (req.election_type != protocol::kElectionPreferred &&
        req.election_type != protocol::kElectionUnclean) {
        resp.error_code = to_wire(ErrorCode::INVALID_REQUEST);
        co_return encode_message(resp, version);
    }
    const auto type = static_cast<metadata::ElectionType>(req.election_type);
    std::optional<std::vector<std::pair<std::string, std::int32_t>>> wanted;
    if (req.topic_partitions) {
        wanted.emplace();
        for (const auto& t : *req.topic_partitions) {
            for (auto p : t.partitions)
                wanted->emplace_back(t.topic, p);
        }
    }
    auto result = metadata::elect_leaders(*working_image(), type, wanted);
    const char* kind = type == metadata::ElectionType::Preferred ? "preferred" : "unclean";
    if (!result.records.empty() &&
        !co_await commit(std::move(result.records),
                         std::string(kind) + " leader election requested by an admin")) {
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        co_return encode_message(resp, version);
    }
    for (const auto& r : result.response) {
        auto it = std::find_if(resp.results.begin(), resp.results.end(),
                               [&](const auto& t) { return t.topic == r.topic; });
        if (it == resp.results.end()) it = resp.results.insert(resp.results.end(), {r.topic, {}});
        it->partitions.push_back(
            {r.partition, to_wire(r.error),
             r.error == ErrorCode::NONE ? std::nullopt : std::optional(r.message)});
    }
    co_return encode_message(resp, version);
}

net::awaitable<Bytes> ControllerNode::handle_alter_partition_reassignments(std::int16_t version,
                                                                           protocol::Reader& body) {
    protocol::AlterPartitionReassignmentsRequest req;
    if (!req.decode(body, version)) co_return Bytes{};
    protocol::AlterPartitionReassignmentsResponse resp;
    if (!is_active()) {
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        resp.error_message = label_ + " is not the active controller";
        co_return encode_message(resp, version);
    }
    std::vector<metadata::ReassignmentRequest> wanted;
    for (const auto& t : req.topics) {
        for (const auto& p : t.partitions)
            wanted.push_back({t.name, p.partition_index, p.replicas});
    }
    auto result = metadata::alter_partition_reassignments(*working_image(), wanted);
    std::string what;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        if (result.response[i].error != ErrorCode::NONE) continue;
        what += (what.empty() ? "" : ", ") + wanted[i].topic + "-" +
                std::to_string(wanted[i].partition);
    }
    if (!result.records.empty() &&
        !co_await commit(std::move(result.records),
                         "reassignment requested by an admin: " + what)) {
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        resp.error_message = label_ + " lost its leadership before the moves were committed";
        co_return encode_message(resp, version);
    }
    for (const auto& r : result.response) {
        auto it = std::find_if(resp.responses.begin(), resp.responses.end(),
                               [&](const auto& t) { return t.name == r.topic; });
        if (it == resp.responses.end())
            it = resp.responses.insert(resp.responses.end(), {r.topic, {}});
        it->partitions.push_back(
            {r.partition, to_wire(r.error),
             r.error == ErrorCode::NONE ? std::nullopt : std::optional(r.message)});
    }
    co_return encode_message(resp, version);
}

}  // namespace kraftlab::controller
