#include "broker/broker.h"

#include <chrono>
#include <future>

#include "broker/api_support.h"
#include "core/thread_name.h"
#include "net/frame_io.h"
#include "protocol/api_versions.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;
using net::error_code;
using net::tcp;
using protocol::Bytes;
using protocol::Reader;
using protocol::RequestHeader;
using protocol::Writer;

namespace {
// A request header is at least api key, version and correlation id.
constexpr std::size_t kMinRequestBytes = 8;
constexpr auto kStopGrace = std::chrono::seconds(5);
}  // namespace

struct Broker::Session {
    explicit Session(tcp::socket s) : socket(std::move(s)) {}
    std::uint64_t id = 0;
    tcp::socket socket;
    std::string peer;                      // "127.0.0.1:53122"
    std::optional<std::string> client_id;  // from the latest request header
};

Broker::Broker(BrokerConfig config, ControllerChannel& controller, core::EventBus& events,
               core::SnapshotBoard& snapshots)
    : config_(std::move(config)),
      controller_(controller),
      events_(events),
      snapshots_(snapshots),
      image_(metadata::MetadataImage::empty()) {}

Broker::~Broker() {
    if (running_) kill();
}

std::optional<std::string> Broker::start() {
    io_ = std::make_unique<asio::io_context>(1);
    mailbox_ = core::Mailbox::create(io_->get_executor());

    error_code ec;
    auto address = asio::ip::make_address(config_.host, ec);
    if (ec) return "'" + config_.host + "' is not an IP address";
    acceptor_ = std::make_unique<tcp::acceptor>(*io_);
    tcp::endpoint endpoint(address, config_.port);
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        std::string why = "broker " + std::to_string(config_.node_id) + " cannot listen on " +
                          config_.host + ":" + std::to_string(config_.port) + ": " + ec.message();
        acceptor_.reset();
        mailbox_->close();
        io_.reset();
        return why;
    }
    port_ = acceptor_->local_endpoint().port();

    logs_ = std::make_unique<LogManager>(config_.data_dir, config_.log, config_.node_id, events_);
    logs_->load_existing();

    snapshot_timer_ = std::make_unique<asio::steady_timer>(*io_);
    asio::co_spawn(*io_, accept_loop(), asio::detached);
    asio::co_spawn(*io_, snapshot_loop(), asio::detached);
    running_ = true;
    thread_ = std::thread([this] {
        core::name_this_thread("broker-" + std::to_string(config_.node_id));
        io_->run();
    });
    return std::nullopt;
}

void Broker::kill() {
    stop(false);
}
void Broker::shutdown() {
    stop(true);
}

void Broker::stop(bool orderly) {
    if (!running_.exchange(false)) return;
    mailbox_->close();
    asio::post(*io_, [this, orderly] {
        stopping_ = true;
        error_code ignored;
        acceptor_->close(ignored);
        for (const auto& s : sessions_) {
            if (orderly) {
                s->socket.shutdown(tcp::socket::shutdown_both, ignored);
                s->socket.close(ignored);
            } else {
                net::reset_socket(s->socket);
            }
        }
        for (auto* t : data_waiters_)
            t->cancel();
        for (auto* t : metadata_waiters_)
            t->cancel();
        for (auto& [id, call] : pending_calls_)
            call->timer->cancel();
        snapshot_timer_->cancel();
    });
    // Every coroutine sees stopping_ and ends; run() then returns. A coroutine stuck in a
    // syscall would be a bug: the grace period turns it into a forced stop instead of a hang.
    auto done = std::async(std::launch::async, [this] { thread_.join(); });
    if (done.wait_for(kStopGrace) != std::future_status::ready) {
        io_->stop();
        done.wait();
    }
    logs_->close_all(orderly);
    sessions_.clear();
    snapshot_timer_.reset();
    acceptor_.reset();
    io_.reset();  // destroys any coroutine frame still pending
    snapshots_.mark_down(config_.node_id);
}

Broker::MetadataInbox Broker::metadata_inbox() {
    return {mailbox_,
            [this](const std::vector<IndexedRecord>& records) { apply_metadata(records); }};
}

void Broker::apply_metadata(const std::vector<IndexedRecord>& records) {
    metadata::MetadataDelta delta(image_);
    for (const auto& [offset, record] : records) {
        if (offset <= image_->offset()) continue;
        std::string why;
        if (!delta.apply(record, offset, &why)) {
            events_.publish(EventKind::CommandFailed, NodeRef::broker(config_.node_id),
                            "broker " + std::to_string(config_.node_id) +
                                " skipped metadata record at offset " + std::to_string(offset) +
                                " (" + metadata::describe(record) + "): " + why);
        }
    }
    image_ = delta.build();
    metadata_ready_ = true;
    logs_->reconcile(*image_);
    for (auto* t : metadata_waiters_)
        t->cancel();
    // A partition this broker now leads may have fetches parked on it.
    notify_appended();
    publish_snapshot();
}

void Broker::notify_appended() {
    for (auto* t : data_waiters_)
        t->cancel();
}

// ---------------------------------------------------------------------------------------------
// Connections

net::awaitable<void> Broker::accept_loop() {
    while (!stopping_) {
        error_code ec;
        tcp::socket socket =
            co_await acceptor_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (stopping_ || ec == asio::error::operation_aborted) co_return;
            continue;  // e.g. too many open files: keep serving the others
        }
        if (static_cast<std::int32_t>(sessions_.size()) >= config_.max_connections) {
            events_.publish(EventKind::ClientRejected, NodeRef::broker(config_.node_id),
                            "broker " + std::to_string(config_.node_id) +
                                " refused a connection: max.connections (" +
                                std::to_string(config_.max_connections) + ") reached");
            net::reset_socket(socket);
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto session = std::make_shared<Session>(std::move(socket));
        session->id = next_session_id_++;
        auto remote = session->socket.remote_endpoint(ec);
        session->peer =
            ec ? "unknown" : remote.address().to_string() + ":" + std::to_string(remote.port());
        sessions_.insert(session);
        asio::co_spawn(*io_, serve(session), asio::detached);
    }
}

void Broker::reject_client(const Session& session, std::string explain) {
    nlohmann::json data = {{"peer", session.peer}};
    if (session.client_id) data["client_id"] = *session.client_id;
    events_.publish(EventKind::ClientRejected, NodeRef::broker(config_.node_id),
                    "broker " + std::to_string(config_.node_id) + " closed the connection from " +
                        session.peer + ": " + explain,
                    std::move(data));
}

net::awaitable<void> Broker::serve(std::shared_ptr<Session> session) {
    Bytes frame;
    Bytes head;
    try {
        while (!stopping_) {
            auto read = co_await net::read_frame(
                session->socket, frame, config_.socket_request_max_bytes, kMinRequestBytes);
            if (stopping_) break;
            if (read.status != net::FrameStatus::Ok) {
                if (read.status == net::FrameStatus::TooLarge) {
                    reject_client(*session,
                                  "it announced a " + std::to_string(read.announced_size) +
                                      "-byte request, above socket.request.max.bytes (" +
                                      std::to_string(config_.socket_request_max_bytes) + ")");
                } else if (read.status != net::FrameStatus::Closed) {
                    reject_client(*session, std::string(net::describe(read.status)));
                }
                break;
            }
            bytes_received_total_ += frame.size() + protocol::kFrameSizeBytes;
            ++requests_total_;

            Reader in(frame);
            RequestHeader header;
            if (!protocol::decode_request_header(in, header)) {
                reject_client(*session, "its request header is malformed");
                break;
            }
            session->client_id = header.client_id;
            Reply reply = co_await dispatch(header, in, *session);
            if (stopping_) break;
            if (reply.action == Reply::Action::Close) {
                reject_client(*session, reply.close_reason);
                break;
            }
            if (reply.action == Reply::Action::Silent) continue;

            head.clear();
            Writer w(head);
            protocol::encode_response_header(
                w, header.correlation_id,
                is_supported(header.api_key, header.api_version)
                    ? protocol::response_header_version(header.key(), header.api_version)
                    : 0);
            co_await net::write_frame(session->socket, head, reply.body);
            bytes_sent_total_ += head.size() + reply.body.size() + protocol::kFrameSizeBytes;
        }
    } catch (const std::exception&) {
        // A write failed: the peer went away. Nothing to report; the connection ends.
    }
    if (!stopping_) {
        error_code ignored;
        session->socket.close(ignored);
    }
    sessions_.erase(session);
}

Bytes Broker::unsupported_version_body() const {
    protocol::ApiVersionsResponse response;
    response.error_code = protocol::to_wire(protocol::ErrorCode::UNSUPPORTED_VERSION);
    for (const auto& api : supported_apis()) {
        response.api_keys.push_back({protocol::to_wire(api.key), api.min_version, api.max_version});
    }
    Bytes body;
    Writer w(body);
    response.encode(w, 0);
    return body;
}

net::awaitable<Broker::Reply> Broker::dispatch(const RequestHeader& header, Reader& body,
                                               Session& session) {
    using protocol::ApiKey;
    (void)session;
    if (header.key() == ApiKey::ApiVersions) co_return co_await handle_api_versions(header, body);
    if (!is_supported(header.api_key, header.api_version)) {
        auto range = supported_range(header.api_key);
        std::string what = std::string(protocol::api_name(header.api_key)) + " v" +
                           std::to_string(header.api_version);
        nlohmann::json data = {{"api_key", header.api_key},
                               {"api_version", header.api_version},
                               {"peer", session.peer}};
        events_.publish(EventKind::ClientRejected, NodeRef::broker(config_.node_id),
                        "broker " + std::to_string(config_.node_id) + " answered " + what +
                            " (api key " + std::to_string(header.api_key) +
                            ") with UNSUPPORTED_VERSION: " +
                            (range ? "it speaks v" + std::to_string(range->min_version) + "-" +
                                         std::to_string(range->max_version)
                                   : std::string("it does not implement this API")),
                        std::move(data));
        co_return Reply::respond(unsupported_version_body());
    }
    switch (header.key()) {
        case ApiKey::Metadata:
            co_return co_await handle_metadata(header, body);
        case ApiKey::Produce:
            co_return co_await handle_produce(header, body);
        case ApiKey::Fetch:
            co_return co_await handle_fetch(header, body);
        case ApiKey::ListOffsets:
            co_return co_await handle_list_offsets(header, body);
        case ApiKey::FindCoordinator:
            co_return co_await handle_find_coordinator(header, body);
        case ApiKey::CreateTopics:
            co_return co_await handle_create_topics(header, body);
        case ApiKey::DeleteTopics:
            co_return co_await handle_delete_topics(header, body);
        default:
            co_return Reply::respond(unsupported_version_body());
    }
}

// ---------------------------------------------------------------------------------------------
// Controller calls and waits

net::awaitable<std::vector<metadata::TopicResult>> Broker::call_controller(
    std::vector<std::string> names,
    const std::function<void(ControllerChannel::TopicsDone)>& send) {
    asio::steady_timer timer(*io_, std::chrono::milliseconds(config_.controller_timeout_ms));
    PendingCall call{&timer, std::nullopt};
    const std::uint64_t id = next_call_id_++;
    pending_calls_[id] = &call;
    send([mailbox = mailbox_, this, id](std::vector<metadata::TopicResult> r) {
        mailbox->post([this, id, r = std::move(r)]() mutable {
            auto it = pending_calls_.find(id);
            if (it == pending_calls_.end()) return;
            it->second->result = std::move(r);
            it->second->timer->cancel();
        });
    });
    error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    pending_calls_.erase(id);
    if (call.result) co_return std::move(*call.result);
    std::vector<metadata::TopicResult> failed;
    for (auto& n : names) {
        failed.push_back({n, protocol::ErrorCode::REQUEST_TIMED_OUT,
                          "the controller did not answer within " +
                              std::to_string(config_.controller_timeout_ms) + " ms"});
    }
    co_return failed;
}

net::awaitable<std::vector<metadata::TopicResult>> Broker::call_create_topics(
    std::vector<metadata::NewTopic> topics, bool validate_only) {
    std::vector<std::string> names;
    for (const auto& t : topics)
        names.push_back(t.name);
    co_return co_await call_controller(std::move(names), [&](ControllerChannel::TopicsDone done) {
        controller_.create_topics(std::move(topics), validate_only, std::move(done));
    });
}

net::awaitable<std::vector<metadata::TopicResult>> Broker::call_delete_topics(
    std::vector<std::string> names) {
    co_return co_await call_controller(names, [&](ControllerChannel::TopicsDone done) {
        controller_.delete_topics(names, std::move(done));
    });
}

net::awaitable<void> Broker::await_topics(std::vector<std::string> names, bool present,
                                          std::int32_t timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    asio::steady_timer timer(*io_);
    while (!stopping_) {
        bool all = true;
        for (const auto& n : names) {
            if (static_cast<bool>(image_->topic(n)) != present) {
                all = false;
                break;
            }
        }
        if (all || std::chrono::steady_clock::now() >= deadline) co_return;
        timer.expires_at(deadline);
        metadata_waiters_.push_back(&timer);
        error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        metadata_waiters_.remove(&timer);
    }
}

protocol::ErrorCode Broker::led_partition(const std::string& topic, std::int32_t partition,
                                          const metadata::PartitionInfo** info,
                                          HostedPartition** hosted) {
    const auto* p = image_->partition(topic, partition);
    if (info) *info = p;
    if (!p) return protocol::ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
    if (p->leader != config_.node_id) return protocol::ErrorCode::NOT_LEADER_OR_FOLLOWER;
    HostedPartition* h = logs_->find(topic, partition);
    if (!h || !h->log) return protocol::ErrorCode::NOT_LEADER_OR_FOLLOWER;
    if (hosted) *hosted = h;
    return protocol::ErrorCode::NONE;
}

// ---------------------------------------------------------------------------------------------
// Snapshots

net::awaitable<void> Broker::snapshot_loop() {
    while (!stopping_) {
        publish_snapshot();
        snapshot_timer_->expires_after(std::chrono::milliseconds(config_.snapshot_interval_ms));
        error_code ec;
        co_await snapshot_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void Broker::publish_snapshot() {
    auto s = std::make_shared<core::BrokerSnapshot>();
    s->id = config_.node_id;
    s->up = true;
    s->host = config_.host;
    s->port = port_;
    s->time_ms = core::now_unix_ms();
    s->metadata_offset = image_->offset();
    s->connections = static_cast<std::int32_t>(sessions_.size());
    s->requests_total = requests_total_;
    s->produce_requests_total = produce_requests_total_;
    s->fetch_requests_total = fetch_requests_total_;
    s->bytes_received_total = bytes_received_total_;
    s->bytes_sent_total = bytes_sent_total_;
    logs_->for_each([&](HostedPartition& p) {
        if (!p.log) return;
        core::PartitionSnapshot ps;
        ps.topic = p.topic;
        ps.partition = p.partition;
        if (const auto* info = image_->partition(p.topic, p.partition)) {
            ps.is_leader = info->leader == config_.node_id;
            ps.leader_epoch = info->leader_epoch;
        }
        ps.log_start_offset = p.log->log_start_offset();
        ps.log_end_offset = p.log->log_end_offset();
        ps.high_watermark = ps.log_end_offset;  // one replica: everything written is committed
        ps.size_bytes = p.log->size_bytes();
        ps.segments = p.log->segment_count();
        ps.records_in_total = p.records_in_total;
        ps.bytes_in_total = p.bytes_in_total;
        ps.bytes_out_total = p.bytes_out_total;
        ps.recent_keys = p.recent_keys.keys();
        ps.recent_keys_end_offset = p.recent_keys.end_offset();
        s->partitions.push_back(std::move(ps));
    });
    snapshots_.publish(std::move(s));
}

}  // namespace kraftlab::broker
