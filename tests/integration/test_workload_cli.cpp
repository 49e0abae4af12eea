// The built-in workload through kraftlab-cluster's commands: produce, update-producer,
// stop-producer, consume, stop-consumer, their replies, events and status lines; bad workload
// commands; the key-hash partitioner agreeing with kafka-python (which places keys as Java
// does) in both directions; and a power loss found by the audit.
#include <QtTest>

#include "lab_process.h"
#include "protocol/murmur2.h"

using namespace kraftlab::testing;

namespace {

QJsonObject parse(const ClientResult& r) {
    auto lines = r.out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.last()).object();
}

QJsonObject find_by_id(const QJsonObject& status, const QString& list, int id) {
    for (const auto& v : status[list].toArray()) {
        if (v.toObject()["id"].toInt() == id) return v.toObject();
    }
    return {};
}

// Polls `status` until the check passes (or 20 s pass).
bool wait_status(LabProcess& lab, const std::function<bool(const QJsonObject&)>& check) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20'000) {
        if (check(lab.command("status"))) return true;
        QTest::qWait(100);
    }
    return false;
}

int java_partition(const QString& key_hex, int partitions) {
    const QByteArray key = QByteArray::fromHex(key_hex.toLatin1());
    return kraftlab::protocol::murmur2_partition(
        kraftlab::protocol::ByteView(reinterpret_cast<const std::uint8_t*>(key.constData()),
                                     static_cast<std::size_t>(key.size())),
        partitions);
}

}  // namespace

class WorkloadCliTest : public QObject {
    Q_OBJECT

  private slots:
    void produce_consume_update_and_stop_from_the_command_line() {
        LabProcess lab;
        QVERIFY(lab.start({"--brokers", "2"}));
        QVERIFY(lab.command("create-topic cli 4")["ok"].toBool());

        auto produced = lab.command(
            "produce cli 1000 acks=1 keys=random:20 partitioner=key-hash value-bytes=64 "
            "max-records=1000");
        QVERIFY2(produced["ok"].toBool(), qPrintable(produced["error"].toString()));
        QCOMPARE(produced["producer"].toInt(), 1);
        auto started = lab.wait_event_kind("producer_started");
        QVERIFY(started);
        QCOMPARE((*started)["explain"].toString(),
                 QString("producer 1 sends 1000 records/s to cli (key-hash, acks=1)"));

        auto consumed = lab.command("consume cli from=earliest");
        QVERIFY2(consumed["ok"].toBool(), qPrintable(consumed["error"].toString()));
        QCOMPARE(consumed["consumer"].toInt(), 1);
        QVERIFY(lab.wait_event_kind("consumer_started"));
        QVERIFY(wait_status(lab, [](const QJsonObject& s) {
            return find_by_id(s, "producers", 1)["acked"].toInt() == 1000 &&
                   find_by_id(s, "consumers", 1)["records"].toInt() == 1000 &&
                   find_by_id(s, "consumers", 1)["lag"].toInt() == 0;
        }));
        auto producer = find_by_id(lab.command("status"), "producers", 1);
        QCOMPARE(producer["keys"].toString(), QString("random"));
        QCOMPARE(producer["value_bytes"].toInt(), 64);
        QCOMPARE(producer["failed"].toInt(), 0);

        // Live changes, answered and explained.
        auto updated = lab.command("update-producer 1 rate=50 acks=all compression=lz4");
        QVERIFY2(updated["ok"].toBool(), qPrintable(updated["error"].toString()));
        auto changed = lab.wait_event_kind("producer_changed");
        QVERIFY(changed);
        QVERIFY2((*changed)["explain"].toString().contains("acks 1 -> all"),
                 qPrintable((*changed)["explain"].toString()));
        QCOMPARE(find_by_id(lab.command("status"), "producers", 1)["acks"].toString(),
                 QString("all"));

        // Every record the producer placed went where Java's murmur2 puts its key; kafka-python
        // reads them all back.
        auto read = parse(run_python("kafka_python_roundtrip.py",
                                     {lab.bootstrap(), "cli", "1000", "consume"}, {}, 60'000));
        const auto records = read["read"].toArray();
        QCOMPARE(records.size(), 1000);
        for (const auto& r : records) {
            auto a = r.toArray();
            QCOMPARE(a[0].toInt(), java_partition(a[2].toString(), 4));
        }

        auto stopped = lab.command("stop-producer 1");
        QVERIFY(stopped["ok"].toBool());
        QVERIFY(lab.wait_event_kind("producer_stopped"));
        QVERIFY(lab.command("stop-consumer 1")["ok"].toBool());
        QVERIFY(lab.wait_event_kind("consumer_stopped"));
        auto status = lab.command("status");
        QVERIFY(status["producers"].toArray().isEmpty());
        QVERIFY(status["consumers"].toArray().isEmpty());
        QVERIFY(!lab.command("stop-producer 1")["ok"].toBool());  // gone
        QCOMPARE(lab.quit(), 0);
    }

    void key_hash_agrees_with_kafka_python() {
        LabProcess lab;
        QVERIFY(lab.start({"--brokers", "3"}));
        QVERIFY(lab.command("create-topic placed 6")["ok"].toBool());
        // kafka-python's default partitioner is Java's: murmur2(key) & 0x7fffffff % 6.
        auto produced = parse(run_python("kafka_python_roundtrip.py",
                                         {lab.bootstrap(), "placed", "200", "produce", "1"}));
        const auto acked = produced["acked"].toArray();
        QCOMPARE(acked.size(), 200);
        QSet<int> used;
        for (const auto& r : acked) {
            auto a = r.toArray();
            QCOMPARE(a[0].toInt(), java_partition(a[2].toString(), 6));
            used.insert(a[0].toInt());
        }
        QVERIFY(used.size() > 3);  // 50 keys over 6 partitions: not all in one place
        QCOMPARE(lab.quit(), 0);
    }

    void a_power_loss_shows_in_the_audit() {
        LabProcess lab;
        QVERIFY(lab.start({"--brokers", "1", "--controllers", "1"}));
        auto interval = lab.command("flush-interval 60000");
        QVERIFY2(interval["ok"].toBool(), qPrintable(interval["error"].toString()));
        QCOMPARE(lab.command("status")["flush_interval_ms"].toInt(), 60000);
        QVERIFY(lab.command("create-topic weak 1 1")["ok"].toBool());
        auto produced = lab.command("produce weak 1000 acks=1 max-records=300 route=leader");
        QVERIFY2(produced["ok"].toBool(), qPrintable(produced["error"].toString()));
        QVERIFY(wait_status(lab, [](const QJsonObject& s) {
            auto p = find_by_id(s, "producers", 1);
            return p["acked"].toInt() == 300 && p["route"].toString() == "leader";
        }));
        auto killed = lab.command("kill broker 1 power-loss");
        QVERIFY2(killed["ok"].toBool(), qPrintable(killed["error"].toString()));
        auto lost = lab.wait_event_kind("records_lost");
        QVERIFY(lost);
        QCOMPARE((*lost)["explain"].toString(),
                 QString("power loss: broker 1 lost offsets 0-299 of weak-0, written but not yet "
                         "flushed (log.flush.interval.ms 60000)"));
        QVERIFY(lab.command("restart broker 1")["ok"].toBool());
        auto audit = lab.command("audit", 40'000);
        QVERIFY2(audit["ok"].toBool(), qPrintable(audit["error"].toString()));
        QCOMPARE(audit["lost"].toInt(), 300);
        QCOMPARE(audit["audited"].toInt(), 300);
        QVERIFY2(audit["message"].toString().contains("300 lost"),
                 qPrintable(audit["message"].toString()));
        QVERIFY(lab.wait_event_kind("audit_finished"));
        QCOMPARE(lab.quit(), 0);
    }

    void bad_workload_commands_get_a_reason() {
        LabProcess lab;
        QVERIFY(lab.start({"--brokers", "1"}));
        QVERIFY(lab.command("create-topic t 1")["ok"].toBool());
        const QStringList bad = {"produce",
                                 "produce t",
                                 "produce nope 10",
                                 "produce t ten",
                                 "produce t -5",
                                 "produce t 2000000",
                                 "produce t 10 acks=33",
                                 "produce t 10 acks=many",
                                 "produce t 10 route=sideways",
                                 "kill broker 1 gently",
                                 "kill controller 101 power-loss",
                                 "flush-interval",
                                 "flush-interval soon",
                                 "flush-interval 5",
                                 "audit everything",
                                 "produce t 10 keys=weird",
                                 "produce t 10 keys=random:0",
                                 "produce t 10 partitioner=custom",
                                 "produce t 10 value-bytes=9999999",
                                 "produce t 10 compression=brotli",
                                 "produce t 10 colour=blue",
                                 "produce t 10 noequals",
                                 "update-producer 9 rate=1",
                                 "update-producer x rate=1",
                                 "update-producer 1",
                                 "stop-producer 9",
                                 "stop-producer",
                                 "stop-producer one",
                                 "consume",
                                 "consume nope",
                                 "consume t from=middle",
                                 "stop-consumer 3"};
        for (const auto& line : bad) {
            auto r = lab.command(line);
            QVERIFY2(r["type"] == "reply", qPrintable(line));
            QVERIFY2(!r["ok"].toBool(), qPrintable(line));
            QVERIFY2(!r["error"].toString().isEmpty(), qPrintable(line));
        }
        QVERIFY(lab.command("produce nope 10")["error"].toString().contains("no topic 'nope'"));
        // Still fine afterwards, and the help lists the workload.
        auto ok = lab.command("produce t 10");
        QVERIFY(ok["ok"].toBool());
        QVERIFY(!lab.command("update-producer 1 rate=-1")["ok"].toBool());
        QVERIFY(lab.command("update-producer 1 rate=20 keys=fixed:k1")["ok"].toBool());
        QVERIFY(lab.command("help")["message"].toString().contains("produce TOPIC RATE"));
        QCOMPARE(lab.quit(), 0);  // with a producer running
    }
};

QTEST_GUILESS_MAIN(WorkloadCliTest)
#include "test_workload_cli.moc"
