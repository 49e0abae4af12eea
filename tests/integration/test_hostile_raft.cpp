// Forged KRaft messages on a controller's port (issue 12, item 1): the issue's Vote from a
// non-voter (candidate 999) at epoch 2147483647, and forged BeginQuorumEpoch / EndQuorumEpoch
// naming a non-voter, sent to each of 3 controllers. Each is answered with Kafka's error and
// changes nothing: one active controller in the same epoch; killing it still elects another in a
// higher, positive epoch; no quorum-state file holds a negative epoch.
//
// One lab process. Raw frames go through send_raft_request() only, which authenticates with the
// test's lab secret first (the controller listener requires SASL; test_hostile_peers shows the
// same forgeries without the secret are closed before reaching raft).

#include <QDirIterator>
#include <QtTest>
#include <climits>

#include "lab_process.h"
#include "protocol/begin_quorum_epoch.h"
#include "protocol/end_quorum_epoch.h"
#include "protocol/errors.h"
#include "protocol/header.h"
#include "protocol/vote.h"
#include "raw_connection.h"

using namespace kraftlab::testing;
using namespace kraftlab::protocol;

namespace {

// Sends one request on a fresh connection to `address`, authenticated as a lab node with the
// test's secret (controllers require SASL; these forgeries test the raft core behind it), and
// returns the response body (after its header), or nullopt if the connection closed or timed out.
template <typename Request>
std::optional<Bytes> send_raft_request(const QString& address, const Request& request,
                                       std::int16_t version) {
    RawConnection c(address);
    if (!c.connected() || c.authenticate("kraftlab-node", kTestLabSecret) != 0) return std::nullopt;
    if (!c.send_request(to_wire(Request::kKey), version, 7, request)) return std::nullopt;
    auto payload = c.read_frame();
    if (!payload) return std::nullopt;
    Reader pr(*payload);
    decode_response_header(pr, 1);  // KRaft RPCs are flexible: header v1
    return Bytes(payload->begin() + static_cast<std::ptrdiff_t>(pr.position()), payload->end());
}

// The partition error of a raft response body of type M.
template <typename M>
std::int16_t partition_error(const Bytes& body, std::int16_t version) {
    Reader r(body);
    M m;
    if (!m.decode(r, version) || m.topics.empty() || m.topics[0].partitions.empty()) return -100;
    if (m.error_code != 0) return m.error_code;
    return m.topics[0].partitions[0].error_code;
}

}  // namespace

class HostileRaftTest : public QObject {
    Q_OBJECT

  private slots:
    void forged_votes_and_epochs_from_a_non_voter_change_nothing() {
        LabProcess lab;
        QTemporaryDir secret_dir;
        const QString secret = write_lab_secret_file(secret_dir.path(), kTestLabSecret);
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "1", "--lab-secret-file", secret}));
        int active = -1;
        QVERIFY(eventually([&] { return (active = active_controller(lab.command("status"))) > 0; },
                           20'000));
        const QJsonObject status = lab.command("status");
        const int epoch = controller_status(status, active)["epoch"].toInt();
        QVERIFY(epoch > 0);

        const std::string topic = "__cluster_metadata";
        for (const auto& c : status["controllers"].toArray()) {
            const auto o = c.toObject();
            const QString address = o["host"].toString() + ":" + QString::number(o["port"].toInt());
            for (const std::int32_t forged_epoch : {INT32_MAX, epoch + 1}) {
                VoteRequest vote;
                VoteRequest::PartitionData vp;
                vp.candidate_epoch = forged_epoch;
                vp.candidate_id = 999;
                vp.last_offset_epoch = forged_epoch;
                vp.last_offset = 1'000'000;
                vote.topics.push_back({topic, {vp}});
                const auto v = send_raft_request(address, vote, 0);
                QVERIFY2(v, "no answer to the forged Vote");
                const auto ve = partition_error<VoteResponse>(*v, 0);
                QVERIFY2(ve == to_wire(ErrorCode::INCONSISTENT_VOTER_SET) ||
                             ve == to_wire(ErrorCode::INVALID_REQUEST),
                         qPrintable(QString::number(ve)));

                BeginQuorumEpochRequest begin;
                BeginQuorumEpochRequest::PartitionData bp;
                bp.leader_id = 999;
                bp.leader_epoch = forged_epoch;
                begin.topics.push_back({topic, {bp}});
                const auto b = send_raft_request(address, begin, 0);
                QVERIFY(b);
                QVERIFY(partition_error<BeginQuorumEpochResponse>(*b, 0) != 0);

                EndQuorumEpochRequest end;
                EndQuorumEpochRequest::PartitionData ep;
                ep.leader_id = 999;
                ep.leader_epoch = forged_epoch;
                end.topics.push_back({topic, {ep}});
                const auto e = send_raft_request(address, end, 0);
                QVERIFY(e);
                QVERIFY(partition_error<EndQuorumEpochResponse>(*e, 0) != 0);
            }
        }
        // Nothing moved: the same active controller in the same epoch, a while later.
        QTest::qWait(1500);
        const QJsonObject after = lab.command("status");
        QCOMPARE(active_controller(after), active);
        QCOMPARE(controller_status(after, active)["epoch"].toInt(), epoch);

        // The quorum still elects: kill the active one, another wins a higher, positive epoch.
        QVERIFY(lab.command("kill controller " + QString::number(active))["ok"].toBool());
        const auto elected = lab.wait_event(
            [&](const QJsonObject& e) {
                return e["kind"] == "controller_elected" && e["epoch"].toInt() > epoch;
            },
            20'000);
        QVERIFY2(elected, "no controller was elected after the forged messages");
        QVERIFY((*elected)["epoch"].toInt() > 0);

        // No quorum-state file holds a negative (overflowed) epoch.
        int files = 0;
        QDirIterator it(lab.data_dir(), {"quorum-state"}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const auto j = QJsonDocument::fromJson(f.readAll()).object();
            QVERIFY2(j["epoch"].toInteger(-1) >= 0 && j["epoch"].toInteger() < 1000,
                     qPrintable(f.fileName()));
            ++files;
        }
        QCOMPARE(files, 3);
        lab.quit();
    }

    // Item 7 (controller side): a controller whose quorum-state file is damaged refuses to start
    // with a node failure naming the file; the lab and the other two controllers run.
    void a_damaged_quorum_state_fails_one_controller_not_the_lab() {
        QTemporaryDir data;
        {
            LabProcess lab;
            QVERIFY(lab.start({"--controllers", "3", "--brokers", "1", "--data", data.path()}));
            QVERIFY(
                eventually([&] { return active_controller(lab.command("status")) > 0; }, 20'000));
            lab.quit();
        }
        QDirIterator it(data.path(), {"quorum-state"}, QDir::Files, QDirIterator::Subdirectories);
        QVERIFY(it.hasNext());
        const QString damaged = it.next();
        QFile f(damaged);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(R"({"epoch":"seven","voted_for":-1,"leader":-1})");
        f.close();

        LabProcess lab;
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "1", "--data", data.path()}));
        const auto failed = lab.wait_event([&](const QJsonObject& e) {
            const QString text = e["explain"].toString();
            return e["kind"] == "node_failed" && text.contains("quorum-state") &&
                   text.contains("\"epoch\"");
        });
        QVERIFY2(failed, "no node failure names the damaged quorum-state file");
        QVERIFY(eventually([&] { return active_controller(lab.command("status")) > 0; }, 20'000));
        lab.quit();
    }
};

QTEST_MAIN(HostileRaftTest)
#include "test_hostile_raft.moc"
