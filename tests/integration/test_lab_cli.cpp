// kraftlab-cluster as a program: its ready line, commands and replies, bad commands, events with
// explanations, killing and restarting brokers without losing acknowledged records, and a whole
// lab restarted on the same data directory.
#include <QDirIterator>
#include <QtTest>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

QJsonObject parse(const ClientResult& r) {
    auto lines = r.out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.last()).object();
}

QJsonObject find_topic(const QJsonObject& status, const QString& name) {
    for (const auto& t : status["topics"].toArray()) {
        if (t.toObject()["name"] == name) return t.toObject();
    }
    return {};
}

}  // namespace

class LabCliTest : public QObject {
    Q_OBJECT

  private slots:
    void ready_line_then_commands_with_replies() {
        LabProcess lab;
        QVERIFY(lab.start({"--brokers", "2"}));
        QCOMPARE(lab.bootstrap().split(',').size(), 2);
        QVERIFY(QDir(lab.data_dir()).exists());

        auto created = lab.command("create-topic orders 6");
        QVERIFY(created["ok"].toBool());
        QCOMPARE(created["partitions"].toInt(), 6);
        auto event = lab.wait_event_kind("topic_created");
        QVERIFY(event);
        QVERIFY(!(*event)["explain"].toString().isEmpty());

        auto status = lab.command("status");
        QVERIFY(status["ok"].toBool());
        QCOMPARE(find_topic(status, "orders")["partitions"].toArray().size(), 6);
        QCOMPARE(status["brokers"].toArray().size(), 2);

        auto deleted = lab.command("delete-topic orders");
        QVERIFY(deleted["ok"].toBool());
        QVERIFY(lab.wait_event_kind("topic_deleted"));
        QVERIFY(find_topic(lab.command("status"), "orders").isEmpty());
        QCOMPARE(lab.quit(), 0);
    }

    void bad_commands_get_a_reason_and_the_lab_keeps_running() {
        LabProcess lab;
        QVERIFY(lab.start({"--brokers", "1"}));
        const QStringList bad = {"fly away",
                                 "create-topic",
                                 "create-topic t zero",
                                 "create-topic t -3",
                                 "create-topic 'bad name' 3",
                                 "create-topic t 3 0",
                                 "create-topic t 3 no-equals-sign",
                                 "create-topic t 3 1 no.such.config=1",
                                 "create-topic t 2 5",
                                 "delete-topic never-was",
                                 "kill broker 9",
                                 "kill broker x",
                                 "kill controller 1",
                                 "restart broker 1",
                                 QString(5000, 'x')};
        for (const auto& line : bad) {
            auto r = lab.command(line);
            QVERIFY2(r["type"] == "reply", qPrintable(line));
            QVERIFY2(!r["ok"].toBool(), qPrintable(line));
            QVERIFY2(!r["error"].toString().isEmpty(), qPrintable(line));
        }
        QVERIFY(lab.command("create-topic fine 1")["ok"].toBool());
        QCOMPARE(lab.quit(), 0);
    }

    void end_of_input_quits() {
        LabProcess lab;
        QVERIFY(lab.start({"--brokers", "1"}));
        QCOMPARE(lab.quit(), 0);  // quit() closes stdin after "quit"; EOF alone is covered below
        QProcess p;
        p.start(cluster_binary(), {"--brokers", "1", "--data", lab.data_dir()});
        QVERIFY(p.waitForStarted());
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(20'000));
        QCOMPARE(p.exitCode(), 0);
        auto lines = p.readAllStandardOutput().trimmed().split('\n');
        QVERIFY(QJsonDocument::fromJson(lines.first()).object()["type"] == "ready");
        for (const auto& line : lines)
            QVERIFY2(QJsonDocument::fromJson(line).isObject(), line.constData());
    }

    void bad_arguments_are_refused() {
        for (const QStringList& args :
             {QStringList{"--brokers", "0"}, QStringList{"--brokers", "many"},
              QStringList{"--port-base", "70000"}, QStringList{"--what"}}) {
            auto r = run_client(cluster_binary(), args, {}, 10'000);
            QCOMPARE(r.exit_code, 2);
            QVERIFY(!r.err.isEmpty());
        }
        auto help = run_client(cluster_binary(), {"--help"});
        QCOMPARE(help.exit_code, 0);
        QVERIFY(help.out.contains("--brokers"));
    }

    void kill_and_restart_a_broker_loses_nothing_acknowledged() {
        LabProcess lab;
        QVERIFY(lab.start({"--brokers", "3"}));
        QVERIFY(lab.command("create-topic durable 6")["ok"].toBool());
        auto produced =
            parse(run_python("kafka_python_roundtrip.py",
                             {lab.bootstrap(), "durable", "2000", "produce", "all"}, {}, 120'000));
        const auto acked = produced["acked"].toArray();
        QCOMPARE(acked.size(), 2000);

        auto killed = lab.command("kill broker 2");
        QVERIFY(killed["ok"].toBool());
        QVERIFY(lab.wait_event_kind("node_killed"));
        // With one replica per partition, broker 2's partitions have no leader now.
        auto offline = lab.wait_event_kind("partition_offline");
        QVERIFY(offline);
        QVERIFY((*offline)["explain"].toString().contains("broker 2"));
        for (const auto& p : find_topic(lab.command("status"), "durable")["partitions"].toArray()) {
            auto o = p.toObject();
            if (o["replicas"].toArray().first().toInt() == 2) QCOMPARE(o["leader"].toInt(), -1);
        }
        QVERIFY(!lab.command("kill broker 2")["ok"].toBool());  // already down

        auto restarted = lab.command("restart broker 2");
        QVERIFY2(restarted["ok"].toBool(), qPrintable(restarted["error"].toString()));
        auto recovered = lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "log_recovered" && e["node"] == "broker-2";
        });
        QVERIFY(recovered);
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "leader_changed" && e["explain"].toString().contains("-> broker 2");
        }));

        auto consumed =
            parse(run_python("kafka_python_roundtrip.py",
                             {lab.bootstrap(), "durable", "2000", "consume"}, {}, 120'000));
        QJsonArray read = consumed["read"].toArray();
        QSet<QString> got;
        for (const auto& r : read)
            got.insert(QJsonDocument(r.toArray()).toJson(QJsonDocument::Compact));
        for (const auto& a : acked) {
            QVERIFY2(got.contains(QJsonDocument(a.toArray()).toJson(QJsonDocument::Compact)),
                     "an acknowledged record was lost");
        }
        QCOMPARE(read.size(), acked.size());
        QCOMPARE(lab.quit(), 0);
    }

    void a_lab_restarted_on_its_data_keeps_topics_and_records() {
        QTemporaryDir dir;
        const QString data = dir.path() + "/lab";
        {
            LabProcess lab;
            QVERIFY(lab.start({"--brokers", "2", "--data", data}));
            QVERIFY(lab.command("create-topic kept 4")["ok"].toBool());
            auto produced = parse(run_python("kafka_python_roundtrip.py",
                                             {lab.bootstrap(), "kept", "500", "produce", "1"}));
            QCOMPARE(produced["acked"].toArray().size(), 500);
            QCOMPARE(lab.quit(), 0);
        }
        LabProcess again;
        QVERIFY(again.start({"--brokers", "2", "--data", data}));
        auto topic = find_topic(again.command("status"), "kept");
        QCOMPARE(topic["partitions"].toArray().size(), 4);
        auto consumed = parse(
            run_python("kafka_python_roundtrip.py", {again.bootstrap(), "kept", "500", "consume"}));
        QCOMPARE(consumed["read"].toArray().size(), 500);
        QCOMPARE(again.quit(), 0);
    }

    void fixed_ports_from_port_base() {
        // Ports in a range unlikely to be busy; the test is skipped if they are.
        LabProcess lab;
        if (!lab.start({"--brokers", "2", "--port-base", "39411"}))
            QSKIP("ports 39411-39412 are busy");
        QCOMPARE(lab.bootstrap(), QString("127.0.0.1:39411,127.0.0.1:39412"));
        QVERIFY(lab.command("kill broker 1")["ok"].toBool());
        QVERIFY(lab.command("restart broker 1")["ok"].toBool());
        QCOMPARE(lab.broker_address(1), QString("127.0.0.1:39411"));
        QCOMPARE(lab.quit(), 0);
    }

    void throughput_is_reported_once_a_second() {
        LabProcess lab;
        QVERIFY(lab.start({"--brokers", "1"}));
        QVERIFY(lab.command("create-topic busy 2")["ok"].toBool());
        run_python("confluent_roundtrip.py", {lab.bootstrap(), "busy", "20000", "produce", "1"}, {},
                   60'000);
        auto t = lab.wait_event_kind("throughput", 5'000);
        QVERIFY(t);
        QVERIFY((*t)["records_per_s"].toDouble() > 0);
        QVERIFY(!(*t)["partitions"].toArray().isEmpty());
        QCOMPARE(lab.quit(), 0);
    }
};

QTEST_GUILESS_MAIN(LabCliTest)
#include "test_lab_cli.moc"
