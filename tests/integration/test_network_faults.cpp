// The lab network's experiments on real sockets (kraftlab-cluster as a child process):
//   1. the active controller cut off from the other controllers (brokers still reach every
//      controller): the other two elect a new active controller in a higher epoch, the old one
//      resigns by check quorum, the brokers follow the new one; a topic created during the split
//      exists afterwards; healed, the old one rejoins as a follower with the same log end;
//   2. a partition leader cut off from the controllers only (its followers and the clients still
//      reach it): fenced after the session timeout, leadership moves, and healed it follows the
//      new leader. With acks=all and min.insync.replicas 2 the audit finds nothing lost; with
//      acks=1 the zombie went on acknowledging alone, and the audit finds those records lost;
//   3. a follower's fetches delayed beyond replica.lag.time.max.ms (3 s in the lab): it leaves
//      the ISR; the delay removed, it rejoins.
// And the tap: with --rpc-events every RPC of the run is a JSON line, the cut ones say so.
#include <QtTest>

#include <algorithm>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

QJsonObject broker_status(const QJsonObject& status, int id) {
    for (const auto& b : status["brokers"].toArray()) {
        if (b.toObject()["id"].toInt() == id) return b.toObject();
    }
    return {};
}

}  // namespace

class NetworkFaultsTest : public QObject {
    Q_OBJECT

  private slots:
    void the_active_controller_cut_from_its_quorum_is_replaced_and_rejoins() {
        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "3", "--rpc-events"}));
        QVERIFY(eventually([&] { return active_controller(lab.command("status")) > 0; }, 10'000));
        const int old = active_controller(lab.command("status"));
        const int old_epoch = controller_status(lab.command("status"), old)["epoch"].toInt();
        QStringList others;
        for (int id = 101; id <= 103; ++id) {
            if (id != old) others << QString::number(id);
        }

        // Only the controllers are split: unlisted nodes (the brokers) keep every link.
        auto cut = lab.command("partition " + QString::number(old) + " | " + others.join(","));
        QVERIFY2(cut["ok"].toBool(), qPrintable(cut["error"].toString()));
        QCOMPARE(cut["links"].toArray().size(), 4);  // old → each other, and back

        auto elected = lab.wait_event(
            [&](const QJsonObject& e) {
                return e["kind"] == "controller_elected" && e["epoch"].toInt() > old_epoch &&
                       e["candidate"].toInt() != old;
            },
            15'000);
        QVERIFY2(elected, "the majority side elected no new controller");
        const int fresh = (*elected)["candidate"].toInt();
        auto resigned = lab.wait_event(
            [&](const QJsonObject& e) {
                return e["kind"] == "controller_resigned" &&
                       e["node"] == "controller-" + QString::number(old);
            },
            15'000);
        QVERIFY2(resigned, "the cut-off controller did not resign");
        QVERIFY2((*resigned)["reason"].toString().startsWith("check quorum"),
                 qPrintable((*resigned)["explain"].toString()));

        // Brokers follow the new one: a topic created now exists, and nobody is fenced for long.
        QVERIFY(
            eventually([&] { return active_controller(lab.command("status")) == fresh; }, 10'000));
        auto created = lab.command("create-topic during-split 3 3");
        QVERIFY2(created["ok"].toBool(), qPrintable(created["error"].toString()));
        QVERIFY(eventually(
            [&] {
                auto s = lab.command("status");
                for (int b = 1; b <= 3; ++b) {
                    if (broker_status(s, b)["fenced"].toBool(true)) return false;
                }
                return partitions_of(s, "during-split").size() == 3;
            },
            10'000));

        // Healed: the old controller follows the new one and catches up.
        QVERIFY(lab.command("heal")["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                auto s = lab.command("status");
                auto back = controller_status(s, old);
                auto leader = controller_status(s, active_controller(s));
                return active_controller(s) > 0 && active_controller(s) != old &&
                       back["role"] == "follower" &&
                       back["log_end_offset"].toInteger() == leader["log_end_offset"].toInteger();
            },
            20'000));
        QCOMPARE(partitions_of(lab.command("status"), "during-split").size(), 3);

        // The tap saw the cut: requests between the split controllers met it.
        QVERIFY(!lab.rpcs().isEmpty());
        bool cut_seen = false;
        for (const auto& e : lab.rpcs()) {
            cut_seen = cut_seen || (e["outcome"] == "request_cut" &&
                                    e["from"] == "controller-" + QString::number(old));
        }
        QVERIFY2(cut_seen, "no RPC from the cut-off controller met the cut");
        QCOMPARE(lab.quit(), 0);
    }

    void a_leader_cut_from_the_controllers_is_a_zombie_that_acks_one_can_trust_no_more() {
        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "3"}));
        for (const QString acks : {"all", "1"}) {
            const QString topic = "zombie-" + acks;
            QVERIFY(
                lab.command("create-topic " + topic + " 1 3 min.insync.replicas=2")["ok"].toBool());
            QVERIFY(eventually(
                [&] { return partitions_of(lab.command("status"), topic)[0].isr.size() == 3; },
                10'000));
            const int producer =
                lab.command("produce " + topic + " 200 acks=" + acks)["producer"].toInt();
            QVERIFY(producer > 0);
            QTest::qWait(700);
            const int leader = partitions_of(lab.command("status"), topic)[0].leader;
            QVERIFY(leader > 0);
            const int fenced_before = static_cast<int>(
                std::count_if(lab.events().begin(), lab.events().end(), [&](const auto& e) {
                    return e["kind"] == "broker_fenced" &&
                           e["node"] == "broker-" + QString::number(leader);
                }));
            auto cut = lab.command("partition " + QString::number(leader) + " | 101,102,103");
            QVERIFY2(cut["ok"].toBool(), qPrintable(cut["error"].toString()));
            int moved = -1;
            QVERIFY2(eventually(
                         [&] {
                             moved = partitions_of(lab.command("status"), topic)[0].leader;
                             return moved > 0 && moved != leader;
                         },
                         15'000),
                     "leadership did not move off the cut-off leader");
            // wait_event reads the lab's output as it waits and sees each event once, in order.
            int fenced_seen = 0;
            QVERIFY2(lab.wait_event(
                         [&](const QJsonObject& e) {
                             return e["kind"] == "broker_fenced" &&
                                    e["node"] == "broker-" + QString::number(leader) &&
                                    ++fenced_seen > fenced_before;
                         },
                         5'000),
                     "the cut-off leader was not fenced");
            QTest::qWait(1'500);  // the zombie still answers whoever still sends to it
            QVERIFY(lab.command("heal")["ok"].toBool());
            QVERIFY2(eventually(
                         [&] {
                             const auto p = partitions_of(lab.command("status"), topic)[0];
                             return p.leader == moved && p.isr.contains(leader);
                         },
                         30'000),
                     "the old leader did not rejoin as a follower of the new one");
            QVERIFY(lab.command("stop-producer " + QString::number(producer))["ok"].toBool());
            const auto audit = lab.command("audit", 60'000);
            QVERIFY2(audit["ok"].toBool(), qPrintable(audit["message"].toString()));
            qInfo("acks=%s: %s", qPrintable(acks), qPrintable(audit["message"].toString()));
            if (acks == "all") {
                QCOMPARE(audit["lost"].toInteger(), qint64{0});
            } else {
                QVERIFY2(audit["lost"].toInteger() > 0, qPrintable(audit["message"].toString()));
            }
        }
        QCOMPARE(lab.quit(), 0);
    }

    void a_follower_whose_fetches_are_delayed_leaves_the_isr_and_rejoins() {
        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "1", "--brokers", "3"}));
        QVERIFY(lab.command("create-topic slow 1 3")["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                auto p = partitions_of(lab.command("status"), "slow");
                return p.size() == 1 && p[0].isr.size() == 3;
            },
            10'000));
        const auto view = partitions_of(lab.command("status"), "slow")[0];
        int follower = -1;
        for (int r : view.replicas) {
            if (r != view.leader) follower = r;
        }
        const QString f = QString::number(follower), l = QString::number(view.leader);
        // A follower is behind only when there is something to fetch (Kafka's isCaughtUp: at
        // the leader's log end, or caught up within the lag time).
        QVERIFY(lab.command("produce slow 50 acks=1")["ok"].toBool());

        // Each fetch takes 4 s to reach the leader: more than replica.lag.time.max.ms (3 s).
        auto delayed = lab.command("delay " + f + " " + l + " 4000 oneway");
        QVERIFY2(delayed["ok"].toBool(), qPrintable(delayed["error"].toString()));
        auto shrunk = lab.wait_event(
            [&](const QJsonObject& e) {
                return e["kind"] == "isr_shrunk" && e["topic"] == "slow" &&
                       e["removed"].toArray().contains(follower);
            },
            15'000);
        QVERIFY2(shrunk, "the slow follower stayed in the ISR");
        QVERIFY2((*shrunk)["explain"].toString().contains("replica.lag.time.max.ms"),
                 qPrintable((*shrunk)["explain"].toString()));

        QVERIFY(lab.command("heal " + f + " " + l)["ok"].toBool());
        auto expanded = lab.wait_event(
            [&](const QJsonObject& e) {
                return e["kind"] == "isr_expanded" && e["topic"] == "slow" &&
                       e["added"].toArray().contains(follower);
            },
            15'000);
        QVERIFY2(expanded, "the follower did not rejoin the ISR once its link was healthy");
        QVERIFY(eventually(
            [&] { return partitions_of(lab.command("status"), "slow")[0].isr.size() == 3; },
            5'000));
        QCOMPARE(lab.quit(), 0);
    }
};

QTEST_GUILESS_MAIN(NetworkFaultsTest)
#include "test_network_faults.moc"
