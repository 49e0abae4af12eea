#include "net/kafka_server.h"

#include <boost/asio/post.hpp>
#include <deque>

#include "net/frame_io.h"
#include "net/lab_timer.h"

namespace kraftlab::net {

namespace {
// A request header is at least api key, version and correlation id.
constexpr std::size_t kMinRequestBytes = 8;
// A connection keeps its frame buffer between requests up to this capacity.
constexpr std::size_t kKeptFrameCapacity = 64 * 1024;
// Answers held by a delaying clients link, per connection, before the next request waits.
constexpr std::size_t kMaxOutgoing = 64;
}  // namespace

struct KafkaServer::Session {
    explicit Session(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    SessionInfo info;
    FrameAccount account;
    bool serving = false;  // a request is being handled or its answer written
    core::LabTime::time_point accepted_at = core::LabTime::now();
    // The lab network: whether the peer is a client (not a node), known at its first request;
    // the port it connects from.
    std::optional<bool> client;
    std::uint16_t peer_port = 0;
    RpcEvent pending;  // the RPC being served, for the tap
    // When the client sent the request being read, as well as the server can tell: a frame
    // already waiting in the socket was sent with the one before it (pipelined), else now.
    core::LabClock::duration sent_estimate = accepted_at.time_since_epoch();
    // Answers on their way back over a delaying link, in order: a writer sends each when it is
    // due while the next request is served (as a broker's answer in flight does not hold up the
    // next request). `room` wakes the serve loop when the queue has room again.
    struct Outgoing {
        protocol::Bytes head;
        protocol::Bytes body;
        core::LabClock::duration due{0};
        RpcEvent event;
    };
    std::deque<Outgoing> outgoing;
    bool writer_running = false;
    std::unique_ptr<LabTimer> room;
};

namespace {
std::int64_t lab_ns() {
    return core::LabTime::now().time_since_epoch().count();
}
bool handshake_api(std::int16_t key) {
    return key == protocol::to_wire(protocol::ApiKey::ApiVersions) ||
           key == protocol::to_wire(protocol::ApiKey::SaslHandshake) ||
           key == protocol::to_wire(protocol::ApiKey::SaslAuthenticate);
}
}  // namespace

KafkaServer::KafkaServer(asio::io_context& io, Options options, Handler handler,
                         Rejected on_rejected)
    : io_(io),
      options_(options),
      handler_(std::move(handler)),
      on_rejected_(std::move(on_rejected)),
      pool_(io.get_executor(), options.queued_max_request_bytes),
      idle_timer_(io) {}

KafkaServer::~KafkaServer() {
    stop(false);
}

std::optional<std::string> KafkaServer::listen(const std::string& host, std::uint16_t port) {
    error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec) return "'" + host + "' is not an IP address";
    acceptor_ = std::make_unique<tcp::acceptor>(io_);
    tcp::endpoint endpoint(address, port);
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        acceptor_.reset();
        return "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message();
    }
    port_ = acceptor_->local_endpoint().port();
    return std::nullopt;
}

void KafkaServer::start() {
    if (options_.network) {
        attachment_ = options_.network->attach(
            options_.network->clients(), options_.node, 0,
            [this] { asio::post(io_, [this] { reset_client_sessions(); }); });
    }
    asio::co_spawn(io_, accept_loop(), asio::detached);
    if (options_.connections_max_idle_ms > 0) asio::co_spawn(io_, idle_sweep(), asio::detached);
    if (options_.authentication_timeout_ms > 0)
        asio::co_spawn(io_, authentication_sweep(), asio::detached);
}

void KafkaServer::make_room_for_unauthenticated() {
    if (options_.max_unauthenticated_connections <= 0) return;
    std::int32_t waiting = 0;
    std::shared_ptr<Session> oldest;
    for (const auto& s : sessions_) {
        if (s->info.principal || !s->socket.is_open()) continue;
        ++waiting;
        if (!oldest || s->accepted_at < oldest->accepted_at) oldest = s;
    }
    if (waiting < options_.max_unauthenticated_connections || !oldest) return;
    on_rejected_(oldest->info, std::to_string(waiting) +
                                   " connections were waiting to authenticate (the cap); the "
                                   "oldest is closed to make room");
    error_code ignored;
    oldest->socket.shutdown(tcp::socket::shutdown_both, ignored);
    oldest->socket.close(ignored);
    ++unauthenticated_closed_total_;
    pool_.wake_all();  // it may have been waiting for the pool
}

awaitable<void> KafkaServer::authentication_sweep() {
    using namespace std::chrono;
    const auto limit = milliseconds(options_.authentication_timeout_ms);
    auth_timer_ = std::make_unique<LabTimer>(io_);
    while (!stopping_) {
        auth_timer_->expires_after(std::max(milliseconds(50), limit / 4));
        error_code ec;
        co_await auth_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) co_return;
        const auto now = core::LabTime::now();
        bool closed_any = false;
        for (const auto& s : sessions_) {
            if (s->info.principal || !s->socket.is_open() || now - s->accepted_at < limit) continue;
            on_rejected_(s->info, "it did not authenticate within " +
                                      std::to_string(options_.authentication_timeout_ms) + " ms");
            error_code ignored;
            s->socket.shutdown(tcp::socket::shutdown_both, ignored);
            s->socket.close(ignored);
            ++unauthenticated_closed_total_;
            closed_any = true;
        }
        if (closed_any) pool_.wake_all();
    }
}

void KafkaServer::release_request_bytes(Session& session) {
    pool_.release(session.account.held);
    session.account.held = 0;
}

awaitable<void> KafkaServer::idle_sweep() {
    using namespace std::chrono;
    const auto idle = milliseconds(options_.connections_max_idle_ms);
    // Checked four times per timeout: a connection is closed between 1 and 1.25 timeouts idle.
    // The timer is a member so that stop() cancels it: a pending sweep must not keep the node's
    // io_context running after the server stopped.
    while (!stopping_) {
        idle_timer_.expires_after(std::max(milliseconds(50), idle / 4));
        error_code ec;
        co_await idle_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) co_return;
        const auto now = core::LabTime::now();
        bool closed_any = false;
        for (const auto& s : sessions_) {
            // A connection stopped by a full pool before its frame's first byte holds nothing
            // and waits for others: not idle. One stalled inside a frame holds bytes: it is.
            bool waits_holding_nothing = s->account.waiting_for_pool && s->account.held == 0;
            if (s->serving || waits_holding_nothing || !s->socket.is_open()) continue;
            if (now - s->account.last_received < idle) continue;
            error_code ignored;
            s->socket.shutdown(tcp::socket::shutdown_both, ignored);
            s->socket.close(ignored);
            ++idle_closed_total_;
            closed_any = true;
        }
        if (closed_any) pool_.wake_all();  // a closed connection waiting for the pool ends
    }
}

void KafkaServer::reset_client_sessions() {
    if (stopping_) return;
    for (const auto& s : sessions_) {
        if (s->client.value_or(true) && s->socket.is_open()) reset_socket(s->socket);
    }
    pool_.wake_all();
}

awaitable<bool> KafkaServer::cross_in(Session& session, std::size_t bytes, bool already_buffered) {
    auto& network = *options_.network;
    RpcEvent& e = session.pending;
    e = RpcEvent{};
    e.from = network.clients();
    e.to = options_.node;
    e.request_bytes = static_cast<std::int32_t>(bytes);
    const auto now = core::LabTime::now().time_since_epoch();
    session.sent_estimate = already_buffered ? session.sent_estimate : now;
    e.sent_ns = session.sent_estimate.count();
    const Fate fate = network.send(e.from, e.to, bytes, session.sent_estimate);
    if (fate.kind != Fate::Kind::Deliver) {
        e.outcome = fate.kind == Fate::Kind::Cut ? RpcEvent::Outcome::RequestCut
                                                 : RpcEvent::Outcome::RequestLost;
        co_return false;
    }
    e.delayed = fate.delayed;
    e.duplicated = fate.duplicate;
    e.reordered = fate.reordered;
    if (fate.delayed) {
        LabTimer timer(io_);
        co_await wait_until(timer, core::LabTime::time_point(fate.due),
                            [this] { return stopping_; });
    }
    e.arrived_ns = lab_ns();
    co_return true;
}

awaitable<void> KafkaServer::write_later(std::shared_ptr<Session> session) {
    session->writer_running = true;
    LabTimer timer(io_);
    try {
        while (!session->outgoing.empty() && !stopping_) {
            auto& out = session->outgoing.front();  // deque: stays put while others are added
            if (!co_await wait_until(timer, core::LabTime::time_point(out.due),
                                     [this] { return stopping_; }))
                break;
            co_await write_frame(session->socket, out.head, out.body);
            bytes_sent_total_ += out.head.size() + out.body.size() + protocol::kFrameSizeBytes;
            out.event.returned_ns = lab_ns();
            options_.network->record(out.event);
            session->outgoing.pop_front();
            if (session->room) session->room->cancel();
        }
    } catch (const std::exception&) {
        error_code ignored;  // the peer went away: the serve loop ends on its next read
        session->socket.close(ignored);
    }
    session->outgoing.clear();
    session->writer_running = false;
    if (session->room) session->room->cancel();
}

void KafkaServer::stop(bool orderly) {
    if (stopping_) return;
    stopping_ = true;
    if (attachment_) {
        options_.network->detach(attachment_);
        attachment_ = 0;
    }
    error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
    if (auth_timer_) auth_timer_->cancel();
    pool_.close();
    idle_timer_.cancel();
    for (const auto& s : sessions_) {
        if (orderly) {
            s->socket.shutdown(tcp::socket::shutdown_both, ignored);
            s->socket.close(ignored);
        } else {
            reset_socket(s->socket);
        }
    }
}

awaitable<void> KafkaServer::accept_loop() {
    while (!stopping_) {
        error_code ec;
        tcp::socket socket =
            co_await acceptor_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (stopping_ || ec == asio::error::operation_aborted) co_return;
            continue;  // e.g. too many open files: keep serving the others
        }
        auto session = std::make_shared<Session>(std::move(socket));
        session->info.id = next_session_id_++;
        session->account.pool = &pool_;
        auto remote = session->socket.remote_endpoint(ec);
        session->info.peer =
            ec ? "unknown" : remote.address().to_string() + ":" + std::to_string(remote.port());
        session->peer_port = ec ? 0 : remote.port();
        if (static_cast<std::int32_t>(sessions_.size()) >= options_.max_connections) {
            on_rejected_(session->info, "max.connections (" +
                                            std::to_string(options_.max_connections) +
                                            ") reached; refused at once");
            reset_socket(session->socket);
            continue;
        }
        make_room_for_unauthenticated();
        session->socket.set_option(tcp::no_delay(true), ec);
        sessions_.insert(session);
        asio::co_spawn(io_, serve(session), asio::detached);
    }
}

awaitable<void> KafkaServer::serve(std::shared_ptr<Session> session) {
    protocol::Bytes frame;
    protocol::Bytes head;
    try {
        while (!stopping_) {
            if (session->serving) {
                // Answered: the idle time counts from here.
                session->serving = false;
                session->account.last_received = core::LabTime::now();
            }
            // The lab network: whether this request was sent before we came to read it.
            error_code available_ec;
            const bool already_buffered =
                options_.network && session->socket.available(available_ec) > 0 && !available_ec;
            auto read = co_await read_frame(session->socket, frame, options_.max_request_bytes,
                                            kMinRequestBytes, &session->account);
            if (stopping_) break;
            if (read.status != FrameStatus::Ok) {
                if (read.status == FrameStatus::OverBudget) {
                    on_rejected_(session->info,
                                 "it announced a " + std::to_string(read.announced_size) +
                                     "-byte request, above queued.max.request.bytes (" +
                                     std::to_string(pool_.budget()) + ")");
                } else if (read.status == FrameStatus::TooLarge) {
                    on_rejected_(session->info,
                                 "it announced a " + std::to_string(read.announced_size) +
                                     "-byte request, above socket.request.max.bytes (" +
                                     std::to_string(options_.max_request_bytes) + ")");
                } else if (read.status != FrameStatus::Closed) {
                    on_rejected_(session->info, std::string(describe(read.status)));
                }
                break;
            }
            bytes_received_total_ += frame.size() + protocol::kFrameSizeBytes;
            ++requests_total_;

            protocol::Reader in(frame);
            protocol::RequestHeader header;
            if (!protocol::decode_request_header(in, header)) {
                on_rejected_(session->info, "its request header is malformed");
                break;
            }
            session->info.client_id = header.client_id;
            session->serving = true;
            // The lab network's clients link: a node's own connections are not on it.
            if (options_.network && !session->client) {
                session->client = !options_.network->node_of_port(session->peer_port);
            }
            const bool on_link = options_.network && *session->client;
            if (on_link) {
                const bool arrived = co_await cross_in(
                    *session, frame.size() + protocol::kFrameSizeBytes, already_buffered);
                session->pending.api_key = header.api_key;
                session->pending.api_version = header.api_version;
                session->pending.correlation_id = header.correlation_id;
                if (stopping_) break;
                if (!arrived) {
                    options_.network->record(session->pending);
                    release_request_bytes(*session);
                    continue;  // lost on the way: the client waits for its own timeout
                }
            }
            session->info.note({});
            ServerReply reply = co_await handler_(header, in, session->info);
            if (on_link) {
                session->pending.detail = options_.network->detail(
                    {session->info.detail_topic, session->info.detail_partition,
                     session->info.detail_partitions, session->info.detail_offset});
            }
            if (on_link && session->pending.duplicated && !handshake_api(header.api_key) &&
                !stopping_) {
                // The link delivered it twice: the second copy is handled too; its answer is
                // lost on the way back.
                protocol::Reader again(frame);
                protocol::RequestHeader copy;
                if (protocol::decode_request_header(again, copy))
                    co_await handler_(copy, again, session->info);
            }
            // The request is served: its bytes go back to the pool, and a large frame's buffer
            // is freed rather than kept by an idle connection.
            release_request_bytes(*session);
            if (frame.capacity() > kKeptFrameCapacity) Bytes().swap(frame);
            if (stopping_) break;
            if (reply.action == ServerReply::Action::Close) {
                on_rejected_(session->info, reply.close_reason);
                break;
            }
            if (reply.action == ServerReply::Action::Silent) {
                if (on_link) {  // acks=0: nothing comes back
                    session->pending.outcome = RpcEvent::Outcome::Sent;
                    options_.network->record(session->pending);
                }
                continue;
            }

            head.clear();
            protocol::Writer w(head);
            protocol::encode_response_header(w, header.correlation_id, reply.header_version);
            if (on_link) {
                RpcEvent& e = session->pending;
                e.answered_ns = lab_ns();
                e.response_bytes = static_cast<std::int32_t>(head.size() + reply.body.size() +
                                                             protocol::kFrameSizeBytes);
                const Fate back = options_.network->send(options_.node, options_.network->clients(),
                                                         e.response_bytes);
                if (back.kind != Fate::Kind::Deliver) {
                    e.outcome = back.kind == Fate::Kind::Cut ? RpcEvent::Outcome::ResponseCut
                                                             : RpcEvent::Outcome::ResponseLost;
                    options_.network->record(e);
                    continue;
                }
                e.delayed = e.delayed || back.delayed;
                if (back.delayed || !session->outgoing.empty()) {
                    // On its way back: the next request is served meanwhile.
                    session->outgoing.push_back(
                        Session::Outgoing{head, std::move(reply.body), back.due, e});
                    if (!session->writer_running)
                        asio::co_spawn(io_, write_later(session), asio::detached);
                    while (session->outgoing.size() >= kMaxOutgoing && !stopping_) {
                        if (!session->room) session->room = std::make_unique<LabTimer>(io_);
                        session->room->expires_after(std::chrono::milliseconds(50));
                        error_code ec;
                        co_await session->room->async_wait(
                            asio::redirect_error(asio::use_awaitable, ec));
                    }
                    continue;
                }
            }
            co_await write_frame(session->socket, head, reply.body);
            bytes_sent_total_ += head.size() + reply.body.size() + protocol::kFrameSizeBytes;
            if (on_link) {
                session->pending.returned_ns = lab_ns();
                options_.network->record(session->pending);
            }
        }
    } catch (const std::exception&) {
        // A write failed: the peer went away. The connection ends; nothing to report.
    }
    if (!stopping_) {
        error_code ignored;
        session->socket.close(ignored);
    }
    release_request_bytes(*session);
    sessions_.erase(session);
}

}  // namespace kraftlab::net
