// ListOffsets: the earliest offset (-2), the latest (-1, the high watermark), or the first
// offset whose record timestamp is at or after a given time.
#include "broker/broker.h"
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

    protocol::ListOffsetsResponse response;
    std::vector<protocol::Record> records;
    for (const auto& topic : request.topics) {
        auto& topic_out = response.topics.emplace_back();
        topic_out.name = topic.name;
        for (const auto& part : topic.partitions) {
            auto& out = topic_out.partitions.emplace_back();
            out.partition_index = part.partition_index;
            HostedPartition* hosted = nullptr;
            ErrorCode error = led_partition(topic.name, part.partition_index, nullptr, &hosted);
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
                        records.clear();
                        auto err = protocol::decode_records(found.found->batch, records);
                        if (err != protocol::BatchError::None) {
                            error = ErrorCode::CORRUPT_MESSAGE;
                        } else {
                            for (const auto& r : records) {
                                if (r.timestamp_ms >= part.timestamp) {
                                    out.offset = r.offset;
                                    out.timestamp = r.timestamp_ms;
                                    break;
                                }
                            }
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
