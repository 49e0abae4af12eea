// kraftlab-bench-ui: the desktop app offscreen under load. A built-in producer writes 100-byte
// records at a target rate (default 100,000/s) over a 12-partition topic while the full UI runs;
// the benchmark reports frame times (p50/p95/p99), the GUI thread's share of one CPU, and the
// producer's acknowledged rate. In the same invocation it runs the same workload on a headless
// lab (no UI) and prints the ratio of the two rates. Never part of the test verdict.
//
//   kraftlab-bench-ui [--seconds S] [--rate R] [--partitions P] [--warmup S] [--kill-after S]
//                     [--network]
//
// --rate 0 runs no producer (the app idle over a lab with P partitions; no headless comparison).
// --kill-after S kills broker 2 S seconds into the measurement: with many partitions, a flood of
// ISR and leader events (the event list folds them) and a redraw of every partition row.
// Partition 0 of the topic is selected, as a teacher would: its replication lanes are drawn.
// --network shows the Network place instead (the ring and the sequence diagram of every RPC,
// issue 14): the diagram drains the RPC tap each frame and folds arrows, and its cost is in the
// frame times; the RPCs the tap recorded per second are reported beside them.
//
// Frame time: the app asks for a new frame every 16 ms (as a 60 Hz display would). Reported:
// each frame's cost from the start of the scene graph's synchronisation to the end of rendering;
// the interval between presented frames (what a viewer sees: it grows when the GUI thread is
// busy); and the lab's own frame handler (draining events and snapshots into the models). All
// on the GUI thread, with the offscreen software renderer.
#include <sys/syscall.h>
#include <unistd.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "app_settings.h"
#include "lab_controller.h"

namespace {

struct Options {
    int seconds = 20;
    int warmup = 3;
    double rate = 100'000;
    int partitions = 12;
    int kill_after = -1;   // seconds into the measurement; -1: no kill
    bool network = false;  // the Network place under the topics, not the replication lanes
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

// CPU seconds used by one thread (utime + stime from /proc).
double thread_cpu_seconds(pid_t tid) {
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string line;
    std::getline(in, line);
    auto close = line.rfind(')');
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stol(field);
        if (i == 15) stime = std::stol(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

kraftlab::lab::ProducerConfig producer(const Options& o) {
    kraftlab::lab::ProducerConfig c;
    c.topic = "load";
    c.records_per_second = o.rate;
    c.value_bytes = 100;
    c.key_pattern = kraftlab::lab::KeyPattern::RandomKeys;
    c.random_key_count = 1000;
    c.partitioner = kraftlab::lab::PartitionerKind::RoundRobin;
    c.acks = 1;
    return c;
}

std::uint64_t acked(kraftlab::lab::Cluster& cluster) {
    std::uint64_t n = 0;
    for (const auto& p : cluster.snapshots().producers())
        n += p->records_acked_total;
    return n;
}

// The same workload without any UI: the reference rate.
double headless_rate(const Options& o) {
    QTemporaryDir dir;
    kraftlab::lab::LabConfig config;
    config.brokers = 3;
    config.data_dir = (dir.path() + "/lab").toStdString();
    kraftlab::lab::Cluster cluster(config);
    if (auto e = cluster.start()) {
        fprintf(stderr, "headless lab: %s\n", e->c_str());
        return 0;
    }
    cluster.create_topic("load", o.partitions);
    cluster.add_producer(producer(o));
    std::this_thread::sleep_for(std::chrono::seconds(o.warmup));
    const auto a0 = acked(cluster);
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
    const auto a1 = acked(cluster);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    cluster.stop();
    return static_cast<double>(a1 - a0) / s;
}

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("QT_QUICK_BACKEND")) qputenv("QT_QUICK_BACKEND", "software");
    QApplication app(argc, argv);

    Options o;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        auto next = [&] { return i + 1 < args.size() ? args[++i] : QString(); };
        if (args[i] == "--seconds")
            o.seconds = next().toInt();
        else if (args[i] == "--warmup")
            o.warmup = next().toInt();
        else if (args[i] == "--rate")
            o.rate = next().toDouble();
        else if (args[i] == "--partitions")
            o.partitions = next().toInt();
        else if (args[i] == "--kill-after")
            o.kill_after = next().toInt();
        else if (args[i] == "--network")
            o.network = true;
        else {
            fprintf(stderr,
                    "usage: kraftlab-bench-ui [--seconds S] [--warmup S] [--rate R] [--partitions "
                    "P] [--kill-after S] [--network]\n");
            return 2;
        }
    }
    if (o.seconds < 1 || o.rate < 0 || o.partitions < 1) {
        fprintf(stderr,
                "kraftlab-bench-ui: seconds and partitions must be positive, the rate 0 or more\n");
        return 2;
    }

    QTemporaryDir dir;
    AppSettings settings(dir.path() + "/settings.ini", nullptr);
    settings.setWindowGeometry(QRect(0, 0, 1600, 960));
    AppSettings::setInstance(&settings);
    LabController::Options options;
    options.lab.brokers = 3;
    options.lab.data_dir = (dir.path() + "/lab").toStdString();
    options.default_workload = false;
    LabController lab(options);
    LabController::setInstance(&lab);

    QQuickStyle::setStyle("Material");
    QQmlApplicationEngine engine;
    engine.addImportPath("qrc:/");  // where the Kraftlab module lives (Qt 6.4 does not look there)
    engine.load(QUrl("qrc:/Kraftlab/Main.qml"));
    if (engine.rootObjects().isEmpty()) return 1;
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());

    // Frame costs, measured on the GUI thread (the software renderer renders there).
    std::vector<double> frame_ms;
    std::vector<double> interval_ms;  // between presented frames: what a viewer sees
    bool measuring = false;
    QElapsedTimer frame_clock;
    QElapsedTimer interval_clock;
    QObject::connect(
        window, &QQuickWindow::beforeSynchronizing, window, [&] { frame_clock.start(); },
        Qt::DirectConnection);
    QObject::connect(
        window, &QQuickWindow::frameSwapped, window,
        [&] {
            if (measuring && frame_clock.isValid())
                frame_ms.push_back(static_cast<double>(frame_clock.nsecsElapsed()) / 1e6);
            if (measuring && interval_clock.isValid())
                interval_ms.push_back(static_cast<double>(interval_clock.nsecsElapsed()) / 1e6);
            interval_clock.start();
        },
        Qt::DirectConnection);
    std::vector<double> handler_ms;
    QObject::connect(&lab, &LabController::frame, &lab, [&] {
        if (measuring) handler_ms.push_back(lab.lastFrameCostMs());
    });
    QTimer vsync;
    vsync.setTimerType(Qt::PreciseTimer);
    vsync.setInterval(16);
    QObject::connect(&vsync, &QTimer::timeout, window, [&] { window->update(); });

    const pid_t gui_tid = static_cast<pid_t>(syscall(SYS_gettid));
    double cpu0 = 0, wall0 = 0;
    std::uint64_t acked0 = 0;
    double rpcs0 = 0, rpc_rate = 0;
    QElapsedTimer wall;
    double ui_rate = 0, gui_share = 0;
    int events0 = 0, event_lines = 0;

    QObject::connect(&lab, &LabController::started, &app, [&](bool ok, const QString& message) {
        if (!ok) {
            fprintf(stderr, "the lab did not start: %s\n", qPrintable(message));
            app.exit(1);
            return;
        }
        lab.createTopic("load", o.partitions);
        lab.select("", "load", 0);
        if (o.network) {
            // After the selection, which brings the replication lanes forward.
            QTimer::singleShot(200, window, [&] {
                if (auto* tabs = window->findChild<QObject*>("bottomTabs"))
                    tabs->setProperty("currentIndex", 2);
            });
        }
        if (o.rate > 0)
            lab.addProducer({{"topic", "load"},
                             {"rate", o.rate},
                             {"valueBytes", 100},
                             {"keyPattern", "random"},
                             {"randomKeys", 1000},
                             {"partitioner", "round-robin"},
                             {"acks", 1}});
        vsync.start();
        QTimer::singleShot(o.warmup * 1000, &app, [&] {
            measuring = true;
            wall.start();
            cpu0 = thread_cpu_seconds(gui_tid);
            acked0 = acked(*lab.cluster());
            rpcs0 = lab.rpcs()->recorded();
            events0 = lab.events()->rowCount();
            if (o.kill_after >= 0)
                QTimer::singleShot(o.kill_after * 1000, &app, [&] { lab.killBroker(2); });
            QTimer::singleShot(o.seconds * 1000, &app, [&] {
                measuring = false;
                wall0 = static_cast<double>(wall.elapsed()) / 1000.0;
                gui_share = (thread_cpu_seconds(gui_tid) - cpu0) / wall0;
                ui_rate = static_cast<double>(acked(*lab.cluster()) - acked0) / wall0;
                rpc_rate = (lab.rpcs()->recorded() - rpcs0) / wall0;
                event_lines = lab.events()->rowCount() - events0;
                app.quit();
            });
        });
    });
    lab.start();
    const int rc = QApplication::exec();
    if (rc != 0) return rc;
    lab.stop();

    double headless = 0;
    if (o.rate > 0) {
        fprintf(stderr, "running the same workload headless for comparison...\n");
        headless = headless_rate(o);
    }

    printf(
        "\nkraftlab-bench-ui: %d s measured after %d s warm-up; producer target %.0f records/s, "
        "100-byte "
        "values, acks=1, %d partitions, 3 brokers; offscreen, %s renderer\n\n",
        o.seconds, o.warmup, o.rate, o.partitions, qgetenv("QT_QUICK_BACKEND").constData());
    printf("frames measured            %zu\n", frame_ms.size());
    printf("place under the topics     %s; RPCs on the lab network %.0f/s\n",
           o.network ? "Network (ring and sequence diagram)" : "Replication lanes", rpc_rate);
    printf(
        "frame time (sync+render)   p50 %.2f ms   p95 %.2f ms   p99 %.2f ms   (budget 16.7 ms)\n",
        percentile(frame_ms, 0.50), percentile(frame_ms, 0.95), percentile(frame_ms, 0.99));
    printf(
        "frame interval             p50 %.2f ms   p95 %.2f ms   p99 %.2f ms   (a frame is asked "
        "for every 16 ms)\n",
        percentile(interval_ms, 0.50), percentile(interval_ms, 0.95),
        percentile(interval_ms, 0.99));
    printf("lab frame handler          p50 %.2f ms   p95 %.2f ms   p99 %.2f ms\n",
           percentile(handler_ms, 0.50), percentile(handler_ms, 0.95),
           percentile(handler_ms, 0.99));
    printf("GUI thread CPU             %.1f %% of one core\n", gui_share * 100);
    printf("event list lines added     %d%s\n", event_lines,
           o.kill_after >= 0 ? "   (broker 2 killed during the measurement)" : "");
    if (o.rate == 0) return 0;
    printf("acknowledged, with UI      %.0f records/s\n", ui_rate);
    printf("acknowledged, headless     %.0f records/s\n", headless);
    printf("ratio UI / headless        %.3f   (goal >= 0.90%s)\n",
           headless > 0 ? ui_rate / headless : 0,
           o.kill_after >= 0 ? "; the headless run kills no broker: not comparable" : "");
    return 0;
}
