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

    // The seed's story at once: orders replicated (RF 3, min.insync.replicas 2, an acks=all
    // producer), telemetry with one copy (an acks=1 producer), a consumer, and orders-0's replicas
    // selected so that the replication view shows them.
    void first_run_shows_replicated_orders_with_a_producer_and_a_consumer() {
        QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("orders"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("telemetry"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(lab->producers()->rowCount(), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(lab->consumers()->rowCount(), 1, 10000);
        for (const auto& t : lab->topics()->rows()) {
            if (t.name == "orders") {
                QCOMPARE(t.replication_factor, 3);
                QCOMPARE(t.min_insync_replicas, 2);
            } else {
                QCOMPARE(t.replication_factor, 1);
            }
        }
        QCOMPARE(lab->producers()->rows().front().acks, -1);
        QCOMPARE(lab->selectedTopic(), QString("orders"));
        QCOMPARE(lab->selectedPartition(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(lab->replication()->rowCount(), 3, 10000);
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
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        lab->createTopic("payments", 4);
        // The topic may reach the model before the command answers (the lab waits until every
        // broker has applied it): wait for both.
        QTRY_VERIFY_WITH_TIMEOUT(lab->topics()->names().contains("payments"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(finished.first().at(1).toBool());
        QCOMPARE(lab->partitionCount("payments"), 4);
        lab->createTopic("payments", 4);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
        QVERIFY(!finished.at(1).at(1).toBool());
        QVERIFY(finished.at(1).at(2).toString().contains("TOPIC_ALREADY_EXISTS"));
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

    void the_quorum_has_an_active_controller_and_brokers_a_session() {
        auto* controllers = lab->controllers();
        QTRY_COMPARE_WITH_TIMEOUT(controllers->rowCount(), 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(controllers->activeId() >= 0, 15000);
        int leaders = 0;
        for (const auto& r : controllers->rows()) {
            QVERIFY(r.up);
            QVERIFY(r.id >= 101 && r.id <= 103);
            if (r.role == "leader") ++leaders;
        }
        QCOMPARE(leaders, 1);
        // The first election is on the timeline, won by someone.
        QTRY_VERIFY_WITH_TIMEOUT(lab->elections()->rowCount() >= 1, 5000);
        bool won = false;
        for (const auto& e : lab->elections()->rows())
            won = won || e.outcome == "elected";
        QVERIFY(won);
        // Brokers: registered with an epoch, heartbeating, with the lab's session timeout.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& b : lab->brokers()->rows()) {
                    if (b.state != "unfenced" || b.broker_epoch < 0 || b.last_heartbeat_ack_ms <= 0)
                        return false;
                }
                return lab->brokers()->rowCount() == 3;
            }(),
            10000);
        for (const auto& b : lab->brokers()->rows()) {
            QCOMPARE(b.session_timeout_ms, 3000);
            QCOMPARE(b.heartbeat_interval_ms, 1000);
            QVERIFY(lab->nowMs() - b.last_heartbeat_ack_ms < 3000);
        }
    }

    void killing_the_active_controller_elects_another() {
        auto* controllers = lab->controllers();
        QTRY_VERIFY_WITH_TIMEOUT(controllers->activeId() >= 0, 15000);
        const int old = controllers->activeId();
        const int old_epoch = controllers->epoch();
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        QElapsedTimer t;
        t.start();
        lab->killController(old);
        QVERIFY2(t.elapsed() < 50, "killController() must return at once");
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));
        const int row = row_of(*controllers, ControllerModel::ControllerIdRole, old);
        QVERIFY(row >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(
            controllers->index(row).data(ControllerModel::RaftRoleRole).toString(), QString("down"),
            5000);
        QTRY_VERIFY_WITH_TIMEOUT(controllers->activeId() >= 0 && controllers->activeId() != old,
                                 20000);
        QVERIFY(controllers->epoch() > old_epoch);
        const int now_active = controllers->activeId();
        QTRY_VERIFY_WITH_TIMEOUT(
            has_event(*lab->events(), "node_killed", QString("controller-%1").arg(old)), 5000);
        // The timeline has the election that followed, won by the new active controller.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& e : lab->elections()->rows()) {
                    if (e.epoch > old_epoch && e.outcome == "elected" && e.winner == now_active)
                        return true;
                }
                return false;
            }(),
            5000);
        // The brokers follow the new controller and stay unfenced.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& b : lab->brokers()->rows()) {
                    if (b.up && (b.active_controller != now_active || b.state != "unfenced"))
                        return false;
                }
                return true;
            }(),
            15000);

        lab->restartController(old);
        QTRY_VERIFY_WITH_TIMEOUT(controllers->index(row).data(ControllerModel::UpRole).toBool(),
                                 10000);
        QTRY_COMPARE_WITH_TIMEOUT(
            controllers->index(row).data(ControllerModel::RaftRoleRole).toString(),
            QString("follower"), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(
            has_event(*lab->events(), "node_restarted", QString("controller-%1").arg(old)), 5000);
        // It catches up with the metadata log.
        QTRY_VERIFY_WITH_TIMEOUT(
            controllers->index(row).data(ControllerModel::LagRole).toLongLong() == 0, 10000);
    }

    void resigning_moves_leadership_to_a_new_epoch() {
        auto* controllers = lab->controllers();
        QTRY_VERIFY_WITH_TIMEOUT(controllers->activeId() >= 0, 15000);
        const int leader = controllers->activeId();
        const int epoch = controllers->epoch();

        // Only the leader may resign; a follower is refused with the reason.
        int follower = -1;
        for (const auto& r : controllers->rows()) {
            if (r.up && r.role == "follower") follower = r.id;
        }
        QVERIFY(follower >= 0);
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        lab->resignController(follower);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY(!finished.first().at(1).toBool());
        QVERIFY2(finished.first().at(2).toString().contains("not the active controller"),
                 qPrintable(finished.first().at(2).toString()));

        lab->resignController(leader);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
        QVERIFY2(finished.at(1).at(1).toBool(), qPrintable(finished.at(1).at(2).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(
            has_event(*lab->events(), "controller_resigned", QString("controller-%1").arg(leader)),
            5000);
        QTRY_VERIFY_WITH_TIMEOUT(controllers->epoch() > epoch && controllers->activeId() >= 0,
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            lab->elections()->election(controllers->epoch()) &&
                lab->elections()->election(controllers->epoch())->outcome == "elected",
            5000);
    }

    void timeouts_apply_live_and_bad_ones_are_refused() {
        QCOMPARE(lab->timeouts()["sessionTimeoutMs"].toInt(), 3000);
        QCOMPARE(lab->kafkaDefaultTimeouts()["sessionTimeoutMs"].toInt(), 9000);
        QCOMPARE(lab->kafkaDefaultTimeouts()["heartbeatIntervalMs"].toInt(), 2000);
        QCOMPARE(lab->labDefaultTimeouts()["electionTimeoutMs"].toInt(), 1000);
        QCOMPARE(lab->labDefaultTimeouts()["heartbeatIntervalMs"].toInt(), 1000);

        QVERIFY(lab->timeoutsProblem(1000, 2000, 1000, 3000).isEmpty());
        QVERIFY(lab->timeoutsProblem(1000, 2000, 3000, 3000).contains("longer than the heartbeat"));
        QVERIFY(!lab->timeoutsProblem(10, 2000, 1000, 3000).isEmpty());

        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        QSignalSpy changed(lab.get(), &LabController::timeoutsChanged);
        lab->setTimeouts(1000, 2000, 2000, 2000);  // session not longer than the heartbeat
        QCOMPARE(finished.count(), 1);
        QVERIFY(!finished.first().at(1).toBool());
        QCOMPARE(changed.count(), 0);

        lab->setTimeouts(1200, 2500, 500, 4000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 10000);
        QVERIFY2(finished.at(1).at(1).toBool(), qPrintable(finished.at(1).at(2).toString()));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(lab->timeouts()["electionTimeoutMs"].toInt(), 1200);
        QCOMPARE(lab->timeouts()["sessionTimeoutMs"].toInt(), 4000);
        QTRY_VERIFY_WITH_TIMEOUT(has_event(*lab->events(), "settings_changed"), 5000);
        // The brokers report the new heartbeat interval and session.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& b : lab->brokers()->rows()) {
                    if (b.up && (b.session_timeout_ms != 4000 || b.heartbeat_interval_ms != 500))
                        return false;
                }
                return true;
            }(),
            5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& c : lab->controllers()->rows()) {
                    if (c.up && c.election_timeout_ms != 1200) return false;
                }
                return true;
            }(),
            5000);
        lab->setTimeouts(1000, 1000, 1000, 3000);  // back to the lab's
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, 10000);
    }

    void replicated_topic_with_configs_at_creation_then_changed_live() {
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        lab->createTopic("ledger", 2, 3, {{"min.insync.replicas", "2"}});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        auto topic = [&]() -> TopicRow {
            for (const auto& t : lab->topics()->rows()) {
                if (t.name == "ledger") return t;
            }
            return {};
        };
        QTRY_COMPARE_WITH_TIMEOUT(topic().min_insync_replicas, 2, 10000);
        QCOMPARE(topic().replication_factor, 3);
        QVERIFY(!topic().unclean_leader_election);

        // The selected partition's lanes: one per replica, the leader among them.
        lab->select("", "ledger", 0);
        QCOMPARE(lab->replication()->topic(), QString("ledger"));
        QTRY_COMPARE_WITH_TIMEOUT(lab->replication()->rowCount(), 3, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(lab->replication()->leaderRow() >= 0, 10000);
        QCOMPARE(lab->replication()->minInsyncReplicas(), 2);

        // null returns a key to its default.
        lab->setTopicConfig("ledger", {{"min.insync.replicas", QVariant()},
                                       {"unclean.leader.election.enable", "true"}});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 15000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(topic().min_insync_replicas, 1, 10000);
        QVERIFY(topic().unclean_leader_election);
        QTRY_VERIFY_WITH_TIMEOUT(lab->replication()->uncleanElection(), 5000);

        // A bad value is refused before it reaches the lab, in plain words.
        lab->setTopicConfig("ledger", {{"min.insync.replicas", "zero"}});
        QCOMPARE(finished.count(), 3);
        QVERIFY(!finished.last().at(1).toBool());
        QVERIFY(finished.last().at(2).toString().contains("min.insync.replicas"));
        lab->select("", "", -1);
        QCOMPARE(lab->replication()->rowCount(), 0);
    }

    void the_audit_gives_a_verdict_in_plain_words() {
        QSignalSpy audit(lab.get(), &LabController::auditChanged);
        lab->runAudit();
        QVERIFY(lab->auditRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!lab->auditRunning(), 30000);
        QVERIFY2(lab->auditVerdict().startsWith("audit"), qPrintable(lab->auditVerdict()));
        QVERIFY2(lab->auditPassed(), qPrintable(lab->auditVerdict()));  // nothing was killed
    }

    void producer_acks_n_and_route_reach_the_engine() {
        QString error;
        auto c = LabController::producer_config(
            {{"topic", "orders"}, {"acks", 2}, {"route", "any broker"}}, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(int(c->acks), 2);
        QVERIFY(c->route == kraftlab::lab::Route::AnyBroker);
        QVERIFY(
            !LabController::producer_config({{"topic", "orders"}, {"route", "nowhere"}}, &error));
        QVERIFY(!LabController::producer_config({{"topic", "orders"}, {"acks", -2}}, &error));
    }

    // Lab time through the facade: pause holds the engine's clock and the frame clock with it
    // (charts stop scrolling, heartbeat rings stop), a paused lab refuses what needs the nodes
    // in the engine's words, a step moves lab time by exactly 100 ms, and two quick toggles
    // leave the lab running.
    void pause_step_and_resume_lab_time() {
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        QTRY_VERIFY_WITH_TIMEOUT(lab->charts()->lastSampleMs() > 0, 5000);
        lab->pauseLab();
        QTRY_VERIFY_WITH_TIMEOUT(lab->paused(), 5000);
        QVERIFY(lab->cluster()->lab_time().paused);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 5000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        QVERIFY(lab->pauseReason().isEmpty());  // paused by hand

        // Nothing moves on lab time while paused (a few frames and more than a chart second).
        QTest::qWait(100);
        const double frozen_now = lab->nowMs();
        const qint64 chart_end = lab->charts()->lastSampleMs();
        QTest::qWait(1300);
        QCOMPARE(lab->nowMs(), frozen_now);
        QCOMPARE(lab->charts()->lastSampleMs(), chart_end);
        for (const auto& b : lab->brokers()->rows()) {
            QVERIFY(b.last_heartbeat_ack_ms > 0);
            QVERIFY2(b.state == "unfenced", qPrintable(b.state));  // no session ran out
            QVERIFY(lab->nowMs() - b.last_heartbeat_ack_ms < 3000);
        }

        // Refused while paused, with the reason, as every failed command is.
        const int before_refusal = finished.count();
        lab->createTopic("while-paused", 1, 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), before_refusal + 1, 5000);
        QVERIFY(!finished.last().at(1).toBool());
        QVERIFY2(finished.last().at(2).toString().contains("paused"),
                 qPrintable(finished.last().at(2).toString()));

        const qint64 before_step = lab->cluster()->lab_time().lab_ms;
        lab->stepLab(100);
        QVERIFY(lab->stepping());
        QTRY_VERIFY_WITH_TIMEOUT(!lab->stepping(), 10000);
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(2).toString()));
        QCOMPARE(lab->cluster()->lab_time().lab_ms - before_step, qint64{100});
        QVERIFY(lab->paused());
        QCOMPARE(lab->nowMs(), static_cast<double>(before_step + 100));

        lab->setLabSpeed(0.5);
        QTRY_COMPARE_WITH_TIMEOUT(lab->labSpeed(), 0.5, 5000);
        QCOMPARE(lab->cluster()->lab_time().speed, 0.5);
        lab->setLabSpeed(1);
        QTRY_COMPARE_WITH_TIMEOUT(lab->labSpeed(), 1.0, 5000);

        lab->togglePause();  // resume
        QTRY_VERIFY_WITH_TIMEOUT(!lab->paused(), 5000);
        QVERIFY(!lab->cluster()->lab_time().paused);
        QTRY_VERIFY_WITH_TIMEOUT(lab->nowMs() > before_step + 200, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(lab->charts()->lastSampleMs() > chart_end, 5000);  // scrolls again

        // Rates are per lab second: at half speed the orders producer (6 records per second of
        // lab time) is still drawn near its target, not at half of it.
        lab->setLabSpeed(0.5);
        QTRY_COMPARE_WITH_TIMEOUT(lab->labSpeed(), 0.5, 5000);
        QTest::qWait(1500);
        double ratio_sum = 0;
        int samples = 0;
        for (int i = 0; i < 25; ++i) {
            QTest::qWait(100);
            for (const auto& p : lab->producers()->rows()) {
                if (p.topic != "orders" || p.target_rate <= 0) continue;
                ratio_sum += p.acked_per_s / p.target_rate;
                ++samples;
            }
        }
        QVERIFY(samples > 0);
        const double ratio = ratio_sum / samples;
        QVERIFY2(ratio > 0.75 && ratio < 1.5, qPrintable(QString::number(ratio)));
        lab->setLabSpeed(1);
        QTRY_COMPARE_WITH_TIMEOUT(lab->labSpeed(), 1.0, 5000);
        // Two presses before the first has run: paused, then running again.
        lab->togglePause();
        lab->togglePause();
        QTRY_COMPARE_WITH_TIMEOUT(lab->pendingCommands(), 0, 10000);
        QVERIFY(!lab->paused());
        QVERIFY(!lab->cluster()->lab_time().paused);
    }

    // Freeze and thaw: the card models say frozen (not down) and then not.
    void freeze_and_thaw_show_on_the_card_models() {
        QSignalSpy finished(lab.get(), &LabController::commandFinished);
        auto broker_row = [&](int id) -> const BrokerRow* {
            for (const auto& r : lab->brokers()->rows())
                if (r.id == id) return &r;
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(broker_row(3) && broker_row(3)->up, 10000);
        lab->freezeNode(3);
        QTRY_VERIFY_WITH_TIMEOUT(broker_row(3)->frozen, 5000);
        QVERIFY(broker_row(3)->up);
        const int row = row_of(*lab->brokers(), BrokerModel::BrokerIdRole, 3);
        QCOMPARE(lab->brokers()->index(row).data(BrokerModel::FrozenRole).toBool(), true);
        QTRY_VERIFY_WITH_TIMEOUT(has_event(*lab->events(), "node_frozen", "broker-3"), 5000);
        lab->thawNode(3);
        QTRY_VERIFY_WITH_TIMEOUT(!broker_row(3)->frozen, 5000);
        QCOMPARE(lab->brokers()->index(row).data(BrokerModel::FrozenRole).toBool(), false);
        // Thawing what is not frozen is refused with the reason.
        const int before = finished.count();
        lab->thawNode(3);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), before + 1, 5000);
        QVERIFY(!finished.last().at(1).toBool());
        QVERIFY2(finished.last().at(2).toString().contains("not frozen"),
                 qPrintable(finished.last().at(2).toString()));

        // A controller that is not the active one (freezing it starts no election).
        int follower = -1;
        for (const auto& r : lab->controllers()->rows())
            if (r.up && !r.active) follower = r.id;
        QVERIFY(follower >= 0);
        const int crow = row_of(*lab->controllers(), ControllerModel::ControllerIdRole, follower);
        lab->freezeNode(follower);
        QTRY_VERIFY_WITH_TIMEOUT(
            lab->controllers()->index(crow).data(ControllerModel::FrozenRole).toBool(), 5000);
        QVERIFY(lab->controllers()->index(crow).data(ControllerModel::UpRole).toBool());
        lab->thawNode(follower);
        QTRY_VERIFY_WITH_TIMEOUT(
            !lab->controllers()->index(crow).data(ControllerModel::FrozenRole).toBool(), 5000);
    }

    // Pause on election: the lab stops by itself when an election starts, and says why.
    void pause_on_election_stops_the_lab_and_says_why() {
        auto* controllers = lab->controllers();
        QTRY_VERIFY_WITH_TIMEOUT(controllers->activeId() >= 0 && !lab->paused(), 15000);
        lab->setPauseOnElection(true);
        QVERIFY(lab->pauseOnElection());
        QVERIFY(lab->cluster()->lab_time().pause_on_election);
        QVERIFY(!lab->pauseOnIsrChange());
        lab->resignController(controllers->activeId());
        QTRY_VERIFY_WITH_TIMEOUT(lab->paused(), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(lab->pauseReason().contains("election"), 5000);
        lab->setPauseOnElection(false);
        QVERIFY(!lab->cluster()->lab_time().pause_on_election);
        lab->resumeLab();
        QTRY_VERIFY_WITH_TIMEOUT(!lab->paused(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(lab->pauseReason().isEmpty(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(controllers->activeId() >= 0, 20000);
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

    // Last: a teacher quits while the lab is paused (and a broker frozen); the app stops the lab
    // and does not hang on held nodes.
    void quitting_while_paused_stops_the_lab() {
        lab->freezeNode(2);
        lab->pauseLab();
        QTRY_VERIFY_WITH_TIMEOUT(lab->paused() && lab->pendingCommands() == 0, 10000);
        lab->stop();
        QVERIFY(!lab->running());
        QVERIFY(!lab->cluster()->view().running);
    }
};

QTEST_MAIN(LabControllerTest)
#include "test_lab_controller.moc"
