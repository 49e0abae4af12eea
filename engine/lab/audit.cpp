#include "net/asio.h"

#include "lab/audit.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "net/kafka_client.h"
#include "net/lab_timer.h"
#include "protocol/errors.h"
#include "protocol/fetch.h"
#include "protocol/list_offsets.h"
#include "protocol/record_batch.h"
#include "protocol/records.h"

namespace kraftlab::lab {

namespace asio = net::asio;
using Clock = core::LabTime;
using protocol::ErrorCode;
using namespace std::chrono_literals;

std::uint64_t audit_hash(protocol::ByteView bytes) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (auto b : bytes) {
        h ^= b;
        h *= 0x100000001b3ULL;
    }
    return h;
}

// ---------------------------------------------------------------------------------------------
// AckLog

AckLog::AckLog(std::size_t max_records)
    : max_records_(max_records),
      chunks_(std::make_unique<std::unique_ptr<Entry[]>[]>(max_records / kChunk + 1)) {}

void AckLog::record(std::int32_t producer, const std::string& topic,
                    std::span<const AckedRecord> records) {
    std::lock_guard lock(mutex_);
    auto it = live_topic_.find(topic);
    if (it == live_topic_.end()) {
        it = live_topic_.emplace(topic, static_cast<std::uint32_t>(topics_.size())).first;
        topics_.push_back(topic);
        forgotten_.push_back(false);
    }
    for (const auto& r : records) {
        if (count_ >= max_records_) {
            ++dropped_;
            continue;
        }
        auto& chunk = chunks_[count_ / kChunk];
        if (!chunk) chunk = std::make_unique<Entry[]>(kChunk);
        Entry& e = chunk[count_ % kChunk];
        e.offset = r.offset;
        e.sequence = r.sequence;
        e.value_hash = audit_hash(r.value);
        e.has_key = r.key.has_value();
        e.key_hash = r.key ? audit_hash(*r.key) : 0;
        e.producer = producer;
        e.partition = r.partition;
        e.topic = it->second;
        const auto identity = parse_value_identity(r.value);
        e.identified =
            identity && identity->producer == producer && identity->sequence == r.sequence;
        ++count_;
    }
}

void AckLog::forget_topic(const std::string& topic) {
    std::lock_guard lock(mutex_);
    auto it = live_topic_.find(topic);
    if (it == live_topic_.end()) return;
    forgotten_[it->second] = true;
    live_topic_.erase(it);
}

AckLog::Prefix AckLog::prefix() const {
    std::lock_guard lock(mutex_);
    return {count_, topics_, forgotten_, dropped_};
}

const AckLog::Entry& AckLog::at(std::size_t i) const {
    return chunks_[i / kChunk][i % kChunk];
}

// ---------------------------------------------------------------------------------------------
// The audit

namespace {

constexpr std::int16_t kFetchVersion = 10;
constexpr std::int16_t kListOffsetsVersion = 2;
constexpr std::int32_t kPartitionMaxBytes = 4 * 1024 * 1024;
constexpr std::size_t kExamples = 5;  // listed per kind of finding and topic

std::string label(const std::string& topic, std::int32_t partition) {
    return topic + "-" + std::to_string(partition);
}

std::string text_of(protocol::ByteView v) {
    std::string s(v.begin(), v.end());
    if (s.size() > 40) s = s.substr(0, 40) + "...";
    return s;
}

struct Finding {
    std::uint64_t count = 0;
    std::vector<std::string> examples;
    void add(const std::function<std::string()>& words) {
        if (count++ < kExamples) examples.push_back(words());
    }
    nlohmann::json json() const { return {{"count", count}, {"examples", examples}}; }
};

struct TopicAudit {
    std::string name;
    std::vector<std::uint32_t> entries;   // indices into the log
    std::vector<std::uint32_t> by_id;     // identified entries, by (producer, sequence)
    std::vector<std::uint32_t> by_place;  // entries with an offset, by (partition, offset)
    std::uint64_t audited = 0, acks0 = 0, read = 0, read_not_audited = 0, read_before = 0;
    std::uint64_t unverified = 0;
    Finding lost, moved, duplicated, out_of_order, changed;
    nlohmann::json unread = nlohmann::json::array();  // partitions that could not be read
    std::vector<bool> partition_read;
    // Each read partition's log start: acknowledged records before it were deleted on purpose
    // (DeleteRecords moved it; the lab has no retention), not lost.
    std::vector<std::int64_t> partition_start;
    std::uint64_t deleted = 0;
};

struct PartitionRead {
    bool ok = false;
    std::string error;
    std::int64_t log_start_offset = -1;
    std::int64_t high_watermark = -1;
};

// Reads partitions back through one client connection per leader, on a private io_context.
class ReadBack {
  public:
    ReadBack(asio::io_context& io, const AuditSource& source) : io_(io), source_(source) {}

    using OnRecord = std::function<void(const protocol::Record&)>;

    asio::awaitable<PartitionRead> read(const std::string& topic, std::int32_t partition,
                                        Clock::time_point deadline, const OnRecord& on_record) {
        PartitionRead out;
        std::int64_t position = -1;
        std::int64_t end = -1;  // the high watermark when the read began
        std::int32_t attempt = 0;
        std::string why;
        for (;;) {
            if (attempt++ > 0) {
                if (Clock::now() >= deadline) {
                    out.error = why;
                    co_return out;
                }
                net::LabTimer t(io_);
                t.expires_after(std::min<Clock::duration>(200ms * attempt, 1s));
                net::error_code ec;
                co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            }
            auto image = source_.metadata();
            const auto* info = image->partition(topic, partition);
            if (!info) {
                why = "the metadata does not know " + label(topic, partition);
                continue;
            }
            if (info->leader < 0 || !image->is_live(info->leader)) {
                why = label(topic, partition) + " has no live leader";
                continue;
            }
            const std::string leader = "broker " + std::to_string(info->leader);
            auto client = co_await client_for(info->leader, &why);
            if (!client) continue;
            if (position < 0) {
                protocol::ListOffsetsRequest lo;
                lo.replica_id = -1;
                auto& t = lo.topics.emplace_back();
                t.name = topic;
                t.partitions.push_back(
                    {partition, protocol::ListOffsetsRequest::kEarliestTimestamp});
                auto r = co_await client->call(lo, kListOffsetsVersion);
                if (!r) {
                    why = "ListOffsets on " + leader + " failed: " + r.error().message;
                    clients_.erase(info->leader);
                    continue;
                }
                ErrorCode code = ErrorCode::UNKNOWN_SERVER_ERROR;
                for (const auto& rt : r->topics) {
                    for (const auto& rp : rt.partitions) {
                        if (rt.name == topic && rp.partition_index == partition) {
                            code = static_cast<ErrorCode>(rp.error_code);
                            if (code == ErrorCode::NONE) position = rp.offset;
                        }
                    }
                }
                if (position < 0) {
                    why =
                        "ListOffsets on " + leader + ": " + std::string(protocol::error_name(code));
                    continue;
                }
                out.log_start_offset = position;
            }
            bool retry = false;
            while (end < 0 || position < end) {
                protocol::FetchRequest f;
                f.replica_id = -1;
                f.max_wait_ms = 0;
                f.min_bytes = 1;
                f.max_bytes = kPartitionMaxBytes;
                f.session_epoch = -1;
                auto& ft = f.topics.emplace_back();
                ft.topic = topic;
                protocol::FetchRequest::FetchPartition fp;
                fp.partition = partition;
                fp.fetch_offset = position;
                fp.partition_max_bytes = kPartitionMaxBytes;
                ft.partitions.push_back(fp);
                auto r = co_await client->call(f, kFetchVersion);
                if (!r) {
                    why = "fetch from " + leader + " failed: " + r.error().message;
                    clients_.erase(info->leader);
                    retry = true;
                    break;
                }
                const protocol::FetchResponse::PartitionData* pd = nullptr;
                for (const auto& rt : r->responses) {
                    for (const auto& p : rt.partitions) {
                        if (rt.topic == topic && p.partition_index == partition) pd = &p;
                    }
                }
                const auto code = pd ? static_cast<ErrorCode>(pd->error_code)
                                     : static_cast<ErrorCode>(r->error_code);
                if (!pd || code != ErrorCode::NONE) {
                    why = "fetch from " + leader + ": " +
                          std::string(
                              protocol::error_name(pd ? code : ErrorCode::UNKNOWN_SERVER_ERROR));
                    retry = true;
                    break;
                }
                // Read to the high watermark as of the first answer: everything acknowledged
                // before the audit started is below it. A new leader's may be lower.
                end = end < 0 ? pd->high_watermark : std::min(end, pd->high_watermark);
                out.high_watermark = end;
                const std::int64_t before = position;
                if (pd->records) position = take(*pd->records, position, end, on_record);
                if (position == before && position < end) {
                    why = leader + " returned nothing at offset " + std::to_string(position) +
                          " below the high watermark " + std::to_string(end);
                    retry = true;
                    break;
                }
            }
            if (retry) continue;
            out.ok = true;
            co_return out;
        }
    }

    void close() {
        for (auto& [id, c] : clients_)
            c->close("the audit is done");
        clients_.clear();
    }

  private:
    // Hands every record in [position, end) to on_record; returns the next position.
    static std::int64_t take(protocol::ByteView data, std::int64_t position, std::int64_t end,
                             const OnRecord& on_record) {
        protocol::BatchIterator it(data);
        std::vector<protocol::Record> decoded;
        while (it.next() && position < end) {
            const auto& h = it.header();
            if (h.next_offset() <= position) continue;
            if (!h.is_control()) {
                decoded.clear();
                if (protocol::decode_records(it.batch(), decoded) == protocol::BatchError::None) {
                    for (const auto& r : decoded) {
                        if (r.offset >= position && r.offset < end) on_record(r);
                    }
                }
            }
            position = h.next_offset();
        }
        return position;
    }

    asio::awaitable<std::shared_ptr<net::KafkaClient>> client_for(std::int32_t broker,
                                                                  std::string* why) {
        if (auto it = clients_.find(broker); it != clients_.end() && it->second->is_open())
            co_return it->second;
        auto address = source_.brokers.find(broker);
        if (address == source_.brokers.end()) {
            *why = "the lab has no broker " + std::to_string(broker);
            co_return nullptr;
        }
        net::KafkaClientConfig config;
        config.client_id = "kraftlab-audit";
        config.connect_timeout_ms = 2'000;
        config.sasl = source_.sasl;
        auto client = net::KafkaClient::create(io_.get_executor(), config);
        auto status = co_await client->connect(address->second.first, address->second.second);
        if (!status) {
            *why = "cannot connect to broker " + std::to_string(broker) + ": " +
                   status.error().message;
            co_return nullptr;
        }
        clients_[broker] = client;
        co_return client;
    }

    asio::io_context& io_;
    const AuditSource& source_;
    std::map<std::int32_t, std::shared_ptr<net::KafkaClient>> clients_;
};

std::string record_name(const AckLog::Entry& e) {
    return "producer " + std::to_string(e.producer) + "'s record #" + std::to_string(e.sequence);
}

std::string where_acked(const AckLog::Entry& e, const std::string& topic) {
    return e.offset < 0 ? "sent with acks=0 to " + label(topic, e.partition)
                        : "acknowledged at " + label(topic, e.partition) + " offset " +
                              std::to_string(e.offset);
}

}  // namespace

AuditResult run_audit(const AckLog& log, const AckLog::Prefix& prefix, const AuditSource& source) {
    // Which entries belong to which topic, and the two ways to find them again.
    std::vector<TopicAudit> topics(prefix.topics.size());
    for (std::size_t t = 0; t < topics.size(); ++t)
        topics[t].name = prefix.topics[t];
    for (std::size_t i = 0; i < prefix.count; ++i) {
        const auto& e = log.at(i);
        if (prefix.forgotten[e.topic]) continue;
        auto& t = topics[e.topic];
        t.entries.push_back(static_cast<std::uint32_t>(i));
        ++t.audited;
        if (e.offset < 0) ++t.acks0;
        if (e.identified) t.by_id.push_back(static_cast<std::uint32_t>(i));
        if (e.offset >= 0) t.by_place.push_back(static_cast<std::uint32_t>(i));
    }
    auto id_key = [&](std::uint32_t i) {
        const auto& e = log.at(i);
        return std::make_pair(e.producer, e.sequence);
    };
    auto place_key = [&](std::uint32_t i) {
        const auto& e = log.at(i);
        return std::make_pair(e.partition, e.offset);
    };
    for (auto& t : topics) {
        std::sort(t.by_id.begin(), t.by_id.end(),
                  [&](auto a, auto b) { return id_key(a) < id_key(b); });
        std::sort(t.by_place.begin(), t.by_place.end(),
                  [&](auto a, auto b) { return place_key(a) < place_key(b); });
    }
    std::vector<std::uint8_t> times_read(prefix.count, 0);

    asio::io_context io(1);
    ReadBack reader(io, source);
    const auto deadline = Clock::now() + std::chrono::milliseconds(source.timeout_ms);
    auto image = source.metadata();

    auto audit_topic = [&](TopicAudit& t) -> asio::awaitable<void> {
        auto info = image->topic(t.name);
        std::int32_t partitions = info ? static_cast<std::int32_t>(info->partitions.size()) : 0;
        for (auto i : t.entries)
            partitions = std::max(partitions, log.at(i).partition + 1);
        t.partition_read.assign(static_cast<std::size_t>(partitions), false);
        t.partition_start.assign(static_cast<std::size_t>(partitions), 0);
        for (std::int32_t p = 0; p < partitions; ++p) {
            // For one key of one producer in this partition: the highest sequence read so far,
            // and where.
            struct Last {
                std::uint64_t sequence;
                std::int64_t offset;
            };
            std::map<std::tuple<std::int32_t, std::uint64_t>, Last> last_of_key;
            auto on_record = [&](const protocol::Record& r) {
                ++t.read;
                if (r.timestamp_ms < source.not_before_ms) {
                    ++t.read_before;
                    return;
                }
                const protocol::ByteView value =
                    r.value ? protocol::ByteView(*r.value) : protocol::ByteView();
                std::optional<std::uint32_t> match;
                if (auto id = parse_value_identity(value)) {
                    auto it = std::lower_bound(
                        t.by_id.begin(), t.by_id.end(), std::make_pair(id->producer, id->sequence),
                        [&](std::uint32_t i, const auto& k) { return id_key(i) < k; });
                    if (it != t.by_id.end() &&
                        id_key(*it) == std::make_pair(id->producer, id->sequence)) {
                        match = *it;
                    }
                } else {
                    // Too short to say who wrote it: the acknowledged record at this place, if
                    // its value is this one.
                    auto it = std::lower_bound(
                        t.by_place.begin(), t.by_place.end(), std::make_pair(p, r.offset),
                        [&](std::uint32_t i, const auto& k) { return place_key(i) < k; });
                    if (it != t.by_place.end() && place_key(*it) == std::make_pair(p, r.offset) &&
                        !log.at(*it).identified && log.at(*it).value_hash == audit_hash(value)) {
                        match = *it;
                    }
                }
                if (!match) {
                    ++t.read_not_audited;  // acknowledged after the audit began, or not ours
                    return;
                }
                const auto& e = log.at(*match);
                auto& seen = times_read[*match];
                if (seen > 0) {
                    t.duplicated.add([&] {
                        return record_name(e) + " (" + where_acked(e, t.name) +
                               ") was read again at " + label(t.name, p) + " offset " +
                               std::to_string(r.offset);
                    });
                    if (seen < 255) ++seen;
                    return;
                }
                seen = 1;
                if (e.offset >= 0 && (e.partition != p || e.offset != r.offset)) {
                    t.moved.add([&] {
                        return record_name(e) + " was " + where_acked(e, t.name) + " but is at " +
                               label(t.name, p) + " offset " + std::to_string(r.offset);
                    });
                }
                if (e.value_hash != audit_hash(value)) {
                    t.changed.add([&] {
                        return record_name(e) + " at " + label(t.name, p) + " offset " +
                               std::to_string(r.offset) +
                               " does not hold the value that was acknowledged";
                    });
                }
                if (!e.has_key) return;
                auto [it, first] =
                    last_of_key.try_emplace({e.producer, e.key_hash}, Last{e.sequence, r.offset});
                if (first) return;
                if (e.sequence < it->second.sequence) {
                    t.out_of_order.add([&] {
                        return "key " + (r.key ? text_of(*r.key) : std::string("?")) + " in " +
                               label(t.name, p) + ": producer " + std::to_string(e.producer) +
                               "'s record #" + std::to_string(e.sequence) + " at offset " +
                               std::to_string(r.offset) + " comes after its record #" +
                               std::to_string(it->second.sequence) + " at offset " +
                               std::to_string(it->second.offset);
                    });
                } else {
                    it->second = {e.sequence, r.offset};
                }
            };
            auto result = co_await reader.read(t.name, p, deadline, on_record);
            if (result.ok) {
                t.partition_read[static_cast<std::size_t>(p)] = true;
                t.partition_start[static_cast<std::size_t>(p)] = result.log_start_offset;
            } else {
                t.unread.push_back({{"partition", p}, {"error", result.error}});
            }
        }
    };
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            for (auto& t : topics) {
                if (!t.entries.empty()) co_await audit_topic(t);
            }
            reader.close();
        },
        asio::detached);
    io.run();

    // What was acknowledged and never read back.
    AuditResult result;
    nlohmann::json per_topic = nlohmann::json::array();
    std::uint64_t audited = 0, read = 0, lost = 0, moved = 0, duplicated = 0, out_of_order = 0,
                  changed = 0, unverified = 0, deleted = 0;
    for (auto& t : topics) {
        if (t.entries.empty()) continue;
        for (auto i : t.entries) {
            if (times_read[i] > 0) continue;
            const auto& e = log.at(i);
            const auto p = static_cast<std::size_t>(e.partition);
            if (p >= t.partition_read.size() || !t.partition_read[p] ||
                (e.offset < 0 && !e.identified)) {
                ++t.unverified;
                continue;
            }
            if (e.offset >= 0 && e.offset < t.partition_start[p]) {
                ++t.deleted;
                continue;
            }
            t.lost.add([&] { return record_name(e) + " " + where_acked(e, t.name) + " is gone"; });
        }
        audited += t.audited;
        read += t.read;
        lost += t.lost.count;
        moved += t.moved.count;
        duplicated += t.duplicated.count;
        out_of_order += t.out_of_order.count;
        changed += t.changed.count;
        unverified += t.unverified;
        deleted += t.deleted;
        if (t.lost.count > 0) {
            result.lost_per_topic.emplace_back(t.name, t.lost.count);
            result.lost_explain[t.name] = "audit: " + std::to_string(t.lost.count) + " of " +
                                          std::to_string(t.audited) + " acknowledged records of " +
                                          t.name + " are gone (first: " + t.lost.examples.front() +
                                          ")";
        }
        per_topic.push_back({{"topic", t.name},
                             {"audited", t.audited},
                             {"acks0", t.acks0},
                             {"read", t.read},
                             {"read_not_audited", t.read_not_audited},
                             {"read_before_session", t.read_before},
                             {"lost", t.lost.json()},
                             {"moved", t.moved.json()},
                             {"duplicated", t.duplicated.json()},
                             {"out_of_order", t.out_of_order.json()},
                             {"changed", t.changed.json()},
                             {"unverified", t.unverified},
                             {"deleted", t.deleted},
                             {"unread_partitions", t.unread}});
    }

    std::string verdict;
    const std::size_t topic_count = per_topic.size();
    if (audited == 0) {
        verdict = "audit: no acknowledged records to check yet (start a producer first)";
    } else {
        auto n = [](std::uint64_t v, const char* what) {
            return (v == 0 ? std::string("none") : std::to_string(v)) + " " + what;
        };
        verdict = "audit of " + std::to_string(audited) + " acknowledged records on " +
                  std::to_string(topic_count) + " topic(s), " + std::to_string(read) +
                  " records read back: ";
        if (lost + moved + duplicated + out_of_order + changed == 0) {
            verdict += "nothing lost, moved, duplicated or out of order";
        } else {
            verdict += n(lost, "lost") + ", " + n(moved, "at another offset") + ", " +
                       n(duplicated, "duplicated") + ", " + n(out_of_order, "out of order");
            if (changed > 0) verdict += ", " + std::to_string(changed) + " with another value";
        }
        if (deleted > 0) {
            verdict += "; " + std::to_string(deleted) +
                       " deleted on purpose (DeleteRecords moved their partition's log start past "
                       "them)";
        }
        if (unverified > 0) {
            verdict += "; " + std::to_string(unverified) +
                       " unverified (a partition could not be read, or an acks=0 value too short "
                       "to identify)";
        }
    }
    if (source.duplicates_prevented > 0) {
        // Counted per batch: a leader answers a retried batch from its log as a whole.
        verdict += source.duplicates_prevented == 1
                       ? std::string(
                             "; duplicates prevented: 1 retried batch of an idempotent "
                             "producer the leader answered from its log instead of "
                             "writing it twice")
                       : "; duplicates prevented: " + std::to_string(source.duplicates_prevented) +
                             " retried batches of idempotent producers the leaders answered from "
                             "their logs instead of writing them twice";
    }
    if (prefix.dropped > 0) {
        verdict += "; partial: only the first " + std::to_string(log.max_records()) +
                   " acknowledged records are kept, " + std::to_string(prefix.dropped) +
                   " more were not";
    }
    result.verdict = verdict;
    result.report = {{"verdict", verdict},
                     {"audited", audited},
                     {"read", read},
                     {"lost", lost},
                     {"moved", moved},
                     {"duplicated", duplicated},
                     {"duplicates_prevented", source.duplicates_prevented},
                     {"out_of_order", out_of_order},
                     {"changed", changed},
                     {"unverified", unverified},
                     {"deleted", deleted},
                     {"partial", prefix.dropped > 0},
                     {"not_kept", prefix.dropped},
                     {"topics", std::move(per_topic)}};
    return result;
}

}  // namespace kraftlab::lab
