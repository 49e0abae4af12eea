// Between the raft core's messages and Kafka's wire messages: Vote (52), BeginQuorumEpoch (53),
// EndQuorumEpoch (54) and Fetch (1) for the metadata partition __cluster_metadata-0, whose raft
// entries travel as record batches (base offset = the entry's, partition leader epoch = its
// epoch, record values = its records).
//
// Everything decoded here is untrusted input: a malformed message gives nullopt and a reason.
#pragma once

#include <optional>
#include <string>

#include "protocol/api_keys.h"
#include "protocol/codec.h"
#include "protocol/errors.h"
#include "raft/raft.h"

namespace kraftlab::raft::wire {

inline constexpr std::string_view kMetadataTopic = "__cluster_metadata";
// Kafka's Uuid.METADATA_TOPIC_ID.
inline constexpr protocol::Uuid kMetadataTopicId{0, 1};

// The versions the lab's nodes speak to each other.
inline constexpr std::int16_t kVoteVersion = 0;
inline constexpr std::int16_t kBeginQuorumEpochVersion = 0;
inline constexpr std::int16_t kEndQuorumEpochVersion = 0;
inline constexpr std::int16_t kFetchVersion =
    12;  // flexible, names the topic, has LastFetchedEpoch

struct EncodedRequest {
    protocol::ApiKey key;
    std::int16_t version;
    protocol::Bytes body;
};

// A raft request as it goes on the wire. Fetch carries max_wait_ms (the leader may hold it).
EncodedRequest encode_request(const Request& request, const std::string& cluster_id,
                              std::int32_t fetch_max_wait_ms);
// The response to a request we sent, decoded for the core.
std::optional<Response> decode_response(const Request& sent, protocol::ByteView body,
                                        std::int16_t version, std::string* error);

struct IncomingRequest {
    Request request;
    NodeId from = kNoNode;
    std::int32_t max_wait_ms = 0;  // Fetch only
    std::string cluster_id;        // as the sender gave it (empty if it gave none)
};
// A raft request that arrived; nullopt (and why) if it is not one or is malformed.
std::optional<IncomingRequest> decode_request(protocol::ApiKey key, std::int16_t version,
                                              protocol::Reader& body, std::string* error);
protocol::Bytes encode_response(const Response& response, protocol::ApiKey key,
                                std::int16_t version);
// The answer to a raft request this node will not serve (e.g. INCONSISTENT_CLUSTER_ID).
protocol::Bytes encode_error_response(protocol::ApiKey key, std::int16_t version,
                                      protocol::ErrorCode error);

// Entries as record batches (the log format on disk too).
protocol::Bytes entries_to_batches(const std::vector<Entry>& entries);
std::optional<std::vector<Entry>> batches_to_entries(protocol::ByteView batches,
                                                     std::string* error);

}  // namespace kraftlab::raft::wire
