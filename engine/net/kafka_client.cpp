#include "net/kafka_client.h"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "net/frame_io.h"
#include "net/lab_timer.h"
#include "protocol/errors.h"
#include "protocol/header.h"
#include "protocol/sasl_authenticate.h"
#include "protocol/sasl_handshake.h"

namespace kraftlab::net {

using protocol::ApiKey;
using protocol::Bytes;
using protocol::Reader;
using protocol::Writer;

namespace {
// Frames gathered into one write: enough to amortise the syscall, few enough to keep the
// buffer list small.
constexpr std::size_t kMaxFramesPerWrite = 64;
// A response frame holds at least the correlation id.
constexpr std::size_t kMinResponseBytes = 4;
constexpr std::int16_t kHandshakeVersion = 3;
}  // namespace

std::string_view describe(ClientError::Kind kind) {
    switch (kind) {
        case ClientError::Kind::NotConnected:
            return "not connected";
        case ClientError::Kind::ConnectFailed:
            return "connect failed";
        case ClientError::Kind::Disconnected:
            return "disconnected";
        case ClientError::Kind::Timeout:
            return "timeout";
        case ClientError::Kind::Malformed:
            return "malformed response";
        case ClientError::Kind::Unsupported:
            return "unsupported version";
        case ClientError::Kind::Busy:
            return "too many requests in flight";
    }
    return "unknown";
}

// One request on its way: in the outbox until written, then (unless one-way) in awaiting_
// until its response arrives. The caller's coroutine sleeps on `timer`, which expires at the
// call's deadline and is cancelled when the call completes.
struct KafkaClient::Call {
    explicit Call(const asio::any_io_executor& ex) : timer(ex) {}
    ApiKey key = ApiKey::ApiVersions;
    std::int16_t version = 0;
    std::int32_t correlation_id = 0;
    bool expects_response = true;
    Bytes frame;  // size prefix + header + body; released once written
    LabTimer timer;
    bool done = false;
    std::optional<ClientError> error;
    Bytes response;  // the whole response frame
    std::size_t body_offset = 0;
    // The lab network (config.route): when the frame may be written, whether a second copy
    // follows it, and what the tap is told. A ghost is that second copy's place in awaiting_:
    // its response is read and dropped.
    core::LabClock::duration due{0};
    bool duplicate = false;
    bool ghost = false;
    bool delayed = false;
    bool reordered = false;
    bool recorded = false;
    std::optional<RpcEvent::Outcome> lost;  // the request or its response never arrived
    std::int32_t request_bytes = 0;
    std::int32_t response_bytes = 0;
    std::int64_t sent_ns = 0;
    std::int64_t arrived_ns = 0;
    std::int64_t answered_ns = 0;
    RpcDetail detail;
};

namespace {
std::int64_t lab_ns() {
    return core::LabTime::now().time_since_epoch().count();
}
}  // namespace

std::shared_ptr<KafkaClient> KafkaClient::create(asio::any_io_executor executor,
                                                 KafkaClientConfig config) {
    return std::shared_ptr<KafkaClient>(new KafkaClient(std::move(executor), std::move(config)));
}

KafkaClient::KafkaClient(asio::any_io_executor executor, KafkaClientConfig config)
    : executor_(std::move(executor)), config_(std::move(config)), socket_(executor_) {}

KafkaClient::~KafkaClient() {
    error_code ignored;
    socket_.close(ignored);
    if (attachment_ && config_.route) config_.route.network->detach(attachment_);
}

std::optional<std::pair<std::int16_t, std::int16_t>> KafkaClient::version_range(ApiKey key) const {
    for (const auto& v : versions_) {
        if (v.api_key == protocol::to_wire(key))
            return std::make_pair(v.min_version, v.max_version);
    }
    return std::nullopt;
}

awaitable<Status> KafkaClient::connect(std::string host, std::uint16_t port) {
    auto self = shared_from_this();
    address_ = host + ":" + std::to_string(port);
    if (state_ != State::Idle) {
        co_return ClientError{ClientError::Kind::NotConnected,
                              address_ + ": connect() was already called on this client"};
    }
    error_code ec;
    auto ip = asio::ip::make_address(host, ec);
    if (ec) {
        state_ = State::Closed;
        co_return ClientError{ClientError::Kind::ConnectFailed,
                              "'" + host + "' is not an IP address"};
    }
    state_ = State::Connecting;

    if (config_.route &&
        !config_.route.network->can_connect(config_.route.from, config_.route.to)) {
        // The link is cut: a SYN into silence. Wait for the link to heal, or the connect
        // timeout, as TCP would (polled on lab time).
        const auto deadline =
            core::LabTime::now() + std::chrono::milliseconds(config_.connect_timeout_ms);
        LabTimer poll(executor_);
        while (!config_.route.network->can_connect(config_.route.from, config_.route.to)) {
            if (core::LabTime::now() >= deadline || state_ != State::Connecting) {
                if (state_ == State::Connecting) state_ = State::Closed;
                close_reason_ = "cannot connect: no answer within " +
                                std::to_string(config_.connect_timeout_ms) +
                                " ms (the link is cut)";
                co_return ClientError{ClientError::Kind::ConnectFailed,
                                      address_ + ": " + close_reason_};
            }
            poll.expires_after(std::chrono::milliseconds(20));
            co_await poll.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
    }

    // The watchdog closes the socket if the connect takes too long; the connect then fails
    // with operation_aborted. Its handler owns what it touches (it may run after this frame).
    auto timed_out = std::make_shared<bool>(false);
    LabTimer watchdog(executor_, std::chrono::milliseconds(config_.connect_timeout_ms));
    watchdog.async_wait([self, timed_out](error_code e) {
        if (e || self->state_ != State::Connecting) return;
        *timed_out = true;
        error_code ignored;
        self->socket_.close(ignored);
    });
    co_await socket_.async_connect(tcp::endpoint(ip, port),
                                   asio::redirect_error(asio::use_awaitable, ec));
    watchdog.cancel();
    if (ec || *timed_out || state_ != State::Connecting) {
        std::string why =
            *timed_out ? "no answer within " + std::to_string(config_.connect_timeout_ms) + " ms"
                       : ec.message();
        state_ = State::Closed;
        close_reason_ = "cannot connect: " + why;
        error_code ignored;
        socket_.close(ignored);
        co_return ClientError{ClientError::Kind::ConnectFailed,
                              address_ + ": cannot connect: " + why};
    }
    socket_.set_option(tcp::no_delay(true), ec);
    state_ = State::Open;
    if (config_.route) {
        pace_timer_ = std::make_unique<LabTimer>(executor_);
        const auto local = socket_.local_endpoint(ec);
        std::weak_ptr<KafkaClient> weak = self;
        auto executor = executor_;
        attachment_ = config_.route.network->attach(config_.route.from, config_.route.to,
                                                    ec ? 0 : local.port(), [weak, executor] {
                                                        asio::post(executor, [weak] {
                                                            if (auto c = weak.lock())
                                                                c->close("the link was reset");
                                                        });
                                                    });
    }
    asio::co_spawn(executor_, read_loop(self), asio::detached);

    auto shaken = co_await handshake();
    if (!shaken) {
        close("the ApiVersions handshake failed: " + shaken.error().message);
        co_return ClientError{ClientError::Kind::ConnectFailed, shaken.error().message};
    }
    if (config_.sasl) {
        auto authenticated = co_await authenticate();
        if (!authenticated) {
            close("SASL authentication failed: " + authenticated.error().message);
            co_return ClientError{ClientError::Kind::ConnectFailed, authenticated.error().message};
        }
    }
    co_return std::monostate{};
}

awaitable<Status> KafkaClient::handshake() {
    // KIP-511: a broker that does not speak v3 answers with a v0-format body and
    // UNSUPPORTED_VERSION; the client then asks again in v0.
    for (std::int16_t version : {kHandshakeVersion, std::int16_t{0}}) {
        protocol::ApiVersionsRequest request{config_.software_name, config_.software_version};
        Bytes body;
        Writer w(body);
        request.encode(w, version);
        auto raw = co_await exchange(ApiKey::ApiVersions, version, std::move(body), true,
                                     config_.connect_timeout_ms, /*skip_version_check=*/true);
        if (!raw) co_return raw.error();
        protocol::ApiVersionsResponse response;
        Reader in(raw->body());
        bool decoded = response.decode(in, version);
        if (!decoded && version != 0) {
            Reader v0(raw->body());
            decoded = response.decode(v0, 0);
        }
        if (!decoded) {
            co_return ClientError{ClientError::Kind::Malformed, address_ + ": the ApiVersions v" +
                                                                    std::to_string(version) +
                                                                    " response does not decode"};
        }
        const auto error = static_cast<protocol::ErrorCode>(response.error_code);
        if (error == protocol::ErrorCode::UNSUPPORTED_VERSION && version != 0) continue;
        if (error != protocol::ErrorCode::NONE) {
            co_return ClientError{
                ClientError::Kind::ConnectFailed,
                address_ + ": ApiVersions answered " + std::string(protocol::error_name(error))};
        }
        versions_ = std::move(response.api_keys);
        co_return std::monostate{};
    }
    co_return ClientError{ClientError::Kind::ConnectFailed,
                          address_ + ": the broker refuses ApiVersions v0 and v3"};
}

awaitable<Status> KafkaClient::authenticate() {
    auto failed = [&](std::string why) {
        return ClientError{ClientError::Kind::ConnectFailed, address_ + ": " + std::move(why)};
    };
    const auto handshake_range = version_range(ApiKey::SaslHandshake);
    const auto authenticate_range = version_range(ApiKey::SaslAuthenticate);
    if (!handshake_range || handshake_range->second < 1 || !authenticate_range)
        co_return failed("the broker does not offer SASL (SaslHandshake v1, SaslAuthenticate)");
    {
        protocol::SaslHandshakeRequest request{std::string(kPlainMechanism)};
        Bytes body;
        Writer w(body);
        request.encode(w, 1);
        auto raw = co_await exchange(ApiKey::SaslHandshake, 1, std::move(body), true,
                                     config_.connect_timeout_ms, false);
        if (!raw) co_return raw.error();
        protocol::SaslHandshakeResponse response;
        Reader in(raw->body());
        if (!response.decode(in, 1)) co_return failed("the SaslHandshake response does not decode");
        const auto error = static_cast<protocol::ErrorCode>(response.error_code);
        if (error != protocol::ErrorCode::NONE) {
            co_return failed("SaslHandshake answered " + std::string(protocol::error_name(error)));
        }
    }
    const std::int16_t version = std::min<std::int16_t>(
        authenticate_range->second, protocol::SaslAuthenticateRequest::kMaxVersion);
    protocol::SaslAuthenticateRequest request{encode_plain_token(*config_.sasl)};
    Bytes body;
    Writer w(body);
    request.encode(w, version);
    auto raw = co_await exchange(ApiKey::SaslAuthenticate, version, std::move(body), true,
                                 config_.connect_timeout_ms, false);
    if (!raw) co_return raw.error();
    protocol::SaslAuthenticateResponse response;
    Reader in(raw->body());
    if (!response.decode(in, version))
        co_return failed("the SaslAuthenticate response does not decode");
    const auto error = static_cast<protocol::ErrorCode>(response.error_code);
    if (error != protocol::ErrorCode::NONE) {
        co_return failed("SaslAuthenticate answered " + std::string(protocol::error_name(error)) +
                         (response.error_message ? ": " + *response.error_message : ""));
    }
    co_return std::monostate{};
}

awaitable<Result<RawResponse>> KafkaClient::call_raw(ApiKey key, std::int16_t version, Bytes body,
                                                     std::int32_t timeout_ms, RpcDetail detail) {
    co_return co_await exchange(key, version, std::move(body), true, timeout_ms, false, detail);
}

namespace {
// The first partition a request names (filled in by `first`), and how many it names.
template <typename Topics, typename Name, typename Partitions, typename First>
RequestDetail first_partition(const Topics& topics, Name name, Partitions partitions, First first) {
    RequestDetail d;
    for (const auto& t : topics) {
        for (const auto& p : partitions(t)) {
            if (d.partitions++ == 0) {
                d.topic = name(t);
                first(d, p);
            }
        }
    }
    return d;
}
}  // namespace

RequestDetail rpc_detail(const protocol::FetchRequest& request) {
    return first_partition(
        request.topics, [](const auto& t) { return std::string_view(t.topic); },
        [](const auto& t) -> const auto& { return t.partitions; },
        [](RequestDetail& d, const auto& p) {
            d.partition = p.partition;
            d.offset = p.fetch_offset;
        });
}

RequestDetail rpc_detail(const protocol::ProduceRequest& request) {
    return first_partition(
        request.topic_data, [](const auto& t) { return std::string_view(t.name); },
        [](const auto& t) -> const auto& { return t.partition_data; },
        [](RequestDetail& d, const auto& p) { d.partition = p.index; });
}

RequestDetail rpc_detail(const protocol::OffsetForLeaderEpochRequest& request) {
    return first_partition(
        request.topics, [](const auto& t) { return std::string_view(t.topic); },
        [](const auto& t) -> const auto& { return t.partitions; },
        [](RequestDetail& d, const auto& p) { d.partition = p.partition; });
}

awaitable<Status> KafkaClient::send_without_response(const protocol::ProduceRequest& request,
                                                     std::int16_t version) {
    Bytes body;
    Writer w(body);
    request.encode(w, version);
    auto sent = co_await exchange(ApiKey::Produce, version, std::move(body), false, 0, false);
    if (!sent) co_return sent.error();
    co_return std::monostate{};
}

Bytes KafkaClient::frame_for(ApiKey key, std::int16_t version, std::int32_t correlation_id,
                             protocol::ByteView body) const {
    Bytes frame;
    frame.reserve(protocol::kFrameSizeBytes + 16 + config_.client_id.size() + body.size());
    Writer w(frame);
    w.i32(0);  // size, patched below
    protocol::encode_request_header(w, protocol::RequestHeader{protocol::to_wire(key), version,
                                                               correlation_id, config_.client_id});
    w.raw(body);
    w.patch_i32(0, static_cast<std::int32_t>(frame.size() - protocol::kFrameSizeBytes));
    return frame;
}

awaitable<Result<RawResponse>> KafkaClient::exchange(ApiKey key, std::int16_t version, Bytes body,
                                                     bool expects_response, std::int32_t timeout_ms,
                                                     bool skip_version_check, RpcDetail detail) {
    auto self = shared_from_this();
    const std::string what =
        std::string(protocol::api_name(protocol::to_wire(key))) + " v" + std::to_string(version);
    if (state_ != State::Open) {
        co_return ClientError{ClientError::Kind::NotConnected,
                              address_ + ": not connected" +
                                  (close_reason_.empty() ? "" : " (" + close_reason_ + ")")};
    }
    if (!skip_version_check) {
        auto range = version_range(key);
        if (!range || version < range->first || version > range->second) {
            co_return ClientError{ClientError::Kind::Unsupported,
                                  address_ + ": the broker does not speak " + what};
        }
    }
    if (in_flight() >= config_.max_in_flight) {
        co_return ClientError{ClientError::Kind::Busy, address_ + ": " +
                                                           std::to_string(config_.max_in_flight) +
                                                           " requests are in flight already"};
    }
    auto call = std::make_shared<Call>(executor_);
    call->key = key;
    call->version = version;
    call->correlation_id = next_correlation_id_;
    next_correlation_id_ = next_correlation_id_ == INT32_MAX ? 1 : next_correlation_id_ + 1;
    call->expects_response = expects_response;
    call->frame = frame_for(key, version, call->correlation_id, body);
    body = Bytes{};
    const std::int32_t wait_ms = timeout_ms > 0 ? timeout_ms : config_.request_timeout_ms;
    call->timer.expires_after(std::chrono::milliseconds(wait_ms));
    ++in_flight_;
    if (config_.route) {
        call->detail = detail;
        enqueue(call);
    } else {
        outbox_.push_back(call);
    }
    start_writer();

    error_code ec;
    co_await call->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!call->done) {
        // No answer in time. The responses can no longer be trusted to line up with the
        // requests, so the connection goes (and every other pending call with it).
        std::string why = what + " had no response within " + std::to_string(wait_ms) + " ms";
        if (config_.route && !call->recorded) record(*call, RpcEvent::Outcome::TimedOut);
        close(why);
        co_return ClientError{ClientError::Kind::Timeout, address_ + ": " + why};
    }
    if (call->error) co_return *call->error;
    co_return RawResponse{std::move(call->response), call->body_offset};
}

void KafkaClient::start_writer() {
    if (writing_ || outbox_.empty() || state_ != State::Open) return;
    writing_ = true;
    asio::co_spawn(executor_, write_loop(shared_from_this()), asio::detached);
}

awaitable<void> KafkaClient::write_loop(std::shared_ptr<KafkaClient> self) {
    std::vector<std::shared_ptr<Call>> batch;
    std::vector<asio::const_buffer> buffers;
    std::vector<std::shared_ptr<Call>> ghosts;
    while (self->state_ == State::Open && !self->outbox_.empty()) {
        batch.clear();
        buffers.clear();
        ghosts.clear();
        // On a lab network link a frame waits for its due time (delay, bandwidth).
        const auto now = core::LabTime::now().time_since_epoch();
        for (const auto& c : self->outbox_) {
            if (batch.size() == kMaxFramesPerWrite || c->due > now) break;
            batch.push_back(c);  // keeps the frame alive while the write runs
            buffers.push_back(asio::buffer(c->frame));
            if (c->duplicate) {
                // The link delivers it twice: the broker handles both; the copy's answer is read
                // and dropped (its place in awaiting_ is a ghost).
                buffers.push_back(asio::buffer(c->frame));
                auto ghost = std::make_shared<Call>(self->executor_);
                ghost->ghost = true;
                ghost->key = c->key;
                ghost->version = c->version;
                ghost->correlation_id = c->correlation_id;
                ghost->expects_response = c->expects_response;
                ghosts.push_back(std::move(ghost));
            }
        }
        if (batch.empty()) {
            error_code waited;
            self->pace_timer_->expires_at(core::LabTime::time_point(self->outbox_.front()->due));
            co_await self->pace_timer_->async_wait(
                asio::redirect_error(asio::use_awaitable, waited));
            continue;
        }
        // From the moment its bytes may reach the broker, a call can be answered.
        std::size_t g = 0;
        for (const auto& c : batch) {
            if (c->expects_response) self->awaiting_.push_back(c);
            if (c->duplicate) {
                if (c->expects_response) self->awaiting_.push_back(ghosts[g]);
                ++g;
            }
        }
        self->writing_batch_ = batch.size();
        error_code ec;
        co_await asio::async_write(self->socket_, buffers,
                                   asio::redirect_error(asio::use_awaitable, ec));
        self->writing_batch_ = 0;
        if (self->state_ != State::Open) break;  // closed meanwhile: every call has failed
        if (ec) {
            self->close("writing a request failed: " + ec.message());
            break;
        }
        const std::int64_t written_ns = lab_ns();
        for (std::size_t i = 0; i < batch.size(); ++i) {
            auto c = std::move(self->outbox_.front());
            self->outbox_.pop_front();
            c->frame = Bytes{};
            c->arrived_ns = written_ns;
            if (!c->expects_response) {
                if (self->config_.route) self->record(*c, RpcEvent::Outcome::Sent);
                self->complete(*c);
            }
        }
    }
    self->writing_ = false;
    // A call queued while the last write was finishing would otherwise wait for the next one.
    self->start_writer();
}

awaitable<void> KafkaClient::read_loop(std::shared_ptr<KafkaClient> self) {
    Bytes frame;
    while (self->state_ == State::Open) {
        auto read = co_await read_frame(self->socket_, frame, self->config_.max_response_bytes,
                                        kMinResponseBytes);
        if (self->state_ != State::Open) break;
        if (read.status != FrameStatus::Ok) {
            std::string why(describe(read.status));
            if (read.status == FrameStatus::TooLarge) {
                why = "the broker announced a " + std::to_string(read.announced_size) +
                      "-byte response, above the client's limit of " +
                      std::to_string(self->config_.max_response_bytes) + " bytes";
            } else if (read.status == FrameStatus::TooSmall) {
                why = "the broker announced a response of " + std::to_string(read.announced_size) +
                      " bytes";
            }
            self->close(why);
            break;
        }
        if (self->awaiting_.empty()) {
            self->close("the broker sent a response to no request");
            break;
        }
        auto call = self->awaiting_.front();
        const std::size_t frame_bytes = frame.size() + protocol::kFrameSizeBytes;
        Reader in(frame);
        const std::int32_t correlation_id = protocol::decode_response_header(
            in, protocol::response_header_version(call->key, call->version));
        if (!in.ok() || correlation_id != call->correlation_id) {
            self->close(in.ok() ? "a response carries correlation id " +
                                      std::to_string(correlation_id) + " where " +
                                      std::to_string(call->correlation_id) + " was due"
                                : "a response header is malformed");
            break;
        }
        self->awaiting_.pop_front();
        if (call->ghost) continue;  // the answer to a duplicate the link delivered
        call->body_offset = in.position();
        call->response = std::move(frame);
        frame = Bytes{};
        if (!self->config_.route) {
            self->complete(*call);
            continue;
        }
        call->answered_ns = lab_ns();
        call->response_bytes = static_cast<std::int32_t>(frame_bytes);
        const Fate fate = self->config_.route.network->send(self->config_.route.to,
                                                            self->config_.route.from, frame_bytes);
        if (fate.kind != Fate::Kind::Deliver) {
            // Lost on the way back: the broker acted on the request; the caller never hears
            // and waits for its timeout.
            call->response = Bytes{};
            self->record(*call, fate.kind == Fate::Kind::Cut ? RpcEvent::Outcome::ResponseCut
                                                             : RpcEvent::Outcome::ResponseLost);
            continue;
        }
        call->delayed = call->delayed || fate.delayed;
        call->reordered = call->reordered || fate.reordered;
        if (fate.delayed) {
            call->due = fate.due;
            asio::co_spawn(self->executor_, deliver_later(self, call), asio::detached);
        } else {
            self->complete(*call);
        }
    }
}

void KafkaClient::enqueue(std::shared_ptr<Call> call) {
    call->sent_ns = lab_ns();
    call->request_bytes = static_cast<std::int32_t>(call->frame.size());
    const Fate fate =
        config_.route.network->send(config_.route.from, config_.route.to, call->frame.size());
    if (fate.kind != Fate::Kind::Deliver) {
        // Never written: the caller waits for its own timeout, as across a silent network.
        call->frame = Bytes{};
        record(*call, fate.kind == Fate::Kind::Cut ? RpcEvent::Outcome::RequestCut
                                                   : RpcEvent::Outcome::RequestLost);
        if (!call->expects_response) complete(*call);  // acks=0: "sent" is all it knows
        return;
    }
    call->due = fate.due;
    call->duplicate = fate.duplicate;
    call->delayed = fate.delayed;
    call->reordered = fate.reordered;
    // In due order; the calls being written stay at the front.
    auto at = outbox_.end();
    if (fate.reordered) {
        at = std::upper_bound(outbox_.begin() + static_cast<std::ptrdiff_t>(writing_batch_),
                              outbox_.end(), call->due,
                              [](auto due, const auto& c) { return due < c->due; });
    }
    const bool first = at == outbox_.begin() + static_cast<std::ptrdiff_t>(writing_batch_);
    outbox_.insert(at, std::move(call));
    if (first && pace_timer_) pace_timer_->cancel();  // the writer waits for a later one
}

awaitable<void> KafkaClient::deliver_later(std::shared_ptr<KafkaClient> self,
                                           std::shared_ptr<Call> call) {
    LabTimer timer(self->executor_);
    co_await wait_until(timer, core::LabTime::time_point(call->due),
                        [&] { return call->done || self->state_ != State::Open; });
    if (call->done) co_return;
    if (self->state_ != State::Open) {
        // Closed while the answer was still on the link: the call is no longer among those
        // close() fails (its response was read), so it fails here, at once, rather than
        // waiting for its own timeout (which would hold a stopping node).
        if (self->config_.route && !call->recorded)
            self->record(*call, RpcEvent::Outcome::Disconnected);
        call->error = ClientError{ClientError::Kind::Disconnected,
                                  self->address_ + ": " + self->close_reason_};
        call->response = Bytes{};
    }
    self->complete(*call);
}

void KafkaClient::record(Call& call, RpcEvent::Outcome outcome) {
    if (call.recorded || !config_.route) return;
    call.recorded = true;
    RpcEvent e;
    e.from = config_.route.from;
    e.to = config_.route.to;
    e.api_key = protocol::to_wire(call.key);
    e.api_version = call.version;
    e.correlation_id = call.correlation_id;
    e.request_bytes = call.request_bytes;
    e.response_bytes = call.response_bytes;
    e.sent_ns = call.sent_ns;
    e.arrived_ns = call.arrived_ns;
    e.answered_ns = call.answered_ns;
    e.returned_ns = outcome == RpcEvent::Outcome::Delivered ? lab_ns() : 0;
    e.outcome = outcome;
    e.delayed = call.delayed;
    e.duplicated = call.duplicate;
    e.reordered = call.reordered;
    e.detail = call.detail;
    config_.route.network->record(e);
}

void KafkaClient::complete(Call& call) {
    if (call.done) return;
    call.done = true;
    if (config_.route && !call.recorded && !call.error && call.expects_response)
        record(call, RpcEvent::Outcome::Delivered);
    --in_flight_;
    call.timer.cancel();
}

void KafkaClient::fail_all(const ClientError& error) {
    auto outbox = std::move(outbox_);
    auto awaiting = std::move(awaiting_);
    outbox_.clear();
    awaiting_.clear();
    for (auto* queue : {&outbox, &awaiting}) {
        for (auto& c : *queue) {
            if (c->done || c->ghost) continue;
            if (config_.route && !c->recorded) record(*c, RpcEvent::Outcome::Disconnected);
            c->error = error;
            complete(*c);
        }
    }
}

void KafkaClient::close(const std::string& why) {
    if (state_ == State::Closed) return;
    state_ = State::Closed;
    close_reason_ = why;
    if (pace_timer_) pace_timer_->cancel();
    if (attachment_) {
        config_.route.network->detach(attachment_);
        attachment_ = 0;
    }
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    fail_all(ClientError{ClientError::Kind::Disconnected, address_ + ": " + why});
}

}  // namespace kraftlab::net
