// Produce: validate every batch (size, magic, CRC-32C, offsets), append it to the partition's
// log as leader, answer with the base offset when the acks policy is met. acks=0 gets no answer
// at all; when such a request fails, the connection is closed instead, which is how Kafka tells
// an acks=0 producer. acks=1 is answered after the leader's append; acks=all once the high
// watermark passes the records (every ISR member has them), and only if the ISR has at least
// min.insync.replicas members (NOT_ENOUGH_REPLICAS before the append,
// NOT_ENOUGH_REPLICAS_AFTER_APPEND after it); REQUEST_TIMED_OUT after the request's timeout.
// acks=N (N >= 2) is the lab's extension, accepted only from the lab's own producers (client id
// "kraftlab-producer-..."): answered once N replicas hold the records. The lab's producers may
// also send to any broker, which forwards to the leader ("via any broker").
#include <chrono>

#include "broker/broker.h"
#include "core/client_ids.h"
#include "metadata/topic_config.h"
#include "net/lab_timer.h"
#include "protocol/produce.h"
#include "protocol/record_batch.h"
#include "protocol/records.h"

namespace kraftlab::broker {

using protocol::BatchError;
using protocol::ErrorCode;
using protocol::to_wire;

namespace {

ErrorCode error_for(BatchError e) {
    switch (e) {
        case BatchError::None:
            return ErrorCode::NONE;
        case BatchError::TooLarge:
            return ErrorCode::MESSAGE_TOO_LARGE;
        case BatchError::UnsupportedMagic:
        case BatchError::InvalidRecordCount:
            return ErrorCode::INVALID_RECORD;
        case BatchError::InvalidCompression:
            return ErrorCode::UNSUPPORTED_COMPRESSION_TYPE;
        default:
            return ErrorCode::CORRUPT_MESSAGE;
    }
}

// Checks a produce payload: one or more complete v2 batches and nothing else, each batch's
// records what its header says (protocol::validate_records, Kafka's LogValidator checks), none
// larger than the topic's max.message.bytes, none decompressing past
// protocol::decompressed_batch_limit, and the request's batches together decompressing no more
// than *budget allows (what they used is taken from it). Returns the number of records in them
// through *records; on an error, *reason says which batch and why, in plain words.
ErrorCode validate_payload(protocol::ByteView data, std::size_t max_message_bytes,
                           std::size_t* budget, std::uint64_t* records, std::string* reason) {
    if (data.empty()) {
        *reason = "the partition's records are empty";
        return ErrorCode::CORRUPT_MESSAGE;
    }
    // CRCs are checked by validate_records, once per batch.
    protocol::BatchIterator it(data, max_message_bytes, /*check_crc=*/false);
    const std::size_t batch_limit = protocol::decompressed_batch_limit(max_message_bytes);
    std::uint64_t count = 0;
    int index = 0;
    auto at = [&] { return "batch " + std::to_string(index) + " of the request: "; };
    while (it.next()) {
        const auto& h = it.header();
        if (h.is_control()) {  // only brokers write control batches
            *reason = at() + "a producer may not send a control batch";
            return ErrorCode::INVALID_RECORD;
        }
        const bool compressed = h.compression() != protocol::Compression::None;
        const std::size_t limit = compressed ? std::min(batch_limit, *budget) : batch_limit;
        auto verdict = protocol::validate_records(it.batch(), limit);
        *budget -= compressed && !verdict.ok() ? limit : verdict.decompressed_bytes;
        if (!verdict.ok()) {
            if (verdict.error == BatchError::TooLarge && limit < batch_limit) {
                *reason = at() + "the request's compressed batches expand to more than " +
                          std::to_string(protocol::kDecompressionBudgetPerRequest >> 20) +
                          " MiB in all, the most one produce request may (send fewer batches "
                          "per request)";
                return ErrorCode::RECORD_LIST_TOO_LARGE;
            }
            *reason = at() + verdict.reason;
            switch (verdict.error) {
                case BatchError::InvalidRecordCount:
                    return ErrorCode::INVALID_RECORD;
                case BatchError::TooLarge:  // a decompression bomb: its records, not its size
                    return ErrorCode::CORRUPT_MESSAGE;
                default:
                    return error_for(verdict.error);
            }
        }
        count += static_cast<std::uint64_t>(h.records_count);
        ++index;
    }
    if (it.error() != BatchError::None) {
        *reason = at() + std::string(protocol::describe(it.error()));
        auto h = protocol::RecordBatchHeader::parse(data.subspan(it.valid_bytes()));
        if (it.error() == BatchError::TooLarge && h) {
            *reason += " (" + std::to_string(h->size_bytes()) +
                       " bytes; the topic's max.message.bytes is " +
                       std::to_string(max_message_bytes) + ")";
        }
        return error_for(it.error());
    }
    if (it.valid_bytes() != data.size()) {
        *reason = "bytes after the last batch of the request";
        return ErrorCode::CORRUPT_MESSAGE;
    }
    *records = count;
    return ErrorCode::NONE;
}

}  // namespace

net::awaitable<Broker::Reply> Broker::handle_produce(const protocol::RequestHeader& h,
                                                     protocol::Reader& body,
                                                     net::SessionInfo& session) {
    protocol::ProduceRequest request;
    if (!request.decode(body, h.api_version)) co_return Reply::close("malformed Produce request");
    session.note(net::rpc_detail(request));
    ++produce_requests_total_;

    const bool lab_producer =
        h.client_id && core::starts_with(*h.client_id, core::kLabProducerClientIdPrefix);
    const bool valid_acks = request.acks == 0 || request.acks == 1 || request.acks == -1 ||
                            (lab_producer && request.acks >= 2);
    protocol::ProduceResponse response;
    std::string first_error;
    bool appended = false;
    // Partitions appended that wait for replication (acks=all, acks=N): where their answer goes
    // and the offset the replicas must reach.
    struct Waiting {
        std::size_t topic_index;
        std::size_t partition_index;
        std::int64_t required_offset;
    };
    std::vector<Waiting> waiting;
    // "Via any broker": the lab's own producers on that route may send a partition's records to
    // a broker that does not lead it; that broker forwards them to the leader and relays the
    // answer (the seed's message flow). Real clients, and lab producers on route "leader", get
    // NOT_LEADER_OR_FOLLOWER, as from Kafka. A forwarded request is never forwarded again (the
    // forwarder's client id is core::kForwardedClientIdPrefix).
    const bool forwarding =
        h.client_id && core::starts_with(*h.client_id, core::kViaAnyBrokerClientIdPrefix);
    struct Forward {
        std::size_t topic_index;
        std::size_t partition_index;
        std::int32_t leader;
    };
    std::vector<Forward> forwards;
    // What this request's batches may expand to, all together, while they are validated.
    std::size_t decompression_budget = protocol::kDecompressionBudgetPerRequest;

    for (auto& topic : request.topic_data) {
        auto& topic_out = response.responses.emplace_back();
        topic_out.name = topic.name;
        const auto config = metadata::EffectiveTopicConfig::of(*image_, topic.name);
        for (auto& part : topic.partition_data) {
            auto& out = topic_out.partition_responses.emplace_back();
            out.index = part.index;
            out.base_offset = -1;
            const metadata::PartitionInfo* pinfo = nullptr;
            HostedPartition* hosted = nullptr;
            ErrorCode error = valid_acks ? replica_manager_->led_partition(topic.name, part.index,
                                                                           &pinfo, &hosted)
                                         : ErrorCode::INVALID_REQUIRED_ACKS;
            if (error == ErrorCode::NOT_LEADER_OR_FOLLOWER && forwarding && pinfo &&
                pinfo->leader >= 0 && part.records) {
                forwards.push_back({response.responses.size() - 1,
                                    topic_out.partition_responses.size() - 1, pinfo->leader});
                continue;
            }
            if (error == ErrorCode::NONE && !part.records) error = ErrorCode::CORRUPT_MESSAGE;
            if (error == ErrorCode::NONE) {
                error = hosted->replica ? hosted->replica->check_produce(request.acks,
                                                                         config.min_insync_replicas)
                                        : ErrorCode::NOT_LEADER_OR_FOLLOWER;
            }
            std::uint64_t records = 0;
            if (error == ErrorCode::NONE) {
                std::string reason;
                error = validate_payload(*part.records,
                                         static_cast<std::size_t>(config.max_message_bytes),
                                         &decompression_budget, &records, &reason);
                // Produce v0-v2 carry message format v0/v1, which this log does not store.
                if (error == ErrorCode::INVALID_RECORD && h.api_version < 3) {
                    error = ErrorCode::UNSUPPORTED_FOR_MESSAGE_FORMAT;
                }
                if (error != ErrorCode::NONE) {
                    // Produce v7 has no error message: the refusal is explained in the lab's
                    // events, once per request.
                    const std::string what = topic.name + "-" + std::to_string(part.index) + ": " +
                                             std::string(protocol::error_name(error)) + ", " +
                                             reason + "; nothing was appended";
                    if (first_error.empty()) {
                        first_error = what;
                        nlohmann::json data = {{"topic", topic.name},
                                               {"partition", part.index},
                                               {"error", protocol::error_name(error)}};
                        if (h.client_id) data["client_id"] = *h.client_id;
                        events_.publish(core::EventKind::ClientRejected,
                                        core::NodeRef::broker(config_.node_id),
                                        "broker " + std::to_string(config_.node_id) +
                                            " refused a produce to " + what,
                                        std::move(data), topic.name, part.index);
                    }
                }
            }
            if (error == ErrorCode::NONE) {
                auto result = hosted->log->append_as_leader(*part.records, pinfo->leader_epoch);
                if (result.ok() && result.duplicate) {
                    // An idempotent producer's retry of a batch already in the log: answered
                    // with its original offset, once the replicas have it too (Kafka answers
                    // NONE; storage/producer_state.h).
                    out.base_offset = result.first_offset;
                    ++hosted->duplicates_prevented_total;
                    if (request.acks == -1 || request.acks >= 2) {
                        waiting.push_back({response.responses.size() - 1,
                                           topic_out.partition_responses.size() - 1,
                                           result.last_offset + 1});
                    }
                } else if (result.ok()) {
                    out.base_offset = result.first_offset;
                    hosted->records_in_total += records;
                    hosted->bytes_in_total += part.records->size();
                    hosted->recent_keys.appended(*part.records);  // stamped in place by append
                    appended = true;
                    if (hosted->replica->on_leader_append(hosted->log->log_end_offset())) {
                        replica_manager_->notify_replicated();  // the ISR is the leader alone
                    }
                    if (request.acks == -1 || request.acks >= 2) {
                        waiting.push_back({response.responses.size() - 1,
                                           topic_out.partition_responses.size() - 1,
                                           result.last_offset + 1});
                    }
                } else {
                    error = result.error;
                    if (first_error.empty()) first_error = result.message;
                    if (error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER ||
                        error == ErrorCode::INVALID_PRODUCER_EPOCH) {
                        // Produce v7 carries no error message: the event says why.
                        events_.publish(
                            core::EventKind::ClientRejected, core::NodeRef::broker(config_.node_id),
                            "broker " + std::to_string(config_.node_id) + " refused a produce to " +
                                topic.name + "-" + std::to_string(part.index) + ": " +
                                std::string(protocol::error_name(error)) + ", " + result.message,
                            {{"topic", topic.name},
                             {"partition", part.index},
                             {"error", protocol::error_name(error)}},
                            topic.name, part.index);
                    }
                }
            }
            out.error_code = to_wire(error);
            out.log_start_offset = hosted && hosted->log ? hosted->log->log_start_offset() : -1;
            if (error != ErrorCode::NONE && first_error.empty()) {
                first_error = topic.name + "-" + std::to_string(part.index) + ": " +
                              std::string(protocol::error_name(error));
            }
        }
    }
    if (appended) replica_manager_->notify_appended();

    // Forwarded partitions, one request per leader; their answers are relayed as they come.
    std::map<std::int32_t, protocol::ProduceRequest> by_leader;
    for (const auto& f : forwards) {
        auto& req = by_leader[f.leader];
        req.acks = request.acks;
        req.timeout_ms = request.timeout_ms;
        const auto& src_topic = request.topic_data[f.topic_index];
        auto it = std::find_if(req.topic_data.begin(), req.topic_data.end(),
                               [&](const auto& t) { return t.name == src_topic.name; });
        if (it == req.topic_data.end()) {
            req.topic_data.push_back({src_topic.name, {}});
            it = std::prev(req.topic_data.end());
        }
        it->partition_data.push_back(src_topic.partition_data[f.partition_index]);
    }
    for (auto& [leader, req] : by_leader) {
        auto answer = co_await forwarder_->forward_produce(leader, req, h.api_version);
        for (const auto& f : forwards) {
            if (f.leader != leader) continue;
            auto& topic_out = response.responses[f.topic_index];
            auto& out = topic_out.partition_responses[f.partition_index];
            out.error_code = to_wire(ErrorCode::NOT_LEADER_OR_FOLLOWER);
            if (!answer) {
                if (first_error.empty())
                    first_error = "forwarding to broker " + std::to_string(leader) + " failed";
                continue;
            }
            for (const auto& t : answer->responses) {
                if (t.name != topic_out.name) continue;
                for (const auto& pr : t.partition_responses) {
                    if (pr.index == out.index) out = pr;
                }
            }
        }
    }
    if (stopping_) co_return Reply::silent();

    // Wait for the replicas (Kafka's DelayedProduce), re-checked at every replication step.
    const auto deadline = core::LabTime::now() +
                          std::chrono::milliseconds(std::clamp(request.timeout_ms, 0, 300'000));
    net::LabTimer timer(*io_);
    while (!waiting.empty() && !stopping_) {
        std::erase_if(waiting, [&](const Waiting& w) {
            auto& topic_out = response.responses[w.topic_index];
            auto& out = topic_out.partition_responses[w.partition_index];
            auto* hosted = logs_->find(topic_out.name, out.index);
            replication::AckState state{true, ErrorCode::NOT_LEADER_OR_FOLLOWER};
            if (hosted && hosted->replica) {
                const auto config = metadata::EffectiveTopicConfig::of(*image_, topic_out.name);
                state = hosted->replica->ack_state(w.required_offset, request.acks,
                                                   config.min_insync_replicas);
            }
            if (!state.done) return false;
            if (state.error != ErrorCode::NONE) {
                out.error_code = to_wire(state.error);
                if (first_error.empty()) {
                    first_error = topic_out.name + "-" + std::to_string(out.index) + ": " +
                                  std::string(protocol::error_name(state.error));
                }
            }
            return true;
        });
        if (waiting.empty()) break;
        if (core::LabTime::now() >= deadline) {
            for (const auto& w : waiting) {
                auto& out =
                    response.responses[w.topic_index].partition_responses[w.partition_index];
                out.error_code = to_wire(ErrorCode::REQUEST_TIMED_OUT);
            }
            break;
        }
        co_await replica_manager_->wait_replicated(timer, deadline);
    }
    if (stopping_) co_return Reply::silent();

    if (request.acks == 0) {
        if (!first_error.empty())
            co_return Reply::close("an acks=0 produce failed (" + first_error + ")");
        co_return Reply::silent();
    }
    protocol::Bytes out;
    protocol::Writer w(out);
    response.encode(w, h.api_version);
    co_return Reply::respond(std::move(out));
}

}  // namespace kraftlab::broker
