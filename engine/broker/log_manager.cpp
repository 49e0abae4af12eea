#include "broker/log_manager.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "metadata/topic_config.h"

namespace kraftlab::broker {

namespace fs = std::filesystem;
using core::EventKind;
using core::NodeRef;

namespace {

constexpr std::string_view kPartitionMetadataFile = "partition.metadata";

// "<topic>-<partition>": the partition number follows the last '-'.
bool parse_dir_name(const std::string& name, std::string& topic, std::int32_t& partition) {
    auto dash = name.rfind('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == name.size()) return false;
    auto digits = std::string_view(name).substr(dash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), partition);
    if (ec != std::errc() || end != digits.data() + digits.size() || partition < 0) return false;
    topic = name.substr(0, dash);
    return !metadata::validate_topic_name(topic).has_value();
}

std::optional<protocol::Uuid> read_topic_id(const fs::path& dir) {
    std::ifstream in(dir / kPartitionMetadataFile);
    std::string line;
    while (std::getline(in, line)) {
        constexpr std::string_view key = "topic_id: ";
        if (line.rfind(key, 0) == 0) return protocol::Uuid::from_base64(line.substr(key.size()));
    }
    return std::nullopt;
}

void write_topic_id(const fs::path& dir, const protocol::Uuid& id) {
    std::ofstream out(dir / kPartitionMetadataFile, std::ios::trunc);
    out << "version: 0\ntopic_id: " << id.to_base64() << "\n";
}

}  // namespace

LogManager::LogManager(fs::path data_dir, storage::LogConfig defaults, std::int32_t broker_id,
                       core::EventBus& events)
    : data_dir_(std::move(data_dir)), defaults_(defaults), broker_id_(broker_id), events_(events) {}

fs::path LogManager::dir_for(std::string_view topic, std::int32_t partition) const {
    return data_dir_ / (std::string(topic) + "-" + std::to_string(partition));
}

HostedPartition* LogManager::find(std::string_view topic, std::int32_t partition) {
    auto t = partitions_.find(topic);
    if (t == partitions_.end()) return nullptr;
    auto p = t->second.find(partition);
    return p == t->second.end() ? nullptr : p->second.get();
}

HostedPartition* LogManager::open_partition(const std::string& topic, std::int32_t partition,
                                            const protocol::Uuid& topic_id, bool creating) {
    fs::path dir = dir_for(topic, partition);
    auto opened = storage::PartitionLog::open(dir, defaults_);
    const std::string label = topic + "-" + std::to_string(partition);
    if (!opened.log) {
        events_.publish(EventKind::NodeFailed, NodeRef::broker(broker_id_),
                        "broker " + std::to_string(broker_id_) + " could not open the log of " +
                            label + ": " + opened.error,
                        {}, topic, partition);
        return nullptr;
    }
    const auto& report = opened.recovery;
    if (!creating) {
        nlohmann::json data = {{"log_start_offset", report.log_start_offset},
                               {"log_end_offset", report.log_end_offset},
                               {"segments", report.segments},
                               {"truncated_bytes", report.truncated_bytes},
                               {"truncated_batches", report.truncated_batches},
                               {"indexes_rebuilt", report.indexes_rebuilt}};
        std::string explain = "broker " + std::to_string(broker_id_) + " recovered the log of " +
                              label + ": offsets " + std::to_string(report.log_start_offset) +
                              ".." + std::to_string(report.log_end_offset) + " in " +
                              std::to_string(report.segments) + " segment(s)";
        explain += report.clean() ? ", nothing to repair" : "; " + report.reason;
        events_.publish(EventKind::LogRecovered, NodeRef::broker(broker_id_), std::move(explain),
                        std::move(data), topic, partition);
    }
    if (!topic_id.is_zero()) write_topic_id(dir, topic_id);
    auto hosted = std::make_unique<HostedPartition>();
    hosted->topic = topic;
    hosted->partition = partition;
    hosted->topic_id = topic_id;
    hosted->log = std::move(opened.log);
    HostedPartition* raw = hosted.get();
    partitions_[topic][partition] = std::move(hosted);
    return raw;
}

void LogManager::load_existing() {
    std::error_code ec;
    fs::create_directories(data_dir_, ec);
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::directory_iterator(data_dir_, ec)) {
        if (entry.is_directory()) dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const auto& dir : dirs) {
        std::string topic;
        std::int32_t partition = 0;
        if (!parse_dir_name(dir.filename().string(), topic, partition)) continue;
        protocol::Uuid id = read_topic_id(dir).value_or(protocol::Uuid{});
        open_partition(topic, partition, id, /*creating=*/false);
    }
}

void LogManager::remove_partition(const std::string& topic, std::int32_t partition,
                                  const std::string& why) {
    auto t = partitions_.find(topic);
    if (t == partitions_.end()) return;
    auto p = t->second.find(partition);
    if (p == t->second.end()) return;
    p->second->log->close();
    p->second->log.reset();
    storage::PartitionLog::remove(dir_for(topic, partition));
    t->second.erase(p);
    if (t->second.empty()) partitions_.erase(t);
    (void)why;
}

void LogManager::reconcile(const metadata::MetadataImage& image) {
    // Drop what the image no longer assigns here.
    std::vector<std::tuple<std::string, std::int32_t, std::string>> drop;
    for (auto& [topic, parts] : partitions_) {
        auto info = image.topic(topic);
        for (auto& [index, hosted] : parts) {
            if (!info) {
                drop.emplace_back(topic, index, "the topic was deleted");
            } else if (!hosted->topic_id.is_zero() && hosted->topic_id != info->id) {
                drop.emplace_back(topic, index, "the topic was re-created with a new id");
            } else if (index >= static_cast<std::int32_t>(info->partitions.size()) ||
                       !info->partitions[static_cast<std::size_t>(index)].has_replica(broker_id_)) {
                drop.emplace_back(topic, index, "the partition is no longer assigned here");
            }
        }
    }
    for (const auto& [topic, index, why] : drop)
        remove_partition(topic, index, why);

    // Open or create what the image assigns here.
    for (const auto& [name, info] : image.topics()) {
        for (const auto& p : info->partitions) {
            if (!p.has_replica(broker_id_)) continue;
            HostedPartition* hosted = find(name, p.partition);
            if (hosted) {
                if (hosted->topic_id.is_zero()) {
                    hosted->topic_id = info->id;
                    write_topic_id(hosted->log->directory(), info->id);
                }
                continue;
            }
            open_partition(name, p.partition, info->id, /*creating=*/true);
        }
    }

    // The topics' segment.bytes, for logs just opened (with the broker's default, before the
    // image was known: a restart) and after IncrementalAlterConfigs changed it.
    for (auto& [topic, parts] : partitions_) {
        const auto config = metadata::EffectiveTopicConfig::of(image, topic);
        for (auto& [index, hosted] : parts) {
            if (hosted->log) {
                hosted->log->set_segment_bytes(
                    static_cast<std::uint64_t>(std::max<std::int64_t>(config.segment_bytes, 0)));
            }
        }
    }
}

void LogManager::close_all(bool flush) {
    for_each([&](HostedPartition& p) {
        if (!p.log) return;
        if (flush) p.log->close();
        p.log.reset();  // without flush: descriptors closed, the OS keeps what was written
    });
    partitions_.clear();
}

}  // namespace kraftlab::broker
