// KafkaClient: one client connection to one broker, as a Kafka client library keeps it.
//
// Connect (with a timeout), then the ApiVersions handshake (v3, falling back to v0 when the
// broker refuses v3), then SASL PLAIN if the config has credentials, then requests: pipelined on
// the one socket, each with a fresh correlation id, matched to responses in order (a Kafka broker
// answers a connection's requests in order).
//
// Failure model (Java's NetworkClient does the same):
//   - a request that gets no answer within its timeout closes the connection: after that the
//     stream cannot be trusted to line up with the requests any more;
//   - a closed or reset connection, an oversized or truncated response frame, or a response
//     whose correlation id is not the one expected, closes the connection and fails every
//     call waiting on it with ClientError::Disconnected (the message says why);
//   - a response body that does not decode fails only that call (ClientError::Malformed); the
//     framing is intact, so the connection stays.
// Responses are untrusted input: they are bounded (max_response_bytes, refused before anything
// is allocated) and decoded with the never-throwing protocol::Reader. Nothing a broker sends can
// crash the process.
//
// Bounds: at most max_in_flight calls (written or waiting to be written, one-way sends
// included); a call beyond that fails at once with ClientError::Busy, so callers keep their own
// limit below it. Memory is at most max_in_flight request frames plus one response frame.
//
// Threads: a client lives on its owner's io_context and every method must be called on that
// io_context's thread; nothing here locks. Create it with create() (it is kept alive by its own
// coroutines while they run); close() it or destroy the io_context to end it.
#pragma once

#include "net/asio.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "net/lab_network.h"
#include "net/lab_timer.h"
#include "net/sasl_plain.h"
#include "protocol/api_keys.h"
#include "protocol/api_versions.h"
#include "protocol/codec.h"
#include "protocol/fetch.h"
#include "protocol/find_coordinator.h"
#include "protocol/heartbeat.h"
#include "protocol/init_producer_id.h"
#include "protocol/join_group.h"
#include "protocol/leave_group.h"
#include "protocol/list_offsets.h"
#include "protocol/metadata.h"
#include "protocol/offset_commit.h"
#include "protocol/offset_fetch.h"
#include "protocol/offset_for_leader_epoch.h"
#include "protocol/produce.h"
#include "protocol/sync_group.h"

namespace kraftlab::net {

struct ClientError {
    enum class Kind : std::uint8_t {
        NotConnected,   // connect() was not called or did not succeed, or the client is closed
        ConnectFailed,  // TCP connect failed or timed out, or the handshake failed
        Disconnected,   // the connection ended (or was closed) while the call was pending
        Timeout,        // this call had no answer in time (the connection is closed because of it)
        Malformed,      // the response body does not decode for the request's API and version
        Unsupported,    // the broker does not speak this API version (from the handshake)
        Busy,           // max_in_flight calls are pending already
    };
    Kind kind = Kind::NotConnected;
    std::string message;  // plain words, e.g. "127.0.0.1:9092: the connection was reset"
};
std::string_view describe(ClientError::Kind kind);  // "timeout", "disconnected", ...

// A value or the error that prevented it. Result<std::monostate> is a plain success/failure.
template <typename T>
class Result {
  public:
    Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit on purpose
    Result(ClientError error) : v_(std::move(error)) {}  // NOLINT
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const ClientError& error() const { return std::get<1>(v_); }

  private:
    std::variant<T, ClientError> v_;
};
using Status = Result<std::monostate>;

// What a request is about, for the lab network's RpcEvents: its first partition and, for a fetch,
// the offset. None for requests that name no partition.
template <typename Request>
RequestDetail rpc_detail(const Request&) {
    return {};
}
RequestDetail rpc_detail(const protocol::FetchRequest& request);
RequestDetail rpc_detail(const protocol::ProduceRequest& request);
RequestDetail rpc_detail(const protocol::OffsetForLeaderEpochRequest& request);

// The response type of each request type the client speaks.
template <typename Request>
struct ResponseFor;
template <>
struct ResponseFor<protocol::MetadataRequest> {
    using type = protocol::MetadataResponse;
};
template <>
struct ResponseFor<protocol::ProduceRequest> {
    using type = protocol::ProduceResponse;
};
template <>
struct ResponseFor<protocol::FetchRequest> {
    using type = protocol::FetchResponse;
};
template <>
struct ResponseFor<protocol::ListOffsetsRequest> {
    using type = protocol::ListOffsetsResponse;
};
template <>
struct ResponseFor<protocol::OffsetForLeaderEpochRequest> {
    using type = protocol::OffsetForLeaderEpochResponse;
};
template <>
struct ResponseFor<protocol::ApiVersionsRequest> {
    using type = protocol::ApiVersionsResponse;
};
// The built-in producer's idempotence (lab/producer_sequences.h).
template <>
struct ResponseFor<protocol::InitProducerIdRequest> {
    using type = protocol::InitProducerIdResponse;
};
// A consumer group member's requests (the built-in consumer's lab/group_member.h).
template <>
struct ResponseFor<protocol::FindCoordinatorRequest> {
    using type = protocol::FindCoordinatorResponse;
};
template <>
struct ResponseFor<protocol::JoinGroupRequest> {
    using type = protocol::JoinGroupResponse;
};
template <>
struct ResponseFor<protocol::SyncGroupRequest> {
    using type = protocol::SyncGroupResponse;
};
template <>
struct ResponseFor<protocol::HeartbeatRequest> {
    using type = protocol::HeartbeatResponse;
};
template <>
struct ResponseFor<protocol::LeaveGroupRequest> {
    using type = protocol::LeaveGroupResponse;
};
template <>
struct ResponseFor<protocol::OffsetCommitRequest> {
    using type = protocol::OffsetCommitResponse;
};
template <>
struct ResponseFor<protocol::OffsetFetchRequest> {
    using type = protocol::OffsetFetchResponse;
};

struct KafkaClientConfig {
    std::string client_id = "kraftlab";
    std::string software_name = "kraftlab";  // ApiVersions v3 (KIP-511)
    std::string software_version = "0.1.0";
    std::int32_t connect_timeout_ms = 3'000;  // TCP connect plus the ApiVersions handshake
    std::int32_t request_timeout_ms = 10'000;
    std::size_t max_in_flight = 32;
    std::size_t max_response_bytes = 64 * 1024 * 1024;
    // Set: authenticate with SASL PLAIN right after the ApiVersions handshake (SaslHandshake v1,
    // then SaslAuthenticate, as librdkafka does); connect() fails if that is refused.
    std::optional<SaslCredentials> sasl;
    // Set: the connection is a link of the lab network (net/lab_network.h) from one node to
    // another; its faults apply to the connect, to every request written and to every response
    // read, and every call becomes an RpcEvent. Unset: a client's connection (the broker's
    // server applies the clients link).
    LinkRoute route;
};

// A response frame with its header already checked; body() is what the API's decoder reads.
struct RawResponse {
    protocol::Bytes frame;
    std::size_t body_offset = 0;
    protocol::ByteView body() const {
        return protocol::ByteView(frame).subspan(std::min(body_offset, frame.size()));
    }
};

class KafkaClient : public std::enable_shared_from_this<KafkaClient> {
  public:
    static std::shared_ptr<KafkaClient> create(asio::any_io_executor executor,
                                               KafkaClientConfig config = {});
    ~KafkaClient();
    KafkaClient(const KafkaClient&) = delete;
    KafkaClient& operator=(const KafkaClient&) = delete;

    // Connects and does the ApiVersions handshake. Call once; a client whose connection ended
    // is not reconnected (make a new one).
    awaitable<Status> connect(std::string host, std::uint16_t port);

    // Sends a request and waits for its response. timeout_ms 0 means config.request_timeout_ms
    // (a Fetch that may wait max_wait_ms at the broker needs more). The request is encoded
    // before the first suspension, so it need not outlive the call.
    template <typename Request>
    awaitable<Result<typename ResponseFor<Request>::type>> call(const Request& request,
                                                                std::int16_t version,
                                                                std::int32_t timeout_ms = 0);

    // A Produce with acks=0: the broker sends no response. Completes once the request is
    // written to the socket (what "sent" means for acks=0), or fails as a call does.
    awaitable<Status> send_without_response(const protocol::ProduceRequest& request,
                                            std::int16_t version);

    // Sends an already encoded request body and waits for the raw response (header checked).
    // detail: what the request is about, for the lab network's RpcEvent (route set).
    awaitable<Result<RawResponse>> call_raw(protocol::ApiKey key, std::int16_t version,
                                            protocol::Bytes body, std::int32_t timeout_ms = 0,
                                            RpcDetail detail = {});

    // Closes the connection; every pending call fails with Disconnected and `why`.
    void close(const std::string& why);

    bool is_open() const { return state_ == State::Open; }
    const std::string& address() const { return address_; }  // "127.0.0.1:9092"
    std::size_t in_flight() const { return in_flight_; }
    const KafkaClientConfig& config() const { return config_; }
    // The broker's version range for an API, from the handshake; nullopt if it has none.
    std::optional<std::pair<std::int16_t, std::int16_t>> version_range(protocol::ApiKey key) const;
    // Why the connection ended (empty while it is open or was never opened).
    const std::string& close_reason() const { return close_reason_; }

  private:
    struct Call;
    enum class State { Idle, Connecting, Open, Closed };

    KafkaClient(asio::any_io_executor executor, KafkaClientConfig config);

    // Builds the size-prefixed frame of a request with a fresh correlation id.
    protocol::Bytes frame_for(protocol::ApiKey key, std::int16_t version,
                              std::int32_t correlation_id, protocol::ByteView body) const;
    awaitable<Result<RawResponse>> exchange(protocol::ApiKey key, std::int16_t version,
                                            protocol::Bytes body, bool expects_response,
                                            std::int32_t timeout_ms, bool skip_version_check,
                                            RpcDetail detail = {});
    awaitable<Status> handshake();
    awaitable<Status> authenticate();
    void start_writer();
    static awaitable<void> write_loop(std::shared_ptr<KafkaClient> self);
    static awaitable<void> read_loop(std::shared_ptr<KafkaClient> self);
    void complete(Call& call);
    void fail_all(const ClientError& error);
    // The lab network (config.route): queue a call by its due time, hold a response until its
    // due time, and tell the tap how an RPC ended.
    void enqueue(std::shared_ptr<Call> call);
    static awaitable<void> deliver_later(std::shared_ptr<KafkaClient> self,
                                         std::shared_ptr<Call> call);
    void record(Call& call, RpcEvent::Outcome outcome);

    asio::any_io_executor executor_;
    KafkaClientConfig config_;
    tcp::socket socket_;
    State state_ = State::Idle;
    std::string address_;
    std::string close_reason_;
    std::int32_t next_correlation_id_ = 1;
    bool writing_ = false;
    std::size_t in_flight_ = 0;                   // calls accepted and not yet completed
    std::deque<std::shared_ptr<Call>> outbox_;    // not yet written
    std::deque<std::shared_ptr<Call>> awaiting_;  // written, response expected, in order
    std::vector<protocol::ApiVersionsResponse::ApiVersion> versions_;
    // Lab network only: the writer waits on pace_timer_ for the outbox's first due time;
    // writing_batch_ calls at the outbox's front are being written; attachment_ is this
    // connection in the network's table (for reset and to tell it from a client's).
    std::unique_ptr<LabTimer> pace_timer_;
    std::size_t writing_batch_ = 0;
    std::uint64_t attachment_ = 0;
};

template <typename Request>
awaitable<Result<typename ResponseFor<Request>::type>> KafkaClient::call(const Request& request,
                                                                         std::int16_t version,
                                                                         std::int32_t timeout_ms) {
    using Response = typename ResponseFor<Request>::type;
    protocol::Bytes body;
    protocol::Writer w(body);
    request.encode(w, version);
    // Not a conditional expression inside the co_await: g++ 12 evaluated (and destroyed) both
    // arms of one there, calling the network's detail() for a client with no network.
    RpcDetail detail;
    if (config_.route) detail = config_.route.network->detail(rpc_detail(request));
    auto raw = co_await call_raw(Request::kKey, version, std::move(body), timeout_ms, detail);
    if (!raw) co_return raw.error();
    Response response;
    protocol::Reader in(raw->body());
    if (!response.decode(in, version)) {
        co_return ClientError{
            ClientError::Kind::Malformed,
            address_ + ": the " +
                std::string(protocol::api_name(protocol::to_wire(Request::kKey))) + " v" +
                std::to_string(version) + " response does not decode (" +
                std::to_string(raw->body().size()) + " bytes)"};
    }
    co_return response;
}

}  // namespace kraftlab::net
