// The lab network (net/lab_network.h): the fate of messages on a faulty link (cut, loss in runs,
// delay with jitter, order, reorder, bandwidth, duplicates, the same fates from the same seed),
// the RPC tap's bounds and the fault history; then the seam itself, a real KafkaClient on a
// link against a scripted broker on loopback: a delayed RPC takes its delay both ways, a lost
// request is never written and the caller waits for its own timeout, a lost response was acted
// on, a duplicate is handled twice and answered once, a connect into a cut waits for the link
// or the timeout, and a reset closes the connection. And the clients link at a real KafkaServer:
// pipelined requests' delays overlap (a request waiting in the socket was sent with the one
// before it), and a lost request is never handled.
#include "net/lab_network.h"

#include <QtTest>

#include "fake_broker.h"
#include "net/kafka_server.h"

using net::Fate;
using net::LabNetwork;
using net::LinkFaults;
using net::RpcEvent;
using namespace std::chrono_literals;

namespace {

core::LabClock& test_clock() {
    return core::LabClock::standalone();  // the clock LabTimer reads on the test's thread
}

struct Pair {
    LabNetwork network{test_clock()};
    net::NodeIndex a = network.node("broker-1");
    net::NodeIndex b = network.node("broker-2");
    // A client of `broker` on the link a → b.
    std::shared_ptr<net::KafkaClient> client_on(FakeBroker& broker,
                                                net::KafkaClientConfig config = {}) {
        config.route = net::LinkRoute{&network, a, b};
        return broker.client(config);
    }
};

double ms(core::LabClock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

std::vector<RpcEvent> drain_all(const LabNetwork& network) {
    std::uint64_t cursor = 0;
    return network.drain(&cursor, LabNetwork::kTapCapacity);
}

}  // namespace

class LabNetworkTest : public QObject {
    Q_OBJECT

  private slots:
    void a_healthy_link_delivers_at_once() {
        Pair p;
        const auto before = test_clock().now();
        const Fate f = p.network.send(p.a, p.b, 100);
        QCOMPARE(f.kind, Fate::Kind::Deliver);
        QVERIFY(!f.delayed && !f.duplicate);
        QVERIFY(f.due >= before && f.due <= test_clock().now());
        QVERIFY(!p.network.any_faults());
    }

    void a_cut_is_silence_one_way_and_stops_connects_both_ways() {
        Pair p;
        LinkFaults cut;
        cut.cut = true;
        p.network.set_faults(p.a, p.b, cut);
        QCOMPARE(p.network.send(p.a, p.b, 10).kind, Fate::Kind::Cut);
        QCOMPARE(p.network.send(p.b, p.a, 10).kind, Fate::Kind::Deliver);
        QVERIFY(!p.network.can_connect(p.a, p.b));
        QVERIFY(!p.network.can_connect(p.b, p.a));  // the SYN-ACK could not come back
        p.network.heal_all();
        QVERIFY(p.network.can_connect(p.a, p.b));
        QCOMPARE(p.network.send(p.a, p.b, 10).kind, Fate::Kind::Deliver);
    }

    void loss_keeps_its_rate_alone_and_in_runs() {
        for (int burst : {1, 5}) {
            Pair p;
            LinkFaults f;
            f.loss_percent = 30;
            f.loss_burst = burst;
            p.network.set_faults(p.a, p.b, f);
            const int n = 40'000;
            int lost = 0, runs = 0;
            bool in_run = false;
            for (int i = 0; i < n; ++i) {
                const bool l = p.network.send(p.a, p.b, 10).kind == Fate::Kind::Lost;
                lost += l;
                if (l && !in_run) ++runs;
                in_run = l;
            }
            const double rate = 100.0 * lost / n;
            const double mean_run = static_cast<double>(lost) / runs;
            QVERIFY2(rate > 28 && rate < 32, qPrintable(QString::number(rate)));
            // Independent losses at 30% make runs of 1/(1-0.3) = 1.43 on average.
            const double expected = burst == 1 ? 1.43 : burst + 0.43;
            QVERIFY2(std::abs(mean_run - expected) < 0.3, qPrintable(QString::number(mean_run)));
        }
    }

    void delay_and_jitter_stay_in_bounds_and_keep_the_links_order() {
        Pair p;
        LinkFaults f;
        f.delay_ms = 100;
        f.jitter_ms = 50;
        p.network.set_faults(p.a, p.b, f);
        const auto start = test_clock().now();
        core::LabClock::duration last{0};
        for (int i = 0; i < 2000; ++i) {
            const Fate fate = p.network.send(p.a, p.b, 10);
            QCOMPARE(fate.kind, Fate::Kind::Deliver);
            QVERIFY(fate.delayed);
            QVERIFY2(fate.due >= last, "a message overtook an earlier one without reorder");
            last = fate.due;
            QVERIFY(ms(fate.due - start) >= 50);
            QVERIFY(ms(fate.due - test_clock().now()) <= 150);
        }
    }

    void reorder_lets_some_messages_overtake() {
        Pair p;
        LinkFaults f;
        f.delay_ms = 100;
        f.jitter_ms = 50;
        f.reorder_percent = 50;
        p.network.set_faults(p.a, p.b, f);
        int overtakes = 0;
        core::LabClock::duration latest{0};
        for (int i = 0; i < 1000; ++i) {
            const Fate fate = p.network.send(p.a, p.b, 10);
            if (fate.due < latest) ++overtakes;
            latest = std::max(latest, fate.due);
        }
        QVERIFY2(overtakes > 100 && overtakes < 600, qPrintable(QString::number(overtakes)));
    }

    void a_bandwidth_cap_spaces_messages_by_their_size() {
        Pair p;
        LinkFaults f;
        f.bandwidth_bytes_per_s = 10'000;
        p.network.set_faults(p.a, p.b, f);
        const auto start = test_clock().now();
        core::LabClock::duration due{0};
        for (int i = 0; i < 10; ++i)
            due = p.network.send(p.a, p.b, 1000).due;
        // Ten 1,000-byte messages at 10,000 bytes/s: the last arrives a second after the first
        // left (give or take the microseconds the loop took).
        QVERIFY2(ms(due - start) >= 999 && ms(due - start) <= 1010,
                 qPrintable(QString::number(ms(due - start))));
    }

    void duplicates_keep_their_rate() {
        Pair p;
        LinkFaults f;
        f.duplicate_percent = 25;
        p.network.set_faults(p.a, p.b, f);
        int dup = 0;
        for (int i = 0; i < 20'000; ++i)
            dup += p.network.send(p.a, p.b, 10).duplicate;
        QVERIFY2(dup > 4500 && dup < 5500, qPrintable(QString::number(dup)));
    }

    void the_same_seed_gives_the_same_fates() {
        Pair one, two;
        LinkFaults f;
        f.loss_percent = 40;
        f.duplicate_percent = 20;
        one.network.set_faults(one.a, one.b, f);
        two.network.set_faults(two.a, two.b, f);
        for (int i = 0; i < 1000; ++i) {
            const Fate x = one.network.send(one.a, one.b, 10);
            const Fate y = two.network.send(two.a, two.b, 10);
            QCOMPARE(x.kind, y.kind);
            QCOMPARE(x.duplicate, y.duplicate);
        }
        // Another seed: another sequence.
        LabNetwork other(test_clock(), 7);
        const auto a = other.node("broker-1"), b = other.node("broker-2");
        other.set_faults(a, b, f);
        int differ = 0;
        for (int i = 0; i < 1000; ++i) {
            differ += (other.send(a, b, 10).kind == Fate::Kind::Lost) !=
                      (one.network.send(one.a, one.b, 10).kind == Fate::Kind::Lost);
        }
        QVERIFY(differ > 100);
    }

    void the_tap_is_bounded_and_says_what_it_dropped() {
        LabNetwork network(test_clock());
        const std::size_t extra = 10;
        for (std::size_t i = 0; i < LabNetwork::kTapCapacity + extra; ++i) {
            RpcEvent e;
            e.correlation_id = static_cast<std::int32_t>(i);
            network.record(e);
        }
        std::uint64_t cursor = 0, missed = 0;
        auto events = network.drain(&cursor, 100, &missed);
        QCOMPARE(missed, extra);
        QCOMPARE(events.size(), std::size_t{100});
        QCOMPARE(events.front().correlation_id, static_cast<std::int32_t>(extra));
        QCOMPARE(events.front().seq, extra);
        auto rest = network.drain(&cursor, LabNetwork::kTapCapacity, &missed);
        QCOMPARE(missed, std::uint64_t{0});
        QCOMPARE(rest.size(), LabNetwork::kTapCapacity - 100);
        QCOMPARE(cursor, LabNetwork::kTapCapacity + extra);
        QVERIFY(network.drain(&cursor, 10).empty());
    }

    void fault_changes_are_kept_as_intervals() {
        Pair p;
        LinkFaults f;
        f.delay_ms = 20;
        p.network.set_faults(p.a, p.b, f);
        f.loss_percent = 5;
        p.network.set_faults(p.a, p.b, f);
        p.network.set_faults(p.a, p.b, LinkFaults{});
        const auto history = p.network.fault_history();
        QCOMPARE(history.size(), std::size_t{2});
        QCOMPARE(QString::fromStdString(history[0].what), QString("delay 20 ms"));
        QCOMPARE(QString::fromStdString(history[1].what), QString("delay 20 ms, 5% loss"));
        QVERIFY(history[0].end_ms >= history[0].start_ms && history[1].end_ms >= 0);
        QVERIFY(!p.network.any_faults());
    }

    // The seam: a real client on a link.

    void a_delayed_rpc_takes_its_delay_both_ways() {
        Pair p;  // the network outlives the client (the broker's io_context ends it)
        FakeBroker broker;
        broker.serve([&](tcp::socket& s) -> awaitable<void> {
            if (!co_await shake_hands(s)) co_return;
            auto r = co_await read_request(s);
            if (r) co_await respond(s, r->header, encode(metadata_naming("t"), 4));
        });
        auto client = p.client_on(broker);
        double took_ms = 0;
        bool answered = false;
        QVERIFY(broker.run([&]() -> awaitable<void> {
            if (!(co_await client->connect("127.0.0.1", broker.port())).ok()) co_return;
            LinkFaults f;
            f.delay_ms = 150;
            p.network.set_faults(p.a, p.b, f);
            p.network.set_faults(p.b, p.a, f);
            const auto start = test_clock().now();
            auto r = co_await client->call(metadata_request("t"), 4);
            took_ms = ms(test_clock().now() - start);
            answered = r.ok();
        }));
        QVERIFY(answered);
        QVERIFY2(took_ms >= 300, qPrintable(QString::number(took_ms)));
        const auto events = drain_all(p.network);
        QCOMPARE(events.size(), std::size_t{2});  // the handshake, then the metadata call
        const RpcEvent& e = events.back();
        QCOMPARE(e.outcome, RpcEvent::Outcome::Delivered);
        QCOMPARE(e.api_key, std::int16_t{3});
        QVERIFY(e.delayed);
        QVERIFY(e.arrived_ns - e.sent_ns >= 150'000'000);
        QVERIFY(e.returned_ns - e.answered_ns >= 150'000'000);
        QVERIFY(e.request_bytes > 0 && e.response_bytes > 0);
    }

    void a_lost_request_is_never_written_and_the_caller_times_out() {
        Pair p;  // the network outlives the client (the broker's io_context ends it)
        FakeBroker broker;
        int requests_seen = 0;
        broker.serve([&](tcp::socket& s) -> awaitable<void> {
            if (!co_await shake_hands(s)) co_return;
            while (co_await read_request(s))
                ++requests_seen;
        });
        auto client = p.client_on(broker);
        std::optional<Kind> error;
        QVERIFY(broker.run([&]() -> awaitable<void> {
            if (!(co_await client->connect("127.0.0.1", broker.port())).ok()) co_return;
            LinkFaults f;
            f.loss_percent = 100;
            p.network.set_faults(p.a, p.b, f);
            // A replica fetch: the event says what it was for.
            FetchRequest fetch;
            fetch.topics.push_back({"ledger", {}, {}});
            fetch.topics[0].partitions.push_back({});
            fetch.topics[0].partitions[0].partition = 2;
            fetch.topics[0].partitions[0].fetch_offset = 41;
            fetch.topics[0].partitions.push_back({});
            auto r = co_await client->call(fetch, 10, 300);
            if (!r) error = r.error().kind;
        }));
        QCOMPARE(error, std::optional<Kind>(Kind::Timeout));
        QCOMPARE(requests_seen, 0);
        const auto detailed = drain_all(p.network).back();
        QCOMPARE(p.network.topic_name(detailed.detail.topic), std::string("ledger"));
        QCOMPARE(detailed.detail.partition, 2);
        QCOMPARE(detailed.detail.partitions, 2);
        QCOMPARE(detailed.detail.offset, std::int64_t{41});
        QCOMPARE(detailed.api_key, std::int16_t{1});
        const auto events = drain_all(p.network);
        QCOMPARE(events.back().outcome, RpcEvent::Outcome::RequestLost);
        QCOMPARE(events.back().arrived_ns, std::int64_t{0});
    }

    void a_lost_response_was_acted_on() {
        Pair p;  // the network outlives the client (the broker's io_context ends it)
        FakeBroker broker;
        int requests_seen = 0;
        broker.serve([&](tcp::socket& s) -> awaitable<void> {
            if (!co_await shake_hands(s)) co_return;
            while (auto r = co_await read_request(s)) {
                ++requests_seen;
                co_await respond(s, r->header, encode(metadata_naming("t"), 4));
            }
        });
        auto client = p.client_on(broker);
        std::optional<Kind> error;
        QVERIFY(broker.run([&]() -> awaitable<void> {
            if (!(co_await client->connect("127.0.0.1", broker.port())).ok()) co_return;
            LinkFaults cut;
            cut.cut = true;
            p.network.set_faults(p.b, p.a, cut);  // one way: only the way back
            auto r = co_await client->call(metadata_request("t"), 4, 300);
            if (!r) error = r.error().kind;
        }));
        QCOMPARE(error, std::optional<Kind>(Kind::Timeout));
        QCOMPARE(requests_seen, 1);
        QCOMPARE(drain_all(p.network).back().outcome, RpcEvent::Outcome::ResponseCut);
    }

    void a_duplicate_is_handled_twice_and_answered_once() {
        Pair p;  // the network outlives the client (the broker's io_context ends it)
        FakeBroker broker;
        std::vector<std::int32_t> seen;
        broker.serve([&](tcp::socket& s) -> awaitable<void> {
            if (!co_await shake_hands(s)) co_return;
            while (auto r = co_await read_request(s)) {
                seen.push_back(r->header.correlation_id);
                co_await respond(s, r->header, encode(metadata_naming("t"), 4));
            }
        });
        auto client = p.client_on(broker);
        int answers = 0;
        QVERIFY(broker.run([&]() -> awaitable<void> {
            if (!(co_await client->connect("127.0.0.1", broker.port())).ok()) co_return;
            LinkFaults f;
            f.duplicate_percent = 100;
            p.network.set_faults(p.a, p.b, f);
            answers += (co_await client->call(metadata_request("t"), 4, 2000)).ok();
            p.network.heal_all();
            // The copy's answer was read and dropped: the next call lines up with its own.
            answers += (co_await client->call(metadata_request("t"), 4, 2000)).ok();
        }));
        QCOMPARE(answers, 2);
        QCOMPARE(seen.size(), std::size_t{3});
        QCOMPARE(seen[0], seen[1]);
        QVERIFY(seen[2] != seen[0]);
        QVERIFY(client->is_open());
        QCOMPARE(client->in_flight(), std::size_t{0});
        const auto events = drain_all(p.network);  // the handshake and the two calls: one each
        QCOMPARE(events.size(), std::size_t{3});
        QVERIFY(events[1].duplicated && !events[2].duplicated);
    }

    void a_connect_into_a_cut_waits_for_the_link_or_its_timeout() {
        Pair p;  // the network outlives the client (the broker's io_context ends it)
        FakeBroker broker;
        broker.serve([&](tcp::socket& s) -> awaitable<void> { co_await shake_hands(s); });
        LinkFaults cut;
        cut.cut = true;
        p.network.set_faults(p.b, p.a, cut);
        net::KafkaClientConfig config;
        config.connect_timeout_ms = 300;
        auto refused = p.client_on(broker, config);
        std::optional<Kind> error;
        double took_ms = 0;
        QVERIFY(broker.run([&]() -> awaitable<void> {
            const auto start = test_clock().now();
            auto status = co_await refused->connect("127.0.0.1", broker.port());
            took_ms = ms(test_clock().now() - start);
            if (!status) error = status.error().kind;
        }));
        QCOMPARE(error, std::optional<Kind>(Kind::ConnectFailed));
        QVERIFY2(took_ms >= 300, qPrintable(QString::number(took_ms)));
        QVERIFY(refused->close_reason().find("the link is cut") != std::string::npos);

        // Healed while the SYN waits: it gets through.
        config.connect_timeout_ms = 3000;
        auto patient = p.client_on(broker, config);
        asio::steady_timer heal(broker.io(), 200ms);
        heal.async_wait([&](net::error_code) { p.network.heal_all(); });
        bool connected = false;
        QVERIFY(broker.run([&]() -> awaitable<void> {
            connected = (co_await patient->connect("127.0.0.1", broker.port())).ok();
        }));
        QVERIFY(connected);
    }

    void a_reset_closes_the_links_connections() {
        Pair p;  // the network outlives the client (the broker's io_context ends it)
        FakeBroker broker;
        broker.serve([&](tcp::socket& s) -> awaitable<void> {
            if (!co_await shake_hands(s)) co_return;
            while (co_await read_request(s)) {
            }
        });
        auto client = p.client_on(broker);
        std::size_t reset = 0;
        QVERIFY(broker.run([&]() -> awaitable<void> {
            if (!(co_await client->connect("127.0.0.1", broker.port())).ok()) co_return;
            reset = p.network.reset(p.b, p.a);  // either end names the link
            asio::steady_timer t(broker.io(), 50ms);
            co_await t.async_wait(asio::use_awaitable);
        }));
        QCOMPARE(reset, std::size_t{1});
        QVERIFY(!client->is_open());
        QCOMPARE(QString::fromStdString(client->close_reason()), QString("the link was reset"));
        // A closed connection leaves the table: nothing more to reset.
        QCOMPARE(p.network.reset(p.a, p.b), std::size_t{0});
    }

    void the_clients_link_overlaps_pipelined_delays_and_loses_requests() {
        Pair p;
        asio::io_context io;
        int handled = 0;
        net::KafkaServer::Options options;
        options.network = &p.network;
        options.node = p.b;
        net::KafkaServer server(
            io, options,
            [&](const RequestHeader& h, Reader&, net::SessionInfo&) -> awaitable<net::ServerReply> {
                if (h.key() == ApiKey::ApiVersions)
                    co_return net::ServerReply::respond(encode(broker_versions(), h.api_version),
                                                        0);
                ++handled;
                co_return net::ServerReply::respond(encode(metadata_naming("t"), 4), 0);
            },
            [](const net::SessionInfo&, const std::string&) {});
        QVERIFY(!server.listen("127.0.0.1", 0));
        server.start();
        auto client = net::KafkaClient::create(io.get_executor(), {});  // no route: a client
        const auto clients = p.network.clients();
        double took_ms = 0;
        int answered = 0;
        std::optional<Kind> lost;
        bool done = false;
        asio::co_spawn(
            io,
            [&]() -> awaitable<void> {
                if ((co_await client->connect("127.0.0.1", server.port())).ok()) {
                    LinkFaults f;
                    f.delay_ms = 100;
                    p.network.set_faults(clients, p.b, f);
                    p.network.set_faults(p.b, clients, f);
                    const auto start = test_clock().now();
                    int finished = 0;
                    for (int i = 0; i < 5; ++i) {
                        asio::co_spawn(
                            io,
                            [&]() -> awaitable<void> {
                                answered += (co_await client->call(metadata_request("t"), 4)).ok();
                                ++finished;
                            },
                            asio::detached);
                    }
                    asio::steady_timer t(io);
                    while (finished < 5) {
                        t.expires_after(5ms);
                        co_await t.async_wait(asio::use_awaitable);
                    }
                    took_ms = ms(test_clock().now() - start);
                    LinkFaults gone;
                    gone.loss_percent = 100;
                    p.network.set_faults(clients, p.b, gone);
                    auto r = co_await client->call(metadata_request("t"), 4, 300);
                    if (!r) lost = r.error().kind;
                }
                done = true;
            },
            asio::detached);
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!done && std::chrono::steady_clock::now() < deadline)
            io.run_for(20ms);
        QVERIFY(done);
        QCOMPARE(answered, 5);
        // 100 ms there and 100 ms back, once: five requests in one flight, not one after another
        // (that would take 600 ms).
        QVERIFY2(took_ms >= 200 && took_ms < 450, qPrintable(QString::number(took_ms)));
        QCOMPARE(lost, std::optional<Kind>(Kind::Timeout));
        QCOMPARE(handled, 5);  // the lost one never reached the handler
        const auto events = drain_all(p.network);
        QVERIFY(!events.empty());
        QCOMPARE(events.back().outcome, RpcEvent::Outcome::RequestLost);
        QCOMPARE(events.back().from, clients);
        int delivered = 0;
        for (const auto& e : events) {
            if (e.outcome == RpcEvent::Outcome::Delivered && e.api_key == 3) {
                ++delivered;
                QVERIFY(e.delayed && e.returned_ns > e.answered_ns);
            }
        }
        QCOMPARE(delivered, 5);
        server.stop(true);
    }
};

QTEST_GUILESS_MAIN(LabNetworkTest)
#include "test_lab_network.moc"
