#include "lab_process.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <sys/resource.h>

namespace kraftlab::testing {

QString cluster_binary() {
    return QStringLiteral(KRAFTLAB_BIN_DIR "/kraftlab-cluster");
}
QString scripts_dir() {
    return QStringLiteral(KRAFTLAB_CLIENTS_DIR);
}

ClientResult run_client(const QString& program, const QStringList& args, const QByteArray& input,
                        int timeout_ms) {
    QProcess p;
    p.start(program, args);
    ClientResult r;
    if (!p.waitForStarted(10'000)) {
        r.err = ("cannot start " + program).toUtf8();
        return r;
    }
    if (!input.isEmpty()) p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeout_ms)) {
        r.timed_out = true;
        p.kill();
        p.waitForFinished(5'000);
    }
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

ClientResult run_python(const QString& script, const QStringList& args, const QByteArray& input,
                        int timeout_ms) {
    // Debian's Kafka client packages import only under the system interpreter.
    return run_client("/usr/bin/python3", QStringList{scripts_dir() + "/" + script} + args, input,
                      timeout_ms);
}

LabProcess::~LabProcess() {
    if (process_.state() != QProcess::NotRunning) {
        quit(10'000);
        kill_process();
    }
}

bool LabProcess::start(QStringList args, int timeout_ms) {
    if (!args.contains("--data")) {
        // KRAFTLAB_TEST_KEEP_DATA=1 keeps the session for a post-mortem (a flaky failure's logs).
        if (qEnvironmentVariableIsSet("KRAFTLAB_TEST_KEEP_DATA")) temp_.setAutoRemove(false);
        data_dir_ = temp_.path() + "/session";
        args << "--data" << data_dir_;
    }
    process_.setProgram(cluster_binary());
    process_.setArguments(args);
    process_.setProcessChannelMode(QProcess::SeparateChannels);
    if (descriptor_limit_ > 0) {
        const rlim_t n = static_cast<rlim_t>(descriptor_limit_);
        process_.setChildProcessModifier([n] {
            struct rlimit rl {
                n, n
            };
            ::setrlimit(RLIMIT_NOFILE, &rl);
        });
    }
    process_.start();
    if (!process_.waitForStarted(10'000)) {
        qWarning() << "kraftlab-cluster did not start";
        return false;
    }
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeout_ms) {
        pump(200);
        for (const auto& r : replies_) {
            if (r["type"] == "error") {
                qWarning() << "kraftlab-cluster failed:" << r;
                return false;
            }
        }
        if (!bootstrap_.isEmpty()) return true;
        if (process_.state() == QProcess::NotRunning) break;
    }
    qWarning() << "no ready line; stderr:" << process_.readAllStandardError();
    return false;
}

void LabProcess::pump(int timeout_ms) {
    if (process_.bytesAvailable() == 0) process_.waitForReadyRead(timeout_ms);
    buffer_ += process_.readAllStandardOutput();
    int nl;
    while ((nl = buffer_.indexOf('\n')) >= 0) {
        QByteArray line = buffer_.left(nl);
        buffer_.remove(0, nl + 1);
        QJsonParseError error{};
        auto doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            qWarning() << "not a JSON line on stdout:" << line;
            continue;
        }
        QJsonObject obj = doc.object();
        const QString type = obj["type"].toString();
        if (type == "ready") {
            bootstrap_ = obj["bootstrap"].toString();
            data_dir_ = obj["data"].toString();
        } else if (type == "event") {
            events_.append(obj);
        } else if (type == "rpc") {
            rpcs_.append(obj);
        } else {
            replies_.append(obj);
        }
    }
}

QJsonObject LabProcess::command(const QString& line, int timeout_ms) {
    const qsizetype before = replies_.size();
    process_.write((line + "\n").toUtf8());
    process_.waitForBytesWritten(5'000);
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeout_ms) {
        if (replies_.size() > before) return replies_[before];
        if (process_.state() == QProcess::NotRunning) break;
        pump(100);
    }
    return QJsonObject{{"type", "timeout"}, {"ok", false}, {"error", "no reply to: " + line}};
}

std::optional<QJsonObject> LabProcess::wait_event(
    const std::function<bool(const QJsonObject&)>& match, int timeout_ms) {
    QElapsedTimer t;
    t.start();
    qsizetype checked = 0;
    for (;;) {
        for (; checked < events_.size(); ++checked) {
            if (match(events_[checked])) return events_[checked];
        }
        if (t.elapsed() >= timeout_ms || process_.state() == QProcess::NotRunning)
            return std::nullopt;
        pump(100);
    }
}

std::optional<QJsonObject> LabProcess::wait_event_kind(const QString& kind, int timeout_ms) {
    return wait_event([&](const QJsonObject& e) { return e["kind"] == kind; }, timeout_ms);
}

QString LabProcess::broker_address(int id) {
    auto status = command("status");
    for (const auto& b : status["brokers"].toArray()) {
        auto o = b.toObject();
        if (o["id"].toInt() == id)
            return o["host"].toString() + ":" + QString::number(o["port"].toInt());
    }
    return {};
}

int LabProcess::quit(int timeout_ms) {
    if (process_.state() == QProcess::NotRunning) return process_.exitCode();
    process_.write("quit\n");
    process_.closeWriteChannel();
    QElapsedTimer t;
    t.start();
    while (process_.state() != QProcess::NotRunning && t.elapsed() < timeout_ms)
        pump(100);
    if (process_.state() != QProcess::NotRunning) return -1;
    pump(0);
    // A node whose thread had to be stopped after the grace period leaked a wait (a connection
    // nobody closed, a wait nobody cancels): a bug, whatever the test was about.
    for (const auto& e : events_) {
        if (e["kind"].toString() == "node_failed" && e["stop_forced"].toBool()) {
            qWarning().noquote() << "a node's stop was forced:" << e["explain"].toString();
            return -2;
        }
    }
    return process_.exitCode();
}

void LabProcess::kill_process() {
    if (process_.state() == QProcess::NotRunning) return;
    process_.kill();
    process_.waitForFinished(5'000);
}

QJsonObject controller_status(const QJsonObject& status, int id) {
    for (const auto& c : status["controllers"].toArray()) {
        if (c.toObject()["id"].toInt() == id) return c.toObject();
    }
    return {};
}

int active_controller(const QJsonObject& status) {
    int active = -1;
    for (const auto& c : status["controllers"].toArray()) {
        const auto o = c.toObject();
        if (o["up"].toBool() && o["active"].toBool()) {
            if (active != -1) return -2;
            active = o["id"].toInt();
        }
    }
    return active;
}

QMap<int, PartitionView> partitions_of(const QJsonObject& status, const QString& topic) {
    QMap<int, PartitionView> out;
    for (const auto& t : status["topics"].toArray()) {
        if (t.toObject()["name"] != topic) continue;
        for (const auto& p : t.toObject()["partitions"].toArray()) {
            auto o = p.toObject();
            PartitionView v;
            v.leader = o["leader"].toInt();
            for (const auto& r : o["replicas"].toArray())
                v.replicas.append(r.toInt());
            for (const auto& r : o["isr"].toArray())
                v.isr.append(r.toInt());
            for (const auto& r : o["adding_replicas"].toArray())
                v.adding.append(r.toInt());
            out[o["partition"].toInt()] = v;
        }
    }
    return out;
}

}  // namespace kraftlab::testing
