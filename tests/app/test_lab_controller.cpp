// The facade over a real lab: commands reach the engine without blocking the GUI thread, and
// what the engine does (events, snapshots) reaches the models.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "lab_controller.h"

namespace {

int row_of(const RowListModel& model, int role, const QVariant& value) {
    for (int i = 0; i < model.rowCount(); ++i) {
        if (model.index(i).data(role) == value) return i;
    }
    return -1;
}

bool has_event(EventModel& events, const QString& kind, const QString& node = {}) {
    for (int i = 0; i < events.rowCount(); ++i) {
        auto at = events.index(i);
        if (at.data(EventModel::KindRole).toString() == kind &&
            (node.isEmpty() || at.data(EventModel::NodeRole).toString() == node)) {
            return true;
        }
    }
    return false;
}

}  // namespace

class LabControllerTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    std::unique_ptr<LabController> lab;

  private slots:
    void initTestCase() {
        LabController::Options options;
        options.lab.brokers = 3;
        options.lab.data_dir = (dir.path() + "/lab").toStdString();
        options.default_workload = true;
        lab = std::make_unique<LabController>(options);
        lab->start();
        QTRY_VERIFY_WITH_TIMEOUT(lab->running(), 15000);
        QVERIFY(lab->bootstrap().split(',').size() == 3);
        QVERIFY(lab->kcatExample().startsWith("kcat -b 127.0.0.1:"));
    }
    void cleanupTestCase() { lab.reset(); }

    void first_run_shows_orders_with_a_producer_and_a_consumer() {
        QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("orders"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(lab->producers()->rowCount(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(lab->consumers()->rowCount(), 1, 10000);
        auto* partitions = lab->topics()->partitions("orders");
        QVERIFY(partitions);
        QCOMPARE(partitions->rowCount(), 6);
        // Records flow within two seconds.
        auto written = [&] {
            qint64 n = 0;
            for (const auto& p : partitions->rows())
                n += p.log_end_offset;
            return n;
        };
        QTRY_VERIFY_WITH_TIMEOUT(written() > 0, 2500);
        QTRY_COMPARE_WITH_TIMEOUT(lab->brokers()->rowCount(), 3, 5000);
    }

    void commands_do_not_block_the_gui_thread_and_events_reach_the_model() {
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        QElapsedTimer t;
        t.start();
        lab->killBroker(2);
        QVERIFY2(t.elapsed() < 50, "killBroker() must return at once");
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(finished.first().at(1).toBool());
        const int row = row_of(*lab->brokers(), BrokerModel::BrokerIdRole, 2);
        QVERIFY(row >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(
            lab->brokers()->index(row).data(BrokerModel::StateRole).toString(), QString("down"),
            5000);
        QTRY_VERIFY_WITH_TIMEOUT(has_event(*lab->events(), "node_killed", "broker-2"), 5000);
        QVERIFY(!lab->charts()->markers().isEmpty());

        lab->restartBroker(2);
        QTRY_COMPARE_WITH_TIMEOUT(
            lab->brokers()->index(row).data(BrokerModel::StateRole).toString(), QString("unfenced"),
            10000);
        QTRY_VERIFY_WITH_TIMEOUT(has_event(*lab->events(), "log_recovered", "broker-2"), 5000);
    }

    void create_topic_and_name_validation() {
        QCOMPARE(lab->topicNameProblem("fine.name_1-x"), QString());
        QVERIFY(!lab->topicNameProblem("bad name").isEmpty());
        QVERIFY(!lab->topicNameProblem("orders").isEmpty());  // exists
        QVERIFY(!lab->topicNameProblem("__internal").isEmpty());
        lab->createTopic("payments", 4);
        QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("payments"), 10000);
        QCOMPARE(lab->partitionCount("payments"), 4);
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        lab->createTopic("payments", 4);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(!finished.first().at(1).toBool());
        QVERIFY(finished.first().at(2).toString().contains("TOPIC_ALREADY_EXISTS"));
    }

    void producer_lands_records_where_its_partitioner_says() {
        QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("payments"), 10000);
        lab->addProducer({{"topic", "payments"},
                          {"rate", 400},
                          {"keyPattern", "sequence"},
                          {"partitioner", "custom"},
                          {"acks", 1},
                          {"customSource", "function partition(key, value, n) { return 3; }"}});
        QTRY_VERIFY_WITH_TIMEOUT(
            row_of(*lab->producers(), ProducerModel::TopicRole, "payments") >= 0, 10000);
        const int row = row_of(*lab->producers(), ProducerModel::TopicRole, "payments");
        auto acked = [&] {
            return lab->producers()->index(row).data(ProducerModel::AckedRole).toLongLong();
        };
        QTRY_VERIFY_WITH_TIMEOUT(acked() > 100, 10000);
        auto per_partition =
            lab->producers()->index(row).data(ProducerModel::PerPartitionRole).toList();
        QCOMPARE(per_partition.size(), 4);
        for (int p = 0; p < 3; ++p)
            QCOMPARE(per_partition[p].toLongLong(), 0);
        QVERIFY(per_partition[3].toLongLong() > 0);
        QVERIFY(!lab->producers()
                     ->index(row)
                     .data(ProducerModel::CustomSourceRole)
                     .toString()
                     .isEmpty());

        // acks change while it runs.
        const int id = lab->producers()->index(row).data(ProducerModel::ProducerIdRole).toInt();
        lab->updateProducer(id, {{"topic", "payments"},
                                 {"rate", 400},
                                 {"keyPattern", "sequence"},
                                 {"partitioner", "round-robin"},
                                 {"acks", 0}});
        QTRY_COMPARE_WITH_TIMEOUT(
            lab->producers()->index(row).data(ProducerModel::AcksRole).toInt(), 0, 10000);
        lab->removeProducer(id);
        QTRY_VERIFY_WITH_TIMEOUT(
            row_of(*lab->producers(), ProducerModel::TopicRole, "payments") < 0, 10000);
    }

    void a_partitioner_that_does_not_compile_is_refused_with_the_reason() {
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        lab->addProducer({{"topic", "orders"},
                          {"partitioner", "custom"},
                          {"customSource", "function partition( {"}});
        QCOMPARE(finished.count(), 1);
        QVERIFY(!finished.first().at(1).toBool());
        QVERIFY(finished.first().at(2).toString().contains("does not compile"));
        auto check = lab->checkPartitioner("function partition(k, v, n) { return 1; }", 6);
        QVERIFY(check["ok"].toBool());
        QCOMPARE(check["preview"].toList().size(), 10);
    }

    void consumer_reads_and_reports_lag() {
        lab->addConsumer("payments", true);
        QTRY_VERIFY_WITH_TIMEOUT(
            row_of(*lab->consumers(), ConsumerModel::TopicRole, "payments") >= 0, 10000);
        const int row = row_of(*lab->consumers(), ConsumerModel::TopicRole, "payments");
        QTRY_VERIFY_WITH_TIMEOUT(
            lab->consumers()->index(row).data(ConsumerModel::RecordsRole).toLongLong() > 0, 10000);
        QCOMPARE(lab->consumers()->index(row).data(ConsumerModel::PartitionsRole).toList().size(),
                 4);
    }

    void the_frame_timer_keeps_drawing() {
        const qint64 before = lab->framesDrawn();
        QTest::qWait(300);
        QVERIFY(lab->framesDrawn() >= before + 5);
        QTRY_VERIFY_WITH_TIMEOUT(!lab->charts()->rateSeries().isEmpty(), 5000);
    }

    void selection() {
        QSignalSpy changed(lab.get(), &LabController::selectionChanged);
        lab->select("broker-1", "", -1);
        QCOMPARE(lab->selectedNode(), QString("broker-1"));
        lab->select("", "orders", 2);
        QCOMPARE(lab->selectedTopic(), QString("orders"));
        QCOMPARE(lab->selectedPartition(), 2);
        QCOMPARE(changed.count(), 2);
    }
};

QTEST_MAIN(LabControllerTest)
#include "test_lab_controller.moc"
