// The simulation's network faults (see sim_faults.h).
#include "sim_faults.h"

#include <algorithm>

namespace kraftlab::replication::sim {

NetworkFaults::NetworkFaults(const Options& options, Stats& stats,
                             std::function<void(const std::string&)> event)
    : options_(options),
      stats_(stats),
      event_(std::move(event)),
      rng_(options.seed * 0xD1B54A32D192ED03ULL + 71) {}

bool NetworkFaults::chance(double p) {
    return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p;
}

std::int64_t NetworkFaults::uniform(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, std::max(lo, hi))(rng_);
}

std::string NetworkFaults::name(int id) const {
    return id == 0 ? "controller" : "broker " + std::to_string(id);
}

void NetworkFaults::inject(std::int64_t now_ms) {
    const double per_step = static_cast<double>(options_.step_ms) / 1000.0;
    const int nodes = options_.brokers + 1;
    if (chance(options_.one_way_cuts_per_s * per_step)) {
        const int from = static_cast<int>(uniform(0, nodes - 1));
        int to = static_cast<int>(uniform(0, nodes - 2));
        if (to >= from) ++to;
        auto [it, fresh] = one_way_until_.try_emplace(
            {from, to}, now_ms + uniform(options_.cut_min_ms, options_.cut_max_ms));
        if (fresh) {
            ++stats_.one_way_cuts;
            event_("link " + name(from) + " -> " + name(to) + " cut one way (" + name(to) + " -> " +
                   name(from) + " still works)");
        }
    }
    if (side_.empty() && chance(options_.partitions_per_s * per_step)) start_partition(now_ms);
    if (chance(options_.slow_links_per_s * per_step)) {
        const int from = static_cast<int>(uniform(0, nodes - 1));
        int to = static_cast<int>(uniform(0, nodes - 2));
        if (to >= from) ++to;
        SlowLink link;
        link.until_ms = now_ms + uniform(options_.cut_min_ms, options_.cut_max_ms);
        link.delay_ms = uniform(1, options_.slow_link_delay_max_ms);
        if (slow_.try_emplace({from, to}, link).second) {
            ++stats_.slow_links;
            event_("link " + name(from) + " -> " + name(to) + " slow: +" +
                   std::to_string(link.delay_ms) + " ms, jitter up to " +
                   std::to_string(options_.slow_link_jitter_ms) + " ms");
        }
    }

    for (auto it = one_way_until_.begin(); it != one_way_until_.end();) {
        if (now_ms < it->second) {
            ++it;
            continue;
        }
        event_("link " + name(it->first.first) + " -> " + name(it->first.second) + " healed");
        it = one_way_until_.erase(it);
    }
    for (auto it = slow_.begin(); it != slow_.end();) {
        if (now_ms < it->second.until_ms) {
            ++it;
            continue;
        }
        event_("link " + name(it->first.first) + " -> " + name(it->first.second) +
               " at full speed again");
        it = slow_.erase(it);
    }
    if (!side_.empty() && now_ms >= partition_until_ms_) {
        side_.clear();
        event_("partition healed");
    }
}

void NetworkFaults::start_partition(std::int64_t now_ms) {
    const int nodes = options_.brokers + 1;
    std::vector<int> order(static_cast<std::size_t>(nodes));
    for (int i = 0; i < nodes; ++i)
        order[static_cast<std::size_t>(i)] = i;
    std::shuffle(order.begin(), order.end(), rng_);
    side_.assign(static_cast<std::size_t>(nodes), 0);
    std::string what;
    auto list = [&](int side) {
        std::string s;
        for (int id = 0; id < nodes; ++id)
            if (side_[static_cast<std::size_t>(id)] == side)
                s += (s.empty() ? "" : ", ") + name(id);
        return "{" + s + "}";
    };
    const std::int64_t shape = uniform(0, nodes >= 3 ? 2 : 1);
    if (shape == 0) {
        side_[static_cast<std::size_t>(order[0])] = 1;
        what = name(order[0]) + " isolated";
    } else if (shape == 1) {
        const int minority = static_cast<int>(uniform(1, nodes / 2));
        for (int i = 0; i < minority; ++i)
            side_[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = 1;
        what = "split " + list(1) + " | " + list(0);
    } else {
        side_[static_cast<std::size_t>(order[0])] = 2;
        const int one_side = static_cast<int>(uniform(1, nodes - 2));
        for (int i = 1; i <= one_side; ++i)
            side_[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = 1;
        what = "bridge: " + list(1) + " | " + list(0) + ", " + name(order[0]) + " reaches both";
    }
    partition_until_ms_ = now_ms + uniform(options_.partition_min_ms, options_.partition_max_ms);
    ++stats_.partitions;
    event_("partition: " + what);
}

void NetworkFaults::heal() {
    healed_ = true;
    one_way_until_.clear();
    slow_.clear();
    side_.clear();
}

bool NetworkFaults::reaches(int from, int to) const {
    if (!cluster_node(from) || !cluster_node(to)) return true;
    if (one_way_until_.count({from, to})) return false;
    if (side_.empty()) return true;
    const int a = side_[static_cast<std::size_t>(from)];
    const int b = side_[static_cast<std::size_t>(to)];
    return a == 2 || b == 2 || a == b;
}

std::int64_t NetworkFaults::extra_delay_ms(int from, int to) {
    auto it = slow_.find({from, to});
    if (it == slow_.end()) return 0;
    return it->second.delay_ms + uniform(0, options_.slow_link_jitter_ms);
}

bool NetworkFaults::duplicate(int from, int to) {
    if (healed_ || !cluster_node(from) || !cluster_node(to)) return false;
    if (!chance(options_.duplicate)) return false;
    ++stats_.duplicates;
    return true;
}

}  // namespace kraftlab::replication::sim
