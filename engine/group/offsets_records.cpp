#include "group/offsets_records.h"

#include <utility>

namespace kraftlab::group {

using protocol::Reader;
using protocol::Writer;

namespace {

// A whole record must be read by its schema: bytes left over mean the version or a length lied.
// (at_end() is also false once the reader has failed.)
template <typename T>
std::optional<T> finish(const Reader& in, T decoded) {
    if (!in.at_end()) return std::nullopt;
    return decoded;
}

// Wire size of a member before the contents of its strings and bytes.
std::size_t member_min_bytes(std::int16_t version) {
    return 2 + (version >= 3 ? 2 : 0) + 2 + 2 + (version >= 1 ? 4 : 0) + 4 + 4 + 4;
}

}  // namespace

Bytes encode_key(const OffsetKey& key) {
    Bytes out;
    Writer w(out);
    w.i16(kOffsetCommitKeyVersion);
    w.string(key.group);
    w.string(key.topic);
    w.i32(key.partition);
    return out;
}

Bytes encode_key(const GroupMetadataKey& key) {
    Bytes out;
    Writer w(out);
    w.i16(kGroupMetadataKeyVersion);
    w.string(key.group);
    return out;
}

Bytes encode_value(const OffsetValue& value) {
    const std::int16_t version =
        value.expire_timestamp != -1 ? kOffsetValueVersionWithExpiry : kOffsetValueVersion;
    Bytes out;
    Writer w(out);
    w.i16(version);
    w.i64(value.offset);
    if (version >= 3) w.i32(value.leader_epoch);
    w.string(value.metadata);
    w.i64(value.commit_timestamp);
    if (version == 1) w.i64(value.expire_timestamp);
    return out;
}

Bytes encode_value(const GroupMetadataValue& value) {
    Bytes out;
    Writer w(out);
    w.i16(kGroupMetadataValueVersion);
    w.string(value.protocol_type);
    w.i32(value.generation);
    w.nullable_string(value.protocol);
    w.nullable_string(value.leader);
    w.i64(value.current_state_timestamp);
    w.array_length(static_cast<std::int32_t>(value.members.size()));
    for (const auto& m : value.members) {
        w.string(m.member_id);
        w.nullable_string(m.group_instance_id);
        w.string(m.client_id);
        w.string(m.client_host);
        w.i32(m.rebalance_timeout_ms);
        w.i32(m.session_timeout_ms);
        w.bytes(m.subscription);
        w.bytes(m.assignment);
    }
    return out;
}

std::optional<std::int16_t> key_version(ByteView key) {
    Reader in(key);
    const std::int16_t version = in.i16();
    if (!in.ok()) return std::nullopt;
    return version;
}

std::optional<RecordKey> decode_key(ByteView key) {
    Reader in(key);
    const std::int16_t version = in.i16();
    if (!in.ok()) return std::nullopt;
    if (version == 0 || version == 1) {
        OffsetKey k;
        k.group = in.string();
        k.topic = in.string();
        k.partition = in.i32();
        auto done = finish(in, std::move(k));
        if (!done) return std::nullopt;
        return RecordKey{std::move(*done)};
    }
    if (version == kGroupMetadataKeyVersion) {
        GroupMetadataKey k;
        k.group = in.string();
        auto done = finish(in, std::move(k));
        if (!done) return std::nullopt;
        return RecordKey{std::move(*done)};
    }
    return std::nullopt;
}

std::optional<OffsetValue> decode_offset_value(ByteView value) {
    Reader in(value);
    const std::int16_t version = in.i16();
    if (!in.ok() || version < 0 || version > 3) return std::nullopt;
    OffsetValue v;
    v.offset = in.i64();
    if (version >= 3) v.leader_epoch = in.i32();
    v.metadata = in.string();
    v.commit_timestamp = in.i64();
    if (version == 1) v.expire_timestamp = in.i64();
    return finish(in, std::move(v));
}

std::optional<GroupMetadataValue> decode_group_metadata_value(ByteView value) {
    Reader in(value);
    const std::int16_t version = in.i16();
    if (!in.ok() || version < 0 || version > 3) return std::nullopt;
    GroupMetadataValue v;
    v.protocol_type = in.string();
    v.generation = in.i32();
    v.protocol = in.nullable_string();
    v.leader = in.nullable_string();
    if (version >= 2) v.current_state_timestamp = in.i64();
    // A null member array is malformed: the schema does not allow it. array_length() refuses a
    // count the remaining bytes could not hold, so the loop below grows only with real bytes.
    const std::int32_t count = in.array_length(member_min_bytes(version));
    if (count < 0) return std::nullopt;
    for (std::int32_t i = 0; i < count && in.ok(); ++i) {
        MemberMetadata& m = v.members.emplace_back();
        m.member_id = in.string();
        if (version >= 3) m.group_instance_id = in.nullable_string();
        m.client_id = in.string();
        m.client_host = in.string();
        if (version >= 1) m.rebalance_timeout_ms = in.i32();
        m.session_timeout_ms = in.i32();
        // v0 had no rebalance timeout; Kafka reads it as the session timeout, which is what
        // a v0 JoinGroup (which had none either) waited for.
        if (version == 0) m.rebalance_timeout_ms = m.session_timeout_ms;
        m.subscription = in.bytes();
        m.assignment = in.bytes();
    }
    return finish(in, std::move(v));
}

}  // namespace kraftlab::group
