// kafka-python and confluent-kafka (Debian's packages, /usr/bin/python3) against kraftlab-cluster:
// producers with acks, consumers with assign(), admin clients creating and deleting topics.
#include <QtTest>
#include <set>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

using Row = std::tuple<int, qint64, QString, QString>;  // partition, offset, key hex, value hex

std::vector<Row> rows(const QJsonArray& array) {
    std::vector<Row> out;
    for (const auto& v : array) {
        auto a = v.toArray();
        out.emplace_back(a[0].toInt(), static_cast<qint64>(a[1].toDouble()), a[2].toString(),
                         a[3].toString());
    }
    std::sort(out.begin(), out.end());
    return out;
}

QJsonObject parse(const ClientResult& r) {
    auto lines = r.out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.last()).object();
}

}  // namespace

class PythonClientsTest : public QObject {
    Q_OBJECT

    LabProcess lab;

  private slots:
    void initTestCase() { QVERIFY(lab.start({"--brokers", "3"})); }
    void cleanupTestCase() { QCOMPARE(lab.quit(), 0); }

    void kafka_python_produces_and_consumes_with_assign() {
        QVERIFY(lab.command("create-topic kp 4")["ok"].toBool());
        auto r = run_python("kafka_python_roundtrip.py",
                            {lab.bootstrap(), "kp", "3000", "both", "all"}, {}, 120'000);
        QVERIFY2(r.ok(), r.err.right(3000).constData());
        auto out = parse(r);
        auto acked = rows(out["acked"].toArray());
        auto read = rows(out["read"].toArray());
        QCOMPARE(acked.size(), size_t(3000));
        QVERIFY2(acked == read, "what was read differs from what was acknowledged");
        // Offsets are dense per partition, and kafka-python's murmur2 spread keys on all 4.
        std::map<int, qint64> next;
        for (const auto& [p, o, k, v] : read) {
            QCOMPARE(o, next[p]);
            next[p] = o + 1;
        }
        QCOMPARE(next.size(), size_t(4));
    }

    void confluent_kafka_produces_and_consumes_with_assign() {
        QVERIFY(lab.command("create-topic ck 3")["ok"].toBool());
        auto r = run_python("confluent_roundtrip.py",
                            {lab.bootstrap(), "ck", "3000", "both", "all", "none"}, {}, 120'000);
        QVERIFY2(r.ok(), r.err.right(3000).constData());
        auto out = parse(r);
        QVERIFY2(out["errors"].toArray().isEmpty(),
                 qPrintable(QJsonDocument(out["errors"].toArray()).toJson()));
        QCOMPARE(out["unflushed"].toInt(), 0);
        auto acked = rows(out["acked"].toArray());
        auto read = rows(out["read"].toArray());
        QCOMPARE(acked.size(), size_t(3000));
        QVERIFY2(acked == read, "what was read differs from what was acknowledged");
    }

    void clients_agree_on_key_partitioning() {
        // kafka-python's default partitioner and librdkafka's murmur2_random are both Java's
        // murmur2: the same key lands in the same partition whoever produced it.
        QVERIFY(lab.command("create-topic keys 5")["ok"].toBool());
        auto kp = parse(run_python("kafka_python_roundtrip.py",
                                   {lab.bootstrap(), "keys", "200", "produce", "1"}));
        auto ck = parse(
            run_python("confluent_roundtrip.py", {lab.bootstrap(), "keys", "200", "produce", "1"}));
        std::map<QString, int> kp_partition, ck_partition;
        for (const auto& [p, o, k, v] : rows(kp["acked"].toArray()))
            kp_partition[k] = p;
        for (const auto& [p, o, k, v] : rows(ck["acked"].toArray()))
            ck_partition[k] = p;
        QCOMPARE(kp_partition.size(), size_t(50));
        QVERIFY(kp_partition == ck_partition);
    }

    void auto_creation_when_a_client_asks() {
        // kafka-python's producer asks for metadata of an unknown topic (Metadata v1, which always
        // allows auto-creation): the lab creates it with the default 3 partitions.
        auto r = run_python("kafka_python_roundtrip.py",
                            {lab.bootstrap(), "auto-made", "30", "produce", "1"});
        QVERIFY2(r.ok(), r.err.right(2000).constData());
        auto event = lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "topic_created" && e["topic"] == "auto-made";
        });
        QVERIFY(event.has_value());
        auto status = lab.command("status");
        bool found = false;
        for (const auto& t : status["topics"].toArray()) {
            if (t.toObject()["name"] == "auto-made") {
                found = true;
                QCOMPARE(t.toObject()["partitions"].toArray().size(), 3);
            }
        }
        QVERIFY(found);
    }

    void auto_creation_settings() {
        LabProcess custom;
        QVERIFY(custom.start({"--brokers", "1", "--num-partitions", "5"}));
        QVERIFY(run_python("kafka_python_roundtrip.py",
                           {custom.bootstrap(), "five", "10", "produce", "1"})
                    .ok());
        bool found = false;
        for (const auto& t : custom.command("status")["topics"].toArray()) {
            if (t.toObject()["name"] == "five") {
                found = true;
                QCOMPARE(t.toObject()["partitions"].toArray().size(), 5);
            }
        }
        QVERIFY(found);
        QCOMPARE(custom.quit(), 0);

        LabProcess strict;
        QVERIFY(strict.start({"--brokers", "1", "--no-auto-create"}));
        auto r = run_client("kcat", {"-L", "-b", strict.bootstrap(), "-t", "nothing-here"});
        QVERIFY(r.out.contains("Unknown topic") || r.out.contains("UNKNOWN_TOPIC"));
        QVERIFY(strict.command("status")["topics"].toArray().isEmpty());
        QCOMPARE(strict.quit(), 0);
    }

    void admin_clients_create_and_delete_topics_data() {
        QTest::addColumn<QString>("client");
        QTest::newRow("kafka-python") << "kafka-python";
        QTest::newRow("confluent") << "confluent";
    }

    void admin_clients_create_and_delete_topics() {
        QFETCH(QString, client);
        const QString topic = "admin-" + client;
        auto created =
            parse(run_python("admin_topics.py", {lab.bootstrap(), client, "create", topic, "4"}));
        QVERIFY2(created["ok"].toBool(), qPrintable(created["error"].toString()));
        QVERIFY(lab.wait_event([&](const QJsonObject& e) {
            return e["kind"] == "topic_created" && e["topic"] == topic;
        }));
        auto again =
            parse(run_python("admin_topics.py", {lab.bootstrap(), client, "create", topic, "4"}));
        QVERIFY(!again["ok"].toBool());
        QVERIFY2(again["error"].toString().contains("TOPIC_ALREADY_EXISTS") ||
                     again["error"].toString().contains("TopicAlreadyExists"),
                 qPrintable(again["error"].toString()));
        auto deleted =
            parse(run_python("admin_topics.py", {lab.bootstrap(), client, "delete", topic}));
        QVERIFY2(deleted["ok"].toBool(), qPrintable(deleted["error"].toString()));
        QVERIFY(lab.wait_event([&](const QJsonObject& e) {
            return e["kind"] == "topic_deleted" && e["topic"] == topic;
        }));
    }
};

QTEST_GUILESS_MAIN(PythonClientsTest)
#include "test_python_clients.moc"
