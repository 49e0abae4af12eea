// The whole app, offscreen: it starts with a lab, the controller and broker cards appear, the log
// end offsets grow, killing the active controller moves the crown, the election timeline shows
// the election, selecting a partition shows its replica lanes with fetch dots, the latency chart
// has a series per acks setting, and a broker kill turns a card to down. Screenshots (light at
// 1600x960 and at a projector's 1920x1080, the timeline, the settings, the replication view at
// 1920x1080 and 1280x720, the latency chart, and dark presenter mode) are written into the build
// tree for a person to look at.
#include <QApplication>
#include <QDir>
#include <QProcess>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <functional>

#include "app_settings.h"
#include "app_test_support.h"
#include "lab_controller.h"
#include "layout_checks.h"
#include "scenario_controller.h"

namespace {

qint64 total_log_end(LabController& lab) {
    qint64 n = 0;
    if (auto* p = lab.topics()->partitions("orders")) {
        for (const auto& row : p->rows())
            n += row.log_end_offset;
    }
    return n;
}

// Partition demo-0 replicated on brokers 4, 5 and 6 as they would report it once replication
// runs: 4 leads, 5 follows in the ISR, 6 has fallen out of it. The lab runs brokers 1 to 3 only, so
// nothing overwrites these snapshots; each call moves the logs and the fetch counters on, as a
// producer at a steady rate and fetching followers would.
void publish_replicated_partition(kraftlab::core::SnapshotBoard& board, int step) {
    const std::int64_t leo = 160 + step;
    for (int id : {4, 5, 6}) {
        auto s = std::make_shared<kraftlab::core::BrokerSnapshot>();
        s->seq_begin = kraftlab::core::next_snapshot_seq();
        s->id = id;
        s->up = true;
        s->host = "127.0.0.1";
        s->replica_lag_time_max_ms = 3000;
        s->flush_interval_ms = 1000;
        kraftlab::core::PartitionSnapshot p;
        p.topic = "demo";
        p.partition = 0;
        p.leader = 4;
        p.is_leader = id == 4;
        p.leader_epoch = 3;
        p.partition_epoch = 9;
        p.replicas = {4, 5, 6};
        p.isr = {4, 5};
        p.log_end_offset = id == 4 ? leo : id == 5 ? leo - 2 : 131;
        p.high_watermark = id == 6 ? 129 : leo - 2;
        p.flushed_offset = id == 6 ? 125 : leo - 9;
        if (id == 4) {
            p.followers = {{5, leo - 2, true, 120, 40, static_cast<std::uint64_t>(100 + step)},
                           {6, 131, false, 4200 + step * 250, 5200, 37}};
        } else {
            p.fetches_to_leader_total = static_cast<std::uint64_t>(100 + step);
        }
        s->partitions = {p};
        s->seq_end = kraftlab::core::next_snapshot_seq();
        board.publish(std::shared_ptr<const kraftlab::core::BrokerSnapshot>(std::move(s)));
    }
}

QQuickItem* card_of(QQuickItem* root, const char* type, const char* id_property, int id) {
    for (auto* card : app_test::items_of_type(root, type)) {
        if (card->property(id_property).toInt() == id) return card;
    }
    return nullptr;
}

}  // namespace

class UiSmokeTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    std::unique_ptr<AppSettings> settings;
    std::unique_ptr<LabController> lab;
    std::unique_ptr<QQmlApplicationEngine> engine;
    QQuickWindow* window = nullptr;
    QStringList warnings;  // QML warnings; any one fails the test

    void save(const QString& name) {
        const QString path = app_test::save_screenshot(window, name);
        QVERIFY2(!path.isEmpty(), qPrintable("could not save " + name));
        qInfo("screenshot: %s (%dx%d)", qPrintable(path), window->width(), window->height());
    }

    // The looks a class sees: 1280x720 presenter and 1920x1080, each light and dark. Sets each in
    // turn, lets the window settle, then calls shoot(look) ("1280x720-presenter-light").
    struct Look {
        int w, h;
        bool presenter;
        QString name;
    };
    void each_look(int settle_ms, const std::function<void(const Look&)>& shoot) {
        for (const Look& size : {Look{1280, 720, true, {}}, Look{1920, 1080, false, {}}}) {
            for (bool dark : {false, true}) {
                settings->setPresenterMode(size.presenter);
                settings->setDarkTheme(dark);
                window->resize(size.w, size.h);
                QTest::qWait(settle_ms);
                Look look = size;
                look.name =
                    QString("%1x%2-%3-%4")
                        .arg(size.w)
                        .arg(size.h)
                        .arg(size.presenter ? "presenter" : "normal", dark ? "dark" : "light");
                shoot(look);
            }
        }
    }

    // The item of that objectName anywhere in the window (null if none).
    QQuickItem* item_named(const QString& name) {
        QQuickItem* found = nullptr;
        layout_checks::walk(window->contentItem(), [&](QQuickItem* item) {
            if (!found && item->objectName() == name) found = item;
        });
        return found;
    }

  private slots:
    void initTestCase() {
        settings = std::make_unique<AppSettings>(dir.path() + "/settings.ini", nullptr);
        settings->setDarkTheme(false);
        settings->setPresenterMode(false);
        settings->setWindowGeometry(QRect(0, 0, 1600, 960));
        AppSettings::setInstance(settings.get());

        LabController::Options options;
        options.lab.brokers = 3;
        options.lab.data_dir = (dir.path() + "/lab").toStdString();
        lab = std::make_unique<LabController>(options);
        LabController::setInstance(lab.get());

        engine = app_test::make_engine(this, &warnings);
        engine->load(QUrl("qrc:/Kraftlab/Main.qml"));
        QVERIFY2(!engine->rootObjects().isEmpty(), qPrintable(warnings.join("\n")));
        window = qobject_cast<QQuickWindow*>(engine->rootObjects().first());
        QVERIFY(window);
        lab->start();
        QTRY_VERIFY_WITH_TIMEOUT(lab->running(), 15000);
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join("\n")));
    }

    void cleanup() { QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join("\n"))); }

    void cleanupTestCase() {
        engine.reset();
        lab.reset();
    }

    void broker_cards_appear_and_logs_grow() {
        QTRY_COMPARE_WITH_TIMEOUT(
            app_test::items_of_type(window->contentItem(), "BrokerCard").size(), 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(total_log_end(*lab) > 0, 5000);
        const qint64 first = total_log_end(*lab);
        QTRY_VERIFY_WITH_TIMEOUT(total_log_end(*lab) > first, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            app_test::items_of_type(window->contentItem(), "PartitionRow").size() >= 6, 5000);
        QTest::qWait(2500);  // a few seconds of flow, and a chart with points
        save("ui-smoke-light.png");
    }

    void producer_editor_checks_custom_code_as_typed() {
        auto* editor = window->findChild<QObject*>("producerEditor");
        QVERIFY(editor);
        QVariantMap config{{"topic", "orders"},
                           {"partitioner", "custom"},
                           {"rate", 50},
                           {"customSource",
                            "function partition(key, value, numPartitions) {\n"
                            "    // one too far: there is no partition numPartitions\n"
                            "    return numPartitions;\n}\n"}};
        QVERIFY(QMetaObject::invokeMethod(editor, "openFor", Q_ARG(QVariant, -1),
                                          Q_ARG(QVariant, config)));
        QTRY_VERIFY_WITH_TIMEOUT(editor->property("opened").toBool(), 3000);
        const QVariantMap check = editor->property("check").toMap();
        QVERIFY(!check["ok"].toBool());
        QVERIFY(check["message"].toString().contains("partitions 0 to 5"));
        QTest::qWait(400);  // the open animation
        save("ui-producer-editor-error.png");
        QMetaObject::invokeMethod(editor, "close");
        QTRY_VERIFY_WITH_TIMEOUT(!editor->property("visible").toBool(), 3000);
    }

    void kraft_panel_at_projector_size() {
        // The app's first-run size (docs/kraftlab.png) first, then a projector's.
        window->resize(1440, 900);
        QTRY_COMPARE_WITH_TIMEOUT(
            app_test::items_of_type(window->contentItem(), "ControllerCard").size(), 3, 10000);
        QTest::qWait(800);
        save("ui-kraft-1440.png");
        window->resize(1920, 1080);
        QTRY_COMPARE_WITH_TIMEOUT(
            app_test::items_of_type(window->contentItem(), "ControllerCard").size(), 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(lab->controllers()->activeId() >= 0, 15000);
        const int active = lab->controllers()->activeId();
        QTRY_VERIFY_WITH_TIMEOUT(
            card_of(window->contentItem(), "ControllerCard", "controllerId", active) &&
                card_of(window->contentItem(), "ControllerCard", "controllerId", active)
                    ->property("active")
                    .toBool(),
            5000);
        // Every controller card and every broker card is in view, side by side, none cut off.
        const QRectF view(0, 0, window->width(), window->height());
        for (const char* type : {"ControllerCard", "BrokerCard"}) {
            for (auto* card : app_test::items_of_type(window->contentItem(), type)) {
                const QRectF r = card->mapRectToScene(QRectF(0, 0, card->width(), card->height()));
                QVERIFY2(view.contains(r), qPrintable(QString("%1 at %2,%3 %4x%5 is not in view")
                                                          .arg(type)
                                                          .arg(r.x())
                                                          .arg(r.y())
                                                          .arg(r.width())
                                                          .arg(r.height())));
                QVERIFY(r.width() >= 160);
            }
        }
        QTest::qWait(1500);
        save("ui-kraft-1920.png");
    }

    void killing_the_active_controller_moves_the_crown() {
        const int old = lab->controllers()->activeId();
        QVERIFY(old >= 0);
        lab->killController(old);
        auto role_of = [&](int id) {
            auto* card = card_of(window->contentItem(), "ControllerCard", "controllerId", id);
            return card ? card->property("raftRole").toString() : QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(role_of(old), QString("down"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            lab->controllers()->activeId() >= 0 && lab->controllers()->activeId() != old, 20000);
        const int now_active = lab->controllers()->activeId();
        QTRY_VERIFY_WITH_TIMEOUT(
            card_of(window->contentItem(), "ControllerCard", "controllerId", now_active)
                ->property("active")
                .toBool(),
            5000);
        QTest::qWait(1500);
        save("ui-kraft-controller-killed.png");

        // The timeline, in the right column's second tab.
        auto* tabs = window->findChild<QObject*>("sideTabs");
        QVERIFY(tabs);
        tabs->setProperty("currentIndex", 1);
        auto* list = window->findChild<QQuickItem*>("electionList");
        QVERIFY(list);
        QTRY_VERIFY_WITH_TIMEOUT(list->isVisible() && list->property("count").toInt() >= 2, 5000);
        QTest::qWait(500);
        save("ui-kraft-elections.png");
        tabs->setProperty("currentIndex", 0);

        lab->restartController(old);
        QTRY_COMPARE_WITH_TIMEOUT(role_of(old), QString("follower"), 15000);
    }

    void settings_show_each_timeout_beside_kafkas() {
        auto* dialog = window->findChild<QObject*>("settingsDialog");
        QVERIFY(dialog);
        QMetaObject::invokeMethod(dialog, "open");
        QTRY_VERIFY_WITH_TIMEOUT(dialog->property("opened").toBool(), 3000);
        QCOMPARE(dialog->property("problem").toString(), QString());
        QVERIFY(!dialog->property("changed").toBool());
        QTest::qWait(300);
        save("ui-settings.png");
        QMetaObject::invokeMethod(dialog, "close");
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->property("visible").toBool(), 3000);
        window->resize(1600, 960);
    }

    void replication_view_lanes_and_latency_by_acks() {
        // A second producer with acks=1 beside the first one's acks=all: the latency chart gets a
        // series for each.
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        lab->addProducer({{"topic", "orders"}, {"rate", 20}, {"acks", 1}});
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 10000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        QTest::qWait(3500);  // its toast fades: it would cover the lanes

        int step = 0;
        publish_replicated_partition(lab->cluster()->snapshots(), step);
        QTimer fetches;
        connect(&fetches, &QTimer::timeout,
                [&] { publish_replicated_partition(lab->cluster()->snapshots(), ++step); });
        fetches.start(250);

        window->resize(1920, 1080);
        auto* tabs = window->findChild<QObject*>("bottomTabs");
        QVERIFY(tabs);
        // 0 is the replication lanes, 1 the charts: with the charts in front, selecting a
        // partition brings its lanes forward.
        tabs->setProperty("currentIndex", 1);
        lab->select("", "demo", 0);
        QCOMPARE(tabs->property("currentIndex").toInt(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(
            app_test::items_of_type(window->contentItem(), "ReplicaLane").size(), 3, 5000);
        QCOMPARE(lab->replication()->leader(), 4);
        // A follower's lane shows its snapshot once one older than the leader's is there (the
        // consistent cut): at the second publish.
        QTRY_COMPARE_WITH_TIMEOUT(lab->replication()->rows()[2].state, QString("out of sync"),
                                  3000);
        // The followers' fetch counters move at every refresh: each follower lane has a dot on
        // its way, one at most.
        auto* lane = card_of(window->contentItem(), "ReplicaLane", "brokerId", 5);
        QVERIFY(lane);
        QTRY_VERIFY_WITH_TIMEOUT(lane->property("fetchSeq").toInt() >= 2, 3000);
        QTest::qWait(1200);
        QTRY_VERIFY_WITH_TIMEOUT(lane->property("z").toDouble() > 0, 2000);  // a dot in flight
        QTest::qWait(150);
        save("ui-replication.png");

        window->resize(1280, 720);
        QTest::qWait(900);
        QTRY_VERIFY_WITH_TIMEOUT(lane->property("z").toDouble() > 0, 2000);
        QTest::qWait(150);
        save("ui-replication-1280.png");
        // Every lane in view, none cut off, at the smallest screen a class may have.
        const QRectF view(0, 0, window->width(), window->height());
        for (auto* l : app_test::items_of_type(window->contentItem(), "ReplicaLane")) {
            const QRectF r = l->mapRectToScene(QRectF(0, 0, l->width(), l->height()));
            QVERIFY2(view.contains(r), qPrintable(QString("lane at %1,%2 %3x%4 is not in view")
                                                      .arg(r.x())
                                                      .arg(r.y())
                                                      .arg(r.width())
                                                      .arg(r.height())));
        }

        // The latency chart: a series per acks setting in use, p50 and p99.
        window->resize(1920, 1080);
        tabs->setProperty("currentIndex", 1);
        QTRY_VERIFY_WITH_TIMEOUT(lab->charts()->latencySeries().contains("acks=1 p99") &&
                                     lab->charts()->latencySeries().contains("acks=all p99"),
                                 10000);
        QTest::qWait(4000);  // a few points each
        save("ui-latency-by-acks.png");
        fetches.stop();
        lab->select("", "", -1);
        window->resize(1600, 960);
    }

    void audit_shows_its_verdict_in_plain_words() {
        auto* popup = window->findChild<QObject*>("auditPopup");
        QVERIFY(popup);
        lab->runAudit();
        QTRY_VERIFY_WITH_TIMEOUT(popup->property("opened").toBool(), 30000);
        QVERIFY(lab->auditVerdict().startsWith("audit"));
        QTest::qWait(300);
        save("ui-audit.png");
        QMetaObject::invokeMethod(popup, "close");
        QTRY_VERIFY_WITH_TIMEOUT(!popup->property("visible").toBool(), 3000);
    }

    void replication_view_of_a_real_replicated_topic() {
        // What the engine reports today for a topic with three replicas: whatever the brokers
        // fill in, the lanes are drawn from it alone.
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        lab->createTopic("ledger", 3, 3, {{"min.insync.replicas", "2"}});
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 15000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        lab->addProducer({{"topic", "ledger"}, {"rate", 10}, {"acks", -1}});
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 2, 10000);
        // And one "via any broker": the brokers that do not lead forward its records, and the
        // view draws that hop from their counters.
        lab->addProducer({{"topic", "ledger"}, {"rate", 20}, {"acks", 1}, {"route", "any broker"}});
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 3, 10000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        lab->select("", "ledger", 0);
        window->resize(1920, 1080);
        QTRY_COMPARE_WITH_TIMEOUT(
            app_test::items_of_type(window->contentItem(), "ReplicaLane").size(), 3, 10000);
        auto* replication = lab->replication();
        auto forward_steps = [&] {
            int steps = 0;
            for (const auto& row : replication->rows())
                steps += row.forward_seq;
            return steps;
        };
        QTRY_VERIFY_WITH_TIMEOUT(forward_steps() > 0, 10000);
        QVERIFY2(replication->writers().join(" | ").contains("any broker → broker"),
                 qPrintable(replication->writers().join(" | ")));
        QTest::qWait(3000);
        save("ui-replication-real-rf3.png");
        lab->select("", "", -1);
        window->resize(1600, 960);
    }

    // A move drawn from the engine: a partition of two replicas moves to the third broker
    // while an acks=all producer writes, the link from the leader to the new replica slowed so
    // that it copies for a while. Its lane says "+ new" and how far behind it is, the banner
    // says who copies and who leaves; when the link heals it joins the ISR, the old replica
    // leaves, and the banner goes.
    void a_reassignment_is_drawn_on_the_lanes() {
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        lab->createTopic("moving", 1, 2);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 15000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        const QVariantMap before = lab->partitionReplicas("moving", 0);
        const auto replicas = before["replicas"].toList();
        QCOMPARE(replicas.size(), 2);
        const int leader = before["leader"].toInt();
        const int stays = replicas[0].toInt() == leader ? replicas[1].toInt() : replicas[0].toInt();
        const int added = 6 - leader - stays;
        lab->addProducer({{"topic", "moving"}, {"rate", 100}, {"acks", -1}});
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 2, 10000);
        QTest::qWait(1000);
        lab->setLinkFaults(QString("broker-%1").arg(leader), QString("broker-%1").arg(added),
                           {{"delayMs", 1000}}, true);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 3, 10000);
        lab->reassignPartition("moving", 0, {added, stays});
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 4, 10000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        lab->select("", "moving", 0);
        auto* replication = lab->replication();
        auto row_of = [&](int broker) -> const ReplicaLaneRow* {
            for (const auto& r : replication->rows())
                if (r.broker == broker) return &r;
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(
            row_of(added) && row_of(added)->move == "adding" && row_of(added)->log_end_offset > 0,
            10000);
        QCOMPARE(row_of(leader)->move, QString("removing"));
        QVERIFY2(replication->move().contains(QString("broker %1 copies the log").arg(added)),
                 qPrintable(replication->move()));
        each_look(400,
                  [&](const Look& look) { save("ui-replication-move-" + look.name + ".png"); });
        QVERIFY2(row_of(added)->reason.startsWith("copying the log"),
                 qPrintable(row_of(added)->reason));
        lab->healNetwork();
        QTRY_VERIFY_WITH_TIMEOUT(replication->move().isEmpty(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!row_of(leader), 10000);
        QVERIFY(row_of(added) && row_of(added)->in_isr);
        // Leave the lab as the other slots expect it: no producer and no topic of this one.
        lab->select("", "", -1);
        for (const auto& p : lab->producers()->rows())
            if (p.topic == "moving") lab->removeProducer(p.id);
        lab->deleteTopic("moving");
        QTRY_VERIFY_WITH_TIMEOUT(lab->partitionCount("moving") == 0, 10000);
        settings->setPresenterMode(false);
        settings->setDarkTheme(false);
        window->resize(1600, 960);
    }

    void killing_a_broker_turns_its_card_down() {
        lab->killBroker(2);
        auto card_state = [&]() -> QString {
            for (auto* card : app_test::items_of_type(window->contentItem(), "BrokerCard")) {
                if (card->property("brokerId").toInt() == 2)
                    return card->property("brokerState").toString();
            }
            return {};
        };
        QTRY_COMPARE_WITH_TIMEOUT(card_state(), QString("down"), 10000);
        // Its heartbeat ring runs down with the frame clock (no heartbeats come) until the
        // session is over: each look finds less left, and orange when close to the end.
        auto* card = card_of(window->contentItem(), "BrokerCard", "brokerId", 2);
        QVERIFY(card);
        const auto rings = app_test::items_of_type(card, "RingGauge");
        QCOMPARE(rings.size(), 1);
        auto* ring = rings.first();
        double before = ring->property("progress").toDouble();
        for (int i = 0; i < 4 && before > 0.1; ++i) {
            QTest::qWait(150);
            const double now = ring->property("progress").toDouble();
            QVERIFY2(now < before, qPrintable(QString("%1 then %2").arg(before).arg(now)));
            before = now;
        }
        QTRY_VERIFY_WITH_TIMEOUT(ring->property("progress").toDouble() < 0.3, 5000);
        if (ring->property("progress").toDouble() > 0.05) {
            QCOMPARE(ring->property("color").value<QColor>(), QColor("#e0702f"));  // warning
            save("ui-heartbeat-ring-running-out.png");
        }
        QTRY_COMPARE_WITH_TIMEOUT(ring->property("progress").toDouble(), 0.0, 5000);
        QTest::qWait(1500);
        const QColor light = window->color();
        settings->setDarkTheme(true);
        settings->setPresenterMode(true);
        QTRY_VERIFY_WITH_TIMEOUT(window->color() != light, 2000);  // the theme follows the setting
        QTest::qWait(500);
        save("ui-smoke-dark-presenter-killed.png");
        window->resize(1920, 1080);
        QTest::qWait(800);
        save("ui-smoke-dark-presenter-killed-1920.png");
        window->resize(1440, 900);
        QTest::qWait(800);
        save("ui-smoke-dark-presenter-killed-1440.png");

        // Broker 2 held a replica of every ledger partition: the controller fences it and takes
        // it out of the ISRs, and ledger-0's lanes say so: on a projector (presenter mode, 1920)
        // and on a small laptop screen (1280x720, normal sizes; presenter mode needs more room).
        lab->select("", "ledger", 0);
        window->resize(1920, 1080);
        auto* replication = lab->replication();
        auto lane_of_2 = [&]() -> const ReplicaLaneRow* {
            for (const auto& row : replication->rows())
                if (row.broker == 2) return &row;
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(lane_of_2() && !lane_of_2()->up && !lane_of_2()->in_isr, 20000);
        auto isr = replication->isr();  // in the metadata's order
        std::sort(isr.begin(), isr.end(),
                  [](const QVariant& a, const QVariant& b) { return a.toInt() < b.toInt(); });
        QCOMPARE(isr, (QVariantList{1, 3}));
        QTest::qWait(1500);
        save("ui-replication-real-broker-down-presenter-1920.png");
        settings->setPresenterMode(false);
        settings->setDarkTheme(false);
        window->resize(1280, 720);
        QTest::qWait(1500);
        save("ui-replication-real-broker-down-1280.png");
        settings->setDarkTheme(true);
        settings->setPresenterMode(true);
        lab->select("", "", -1);
    }

    void replication_view_in_presenter_mode() {
        QVERIFY(settings->presenterMode());
        publish_replicated_partition(lab->cluster()->snapshots(), 40);
        lab->select("", "demo", 0);
        window->resize(1920, 1080);
        QTRY_COMPARE_WITH_TIMEOUT(
            app_test::items_of_type(window->contentItem(), "ReplicaLane").size(), 3, 5000);
        QTest::qWait(800);
        save("ui-replication-dark-presenter-1920.png");
    }

    // Every size a classroom has, in normal and presenter mode, light and dark, with a running
    // lab, a replicated topic's replication on screen and a broker down: a screenshot of each
    // (ui-matrix-WxH-mode-theme.png) and the automatic checks of layout_checks.h on it.
    void every_size_mode_and_theme() {
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        // A replicated topic: the default one when it is (RF 3), else one made here.
        QString topic = "orders";
        QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("orders"), 15000);
        if (lab->topics()->rows().front().replication_factor < 3 &&
            !lab->topics()->names().contains("ledger")) {
            lab->createTopic("ledger", 3, 3, {{"min.insync.replicas", "2"}});
            QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("ledger"), 15000);
        }
        for (const auto& t : lab->topics()->rows()) {
            if (t.replication_factor >= 3) topic = t.name;
        }
        if (lab->brokers()->rows().size() >= 2 && lab->brokers()->rows()[1].up) {
            lab->killBroker(2);
            QTRY_VERIFY_WITH_TIMEOUT(!lab->brokers()->rows()[1].up, 10000);
        }
        lab->select("", topic, 0);
        QTest::qWait(1500);

        struct Size {
            int w, h;
        };
        const Size sizes[] = {{1280, 720}, {1280, 800},  {1366, 768},
                              {1440, 900}, {1920, 1080}, {3840, 2160}};
        QStringList all;
        for (bool presenter : {false, true}) {
            for (bool dark : {false, true}) {
                settings->setPresenterMode(presenter);
                settings->setDarkTheme(dark);
                for (const auto& size : sizes) {
                    window->resize(size.w, size.h);
                    QTest::qWait(400);
                    const QString name =
                        QString("ui-matrix-%1x%2-%3-%4.png")
                            .arg(size.w)
                            .arg(size.h)
                            .arg(presenter ? "presenter" : "normal", dark ? "dark" : "light");
                    save(name);
                    layout_checks::Options options;
                    options.min_font_px = presenter ? 16 : 0;
                    for (const auto& p : layout_checks::problems(window, options))
                        all << name + ": " + p;
                    if (layout_checks::seen_items(window, "PartitionRow").isEmpty())
                        all << name + ": no partition row in view";
                }
            }
        }
        if (!all.isEmpty()) qWarning().noquote() << all.join("\n");
        QVERIFY2(all.isEmpty(), qPrintable(QString("%1 problems").arg(all.size())));
    }

    // Lab time in the window: Space pauses (not while a text field has the focus), the transport
    // bar shows PAUSED with Step enabled, a frozen broker's card says FROZEN beside a down one,
    // and the bar is whole in view at 1280x720 presenter and 1920x1080, light and dark
    // (ui-lab-paused-frozen-*.png).
    void transport_bar_space_pause_and_a_frozen_broker() {
        settings->setPresenterMode(false);
        settings->setDarkTheme(false);
        window->resize(1600, 960);
        QTRY_VERIFY_WITH_TIMEOUT(!lab->paused() && lab->pendingCommands() == 0, 10000);
        auto* bar = item_named("transportBar");
        auto* banner = item_named("pausedBanner");
        auto* step = item_named("stepButton");
        QVERIFY(bar && banner && step);
        QVERIFY(!banner->isVisible());
        QVERIFY(!step->isEnabled());
        // Keys reach the window's shortcuts only when it is the active window.
        window->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(window));

        // Typing a space into a text field types it; it does not pause the lab.
        QQmlComponent field_component(engine.get());
        field_component.setData("import QtQuick.Controls\nTextField { width: 200 }", QUrl());
        std::unique_ptr<QObject> field_object(field_component.create());
        auto* field = qobject_cast<QQuickItem*>(field_object.get());
        QVERIFY2(field, qPrintable(field_component.errorString()));
        field->setParentItem(window->contentItem());
        field->forceActiveFocus();
        QTRY_VERIFY(field->hasActiveFocus());
        QTest::keyClick(window, Qt::Key_Space);
        QTest::qWait(300);
        QCOMPARE(field->property("text").toString(), QString(" "));
        QCOMPARE(lab->pendingCommands(), 0);
        QVERIFY(!lab->paused());
        field_object.reset();

        window->contentItem()->forceActiveFocus();
        QTest::keyClick(window, Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(lab->cluster()->lab_time().paused, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 2000);
        QVERIFY(step->isEnabled());

        lab->freezeNode(1);
        auto* card = card_of(window->contentItem(), "BrokerCard", "brokerId", 1);
        QVERIFY(card);
        QTRY_VERIFY_WITH_TIMEOUT(card->property("frozen").toBool(), 5000);
        const auto veils = app_test::items_of_type(card, "FrozenVeil");
        QCOMPARE(veils.size(), 1);
        QVERIFY(veils.first()->isVisible());
        QVERIFY(card->property("up").toBool());

        QStringList all;
        each_look(400, [&](const Look& shot) {
            const QString name = "ui-lab-paused-frozen-" + shot.name + ".png";
            save(name);
            layout_checks::Options options;
            options.min_font_px = shot.presenter ? 16 : 0;
            options.cut_sides = true;
            options.root = bar;
            for (const auto& p : layout_checks::problems(window, options))
                all << name + ": " + p;
            options.root = nullptr;
            options.cut_sides = false;
            for (const auto& p : layout_checks::problems(window, options))
                all << name + ": " + p;
            // The whole bar in the window, nothing of it cut.
            const QRectF whole = bar->mapRectToScene(QRectF(0, 0, bar->width(), bar->height()));
            if (layout_checks::shown_rect(bar, window) != whole || whole.top() < 0 ||
                whole.right() > shot.w + 0.5)
                all << name + ": the transport bar is cut";
            for (const char* part : {"pausedWord", "labClock", "pauseButton", "stepButton",
                                     "speedControl", "pauseOnElection", "pauseOnIsrChange"}) {
                auto* item = item_named(part);
                if (!item || !layout_checks::seen(item, window) ||
                    !whole.contains(
                        item->mapRectToScene(QRectF(0, 0, item->width(), item->height()))))
                    all << name + ": " + part + " is not whole in the transport bar";
            }
            // What real clients see while paused: beside PAUSED in one row, else in a strip.
            auto* note = item_named(shot.presenter ? "pausedNote" : "pausedNoteStrip");
            if (!note || !layout_checks::seen(note, window) ||
                !note->property("text").toString().contains("time out"))
                all << name + ": the note for real clients is not shown";
        });
        if (!all.isEmpty()) qWarning().noquote() << all.join("\n");
        QVERIFY2(all.isEmpty(), qPrintable(QString("%1 problems").arg(all.size())));

        // Resumed with broker 1 still frozen: a partition it led moves to another replica and
        // its lane says frozen, drawn as it was when it froze (what it holds past the new
        // leader's end is counted, if anything).
        int led = -1;
        if (auto* parts = lab->topics()->partitions("orders")) {
            for (const auto& p : parts->rows()) {
                if (p.leader == 1) led = p.partition;
            }
        }
        if (led >= 0) lab->select("", "orders", led);
        window->contentItem()->forceActiveFocus();
        QTest::keyClick(window, Qt::Key_Space);
        QTRY_VERIFY_WITH_TIMEOUT(!lab->cluster()->lab_time().paused, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 2000);
        if (led >= 0) {
            auto frozen_lane = [&] {
                for (const auto& r : lab->replication()->rows()) {
                    if (r.broker == 1) return r.frozen && !r.leader;
                }
                return false;
            };
            QTRY_VERIFY_WITH_TIMEOUT(frozen_lane(), 15000);
            each_look(300,
                      [&](const Look& look) { save("ui-frozen-ex-leader-" + look.name + ".png"); });
        } else {
            qWarning(
                "broker 1 leads no orders partition: the frozen ex-leader's lane is not shown");
        }
        lab->thawNode(1);
        QTRY_VERIFY_WITH_TIMEOUT(!card->property("frozen").toBool(), 5000);
        settings->setPresenterMode(false);
        settings->setDarkTheme(false);
        window->resize(1600, 960);
    }

    // The lab network in the window (issue 14): the Network place draws the real RPCs between
    // the nodes as a sequence diagram; cutting a broker off from the controllers turns its links
    // red on the ring, its heartbeats end in ✗ on the cut (the first one's fields on a click),
    // and the cut is a band on the charts; dragging a line across the ring partitions it; heal
    // clears it all. Screenshots at 1280x720 presenter and 1920x1080, light and dark, in its
    // place and filling the window (ui-network-*.png).
    void network_view_draws_rpcs_cuts_and_bands() {
        settings->setPresenterMode(false);
        settings->setDarkTheme(false);
        window->resize(1920, 1080);
        auto* tabs = window->findChild<QObject*>("bottomTabs");
        QVERIFY(tabs);
        // The first workload selects orders-0, which brings the replication lanes forward.
        QTRY_VERIFY_WITH_TIMEOUT(lab->selectedPartition() >= 0, 15000);
        tabs->setProperty("currentIndex", 2);
        QQuickItem* diagram = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (diagram = item_named("sequenceDiagram")) != nullptr && diagram->isVisible(), 5000);
        // Real traffic: raft fetches, heartbeats, replica fetches, the producer's requests.
        QTRY_VERIFY_WITH_TIMEOUT(lab->rpcs()->recorded() > 50, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(diagram->property("arrowsDrawn").toInt() > 5, 5000);
        QVERIFY(lab->rpcs()->apis().contains("Fetch"));
        QVERIFY(lab->rpcs()->lanes().contains("broker-1"));
        QVERIFY(lab->rpcs()->lanes().contains("clients"));

        // The running brokers (the tests before may have killed one).
        QStringList up;
        for (const auto& b : lab->brokers()->rows()) {
            if (b.up) up << QString("broker-%1").arg(b.id);
        }
        QVERIFY2(up.size() >= 2, "two running brokers");

        // A broker cut off from the controllers, from the node menu's words.
        QStringList controllers;
        for (const auto& n : lab->network()->nodes()) {
            if (n.toMap()["kind"] == "controller") controllers << n.toMap()["name"].toString();
        }
        QVERIFY(!controllers.isEmpty());
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        lab->partitionNetwork({QStringList{up[0]}, controllers});
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 5000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(lab->network()->faultyLinks(), 2 * controllers.size(), 3000);
        int cut_links = 0;
        for (const auto& l : lab->network()->links())
            cut_links += l.toMap()["state"] == "cut" ? 1 : 0;
        QCOMPARE(cut_links, controllers.size());
        // Its heartbeats meet the cut: arrows ending in ✗, and the first one's fields.
        QTRY_VERIFY_WITH_TIMEOUT(diagram->property("lostArrows").toInt() > 0, 8000);
        // A request sent into the cut (a response that was on its way when it came may be
        // first): found by asking the diagram what is under the middle of each ✗ arrow.
        QVariantMap cut_rpc;
        QPointF cut_at;
        // The diagram held still (scrolled back), as a person does before clicking an arrow.
        auto find_cut_request = [&] {
            diagram->setProperty("live", false);
            QTest::qWait(150);
            QVariantList arrows;
            QMetaObject::invokeMethod(diagram, "arrows", Q_RETURN_ARG(QVariantList, arrows));
            for (const auto& a : arrows) {
                const auto m = a.toMap();
                if (!m["lost"].toBool() || m["x1"] == m["x2"]) continue;
                // On a whole pixel of the window, where a click lands.
                const QPointF mid((m["x1"].toDouble() + m["x2"].toDouble()) / 2,
                                  (m["y1"].toDouble() + m["y2"].toDouble()) / 2);
                const QPointF at =
                    diagram->mapFromScene(QPointF(diagram->mapToScene(mid).toPoint()));
                const double x = at.x(), y = at.y();
                QMetaObject::invokeMethod(diagram, "rpcAt", Q_RETURN_ARG(QVariantMap, cut_rpc),
                                          Q_ARG(double, x), Q_ARG(double, y));
                cut_at = QPointF(x, y);
                if (cut_rpc["outcome"] == "request_cut") return true;
            }
            diagram->setProperty("live", true);
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(find_cut_request(), 10000);
        QTest::mouseClick(window, Qt::LeftButton, {}, diagram->mapToScene(cut_at).toPoint());
        QCOMPARE(cut_rpc["outcome"].toString(), QString("request_cut"));
        QCOMPARE(cut_rpc["from"].toString(), up[0]);
        QVERIFY(controllers.contains(cut_rpc["to"].toString()));
        auto* details = diagram->findChild<QObject*>("rpcDetails");
        QVERIFY(details);
        QTRY_VERIFY_WITH_TIMEOUT(details->property("opened").toBool(), 2000);
        const auto shown = details->property("rpc").toMap();
        QCOMPARE(shown["outcome"].toString(), QString("request_cut"));
        QCOMPARE(shown["from"].toString(), up[0]);
        save("ui-network-rpc-details.png");
        QMetaObject::invokeMethod(details, "close");
        diagram->setProperty("live", true);
        // The cut is a band on the charts, labelled (beside any fault an earlier slot set).
        auto has_cut_band = [&] {
            for (const auto& band : lab->charts()->bands())
                if (band.toMap()["label"].toString().startsWith("cut")) return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(has_cut_band(), 3000);

        each_look(600, [&](const Look& look) {
            save("ui-network-" + look.name + ".png");
            layout_checks::Options options;
            options.min_font_px = look.presenter ? 16 : 0;
            const auto problems = layout_checks::problems(window, options);
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join("\n")));
        });
        // Its key (5) fills the window with it; Esc goes back.
        QTest::keyClick(window, Qt::Key_5);
        QTRY_VERIFY_WITH_TIMEOUT(item_named("maximizedArea")->isVisible(), 2000);
        each_look(600, [&](const Look& look) { save("ui-network-full-" + look.name + ".png"); });
        QTest::keyClick(window, Qt::Key_Escape);
        QTRY_VERIFY_WITH_TIMEOUT(!item_named("maximizedArea")->isVisible(), 2000);

        // Heal, then drag a line across the ring: the nodes on its two sides are partitioned.
        settings->setPresenterMode(false);
        settings->setDarkTheme(false);
        window->resize(1920, 1080);
        lab->healNetwork();
        QTRY_COMPARE_WITH_TIMEOUT(lab->network()->faultyLinks(), 0, 3000);

        // The link dialog, as a click on the line between two running brokers opens it: 150 ms
        // each way makes the replica fetches between
        // them slope down the diagram by that much.
        auto* link_dialog = window->findChild<QObject*>("linkDialog");
        QVERIFY(link_dialog);
        QMetaObject::invokeMethod(link_dialog, "openFor", Q_ARG(QVariant, up[0]),
                                  Q_ARG(QVariant, up[1]));
        QTRY_VERIFY_WITH_TIMEOUT(link_dialog->property("opened").toBool(), 2000);
        auto* delay_field = window->findChild<QObject*>("linkDelay");
        QVERIFY(delay_field);
        delay_field->setProperty("text", "150");
        save("ui-network-link-dialog.png");
        const int before = static_cast<int>(finished.count());
        QMetaObject::invokeMethod(link_dialog, "accept");
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > before, 5000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        const auto b1 = lab->cluster()->network().find_node(up[0].toStdString());
        const auto b2 = lab->cluster()->network().find_node(up[1].toStdString());
        QVERIFY(b1 && b2);
        QCOMPARE(lab->cluster()->network().faults(*b1, *b2).delay_ms, 150);
        QCOMPARE(lab->cluster()->network().faults(*b2, *b1).delay_ms, 150);
        auto slow_fetch_seen = [&] {
            for (const auto& r : lab->rpcs()->rpcs()) {
                const auto& e = r.event;
                if (((e.from == *b1 && e.to == *b2) || (e.from == *b2 && e.to == *b1)) &&
                    e.arrived_ns > 0 && e.arrived_ns - e.sent_ns >= 150'000'000)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(slow_fetch_seen(), 8000);
        save("ui-network-delay.png");
        // Out of bounds (a cap under 1000 bytes/s): refused in the engine's words; nothing
        // changes.
        lab->setLinkFaults(up[0], up[1], {{"bandwidth", 500}}, false);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() > before + 1, 5000);
        QVERIFY(!finished.last().at(1).toBool());
        QVERIFY2(finished.last().at(2).toString().contains("1000"),
                 qPrintable(finished.last().at(2).toString()));
        QCOMPARE(lab->cluster()->network().faults(*b1, *b2).delay_ms, 150);
        lab->healNetwork();
        QTRY_COMPARE_WITH_TIMEOUT(lab->network()->faultyLinks(), 0, 3000);

        QTest::qWait(400);
        auto* ring = item_named("networkRing");
        QVERIFY(ring);
        const double w = ring->width(), h = ring->height();
        const double radius = ring->property("radius").toDouble();
        // A vertical line a fifth of the radius left of the centre: the nodes left of it
        // (the last three on the ring: broker-2, broker-3 and the clients) against the rest.
        const QPointF top = ring->mapToScene(QPointF(w / 2 - radius * 0.2, h / 2 - radius * 1.1));
        const QPointF bottom =
            ring->mapToScene(QPointF(w / 2 - radius * 0.2, h / 2 + radius * 1.1));
        QTest::mousePress(window, Qt::LeftButton, {}, top.toPoint());
        for (int i = 1; i <= 10; ++i)
            QTest::mouseMove(window, (top + (bottom - top) * (i / 10.0)).toPoint());
        QTest::mouseRelease(window, Qt::LeftButton, {}, bottom.toPoint());
        save("ui-network-partitioned-by-a-line.png");
        QTRY_VERIFY_WITH_TIMEOUT(lab->network()->faultyLinks() > 0, 5000);
        bool clients_cut_from_a_controller = false;
        const auto nodes = lab->network()->nodes();
        for (const auto& l : lab->network()->links()) {
            const auto m = l.toMap();
            const QString a = nodes[m["a"].toInt()].toMap()["name"].toString();
            const QString b = nodes[m["b"].toInt()].toMap()["name"].toString();
            if (m["state"] == "cut" && (a == "clients" || b == "clients") &&
                (a.startsWith("controller-") || b.startsWith("controller-")))
                clients_cut_from_a_controller = true;
        }
        QVERIFY(clients_cut_from_a_controller);
        lab->healNetwork();
        QTRY_COMPARE_WITH_TIMEOUT(lab->network()->faultyLinks(), 0, 3000);
        tabs->setProperty("currentIndex", 0);
        window->resize(1600, 960);
    }

    void groups_view_shows_members_commits_and_a_rebalance() {
        // Two real consumers (kcat, librdkafka) in one group on the default workload's orders.
        auto* tabs = window->findChild<QObject*>("bottomTabs");
        QVERIFY(tabs);
        auto start_member = [&](const QString& name) {
            auto* p = new QProcess(this);
            p->setProgram("kcat");
            p->setArguments({"-b", lab->bootstrap(), "-G", "readers", "orders", "-q", "-o",
                             "beginning", "-X", "client.id=" + name, "-X",
                             "auto.commit.interval.ms=500", "-X", "session.timeout.ms=6000", "-X",
                             "heartbeat.interval.ms=500"});
            p->setStandardOutputFile(QProcess::nullDevice());
            p->start();
            return p;
        };
        auto* first = start_member("reader-a");
        auto* second = start_member("reader-b");
        auto stop = [](QProcess* p) {
            p->terminate();  // kcat leaves the group (LeaveGroup) on SIGTERM
            if (!p->waitForFinished(10000)) p->kill();
        };
        auto members_owning = [&](int members, int partitions) {
            for (const auto& g : lab->groups()->rows()) {
                if (g.group != "readers" || g.state != "Stable" || g.members.size() != members)
                    continue;
                int owned = 0;
                for (const auto& m : g.members)
                    owned += m.toMap()["ownsCount"].toInt();
                int committed = 0;
                for (const auto& p : g.partitions)
                    committed += p.toMap()["committed"].toLongLong() >= 0 ? 1 : 0;
                return owned == partitions && committed > 0;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(members_owning(2, 6), 30000);
        lab->groups()->setSelected("readers");
        tabs->setProperty("currentIndex", 3);
        QTRY_VERIFY_WITH_TIMEOUT(item_named("groupList") && item_named("groupList")->isVisible(),
                                 3000);
        // The topics show who reads each partition of orders, and where the group resumes.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                int marked = 0;
                layout_checks::walk(window->contentItem(), [&](QQuickItem* item) {
                    if (item->objectName() == "groupOwnerMark" && item->isVisible()) ++marked;
                });
                return marked >= 1;
            }(),
            5000);
        QVERIFY(!lab->groups()->timeline().isEmpty());
        each_look(600, [&](const Look& look) {
            save("ui-groups-" + look.name + ".png");
            layout_checks::Options options;
            options.min_font_px = look.presenter ? 16 : 0;
            const auto problems = layout_checks::problems(window, options);
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join("\n")));
        });
        // One member leaves: a rebalance gives the other every partition, and the timeline
        // says who left and how long the group stopped.
        stop(second);
        QTRY_VERIFY_WITH_TIMEOUT(members_owning(1, 6), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& e : lab->groups()->timeline()) {
                    if (e.toMap()["kind"] == "leave") return true;
                }
                return false;
            }(),
            5000);
        settings->setPresenterMode(true);
        settings->setDarkTheme(false);
        window->resize(1280, 720);
        QTest::keyClick(window, Qt::Key_9);
        QTRY_VERIFY_WITH_TIMEOUT(item_named("maximizedArea")->isVisible(), 2000);
        QTest::qWait(600);
        save("ui-groups-full-1280x720-presenter-light.png");
        QTest::keyClick(window, Qt::Key_Escape);
        stop(first);
        // The app's own consumer joins a group (the Clients panel's group field): it owns every
        // partition, and its card says its group, generation and coordinator.
        lab->addConsumer("orders", true, "app-readers");
        auto joined = [&] {
            for (const auto& c : lab->consumers()->rows()) {
                if (c.group == "app-readers" && c.group_state == "consuming" &&
                    c.partitions.size() == 6 && c.coordinator > 0)
                    return c.id;
            }
            return -1;
        };
        QTRY_VERIFY_WITH_TIMEOUT(joined() > 0, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& g : lab->groups()->rows()) {
                    if (g.group == "app-readers" && g.state == "Stable" && g.members.size() == 1)
                        return true;
                }
                return false;
            }(),
            5000);
        // Its card says what the group committed for each partition (auto commit), and the
        // topics' strips tag where it reads next, in its member colour.
        lab->groups()->setSelected("app-readers");
        settings->setSelectedProducerTab("consumers");
        if (auto* side = item_named("sideTabs"); side && side->property("count").toInt() == 3)
            side->setProperty("currentIndex", 2);
        auto visible_named = [&](const QString& name, const QString& prefix) {
            int n = 0;
            layout_checks::walk(window->contentItem(), [&](QQuickItem* item) {
                if (item->objectName() == name && item->isVisible() &&
                    (prefix.isEmpty() || item->property("text").toString().startsWith(prefix)))
                    ++n;
            });
            return n;
        };
        QTRY_VERIFY_WITH_TIMEOUT(visible_named("consumerCommittedText", "committed ") >= 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(visible_named("consumerPositionMark", "") >= 1, 5000);
        save("ui-groups-consumer-1280x720-presenter-light.png");
        // The replication view of one of its partitions marks the group's commit over the
        // consumers' row.
        lab->select("", "orders", 0);
        tabs->setProperty("currentIndex", 0);
        QTRY_VERIFY_WITH_TIMEOUT(visible_named("laneGroupCommitted", "") == 1, 5000);
        QTest::qWait(400);
        save("ui-groups-lanes-1280x720-presenter-light.png");
        lab->removeConsumer(joined());
        settings->setPresenterMode(false);
        tabs->setProperty("currentIndex", 0);
        window->resize(1600, 960);
    }

    // A lesson on screen (last: it replaces the lab): the picker lists the library; playing
    // controller-failover makes its lab, the narration panel reads at 1280x720 presenter and at
    // 1920x1080, light and dark, the controller the step talks about is ringed, and the verdict
    // shows at the end (ui-lesson-picker-*, ui-lesson-step-*, ui-lesson-verdict-*.png).
    void a_lesson_plays_with_its_narration_on_screen() {
        auto* lesson = ScenarioController::instance();
        QVERIFY(lesson);
        QVERIFY(lesson->library().size() >= 10);
        QStringList all;
        auto check = [&](const Look& shot, const QString& name) {
            layout_checks::Options options;
            options.min_font_px = shot.presenter ? 16 : 0;
            for (const auto& p : layout_checks::problems(window, options))
                all << name + ": " + p;
        };
        // The picker as a teacher opens it, in each look.
        auto* picker = window->findChild<QObject*>("scenarioPicker");
        QVERIFY(picker);
        each_look(400, [&](const Look& shot) {
            QMetaObject::invokeMethod(picker, "open");
            QTest::qWait(300);
            const QString name = "ui-lesson-picker-" + shot.name + ".png";
            save(name);
            check(shot, name);
            QMetaObject::invokeMethod(picker, "close");
        });

        lesson->play("controller-failover");
        QTRY_COMPARE_WITH_TIMEOUT(lesson->state(), QString("playing"), 30000);

        lab->setLabSpeed(4);
        auto* panel = item_named("narrationPanel");
        auto* title = item_named("narrationTitle");
        QVERIFY(panel && title);
        QVERIFY(panel->isVisible());
        // Step 2 names the active controller before it is killed: its card is ringed.
        QTRY_VERIFY_WITH_TIMEOUT(lesson->stepNumber() >= 2, 60000);
        QCOMPARE(lesson->lookKind(), QString("node"));
        QVERIFY(lesson->lookNode().startsWith("controller-"));
        lab->pauseLab();
        QTRY_VERIFY_WITH_TIMEOUT(lab->paused(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(title->property("text").toString(), lesson->stepTitle(), 5000);
        int ringed = 0;
        for (auto* ring : app_test::items_of_type(window->contentItem(), "LookHighlight"))
            ringed += ring->isVisible() ? 1 : 0;
        QCOMPARE(ringed, 1);
        each_look(400, [&](const Look& shot) {
            const QString name = "ui-lesson-step-" + shot.name + ".png";
            save(name);
            check(shot, name);
            if (!layout_checks::seen(title, window)) all << name + ": the step title is not seen";
        });
        lesson->resume();
        QTRY_COMPARE_WITH_TIMEOUT(lesson->state(), QString("done"), 90000);
        QVERIFY2(lesson->verdictPassed(), qPrintable(lesson->verdictSummary()));
        each_look(400, [&](const Look& shot) {
            const QString name = "ui-lesson-verdict-" + shot.name + ".png";
            save(name);
            check(shot, name);
        });
        if (!all.isEmpty()) qWarning().noquote() << all.join("\n");
        QVERIFY2(all.isEmpty(), qPrintable(QString("%1 problems").arg(all.size())));

        // Leaving gives back a lab of the app's own shape.
        lesson->leave();
        QTRY_VERIFY_WITH_TIMEOUT(lab->running(), 30000);
        QVERIFY(!panel->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("orders"), 15000);
        settings->setPresenterMode(false);
        settings->setDarkTheme(false);
        window->resize(1600, 960);
    }
};

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_QUICK_BACKEND", "software");
    QApplication app(argc, argv);
    UiSmokeTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_ui_smoke.moc"
