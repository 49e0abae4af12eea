// Fetch: whole stored batches from the partitions this broker leads. A consumer (replica id -1)
// reads below the high watermark; a follower (replica id = its broker id) reads up to the log
// end, and its fetch offset tells the leader its log end offset, which moves the high watermark
// and the ISR (broker/replica_manager.cpp). Long polling: when fewer than min_bytes are
// available, the request waits (up to max_wait_ms) and is re-evaluated after every append
// (followers) or every replication step (consumers).
//
// Byte limits, as Kafka's fetch.max.bytes (KIP-74), for consumers and followers alike: the
// response holds at most the request's max_bytes and at most the broker's fetch_max_bytes, each
// partition at most its partition_max_bytes; only the response's first batch may exceed them, and
// is then returned whole, so that a consumer always makes progress. A partition named more than
// once in a request is answered once, at its first mention (Kafka keeps a request's partitions
// in a map), so repeating a large partition cannot multiply the response.
//
// Versions 4-10 are served; fetch sessions (v7+) are declined (see below).
//
// Only a connection authenticated as a lab node (SASL, net/sasl_server.h) fetches as a follower:
// a replica id from any other connection is answered TOPIC_AUTHORIZATION_FAILED for every
// partition, as Kafka answers a follower fetch without ClusterAction, and moves nothing.
#include <chrono>
#include <set>

#include "broker/broker.h"
#include "net/lab_timer.h"
#include "protocol/fetch.h"

namespace kraftlab::broker {

using protocol::ErrorCode;
using protocol::to_wire;

namespace {
constexpr std::int32_t kMaxWaitCapMs = 30'000;

// The request's topics with every partition once: a topic named twice is merged into its first
// mention, a partition named again is dropped.
std::vector<protocol::FetchRequest::FetchTopic> unique_partitions(
    const std::vector<protocol::FetchRequest::FetchTopic>& topics) {
    std::vector<protocol::FetchRequest::FetchTopic> out;
    std::map<std::pair<std::string_view, protocol::Uuid>, std::size_t> topic_at;
    std::set<std::tuple<std::string_view, protocol::Uuid, std::int32_t>> seen;
    for (const auto& topic : topics) {
        auto [it, fresh] =
            topic_at.emplace(std::pair{std::string_view(topic.topic), topic.topic_id}, out.size());
        if (fresh) {
            auto& copy = out.emplace_back();
            copy.topic = topic.topic;
            copy.topic_id = topic.topic_id;
        }
        for (const auto& part : topic.partitions) {
            if (seen.emplace(topic.topic, topic.topic_id, part.partition).second) {
                out[it->second].partitions.push_back(part);
            }
        }
    }
    return out;
}
}  // namespace

net::awaitable<Broker::Reply> Broker::handle_fetch(const protocol::RequestHeader& h,
                                                   protocol::Reader& body, bool from_lab_node,
                                                   net::SessionInfo& session) {
    protocol::FetchRequest request;
    if (!request.decode(body, h.api_version)) co_return Reply::close("malformed Fetch request");
    session.note(net::rpc_detail(request));
    ++fetch_requests_total_;
    if (request.replica_id >= 0 && !from_lab_node) {
        protocol::FetchResponse refused;
        for (const auto& topic : unique_partitions(request.topics)) {
            auto& topic_out = refused.responses.emplace_back();
            topic_out.topic = topic.topic;
            topic_out.topic_id = topic.topic_id;
            for (const auto& part : topic.partitions) {
                auto& out = topic_out.partitions.emplace_back();
                out.partition_index = part.partition;
                out.error_code = to_wire(ErrorCode::TOPIC_AUTHORIZATION_FAILED);
                out.high_watermark = -1;
            }
        }
        refuse_follower_request("Fetch", request.replica_id);
        protocol::Bytes out;
        protocol::Writer w(out);
        refused.encode(w, h.api_version);
        co_return Reply::respond(std::move(out));
    }

    const auto wait_ms = std::clamp(request.max_wait_ms, 0, kMaxWaitCapMs);
    const auto deadline = core::LabTime::now() + std::chrono::milliseconds(wait_ms);
    // The response's budget: the request's max_bytes, within the broker's own ceiling.
    const std::size_t max_bytes =
        std::min(request.max_bytes > 0 ? static_cast<std::size_t>(request.max_bytes) : 0,
                 config_.fetch_max_bytes);
    const auto topics = unique_partitions(request.topics);
    const bool from_follower = request.replica_id >= 0;
    net::LabTimer timer(*io_);

    protocol::FetchResponse response;
    std::size_t total_bytes = 0;
    // Incremental fetch sessions (KIP-227, v7+) are not kept: a request for a new session gets
    // session id 0 ("no session"), which clients answer with full fetches; a request naming a
    // session is refused as Kafka refuses an unknown one.
    if (request.session_id != 0) {
        response.error_code = to_wire(ErrorCode::FETCH_SESSION_ID_NOT_FOUND);
        protocol::Bytes out;
        protocol::Writer w(out);
        response.encode(w, h.api_version);
        co_return Reply::respond(std::move(out));
    }
    if (from_follower) {
        // The fetch offset is the follower's log end offset: the leader's replication state
        // learns it once, when the request arrives (not at each re-evaluation while it waits).
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             core::LabTime::now().time_since_epoch())
                             .count();
        bool progressed = false;
        for (const auto& topic : topics) {
            for (const auto& part : topic.partitions) {
                HostedPartition* hosted = nullptr;
                if (replica_manager_->led_partition(topic.topic, part.partition, nullptr,
                                                    &hosted) != ErrorCode::NONE ||
                    !hosted->replica || part.fetch_offset > hosted->log->log_end_offset()) {
                    continue;
                }
                bool hw_moved = false;
                if (hosted->replica->on_follower_fetch(request.replica_id, part.fetch_offset, now,
                                                       &hw_moved) == ErrorCode::NONE) {
                    ++hosted->fetches_served[request.replica_id];
                    progressed = true;
                    // A follower that caught up rejoins the ISR.
                    replica_manager_->check_isr(*hosted);
                }
            }
        }
        // Produces waiting for acks and consumers waiting for the high watermark re-check.
        if (progressed) replica_manager_->notify_replicated();
    }
    for (;;) {
        response.responses.clear();
        total_bytes = 0;
        bool any_error = false;
        for (const auto& topic : topics) {
            auto& topic_out = response.responses.emplace_back();
            topic_out.topic = topic.topic;
            for (const auto& part : topic.partitions) {
                auto& out = topic_out.partitions.emplace_back();
                out.partition_index = part.partition;
                out.aborted_transactions =
                    std::vector<protocol::FetchResponse::AbortedTransaction>{};
                const metadata::PartitionInfo* info = nullptr;
                HostedPartition* hosted = nullptr;
                // v9+: the client's idea of the leader epoch must match (KIP-320).
                ErrorCode error = replica_manager_->led_partition(
                    topic.topic, part.partition, &info, &hosted, part.current_leader_epoch);
                if (error == ErrorCode::NONE && from_follower &&
                    (!hosted->replica || !info->has_replica(request.replica_id))) {
                    error = ErrorCode::NOT_LEADER_OR_FOLLOWER;  // not a replica of this partition
                }
                if (error == ErrorCode::NONE && part.fetch_offset > hosted->log->log_end_offset()) {
                    error = ErrorCode::OFFSET_OUT_OF_RANGE;
                }
                if (error == ErrorCode::NONE) {
                    const auto& log = *hosted->log;
                    const std::int64_t high_watermark =
                        hosted->replica ? hosted->replica->high_watermark() : log.log_end_offset();
                    // A follower copies everything the leader has; a consumer sees only what
                    // the ISR holds.
                    const std::int64_t readable =
                        from_follower ? log.log_end_offset() : high_watermark;
                    out.high_watermark = high_watermark;
                    out.last_stable_offset = high_watermark;  // no transactions
                    out.log_start_offset = log.log_start_offset();
                    const std::size_t budget =
                        max_bytes > total_bytes ? max_bytes - total_bytes : 0;
                    const std::size_t limit = std::min<std::size_t>(
                        static_cast<std::size_t>(std::max(part.partition_max_bytes, 0)), budget);
                    if (limit > 0 || total_bytes == 0) {
                        auto read =
                            log.read(part.fetch_offset, std::max<std::size_t>(limit, 1), readable);
                        if (!read.ok()) {
                            error = read.error;
                        } else if (total_bytes > 0 && read.data.size() > budget) {
                            // Only the response's first batch may exceed the limits (KIP-74).
                        } else {
                            total_bytes += read.data.size();
                            out.records = std::move(read.data);
                        }
                    }
                }
                if (error != ErrorCode::NONE) {
                    any_error = true;
                    out.high_watermark = -1;
                    out.last_stable_offset = -1;
                }
                out.error_code = to_wire(error);
                if (!out.records) out.records = protocol::Bytes{};
            }
        }
        if (any_error || total_bytes >= static_cast<std::size_t>(std::max(request.min_bytes, 0)) ||
            core::LabTime::now() >= deadline || stopping_) {
            break;
        }
        if (from_follower) {
            co_await replica_manager_->wait_appended(timer, deadline);
        } else {
            co_await replica_manager_->wait_replicated(timer, deadline);
        }
        if (stopping_) co_return Reply::silent();
    }

    for (auto& topic : response.responses) {
        for (auto& part : topic.partitions) {
            if (part.records && !part.records->empty() && !from_follower) {
                if (auto* hosted = logs_->find(topic.topic, part.partition_index)) {
                    hosted->bytes_out_total += part.records->size();
                }
            }
        }
    }
    protocol::Bytes out;
    out.reserve(total_bytes + 256);
    protocol::Writer w(out);
    response.encode(w, h.api_version);
    co_return Reply::respond(std::move(out));
}

}  // namespace kraftlab::broker
