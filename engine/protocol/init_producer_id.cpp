#include "protocol/init_producer_id.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void InitProducerIdRequest::encode(Writer& out, std::int16_t version) const {
    const bool flexible = is_flexible(kKey, version);
    write_nullable_string(out, transactional_id, flexible);
    out.i32(transaction_timeout_ms);
    if (version >= 3) {
        out.i64(producer_id);
        out.i16(producer_epoch);
    }
    if (flexible) out.empty_tagged_fields();
}

bool InitProducerIdRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    const bool flexible = is_flexible(kKey, version);
    transactional_id = read_nullable_string(in, flexible);
    transaction_timeout_ms = in.i32();
    if (version >= 3) {
        producer_id = in.i64();
        producer_epoch = in.i16();
    }
    if (flexible) in.tagged_fields();
    return in.ok();
}

void InitProducerIdResponse::encode(Writer& out, std::int16_t version) const {
    out.i32(throttle_time_ms);
    out.i16(error_code);
    out.i64(producer_id);
    out.i16(producer_epoch);
    if (is_flexible(kKey, version)) out.empty_tagged_fields();
}

bool InitProducerIdResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    throttle_time_ms = in.i32();
    error_code = in.i16();
    producer_id = in.i64();
    producer_epoch = in.i16();
    if (is_flexible(kKey, version)) in.tagged_fields();
    return in.ok();
}

}  // namespace kraftlab::protocol
