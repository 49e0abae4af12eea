// kraftlab-cluster says no to a number out of its bounds or that is not a number, with the reason
// the app shows for the same field (lab/field_rules.h), and never clamps: after every refusal
// the lab is as it was (no topic, no producer, the timeouts and flush interval unchanged). One
// lab of two brokers serves every case, so that the test stays fast.
#include <QtTest>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

bool has_topic(const QJsonObject& status, const QString& name) {
    for (const auto& t : status["topics"].toArray()) {
        if (t.toObject()["name"] == name) return true;
    }
    return false;
}

}  // namespace

// What a refused command must not change: topics, their partitions, leaders, replicas and ISR.
// (Brokers publish their replica logs a moment after a topic appears, so the rest of a status
// may fill in between two snapshots.)
static QJsonArray topic_shape(const QJsonObject& status) {
    QJsonArray shape;
    for (const auto& t : status["topics"].toArray()) {
        QJsonArray partitions;
        for (const auto& p : t.toObject()["partitions"].toArray()) {
            auto o = p.toObject();
            partitions.append(QJsonObject{{"partition", o["partition"]},
                                          {"leader", o["leader"]},
                                          {"leader_epoch", o["leader_epoch"]},
                                          {"replicas", o["replicas"]},
                                          {"isr", o["isr"]}});
        }
        shape.append(QJsonObject{{"name", t.toObject()["name"]},
                                 {"topic_id", t.toObject()["topic_id"]},
                                 {"configs", t.toObject()["configs"]},
                                 {"partitions", partitions}});
    }
    return shape;
}

class FieldCliTest : public QObject {
    Q_OBJECT

  private slots:
    void out_of_range_and_malformed_numbers_are_refused_with_the_reason() {
        LabProcess lab;
        QVERIFY(lab.start({"--brokers", "2"}));
        QVERIFY(lab.command("create-topic t 2 2")["ok"].toBool());

        // Each command and the exact reason it gets; none may change anything.
        const QList<std::pair<QString, QString>> cases = {
            {"create-topic a 99999", "At most 10,000 partitions per topic: 99999 is too many."},
            {"create-topic a 10001", "At most 10,000 partitions per topic: 10001 is too many."},
            {"create-topic a 0", "A topic needs at least 1 partition: 0 is too few."},
            {"create-topic a -5", "A topic needs at least 1 partition: -5 is too few."},
            {"create-topic a abc", "Enter a whole number of partitions, 1 to 10,000."},
            {"create-topic a 1e9", "Enter a whole number of partitions, 1 to 10,000."},
            {"create-topic a 2.5", "Enter a whole number of partitions, 1 to 10,000."},
            {"create-topic a 3 3", "At most 2 replicas, one per broker of the lab: 3 is too many."},
            {"create-topic a 3 0", "Each partition needs at least 1 replica: 0 is too few."},
            {"create-topic a 3 2 min.insync.replicas=3",
             "At most 2, the replication factor of a: with 3 every acks=all write would be "
             "refused."},
            {"set-config t min.insync.replicas=3",
             "At most 2, the replication factor of t: with 3 every acks=all write would be "
             "refused."},
            {"timeouts 1000 1000 1000 500",
             "The session timeout must be longer than the heartbeat interval (1,000 ms), or "
             "every broker is fenced between two heartbeats: 500 ms is too short."},
            {"timeouts 10 1000 1000 3000",
             "The election timeout is at least 50 ms: 10 ms is too short."},
            {"timeouts 1000 999999 1000 3000",
             "The fetch timeout is at most 120,000 ms (two minutes): 999999 ms is too long."},
            {"timeouts 1000 1000 soon 3000",
             "Enter the heartbeat interval as a whole number of milliseconds, 50 to 60,000."},
            {"flush-interval 5", "The flush interval is at least 10 ms: 5 ms is too short."},
            {"flush-interval 86400001",
             "The flush interval is at most 86,400,000 ms (a day): 86400001 ms is too long."},
            {"flush-interval 1.5",
             "Enter the flush interval as a whole number of milliseconds, 10 to 86,400,000."},
            {"produce t 2000000",
             "The rate is at most 1,000,000 records/s per producer: 2000000 is too many."},
            {"produce t -5", "The rate cannot be negative: -5 records/s. 0 pauses the producer."},
            {"produce t 1e3", "Enter the rate as a number of records per second, 0 to 1,000,000."},
            {"produce t 10 value-bytes=2000000",
             "The value size is at most 1,048,576 bytes (1 MiB): 2000000 is too large."},
            {"produce t 10 value-bytes=-1", "The value size cannot be negative: -1 bytes."},
            {"produce t 10 keys=random:0", "keys=random:N: At least 1 random key: 0 is too few."},
            {"produce t 10 acks=33",
             "acks=N is at most 32 (no topic has more replicas): 33 is too many."},
            {"produce t 10 acks=3",
             "acks=N is at most 2, the replication factor of t: with acks=3 no write would ever "
             "be answered."},
            {"produce t 10 acks=many", "acks must be 0, 1, all or the lab's 2..32, not 'many'"},
        };
        const auto before = lab.command("status");
        for (const auto& [line, reason] : cases) {
            auto r = lab.command(line);
            QVERIFY2(r["type"] == "reply", qPrintable(line));
            QVERIFY2(!r["ok"].toBool(), qPrintable(line));
            QCOMPARE(r["error"].toString(), reason);
        }
        const auto after = lab.command("status");
        QVERIFY(!has_topic(after, "a"));
        QCOMPARE(after["producers"].toArray().size(), 0);
        QCOMPARE(topic_shape(after), topic_shape(before));
        QCOMPARE(lab.command("update-producer 1 rate=5")["ok"].toBool(), false);

        // The bounds themselves are taken, as typed (10,000 partitions would make 20,000 log
        // directories: test_field_rules covers that bound).
        auto created = lab.command("create-topic b 1 2 min.insync.replicas=2");
        QVERIFY2(created["ok"].toBool(), qPrintable(created["error"].toString()));
        QCOMPARE(created["replication_factor"].toInt(), 2);
        auto timeouts = lab.command("timeouts 50 100 50 100");
        QVERIFY2(timeouts["ok"].toBool(), qPrintable(timeouts["error"].toString()));
        QVERIFY(lab.command("timeouts 1000 1000 1000 3000")["ok"].toBool());
        auto flush = lab.command("flush-interval 86400000");
        QVERIFY2(flush["ok"].toBool(), qPrintable(flush["error"].toString()));
        QCOMPARE(flush["flush_interval_ms"].toInteger(), 86'400'000);
        auto produced = lab.command("produce t 0.5 acks=2 value-bytes=1048576");
        QVERIFY2(produced["ok"].toBool(), qPrintable(produced["error"].toString()));
        // And a running producer is not changed by a refused update.
        auto update = lab.command("update-producer 1 rate=1000001");
        QVERIFY(!update["ok"].toBool());
        QCOMPARE(update["error"].toString(),
                 QString("The rate is at most 1,000,000 records/s per producer: 1000001 is too "
                         "many."));
        QCOMPARE(lab.quit(), 0);
    }

    void out_of_range_arguments_are_refused_with_the_reason() {
        const QList<std::pair<QStringList, QString>> cases = {
            {{"--brokers", "33"}, "--brokers: At most 32 brokers: 33 is too many."},
            {{"--brokers", "0"}, "--brokers: A lab needs at least 1 broker: 0 is too few."},
            {{"--controllers", "8"}, "--controllers: At most 7 controllers: 8 is too many."},
            {{"--controllers", "x"}, "--controllers: Enter a whole number of controllers, 1 to 7."},
            {{"--num-partitions", "10001"},
             "--num-partitions: At most 10,000 partitions per topic: 10001 is too many."},
            {{"--offsets-partitions", "51"},
             "--offsets-partitions: At most 50 partitions for __consumer_offsets (Kafka's "
             "default): 51 is too many."},
        };
        for (const auto& [args, reason] : cases) {
            auto r = run_client(cluster_binary(), args, {}, 10'000);
            QCOMPARE(r.exit_code, 2);
            QVERIFY2(QString::fromUtf8(r.err).contains(reason), r.err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(FieldCliTest)
#include "test_field_cli.moc"
