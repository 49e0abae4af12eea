// MetadataImage: the cluster's metadata at one offset of the metadata log, immutable once built.
//
// Every node (each broker and, later, each controller) replays the same records through a
// MetadataDelta and swaps in the new image. Images are shared between readers on one thread as
// std::shared_ptr<const MetadataImage>; unchanged topics are shared between successive images,
// so a delta costs what it touches.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "metadata/records.h"

namespace kraftlab::metadata {

struct BrokerInfo {
    std::int32_t id = 0;
    std::int64_t epoch = 0;
    Uuid incarnation_id;
    std::string host;
    std::uint16_t port = 0;
    std::optional<std::string> rack;
    bool fenced = true;
    bool in_controlled_shutdown = false;
    bool operator==(const BrokerInfo&) const = default;
};

struct PartitionInfo {
    std::int32_t partition = 0;
    std::vector<std::int32_t> replicas;  // preferred order: replicas[0] is the preferred leader
    std::vector<std::int32_t> isr;
    std::vector<std::int32_t> removing_replicas;
    std::vector<std::int32_t> adding_replicas;
    std::int32_t leader = kNoLeader;
    std::int32_t leader_epoch = 0;
    std::int32_t partition_epoch = 0;
    std::int8_t leader_recovery_state = 0;

    bool has_replica(std::int32_t broker) const;
    bool in_isr(std::int32_t broker) const;
    bool operator==(const PartitionInfo&) const = default;
};

struct TopicInfo {
    std::string name;
    Uuid id;
    std::vector<PartitionInfo> partitions;  // index == partition id
    bool operator==(const TopicInfo&) const = default;
};

class MetadataImage {
  public:
    using TopicPtr = std::shared_ptr<const TopicInfo>;
    using Configs = std::map<std::string, std::string>;

    static std::shared_ptr<const MetadataImage> empty();

    // Offset of the last record applied; -1 for the empty image.
    std::int64_t offset() const { return offset_; }

    const std::map<std::int32_t, BrokerInfo>& brokers() const { return brokers_; }
    const BrokerInfo* broker(std::int32_t id) const;
    bool is_live(std::int32_t broker_id) const;  // registered and not fenced

    const std::map<std::string, TopicPtr, std::less<>>& topics() const { return topics_by_name_; }
    TopicPtr topic(std::string_view name) const;
    TopicPtr topic_by_id(const Uuid& id) const;
    const PartitionInfo* partition(std::string_view topic, std::int32_t partition) const;

    // A topic's explicit configs (ConfigRecords); keys absent here take the cluster default.
    const Configs& topic_configs(std::string_view topic) const;
    std::optional<std::string> topic_config(std::string_view topic, std::string_view key) const;

    // The first producer id no ProducerIdsRecord has given out yet (0 before any).
    std::int64_t next_producer_id() const { return next_producer_id_; }

  private:
    friend class MetadataDelta;

    std::int64_t offset_ = -1;
    std::map<std::int32_t, BrokerInfo> brokers_;
    std::map<std::string, TopicPtr, std::less<>> topics_by_name_;
    std::map<Uuid, TopicPtr> topics_by_id_;
    std::map<std::string, Configs, std::less<>> topic_configs_;
    std::int64_t next_producer_id_ = 0;
};

// What one delta changed, so a broker knows which partitions to create, drop or re-read.
struct MetadataChanges {
    std::set<Uuid> topics_created;
    std::map<Uuid, std::string> topics_deleted;  // id -> name
    std::set<std::pair<Uuid, std::int32_t>> partitions_changed;
    std::set<std::int32_t> brokers_changed;
    std::set<std::string> topic_configs_changed;  // by topic name
    bool empty() const {
        return topics_created.empty() && topics_deleted.empty() && partitions_changed.empty() &&
               brokers_changed.empty() && topic_configs_changed.empty();
    }
};

// Accumulates records on top of a base image. Single-threaded; build() may be called once.
class MetadataDelta {
  public:
    explicit MetadataDelta(std::shared_ptr<const MetadataImage> base);

    // Applies one record at the given log offset. A record that does not fit the image (a
    // partition of an unknown topic, a change to an unregistered broker) is skipped: returns
    // false and says why in *error. Replay never stops on one bad record.
    bool apply(const MetadataRecord& record, std::int64_t offset, std::string* error = nullptr);

    const MetadataChanges& changes() const { return changes_; }
    std::shared_ptr<const MetadataImage> build();

  private:
    TopicInfo* mutable_topic(const Uuid& id);

    std::shared_ptr<MetadataImage> next_;
    std::map<Uuid, std::shared_ptr<TopicInfo>> touched_;
    MetadataChanges changes_;
};

// Replays a whole list of records onto an image (tests, and brokers catching up).
std::shared_ptr<const MetadataImage> replay(std::shared_ptr<const MetadataImage> base,
                                            const std::vector<MetadataRecord>& records,
                                            std::int64_t first_offset);

}  // namespace kraftlab::metadata
