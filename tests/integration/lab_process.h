// Test harness: runs kraftlab-cluster as a child process, reads its JSON lines, sends commands,
// and runs real Kafka clients (kcat, Python clients under /usr/bin/python3) against it.
#pragma once

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <optional>

namespace kraftlab::testing {

// Where CMake put the binaries and the test scripts.
QString cluster_binary();
QString scripts_dir();

struct ClientResult {
    int exit_code = -1;
    QByteArray out;
    QByteArray err;
    bool timed_out = false;
    bool ok() const { return !timed_out && exit_code == 0; }
};

// Runs a program to completion, feeding `input` on stdin.
ClientResult run_client(const QString& program, const QStringList& args,
                        const QByteArray& input = {}, int timeout_ms = 60'000);
// /usr/bin/python3 with a script from tests/integration/clients/.
ClientResult run_python(const QString& script, const QStringList& args,
                        const QByteArray& input = {}, int timeout_ms = 60'000);

class LabProcess {
  public:
    LabProcess() = default;
    ~LabProcess();

    // Starts kraftlab-cluster with these arguments plus --data in a fresh temporary directory
    // (unless the arguments name one). Returns false (with QWARN output) if no ready line came.
    bool start(QStringList args, int timeout_ms = 20'000);
    // Before start(): the child runs with RLIMIT_NOFILE's soft and hard limits both at n, so the
    // lab cannot raise them (a desktop's low limit, made strict).
    void set_descriptor_limit(int n) { descriptor_limit_ = n; }
    // Sends "quit" and waits for the process to end; returns its exit code, or -2 when a node
    // had to be forced to stop (lab_process.cpp), -1 when the process did not end in time.
    int quit(int timeout_ms = 20'000);
    void kill_process();

    QString bootstrap() const { return bootstrap_; }
    QString data_dir() const { return data_dir_; }
    qint64 pid() const { return process_.processId(); }

    // Sends one command and waits for its reply line.
    QJsonObject command(const QString& line, int timeout_ms = 20'000);
    // Waits for an event matching the predicate (events seen earlier count too).
    std::optional<QJsonObject> wait_event(const std::function<bool(const QJsonObject&)>& match,
                                          int timeout_ms = 20'000);
    std::optional<QJsonObject> wait_event_kind(const QString& kind, int timeout_ms = 20'000);
    const QList<QJsonObject>& events() const { return events_; }
    // The RPC lines of a lab started with --rpc-events, as read so far.
    const QList<QJsonObject>& rpcs() const { return rpcs_; }
    // The broker's "127.0.0.1:port" from the last status.
    QString broker_address(int id);

  private:
    void pump(int timeout_ms);

    QProcess process_;
    QTemporaryDir temp_;
    QByteArray buffer_;
    QString bootstrap_;
    QString data_dir_;
    QList<QJsonObject> events_;
    QList<QJsonObject> rpcs_;
    QList<QJsonObject> replies_;
    int descriptor_limit_ = 0;
};

// A partition as the lab's status reports it (from the controllers' metadata).
struct PartitionView {
    int leader = -2;
    QList<int> replicas;
    QList<int> isr;
    QList<int> adding;  // a reassignment in progress
};
// partition -> its view, for one topic of a `status` reply.
QMap<int, PartitionView> partitions_of(const QJsonObject& status, const QString& topic);
// One controller's entry of a `status` reply (empty if there is none with this id).
QJsonObject controller_status(const QJsonObject& status, int id);
// The id of the one up and active controller; -1 if none, -2 if two claim it (never acceptable).
int active_controller(const QJsonObject& status);

// Polls pred (processing Qt events between tries) until it holds or timeout_ms passes.
template <typename Pred>
bool eventually(Pred pred, int timeout_ms) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeout_ms) {
        if (pred()) return true;
        QTest::qWait(50);
    }
    return pred();
}

}  // namespace kraftlab::testing
