// Hostile and broken input on a broker's socket: random bytes, truncated frames, a 2 GiB length
// prefix, an unknown API key, a produce batch with a wrong CRC, hundreds of half-sent huge
// frames. Each gets the Kafka error or a closed connection; the broker keeps serving others, and
// its memory stays bounded. A controller's port gets the same treatment with KRaft's own RPCs.
#include <QtTest>
#include <random>

#include "lab_process.h"
#include "protocol/api_versions.h"
#include "protocol/errors.h"
#include "protocol/header.h"
#include "protocol/produce.h"
#include "protocol/records.h"
#include "raw_connection.h"

using namespace kraftlab::testing;
using namespace kraftlab::protocol;

namespace {

// The broker still answers a well-formed ApiVersions on a fresh connection.
bool still_serving(const QString& address) {
    RawConnection c(address);
    if (!c.connected() || !c.send_request(18, 0, 42, ApiVersionsRequest{})) return false;
    auto frame = c.read_frame();
    if (!frame) return false;
    Reader r(*frame);
    if (decode_response_header(r, 0) != 42) return false;
    ApiVersionsResponse response;
    return response.decode(r, 0) && response.error_code == 0 && !response.api_keys.empty();
}

}  // namespace

constexpr long kPoolBytes = 16 * 1024 * 1024;

class BadInputTest : public QObject {
    Q_OBJECT

    LabProcess lab;
    QTemporaryDir secret_dir;  // the lab secret, so that raft requests reach their decoders
    QString address;

  private slots:
    void initTestCase() {
        // A short idle timeout and a small request pool, so that both bounds show in seconds.
        QVERIFY(lab.start({"--brokers", "1", "--lab-secret-file",
                           write_lab_secret_file(secret_dir.path(), kTestLabSecret),
                           "--connections-max-idle-ms", "2000", "--queued-max-request-bytes",
                           QString::number(kPoolBytes)}));
        address = lab.bootstrap().split(',').first();
        QVERIFY(lab.command("create-topic target 1")["ok"].toBool());
        QVERIFY(still_serving(address));
    }
    void cleanupTestCase() { QCOMPARE(lab.quit(), 0); }

    void random_bytes_close_the_connection() {
        std::mt19937 rng(7);
        for (int round = 0; round < 20; ++round) {
            RawConnection c(address);
            QVERIFY(c.connected());
            Bytes garbage(1 + rng() % 4096);
            for (auto& b : garbage)
                b = static_cast<std::uint8_t>(rng());
            c.send_raw(garbage);
            // Either a closed connection, or (if the garbage happened to look like a small frame
            // still being received) silence; the broker never crashes.
            c.closed_by_peer(300);
        }
        QVERIFY(still_serving(address));
    }

    void truncated_frame_then_hang_up() {
        {
            RawConnection c(address);
            Bytes partial;
            Writer w(partial);
            w.i32(100);
            w.i16(18);
            w.i16(0);
            c.send_raw(partial);
        }  // closed mid-frame
        QVERIFY(still_serving(address));
    }

    void two_gib_length_prefix_is_refused_at_once() {
        for (std::uint32_t prefix : {0x7fffffffu, 0x80000000u, 0xffffffffu, 0x08000000u}) {
            RawConnection c(address);
            Bytes b;
            Writer(b).u32(prefix);
            c.send_raw(b);
            QVERIFY2(c.closed_by_peer(), qPrintable(QString::number(prefix, 16)));
        }
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "client_rejected" &&
                   e["explain"].toString().contains("socket.request.max.bytes");
        }));
        QVERIFY(still_serving(address));
    }

    void unknown_api_key_gets_unsupported_version_and_the_connection_stays() {
        RawConnection c(address);
        Bytes body;
        Writer w(body);
        encode_request_header(w, RequestHeader{999, 0, 7, "raw-test"});
        QVERIFY(c.send_frame(body));
        auto frame = c.read_frame();
        QVERIFY(frame);
        Reader r(*frame);
        QCOMPARE(decode_response_header(r, 0), 7);
        ApiVersionsResponse response;
        QVERIFY(response.decode(r, 0));
        QCOMPARE(response.error_code, to_wire(ErrorCode::UNSUPPORTED_VERSION));
        // Same for a known API at a version the broker does not speak (Metadata v12).
        encode_request_header(w, RequestHeader{3, 12, 8, "raw-test"});
        Bytes body2;
        Writer w2(body2);
        encode_request_header(w2, RequestHeader{3, 12, 8, "raw-test"});
        QVERIFY(c.send_frame(body2));
        frame = c.read_frame();
        QVERIFY(frame);
        Reader r2(*frame);
        QCOMPARE(decode_response_header(r2, 0), 8);
        QVERIFY(response.decode(r2, 0));
        QCOMPARE(response.error_code, to_wire(ErrorCode::UNSUPPORTED_VERSION));
        // And the connection still works.
        QVERIFY(c.send_request(18, 3, 9, ApiVersionsRequest{"raw", "1"}));
        QVERIFY(c.read_frame());
    }

    void malformed_request_body_closes_the_connection() {
        RawConnection c(address);
        Bytes body;
        Writer w(body);
        encode_request_header(w, RequestHeader{3, 1, 5, "raw-test"});
        w.i32(1000);  // a Metadata topic array claiming 1000 names, with none following
        QVERIFY(c.send_frame(body));
        QVERIFY(c.closed_by_peer());
        QVERIFY(still_serving(address));
    }

    void produce_with_wrong_crc_gets_corrupt_message() {
        RecordBatchBuilder builder;
        builder.append(std::nullopt, ByteView(reinterpret_cast<const std::uint8_t*>("hello"), 5),
                       1);
        Bytes batch = builder.build();
        batch.back() ^= 0x01;  // the CRC covers this byte
        ProduceRequest request;
        request.acks = 1;
        request.timeout_ms = 5000;
        request.topic_data = {{"target", {{0, batch}}}};
        RawConnection c(address);
        QVERIFY(c.send_request(0, 7, 11, request));
        auto frame = c.read_frame();
        QVERIFY(frame);
        Reader r(*frame);
        QCOMPARE(decode_response_header(r, 0), 11);
        ProduceResponse response;
        QVERIFY(response.decode(r, 7));
        QCOMPARE(response.responses.at(0).partition_responses.at(0).error_code,
                 to_wire(ErrorCode::CORRUPT_MESSAGE));

        // The same batch with its CRC intact is accepted; one byte over max.message.bytes is not.
        batch.back() ^= 0x01;
        request.topic_data = {{"target", {{0, batch}}}};
        QVERIFY(c.send_request(0, 7, 12, request));
        frame = c.read_frame();
        QVERIFY(frame);
        Reader ok(*frame);
        decode_response_header(ok, 0);
        QVERIFY(response.decode(ok, 7));
        QCOMPARE(response.responses.at(0).partition_responses.at(0).error_code, std::int16_t(0));

        RecordBatchBuilder big;
        Bytes value(1048588, 'x');
        big.append(std::nullopt, ByteView(value), 1);
        request.topic_data = {{"target", {{0, big.build()}}}};
        QVERIFY(c.send_request(0, 7, 13, request));
        frame = c.read_frame();
        QVERIFY(frame);
        Reader large(*frame);
        decode_response_header(large, 0);
        QVERIFY(response.decode(large, 7));
        QCOMPARE(response.responses.at(0).partition_responses.at(0).error_code,
                 to_wire(ErrorCode::MESSAGE_TOO_LARGE));
    }

    void memory_stays_bounded_under_half_sent_huge_frames() {
        const long before = rss_kib(lab.pid());
        QVERIFY(before > 0);
        std::vector<std::unique_ptr<RawConnection>> connections;
        for (int i = 0; i < 300; ++i) {
            auto c = std::make_unique<RawConnection>(address);
            Bytes start;
            Writer w(start);
            w.i32(static_cast<std::int32_t>(kPoolBytes - 1));  // just under the request pool
            w.i16(0);
            w.i16(7);
            w.i32(i);
            start.resize(start.size() + 1000, 0);
            c->send_raw(start);
            connections.push_back(std::move(c));
        }
        QTest::qWait(500);
        const long during = rss_kib(lab.pid());
        QVERIFY(still_serving(address));
        connections.clear();
        // 300 announced 16 MiB each (4.8 GB); the broker holds only what arrived.
        QVERIFY2(during - before < 64 * 1024,
                 qPrintable(QString("RSS grew from %1 KiB to %2 KiB").arg(before).arg(during)));
    }

    void request_pool_bounds_stalled_frames() {
        // queued.max.request.bytes: 12 connections each send 4 MiB of a frame and stop (48 MiB
        // offered); the node reads no more than its 16 MiB pool, and once the stalled
        // connections are closed (by their peers here, or by the idle timeout) it serves again.
        const long before = rss_kib(lab.pid());
        QVERIFY(before > 0);
        constexpr std::int32_t kAnnounced = 6 * 1024 * 1024;
        std::vector<std::unique_ptr<RawConnection>> connections;
        std::size_t offered = 0;
        for (int i = 0; i < 12; ++i) {
            auto c = std::make_unique<RawConnection>(address);
            QVERIFY(c->connected());
            Bytes part;
            Writer w(part);
            w.i32(kAnnounced);
            w.i16(0);
            w.i16(7);
            w.i32(i);
            part.resize(4 * 1024 * 1024, 0);
            offered += c->send_some(part, 200);
            connections.push_back(std::move(c));
        }
        QTest::qWait(300);
        const long during = rss_kib(lab.pid());
        qInfo("offered %zu bytes in stalled frames; RSS %ld -> %ld KiB", offered, before, during);
        QVERIFY2(during - before < (kPoolBytes + 8 * 1024 * 1024) / 1024,
                 qPrintable(QString("RSS grew from %1 KiB to %2 KiB").arg(before).arg(during)));
        connections.clear();
        QVERIFY(still_serving(address));

        // A frame larger than the whole pool is refused at its size prefix.
        RawConnection big(address);
        Bytes prefix;
        Writer(prefix).i32(static_cast<std::int32_t>(kPoolBytes + 1));
        QVERIFY(big.send_raw(prefix));
        QVERIFY(big.closed_by_peer(3000));
    }

    void idle_connection_is_closed() {
        // connections.max.idle.ms: a socket that sends nothing is closed, freeing its slot.
        RawConnection c(address);
        QVERIFY(c.connected());
        QVERIFY(c.closed_by_peer(8000));
        QVERIFY(still_serving(address));
    }

    void malformed_raft_and_lifecycle_requests_on_a_controller() {
        // A controller's port speaks Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch (of the
        // metadata log), BrokerRegistration and BrokerHeartbeat: broken bodies of each get an
        // error answer (or a closed connection), and the quorum keeps its leader.
        auto status = lab.command("status");
        QString controller;
        for (const auto& c : status["controllers"].toArray()) {
            auto o = c.toObject();
            if (o["up"].toBool() && !o["active"].toBool()) {
                controller = o["host"].toString() + ":" + QString::number(o["port"].toInt());
            }
        }
        QVERIFY(!controller.isEmpty());
        std::mt19937 rng(11);
        for (std::int16_t key : {52, 53, 54, 1, 62, 63, 19, 20}) {
            for (std::int16_t version : {0, 1, 12}) {
                RawConnection c(controller);
                QVERIFY(c.connected());
                // As a lab node: without the secret the controller closes at once (SASL).
                QCOMPARE(c.authenticate("kraftlab-node", kTestLabSecret), std::int16_t{0});
                Bytes body;
                Writer w(body);
                encode_request_header(w, RequestHeader{key, version, 41, "raw-test"});
                Bytes junk(rng() % 64);
                for (auto& b : junk)
                    b = static_cast<std::uint8_t>(rng());
                body.insert(body.end(), junk.begin(), junk.end());
                QVERIFY(c.send_frame(body));
                if (auto frame = c.read_frame(2000)) {
                    Reader r(*frame);
                    QCOMPARE(r.i32(), 41);  // answered, to this request
                }
            }
            RawConnection garbage(controller);
            Bytes random(1 + rng() % 2048);
            for (auto& b : random)
                b = static_cast<std::uint8_t>(rng());
            garbage.send_raw(random);
            garbage.closed_by_peer(300);
        }
        // Still one active controller, and the broker still serves.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                int active = 0;
                for (const auto& c : lab.command("status")["controllers"].toArray()) {
                    if (c.toObject()["up"].toBool() && c.toObject()["active"].toBool()) ++active;
                }
                return active == 1;
            }(),
            10'000);
        QVERIFY(still_serving(address));
    }
};

QTEST_GUILESS_MAIN(BadInputTest)
#include "test_bad_input.moc"
