#include "raft/wire.h"

#include "protocol/begin_quorum_epoch.h"
#include "protocol/end_quorum_epoch.h"
#include "protocol/fetch.h"
#include "protocol/record_batch.h"
#include "protocol/records.h"
#include "protocol/vote.h"

namespace kraftlab::raft::wire {

using protocol::ApiKey;
using protocol::Bytes;
using protocol::ByteView;
using protocol::ErrorCode;
using protocol::Reader;
using protocol::Writer;

namespace {

constexpr std::int32_t kPartitionMaxBytes = 8 * 1024 * 1024;

template <typename M>
Bytes encode(const M& message, std::int16_t version) {
    Bytes out;
    Writer w(out);
    message.encode(w, version);
    return out;
}

template <typename M>
std::optional<M> decode(ByteView body, std::int16_t version, std::string* error) {
    Reader r(body);
    M m;
    if (!m.decode(r, version)) {
        if (error)
            *error = std::string("malformed ") +
                     std::string(protocol::api_name(protocol::to_wire(M::kKey)));
        return std::nullopt;
    }
    return m;
}

FetchError fetch_error(std::int16_t code) {
    switch (static_cast<ErrorCode>(code)) {
        case ErrorCode::NONE:
            return FetchError::None;
        case ErrorCode::FENCED_LEADER_EPOCH:
            return FetchError::FencedEpoch;
        case ErrorCode::UNKNOWN_LEADER_EPOCH:
            return FetchError::UnknownEpoch;
        default:
            return FetchError::NotLeader;
    }
}

std::int16_t fetch_error_code(FetchError e) {
    switch (e) {
        case FetchError::None:
            return protocol::to_wire(ErrorCode::NONE);
        case FetchError::NotLeader:
            return protocol::to_wire(ErrorCode::NOT_LEADER_OR_FOLLOWER);
        case FetchError::FencedEpoch:
            return protocol::to_wire(ErrorCode::FENCED_LEADER_EPOCH);
        case FetchError::UnknownEpoch:
            return protocol::to_wire(ErrorCode::UNKNOWN_LEADER_EPOCH);
    }
    return protocol::to_wire(ErrorCode::UNKNOWN_SERVER_ERROR);
}

// The single partition of a raft message, or null when the message is not about
// __cluster_metadata-0.
template <typename Topics>
const auto* metadata_partition(const Topics& topics) {
    using Partition = std::remove_cvref_t<decltype(topics.front().partitions.front())>;
    for (const auto& t : topics) {
        if (t.topic_name != kMetadataTopic) continue;
        for (const auto& p : t.partitions) {
            if (p.partition_index == 0) return &p;
        }
    }
    return static_cast<const Partition*>(nullptr);
}

// Kafka's partition-level error for a request the core refused (see raft::Refusal).
std::int16_t refusal_code(Refusal refusal) {
    switch (refusal) {
        case Refusal::None:
            return protocol::to_wire(ErrorCode::NONE);
        case Refusal::NotVoter:
            return protocol::to_wire(ErrorCode::INCONSISTENT_VOTER_SET);
        case Refusal::InvalidEpoch:
        case Refusal::InvalidId:
            return protocol::to_wire(ErrorCode::INVALID_REQUEST);
    }
    return protocol::to_wire(ErrorCode::UNKNOWN_SERVER_ERROR);
}

std::string partition_error(std::int16_t code) {
    return "the partition's error is " +
           std::string(protocol::error_name(static_cast<ErrorCode>(code)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Entries <-> record batches

Bytes entries_to_batches(const std::vector<Entry>& entries) {
    Bytes out;
    for (const auto& e : entries) {
        protocol::RecordBatchBuilder builder;
        for (const auto& record : e.records)
            builder.append(std::nullopt, ByteView(record), 0);
        Bytes batch = builder.build(e.base_offset);
        protocol::stamp_batch(batch, e.base_offset, e.epoch);
        out.insert(out.end(), batch.begin(), batch.end());
    }
    return out;
}

std::optional<std::vector<Entry>> batches_to_entries(ByteView batches, std::string* error) {
    std::vector<Entry> entries;
    protocol::BatchIterator it(batches, SIZE_MAX, /*check_crc=*/true);
    std::vector<protocol::Record> records;
    while (it.next()) {
        records.clear();
        if (protocol::decode_records(it.batch(), records) != protocol::BatchError::None) {
            if (error) *error = "a metadata batch does not decode";
            return std::nullopt;
        }
        Entry e;
        e.base_offset = it.header().base_offset;
        e.epoch = it.header().partition_leader_epoch;
        for (std::size_t i = 0; i < records.size(); ++i) {
            if (records[i].offset != e.base_offset + static_cast<std::int64_t>(i)) {
                if (error) *error = "a metadata batch has a gap in its offsets";
                return std::nullopt;
            }
            e.records.push_back(records[i].value ? std::move(*records[i].value) : Bytes{});
        }
        if (e.records.empty()) {
            if (error) *error = "a metadata batch has no records";
            return std::nullopt;
        }
        entries.push_back(std::move(e));
    }
    if (it.error() != protocol::BatchError::None && it.valid_bytes() != batches.size()) {
        if (error)
            *error = "metadata batches end in a broken batch: " +
                     std::string(protocol::describe(it.error()));
        return std::nullopt;
    }
    return entries;
}

// ---------------------------------------------------------------------------------------------
// Requests we send

EncodedRequest encode_request(const Request& request, const std::string& cluster_id,
                              std::int32_t fetch_max_wait_ms) {
    const std::optional<std::string> cid =
        cluster_id.empty() ? std::nullopt : std::optional(cluster_id);
    return std::visit(
        [&](const auto& r) -> EncodedRequest {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, VoteRequest>) {
                protocol::VoteRequest m;
                m.cluster_id = cid;
                protocol::VoteRequest::PartitionData p;
                p.partition_index = 0;
                p.candidate_epoch = r.candidate_epoch;
                p.candidate_id = r.candidate_id;
                p.last_offset_epoch = r.last_epoch;
                p.last_offset = r.last_end_offset;
                m.topics.push_back({std::string(kMetadataTopic), {p}});
                return {ApiKey::Vote, kVoteVersion, encode(m, kVoteVersion)};
            } else if constexpr (std::is_same_v<T, BeginQuorumEpochRequest>) {
                protocol::BeginQuorumEpochRequest m;
                m.cluster_id = cid;
                protocol::BeginQuorumEpochRequest::PartitionData p;
                p.partition_index = 0;
                p.leader_id = r.leader_id;
                p.leader_epoch = r.epoch;
                m.topics.push_back({std::string(kMetadataTopic), {p}});
                return {ApiKey::BeginQuorumEpoch, kBeginQuorumEpochVersion,
                        encode(m, kBeginQuorumEpochVersion)};
            } else if constexpr (std::is_same_v<T, EndQuorumEpochRequest>) {
                protocol::EndQuorumEpochRequest m;
                m.cluster_id = cid;
                protocol::EndQuorumEpochRequest::PartitionData p;
                p.partition_index = 0;
                p.leader_id = r.leader_id;
                p.leader_epoch = r.epoch;
                p.preferred_successors = r.preferred_successors;
                m.topics.push_back({std::string(kMetadataTopic), {p}});
                return {ApiKey::EndQuorumEpoch, kEndQuorumEpochVersion,
                        encode(m, kEndQuorumEpochVersion)};
            } else {
                protocol::FetchRequest m;
                m.cluster_id = cid;
                m.replica_id = r.replica_id;
                m.max_wait_ms = fetch_max_wait_ms;
                m.min_bytes = 1;
                m.max_bytes = kPartitionMaxBytes;
                m.session_id = 0;
                m.session_epoch = -1;
                protocol::FetchRequest::FetchPartition p;
                p.partition = 0;
                p.current_leader_epoch = r.current_epoch;
                p.fetch_offset = r.fetch_offset;
                p.last_fetched_epoch = r.last_fetched_epoch;
                p.log_start_offset = -1;
                p.partition_max_bytes = kPartitionMaxBytes;
                protocol::FetchRequest::FetchTopic t;
                t.topic = std::string(kMetadataTopic);
                t.partitions = {p};
                m.topics = {t};
                return {ApiKey::Fetch, kFetchVersion, encode(m, kFetchVersion)};
            }
        },
        request);
}

std::optional<Response> decode_response(const Request& sent, ByteView body, std::int16_t version,
                                        std::string* error) {
    auto fail = [&](std::string why) -> std::optional<Response> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    if (std::holds_alternative<VoteRequest>(sent)) {
        auto m = decode<protocol::VoteResponse>(body, version, error);
        if (!m) return std::nullopt;
        if (m->error_code != 0)
            return fail(std::string(protocol::error_name(static_cast<ErrorCode>(m->error_code))));
        const auto* p = metadata_partition(m->topics);
        if (!p) return fail("the Vote response is not about __cluster_metadata-0");
        if (p->error_code != 0) return fail(partition_error(p->error_code));
        VoteResponse r;
        r.epoch = p->leader_epoch;
        r.leader_id = p->leader_id;
        r.granted = p->vote_granted;
        return Response(r);
    }
    if (std::holds_alternative<BeginQuorumEpochRequest>(sent)) {
        auto m = decode<protocol::BeginQuorumEpochResponse>(body, version, error);
        if (!m) return std::nullopt;
        if (m->error_code != 0)
            return fail(std::string(protocol::error_name(static_cast<ErrorCode>(m->error_code))));
        const auto* p = metadata_partition(m->topics);
        if (!p) return fail("the BeginQuorumEpoch response is not about __cluster_metadata-0");
        if (p->error_code != 0) return fail(partition_error(p->error_code));
        return Response(BeginQuorumEpochResponse{p->leader_epoch, p->leader_id});
    }
    if (std::holds_alternative<EndQuorumEpochRequest>(sent)) {
        auto m = decode<protocol::EndQuorumEpochResponse>(body, version, error);
        if (!m) return std::nullopt;
        if (m->error_code != 0)
            return fail(std::string(protocol::error_name(static_cast<ErrorCode>(m->error_code))));
        const auto* p = metadata_partition(m->topics);
        if (!p) return fail("the EndQuorumEpoch response is not about __cluster_metadata-0");
        if (p->error_code != 0) return fail(partition_error(p->error_code));
        return Response(EndQuorumEpochResponse{p->leader_epoch, p->leader_id});
    }
    auto m = decode<protocol::FetchResponse>(body, version, error);
    if (!m) return std::nullopt;
    if (m->error_code != 0)
        return fail(std::string(protocol::error_name(static_cast<ErrorCode>(m->error_code))));
    const protocol::FetchResponse::PartitionData* p = nullptr;
    for (const auto& t : m->responses) {
        if (t.topic != kMetadataTopic) continue;
        for (const auto& part : t.partitions) {
            if (part.partition_index == 0) p = &part;
        }
    }
    if (!p) return fail("the Fetch response is not about __cluster_metadata-0");
    FetchResponse r;
    r.error = fetch_error(p->error_code);
    r.epoch = p->current_leader.leader_epoch;
    r.leader_id = p->current_leader.leader_id;
    r.high_watermark = p->high_watermark;
    if (p->diverging_epoch.epoch >= 0 || p->diverging_epoch.end_offset >= 0) {
        r.diverging_epoch = std::make_pair(p->diverging_epoch.epoch, p->diverging_epoch.end_offset);
    }
    if (p->records && !p->records->empty()) {
        auto entries = batches_to_entries(*p->records, error);
        if (!entries) return std::nullopt;
        r.entries = std::move(*entries);
    }
    return Response(std::move(r));
}

// ---------------------------------------------------------------------------------------------
// Requests we serve

std::optional<IncomingRequest> decode_request(ApiKey key, std::int16_t version, Reader& body,
                                              std::string* error) {
    auto fail = [&](std::string why) -> std::optional<IncomingRequest> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    IncomingRequest in;
    switch (key) {
        case ApiKey::Vote: {
            protocol::VoteRequest m;
            if (!m.decode(body, version)) return fail("malformed Vote request");
            const auto* p = metadata_partition(m.topics);
            if (!p) return fail("the Vote request is not about __cluster_metadata-0");
            in.request = VoteRequest{p->candidate_epoch, p->candidate_id, p->last_offset_epoch,
                                     p->last_offset};
            in.from = p->candidate_id;
            in.cluster_id = m.cluster_id.value_or("");
            return in;
        }
        case ApiKey::BeginQuorumEpoch: {
            protocol::BeginQuorumEpochRequest m;
            if (!m.decode(body, version)) return fail("malformed BeginQuorumEpoch request");
            const auto* p = metadata_partition(m.topics);
            if (!p) return fail("the BeginQuorumEpoch request is not about __cluster_metadata-0");
            in.request = BeginQuorumEpochRequest{p->leader_epoch, p->leader_id};
            in.from = p->leader_id;
            in.cluster_id = m.cluster_id.value_or("");
            return in;
        }
        case ApiKey::EndQuorumEpoch: {
            protocol::EndQuorumEpochRequest m;
            if (!m.decode(body, version)) return fail("malformed EndQuorumEpoch request");
            const auto* p = metadata_partition(m.topics);
            if (!p) return fail("the EndQuorumEpoch request is not about __cluster_metadata-0");
            EndQuorumEpochRequest r;
            r.epoch = p->leader_epoch;
            r.leader_id = p->leader_id;
            r.preferred_successors = p->preferred_successors;
            for (const auto& c : p->preferred_candidates)
                r.preferred_successors.push_back(c.candidate_id);
            in.request = r;
            in.from = p->leader_id;
            in.cluster_id = m.cluster_id.value_or("");
            return in;
        }
        case ApiKey::Fetch: {
            protocol::FetchRequest m;
            if (!m.decode(body, version)) return fail("malformed Fetch request");
            const protocol::FetchRequest::FetchPartition* p = nullptr;
            for (const auto& t : m.topics) {
                if (t.topic != kMetadataTopic && !(version >= 13 && t.topic_id == kMetadataTopicId))
                    continue;
                for (const auto& part : t.partitions) {
                    if (part.partition == 0) p = &part;
                }
            }
            if (!p) return fail("the Fetch request is not for __cluster_metadata-0");
            in.request = FetchRequest{m.replica_id, p->current_leader_epoch, p->fetch_offset,
                                      p->last_fetched_epoch};
            in.from = m.replica_id;
            in.max_wait_ms = std::clamp(m.max_wait_ms, 0, 5000);
            in.cluster_id = m.cluster_id.value_or("");
            return in;
        }
        default:
            return fail("not a raft request");
    }
}

Bytes encode_response(const Response& response, ApiKey key, std::int16_t version) {
    (void)key;
    return std::visit(
        [&](const auto& r) -> Bytes {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, VoteResponse>) {
                protocol::VoteResponse m;
                protocol::VoteResponse::PartitionData p;
                p.partition_index = 0;
                p.error_code = refusal_code(r.refused);
                p.leader_id = r.leader_id;
                p.leader_epoch = r.epoch;
                p.vote_granted = r.granted;
                m.topics.push_back({std::string(kMetadataTopic), {p}});
                return encode(m, version);
            } else if constexpr (std::is_same_v<T, BeginQuorumEpochResponse>) {
                protocol::BeginQuorumEpochResponse m;
                protocol::BeginQuorumEpochResponse::PartitionData p;
                p.partition_index = 0;
                p.error_code = refusal_code(r.refused);
                p.leader_id = r.leader_id;
                p.leader_epoch = r.epoch;
                m.topics.push_back({std::string(kMetadataTopic), {p}});
                return encode(m, version);
            } else if constexpr (std::is_same_v<T, EndQuorumEpochResponse>) {
                protocol::EndQuorumEpochResponse m;
                protocol::EndQuorumEpochResponse::PartitionData p;
                p.partition_index = 0;
                p.error_code = refusal_code(r.refused);
                p.leader_id = r.leader_id;
                p.leader_epoch = r.epoch;
                m.topics.push_back({std::string(kMetadataTopic), {p}});
                return encode(m, version);
            } else {
                protocol::FetchResponse m;
                protocol::FetchResponse::PartitionData p;
                p.partition_index = 0;
                p.error_code = fetch_error_code(r.error);
                p.high_watermark = r.high_watermark;
                p.last_stable_offset = r.high_watermark;
                p.log_start_offset = 0;
                p.current_leader = {r.leader_id, r.epoch};
                if (r.diverging_epoch)
                    p.diverging_epoch = {r.diverging_epoch->first, r.diverging_epoch->second};
                p.records = entries_to_batches(r.entries);
                protocol::FetchResponse::FetchableTopicResponse t;
                t.topic = std::string(kMetadataTopic);
                t.partitions = {std::move(p)};
                m.responses = {std::move(t)};
                return encode(m, version);
            }
        },
        response);
}

Bytes encode_error_response(ApiKey key, std::int16_t version, ErrorCode error) {
    const auto code = protocol::to_wire(error);
    switch (key) {
        case ApiKey::Vote: {
            protocol::VoteResponse m;
            m.error_code = code;
            return encode(m, version);
        }
        case ApiKey::BeginQuorumEpoch: {
            protocol::BeginQuorumEpochResponse m;
            m.error_code = code;
            return encode(m, version);
        }
        case ApiKey::EndQuorumEpoch: {
            protocol::EndQuorumEpochResponse m;
            m.error_code = code;
            return encode(m, version);
        }
        default: {
            protocol::FetchResponse m;
            m.error_code = code;
            return encode(m, version);
        }
    }
}

}  // namespace kraftlab::raft::wire
