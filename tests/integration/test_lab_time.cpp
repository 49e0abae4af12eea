// Lab time against kraftlab-cluster on real sockets (issue 13): paused during an election
// nothing changes and resumed the election completes; a step advances lab time by exactly its
// length; at 0.2× a controller failover takes several times the wall time it takes at 1×; a
// frozen active controller is deposed and follows the new one when thawed; a frozen partition
// leader under acks=all is fenced, its stale leadership refused, and nothing acknowledged is lost;
// under acks=1 with unclean election, a freeze makes a lagging follower leader and the lab says
// what was lost; a real client's (kcat's) request is held while the lab is paused and answered on
// resume.
#include <QtTest>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

// What must not move while the lab is paused: controllers' roles, epochs, leaders and logs,
// the heartbeat sessions the active controller sees, every partition's leader, ISR and replica
// logs, and lab time itself.
QJsonObject frozen_view(const QJsonObject& status) {
    QJsonArray controllers;
    for (const auto& c : status["controllers"].toArray()) {
        auto o = c.toObject();
        controllers.append(QJsonObject{{"id", o["id"]},
                                       {"up", o["up"]},
                                       {"role", o["role"]},
                                       {"epoch", o["epoch"]},
                                       {"leader", o["leader"]},
                                       {"voted_for", o["voted_for"]},
                                       {"log_end_offset", o["log_end_offset"]},
                                       {"high_watermark", o["high_watermark"]},
                                       {"sessions", o["sessions"]}});
    }
    QJsonArray topics;
    for (const auto& t : status["topics"].toArray()) {
        QJsonArray parts;
        for (const auto& p : t.toObject()["partitions"].toArray()) {
            auto o = p.toObject();
            parts.append(QJsonObject{{"leader", o["leader"]},
                                     {"leader_epoch", o["leader_epoch"]},
                                     {"isr", o["isr"]},
                                     {"replica_logs", o["replica_logs"]}});
        }
        topics.append(parts);
    }
    return {{"lab_ms", status["lab_time"].toObject()["lab_ms"]},
            {"controllers", controllers},
            {"topics", topics},
            {"metadata_offset", status["metadata_offset"]}};
}

int leader_of(const QJsonObject& status, const QString& topic, int partition) {
    return partitions_of(status, topic).value(partition).leader;
}

struct Failover {
    qint64 wall_ms = -1;  // from the kill to a new controller elected, on the test's clock
    qint64 lab_ms = -1;   // the same on the lab's clock (events' lab_ms)
};

// Kills the active controller, waits for a new one, restarts the killed one. Both durations
// end at the controller_elected event's own stamps (time_ms is wall, lab_ms lab time), so how
// long the kill command itself takes to answer does not count.
Failover failover(LabProcess& lab) {
    const auto status = lab.command("status");
    const int active = active_controller(status);
    if (active < 0) return {};
    const auto killed_at = status["lab_time"].toObject()["lab_ms"].toInteger();
    const qint64 wall_at = QDateTime::currentMSecsSinceEpoch();
    if (!lab.command("kill controller " + QString::number(active))["ok"].toBool()) return {};
    const auto elected = lab.wait_event(
        [&](const QJsonObject& e) {
            return e["kind"].toString() == "controller_elected" &&
                   e["lab_ms"].toInteger() > killed_at;
        },
        60'000);
    if (!elected) return {};
    if (!lab.command("restart controller " + QString::number(active))["ok"].toBool()) return {};
    return {(*elected)["time_ms"].toInteger() - wall_at,
            (*elected)["lab_ms"].toInteger() - killed_at};
}

}  // namespace

class LabTimeTest : public QObject {
    Q_OBJECT

    // Two labs serve every test, in order: a quorum of 3 controllers with 2 brokers, and one
    // controller with 3 brokers (starting a lab per test would cost CI ~15 s).
    LabProcess quorum_;
    LabProcess brokers_;

  private slots:
    void initTestCase() {
        QVERIFY(quorum_.start({"--controllers", "3", "--brokers", "2"}));
        QVERIFY(brokers_.start({"--controllers", "1", "--brokers", "3"}));
    }

    void cleanupTestCase() {
        QCOMPARE(quorum_.quit(), 0);
        QCOMPARE(brokers_.quit(), 0);
    }

    // Pause on election, kill the active controller: the lab stops as the election starts, and
    // 5 s of wall time later nothing has changed. A step moves lab time by exactly 100 ms.
    // Resumed, a new controller is elected.
    void paused_during_an_election_nothing_changes_then_it_completes() {
        LabProcess& lab = quorum_;
        QVERIFY(lab.command("create-topic moving 3 2")["ok"].toBool());
        QVERIFY(lab.command("produce moving 200 acks=all")["ok"].toBool());
        QTest::qWait(500);
        QVERIFY(lab.command("pause-on election")["ok"].toBool());
        const int active = active_controller(lab.command("status"));
        QVERIFY(active > 0);
        QVERIFY(lab.command("kill controller " + QString::number(active))["ok"].toBool());
        QVERIFY(lab.wait_event_kind("election_started", 20'000));
        QVERIFY(lab.wait_event_kind("lab_paused", 5'000));
        // The pause answers once every node is held.
        QVERIFY(lab.command("pause")["ok"].toBool());
        const auto before = lab.command("status");
        QVERIFY(before["lab_time"].toObject()["paused"].toBool());
        QTest::qWait(5'000);
        const auto after = lab.command("status");
        QCOMPARE(frozen_view(after), frozen_view(before));
        QCOMPARE(active_controller(after), -1);  // the election is still open

        // Pause-on goes off first: a new round of the election during the step would pause the
        // lab there, ending the step early (said in its reply) rather than after exactly 100 ms.
        QVERIFY(lab.command("pause-on off")["ok"].toBool());
        const auto step = lab.command("step 100");
        QVERIFY2(step["ok"].toBool(), qPrintable(step["error"].toString()));
        QCOMPARE(step["lab_ms"].toInteger() - step["from_ms"].toInteger(), qint64{100});
        QCOMPARE(lab.command("status")["lab_time"].toObject()["lab_ms"].toInteger(),
                 step["lab_ms"].toInteger());
        // While paused, a command that needs the nodes to answer is refused, plainly.
        const auto refused = lab.command("create-topic later 1 1");
        QVERIFY(!refused["ok"].toBool());
        QVERIFY2(refused["error"].toString().contains("paused"),
                 qPrintable(refused["error"].toString()));

        QVERIFY(lab.command("resume")["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                const int now = active_controller(lab.command("status"));
                return now > 0 && now != active;
            },
            20'000));
        QVERIFY(lab.command("restart controller " + QString::number(active))["ok"].toBool());
    }

    // Slow motion: a failover at 0.2× takes about 5× the wall time of one at 1×, against the
    // same lab. An election's length is random (timeouts, split votes), so each failover's wall
    // time is compared with its own length in lab time: wall per lab millisecond is ~1 at 1× and
    // ~5 at 0.2× (a wide tolerance: a ratio of two noisy runs, never an absolute time).
    void slow_motion_failover_takes_longer_in_wall_time() {
        LabProcess& lab = quorum_;
        const Failover normal = failover(lab);
        QVERIFY(normal.wall_ms > 0 && normal.lab_ms > 0);
        QVERIFY(eventually([&] { return active_controller(lab.command("status")) > 0; }, 20'000));
        QVERIFY(lab.command("speed 0.2")["ok"].toBool());
        const Failover slow = failover(lab);
        QVERIFY(slow.wall_ms > 0 && slow.lab_ms > 0);
        const double at_1x =
            static_cast<double>(normal.wall_ms) / static_cast<double>(normal.lab_ms);
        const double at_02x = static_cast<double>(slow.wall_ms) / static_cast<double>(slow.lab_ms);
        const double ratio = at_02x / at_1x;
        qInfo(
            "failover at 1x: %lld ms wall, %lld ms lab; at 0.2x: %lld ms wall, %lld ms lab; "
            "wall per lab ms %.2f vs %.2f: ratio %.2f",
            normal.wall_ms, normal.lab_ms, slow.wall_ms, slow.lab_ms, at_1x, at_02x, ratio);
        QVERIFY2(ratio > 3.5 && ratio < 7, qPrintable(QString::number(ratio)));
        QVERIFY(lab.command("speed 1")["ok"].toBool());
    }

    // Experiment 1: the active controller frozen longer than the election timeout. The others
    // elect a leader in a higher epoch; thawed, the old one learns the new epoch and follows;
    // brokers follow the new leader; nothing committed is lost.
    void a_frozen_active_controller_is_deposed_and_follows_when_thawed() {
        LabProcess& lab = quorum_;
        QVERIFY(lab.command("create-topic before 2 2")["ok"].toBool());
        QJsonObject status;
        int old = -1;
        QVERIFY(eventually(
            [&] {
                status = lab.command("status");
                old = active_controller(status);
                return old > 0;
            },
            20'000));
        const int old_epoch = controller_status(status, old)["epoch"].toInt();
        QVERIFY(lab.command("pause-node " + QString::number(old))["ok"].toBool());
        int fresh = -1;
        QVERIFY(eventually(
            [&] {
                const auto s = lab.command("status");
                fresh = -1;
                for (const auto& c : s["controllers"].toArray()) {
                    auto o = c.toObject();
                    if (o["id"].toInt() != old && o["role"].toString() == "leader" &&
                        o["epoch"].toInt() > old_epoch)
                        fresh = o["id"].toInt();
                }
                return fresh > 0;
            },
            20'000));
        // The frozen one still believes it leads (its last snapshot), and is shown frozen.
        auto frozen = lab.command("status");
        for (const auto& c : frozen["controllers"].toArray()) {
            if (c.toObject()["id"].toInt() == old) QVERIFY(c.toObject()["frozen"].toBool());
        }
        // Brokers follow the new leader (their heartbeats to the frozen one go unanswered, they
        // find the new one and it unfences them), and it serves: a topic created now is
        // committed without the frozen one.
        QJsonObject during;
        QVERIFY2(eventually(
                     [&] {
                         during = lab.command("create-topic during 1 2", 30'000);
                         return during["ok"].toBool();
                     },
                     20'000),
                 qPrintable(during["error"].toString()));
        QVERIFY(lab.command("resume-node " + QString::number(old))["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                const auto s = lab.command("status");
                const auto o = controller_status(s, old);
                return o["role"].toString() == "follower" && o["leader"].toInt() == fresh &&
                       active_controller(s) == fresh;
            },
            20'000));
        const auto after = lab.command("status");
        QCOMPARE(partitions_of(after, "before").size(), 2);
        QCOMPARE(partitions_of(after, "during").size(), 1);
        QVERIFY(lab.command("create-topic after 1 2")["ok"].toBool());
    }

    // Experiment 2: a partition leader (RF 3, min.insync.replicas 2) frozen longer than the
    // session timeout under an acks=all producer: fenced, leadership moves; thawed, its stale
    // leadership is refused, it truncates and catches up; the audit finds nothing lost.
    void a_frozen_partition_leader_is_fenced_and_nothing_acknowledged_is_lost() {
        LabProcess& lab = brokers_;
        QVERIFY(lab.command("create-topic ledger 1 3 min.insync.replicas=2")["ok"].toBool());
        const int producer = lab.command("produce ledger 300 acks=all")["producer"].toInt();
        QVERIFY(producer > 0);
        QTest::qWait(700);
        const int leader = leader_of(lab.command("status"), "ledger", 0);
        QVERIFY(leader > 0);
        QVERIFY(lab.command("pause-node " + QString::number(leader))["ok"].toBool());
        int moved = -1;
        QVERIFY(eventually(
            [&] {
                moved = leader_of(lab.command("status"), "ledger", 0);
                return moved > 0 && moved != leader;
            },
            20'000));
        QVERIFY(lab.wait_event(
            [&](const QJsonObject& e) {
                return e["kind"].toString() == "broker_fenced" &&
                       e["node"].toString() == "broker-" + QString::number(leader);
            },
            5'000));
        QTest::qWait(500);  // acknowledged writes continue on the new leader
        QVERIFY(lab.command("resume-node " + QString::number(leader))["ok"].toBool());
        // Back in the ISR, on the new leader's epoch, with the new leader's log.
        QVERIFY(eventually(
            [&] {
                const auto s = lab.command("status");
                const auto p = partitions_of(s, "ledger").value(0);
                return p.leader == moved && p.isr.contains(leader);
            },
            30'000));
        const auto audit = lab.command("audit", 60'000);
        QVERIFY2(audit["ok"].toBool(), qPrintable(audit["message"].toString()));
        QCOMPARE(audit["lost"].toInteger(), qint64{0});
        QVERIFY(audit["audited"].toInteger() > 100);
        QVERIFY(lab.command("stop-producer " + QString::number(producer))["ok"].toBool());
    }

    // Experiment 3: acks=1 and unclean.leader.election.enable=true. A follower is frozen until
    // it leaves the ISR, the leader goes on acknowledging alone, then the leader is frozen and
    // the lagging follower thawed: with no in-sync replica alive, the unclean election makes the
    // lagging one leader. The lab says where records were lost (unclean_election naming the old
    // ISR), and the audit finds acknowledged records lost.
    void an_unclean_election_after_a_freeze_loses_what_the_lab_says() {
        LabProcess& lab = brokers_;
        QVERIFY(lab.command("create-topic risky 1 2 unclean.leader.election.enable=true")["ok"]
                    .toBool());
        QVERIFY(lab.command("produce risky 300 acks=1")["ok"].toBool());
        QTest::qWait(500);
        const auto p = partitions_of(lab.command("status"), "risky").value(0);
        const int leader = p.leader;
        const int follower =
            p.replicas.value(0) == leader ? p.replicas.value(1) : p.replicas.value(0);
        QVERIFY(leader > 0 && follower > 0);
        QVERIFY(lab.command("pause-node " + QString::number(follower))["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                return partitions_of(lab.command("status"), "risky").value(0).isr ==
                       QList<int>{leader};
            },
            20'000));
        QTest::qWait(500);  // acknowledged by the leader alone
        QVERIFY(lab.command("pause-node " + QString::number(leader))["ok"].toBool());
        QVERIFY(lab.command("resume-node " + QString::number(follower))["ok"].toBool());
        auto unclean = lab.wait_event_kind("unclean_election", 20'000);
        QVERIFY(unclean);
        QCOMPARE((*unclean)["leader"].toInt(), follower);
        QCOMPARE((*unclean)["lost_from"].toArray(), (QJsonArray{leader}));
        QVERIFY(lab.command("resume-node " + QString::number(leader))["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                const auto q = partitions_of(lab.command("status"), "risky").value(0);
                return q.leader == follower && q.isr.contains(leader);
            },
            30'000));
        const auto audit = lab.command("audit", 60'000);
        QVERIFY2(audit["ok"].toBool(), qPrintable(audit["message"].toString()));
        QVERIFY2(audit["lost"].toInteger() > 0, qPrintable(audit["message"].toString()));
    }

    // A real client keeps its own clock: kcat's produce request is held by the paused brokers
    // (not answered, not refused) and answered on resume.
    void a_real_clients_request_is_held_while_paused() {
        LabProcess& lab = brokers_;
        QVERIFY(lab.command("create-topic held 1 1")["ok"].toBool());
        QVERIFY(lab.command("pause")["ok"].toBool());
        QProcess kcat;
        kcat.start("kcat", {"-P", "-b", lab.bootstrap(), "-t", "held", "-X",
                            "message.timeout.ms=60000", "-X", "socket.timeout.ms=60000"});
        QVERIFY(kcat.waitForStarted());
        kcat.write("while-paused\n");
        kcat.closeWriteChannel();
        QVERIFY(!kcat.waitForFinished(3'000));  // still waiting for its answer
        QVERIFY(lab.command("resume")["ok"].toBool());
        QVERIFY(kcat.waitForFinished(20'000));
        QCOMPARE(kcat.exitCode(), 0);
        auto read = run_client(
            "kcat", {"-C", "-b", lab.bootstrap(), "-t", "held", "-o", "beginning", "-e", "-q"});
        QVERIFY(read.ok());
        QCOMPARE(read.out.trimmed(), QByteArray("while-paused"));
    }
};

QTEST_MAIN(LabTimeTest)
#include "test_lab_time.moc"
