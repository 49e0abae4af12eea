// The KRaft cluster on real threads and sockets (kraftlab-cluster as a child process, 3
// controllers and 3 brokers): the active controller killed → another is elected and the brokers
// follow it; a broker killed → fenced after the session timeout, its partitions led elsewhere
// (replication factor 3) or offline (replication factor 1); restarted → unfenced and the
// preferred leaders return; a controller restarted from its persisted quorum state; and real
// clients (kcat -L, kafka-python, confluent-kafka) bootstrapping from any broker see the leaders
// the controllers decided.
#include <QtTest>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

QJsonObject last_json_line(const QByteArray& out) {
    auto lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.last()).object();
}

bool broker_fenced(const QJsonObject& status, int id) {
    for (const auto& b : status["brokers"].toArray()) {
        if (b.toObject()["id"].toInt() == id) return b.toObject()["fenced"].toBool(true);
    }
    return true;
}

// What kcat -L -J shows when bootstrapped from `address`, in metadata_view.py's shape.
QJsonObject kcat_view(const QString& address) {
    auto r = run_client("kcat", {"-L", "-J", "-b", address, "-m", "10"}, {}, 30'000);
    if (!r.ok()) return {};
    auto md = QJsonDocument::fromJson(r.out).object();
    QJsonArray brokers;
    for (const auto& b : md["brokers"].toArray())
        brokers.append(b.toObject()["id"].toInt());
    QJsonObject topics;
    for (const auto& t : md["topics"].toArray()) {
        QJsonArray parts;
        for (const auto& p : t.toObject()["partitions"].toArray()) {
            auto o = p.toObject();
            QJsonArray replicas, isr;
            for (const auto& r : o["replicas"].toArray())
                replicas.append(r.toObject()["id"].toInt());
            for (const auto& r : o["isrs"].toArray())
                isr.append(r.toObject()["id"].toInt());
            parts.append(QJsonArray{o["partition"].toInt(), o["leader"].toInt(), replicas, isr});
        }
        topics[t.toObject()["topic"].toString()] = parts;
    }
    return {
        {"brokers", brokers}, {"controller_id", md["controllerid"].toInt()}, {"topics", topics}};
}

QJsonObject client_view(const QString& client, const QString& address) {
    if (client == "kcat") return kcat_view(address);
    auto r = run_python("metadata_view.py", {client, address}, {}, 60'000);
    if (!r.ok()) {
        qWarning("%s against %s failed: %s", qPrintable(client), qPrintable(address),
                 r.err.constData());
        return {};
    }
    return last_json_line(r.out);
}

}  // namespace

class KraftTest : public QObject {
    Q_OBJECT

  private slots:
    void the_active_controller_killed_another_takes_over_and_brokers_follow() {
        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "3"}));
        auto status = lab.command("status");
        QCOMPARE(status["controllers"].toArray().size(), 3);
        const int first = active_controller(status);
        QVERIFY2(first >= 101 && first <= 103, "one active controller after start");
        const int first_epoch = controller_status(status, first)["epoch"].toInt();

        QVERIFY(lab.command("kill controller " + QString::number(first))["ok"].toBool());
        // A new leader in a higher epoch, from the two that are left.
        auto elected = lab.wait_event(
            [&](const QJsonObject& e) {
                return e["kind"] == "controller_elected" && e["epoch"].toInt() > first_epoch;
            },
            15'000);
        QVERIFY2(elected, "no controller was elected after the active one was killed");
        const int second = (*elected)["candidate"].toInt();
        QVERIFY(second != first);
        QVERIFY(
            eventually([&] { return active_controller(lab.command("status")) == second; }, 10'000));

        // Admin requests reach the new active controller, through the lab and through a broker.
        QVERIFY(lab.command("create-topic after-failover 3 3")["ok"].toBool());
        auto created = run_python("admin_topics.py", {lab.broker_address(2), "kafka-python",
                                                      "create", "via-broker", "2"});
        QVERIFY2(created.ok(), created.err.constData());
        QVERIFY(last_json_line(created.out)["ok"].toBool());

        // The brokers heartbeat to the new controller: none is fenced a whole session timeout
        // (3 s in the lab) later, and every one of them names the new controller.
        QTest::qWait(4'000);
        status = lab.command("status");
        for (int b = 1; b <= 3; ++b)
            QVERIFY2(!broker_fenced(status, b), "a broker lost its session");
        for (const auto& e : lab.events()) {
            QVERIFY2(e["kind"] != "broker_fenced", qPrintable(e["explain"].toString()));
        }
        QCOMPARE(partitions_of(status, "via-broker").size(), 2);

        // The killed controller restarts from its quorum state and log, and follows.
        QVERIFY(lab.command("restart controller " + QString::number(first))["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                auto s = lab.command("status");
                auto back = controller_status(s, first);
                auto leader = controller_status(s, second);
                return back["role"] == "follower" && back["leader"].toInt() == second &&
                       back["log_end_offset"].toInteger() == leader["log_end_offset"].toInteger() &&
                       active_controller(s) == second;
            },
            15'000));
        QCOMPARE(lab.quit(), 0);
    }

    void a_killed_broker_is_fenced_its_leaders_move_and_return() {
        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "3"}));
        QVERIFY(lab.command("create-topic replicated 6 3")["ok"].toBool());
        QVERIFY(lab.command("create-topic single 3 1")["ok"].toBool());
        auto before = lab.command("status");
        const auto replicated = partitions_of(before, "replicated");
        const auto single = partitions_of(before, "single");
        QCOMPARE(replicated.size(), 6);
        // Leaders start on the preferred (first) replica, spread over the brokers.
        for (const auto& p : replicated)
            QCOMPARE(p.leader, p.replicas.front());

        QElapsedTimer since_kill;
        since_kill.start();
        QVERIFY(lab.command("kill broker 2")["ok"].toBool());
        auto fenced = lab.wait_event(
            [](const QJsonObject& e) {
                return e["kind"] == "broker_fenced" && e["node"] == "broker-2";
            },
            15'000);
        QVERIFY2(fenced, "broker 2 was never fenced");
        // Not before its session expired (3 s), with a little slack for clocks.
        QVERIFY2(since_kill.elapsed() >= 2'500, qPrintable(QString::number(since_kill.elapsed())));

        auto after = lab.command("status");
        for (auto [id, p] : partitions_of(after, "replicated").asKeyValueRange()) {
            QVERIFY2(p.leader != 2 && p.leader != -1,
                     qPrintable(QString("replicated-%1 led by %2").arg(id).arg(p.leader)));
            QVERIFY(!p.isr.contains(2));
        }
        for (auto [id, p] : partitions_of(after, "single").asKeyValueRange()) {
            if (p.replicas == QList<int>{2})
                QCOMPARE(p.leader, -1);  // offline until it returns
            else
                QCOMPARE(p.leader, p.replicas.front());
        }
        // Clients see the same from a surviving broker: broker 2 is gone from the broker list.
        // (Broker 1 applies the fencing from the metadata log a moment after the controller.)
        QJsonObject seen;
        QVERIFY(eventually(
            [&] {
                seen = client_view("kcat", lab.broker_address(1));
                return seen["brokers"].toArray() == QJsonArray{1, 3};
            },
            5'000));
        for (const auto& p : seen["topics"].toObject()["replicated"].toArray()) {
            QVERIFY(p.toArray()[1].toInt() != 2);
        }

        QVERIFY(lab.command("restart broker 2")["ok"].toBool());
        QVERIFY(lab.wait_event(
            [](const QJsonObject& e) {
                return e["kind"] == "broker_unfenced" && e["node"] == "broker-2";
            },
            15'000));
        // Its single-replica partitions come back at once: it is their last in-sync replica.
        QVERIFY(eventually(
            [&] {
                for (const auto& p : partitions_of(lab.command("status"), "single")) {
                    if (p.leader != p.replicas.front()) return false;
                }
                return true;
            },
            10'000));
        // It rejoins the replicated ISRs only when each leader has seen it catch up and asked
        // the controller (AlterPartition); then it leads its preferred partitions again.
        QVERIFY2(eventually(
                     [&] {
                         for (const auto& p : partitions_of(lab.command("status"), "replicated")) {
                             if (p.leader != p.replicas.front() || p.isr.size() != 3) return false;
                         }
                         return true;
                     },
                     30'000),
                 "broker 2 did not rejoin every ISR and lead its preferred partitions in 30 s");
        QCOMPARE(lab.quit(), 0);
    }

    void real_clients_bootstrap_from_any_broker_and_see_the_leaders() {
        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "3"}));
        QVERIFY(lab.command("create-topic seen 6 3")["ok"].toBool());
        QVERIFY(lab.command("create-topic alone 3 1")["ok"].toBool());
        QVERIFY(lab.command("kill broker 3")["ok"].toBool());
        QVERIFY(lab.wait_event(
            [](const QJsonObject& e) {
                return e["kind"] == "broker_fenced" && e["node"] == "broker-3";
            },
            15'000));
        // The brokers apply the fencing from the metadata log a moment after the controller.
        QTest::qWait(500);
        const auto status = lab.command("status");
        for (const QString client : {"kcat", "kafka-python", "confluent"}) {
            for (int from : {1, 2}) {
                const QString address = lab.broker_address(from);
                auto view = client_view(client, address);
                const QString who = client + " from broker " + QString::number(from);
                QVERIFY2(!view.isEmpty(), qPrintable(who));
                QCOMPARE(view["brokers"].toArray(), (QJsonArray{1, 2}));
                const int controller_id = view["controller_id"].toInt();
                QVERIFY2(controller_id == 1 || controller_id == 2, qPrintable(who));
                for (const QString topic : {"seen", "alone"}) {
                    const auto expected = partitions_of(status, topic);
                    const auto parts = view["topics"].toObject()[topic].toArray();
                    QCOMPARE(parts.size(), expected.size());
                    for (const auto& p : parts) {
                        const auto a = p.toArray();
                        const auto& e = expected[a[0].toInt()];
                        QVERIFY2(
                            a[1].toInt() == e.leader,
                            qPrintable(who + ": " + topic + "-" + QString::number(a[0].toInt()) +
                                       " leader " + QString::number(a[1].toInt()) + ", expected " +
                                       QString::number(e.leader)));
                        QList<int> replicas;
                        for (const auto& r : a[2].toArray())
                            replicas.append(r.toInt());
                        QCOMPARE(replicas, e.replicas);
                    }
                }
            }
        }
        QCOMPARE(lab.quit(), 0);
    }

    void a_restarted_controller_resumes_from_its_persisted_state() {
        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "1"}));
        auto status = lab.command("status");
        const int active = active_controller(status);
        int follower = -1;
        for (int id : {101, 102, 103}) {
            if (id != active) follower = id;
        }
        const auto persisted = controller_status(status, follower);
        QVERIFY(lab.command("create-topic kept 2 1")["ok"].toBool());
        QVERIFY(lab.command("kill controller " + QString::number(follower))["ok"].toBool());
        // Its directory holds the quorum state and the metadata log.
        QVERIFY(QFile::exists(lab.data_dir() + "/controller-" + QString::number(follower) +
                              "/quorum-state"));
        QVERIFY(lab.command("create-topic while-down 2 1")["ok"].toBool());
        QVERIFY(lab.command("restart controller " + QString::number(follower))["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                auto s = lab.command("status");
                auto c = controller_status(s, follower);
                return c["role"] == "follower" &&
                       c["epoch"].toInt() >= persisted["epoch"].toInt() &&
                       c["log_end_offset"].toInteger() ==
                           controller_status(s, active_controller(s))["log_end_offset"].toInteger();
            },
            15'000));
        // It never voted twice in an epoch: its restart did not force an election while a
        // leader was serving (the active controller is the same one).
        QCOMPARE(active_controller(lab.command("status")), active);
        QCOMPARE(lab.quit(), 0);
    }
};

QTEST_GUILESS_MAIN(KraftTest)
#include "test_kraft.moc"
