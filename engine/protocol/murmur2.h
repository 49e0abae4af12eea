// Java-compatible murmur2: the hash behind Kafka's default key partitioner.
//
// Kafka's Utils.murmur2 (seed 0x9747b28c, m 0x5bd1e995, r 24, 4-byte little-endian words, 32-bit
// wrap-around arithmetic), so a key lands on the same partition here as from a Java producer,
// kafka-python or kafkajs. librdkafka's default (consistent_random, a CRC32 of the key) does not
// match; its `partitioner=murmur2_random` does. See KAFKA-NOTES §3.
#pragma once

#include <cstdint>

#include "protocol/codec.h"

namespace kraftlab::protocol {

std::int32_t murmur2(ByteView data);

// Java's Utils.toPositive: clears the sign bit (not abs(), which fails on INT32_MIN).
constexpr std::int32_t to_positive(std::int32_t n) {
    return n & 0x7fffffff;
}

// The partition Java's BuiltInPartitioner.partitionForKey picks for a non-null key:
// to_positive(murmur2(key)) % num_partitions, over all partitions. num_partitions must be > 0;
// for anything else this returns -1 rather than dividing by zero.
std::int32_t murmur2_partition(ByteView key, std::int32_t num_partitions);

}  // namespace kraftlab::protocol
