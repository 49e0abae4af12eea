// Metadata records: every change to cluster metadata (a broker registering, a topic created, a
// partition's leader or ISR changing, a broker fenced) is one of these, appended to the metadata
// log and replayed by every node into a MetadataImage.
//
// Types, fields and framing follow Kafka's KRaft records (metadata/src/main/resources/common/
// metadata/*.json): a record value is UVARINT frame version (1), UVARINT api key, UVARINT record
// version, then the record body in the flexible encoding (compact strings and arrays, tagged
// fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/codec.h"

namespace kraftlab::metadata {

using protocol::Bytes;
using protocol::ByteView;
using protocol::Uuid;

// Kafka's ConfigResource.Type for ConfigRecord.
enum class ConfigResourceType : std::int8_t { Topic = 2, Broker = 4 };

struct BrokerEndpoint {
    std::string name = "PLAINTEXT";
    std::string host;
    std::uint16_t port = 0;
    std::int16_t security_protocol = 0;  // PLAINTEXT
    bool operator==(const BrokerEndpoint&) const = default;
};

struct RegisterBrokerRecord {  // api key 0, version 1
    std::int32_t broker_id = 0;
    Uuid incarnation_id;
    std::int64_t broker_epoch = 0;
    std::vector<BrokerEndpoint> endpoints;
    std::optional<std::string> rack;
    bool fenced = true;
    bool in_controlled_shutdown = false;  // v1+
    bool operator==(const RegisterBrokerRecord&) const = default;
};

struct UnregisterBrokerRecord {  // api key 1
    std::int32_t broker_id = 0;
    std::int64_t broker_epoch = 0;
    bool operator==(const UnregisterBrokerRecord&) const = default;
};

struct TopicRecord {  // api key 2
    std::string name;
    Uuid topic_id;
    bool operator==(const TopicRecord&) const = default;
};

struct PartitionRecord {  // api key 3, version 0
    std::int32_t partition_id = -1;
    Uuid topic_id;
    std::vector<std::int32_t> replicas;
    std::vector<std::int32_t> isr;
    std::vector<std::int32_t> removing_replicas;
    std::vector<std::int32_t> adding_replicas;
    std::int32_t leader = -1;
    std::int8_t leader_recovery_state = 0;  // tag 0: 1 after an unclean election
    std::int32_t leader_epoch = -1;
    std::int32_t partition_epoch = -1;
    bool operator==(const PartitionRecord&) const = default;
};

struct ConfigRecord {  // api key 4
    ConfigResourceType resource_type = ConfigResourceType::Topic;
    std::string resource_name;
    std::string name;
    std::optional<std::string> value;  // null removes the setting
    bool operator==(const ConfigRecord&) const = default;
};

// Leader -2 means "leader unchanged"; -1 means "no leader".
inline constexpr std::int32_t kLeaderUnchanged = -2;
inline constexpr std::int32_t kNoLeader = -1;

// Kafka's LeaderRecoveryState: RECOVERING after an unclean election, until the new leader's
// followers have truncated to its log and it asks (AlterPartition) to return to RECOVERED.
inline constexpr std::int8_t kLeaderRecovered = 0;
inline constexpr std::int8_t kLeaderRecovering = 1;

struct PartitionChangeRecord {  // api key 5, version 0; every change field is tagged
    std::int32_t partition_id = -1;
    Uuid topic_id;
    std::optional<std::vector<std::int32_t>> isr;                // tag 0
    std::int32_t leader = kLeaderUnchanged;                      // tag 1
    std::optional<std::vector<std::int32_t>> replicas;           // tag 2
    std::optional<std::vector<std::int32_t>> removing_replicas;  // tag 3
    std::optional<std::vector<std::int32_t>> adding_replicas;    // tag 4
    std::optional<std::int8_t> leader_recovery_state;            // tag 5
    bool operator==(const PartitionChangeRecord&) const = default;
};

struct FenceBrokerRecord {  // api key 7
    std::int32_t id = 0;
    std::int64_t epoch = 0;
    bool operator==(const FenceBrokerRecord&) const = default;
};

struct UnfenceBrokerRecord {  // api key 8
    std::int32_t id = 0;
    std::int64_t epoch = 0;
    bool operator==(const UnfenceBrokerRecord&) const = default;
};

struct RemoveTopicRecord {  // api key 9
    Uuid topic_id;
    bool operator==(const RemoveTopicRecord&) const = default;
};

struct NoOpRecord {  // api key 20: a new leader's first entry, so it can commit
    bool operator==(const NoOpRecord&) const = default;
};

// api key 15: the active controller gave the producer ids below next_producer_id (a block, to
// broker_id at broker_epoch); the next block starts at next_producer_id.
struct ProducerIdsRecord {
    std::int32_t broker_id = 0;
    std::int64_t broker_epoch = 0;
    std::int64_t next_producer_id = 0;
    bool operator==(const ProducerIdsRecord&) const = default;
};

using MetadataRecord =
    std::variant<RegisterBrokerRecord, UnregisterBrokerRecord, TopicRecord, PartitionRecord,
                 ConfigRecord, PartitionChangeRecord, FenceBrokerRecord, UnfenceBrokerRecord,
                 RemoveTopicRecord, NoOpRecord, ProducerIdsRecord>;

// Kafka's api key of a record ("RegisterBrokerRecord" is 0, ...) and its short name.
std::int16_t record_api_key(const MetadataRecord& record);
std::string_view record_name(const MetadataRecord& record);

Bytes encode_record(const MetadataRecord& record);
// nullopt for a malformed frame, an unknown record type or an unsupported version.
std::optional<MetadataRecord> decode_record(ByteView value);

// One line for logs and the event stream, e.g. "PartitionChange orders-2: leader 3, isr [3]".
// Topic ids are printed as given; callers that know names substitute them.
std::string describe(const MetadataRecord& record);

// Broker ids as the records' descriptions print them: "[1,2,3]".
std::string ids_text(const std::vector<std::int32_t>& ids);

}  // namespace kraftlab::metadata
