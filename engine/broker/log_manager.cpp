#include "broker/log_manager.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "metadata/topic_config.h"
#include "storage/file.h"

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

// The largest partition.metadata we read: the real one is 42 bytes.
constexpr std::uintmax_t kMaxPartitionMetadataBytes = 4096;

// What `<dir>/partition.metadata` says. The file is untrusted: anything but the two lines
// write_topic_id() writes is damage, reported naming the file, never guessed at.
struct TopicIdFile {
    std::optional<protocol::Uuid> id;  // nullopt: no file (a log from before topic ids)
    std::string damage;                // why the file cannot be used, naming it; empty if fine
};

TopicIdFile read_topic_id(const fs::path& dir) {
    const fs::path path = dir / kPartitionMetadataFile;
    TopicIdFile r;
    auto damaged = [&](const std::string& why) {
        r.damage =
            "its " + std::string(kPartitionMetadataFile) + " file " + path.string() + " " + why;
        return r;
    };
    const auto file = storage::read_small_file(path, kMaxPartitionMetadataBytes);
    if (!file.error.empty()) return damaged(file.error);
    if (!file.exists) return r;
    std::istringstream lines(file.text);
    std::string version, id_line, extra;
    std::getline(lines, version);
    std::getline(lines, id_line);
    if (version != "version: 0") return damaged("does not start with \"version: 0\"");
    constexpr std::string_view key = "topic_id: ";
    if (id_line.rfind(key, 0) != 0) return damaged("has no \"topic_id: \" line after the version");
    const auto id = protocol::Uuid::from_base64(std::string_view(id_line).substr(key.size()));
    if (!id || id->is_zero()) return damaged("holds no valid topic id");
    while (std::getline(lines, extra)) {
        if (!extra.empty()) return damaged("has more than a version and a topic id");
    }
    r.id = id;
    return r;
}

// Whole or not at all: a crash while writing leaves the old file or the new one, never a torn
// one (which the next start would refuse).
void write_topic_id(const fs::path& dir, const protocol::Uuid& id) {
    const fs::path path = dir / kPartitionMetadataFile;
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc | std::ios::binary);
        out << "version: 0\ntopic_id: " << id.to_base64() << "\n";
        if (!out.flush()) return;
    }
    storage::File f;
    if (f.open(tmp, storage::File::Mode::ReadWrite).ok()) (void)f.sync();
    f.close();
    std::error_code ec;
    fs::rename(tmp, path, ec);
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
    const std::string label = topic + "-" + std::to_string(partition);
    // The topic id on disk decides whose data the directory holds; a damaged record of it
    // leaves the directory as it is, unserved, until someone looks (a restart retries).
    const TopicIdFile on_disk = read_topic_id(dir);
    if (!on_disk.damage.empty()) {
        refused_.insert(label);
        events_.publish(EventKind::NodeFailed, NodeRef::broker(broker_id_),
                        "broker " + std::to_string(broker_id_) + " refuses to open the log of " +
                            label + ": " + on_disk.damage + "; its data is left as it is",
                        {}, topic, partition);
        return nullptr;
    }
    auto opened = storage::PartitionLog::open(dir, defaults_);
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
    if (!topic_id.is_zero() && on_disk.id != topic_id) write_topic_id(dir, topic_id);
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
        open_partition(topic, partition, read_topic_id(dir).id.value_or(protocol::Uuid{}),
                       /*creating=*/false);
    }
}

void LogManager::remove_partition(const std::string& topic, std::int32_t partition) {
    auto t = partitions_.find(topic);
    if (t == partitions_.end()) return;
    auto p = t->second.find(partition);
    if (p == t->second.end()) return;
    if (p->second->log) p->second->log->close();
    p->second->log.reset();
    storage::PartitionLog::remove(dir_for(topic, partition));
    t->second.erase(p);
    if (t->second.empty()) partitions_.erase(t);
}

void LogManager::set_aside_stray(const std::string& topic, std::int32_t partition,
                                 const std::string& why) {
    auto t = partitions_.find(topic);
    if (t == partitions_.end()) return;
    auto p = t->second.find(partition);
    if (p == t->second.end()) return;
    HostedPartition& hosted = *p->second;
    if (hosted.log) hosted.log->close();
    hosted.log.reset();
    const fs::path from = dir_for(topic, partition);
    // Kafka's name for it: "<topic>-<partition>.<unique id>-stray". A name that cannot parse as
    // a partition directory, so the next start leaves it alone too.
    const std::string id = hosted.topic_id.is_zero() ? "no-topic-id" : hosted.topic_id.to_base64();
    const std::string stem = from.filename().string() + "." + id;
    fs::path to = data_dir_ / (stem + "-stray");
    for (int n = 2; fs::exists(to); ++n)
        to = data_dir_ / (stem + "." + std::to_string(n) + "-stray");
    std::error_code ec;
    fs::rename(from, to, ec);
    const std::string label = topic + "-" + std::to_string(partition);
    std::string explain = "broker " + std::to_string(broker_id_) + " set aside its log of " +
                          label + " as a stray: " + why + "; no metadata record removed it, so " +
                          "its data is kept in " + to.filename().string();
    if (ec) {
        explain = "broker " + std::to_string(broker_id_) + " stopped serving its log of " + label +
                  " (" + why + ") and could not rename it aside: " + ec.message() +
                  "; the data is left where it is";
    }
    events_.publish(EventKind::LogRecovered, NodeRef::broker(broker_id_), std::move(explain),
                    {{"stray", to.filename().string()}, {"reason", why}}, topic, partition);
    t->second.erase(p);
    if (t->second.empty()) partitions_.erase(t);
}

void LogManager::reconcile(const metadata::MetadataImage& image, bool caught_up) {
    enum class Fate { Keep, Remove, Stray };
    std::vector<std::tuple<std::string, std::int32_t, Fate, std::string>> changes;
    for (auto& [topic, parts] : partitions_) {
        auto info = image.topic(topic);
        for (auto& [index, hosted] : parts) {
            const bool id_differs =
                info && !hosted->topic_id.is_zero() && hosted->topic_id != info->id;
            const bool assigned =
                info && !id_differs && index < static_cast<std::int32_t>(info->partitions.size()) &&
                info->partitions[static_cast<std::size_t>(index)].has_replica(broker_id_);
            if (assigned) {
                hosted->seen_assigned = true;
                continue;
            }
            if (hosted->seen_assigned) {
                // Images change only through records: one deleted the topic or moved the replica.
                changes.emplace_back(topic, index, Fate::Remove,
                                     !info        ? "the topic was deleted"
                                     : id_differs ? "the topic was deleted and re-created"
                                                  : "the partition was moved off this broker");
            } else if (id_differs) {
                changes.emplace_back(topic, index, Fate::Stray,
                                     "the topic " + topic + " now has another id");
            } else if (caught_up) {
                changes.emplace_back(topic, index, Fate::Stray,
                                     !info ? "the metadata has no topic " + topic
                                           : "the metadata does not assign it to this broker");
            }
        }
    }
    for (const auto& [topic, index, fate, why] : changes) {
        // A record-driven deletion is the controller's topic_deleted event already.
        if (fate == Fate::Stray) {
            set_aside_stray(topic, index, why);
        } else {
            remove_partition(topic, index);
        }
    }

    // Open or create what the image assigns here.
    for (const auto& [name, info] : image.topics()) {
        for (const auto& p : info->partitions) {
            if (!p.has_replica(broker_id_)) continue;
            HostedPartition* hosted = find(name, p.partition);
            if (!hosted && refused_.count(name + "-" + std::to_string(p.partition))) continue;
            if (hosted) {
                if (hosted->topic_id.is_zero()) {
                    hosted->topic_id = info->id;
                    write_topic_id(hosted->log->directory(), info->id);
                }
                hosted->seen_assigned = true;
                continue;
            }
            if (HostedPartition* created = open_partition(name, p.partition, info->id, true))
                created->seen_assigned = true;
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
