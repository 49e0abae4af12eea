// The admin APIs real tools use, against kraftlab-cluster (1 controller, 3 brokers):
//   - kafka-python's KafkaAdminClient and confluent-kafka's AdminClient: DescribeConfigs (topic
//     and broker, with sources and synonyms), AlterConfigs (good, invalid and unknown values),
//     CreatePartitions (grow; fewer refused);
//   - kafkajs's admin: the same, and deleteTopicRecords (DeleteRecords), whose new log start the
//     followers take over;
//   - librdkafka's rd_kafka_DeleteRecords: to an offset, to the high watermark, past it
//     (refused); the log start survives the leader's restart;
//   - partition reassignment: kafkajs's alterPartitionReassignments and
//     listPartitionReassignments, and a move under an acks=all producer whose new replica
//     crashes mid-copy;
//   - by hand, since no client here sends them: DescribeCluster, DescribeLogDirs, and
//     ElectLeaders (not needed, unknown partition, and an unclean election that brings an
//     offline partition back on a replica that was not in sync).
#include <QtTest>

#include <librdkafka/rdkafka.h>

#include "lab_process.h"
#include "protocol/describe_cluster.h"
#include "protocol/describe_log_dirs.h"
#include "protocol/elect_leaders.h"
#include "protocol/partition_reassignments.h"
#include "raw_connection.h"

using namespace kraftlab::testing;
using namespace kraftlab;

namespace {

QJsonObject last_json_line(const QByteArray& out) {
    auto lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.last()).object();
}

QByteArray dump(const QJsonValue& v) {
    if (v.isObject()) return QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
    if (v.isArray()) return QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
    return v.toVariant().toString().toUtf8();
}

QString node_path() {
    return qEnvironmentVariable("NODE_PATH", QStringLiteral(KRAFTLAB_JS_MODULES));
}

QString read_text(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// rd_kafka_DeleteRecords for one partition: "NO_ERROR <low watermark>" or the error's name.
QString delete_records(const QString& bootstrap, const QString& topic, int partition,
                       std::int64_t before) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.toUtf8().constData(), err, sizeof err);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) return QString("rd_kafka_new: ") + err;
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(offsets, topic.toUtf8().constData(), partition)->offset =
        before;
    rd_kafka_DeleteRecords_t* del = rd_kafka_DeleteRecords_new(offsets);
    rd_kafka_topic_partition_list_destroy(offsets);
    rd_kafka_AdminOptions_t* options =
        rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DELETERECORDS);
    rd_kafka_AdminOptions_set_request_timeout(options, 10'000, err, sizeof err);
    rd_kafka_DeleteRecords(rk, &del, 1, options, queue);
    rd_kafka_DeleteRecords_destroy(del);
    rd_kafka_AdminOptions_destroy(options);
    QString outcome = "no answer within 15 s";
    if (rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 15'000)) {
        if (rd_kafka_event_error(ev)) {
            outcome = rd_kafka_err2name(rd_kafka_event_error(ev));
        } else {
            const auto* list =
                rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(ev));
            outcome = list && list->cnt == 1 ? QString("%1 %2")
                                                   .arg(rd_kafka_err2name(list->elems[0].err))
                                                   .arg(list->elems[0].offset)
                                             : QString("no partition in the result");
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(queue);
    rd_kafka_destroy(rk);
    return outcome;
}

// kcat -Q: the partition's earliest (-2) or latest (-1) offset, -100 if kcat failed.
qint64 query_offset(const QString& bootstrap, const QString& topic, int partition, int which) {
    auto r = run_client("kcat", {"-b", bootstrap, "-Q", "-t",
                                 QString("%1:%2:%3").arg(topic).arg(partition).arg(which)});
    // "topic [0] offset 5"
    const auto words = QString::fromUtf8(r.out).split(' ', Qt::SkipEmptyParts);
    return r.ok() && !words.isEmpty() ? words.last().trimmed().toLongLong() : -100;
}

}  // namespace

class AdminApisTest : public QObject {
    Q_OBJECT

    LabProcess lab;

    // Waits for `kind` about broker `id` among the events that come after the first `from`.
    bool wait_broker_event(const QString& kind, int id, qsizetype from) {
        const QString node = QString("broker-%1").arg(id);
        return eventually(
            [&] {
                lab.command("status");  // reads the lab's output meanwhile
                const auto& events = lab.events();
                for (qsizetype i = from; i < events.size(); ++i) {
                    if (events[i]["kind"] == kind && events[i]["node"] == node) return true;
                }
                return false;
            },
            20'000);
    }

    QJsonObject python_admin(const QString& client, const QString& topic) {
        auto r = run_python("admin_apis.py", {lab.bootstrap(), client, topic}, {}, 90'000);
        auto out = last_json_line(r.out);
        if (!out["ok"].toBool()) qWarning() << r.out << r.err.right(2000);
        return out;
    }

  private slots:
    void initTestCase() { QVERIFY(lab.start({"--controllers", "1", "--brokers", "3"})); }
    void cleanupTestCase() { QCOMPARE(lab.quit(), 0); }

    void kafka_python_describes_alters_and_grows_a_topic() {
        QVERIFY(lab.command("create-topic kp 3 3")["ok"].toBool());
        const auto out = python_admin("kafka-python", "kp");
        QVERIFY(out["ok"].toBool());
        // Kafka's names, values and sources: 5 DEFAULT_CONFIG, 4 STATIC_BROKER_CONFIG (the lab
        // starts its brokers with a segment size other than Kafka's), 1 DYNAMIC_TOPIC_CONFIG.
        const auto topic = out["topic"].toObject();
        QCOMPARE(topic.keys(), (QStringList{"max.message.bytes", "min.insync.replicas",
                                            "segment.bytes", "unclean.leader.election.enable"}));
        QCOMPARE(topic["min.insync.replicas"]["value"].toString(), QString("1"));
        QCOMPARE(topic["min.insync.replicas"]["source"].toInt(), 5);
        QCOMPARE(topic["segment.bytes"]["source"].toInt(), 4);
        QCOMPARE(dump(topic["segment.bytes"]["synonyms"]),
                 QByteArray(R"([["log.segment.bytes","16777216",4],)"
                            R"(["log.segment.bytes","1073741824",5]])"));
        const auto broker = out["broker"].toObject();
        QCOMPARE(broker["node.id"]["value"].toString(), QString("1"));
        QCOMPARE(broker["replica.lag.time.max.ms"]["source"].toInt(), 4);
        QVERIFY(broker["log.dirs"]["value"].toString().endsWith("broker-1"));
        QCOMPARE(out["unknown_topic"]["error"].toInt(), 3);  // UNKNOWN_TOPIC_OR_PARTITION

        QCOMPARE(dump(out["alter"]), QByteArray("[[0,null]]"));
        QCOMPARE(out["after_alter"]["min.insync.replicas"]["value"].toString(), QString("2"));
        QCOMPARE(out["after_alter"]["min.insync.replicas"]["source"].toInt(), 1);
        const auto bad = out["alter_bad"].toArray()[0].toArray();
        QCOMPARE(bad[0].toInt(), 40);  // INVALID_CONFIG
        QVERIFY2(bad[1].toString().contains("min.insync.replicas must be an integer >= 1"),
                 dump(bad).constData());
        const auto unknown = out["alter_unknown"].toArray()[0].toArray();
        QCOMPARE(unknown[0].toInt(), 40);
        QVERIFY(unknown[1].toString().contains("does not implement the topic config"));
        // A refused change changed nothing.
        QCOMPARE(partitions_of(lab.command("status"), "kp").size(), 5);

        QCOMPARE(dump(out["create_partitions"]), QByteArray(R"([["kp",0,null]])"));
        QCOMPARE(out["create_partitions_fewer"]["error"].toInt(), 37);  // INVALID_PARTITIONS
        QVERIFY(out["create_partitions_fewer"]["message"].toString().contains(
            "partitions cannot be removed"));
        auto parts = partitions_of(lab.command("status"), "kp");
        QCOMPARE(parts.size(), 5);
        // The lab's own commands, as kafka-topics --alter and kafka-leader-election.
        auto grown = lab.command("add-partitions kp 6");
        QVERIFY2(grown["ok"].toBool(), dump(grown).constData());
        auto fewer = lab.command("add-partitions kp 6");
        QVERIFY(!fewer["ok"].toBool());
        QVERIFY(fewer["error"].toString().startsWith("INVALID_PARTITIONS"));
        auto elected = lab.command("elect-leaders preferred kp");
        QVERIFY2(elected["ok"].toBool(), dump(elected).constData());
        QVERIFY(lab.command("elect-leaders unclean kp")["message"].toString().contains(
            "every partition has a leader"));
        parts = partitions_of(lab.command("status"), "kp");
        QCOMPARE(parts.size(), 6);
        QCOMPARE(parts[4].replicas.size(), 3);
        QVERIFY(parts[4].leader >= 1);
    }

    void confluent_kafka_describes_alters_and_grows_a_topic() {
        QVERIFY(lab.command("create-topic cf 2 3")["ok"].toBool());
        const auto out = python_admin("confluent", "cf");
        QVERIFY(out["ok"].toBool());
        QCOMPARE(out["topic"]["segment.bytes"]["value"].toString(), QString("16777216"));
        QCOMPARE(out["topic"]["segment.bytes"]["source"].toInt(), 4);
        QCOMPARE(out["broker"]["offsets.topic.num.partitions"]["value"].toString(), QString("3"));
        QCOMPARE(out["unknown_topic"]["error"].toInt(), 3);
        QVERIFY(out["alter"]["ok"].toBool());
        QCOMPARE(out["after_alter"]["min.insync.replicas"]["source"].toInt(), 1);
        QCOMPARE(out["alter_bad"]["error"].toInt(), 40);
        QVERIFY(out["create_partitions"]["ok"].toBool());
        QCOMPARE(out["create_partitions_fewer"]["error"].toInt(), 37);
        QCOMPARE(partitions_of(lab.command("status"), "cf").size(), 5);
    }

    void kafkajs_admin_and_delete_records_that_followers_follow() {
        QVERIFY(lab.command("create-topic js 2 3")["ok"].toBool());
        QProcess node;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("NODE_PATH", node_path());
        node.setProcessEnvironment(env);
        node.start("node", {scripts_dir() + "/kafkajs_admin.js", lab.bootstrap(), "js"});
        QVERIFY(node.waitForStarted(5'000));
        QVERIFY(node.waitForFinished(90'000));
        const auto out = last_json_line(node.readAllStandardOutput());
        QVERIFY2(node.exitCode() == 0, dump(out).constData());
        QCOMPARE(out["topic"]["min.insync.replicas"]["source"].toInt(), 5);
        QCOMPARE(out["broker"]["node.id"]["value"].toString(), QString("1"));
        QCOMPARE(out["after_alter"]["unclean.leader.election.enable"]["value"].toString(),
                 QString("true"));
        QCOMPARE(out["alter_bad"]["error"].toString(), QString("INVALID_CONFIG"));
        QCOMPARE(out["create_partitions"]["partitions"].toInt(), 4);
        QCOMPARE(out["create_partitions_fewer"]["error"].toString(), QString("INVALID_PARTITIONS"));
        bool found = false;
        for (const QJsonValue p : out["delete_records"].toArray()) {
            if (p["partition"].toInt() != 0) continue;
            found = true;
            QCOMPARE(p["low"].toString(), QString("10"));
            QCOMPARE(p["high"].toString(), QString("30"));
        }
        QVERIFY2(found, dump(out["delete_records"]).constData());
        QVERIFY(out["delete_records_beyond_hw"]["error"].isString());
        // Every replica, followers included, now starts at 10 (they take the leader's log start
        // from its Fetch answers) and keeps that on disk.
        const auto js = partitions_of(lab.command("status"), "js");
        for (int broker : js[0].replicas) {
            const QString file =
                lab.data_dir() + QString("/broker-%1/js-0/log-start-offset").arg(broker);
            QVERIFY2(eventually([&] { return read_text(file) == "0\n10\n"; }, 10'000),
                     qPrintable(file + ": " + read_text(file)));
        }
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "records_deleted" && e["topic"] == "js" &&
                   e["log_start_offset"].toInt() == 10;
        }));
        // The move of js-1 to [2,3] adds nothing: it completes at once.
        QVERIFY2(out["reassign"]["ok"].toBool(), dump(out["reassign"]).constData());
        QVERIFY2(out["reassign_unknown_broker"]["errors"].toArray().contains(
                     QString("INVALID_REPLICA_ASSIGNMENT")),
                 dump(out["reassign_unknown_broker"]).constData());
        QVERIFY2(out["list_reassignments"]["topics"].toArray().isEmpty(),
                 dump(out["list_reassignments"]).constData());
        QVERIFY(eventually(
            [&] {
                return partitions_of(lab.command("status"), "js")[1].replicas == QList<int>{2, 3};
            },
            10'000));
    }

    // A move under an acks=all producer (kraftlab-cluster's reassign, as
    // kafka-reassign-partitions): the new replica's fetches are slowed so that it cannot catch
    // up, it crashes mid-copy and restarts with part of the log; once the slowdown is healed it
    // catches up, joins the ISR, the old leader leaves and leadership moves. Nothing
    // acknowledged is lost.
    void a_move_completes_after_the_new_replica_crashes_mid_copy() {
        QVERIFY(lab.command("create-topic moving 1 2 min.insync.replicas=2")["ok"].toBool());
        const auto before = partitions_of(lab.command("status"), "moving")[0];
        const int old_leader = before.leader;
        const int stays = before.replicas.value(0) == old_leader ? before.replicas.value(1)
                                                                 : before.replicas.value(0);
        const int added = 6 - old_leader - stays;  // brokers 1, 2, 3
        const int producer = lab.command("produce moving 200 acks=all")["producer"].toInt();
        QVERIFY(producer > 0);
        QTest::qWait(500);
        // The leader's answers to the new replica take 1.5 s: it copies, but never catches up.
        const auto slowed =
            lab.command(QString("delay %1 %2 1500 oneway").arg(old_leader).arg(added));
        QVERIFY2(slowed["ok"].toBool(), dump(slowed).constData());
        auto moved = lab.command(QString("reassign moving 0 %1,%2").arg(added).arg(stays));
        QVERIFY2(moved["ok"].toBool(), dump(moved).constData());
        QCOMPARE(moved["adding"].toArray(), (QJsonArray{added}));
        QCOMPARE(moved["removing"].toArray(), (QJsonArray{old_leader}));

        // Listed as in progress by ListPartitionReassignments.
        RawConnection raw(lab.broker_address(stays));
        QVERIFY(raw.connected());
        auto listed = raw.call<protocol::ListPartitionReassignmentsResponse>(
            0, protocol::ListPartitionReassignmentsRequest{});
        QVERIFY(listed);
        QCOMPARE(listed->topics.size(), 1u);
        QCOMPARE(listed->topics[0].name, std::string("moving"));
        QCOMPARE(listed->topics[0].partitions[0].adding_replicas, std::vector<std::int32_t>{added});

        // Mid-copy: the new replica holds part of the log, and is not in the ISR.
        const QString log_dir = lab.data_dir() + QString("/broker-%1/moving-0").arg(added);
        QVERIFY(eventually([&] { return QDir(log_dir).exists(); }, 10'000));
        QTest::qWait(2'000);
        auto mid = partitions_of(lab.command("status"), "moving")[0];
        QVERIFY(!mid.isr.contains(added));
        QCOMPARE(mid.adding, QList<int>{added});
        QVERIFY(lab.command(QString("kill broker %1").arg(added))["ok"].toBool());
        QVERIFY(lab.command("heal")["ok"].toBool());
        QTest::qWait(300);
        QVERIFY(lab.command(QString("restart broker %1").arg(added))["ok"].toBool());

        auto done = lab.wait_event(
            [](const QJsonObject& e) {
                return e["kind"] == "reassignment" && e["topic"] == "moving" &&
                       e["state"] == "completed";
            },
            30'000);
        QVERIFY(done);
        const auto after = partitions_of(lab.command("status"), "moving")[0];
        QCOMPARE(after.replicas, (QList<int>{added, stays}));
        QVERIFY(after.leader == added || after.leader == stays);
        QVERIFY(after.adding.isEmpty());
        // The old leader deleted its replica.
        const QString old_dir = lab.data_dir() + QString("/broker-%1/moving-0").arg(old_leader);
        QVERIFY(eventually([&] { return !QDir(old_dir).exists(); }, 10'000));
        QTest::qWait(500);  // acknowledged writes continue on the new leader
        QVERIFY(lab.command("stop-producer " + QString::number(producer))["ok"].toBool());
        const auto audit = lab.command("audit", 60'000);
        QVERIFY2(audit["ok"].toBool(), qPrintable(audit["message"].toString()));
        QCOMPARE(audit["lost"].toInteger(), qint64{0});
        QVERIFY(audit["audited"].toInteger() > 500);
    }

    void librdkafka_deletes_records_and_the_start_survives_a_restart() {
        QVERIFY(lab.command("create-topic lr 1 2")["ok"].toBool());
        QByteArray input;
        for (int i = 0; i < 20; ++i)
            input += "record-" + QByteArray::number(i) + "\n";
        QVERIFY(run_client("kcat",
                           {"-b", lab.bootstrap(), "-P", "-t", "lr", "-p", "0", "-X", "acks=all"},
                           input)
                    .ok());
        QCOMPARE(delete_records(lab.bootstrap(), "lr", 0, 5), QString("NO_ERROR 5"));
        // A replica added now finds the leader's log starting at 5, inside the first batch: it
        // starts its own log there (never fetching offsets 0-4 again and again), joins the ISR,
        // and the move completes.
        const auto two = partitions_of(lab.command("status"), "lr")[0].replicas;
        const int added = 6 - two.value(0) - two.value(1);
        const auto moved = lab.command(
            QString("reassign lr 0 %1,%2,%3").arg(two.value(0)).arg(two.value(1)).arg(added));
        QVERIFY2(moved["ok"].toBool(), dump(moved).constData());
        QVERIFY(lab.wait_event([](const QJsonObject& e) {
            return e["kind"] == "reassignment" && e["topic"] == "lr" && e["state"] == "completed";
        }));
        QVERIFY(partitions_of(lab.command("status"), "lr")[0].isr.contains(added));
        const QString added_start =
            lab.data_dir() + QString("/broker-%1/lr-0/log-start-offset").arg(added);
        QVERIFY2(eventually([&] { return read_text(added_start) == "0\n5\n"; }, 10'000),
                 qPrintable(read_text(added_start)));
        // Offset -1 (RD_KAFKA_OFFSET_END): everything up to the high watermark.
        QCOMPARE(delete_records(lab.bootstrap(), "lr", 0, RD_KAFKA_OFFSET_END),
                 QString("NO_ERROR 20"));
        QCOMPARE(delete_records(lab.bootstrap(), "lr", 0, 25).section(' ', 0, 0),
                 QString("OFFSET_OUT_OF_RANGE"));
        QCOMPARE(query_offset(lab.bootstrap(), "lr", 0, -2), 20);

        // The leader restarts: it recovers its log and keeps the start; so does the new one.
        const int leader = partitions_of(lab.command("status"), "lr")[0].leader;
        const auto from = lab.events().size();
        QVERIFY(lab.command(QString("kill broker %1").arg(leader))["ok"].toBool());
        QVERIFY(lab.command(QString("restart broker %1").arg(leader))["ok"].toBool());
        QVERIFY(wait_broker_event("broker_unfenced", leader, from));
        QVERIFY(
            eventually([&] { return query_offset(lab.bootstrap(), "lr", 0, -2) == 20; }, 15'000));
        QCOMPARE(query_offset(lab.bootstrap(), "lr", 0, -1), 20);
    }

    void describe_cluster_and_log_dirs_by_hand() {
        RawConnection c(lab.broker_address(2));
        QVERIFY(c.connected());
        auto cluster =
            c.call<protocol::DescribeClusterResponse>(0, protocol::DescribeClusterRequest{});
        QVERIFY(cluster);
        QCOMPARE(cluster->error_code, 0);
        QVERIFY(!cluster->cluster_id.empty());
        QCOMPARE(cluster->controller_id, 2);
        QCOMPARE(cluster->brokers.size(), std::size_t{3});

        protocol::DescribeLogDirsRequest all;
        auto dirs = c.call<protocol::DescribeLogDirsResponse>(1, all);
        QVERIFY(dirs);
        QCOMPARE(dirs->results.size(), std::size_t{1});
        QVERIFY(QString::fromStdString(dirs->results[0].log_dir).endsWith("broker-2"));
        bool lr = false;
        for (const auto& t : dirs->results[0].topics) {
            if (t.name != "lr") continue;
            lr = true;
            QCOMPARE(t.partitions.size(), std::size_t{1});
            QVERIFY(t.partitions[0].partition_size > 0);
        }
        QVERIFY(lr);
        protocol::DescribeLogDirsRequest one;
        one.topics = std::vector<protocol::DescribeLogDirsRequest::Topic>{{"kp", {0}}};
        dirs = c.call<protocol::DescribeLogDirsResponse>(1, one);
        QVERIFY(dirs);
        QCOMPARE(dirs->results[0].topics.size(), std::size_t{1});
        QCOMPARE(dirs->results[0].topics[0].name, std::string("kp"));
    }

    void elect_leaders_by_hand_and_an_unclean_election() {
        QVERIFY(lab.command("create-topic un 1 2")["ok"].toBool());
        const auto replicas = partitions_of(lab.command("status"), "un")[0].replicas;
        QCOMPARE(replicas.size(), 2);
        int other = 1;
        while (replicas.contains(other))
            ++other;
        RawConnection c(lab.broker_address(other));
        QVERIFY(c.connected());

        // Nothing to do, and a partition that does not exist.
        protocol::ElectLeadersRequest request;
        request.election_type = protocol::kElectionPreferred;
        request.topic_partitions =
            std::vector<protocol::ElectLeadersRequest::TopicPartitions>{{"un", {0}}, {"nope", {0}}};
        auto answer = c.call<protocol::ElectLeadersResponse>(1, request);
        QVERIFY(answer);
        QCOMPARE(answer->error_code, 0);
        QCOMPARE(answer->results.size(), std::size_t{2});
        QCOMPARE(answer->results[0].partitions[0].error_code, 84);  // ELECTION_NOT_NEEDED
        QCOMPARE(answer->results[1].partitions[0].error_code, 3);   // UNKNOWN_TOPIC_OR_PARTITION

        // The follower goes first, then the leader: the partition is offline with ISR [leader].
        const int leader = replicas[0], follower = replicas[1];
        for (int id : {follower, leader}) {
            const auto from = lab.events().size();
            QVERIFY(lab.command(QString("kill broker %1").arg(id))["ok"].toBool());
            QVERIFY(wait_broker_event("broker_fenced", id, from));
        }
        QCOMPARE(partitions_of(lab.command("status"), "un")[0].leader, -1);
        const auto from = lab.events().size();
        QVERIFY(lab.command(QString("restart broker %1").arg(follower))["ok"].toBool());
        QVERIFY(wait_broker_event("broker_unfenced", follower, from));
        QCOMPARE(partitions_of(lab.command("status"), "un")[0].leader, -1);

        // A preferred election cannot help (the preferred replica is down); an unclean one does.
        request.topic_partitions =
            std::vector<protocol::ElectLeadersRequest::TopicPartitions>{{"un", {0}}};
        answer = c.call<protocol::ElectLeadersResponse>(1, request);
        QVERIFY(answer);
        QCOMPARE(answer->results[0].partitions[0].error_code, 80);  // PREFERRED_LEADER_NOT_...
        request.election_type = protocol::kElectionUnclean;
        answer = c.call<protocol::ElectLeadersResponse>(1, request);
        QVERIFY(answer);
        QCOMPARE(answer->results[0].partitions[0].error_code, 0);
        auto p = partitions_of(lab.command("status"), "un")[0];
        QCOMPARE(p.leader, follower);
        QCOMPARE(p.isr, QList<int>{follower});
        QVERIFY(lab.command(QString("restart broker %1").arg(leader))["ok"].toBool());
    }
};

QTEST_GUILESS_MAIN(AdminApisTest)
#include "test_admin_apis.moc"
