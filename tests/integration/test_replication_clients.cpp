// Replication with real clients on real sockets (kraftlab-cluster as a child process, 3
// controllers, 3 brokers): kcat (librdkafka), kafka-python and confluent-kafka produce with
// acks=all to a topic with replication factor 3 and min.insync.replicas=2 while the lab kills the
// leader of a partition every few seconds and restarts it; afterwards every record a broker
// acknowledged is read back exactly once, at the offset it was acknowledged at; the replicas of
// each partition hold identical logs; and kcat -L shows the replicas and the ISR the controllers
// decided.
//
// The clients run with retries off. For kafka-python that means a record is written at most
// once. librdkafka (kcat, confluent-kafka) resends a batch answered NOT_LEADER_OR_FOLLOWER even
// with message.send.max.retries=0: it counts that error as "not persisted" and retries it
// without counting a retry (src/rdkafka_request.c, rd_kafka_handle_Produce_error, v2.0.2). The
// broker gives that answer, as Kafka's DelayedProduce does, to an acks=all produce whose leader
// lost its leadership while it waited for the ISR; the records were appended, and the new leader
// may already hold them, so the resend writes them again: a real duplicate without idempotence
// (issue 16's lesson). So a librdkafka record may appear twice, but only in the partition it was
// sent to; a kafka-python record never. Acknowledged records are read back at the offset they
// were acknowledged at.
//
// Idempotent producers run through the same kills, on a topic of their own: confluent-kafka and
// kcat with enable.idempotence=true (librdkafka's retries on), kafkajs with idempotent: true.
// There every record appears exactly once, not even a copy in the same partition: the leader
// answers a retry of a batch it already holds (appended by the old leader, replicated before
// the kill) with the batch's original offset (storage/producer_state.h). Then, with the kills
// over, the lab network delivers half of every client's requests twice, and the idempotent
// producers write a second topic: each copy after the first is answered, not written.
#include <QtTest>

#include "lab_process.h"
#include "real_producers.h"

using namespace kraftlab::testing;

namespace {

// Where node finds kafkajs: CTest passes NODE_PATH; a binary run by hand falls back to the
// build tree's (lab.sh installs kafkajs 2.2.4 there).
QString node_path() {
    return qEnvironmentVariable("NODE_PATH", QStringLiteral(KRAFTLAB_JS_MODULES));
}

QProcess* start_kafkajs_idempotent(QObject* parent, const QString& bootstrap, const QString& topic,
                                   int count, int seconds) {
    auto* p = new QProcess(parent);
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("NODE_PATH", node_path());
    p->setProcessEnvironment(env);
    p->start("node", {scripts_dir() + "/kafkajs_idempotent.js", bootstrap, topic,
                      QString::number(count), QString::number(seconds), "kafkajs-idempotent"});
    return p;
}

// The last line of a producer's output as a JSON object ({"acked": [[p, offset, value]...]}).
QJsonObject producer_report(QProcess* p) {
    const auto out = p->readAllStandardOutput().trimmed().split('\n').last();
    return QJsonDocument::fromJson(out).object();
}

}  // namespace

class ReplicationClientsTest : public QObject {
    Q_OBJECT

  private:
    // Every record of the idempotent producers' topic appears once: no value twice, anywhere;
    // each acknowledged record at the offset it was acknowledged at; each acknowledged kcat
    // chunk whole.
    void check_exactly_once(const QString& bootstrap, const QString& topic, const QString& data_dir,
                            const QList<QPair<QString, QProcess*>>& reporters, QProcess* kcat,
                            int min_acked, int min_chunks) {
        QHash<QString, QString> where;  // value -> "partition@offset"
        QMap<int, QMap<qint64, QString>> logs;
        for (int p = 0; p < 3; ++p) {
            bool ok = false;
            logs[p] = read_partition(bootstrap, topic, p, &ok);
            QVERIFY2(ok, "kcat could not read the partition back");
            for (auto it = logs[p].cbegin(); it != logs[p].cend(); ++it) {
                const QString at = QString::number(p) + "@" + QString::number(it.key());
                QVERIFY2(!where.contains(it.value()),
                         qPrintable(it.value() + " was written twice, at " + where[it.value()] +
                                    " and " + at + " (lab data in " + data_dir + ")"));
                where[it.value()] = at;
            }
        }
        int acked_total = 0;
        for (const auto& [name, process] : reporters) {
            const auto report = producer_report(process);
            QVERIFY2(!report.isEmpty(),
                     qPrintable("no report from " + name + ": " +
                                QString(process->readAllStandardError()).right(2000)));
            const auto acked = report["acked"].toArray();
            QVERIFY2(acked.size() >= min_acked,
                     qPrintable(name + " had too few acknowledged: " +
                                QJsonDocument(report).toJson(QJsonDocument::Compact).left(2000)));
            for (const auto& a : acked) {
                const auto r = a.toArray();
                const int partition = r[0].toInt();
                const auto offset = static_cast<qint64>(r[1].toDouble());
                const QString value = r[2].toString();
                QVERIFY2(logs[partition].value(offset) == value,
                         qPrintable(name + ": acknowledged " + value + " at " + topic + "-" +
                                    QString::number(partition) + "@" + QString::number(offset) +
                                    " reads back as '" + logs[partition].value(offset) + "'"));
                ++acked_total;
            }
            qInfo("%s", qPrintable("idempotent " + name + ": " + QString::number(acked.size()) +
                                   " acknowledged, " + QString::number(report["errors"].toInt()) +
                                   " failed"));
        }
        int chunks = 0;
        for (const auto& line : kcat->readAllStandardOutput().split('\n')) {
            if (!line.startsWith("acked ")) continue;
            ++chunks;
            for (int i = 0; i < 20; ++i) {
                const QString value =
                    "kcat-" + QString(line.mid(6).trimmed()) + "-" + QString::number(i);
                QVERIFY2(where.contains(value),
                         qPrintable("idempotent kcat's acknowledged " + value + " is missing"));
                ++acked_total;
            }
        }
        QVERIFY2(chunks >= min_chunks, "idempotent kcat had too few acknowledged chunks");
        qInfo(
            "idempotent producers to %s: %d acknowledged records, each exactly once (%lld "
            "records in the topic)",
            qPrintable(topic), acked_total, static_cast<long long>(where.size()));
    }

  private slots:
    void acknowledged_writes_survive_leader_kills_with_real_clients() {
        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "3"}));
        QVERIFY(lab.command("create-topic audited 3 3 min.insync.replicas=2")["ok"].toBool());
        const QString topic = "audited";
        const QString bootstrap = lab.bootstrap();

        // The idempotent producers' topic.
        const QString once = "exactly-once";
        QVERIFY(lab.command("create-topic " + once + " 3 3 min.insync.replicas=2")["ok"].toBool());
        QVERIFY2(QFileInfo::exists(node_path() + "/kafkajs/package.json"),
                 qPrintable("no kafkajs under " + node_path() +
                            ": ./lab.sh build installs kafkajs 2.2.4 there"));

        QObject owner;
        auto* confluent_idempotent =
            start_python_producer(&owner, "confluent-idempotent", bootstrap, once, 600, 22);
        auto* kafkajs_idempotent = start_kafkajs_idempotent(&owner, bootstrap, once, 300, 22);
        auto* kcat_idempotent =
            start_kcat_producer(&owner, bootstrap, once, 30,
                                "-X enable.idempotence=true -X message.send.max.retries=1000000 "
                                "-X message.timeout.ms=60000");
        auto* kafka_python =
            start_python_producer(&owner, "kafka-python", bootstrap, topic, 600, 22);
        auto* confluent = start_python_producer(&owner, "confluent", bootstrap, topic, 600, 22);
        auto* kcat = start_kcat_producer(&owner, bootstrap, topic, 40);

        // Kill the leader of partition (k mod 3) every few seconds, with a process crash, and
        // bring it back two seconds later.
        QTest::qWait(2'000);
        int kills = 0;
        for (int k = 0; k < 4; ++k) {
            const auto status = lab.command("status");
            const int leader = partitions_of(status, topic)[k % 3].leader;
            QVERIFY2(leader > 0, "the partition has a leader before the kill");
            QVERIFY(lab.command("kill broker " + QString::number(leader))["ok"].toBool());
            ++kills;
            QTest::qWait(2'000);
            QVERIFY(lab.command("restart broker " + QString::number(leader))["ok"].toBool());
            QTest::qWait(2'500);
        }

        for (auto* p : {kafka_python, confluent, kcat, confluent_idempotent, kafkajs_idempotent,
                        kcat_idempotent}) {
            // waitForFinished() is false for a process that has finished already (Qt docs).
            QVERIFY2(p->state() == QProcess::NotRunning || p->waitForFinished(120'000),
                     "a producer did not finish");
        }
        // Heal: every replica back in the ISR of every partition.
        QVERIFY2(eventually(
                     [&] {
                         for (const auto& p : partitions_of(lab.command("status"), topic)) {
                             if (p.isr.size() != 3 || p.leader < 0) return false;
                         }
                         return true;
                     },
                     30'000),
                 "the ISR did not heal after the brokers returned");

        // Then the lab network delivers half of the clients' requests to every broker twice
        // (each copy handled: a retry the client never sent), while the idempotent producers
        // write to a topic of their own; without idempotence, a produce handled twice is
        // written twice.
        const QString twice = "delivered-twice";
        QVERIFY(lab.command("create-topic " + twice + " 3 3 min.insync.replicas=2")["ok"].toBool());
        for (int b = 1; b <= 3; ++b) {
            const auto reply =
                lab.command("duplicate clients broker-" + QString::number(b) + " 50 oneway");
            QVERIFY2(reply["ok"].toBool(), qPrintable(reply["error"].toString()));
        }
        auto* confluent_twice =
            start_python_producer(&owner, "confluent-idempotent", bootstrap, twice, 150, 4);
        auto* kafkajs_twice = start_kafkajs_idempotent(&owner, bootstrap, twice, 120, 4);
        auto* kcat_twice =
            start_kcat_producer(&owner, bootstrap, twice, 6,
                                "-X enable.idempotence=true -X message.send.max.retries=100");
        for (auto* p : {confluent_twice, kafkajs_twice, kcat_twice}) {
            QVERIFY2(p->state() == QProcess::NotRunning || p->waitForFinished(60'000),
                     "a producer did not finish");
        }
        QVERIFY(lab.command("heal")["ok"].toBool());
        // The leaders did answer copies from their logs (status: each replica's counter).
        qint64 prevented = 0;
        for (const auto& t : lab.command("status")["topics"].toArray()) {
            if (t.toObject()["name"] != twice) continue;
            for (const auto& p : t.toObject()["partitions"].toArray()) {
                for (const auto& r : p.toObject()["replica_logs"].toArray())
                    prevented += r.toObject()["duplicates_prevented"].toInteger();
            }
        }
        QVERIFY2(prevented > 0,
                 "no produce was answered as a duplicate while the lab network "
                 "delivered requests twice");
        qInfo("%lld produces delivered twice were answered from the log, not written again",
              static_cast<long long>(prevented));

        // Read every partition back.
        QMap<int, QMap<qint64, QString>> logs;
        QHash<QString, int> seen;       // value -> copies over all partitions
        QHash<QString, QString> where;  // value -> "partition@offset ..." of every copy
        for (int p = 0; p < 3; ++p) {
            bool ok = false;
            logs[p] = read_partition(bootstrap, topic, p, &ok);
            QVERIFY2(ok, "kcat could not read the partition back");
            for (auto it = logs[p].cbegin(); it != logs[p].cend(); ++it) {
                seen[it.value()] += 1;
                where[it.value()] += " " + QString::number(p) + "@" + QString::number(it.key());
            }
        }
        int resent = 0;
        for (auto it = seen.begin(); it != seen.end(); ++it) {
            if (it.value() == 1) continue;
            // Every copy in one partition: " 2@130 2@141" has one partition number.
            QSet<QString> partitions;
            for (const auto& copy : where[it.key()].split(' ', Qt::SkipEmptyParts))
                partitions.insert(copy.section('@', 0, 0));
            const bool librdkafka = !it.key().startsWith("kafka-python-");
            QVERIFY2(
                librdkafka && partitions.size() == 1,
                qPrintable(it.key() + " was written " + QString::number(it.value()) + " times, at" +
                           where[it.key()] + " (lab data in " + lab.data_dir() + ")"));
            ++resent;
        }
        if (resent)
            qInfo("%d librdkafka records were written twice: resent after NOT_LEADER_OR_FOLLOWER",
                  resent);

        int acked_total = 0;
        for (auto* p : {kafka_python, confluent}) {
            const auto out = p->readAllStandardOutput().trimmed().split('\n').last();
            const auto report = QJsonDocument::fromJson(out).object();
            QVERIFY2(!report.isEmpty(), qPrintable("no report from a Python producer: " +
                                                   QString(p->readAllStandardError())));
            const auto acked = report["acked"].toArray();
            QVERIFY2(acked.size() > 100, qPrintable("too few acknowledged: " + out));
            for (const auto& a : acked) {
                const auto r = a.toArray();
                const int partition = r[0].toInt();
                const auto offset = static_cast<qint64>(r[1].toDouble());
                const QString value = r[2].toString();
                QVERIFY2(logs[partition].value(offset) == value,
                         qPrintable("acknowledged " + value + " at " + topic + "-" +
                                    QString::number(partition) + "@" + QString::number(offset) +
                                    " reads back as '" + logs[partition].value(offset) + "'"));
                ++acked_total;
            }
            qInfo("%s", qPrintable("producer report: " + QString::number(acked.size()) +
                                   " acknowledged, " + QString::number(report["errors"].toInt()) +
                                   " failed"));
        }
        int kcat_chunks = 0;
        for (const auto& line : kcat->readAllStandardOutput().split('\n')) {
            if (!line.startsWith("acked ")) continue;
            ++kcat_chunks;
            const auto chunk = line.mid(6).trimmed();
            for (int i = 0; i < 20; ++i) {
                const QString value = "kcat-" + QString(chunk) + "-" + QString::number(i);
                QVERIFY2(seen.value(value) >= 1,
                         qPrintable("kcat's acknowledged " + value + " is missing"));
                ++acked_total;
            }
        }
        QVERIFY2(kcat_chunks > 5, "kcat had too few acknowledged chunks");
        qInfo("%d kills; %d acknowledged records all read back at their offsets", kills,
              acked_total);

        check_exactly_once(
            bootstrap, once, lab.data_dir(),
            {{"confluent-kafka", confluent_idempotent}, {"kafkajs", kafkajs_idempotent}},
            kcat_idempotent, 100, 5);
        if (QTest::currentTestFailed()) return;
        check_exactly_once(bootstrap, twice, lab.data_dir(),
                           {{"confluent-kafka", confluent_twice}, {"kafkajs", kafkajs_twice}},
                           kcat_twice, 100, 4);
        if (QTest::currentTestFailed()) return;

        // The replicas agree: every broker's log end equals the leader's, once caught up.
        QVERIFY(eventually(
            [&] {
                const auto status = lab.command("status");
                for (const auto& t : status["topics"].toArray()) {
                    if (t.toObject()["name"] != topic) continue;
                    for (const auto& p : t.toObject()["partitions"].toArray()) {
                        const auto o = p.toObject();
                        const auto replicas = o["replica_logs"].toArray();
                        if (replicas.size() != 3) return false;
                        for (const auto& r : replicas) {
                            if (r.toObject()["log_end_offset"].toInteger() !=
                                    o["log_end_offset"].toInteger() ||
                                r.toObject()["high_watermark"].toInteger() !=
                                    o["log_end_offset"].toInteger()) {
                                return false;
                            }
                        }
                    }
                }
                return true;
            },
            15'000));

        // kcat -L shows replicas and ISR as the controllers decided.
        auto md = run_client("kcat", {"-L", "-J", "-b", bootstrap, "-t", topic}, {}, 30'000);
        QVERIFY(md.ok());
        const auto status = lab.command("status");
        const auto expected = partitions_of(status, topic);
        for (const auto& t : QJsonDocument::fromJson(md.out).object()["topics"].toArray()) {
            for (const auto& p : t.toObject()["partitions"].toArray()) {
                const auto o = p.toObject();
                QList<int> replicas, isr;
                for (const auto& r : o["replicas"].toArray())
                    replicas.append(r.toObject()["id"].toInt());
                for (const auto& r : o["isrs"].toArray())
                    isr.append(r.toObject()["id"].toInt());
                const auto& e = expected[o["partition"].toInt()];
                QCOMPARE(replicas, e.replicas);
                std::sort(isr.begin(), isr.end());
                auto e_isr = e.isr;
                std::sort(e_isr.begin(), e_isr.end());
                QCOMPARE(isr, e_isr);
                QCOMPARE(isr.size(), 3);
            }
        }
        QCOMPARE(lab.quit(), 0);
    }
};

QTEST_GUILESS_MAIN(ReplicationClientsTest)
#include "test_replication_clients.moc"
