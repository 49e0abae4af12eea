// Consumer groups with real clients against kraftlab-cluster (3 controllers, 3 brokers): the
// coordinator (engine/broker/group_coordinator.h) as kcat -G, confluent-kafka, kafka-python and
// kafkajs 2.2.4 see it, checked against the lab's own view ('status' groups, group_changed and
// coordinator_changed events).
//   - kcat -G: two members split six partitions; one leaves (LeaveGroup) and the other takes all;
//   - confluent-kafka: a consumer commits at a known point, a new one resumes exactly after it;
//   - confluent-kafka static member (group.instance.id, cooperative-sticky) back without a
//     rebalance;
//   - kafka-python: subscribe + commit, and the admin client lists, describes and fetches the
//     group's offsets (confluent-kafka's list_groups too); librdkafka's admin API deletes one
//     partition's offset (OffsetDelete), kafka-python's deletes the group (DeleteGroups);
//   - kafkajs: consumer.run reads everything, admin.fetchOffsets shows the log end committed;
//   - failover: the coordinator's broker is killed while a group consumes; the coordinator moves,
//     no committed offset goes backwards, every record is read.
// Kept lean (the whole suite runs on 2 cores): one shared lab for the first four, one for the
// failover, short session and heartbeat settings on every client.
#include <QtTest>
#include <map>
#include <set>

#include <librdkafka/rdkafka.h>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

// librdkafka's DeleteConsumerGroupOffsets (OffsetDelete v0) for one partition: its error for
// that partition ("" when deleted), or what went wrong on the way.
QString delete_group_offset(const QString& bootstrap, const QString& group, const QString& topic,
                            int partition) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.toUtf8().constData(), err,
                          sizeof err) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return err;
    }
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) return err;
    rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(parts, topic.toUtf8().constData(), partition);
    rd_kafka_DeleteConsumerGroupOffsets_t* del =
        rd_kafka_DeleteConsumerGroupOffsets_new(group.toUtf8().constData(), parts);
    rd_kafka_topic_partition_list_destroy(parts);
    rd_kafka_AdminOptions_t* options =
        rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS);
    rd_kafka_AdminOptions_set_request_timeout(options, 10'000, err, sizeof err);
    rd_kafka_DeleteConsumerGroupOffsets(rk, &del, 1, options, queue);
    rd_kafka_DeleteConsumerGroupOffsets_destroy(del);
    rd_kafka_AdminOptions_destroy(options);

    QString outcome = "no answer within 15 s";
    if (rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 15'000)) {
        if (rd_kafka_event_error(ev)) {
            outcome = rd_kafka_event_error_string(ev);
        } else {
            const auto* result = rd_kafka_event_DeleteConsumerGroupOffsets_result(ev);
            std::size_t n = 0;
            const rd_kafka_group_result_t** groups =
                rd_kafka_DeleteConsumerGroupOffsets_result_groups(result, &n);
            if (n != 1) {
                outcome = QString("%1 group results").arg(n);
            } else if (const rd_kafka_error_t* e = rd_kafka_group_result_error(groups[0])) {
                outcome = rd_kafka_error_string(e);
            } else {
                const auto* list = rd_kafka_group_result_partitions(groups[0]);
                outcome = list && list->cnt == 1 ? QString(rd_kafka_err2name(list->elems[0].err))
                                                 : QString("no partition in the result");
                if (outcome == "NO_ERROR") outcome = "";
            }
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(queue);
    rd_kafka_destroy(rk);
    return outcome;
}

QJsonObject last_json_line(const QByteArray& out) {
    auto lines = out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.last()).object();
}

// One group's entry of a `status` reply (empty if no broker coordinates it now).
QJsonObject group_of(const QJsonObject& status, const QString& group) {
    for (const auto& g : status["groups"].toArray()) {
        if (g.toObject()["group"] == group) return g.toObject();
    }
    return {};
}

// client_id -> the partitions of `topic` assigned to it (a client id per member in these tests).
std::map<QString, std::set<int>> assignment_by_client(const QJsonObject& group) {
    std::map<QString, std::set<int>> out;
    for (const auto& m : group["members"].toArray()) {
        auto& mine = out[m.toObject()["client_id"].toString()];
        for (const auto& a : m.toObject()["assigned"].toArray())
            mine.insert(a.toObject()["partition"].toInt());
    }
    return out;
}

// partition -> committed offset of `topic`, from a group's status entry.
std::map<int, qint64> committed_of(const QJsonObject& group, const QString& topic) {
    std::map<int, qint64> out;
    for (const auto& o : group["offsets"].toArray()) {
        if (o.toObject()["topic"] == topic)
            out[o.toObject()["partition"].toInt()] =
                static_cast<qint64>(o.toObject()["offset"].toDouble());
    }
    return out;
}

// partition -> high watermark of `topic`, from a `status` reply.
std::map<int, qint64> high_watermarks(const QJsonObject& status, const QString& topic) {
    std::map<int, qint64> out;
    for (const auto& t : status["topics"].toArray()) {
        if (t.toObject()["name"] != topic) continue;
        for (const auto& p : t.toObject()["partitions"].toArray())
            out[p.toObject()["partition"].toInt()] =
                static_cast<qint64>(p.toObject()["high_watermark"].toDouble());
    }
    return out;
}

// A JSON object {"partition": offset} (the scripts' committed maps) as a map.
std::map<int, qint64> offsets_map(const QJsonObject& o) {
    std::map<int, qint64> out;
    for (auto it = o.begin(); it != o.end(); ++it)
        out[it.key().toInt()] = static_cast<qint64>(it.value().toDouble());
    return out;
}

// The scripts' [[partition, offset, value], ...] lists.
struct Read {
    int partition;
    qint64 offset;
    QString value;
};
std::vector<Read> reads_of(const QJsonArray& array) {
    std::vector<Read> out;
    for (const auto& v : array) {
        auto a = v.toArray();
        out.push_back({a[0].toInt(), static_cast<qint64>(a[1].toDouble()), a[2].toString()});
    }
    return out;
}

QStringList values(const QString& prefix, int from, int to) {
    QStringList out;
    for (int i = from; i < to; ++i)
        out << prefix + "-" + QString::number(i);
    return out;
}

// "v:v\n" per value: kcat -K: input, the value as its own key.
QByteArray keyed_lines(const QStringList& vals) {
    QByteArray out;
    for (const auto& v : vals)
        out += (v + ":" + v + "\n").toUtf8();
    return out;
}

QString describe(const std::map<int, qint64>& m) {
    QStringList parts;
    for (const auto& [p, o] : m)
        parts << QString("%1:%2").arg(p).arg(o);
    return "{" + parts.join(", ") + "}";
}

// QProcess::waitForFinished is false for a process that already ended (and the Qt events that
// eventually() processes may have noticed it ending).
bool finished(QProcess& p, int timeout_ms) {
    return p.state() == QProcess::NotRunning || p.waitForFinished(timeout_ms);
}

// What node needs to find kafkajs: lab.sh installs it into the build tree; CTest passes the
// directory as NODE_PATH, and a binary run by hand falls back to the configured one.
QString node_path() {
    return qEnvironmentVariable("NODE_PATH", QStringLiteral(KRAFTLAB_JS_MODULES));
}

}  // namespace

class ConsumerGroupsTest : public QObject {
    Q_OBJECT

    LabProcess lab;

    // Writes these values with kcat, acks=all, each keyed by itself (unkeyed records would
    // stick to one partition per batch; keys spread them over all); false unless every one was
    // delivered. A refused connection (to a killed broker) is not a failure: kcat says which
    // records it could not deliver, and the tests read every value back anyway.
    bool produce(LabProcess& to, const QString& topic, const QStringList& vals) {
        auto r = run_client(
            "kcat",
            {"-P", "-b", to.bootstrap(), "-t", topic, "-K:", "-X", "acks=all", "-X", "linger.ms=5"},
            keyed_lines(vals), 60'000);
        if (!r.ok() || r.err.contains("Delivery failed")) {
            qWarning().noquote() << "kcat -P failed:" << r.err.right(2000);
            return false;
        }
        return true;
    }

    bool create(LabProcess& in, const QString& line) {
        auto reply = in.command(line);
        if (!reply["ok"].toBool()) qWarning().noquote() << line << ":" << reply["error"].toString();
        return reply["ok"].toBool();
    }

    // The group's status entry once pred holds for it (empty object if it never did).
    QJsonObject wait_group(LabProcess& in, const QString& group,
                           const std::function<bool(const QJsonObject&)>& pred, int timeout_ms) {
        QJsonObject seen;
        const bool ok = eventually(
            [&] {
                seen = group_of(in.command("status"), group);
                return !seen.isEmpty() && pred(seen);
            },
            timeout_ms);
        if (!ok) {
            qWarning().noquote() << "group" << group << "last seen as"
                                 << QJsonDocument(seen).toJson(QJsonDocument::Compact);
            return {};
        }
        return seen;
    }

    // kcat as a balanced consumer (-G), in the background; its records are not needed here.
    QProcess* start_kcat_member(const QString& client_id, const QString& group,
                                const QString& topic) {
        auto* p = new QProcess(this);
        p->setProgram("kcat");
        p->setArguments({"-b", lab.bootstrap(), "-G", group, topic, "-q", "-X",
                         "client.id=" + client_id, "-X", "auto.offset.reset=earliest", "-X",
                         "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=300"});
        p->setStandardOutputFile(QProcess::nullDevice());
        p->start();
        return p;
    }

  private slots:
    void initTestCase() { QVERIFY(lab.start({"--controllers", "3", "--brokers", "3"})); }
    void cleanupTestCase() { QCOMPARE(lab.quit(), 0); }

    // Two kcat -G members split a six-partition topic three and three; when one is stopped it
    // leaves (LeaveGroup, not a session timeout) and the other owns all six in a later
    // generation.
    void kcat_members_split_and_rebalance_on_leave() {
        const QString group = "kcat-group", topic = "kcat-six";
        QVERIFY(create(lab, "create-topic " + topic + " 6"));
        QVERIFY(produce(lab, topic, values("k", 0, 60)));

        auto* a = start_kcat_member("kcat-a", group, topic);
        QVERIFY(a->waitForStarted(5'000));
        auto alone = wait_group(
            lab, group,
            [](const QJsonObject& g) {
                return g["state"] == "Stable" && assignment_by_client(g)["kcat-a"].size() == 6;
            },
            20'000);
        QVERIFY(!alone.isEmpty());

        auto* b = start_kcat_member("kcat-b", group, topic);
        QVERIFY(b->waitForStarted(5'000));
        auto split = wait_group(
            lab, group,
            [](const QJsonObject& g) {
                auto by = assignment_by_client(g);
                return g["state"] == "Stable" && g["members"].toArray().size() == 2 &&
                       by["kcat-a"].size() == 3 && by["kcat-b"].size() == 3;
            },
            20'000);
        QVERIFY(!split.isEmpty());
        auto by = assignment_by_client(split);
        std::set<int> all = by["kcat-a"];
        all.insert(by["kcat-b"].begin(), by["kcat-b"].end());
        QCOMPARE(all, (std::set<int>{0, 1, 2, 3, 4, 5}));  // disjoint: 3 + 3 distinct
        const int split_generation = split["generation"].toInt();
        QVERIFY(split_generation >= 2);
        QCOMPARE(split["protocol"].toString(), QString("range"));

        // SIGTERM: kcat closes its consumer, which sends LeaveGroup.
        a->terminate();
        QVERIFY(finished(*a, 15'000));
        auto taken = wait_group(
            lab, group,
            [&](const QJsonObject& g) {
                return g["state"] == "Stable" && g["members"].toArray().size() == 1 &&
                       assignment_by_client(g)["kcat-b"].size() == 6 &&
                       g["generation"].toInt() > split_generation;
            },
            20'000);
        QVERIFY(!taken.isEmpty());
        QVERIFY(lab.wait_event(
            [&](const QJsonObject& e) {
                return e["kind"] == "group_changed" && e["group"] == group &&
                       e["explain"].toString().contains("LeaveGroup");
            },
            1'000));

        b->terminate();
        QVERIFY(finished(*b, 15'000));
        QVERIFY(!wait_group(
                     lab, group,
                     [](const QJsonObject& g) {
                         return g["state"] == "Empty" && g["members"].toArray().isEmpty();
                     },
                     15'000)
                     .isEmpty());
    }

    // confluent-kafka: a member reads 120 of 300 records, commits synchronously and closes; a
    // new member of the group starts exactly after that commit: it reads the other 180 and
    // none of the first 120. committed() (OffsetFetch) and the lab's status agree.
    void confluent_resumes_after_the_last_commit() {
        const QString group = "confluent-group", topic = "resume";
        QVERIFY(create(lab, "create-topic " + topic + " 3"));
        const QStringList all = values("resume", 0, 300);
        QVERIFY(produce(lab, topic, all));

        auto first_run =
            run_python("confluent_group.py",
                       {lab.bootstrap(), "consume", group, topic, "120", "40"}, {}, 60'000);
        QVERIFY2(first_run.ok(), first_run.err.right(3000).constData());
        auto first = last_json_line(first_run.out);
        QVERIFY(first["before"].toObject().isEmpty());  // a new group: nothing committed
        const auto first_read = reads_of(first["read"].toArray());
        QCOMPARE(first_read.size(), std::size_t{120});
        // Per partition it read a prefix from offset 0 (earliest, nothing skipped), and the
        // commit is one past the last record it read there.
        std::map<int, qint64> next;
        for (const auto& r : first_read) {
            QCOMPARE(r.offset, next[r.partition]);
            next[r.partition] = r.offset + 1;
        }
        const auto committed = offsets_map(first["committed"].toObject());
        QVERIFY2(committed == next, qPrintable("committed() " + describe(committed) +
                                               ", read up to " + describe(next)));
        // The lab's view: the same offsets, and the member left.
        QVERIFY(!wait_group(
                     lab, group,
                     [&](const QJsonObject& g) {
                         return g["state"] == "Empty" && committed_of(g, topic) == committed;
                     },
                     10'000)
                     .isEmpty());

        auto second_run =
            run_python("confluent_group.py",
                       {lab.bootstrap(), "consume", group, topic, "180", "40"}, {}, 60'000);
        QVERIFY2(second_run.ok(), second_run.err.right(3000).constData());
        auto second = last_json_line(second_run.out);
        QCOMPARE(offsets_map(second["before"].toObject()), committed);
        const auto second_read = reads_of(second["read"].toArray());
        QCOMPARE(second_read.size(), std::size_t{180});
        // Exactly the records after the commit, in order from it.
        std::set<QString> expected(all.begin(), all.end());
        for (const auto& r : first_read)
            expected.erase(r.value);
        std::set<QString> got;
        auto from = committed;
        for (const auto& r : second_read) {
            QCOMPARE(r.offset, from[r.partition]);
            from[r.partition] = r.offset + 1;
            got.insert(r.value);
        }
        QVERIFY(got == expected);
        // Everything is consumed now: the committed offsets are the log ends.
        const auto high = high_watermarks(lab.command("status"), topic);
        QCOMPARE(offsets_map(second["committed"].toObject()), high);
        QVERIFY(!wait_group(
                     lab, group,
                     [&](const QJsonObject& g) { return committed_of(g, topic) == high; }, 10'000)
                     .isEmpty());
    }

    // Static membership (KIP-345), confluent-kafka with group.instance.id: a static member that
    // closes sends no LeaveGroup, so the group keeps it; the same instance back within the
    // session timeout takes its place under a new member id, in the same generation (no
    // rebalance), and resumes from the commit. Its assignor is cooperative-sticky (KIP-429's
    // incremental protocol over the same JoinGroup/SyncGroup), which the coordinator chooses.
    void a_static_member_comes_back_without_a_rebalance() {
        const QString group = "static-group", topic = "static";
        QVERIFY(create(lab, "create-topic " + topic + " 2"));
        const QStringList all = values("static", 0, 100);
        QVERIFY(produce(lab, topic, all));
        auto consume = [&](int count) {
            return run_python("confluent_group.py",
                              {lab.bootstrap(), "consume", group, topic, QString::number(count),
                               "30", "static-1", "cooperative-sticky"},
                              {}, 40'000);
        };
        auto first_run = consume(40);
        QVERIFY2(first_run.ok(), first_run.err.right(3000).constData());
        const auto committed = offsets_map(last_json_line(first_run.out)["committed"].toObject());
        // Closed, yet still a member: Stable, one static member, its commit in.
        const auto kept = wait_group(
            lab, group,
            [&](const QJsonObject& g) {
                const auto members = g["members"].toArray();
                return g["state"] == "Stable" && members.size() == 1 &&
                       members[0].toObject()["group_instance_id"] == "static-1" &&
                       committed_of(g, topic) == committed;
            },
            5'000);
        QVERIFY2(!kept.isEmpty(), "the static member's place was not kept after close()");
        QCOMPARE(kept["protocol"].toString(), QString("cooperative-sticky"));
        const QString old_member = kept["members"].toArray()[0].toObject()["member_id"].toString();

        auto second_run = consume(60);
        QVERIFY2(second_run.ok(), second_run.err.right(3000).constData());
        auto second = last_json_line(second_run.out);
        QCOMPARE(offsets_map(second["before"].toObject()), committed);
        std::set<QString> got;
        for (const auto& r : reads_of(last_json_line(first_run.out)["read"].toArray()))
            got.insert(r.value);
        for (const auto& r : reads_of(second["read"].toArray()))
            got.insert(r.value);
        QVERIFY(got == std::set<QString>(all.begin(), all.end()));
        const auto back = wait_group(
            lab, group,
            [&](const QJsonObject& g) {
                const auto members = g["members"].toArray();
                return g["state"] == "Stable" && members.size() == 1 &&
                       members[0].toObject()["member_id"] != old_member;
            },
            5'000);
        QVERIFY2(!back.isEmpty(), "the returning static member did not take the place over");
        QCOMPARE(back["generation"].toInt(), kept["generation"].toInt());
    }

    // kafka-python: a subscribed KafkaConsumer reads every record and commits; while it is a
    // member, KafkaAdminClient lists the group, describes it (Stable, the member and its four
    // partitions) and fetches its offsets (the log ends). confluent-kafka's list_groups sees it
    // too once the member left.
    void kafka_python_group_and_admin_views() {
        const QString group = "kafka-python-group", topic = "kp-group";
        QVERIFY(create(lab, "create-topic " + topic + " 4"));
        const QStringList all = values("kp", 0, 200);
        QVERIFY(produce(lab, topic, all));

        auto run = run_python("kafka_python_group.py", {lab.bootstrap(), group, topic, "200", "40"},
                              {}, 60'000);
        QVERIFY2(run.ok(), run.err.right(3000).constData());
        auto out = last_json_line(run.out);
        std::set<QString> got;
        for (const auto& r : reads_of(out["read"].toArray()))
            got.insert(r.value);
        QCOMPARE(got.size(), std::size_t{200});
        QVERIFY(got == std::set<QString>(all.begin(), all.end()));

        bool listed = false;
        for (const auto& g : out["listed"].toArray()) {
            if (g.toArray()[0] == group) {
                listed = true;
                QCOMPARE(g.toArray()[1].toString(), QString("consumer"));
            }
        }
        QVERIFY2(listed, QJsonDocument(out["listed"].toArray()).toJson().constData());
        const auto described = out["described"].toObject();
        QCOMPARE(described["state"].toString(), QString("Stable"));
        QCOMPARE(described["protocol_type"].toString(), QString("consumer"));
        QCOMPARE(described["protocol"].toString(), QString("range"));
        const auto members = described["members"].toArray();
        QCOMPARE(members.size(), 1);
        QCOMPARE(members[0].toObject()["client_id"].toString(), QString("kafka-python-group"));
        QCOMPARE(members[0].toObject()["assigned"].toArray().size(), 4);

        const auto high = high_watermarks(lab.command("status"), topic);
        std::map<int, qint64> fetched;
        const auto offsets = out["offsets"].toObject();
        for (auto it = offsets.begin(); it != offsets.end(); ++it) {
            QVERIFY(it.key().startsWith(topic + ":"));
            fetched[it.key().section(':', 1).toInt()] = static_cast<qint64>(it.value().toDouble());
        }
        QVERIFY2(fetched == high, qPrintable("list_consumer_group_offsets " + describe(fetched) +
                                             ", log ends " + describe(high)));

        auto listing = run_python("confluent_group.py", {lab.bootstrap(), "list"}, {}, 30'000);
        QVERIFY2(listing.ok(), listing.err.right(2000).constData());
        QJsonObject found;
        for (const auto& g : last_json_line(listing.out)["groups"].toArray()) {
            if (g.toObject()["id"] == group) found = g.toObject();
        }
        QVERIFY2(!found.isEmpty(), listing.out.constData());
        QCOMPARE(found["protocol_type"].toString(), QString("consumer"));
        QCOMPARE(found["state"].toString(), QString("Empty"));  // kafka-python's close() left

        // OffsetDelete (librdkafka's admin API): the empty group forgets partition 0's offset,
        // keeps the others.
        QCOMPARE(delete_group_offset(lab.bootstrap(), group, topic, 0), QString());
        QVERIFY(eventually(
            [&] {
                const auto left = committed_of(group_of(lab.command("status"), group), topic);
                return !left.count(0) && left.size() == 3;
            },
            5'000));

        // DeleteGroups: the empty group goes, with its offsets; an unknown one is
        // GROUP_ID_NOT_FOUND.
        auto deleting =
            run_python("kafka_python_group.py",
                       {lab.bootstrap(), "--delete", group, "no-such-group"}, {}, 30'000);
        QVERIFY2(deleting.ok(), deleting.err.right(2000).constData());
        std::map<QString, QString> deleted;
        for (const auto& d : last_json_line(deleting.out)["deleted"].toArray())
            deleted[d.toArray()[0].toString()] = d.toArray()[1].toString();
        QCOMPARE(deleted[group], QString("NoError"));
        QCOMPARE(deleted["no-such-group"], QString("GroupIdNotFoundError"));
        QVERIFY(
            eventually([&] { return group_of(lab.command("status"), group).isEmpty(); }, 5'000));
    }

    // kafkajs 2.2.4: consumer.run reads every record (count and values), and admin.fetchOffsets
    // shows the group committed the log end of every partition.
    void kafkajs_consumer_run_and_fetch_offsets() {
        const QString group = "kafkajs-group", topic = "js-group";
        QVERIFY(create(lab, "create-topic " + topic + " 3"));
        const QStringList all = values("js", 0, 150);
        QVERIFY(produce(lab, topic, all));
        QVERIFY2(QFileInfo::exists(node_path() + "/kafkajs/package.json"),
                 qPrintable("no kafkajs under " + node_path() +
                            ": ./lab.sh build installs kafkajs 2.2.4 there"));

        QProcess node;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("NODE_PATH", node_path());
        node.setProcessEnvironment(env);
        node.start("node", {scripts_dir() + "/kafkajs_group.js", lab.bootstrap(), group, topic,
                            "150", "40"});
        QVERIFY(node.waitForStarted(5'000));
        QVERIFY(finished(node, 60'000));
        const QByteArray err = node.readAllStandardError();
        QVERIFY2(node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0,
                 err.right(3000).constData());
        auto out = last_json_line(node.readAllStandardOutput());
        const auto read = reads_of(out["read"].toArray());
        QCOMPARE(read.size(), std::size_t{150});
        std::set<QString> got;
        for (const auto& r : read)
            got.insert(r.value);
        QVERIFY(got == std::set<QString>(all.begin(), all.end()));

        const auto status = lab.command("status");
        const auto high = high_watermarks(status, topic);
        const auto committed = offsets_map(out["committed"].toObject());
        QCOMPARE(offsets_map(out["high"].toObject()), high);
        QVERIFY2(committed == high, qPrintable("fetchOffsets " + describe(committed) +
                                               ", log ends " + describe(high)));
        QCOMPARE(committed_of(group_of(status, group), topic), high);
    }

    // The broker that coordinates a consuming group is killed. The coordinator moves (status
    // names another broker, which says it loaded the group's offsets partition), the group
    // carries on there (a member in a Stable group that reads and commits what is produced after
    // the move), no committed offset ever goes backwards, and every record produced before,
    // during and after the failover is read. This lab's __consumer_offsets has one partition
    // (--offsets-partitions 1): every group has the same coordinator.
    void coordinator_failover_keeps_the_group_consuming() {
        LabProcess fo;
        QVERIFY(fo.start({"--controllers", "3", "--brokers", "3", "--offsets-partitions", "1"}));
        const QString group = "failover-group", topic = "failover";
        QVERIFY(create(fo, "create-topic " + topic + " 6 3"));
        const QStringList before = values("before", 0, 300), during = values("during", 0, 200),
                          after = values("after", 0, 100);
        QVERIFY(produce(fo, topic, before));

        QProcess consumer;
        consumer.start(
            "/usr/bin/python3",
            {scripts_dir() + "/confluent_group.py", fo.bootstrap(), "follow", group, topic,
             QString::number(before.size() + during.size() + after.size()), "60"});
        QVERIFY(consumer.waitForStarted(5'000));

        // Committed offsets as status shows them over time: each partition's may only grow.
        std::map<int, qint64> highest;
        QStringList regressions;
        int polls_after_kill = 0;
        bool killed = false;
        auto poll =
            [&] {
                auto status = fo.command("status");
                for (const auto& [p, o] : committed_of(group_of(status, group), topic)) {
                    if (highest.count(p) && o < highest[p])
                        regressions
                            << QString("partition %1: %2 after %3").arg(p).arg(o).arg(highest[p]);
                    highest[p] = std::max(highest[p], o);
                }
                if (killed) ++polls_after_kill;
                return status;
            };

        // Consuming, with every record so far committed, at the first coordinator.
        QJsonObject at_first;
        QVERIFY(eventually(
            [&] {
                at_first = group_of(poll(), group);
                qint64 sum = 0;
                for (const auto& [p, o] : committed_of(at_first, topic))
                    sum += o;
                return at_first["state"] == "Stable" && sum == before.size();
            },
            30'000));
        QCOMPARE(high_watermarks(fo.command("status"), "__consumer_offsets").size(),
                 std::size_t{1});
        const int old_coordinator = at_first["coordinator"].toInt();
        const int offsets_partition = at_first["offsets_partition"].toInt();
        QVERIFY(old_coordinator >= 1 && old_coordinator <= 3);

        QVERIFY(fo.command("kill broker " + QString::number(old_coordinator))["ok"].toBool());
        killed = true;
        QElapsedTimer since_kill;
        since_kill.start();
        // Records produced while the coordinator (and the partitions its broker led) move.
        QProcess producer;
        producer.start(
            "kcat", {"-P", "-b", fo.bootstrap(), "-t", topic, "-K:", "-X", "acks=all", "-X",
                     "message.timeout.ms=30000", "-X", "topic.metadata.refresh.interval.ms=500"});
        QVERIFY(producer.waitForStarted(5'000));
        producer.write(keyed_lines(during));
        producer.closeWriteChannel();

        QJsonObject moved;
        QVERIFY(eventually(
            [&] {
                moved = group_of(poll(), group);
                return !moved.isEmpty() && moved["coordinator"].toInt() != old_coordinator;
            },
            30'000));
        const qint64 moved_after_ms = since_kill.elapsed();
        const int new_coordinator = moved["coordinator"].toInt();
        QCOMPARE(moved["offsets_partition"].toInt(), offsets_partition);
        QVERIFY(fo.wait_event(
            [&](const QJsonObject& e) {
                return e["kind"] == "coordinator_changed" &&
                       e["node"] == "broker-" + QString::number(new_coordinator) &&
                       e["partition"].toInt() == offsets_partition && e["loaded"].toBool();
            },
            5'000));

        QVERIFY(finished(producer, 45'000));
        const QByteArray produce_err = producer.readAllStandardError();
        // Refused connections to the killed broker are expected; lost records are not.
        QVERIFY2(producer.exitCode() == 0 && !produce_err.contains("Delivery failed"),
                 produce_err.right(2000).constData());
        // The consumer (which cannot finish before the records below) is a member of the group,
        // Stable at the new coordinator; what it reads from here on it commits there.
        QJsonObject there;
        QVERIFY(eventually(
            [&] {
                there = group_of(poll(), group);
                return there["coordinator"].toInt() == new_coordinator &&
                       there["state"] == "Stable" && there["members"].toArray().size() == 1;
            },
            20'000));
        QCOMPARE(consumer.state(), QProcess::Running);
        QVERIFY(produce(fo, topic, after));

        // The group reads on until it has every value; status is watched all along.
        QVERIFY(eventually(
            [&] {
                poll();
                return consumer.state() == QProcess::NotRunning;
            },
            45'000));
        const qint64 done_after_ms = since_kill.elapsed();
        const QByteArray consumer_err = consumer.readAllStandardError();
        QVERIFY2(consumer.exitCode() == 0, consumer_err.right(3000).constData());
        auto out = last_json_line(consumer.readAllStandardOutput());
        std::set<QString> got;
        for (const auto& r : reads_of(out["read"].toArray()))
            got.insert(r.value);
        for (const auto& v : before + during + after)
            QVERIFY2(got.count(v), qPrintable(v + " was never read"));
        qInfo(
            "coordinator broker %d -> %d %lld ms after the kill; every record read %lld ms after "
            "it: %lld (%zu distinct); generation %d at the first coordinator, %d at the second; "
            "client errors: %s; %d status polls since the kill",
            old_coordinator, new_coordinator, moved_after_ms, done_after_ms,
            static_cast<long long>(out["read"].toArray().size()), got.size(),
            at_first["generation"].toInt(), there["generation"].toInt(),
            QJsonDocument(out["errors"].toArray()).toJson(QJsonDocument::Compact).constData(),
            polls_after_kill);

        // Its last commit is the log end of every partition, at the new coordinator.
        QJsonObject last;
        std::map<int, qint64> high;
        QVERIFY(eventually(
            [&] {
                auto status = poll();
                last = group_of(status, group);
                high = high_watermarks(status, topic);
                return committed_of(last, topic) == high;
            },
            10'000));
        QCOMPARE(last["coordinator"].toInt(), new_coordinator);
        QVERIFY2(regressions.isEmpty(), qPrintable(regressions.join("; ")));
        QVERIFY(polls_after_kill >= 10);
        QCOMPARE(fo.quit(), 0);
    }
};

QTEST_GUILESS_MAIN(ConsumerGroupsTest)
#include "test_consumer_groups.moc"
