// BrokerConnections: what a built-in producer or consumer knows about the brokers, as a Kafka
// client library keeps it: the bootstrap addresses, the brokers and partition leaders of its
// topic from the last Metadata answer, and one KafkaClient per broker it talks to.
//
// Connections are made in the background: get() returns the open client or nullptr, and with
// nullptr starts (at most) one connection attempt. After a failed attempt the broker is left
// alone for a backoff that doubles from 50 ms up to 1 s, so a dead broker costs one refused
// connect per second, not one per record batch.
//
// Metadata has its own connection (to any broker that answers), so a consumer's long-polling
// Fetch never delays it.
//
// Threads: owned by one workload node and used only on its io_context thread.
#pragma once

#include "net/asio.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lab_clock.h"
#include "net/kafka_client.h"
#include "protocol/errors.h"

namespace kraftlab::lab {

struct BrokerAddress {
    std::string host;
    std::uint16_t port = 0;
    std::string label() const { return host + ":" + std::to_string(port); }
    bool operator==(const BrokerAddress&) const = default;
};

// "127.0.0.1:9092,127.0.0.1:9093" -> addresses; nullopt if any entry is not host:port.
std::optional<std::vector<BrokerAddress>> parse_bootstrap(std::string_view text);

// One topic as the brokers describe it.
struct TopicLayout {
    protocol::ErrorCode topic_error = protocol::ErrorCode::NONE;
    std::vector<std::int32_t> leaders;  // by partition index; -1 when it has no leader
    std::map<std::int32_t, BrokerAddress> brokers;
    std::int32_t partitions() const { return static_cast<std::int32_t>(leaders.size()); }
};

class BrokerConnections {
  public:
    // Called after every connection attempt: error is empty on success.
    using OnAttempt = std::function<void(std::int32_t broker_id, const std::string& error)>;

    BrokerConnections(net::asio::any_io_executor executor, std::vector<BrokerAddress> bootstrap,
                      net::KafkaClientConfig client_config, OnAttempt on_attempt = {});
    ~BrokerConnections();

    // The open connection to a broker, or nullptr (then one is being made, unless the broker
    // is unknown or backing off after a failure).
    std::shared_ptr<net::KafkaClient> get(std::int32_t broker_id);
    // Forgets a broken connection so that the next get() makes a new one.
    void drop(std::int32_t broker_id, const std::string& why);

    // Metadata v4 for one topic (never auto-creating it), from the metadata connection or the
    // first broker that answers (known brokers first, then the bootstrap list). On success the
    // broker addresses are updated: a broker that moved gets a new connection.
    net::awaitable<net::Result<TopicLayout>> fetch_metadata(std::string topic);

    // Learns broker addresses (as fetch_metadata() does): a broker that moved gets a new
    // connection, a new one becomes known. For a second set of connections that shares the
    // first one's metadata.
    void learn_brokers(const std::map<std::int32_t, BrokerAddress>& brokers);

    // Closes every connection (pending calls fail); get() returns nullptr afterwards.
    void close_all(const std::string& why);

  private:
    struct Conn {
        BrokerAddress address;
        std::shared_ptr<net::KafkaClient> client;  // open, or being connected
        bool connecting = false;
        std::int32_t failures = 0;
        core::LabTime::time_point retry_at{};
    };
    net::awaitable<void> connect(std::int32_t broker_id, std::shared_ptr<net::KafkaClient> client,
                                 BrokerAddress address);

    net::asio::any_io_executor executor_;
    std::vector<BrokerAddress> bootstrap_;
    net::KafkaClientConfig client_config_;
    OnAttempt on_attempt_;
    std::map<std::int32_t, Conn> conns_;
    std::shared_ptr<net::KafkaClient> metadata_client_;
    std::size_t next_metadata_candidate_ = 0;
    bool closed_ = false;
    // Shared with the connect coroutines, so a coroutine that outlives this object (it is
    // destroyed while one is still suspended) knows not to touch it.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace kraftlab::lab
