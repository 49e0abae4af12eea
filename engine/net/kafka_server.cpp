#include "net/kafka_server.h"

#include "net/frame_io.h"

namespace kraftlab::net {

namespace {
// A request header is at least api key, version and correlation id.
constexpr std::size_t kMinRequestBytes = 8;
}  // namespace

struct KafkaServer::Session {
    explicit Session(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    SessionInfo info;
};

KafkaServer::KafkaServer(asio::io_context& io, Options options, Handler handler,
                         Rejected on_rejected)
    : io_(io),
      options_(options),
      handler_(std::move(handler)),
      on_rejected_(std::move(on_rejected)) {}

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
    asio::co_spawn(io_, accept_loop(), asio::detached);
}

void KafkaServer::stop(bool orderly) {
    if (stopping_) return;
    stopping_ = true;
    error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
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
        auto remote = session->socket.remote_endpoint(ec);
        session->info.peer =
            ec ? "unknown" : remote.address().to_string() + ":" + std::to_string(remote.port());
        if (static_cast<std::int32_t>(sessions_.size()) >= options_.max_connections) {
            on_rejected_(session->info, "max.connections (" +
                                            std::to_string(options_.max_connections) +
                                            ") reached; refused at once");
            reset_socket(session->socket);
            continue;
        }
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
            auto read = co_await read_frame(session->socket, frame, options_.max_request_bytes,
                                            kMinRequestBytes);
            if (stopping_) break;
            if (read.status != FrameStatus::Ok) {
                if (read.status == FrameStatus::TooLarge) {
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
            ServerReply reply = co_await handler_(header, in, session->info);
            if (stopping_) break;
            if (reply.action == ServerReply::Action::Close) {
                on_rejected_(session->info, reply.close_reason);
                break;
            }
            if (reply.action == ServerReply::Action::Silent) continue;

            head.clear();
            protocol::Writer w(head);
            protocol::encode_response_header(w, header.correlation_id, reply.header_version);
            co_await write_frame(session->socket, head, reply.body);
            bytes_sent_total_ += head.size() + reply.body.size() + protocol::kFrameSizeBytes;
        }
    } catch (const std::exception&) {
        // A write failed: the peer went away. The connection ends; nothing to report.
    }
    if (!stopping_) {
        error_code ignored;
        session->socket.close(ignored);
    }
    sessions_.erase(session);
}

}  // namespace kraftlab::net
