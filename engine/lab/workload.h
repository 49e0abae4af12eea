// The lab's built-in workload: producers and consumers that are real Kafka clients. Each one is
// a client node with its own thread and io_context, speaking the Kafka wire protocol to the
// brokers over TCP like kcat would (net/kafka_client.h). The lab starts, changes and stops them;
// they publish snapshots (core/snapshots.h) and events like every other node.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/lab_clock.h"
#include "net/sasl_plain.h"
#include "protocol/codec.h"
#include "protocol/record_batch.h"

namespace kraftlab::lab {

// Chooses the partition of one record. Called on the producer's own thread, once per record.
// A choice with a non-empty error (or a partition outside [0, num_partitions)) is not sent: the
// producer counts it as a partitioner error and reports the first of a run as an event.
class Partitioner {
  public:
    struct Choice {
        std::int32_t partition = -1;
        std::string error;  // plain words; empty when the choice is good
    };
    virtual ~Partitioner() = default;
    virtual Choice choose(std::optional<protocol::ByteView> key, protocol::ByteView value,
                          std::int32_t num_partitions) = 0;
};

enum class PartitionerKind { RoundRobin, KeyHash, Custom };
std::string_view partitioner_name(PartitionerKind kind);  // "round-robin", "key-hash", "custom"

// Round robin over all partitions (the seed's default).
std::unique_ptr<Partitioner> make_round_robin_partitioner();
// Java's default for keyed records: murmur2(key) & 0x7fffffff % n over all partitions
// (BuiltInPartitioner.partitionForKey); a record without a key goes round robin.
std::unique_ptr<Partitioner> make_key_hash_partitioner();

// Builds a custom partitioner on the producer's thread (a script engine must live on the thread
// that calls it). May return null with *error set when the code does not compile.
using PartitionerFactory = std::function<std::unique_ptr<Partitioner>(std::string* error)>;

enum class KeyPattern {
    None,        // null keys
    Sequence,    // "key-0", "key-1", ...
    RandomKeys,  // one of random_key_count keys "key-0".."key-(n-1)", chosen at random
    Fixed,       // always fixed_key
};
std::string_view key_pattern_name(KeyPattern p);  // "none", "sequence", "random", "fixed"

// Where a producer sends each produce request.
enum class Route {
    Leader,     // to the partition's leader, as every real Kafka client does
    AnyBroker,  // to the next running broker in turn, which forwards to the leader and relays
                // the answer (a lab extension, to draw the seed's message flow; not Kafka)
};
std::string_view route_name(Route r);  // "leader", "any broker"

struct ProducerConfig {
    std::string topic;
    double records_per_second = 10;  // target rate; 0 pauses the producer
    std::int32_t value_bytes = 100;
    KeyPattern key_pattern = KeyPattern::Sequence;
    std::int32_t random_key_count = 10;
    std::string fixed_key = "key";
    PartitionerKind partitioner = PartitionerKind::RoundRobin;
    PartitionerFactory custom_partitioner;  // used when partitioner == Custom
    std::string custom_partitioner_source;  // for display only (the editor's text)
    // 0, 1 or -1 ("all"); or N in 2..kMaxLabAcks, the lab's acks=N (N replicas have the
    // record), which brokers accept only from the lab's own producers.
    std::int16_t acks = -1;
    Route route = Route::Leader;
    protocol::Compression compression = protocol::Compression::None;
    std::int32_t linger_ms = 5;
    std::int32_t max_batch_bytes = 256 * 1024;
    std::int32_t max_in_flight_per_broker = 5;
    // Idempotence (KIP-98): a producer id from InitProducerId and sequence numbers per
    // partition, one batch in flight per partition, a retry sent as the same batch, so that a
    // leader answers it from its log instead of writing it twice. Needs acks=all (Kafka's
    // rule).
    bool idempotence = false;
    std::int32_t request_timeout_ms = 10'000;
    // Records waiting to be sent (not yet in a request) at most; beyond it the producer stops
    // generating until the brokers catch up, instead of growing memory.
    std::int32_t max_buffered_records = 200'000;
    // Stop generating after this many records in all (0: no limit). For exact tests and demos
    // ("send 1000 records"); the producer keeps running, idle, until it is removed.
    std::uint64_t max_records = 0;
    // Set by the lab when its brokers require SASL from clients (not a user setting).
    std::optional<net::SaslCredentials> sasl;
    // Set by the lab: the clock the client's thread runs on (nullptr: the standalone one).
    core::LabClock* clock = nullptr;
};

// Limits the lab enforces on a producer's settings (Cluster::add_producer / update_producer).
inline constexpr double kMaxRecordsPerSecond = 1'000'000;
inline constexpr std::int32_t kMaxValueBytes = 1024 * 1024;
// keys=random:N: at most this many distinct keys.
inline constexpr std::int32_t kMaxRandomKeys = 1'000'000;
// The largest acks=N: no partition has more replicas than the lab has brokers
// (Cluster::kMaxBrokers; cluster.cpp checks they agree).
inline constexpr std::int16_t kMaxLabAcks = 32;

// The first thing wrong with a config's values, in plain words (whether the topic exists is the
// lab's check, not this one); nullopt when it is fine.
std::optional<std::string> validate(const ProducerConfig& config);
// "all" for -1, "2 (lab)" for the lab's acks=N, else the number.
std::string acks_name(std::int16_t acks);
// "100 records/s to orders (round-robin, acks=all)": what a producer does, for events and lists.
std::string describe(const ProducerConfig& config);

enum class StartFrom { Earliest, Latest };
std::string_view start_from_name(StartFrom s);  // "earliest", "latest"

struct ConsumerConfig {
    std::string topic;
    StartFrom start_from = StartFrom::Earliest;  // where to start without a committed offset
    std::int32_t max_wait_ms = 500;
    std::int32_t partition_max_bytes = 1024 * 1024;
    std::int32_t request_timeout_ms = 10'000;
    // A consumer group (Kafka's classic protocol, lab/group_member.h): the consumer reads the
    // partitions the group assigns it and commits its offsets there. Empty: no group, every
    // partition of the topic, nothing committed.
    std::string group;
    std::string assignor = "range";  // "range" or "roundrobin" (Kafka's assignors)
    std::string commit = "auto";     // "auto": every auto_commit_interval_ms; "poll": after
                                     // each fetch that returned records
    // Kafka's settings of the same names, in lab milliseconds (Kafka's defaults: 45 s, 3 s,
    // 5 min, 5 s; the lab's are shorter so that rebalances can be watched).
    std::int32_t session_timeout_ms = 6'000;
    std::int32_t heartbeat_interval_ms = 1'000;
    std::int32_t rebalance_timeout_ms = 10'000;  // max.poll.interval.ms in Kafka's Java client
    std::int32_t auto_commit_interval_ms = 1'000;
    // Set by the lab when its brokers require SASL from clients (not a user setting).
    std::optional<net::SaslCredentials> sasl;
    // Set by the lab: the clock the client's thread runs on (nullptr: the standalone one).
    core::LabClock* clock = nullptr;
};

std::optional<std::string> validate(const ConsumerConfig& config);

}  // namespace kraftlab::lab
