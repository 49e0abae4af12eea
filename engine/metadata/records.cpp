#include "metadata/records.h"

#include <sstream>

namespace kraftlab::metadata {

std::string ids_text(const std::vector<std::int32_t>& ids) {
    std::string s = "[";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i) s += ",";
        s += std::to_string(ids[i]);
    }
    return s + "]";
}

using protocol::Reader;
using protocol::Writer;

namespace {

constexpr std::uint32_t kFrameVersion = 1;

void write_ids(Writer& w, const std::vector<std::int32_t>& ids) {
    w.compact_array_length(static_cast<std::int32_t>(ids.size()));
    for (auto id : ids)
        w.i32(id);
}

std::vector<std::int32_t> read_ids(Reader& r) {
    std::vector<std::int32_t> ids;
    std::int32_t n = r.compact_array_length(4);
    if (n < 0) {
        r.fail();  // these arrays are not nullable
        return ids;
    }
    ids.reserve(static_cast<std::size_t>(n));
    for (std::int32_t i = 0; i < n && r.ok(); ++i)
        ids.push_back(r.i32());
    return ids;
}

std::optional<std::vector<std::int32_t>> read_nullable_ids(Reader& r) {
    std::int32_t n = r.compact_array_length(4);
    if (n < 0) return std::nullopt;
    std::vector<std::int32_t> ids;
    ids.reserve(static_cast<std::size_t>(n));
    for (std::int32_t i = 0; i < n && r.ok(); ++i)
        ids.push_back(r.i32());
    return ids;
}

// A tagged field is written as tag, size, bytes: encode the value into a scratch buffer first.
template <typename Fn>
void write_tag(Writer& w, std::uint32_t tag, Fn&& body) {
    Bytes field;
    Writer fw(field);
    body(fw);
    w.uvarint(tag);
    w.uvarint(static_cast<std::uint32_t>(field.size()));
    w.raw(field);
}

std::string short_id(const Uuid& id) {
    return id.to_base64().substr(0, 8);
}

struct Encoder {
    Writer& w;

    void operator()(const RegisterBrokerRecord& r) {
        w.i32(r.broker_id);
        w.uuid(r.incarnation_id);
        w.i64(r.broker_epoch);
        w.compact_array_length(static_cast<std::int32_t>(r.endpoints.size()));
        for (const auto& e : r.endpoints) {
            w.compact_string(e.name);
            w.compact_string(e.host);
            w.u16(e.port);
            w.i16(e.security_protocol);
            w.empty_tagged_fields();
        }
        w.compact_array_length(0);  // features: none
        w.compact_nullable_string(r.rack);
        w.boolean(r.fenced);
        w.boolean(r.in_controlled_shutdown);
        w.empty_tagged_fields();
    }
    void operator()(const UnregisterBrokerRecord& r) {
        w.i32(r.broker_id);
        w.i64(r.broker_epoch);
        w.empty_tagged_fields();
    }
    void operator()(const TopicRecord& r) {
        w.compact_string(r.name);
        w.uuid(r.topic_id);
        w.empty_tagged_fields();
    }
    void operator()(const PartitionRecord& r) {
        w.i32(r.partition_id);
        w.uuid(r.topic_id);
        write_ids(w, r.replicas);
        write_ids(w, r.isr);
        write_ids(w, r.removing_replicas);
        write_ids(w, r.adding_replicas);
        w.i32(r.leader);
        w.i32(r.leader_epoch);
        w.i32(r.partition_epoch);
        if (r.leader_recovery_state != 0) {
            w.uvarint(1);
            write_tag(w, 0, [&](Writer& f) { f.i8(r.leader_recovery_state); });
        } else {
            w.empty_tagged_fields();
        }
    }
    void operator()(const ConfigRecord& r) {
        w.i8(static_cast<std::int8_t>(r.resource_type));
        w.compact_string(r.resource_name);
        w.compact_string(r.name);
        w.compact_nullable_string(r.value);
        w.empty_tagged_fields();
    }
    void operator()(const PartitionChangeRecord& r) {
        w.i32(r.partition_id);
        w.uuid(r.topic_id);
        std::uint32_t count = (r.isr ? 1 : 0) + (r.leader != kLeaderUnchanged ? 1 : 0) +
                              (r.replicas ? 1 : 0) + (r.removing_replicas ? 1 : 0) +
                              (r.adding_replicas ? 1 : 0) + (r.leader_recovery_state ? 1 : 0);
        w.uvarint(count);
        if (r.isr) write_tag(w, 0, [&](Writer& f) { write_ids(f, *r.isr); });
        if (r.leader != kLeaderUnchanged) write_tag(w, 1, [&](Writer& f) { f.i32(r.leader); });
        if (r.replicas) write_tag(w, 2, [&](Writer& f) { write_ids(f, *r.replicas); });
        if (r.removing_replicas) {
            write_tag(w, 3, [&](Writer& f) { write_ids(f, *r.removing_replicas); });
        }
        if (r.adding_replicas)
            write_tag(w, 4, [&](Writer& f) { write_ids(f, *r.adding_replicas); });
        if (r.leader_recovery_state) {
            write_tag(w, 5, [&](Writer& f) { f.i8(*r.leader_recovery_state); });
        }
    }
    void operator()(const FenceBrokerRecord& r) {
        w.i32(r.id);
        w.i64(r.epoch);
        w.empty_tagged_fields();
    }
    void operator()(const UnfenceBrokerRecord& r) {
        w.i32(r.id);
        w.i64(r.epoch);
        w.empty_tagged_fields();
    }
    void operator()(const RemoveTopicRecord& r) {
        w.uuid(r.topic_id);
        w.empty_tagged_fields();
    }
    void operator()(const NoOpRecord&) { w.empty_tagged_fields(); }
    void operator()(const ProducerIdsRecord& r) {
        w.i32(r.broker_id);
        w.i64(r.broker_epoch);
        w.i64(r.next_producer_id);
        w.empty_tagged_fields();
    }
};

std::int16_t record_version(const MetadataRecord& record) {
    return std::holds_alternative<RegisterBrokerRecord>(record) ? 1 : 0;
}

template <typename T>
std::optional<MetadataRecord> finish(Reader& r, T&& value) {
    if (!r.ok()) return std::nullopt;
    return MetadataRecord(std::forward<T>(value));
}

}  // namespace

std::int16_t record_api_key(const MetadataRecord& record) {
    static constexpr std::int16_t keys[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 20, 15};
    return keys[record.index()];
}

std::string_view record_name(const MetadataRecord& record) {
    static constexpr std::string_view names[] = {
        "RegisterBroker",  "UnregisterBroker", "Topic",         "Partition",   "Config",
        "PartitionChange", "FenceBroker",      "UnfenceBroker", "RemoveTopic", "NoOp",
        "ProducerIds"};
    return names[record.index()];
}

Bytes encode_record(const MetadataRecord& record) {
    Bytes out;
    out.reserve(64);
    Writer w(out);
    w.uvarint(kFrameVersion);
    w.uvarint(static_cast<std::uint32_t>(record_api_key(record)));
    w.uvarint(static_cast<std::uint32_t>(record_version(record)));
    std::visit(Encoder{w}, record);
    return out;
}

std::optional<MetadataRecord> decode_record(ByteView value) {
    Reader r(value);
    if (r.uvarint() != kFrameVersion || !r.ok()) return std::nullopt;
    std::uint32_t key = r.uvarint();
    std::uint32_t version = r.uvarint();
    if (!r.ok()) return std::nullopt;

    switch (key) {
        case 0: {
            if (version > 1) return std::nullopt;
            RegisterBrokerRecord rec;
            rec.broker_id = r.i32();
            rec.incarnation_id = r.uuid();
            rec.broker_epoch = r.i64();
            std::int32_t n = r.compact_array_length(6);
            for (std::int32_t i = 0; i < n && r.ok(); ++i) {
                BrokerEndpoint e;
                e.name = r.compact_string();
                e.host = r.compact_string();
                e.port = r.u16();
                e.security_protocol = r.i16();
                r.tagged_fields();
                rec.endpoints.push_back(std::move(e));
            }
            std::int32_t features = r.compact_array_length(6);
            for (std::int32_t i = 0; i < features && r.ok(); ++i) {
                r.compact_string();
                r.i16();
                r.i16();
                r.tagged_fields();
            }
            rec.rack = r.compact_nullable_string();
            rec.fenced = r.boolean();
            if (version >= 1) rec.in_controlled_shutdown = r.boolean();
            r.tagged_fields();
            return finish(r, std::move(rec));
        }
        case 1: {
            UnregisterBrokerRecord rec;
            rec.broker_id = r.i32();
            rec.broker_epoch = r.i64();
            r.tagged_fields();
            return finish(r, rec);
        }
        case 2: {
            TopicRecord rec;
            rec.name = r.compact_string();
            rec.topic_id = r.uuid();
            r.tagged_fields();
            return finish(r, std::move(rec));
        }
        case 3: {
            PartitionRecord rec;
            rec.partition_id = r.i32();
            rec.topic_id = r.uuid();
            rec.replicas = read_ids(r);
            rec.isr = read_ids(r);
            rec.removing_replicas = read_ids(r);
            rec.adding_replicas = read_ids(r);
            rec.leader = r.i32();
            rec.leader_epoch = r.i32();
            rec.partition_epoch = r.i32();
            r.tagged_fields([&](std::uint32_t tag, Reader& f) {
                if (tag != 0) return false;
                rec.leader_recovery_state = f.i8();
                return true;
            });
            return finish(r, std::move(rec));
        }
        case 4: {
            ConfigRecord rec;
            rec.resource_type = static_cast<ConfigResourceType>(r.i8());
            rec.resource_name = r.compact_string();
            rec.name = r.compact_string();
            rec.value = r.compact_nullable_string();
            r.tagged_fields();
            return finish(r, std::move(rec));
        }
        case 5: {
            PartitionChangeRecord rec;
            rec.partition_id = r.i32();
            rec.topic_id = r.uuid();
            r.tagged_fields([&](std::uint32_t tag, Reader& f) {
                switch (tag) {
                    case 0:
                        rec.isr = read_nullable_ids(f);
                        return true;
                    case 1:
                        rec.leader = f.i32();
                        return true;
                    case 2:
                        rec.replicas = read_nullable_ids(f);
                        return true;
                    case 3:
                        rec.removing_replicas = read_nullable_ids(f);
                        return true;
                    case 4:
                        rec.adding_replicas = read_nullable_ids(f);
                        return true;
                    case 5:
                        rec.leader_recovery_state = f.i8();
                        return true;
                    default:
                        return false;
                }
            });
            return finish(r, std::move(rec));
        }
        case 7: {
            FenceBrokerRecord rec;
            rec.id = r.i32();
            rec.epoch = r.i64();
            r.tagged_fields();
            return finish(r, rec);
        }
        case 8: {
            UnfenceBrokerRecord rec;
            rec.id = r.i32();
            rec.epoch = r.i64();
            r.tagged_fields();
            return finish(r, rec);
        }
        case 9: {
            RemoveTopicRecord rec;
            rec.topic_id = r.uuid();
            r.tagged_fields();
            return finish(r, rec);
        }
        case 15: {
            if (version > 0) return std::nullopt;
            ProducerIdsRecord rec;
            rec.broker_id = r.i32();
            rec.broker_epoch = r.i64();
            rec.next_producer_id = r.i64();
            r.tagged_fields();
            return finish(r, rec);
        }
        case 20: {
            r.tagged_fields();
            return finish(r, NoOpRecord{});
        }
        default:
            return std::nullopt;
    }
}

std::string describe(const MetadataRecord& record) {
    std::ostringstream s;
    s << record_name(record) << ' ';
    std::visit(
        [&](const auto& r) {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, RegisterBrokerRecord>) {
                s << "broker " << r.broker_id << " epoch " << r.broker_epoch;
                if (!r.endpoints.empty())
                    s << " at " << r.endpoints[0].host << ':' << r.endpoints[0].port;
                s << (r.fenced ? " (fenced)" : " (unfenced)");
            } else if constexpr (std::is_same_v<T, UnregisterBrokerRecord>) {
                s << "broker " << r.broker_id;
            } else if constexpr (std::is_same_v<T, TopicRecord>) {
                s << r.name << " id " << short_id(r.topic_id);
            } else if constexpr (std::is_same_v<T, PartitionRecord>) {
                s << short_id(r.topic_id) << '-' << r.partition_id << ": replicas "
                  << ids_text(r.replicas) << ", isr " << ids_text(r.isr) << ", leader " << r.leader
                  << " epoch " << r.leader_epoch;
            } else if constexpr (std::is_same_v<T, ConfigRecord>) {
                s << r.resource_name << ' ' << r.name << '=' << r.value.value_or("(default)");
            } else if constexpr (std::is_same_v<T, PartitionChangeRecord>) {
                s << short_id(r.topic_id) << '-' << r.partition_id << ':';
                if (r.leader != kLeaderUnchanged) s << " leader " << r.leader;
                if (r.isr) s << " isr " << ids_text(*r.isr);
                if (r.replicas) s << " replicas " << ids_text(*r.replicas);
            } else if constexpr (std::is_same_v<T, FenceBrokerRecord> ||
                                 std::is_same_v<T, UnfenceBrokerRecord>) {
                s << "broker " << r.id << " epoch " << r.epoch;
            } else if constexpr (std::is_same_v<T, RemoveTopicRecord>) {
                s << "id " << short_id(r.topic_id);
            } else if constexpr (std::is_same_v<T, ProducerIdsRecord>) {
                s << "broker " << r.broker_id << " epoch " << r.broker_epoch
                  << ", next producer id " << r.next_producer_id;
            }
        },
        record);
    std::string out = s.str();
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

}  // namespace kraftlab::metadata
