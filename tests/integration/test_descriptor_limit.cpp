// A lab under a strict descriptor limit (soft = hard = 256, so raising it cannot help) hosts a
// topic of 200 partitions x 3 replicas, 600 logs and over 1,200 log files: each partition takes
// one record with acks=all and gives it back, no broker fails to open a log or is fenced, and the
// process never holds more descriptors than the limit. A CreateTopics with 12,000 explicit
// assignments is refused with INVALID_PARTITIONS and a message, as 12,000 partitions are.
#include <QDir>
#include <QtTest>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

constexpr int kLimit = 256;
constexpr int kPartitions = 200;

int open_descriptors(qint64 pid) {
    return static_cast<int>(QDir(QString("/proc/%1/fd").arg(pid))
                                .entryList(QDir::AllEntries | QDir::NoDotAndDotDot)
                                .size());
}

QJsonObject json_line(const QByteArray& out) {
    const auto lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}

}  // namespace

class DescriptorLimitTest : public QObject {
    Q_OBJECT

    LabProcess lab;

  private slots:
    void initTestCase() {
        lab.set_descriptor_limit(kLimit);
        QVERIFY(lab.start({"--brokers", "3"}));
    }
    void cleanupTestCase() { QCOMPARE(lab.quit(), 0); }

    void six_hundred_replicas_fit_in_256_descriptors() {
        const int before = open_descriptors(lab.pid());
        auto reply = lab.command(QString("create-topic many %1 3").arg(kPartitions), 60'000);
        QVERIFY2(reply["ok"].toBool(), qPrintable(reply["message"].toString()));
        const int after_create = open_descriptors(lab.pid());
        qInfo("descriptors: %d before, %d after creating %d x 3 replicas (limit %d)", before,
              after_create, kPartitions, kLimit);
        QVERIFY(after_create < kLimit);

        auto touched =
            run_python("every_partition.py",
                       {lab.bootstrap(), "many", QString::number(kPartitions)}, {}, 180'000);
        QVERIFY2(touched.ok(), touched.err.constData());
        auto result = json_line(touched.out);
        QVERIFY2(result["acked"].toInt() == kPartitions, touched.out.constData());
        auto consumed = result["consumed"].toObject();
        QCOMPARE(consumed.size(), kPartitions);
        for (int p = 0; p < kPartitions; ++p)
            QCOMPARE(consumed[QString::number(p)].toString(), QString("p%1").arg(p));
        const int after_use = open_descriptors(lab.pid());
        qInfo("descriptors after producing to and reading every partition: %d", after_use);
        QVERIFY(after_use < kLimit);

        for (const auto& e : lab.events()) {
            const QString kind = e["kind"].toString();
            QVERIFY2(kind != "broker_fenced" && !e["explain"].toString().contains("could not"),
                     qPrintable(e["explain"].toString()));
        }
        auto status = lab.command("status");
        for (const auto& b : status["brokers"].toArray())
            QVERIFY(!b.toObject()["fenced"].toBool());
    }

    void twelve_thousand_assignments_are_refused() {
        auto created =
            run_python("every_partition.py",
                       {lab.bootstrap(), "huge", "12000", "--assignments", "1,2,3"}, {}, 120'000);
        QVERIFY2(created.ok(), created.err.constData());
        auto result = json_line(created.out);
        QCOMPARE(result["error"].toString(), QString("INVALID_PARTITIONS"));
        QVERIFY2(result["message"].toString().contains("at most 10000 partitions"),
                 created.out.constData());
        auto status = lab.command("status");
        QVERIFY(partitions_of(status, "huge").isEmpty());
    }
};

QTEST_GUILESS_MAIN(DescriptorLimitTest)
#include "test_descriptor_limit.moc"
