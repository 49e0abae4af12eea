#include "protocol/delete_topics.h"

#include "protocol/message_util.h"

namespace kraftlab::protocol {

using namespace detail;

void DeleteTopicsRequest::encode(Writer& out, std::int16_t /*version*/) const {
    write_array_length(out, topic_names.size());
    for (const auto& name : topic_names)
        out.string(name);
    out.i32(timeout_ms);
}

bool DeleteTopicsRequest::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    read_elements(in, read_array_length(in, 2), topic_names,
                  [&](std::string& name) { name = in.string(); });
    timeout_ms = in.i32();
    return in.ok();
}

void DeleteTopicsResponse::encode(Writer& out, std::int16_t version) const {
    if (version >= 1) out.i32(throttle_time_ms);
    write_array_length(out, responses.size());
    for (const auto& r : responses) {
        out.string(r.name);
        out.i16(r.error_code);
    }
}

bool DeleteTopicsResponse::decode(Reader& in, std::int16_t version) {
    *this = {};
    if (!check_version(in, version, kMinVersion, kMaxVersion)) return false;
    if (version >= 1) throttle_time_ms = in.i32();
    read_elements(in, read_array_length(in, 2 + 2), responses, [&](DeletableTopicResult& r) {
        r.name = in.string();
        r.error_code = in.i16();
    });
    return in.ok();
}

}  // namespace kraftlab::protocol
