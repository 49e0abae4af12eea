// The lab network under real clients (kraftlab-cluster as a child process, 3 controllers, 3
// brokers, a topic with replication factor 3 and min.insync.replicas=2, producers with acks=all
// and retries off, so "acknowledged" is unambiguous):
//   4. every link, clients included, loses 20% of messages, duplicates 5%, and delays and
//      reorders some, for 30 s: the cluster keeps taking writes, and after the heal every record
//      confluent-kafka and kcat saw acknowledged reads back where it was acknowledged;
//   5. a minority partition (controller 101 and broker 1 | the rest): broker 1 is fenced and
//      leads nothing, nothing it held is lost; healed, every replica converges.
// Duplicated produce requests are handled twice (no idempotence yet), so a value may appear
// twice; what must never happen is an acknowledged record missing or moved.
#include <QtTest>

#include "lab_process.h"
#include "real_producers.h"

using namespace kraftlab::testing;

namespace {

const QStringList kNodes = {"controller-101", "controller-102", "controller-103", "broker-1",
                            "broker-2",       "broker-3",       "clients"};

// Every partition of `topic` led, with all 3 replicas in the ISR at the leader's log end and
// high watermark.
bool converged(LabProcess& lab, const QString& topic) {
    const auto status = lab.command("status");
    for (const auto& t : status["topics"].toArray()) {
        if (t.toObject()["name"] != topic) continue;
        for (const auto& p : t.toObject()["partitions"].toArray()) {
            const auto o = p.toObject();
            if (o["leader"].toInt(-1) < 0 || o["isr"].toArray().size() != 3) return false;
            const auto replicas = o["replica_logs"].toArray();
            if (replicas.size() != 3) return false;
            for (const auto& r : replicas) {
                if (r.toObject()["log_end_offset"].toInteger() != o["log_end_offset"].toInteger() ||
                    r.toObject()["high_watermark"].toInteger() != o["log_end_offset"].toInteger())
                    return false;
            }
        }
        return true;
    }
    return false;
}

// Checks every record the producers report acknowledged against the partitions read back;
// returns how many there were.
int check_acknowledged(const QString& bootstrap, const QString& topic, QProcess* python,
                       QProcess* kcat) {
    QMap<int, QMap<qint64, QString>> logs;
    QHash<QString, int> seen;
    for (int p = 0; p < 3; ++p) {
        bool ok = false;
        logs[p] = read_partition(bootstrap, topic, p, &ok);
        if (!ok) {
            QTest::qFail("kcat could not read a partition back", __FILE__, __LINE__);
            return -1;
        }
        for (const auto& v : logs[p])
            seen[v] += 1;
    }
    int acked = 0;
    const auto out = python->readAllStandardOutput().trimmed().split('\n').last();
    const auto report = QJsonDocument::fromJson(out).object();
    if (report.isEmpty()) {
        QTest::qFail(qPrintable("no report from the Python producer: " +
                                QString(python->readAllStandardError())),
                     __FILE__, __LINE__);
        return -1;
    }
    for (const auto& a : report["acked"].toArray()) {
        const auto r = a.toArray();
        const int partition = r[0].toInt();
        const auto offset = static_cast<qint64>(r[1].toDouble());
        if (logs[partition].value(offset) != r[2].toString()) {
            QTest::qFail(qPrintable("acknowledged " + r[2].toString() + " at " + topic + "-" +
                                    QString::number(partition) + "@" + QString::number(offset) +
                                    " reads back as '" + logs[partition].value(offset) + "'"),
                         __FILE__, __LINE__);
            return -1;
        }
        ++acked;
    }
    for (const auto& line : kcat->readAllStandardOutput().split('\n')) {
        if (!line.startsWith("acked ")) continue;
        for (int i = 0; i < 20; ++i) {
            const QString value =
                "kcat-" + QString(line.mid(6).trimmed()) + "-" + QString::number(i);
            if (!seen.contains(value)) {
                QTest::qFail(qPrintable("kcat's acknowledged " + value + " is missing"), __FILE__,
                             __LINE__);
                return -1;
            }
            ++acked;
        }
    }
    qInfo("%d acknowledged records read back (confluent: %d acked, %d failed)", acked,
          static_cast<int>(report["acked"].toArray().size()), report["errors"].toInt());
    return acked;
}

bool finished(QProcess* p) {
    // waitForFinished() is false for a process that has finished already (Qt docs).
    return p->state() == QProcess::NotRunning || p->waitForFinished(120'000);
}

}  // namespace

class NetworkChaosTest : public QObject {
    Q_OBJECT

  private slots:
    void lossy_duplicating_reordering_links_lose_no_acknowledged_record() {
        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "3"}));
        QVERIFY(lab.command("create-topic lossy 3 3 min.insync.replicas=2")["ok"].toBool());
        QVERIFY(eventually([&] { return converged(lab, "lossy"); }, 15'000));

        for (int i = 0; i < kNodes.size(); ++i) {
            for (int j = i + 1; j < kNodes.size(); ++j) {
                const QString link = kNodes[i] + " " + kNodes[j];
                for (const QString& fault :
                     {"loss " + link + " 20", "duplicate " + link + " 5",
                      "delay " + link + " 3 jitter=3", "reorder " + link + " 20"}) {
                    auto r = lab.command(fault);
                    QVERIFY2(r["ok"].toBool(), qPrintable(fault + ": " + r["error"].toString()));
                }
            }
        }
        QCOMPARE(lab.command("links")["links"].toArray().size(), 42);

        QObject owner;
        const QString bootstrap = lab.bootstrap();
        // Short request timeouts: a lost request is given up on, and the next records still go.
        auto* confluent =
            start_python_producer(&owner, "confluent", bootstrap, "lossy", 500, 25, 2'000);
        auto* kcat = start_kcat_producer(&owner, bootstrap, "lossy", 25,
                                         "-X request.timeout.ms=2000 -X socket.timeout.ms=3000");
        QTest::qWait(30'000);
        QVERIFY(lab.command("heal")["ok"].toBool());
        QVERIFY2(finished(confluent) && finished(kcat), "a producer did not finish");
        QVERIFY2(eventually([&] { return converged(lab, "lossy"); }, 40'000),
                 "the replicas did not converge after the heal");
        const int acked = check_acknowledged(bootstrap, "lossy", confluent, kcat);
        QVERIFY2(acked > 100, "the lossy cluster took too few writes");
        QCOMPARE(lab.quit(), 0);
    }

    void a_minority_partition_serves_nothing_that_could_be_lost() {
        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "3"}));
        QVERIFY(lab.command("create-topic split 3 3 min.insync.replicas=2")["ok"].toBool());
        QVERIFY(eventually([&] { return converged(lab, "split"); }, 15'000));

        QObject owner;
        const QString bootstrap = lab.bootstrap();
        auto* confluent =
            start_python_producer(&owner, "confluent", bootstrap, "split", 400, 20, 3'000);
        auto* kcat = start_kcat_producer(&owner, bootstrap, "split", 15,
                                         "-X request.timeout.ms=3000 -X socket.timeout.ms=4000");
        QTest::qWait(2'000);
        auto cut = lab.command("partition 101,1 | 102,103,2,3");
        QVERIFY2(cut["ok"].toBool(), qPrintable(cut["error"].toString()));

        // Broker 1 cannot reach the quorum's majority: fenced, and it leads nothing.
        QVERIFY2(lab.wait_event(
                     [](const QJsonObject& e) {
                         return e["kind"] == "broker_fenced" && e["node"] == "broker-1";
                     },
                     15'000),
                 "broker 1 was not fenced on the minority side");
        QVERIFY(eventually(
            [&] {
                const auto parts = partitions_of(lab.command("status"), "split");
                for (const auto& p : parts) {
                    if (p.leader == 1 || p.leader < 0) return false;
                }
                return parts.size() == 3;
            },
            15'000));
        QTest::qWait(5'000);
        QVERIFY(lab.command("heal")["ok"].toBool());

        QVERIFY2(finished(confluent) && finished(kcat), "a producer did not finish");
        QVERIFY2(eventually([&] { return converged(lab, "split"); }, 40'000),
                 "the replicas did not converge after the heal");
        QVERIFY(check_acknowledged(bootstrap, "split", confluent, kcat) > 100);
        QCOMPARE(lab.quit(), 0);
    }
};

QTEST_GUILESS_MAIN(NetworkChaosTest)
#include "test_network_chaos.moc"
