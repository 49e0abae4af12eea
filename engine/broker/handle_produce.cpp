// Produce: validate every batch (size, magic, CRC-32C, offsets), append it to the partition's
// log as leader, answer with the base offset. acks=0 gets no answer at all; when such a request
// fails, the connection is closed instead, which is how Kafka tells an acks=0 producer.
//
// With one replica per partition (no replication yet) "written to the leader's log" is also
// "written to every in-sync replica", so acks=1 and acks=all answer at the same moment.
#include "broker/broker.h"
#include "metadata/topic_config.h"
#include "protocol/produce.h"
#include "protocol/record_batch.h"

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

// Checks a produce payload: one or more complete v2 batches and nothing else. Returns the number
// of records in them through *records.
ErrorCode validate_payload(protocol::ByteView data, std::size_t max_batch_bytes,
                           std::uint64_t* records) {
    if (data.empty()) return ErrorCode::CORRUPT_MESSAGE;
    protocol::BatchIterator it(data, max_batch_bytes, /*check_crc=*/true);
    std::uint64_t count = 0;
    while (it.next()) {
        const auto& h = it.header();
        // A producer's batch holds offsets 0..count-1 (LogValidator's check).
        if (h.records_count <= 0 || h.last_offset_delta != h.records_count - 1) {
            return ErrorCode::INVALID_RECORD;
        }
        if (h.is_control()) return ErrorCode::INVALID_RECORD;  // only brokers write control batches
        count += static_cast<std::uint64_t>(h.records_count);
    }
    if (it.error() != BatchError::None) return error_for(it.error());
    if (it.valid_bytes() != data.size()) return ErrorCode::CORRUPT_MESSAGE;
    *records = count;
    return ErrorCode::NONE;
}

}  // namespace

net::awaitable<Broker::Reply> Broker::handle_produce(const protocol::RequestHeader& h,
                                                     protocol::Reader& body) {
    protocol::ProduceRequest request;
    if (!request.decode(body, h.api_version)) co_return Reply::close("malformed Produce request");
    ++produce_requests_total_;

    const bool valid_acks = request.acks == 0 || request.acks == 1 || request.acks == -1;
    protocol::ProduceResponse response;
    std::string first_error;
    bool appended = false;

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
            ErrorCode error = valid_acks ? led_partition(topic.name, part.index, &pinfo, &hosted)
                                         : ErrorCode::INVALID_REQUIRED_ACKS;
            if (error == ErrorCode::NONE && !part.records) error = ErrorCode::CORRUPT_MESSAGE;
            std::uint64_t records = 0;
            if (error == ErrorCode::NONE) {
                error = validate_payload(
                    *part.records, static_cast<std::size_t>(config.max_message_bytes), &records);
                // Produce v0-v2 carry message format v0/v1, which this log does not store.
                if (error == ErrorCode::INVALID_RECORD && h.api_version < 3) {
                    error = ErrorCode::UNSUPPORTED_FOR_MESSAGE_FORMAT;
                }
            }
            if (error == ErrorCode::NONE) {
                auto result = hosted->log->append_as_leader(*part.records, pinfo->leader_epoch);
                if (result.ok()) {
                    out.base_offset = result.first_offset;
                    hosted->records_in_total += records;
                    hosted->bytes_in_total += part.records->size();
                    hosted->recent_keys.appended(*part.records);  // stamped in place by append
                    appended = true;
                } else {
                    error = result.error;
                    if (first_error.empty()) first_error = result.message;
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
    if (appended) notify_appended();

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
