// The built-in partitioners. Both run on the producer's thread only (one instance per producer),
// so their counters need no atomics.
#include <memory>

#include "lab/workload.h"
#include "protocol/murmur2.h"

namespace kraftlab::lab {

std::string_view partitioner_name(PartitionerKind kind) {
    switch (kind) {
        case PartitionerKind::RoundRobin:
            return "round-robin";
        case PartitionerKind::KeyHash:
            return "key-hash";
        case PartitionerKind::Custom:
            return "custom";
    }
    return "unknown";
}

namespace {

class RoundRobinPartitioner final : public Partitioner {
  public:
    Choice choose(std::optional<protocol::ByteView>, protocol::ByteView,
                  std::int32_t num_partitions) override {
        return next(num_partitions);
    }

    Choice next(std::int32_t num_partitions) {
        if (num_partitions <= 0) return {-1, "the topic has no partitions"};
        // 64-bit counter: it never wraps in practice, and % keeps the spread even.
        return {static_cast<std::int32_t>(counter_++ % static_cast<std::uint64_t>(num_partitions)),
                {}};
    }

  private:
    std::uint64_t counter_ = 0;
};

class KeyHashPartitioner final : public Partitioner {
  public:
    Choice choose(std::optional<protocol::ByteView> key, protocol::ByteView value,
                  std::int32_t num_partitions) override {
        if (!key) return round_robin_.choose(key, value, num_partitions);
        if (num_partitions <= 0) return {-1, "the topic has no partitions"};
        return {protocol::murmur2_partition(*key, num_partitions), {}};
    }

  private:
    RoundRobinPartitioner round_robin_;
};

}  // namespace

std::unique_ptr<Partitioner> make_round_robin_partitioner() {
    return std::make_unique<RoundRobinPartitioner>();
}

std::unique_ptr<Partitioner> make_key_hash_partitioner() {
    return std::make_unique<KeyHashPartitioner>();
}

}  // namespace kraftlab::lab
