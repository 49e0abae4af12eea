#include "rpc_history.h"

#include <algorithm>
#include <map>
#include <set>

#include "protocol/api_keys.h"

using kraftlab::net::LabNetwork;
using kraftlab::net::NodeIndex;
using kraftlab::net::RpcEvent;

RpcHistory::RpcHistory(QObject* parent) : QObject(parent) {}

int RpcHistory::lane_of(NodeIndex index) const {
    return index < lane_of_node_.size() ? lane_of_node_[index] : -1;
}

void RpcHistory::set_lanes(LabNetwork& network, const QStringList& lanes) {
    if (lanes == lanes_) return;
    lanes_ = lanes;
    lane_of_node_.clear();
    for (int i = 0; i < lanes_.size(); ++i) {
        const NodeIndex index = network.node(lanes_[i].toStdString());
        if (index >= lane_of_node_.size()) lane_of_node_.resize(index + 1u, -1);
        lane_of_node_[index] = i;
    }
    for (auto& r : rpcs_) {
        r.from_lane = lane_of(r.event.from);
        r.to_lane = lane_of(r.event.to);
    }
    refresh_bands(network);
    emit lanesChanged();
}

std::size_t RpcHistory::drain(LabNetwork& network) {
    std::uint64_t missed = 0;
    const auto batch = network.drain(&cursor_, LabNetwork::kTapCapacity, &missed);
    missed_ += missed;
    if (batch.empty()) {
        if (missed) emit drained();
        return 0;
    }
    bool filters_changed = false;
    for (const auto& e : batch) {
        Rpc r{e, lane_of(e.from), lane_of(e.to),
              std::max({e.sent_ns, e.arrived_ns, e.answered_ns, e.returned_ns})};
        const QString api = api_name(e.api_key);
        if (!apis_.contains(api)) {
            apis_.append(api);
            filters_changed = true;
        }
        if (e.detail.topic != kraftlab::net::kNoTopic) {
            if (e.detail.topic >= topic_names_.size()) topic_names_.resize(e.detail.topic + 1u);
            auto& name = topic_names_[e.detail.topic];
            if (name.isEmpty()) name = QString::fromStdString(network.topic_name(e.detail.topic));
            const QString p = partition_of(e);
            // The list is for a filter menu: internal topics and many partitions stay usable
            // through typing, the menu keeps the first few hundred.
            if (!p.isEmpty() && partitions_.size() < 500 && !partitions_.contains(p)) {
                partitions_.append(p);
                filters_changed = true;
            }
        }
        rpcs_.push_back(r);
    }
    while (rpcs_.size() > kCapacity)
        rpcs_.pop_front();
    recorded_ += batch.size();
    if (filters_changed) {
        apis_.sort();
        partitions_.sort();
        emit filtersChanged();
    }
    emit drained();
    return batch.size();
}

void RpcHistory::refresh_bands(LabNetwork& network) {
    // Intervals that began at the same moment with the same fault were one command (a
    // partition cuts many links at once): one band, spanning the lanes they touch.
    struct Key {
        std::int64_t start_ms;
        std::string what;
        bool operator<(const Key& o) const {
            return std::tie(start_ms, what) < std::tie(o.start_ms, o.what);
        }
    };
    struct Group {
        std::int64_t end_ms = 0;
        int first_lane = -1, last_lane = -1;
        std::vector<std::pair<NodeIndex, NodeIndex>> links;
    };
    std::map<Key, Group> groups;
    for (const auto& f : network.fault_history()) {
        auto& g = groups[Key{f.start_ms, f.what}];
        g.end_ms = f.end_ms < 0 || g.end_ms < 0 ? -1 : std::max(g.end_ms, f.end_ms);
        if (g.links.empty()) g.end_ms = f.end_ms;
        for (int lane : {lane_of(f.from), lane_of(f.to)}) {
            if (lane < 0) continue;
            g.first_lane = g.first_lane < 0 ? lane : std::min(g.first_lane, lane);
            g.last_lane = std::max(g.last_lane, lane);
        }
        g.links.emplace_back(f.from, f.to);
    }
    bands_.clear();
    for (const auto& [key, g] : groups) {
        Band b;
        b.what = QString::fromStdString(key.what);
        b.start_ms = key.start_ms;
        b.end_ms = g.end_ms;
        b.first_lane = g.first_lane;
        b.last_lane = g.last_lane;
        const auto& [x, y] = g.links.front();
        const bool both_ways = g.links.size() == 2 && g.links[1] == std::make_pair(y, x);
        if (g.links.size() == 1 || both_ways) {
            b.where = QString::fromStdString(network.node_name(x)) +
                      (both_ways ? QStringLiteral(" ↔ ") : QStringLiteral(" → ")) +
                      QString::fromStdString(network.node_name(y));
        } else {
            // A node every link touches (isolate, or one node cut from a group) names the band.
            std::map<NodeIndex, std::size_t> touches;
            std::set<NodeIndex> others;
            for (const auto& [u, v] : g.links) {
                ++touches[u];
                ++touches[v];
            }
            const auto hub = std::max_element(touches.begin(), touches.end(),
                                              [](auto& l, auto& r) { return l.second < r.second; });
            for (const auto& [u, v] : g.links)
                others.insert(u == hub->first ? v : u);
            b.where = hub->second == g.links.size()
                          ? QString::fromStdString(network.node_name(hub->first)) +
                                QStringLiteral(" ↔ %1 nodes").arg(others.size())
                          : QStringLiteral("%1 links").arg(g.links.size());
        }
        bands_.push_back(std::move(b));
    }
}

void RpcHistory::clear() {
    rpcs_.clear();
    bands_.clear();
    apis_.clear();
    partitions_.clear();
    topic_names_.clear();
    lanes_.clear();
    lane_of_node_.clear();
    cursor_ = 0;
    recorded_ = 0;
    missed_ = 0;
    emit lanesChanged();
    emit filtersChanged();
    emit drained();
}

std::size_t RpcHistory::first_ending_after(std::int64_t t_ns, std::int64_t slack_ns) const {
    const auto it = std::partition_point(rpcs_.begin(), rpcs_.end(),
                                         [&](const Rpc& r) { return r.end_ns + slack_ns < t_ns; });
    return static_cast<std::size_t>(it - rpcs_.begin());
}

QString RpcHistory::api_name(std::int16_t key) const {
    const auto name = kraftlab::protocol::api_name(key);
    return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
}

QString RpcHistory::topic_name(std::uint16_t index) const {
    return index < topic_names_.size() ? topic_names_[index] : QString();
}

QString RpcHistory::partition_of(const RpcEvent& e) const {
    if (e.detail.topic == kraftlab::net::kNoTopic) return {};
    const QString topic = topic_name(e.detail.topic);
    if (topic.isEmpty()) return {};
    return e.detail.partition >= 0 ? topic + "-" + QString::number(e.detail.partition) : topic;
}
