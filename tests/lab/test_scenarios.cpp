// Scenario files and the player's state machine (lab/scenario.h, lab/scenario_player.h), no lab:
//   - every file of the library (resources/scenarios) loads, and the shipped JSON Schema accepts
//     it (python3-jsonschema, Draft 2020-12);
//   - bad files: each gets one error naming its line and field, and the schema refuses each too;
//   - the player: steps at a lab time, at an event, after acknowledged records; a step past its
//     timeout; the verdict from audit findings (whole lab and per topic) and counted events;
//   - placeholders resolved against a lab state, and refused in plain words.
#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <set>

#include "lab/json_lines.h"
#include "lab/scenario.h"
#include "lab/scenario_player.h"

using namespace kraftlab;
using lab::Scenario;
using lab::ScenarioError;

namespace {

const char* kMinimal = R"({
  "version": 1,
  "title": "t",
  "teaches": "something",
  "kafka": "acks",
  "topics": [{ "name": "ledger", "partitions": 1, "replication_factor": 3 }],
  "steps": [
    { "title": "one", "say": "first", "do": ["produce ledger 10 acks=all"] },
    { "title": "two", "say": "second", "after_s": 2 },
    { "title": "three", "say": "third", "when_event": { "kind": "leader_changed", "topic": "ledger" } },
    { "title": "four", "say": "fourth", "when_acked": 30, "timeout_s": 5 }
  ],
  "expect": [
    { "audit": "lost", "at_most": 0, "says": "nothing lost" },
    { "audit": "duplicated", "topic": "ledger", "at_least": 1, "says": "twice" },
    { "event": "leader_changed", "topic": "ledger", "at_least": 1, "at_most": 1, "says": "one change" }
  ]
})";

Scenario must_parse(const std::string& text) {
    auto r = lab::parse_scenario(text, "/x/minimal.json");
    if (auto* e = std::get_if<ScenarioError>(&r)) qFatal("%s", e->to_string().c_str());
    return std::get<Scenario>(r);
}

core::Event lab_event(core::EventKind kind, const std::string& topic, std::int64_t lab_ms) {
    core::Event e;
    e.kind = kind;
    e.topic = topic;
    e.partition = 0;
    e.lab_ms = lab_ms;
    e.explain = "ledger-0 leader: broker 1 -> broker 2";
    return e;
}

// Files the shipped schema refuses, by python3-jsonschema: the names of `files` it refused.
QStringList schema_refuses(const QStringList& files) {
    const QString script =
        "import json, sys, jsonschema\n"
        "schema = json.load(open(sys.argv[1]))\n"
        "jsonschema.Draft202012Validator.check_schema(schema)\n"
        "v = jsonschema.Draft202012Validator(schema)\n"
        "for f in sys.argv[2:]:\n"
        "    try:\n"
        "        doc = json.load(open(f))\n"
        "    except ValueError:\n"
        "        print(f); continue\n"
        "    if list(v.iter_errors(doc)): print(f)\n";
    QProcess py;
    py.start("/usr/bin/python3",
             QStringList{"-c", script, QString(KRAFTLAB_SCENARIO_DIR) + "/scenario.schema.json"} +
                 files);
    if (!py.waitForFinished(30'000) || py.exitCode() != 0)
        qFatal("python3 jsonschema failed: %s", py.readAllStandardError().constData());
    return QString::fromUtf8(py.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
}

}  // namespace

class ScenariosTest : public QObject {
    Q_OBJECT

  private slots:
    void every_library_scenario_loads_and_the_schema_accepts_it() {
        QDir dir(KRAFTLAB_SCENARIO_DIR);
        QStringList files;
        for (const QString& name : dir.entryList({"*.json"}, QDir::Files)) {
            if (name == "scenario.schema.json" || name == "glossary.json") continue;
            files << dir.filePath(name);
        }
        QVERIFY2(files.size() >= 3, qPrintable(dir.path()));
        for (const QString& f : files) {
            auto r = lab::load_scenario(f.toStdString());
            auto* e = std::get_if<ScenarioError>(&r);
            QVERIFY2(!e, e ? e->to_string().c_str() : "");
            const auto& s = std::get<Scenario>(r);
            QCOMPARE(QString::fromStdString(s.id) + ".json", QFileInfo(f).fileName());
            for (const auto& step : s.steps)
                QVERIFY2(step.line > 1, qPrintable(f));
        }
        const QStringList refused = schema_refuses(files);
        QVERIFY2(refused.isEmpty(), qPrintable(refused.join(", ")));
    }

    // Plain words: every Kafka term a narration uses (an acronym such as ISR, a setting such as
    // min.insync.replicas, an error code, an internal topic, acks=...) is one the glossary
    // beside the scenarios explains, so that nothing a class hears is left unexplained.
    void narration_uses_only_terms_the_glossary_explains() {
        QFile file(QString(KRAFTLAB_SCENARIO_DIR) + "/glossary.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto glossary = nlohmann::json::parse(file.readAll().toStdString());
        for (const auto& [term, text] : glossary.items()) {
            if (term == "$comment") continue;
            QVERIFY2(text.is_string() && text.get<std::string>().size() >= 40, term.c_str());
        }
        const QRegularExpression jargon(
            R"(\b([A-Z][A-Z0-9_]+(?:-[0-9]+)?|KRaft|[a-z]+(?:\.[a-z]+)+|acks=[a-z0-9]+|__[a-z_]+)\b)");
        QDir dir(KRAFTLAB_SCENARIO_DIR);
        int checked = 0;
        for (const QString& name : dir.entryList({"*.json"}, QDir::Files)) {
            if (name == "scenario.schema.json" || name == "glossary.json") continue;
            auto r = lab::load_scenario(dir.filePath(name).toStdString());
            QVERIFY(std::get_if<Scenario>(&r));
            const auto& s = std::get<Scenario>(r);
            std::vector<std::string> texts = {s.title, s.teaches};
            for (const auto& step : s.steps) {
                texts.push_back(step.title);
                texts.push_back(step.say);
            }
            for (const auto& t : texts) {
                auto it = jargon.globalMatch(QString::fromStdString(t));
                while (it.hasNext()) {
                    const std::string term = it.next().captured(1).toStdString();
                    ++checked;
                    QVERIFY2(glossary.contains(term),
                             qPrintable(name + ": '" + QString::fromStdString(term) +
                                        "' is not explained in glossary.json"));
                }
            }
        }
        QVERIFY(checked > 10);
        // And the check can fail: a narration that says HW unexplained.
        QVERIFY(!glossary.contains("HW"));
        QVERIFY(jargon.match("the HW moves").hasMatch());
    }

    // The schema's list of event kinds is the engine's own (core/events.h), so that an editor
    // and the loader accept the same kinds.
    void the_schema_names_every_event_kind_of_the_engine() {
        QFile file(QString(KRAFTLAB_SCENARIO_DIR) + "/scenario.schema.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto schema = nlohmann::json::parse(file.readAll().toStdString());
        std::set<std::string> in_schema;
        for (const auto& k : schema["$defs"]["event_kind"]["enum"])
            in_schema.insert(k.get<std::string>());
        std::set<std::string> in_engine;
        for (int i = 0; i < core::kEventKindCount; ++i) {
            const auto name = core::event_kind_name(static_cast<core::EventKind>(i));
            in_engine.insert(std::string(name));
            QCOMPARE(core::event_kind_from_name(name),
                     std::optional(static_cast<core::EventKind>(i)));
        }
        QVERIFY(in_schema == in_engine);
        QCOMPARE(core::event_kind_from_name("leader_moved"), std::nullopt);
    }

    void a_scenario_parses_with_each_kind_of_step_and_expectation() {
        const Scenario s = must_parse(kMinimal);
        QCOMPARE(s.id, std::string("minimal"));
        QCOMPARE(s.brokers, 3);
        QCOMPARE(s.steps.size(), std::size_t(4));
        QCOMPARE(s.steps[0].when.kind, lab::ScenarioCondition::Kind::Now);
        QCOMPARE(s.steps[1].when.kind, lab::ScenarioCondition::Kind::After);
        QCOMPARE(s.steps[2].when.event, std::string("leader_changed"));
        QCOMPARE(s.steps[3].when.acked, std::int64_t(30));
        QCOMPARE(s.steps[3].when.timeout_s, 5.0);
        QCOMPARE(s.steps[0].line, 8);
        QCOMPARE(s.steps[3].line, 11);
        QCOMPARE(s.expect[1].topic, std::string("ledger"));
        QCOMPARE(s.expect[2].line, 16);
    }

    void bad_files_name_the_line_and_the_field_data() {
        QTest::addColumn<QString>("replace");
        QTest::addColumn<QString>("with");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("says");
        QTest::addColumn<bool>("schema");  // the schema can say it too (not a cross-field rule)
        QTest::newRow("not json") << R"("kafka": "acks",)"
                                  << R"("kafka": "acks",,)" << 5 << ""
                                  << "not valid JSON" << true;
        QTest::newRow("a typo") << R"("after_s": 2)"
                                << R"("aftr_s": 2)" << 9 << "/steps/1/aftr_s"
                                << "unknown field 'aftr_s'" << true;
        QTest::newRow("wrong type") << R"("after_s": 2)"
                                    << R"("after_s": "2")" << 9 << "/steps/1/after_s"
                                    << "must be a number" << true;
        QTest::newRow("two waits") << R"("when_acked": 30,)"
                                   << R"("when_acked": 30, "after_s": 1,)" << 11 << "/steps/3"
                                   << "more than one of" << true;
        QTest::newRow("unknown event")
            << R"("kind": "leader_changed")"
            << R"("kind": "leader_moved")" << 10 << "/steps/2/when_event/kind"
            << "'leader_moved' is not an event kind" << true;
        QTest::newRow("rf above brokers")
            << R"("replication_factor": 3)"
            << R"("replication_factor": 4)" << 6 << "/topics/0/replication_factor"
            << "3 broker(s)" << false;
        QTest::newRow("impossible range")
            << R"("at_least": 1, "at_most": 1)"
            << R"("at_least": 2, "at_most": 1)" << 16 << "/expect/2/at_most"
            << "could never hold" << false;
        QTest::newRow("no range") << R"("at_most": 0, )"
                                  << "" << 14 << "/expect/0"
                                  << "needs at_least or at_most" << true;
        QTest::newRow("unknown finding") << R"("audit": "lost")"
                                         << R"("audit": "gone")" << 14 << "/expect/0/audit"
                                         << "not a finding of the audit" << true;
        QTest::newRow("wrong version") << R"("version": 1)"
                                       << R"("version": 2)" << 2 << "/version"
                                       << "must be 1" << true;
        QTest::newRow("look at nothing")
            << R"("say": "first",)"
            << R"("say": "first", "look_at": "ledger-1",)" << 8 << "/steps/0/look_at"
            << "names nothing the app can show" << false;
        QTest::newRow("empty title") << R"("title": "t")"
                                     << R"("title": "")" << 3 << "/title"
                                     << "must not be empty" << true;
    }
    void bad_files_name_the_line_and_the_field() {
        QFETCH(QString, replace);
        QFETCH(QString, with);
        QFETCH(int, line);
        QFETCH(QString, field);
        QFETCH(QString, says);
        QFETCH(bool, schema);
        QString text = kMinimal;
        QVERIFY2(text.contains(replace), qPrintable(replace));
        text.replace(replace, with);
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text.toUtf8());
        f.close();
        auto r = lab::load_scenario(path.toStdString());
        auto* e = std::get_if<ScenarioError>(&r);
        QVERIFY2(e, "accepted");
        QCOMPARE(e->line, line);
        QCOMPARE(QString::fromStdString(e->field), field);
        QVERIFY2(QString::fromStdString(e->message).contains(says), e->message.c_str());
        QVERIFY(e->to_string().starts_with(path.toStdString() + ":" + std::to_string(line) + ": "));
        // The shipped schema refuses it too (it and the loader hold the same rules), but for
        // what depends on two fields at once, which only the loader checks.
        QCOMPARE(schema_refuses({path}), schema ? QStringList{path} : QStringList{});
    }

    // A step's look_at: a panel, a node (by id or placeholder) or a partition of its topics.
    void look_at_names_a_panel_a_node_or_a_partition() {
        const Scenario s = must_parse(kMinimal);
        using Kind = lab::ScenarioLook::Kind;
        auto look = lab::scenario_look(" Quorum ", s);
        QVERIFY(look && look->kind == Kind::Panel && look->panel == "quorum");
        look = lab::scenario_look("broker 2", s);
        QVERIFY(look && look->kind == Kind::Node && look->node == "broker-2");
        look = lab::scenario_look("controller {controller}", s);
        QVERIFY(look && look->kind == Kind::Node && look->node == "controller-{controller}");
        look = lab::scenario_look("ledger-0", s);
        QVERIFY(look && look->kind == Kind::Partition && look->topic == "ledger" &&
                look->partition == 0);
        QVERIFY(!lab::scenario_look("ledger-1", s));  // one partition only
        QVERIFY(!lab::scenario_look("orders-0", s));  // not the scenario's topic
        QVERIFY(!lab::scenario_look("broker two", s));
        QVERIFY(!lab::scenario_look("broker {leader", s));
    }

    void unreadable_and_huge_files_are_refused() {
        auto r = lab::load_scenario("/nonexistent/x.json");
        QVERIFY(std::get_if<ScenarioError>(&r));
        QTemporaryDir dir;
        QFile f(dir.filePath("huge.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(static_cast<int>(lab::kMaxScenarioBytes) + 10, ' '));
        f.close();
        r = lab::load_scenario(f.fileName().toStdString());
        QVERIFY(std::get<ScenarioError>(r).message.find("larger than 1 MiB") != std::string::npos);
    }

    void json_lines_follow_nesting_and_escapes() {
        const std::string text = "{\n \"a\": [1,\n  {\"b\\\"/c\": \"x\\ny\"}],\n \"d\": true\n}";
        const auto lines = lab::json_value_lines(text);
        QCOMPARE(lab::json_line_of(lines, ""), 1);
        QCOMPARE(lab::json_line_of(lines, "/a"), 2);
        QCOMPARE(lab::json_line_of(lines, "/a/0"), 2);
        QCOMPARE(lab::json_line_of(lines, "/a/1"), 3);
        QCOMPARE(lab::json_line_of(lines, "/a/1/b\"~1c"), 3);
        QCOMPARE(lab::json_line_of(lines, "/d"), 4);
        QCOMPARE(lab::json_line_of(lines, "/d/missing"), 4);  // the nearest ancestor's
    }

    void the_player_runs_steps_when_their_conditions_hold() {
        lab::ScenarioPlayer p(must_parse(kMinimal));
        const lab::ScenarioLabState none;
        p.start(1000);
        QCOMPARE(p.due(1000, 0, none), std::optional<std::size_t>(0));  // at once
        QCOMPARE(p.due(2999, 0, none), std::nullopt);                   // 2 s after step 1 ran
        QCOMPARE(p.due(3000, 0, none), std::optional<std::size_t>(1));
        // An event from before the step started waiting does not count; one after it does.
        p.on_event(lab_event(core::EventKind::LeaderChanged, "ledger", 2500));
        p.on_event(lab_event(core::EventKind::LeaderChanged, "other", 3100));
        QCOMPARE(p.due(3200, 0, none), std::nullopt);
        p.on_event(lab_event(core::EventKind::LeaderChanged, "ledger", 3300));
        QCOMPARE(p.due(3300, 0, none), std::optional<std::size_t>(2));
        QCOMPARE(p.due(3400, 29, none), std::nullopt);
        QVERIFY(!p.overdue(8300));
        const auto late = p.overdue(8301);
        QVERIFY(late && late->find("step 4 (\"four\", line 11) waited 5 s of lab time for 30 "
                                   "acknowledged records") != std::string::npos);
        QCOMPARE(p.due(3500, 30, none), std::optional<std::size_t>(3));
        QVERIFY(p.done());
        QVERIFY(!p.overdue(100'000));
    }

    // Events drained together can let two steps run in turn: the second counts from the event
    // that let the first run, not from the moment the player looked.
    void events_of_one_batch_can_satisfy_consecutive_steps() {
        std::string text = kMinimal;
        const std::string from = R"("after_s": 2 })";
        text.replace(text.find(from), from.size(),
                     R"("when_event": { "kind": "isr_shrunk", "topic": "ledger" } })");
        lab::ScenarioPlayer p(must_parse(text));
        const lab::ScenarioLabState none;
        p.start(0);
        QVERIFY(p.due(0, 0, none));  // step 1 at once
        p.on_event(lab_event(core::EventKind::IsrShrunk, "ledger", 100));
        p.on_event(lab_event(core::EventKind::LeaderChanged, "ledger", 104));
        QCOMPARE(p.due(200, 0, none), std::optional<std::size_t>(1));
        QCOMPARE(p.due(200, 0, none), std::optional<std::size_t>(2));  // the event at 104
        QCOMPARE(p.due(200, 0, none), std::nullopt);
    }

    void a_step_can_wait_for_an_isr_size() {
        std::string text = kMinimal;
        const std::string from = R"("when_acked": 30, "timeout_s": 5)";
        text.replace(text.find(from), from.size(),
                     R"("when_isr": { "partition": "ledger-0", "at_most": 1 })");
        lab::ScenarioPlayer p(must_parse(text));
        lab::ScenarioLabState lab;
        lab.isr["ledger-0"] = {1, 2, 3};
        p.start(0);
        QVERIFY(p.due(0, 0, lab));
        QVERIFY(p.due(2000, 0, lab));
        p.on_event(lab_event(core::EventKind::LeaderChanged, "ledger", 2100));
        QVERIFY(p.due(2100, 0, lab));
        QCOMPARE(p.due(2200, 0, lab), std::nullopt);  // three in sync
        QCOMPARE(*p.overdue(62'101),
                 std::string("step 4 (\"four\", line 11) waited 60 s of lab time for the ISR of "
                             "ledger-0 to hold 0 to 1 replica(s), which never came"));
        lab.isr["ledger-0"] = {1};
        QCOMPARE(p.due(2300, 0, lab), std::optional<std::size_t>(3));
        // Bad ISR conditions name their field.
        auto bad = [&](const std::string& condition) {
            std::string t = kMinimal;
            t.replace(t.find(from), from.size(), condition);
            auto r = lab::parse_scenario(t, "x.json");
            return std::get_if<ScenarioError>(&r) ? std::get<ScenarioError>(r).field : "accepted";
        };
        QCOMPARE(bad(R"("when_isr": { "partition": "ledger", "at_most": 1 })"),
                 std::string("/steps/3/when_isr/partition"));
        QCOMPARE(bad(R"("when_isr": { "partition": "ledger-0" })"),
                 std::string("/steps/3/when_isr"));
        QCOMPARE(bad(R"("when_isr": { "partition": "ledger-0", "at_least": 3, "at_most": 1 })"),
                 std::string("/steps/3/when_isr/at_most"));
    }

    void the_verdict_counts_findings_and_events() {
        lab::ScenarioPlayer p(must_parse(kMinimal));
        p.on_event(lab_event(core::EventKind::LeaderChanged, "ledger", 3));  // before the start
        p.start(5);
        p.on_event(lab_event(core::EventKind::LeaderChanged, "ledger", 4));  // drained late
        p.on_event(lab_event(core::EventKind::LeaderChanged, "ledger", 10));
        const nlohmann::json audit = {
            {"lost", 0},
            {"duplicated", 10},
            {"topics", {{{"topic", "ledger"}, {"duplicated", {{"count", 4}}}}}}};
        auto v = p.judge(audit);
        QVERIFY2(v.passed, v.summary.c_str());
        QCOMPARE(v.results[1].actual, std::int64_t(4));  // the topic's own count
        QCOMPARE(v.summary, std::string("every expectation held (3 of 3)"));
        p.on_event(lab_event(core::EventKind::LeaderChanged, "ledger", 20));
        v = p.judge({{"lost", 3}});
        QVERIFY(!v.passed);
        QCOMPARE(v.summary,
                 std::string("nothing lost: did not hold, audit: lost = 3 (expected at most 0)"));
        QVERIFY(!v.results[1].held);  // no topic in the audit: 0
        QCOMPARE(v.results[2].detail,
                 std::string("events: leader_changed about ledger = 2 (expected exactly 1)"));
    }

    void placeholders_are_filled_from_the_lab() {
        lab::ScenarioLabState s;
        s.leaders["ledger-0"] = 2;
        s.replicas["ledger-0"] = {3, 2, 1};
        s.isr["ledger-0"] = {2, 3};
        s.active_controller = 102;
        s.producers = {7, 9};
        std::string why;
        QCOMPARE(lab::resolve_placeholders("kill broker {leader:ledger-0}", s, &why),
                 std::optional<std::string>("kill broker 2"));
        QCOMPARE(
            lab::resolve_placeholders("delay {leader:ledger-0} {follower:ledger-0} 5", s, &why),
            std::optional<std::string>("delay 2 3 5"));  // the first replica that does not lead
        QCOMPARE(lab::resolve_placeholders("pause-node {follower:ledger-0:2}", s, &why),
                 std::optional<std::string>("pause-node 1"));
        QVERIFY(!lab::resolve_placeholders("pause-node {follower:ledger-0:3}", s, &why));
        QCOMPARE(why, std::string("partition ledger-0 has no follower 3 now"));
        QCOMPARE(lab::resolve_placeholders("partition {leader:ledger-0} | {followers:ledger-0}", s,
                                           &why),
                 std::optional<std::string>("partition 2 | 3,1"));
        QCOMPARE(lab::resolve_placeholders("restart broker {isr:ledger-0}", s, &why),
                 std::optional<std::string>("restart broker 2,3"));
        QCOMPARE(lab::resolve_placeholders("kill controller {controller}", s, &why),
                 std::optional<std::string>("kill controller 102"));
        QCOMPARE(lab::resolve_placeholders("stop-producer {producer:2}", s, &why),
                 std::optional<std::string>("stop-producer 9"));
        QVERIFY(!lab::resolve_placeholders("stop-producer {producer:3}", s, &why));
        QCOMPARE(why, std::string("this scenario has not started a producer 3"));
        QVERIFY(!lab::resolve_placeholders("kill broker {leader:other-0}", s, &why));
        QCOMPARE(why, std::string("partition other-0 has no leader now"));
        QVERIFY(!lab::resolve_placeholders("kill broker {leder:ledger-0}", s, &why));
        QVERIFY(why.starts_with("unknown placeholder {leder:ledger-0}"));
        QVERIFY(!lab::resolve_placeholders("kill broker {leader:ledger-0", s, &why));
    }
};

QTEST_APPLESS_MAIN(ScenariosTest)
#include "test_scenarios.moc"
