#include "core/snapshots.h"

#include <atomic>

#include "core/events.h"

namespace kraftlab::core {

std::uint64_t next_snapshot_seq() {
    static std::atomic<std::uint64_t> seq{1};
    return seq.fetch_add(1, std::memory_order_seq_cst);
}

namespace {

template <typename T>
void push_bounded(std::vector<std::shared_ptr<const T>>& history, std::shared_ptr<const T> s) {
    if (history.size() >= SnapshotBoard::kHistory) history.erase(history.begin());
    history.push_back(std::move(s));
}

}  // namespace

void SnapshotBoard::publish(std::shared_ptr<const BrokerSnapshot> snapshot) {
    std::lock_guard lock(mutex_);
    auto& history = brokers_[snapshot->id];
    push_bounded(history, std::move(snapshot));
}

void SnapshotBoard::mark_down(std::int32_t broker_id) {
    std::lock_guard lock(mutex_);
    auto it = brokers_.find(broker_id);
    if (it == brokers_.end() || it->second.empty()) return;
    // Its state as last read (same sequence stamps), marked down.
    auto copy = std::make_shared<BrokerSnapshot>(*it->second.back());
    copy->up = false;
    copy->connections = 0;
    copy->time_ms = now_unix_ms();
    push_bounded(it->second, std::shared_ptr<const BrokerSnapshot>(std::move(copy)));
}

std::shared_ptr<const BrokerSnapshot> SnapshotBoard::broker(std::int32_t id) const {
    std::lock_guard lock(mutex_);
    auto it = brokers_.find(id);
    return it == brokers_.end() || it->second.empty() ? nullptr : it->second.back();
}

std::vector<std::shared_ptr<const BrokerSnapshot>> SnapshotBoard::brokers() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<const BrokerSnapshot>> out;
    for (const auto& [id, history] : brokers_) {
        if (!history.empty()) out.push_back(history.back());
    }
    return out;
}

std::map<std::int32_t, SnapshotBoard::BrokerHistory> SnapshotBoard::broker_history() const {
    std::lock_guard lock(mutex_);
    return brokers_;
}

void SnapshotBoard::publish(std::shared_ptr<const ProducerSnapshot> snapshot) {
    std::lock_guard lock(mutex_);
    producers_[snapshot->id] = std::move(snapshot);
}

void SnapshotBoard::publish(std::shared_ptr<const ConsumerSnapshot> snapshot) {
    std::lock_guard lock(mutex_);
    auto& history = consumers_[snapshot->id];
    push_bounded(history, std::move(snapshot));
}

void SnapshotBoard::remove_producer(std::int32_t id) {
    std::lock_guard lock(mutex_);
    producers_.erase(id);
}

void SnapshotBoard::remove_consumer(std::int32_t id) {
    std::lock_guard lock(mutex_);
    consumers_.erase(id);
}

std::vector<std::shared_ptr<const ProducerSnapshot>> SnapshotBoard::producers() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<const ProducerSnapshot>> out;
    for (const auto& [id, s] : producers_)
        out.push_back(s);
    return out;
}

std::vector<std::shared_ptr<const ConsumerSnapshot>> SnapshotBoard::consumers() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<const ConsumerSnapshot>> out;
    for (const auto& [id, history] : consumers_) {
        if (!history.empty()) out.push_back(history.back());
    }
    return out;
}

std::map<std::int32_t, SnapshotBoard::ConsumerHistory> SnapshotBoard::consumer_history() const {
    std::lock_guard lock(mutex_);
    return consumers_;
}

void SnapshotBoard::publish(std::shared_ptr<const ControllerSnapshot> snapshot) {
    std::lock_guard lock(mutex_);
    controllers_[snapshot->id] = std::move(snapshot);
}

void SnapshotBoard::mark_controller_down(std::int32_t id) {
    std::lock_guard lock(mutex_);
    auto it = controllers_.find(id);
    if (it == controllers_.end()) return;
    auto copy = std::make_shared<ControllerSnapshot>(*it->second);
    copy->up = false;
    copy->active = false;
    copy->role = "down";
    copy->time_ms = now_unix_ms();
    it->second = std::move(copy);
}

std::shared_ptr<const ControllerSnapshot> SnapshotBoard::controller(std::int32_t id) const {
    std::lock_guard lock(mutex_);
    auto it = controllers_.find(id);
    return it == controllers_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const ControllerSnapshot>> SnapshotBoard::controllers() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<const ControllerSnapshot>> out;
    for (const auto& [id, s] : controllers_)
        out.push_back(s);
    return out;
}

}  // namespace kraftlab::core
