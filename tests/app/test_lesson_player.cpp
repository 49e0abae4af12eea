// The app's scenario player over a real lab: a lesson makes its own lab of the scenario's shape,
// runs its steps as their conditions come, points at what each talks about, pauses for
// questions, skips ahead on "next step", ends with the audit's verdict, and gives the user's lab
// back when it is left. A scenario file that does not load is refused with its file and line,
// and nothing else changes. The library compiled into the app loads whole.
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "lab_controller.h"
#include "scenario_controller.h"

namespace {

// A lesson short enough for the suite: two brokers, one partition, four steps.
constexpr const char* kTinyLesson = R"({
  "version": 1,
  "title": "Tiny lesson",
  "teaches": "A producer writes, the class asks questions, and nothing is lost.",
  "kafka": "acks",
  "duration_s": 5,
  "cluster": { "controllers": 1, "brokers": 2 },
  "topics": [ { "name": "tiny", "partitions": 1, "replication_factor": 2 } ],
  "steps": [
    { "title": "Write", "say": "A producer writes.", "look_at": "broker {leader:tiny-0}",
      "do": ["produce tiny 100 acks=all"] },
    { "title": "Questions", "say": "Any questions?", "look_at": "tiny-0", "when_acked": 20,
      "pause": true },
    { "title": "Never", "say": "Waits for something that does not come.", "look_at": "quorum",
      "when_event": { "kind": "controller_elected", "contains": "never said" }, "timeout_s": 600 },
    { "title": "Stop", "say": "The producer stops.", "look_at": "replication",
      "do": ["stop-producer {producer:1}"] }
  ],
  "expect": [
    { "audit": "lost", "at_most": 0, "says": "nothing acknowledged was lost" },
    { "audit": "audited", "at_least": 20, "says": "the audit read the records back" }
  ]
})";

bool write_file(const QString& path, const QByteArray& text) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

}  // namespace

class LessonPlayerTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    std::unique_ptr<LabController> lab;

  private slots:
    void initTestCase() {
        LabController::Options options;
        options.lab.brokers = 1;
        options.lab.controllers = 1;
        options.lab.data_dir = (dir.path() + "/home").toStdString();
        options.default_workload = false;
        lab = std::make_unique<LabController>(options);
        lab->start();
        QTRY_VERIFY_WITH_TIMEOUT(lab->running(), 15000);
        QVERIFY(QDir().mkpath(dir.path() + "/lessons"));
        QVERIFY(write_file(dir.path() + "/lessons/tiny.json", kTinyLesson));
    }
    void cleanupTestCase() { lab.reset(); }

    // Every file of resources/scenarios/ is in the app and loads (the picker lists them all).
    void the_library_is_compiled_in_and_loads() {
        ScenarioController library(lab.get());
        QCOMPARE(library.libraryError(), QString());
        const QDir source(KRAFTLAB_SCENARIO_DIR);
        const auto files = source.entryList({"*.json"}, QDir::Files);
        int scenarios = 0;
        for (const auto& f : files)
            scenarios += f.endsWith(".schema.json") || f == "glossary.json" ? 0 : 1;
        QVERIFY(scenarios >= 10);
        QCOMPARE(library.library().size(), scenarios);
        for (const auto& v : library.library()) {
            const auto row = v.toMap();
            QVERIFY(!row["title"].toString().isEmpty());
            QVERIFY(!row["teaches"].toString().isEmpty());
            QVERIFY(!row["kafka"].toString().isEmpty());
            QVERIFY(row["durationS"].toDouble() > 0);
        }
    }

    void a_lesson_plays_in_its_own_lab_and_ends_with_the_verdict() {
        ScenarioController lesson(lab.get(), dir.path() + "/lessons");
        QCOMPARE(lesson.library().size(), 1);
        // What each step pointed at, as the views were told.
        QStringList looks;
        connect(&lesson, &ScenarioController::changed, this, [&] {
            const QString look =
                lesson.lookKind() + ":" + lesson.lookNode() + lesson.lookTopic() +
                (lesson.lookPartition() >= 0 ? "-" + QString::number(lesson.lookPartition())
                                             : QString()) +
                lesson.lookPanel();
            if (lesson.stepNumber() > 0 && (looks.isEmpty() || looks.last() != look)) looks << look;
        });

        lesson.play("tiny");
        QCOMPARE(lesson.state(), QString("starting"));
        QTRY_COMPARE_WITH_TIMEOUT(lesson.state(), QString("playing"), 20000);
        // The lesson's lab: its shape, its topic, none of the home lab's history.
        QTRY_COMPARE_WITH_TIMEOUT(lab->brokers()->rowCount(), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(lab->controllers()->rowCount(), 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("tiny"), 10000);

        // Step 2 waits for 20 acknowledged records, then pauses lab time for questions.
        QTRY_COMPARE_WITH_TIMEOUT(lesson.stepNumber(), 2, 20000);
        QCOMPARE(lesson.stepTitle(), QString("Questions"));
        QTRY_VERIFY_WITH_TIMEOUT(lesson.pausedForQuestions() && lab->paused(), 10000);
        QCOMPARE(lesson.lookKind(), QString("partition"));
        QCOMPARE(lesson.lookTopic(), QString("tiny"));
        QCOMPARE(lesson.lookPartition(), 0);
        // Step 1 named the leader of tiny-0 before anything else happened: a broker.
        QVERIFY(!looks.isEmpty());
        QVERIFY2(looks.first().startsWith("node:broker-"), qPrintable(looks.join(", ")));
        // Paused: lab time stands still, and the next step waits.
        const double paused_at = lab->nowMs();
        QTest::qWait(300);
        QCOMPARE(lab->nowMs(), paused_at);
        QCOMPARE(lesson.stepNumber(), 2);

        lesson.resume();
        QTRY_VERIFY_WITH_TIMEOUT(!lab->paused(), 5000);
        QVERIFY(!lesson.pausedForQuestions());
        // Step 3 waits for an event that never comes; "next step" runs it anyway, and step 4
        // (at once) follows, then the audit and the verdict.
        QTRY_COMPARE_WITH_TIMEOUT(lesson.nextTitle(), QString("Never"), 5000);
        QVERIFY2(lesson.waitingFor().contains("controller_elected"),
                 qPrintable(lesson.waitingFor()));
        QTest::qWait(200);
        QCOMPARE(lesson.stepNumber(), 2);
        lesson.next();
        QTRY_COMPARE_WITH_TIMEOUT(lesson.state(), QString("done"), 20000);
        QCOMPARE(lesson.stepNumber(), 4);
        QVERIFY2(lesson.verdictPassed(), qPrintable(lesson.verdictSummary()));
        QCOMPARE(lesson.verdictResults().size(), 2);
        for (const auto& r : lesson.verdictResults())
            QVERIFY(r.toMap()["held"].toBool());
        QVERIFY2(looks.contains("panel:quorum") && looks.contains("panel:replication"),
                 qPrintable(looks.join(", ")));

        // Leaving gives the user's lab back (its shape, its data), and commands asked for while
        // it is being made are refused in words, not run against the lab that is going.
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        lesson.leave();
        QVERIFY(lab->rebuilding());
        lab->restartBroker(1);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(1).toBool(), false);
        QVERIFY(finished.at(0).at(2).toString().contains("new lab"));
        QCOMPARE(lesson.state(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(lab->running(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(lab->brokers()->rowCount(), 1, 10000);
        QVERIFY(!lab->topics()->names().contains("tiny"));
        QCOMPARE(lab->auditVerdict(), QString());
    }

    // A bad file: its file, line and field in the words, and the lab as it was.
    void a_bad_scenario_file_is_refused_with_its_line() {
        ScenarioController lesson(lab.get(), dir.path() + "/lessons");
        const QString bad = dir.path() + "/bad.json";
        QByteArray text = kTinyLesson;
        text.replace("\"duration_s\": 5", "\"duration_s\": \"soon\"");
        QVERIFY(write_file(bad, text));
        QSignalSpy failed(&lesson, &ScenarioController::loadFailed);
        const auto bootstrap = lab->bootstrap();
        lesson.openFile(QUrl::fromLocalFile(bad));
        QCOMPARE(failed.count(), 1);
        const QString error = lesson.error();
        QVERIFY2(error.contains("bad.json:6:") && error.contains("/duration_s"), qPrintable(error));
        QCOMPARE(lesson.state(), QString());
        QVERIFY(!lab->rebuilding());
        QCOMPARE(lab->bootstrap(), bootstrap);
        // A missing file too.
        lesson.openFile(QUrl::fromLocalFile(dir.path() + "/none.json"));
        QCOMPARE(failed.count(), 2);
        QVERIFY2(lesson.error().contains("none.json"), qPrintable(lesson.error()));
    }

    // What a step's look_at names, for the views.
    void look_at_names_a_panel_a_node_or_a_partition() {
        kraftlab::lab::Scenario s;
        s.topics.push_back({"orders-eu", 3, 1, {}});
        auto look = ScenarioController::look_of("Elections", s);
        QCOMPARE(look.kind, QString("panel"));
        QCOMPARE(look.panel, QString("elections"));
        look = ScenarioController::look_of("broker 2", s);
        QCOMPARE(look.kind, QString("node"));
        QCOMPARE(look.node, QString("broker-2"));
        QCOMPARE(ScenarioController::look_of("controller-101", s).node, QString("controller-101"));
        look = ScenarioController::look_of("orders-eu-2", s);
        QCOMPARE(look.kind, QString("partition"));
        QCOMPARE(look.topic, QString("orders-eu"));
        QCOMPARE(look.partition, 2);
        QCOMPARE(ScenarioController::look_of("orders-eu-3", s).kind, QString());  // no such
        QCOMPARE(ScenarioController::look_of("the sky", s).kind, QString());
    }
};

QTEST_MAIN(LessonPlayerTest)
#include "test_lesson_player.moc"
