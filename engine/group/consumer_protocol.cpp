#include "group/consumer_protocol.h"

namespace kraftlab::group {

namespace {

void write_partitions(protocol::Writer& w, const TopicPartitions& partitions) {
    w.i32(static_cast<std::int32_t>(partitions.size()));
    for (const auto& [topic, list] : partitions) {
        w.string(topic);
        w.i32(static_cast<std::int32_t>(list.size()));
        for (auto p : list)
            w.i32(p);
    }
}

bool read_partitions(protocol::Reader& r, TopicPartitions& out) {
    // Each topic takes at least a string length and a count: 6 bytes; each partition 4.
    const auto topics = r.array_length(6);
    if (!r.ok() || topics < 0) return false;
    for (std::int32_t t = 0; t < topics; ++t) {
        auto name = r.string();
        const auto count = r.array_length(4);
        if (!r.ok() || count < 0) return false;
        auto& list = out[name];
        for (std::int32_t i = 0; i < count; ++i)
            list.push_back(r.i32());
        if (!r.ok()) return false;
    }
    return true;
}

}  // namespace

protocol::Bytes encode_subscription(const std::vector<std::string>& topics) {
    protocol::Bytes out;
    protocol::Writer w(out);
    w.i16(0);
    w.i32(static_cast<std::int32_t>(topics.size()));
    for (const auto& t : topics)
        w.string(t);
    w.nullable_bytes(std::nullopt);
    return out;
}

protocol::Bytes encode_assignment(const TopicPartitions& partitions) {
    protocol::Bytes out;
    protocol::Writer w(out);
    w.i16(0);
    write_partitions(w, partitions);
    w.nullable_bytes(std::nullopt);
    return out;
}

std::optional<ConsumerSubscription> decode_subscription(protocol::ByteView bytes) {
    protocol::Reader r(bytes);
    ConsumerSubscription s;
    s.version = r.i16();
    const auto topics = r.array_length(2);
    if (!r.ok() || s.version < 0 || topics < 0) return std::nullopt;
    for (std::int32_t i = 0; i < topics && r.ok(); ++i)
        s.topics.push_back(r.string());
    // Some clients end the v0 layout after the topics (no user data at all).
    if (r.ok() && r.remaining() > 0) s.user_data = r.nullable_bytes();
    if (r.ok() && s.version >= 1 && r.remaining() > 0 && !read_partitions(r, s.owned_partitions))
        return std::nullopt;
    if (r.ok() && s.version >= 2 && r.remaining() >= 4) s.generation_id = r.i32();
    if (!r.ok()) return std::nullopt;
    return s;
}

std::optional<ConsumerAssignment> decode_assignment(protocol::ByteView bytes) {
    ConsumerAssignment a;
    if (bytes.empty()) return a;
    protocol::Reader r(bytes);
    a.version = r.i16();
    if (!r.ok() || a.version < 0 || !read_partitions(r, a.partitions)) return std::nullopt;
    if (r.remaining() > 0) a.user_data = r.nullable_bytes();
    if (!r.ok()) return std::nullopt;
    return a;
}

}  // namespace kraftlab::group
