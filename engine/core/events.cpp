#include "core/events.h"

#include "core/lab_clock.h"

#include <chrono>

namespace kraftlab::core {

std::string NodeRef::label() const {
    switch (kind) {
        case Kind::Lab:
            return "lab";
        case Kind::Broker:
            return "broker-" + std::to_string(id);
        case Kind::Controller:
            return "controller-" + std::to_string(id);
        case Kind::Producer:
            return "producer-" + std::to_string(id);
        case Kind::Consumer:
            return "consumer-" + std::to_string(id);
    }
    return "node";
}

std::string_view event_kind_name(EventKind kind) {
    switch (kind) {
        case EventKind::LabReady:
            return "lab_ready";
        case EventKind::LabStopped:
            return "lab_stopped";
        case EventKind::NodeStarted:
            return "node_started";
        case EventKind::NodeKilled:
            return "node_killed";
        case EventKind::NodeRestarted:
            return "node_restarted";
        case EventKind::NodeFailed:
            return "node_failed";
        case EventKind::BrokerRegistered:
            return "broker_registered";
        case EventKind::BrokerFenced:
            return "broker_fenced";
        case EventKind::BrokerUnfenced:
            return "broker_unfenced";
        case EventKind::TopicCreated:
            return "topic_created";
        case EventKind::TopicDeleted:
            return "topic_deleted";
        case EventKind::TopicConfigChanged:
            return "topic_config_changed";
        case EventKind::LeaderChanged:
            return "leader_changed";
        case EventKind::PartitionOffline:
            return "partition_offline";
        case EventKind::LogRecovered:
            return "log_recovered";
        case EventKind::Throughput:
            return "throughput";
        case EventKind::ClientRejected:
            return "client_rejected";
        case EventKind::CommandFailed:
            return "command_failed";
        case EventKind::ProducerStarted:
            return "producer_started";
        case EventKind::ProducerChanged:
            return "producer_changed";
        case EventKind::ProducerStopped:
            return "producer_stopped";
        case EventKind::ProducerError:
            return "producer_error";
        case EventKind::ConsumerStarted:
            return "consumer_started";
        case EventKind::ConsumerStopped:
            return "consumer_stopped";
        case EventKind::ConsumerError:
            return "consumer_error";
        case EventKind::ElectionStarted:
            return "election_started";
        case EventKind::VoteCast:
            return "vote_cast";
        case EventKind::VoteRefused:
            return "vote_refused";
        case EventKind::ControllerElected:
            return "controller_elected";
        case EventKind::ControllerResigned:
            return "controller_resigned";
        case EventKind::QuorumChanged:
            return "quorum_changed";
        case EventKind::MetadataTruncated:
            return "metadata_truncated";
        case EventKind::SettingsChanged:
            return "settings_changed";
        case EventKind::IsrShrunk:
            return "isr_shrunk";
        case EventKind::IsrExpanded:
            return "isr_expanded";
        case EventKind::ReplicaTruncated:
            return "replica_truncated";
        case EventKind::UncleanElection:
            return "unclean_election";
        case EventKind::RecordsLost:
            return "records_lost";
        case EventKind::RecordsDeleted:
            return "records_deleted";
        case EventKind::ReassignmentChanged:
            return "reassignment";
        case EventKind::AuditFinished:
            return "audit_finished";
        case EventKind::LabPaused:
            return "lab_paused";
        case EventKind::LabResumed:
            return "lab_resumed";
        case EventKind::LabSpeedChanged:
            return "lab_speed_changed";
        case EventKind::LabStepped:
            return "lab_stepped";
        case EventKind::NodeFrozen:
            return "node_frozen";
        case EventKind::NetworkChanged:
            return "network_changed";
        case EventKind::NodeThawed:
            return "node_thawed";
        case EventKind::GroupChanged:
            return "group_changed";
        case EventKind::CoordinatorChanged:
            return "coordinator_changed";
    }
    return "unknown";
}

std::optional<EventKind> event_kind_from_name(std::string_view name) {
    for (int i = 0; i < kEventKindCount; ++i) {
        const auto kind = static_cast<EventKind>(i);
        if (event_kind_name(kind) == name) return kind;
    }
    return std::nullopt;
}

nlohmann::json Event::to_json() const {
    nlohmann::json j = data.is_object() ? data : nlohmann::json::object();
    j["type"] = "event";
    j["kind"] = event_kind_name(kind);
    j["time_ms"] = time_ms;
    j["lab_ms"] = lab_ms;
    j["node"] = node.label();
    if (!topic.empty()) j["topic"] = topic;
    if (partition >= 0) j["partition"] = partition;
    j["explain"] = explain;
    return j;
}

std::int64_t now_unix_ms() {
    return LabClock::wall_ms();
}

void EventBus::publish(Event event) {
    if (event.lab_ms == 0) event.lab_ms = (clock_ ? *clock_ : LabClock::current()).now_ms();
    const EventKind kind = event.kind;
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= capacity_) {
            queue_.pop_front();
            ++dropped_;
        }
        queue_.push_back(std::move(event));
    }
    if (observer_) observer_(kind);
}

void EventBus::publish(EventKind kind, NodeRef node, std::string explain, nlohmann::json data,
                       std::string topic, std::int32_t partition) {
    Event e;
    e.time_ms = now_unix_ms();
    e.kind = kind;
    e.node = node;
    e.explain = std::move(explain);
    e.data = std::move(data);
    e.topic = std::move(topic);
    e.partition = partition;
    publish(std::move(e));
}

std::size_t EventBus::drain(std::vector<Event>& out, std::size_t max) {
    std::lock_guard lock(mutex_);
    std::size_t n = std::min(max, queue_.size());
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    return n;
}

std::uint64_t EventBus::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

}  // namespace kraftlab::core
