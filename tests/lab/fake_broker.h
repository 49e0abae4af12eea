// A scripted fake broker on loopback for client tests: it accepts one connection per script,
// answers the ApiVersions handshake as a lab broker does, and reads and answers frames as the
// script says. Test-only; one io_context, run by run() on the test's thread.
#pragma once

#include "net/asio.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <functional>
#include <optional>

#include "net/frame_io.h"
#include "net/kafka_client.h"
#include "protocol/errors.h"
#include "protocol/header.h"

using namespace kraftlab;
using namespace kraftlab::protocol;
namespace asio = net::asio;
using net::awaitable;
using net::ClientError;
using net::tcp;
using Kind = ClientError::Kind;

namespace {

struct Request {
    RequestHeader header;
    Bytes body;
};

awaitable<std::optional<Request>> read_request(tcp::socket& s) {
    Bytes frame;
    auto r = co_await net::read_frame(s, frame, 1 << 20, 8);
    if (r.status != net::FrameStatus::Ok) co_return std::nullopt;
    Reader in(frame);
    Request req;
    if (!decode_request_header(in, req.header)) co_return std::nullopt;
    req.body.assign(frame.begin() + static_cast<std::ptrdiff_t>(in.position()), frame.end());
    co_return req;
}

awaitable<void> respond(tcp::socket& s, const RequestHeader& h, const Bytes& body) {
    Bytes head;
    Writer w(head);
    encode_response_header(w, h.correlation_id, response_header_version(h.key(), h.api_version));
    co_await net::write_frame(s, head, body);
}

[[maybe_unused]] awaitable<void> write_raw(tcp::socket& s, const Bytes& bytes) {
    co_await asio::async_write(s, asio::buffer(bytes), asio::use_awaitable);
}

template <typename Message>
Bytes encode(const Message& m, std::int16_t version) {
    Bytes out;
    Writer w(out);
    m.encode(w, version);
    return out;
}

ApiVersionsResponse broker_versions() {
    ApiVersionsResponse r;
    r.api_keys = {{0, 0, 7}, {1, 4, 10}, {2, 1, 2}, {3, 0, 4}, {18, 0, 3}};
    return r;
}

MetadataResponse metadata_naming(const std::string& topic) {
    MetadataResponse m;
    m.brokers.push_back({1, "127.0.0.1", 9092, std::nullopt});
    MetadataResponse::Topic t;
    t.name = topic;
    t.partitions.push_back({0, 0, 1, {1}, {1}});
    m.topics.push_back(t);
    return m;
}

// Answers the ApiVersions handshake as a lab broker does.
awaitable<bool> shake_hands(tcp::socket& s) {
    auto req = co_await read_request(s);
    if (!req || req->header.key() != ApiKey::ApiVersions) co_return false;
    co_await respond(s, req->header, encode(broker_versions(), req->header.api_version));
    co_return true;
}

// An io_context, a listening socket and a way to run one client coroutine to its end.
class FakeBroker {
  public:
    FakeBroker() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    asio::io_context& io() { return io_; }

    // The broker's side of one connection. Socket errors end the script quietly.
    void serve(std::function<awaitable<void>(tcp::socket&)> script) {
        asio::co_spawn(
            io_,
            [this, script]() -> awaitable<void> {
                tcp::socket s = co_await acceptor_.async_accept(asio::use_awaitable);
                try {
                    co_await script(s);
                } catch (const std::exception&) {
                }
                // Keep the socket open until the client is done with it.
                asio::steady_timer linger(io_, std::chrono::seconds(30));
                net::error_code ec;
                co_await linger.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            },
            asio::detached);
    }

    // Runs the client's coroutine until it ends (at most 10 s); false if it did not end.
    bool run(std::function<awaitable<void>()> client) {
        bool done = false;
        io_.restart();  // run_for() leaves the context stopped when it runs out of work
        asio::co_spawn(
            io_,
            [&]() -> awaitable<void> {
                co_await client();
                done = true;
            },
            asio::detached);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!done && std::chrono::steady_clock::now() < deadline)
            io_.run_for(std::chrono::milliseconds(20));
        return done;
    }

    std::shared_ptr<net::KafkaClient> client(net::KafkaClientConfig config = {}) {
        return net::KafkaClient::create(io_.get_executor(), config);
    }

  private:
    asio::io_context io_;
    tcp::acceptor acceptor_;
};

MetadataRequest metadata_request(const std::string& topic) {
    MetadataRequest r;
    r.topics = std::vector<MetadataRequest::Topic>{{topic}};
    return r;
}

}  // namespace
