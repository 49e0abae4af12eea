#include "lab/broker_connections.h"
#include "core/lab_clock.h"

#include <algorithm>
#include <charconv>

namespace kraftlab::lab {

namespace asio = net::asio;
using net::ClientError;

namespace {
constexpr std::int16_t kMetadataVersion = 4;
constexpr auto kFirstBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);

std::chrono::milliseconds backoff_after(std::int32_t failures) {
    auto ms = kFirstBackoff * (1 << std::min(failures - 1, 8));
    return std::min<std::chrono::milliseconds>(ms, kMaxBackoff);
}
}  // namespace

std::optional<std::vector<BrokerAddress>> parse_bootstrap(std::string_view text) {
    std::vector<BrokerAddress> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        std::string_view entry = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        auto colon = entry.rfind(':');
        if (colon == std::string_view::npos || colon == 0) return std::nullopt;
        std::uint16_t port = 0;
        auto digits = entry.substr(colon + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
        if (ec != std::errc() || end != digits.data() + digits.size() || port == 0) {
            return std::nullopt;
        }
        out.push_back({std::string(entry.substr(0, colon)), port});
    }
    if (out.empty()) return std::nullopt;
    return out;
}

BrokerConnections::BrokerConnections(asio::any_io_executor executor,
                                     std::vector<BrokerAddress> bootstrap,
                                     net::KafkaClientConfig client_config, OnAttempt on_attempt)
    : executor_(std::move(executor)),
      bootstrap_(std::move(bootstrap)),
      client_config_(std::move(client_config)),
      on_attempt_(std::move(on_attempt)) {}

BrokerConnections::~BrokerConnections() {
    *alive_ = false;
    close_all("the client is stopping");
}

std::shared_ptr<net::KafkaClient> BrokerConnections::get(std::int32_t broker_id) {
    if (closed_) return nullptr;
    auto it = conns_.find(broker_id);
    if (it == conns_.end()) return nullptr;  // not in any metadata answer yet
    Conn& c = it->second;
    if (c.client && c.client->is_open() && !c.connecting) return c.client;
    if (c.connecting) return nullptr;
    if (c.failures > 0 && core::LabTime::now() < c.retry_at) return nullptr;
    c.client = net::KafkaClient::create(executor_, client_config_);
    c.connecting = true;
    asio::co_spawn(executor_, connect(broker_id, c.client, c.address), asio::detached);
    return nullptr;
}

net::awaitable<void> BrokerConnections::connect(std::int32_t broker_id,
                                                std::shared_ptr<net::KafkaClient> client,
                                                BrokerAddress address) {
    auto alive = alive_;
    auto status = co_await client->connect(address.host, address.port);
    if (!*alive) co_return;
    auto it = conns_.find(broker_id);
    // Superseded (the broker moved, or everything was closed): this attempt no longer counts.
    if (it == conns_.end() || it->second.client != client) {
        client->close("superseded");
        co_return;
    }
    Conn& c = it->second;
    c.connecting = false;
    if (status) {
        c.failures = 0;
    } else {
        ++c.failures;
        c.retry_at = core::LabTime::now() + backoff_after(c.failures);
        c.client.reset();
    }
    if (on_attempt_) on_attempt_(broker_id, status ? std::string() : status.error().message);
}

void BrokerConnections::drop(std::int32_t broker_id, const std::string& why) {
    auto it = conns_.find(broker_id);
    if (it == conns_.end() || !it->second.client || it->second.connecting) return;
    it->second.client->close(why);
    it->second.client.reset();
    // A connection that broke is retried at once, but a broker that keeps breaking them backs
    // off like one that refuses them.
    ++it->second.failures;
    it->second.retry_at = core::LabTime::now() + backoff_after(it->second.failures);
}

void BrokerConnections::learn_brokers(const std::map<std::int32_t, BrokerAddress>& brokers) {
    // Brokers that moved (a new port) get a new connection; new brokers become known.
    for (const auto& [id, address] : brokers) {
        auto [it, inserted] = conns_.try_emplace(id);
        if (!inserted && it->second.address == address) continue;
        if (it->second.client) it->second.client->close("the broker moved");
        it->second = Conn{};
        it->second.address = address;
    }
}

void BrokerConnections::close_all(const std::string& why) {
    closed_ = true;
    for (auto& [id, c] : conns_) {
        if (c.client) c.client->close(why);
        c.client.reset();
        c.connecting = false;
    }
    if (metadata_client_) metadata_client_->close(why);
    metadata_client_.reset();
}

net::awaitable<net::Result<TopicLayout>> BrokerConnections::fetch_metadata(std::string topic) {
    auto alive = alive_;
    protocol::MetadataRequest request;
    request.topics = std::vector<protocol::MetadataRequest::Topic>{{topic}};
    request.allow_auto_topic_creation = false;

    // Candidates: the connection we have, then known brokers, then the bootstrap list, starting
    // at a rotating point so that one dead broker is not asked first every time.
    std::vector<BrokerAddress> candidates;
    for (const auto& [id, c] : conns_)
        candidates.push_back(c.address);
    for (const auto& b : bootstrap_) {
        if (std::find(candidates.begin(), candidates.end(), b) == candidates.end())
            candidates.push_back(b);
    }
    if (!candidates.empty()) {
        std::rotate(candidates.begin(),
                    candidates.begin() +
                        static_cast<std::ptrdiff_t>(next_metadata_candidate_ % candidates.size()),
                    candidates.end());
    }
    ++next_metadata_candidate_;

    std::string errors;
    for (std::size_t attempt = 0; attempt <= candidates.size(); ++attempt) {
        if (closed_) break;
        std::shared_ptr<net::KafkaClient> client = metadata_client_;
        if (!client || !client->is_open()) {
            if (attempt == candidates.size()) break;
            const auto& address = candidates[attempt];
            client = net::KafkaClient::create(executor_, client_config_);
            metadata_client_ = client;
            auto status = co_await client->connect(address.host, address.port);
            if (!*alive) co_return ClientError{ClientError::Kind::NotConnected, "stopped"};
            if (!status) {
                errors += (errors.empty() ? "" : "; ") + status.error().message;
                if (metadata_client_ == client) metadata_client_.reset();
                continue;
            }
        }
        auto response = co_await client->call(request, kMetadataVersion);
        if (!*alive) co_return ClientError{ClientError::Kind::NotConnected, "stopped"};
        if (!response) {
            errors += (errors.empty() ? "" : "; ") + response.error().message;
            client->close("metadata request failed");
            if (metadata_client_ == client) metadata_client_.reset();
            continue;
        }
        TopicLayout layout;
        for (const auto& b : response->brokers) {
            if (b.port <= 0 || b.port > 65535) continue;
            layout.brokers[b.node_id] = {b.host, static_cast<std::uint16_t>(b.port)};
        }
        bool found = false;
        for (const auto& t : response->topics) {
            if (t.name != topic) continue;
            found = true;
            layout.topic_error = static_cast<protocol::ErrorCode>(t.error_code);
            std::int32_t count = 0;
            for (const auto& p : t.partitions)
                count = std::max(count, p.partition_index + 1);
            // A broker may not describe partitions a client cannot address; bound it anyway.
            if (count > 100'000) count = 0;
            layout.leaders.assign(static_cast<std::size_t>(count), -1);
            for (const auto& p : t.partitions) {
                if (p.partition_index < 0) continue;
                const bool usable =
                    p.error_code == 0 && p.leader_id >= 0 && layout.brokers.contains(p.leader_id);
                layout.leaders[static_cast<std::size_t>(p.partition_index)] =
                    usable ? p.leader_id : -1;
            }
        }
        if (!found) layout.topic_error = protocol::ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;

        learn_brokers(layout.brokers);
        co_return layout;
    }
    co_return ClientError{ClientError::Kind::ConnectFailed,
                          errors.empty() ? "no broker to ask" : "no broker answered: " + errors};
}

}  // namespace kraftlab::lab
