#include "metadata/image.h"

#include <algorithm>

namespace kraftlab::metadata {

bool PartitionInfo::has_replica(std::int32_t broker) const {
    return std::find(replicas.begin(), replicas.end(), broker) != replicas.end();
}

bool PartitionInfo::in_isr(std::int32_t broker) const {
    return std::find(isr.begin(), isr.end(), broker) != isr.end();
}

std::shared_ptr<const MetadataImage> MetadataImage::empty() {
    static const auto image = std::make_shared<const MetadataImage>();
    return image;
}

const BrokerInfo* MetadataImage::broker(std::int32_t id) const {
    auto it = brokers_.find(id);
    return it == brokers_.end() ? nullptr : &it->second;
}

bool MetadataImage::is_live(std::int32_t broker_id) const {
    const BrokerInfo* b = broker(broker_id);
    return b && !b->fenced;
}

MetadataImage::TopicPtr MetadataImage::topic(std::string_view name) const {
    auto it = topics_by_name_.find(name);
    return it == topics_by_name_.end() ? nullptr : it->second;
}

MetadataImage::TopicPtr MetadataImage::topic_by_id(const Uuid& id) const {
    auto it = topics_by_id_.find(id);
    return it == topics_by_id_.end() ? nullptr : it->second;
}

const PartitionInfo* MetadataImage::partition(std::string_view topic_name,
                                              std::int32_t partition) const {
    auto t = topic(topic_name);
    if (!t || partition < 0 || partition >= static_cast<std::int32_t>(t->partitions.size())) {
        return nullptr;
    }
    return &t->partitions[static_cast<std::size_t>(partition)];
}

const MetadataImage::Configs& MetadataImage::topic_configs(std::string_view topic_name) const {
    static const Configs none;
    auto it = topic_configs_.find(topic_name);
    return it == topic_configs_.end() ? none : it->second;
}

std::optional<std::string> MetadataImage::topic_config(std::string_view topic_name,
                                                       std::string_view key) const {
    const auto& configs = topic_configs(topic_name);
    auto it = configs.find(std::string(key));
    if (it == configs.end()) return std::nullopt;
    return it->second;
}

// ---------------------------------------------------------------------------------------------

MetadataDelta::MetadataDelta(std::shared_ptr<const MetadataImage> base)
    : next_(std::make_shared<MetadataImage>(base ? *base : *MetadataImage::empty())) {}

TopicInfo* MetadataDelta::mutable_topic(const Uuid& id) {
    auto touched = touched_.find(id);
    if (touched != touched_.end()) return touched->second.get();
    auto it = next_->topics_by_id_.find(id);
    if (it == next_->topics_by_id_.end()) return nullptr;
    auto copy = std::make_shared<TopicInfo>(*it->second);
    TopicInfo* raw = copy.get();
    touched_[id] = std::move(copy);
    return raw;
}

bool MetadataDelta::apply(const MetadataRecord& record, std::int64_t offset, std::string* error) {
    auto reject = [&](std::string why) {
        if (error) *error = std::move(why);
        next_->offset_ = std::max(next_->offset_, offset);
        return false;
    };
    MetadataImage& img = *next_;

    bool applied = std::visit(
        [&](const auto& r) -> bool {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, RegisterBrokerRecord>) {
                BrokerInfo b;
                b.id = r.broker_id;
                b.epoch = r.broker_epoch;
                b.incarnation_id = r.incarnation_id;
                if (!r.endpoints.empty()) {
                    b.host = r.endpoints[0].host;
                    b.port = r.endpoints[0].port;
                }
                b.rack = r.rack;
                b.fenced = r.fenced;
                b.in_controlled_shutdown = r.in_controlled_shutdown;
                img.brokers_[b.id] = std::move(b);
                changes_.brokers_changed.insert(r.broker_id);
                return true;
            } else if constexpr (std::is_same_v<T, UnregisterBrokerRecord>) {
                if (!img.brokers_.erase(r.broker_id)) {
                    return reject("broker " + std::to_string(r.broker_id) + " is not registered");
                }
                changes_.brokers_changed.insert(r.broker_id);
                return true;
            } else if constexpr (std::is_same_v<T, FenceBrokerRecord> ||
                                 std::is_same_v<T, UnfenceBrokerRecord>) {
                auto it = img.brokers_.find(r.id);
                if (it == img.brokers_.end()) {
                    return reject("broker " + std::to_string(r.id) + " is not registered");
                }
                it->second.fenced = std::is_same_v<T, FenceBrokerRecord>;
                if (!it->second.fenced) it->second.in_controlled_shutdown = false;
                changes_.brokers_changed.insert(r.id);
                return true;
            } else if constexpr (std::is_same_v<T, TopicRecord>) {
                if (img.topics_by_name_.count(r.name) || img.topics_by_id_.count(r.topic_id)) {
                    return reject("topic " + r.name + " already exists");
                }
                auto t = std::make_shared<TopicInfo>();
                t->name = r.name;
                t->id = r.topic_id;
                img.topics_by_name_[r.name] = t;
                img.topics_by_id_[r.topic_id] = t;
                touched_[r.topic_id] = t;
                changes_.topics_created.insert(r.topic_id);
                return true;
            } else if constexpr (std::is_same_v<T, PartitionRecord>) {
                TopicInfo* t = mutable_topic(r.topic_id);
                if (!t) return reject("partition record for an unknown topic");
                if (r.partition_id < 0 || r.partition_id > 1'000'000) {
                    return reject("partition id out of range");
                }
                auto index = static_cast<std::size_t>(r.partition_id);
                if (t->partitions.size() <= index) t->partitions.resize(index + 1);
                PartitionInfo& p = t->partitions[index];
                p.partition = r.partition_id;
                p.replicas = r.replicas;
                p.isr = r.isr;
                p.removing_replicas = r.removing_replicas;
                p.adding_replicas = r.adding_replicas;
                p.leader = r.leader;
                p.leader_epoch = r.leader_epoch;
                p.partition_epoch = r.partition_epoch;
                p.leader_recovery_state = r.leader_recovery_state;
                changes_.partitions_changed.insert({r.topic_id, r.partition_id});
                return true;
            } else if constexpr (std::is_same_v<T, PartitionChangeRecord>) {
                TopicInfo* t = mutable_topic(r.topic_id);
                if (!t) return reject("partition change for an unknown topic");
                if (r.partition_id < 0 ||
                    r.partition_id >= static_cast<std::int32_t>(t->partitions.size())) {
                    return reject("partition change for an unknown partition");
                }
                PartitionInfo& p = t->partitions[static_cast<std::size_t>(r.partition_id)];
                // As in Kafka's PartitionRegistration.merge: a leader change bumps the leader
                // epoch; any change bumps the partition epoch.
                if (r.leader != kLeaderUnchanged && r.leader != p.leader) {
                    p.leader = r.leader;
                    p.leader_epoch += 1;
                }
                if (r.isr) p.isr = *r.isr;
                if (r.replicas) p.replicas = *r.replicas;
                if (r.removing_replicas) p.removing_replicas = *r.removing_replicas;
                if (r.adding_replicas) p.adding_replicas = *r.adding_replicas;
                if (r.leader_recovery_state) p.leader_recovery_state = *r.leader_recovery_state;
                p.partition_epoch += 1;
                changes_.partitions_changed.insert({r.topic_id, r.partition_id});
                return true;
            } else if constexpr (std::is_same_v<T, ConfigRecord>) {
                if (r.resource_type != ConfigResourceType::Topic) return true;  // not kept yet
                if (r.value) {
                    img.topic_configs_[r.resource_name][r.name] = *r.value;
                } else {
                    auto it = img.topic_configs_.find(r.resource_name);
                    if (it != img.topic_configs_.end()) it->second.erase(r.name);
                }
                changes_.topic_configs_changed.insert(r.resource_name);
                return true;
            } else if constexpr (std::is_same_v<T, RemoveTopicRecord>) {
                auto it = img.topics_by_id_.find(r.topic_id);
                if (it == img.topics_by_id_.end()) return reject("removal of an unknown topic");
                std::string name = it->second->name;
                img.topics_by_name_.erase(name);
                img.topics_by_id_.erase(it);
                img.topic_configs_.erase(name);
                touched_.erase(r.topic_id);
                if (!changes_.topics_created.erase(r.topic_id)) {
                    changes_.topics_deleted[r.topic_id] = name;
                }
                std::erase_if(changes_.partitions_changed,
                              [&](const auto& tp) { return tp.first == r.topic_id; });
                return true;
            } else if constexpr (std::is_same_v<T, ProducerIdsRecord>) {
                // Ids only move forward (Kafka's ProducerIdControlManager refuses a record that
                // would hand out a block again).
                if (r.next_producer_id <= img.next_producer_id_) {
                    return reject("producer ids below " + std::to_string(img.next_producer_id_) +
                                  " were already given out");
                }
                img.next_producer_id_ = r.next_producer_id;
                return true;
            } else {
                return true;  // NoOp
            }
        },
        record);
    next_->offset_ = std::max(next_->offset_, offset);
    return applied;
}

std::shared_ptr<const MetadataImage> MetadataDelta::build() {
    for (auto& [id, topic] : touched_) {
        next_->topics_by_id_[id] = topic;
        next_->topics_by_name_[topic->name] = topic;
    }
    touched_.clear();
    return std::move(next_);
}

std::shared_ptr<const MetadataImage> replay(std::shared_ptr<const MetadataImage> base,
                                            const std::vector<MetadataRecord>& records,
                                            std::int64_t first_offset) {
    MetadataDelta delta(std::move(base));
    std::int64_t offset = first_offset;
    for (const auto& r : records)
        delta.apply(r, offset++);
    return delta.build();
}

}  // namespace kraftlab::metadata
