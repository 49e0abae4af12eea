// AllocateProducerIds on the active controller (KIP-730): a broker that has handed out its block
// of producer ids asks for the next one. The controller gives blocks of kProducerIdBlockSize ids
// (Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE, 1000) from the image's next producer id,
// and answers only once the ProducerIdsRecord that moves it on is committed: a block is given
// out once, whatever restarts or fails over later, because every controller and every broker
// replays the same records (a new active controller starts from the last committed one).
//
// Thread: the controller's node thread (a ControllerNode member, like its other handlers).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <limits>

#include "controller/controller_node.h"
#include "protocol/allocate_producer_ids.h"

namespace kraftlab::controller {

using protocol::ErrorCode;
using protocol::to_wire;

namespace {

constexpr std::int32_t kProducerIdBlockSize = 1000;

protocol::Bytes encode(const protocol::AllocateProducerIdsResponse& r, std::int16_t version) {
    protocol::Bytes out;
    protocol::Writer w(out);
    r.encode(w, version);
    return out;
}

}  // namespace

net::awaitable<protocol::Bytes> ControllerNode::handle_allocate_producer_ids(
    std::int16_t version, protocol::Reader& body) {
    protocol::AllocateProducerIdsRequest req;
    protocol::AllocateProducerIdsResponse resp;
    if (!req.decode(body, version)) co_return protocol::Bytes{};
    if (!is_active()) {
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        co_return encode(resp, version);
    }
    // The proposals in flight count: two brokers asking at once get different blocks.
    auto img = working_image();
    const auto* broker = img->broker(req.broker_id);
    if (!broker || broker->epoch != req.broker_epoch) {
        // As Kafka's ClusterControlManager.checkBrokerEpoch: not registered, or another life.
        resp.error_code = to_wire(ErrorCode::STALE_BROKER_EPOCH);
        co_return encode(resp, version);
    }
    const std::int64_t start = img->next_producer_id();
    if (start > std::numeric_limits<std::int64_t>::max() - kProducerIdBlockSize) {
        resp.error_code = to_wire(ErrorCode::UNKNOWN_SERVER_ERROR);  // every id is given out
        co_return encode(resp, version);
    }
    metadata::ProducerIdsRecord record;
    record.broker_id = req.broker_id;
    record.broker_epoch = req.broker_epoch;
    record.next_producer_id = start + kProducerIdBlockSize;
    std::vector<metadata::MetadataRecord> records{record};
    std::string cause = "broker " + std::to_string(req.broker_id) + " takes producer ids " +
                        std::to_string(start) + "-" +
                        std::to_string(start + kProducerIdBlockSize - 1);
    if (!co_await commit(std::move(records), std::move(cause))) {
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        co_return encode(resp, version);
    }
    resp.producer_id_start = start;
    resp.producer_id_len = kProducerIdBlockSize;
    co_return encode(resp, version);
}

}  // namespace kraftlab::controller
