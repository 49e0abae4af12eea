// The broker's side of its group coordinator (broker/group_coordinator.h): the coordinator is
// made at start with access to the __consumer_offsets partitions this broker leads (append as
// leader, wait for the in-sync replicas, read for loading), is told after every metadata change
// which of them it leads, and the offsets topic is made the first time a client looks for a
// group's coordinator (as Kafka auto-creates it on the first FindCoordinator).
#include "broker/broker.h"
#include "group/coordinator_key.h"
#include "metadata/topic_config.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using protocol::ErrorCode;
using replication::Role;

void Broker::start_group_coordinator() {
    const std::string topic(group::kOffsetsTopic);
    GroupStorage storage;
    storage.append = [this, topic](std::int32_t partition, protocol::Bytes batch) {
        auto* p = logs_->find(topic, partition);
        if (!p || !p->log || !p->replica || p->replica->role() != Role::Leader)
            return std::pair{ErrorCode::NOT_LEADER_OR_FOLLOWER, std::int64_t{-1}};
        const auto size = batch.size();
        auto result = p->log->append_as_leader(batch, p->replica->leader_epoch());
        if (!result.ok()) return std::pair{result.error, std::int64_t{-1}};
        p->records_in_total +=
            static_cast<std::uint64_t>(result.last_offset - result.first_offset + 1);
        p->bytes_in_total += size;
        if (p->replica->on_leader_append(p->log->log_end_offset()))
            replica_manager_->notify_replicated();
        replica_manager_->notify_appended();
        return std::pair{ErrorCode::NONE, result.last_offset + 1};
    };
    storage.replicated = [this, topic](std::int32_t partition,
                                       std::int64_t end_offset) -> net::awaitable<ErrorCode> {
        co_return co_await replica_manager_->await_replicated(topic, partition, end_offset,
                                                              config_.offsets_commit_timeout_ms);
    };
    storage.read = [this, topic](std::int32_t partition, std::int64_t offset) {
        auto* p = logs_->find(topic, partition);
        if (!p || !p->log) {
            storage::ReadResult r;
            r.error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
            r.message = "the partition's log is not here";
            return r;
        }
        return p->log->read(offset, 1 << 20, p->log->log_end_offset());
    };
    storage.log_start = [this, topic](std::int32_t partition) -> std::int64_t {
        auto* p = logs_->find(topic, partition);
        return p && p->log ? p->log->log_start_offset() : 0;
    };
    storage.partition_exists = [this](const std::string& t, std::int32_t partition) {
        return image_->partition(t, partition) != nullptr;
    };
    groups_ = std::make_unique<GroupCoordinator>(*io_, config_.node_id, events_, std::move(storage),
                                                 config_.groups);
    groups_->start();
}

void Broker::update_group_coordinator() {
    if (!groups_) return;
    const std::string topic(group::kOffsetsTopic);
    auto t = image_->topic(topic);
    std::map<std::int32_t, std::int32_t> led;
    if (t) {
        logs_->for_each([&](HostedPartition& p) {
            if (p.topic != topic || !p.log || p.log->offline() || !p.replica) return;
            if (p.replica->role() == Role::Leader) led[p.partition] = p.replica->leader_epoch();
        });
    }
    groups_->set_partitions(t ? static_cast<std::int32_t>(t->partitions.size()) : 0, led);
}

void Broker::ensure_offsets_topic() {
    if (creating_offsets_topic_ || image_->topic(group::kOffsetsTopic)) return;
    creating_offsets_topic_ = true;
    asio::co_spawn(
        *io_,
        [this]() -> net::awaitable<void> {
            metadata::NewTopic t;
            t.name = std::string(group::kOffsetsTopic);
            t.num_partitions = config_.offsets_topic_partitions;
            // Kafka refuses to make it with fewer brokers than the factor; the lab makes it
            // with the brokers it has (a one-broker lab still has groups).
            std::int32_t brokers = 0;
            for (const auto& [id, b] : image_->brokers()) {
                if (!b.fenced) ++brokers;
            }
            t.replication_factor = static_cast<std::int16_t>(std::max(
                1, std::min<std::int32_t>(config_.offsets_topic_replication_factor, brokers)));
            std::vector<metadata::NewTopic> topics{t};
            auto results = co_await forwarder_->create_topics(std::move(topics), false);
            if (stopping_) co_return;
            creating_offsets_topic_ = false;
            for (const auto& r : results) {
                if (r.error == ErrorCode::NONE || r.error == ErrorCode::TOPIC_ALREADY_EXISTS) {
                    events_.publish(
                        core::EventKind::CoordinatorChanged, core::NodeRef::broker(config_.node_id),
                        "broker " + std::to_string(config_.node_id) + " made " + t.name + " (" +
                            std::to_string(t.num_partitions) + " partitions, replication factor " +
                            std::to_string(t.replication_factor) + ") for the first consumer group",
                        {{"partitions", t.num_partitions},
                         {"replication_factor", t.replication_factor}},
                        t.name);
                } else {
                    events_.publish(core::EventKind::CommandFailed,
                                    core::NodeRef::broker(config_.node_id),
                                    "broker " + std::to_string(config_.node_id) +
                                        " could not make " + t.name + ": " + r.message);
                }
            }
        },
        asio::detached);
}

}  // namespace kraftlab::broker
