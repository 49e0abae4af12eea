// Topic configs changed live (kraftlab-cluster as a child process, 3 controllers and 3 brokers):
// create-topic with configs, set-config (IncrementalAlterConfigs to the active controller) and
// `status` showing each topic's explicit configs; bad values refused in plain words; the same
// request from a real client through any broker, which forwards it; and unclean leader election
// switched on while a partition is offline.
#include <QtTest>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

QJsonObject topic_of(const QJsonObject& status, const QString& name) {
    for (const auto& t : status["topics"].toArray()) {
        if (t.toObject()["name"] == name) return t.toObject();
    }
    return {};
}

QJsonObject configs_of(LabProcess& lab, const QString& topic) {
    return topic_of(lab.command("status"), topic)["configs"].toObject();
}

QJsonObject last_json_line(const ClientResult& r) {
    auto lines = r.out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.last()).object();
}

QByteArray dump(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

}  // namespace

class TopicConfigsTest : public QObject {
    Q_OBJECT

    LabProcess lab;

  private slots:
    void initTestCase() { QVERIFY(lab.start({"--controllers", "3", "--brokers", "3"})); }
    void cleanupTestCase() { QCOMPARE(lab.quit(), 0); }

    void set_config_changes_a_topic_live_and_status_shows_it() {
        auto created = lab.command("create-topic cfg 3 3 min.insync.replicas=2");
        QVERIFY2(created["ok"].toBool(), dump(created).constData());
        QCOMPARE(configs_of(lab, "cfg"), (QJsonObject{{"min.insync.replicas", "2"}}));

        auto changed =
            lab.command("set-config cfg min.insync.replicas=3 unclean.leader.election.enable=true");
        QVERIFY2(changed["ok"].toBool(), dump(changed).constData());
        QCOMPARE(changed["configs"].toObject(),
                 (QJsonObject{{"min.insync.replicas", "3"},
                              {"unclean.leader.election.enable", "true"}}));
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "topic_config_changed" && e["topic"] == "cfg" &&
                   e["configs"].toObject()["min.insync.replicas"] == "3";
        }));
        QCOMPARE(configs_of(lab, "cfg"), (QJsonObject{{"min.insync.replicas", "3"},
                                                      {"unclean.leader.election.enable", "true"}}));

        // `key=` and `key` alone return a config to the lab's default.
        QVERIFY(lab.command("set-config cfg min.insync.replicas=")["ok"].toBool());
        QCOMPARE(configs_of(lab, "cfg"), (QJsonObject{{"unclean.leader.election.enable", "true"}}));
        QVERIFY(lab.command("set-config cfg unclean.leader.election.enable")["ok"].toBool());
        QCOMPARE(configs_of(lab, "cfg"), QJsonObject{});
    }

    void bad_config_changes_get_a_clear_error_and_change_nothing() {
        QVERIFY(lab.command("create-topic strict 1 3 min.insync.replicas=2")["ok"].toBool());
        struct Case {
            QString line;
            QString says;
        } cases[] = {
            {"set-config strict min.insync.replicas=zero",
             "Enter min.insync.replicas as a whole number"},
            {"set-config strict unclean.leader.election.enable=yes", "must be true or false"},
            {"set-config strict retention.ms=1000", "does not implement the topic config"},
            // All or nothing: the good half is not applied either.
            {"set-config strict min.insync.replicas=1 segment.bytes=-5", "segment.bytes"},
            {"set-config missing min.insync.replicas=2", "does not exist"},
            {"set-config strict", "usage: set-config"},
            {"set-config strict =3", "expected key=value"},
        };
        for (const auto& c : cases) {
            auto r = lab.command(c.line);
            QVERIFY2(!r["ok"].toBool(), qPrintable(c.line));
            QVERIFY2(r["error"].toString().contains(c.says),
                     qPrintable(c.line + " -> " + r["error"].toString()));
        }
        QCOMPARE(configs_of(lab, "strict"), (QJsonObject{{"min.insync.replicas", "2"}}));
    }

    void a_real_client_changes_configs_through_any_broker() {
        QVERIFY(lab.command("create-topic via 2 3")["ok"].toBool());
        // kafka-python sends IncrementalAlterConfigs v0 to broker 2, then to broker 3; each
        // forwards it to the active controller and answers once its own metadata has it.
        auto set = last_json_line(run_python(
            "incremental_alter_configs.py",
            {lab.bootstrap(), "2", "via", "min.insync.replicas=2", "segment.bytes=1048576"}));
        QVERIFY2(set["ok"].toBool(), dump(set).constData());
        QCOMPARE(set["error_code"].toInt(), 0);
        QCOMPARE(configs_of(lab, "via"),
                 (QJsonObject{{"min.insync.replicas", "2"}, {"segment.bytes", "1048576"}}));
        auto reset = last_json_line(run_python("incremental_alter_configs.py",
                                               {lab.bootstrap(), "3", "via", "segment.bytes="}));
        QCOMPARE(reset["error_code"].toInt(), 0);
        QCOMPARE(configs_of(lab, "via"), (QJsonObject{{"min.insync.replicas", "2"}}));

        auto bad = last_json_line(run_python("incremental_alter_configs.py",
                                             {lab.bootstrap(), "1", "via", "max.message.bytes=x"}));
        QVERIFY2(bad["ok"].toBool(), dump(bad).constData());
        QCOMPARE(bad["error_code"].toInt(), 40);  // INVALID_CONFIG
        QVERIFY2(bad["error_message"].toString().contains("max.message.bytes"),
                 dump(bad).constData());
    }

    // Runs last: it kills every broker.
    void unclean_election_switched_on_while_a_partition_is_offline() {
        QVERIFY(lab.command("create-topic lossy 1 3")["ok"].toBool());
        QList<int> replicas;
        for (const auto& r : topic_of(lab.command("status"), "lossy")["partitions"]
                                 .toArray()[0]
                                 .toObject()["replicas"]
                                 .toArray())
            replicas.append(r.toInt());
        QCOMPARE(replicas.size(), 3);
        // Each broker fenced in turn: leadership moves down the ISR until the last one, which
        // stays the partition's only in-sync replica while the partition is offline.
        for (int id : replicas) {
            QVERIFY(lab.command(QString("kill broker %1").arg(id))["ok"].toBool());
            QVERIFY2(lab.wait_event(
                         [&](const QJsonObject& e) {
                             return e["kind"] == "broker_fenced" &&
                                    e["node"] == QString("broker-%1").arg(id);
                         },
                         15'000),
                     qPrintable(QString("broker %1 was never fenced").arg(id)));
        }
        auto p = topic_of(lab.command("status"), "lossy")["partitions"].toArray()[0].toObject();
        QCOMPARE(p["leader"].toInt(), -1);
        QCOMPARE(p["isr"].toArray(), (QJsonArray{replicas.back()}));

        // The first replica returns, but it was not in sync: without unclean election the
        // partition stays offline.
        const int first = replicas.front();
        QVERIFY(lab.command(QString("restart broker %1").arg(first))["ok"].toBool());
        QVERIFY(lab.wait_event(
            [&](const QJsonObject& e) {
                return e["kind"] == "broker_unfenced" &&
                       e["node"] == QString("broker-%1").arg(first);
            },
            15'000));
        p = topic_of(lab.command("status"), "lossy")["partitions"].toArray()[0].toObject();
        QCOMPARE(p["leader"].toInt(), -1);

        // Switched on: the controller elects it at once, knowing what is lost.
        QVERIFY(lab.command("set-config lossy unclean.leader.election.enable=true")["ok"].toBool());
        auto unclean = lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "unclean_election" && e["topic"] == "lossy";
        });
        QVERIFY2(unclean, "no unclean_election event");
        QCOMPARE((*unclean)["leader"].toInt(), first);
        QVERIFY2((*unclean)["explain"].toString().contains("records only the old ISR"),
                 dump(*unclean).constData());
        p = topic_of(lab.command("status"), "lossy")["partitions"].toArray()[0].toObject();
        QCOMPARE(p["leader"].toInt(), first);
        QCOMPARE(p["isr"].toArray(), (QJsonArray{first}));
    }
};

QTEST_GUILESS_MAIN(TopicConfigsTest)
#include "test_topic_configs.moc"
