// The app's list models under QAbstractItemModelTester: rows appear, change and go with the
// right signals; events stay bounded and newest first; filters and chart series behave.
#include <QAbstractItemModelTester>
#include <QLineSeries>
#include <QSignalSpy>
#include <QtTest>
#include <random>

#include "chart_feeder.h"
#include "models/broker_model.h"
#include "models/consumer_model.h"
#include "models/controller_model.h"
#include "models/election_model.h"
#include "models/event_model.h"
#include "models/producer_model.h"
#include "models/replica_lane_model.h"
#include "models/topic_model.h"

using kraftlab::core::BrokerSnapshot;
using kraftlab::core::ControllerSnapshot;
using kraftlab::core::Event;
using kraftlab::core::EventKind;
using kraftlab::core::NodeRef;

namespace {

BrokerRow broker(int id, bool up = true) {
    BrokerRow r;
    r.id = id;
    r.address = QString("127.0.0.1:%1").arg(9091 + id);
    r.up = up;
    r.state = up ? "unfenced" : "down";
    return r;
}

Event make_event(EventKind kind, NodeRef node, QString explain) {
    Event e;
    e.time_ms = 1700000000000;
    e.kind = kind;
    e.node = node;
    e.explain = explain.toStdString();
    return e;
}

// A controller's snapshot as the engine publishes it.
std::shared_ptr<const ControllerSnapshot> controller(int id, const std::string& role, int epoch,
                                                     int leader, int voted_for, qint64 leo,
                                                     qint64 hw, bool up = true) {
    auto s = std::make_shared<ControllerSnapshot>();
    s->id = id;
    s->up = up;
    s->role = role;
    s->epoch = epoch;
    s->leader = leader;
    s->voted_for = voted_for;
    s->log_end_offset = leo;
    s->high_watermark = hw;
    s->applied_offset = hw - 1;
    s->active = role == "leader";
    s->election_timeout_ms = 1000;
    s->fetch_timeout_ms = 2000;
    return s;
}

std::vector<ControllerModel::Node> quorum(bool first_running = true) {
    return {{101, "127.0.0.1", 40101, first_running},
            {102, "127.0.0.1", 40102, true},
            {103, "127.0.0.1", 40103, true}};
}

constexpr qint64 kT0 = 1700000000000;
// Lab time at kT0's moment. The election events below run their wall clock three times as fast
// as lab time (a lab slowed to 1/3): the timeline must measure on lab time.
constexpr qint64 kLab0 = 20000;

// Quorum events as the controllers publish them (engine/controller/controller_node.cpp).
Event election_started(int candidate, int epoch, qint64 at_ms, std::string reason) {
    Event e;
    e.time_ms = kT0 + 3 * at_ms;
    e.lab_ms = kLab0 + at_ms;
    e.kind = EventKind::ElectionStarted;
    e.node = NodeRef::controller(candidate);
    e.data = {{"epoch", epoch}, {"candidate", candidate}, {"reason", reason}};
    return e;
}

Event vote(int voter, int candidate, int epoch, qint64 at_ms, bool granted, std::string reason) {
    Event e;
    e.time_ms = kT0 + 3 * at_ms;
    e.lab_ms = kLab0 + at_ms;
    e.kind = granted ? EventKind::VoteCast : EventKind::VoteRefused;
    e.node = NodeRef::controller(voter);
    e.data = {{"epoch", epoch}, {"candidate", candidate}, {"voter", voter}, {"reason", reason}};
    return e;
}

Event elected(int winner, int epoch, qint64 at_ms, std::vector<int> votes) {
    Event e;
    e.time_ms = kT0 + 3 * at_ms;
    e.lab_ms = kLab0 + at_ms;
    e.kind = EventKind::ControllerElected;
    e.node = NodeRef::controller(winner);
    e.data = {{"epoch", epoch}, {"candidate", winner}, {"votes", votes}};
    return e;
}

// Partition orders-1 on three brokers as each would publish it: broker 1 leads epoch 4 with log
// end 120 and high watermark 118; broker 2 follows in the ISR (118 records); broker 3 follows out
// of it (90 records, last caught up 4.2 s ago, replica.lag.time.max.ms 3 s).
struct Orders1 {
    std::uint64_t fetches_2 = 40;
    std::uint64_t fetches_3 = 12;
    std::string isr_change_reason;
    bool broker_3_up = true;
    std::string broker_3_error;
    bool leader_knows_3 = true;  // the leader reports follower 3's progress
    std::int64_t caught_up_age_3 = 4200;
    // Produce requests for orders-1 forwarded to leader 1, by broker 3 and by broker 4 (which
    // holds no replica of it); 0: never.
    std::uint64_t forwarded_3 = 0;
    std::uint64_t forwarded_4 = 0;

    std::shared_ptr<const BrokerSnapshot> broker(int id) const {
        auto s = std::make_shared<BrokerSnapshot>();
        s->id = id;
        s->up = id != 3 || broker_3_up;
        s->replica_lag_time_max_ms = 3000;
        s->flush_interval_ms = 1000;
        kraftlab::core::PartitionSnapshot p;
        p.topic = "orders";
        p.partition = 1;
        p.leader = 1;
        p.leader_epoch = 4;
        p.partition_epoch = 7;
        p.replicas = {1, 2, 3};
        p.isr = {1, 2};
        p.is_leader = id == 1;
        p.log_end_offset = id == 1 ? 120 : id == 2 ? 118 : 90;
        p.high_watermark = id == 3 ? 85 : 118;
        p.flushed_offset = id == 1 ? 100 : 80;
        if (id == 1) {
            p.followers = {{2, 118, true, 150, 20, fetches_2}};
            if (leader_knows_3)
                p.followers.push_back({3, 90, false, caught_up_age_3, 30, fetches_3});
            p.isr_change_reason = isr_change_reason;
        } else {
            p.fetches_to_leader_total = id == 2 ? fetches_2 : fetches_3;
            if (id == 3) p.follower_error = broker_3_error;
        }
        // Another partition on the same broker: not in the lanes.
        kraftlab::core::PartitionSnapshot other = p;
        other.partition = 0;
        other.log_end_offset = 5000;
        s->partitions = {other, p};
        if (id == 3 && forwarded_3) s->forwarded = {{"orders", 1, 1, forwarded_3}};
        return s;
    }
    std::vector<std::shared_ptr<const BrokerSnapshot>> board() const {
        // The board lists brokers in id order; the model must not depend on it.
        std::vector<std::shared_ptr<const BrokerSnapshot>> out = {broker(3), broker(1), broker(2)};
        if (forwarded_4) {
            auto b4 = std::make_shared<BrokerSnapshot>();
            b4->id = 4;
            b4->up = true;
            b4->forwarded = {{"orders", 0, 2, 99}, {"orders", 1, 1, forwarded_4}};
            out.push_back(b4);
        }
        return out;
    }
};

QVariantMap map_at(const QVariantList& list, int i) {
    return list.at(i).toMap();
}

}  // namespace

class ModelsTest : public QObject {
    Q_OBJECT

  private slots:
    void broker_model_inserts_changes_and_removes() {
        BrokerModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.update({broker(1), broker(2), broker(3)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(1).data(BrokerModel::AddressRole).toString(),
                 QString("127.0.0.1:9093"));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.update({broker(1), broker(2, false), broker(3)});
        QCOMPARE(changed.count(), 1);  // only broker 2's row
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(model.index(1).data(BrokerModel::StateRole).toString(), QString("down"));

        model.update({broker(1), broker(2, false), broker(3)});
        QCOMPARE(changed.count(), 1);  // nothing changed, nothing signalled

        model.update({broker(1), broker(3), broker(4)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(2).data(BrokerModel::BrokerIdRole).toInt(), 4);
        QVERIFY(model.roleNames().values().contains("recordsInPerSecond"));
    }

    void topic_model_keeps_a_partition_model_per_topic() {
        TopicModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto topic = [](QString name, int partitions) {
            TopicRow t;
            t.name = name;
            t.partition_count = partitions;
            std::vector<PartitionRow> rows;
            for (int p = 0; p < partitions; ++p) {
                PartitionRow r;
                r.partition = p;
                r.leader = 1 + p % 3;
                r.log_end_offset = p * 10;
                rows.push_back(r);
            }
            return std::make_pair(t, rows);
        };
        model.update({topic("a", 2), topic("orders", 6)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.names(), (QStringList{"a", "orders"}));
        auto* orders =
            qvariant_cast<PartitionModel*>(model.index(1).data(TopicModel::PartitionsRole));
        QVERIFY(orders);
        QAbstractItemModelTester partition_tester(
            orders, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(orders->rowCount(), 6);
        QCOMPARE(orders->index(5).data(PartitionModel::LogEndOffsetRole).toLongLong(), 50);

        // The same PartitionModel object is updated in place: views keep their delegates.
        auto next = topic("orders", 6);
        next.second[5].log_end_offset = 51;
        model.update({topic("a", 2), next});
        QCOMPARE(qvariant_cast<PartitionModel*>(model.index(1).data(TopicModel::PartitionsRole)),
                 orders);
        QCOMPARE(orders->index(5).data(PartitionModel::LogEndOffsetRole).toLongLong(), 51);

        model.update({topic("orders", 6)});
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(!model.partitions("a"));
    }

    void producer_and_consumer_models() {
        ProducerModel producers;
        QAbstractItemModelTester t1(&producers,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        ProducerRow p;
        p.id = 1;
        p.topic = "orders";
        p.per_partition = {3, 4, 5};
        producers.update({p});
        QCOMPARE(producers.index(0).data(ProducerModel::PerPartitionRole).toList().size(), 3);
        p.acked = 12;
        producers.update({p});
        QCOMPARE(producers.index(0).data(ProducerModel::AckedRole).toLongLong(), 12);
        producers.update({});
        QCOMPARE(producers.rowCount(), 0);

        ConsumerModel consumers;
        QAbstractItemModelTester t2(&consumers,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        ConsumerRow c;
        c.id = 4;
        c.partitions = {QVariantMap{{"partition", 0}, {"lag", 7}}};
        consumers.update({c});
        QCOMPARE(consumers.index(0)
                     .data(ConsumerModel::PartitionsRole)
                     .toList()
                     .first()
                     .toMap()["lag"]
                     .toInt(),
                 7);

        // The strips' view: by partition, every consumer reading it and where.
        QSignalSpy moved(&consumers, &ConsumerModel::positionsChanged);
        c.topic = "orders";
        c.partitions = {QVariantMap{{"partition", 0}, {"position", 41}},
                        QVariantMap{{"partition", 2}, {"position", 9}}};
        ConsumerRow d;
        d.id = 5;
        d.topic = "orders";
        d.group = "billing";
        d.partitions = {QVariantMap{{"partition", 2}, {"position", 12}}};
        consumers.update({c, d});
        QCOMPARE(moved.count(), 1);
        const QVariantList at2 = consumers.positions().value("orders/2").toList();
        QCOMPARE(at2.size(), 2);
        QCOMPARE(at2[0].toMap()["id"].toInt(), 4);
        QCOMPARE(at2[0].toMap()["position"].toLongLong(), 9);
        QCOMPARE(at2[1].toMap()["group"].toString(), QString("billing"));
        QCOMPARE(consumers.positions().value("orders/0").toList().size(), 1);
        QVERIFY(!consumers.positions().contains("orders/1"));
        consumers.update({c, d});  // nothing moved: no signal
        QCOMPARE(moved.count(), 1);
        consumers.update({});
        QVERIFY(consumers.positions().isEmpty());
        QCOMPARE(moved.count(), 2);
    }

    void event_model_is_bounded_and_newest_first() {
        EventModel model(100);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::vector<Event> batch;
        for (int i = 0; i < 250; ++i)
            batch.push_back(
                make_event(EventKind::TopicCreated, NodeRef::lab(), QString("e%1").arg(i)));
        model.append(batch);
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.index(0).data(EventModel::ExplainRole).toString(), QString("e249"));
        QCOMPARE(model.index(99).data(EventModel::ExplainRole).toString(), QString("e150"));
        model.append({make_event(EventKind::NodeKilled, NodeRef::broker(2), "killed")});
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.index(0).data(EventModel::NodeRole).toString(), QString("broker-2"));
        QCOMPARE(model.index(0).data(EventModel::SeverityRole).toString(), QString("warning"));
        QCOMPARE(model.index(0).data(EventModel::GroupRole).toString(), QString("cluster"));
        QVERIFY(model.nodes().contains("broker-2"));
    }

    // A 1000-partition topic losing a replica: 3,200 ISR changes in 4 s, over many frames, fold
    // into one line per reporting broker, and the events around them stay in view.
    void event_model_folds_repeats_of_a_kind() {
        EventModel model(50);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append({make_event(EventKind::NodeKilled, NodeRef::broker(2), "broker 2 killed")});
        int n = 0;
        for (int frame = 0; frame < 124; ++frame) {  // 4 s at 30 frames a second
            std::vector<Event> batch;
            for (int i = 0; i < 26 && n < 3200; ++i, ++n) {
                Event e = make_event(EventKind::IsrShrunk, NodeRef::broker(1),
                                     QString("broker 2 left the ISR of big-%1").arg(n % 1000));
                e.time_ms += frame * 33;
                e.topic = "big";
                e.partition = n % 1000;
                batch.push_back(e);
            }
            model.append(batch);
        }
        QCOMPARE(n, 3200);
        QCOMPARE(model.rowCount(), 2);
        const QModelIndex top = model.index(0);
        QCOMPARE(top.data(EventModel::CountRole).toInt(), 3200);
        QCOMPARE(top.data(EventModel::ExplainRole).toString(),
                 QString("isr shrunk × 3200 in 4.1 s, 1000 partitions · latest: broker 2 left the "
                         "ISR of big-199"));
        QCOMPARE(model.index(1).data(EventModel::ExplainRole).toString(),
                 QString("broker 2 killed"));

        // Another node's, another kind, or the same after a pause: lines of their own; kinds
        // that tell a story step by step (votes) never fold.
        Event other = make_event(EventKind::IsrShrunk, NodeRef::broker(3), "from 3");
        other.time_ms += 4000;
        Event later = make_event(EventKind::IsrShrunk, NodeRef::broker(1), "much later");
        later.time_ms += 9000;
        Event vote1 = make_event(EventKind::VoteCast, NodeRef::controller(101), "vote 1");
        Event vote2 = make_event(EventKind::VoteCast, NodeRef::controller(101), "vote 2");
        model.append({other, later, vote1, vote2});
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.index(0).data(EventModel::ExplainRole).toString(), QString("vote 2"));
        QCOMPARE(model.index(2).data(EventModel::ExplainRole).toString(), QString("much later"));
        QCOMPARE(model.index(2).data(EventModel::CountRole).toInt(), 1);
    }

    void event_filter_by_node_group_and_text() {
        EventModel model;
        model.append(
            {make_event(EventKind::NodeKilled, NodeRef::broker(2), "broker 2 was killed"),
             make_event(EventKind::TopicCreated, NodeRef::lab(), "topic orders created"),
             make_event(EventKind::ProducerError, NodeRef::producer(1), "producer 1 failed"),
             make_event(EventKind::NodeRestarted, NodeRef::broker(2), "broker 2 restarted")});
        EventFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(filter.rowCount(), 4);
        filter.setNode("broker-2");
        QCOMPARE(filter.rowCount(), 2);
        filter.setNode("");
        filter.setGroup("problems");
        QCOMPARE(filter.rowCount(), 2);  // the kill and the producer error
        filter.setGroup("topics");
        QCOMPARE(filter.rowCount(), 1);
        filter.setGroup("");
        filter.setText("RESTARTED");
        QCOMPARE(filter.rowCount(), 1);
    }

    void controller_model_from_snapshots() {
        ControllerModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy summary(&model, &ControllerModel::summaryChanged);

        // 101 leads epoch 4; 102 has fetched all but 2 records, 103 is 20 behind.
        auto leader =
            std::make_shared<ControllerSnapshot>(*controller(101, "leader", 4, 101, 101, 50, 48));
        leader->followers = {{102, 48, true}, {103, 30, true}};
        std::vector<std::shared_ptr<const ControllerSnapshot>> snaps = {
            leader, controller(102, "follower", 4, 101, 101, 48, 48),
            controller(103, "follower", 4, 101, -1, 30, 30)};
        model.update(quorum(), snaps);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.activeId(), 101);
        QCOMPARE(model.epoch(), 4);
        QCOMPARE(model.running(), 3);
        QCOMPARE(summary.count(), 1);
        const auto& rows = model.rows();
        QCOMPARE(rows[0].role, QString("leader"));
        QVERIFY(rows[0].active);
        QCOMPARE(rows[0].address, QString("127.0.0.1:40101"));
        QCOMPARE(rows[0].lag, qint64(-1));  // the leader is not behind itself
        QCOMPARE(rows[1].role, QString("follower"));
        QVERIFY(!rows[1].active);
        QCOMPARE(rows[1].voted_for, 101);
        QCOMPARE(rows[1].fetch_offset, qint64(48));
        QCOMPARE(rows[1].lag, qint64(2));
        QCOMPARE(rows[2].lag, qint64(20));
        QCOMPARE(rows[2].voted_for, -1);
        for (const auto& r : rows)
            QCOMPARE(r.quorum_log_end, qint64(50));
        QCOMPARE(model.index(0).data(ControllerModel::RaftRoleRole).toString(), QString("leader"));
        QCOMPARE(model.index(2).data(ControllerModel::LagRole).toLongLong(), qint64(20));
        QVERIFY(model.roleNames().values().contains("votedFor"));

        // Nothing changed: no signal at all.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.update(quorum(), snaps);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(summary.count(), 1);

        // 101 is killed (its last snapshot stays on the board, marked down); 102 stands in
        // epoch 5. No active controller; the killed one's log numbers stay on its card.
        snaps = {controller(101, "leader", 4, 101, 101, 50, 48, false),
                 controller(102, "candidate", 5, -1, 102, 48, 48),
                 controller(103, "voted", 5, -1, 102, 30, 30)};
        model.update(quorum(false), snaps);
        QCOMPARE(model.activeId(), -1);
        QCOMPARE(model.epoch(), 5);
        QCOMPARE(model.running(), 2);
        QCOMPARE(model.rows()[0].role, QString("down"));
        QVERIFY(!model.rows()[0].up);
        QVERIFY(!model.rows()[0].active);
        QCOMPARE(model.rows()[0].log_end_offset, qint64(50));
        QCOMPARE(model.rows()[0].voted_for, 101);  // persisted with its log
        QCOMPARE(model.rows()[0].leader, -1);
        QCOMPARE(model.rows()[1].role, QString("candidate"));
        QCOMPARE(model.rows()[2].role, QString("voted"));
        QCOMPARE(model.rows()[2].voted_for, 102);
        QCOMPARE(model.rows()[1].lag, qint64(-1));  // no leader reports it
        QCOMPARE(model.rows()[1].quorum_log_end,
                 qint64(48));  // the running controllers' longest log
        QCOMPARE(model.rows()[0].quorum_log_end, qint64(50));  // never shorter than its own

        // 102 wins epoch 5.
        snaps[1] = controller(102, "leader", 5, 102, 102, 49, 49);
        snaps[2] = controller(103, "follower", 5, 102, 102, 49, 49);
        model.update(quorum(false), snaps);
        QCOMPARE(model.activeId(), 102);
        QCOMPARE(model.epoch(), 5);

        // A running controller with no snapshot yet is starting; one that is running but whose
        // last snapshot is marked down (just restarted) too.
        model.update({{101, "127.0.0.1", 40101, true}},
                     {controller(101, "leader", 4, 101, 101, 50, 48, false)});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rows()[0].role, QString("starting"));
        QCOMPARE(model.activeId(), -1);
    }

    void controller_model_prefers_the_newest_leader() {
        // A leader cut off from the others may still believe it leads an older epoch.
        ControllerModel model;
        model.update(quorum(), {controller(101, "leader", 3, 101, 101, 20, 20),
                                controller(102, "leader", 4, 102, 102, 22, 22),
                                controller(103, "follower", 4, 102, 102, 22, 22)});
        QCOMPARE(model.activeId(), 102);
        QVERIFY(!model.rows()[0].active);
        QVERIFY(model.rows()[1].active);
    }

    void election_timeline_one_clean_election() {
        ElectionTimelineModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.add({make_event(EventKind::TopicCreated, NodeRef::lab(), "topic orders created")});
        QCOMPARE(model.rowCount(), 0);  // not an election event

        model.add({election_started(102, 5, 0, "no answer from leader 101 within 2000 ms")});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rows()[0].outcome, QString("running"));
        QCOMPARE(model.rows()[0].duration_ms(), qint64(-1));
        QCOMPARE(model.rows()[0].summary, QString("controller 102 stands for election"));

        model.add({vote(103, 102, 5, 12, true, "granted"),
                   vote(103, 102, 5, 30, true, "granted (again)"),  // asked twice: counts once
                   elected(102, 5, 41, {103, 102})});
        QCOMPARE(model.rowCount(), 1);
        const ElectionRow& r = model.rows()[0];
        QCOMPARE(r.epoch, 5);
        QCOMPARE(r.start_ms, kLab0);
        QCOMPARE(r.outcome, QString("elected"));
        QCOMPARE(r.winner, 102);
        QCOMPARE(r.duration_ms(), qint64(41));
        QCOMPARE(r.reason, QString("no answer from leader 101 within 2000 ms"));
        QCOMPARE(r.candidates.size(), 1);
        QCOMPARE(map_at(r.candidates, 0)["id"].toInt(), 102);
        QCOMPARE(map_at(r.candidates, 0)["granted"].toInt(), 2);  // its own and 103's
        QCOMPARE(map_at(r.candidates, 0)["refused"].toInt(), 0);
        QCOMPARE(r.votes.size(), 1);
        QCOMPARE(map_at(r.votes, 0)["voter"].toInt(), 103);
        QCOMPARE(map_at(r.votes, 0)["atMs"].toLongLong(), qint64(12));
        QCOMPARE(r.elected_by, (QVariantList{103, 102}));
        QCOMPARE(r.summary, QString("controller 102 won with votes from 103 and 102 in 41 ms"));
        QCOMPARE(model.longestMs(), 41.0);
        QCOMPARE(model.index(0).data(ElectionTimelineModel::DurationMsRole).toLongLong(),
                 qint64(41));
        QCOMPARE(model.index(0).data(ElectionTimelineModel::OutcomeRole).toString(),
                 QString("elected"));
    }

    void election_timeline_split_vote_then_a_winner() {
        ElectionTimelineModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        // 103 is down. 101 and 102 both time out and stand in epoch 6; each refuses the other.
        model.add({election_started(101, 6, 0, "no leader within the election timeout"),
                   election_started(102, 6, 3, "no leader within the election timeout"),
                   vote(102, 101, 6, 5, false, "voted for itself in epoch 6"),
                   vote(101, 102, 6, 6, false, "voted for itself in epoch 6"),
                   vote(101, 102, 6, 260, false, "voted for itself in epoch 6")});  // asked again
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rows()[0].outcome, QString("running"));
        QCOMPARE(model.rows()[0].summary, QString("controllers 101 and 102 stand for election"));

        // 102's randomized timeout runs out first: epoch 7. Epoch 6 ends without a winner.
        model.add({election_started(102, 7, 900, "backoff over after losing epoch 6"),
                   vote(101, 102, 7, 910, true, "granted"), elected(102, 7, 915, {101, 102})});
        QCOMPARE(model.rowCount(), 2);
        const ElectionRow& newest = model.rows()[0];
        const ElectionRow& split = model.rows()[1];
        QCOMPARE(newest.epoch, 7);
        QCOMPARE(split.epoch, 6);

        QCOMPARE(split.outcome, QString("no winner"));
        QCOMPARE(split.winner, -1);
        QCOMPARE(split.start_ms, kLab0);
        QCOMPARE(split.duration_ms(), qint64(900));  // until epoch 7 began
        QCOMPARE(split.candidates.size(), 2);
        QCOMPARE(map_at(split.candidates, 0)["id"].toInt(), 101);
        QCOMPARE(map_at(split.candidates, 0)["granted"].toInt(), 1);
        QCOMPARE(map_at(split.candidates, 0)["refused"].toInt(), 1);
        QCOMPARE(map_at(split.candidates, 1)["id"].toInt(), 102);
        QCOMPARE(map_at(split.candidates, 1)["atMs"].toLongLong(), qint64(3));
        QCOMPARE(map_at(split.candidates, 1)["refused"].toInt(), 1);
        QCOMPARE(split.votes.size(), 2);
        const auto refused = map_at(split.votes, 0);
        QCOMPARE(refused["voter"].toInt(), 102);
        QCOMPARE(refused["candidate"].toInt(), 101);
        QCOMPARE(refused["granted"].toBool(), false);
        QCOMPARE(refused["reason"].toString(), QString("voted for itself in epoch 6"));
        QCOMPARE(split.summary,
                 QString("split vote: controllers 101 and 102 stood, none won a majority; epoch 7 "
                         "followed"));

        QCOMPARE(newest.outcome, QString("elected"));
        QCOMPARE(newest.winner, 102);
        QCOMPARE(newest.duration_ms(), qint64(15));
        QCOMPARE(newest.reason, QString("backoff over after losing epoch 6"));
        QCOMPARE(model.longestMs(), 900.0);
    }

    void election_timeline_refusal_with_a_reason_and_late_start() {
        ElectionTimelineModel model;
        // Nodes publish from their own threads: a vote may be drained before the candidate's
        // ElectionStarted. The start is still the candidate's.
        model.add({vote(101, 103, 9, 20, false,
                        "candidate log (epoch 8, end 40) is behind ours (epoch 8, end 52)"),
                   election_started(103, 9, 4, "no answer from leader 102 within 2000 ms")});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rows()[0].start_ms, kLab0 + 4);
        QCOMPARE(map_at(model.rows()[0].votes, 0)["atMs"].toLongLong(), qint64(16));
        QCOMPARE(map_at(model.rows()[0].votes, 0)["reason"].toString(),
                 QString("candidate log (epoch 8, end 40) is behind ours (epoch 8, end 52)"));
        // 101, with the longer log, stands next and wins.
        model.add({election_started(101, 10, 1100, "no leader within the election timeout"),
                   vote(103, 101, 10, 1108, true, "granted"), elected(101, 10, 1112, {103, 101})});
        QCOMPARE(model.rows()[1].outcome, QString("no winner"));
        QCOMPARE(model.rows()[1].duration_ms(), qint64(1096));
        QCOMPARE(model.rows()[1].summary,
                 QString("controller 103 stood but did not win a majority; epoch 10 followed"));
        QCOMPARE(model.rows()[0].winner, 101);
    }

    void election_timeline_is_bounded_newest_first() {
        ElectionTimelineModel model(20);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        std::vector<Event> batch;
        for (int epoch = 1; epoch <= 25; ++epoch) {
            batch.push_back(election_started(101 + epoch % 3, epoch, epoch * 1000, "test"));
            batch.push_back(elected(101 + epoch % 3, epoch, epoch * 1000 + epoch, {}));
        }
        model.add(batch);
        QCOMPARE(model.rowCount(), 20);
        QCOMPARE(model.rows().front().epoch, 25);
        QCOMPARE(model.rows().back().epoch, 6);
        QCOMPARE(model.rows().front().duration_ms(), qint64(25));
        // An event about an election older than everything kept is dropped.
        model.add({vote(101, 102, 2, 2005, true, "granted")});
        QCOMPARE(model.rowCount(), 20);
        QVERIFY(!model.election(2));
        model.add({election_started(101, 26, 30000, "test")});
        QCOMPARE(model.rowCount(), 20);
        QCOMPARE(model.rows().front().epoch, 26);
        QCOMPARE(model.rows().back().epoch, 7);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void broker_registration_state() {
        const qint64 now = kT0;
        QCOMPARE(BrokerModel::registration_state(false, true, false, 12, now - 100, 3000, now),
                 QString("down"));
        QCOMPARE(BrokerModel::registration_state(true, false, true, -1, 0, 3000, now),
                 QString("starting"));
        QCOMPARE(BrokerModel::registration_state(true, false, true, 12, 0, 3000, now),
                 QString("registered"));
        // Fenced in the image but heartbeating: registered, catching up with the metadata log.
        QCOMPARE(BrokerModel::registration_state(true, true, true, 12, now - 500, 3000, now),
                 QString("registered"));
        // Fenced with no answered heartbeat for longer than the session: fenced.
        QCOMPARE(BrokerModel::registration_state(true, true, true, 12, now - 3500, 3000, now),
                 QString("fenced"));
        QCOMPARE(BrokerModel::registration_state(true, true, false, 12, now - 500, 3000, now),
                 QString("unfenced"));
    }

    // A frozen ex-leader (pause-node) is drawn as it was when it froze, said frozen, and the
    // records it holds past the new leader's log end (its tail from the old epoch, never
    // replicated) are counted: the zombie's lesson. A follower of the leader's own epoch is
    // never counted ahead.
    void replica_lanes_a_frozen_ex_leader_and_its_diverged_tail() {
        Orders1 lab;
        auto leader = std::const_pointer_cast<BrokerSnapshot>(lab.broker(1));
        auto frozen = std::const_pointer_cast<BrokerSnapshot>(lab.broker(2));
        for (auto* s : {leader.get(), frozen.get()}) {
            for (auto& p : s->partitions) {
                if (p.partition != 1) continue;
                const bool from_old_epoch = s == frozen.get();
                p.leader = from_old_epoch ? 2 : 1;
                p.leader_epoch = from_old_epoch ? 4 : 5;
                p.is_leader = true;
                p.log_end_offset = from_old_epoch ? 123 : 120;
                p.high_watermark = 118;
                p.isr = from_old_epoch ? std::vector<std::int32_t>{1, 2, 3}
                                       : std::vector<std::int32_t>{1, 3};
                if (!from_old_epoch) p.followers = {{3, 120, true, 150, 20, 9}};
            }
        }
        auto follower = std::const_pointer_cast<BrokerSnapshot>(lab.broker(3));
        for (auto& p : follower->partitions) {
            if (p.partition != 1) continue;
            p.leader_epoch = 5;
            p.log_end_offset = 120;
            p.high_watermark = 118;
        }
        ReplicaLaneModel::Sources sources;
        sources.brokers[1] = {leader};
        sources.brokers[2] = {frozen};
        sources.brokers[3] = {follower};
        sources.cut = false;
        sources.frozen = {2};
        ReplicaLaneModel model;
        model.update("orders", 1, {}, sources);
        QCOMPARE(model.rowCount(), 3);
        const auto& rows = model.rows();
        QCOMPARE(model.leader(), 1);
        QCOMPARE(rows[1].broker, 2);
        QVERIFY(rows[1].frozen);
        QCOMPARE(rows[1].state, QString("frozen"));
        QCOMPARE(rows[1].log_end_offset, qint64(123));
        QCOMPARE(rows[1].diverged, qint64(3));
        QCOMPARE(rows[1].lag, qint64(0));
        QCOMPARE(model.index(1).data(ReplicaLaneModel::DivergedRole).toLongLong(), qint64(3));
        QVERIFY(model.index(1).data(ReplicaLaneModel::FrozenRole).toBool());
        QVERIFY(!rows[2].frozen);
        QCOMPARE(rows[2].state, QString("in sync"));
        QCOMPARE(rows[2].diverged, qint64(0));
        // The new leader has written on past the frozen one's end: the tail still diverges
        // from where the leader's epoch began (offset 118), not from the leader's log end.
        for (auto& p : leader->partitions) {
            if (p.partition != 1) continue;
            p.epoch_start_offset = 118;
            p.log_end_offset = 125;
        }
        model.update("orders", 1, {}, sources);
        QCOMPARE(model.rows()[1].diverged, qint64(5));
        QCOMPARE(model.rows()[1].lag, qint64(2));
        // Thawed, it is a follower like any other again.
        sources.frozen.clear();
        model.update("orders", 1, {}, sources);
        QVERIFY(!model.rows()[1].frozen);
        QCOMPARE(model.rows()[1].state, QString("out of sync"));
    }

    void replica_lanes_leader_followers_and_why_one_is_out_of_the_isr() {
        ReplicaLaneModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        Orders1 lab;
        model.update("orders", 1, {}, lab.board());
        QCOMPARE(model.rowCount(), 3);
        const auto& rows = model.rows();
        QCOMPARE(rows[0].broker, 1);
        QVERIFY(rows[0].leader);
        QCOMPARE(rows[0].state, QString("leader"));
        QCOMPARE(model.leader(), 1);
        QCOMPARE(model.leaderRow(), 0);
        QCOMPARE(model.leaderEpoch(), 4);
        QCOMPARE(model.partitionEpoch(), 7);
        QCOMPARE(model.highWatermark(), 118.0);
        QCOMPARE(model.windowEnd(), 120.0);  // the lanes line up on the furthest log end
        QCOMPARE(model.leaderLogEnd(), 120.0);
        QCOMPARE(model.isr(), (QVariantList{1, 2}));
        QCOMPARE(model.replicas(), (QVariantList{1, 2, 3}));
        QCOMPARE(model.replicaLagTimeMaxMs(), 3000.0);
        QCOMPARE(model.warning(), QString());

        QCOMPARE(rows[1].state, QString("in sync"));
        QVERIFY(rows[1].in_isr);
        QCOMPARE(rows[1].lag, qint64(2));
        QCOMPARE(rows[1].fetch_age_ms, qint64(20));
        QCOMPARE(rows[1].reason, QString());

        QCOMPARE(rows[2].state, QString("out of sync"));
        QVERIFY(!rows[2].in_isr);
        QCOMPARE(rows[2].lag, qint64(30));
        QCOMPARE(rows[2].high_watermark, qint64(85));  // a follower's own, learnt by fetching
        QCOMPARE(rows[2].flushed_offset, qint64(80));
        QCOMPARE(rows[2].reason, QString("not caught up for 4.2 s > replica.lag.time.max.ms 3 s"));
        QCOMPARE(model.index(2).data(ReplicaLaneModel::ReasonRole).toString(), rows[2].reason);
        QVERIFY(model.roleNames().values().contains("fetchSeq"));

        // What holds a replica back now comes first; the leader's words when it dropped it tell
        // why when the leader has nothing newer on it. A change about another broker is not used.
        lab.isr_change_reason =
            "broker 2 left the ISR of this partition: not caught up for 3.1 s > "
            "replica.lag.time.max.ms 3.0 s; broker 3 left the ISR of this partition: not caught "
            "up for 3.2 s > replica.lag.time.max.ms 3.0 s";
        model.update("orders", 1, {}, lab.board());
        QVERIFY(model.rows()[2].reason.startsWith("not caught up for 4.2 s"));
        lab.leader_knows_3 = false;
        model.update("orders", 1, {}, lab.board());
        QCOMPARE(model.rows()[2].reason,
                 QString("not caught up for 3.2 s > replica.lag.time.max.ms 3.0 s"));
        lab.isr_change_reason = "broker 13 left the ISR of this partition: no fetch";
        model.update("orders", 1, {}, lab.board());
        QCOMPARE(model.rows()[2].reason, QString("not in the ISR"));
        // A replica back from a restart that has caught up: its state and its reason agree (it
        // is out of the ISR, rejoining), never "out of the ISR: broker 3 rejoined the ISR".
        lab.leader_knows_3 = true;
        lab.caught_up_age_3 = 200;
        lab.isr_change_reason =
            "broker 3 rejoined the ISR of this partition: caught up to offset 90 (high "
            "watermark 85)";
        model.update("orders", 1, {}, lab.board());
        QCOMPARE(model.rows()[2].state, QString("out of sync"));
        QCOMPARE(model.rows()[2].reason, QString("caught up: rejoining the ISR"));
        lab.isr_change_reason += " (the controller refused: stale partition epoch)";
        model.update("orders", 1, {}, lab.board());
        QCOMPARE(model.rows()[2].reason,
                 QString("caught up, but the controller refused: stale partition epoch"));
        lab.caught_up_age_3 = 4200;
        lab.isr_change_reason.clear();

        // A follower's fetch error, then its broker down: greyed, and said so.
        lab.broker_3_error = "NOT_LEADER_OR_FOLLOWER from broker 1";
        model.update("orders", 1, {}, lab.board());
        QCOMPARE(model.rows()[2].error, QString("NOT_LEADER_OR_FOLLOWER from broker 1"));
        lab.broker_3_up = false;
        model.update("orders", 1, {}, lab.board());
        QCOMPARE(model.rows()[2].state, QString("down"));
        QVERIFY(!model.rows()[2].up);
        QCOMPARE(model.rows()[2].reason, QString("broker 3 is down"));
    }

    void replica_lanes_count_fetches_once_per_refresh_whatever_the_rate() {
        ReplicaLaneModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        Orders1 lab;
        model.update("orders", 1, {}, lab.board());
        QCOMPARE(model.rows()[1].fetch_seq, 0);  // first sight: no dot for old fetches
        QCOMPARE(model.rows()[2].fetch_seq, 0);

        // 500 fetches by broker 2 since the last refresh make one step (one dot), not 500; broker
        // 3 did not fetch: its lane does not change at all.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        lab.fetches_2 += 500;
        model.update("orders", 1, {}, lab.board());
        QCOMPARE(model.rows()[1].fetch_seq, 1);
        QCOMPARE(model.rows()[1].fetches_total, qint64(540));
        QCOMPARE(model.rows()[2].fetch_seq, 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);

        lab.fetches_2 += 1;
        lab.fetches_3 += 1;
        model.update("orders", 1, {}, lab.board());
        QCOMPARE(model.rows()[1].fetch_seq, 2);
        QCOMPARE(model.rows()[2].fetch_seq, 1);
        model.update("orders", 1, {}, lab.board());  // nothing moved: nothing signalled
        QCOMPARE(changed.count(), 3);

        // Another partition selected: counters start over, no dot for what happened before.
        model.update("orders", 0, {}, lab.board());
        QCOMPARE(model.partition(), 0);
        QCOMPARE(model.rows()[1].fetch_seq, 0);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.topic(), QString());
    }

    // "Via any broker": a broker that does not lead forwards a producer's records; its lane gets
    // one hop step per refresh in which its counter grew, and the writers line names the hops.
    void replica_lanes_draw_the_forward_hop_from_the_brokers_counters() {
        ReplicaLaneModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        Orders1 lab;
        auto direct = std::make_shared<kraftlab::core::ProducerSnapshot>();
        direct->id = 1;
        direct->topic = "orders";
        direct->acks = -1;
        auto any = std::make_shared<kraftlab::core::ProducerSnapshot>();
        any->id = 2;
        any->topic = "orders";
        any->acks = 1;
        any->route = "any broker";
        auto elsewhere = std::make_shared<kraftlab::core::ProducerSnapshot>();
        elsewhere->id = 3;
        elsewhere->topic = "payments";
        const std::vector<std::shared_ptr<const kraftlab::core::ProducerSnapshot>> producers = {
            direct, any, elsewhere};

        model.update("orders", 1, {}, lab.board(), producers);
        QCOMPARE(model.rows()[2].forward_seq, 0);
        QCOMPARE(model.writers(), (QStringList{"Producer 1 · acks=all → ♛ 1 (direct)",
                                               "Producer 2 · acks=1 → any broker → ♛ 1"}));

        lab.forwarded_3 = 7;  // first sight of the counter: no step for what came before
        model.update("orders", 1, {}, lab.board(), producers);
        QCOMPARE(model.rows()[2].forward_seq, 0);
        QCOMPARE(model.rows()[2].forwarded_total, qint64(7));
        lab.forwarded_3 = 30;  // 23 forwards since the last refresh: one step
        model.update("orders", 1, {}, lab.board(), producers);
        QCOMPARE(model.rows()[2].forward_seq, 1);
        QCOMPARE(model.rows()[1].forward_seq, 0);
        QCOMPARE(model.rows()[0].forward_seq, 0);  // the leader forwards nothing
        QCOMPARE(model.index(2).data(ReplicaLaneModel::ForwardSeqRole).toInt(), 1);
        QCOMPARE(model.writers().at(1),
                 QString("Producer 2 · acks=1 → any broker → broker 3 forwards → ♛ 1"));

        // A broker without a replica of the partition forwards too: no lane, said in words.
        lab.forwarded_4 = 5;
        model.update("orders", 1, {}, lab.board(), producers);
        lab.forwarded_4 = 6;
        lab.forwarded_3 = 31;
        model.update("orders", 1, {}, lab.board(), producers);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rows()[2].forward_seq, 2);
        QCOMPARE(model.writers(),
                 (QStringList{"Producer 1 · acks=all → ♛ 1 (direct)",
                              "Producer 2 · acks=1 → any broker → brokers 3, 4 forward → ♛ 1",
                              "broker 4 holds no replica of it, but forwards its records"}));
    }

    void replica_lanes_follow_the_metadata_when_no_leader_reports() {
        ReplicaLaneModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        // Before the brokers report replication (or right after a leader died), the metadata
        // image says who leads and who is in the ISR.
        auto bare = [](int id, bool up, qint64 leo) {
            auto s = std::make_shared<BrokerSnapshot>();
            s->id = id;
            s->up = up;
            kraftlab::core::PartitionSnapshot p;
            p.topic = "orders";
            p.partition = 2;
            p.is_leader = id == 1 && up;
            p.log_end_offset = leo;
            p.high_watermark = leo;
            s->partitions = {p};
            return std::shared_ptr<const BrokerSnapshot>(s);
        };
        ReplicaLaneModel::Metadata meta;
        meta.partition = kraftlab::metadata::PartitionInfo{};
        meta.partition->leader = 2;
        meta.partition->replicas = {1, 2, 3};
        meta.partition->isr = {2};
        meta.partition->leader_epoch = 5;
        meta.config.min_insync_replicas = 2;
        model.update("orders", 2, meta, {bare(1, false, 50), bare(2, true, 48)});
        QCOMPARE(model.rowCount(), 3);  // broker 3 has not reported: a lane all the same
        QCOMPARE(model.leader(), 2);
        QCOMPARE(model.leaderRow(), 1);
        QCOMPARE(model.rows()[0].state, QString("down"));
        QCOMPARE(model.rows()[2].state, QString("no report"));
        QVERIFY(!model.rows()[2].reported);
        QVERIFY(model.warning().contains("min.insync.replicas 2"));
        QVERIFY(model.warning().contains("NOT_ENOUGH_REPLICAS"));

        meta.partition->leader = -1;
        model.update("orders", 2, meta, {bare(1, false, 50), bare(2, false, 48)});
        QCOMPARE(model.leaderRow(), -1);
        QVERIFY(model.warning().startsWith("No leader"));
    }

    // Snapshots race: the leader publishes, then a follower fetches more and publishes before
    // the leader's next snapshot. Drawn side by side, the newest of each would show the follower
    // ahead of its leader. The model's cut never does, over thousands of interleavings through
    // the real SnapshotBoard, while the newest-only picture does (so the race is exercised).
    void replica_lanes_show_a_consistent_cut_of_racing_snapshots() {
        kraftlab::core::SnapshotBoard board;
        std::mt19937 rng(20261205);
        struct Replica {
            qint64 leo = 0, hw = 0;
        };
        std::map<int, Replica> state{{1, {}}, {2, {}}, {3, {}}};  // 1 leads, 2 and 3 follow
        std::map<int, qint64> leader_view{{2, 0}, {3, 0}};        // followers' LEOs as 1 knows
        qint64 consumer_position = 0;
        auto publish_broker = [&](int id) {
            auto s = std::make_shared<BrokerSnapshot>();
            s->seq_begin = kraftlab::core::next_snapshot_seq();
            s->id = id;
            s->up = true;
            kraftlab::core::PartitionSnapshot p;
            p.topic = "orders";
            p.partition = 0;
            p.leader = 1;
            p.is_leader = id == 1;
            p.leader_epoch = 2;
            p.replicas = {1, 2, 3};
            p.isr = {1, 2, 3};
            p.log_end_offset = state[id].leo;
            p.high_watermark = state[id].hw;
            s->partitions = {p};
            s->seq_end = kraftlab::core::next_snapshot_seq();
            board.publish(std::shared_ptr<const BrokerSnapshot>(std::move(s)));
        };
        auto publish_consumer = [&] {
            auto c = std::make_shared<kraftlab::core::ConsumerSnapshot>();
            c->seq_begin = kraftlab::core::next_snapshot_seq();
            c->id = 7;
            c->topic = "orders";
            c->partitions = {{0, 1, consumer_position, state[1].hw, 0, ""}};
            c->seq_end = kraftlab::core::next_snapshot_seq();
            board.publish(std::shared_ptr<const kraftlab::core::ConsumerSnapshot>(std::move(c)));
        };
        ReplicaLaneModel cut;
        ReplicaLaneModel newest;
        int checked = 0, newest_showed_the_impossible = 0;
        for (int step = 0; step < 20000; ++step) {
            switch (rng() % 6) {
                case 0:  // a producer's batch lands on the leader
                    state[1].leo += 1 + static_cast<qint64>(rng() % 3);
                    break;
                case 1:
                case 2: {  // a follower fetches: it gets the leader's tail and its HW
                    const int f = 2 + static_cast<int>(rng() % 2);
                    leader_view[f] = state[f].leo;  // the fetch offset tells the leader
                    state[1].hw = std::min({state[1].leo, leader_view[2], leader_view[3]});
                    state[f].leo = state[1].leo;
                    state[f].hw = std::min(state[1].hw, state[f].leo);
                    break;
                }
                case 3:  // the consumer reads up to the high watermark
                    consumer_position = state[1].hw;
                    break;
                case 4:  // a node publishes its snapshot, at its own moment
                    if (rng() % 4 == 0) {
                        publish_consumer();
                    } else {
                        publish_broker(1 + static_cast<int>(rng() % 3));
                    }
                    break;
                default: {  // the frame timer draws what the board holds now
                    if (board.brokers().size() < 3) break;
                    const ReplicaLaneModel::Sources sources{
                        board.broker_history(), {}, board.consumer_history()};
                    cut.update("orders", 0, {}, sources);
                    const auto& rows = cut.rows();
                    QCOMPARE(rows.size(), std::size_t(3));
                    QVERIFY(rows[0].leader);
                    const qint64 leo = rows[0].log_end_offset, hw = rows[0].high_watermark;
                    for (const auto& r : rows) {
                        QVERIFY2(r.high_watermark <= r.log_end_offset,
                                 qPrintable(QString("broker %1: HW %2 > LEO %3")
                                                .arg(r.broker)
                                                .arg(r.high_watermark)
                                                .arg(r.log_end_offset)));
                        QVERIFY2(r.log_end_offset <= leo && r.high_watermark <= hw,
                                 qPrintable(QString("step %1: broker %2 LEO %3 HW %4 ahead of "
                                                    "leader LEO %5 HW %6")
                                                .arg(step)
                                                .arg(r.broker)
                                                .arg(r.log_end_offset)
                                                .arg(r.high_watermark)
                                                .arg(leo)
                                                .arg(hw)));
                    }
                    for (const auto& c : cut.consumers()) {
                        QVERIFY2(c.toMap()["position"].toDouble() <= static_cast<double>(hw),
                                 qPrintable(QString("step %1: a consumer at %2, past the high "
                                                    "watermark %3")
                                                .arg(step)
                                                .arg(c.toMap()["position"].toDouble())
                                                .arg(hw)));
                    }
                    ++checked;
                    newest.update("orders", 0, {}, board.brokers());
                    for (const auto& r : newest.rows()) {
                        if (r.log_end_offset > newest.rows()[0].log_end_offset) {
                            ++newest_showed_the_impossible;
                            break;
                        }
                    }
                }
            }
        }
        qInfo("%d frames checked; the newest snapshots alone showed a follower ahead in %d",
              checked, newest_showed_the_impossible);
        QVERIFY(checked > 1000);
        QVERIFY(newest_showed_the_impossible > 10);
        QVERIFY(!cut.consumers().isEmpty());
    }

    void replication_events_have_their_colours() {
        EventModel model;
        model.append({make_event(EventKind::IsrShrunk, NodeRef::broker(1), "3 left the ISR"),
                      make_event(EventKind::IsrExpanded, NodeRef::broker(1), "3 is back"),
                      make_event(EventKind::RecordsLost, NodeRef::lab(), "12 records lost"),
                      make_event(EventKind::AuditFinished, NodeRef::lab(), "nothing lost")});
        auto at = [&](int row, int role) { return model.index(row).data(role).toString(); };
        // Newest first.
        QCOMPARE(at(0, EventModel::SeverityRole), QString("info"));  // the audit: neutral
        QCOMPARE(at(1, EventModel::SeverityRole), QString("error"));
        QCOMPARE(at(2, EventModel::SeverityRole), QString("good"));
        QCOMPARE(at(3, EventModel::SeverityRole), QString("warning"));
        QCOMPARE(at(3, EventModel::GroupRole), QString("replication"));
        QCOMPARE(at(3, EventModel::IconRole), QString("⊖"));
        QCOMPARE(at(2, EventModel::IconRole), QString("⊕"));
        EventFilterModel filter;
        filter.setSourceModel(&model);
        filter.setGroup("problems");  // a replica coming back is not a problem
        QCOMPARE(filter.rowCount(), 2);
        filter.setGroup("replication");
        QCOMPARE(filter.rowCount(), 4);
    }

    void chart_feeder_windows_and_fills_series() {
        ChartFeeder feeder;
        QSignalSpy series_changed(&feeder, &ChartFeeder::seriesChanged);
        const qint64 t0 = 1700000000000;
        for (int s = 0; s < 200; ++s) {
            feeder.sample(t0 + s * 1000, {{"orders produced", 100.0 + s}},
                          {{"producer 1 p99", 4.0}});
        }
        QCOMPARE(series_changed.count(), 1);
        QCOMPARE(feeder.rateSeries(), QStringList{"orders produced"});
        QVERIFY(feeder.rateMax() >= 299);
        QLineSeries line;
        feeder.fill(&line, "orders produced");
        QCOMPARE(line.count(), ChartFeeder::kWindowSeconds + 1);  // only the last two minutes
        QCOMPARE(line.at(line.count() - 1).y(), 299.0);
        feeder.add_marker(t0 + 199000, "kill", "broker-2 killed");
        QCOMPARE(feeder.markers().size(), 1);
        QCOMPARE(feeder.formatRate(1500), QString("1.5k/s"));
    }
};

QTEST_MAIN(ModelsTest)
#include "test_models.moc"
