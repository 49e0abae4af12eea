// The dialogs and editors with numbers, and the Clients panel's Consumers and Producers tabs,
// offscreen: at every size a classroom has, normal and presenter, light and dark, each one fits (no
// text cut short without its tooltip, none wider than its item, no type under 16 px in presenter
// mode, the dialog inside the window), with a screenshot of each
// (build/screenshots/ui-dialog-*.png). Then an out-of-range value typed into a field stays as
// typed, the field says why in plain words, and the dialog's button is disabled; a value in range
// is created exactly as typed.
#include <QApplication>
#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app_settings.h"
#include "app_test_support.h"
#include "lab/field_rules.h"
#include "lab_controller.h"
#include "layout_checks.h"

namespace {

struct Size {
    int w, h;
};
constexpr Size kSizes[] = {{1280, 720}, {1280, 800},  {1366, 768},
                           {1440, 900}, {1920, 1080}, {3840, 2160}};

}  // namespace

class UiDialogsTest : public QObject {
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
    }

    QObject* find(const char* name) {
        auto* o = window->findChild<QObject*>(name);
        if (!o) qWarning("no object named %s", name);
        return o;
    }

    // The popup's own item: its background, header, content and footer.
    static QQuickItem* popup_item(QObject* dialog) {
        auto* content = dialog->property("contentItem").value<QQuickItem*>();
        return content ? content->parentItem() : nullptr;
    }

    // Keys as a person types them, into whatever has the focus (QTest::keyClicks is for
    // widgets only).
    void type_text(const QString& text) {
        for (QChar c : text)
            QTest::keyClick(window, c.toLatin1());
    }

    void close(QObject* dialog) {
        QMetaObject::invokeMethod(dialog, "close");
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->property("visible").toBool(), 3000);
    }

    // The checks of layout_checks.h on `root`, and the root wholly in the window.
    QStringList problems_of(QQuickItem* root, const QString& shot, bool presenter) {
        layout_checks::Options options;
        options.min_font_px = presenter ? 16 : 9;
        options.root = root;
        options.cut_sides = true;
        QStringList out;
        for (const auto& p : layout_checks::problems(window, options))
            out << shot + ": " + p;
        const QRectF r = root->mapRectToScene(QRectF(0, 0, root->width(), root->height()));
        if (!QRectF(0, 0, window->width(), window->height()).contains(r.adjusted(1, 1, -1, -1)))
            out << shot + ": not wholly in the window: " + layout_checks::describe(root);
        return out;
    }

  private slots:
    void initTestCase() {
        settings = std::make_unique<AppSettings>(dir.path() + "/settings.ini", nullptr);
        settings->setDarkTheme(false);
        settings->setPresenterMode(false);
        settings->setWindowGeometry(QRect(0, 0, 1440, 900));
        AppSettings::setInstance(settings.get());

        // The first-run lab: topic orders, a producer and a consumer.
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
        QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("orders") &&
                                     lab->producers()->rowCount() > 0 &&
                                     lab->consumers()->rowCount() > 0,
                                 15000);
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join("\n")));
    }

    void cleanup() { QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join("\n"))); }

    void cleanupTestCase() {
        engine.reset();
        lab.reset();
    }

    // Issue 11: 99999 partitions were shown as 9999 and created as 1000. Now what is typed
    // stays, the field says why not, and Create waits.
    void out_of_range_partitions_are_kept_explained_and_refused() {
        settings->setPresenterMode(true);  // the hardest case for the message to fit
        window->resize(1280, 720);
        QObject* dialog = find("createTopicDialog");
        QVERIFY(dialog);
        QMetaObject::invokeMethod(dialog, "open");
        QTRY_VERIFY_WITH_TIMEOUT(dialog->property("opened").toBool(), 3000);
        auto* name = qobject_cast<QQuickItem*>(find("topicNameField"));
        auto* field = find("partitionsField");
        auto* input = qobject_cast<QQuickItem*>(find("partitionsFieldInput"));
        auto* message = qobject_cast<QQuickItem*>(find("partitionsFieldMessage"));
        auto* create = find("createTopicButton");
        QVERIFY(name && field && input && message && create);

        name->forceActiveFocus();
        type_text("fields-demo");
        QVERIFY(create->property("enabled").toBool());  // the defaults are fine
        QVERIFY(!message->isVisible());

        // Typed as a person types: select what is there, then the keys.
        input->forceActiveFocus();
        QTest::keySequence(window, QKeySequence::SelectAll);
        type_text("99999");
        QCOMPARE(input->property("text").toString(), QString("99999"));  // not 9999, not 10000
        QVERIFY(!field->property("acceptable").toBool());
        QTRY_VERIFY(message->isVisible());
        QCOMPARE(message->property("text").toString(),
                 QString("At most 10,000 partitions per topic: 99999 is too many."));
        QVERIFY(!create->property("enabled").toBool());
        QTest::qWait(300);
        save("ui-dialog-create-topic-refused-1280x720-presenter-light.png");
        const auto problems = problems_of(popup_item(dialog), "refused", true);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join("\n")));

        // Enter does not create it either.
        QTest::keyClick(window, Qt::Key_Return);
        QTest::qWait(100);
        QVERIFY(dialog->property("opened").toBool());

        for (const auto& [text, words] : QList<std::pair<QString, QString>>{
                 {"0", "A topic needs at least 1 partition: 0 is too few."},
                 {"-5", "A topic needs at least 1 partition: -5 is too few."},
                 {"abc", "Enter a whole number of partitions, 1 to 10,000."},
                 {"", "Enter a whole number of partitions, 1 to 10,000."}}) {
            field->setProperty("text", text);
            QCOMPARE(input->property("text").toString(), text);
            QCOMPARE(message->property("text").toString(), words);
            QVERIFY(message->isVisible());
            QVERIFY(!create->property("enabled").toBool());
        }

        // min.insync.replicas above the replication factor typed: refused, with why.
        field->setProperty("text", "7");
        auto* rf = find("replicationFactorField");
        auto* min_insync = find("minInsyncField");
        QVERIFY(rf && min_insync);
        rf->setProperty("text", "2");
        min_insync->setProperty("text", "3");
        QVERIFY(!min_insync->property("acceptable").toBool());
        QCOMPARE(find("minInsyncFieldMessage")->property("text").toString(),
                 QString("At most 2, the replication factor of fields-demo: with 3 every "
                         "acks=all write would be refused."));
        QVERIFY(!create->property("enabled").toBool());
        rf->setProperty("text", "4");  // more than the 3 brokers
        QCOMPARE(find("replicationFactorFieldMessage")->property("text").toString(),
                 QString("At most 3 replicas, one per broker of the lab: 4 is too many."));
        QVERIFY(!create->property("enabled").toBool());

        // In range: created exactly as typed.
        rf->setProperty("text", "3");
        min_insync->setProperty("text", "2");
        QVERIFY(create->property("enabled").toBool());
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        QMetaObject::invokeMethod(dialog, "accept");
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 15000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(lab->partitionCount("fields-demo"), 7, 5000);
        QCOMPARE(lab->replicationFactor("fields-demo"), 3);
        settings->setPresenterMode(false);
    }

    // Issue 11: a session timeout of 500 ms (under the 1000 ms heartbeat) was reverted to 3000
    // on Apply with no word. Now it stays, the field says why, and Apply waits.
    void a_session_timeout_under_the_heartbeat_is_kept_explained_and_refused() {
        window->resize(1280, 720);
        QObject* dialog = find("settingsDialog");
        QVERIFY(dialog);
        QMetaObject::invokeMethod(dialog, "open");
        QTRY_VERIFY_WITH_TIMEOUT(dialog->property("opened").toBool(), 3000);
        auto* session = find("sessionTimeoutMsField");
        auto* apply = find("applyTimeouts");
        QVERIFY(session && apply);
        QVERIFY(!apply->property("enabled").toBool());  // nothing changed yet
        session->setProperty("text", "500");
        QCOMPARE(session->property("text").toString(), QString("500"));
        auto* message = qobject_cast<QQuickItem*>(find("sessionTimeoutMsFieldMessage"));
        QVERIFY(message && message->isVisible());
        QCOMPARE(message->property("text").toString(),
                 QString("The session timeout must be longer than the heartbeat interval "
                         "(1,000 ms), or every broker is fenced between two heartbeats: 500 ms "
                         "is too short."));
        QVERIFY(!apply->property("enabled").toBool());
        QCOMPARE(dialog->property("problem").toString(), message->property("text").toString());
        // A longer heartbeat makes the same session invalid for the other reason, and back.
        find("heartbeatIntervalMsField")->setProperty("text", "400");
        QVERIFY(session->property("acceptable").toBool());
        QVERIFY(apply->property("enabled").toBool());
        find("heartbeatIntervalMsField")->setProperty("text", "1000");
        QVERIFY(!apply->property("enabled").toBool());
        QTest::qWait(300);
        save("ui-dialog-settings-refused-1280x720-normal-light.png");

        // The flush interval: over a day is refused, its Apply waits.
        auto* flush = find("flushIntervalField");
        flush->setProperty("text", "86400001");
        QVERIFY(!find("applyFlushInterval")->property("enabled").toBool());
        QCOMPARE(find("flushIntervalFieldMessage")->property("text").toString(),
                 QString("The flush interval is at most 86,400,000 ms (a day): 86400001 ms is too "
                         "long."));
        // Brokers for the next start: a refused count is not saved.
        const int brokers = settings->brokers();
        find("brokerCountField")->setProperty("text", "40");
        QCOMPARE(settings->brokers(), brokers);
        find("brokerCountField")->setProperty("text", "5");
        QCOMPARE(settings->brokers(), 5);
        find("brokerCountField")->setProperty("text", QString::number(brokers));
        // __consumer_offsets' partitions for the next start, likewise.
        QCOMPARE(find("offsetsPartitionsField")->property("text").toString(), QString("3"));
        find("offsetsPartitionsField")->setProperty("text", "51");
        QCOMPARE(settings->offsetsPartitions(), 3);
        QCOMPARE(find("offsetsPartitionsFieldMessage")->property("text").toString(),
                 QString("At most 50 partitions for __consumer_offsets (Kafka's default): 51 is "
                         "too many."));
        find("offsetsPartitionsField")->setProperty("text", "12");
        QCOMPARE(settings->offsetsPartitions(), 12);
        find("offsetsPartitionsField")->setProperty("text", "3");
        QCOMPARE(settings->offsetsPartitions(), 3);
        close(dialog);
    }

    void a_producer_rate_out_of_range_is_kept_explained_and_refused() {
        window->resize(1280, 720);
        QObject* editor = find("producerEditor");
        QVERIFY(editor);
        const QVariantMap config{{"topic", "orders"}};
        QMetaObject::invokeMethod(editor, "openFor", Q_ARG(QVariant, -1), Q_ARG(QVariant, config));
        QTRY_VERIFY_WITH_TIMEOUT(editor->property("opened").toBool(), 3000);
        auto* apply = find("producerApply");
        QVERIFY(apply->property("enabled").toBool());
        find("rateField")->setProperty("text", "2000000");
        QVERIFY(!apply->property("enabled").toBool());
        QCOMPARE(find("rateFieldMessage")->property("text").toString(),
                 QString("The rate is at most 1,000,000 records/s per producer: 2000000 is too "
                         "many."));
        find("rateField")->setProperty("text", "0.5");
        QVERIFY(apply->property("enabled").toBool());
        find("valueBytesField")->setProperty("text", "-1");
        QVERIFY(!apply->property("enabled").toBool());
        find("valueBytesField")->setProperty("text", "100");
        // The lab's acks=N: at most the topic's replication factor (with one replica, none).
        QObject* acks_box = find("acksBox");
        QVERIFY(acks_box);
        acks_box->setProperty("currentIndex", 3);
        const int rf = lab->replicationFactor("orders");
        QVERIFY(rf >= 1);
        const QString too_many = QString::number(std::max(2, rf + 1));
        find("acksCountField")->setProperty("text", too_many);
        kraftlab::lab::FieldContext context;
        context.replication_factor = rf;
        context.topic = "orders";
        const auto expected = kraftlab::lab::check_field(kraftlab::lab::Field::LabAcks,
                                                         too_many.toStdString(), context);
        QVERIFY(!expected.ok);
        QCOMPARE(find("acksCountFieldMessage")->property("text").toString(),
                 QString::fromStdString(expected.message));
        if (rf == 1) {
            QCOMPARE(expected.message,
                     std::string("acks=N needs a topic with 2 or more replicas; orders has 1 "
                                 "replica."));
        } else {
            QVERIFY(expected.message.find("the replication factor of orders") != std::string::npos);
        }
        QCOMPARE(find("acksCountField")->property("text").toString(), too_many);
        QVERIFY(!apply->property("enabled").toBool());
        QTest::qWait(300);
        save("ui-dialog-producer-editor-refused-1280x720-normal-light.png");
        close(editor);
    }

    // Each dialog is opened once per mode and theme and the window goes through every size
    // under it; the Consumers tab likewise.
    void every_dialog_and_the_clients_tabs_fit_at_every_size_mode_and_theme() {
        const int producer = lab->producers()->rows().front().id;
        const int rf = lab->replicationFactor("orders");
        struct Subject {
            const char* name;  // objectName, and the screenshot's name
            const char* shot;
            std::function<void(QObject*)> open;
        };
        const QList<Subject> dialogs = {
            {"createTopicDialog", "create-topic",
             [](QObject* d) { QMetaObject::invokeMethod(d, "open"); }},
            {"topicConfigDialog", "topic-config",
             [rf](QObject* d) {
                 QMetaObject::invokeMethod(d, "openFor", Q_ARG(QVariant, "orders"),
                                           Q_ARG(QVariant, rf), Q_ARG(QVariant, 1),
                                           Q_ARG(QVariant, false));
             }},
            {"addPartitionsDialog", "add-partitions",
             [](QObject* d) {
                 QMetaObject::invokeMethod(d, "openFor", Q_ARG(QVariant, "orders"),
                                           Q_ARG(QVariant, 6));
             }},
            {"reassignDialog", "reassign",
             [](QObject* d) {
                 QMetaObject::invokeMethod(d, "openFor", Q_ARG(QVariant, "orders"),
                                           Q_ARG(QVariant, 0), Q_ARG(QVariant, 6));
             }},
            {"replicationFactorDialog", "replication-factor",
             [rf](QObject* d) {
                 QMetaObject::invokeMethod(d, "openFor", Q_ARG(QVariant, "orders"),
                                           Q_ARG(QVariant, rf));
             }},
            {"settingsDialog", "settings",
             [](QObject* d) { QMetaObject::invokeMethod(d, "open"); }},
            {"producerEditor", "producer-editor",
             [producer](QObject* d) {
                 // A producer as the Edit button opens it, with the lab's acks=N and random keys:
                 // every field of the editor in view.
                 QVariantMap config{{"topic", "orders"}, {"rate", 5},
                                    {"valueBytes", 100}, {"keyPattern", "random"},
                                    {"acks", 2},         {"partitioner", "round-robin"},
                                    {"route", "leader"}};
                 QMetaObject::invokeMethod(d, "openFor", Q_ARG(QVariant, producer),
                                           Q_ARG(QVariant, config));
             }},
        };
        QStringList all;
        int shots = 0;
        for (bool presenter : {false, true}) {
            for (bool dark : {false, true}) {
                settings->setPresenterMode(presenter);
                settings->setDarkTheme(dark);
                const QString look = QString("%1-%2").arg(presenter ? "presenter" : "normal",
                                                          dark ? "dark" : "light");
                for (const auto& subject : dialogs) {
                    QObject* dialog = find(subject.name);
                    QVERIFY(dialog);
                    window->resize(kSizes[0].w, kSizes[0].h);
                    subject.open(dialog);
                    QTRY_VERIFY_WITH_TIMEOUT(dialog->property("opened").toBool(), 3000);
                    for (const auto& size : kSizes) {
                        window->resize(size.w, size.h);
                        QTest::qWait(size.w == kSizes[0].w && size.h == kSizes[0].h ? 350 : 200);
                        const QString shot = QString("ui-dialog-%1-%2x%3-%4.png")
                                                 .arg(subject.shot)
                                                 .arg(size.w)
                                                 .arg(size.h)
                                                 .arg(look);
                        save(shot);
                        ++shots;
                        all << problems_of(popup_item(dialog), shot, presenter);
                    }
                    close(dialog);
                }

                // The Clients panel's two tabs: the Consumers tab, and the Producers tab beside it.
                for (const char* tab : {"consumers", "producers"}) {
                    settings->setSelectedProducerTab(tab);
                    const char* type =
                        QString(tab) == "consumers" ? "ConsumersView" : "ProducersView";
                    for (const auto& size : kSizes) {
                        window->resize(size.w, size.h);
                        QTest::qWait(250);
                        // A compact window has the clients in the right column's third tab.
                        auto* side = find("sideTabs");
                        QVERIFY(side);
                        if (side->property("count").toInt() == 3) {
                            side->setProperty("currentIndex", 2);
                            QTest::qWait(150);
                        }
                        const QString shot = QString("ui-dialog-%1-tab-%2x%3-%4.png")
                                                 .arg(tab)
                                                 .arg(size.w)
                                                 .arg(size.h)
                                                 .arg(look);
                        save(shot);
                        ++shots;
                        const auto views = layout_checks::seen_items(window, type);
                        if (views.size() != 1) {
                            all << shot + ": the tab is not in view";
                            continue;
                        }
                        // The view itself: the tab buttons above it are Main.qml's.
                        all << problems_of(views.first(), shot, presenter);
                    }
                }
                settings->setSelectedProducerTab("producers");
            }
        }
        qInfo("%d screenshots in %s", shots, KRAFTLAB_SCREENSHOT_DIR);
        if (!all.isEmpty()) qWarning().noquote() << all.join("\n");
        // Presenter mode switched again after the four looks: the Clients panel moved between
        // its column and the side tab once re-created itself (a Loader), and Qt 6.4 crashed in
        // a layout of the destroyed one. It is one panel that moves now.
        for (bool presenter : {false, true, false}) {
            settings->setPresenterMode(presenter);
            QTest::qWait(200);
        }
        QVERIFY2(all.isEmpty(), qPrintable(QString("%1 problems").arg(all.size())));
    }
};

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_QUICK_BACKEND", "software");
    QApplication app(argc, argv);
    UiDialogsTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_ui_dialogs.moc"
