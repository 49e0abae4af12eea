// DeleteRecords: the partition's leader moves its log start offset (storage::PartitionLog::
// advance_log_start); its followers follow from the log start in the leader's Fetch answers
// (replica_fetchers.cpp), as Kafka's do. Offset -1 means the high watermark; an offset past the
// high watermark is OFFSET_OUT_OF_RANGE (records not yet committed cannot be deleted). The
// answer's low watermark is the leader's new log start. Kafka's DelayedDeleteRecords waits until
// every follower has moved too; the lab answers once the leader has (its followers move at their
// next fetch), and says so here.
#include "broker/broker.h"
#include "group/coordinator_key.h"
#include "protocol/delete_records.h"
#include "replication/replica.h"

namespace kraftlab::broker {

using core::EventKind;
using core::NodeRef;
using protocol::ErrorCode;
using protocol::to_wire;

net::awaitable<Broker::Reply> Broker::handle_delete_records(const protocol::RequestHeader& h,
                                                            protocol::Reader& body) {
    protocol::DeleteRecordsRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed DeleteRecords request");
    protocol::DeleteRecordsResponse response;
    for (const auto& t : request.topics) {
        auto& out_topic = response.topics.emplace_back();
        out_topic.name = t.name;
        for (const auto& part : t.partitions) {
            auto& out = out_topic.partitions.emplace_back();
            out.partition_index = part.partition_index;
            auto fail = [&](ErrorCode code) { out.error_code = to_wire(code); };
            // The lab's clients never change internal topics (group offsets live there).
            if (t.name.starts_with("__")) {
                fail(ErrorCode::TOPIC_AUTHORIZATION_FAILED);
                continue;
            }
            HostedPartition* hosted = nullptr;
            if (auto e =
                    replica_manager_->led_partition(t.name, part.partition_index, nullptr, &hosted);
                e != ErrorCode::NONE) {
                fail(e);
                continue;
            }
            auto& log = *hosted->log;
            const std::int64_t hw = hosted->replica->high_watermark();
            const std::int64_t target = part.offset == -1 ? hw : part.offset;
            if (target < 0 || target > hw) {
                fail(ErrorCode::OFFSET_OUT_OF_RANGE);
                continue;
            }
            const std::int64_t before = log.log_start_offset();
            if (auto st = log.advance_log_start(target); !st.ok()) {
                fail(st.error);
                continue;
            }
            out.low_watermark = log.log_start_offset();
            if (out.low_watermark > before) {
                const std::string name = t.name + "-" + std::to_string(part.partition_index);
                events_.publish(EventKind::RecordsDeleted, NodeRef::broker(config_.node_id),
                                "broker " + std::to_string(config_.node_id) +
                                    " deleted the records of " + name + " before offset " +
                                    std::to_string(out.low_watermark) + " (" +
                                    std::to_string(out.low_watermark - before) +
                                    " offsets; DeleteRecords moved the log start)",
                                {{"log_start_offset", out.low_watermark}, {"previous", before}},
                                t.name, part.partition_index);
            }
        }
    }
    co_return Reply::encode(response, h.api_version);
}

}  // namespace kraftlab::broker
