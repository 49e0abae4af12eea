// The simulation's controller (see sim_controller.h): the shipped decisions on a real image.
#include "sim_controller.h"

#include "metadata/replication_control.h"
#include "protocol/alter_partition.h"
#include "sim.h"

namespace kraftlab::replication::sim {

namespace {

// The partition as the brokers of the sim see it: the controller's image of it.
void take(PartitionState& to, const metadata::PartitionInfo& info) {
    to.leader = info.leader;
    to.leader_epoch = info.leader_epoch;
    to.partition_epoch = info.partition_epoch;
    to.replicas = info.replicas;
    to.isr = info.isr;
    to.leader_recovery_state = info.leader_recovery_state;
}

using protocol::ErrorCode;

constexpr const char* kTopic = "sim";

protocol::Uuid incarnation_id(std::uint64_t incarnation) {
    return protocol::Uuid{0x51AB, incarnation};
}

std::string ids_text(const std::vector<std::int32_t>& ids) {
    std::string s = "{";
    for (std::size_t i = 0; i < ids.size(); ++i)
        s += (i ? "," : "") + std::to_string(ids[i]);
    return s + "}";
}

metadata::RegisterBrokerRecord registration(int broker, std::uint64_t incarnation,
                                            std::int64_t epoch, bool fenced) {
    metadata::RegisterBrokerRecord r;
    r.broker_id = broker;
    r.incarnation_id = incarnation_id(incarnation);
    r.broker_epoch = epoch;
    r.endpoints.push_back({"PLAINTEXT", "sim", static_cast<std::uint16_t>(9000 + broker), 0});
    r.fenced = fenced;
    return r;
}

}  // namespace

SimController::SimController(int brokers, std::int64_t session_timeout_ms,
                             bool unclean_leader_election, Stats& stats,
                             std::function<void(const std::string&)> event)
    : stats_(stats),
      event_(std::move(event)),
      image_(metadata::MetadataImage::empty()),
      sessions_(session_timeout_ms),
      topic_id_{0x70, 0x1C} {
    std::vector<metadata::MetadataRecord> records;
    for (int b = 1; b <= brokers; ++b)
        records.emplace_back(registration(b, 1, b, /*fenced=*/false));
    records.emplace_back(metadata::TopicRecord{kTopic, topic_id_});
    if (unclean_leader_election) {
        records.emplace_back(metadata::ConfigRecord{metadata::ConfigResourceType::Topic, kTopic,
                                                    "unclean.leader.election.enable", "true"});
    }
    metadata::PartitionRecord p;
    p.partition_id = 0;
    p.topic_id = topic_id_;
    for (int b = 1; b <= brokers; ++b)
        p.replicas.push_back(b);
    p.isr = p.replicas;
    p.leader = 1;
    p.leader_epoch = 1;
    p.partition_epoch = 1;
    records.emplace_back(std::move(p));
    image_ = metadata::replay(image_, records, 0);
    for (int b = 1; b <= brokers; ++b)
        sessions_.on_registration_record(b, b - 1);
    sessions_.start(*image_, 0);
    const metadata::PartitionInfo& info = *image_->partition(kTopic, 0);
    take(partition_, info);
}

std::uint64_t SimController::incarnation(int broker) const {
    const metadata::BrokerInfo* b = image_->broker(broker);
    return b ? b->incarnation_id.low : 0;
}

bool SimController::fenced(int broker) const {
    return !image_->is_live(broker);
}

std::int64_t SimController::epoch_of(int broker, std::uint64_t incarnation) const {
    const metadata::BrokerInfo* b = image_->broker(broker);
    return b && b->incarnation_id == incarnation_id(incarnation) ? b->epoch : -1;
}

void SimController::commit(const std::vector<metadata::MetadataRecord>& records,
                           const std::string& why) {
    if (records.empty()) return;
    const std::int64_t first = image_->offset() + 1;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (const auto* r = std::get_if<metadata::RegisterBrokerRecord>(&records[i]))
            sessions_.on_registration_record(r->broker_id, first + static_cast<std::int64_t>(i));
    }
    image_ = metadata::replay(image_, records, first);
    ++changes_;
    const metadata::PartitionInfo& info = *image_->partition(kTopic, 0);
    if (info.partition_epoch == partition_.partition_epoch) return;  // brokers only
    const bool new_leader = info.leader != partition_.leader;
    if (new_leader && info.leader != metadata::kNoLeader) {
        ++stats_.elections;
        if (info.leader_recovery_state == metadata::kLeaderRecovering) {
            ++stats_.unclean_elections;
            event_("controller: UNCLEAN election of broker " + std::to_string(info.leader) +
                   ": no live ISR member");
        }
    }
    take(partition_, info);
    event_("controller: " + why + " -> leader " + std::to_string(info.leader) + ", leader epoch " +
           std::to_string(info.leader_epoch) + ", partition epoch " +
           std::to_string(info.partition_epoch) + ", ISR " + ids_text(info.isr) +
           (info.leader_recovery_state ? " (recovering)" : ""));
}

bool SimController::heartbeat(int broker, std::uint64_t incarnation, std::int64_t metadata_offset,
                              std::int64_t now_ms) {
    // A heartbeat of an earlier life is from a connection that is gone.
    if (incarnation < this->incarnation(broker)) return false;
    if (incarnation != this->incarnation(broker)) {
        using Kind = metadata::BrokerSessions::Registration::Kind;
        const auto check =
            sessions_.check_registration(*image_, broker, incarnation_id(incarnation), now_ms);
        if (check.kind == Kind::Duplicate) return false;
        if (check.fence_first) {
            event_("controller: broker " + std::to_string(broker) +
                   " fenced (its session expired; a new incarnation registers)");
            commit(metadata::fence_broker(*image_, broker), "fence");
        }
        auto records =
            metadata::register_broker(*image_, broker, incarnation_id(incarnation), "sim",
                                      static_cast<std::uint16_t>(9000 + broker), std::nullopt);
        sessions_.registered(broker, now_ms);
        commit(records, "broker " + std::to_string(broker) + " registered");
        event_("controller: broker " + std::to_string(broker) + " registered again (incarnation " +
               std::to_string(incarnation) + ")");
    }
    metadata::BrokerSessions::Heartbeat hb;
    hb.broker_id = broker;
    hb.broker_epoch = epoch_of(broker, incarnation);
    hb.current_metadata_offset = metadata_offset;
    const auto verdict = sessions_.heartbeat(*image_, hb, now_ms);
    if (verdict.error != ErrorCode::NONE) return false;
    if (verdict.action == metadata::BrokerSessions::Action::Unfence)
        event_("controller: broker " + std::to_string(broker) + " unfenced");
    commit(metadata::heartbeat_records(*image_, broker, verdict.action), verdict.reason);
    return true;
}

void SimController::tick(std::int64_t now_ms) {
    for (const auto& e : sessions_.expired(*image_, now_ms)) {
        event_("controller: broker " + std::to_string(e.broker_id) + " fenced (" + e.reason + ")");
        commit(metadata::fence_broker(*image_, e.broker_id), "fence");
    }
    if (now_ms >= next_preferred_check_ms_) {
        next_preferred_check_ms_ = now_ms + 1000;
        commit(metadata::elect_preferred_leaders(*image_), "the preferred leader is back");
    }
}

ErrorCode SimController::alter_partition(int broker, std::uint64_t incarnation,
                                         const IsrChange& change) {
    protocol::AlterPartitionRequest req;
    req.broker_id = broker;
    req.broker_epoch = epoch_of(broker, incarnation);
    auto& t = req.topics.emplace_back();
    t.topic_name = kTopic;
    t.topic_id = topic_id_;
    auto& p = t.partitions.emplace_back();
    p.partition_index = 0;
    p.leader_epoch = change.leader_epoch;
    p.partition_epoch = change.partition_epoch;
    p.leader_recovery_state = change.leader_recovery_state;
    for (std::int32_t id : change.new_isr) {
        const metadata::BrokerInfo* b = image_->broker(id);
        p.new_isr.push_back(id);
        p.new_isr_with_epochs.push_back({id, b ? b->epoch : -1});
    }
    auto result = metadata::alter_partition(*image_, req, 3);
    ErrorCode error = static_cast<ErrorCode>(result.response.error_code);
    for (const auto& rt : result.response.topics)
        for (const auto& rp : rt.partitions)
            if (error == ErrorCode::NONE) error = static_cast<ErrorCode>(rp.error_code);
    if (error == ErrorCode::FENCED_LEADER_EPOCH || error == ErrorCode::STALE_BROKER_EPOCH)
        ++stats_.fenced_refusals;
    if (error != ErrorCode::NONE) {
        event_("controller: AlterPartition from broker " + std::to_string(broker) +
               " refused: " + std::string(protocol::error_name(error)));
        return error;
    }
    if (!result.records.empty()) {
        if (!change.removed.empty()) ++stats_.isr_shrinks;
        if (!change.added.empty()) ++stats_.isr_expands;
    }
    commit(result.records,
           "AlterPartition from broker " + std::to_string(broker) + ": " + change.reason);
    return error;
}

}  // namespace kraftlab::replication::sim
