// LabController: the app's one facade over lab::Cluster, exposed to QML as the singleton `Lab`.
//
// Threads. The GUI thread never waits for the engine: commands (kill, restart, create topic,
// add producer ...) run one at a time on a worker thread and report back with
// commandFinished(); the engine never waits for the GUI either. A frame timer (30 Hz) drains the
// engine's event bus and reads its snapshots into the models, so the UI's cost depends on the
// frame rate, not on how many records flow: there is no Qt signal per Kafka record.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QElapsedTimer>
#include <QObject>
#include <QQmlEngine>
#include <QThreadPool>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "chart_feeder.h"
#include "lab/cluster.h"
#include "lab/workload.h"
#include "models/broker_model.h"
#include "models/consumer_model.h"
#include "models/controller_model.h"
#include "models/election_model.h"
#include "models/event_model.h"
#include "models/group_model.h"
#include "models/network_model.h"
#include "models/producer_model.h"
#include "models/replica_lane_model.h"
#include "models/topic_model.h"
#include "rpc_history.h"

class LabController : public QObject {
    Q_OBJECT
    QML_NAMED_ELEMENT(Lab)
    QML_SINGLETON

    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    Q_PROPERTY(QString bootstrap READ bootstrap NOTIFY runningChanged)
    Q_PROPERTY(QString dataDir READ dataDir NOTIFY runningChanged)
    Q_PROPERTY(QString kcatExample READ kcatExample NOTIFY runningChanged)
    Q_PROPERTY(QString startError READ startError NOTIFY runningChanged)
    Q_PROPERTY(int pendingCommands READ pendingCommands NOTIFY pendingCommandsChanged)
    Q_PROPERTY(BrokerModel* brokers READ brokers CONSTANT)
    Q_PROPERTY(ControllerModel* controllers READ controllers CONSTANT)
    Q_PROPERTY(ElectionTimelineModel* elections READ elections CONSTANT)
    Q_PROPERTY(TopicModel* topics READ topics CONSTANT)
    Q_PROPERTY(ProducerModel* producers READ producers CONSTANT)
    Q_PROPERTY(ConsumerModel* consumers READ consumers CONSTANT)
    Q_PROPERTY(EventModel* events READ events CONSTANT)
    Q_PROPERTY(ChartFeeder* charts READ charts CONSTANT)
    // The lab network (lab_controller_network.cpp): its nodes and links as the network view
    // draws them, and the RPCs the tap recorded, drained once per frame.
    Q_PROPERTY(NetworkModel* network READ network CONSTANT)
    Q_PROPERTY(GroupModel* groups READ groups CONSTANT)
    Q_PROPERTY(RpcHistory* rpcs READ rpcs CONSTANT)
    // The replicas of the selected partition, one lane each (empty when none is selected).
    Q_PROPERTY(ReplicaLaneModel* replication READ replication CONSTANT)
    Q_PROPERTY(QString selectedNode READ selectedNode NOTIFY selectionChanged)
    Q_PROPERTY(QString selectedTopic READ selectedTopic NOTIFY selectionChanged)
    Q_PROPERTY(int selectedPartition READ selectedPartition NOTIFY selectionChanged)
    Q_PROPERTY(qint64 framesDrawn READ framesDrawn NOTIFY frame)
    // The frame clock: lab time (ms since the lab was made, core::LabClock) when the current
    // frame began. It stands still while the lab is paused and runs at the lab's speed.
    // Countdowns (the brokers' heartbeat rings) and running elections bind to it and to a lab
    // time the engine reported, so they move smoothly at the frame rate whatever the message
    // rate, and stop when the lab stops.
    Q_PROPERTY(double nowMs READ nowMs NOTIFY frame)
    // Lab time (issue 13, lab_controller_time.cpp), read from Cluster::lab_time() on the frame
    // timer: the speed (0.05..4, 1 real time), whether lab time stands still, the pause-on
    // options, why it paused ("" when running or paused by hand), and whether a step runs.
    Q_PROPERTY(double labSpeed READ labSpeed NOTIFY labTimeChanged)
    Q_PROPERTY(bool paused READ paused NOTIFY labTimeChanged)
    Q_PROPERTY(bool pauseOnElection READ pauseOnElection NOTIFY labTimeChanged)
    Q_PROPERTY(bool pauseOnIsrChange READ pauseOnIsrChange NOTIFY labTimeChanged)
    Q_PROPERTY(QString pauseReason READ pauseReason NOTIFY labTimeChanged)
    Q_PROPERTY(bool stepping READ stepping NOTIFY labTimeChanged)
    // The timeouts the lab runs with: {electionTimeoutMs, fetchTimeoutMs, heartbeatIntervalMs,
    // sessionTimeoutMs}; and the lab's and Kafka's defaults, in the same shape.
    Q_PROPERTY(QVariantMap timeouts READ timeouts NOTIFY timeoutsChanged)
    Q_PROPERTY(QVariantMap labDefaultTimeouts READ labDefaultTimeouts CONSTANT)
    Q_PROPERTY(QVariantMap kafkaDefaultTimeouts READ kafkaDefaultTimeouts CONSTANT)
    // log.flush.interval.ms as the brokers report it; -1 before any report. Kafka's default is
    // never (it leaves flushing to the OS and relies on replication).
    Q_PROPERTY(double flushIntervalMs READ flushIntervalMs NOTIFY flushIntervalChanged)
    // The last audit of acknowledged writes: its verdict in plain words ("" before the first),
    // whether every acknowledged record was found, and whether one is running.
    Q_PROPERTY(QString auditVerdict READ auditVerdict NOTIFY auditChanged)
    Q_PROPERTY(bool auditPassed READ auditPassed NOTIFY auditChanged)
    Q_PROPERTY(bool auditRunning READ auditRunning NOTIFY auditChanged)

  public:
    struct Options {
        kraftlab::lab::LabConfig lab;
        // What a first-time user sees: topic `orders` (6 partitions), a producer at a gentle
        // rate and a consumer, created unless they exist.
        bool default_workload = true;
        int frame_interval_ms = 33;
    };

    // Kafka's own defaults: controller.quorum.election.timeout.ms,
    // controller.quorum.fetch.timeout.ms, broker.heartbeat.interval.ms, broker.session.timeout.ms.
    static constexpr int kKafkaElectionTimeoutMs = 1000;
    static constexpr int kKafkaFetchTimeoutMs = 2000;
    static constexpr int kKafkaHeartbeatIntervalMs = 2000;
    static constexpr int kKafkaSessionTimeoutMs = 9000;

    static LabController* instance();
    static void setInstance(LabController* lab);
    static LabController* create(QQmlEngine*, QJSEngine*);

    explicit LabController(Options options, QObject* parent = nullptr);
    ~LabController() override;

    // Starts the lab on the worker thread; runningChanged() (and started()) when done.
    void start();

    // The shape of a lab (newLab): what the app started with, or a scenario's.
    struct Shape {
        int brokers = 3;
        int controllers = 3;
        bool default_workload = false;
        std::filesystem::path data_dir;  // empty: a fresh temporary directory
    };
    Shape shape() const;
    // Stops this lab and starts another of `shape` on the worker thread, after the commands
    // already asked for. Every view empties and fills from the new lab (its time starts at 0);
    // commands asked for meanwhile are refused. done(ok, message) on the GUI thread once the
    // new lab runs or could not start. The timeouts stay as they are now.
    void newLab(const Shape& shape, std::function<void(bool, const QString&)> done = {});
    // Whether a new lab is being made (newLab).
    bool rebuilding() const { return rebuilding_; }
    // Runs fn against the lab on the worker thread, in order with every command; its result
    // goes to on_gui, then commandFinished(name, ...) unless quiet.
    void runTask(const QString& name,
                 std::function<kraftlab::lab::CommandResult(kraftlab::lab::Cluster&)> fn,
                 std::function<void(const kraftlab::lab::CommandResult&)> on_gui = {},
                 bool quiet = false);
    // Called on every frame with the events drained from the lab, before the views take them
    // (the scenario player's ears). One observer; an empty function removes it.
    void setFrameObserver(std::function<void(const std::vector<kraftlab::core::Event>&)> observer) {
        frame_observer_ = std::move(observer);
    }
    // Stops the lab and waits for it (on quit).
    void stop();

    bool running() const { return running_; }
    QString bootstrap() const { return bootstrap_; }
    QString dataDir() const { return data_dir_; }
    QString kcatExample() const;
    QString startError() const { return start_error_; }
    int pendingCommands() const { return pending_commands_; }
    BrokerModel* brokers() { return &brokers_; }
    ControllerModel* controllers() { return &controllers_; }
    ElectionTimelineModel* elections() { return &elections_; }
    TopicModel* topics() { return &topics_; }
    ProducerModel* producers() { return &producers_; }
    ConsumerModel* consumers() { return &consumers_; }
    EventModel* events() { return &events_; }
    ChartFeeder* charts() { return &charts_; }
    NetworkModel* network() { return &network_; }
    GroupModel* groups() { return &groups_; }
    RpcHistory* rpcs() { return &rpcs_; }
    ReplicaLaneModel* replication() { return &replication_; }
    QString selectedNode() const { return selected_node_; }
    QString selectedTopic() const { return selected_topic_; }
    int selectedPartition() const { return selected_partition_; }
    qint64 framesDrawn() const { return frames_; }
    double nowMs() const { return static_cast<double>(now_ms_); }
    double labSpeed() const { return lab_time_.speed; }
    bool paused() const { return lab_time_.paused; }
    bool pauseOnElection() const { return lab_time_.pause_on_election; }
    bool pauseOnIsrChange() const { return lab_time_.pause_on_isr_change; }
    QString pauseReason() const { return pause_reason_; }
    bool stepping() const { return steps_pending_ > 0; }
    double flushIntervalMs() const { return static_cast<double>(flush_interval_ms_); }
    QString auditVerdict() const { return audit_verdict_; }
    bool auditPassed() const { return audit_passed_; }
    bool auditRunning() const { return audit_running_; }
    QVariantMap timeouts() const;
    QVariantMap labDefaultTimeouts() const;
    QVariantMap kafkaDefaultTimeouts() const;
    // How long the last frame handler took (draining events, refreshing models), in ms.
    double lastFrameCostMs() const { return last_frame_cost_ms_; }
    // The engine (tests and benchmarks drive it directly).
    kraftlab::lab::Cluster* cluster() { return cluster_.get(); }

    // mode: "process" (a crashed process: what it wrote is in the OS and survives) or "power"
    // (a power loss: what was not flushed to disk is gone).
    Q_INVOKABLE void killBroker(int id, const QString& mode = QStringLiteral("process"));
    // log.flush.interval.ms for every broker, live.
    Q_INVOKABLE void setFlushInterval(double ms);
    // Checks that every acknowledged record is still readable, on the worker thread; the verdict
    // lands in auditVerdict.
    Q_INVOKABLE void runAudit();
    Q_INVOKABLE void restartBroker(int id);
    Q_INVOKABLE void killController(int id);
    Q_INVOKABLE void restartController(int id);
    // Asks the active controller to step down; the quorum elects another.
    Q_INVOKABLE void resignController(int id);
    // Empty when these timeouts (ms) are acceptable; else why not, in plain words (the words
    // of lab::Cluster::set_timeouts).
    Q_INVOKABLE QString timeoutsProblem(int electionMs, int fetchMs, int heartbeatMs,
                                        int sessionMs) const;
    // Checks a number field's text as typed, by the engine's rule (lab/field_rules.h): field is
    // the rule's key ("partitions", "replication-factor", "min-insync-replicas", "rate",
    // "value-bytes", "random-keys", "acks-n", "election-timeout-ms", "fetch-timeout-ms",
    // "heartbeat-interval-ms", "session-timeout-ms", "flush-interval-ms", "brokers",
    // "controllers"); context may hold brokers, replicationFactor, heartbeatIntervalMs (numbers)
    // and topic. Returns {ok, value (when ok), message (plain words, when not), hint ("1 to
    // 10,000"), min, max, unit, label}. The text is never rewritten.
    Q_INVOKABLE QVariantMap checkField(const QString& field, const QString& text,
                                       const QVariantMap& context = {}) const;
    // Applies them to the running lab (and to nodes restarted later); timeoutsChanged() once
    // the lab runs with them.
    Q_INVOKABLE void setTimeouts(int electionMs, int fetchMs, int heartbeatMs, int sessionMs);
    // Empty when the name is a valid new topic name; else why not, in plain words.
    Q_INVOKABLE QString topicNameProblem(const QString& name) const;
    // replicationFactor -1: the cluster's default. configs: topic configs by Kafka name
    // ("min.insync.replicas": "2"), values as text.
    Q_INVOKABLE void createTopic(const QString& name, int partitions, int replicationFactor = -1,
                                 const QVariantMap& configs = {});
    // Empty when value is acceptable for the topic config key; else why not, in plain words.
    Q_INVOKABLE QString topicConfigProblem(const QString& key, const QString& value) const;
    // Changes topic configs live: key -> value as text, or null to return to the default.
    Q_INVOKABLE void setTopicConfig(const QString& topic, const QVariantMap& changes);
    Q_INVOKABLE void deleteTopic(const QString& name);
    // CreatePartitions: the topic grows to `count` partitions.
    Q_INVOKABLE void addPartitions(const QString& topic, int count);
    // ElectLeaders (preferred) for every partition of the topic.
    Q_INVOKABLE void electPreferredLeaders(const QString& topic);
    // Reassignment (lab_controller_reassign.cpp). Moves the partition's replicas to `replicas`
    // (broker ids; the first is the preferred leader); an empty list cancels the move in
    // progress.
    Q_INVOKABLE void reassignPartition(const QString& topic, int partition,
                                       const QVariantList& replicas);
    // A reassignment of every partition to `replicationFactor` replicas.
    Q_INVOKABLE void setReplicationFactor(const QString& topic, int replicationFactor);
    // The partition as the metadata says now: {replicas, adding, removing, isr, leader}; empty
    // when there is no such partition.
    Q_INVOKABLE QVariantMap partitionReplicas(const QString& topic, int partition) const;
    // Every registered broker: [{id, live}], by id.
    Q_INVOKABLE QVariantList registeredBrokers() const;
    Q_INVOKABLE int partitionCount(const QString& topic) const;
    // The topic's replication factor; 0 when there is no such topic.
    Q_INVOKABLE int replicationFactor(const QString& topic) const;
    // What a producer's keys are, from its latest snapshot: {randomKeys, fixedKey}; empty when
    // there is no such producer. The editor starts from these, so that editing a producer never
    // resets them to a default.
    Q_INVOKABLE QVariantMap producerKeys(int id) const;

    // config keys: topic, rate, valueBytes, keyPattern ("none"|"sequence"|"random"|"fixed"),
    // randomKeys, fixedKey, partitioner ("round-robin"|"key-hash"|"custom"), customSource,
    // acks (0|1|-1).
    Q_INVOKABLE void addProducer(const QVariantMap& config);
    Q_INVOKABLE void updateProducer(int id, const QVariantMap& config);
    Q_INVOKABLE void removeProducer(int id);
    // {ok, message, line, preview: [partition for key-0..key-9]}
    Q_INVOKABLE QVariantMap checkPartitioner(const QString& source, int numPartitions) const;
    Q_INVOKABLE QString defaultPartitionerSource() const;

    // Lab time (lab_controller_time.cpp). Each runs on the worker thread like every command; a
    // refusal comes back as commandFinished(ok = false) with the engine's words.
    Q_INVOKABLE void pauseLab();
    Q_INVOKABLE void resumeLab();
    // Pauses a running lab, resumes a paused one (what the lab will be once the commands already
    // asked for have run: two quick presses pause and resume).
    Q_INVOKABLE void togglePause();
    // 0.05..4 (1 is real time).
    Q_INVOKABLE void setLabSpeed(double speed);
    // Only while paused: runs the lab for `ms` of lab time, then pauses again.
    Q_INVOKABLE void stepLab(int ms = 100);
    // A broker (1, 2 ...) or a controller (101, 102 ...): frozen as in a long GC pause, thawed.
    Q_INVOKABLE void freezeNode(int id);
    Q_INVOKABLE void thawNode(int id);
    // Pause the lab the moment a controller election starts / an ISR shrinks or grows.
    Q_INVOKABLE void setPauseOnElection(bool on);
    Q_INVOKABLE void setPauseOnIsrChange(bool on);

    // The lab network (lab_controller_network.cpp); nodes by name ("broker-1",
    // "controller-101", "clients"). faults: {cut, delayMs, jitterMs, normal, lossPercent,
    // lossBurst, duplicatePercent, reorderPercent, bandwidth} (missing keys: none), set on a→b
    // and, unless oneWay, on b→a, replacing what the link had.
    Q_INVOKABLE void setLinkFaults(const QString& a, const QString& b, const QVariantMap& faults,
                                   bool oneWay);
    Q_INVOKABLE void healLink(const QString& a, const QString& b);
    Q_INVOKABLE void healNetwork();
    Q_INVOKABLE void resetLink(const QString& a, const QString& b);
    Q_INVOKABLE void isolateNode(const QString& node);
    // groups: lists of node names; nodes in no group keep their links.
    Q_INVOKABLE void partitionNetwork(const QVariantList& groups);

    // group: a consumer group to join ("" reads every partition without one).
    Q_INVOKABLE void addConsumer(const QString& topic, bool fromEarliest,
                                 const QString& group = QString());
    Q_INVOKABLE void removeConsumer(int id);

    Q_INVOKABLE void copyToClipboard(const QString& text) const;
    // Writes the lab's event log (every event since this lab started, the oldest dropped past
    // kEventLogMax) to a file as JSON lines, one event each as kraftlab-cluster prints them;
    // commandFinished("export the event log", ...) says how many, or why not.
    Q_INVOKABLE void exportEvents(const QUrl& file);
    // Says what a view did (a file saved), as a command's result: the toast shows it.
    Q_INVOKABLE void notify(const QString& what, bool ok, const QString& message) {
        emit commandFinished(what, ok, message);
    }
    // A file URL as a local path (for QML's grabToImage().saveToFile()).
    Q_INVOKABLE QString localPath(const QUrl& file) const;
    static constexpr std::size_t kEventLogMax = 200'000;
    std::size_t eventLogSize() const { return event_log_.size(); }
    // Selects what an event concerns: a node ("broker-2"), or a topic partition.
    Q_INVOKABLE void select(const QString& node, const QString& topic, int partition);
    Q_INVOKABLE QString formatBytes(double bytes) const;

    // Turns a QML producer config into the engine's; nullopt (with *error) if invalid.
    static std::optional<kraftlab::lab::ProducerConfig> producer_config(const QVariantMap& map,
                                                                        QString* error);

  signals:
    void runningChanged();
    void started(bool ok, const QString& message);
    void commandFinished(const QString& command, bool ok, const QString& message);
    void pendingCommandsChanged();
    void selectionChanged();
    void frame();
    void timeoutsChanged();
    void flushIntervalChanged();
    void auditChanged();
    void labTimeChanged();

  private:
    // Runs fn on the worker thread; its result comes back as commandFinished(name, ...) unless
    // quiet. Refused while a new lab is being made (fn holds the old lab).
    void run_command(const QString& name, std::function<kraftlab::lab::CommandResult()> fn,
                     std::function<void(const kraftlab::lab::CommandResult&)> on_gui = {},
                     bool quiet = false);
    // The lab started (or not): the properties, the first models, the first workload.
    void on_started(const std::optional<std::string>& error, bool default_workload);
    // newLab's second half, on the GUI thread: the new lab in, every view emptied.
    void adopt_lab(std::unique_ptr<kraftlab::lab::Cluster> fresh,
                   const std::optional<std::string>& error, bool default_workload);
    void on_frame();
    // Reads the engine's lab time into nowMs and the lab-time properties (each frame), and
    // notes why the lab paused from the drained events.
    void refresh_lab_time(const std::vector<kraftlab::core::Event>& drained);
    void ask_paused(bool paused);  // pauseLab/resumeLab: the command on the worker thread
    void refresh_models();
    // The selected partition's replica lanes, from the snapshots as they are now.
    void refresh_replication(const kraftlab::lab::LabView& view);
    void sample_charts();
    // Drains the RPC tap; refreshes the network model and the diagram's lanes and bands when
    // the network changed (or, for bands still open, now and then).
    void refresh_network(bool changed);
    // lab_controller_groups.cpp: the consumer groups from the coordinators' snapshots.
    void refresh_groups(
        const std::vector<std::shared_ptr<const kraftlab::core::BrokerSnapshot>>& brokers);
    void setup_default_workload();

    Options options_;
    std::unique_ptr<kraftlab::lab::Cluster> cluster_;
    QThreadPool worker_;  // one thread: commands run in order
    QTimer frame_timer_;
    QElapsedTimer clock_;

    bool running_ = false;
    bool rebuilding_ = false;
    std::function<void(const std::vector<kraftlab::core::Event>&)> frame_observer_;
    std::deque<kraftlab::core::Event> event_log_;  // exportEvents; bounded by kEventLogMax
    std::uint64_t event_log_dropped_ = 0;
    QString bootstrap_;
    QString data_dir_;
    QString start_error_;
    int pending_commands_ = 0;

    BrokerModel brokers_;
    ControllerModel controllers_;
    ElectionTimelineModel elections_;
    TopicModel topics_;
    ProducerModel producers_;
    ConsumerModel consumers_;
    GroupModel groups_;
    EventModel events_;
    ChartFeeder charts_;
    NetworkModel network_;
    RpcHistory rpcs_;
    ReplicaLaneModel replication_;

    QString selected_node_;
    QString selected_topic_;
    int selected_partition_ = -1;
    qint64 frames_ = 0;
    qint64 now_ms_ = 0;  // lab time
    kraftlab::lab::LabTimeView lab_time_;
    QString pause_reason_;
    int steps_pending_ = 0;
    // What togglePause last asked for, while that command has not run yet.
    std::optional<bool> pause_asked_;
    int pause_commands_pending_ = 0;
    struct Timeouts {
        int election_ms, fetch_ms, heartbeat_ms, session_ms;
    };
    Timeouts timeouts_{};
    double last_frame_cost_ms_ = 0;
    qint64 flush_interval_ms_ = -1;
    QString audit_verdict_;
    bool audit_passed_ = false;
    bool audit_running_ = false;

    // Rates per lab second (a slowed lab shows the rates its clients run at, a paused one keeps
    // them): the previous totals of each counter and the lab time they were read at.
    struct Counter {
        double total = 0;
        qint64 lab_ms = 0;
        double rate = 0;  // smoothed
    };
    double rate_of(std::map<QString, Counter>& counters, const QString& key, double total,
                   qint64 lab_ms);
    std::map<QString, Counter> counters_;
    std::map<int, QString> custom_sources_;  // producer id -> its partitioner code
    qint64 last_refresh_ms_ = 0;
    qint64 last_chart_ms_ = 0;  // lab time of the last chart sample
    std::map<QString, double> topic_produce_rates_;
    std::map<QString, double> topic_consume_rates_;
};
