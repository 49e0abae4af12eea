// KafkaServer: the listening side of a node (broker or controller). It accepts connections,
// reads size-prefixed requests with a bounded size, hands each to the node's handler, and writes
// the answers in request order: a connection's requests are served one at a time, as Kafka
// does, so pipelined requests are answered in order and a held request (a long-polled Fetch)
// holds back the ones behind it on its connection only.
//
// Untrusted input: frames above the request limit, truncated frames and malformed headers end
// the connection (the node hears why through on_rejected); a connection beyond the limit is
// refused at once. Bytes of requests being read or waiting to be served come from a per-node
// pool (queued.max.request.bytes): when it is full, connections stop being read until bytes come
// back. A connection with no request being served that has received nothing for
// connections.max.idle.ms is closed, as Kafka does, so idle or stalled sockets (and the bytes of
// their half-sent frames) do not hold slots and memory for ever. On a listener that requires SASL
// (net/sasl_server.h), connections not yet authenticated have their own small cap and deadline,
// so a node that authenticates at once always gets in, however many strangers connect.
//
// Threads: everything on the node's io_context thread. Lifecycle: listen(), start(), stop().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "net/asio.h"
#include "net/lab_network.h"
#include "net/lab_timer.h"
#include "net/request_memory_pool.h"
#include "protocol/header.h"

namespace kraftlab::net {

struct SessionInfo {
    std::uint64_t id = 0;
    std::string peer;                      // "127.0.0.1:53122"
    std::optional<std::string> client_id;  // from the latest request header
    // SASL (net/sasl_server.h): the mechanism is chosen, an authentication failed, and the user
    // the connection authenticated as (nullopt: not authenticated).
    bool sasl_handshake_done = false;
    bool sasl_failed = false;
    std::optional<std::string> principal;
    // What the request being served is about, as its handler noted it (for the lab network's
    // RPC events); cleared before each request.
    std::string detail_topic;
    std::int32_t detail_partition = -1;
    std::int32_t detail_partitions = 0;
    std::int64_t detail_offset = -1;
    void note(const RequestDetail& d) {
        detail_topic.assign(d.topic);
        detail_partition = d.partition;
        detail_partitions = d.partitions;
        detail_offset = d.offset;
    }
};

// What the node does with one request.
struct ServerReply {
    enum class Action { Respond, Silent, Close };
    Action action = Action::Respond;
    protocol::Bytes body;             // the response body, without size and header
    std::int16_t header_version = 0;  // response header version (0, or 1 for flexible APIs)
    std::string close_reason;         // for Close: plain words

    static ServerReply respond(protocol::Bytes body, std::int16_t header_version) {
        return {Action::Respond, std::move(body), header_version, {}};
    }
    static ServerReply silent() { return {Action::Silent, {}, 0, {}}; }
    static ServerReply close(std::string why) { return {Action::Close, {}, 0, std::move(why)}; }
};

class KafkaServer {
  public:
    using Handler = std::function<awaitable<ServerReply>(const protocol::RequestHeader&,
                                                         protocol::Reader& body, SessionInfo&)>;
    using Rejected = std::function<void(const SessionInfo&, const std::string& why)>;

    struct Options {
        std::size_t max_request_bytes = 100 * 1024 * 1024;  // socket.request.max.bytes
        std::int32_t max_connections = 1000;
        // queued.max.request.bytes (Kafka: unbounded by default): bytes held by requests being
        // read or waiting, per node. A request larger than this is refused, as one above
        // max_request_bytes is (so the smaller of the two bounds one request).
        std::size_t queued_max_request_bytes = 100 * 1024 * 1024;
        // connections.max.idle.ms (Kafka: 600000 on brokers); 0 never closes idle connections.
        std::int64_t connections_max_idle_ms = 600'000;
        // Connections not (yet) authenticated by SASL (SessionInfo::principal unset): at most
        // this many (0: no separate cap); a new one closes the oldest, so strangers holding
        // sockets open cannot keep a node that authenticates at once from connecting.
        std::int32_t max_unauthenticated_connections = 0;
        // An unauthenticated connection is closed after this long (0: never), as Kafka's
        // connections.max.reauth.ms-free listeners close a stalled SASL exchange.
        std::int64_t authentication_timeout_ms = 0;
        // The lab network (net/lab_network.h) and this node in it: requests on connections that
        // are not a node's cross the link clients→node, and their responses node→clients, with
        // those links' faults, each recorded as an RpcEvent. A node's connections are faulted
        // by its own client (KafkaClientConfig::route). nullptr: no lab network.
        LabNetwork* network = nullptr;
        NodeIndex node = kNoNodeIndex;
    };

    KafkaServer(asio::io_context& io, Options options, Handler handler, Rejected on_rejected);
    ~KafkaServer();

    // Binds host:port (0: an ephemeral port). The reason on failure.
    std::optional<std::string> listen(const std::string& host, std::uint16_t port);
    std::uint16_t port() const { return port_; }
    void start();
    // Closes the listener and every connection: orderly, or with a reset like a killed process.
    void stop(bool orderly);

    std::int32_t connections() const { return static_cast<std::int32_t>(sessions_.size()); }
    std::uint64_t requests_total() const { return requests_total_; }
    std::uint64_t bytes_received_total() const { return bytes_received_total_; }
    std::uint64_t bytes_sent_total() const { return bytes_sent_total_; }
    std::uint64_t idle_closed_total() const { return idle_closed_total_; }
    std::uint64_t unauthenticated_closed_total() const { return unauthenticated_closed_total_; }
    const RequestMemoryPool& memory_pool() const { return pool_; }

  private:
    struct Session;
    awaitable<void> accept_loop();
    awaitable<void> serve(std::shared_ptr<Session> session);
    awaitable<void> idle_sweep();
    awaitable<void> authentication_sweep();
    void make_room_for_unauthenticated();
    void release_request_bytes(Session& session);
    // The clients link (Options::network): holds, drops or doubles a client's request and its
    // response. False: the request was lost on the way in.
    awaitable<bool> cross_in(Session& session, std::size_t bytes, bool already_buffered);
    awaitable<void> write_later(std::shared_ptr<Session> session);
    void reset_client_sessions();

    asio::io_context& io_;
    Options options_;
    Handler handler_;
    Rejected on_rejected_;
    RequestMemoryPool pool_;
    LabTimer idle_timer_;  // the idle sweep's; cancelled by stop()
    std::unique_ptr<tcp::acceptor> acceptor_;
    std::set<std::shared_ptr<Session>> sessions_;
    std::uint16_t port_ = 0;
    bool stopping_ = false;
    std::uint64_t next_session_id_ = 1;
    std::uint64_t requests_total_ = 0;
    std::uint64_t bytes_received_total_ = 0;
    std::uint64_t bytes_sent_total_ = 0;
    std::uint64_t idle_closed_total_ = 0;
    std::uint64_t unauthenticated_closed_total_ = 0;
    // The authentication sweep's timer, a member so that stop() cancels it (a pending wait
    // would hold the node's io_context up to a quarter of the deadline at shutdown).
    std::unique_ptr<LabTimer> auth_timer_;
    std::uint64_t attachment_ = 0;  // the clients link's reset hook in the lab network
};

}  // namespace kraftlab::net
