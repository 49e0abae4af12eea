#include "net/lab_network.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace kraftlab::net {

namespace {

using duration = core::LabClock::duration;

std::string percent(double value) {
    std::ostringstream out;
    out << value << "%";
    return out.str();
}

std::uint64_t hash_name(const std::string& text, std::uint64_t h) {
    for (unsigned char c : text)
        h = (h ^ c) * 0x100000001b3ULL;  // FNV-1a
    return h;
}

}  // namespace

bool LinkFaults::any() const {
    return cut || delay_ms > 0 || jitter_ms > 0 || loss_percent > 0 || duplicate_percent > 0 ||
           reorder_percent > 0 || bandwidth_bytes_per_s > 0;
}

std::string LinkFaults::describe() const {
    if (cut) return "cut";
    std::vector<std::string> parts;
    if (delay_ms > 0 || jitter_ms > 0) {
        std::string d = "delay " + std::to_string(delay_ms);
        if (jitter_ms > 0) {
            d += (distribution == Distribution::Normal ? "~" : "±") + std::to_string(jitter_ms);
        }
        parts.push_back(d + " ms");
    }
    if (loss_percent > 0) {
        parts.push_back(percent(loss_percent) + " loss" +
                        (loss_burst > 1 ? " (bursts of " + std::to_string(loss_burst) + ")" : ""));
    }
    if (duplicate_percent > 0) parts.push_back(percent(duplicate_percent) + " duplicated");
    if (reorder_percent > 0) parts.push_back(percent(reorder_percent) + " reordered");
    if (bandwidth_bytes_per_s > 0)
        parts.push_back(std::to_string(bandwidth_bytes_per_s) + " bytes/s");
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : ", ") + p;
    return out;
}

std::string_view outcome_name(RpcEvent::Outcome outcome) {
    switch (outcome) {
        case RpcEvent::Outcome::Delivered:
            return "delivered";
        case RpcEvent::Outcome::Sent:
            return "sent";
        case RpcEvent::Outcome::RequestLost:
            return "request_lost";
        case RpcEvent::Outcome::RequestCut:
            return "request_cut";
        case RpcEvent::Outcome::ResponseLost:
            return "response_lost";
        case RpcEvent::Outcome::ResponseCut:
            return "response_cut";
        case RpcEvent::Outcome::TimedOut:
            return "timed_out";
        case RpcEvent::Outcome::Disconnected:
            return "disconnected";
    }
    return "unknown";
}

LabNetwork::LabNetwork(core::LabClock& clock, std::uint64_t seed)
    : clock_(clock), seed_(seed), tap_(kTapCapacity) {}

NodeIndex LabNetwork::node(const std::string& name) {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i] == name) return static_cast<NodeIndex>(i);
    }
    if (nodes_.size() >= kNoNodeIndex) return kNoNodeIndex;
    nodes_.push_back(name);
    return static_cast<NodeIndex>(nodes_.size() - 1);
}

std::optional<NodeIndex> LabNetwork::find_node(const std::string& name) const {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i] == name) return static_cast<NodeIndex>(i);
    }
    return std::nullopt;
}

std::string LabNetwork::node_name(NodeIndex index) const {
    std::lock_guard lock(mutex_);
    return index < nodes_.size() ? nodes_[index] : std::string("?");
}

std::vector<std::string> LabNetwork::node_names() const {
    std::lock_guard lock(mutex_);
    return nodes_;
}

std::uint16_t LabNetwork::topic_index(const std::string& topic) {
    std::lock_guard lock(mutex_);
    auto it = topic_indexes_.find(topic);  // NOLINT: heterogeneous lookup not needed
    if (it != topic_indexes_.end()) return it->second;
    if (topics_.size() >= kNoTopic) return kNoTopic;
    topics_.push_back(topic);
    const auto index = static_cast<std::uint16_t>(topics_.size() - 1);
    topic_indexes_.emplace(topic, index);
    return index;
}

std::string LabNetwork::topic_name(std::uint16_t index) const {
    std::lock_guard lock(mutex_);
    return index < topics_.size() ? topics_[index] : std::string();
}

RpcDetail LabNetwork::detail(const RequestDetail& request) {
    return RpcDetail{request.topic.empty() ? kNoTopic : topic_index(std::string(request.topic)),
                     request.partition, request.partitions, request.offset};
}

LabNetwork::Link& LabNetwork::link_locked(NodeIndex from, NodeIndex to) {
    auto [it, made] = links_.try_emplace(key(from, to));
    if (made) {
        const std::uint64_t h = hash_name((from < nodes_.size() ? nodes_[from] : "") + ">" +
                                              (to < nodes_.size() ? nodes_[to] : ""),
                                          seed_ ^ 0xcbf29ce484222325ULL);
        it->second.random.seed(h);
    }
    return it->second;
}

void LabNetwork::close_interval_locked(Link& link, std::int64_t now_ms) {
    if (link.history_index == SIZE_MAX) return;
    if (link.history_index >= history_base_ && link.history_index - history_base_ < history_.size())
        history_[link.history_index - history_base_].end_ms = now_ms;
    link.history_index = SIZE_MAX;
}

void LabNetwork::set_faults(NodeIndex from, NodeIndex to, const LinkFaults& faults) {
    std::lock_guard lock(mutex_);
    Link& link = link_locked(from, to);
    if (link.faults == faults) return;
    const bool was = link.faults.any();
    const std::int64_t now_ms = clock_.now_ms();
    close_interval_locked(link, now_ms);
    link.faults = faults;
    link.burst_left = 0;
    if (!faults.bandwidth_bytes_per_s) link.busy_until = duration{0};
    if (faults.any()) {
        if (history_.size() == kHistoryCapacity) {
            history_.pop_front();
            ++history_base_;
        }
        history_.push_back(FaultInterval{from, to, faults.describe(), now_ms, -1});
        link.history_index = history_base_ + history_.size() - 1;
    }
    if (was != faults.any()) faulty_links_.fetch_add(faults.any() ? 1 : -1);
}

LinkFaults LabNetwork::faults(NodeIndex from, NodeIndex to) const {
    std::lock_guard lock(mutex_);
    auto it = links_.find(key(from, to));
    return it == links_.end() ? LinkFaults{} : it->second.faults;
}

std::vector<std::pair<std::pair<NodeIndex, NodeIndex>, LinkFaults>> LabNetwork::faulty_links()
    const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::pair<NodeIndex, NodeIndex>, LinkFaults>> out;
    for (const auto& [k, link] : links_) {
        if (!link.faults.any()) continue;
        out.push_back(
            {{static_cast<NodeIndex>(k >> 16), static_cast<NodeIndex>(k & 0xffff)}, link.faults});
    }
    return out;
}

void LabNetwork::heal_all() {
    std::vector<std::pair<NodeIndex, NodeIndex>> faulty;
    for (const auto& [ends, faults] : faulty_links())
        faulty.push_back(ends);
    for (const auto& [from, to] : faulty)
        set_faults(from, to, LinkFaults{});
}

Fate LabNetwork::send(NodeIndex from, NodeIndex to, std::size_t bytes,
                      std::optional<duration> sent_at) {
    const duration now = clock_.now();
    const duration sent = std::min(sent_at.value_or(now), now);
    if (!any_faults()) return Fate{Fate::Kind::Deliver, now};
    std::lock_guard lock(mutex_);
    auto it = links_.find(key(from, to));
    if (it == links_.end() || !it->second.faults.any()) return Fate{Fate::Kind::Deliver, now};
    Link& link = it->second;
    const LinkFaults& f = link.faults;
    Fate fate;
    if (f.cut) {
        fate.kind = Fate::Kind::Cut;
        return fate;
    }
    std::uniform_real_distribution<double> unit(0.0, 100.0);
    if (link.burst_left > 0) {
        --link.burst_left;
        fate.kind = Fate::Kind::Lost;
        return fate;
    }
    if (f.loss_percent > 0) {
        // Runs of `burst` losses, started often enough that loss_percent of messages are lost.
        const double p = std::min(f.loss_percent, 100.0) / 100.0;
        const double n = std::max(1, f.loss_burst);
        const double start = p >= 1.0 ? 1.0 : p / (n * (1 - p) + p);
        if (unit(link.random) < start * 100.0) {
            link.burst_left = std::max(1, f.loss_burst) - 1;
            fate.kind = Fate::Kind::Lost;
            return fate;
        }
    }
    duration due = sent;
    if (f.bandwidth_bytes_per_s > 0) {
        const auto wire = std::chrono::nanoseconds(static_cast<std::int64_t>(
            static_cast<double>(bytes) * 1e9 / static_cast<double>(f.bandwidth_bytes_per_s)));
        link.busy_until = std::max(link.busy_until, sent) + wire;
        due = link.busy_until;
    }
    double delay_ms = f.delay_ms;
    if (f.jitter_ms > 0) {
        if (f.distribution == LinkFaults::Distribution::Normal) {
            std::normal_distribution<double> normal(0.0, f.jitter_ms);
            delay_ms += normal(link.random);
        } else {
            std::uniform_real_distribution<double> spread(-f.jitter_ms, f.jitter_ms);
            delay_ms += spread(link.random);
        }
    }
    due += std::chrono::nanoseconds(static_cast<std::int64_t>(std::max(0.0, delay_ms) * 1e6));
    fate.reordered = f.reorder_percent > 0 && unit(link.random) < f.reorder_percent;
    if (!fate.reordered) due = std::max(due, link.last_due);  // no overtaking on this link
    link.last_due = std::max(link.last_due, due);
    fate.due = due;
    fate.delayed = due > now;
    fate.duplicate = f.duplicate_percent > 0 && unit(link.random) < f.duplicate_percent;
    return fate;
}

bool LabNetwork::can_connect(NodeIndex from, NodeIndex to) const {
    if (!any_faults()) return true;
    std::lock_guard lock(mutex_);
    for (auto k : {key(from, to), key(to, from)}) {
        auto it = links_.find(k);
        if (it != links_.end() && it->second.faults.cut) return false;
    }
    return true;
}

std::uint64_t LabNetwork::attach(NodeIndex from, NodeIndex to, std::uint16_t local_port,
                                 std::function<void()> on_reset) {
    std::lock_guard lock(mutex_);
    const std::uint64_t handle = next_attachment_++;
    attachments_[handle] = Attachment{from, to, local_port, std::move(on_reset)};
    if (local_port) node_ports_[local_port] = from;
    return handle;
}

void LabNetwork::detach(std::uint64_t handle) {
    std::lock_guard lock(mutex_);
    auto it = attachments_.find(handle);
    if (it == attachments_.end()) return;
    if (it->second.port) {
        auto p = node_ports_.find(it->second.port);
        if (p != node_ports_.end() && p->second == it->second.from) node_ports_.erase(p);
    }
    attachments_.erase(it);
}

std::optional<NodeIndex> LabNetwork::node_of_port(std::uint16_t port) const {
    std::lock_guard lock(mutex_);
    auto it = node_ports_.find(port);
    if (it == node_ports_.end()) return std::nullopt;
    return it->second;
}

std::size_t LabNetwork::reset(NodeIndex a, NodeIndex b) {
    std::vector<std::function<void()>> resets;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [handle, att] : attachments_) {
            if ((att.from == a && att.to == b) || (att.from == b && att.to == a))
                resets.push_back(att.on_reset);
        }
    }
    for (auto& r : resets)
        r();
    return resets.size();
}

void LabNetwork::record(RpcEvent event) {
    std::lock_guard lock(tap_mutex_);
    event.seq = next_seq_++;
    tap_[event.seq % kTapCapacity] = event;
}

std::vector<RpcEvent> LabNetwork::drain(std::uint64_t* cursor, std::size_t max,
                                        std::uint64_t* missed) const {
    std::lock_guard lock(tap_mutex_);
    std::vector<RpcEvent> out;
    std::uint64_t from = *cursor;
    const std::uint64_t oldest = next_seq_ > kTapCapacity ? next_seq_ - kTapCapacity : 0;
    if (missed) *missed = from < oldest ? oldest - from : 0;
    from = std::max(from, oldest);
    const std::uint64_t to = std::min<std::uint64_t>(next_seq_, from + max);
    out.reserve(static_cast<std::size_t>(to - from));
    for (std::uint64_t s = from; s < to; ++s)
        out.push_back(tap_[s % kTapCapacity]);
    *cursor = to;
    return out;
}

std::uint64_t LabNetwork::events_recorded() const {
    std::lock_guard lock(tap_mutex_);
    return next_seq_;
}

std::vector<FaultInterval> LabNetwork::fault_history() const {
    std::lock_guard lock(mutex_);
    return {history_.begin(), history_.end()};
}

}  // namespace kraftlab::net
