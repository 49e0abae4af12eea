// Snapshots: each node's state a few times a second (role, offsets, sizes, counters), for the UI,
// the CLI's status and throughput figures. Unlike events they are not a stream: the newest
// snapshot of a node replaces the previous one.
//
// Thread contract: nodes publish from their own threads; readers on any thread get an immutable
// shared_ptr they may keep as long as they like.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kraftlab::core {

struct PartitionSnapshot {
    std::string topic;
    std::int32_t partition = 0;
    bool is_leader = false;
    std::int32_t leader_epoch = 0;
    std::int64_t log_start_offset = 0;
    std::int64_t log_end_offset = 0;
    std::int64_t high_watermark = 0;
    std::uint64_t size_bytes = 0;
    std::int32_t segments = 0;
    std::uint64_t records_in_total = 0;  // appended as leader since the broker started
    std::uint64_t bytes_in_total = 0;
    std::uint64_t bytes_out_total = 0;  // fetched by consumers
};

struct BrokerSnapshot {
    std::int32_t id = 0;
    bool up = false;
    std::string host;
    std::uint16_t port = 0;
    std::int64_t time_ms = 0;
    std::int64_t metadata_offset = -1;
    std::int32_t connections = 0;
    std::uint64_t requests_total = 0;
    std::uint64_t produce_requests_total = 0;
    std::uint64_t fetch_requests_total = 0;
    std::uint64_t bytes_received_total = 0;  // request bytes off the wire
    std::uint64_t bytes_sent_total = 0;
    std::vector<PartitionSnapshot> partitions;
};

class SnapshotBoard {
  public:
    void publish(std::shared_ptr<const BrokerSnapshot> snapshot);
    // Marks a broker down, keeping its last known partitions for display.
    void mark_down(std::int32_t broker_id);
    std::shared_ptr<const BrokerSnapshot> broker(std::int32_t id) const;
    std::vector<std::shared_ptr<const BrokerSnapshot>> brokers() const;

  private:
    mutable std::mutex mutex_;
    std::map<std::int32_t, std::shared_ptr<const BrokerSnapshot>> brokers_;
};

}  // namespace kraftlab::core
