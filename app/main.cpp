// kraftlab: the desktop lab. Opens with a running cluster (brokers, topic `orders`, a producer
// and a consumer) and draws it live. QApplication because Qt Charts draws with QGraphicsView.
#include <QApplication>
#include <QCommandLineParser>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>

#include "app_settings.h"
#include "lab_controller.h"
#include "scenario_controller.h"

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Kraftlab");
    QApplication::setApplicationName("Kraftlab");
    QApplication::setApplicationVersion(KRAFTLAB_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Kraftlab: a real Kafka-protocol cluster drawn live. Real clients (kcat, librdkafka, "
        "kafka-python) can connect to its brokers on 127.0.0.1.");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption data({"d", "data"}, "Session directory (default: a fresh temporary one).",
                            "DIR");
    QCommandLineOption brokers({"b", "brokers"},
                               "Number of brokers, 1 to 32 (default: as last time, 3).", "N");
    QCommandLineOption controllers(
        {"c", "controllers"},
        "Number of KRaft controllers (the quorum), 1 to 7 (default: as last time, 3).", "N");
    QCommandLineOption port_base({"p", "port-base"},
                                 "Broker i listens on P+i-1 (default 0: free ports).", "P");
    QCommandLineOption empty("empty", "Start without the example topic, producer and consumer.");
    parser.addOptions({data, brokers, controllers, port_base, empty});
    parser.process(app);

    AppSettings settings(nullptr);
    AppSettings::setInstance(&settings);

    LabController::Options options;
    options.lab.brokers = settings.brokers();
    if (parser.isSet(brokers)) {
        bool ok = false;
        int n = parser.value(brokers).toInt(&ok);
        if (!ok || n < 1 || n > kraftlab::lab::Cluster::kMaxBrokers) {
            fprintf(stderr, "kraftlab: --brokers needs a number from 1 to %d\n",
                    kraftlab::lab::Cluster::kMaxBrokers);
            return 2;
        }
        options.lab.brokers = n;
        settings.setBrokers(n);
    }
    options.lab.controllers = settings.controllers();
    if (parser.isSet(controllers)) {
        bool ok = false;
        int n = parser.value(controllers).toInt(&ok);
        if (!ok || n < 1 || n > kraftlab::lab::Cluster::kMaxControllers) {
            fprintf(stderr, "kraftlab: --controllers needs a number from 1 to %d\n",
                    kraftlab::lab::Cluster::kMaxControllers);
            return 2;
        }
        options.lab.controllers = n;
        settings.setControllers(n);
    }
    options.lab.broker.offsets_topic_partitions = settings.offsetsPartitions();
    // The timeouts as the user left them (the lab's defaults at first).
    options.lab.controller.election_timeout_ms = settings.electionTimeoutMs();
    options.lab.controller.fetch_timeout_ms = settings.fetchTimeoutMs();
    options.lab.controller.broker_session_timeout_ms = settings.sessionTimeoutMs();
    options.lab.broker.heartbeat_interval_ms = settings.heartbeatIntervalMs();
    options.lab.broker.session_timeout_ms = settings.sessionTimeoutMs();
    if (parser.isSet(port_base)) {
        bool ok = false;
        uint p = parser.value(port_base).toUInt(&ok);
        if (!ok || p > 65535) {
            fprintf(stderr, "kraftlab: --port-base needs a port number (0 for free ports)\n");
            return 2;
        }
        options.lab.port_base = static_cast<std::uint16_t>(p);
    }
    if (parser.isSet(data)) options.lab.data_dir = parser.value(data).toStdString();
    options.default_workload = !parser.isSet(empty);

    LabController lab(options);
    LabController::setInstance(&lab);
    ScenarioController scenarios(&lab);
    ScenarioController::setInstance(&scenarios);
    // Timeouts changed in the UI are remembered once the lab runs with them.
    QObject::connect(&lab, &LabController::timeoutsChanged, &settings, [&lab, &settings] {
        const auto t = lab.timeouts();
        settings.setTimeouts(t["electionTimeoutMs"].toInt(), t["fetchTimeoutMs"].toInt(),
                             t["heartbeatIntervalMs"].toInt(), t["sessionTimeoutMs"].toInt());
    });

    QQuickStyle::setStyle("Material");
    QQmlApplicationEngine engine;
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.addImportPath("qrc:/");  // where the Kraftlab module lives (Qt 6.4 does not look there)
    engine.load(QUrl("qrc:/Kraftlab/Main.qml"));
    if (engine.rootObjects().isEmpty()) return 1;

    lab.start();
    const int rc = QApplication::exec();
    lab.stop();
    return rc;
}
