// The whole app, offscreen: it starts with a lab, the controller and broker cards appear, the log
// end offsets grow, killing the active controller moves the crown, the election timeline shows
// the election, and a broker kill turns a card to down. Screenshots (light at 1600x960 and at a
// projector's 1920x1080, the timeline, the settings, and dark presenter mode) are written into
// the build tree for a person to look at.
#include <QApplication>
#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtTest>

#include "app_settings.h"
#include "lab_controller.h"

namespace {

QList<QQuickItem*> items_of_type(QQuickItem* root, const char* type) {
    QList<QQuickItem*> out;
    for (auto* child : root->childItems()) {
        if (QString(child->metaObject()->className()).startsWith(type)) out << child;
        out << items_of_type(child, type);
    }
    return out;
}

qint64 total_log_end(LabController& lab) {
    qint64 n = 0;
    if (auto* p = lab.topics()->partitions("orders")) {
        for (const auto& row : p->rows())
            n += row.log_end_offset;
    }
    return n;
}

QQuickItem* card_of(QQuickItem* root, const char* type, const char* id_property, int id) {
    for (auto* card : items_of_type(root, type)) {
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
        QDir().mkpath(KRAFTLAB_SCREENSHOT_DIR);
        const QString path = QString(KRAFTLAB_SCREENSHOT_DIR) + "/" + name;
        QImage image = window->grabWindow();
        QVERIFY(!image.isNull());
        QVERIFY(image.save(path));
        qInfo("screenshot: %s (%dx%d)", qPrintable(path), image.width(), image.height());
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

        QQuickStyle::setStyle("Material");
        engine = std::make_unique<QQmlApplicationEngine>();
        connect(engine.get(), &QQmlApplicationEngine::warnings, this,
                [&](const QList<QQmlError>& list) {
                    for (const auto& w : list)
                        warnings << w.toString();
                });
        engine->addImportPath("qrc:/");
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
        QTRY_COMPARE_WITH_TIMEOUT(items_of_type(window->contentItem(), "BrokerCard").size(), 3,
                                  10000);
        QTRY_VERIFY_WITH_TIMEOUT(total_log_end(*lab) > 0, 5000);
        const qint64 first = total_log_end(*lab);
        QTRY_VERIFY_WITH_TIMEOUT(total_log_end(*lab) > first, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(items_of_type(window->contentItem(), "PartitionRow").size() >= 6,
                                 5000);
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
        QTRY_COMPARE_WITH_TIMEOUT(items_of_type(window->contentItem(), "ControllerCard").size(), 3,
                                  10000);
        QTest::qWait(800);
        save("ui-kraft-1440.png");
        window->resize(1920, 1080);
        QTRY_COMPARE_WITH_TIMEOUT(items_of_type(window->contentItem(), "ControllerCard").size(), 3,
                                  10000);
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
            for (auto* card : items_of_type(window->contentItem(), type)) {
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

    void killing_a_broker_turns_its_card_down() {
        lab->killBroker(2);
        auto card_state = [&]() -> QString {
            for (auto* card : items_of_type(window->contentItem(), "BrokerCard")) {
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
        const auto rings = items_of_type(card, "RingGauge");
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
