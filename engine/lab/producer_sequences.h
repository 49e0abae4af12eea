// ProducerSequences: the built-in producer's side of idempotence (KIP-98), used when its config
// says `idempotence`: the producer id and epoch InitProducerId gave, and each partition's next
// sequence number. A batch gets its producer id, epoch and base sequence once, when it is first
// sent (stamp()); a retry sends the same bytes, so a leader that already has the batch answers
// with its offset instead of writing it again (storage/producer_state.h). When a batch fails
// for good, its sequence may or may not be in the log, so the id is given up (forget()): later
// batches wait for a new id and start again at sequence 0, as Kafka's producer bumps its epoch.
//
// Thread: the producer thread only. Lifecycle: a member of the producer's state.
#pragma once

#include <cstdint>
#include <map>

#include "protocol/codec.h"

namespace kraftlab::lab {

class ProducerSequences {
  public:
    bool has_id() const { return producer_id_ >= 0; }
    std::int64_t producer_id() const { return producer_id_; }
    // Changes with every new id; a batch stamped under another one is stamped again.
    std::uint64_t generation() const { return generation_; }

    void set_id(std::int64_t producer_id, std::int16_t epoch);
    void forget() { producer_id_ = -1; }

    // Writes the producer id, epoch and the partition's next base sequence into a v2 batch the
    // producer built (the CRC is recomputed) and moves the partition's sequence on by its record
    // count, wrapping past INT32_MAX to 0. Returns the generation it was stamped under. Needs
    // has_id().
    std::uint64_t stamp(protocol::Bytes& batch, std::int32_t partition);

  private:
    std::int64_t producer_id_ = -1;
    std::int16_t epoch_ = 0;
    std::uint64_t generation_ = 0;
    std::map<std::int32_t, std::int32_t> next_;
};

}  // namespace kraftlab::lab
