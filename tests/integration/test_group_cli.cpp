// The built-in consumer as a member of a consumer group, through kraftlab-cluster's commands:
// three members split a 6-partition topic 2-2-2 and, when one stops, the other two take 3 each
// in a later generation, every record read and every committed offset at the log's end; and a
// kcat -G member (librdkafka) in one group with a built-in one: the built-in leader's range
// assignment gives each half, which shows the built-in member speaks the real protocol.
#include <QtTest>

#include "lab_process.h"

using namespace kraftlab::testing;

namespace {

QJsonObject find_by_id(const QJsonObject& status, const QString& list, int id) {
    for (const auto& v : status[list].toArray()) {
        if (v.toObject()["id"].toInt() == id) return v.toObject();
    }
    return {};
}

QJsonObject find_group(const QJsonObject& status, const QString& group) {
    for (const auto& v : status["groups"].toArray()) {
        if (v.toObject()["group"].toString() == group) return v.toObject();
    }
    return {};
}

QList<int> ints(const QJsonArray& a) {
    QList<int> out;
    for (const auto& v : a)
        out << v.toInt();
    std::sort(out.begin(), out.end());
    return out;
}

// A built-in consumer's partitions once it consumes in a stable generation; empty otherwise.
QList<int> consuming(const QJsonObject& status, int id) {
    const auto c = find_by_id(status, "consumers", id);
    if (c["group_state"].toString() != "consuming") return {};
    return ints(c["assigned"].toArray());
}

// Polls `status` until the check passes (or 30 s pass); the last status is in *last.
bool wait_status(LabProcess& lab, const std::function<bool(const QJsonObject&)>& check,
                 QJsonObject* last = nullptr) {
    QElapsedTimer t;
    t.start();
    QJsonObject s;
    bool ok = false;
    while (t.elapsed() < 30'000 && !ok) {
        s = lab.command("status");
        ok = check(s);
        if (!ok) QTest::qWait(100);
    }
    if (last) *last = s;
    return ok;
}

// Every partition of the topic has the group's committed offset at its high watermark.
bool committed_at_log_end(const QJsonObject& status, const QString& group, const QString& topic) {
    const auto parts = partitions_of(status, topic);
    QMap<int, qint64> ends;
    for (const auto& v : status["topics"].toArray()) {
        if (v.toObject()["name"].toString() != topic) continue;
        for (const auto& p : v.toObject()["partitions"].toArray())
            ends[p.toObject()["partition"].toInt()] = p.toObject()["high_watermark"].toInteger();
    }
    QMap<int, qint64> committed;
    for (const auto& v : find_group(status, group)["offsets"].toArray()) {
        const auto o = v.toObject();
        if (o["topic"].toString() == topic)
            committed[o["partition"].toInt()] = o["offset"].toInteger();
    }
    return !parts.isEmpty() && ends.size() == parts.size() && committed == ends;
}

}  // namespace

class GroupCliTest : public QObject {
    Q_OBJECT

    LabProcess lab;

  private slots:
    void initTestCase() { QVERIFY(lab.start({"--brokers", "3"})); }
    void cleanupTestCase() { QCOMPARE(lab.quit(), 0); }

    void bad_group_settings_get_a_reason() {
        QVERIFY(lab.command("create-topic plain 1")["ok"].toBool());
        const QList<QPair<QString, QString>> bad = {
            {"consume plain group=g assignor=sticky", "range or roundrobin"},
            {"consume plain group=g commit=sometimes", "auto"},
            {"consume plain commit=poll", "group=NAME"},
            {"consume plain group=", "needs a name"},
            {"consume plain colour=blue", "unknown consumer setting"},
        };
        for (const auto& [line, why] : bad) {
            const auto r = lab.command(line);
            QVERIFY2(!r["ok"].toBool(), qPrintable(line));
            QVERIFY2(r["error"].toString().contains(why), qPrintable(r["error"].toString()));
        }
        QVERIFY(lab.command("status")["consumers"].toArray().isEmpty());
    }

    void three_members_split_six_partitions_and_two_take_over_when_one_stops() {
        QVERIFY(lab.command("create-topic six 6")["ok"].toBool());
        QVERIFY(lab.command("produce six 2000 max-records=600")["ok"].toBool());
        for (int i = 1; i <= 3; ++i) {
            auto r = lab.command("consume six group=g");
            QVERIFY2(r["ok"].toBool(), qPrintable(r["error"].toString()));
            QCOMPARE(r["consumer"].toInt(), i);
        }
        // Each gets 2 of the 6 (range), in one generation; all 600 records read and committed.
        QJsonObject s;
        const bool split = wait_status(
            lab,
            [](const QJsonObject& s) {
                QList<int> all;
                std::int64_t records = 0;
                for (int id = 1; id <= 3; ++id) {
                    const auto mine = consuming(s, id);
                    if (mine.size() != 2) return false;
                    all << mine;
                    records += find_by_id(s, "consumers", id)["records"].toInteger();
                }
                std::sort(all.begin(), all.end());
                const auto gen = find_by_id(s, "consumers", 1)["generation"].toInt();
                return all == QList<int>({0, 1, 2, 3, 4, 5}) && records >= 600 &&
                       find_by_id(s, "consumers", 2)["generation"].toInt() == gen &&
                       find_by_id(s, "consumers", 3)["generation"].toInt() == gen &&
                       committed_at_log_end(s, "g", "six");
            },
            &s);
        QVERIFY2(split, QJsonDocument(s["consumers"].toArray()).toJson().constData());
        QCOMPARE(find_by_id(s, "producers", 1)["acked"].toInt(), 600);
        const int generation = find_by_id(s, "consumers", 1)["generation"].toInt();
        const auto group = find_group(s, "g");
        QCOMPARE(group["state"].toString(), QString("Stable"));
        QCOMPARE(group["members"].toArray().size(), 3);

        // One stops (commits, leaves): the other two own 3 each in a later generation, and
        // read what is produced next; nothing is lost.
        QVERIFY(lab.command("stop-consumer 2")["ok"].toBool());
        QVERIFY(lab.command("produce six 2000 max-records=600")["ok"].toBool());
        const bool took_over = wait_status(
            lab,
            [generation](const QJsonObject& s) {
                const auto a = consuming(s, 1);
                const auto c = consuming(s, 3);
                auto all = a + c;
                std::sort(all.begin(), all.end());
                return a.size() == 3 && c.size() == 3 && all == QList<int>({0, 1, 2, 3, 4, 5}) &&
                       find_by_id(s, "consumers", 1)["generation"].toInt() > generation &&
                       find_by_id(s, "producers", 2)["acked"].toInt() == 600 &&
                       committed_at_log_end(s, "g", "six");
            },
            &s);
        QVERIFY2(took_over, QJsonDocument(s["consumers"].toArray()).toJson().constData());
        QCOMPARE(find_group(s, "g")["members"].toArray().size(), 2);
        // Every record was read at least once: the offsets committed at the logs' ends were
        // each reached by reading, and the members counted at least that many.
        std::int64_t ends = 0;
        for (const auto& v : s["topics"].toArray()) {
            if (v.toObject()["name"].toString() != "six") continue;
            for (const auto& p : v.toObject()["partitions"].toArray())
                ends += p.toObject()["high_watermark"].toInteger();
        }
        QCOMPARE(ends, std::int64_t{1200});
        // The second 600 came after consumer 2 had stopped: the other two read them all.
        QVERIFY(find_by_id(s, "consumers", 1)["records"].toInteger() +
                    find_by_id(s, "consumers", 3)["records"].toInteger() >=
                600);
        QVERIFY(lab.command("stop-consumer 1")["ok"].toBool());
        QVERIFY(lab.command("stop-consumer 3")["ok"].toBool());
    }

    void a_kcat_member_and_a_builtin_member_split_the_partitions() {
        QVERIFY(lab.command("create-topic mix 6")["ok"].toBool());
        auto p = lab.command("produce mix 2000 max-records=600");
        QVERIFY(p["ok"].toBool());
        const int first_producer = p["producer"].toInt();
        auto c = lab.command("consume mix group=mixed");
        QVERIFY(c["ok"].toBool());
        const int builtin = c["consumer"].toInt();
        // Alone, the built-in member leads the group and owns all 6.
        QVERIFY(wait_status(lab, [&](const QJsonObject& s) {
            return consuming(s, builtin).size() == 6 &&
                   find_by_id(s, "consumers", builtin)["records"].toInt() == 600 &&
                   committed_at_log_end(s, "mixed", "mix");
        }));

        // kcat joins (librdkafka: range first, as the built-in one): the leader (the built-in
        // member, which stays leader) assigns by range over the member ids, sorted:
        // "kraftlab-consumer-..." before "rdkafka-...".
        QProcess kcat;
        kcat.start("kcat",
                   {"-b", lab.bootstrap(), "-G", "mixed", "mix", "-f", "%p %o\\n", "-q", "-u", "-X",
                    "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500"});
        QVERIFY(kcat.waitForStarted());
        QJsonObject s;
        const bool split = wait_status(
            lab,
            [&](const QJsonObject& s) {
                if (consuming(s, builtin) != QList<int>({0, 1, 2})) return false;
                const auto members = find_group(s, "mixed")["members"].toArray();
                if (members.size() != 2) return false;
                for (const auto& m : members) {
                    const auto o = m.toObject();
                    if (o["client_id"].toString() == "rdkafka") {
                        QList<int> parts;
                        for (const auto& a : o["assigned"].toArray())
                            parts << a.toObject()["partition"].toInt();
                        std::sort(parts.begin(), parts.end());
                        return parts == QList<int>({3, 4, 5});
                    }
                }
                return false;
            },
            &s);
        QVERIFY2(split, QJsonDocument(find_group(s, "mixed")).toJson().constData());

        // New records: each member reads those of its own partitions, from the offsets the
        // built-in member committed (kcat reads none of the first 600 again).
        p = lab.command("produce mix 2000 max-records=600");
        QVERIFY(p["ok"].toBool());
        QByteArray out;
        const bool read = eventually(
            [&] {
                out += kcat.readAllStandardOutput();
                return out.count('\n') >= 300 &&
                       find_by_id(lab.command("status"), "consumers", builtin)["records"].toInt() >=
                           900;
            },
            30'000);
        QVERIFY2(read, (out.right(400) +
                        QJsonDocument(lab.command("status")["consumers"].toArray()).toJson())
                           .constData());
        QTest::qWait(300);  // nothing more should come
        out += kcat.readAllStandardOutput();
        QCOMPARE(out.count('\n'), 300);
        for (const auto& line : out.trimmed().split('\n')) {
            const int partition = line.split(' ').value(0).toInt();
            QVERIFY2(partition >= 3, line.constData());
            QVERIFY2(line.split(' ').value(1).toInt() >= 100, line.constData());
        }
        s = lab.command("status");
        QCOMPARE(find_by_id(s, "consumers", builtin)["records"].toInt(), 900);
        QCOMPARE(find_by_id(s, "producers", first_producer)["acked"].toInt(), 600);

        // kcat leaves (SIGTERM: it commits and sends LeaveGroup): the built-in member owns all
        // 6 again.
        kcat.terminate();
        QVERIFY(kcat.waitForFinished(10'000));
        QVERIFY(wait_status(lab, [&](const QJsonObject& s) {
            return consuming(s, builtin).size() == 6 && committed_at_log_end(s, "mixed", "mix");
        }));
    }
};

QTEST_GUILESS_MAIN(GroupCliTest)
#include "test_group_cli.moc"
