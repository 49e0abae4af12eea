#include "raft/driver.h"

#include "core/events.h"
#include "net/lab_timer.h"
#include "raft/wire.h"

namespace kraftlab::raft {

namespace asio = net::asio;
using net::error_code;

struct RaftDriver::Peer {
    PeerAddress address;
    std::shared_ptr<net::KafkaClient> client;
    bool connecting = false;
    // Requests waiting for the connection, in order.
    std::vector<OutgoingRequest> waiting;
};

RaftDriver::RaftDriver(asio::io_context& io, RaftNode node, std::vector<PeerAddress> voters,
                       Hooks hooks, Options options)
    : io_(io), node_(std::move(node)), hooks_(std::move(hooks)), options_(std::move(options)) {
    for (auto& v : voters) {
        auto p = std::make_unique<Peer>();
        p->address = v;
        peers_[v.id] = std::move(p);
    }
}

std::int32_t RaftDriver::fetch_wait_ms() const {
    // A held fetch must come back well inside the fetcher's fetch timeout (Kafka holds 500 ms
    // of 2000); the timeouts can change while running.
    return static_cast<std::int32_t>(
        std::min<std::int64_t>(options_.fetch_max_wait_ms, node_.config().fetch_timeout_ms / 2));
}

RaftDriver::~RaftDriver() {
    stop();
}

std::int64_t RaftDriver::now_ms() const {
    return core::LabTime::now_ms();
}

bool RaftDriver::is_raft_api(protocol::ApiKey key) {
    using protocol::ApiKey;
    return key == ApiKey::Vote || key == ApiKey::BeginQuorumEpoch ||
           key == ApiKey::EndQuorumEpoch || key == ApiKey::Fetch;
}

void RaftDriver::start() {
    tick_timer_ = std::make_unique<net::LabTimer>(io_);
    asio::co_spawn(io_, tick_loop(), asio::detached);
    process();
}

void RaftDriver::stop() {
    if (stopping_) return;
    stopping_ = true;
    if (tick_timer_) tick_timer_->cancel();
    for (auto* t : parked_fetches_)
        t->cancel();
    for (auto& [id, p] : peers_) {
        if (p->client) p->client->close("the node is stopping");
    }
}

net::awaitable<void> RaftDriver::tick_loop() {
    while (!stopping_) {
        node_.tick(now_ms());
        process();
        tick_timer_->expires_after(std::chrono::milliseconds(options_.tick_interval_ms));
        error_code ec;
        co_await tick_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void RaftDriver::process() {
    if (failed_) return;
    for (;;) {
        Ready r = node_.ready();
        if (r.empty()) return;
        // Durable first (etcd's contract): the state, then the log, before any request leaves.
        std::optional<std::string> error;
        if (r.quorum_state && hooks_.persist_state) error = hooks_.persist_state(*r.quorum_state);
        if (!error && (r.truncate_to || !r.append.empty()) && hooks_.persist_log)
            error = hooks_.persist_log(r.truncate_to, r.append);
        if (error) {
            // Not durable, so nothing of this Ready may leave: halt, as Kafka's raft client does.
            failed_ = true;
            stop();
            if (hooks_.failed) hooks_.failed(*error);
            return;
        }
        for (auto& req : r.requests) {
            if (stopping_) break;
            asio::co_spawn(io_, send(std::move(req)), asio::detached);
        }
        if (!r.committed.empty() && hooks_.apply) hooks_.apply(r.committed);
        if (!r.changes.empty() && hooks_.changed) hooks_.changed(r.changes);
        if (!r.append.empty() || !r.committed.empty() || r.truncate_to) wake_fetchers();
    }
}

void RaftDriver::wake_fetchers() {
    for (auto* t : parked_fetches_)
        t->cancel();
}

RaftDriver::Peer* RaftDriver::peer(NodeId id) {
    auto it = peers_.find(id);
    return it == peers_.end() ? nullptr : it->second.get();
}

net::awaitable<void> RaftDriver::send(OutgoingRequest request) {
    Peer* p = peer(request.to);
    if (!p) {
        node_.request_failed(request.id, now_ms());
        process();
        co_return;
    }
    if (!p->client || !p->client->is_open()) {
        if (p->connecting) {
            // Another coroutine is connecting; it sends what waits once it is done.
            p->waiting.push_back(std::move(request));
            co_return;
        }
        p->connecting = true;
        net::KafkaClientConfig cfg;
        cfg.client_id = options_.client_id;
        cfg.connect_timeout_ms = 1000;
        cfg.sasl = options_.sasl;
        if (options_.network) {
            cfg.route = options_.network->route(options_.node_name,
                                                core::NodeRef::controller(p->address.id).label());
        }
        cfg.request_timeout_ms =
            static_cast<std::int32_t>(node_.config().request_timeout_ms) + fetch_wait_ms();
        auto client = net::KafkaClient::create(io_.get_executor(), cfg);
        auto status = co_await client->connect(p->address.host, p->address.port);
        p->connecting = false;
        if (stopping_) {
            client->close("the node is stopping");  // else its reader keeps the node running
            co_return;
        }
        std::vector<OutgoingRequest> queued = std::move(p->waiting);
        p->waiting.clear();
        if (!status.ok()) {
            node_.request_failed(request.id, now_ms());
            for (auto& q : queued)
                node_.request_failed(q.id, now_ms());
            process();
            co_return;
        }
        p->client = client;
        for (auto& q : queued)
            asio::co_spawn(io_, send(std::move(q)), asio::detached);
    }
    auto client = p->client;
    auto encoded = wire::encode_request(request.request, options_.cluster_id, fetch_wait_ms());
    const auto timeout = static_cast<std::int32_t>(node_.config().request_timeout_ms) +
                         (encoded.key == protocol::ApiKey::Fetch ? fetch_wait_ms() : 0);
    net::RpcDetail detail;
    const auto* fetch = std::get_if<FetchRequest>(&request.request);
    if (fetch && options_.network)
        detail = options_.network->detail({"__cluster_metadata", 0, 1, fetch->fetch_offset});
    auto result = co_await client->call_raw(encoded.key, encoded.version, std::move(encoded.body),
                                            timeout, detail);
    if (stopping_) co_return;
    if (!result.ok()) {
        node_.request_failed(request.id, now_ms());
        process();
        co_return;
    }
    std::string why;
    auto response = wire::decode_response(request.request, result->body(), encoded.version, &why);
    if (!response) {
        node_.request_failed(request.id, now_ms());
    } else {
        node_.handle_response(request.id, *response, now_ms());
    }
    process();
}

net::awaitable<protocol::Bytes> RaftDriver::serve(protocol::ApiKey key, std::int16_t version,
                                                  protocol::Reader& body) {
    std::string why;
    auto incoming = wire::decode_request(key, version, body, &why);
    if (!incoming)
        co_return wire::encode_error_response(key, version, protocol::ErrorCode::INVALID_REQUEST);
    if (!options_.cluster_id.empty() && !incoming->cluster_id.empty() &&
        incoming->cluster_id != options_.cluster_id) {
        co_return wire::encode_error_response(key, version,
                                              protocol::ErrorCode::INCONSISTENT_CLUSTER_ID);
    }
    // Long poll (Kafka's): a Fetch with nothing new for it waits for an append, a commit or its
    // deadline before the core sees it, once. Handing it to the core first and again on release
    // credited the leader with contact (check quorum) up to max_wait_ms after it happened.
    if (auto* fetch = std::get_if<FetchRequest>(&incoming->request);
        fetch && node_.fetch_would_wait(*fetch)) {
        const auto deadline =
            core::LabTime::now() + std::chrono::milliseconds(incoming->max_wait_ms);
        net::LabTimer timer(io_);
        while (!stopping_ && node_.fetch_would_wait(*fetch) && core::LabTime::now() < deadline) {
            timer.expires_at(deadline);
            parked_fetches_.push_back(&timer);
            error_code ec;
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            std::erase(parked_fetches_, &timer);
        }
    }
    Response response = std::visit(
        [&](const auto& r) -> Response { return node_.handle(r, incoming->from, now_ms()); },
        incoming->request);
    if (auto* vote = std::get_if<VoteRequest>(&incoming->request); vote && hooks_.voted) {
        hooks_.voted(*vote, std::get<VoteResponse>(response));
    }
    // Whatever the request changed (a vote, a new epoch) is durable before the answer leaves;
    // if it could not be made durable, the answer does not leave.
    process();
    if (failed_)
        co_return wire::encode_error_response(key, version,
                                              protocol::ErrorCode::KAFKA_STORAGE_ERROR);
    co_return wire::encode_response(response, key, version);
}

}  // namespace kraftlab::raft
