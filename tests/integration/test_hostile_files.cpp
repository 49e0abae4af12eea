// Damaged files under a running lab (issue 12, item 7, the brokers' side):
//   - bytes flipped inside a stored batch that a consumer then reads: the leader finds the damage
//     on read, takes that log offline with the reason, asks to be fenced as Kafka does for a
//     failed log directory, and leadership moves to an in-sync replica that serves every record;
//   - a topic deleted while one of its brokers was down: on restart that broker sets its log
//     aside as a stray (data kept, an event says where) instead of deleting it, while the
//     brokers that saw the deletion record delete theirs.
// One lab: 3 controllers, 3 brokers.
#include <QtTest>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

// Every record of a partition, read with kcat from its current leader.
QStringList read_all(const QString& bootstrap, const QString& topic, bool* ok) {
    auto r = run_client("kcat",
                        {"-C", "-b", bootstrap, "-t", topic, "-p", "0", "-o", "beginning", "-e",
                         "-q", "-f", "%s\\n"},
                        {}, 60'000);
    *ok = r.ok();
    QStringList out;
    for (const auto& line : r.out.split('\n')) {
        if (!line.trimmed().isEmpty()) out << QString::fromUtf8(line.trimmed());
    }
    return out;
}

bool produce(const QString& bootstrap, const QString& topic, int count, const QString& prefix) {
    QByteArray input;
    for (int i = 0; i < count; ++i)
        input += (prefix + QString::number(i) + "\n").toUtf8();
    auto r = run_client(
        "kcat",
        {"-P", "-b", bootstrap, "-t", topic, "-p", "0", "-X", "acks=all", "-X", "linger.ms=0"},
        input, 60'000);
    return r.ok();
}

bool event_says(const QJsonObject& e, const QString& kind, const QString& words) {
    return e["kind"].toString() == kind && e["explain"].toString().contains(words);
}

}  // namespace

class HostileFilesTest : public QObject {
    Q_OBJECT

    LabProcess lab;

    PartitionView view(const QString& topic) {
        return partitions_of(lab.command("status"), topic).value(0);
    }
    bool fully_replicated(const QString& topic) {
        auto v = view(topic);
        return v.leader >= 0 && v.isr.size() == 3;
    }

  private slots:
    void initTestCase() { QVERIFY(lab.start({"--controllers", "3", "--brokers", "3"})); }
    void cleanupTestCase() { QCOMPARE(lab.quit(), 0); }

    void damage_found_on_read_moves_leadership() {
        QVERIFY(lab.command("create-topic ledger 1 3")["ok"].toBool());
        QVERIFY(eventually([&] { return fully_replicated("ledger"); }, 20'000));
        QVERIFY(produce(lab.bootstrap(), "ledger", 12, "r"));
        const int leader = view("ledger").leader;
        // Every replica holds all 12 before the damage (acks=all, and the ISR is full).
        QVERIFY(eventually(
            [&] {
                int complete = 0;
                for (const auto& p : lab.command("status")["topics"].toArray()) {
                    if (p.toObject()["name"].toString() != "ledger") continue;
                    for (const auto& part : p.toObject()["partitions"].toArray()) {
                        for (const auto& r : part.toObject()["replica_logs"].toArray()) {
                            if (r.toObject()["log_end_offset"].toInt() == 12) ++complete;
                        }
                    }
                }
                return complete == 3;
            },
            15'000));

        // Flip the first batch's base offset on the leader's disk, under the running broker.
        QFile segment(lab.data_dir() + "/broker-" + QString::number(leader) +
                      "/ledger-0/00000000000000000000.log");
        QVERIFY2(segment.open(QIODevice::ReadWrite), qPrintable(segment.fileName()));
        QVERIFY(segment.write(QByteArray(8, '\x5a')) == 8);
        segment.close();

        // A consumer reads: the leader finds the damage, the log goes offline with its reason.
        bool ok = false;
        QStringList records = read_all(lab.bootstrap(), "ledger", &ok);
        const QString who = "broker " + QString::number(leader);
        auto offline = lab.wait_event(
            [&](const QJsonObject& e) {
                return event_says(e, "node_failed", who + " took its log of ledger-0 offline");
            },
            20'000);
        QVERIFY2(offline, "no event said the damaged log went offline");
        QVERIFY2(offline->value("explain").toString().contains("damaged"),
                 qPrintable(offline->value("explain").toString()));

        // It asked to be fenced: leadership moved to an in-sync replica, which has every record.
        QVERIFY(eventually(
            [&] {
                auto v = view("ledger");
                return v.leader >= 0 && v.leader != leader && !v.isr.contains(leader);
            },
            20'000));
        QVERIFY(lab.wait_event(
            [&](const QJsonObject& e) {
                return event_says(e, "broker_fenced", who) ||
                       (e["kind"].toString() == "broker_fenced" &&
                        e["explain"].toString().contains(QString::number(leader)));
            },
            10'000));
        records = read_all(lab.bootstrap(), "ledger", &ok);
        QVERIFY(ok);
        QCOMPARE(records.size(), 12);
        QCOMPARE(records.first(), QString("r0"));
        QCOMPARE(records.last(), QString("r11"));

        // It stays fenced while running; a restart brings it back (recovery cuts the damaged
        // tail, and it fetches the records again as a follower).
        QVERIFY(lab.command("kill broker " + QString::number(leader))["ok"].toBool());
        QVERIFY(lab.command("restart broker " + QString::number(leader))["ok"].toBool());
        QVERIFY(eventually([&] { return view("ledger").isr.contains(leader); }, 30'000));
    }

    void a_topic_deleted_while_a_broker_was_down_is_kept_as_a_stray() {
        QVERIFY(lab.command("create-topic strays 1 3")["ok"].toBool());
        QVERIFY(eventually([&] { return fully_replicated("strays"); }, 30'000));
        QVERIFY(produce(lab.bootstrap(), "strays", 5, "s"));
        const int down = view("strays").isr.last();
        QVERIFY(lab.command("kill broker " + QString::number(down))["ok"].toBool());
        QVERIFY(lab.command("delete-topic strays")["ok"].toBool());

        // The brokers that were up applied the deletion record: their logs are gone.
        for (int id = 1; id <= 3; ++id) {
            if (id == down) continue;
            QVERIFY(eventually(
                [&] {
                    return !QDir(lab.data_dir() + "/broker-" + QString::number(id) + "/strays-0")
                                .exists();
                },
                10'000));
        }
        // The one that was down never saw it: its log is set aside, not deleted.
        const QString dir = lab.data_dir() + "/broker-" + QString::number(down);
        QVERIFY(QDir(dir + "/strays-0").exists());
        QVERIFY(lab.command("restart broker " + QString::number(down))["ok"].toBool());
        auto stray = lab.wait_event(
            [&](const QJsonObject& e) {
                return event_says(e, "log_recovered", "set aside its log of strays-0 as a stray");
            },
            20'000);
        QVERIFY2(stray, "no event said the stray log was set aside");
        const QString kept = stray->value("stray").toString();
        QVERIFY2(kept.startsWith("strays-0.") && kept.endsWith("-stray"), qPrintable(kept));
        QVERIFY(!QDir(dir + "/strays-0").exists());
        QFileInfo log(dir + "/" + kept + "/00000000000000000000.log");
        QVERIFY2(log.exists() && log.size() > 0, qPrintable(log.filePath()));
        // And nothing of the other topic was touched on that broker.
        QVERIFY(QDir(dir + "/ledger-0").exists());
    }
};

QTEST_GUILESS_MAIN(HostileFilesTest)
#include "test_hostile_files.moc"
