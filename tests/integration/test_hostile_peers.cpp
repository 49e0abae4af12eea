// Only the lab's nodes join (issue 12, item 9): from a raw local socket without the lab secret, a
// forged BrokerRegistration (broker 99), heartbeats for a live and a killed broker, a follower
// Fetch claiming a killed broker's replica id, and Vote / BeginQuorumEpoch at high epochs are each
// refused (the controller closes the connection, the broker answers TOPIC_AUTHORIZATION_FAILED),
// and the lab afterwards is as it would be without them: no broker 99, the killed broker fenced
// and out of the ISR, the same active controller in the same epoch. With a wrong password the
// authentication is refused; with the right secret but another cluster id, raft and registration
// requests get INCONSISTENT_CLUSTER_ID. A controller listener full of idle strangers still lets a
// restarted broker register.
//
// One lab process (3 controllers, 3 brokers) with a known secret (--lab-secret-file).
#include <QtTest>
#include <climits>
#include <memory>
#include <vector>

#include "lab_process.h"
#include "protocol/begin_quorum_epoch.h"
#include "protocol/broker_heartbeat.h"
#include "protocol/broker_registration.h"
#include "protocol/errors.h"
#include "protocol/fetch.h"
#include "protocol/vote.h"
#include "raw_connection.h"

using namespace kraftlab::testing;
using namespace kraftlab::protocol;

namespace {

const std::string kMetadataTopic = "__cluster_metadata";

QString address_of(const QJsonObject& node) {
    return node["host"].toString() + ":" + QString::number(node["port"].toInt());
}

QJsonObject broker_status(const QJsonObject& status, int id) {
    for (const auto& b : status["brokers"].toArray()) {
        if (b.toObject()["id"].toInt() == id) return b.toObject();
    }
    return {};
}

VoteRequest forged_vote(std::int32_t epoch, std::optional<std::string> cluster_id) {
    VoteRequest vote;
    vote.cluster_id = std::move(cluster_id);
    VoteRequest::PartitionData p;
    p.candidate_epoch = epoch;
    p.candidate_id = 101;  // claims to be a voter
    p.last_offset_epoch = epoch;
    p.last_offset = 1'000'000;
    vote.topics.push_back({kMetadataTopic, {p}});
    return vote;
}

BrokerRegistrationRequest forged_registration(std::string cluster_id) {
    BrokerRegistrationRequest r;
    r.broker_id = 99;
    r.cluster_id = std::move(cluster_id);
    r.incarnation_id = Uuid{0x1234, 0x5678};
    r.listeners.push_back({"PLAINTEXT", "127.0.0.1", 9, 0});
    r.features.push_back({"metadata.version", 1, 20});
    return r;
}

// Sends the request on a fresh connection without authenticating; true if the peer closed the
// connection without answering.
template <typename Request>
bool closed_without_answer(const QString& address, const Request& request, std::int16_t version) {
    RawConnection c(address);
    if (!c.connected() || !c.send_request(to_wire(Request::kKey), version, 1, request))
        return false;
    return !c.read_frame(5000).has_value();
}

}  // namespace

class HostilePeersTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    LabProcess lab;
    QJsonObject status;
    int active = -1;
    int epoch = -1;

    void refresh() { status = lab.command("status"); }
    QStringList controller_addresses() {
        QStringList out;
        for (const auto& c : status["controllers"].toArray()) {
            if (c.toObject()["up"].toBool()) out << address_of(c.toObject());
        }
        return out;
    }
    QString active_address() { return address_of(controller_status(status, active)); }

  private slots:
    void initTestCase() {
        const QString secret = write_lab_secret_file(dir.path(), kTestLabSecret);
        QVERIFY(!secret.isEmpty());
        QVERIFY(lab.start({"--controllers", "3", "--brokers", "3", "--lab-secret-file", secret}));
        QVERIFY(lab.command("create-topic hp 1 3")["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                refresh();
                return (active = active_controller(status)) > 0 &&
                       partitions_of(status, "hp").value(0).isr.size() == 3;
            },
            20'000));
        epoch = controller_status(status, active)["epoch"].toInt();
        QVERIFY(epoch > 0);
    }
    void cleanupTestCase() { QCOMPARE(lab.quit(), 0); }

    void a_secret_file_readable_by_others_is_refused() {
        QTemporaryDir d;
        const QString path = write_lab_secret_file(d.path(), "x");
        QFile(path).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                   QFileDevice::ReadOther);
        auto r = run_client(cluster_binary(), {"--lab-secret-file", path}, {}, 10'000);
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.contains("may be read by its group or others"), r.err.constData());
    }

    void forged_control_plane_requests_are_refused_and_change_nothing() {
        const int leader = partitions_of(status, "hp").value(0).leader;
        int victim = 0;
        for (int b : {1, 2, 3}) {
            if (b != leader) victim = b;
        }
        int live = 6 - leader - victim;  // the third broker
        QVERIFY(lab.command("kill broker " + QString::number(victim))["ok"].toBool());
        const QString leader_address = address_of(broker_status(status, leader));

        QElapsedTimer t;
        t.start();
        // Keep forging for longer than the session timeout (3 s) and replica.lag.time.max.ms.
        while (t.elapsed() < 5000) {
            for (const auto& c : controller_addresses()) {
                QVERIFY(closed_without_answer(
                    c, forged_registration(status["cluster_id"].toString().toStdString()), 0));
                for (int id : {victim, live}) {
                    BrokerHeartbeatRequest hb;
                    hb.broker_id = id;
                    hb.broker_epoch = 0;
                    hb.want_fence = id == live;  // fence the live one, keep the dead one alive
                    hb.current_metadata_offset = INT32_MAX;
                    QVERIFY(closed_without_answer(c, hb, 0));
                }
                QVERIFY(closed_without_answer(c, forged_vote(INT32_MAX - 1, std::nullopt), 0));
                BeginQuorumEpochRequest begin;
                BeginQuorumEpochRequest::PartitionData bp;
                bp.leader_id = 102;
                bp.leader_epoch = epoch + 1000;
                begin.topics.push_back({kMetadataTopic, {bp}});
                QVERIFY(closed_without_answer(c, begin, 0));
            }
            // The killed broker's follower fetch, at the leader's log end (0: nothing produced).
            RawConnection b(leader_address);
            FetchRequest fetch;
            fetch.replica_id = victim;
            fetch.max_bytes = 1 << 20;
            FetchRequest::FetchPartition part;
            part.partition = 0;
            part.fetch_offset = 0;  // the topic is empty: caught up, were it believed
            part.partition_max_bytes = 1 << 20;
            FetchRequest::FetchTopic topic;
            topic.topic = "hp";
            topic.partitions.push_back(part);
            fetch.topics.push_back(topic);
            auto answer = b.call<FetchResponse>(4, fetch);
            QVERIFY2(answer, "the broker did not answer the follower fetch");
            QCOMPARE(answer->responses.at(0).partitions.at(0).error_code,
                     to_wire(ErrorCode::TOPIC_AUTHORIZATION_FAILED));
            QTest::qWait(200);
        }
        refresh();
        QCOMPARE(active_controller(status), active);
        QCOMPARE(controller_status(status, active)["epoch"].toInt(), epoch);
        QVERIFY(eventually(
            [&] {
                refresh();
                return broker_status(status, victim)["fenced"].toBool() &&
                       !partitions_of(status, "hp").value(0).isr.contains(victim);
            },
            10'000));
        QCOMPARE(broker_status(status, live)["fenced"].toBool(true), false);
        for (const auto& e : lab.events()) {
            QVERIFY2(!e["explain"].toString().contains("broker 99"),
                     qPrintable(e["explain"].toString()));
        }
        QVERIFY(lab.command("restart broker " + QString::number(victim))["ok"].toBool());
    }

    void a_wrong_password_is_refused() {
        for (const auto& c : controller_addresses()) {
            RawConnection conn(c);
            QCOMPARE(conn.authenticate("kraftlab-node", "guess"),
                     to_wire(ErrorCode::SASL_AUTHENTICATION_FAILED));
            // The connection serves nothing after that.
            QVERIFY(!conn.call<VoteResponse>(0, forged_vote(epoch + 1, std::nullopt)));
        }
    }

    void the_right_secret_with_another_cluster_id_is_inconsistent() {
        refresh();
        active = active_controller(status);
        QVERIFY(active > 0);
        epoch = controller_status(status, active)["epoch"].toInt();
        RawConnection conn(active_address());
        QCOMPARE(conn.authenticate("kraftlab-node", kTestLabSecret), std::int16_t{0});
        QVERIFY(conn.send_request(to_wire(ApiKey::Vote), 0, 50,
                                  forged_vote(epoch + 5, std::string("another-cluster"))));
        auto frame = conn.read_frame();
        QVERIFY(frame);
        Reader r(*frame);
        QCOMPARE(decode_response_header(r, 1), 50);
        VoteResponse vote;
        QVERIFY(vote.decode(r, 0));
        QCOMPARE(vote.error_code, to_wire(ErrorCode::INCONSISTENT_CLUSTER_ID));

        QVERIFY(conn.send_request(to_wire(ApiKey::BrokerRegistration), 0, 51,
                                  forged_registration("another-cluster")));
        frame = conn.read_frame();
        QVERIFY(frame);
        Reader rr(*frame);
        QCOMPARE(decode_response_header(rr, 1), 51);
        BrokerRegistrationResponse reg;
        QVERIFY(reg.decode(rr, 0));
        QCOMPARE(reg.error_code, to_wire(ErrorCode::INCONSISTENT_CLUSTER_ID));
        refresh();
        QCOMPARE(active_controller(status), active);
        QCOMPARE(controller_status(status, active)["epoch"].toInt(), epoch);
    }

    void idle_strangers_do_not_keep_a_restarting_broker_out() {
        refresh();
        std::vector<std::unique_ptr<RawConnection>> strangers;
        for (const auto& c : controller_addresses()) {
            for (int i = 0; i < 40; ++i)
                strangers.push_back(std::make_unique<RawConnection>(c));
        }
        QVERIFY(lab.command("kill broker 2")["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                refresh();
                return broker_status(status, 2)["fenced"].toBool();
            },
            10'000));
        QVERIFY(lab.command("restart broker 2")["ok"].toBool());
        QVERIFY(eventually(
            [&] {
                refresh();
                return broker_status(status, 2)["fenced"].toBool(true) == false;
            },
            15'000));
    }
};

QTEST_GUILESS_MAIN(HostilePeersTest)
#include "test_hostile_peers.moc"
