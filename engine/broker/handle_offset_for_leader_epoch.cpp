// OffsetsForLeaderEpoch (key 23): "where does leader epoch E end in your log?" Followers ask it
// before fetching from a new leader, to cut a divergent tail (KIP-101, KIP-279); consumers ask it
// after a leader change to check that their position is still on the log (KIP-320). Only the
// partition leader answers; the answer is the largest epoch not above the requested one and the
// offset where the next epoch starts (the log end offset for the leader's latest epoch).
// A request naming a replica id (a follower's) is answered only on a connection authenticated as a
// lab node; from any other, TOPIC_AUTHORIZATION_FAILED per partition (Kafka: ClusterAction).
#include "broker/broker.h"
#include "protocol/offset_for_leader_epoch.h"

namespace kraftlab::broker {

using protocol::ErrorCode;
using protocol::to_wire;

net::awaitable<Broker::Reply> Broker::handle_offset_for_leader_epoch(
    const protocol::RequestHeader& h, protocol::Reader& body, bool from_lab_node) {
    protocol::OffsetForLeaderEpochRequest request;
    if (!request.decode(body, h.api_version))
        co_return Reply::close("malformed OffsetForLeaderEpoch request");
    const bool refused = request.replica_id >= 0 && !from_lab_node;
    if (refused) refuse_follower_request("OffsetForLeaderEpoch", request.replica_id);
    protocol::OffsetForLeaderEpochResponse response;
    for (const auto& topic : request.topics) {
        auto& topic_out = response.topics.emplace_back();
        topic_out.topic = topic.topic;
        for (const auto& part : topic.partitions) {
            auto& out = topic_out.partitions.emplace_back();
            out.partition = part.partition;
            if (refused) {
                out.error_code = to_wire(ErrorCode::TOPIC_AUTHORIZATION_FAILED);
                continue;
            }
            HostedPartition* hosted = nullptr;
            ErrorCode error = replica_manager_->led_partition(topic.topic, part.partition, nullptr,
                                                              &hosted, part.current_leader_epoch);
            if (error == ErrorCode::NONE && !hosted->replica) {
                error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
            }
            if (error == ErrorCode::NONE) {
                const auto answer = hosted->replica->epochs().end_offset_for(
                    part.leader_epoch, hosted->log->log_end_offset());
                out.leader_epoch = answer.epoch;
                out.end_offset = answer.end_offset;
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
