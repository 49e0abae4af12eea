// The records of Kafka's internal topic __consumer_offsets, where a group coordinator keeps what
// it must not lose: each group's committed offsets and each classic group's membership. The lab
// writes them in Kafka's own layout so that a real Kafka tool reading the topic (or the lab
// reading a topic a real Kafka wrote) sees the same records.
//
// A record's key starts with an INT16 that says which record it is: 0 or 1 an offset commit
// (group, topic, partition), 2 a group's metadata (group). Kafka writes offset commit keys as 1;
// 0 is older and has the same layout. Later Kafka versions put other record types under higher
// numbers (3 and up: KIP-848 consumer groups, share groups, ...); the lab does not read them, and
// key_version() lets a caller skip them rather than treat them as corrupt, as Kafka's loader does.
//
// A value starts with its own INT16 version. Offset commit values:
//   v0: offset INT64, metadata STRING, commit_timestamp INT64
//   v1: v0 + expire_timestamp INT64 (the retention a v2-4 OffsetCommit request asked for)
//   v2: v0's layout again (expiry became the broker's alone)
//   v3: offset INT64, leader_epoch INT32, metadata STRING, commit_timestamp INT64
// Group metadata values: protocol_type STRING, generation INT32, protocol NULLABLE_STRING,
// leader NULLABLE_STRING, current_state_timestamp INT64 (v2+), then the members, each
//   member_id STRING, group_instance_id NULLABLE_STRING (v3+), client_id STRING, client_host
//   STRING, rebalance_timeout INT32 (v1+), session_timeout INT32, subscription BYTES, assignment
//   BYTES.
// Version 4 of both values is flexible (compact strings, tagged fields; KIP-915); Kafka writes 3
// and the lab neither writes nor reads 4.
//
// A record whose value is null (a tombstone) deletes what its key names: a group's offset for
// the partition, or the whole group's metadata. Kafka's record format carries that null itself,
// so these functions never see it: the caller checks for a null value before decoding one.
//
// Decoding never throws and never trusts a length: strings, bytes and member counts are checked
// against the bytes that remain before anything is allocated, so a hostile record costs no more
// memory than its own size. Bytes left over after the last field make a record malformed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/codec.h"

namespace kraftlab::group {

using Bytes = protocol::Bytes;
using ByteView = protocol::ByteView;

// Key versions: which record type a key names.
inline constexpr std::int16_t kOffsetCommitKeyVersion = 1;  // 0 also means an offset commit
inline constexpr std::int16_t kGroupMetadataKeyVersion = 2;

// Value versions the lab writes.
inline constexpr std::int16_t kOffsetValueVersion = 3;
inline constexpr std::int16_t kOffsetValueVersionWithExpiry = 1;  // the only one with expiry
inline constexpr std::int16_t kGroupMetadataValueVersion = 3;

// A group's committed offset for one partition.
struct OffsetKey {
    std::string group;
    std::string topic;
    std::int32_t partition = 0;
    bool operator==(const OffsetKey&) const = default;
};

struct OffsetValue {
    std::int64_t offset = 0;
    std::int32_t leader_epoch = -1;  // -1: unknown (and in v0-2, which do not have it)
    std::string metadata;            // the client's string, often empty
    std::int64_t commit_timestamp = 0;
    std::int64_t expire_timestamp = -1;  // v1 only; -1: the broker's retention decides
    bool operator==(const OffsetValue&) const = default;
};

// A classic group's membership, as of its last rebalance (or its emptying).
struct GroupMetadataKey {
    std::string group;
    bool operator==(const GroupMetadataKey&) const = default;
};

struct MemberMetadata {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v3+; static members only
    std::string client_id;
    std::string client_host;
    std::int32_t rebalance_timeout_ms = 0;  // v1+; read as the session timeout from v0
    std::int32_t session_timeout_ms = 0;
    Bytes subscription;  // the member's metadata for the group's chosen protocol
    Bytes assignment;    // what the leader assigned it
    bool operator==(const MemberMetadata&) const = default;
};

struct GroupMetadataValue {
    std::string protocol_type;  // "consumer"; may be empty for a group with no members
    std::int32_t generation = 0;
    std::optional<std::string> protocol;        // null while the group has no members
    std::optional<std::string> leader;          // null while the group has no members
    std::int64_t current_state_timestamp = -1;  // v2+; -1: unknown
    std::vector<MemberMetadata> members;
    bool operator==(const GroupMetadataValue&) const = default;
};

using RecordKey = std::variant<OffsetKey, GroupMetadataKey>;

// Keys: offset commits as key version 1, group metadata as key version 2.
Bytes encode_key(const OffsetKey& key);
Bytes encode_key(const GroupMetadataKey& key);

// Values. An offset is written as v3, except one with an expire timestamp (not -1): v3 cannot
// hold it, so it is written as v1, which drops the leader epoch (Kafka makes the same choice).
// Group metadata is written as v3.
Bytes encode_value(const OffsetValue& value);
Bytes encode_value(const GroupMetadataValue& value);

// The key's leading INT16, or nullopt when fewer than two bytes. With decode_key's nullopt it
// tells a record type the lab does not know (a version above 2: skip it) from a corrupt key.
std::optional<std::int16_t> key_version(ByteView key);

// The key's record, or nullopt when its version is not 0-2 or its bytes are malformed
// (truncated, a null or oversized string, bytes left over).
std::optional<RecordKey> decode_key(ByteView key);

// Values of versions 0-3 (fields a version lacks take their defaults above), or nullopt for
// another version or malformed bytes. The caller knows from the key which one to call.
std::optional<OffsetValue> decode_offset_value(ByteView value);
std::optional<GroupMetadataValue> decode_group_metadata_value(ByteView value);

}  // namespace kraftlab::group
