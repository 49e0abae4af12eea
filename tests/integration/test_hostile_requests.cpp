// Hostile requests on one broker (issue 12, items 3, 4, 5, 8), the same shapes the tester sent,
// on raw sockets against one lab (`--brokers 1`), smaller but large enough to show each bound:
//   - batches whose header lies about their records (2^31-1 claimed, one held; one claimed,
//     1,000 held) are refused and append nothing; a decompression bomb is refused;
//   - ListOffsets by time decodes at most one batch, within a bound, and a partition named 30
//     times is answered INVALID_REQUEST without a lookup;
//   - Fetch honours the request's max_bytes, the broker's fetch_max_bytes and each partition's
//     limit, and answers a partition named 25 times once; the lab's memory stays bounded;
//   - max.message.bytes above 1 MiB and segment.bytes (at creation, after set-config, after a
//     restart) are applied, not just shown;
//   - idempotent producers: an InitProducerId flood gets distinct ids (blocks from the
//     controller), a transactional id is refused; a retried batch is answered with its
//     original offset, also after a restart (ids stay distinct across it and across a failover
//     of the active controller), a gap is OUT_OF_ORDER_SEQUENCE_NUMBER and an old
//     epoch INVALID_PRODUCER_EPOCH, and nothing of them is appended;
//   - consumer-group requests (issue 15) with a 10 MiB protocol, unknown members, wrong
//     generations, assignments for members that do not exist and commits to partitions that do
//     not exist are refused one by one, and a real consumer then uses the same group.
#include <QDirIterator>
#include <QtTest>
#include <random>
#include <set>

#include "lab_process.h"
#include "protocol/crc32c.h"
#include "protocol/errors.h"
#include "protocol/fetch.h"
#include "protocol/find_coordinator.h"
#include "protocol/heartbeat.h"
#include "protocol/init_producer_id.h"
#include "protocol/join_group.h"
#include "protocol/leave_group.h"
#include "protocol/list_offsets.h"
#include "protocol/offset_commit.h"
#include "protocol/produce.h"
#include "protocol/records.h"
#include "protocol/sync_group.h"
#include "raw_connection.h"

using namespace kraftlab::testing;
using namespace kraftlab::protocol;

namespace {

ByteView view_of(std::string_view s) {
    return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// A batch whose header is rewritten to claim `count` records (LastOffsetDelta count - 1), with
// its CRC recomputed, so that only a check of the records against the header can notice.
Bytes claiming(Bytes batch, std::int32_t count) {
    Writer w(batch);
    w.patch_i32(23, count - 1);
    w.patch_i32(57, count);
    w.patch_i32(17, static_cast<std::int32_t>(crc32c(ByteView(batch).subspan(21))));
    return batch;
}

Bytes records_of(int count, std::string_view value, std::int64_t first_timestamp,
                 Compression codec = Compression::None) {
    RecordBatchBuilder builder(codec);
    for (int i = 0; i < count; ++i)
        builder.append(std::nullopt, view_of(value), first_timestamp + i);
    return builder.build();
}

// records_of's batch as an idempotent producer sends it (producer id, epoch, base sequence).
Bytes idempotent(Bytes batch, std::int64_t producer_id, std::int16_t epoch, std::int32_t seq) {
    Writer w(batch);
    Bytes fields;
    Writer f(fields);
    f.i64(producer_id);
    f.i16(epoch);
    f.i32(seq);
    std::copy(fields.begin(), fields.end(), batch.begin() + 43);
    w.patch_i32(17, static_cast<std::int32_t>(crc32c(ByteView(batch).subspan(21))));
    return batch;
}

// Segment files (*.log) of a partition, wherever the lab keeps its brokers' data.
int segment_files(const QString& data_dir, const QString& partition_dir) {
    int n = 0;
    QDirIterator it(data_dir, {"*.log"}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        if (QFileInfo(it.next()).dir().dirName() == partition_dir) ++n;
    }
    return n;
}

std::size_t record_bytes(const FetchResponse& r) {
    std::size_t n = 0;
    for (const auto& t : r.responses)
        for (const auto& p : t.partitions)
            n += p.records ? p.records->size() : 0;
    return n;
}

// Kafka's consumer protocol (ConsumerProtocolSubscription / Assignment v0), so that the lab's
// status can show what the hand-made member subscribes to and was assigned.
Bytes subscription_v0(const std::string& topic) {
    Bytes b;
    Writer w(b);
    w.i16(0);
    w.array_length(1);
    w.string(topic);
    w.nullable_bytes(std::nullopt);  // user data
    return b;
}

Bytes assignment_v0(const std::string& topic, const std::vector<std::int32_t>& partitions) {
    Bytes b;
    Writer w(b);
    w.i16(0);
    w.array_length(1);
    w.string(topic);
    w.array_length(static_cast<std::int32_t>(partitions.size()));
    for (auto p : partitions)
        w.i32(p);
    w.nullable_bytes(std::nullopt);
    return b;
}

QJsonObject group_status(const QJsonObject& status, const QString& group) {
    for (const auto& g : status["groups"].toArray()) {
        if (g.toObject()["group"] == group) return g.toObject();
    }
    return {};
}

std::size_t partition_entries(const FetchResponse& r) {
    std::size_t n = 0;
    for (const auto& t : r.responses)
        n += t.partitions.size();
    return n;
}

}  // namespace

class HostileRequestsTest : public QObject {
    Q_OBJECT

    LabProcess lab;
    QString address;
    std::unique_ptr<RawConnection> conn;

    // Produce (v7, acks=1) of one payload; the partition's answer. A partition just created (or
    // a broker just restarted) may not be led yet: those answers are retried for a while.
    ProduceResponse::PartitionProduceResponse produce(const QString& topic, int partition,
                                                      const Bytes& records) {
        ProduceRequest request;
        request.acks = 1;
        request.timeout_ms = 10'000;
        request.topic_data = {{topic.toStdString(), {{partition, records}}}};
        ProduceResponse::PartitionProduceResponse out;
        out.error_code = -1;
        for (int attempt = 0; attempt < 100; ++attempt) {
            if (!conn || !conn->connected()) conn = std::make_unique<RawConnection>(address);
            auto response = conn->call<ProduceResponse>(7, request);
            if (!response) {
                conn.reset();
                QTest::qWait(100);
                continue;
            }
            out = response->responses.at(0).partition_responses.at(0);
            const auto error = static_cast<ErrorCode>(out.error_code);
            if (error != ErrorCode::NOT_LEADER_OR_FOLLOWER &&
                error != ErrorCode::UNKNOWN_TOPIC_OR_PARTITION &&
                error != ErrorCode::LEADER_NOT_AVAILABLE) {
                break;
            }
            QTest::qWait(100);
        }
        return out;
    }

    std::vector<ListOffsetsResponse::Partition> list_offsets(const QString& topic,
                                                             std::vector<std::int64_t> times) {
        ListOffsetsRequest request;
        request.replica_id = -1;
        auto& t = request.topics.emplace_back();
        t.name = topic.toStdString();
        for (auto ts : times)
            t.partitions.push_back({0, ts});
        RawConnection c(address);
        auto response = c.call<ListOffsetsResponse>(1, request);
        if (!response || response->topics.size() != 1) return {};
        return response->topics[0].partitions;
    }

    std::optional<FetchResponse> fetch(const QString& topic, const std::vector<int>& partitions,
                                       std::int32_t max_bytes, std::int32_t partition_max_bytes) {
        FetchRequest request;
        request.replica_id = -1;
        request.max_wait_ms = 0;
        request.min_bytes = 0;
        request.max_bytes = max_bytes;
        auto& t = request.topics.emplace_back();
        t.topic = topic.toStdString();
        for (int p : partitions) {
            FetchRequest::FetchPartition fp;
            fp.partition = p;
            fp.fetch_offset = 0;
            fp.partition_max_bytes = partition_max_bytes;
            t.partitions.push_back(fp);
        }
        RawConnection c(address);
        return c.call<FetchResponse>(10, request, 30'000);
    }

    void create(const QString& line) {
        auto reply = lab.command(line);
        QVERIFY2(reply["ok"].toBool(), qPrintable(line + ": " + reply["error"].toString()));
    }

  private slots:
    void initTestCase() {
        QVERIFY(lab.start({"--brokers", "1"}));
        address = lab.bootstrap().split(',').first();
    }
    void cleanupTestCase() {
        conn.reset();
        QCOMPARE(lab.quit(), 0);
    }

    void batches_whose_header_lies_are_refused_and_append_nothing() {
        create("create-topic counts 1 1");
        // 2^31-1 records claimed, one held: the log end offset used to jump by 2^31-1.
        auto lie = produce("counts", 0, claiming(records_of(1, "one", 1000), 0x7fffffff));
        QCOMPARE(lie.error_code, to_wire(ErrorCode::INVALID_RECORD));
        // One claimed, 1,000 held (compressed too): they used to hide the next record.
        QCOMPARE(produce("counts", 0, claiming(records_of(1000, "many", 1000), 1)).error_code,
                 to_wire(ErrorCode::INVALID_RECORD));
        QCOMPARE(produce("counts", 0, claiming(records_of(1000, "many", 1000, Compression::Lz4), 1))
                     .error_code,
                 to_wire(ErrorCode::INVALID_RECORD));
        // A decompression bomb: 20 MiB of one value in a batch of a few KiB, past the 16 MiB a
        // default topic's batch may expand to.
        const std::string zeros(20u << 20, '\0');
        auto bomb = produce("counts", 0, records_of(1, zeros, 1000, Compression::Zstd));
        QCOMPARE(bomb.error_code, to_wire(ErrorCode::CORRUPT_MESSAGE));

        // Nothing was appended: the next record is offset 0, and a consumer sees it.
        auto ok = produce("counts", 0, records_of(1, "after", 2000));
        QCOMPARE(ok.error_code, std::int16_t(0));
        QCOMPARE(ok.base_offset, std::int64_t{0});
        auto latest = list_offsets("counts", {ListOffsetsRequest::kLatestTimestamp});
        QCOMPARE(latest.size(), std::size_t{1});
        QCOMPARE(latest[0].offset, std::int64_t{1});
        auto fetched = fetch("counts", {0}, 1 << 20, 1 << 20);
        QVERIFY(fetched);
        std::vector<Record> records;
        QCOMPARE(decode_records(*fetched->responses.at(0).partitions.at(0).records, records),
                 BatchError::None);
        QCOMPARE(records.size(), std::size_t{1});
        QCOMPARE(records[0].offset, std::int64_t{0});
        QVERIFY(records[0].value == Bytes(view_of("after").begin(), view_of("after").end()));

        // The refusal says why, in the lab's events.
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "client_rejected" &&
                   e["explain"].toString().contains(
                       "claims 2147483647 records but the batch holds 1");
        }));
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "client_rejected" &&
                   e["explain"].toString().contains("claims 1 record but the batch holds 1000");
        }));
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "client_rejected" &&
                   e["explain"].toString().contains("bytes once decompressed");
        }));
    }

    void init_producer_id_flood_and_idempotence_errors() {
        // A flood of InitProducerId, pipelined on one connection at kafkajs's v1 and
        // librdkafka's v4: every answer a distinct id, 2,500 ids from three blocks of 1,000.
        RawConnection flood(address);
        QVERIFY(flood.connected());
        constexpr int kRequests = 2500;
        InitProducerIdRequest init;
        init.transaction_timeout_ms = 60000;
        for (int i = 0; i < kRequests; ++i) {
            const std::int16_t v = i % 2 ? 4 : 1;
            QVERIFY(flood.send_request(22, v, i, init));
        }
        std::set<std::int64_t> ids;
        for (int i = 0; i < kRequests; ++i) {
            auto frame = flood.read_frame(30'000);
            QVERIFY2(frame, qPrintable("no answer to InitProducerId " + QString::number(i)));
            Reader r(*frame);
            const std::int16_t v = i % 2 ? 4 : 1;
            QCOMPARE(decode_response_header(r, v >= 2 ? 1 : 0), i);
            InitProducerIdResponse answer;
            QVERIFY(answer.decode(r, v));
            QCOMPARE(answer.error_code, std::int16_t(0));
            QCOMPARE(answer.producer_epoch, std::int16_t(0));
            QVERIFY(ids.insert(answer.producer_id).second);
        }
        QCOMPARE(ids.size(), std::size_t(kRequests));
        // A transactional id: refused, not retriable, and the event says why.
        InitProducerIdRequest tx = init;
        tx.transactional_id = "orders-tx";
        auto refused = flood.call<InitProducerIdResponse>(1, tx);
        QVERIFY(refused);
        QCOMPARE(refused->error_code, to_wire(ErrorCode::TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "client_rejected" &&
                   e["explain"].toString().contains("transactions are not served");
        }));

        // Produce with the rules: a retry is answered with its original offset, not appended.
        create("create-topic idempotent 1 1");
        auto got = flood.call<InitProducerIdResponse>(1, init);
        QVERIFY(got && got->error_code == 0);
        const std::int64_t pid = got->producer_id;
        const Bytes first = idempotent(records_of(3, "a", 1000), pid, 0, 0);
        auto r = produce("idempotent", 0, first);
        QCOMPARE(r.error_code, std::int16_t(0));
        QCOMPARE(r.base_offset, std::int64_t(0));
        const Bytes second = idempotent(records_of(2, "b", 1000), pid, 0, 3);
        QCOMPARE(produce("idempotent", 0, second).base_offset, std::int64_t(3));
        r = produce("idempotent", 0, first);
        QCOMPARE(r.error_code, std::int16_t(0));
        QCOMPARE(r.base_offset, std::int64_t(0));
        // A gap: out of order. An older epoch after a newer one: fenced.
        r = produce("idempotent", 0, idempotent(records_of(1, "gap", 1000), pid, 0, 9));
        QCOMPARE(r.error_code, to_wire(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER));
        const Bytes bumped = idempotent(records_of(1, "c", 1000), pid, 1, 0);
        QCOMPARE(produce("idempotent", 0, bumped).base_offset, std::int64_t(5));
        r = produce("idempotent", 0, idempotent(records_of(1, "old", 1000), pid, 0, 5));
        QCOMPARE(r.error_code, to_wire(ErrorCode::INVALID_PRODUCER_EPOCH));
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "client_rejected" &&
                   e["explain"].toString().contains("OUT_OF_ORDER_SEQUENCE_NUMBER");
        }));
        // After a crash and a restart the broker rebuilt the state from its log: the retry of
        // the last batch is still known.
        // (Restarted once its old session is fenced, and waited for until unfenced, so that the
        // next test finds a broker to create topics on.)
        const auto after = [&](qsizetype from, const char* kind) {
            qsizetype index = 0;
            return lab.wait_event(
                [&](const QJsonObject& e) { return index++ >= from && e["kind"] == kind; }, 20'000);
        };
        qsizetype mark = lab.events().size();
        QVERIFY(lab.command("kill broker 1")["ok"].toBool());
        QVERIFY(after(mark, "broker_fenced"));
        mark = lab.events().size();
        QVERIFY(lab.command("restart broker 1")["ok"].toBool());
        QVERIFY(after(mark, "broker_unfenced"));
        conn.reset();
        r = produce("idempotent", 0, bumped);
        QCOMPARE(r.error_code, std::int16_t(0));
        QCOMPARE(r.base_offset, std::int64_t(5));
        auto latest = list_offsets("idempotent", {ListOffsetsRequest::kLatestTimestamp});
        QCOMPARE(latest.size(), std::size_t{1});
        QCOMPARE(latest[0].offset, std::int64_t{6});
        // A fresh id after the restart is not one given out before.
        RawConnection again(address);
        auto fresh = again.call<InitProducerIdResponse>(1, init);
        QVERIFY(fresh && fresh->error_code == 0);
        QVERIFY(!ids.count(fresh->producer_id) && fresh->producer_id != pid);
        ids.insert(fresh->producer_id);
        // Nor after the active controller dies: the next one knows from the replayed metadata
        // log which blocks are gone. 1,000 more ids need a block from it.
        const int active = active_controller(lab.command("status"));
        QVERIFY(active > 0);
        QVERIFY(lab.command("kill controller " + QString::number(active))["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                const int now = active_controller(lab.command("status"));
                return now > 0 && now != active;
            },
            15'000));
        for (int i = 0; i < 1000; ++i)
            QVERIFY(again.send_request(22, 1, 10'000 + i, init));
        for (int i = 0; i < 1000; ++i) {
            auto frame = again.read_frame(30'000);
            QVERIFY(frame);
            Reader rd(*frame);
            QCOMPARE(decode_response_header(rd, 0), 10'000 + i);
            InitProducerIdResponse answer;
            QVERIFY(answer.decode(rd, 1));
            QCOMPARE(answer.error_code, std::int16_t(0));
            QVERIFY2(ids.insert(answer.producer_id).second,
                     qPrintable("producer id " + QString::number(answer.producer_id) +
                                " was given out twice"));
        }
        QVERIFY(lab.command("restart controller " + QString::number(active))["ok"].toBool());
    }

    void list_offsets_by_time_decodes_at_most_one_bounded_batch() {
        // max.message.bytes 32 MiB lets a batch expand to 32 MiB: a 24 MiB one is stored.
        create("create-topic times 1 1 max.message.bytes=33554432");
        QCOMPARE(produce("times", 0, records_of(10, "t", 1000)).error_code, std::int16_t(0));
        const std::string zeros(24u << 20, '\0');
        QCOMPARE(produce("times", 0, records_of(1, zeros, 5000, Compression::Zstd)).error_code,
                 std::int16_t(0));

        QElapsedTimer timer;
        auto once = list_offsets("times", {1005});
        QCOMPARE(once.size(), std::size_t{1});
        QCOMPARE(once[0].error_code, std::int16_t(0));
        QCOMPARE(once[0].offset, std::int64_t{5});
        QCOMPARE(once[0].timestamp, std::int64_t{1005});
        timer.start();
        QCOMPARE(offset_at("times", 5000), std::int64_t{10});
        qInfo("ListOffsets by time in the 24 MiB batch: %lld ms", timer.elapsed());

        // The tester's request: the bomb's partition named 30 times. Kafka answers a duplicated
        // partition INVALID_REQUEST at every mention; nothing is looked up.
        timer.start();
        auto repeated = list_offsets("times", std::vector<std::int64_t>(30, 5000));
        qInfo("ListOffsets naming the 24 MiB batch's partition 30 times: %lld ms", timer.elapsed());
        QCOMPARE(repeated.size(), std::size_t{30});
        for (const auto& p : repeated) {
            QCOMPARE(p.error_code, to_wire(ErrorCode::INVALID_REQUEST));
            QCOMPARE(p.offset, std::int64_t{-1});
        }
        QVERIFY(still_serving());

        // Back to the default max.message.bytes: the stored 24 MiB batch is beyond what a batch
        // may expand to, and is answered CORRUPT_MESSAGE rather than expanded; the others are
        // still found.
        QVERIFY(lab.command("set-config times max.message.bytes=")["ok"].toBool());
        QTRY_COMPARE_WITH_TIMEOUT(error_at("times", 5000), to_wire(ErrorCode::CORRUPT_MESSAGE),
                                  10'000);
        QCOMPARE(offset_at("times", 1005), std::int64_t{5});
    }

    void one_request_decompresses_at_most_its_budget() {
        // Batches of a few hundred bytes that each expand to 15 MiB, within a default topic's
        // 16 MiB per batch: nine of them in one request pass the 128 MiB a request may expand.
        create("create-topic budget 9 1");
        const std::string zeros(15u << 20, '\0');
        const Bytes bomb = records_of(1, zeros, 7000, Compression::Zstd);
        Bytes nine;
        for (int i = 0; i < 9; ++i)
            nine.insert(nine.end(), bomb.begin(), bomb.end());
        QCOMPARE(produce("budget", 0, nine).error_code, to_wire(ErrorCode::RECORD_LIST_TOO_LARGE));
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "client_rejected" &&
                   e["explain"].toString().contains("expand to more than 128 MiB in all");
        }));
        // One per request is fine: one in each partition.
        for (int p = 0; p < 9; ++p) {
            auto r = produce("budget", p, bomb);
            QCOMPARE(r.error_code, std::int16_t(0));
            QCOMPARE(r.base_offset, std::int64_t{0});  // the refused request appended nothing
        }
        // A lookup by time in all nine: eight fit the request's budget, the ninth does not.
        ListOffsetsRequest request;
        request.replica_id = -1;
        auto& t = request.topics.emplace_back();
        t.name = "budget";
        for (int p = 0; p < 9; ++p)
            t.partitions.push_back({p, 7000});
        RawConnection c(address);
        auto response = c.call<ListOffsetsResponse>(1, request);
        QVERIFY(response);
        const auto& parts = response->topics.at(0).partitions;
        QCOMPARE(parts.size(), std::size_t{9});
        for (int p = 0; p < 8; ++p) {
            QCOMPARE(parts[p].error_code, std::int16_t(0));
            QCOMPARE(parts[p].offset, std::int64_t{0});
        }
        QCOMPARE(parts[8].error_code, to_wire(ErrorCode::POLICY_VIOLATION));
    }

    void fetch_is_capped_and_a_repeated_partition_is_answered_once() {
        // Five partitions of 4 MB (four 1 MB batches each), 20 MB in all.
        create("create-topic big 5 1");
        std::string value(1'000'000, 'x');
        std::mt19937 rng(3);
        for (auto& c : value)
            c = static_cast<char>(rng());  // incompressible, as the tester's data
        const Bytes batch = records_of(1, value, 1000);
        for (int p = 0; p < 5; ++p) {
            for (int i = 0; i < 4; ++i)
                QCOMPARE(produce("big", p, batch).error_code, std::int16_t(0));
        }
        // The peak resident size from here on: what the fetches below hold at their worst.
        QVERIFY(reset_peak_rss(lab.pid()));
        const long rss_before = status_kib(lab.pid(), "VmHWM");
        QVERIFY(rss_before > 0);

        // The brief's case: a 4 MB partition named 25 times with max_bytes 1 MiB.
        auto small = fetch("big", std::vector<int>(25, 0), 1 << 20, 4 << 20);
        QVERIFY(small);
        QCOMPARE(partition_entries(*small), std::size_t{1});
        QVERIFY2(record_bytes(*small) <= (1u << 20) + batch.size(),
                 qPrintable(QString::number(record_bytes(*small))));
        QVERIFY(record_bytes(*small) >= batch.size());

        // The tester's: no max_bytes to speak of, partition named 25 times: the partition once.
        auto repeated = fetch("big", std::vector<int>(25, 0), 0x7fffffff, 64 << 20);
        QVERIFY(repeated);
        QCOMPARE(partition_entries(*repeated), std::size_t{1});
        QCOMPARE(record_bytes(*repeated), 4 * batch.size());

        // Every partition, each named five times: the broker's 16 MiB fetch_max_bytes caps the
        // 20 MB (the first batch may exceed it, here it does not).
        std::vector<int> all;
        for (int i = 0; i < 25; ++i)
            all.push_back(i % 5);
        auto capped = fetch("big", all, 0x7fffffff, 64 << 20);
        QVERIFY(capped);
        QCOMPARE(partition_entries(*capped), std::size_t{5});
        QVERIFY2(record_bytes(*capped) <= (16u << 20),
                 qPrintable(QString::number(record_bytes(*capped))));
        QVERIFY(record_bytes(*capped) >= (16u << 20) - batch.size());

        // A first batch larger than every limit still comes whole (KIP-74).
        auto tiny = fetch("big", {0}, 1, 1);
        QVERIFY(tiny);
        QCOMPARE(record_bytes(*tiny), batch.size());

        // Before, the second request alone answered 100 MB (the tester's 500 MB).
        const long rss_after = status_kib(lab.pid(), "VmHWM");
        qInfo("lab peak RSS %ld KiB -> %ld KiB over the fetches", rss_before, rss_after);
        QVERIFY2(rss_after - rss_before < 96 * 1024,
                 qPrintable(QString("RSS %1 -> %2 KiB").arg(rss_before).arg(rss_after)));
    }

    void max_message_bytes_above_one_mib_is_applied() {
        create("create-topic wide 1 1 max.message.bytes=2097152");
        const std::string value(1536 * 1024, 'w');
        QCOMPARE(produce("wide", 0, records_of(1, value, 1)).error_code, std::int16_t(0));
        const std::string too_big(2200 * 1024, 'w');
        QCOMPARE(produce("wide", 0, records_of(1, too_big, 1)).error_code,
                 to_wire(ErrorCode::MESSAGE_TOO_LARGE));
        // A topic with the default keeps the default.
        QCOMPARE(produce("counts", 0, records_of(1, value, 1)).error_code,
                 to_wire(ErrorCode::MESSAGE_TOO_LARGE));
    }

    void segment_bytes_is_applied_at_creation_after_set_config_and_after_a_restart() {
        const std::string value(40'000, 's');
        const Bytes batch = records_of(1, value, 1);
        // At creation: 100 kB segments hold two 40 kB batches each.
        create("create-topic rolls 1 1 segment.bytes=100000");
        for (int i = 0; i < 6; ++i)
            QCOMPARE(produce("rolls", 0, batch).error_code, std::int16_t(0));
        QCOMPARE(segment_files(lab.data_dir(), "rolls-0"), 3);

        // Changed by IncrementalAlterConfigs: the broker learns it from the metadata log a
        // moment later; at the lab's default (16 MiB) these 20 batches would fill one segment.
        create("create-topic altered 1 1");
        QCOMPARE(produce("altered", 0, batch).error_code, std::int16_t(0));
        QVERIFY(lab.command("set-config altered segment.bytes=100000")["ok"].toBool());
        for (int i = 0; i < 20 && segment_files(lab.data_dir(), "altered-0") < 3; ++i) {
            QCOMPARE(produce("altered", 0, batch).error_code, std::int16_t(0));
            QTest::qWait(50);
        }
        QVERIFY(segment_files(lab.data_dir(), "altered-0") >= 3);

        // After a restart (the logs reopen before the metadata is known).
        QVERIFY(lab.command("kill broker 1")["ok"].toBool());
        QVERIFY(lab.command("restart broker 1")["ok"].toBool());
        conn.reset();
        const int before = segment_files(lab.data_dir(), "rolls-0");
        for (int i = 0; i < 4; ++i)
            QCOMPARE(produce("rolls", 0, batch).error_code, std::int16_t(0));
        QVERIFY2(segment_files(lab.data_dir(), "rolls-0") >= before + 2,
                 qPrintable(QString::number(segment_files(lab.data_dir(), "rolls-0"))));
    }

    // Group requests that break the rules, on raw sockets, each answered with Kafka's error
    // while the group goes on: a JoinGroup with 10 MiB of metadata in its one protocol (a
    // member's protocol metadata is bounded at 64 KiB: INCONSISTENT_GROUP_PROTOCOL, and the
    // connection and the broker serve on); JoinGroup, SyncGroup and Heartbeat naming a member
    // the group does not have (UNKNOWN_MEMBER_ID) or another generation (ILLEGAL_GENERATION);
    // the leader's SyncGroup assigning to members that do not exist (dropped: the group is
    // Stable with its one member); OffsetCommit to a topic or a partition that does not exist
    // (UNKNOWN_TOPIC_OR_PARTITION for those, the rest stored). Then confluent-kafka joins the
    // same group and resumes from the one commit that was stored.
    void consumer_group_requests_with_bad_input() {
        create("create-topic grouped 1 1");
        for (int i = 0; i < 5; ++i) {
            const std::string value = "g-" + std::to_string(i);
            QCOMPARE(produce("grouped", 0, records_of(1, value, 1000 + i)).error_code,
                     std::int16_t(0));
        }
        const std::string group = "hostile-group";
        RawConnection g(address);
        QVERIFY(g.connected());
        auto heartbeat = [&](const std::string& member, std::int32_t generation) -> int {
            auto r = g.call<HeartbeatResponse>(3, HeartbeatRequest{group, generation, member, {}});
            return r ? r->error_code : -100;
        };
        // The first FindCoordinator makes __consumer_offsets; until its partition is led and
        // loaded the answers are COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS. A
        // heartbeat for nobody is answered UNKNOWN_MEMBER_ID once the coordinator serves.
        QVERIFY(eventually(
            [&] {
                auto found = g.call<FindCoordinatorResponse>(1, FindCoordinatorRequest{group, 0});
                return found && found->error_code == 0 &&
                       heartbeat("nobody", 0) == to_wire(ErrorCode::UNKNOWN_MEMBER_ID);
            },
            20'000));

        JoinGroupRequest huge;
        huge.group_id = group;
        huge.session_timeout_ms = 6'000;
        huge.rebalance_timeout_ms = 6'000;
        huge.protocol_type = "consumer";
        huge.protocols = {{"range", Bytes(10u << 20, 0x42)}};
        auto refused = g.call<JoinGroupResponse>(5, huge, 30'000);
        QVERIFY2(refused, "no answer to a JoinGroup with 10 MiB of protocol metadata");
        QCOMPARE(refused->error_code, to_wire(ErrorCode::INCONSISTENT_GROUP_PROTOCOL));
        const auto latest = list_offsets("grouped", {ListOffsetsRequest::kLatestTimestamp});
        QCOMPARE(latest.size(), std::size_t{1});
        QCOMPARE(latest[0].offset, std::int64_t{5});

        // A well-behaved member on the same connection: its id first (v4+), then the join,
        // answered after the group's initial rebalance delay.
        JoinGroupRequest join = huge;
        join.protocols = {{"range", subscription_v0("grouped")}};
        auto asked = g.call<JoinGroupResponse>(5, join);
        QVERIFY(asked);
        QCOMPARE(asked->error_code, to_wire(ErrorCode::MEMBER_ID_REQUIRED));
        const std::string member = asked->member_id;
        QVERIFY(!member.empty());
        join.member_id = member;
        auto joined = g.call<JoinGroupResponse>(5, join, 15'000);
        QVERIFY(joined);
        QCOMPARE(joined->error_code, std::int16_t(0));
        QCOMPARE(joined->generation_id, 1);
        QCOMPARE(joined->leader, member);
        QCOMPARE(joined->members.size(), std::size_t{1});

        auto ghost = join;
        ghost.member_id = "ghost-member";
        auto ghost_join = g.call<JoinGroupResponse>(5, ghost);
        QVERIFY(ghost_join);
        QCOMPARE(ghost_join->error_code, to_wire(ErrorCode::UNKNOWN_MEMBER_ID));
        auto sync_error = [&](const SyncGroupRequest& request) -> int {
            auto r = g.call<SyncGroupResponse>(3, request);
            return r ? r->error_code : -100;
        };
        QCOMPARE(sync_error(SyncGroupRequest{group, 1, "ghost-member", {}, {}}),
                 int(to_wire(ErrorCode::UNKNOWN_MEMBER_ID)));
        QCOMPARE(sync_error(SyncGroupRequest{group, 7, member, {}, {}}),
                 int(to_wire(ErrorCode::ILLEGAL_GENERATION)));
        QCOMPARE(heartbeat("ghost-member", 1), int(to_wire(ErrorCode::UNKNOWN_MEMBER_ID)));
        QCOMPARE(heartbeat(member, 7), int(to_wire(ErrorCode::ILLEGAL_GENERATION)));

        // The leader assigns to itself and to two members that do not exist.
        const Bytes mine = assignment_v0("grouped", {0});
        SyncGroupRequest sync{group, 1, member, {}, {}};
        sync.assignments = {{member, mine},
                            {"ghost-1", assignment_v0("grouped", {0})},
                            {"ghost-2", Bytes(1000, 0x7f)}};
        auto synced = g.call<SyncGroupResponse>(3, sync);
        QVERIFY(synced);
        QCOMPARE(synced->error_code, std::int16_t(0));
        QVERIFY(synced->assignment == mine);
        QCOMPARE(heartbeat(member, 1), 0);
        // The lab's status comes from the brokers' snapshots (every 250 ms): it may lag a little.
        QJsonObject seen;
        QVERIFY(eventually(
            [&] {
                seen = group_status(lab.command("status"), QString::fromStdString(group));
                return seen["state"] == "Stable";
            },
            5'000));
        QCOMPARE(seen["generation"].toInt(), 1);
        const auto members = seen["members"].toArray();
        QCOMPARE(members.size(), 1);
        QCOMPARE(members[0].toObject()["member_id"].toString(), QString::fromStdString(member));
        QCOMPARE(members[0].toObject()["assigned"].toArray().size(), 1);

        // Commits: an unknown topic and an unknown partition refused, the real one stored.
        OffsetCommitRequest commit;
        commit.group_id = group;
        commit.generation_id = 1;
        commit.member_id = member;
        commit.topics = {{"no-such-topic", {{0, 3}}}, {"grouped", {{0, 2}, {99, 1}}}};
        auto committed = g.call<OffsetCommitResponse>(7, commit);
        QVERIFY(committed);
        QCOMPARE(committed->topics.size(), std::size_t{2});
        QCOMPARE(committed->topics[0].partitions.at(0).error_code,
                 to_wire(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION));
        QCOMPARE(committed->topics[1].partitions.at(0).error_code, std::int16_t(0));
        QCOMPARE(committed->topics[1].partitions.at(1).error_code,
                 to_wire(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION));
        auto stale = commit;
        stale.generation_id = 5;
        stale.topics = {{"grouped", {{0, 4}}}};
        auto stale_answer = g.call<OffsetCommitResponse>(7, stale);
        QVERIFY(stale_answer);
        QCOMPARE(stale_answer->topics.at(0).partitions.at(0).error_code,
                 to_wire(ErrorCode::ILLEGAL_GENERATION));
        stale.generation_id = 1;
        stale.member_id = "ghost-member";
        stale_answer = g.call<OffsetCommitResponse>(7, stale);
        QVERIFY(stale_answer);
        QCOMPARE(stale_answer->topics.at(0).partitions.at(0).error_code,
                 to_wire(ErrorCode::UNKNOWN_MEMBER_ID));
        QJsonArray offsets;
        QVERIFY(eventually(
            [&] {
                offsets =
                    group_status(lab.command("status"), QString::fromStdString(group))["offsets"]
                        .toArray();
                return !offsets.isEmpty();
            },
            5'000));
        QCOMPARE(offsets.size(), 1);
        QCOMPARE(offsets[0].toObject()["topic"].toString(), QString("grouped"));
        QCOMPARE(offsets[0].toObject()["offset"].toInt(), 2);

        LeaveGroupRequest leave;
        leave.group_id = group;
        leave.members = {{member, std::nullopt}};
        auto left = g.call<LeaveGroupResponse>(3, leave);
        QVERIFY(left);
        QCOMPARE(left->error_code, std::int16_t(0));
        QCOMPARE(left->members.at(0).error_code, std::int16_t(0));

        // A real client in the same group: it starts at the stored commit (offset 2).
        auto r = run_python(
            "confluent_group.py",
            {lab.bootstrap(), "consume", QString::fromStdString(group), "grouped", "3", "30"}, {},
            60'000);
        QVERIFY2(r.ok(), r.err.right(3000).constData());
        const auto out = QJsonDocument::fromJson(r.out.trimmed().split('\n').last()).object();
        QCOMPARE(out["before"].toObject()["0"].toInt(), 2);
        const auto read = out["read"].toArray();
        QCOMPARE(read.size(), 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(read[i].toArray()[1].toInt(), 2 + i);
            QCOMPARE(read[i].toArray()[2].toString(), QString("g-%1").arg(2 + i));
        }
        QCOMPARE(out["committed"].toObject()["0"].toInt(), 5);

        // JoinGroups refused for groups that do not exist leave nothing behind (each used to
        // leave an Empty group for as long as the broker coordinated: 30 here).
        RawConnection j(address);
        for (int i = 0; i < 30; ++i) {
            auto junk = join;
            junk.group_id = "junk-" + std::to_string(i);
            ErrorCode expected = ErrorCode::NONE;
            switch (i % 3) {
                case 0:
                    junk.member_id = "ghost-member";
                    expected = ErrorCode::UNKNOWN_MEMBER_ID;
                    break;
                case 1:
                    junk.member_id.clear();
                    junk.session_timeout_ms = 1;
                    expected = ErrorCode::INVALID_SESSION_TIMEOUT;
                    break;
                default:
                    junk.member_id.clear();
                    junk.protocols.clear();
                    expected = ErrorCode::INCONSISTENT_GROUP_PROTOCOL;
                    break;
            }
            auto answer = j.call<JoinGroupResponse>(5, junk);
            QVERIFY(answer);
            QCOMPARE(answer->error_code, to_wire(expected));
        }
        // A first join told MEMBER_ID_REQUIRED that never comes back: its pending place
        // expires with its session (1 s).
        auto abandoned = join;
        abandoned.group_id = "junk-abandoned";
        abandoned.member_id.clear();
        abandoned.session_timeout_ms = 1'000;
        auto asked_again = j.call<JoinGroupResponse>(5, abandoned);
        QVERIFY(asked_again);
        QCOMPARE(asked_again->error_code, to_wire(ErrorCode::MEMBER_ID_REQUIRED));
        QTest::qWait(1'600);  // the session, then two broker snapshots
        int refused_groups = 0;
        bool abandoned_group = false;
        for (const auto& listed : lab.command("status")["groups"].toArray()) {
            const QString name = listed.toObject()["group"].toString();
            if (name == "junk-abandoned")
                abandoned_group = true;
            else if (name.startsWith("junk-"))
                ++refused_groups;
        }
        QCOMPARE(refused_groups, 0);
        // A group that never formed is forgotten once its pending member's session ends
        // (GroupCoordinator's idle groups): one abandoned first join per group id must not
        // leave a group behind for as long as the broker coordinates.
        QVERIFY(!abandoned_group);
    }

  private:
    // One partition-0 lookup by time: its error code, its offset (-2 if there was no answer).
    std::int16_t error_at(const QString& topic, std::int64_t time) {
        auto r = list_offsets(topic, {time});
        return r.size() == 1 ? r[0].error_code : std::int16_t(-2);
    }
    std::int64_t offset_at(const QString& topic, std::int64_t time) {
        auto r = list_offsets(topic, {time});
        return r.size() == 1 ? r[0].offset : -2;
    }
    bool still_serving() {
        auto latest = list_offsets("counts", {ListOffsetsRequest::kLatestTimestamp});
        return latest.size() == 1 && latest[0].error_code == 0;
    }
};

QTEST_GUILESS_MAIN(HostileRequestsTest)
#include "test_hostile_requests.moc"
