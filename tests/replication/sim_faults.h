// The replication simulation's network faults beyond drops, random delays and the symmetric link
// cuts that sim.cpp draws itself: one-way cuts, partition shapes, slow links (delay with
// jitter) and duplicates. Nodes are the controller (0) and brokers 1..n; the producer is a
// client outside the cluster's network and meets none of these.
//
//   one-way cut   from -> to loses everything; to -> from still works
//   partition     one shape at a time: a node isolated from every other; a split into a
//                 minority and a majority (or two halves); or a bridge: two sides that cannot
//                 reach each other and one node that reaches both
//   slow link     from -> to adds a delay of its own to each message, plus a jitter that
//                 reorders what travels on it
//   duplicate     a node-to-node message also arrives a second time (a retry after a
//                 reconnect). Produce requests are never duplicated: the lab's producer is not
//                 idempotent, and a retried Produce would append twice by design.
//
// Everything is drawn from a generator of its own, seeded from the run's seed, so that these
// faults do not shift the draws of the older ones; with every rate at 0 it draws nothing.
// Thread: single-threaded, owned by the simulation's World. Lifecycle: one per run.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim.h"

namespace kraftlab::replication::sim {

class NetworkFaults {
  public:
    NetworkFaults(const Options& options, Stats& stats,
                  std::function<void(const std::string&)> event);

    // One chaos step of step_ms at now_ms: maybe start faults, and end those that are due.
    void inject(std::int64_t now_ms);
    // Every fault ends (the settle phase).
    void heal();

    // Whether a message from -> to gets through the one-way cuts and the partition.
    bool reaches(int from, int to) const;
    // Per message, drawn as it is sent: extra delay on a slow link, and whether a copy goes too.
    std::int64_t extra_delay_ms(int from, int to);
    bool duplicate(int from, int to);

  private:
    bool cluster_node(int id) const { return id >= 0 && id <= options_.brokers; }
    bool chance(double p);
    std::int64_t uniform(std::int64_t lo, std::int64_t hi);
    void start_partition(std::int64_t now_ms);
    std::string name(int id) const;

    const Options& options_;
    Stats& stats_;
    std::function<void(const std::string&)> event_;
    std::mt19937_64 rng_;
    bool healed_ = false;
    std::map<std::pair<int, int>, std::int64_t> one_way_until_;  // (from, to) -> end
    struct SlowLink {
        std::int64_t until_ms = 0;
        std::int64_t delay_ms = 0;
    };
    std::map<std::pair<int, int>, SlowLink> slow_;
    // The partition: each cluster node's side (0 or 1; 2: a bridge that reaches both); empty
    // when there is none.
    std::vector<int> side_;
    std::int64_t partition_until_ms_ = 0;
};

}  // namespace kraftlab::replication::sim
