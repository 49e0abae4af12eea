// The scenario library as a test suite of the engine: every file in resources/scenarios runs
// headless (kraftlab-cluster --scenario FILE --speed 4: lab time four times faster, so the
// suite stays within its budget) on real brokers and controllers, and must print each step in
// order and end with every expectation held (exit 0). A bad file exits 2 with an error line
// naming its line and field, and starts no lab.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "lab_process.h"

using kraftlab::testing::cluster_binary;
using kraftlab::testing::run_client;

namespace {

QList<QJsonObject> json_lines(const QByteArray& out) {
    QList<QJsonObject> lines;
    for (const QByteArray& line : out.split('\n')) {
        const auto doc = QJsonDocument::fromJson(line);
        if (doc.isObject()) lines << doc.object();
    }
    return lines;
}

}  // namespace

class ScenarioLibraryTest : public QObject {
    Q_OBJECT

  private slots:
    void every_scenario_ends_with_its_expectations_held_data() {
        QTest::addColumn<QString>("file");
        QDir dir(KRAFTLAB_SCENARIO_DIR);
        for (const QString& name : dir.entryList({"*.json"}, QDir::Files)) {
            if (name != "scenario.schema.json" && name != "glossary.json")
                QTest::newRow(qPrintable(name)) << dir.filePath(name);
        }
    }
    void every_scenario_ends_with_its_expectations_held() {
        QFETCH(QString, file);
        QTemporaryDir data;
        const auto r =
            run_client(cluster_binary(),
                       {"--scenario", file, "--speed", "4", "--data", data.path()}, {}, 180'000);
        QVERIFY2(!r.timed_out, "the scenario ran past 180 s");
        const auto lines = json_lines(r.out);
        int steps = 0, expected_steps = -1;
        QJsonObject verdict;
        for (const auto& line : lines) {
            const QString type = line["type"].toString();
            if (type == "scenario_started") expected_steps = line["steps"].toInt();
            if (type == "scenario_step") {
                QCOMPARE(line["step"].toInt(), ++steps);  // in order, each once
                QVERIFY(!line["say"].toString().isEmpty());
            }
            if (type == "scenario_verdict") verdict = line;
        }
        QVERIFY2(!verdict.isEmpty(), r.err.constData());
        QVERIFY2(verdict["passed"].toBool(),
                 qPrintable(verdict["summary"].toString() + "\n" +
                            QJsonDocument(verdict["expectations"].toArray()).toJson()));
        for (const auto& e : verdict["expectations"].toArray())
            QVERIFY2(e.toObject()["held"].toBool(), qPrintable(e.toObject()["detail"].toString()));
        QCOMPARE(steps, expected_steps);
        QCOMPARE(r.exit_code, 0);
    }

    void a_bad_file_is_refused_with_its_line_and_no_lab() {
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "{\n  \"version\": 1,\n  \"title\": \"x\",\n  \"teaches\": \"y\",\n  \"kafka\": "
            "\"z\",\n"
            "  \"steps\": [{ \"title\": \"a\", \"say\": \"b\", \"after_s\": -1 }],\n"
            "  \"expect\": [{ \"audit\": \"lost\", \"at_most\": 0, \"says\": \"c\" }]\n}\n");
        f.close();
        const auto r = run_client(cluster_binary(), {"--scenario", path}, {}, 30'000);
        QCOMPARE(r.exit_code, 2);
        const auto lines = json_lines(r.out);
        QCOMPARE(lines.size(), 1);  // no lab: no ready line, no events
        QCOMPARE(lines[0]["type"].toString(), QString("scenario_error"));
        QCOMPARE(lines[0]["line"].toInt(), 6);
        QCOMPARE(lines[0]["field"].toString(), QString("/steps/0/after_s"));
        QVERIFY2(r.err.contains("bad.json:6: /steps/0/after_s: must be from 0 to 3,600"),
                 r.err.constData());
    }
};

QTEST_GUILESS_MAIN(ScenarioLibraryTest)
#include "test_scenario_library.moc"
