// ListOffsets: the earliest offset (-2), the latest (-1, the high watermark), or the first
// offset whose record timestamp is at or after a given time.
//
// By time, as Kafka does with its time index plus one batch scan: the log finds the first batch
// whose header MaxTimestamp reaches the time (no decompression), and only that one batch is
// decoded, within protocol::decompressed_batch_limit; a batch whose records would expand past it
// is answered CORRUPT_MESSAGE rather than expanded. A partition named more than once in one
// request is answered INVALID_REQUEST at every mention, with no lookup (Kafka's
// ListOffsetsRequest.duplicatePartitions), so one request costs at most one batch per
// partition, and all its lookups together decompress at most
// protocol::kDecompressionBudgetPerRequest: a partition past it is answered POLICY_VIOLATION.
#include <set>

#include "broker/broker.h"
#include "metadata/topic_config.h"
#include "protocol/list_offsets.h"
#include "protocol/records.h"

namespace kraftlab::broker {

using protocol::ErrorCode;
using protocol::ListOffsetsRequest;
using protocol::to_wire;

net::awaitable<Broker::Reply> Broker::handle_list_offsets(const protocol::RequestHeader& h,
                                                          protocol::Reader& body) {
    ListOffsetsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed ListOffsets request");

    std::set<std::pair<std::string_view, std::int32_t>> seen;
    std::set<std::pair<std::string_view, std::int32_t>> duplicates;
    for (const auto& topic : request.topics) {
        for (const auto& part : topic.partitions) {
            if (!seen.emplace(topic.name, part.partition_index).second) {
                duplicates.emplace(topic.name, part.partition_index);
            }
        }
    }

    protocol::ListOffsetsResponse response;
    // What this request's lookups may decompress, all together.
    std::size_t budget = protocol::kDecompressionBudgetPerRequest;
    for (const auto& topic : request.topics) {
        auto& topic_out = response.topics.emplace_back();
        topic_out.name = topic.name;
        for (const auto& part : topic.partitions) {
            auto& out = topic_out.partitions.emplace_back();
            out.partition_index = part.partition_index;
            if (duplicates.contains({topic.name, part.partition_index})) {
                out.error_code = to_wire(ErrorCode::INVALID_REQUEST);
                continue;
            }
            HostedPartition* hosted = nullptr;
            ErrorCode error =
                replica_manager_->led_partition(topic.name, part.partition_index, nullptr, &hosted);
            if (error == ErrorCode::NONE) {
                const auto& log = *hosted->log;
                if (part.timestamp == ListOffsetsRequest::kLatestTimestamp) {
                    // What a consumer can read: the high watermark, not the log end.
                    out.offset =
                        hosted->replica ? hosted->replica->high_watermark() : log.log_end_offset();
                } else if (part.timestamp == ListOffsetsRequest::kEarliestTimestamp) {
                    out.offset = log.log_start_offset();
                } else if (part.timestamp < 0) {
                    error = ErrorCode::INVALID_REQUEST;  // -3 (max timestamp) is v7+
                } else {
                    auto found = log.find_batch_for_timestamp(part.timestamp);
                    if (!found.ok()) {
                        error = found.error;
                    } else if (found.found) {
                        const auto config = metadata::EffectiveTopicConfig::of(*image_, topic.name);
                        std::optional<protocol::TimestampedOffset> record;
                        const std::size_t batch_limit = protocol::decompressed_batch_limit(
                            static_cast<std::size_t>(std::max(config.max_message_bytes, 0)));
                        const auto header = protocol::RecordBatchHeader::parse(found.found->batch);
                        const bool compressed =
                            header && header->compression() != protocol::Compression::None;
                        const std::size_t limit =
                            compressed ? std::min(batch_limit, budget) : batch_limit;
                        std::size_t used = 0;
                        auto err = protocol::find_record_at_or_after(
                            found.found->batch, part.timestamp, limit, record, &used);
                        if (compressed)
                            budget -= err == protocol::BatchError::TooLarge ? limit : used;
                        if (err == protocol::BatchError::TooLarge && limit < batch_limit) {
                            error = ErrorCode::POLICY_VIOLATION;  // this request's budget is spent
                        } else if (err != protocol::BatchError::None) {
                            error = ErrorCode::CORRUPT_MESSAGE;
                        } else if (record) {
                            out.offset = record->offset;
                            out.timestamp = record->timestamp_ms;
                        }
                    }
                }
            }
            out.error_code = to_wire(error);
        }
    }
    protocol::Bytes out;
    protocol::Writer w(out);
    response.encode(w, h.api_version);
    co_return Reply::respond(std::move(out));
}

}  // namespace kraftlab::broker
