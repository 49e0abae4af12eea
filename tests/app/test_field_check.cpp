// What the app's number fields are told (LabController::checkField, the facade over
// lab/field_rules.h): every field by its key, one past each bound refused and the bounds
// accepted, non-numbers refused, the context from QML (numbers, or null while the field it comes
// from is invalid) moving the bounds; and the facade's own checks refuse instead of clamping.
// No lab runs: the checks need none.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "lab/field_rules.h"
#include "lab_controller.h"

namespace lab = kraftlab::lab;

class FieldCheckTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    std::unique_ptr<LabController> controller;

    QVariantMap check(const QString& field, const QString& text, const QVariantMap& context = {}) {
        return controller->checkField(field, text, context);
    }

  private slots:
    void initTestCase() {
        LabController::Options options;
        options.lab.data_dir = (dir.path() + "/lab").toStdString();
        options.default_workload = false;
        controller = std::make_unique<LabController>(options);
    }

    void every_rule_by_its_key_at_and_past_its_bounds() {
        for (const auto& rule : lab::field_rules()) {
            const QString key = QString::fromUtf8(rule.key.data(), int(rule.key.size()));
            const double step = rule.whole ? 1 : 0.5;
            auto text = [](double v) {
                return QString::number(v, 'f', v == std::floor(v) ? 0 : 1);
            };

            const auto below = check(key, text(rule.min - step));
            QVERIFY2(!below["ok"].toBool(), qPrintable(key));
            QVERIFY2(below["message"].toString().contains(text(rule.min - step)), qPrintable(key));
            QVERIFY(!below.contains("value"));

            const auto at_min = check(key, text(rule.min));
            QVERIFY2(at_min["ok"].toBool(), qPrintable(key + ": " + at_min["message"].toString()));
            QCOMPARE(at_min["value"].toDouble(), rule.min);
            QCOMPARE(at_min["message"].toString(), QString());
            QCOMPARE(at_min["min"].toDouble(), rule.min);
            QCOMPARE(at_min["max"].toDouble(), rule.max);
            QCOMPARE(at_min["unit"].toString(),
                     QString::fromUtf8(rule.unit.data(), int(rule.unit.size())));
            QCOMPARE(at_min["hint"].toString(),
                     QString::fromStdString(lab::check_field(rule.field, "x").hint));

            const auto at_max = check(key, text(rule.max));
            QVERIFY2(at_max["ok"].toBool(), qPrintable(key));
            QCOMPARE(at_max["value"].toDouble(), rule.max);

            const auto above = check(key, text(rule.max + step));
            QVERIFY2(!above["ok"].toBool(), qPrintable(key));
            // The app says exactly what the engine and kraftlab-cluster say.
            QCOMPARE(
                above["message"].toString(),
                QString::fromStdString(
                    lab::check_field(rule.field, text(rule.max + step).toStdString()).message));

            for (const char* bad : {"", "abc", "1e9", "0x1F", "1 000", "٣"}) {
                const auto c = check(key, QString::fromUtf8(bad));
                QVERIFY2(!c["ok"].toBool(), qPrintable(key + " took " + bad));
                QVERIFY(!c["message"].toString().isEmpty());
            }
        }
    }

    void the_issue_11_cases_in_plain_words() {
        QCOMPARE(check("partitions", "99999")["message"].toString(),
                 QString("At most 10,000 partitions per topic: 99999 is too many."));
        QCOMPARE(check("partitions", "99999")["hint"].toString(), QString("1 to 10,000"));
        QCOMPARE(check("partitions", "0")["message"].toString(),
                 QString("A topic needs at least 1 partition: 0 is too few."));
        QCOMPARE(check("partitions", "-5")["message"].toString(),
                 QString("A topic needs at least 1 partition: -5 is too few."));
        QCOMPARE(check("partitions", "2.5")["message"].toString(),
                 QString("Enter a whole number of partitions, 1 to 10,000."));
        const auto session = check("session-timeout-ms", "500", {{"heartbeatIntervalMs", 1000}});
        QVERIFY(!session["ok"].toBool());
        QVERIFY(session["message"].toString().startsWith(
            "The session timeout must be longer than the heartbeat interval (1,000 ms)"));
        QCOMPARE(session["hint"].toString(), QString("1,001 to 300,000 ms"));
    }

    void context_from_qml_moves_the_bounds_and_null_leaves_them() {
        QVERIFY(check("replication-factor", "3", {{"brokers", 3}})["ok"].toBool());
        QVERIFY(!check("replication-factor", "4", {{"brokers", 3}})["ok"].toBool());
        QCOMPARE(check("replication-factor", "4", {{"brokers", 3}})["max"].toDouble(), 3.0);
        // A double from QML counts as the number it is.
        QVERIFY(!check("min-insync-replicas", "3", {{"replicationFactor", 2.0}})["ok"].toBool());
        QCOMPARE(check("min-insync-replicas", "3",
                       {{"replicationFactor", 2}, {"topic", "ledger"}})["message"]
                     .toString(),
                 QString("At most 2, the replication factor of ledger: with 3 every acks=all "
                         "write would be refused."));
        // The replication factor field is invalid: its null leaves min.insync.replicas alone.
        QVariantMap unknown{{"replicationFactor", QVariant::fromValue(nullptr)}};
        QVERIFY(check("min-insync-replicas", "3", unknown)["ok"].toBool());
        QVERIFY(
            check("min-insync-replicas", "3", {{"replicationFactor", QVariant()}})["ok"].toBool());
        QVERIFY(!check("acks-n", "3", {{"replicationFactor", 2}})["ok"].toBool());
        QVERIFY(check("acks-n", "2", {{"replicationFactor", 2}})["ok"].toBool());
    }

    void an_unknown_field_is_said_not_taken() {
        const auto c = check("colour", "5");
        QVERIFY(!c["ok"].toBool());
        QVERIFY(c["message"].toString().contains("colour"));
    }

    void timeouts_problem_is_the_engines() {
        QCOMPARE(controller->timeoutsProblem(1000, 1000, 1000, 3000), QString());
        QCOMPARE(controller->timeoutsProblem(1000, 1000, 1000, 500),
                 check("session-timeout-ms", "500", {{"heartbeatIntervalMs", 1000}})["message"]
                     .toString());
        QCOMPARE(controller->timeoutsProblem(1000, 1000, 70000, 80000),
                 check("heartbeat-interval-ms", "70000")["message"].toString());
    }

    void producer_configs_are_refused_never_clamped() {
        QString error;
        // Zero random keys used to become one.
        QVERIFY(!LabController::producer_config(
            {{"topic", "t"}, {"keyPattern", "random"}, {"randomKeys", 0}}, &error));
        QCOMPARE(error, QString("At least 1 random key: 0 is too few."));
        auto c = LabController::producer_config(
            {{"topic", "t"}, {"keyPattern", "random"}, {"randomKeys", 37}}, &error);
        QVERIFY(c);
        QCOMPARE(c->random_key_count, 37);
        // Text that is not a number is not read as 0.
        QVERIFY(!LabController::producer_config({{"topic", "t"}, {"rate", "fast"}}, &error));
        QVERIFY2(error.contains("fast"), qPrintable(error));
        // Too large to be an int: refused, not wrapped around.
        QVERIFY(!LabController::producer_config({{"topic", "t"}, {"valueBytes", 1e12}}, &error));
        QVERIFY2(error.startsWith("The value size is at most"), qPrintable(error));
        QVERIFY(!LabController::producer_config({{"topic", "t"}, {"acks", 40}}, &error));
        QCOMPARE(error,
                 QString("acks=N is at most 32 (no topic has more replicas): 40 is too many."));
        c = LabController::producer_config({{"topic", "t"}, {"rate", 0.5}, {"acks", 5}}, &error);
        QVERIFY(c);
        QCOMPARE(c->records_per_second, 0.5);
        QCOMPARE(int(c->acks), 5);
    }

    void a_refused_flush_interval_is_said_at_once() {
        QSignalSpy finished(controller.get(), &LabController::commandFinished);
        controller->setFlushInterval(5);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished[0][1].toBool(), false);
        QCOMPARE(finished[0][2].toString(),
                 QString("The flush interval is at least 10 ms: 5 ms is too short."));
    }
};

QTEST_GUILESS_MAIN(FieldCheckTest)
#include "test_field_check.moc"
