// The audit of acknowledged writes: did the cluster keep what it acknowledged?
//
// AckLog records every record a built-in producer saw acknowledged (ProducerHooks::on_acked):
// topic, partition, offset, producer id, the producer's sequence number, a hash of the key and
// a 64-bit hash of the value. run_audit() then reads every partition of every audited topic
// back from its current leader, with a real Kafka client (ListOffsets earliest, then Fetch up to
// the high watermark), and compares: an acknowledged record not read back is lost; one read at
// another offset moved; one read twice is duplicated; for one key in one partition, a later
// sequence read before an earlier one is out of order.
//
// Records are recognised by the identity the producer writes at the front of each value
// ("<seq>-p<producer>-", lab/producer.h). A value too short to hold it is recognised by its
// position and value hash instead, which acks=0 records (they have no offset) cannot be: those
// count as unverified. So do records of partitions that could not be read.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "lab/producer.h"
#include "metadata/image.h"

namespace kraftlab::lab {

// 64-bit FNV-1a: the audit's hash of keys and values (stable across runs, cheap per byte).
std::uint64_t audit_hash(protocol::ByteView bytes);

// The acknowledged records, in the order the acknowledgements arrived. Memory is bounded by
// max_records (48 bytes each); records beyond it are counted, not kept, and the audit says it
// is partial.
//
// Threads: record() is called from producer threads, everything else from any thread. Entries
// are stored in fixed chunks that never move, so an audit reads the prefix it was given
// without holding the lock while producers go on appending.
class AckLog {
  public:
    struct Entry {
        std::int64_t offset = -1;  // -1: acks=0, the broker did not say where
        std::uint64_t sequence = 0;
        std::uint64_t value_hash = 0;
        std::uint64_t key_hash = 0;
        std::int32_t producer = 0;
        std::int32_t partition = 0;
        std::uint32_t topic = 0;  // index into Prefix::topics
        bool has_key = false;
        bool identified = false;  // the value carries its identity in full
    };
    // What an audit reads: the first `count` entries as of one moment.
    struct Prefix {
        std::size_t count = 0;
        std::vector<std::string> topics;  // by Entry::topic
        std::vector<bool> forgotten;      // the topic was deleted since
        std::uint64_t dropped = 0;        // acknowledged beyond max_records, not kept
    };

    explicit AckLog(std::size_t max_records = 10'000'000);
    AckLog(const AckLog&) = delete;
    AckLog& operator=(const AckLog&) = delete;

    void record(std::int32_t producer, const std::string& topic,
                std::span<const AckedRecord> records);
    // The topic was deleted: its records are no longer audited (a new topic of the same name
    // starts afresh).
    void forget_topic(const std::string& topic);
    Prefix prefix() const;
    // Valid for i < a prefix's count, without locking.
    const Entry& at(std::size_t i) const;
    std::size_t max_records() const { return max_records_; }

  private:
    static constexpr std::size_t kChunk = 1 << 16;
    std::size_t max_records_;
    mutable std::mutex mutex_;
    std::unique_ptr<std::unique_ptr<Entry[]>[]> chunks_;  // max_records / kChunk + 1, fixed
    std::size_t count_ = 0;
    std::uint64_t dropped_ = 0;
    std::vector<std::string> topics_;
    std::vector<bool> forgotten_;
    std::map<std::string, std::uint32_t> live_topic_;  // name -> current index
};

// Where the audit reads: the freshest metadata (leaders) and the brokers' addresses.
struct AuditSource {
    std::function<std::shared_ptr<const metadata::MetadataImage>()> metadata;
    std::map<std::int32_t, std::pair<std::string, std::uint16_t>> brokers;  // id -> host, port
    // Records with an older timestamp were written before this lab session (a session directory
    // used again) and are not compared.
    std::int64_t not_before_ms = 0;
    // How long a partition that cannot be read (no leader, leader down) is retried, in all.
    std::int32_t timeout_ms = 20'000;
    // The client user when the brokers require SASL from clients.
    std::optional<net::SaslCredentials> sasl;
    // Idempotent producers' retries the leaders answered from their logs instead of writing
    // them twice, over the running brokers since each started (their snapshots); reported as
    // "duplicates prevented".
    std::uint64_t duplicates_prevented = 0;
};

struct AuditResult {
    std::string verdict;  // plain words, one line
    nlohmann::json report;
    // Per topic with losses: how many, and one line about them (for RecordsLost events).
    std::vector<std::pair<std::string, std::uint64_t>> lost_per_topic;
    std::map<std::string, std::string> lost_explain;
};

// Reads back and compares (see the top of this file). Blocks the calling thread; runs its own
// io_context on it.
AuditResult run_audit(const AckLog& log, const AckLog::Prefix& prefix, const AuditSource& source);

}  // namespace kraftlab::lab
