// CreatePartitions and ElectLeaders, forwarded to the active controller (the answer waits,
// within the request's timeout, until this broker's image shows the change), and
// DescribeCluster and DescribeLogDirs, answered from this broker's image and logs.
#include <algorithm>

#include "broker/broker.h"
#include "broker/log_manager.h"
#include "protocol/create_partitions.h"
#include "protocol/describe_cluster.h"
#include "protocol/describe_log_dirs.h"
#include "protocol/elect_leaders.h"
#include "replication/replica.h"

namespace kraftlab::broker {

using protocol::ErrorCode;
using protocol::to_wire;

namespace {

std::string no_controller(std::int32_t timeout_ms, const std::string& why) {
    return "no active controller answered within " + std::to_string(timeout_ms) + " ms: " + why;
}

}  // namespace

net::awaitable<Broker::Reply> Broker::handle_create_partitions(const protocol::RequestHeader& h,
                                                               protocol::Reader& body) {
    protocol::CreatePartitionsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed CreatePartitions request");
    controller_client_->set_leader_hint(metadata_fetcher_->node().leader());
    auto r = co_await controller_client_->create_partitions(request, config_.controller_timeout_ms);
    if (stopping_) co_return Reply::silent();
    protocol::CreatePartitionsResponse response;
    if (!r.ok()) {
        for (const auto& t : request.topics) {
            response.results.push_back(
                {t.name, to_wire(ErrorCode::REQUEST_TIMED_OUT),
                 no_controller(config_.controller_timeout_ms, r.error().message)});
        }
        co_return Reply::encode(response, h.api_version);
    }
    response = std::move(*r);
    if (!request.validate_only && request.timeout_ms > 0) {
        auto grown = [&] {
            for (const auto& t : request.topics) {
                const bool ok = std::any_of(
                    response.results.begin(), response.results.end(),
                    [&](const auto& a) { return a.name == t.name && a.error_code == 0; });
                auto topic = image_->topic(t.name);
                if (ok && (!topic || static_cast<std::int32_t>(topic->partitions.size()) < t.count))
                    return false;
            }
            return true;
        };
        co_await await_metadata(grown, std::min(request.timeout_ms, config_.controller_timeout_ms));
        if (stopping_) co_return Reply::silent();
    }
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_elect_leaders(const protocol::RequestHeader& h,
                                                           protocol::Reader& body) {
    protocol::ElectLeadersRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed ElectLeaders request");
    controller_client_->set_leader_hint(metadata_fetcher_->node().leader());
    auto r = co_await controller_client_->elect_leaders(request, config_.controller_timeout_ms);
    if (stopping_) co_return Reply::silent();
    protocol::ElectLeadersResponse response;
    if (!r.ok()) {
        // v0 has no top-level error: every named partition carries it.
        response.error_code = to_wire(ErrorCode::REQUEST_TIMED_OUT);
        if (request.topic_partitions) {
            for (const auto& t : *request.topic_partitions) {
                auto& out = response.results.emplace_back();
                out.topic = t.topic;
                for (auto p : t.partitions) {
                    out.partitions.push_back(
                        {p, to_wire(ErrorCode::REQUEST_TIMED_OUT),
                         no_controller(config_.controller_timeout_ms, r.error().message)});
                }
            }
        }
        co_return Reply::encode(response, h.api_version);
    }
    response = std::move(*r);
    // Wait until every elected partition has a leader here; a preferred election, until the
    // preferred replica leads.
    auto elected = [&] {
        for (const auto& t : response.results) {
            for (const auto& p : t.partitions) {
                if (p.error_code != 0) continue;
                const auto* info = image_->partition(t.topic, p.partition_id);
                if (!info) continue;
                if (request.election_type == protocol::kElectionPreferred
                        ? (info->replicas.empty() || info->leader != info->replicas.front())
                        : info->leader == metadata::kNoLeader) {
                    return false;
                }
            }
        }
        return true;
    };
    if (request.timeout_ms > 0) {
        co_await await_metadata(elected,
                                std::min(request.timeout_ms, config_.controller_timeout_ms));
        if (stopping_) co_return Reply::silent();
    }
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_describe_cluster(const protocol::RequestHeader& h,
                                                              protocol::Reader& body) {
    protocol::DescribeClusterRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed DescribeCluster request");
    protocol::DescribeClusterResponse response;
    response.cluster_id = config_.cluster_id;
    response.controller_id = config_.node_id;  // as in Metadata: this broker forwards to it
    for (const auto& [id, b] : image_->brokers()) {
        if (b.fenced) continue;
        response.brokers.push_back({id, b.host, b.port, b.rack});
    }
    co_return Reply::encode(response, h.api_version);
}

net::awaitable<Broker::Reply> Broker::handle_describe_log_dirs(const protocol::RequestHeader& h,
                                                               protocol::Reader& body) {
    protocol::DescribeLogDirsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed DescribeLogDirs request");
    protocol::DescribeLogDirsResponse response;
    auto& dir = response.results.emplace_back();
    dir.log_dir = std::filesystem::absolute(config_.data_dir).string();
    auto wanted = [&](const std::string& topic, std::int32_t partition) {
        if (!request.topics) return true;
        return std::any_of(request.topics->begin(), request.topics->end(), [&](const auto& t) {
            return t.topic == topic && std::find(t.partitions.begin(), t.partitions.end(),
                                                 partition) != t.partitions.end();
        });
    };
    logs_->for_each([&](HostedPartition& p) {
        if (!p.log || p.log->offline() || !wanted(p.topic, p.partition)) return;
        auto it = std::find_if(dir.topics.begin(), dir.topics.end(),
                               [&](const auto& t) { return t.name == p.topic; });
        if (it == dir.topics.end()) it = dir.topics.insert(dir.topics.end(), {p.topic, {}});
        // Kafka's offset lag: how far the log end is behind the high watermark this replica
        // knows (never below zero).
        const std::int64_t hw = p.replica ? p.replica->high_watermark() : 0;
        it->partitions.push_back({p.partition, static_cast<std::int64_t>(p.log->size_bytes()),
                                  std::max<std::int64_t>(0, hw - p.log->log_end_offset()), false});
    });
    co_return Reply::encode(response, h.api_version);
}

}  // namespace kraftlab::broker
