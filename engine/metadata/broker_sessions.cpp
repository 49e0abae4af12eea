// The active controller's broker sessions (see broker_sessions.h for the rules).
#include "metadata/broker_sessions.h"

#include <cstdio>

#include "metadata/replication_control.h"

namespace kraftlab::metadata {

namespace {

std::string seconds(std::int64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
    return buf;
}

}  // namespace

BrokerSessions::BrokerSessions(std::int64_t session_timeout_ms)
    : session_timeout_ms_(session_timeout_ms) {}

void BrokerSessions::start(const MetadataImage& image, std::int64_t now_ms) {
    last_heartbeat_ms_.clear();
    for (const auto& [id, b] : image.brokers())
        last_heartbeat_ms_[id] = now_ms;
}

void BrokerSessions::on_registration_record(std::int32_t broker_id, std::int64_t offset) {
    registration_offsets_[broker_id] = offset;
}

bool BrokerSessions::alive(std::int32_t broker_id, std::int64_t now_ms) const {
    auto it = last_heartbeat_ms_.find(broker_id);
    return it != last_heartbeat_ms_.end() && now_ms - it->second <= session_timeout_ms_;
}

BrokerSessions::Registration BrokerSessions::check_registration(const MetadataImage& image,
                                                                std::int32_t broker_id,
                                                                const Uuid& incarnation_id,
                                                                std::int64_t now_ms) const {
    Registration r;
    const BrokerInfo* existing = image.broker(broker_id);
    if (!existing) return r;
    if (existing->incarnation_id == incarnation_id) {
        r.kind = Registration::Kind::Retry;
        r.broker_epoch = existing->epoch;
    } else if (!existing->fenced) {
        if (alive(broker_id, now_ms))
            r.kind = Registration::Kind::Duplicate;
        else
            r.fence_first = true;
    }
    return r;
}

void BrokerSessions::registered(std::int32_t broker_id, std::int64_t now_ms) {
    last_heartbeat_ms_[broker_id] = now_ms;
}

BrokerSessions::HeartbeatVerdict BrokerSessions::heartbeat(const MetadataImage& image,
                                                           const Heartbeat& hb,
                                                           std::int64_t now_ms) {
    HeartbeatVerdict v;
    const BrokerInfo* b = image.broker(hb.broker_id);
    if (!b) {
        v.error = protocol::ErrorCode::BROKER_ID_NOT_REGISTERED;
        return v;
    }
    if (b->epoch != hb.broker_epoch) {
        v.error = protocol::ErrorCode::STALE_BROKER_EPOCH;
        return v;
    }
    last_heartbeat_ms_[hb.broker_id] = now_ms;
    auto reg = registration_offsets_.find(hb.broker_id);
    v.caught_up = reg != registration_offsets_.end() && hb.current_metadata_offset >= reg->second;
    v.fenced = b->fenced;
    const std::string who = "broker " + std::to_string(hb.broker_id);
    if (hb.want_shut_down || hb.want_fence) {
        if (!b->fenced) {
            v.action = Action::Fence;
            v.reason = hb.want_shut_down ? who + " is shutting down"
                                         : who + " asked to be fenced: a log directory failed";
        }
    } else if (b->fenced && v.caught_up) {
        v.action = Action::Unfence;
        v.reason = who + " has caught up with the metadata log";
    }
    return v;
}

std::vector<BrokerSessions::Expiry> BrokerSessions::expired(const MetadataImage& image,
                                                            std::int64_t now_ms) {
    std::vector<Expiry> out;
    for (const auto& [id, b] : image.brokers()) {
        if (b.fenced) continue;
        auto [it, fresh] = last_heartbeat_ms_.try_emplace(id, now_ms);
        if (fresh) continue;
        const std::int64_t silent = now_ms - it->second;
        if (silent <= session_timeout_ms_) continue;
        out.push_back({id, silent,
                       "no heartbeat for " + seconds(silent) + " > broker.session.timeout.ms " +
                           seconds(session_timeout_ms_)});
    }
    return out;
}

std::int64_t BrokerSessions::silent_ms(std::int32_t broker_id, std::int64_t now_ms) const {
    auto it = last_heartbeat_ms_.find(broker_id);
    return it == last_heartbeat_ms_.end() ? 0 : now_ms - it->second;
}

std::vector<MetadataRecord> heartbeat_records(const MetadataImage& image, std::int32_t broker_id,
                                              BrokerSessions::Action action) {
    switch (action) {
        case BrokerSessions::Action::None:
            return {};
        case BrokerSessions::Action::Fence:
            return fence_broker(image, broker_id);
        case BrokerSessions::Action::Unfence: {
            // The broker leads again what it can lead; it rejoins other ISRs only through their
            // leaders' AlterPartition, once its replicas have caught up.
            auto records = unfence_broker(image, broker_id);
            // (replay copies the image: a non-owning pointer to it is enough.)
            auto next =
                replay(std::shared_ptr<const MetadataImage>(std::shared_ptr<void>(), &image),
                       records, image.offset() + 1);
            auto preferred = elect_preferred_leaders(*next);
            records.insert(records.end(), preferred.begin(), preferred.end());
            return records;
        }
    }
    return {};
}

}  // namespace kraftlab::metadata
