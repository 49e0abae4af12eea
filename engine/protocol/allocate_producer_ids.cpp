#include "protocol/allocate_producer_ids.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void AllocateProducerIdsRequest::encode(Writer& out, std::int16_t) const {
    out.i32(broker_id);
    out.i64(broker_epoch);
    out.empty_tagged_fields();
}

bool AllocateProducerIdsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    broker_id = in.i32();
    broker_epoch = in.i64();
    in.tagged_fields();
    return in.ok();
}

void AllocateProducerIdsResponse::encode(Writer& out, std::int16_t) const {
    out.i32(throttle_time_ms);
    out.i16(error_code);
    out.i64(producer_id_start);
    out.i32(producer_id_len);
    out.empty_tagged_fields();
}

bool AllocateProducerIdsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    error_code = in.i16();
    producer_id_start = in.i64();
    producer_id_len = in.i32();
    in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
