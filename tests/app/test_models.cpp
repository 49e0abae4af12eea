// The app's list models under QAbstractItemModelTester: rows appear, change and go with the
// right signals; events stay bounded and newest first; filters and chart series behave.
#include <QAbstractItemModelTester>
#include <QLineSeries>
#include <QSignalSpy>
#include <QtTest>

#include "chart_feeder.h"
#include "models/broker_model.h"
#include "models/consumer_model.h"
#include "models/event_model.h"
#include "models/producer_model.h"
#include "models/topic_model.h"

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
