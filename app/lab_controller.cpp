#include "lab_controller.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QQmlEngine>
#include <QRunnable>
#include <QSaveFile>
#include <cmath>
#include <set>

#include "js_partitioner.h"
#include "lab/field_rules.h"
#include "metadata/topic_config.h"

using kraftlab::core::EventKind;
namespace lab = kraftlab::lab;

// The QML type registrations of this static library live in a file that qt_add_qml_module
// generates and nothing references, so a linker would drop them. Whoever links the facade
// links them too.
extern void qml_register_types_Kraftlab();
[[maybe_unused]] __attribute__((used)) static void (*const keep_qml_types)() =
    &qml_register_types_Kraftlab;

namespace {

LabController* g_instance = nullptr;

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

QVariantList id_list(const std::vector<std::int32_t>& ids) {
    QVariantList out;
    for (auto id : ids)
        out << id;
    return out;
}

}  // namespace

LabController* LabController::instance() {
    return g_instance;
}
void LabController::setInstance(LabController* lab) {
    g_instance = lab;
}

LabController* LabController::create(QQmlEngine*, QJSEngine*) {
    Q_ASSERT(g_instance);
    QQmlEngine::setObjectOwnership(g_instance, QQmlEngine::CppOwnership);
    return g_instance;
}

LabController::LabController(Options options, QObject* parent)
    : QObject(parent),
      options_(std::move(options)),
      cluster_(std::make_unique<lab::Cluster>(options_.lab)) {
    QQmlEngine::setObjectOwnership(&brokers_, QQmlEngine::CppOwnership);
    QQmlEngine::setObjectOwnership(&controllers_, QQmlEngine::CppOwnership);
    QQmlEngine::setObjectOwnership(&elections_, QQmlEngine::CppOwnership);
    QQmlEngine::setObjectOwnership(&groups_, QQmlEngine::CppOwnership);
    QQmlEngine::setObjectOwnership(&topics_, QQmlEngine::CppOwnership);
    QQmlEngine::setObjectOwnership(&producers_, QQmlEngine::CppOwnership);
    QQmlEngine::setObjectOwnership(&consumers_, QQmlEngine::CppOwnership);
    QQmlEngine::setObjectOwnership(&events_, QQmlEngine::CppOwnership);
    QQmlEngine::setObjectOwnership(&charts_, QQmlEngine::CppOwnership);
    QQmlEngine::setObjectOwnership(&replication_, QQmlEngine::CppOwnership);
    timeouts_ = {options_.lab.controller.election_timeout_ms,
                 options_.lab.controller.fetch_timeout_ms,
                 options_.lab.broker.heartbeat_interval_ms,
                 options_.lab.controller.broker_session_timeout_ms};
    lab_time_ = cluster_->lab_time();
    now_ms_ = lab_time_.lab_ms;
    worker_.setMaxThreadCount(1);
    worker_.setExpiryTimeout(-1);
    clock_.start();
    frame_timer_.setInterval(options_.frame_interval_ms);
    frame_timer_.setTimerType(Qt::PreciseTimer);
    connect(&frame_timer_, &QTimer::timeout, this, &LabController::on_frame);
}

LabController::~LabController() {
    stop();
}

void LabController::start() {
    frame_timer_.start();
    ++pending_commands_;
    emit pendingCommandsChanged();
    auto* cluster = cluster_.get();
    worker_.start([this, cluster] {
        auto error = cluster->start();
        QMetaObject::invokeMethod(this, [this, error] {
            --pending_commands_;
            emit pendingCommandsChanged();
            on_started(error, options_.default_workload);
        });
    });
}

void LabController::stop() {
    frame_timer_.stop();
    worker_.waitForDone();
    if (cluster_) cluster_->stop();
    if (running_) {
        running_ = false;
        emit runningChanged();
    }
}

void LabController::setup_default_workload() {
    auto* cluster = cluster_.get();
    // The seed's story from the first second: `orders` is replicated (RF 3, min.insync.replicas
    // 2) and written with acks=all, so leaders, followers, the ISR and the high watermark are on
    // screen at once, and orders-0's replicas are shown. `telemetry` keeps one copy per partition
    // and takes acks=1 writes: kill a broker and its partitions go offline (the RF 1 lesson,
    // one click away), and the latency chart compares acks=1 with acks=all.
    const int brokers = std::max(1, options_.lab.brokers);
    const int rf = std::min(3, brokers);
    run_command(
        "start the first workload",
        [cluster, rf] {
            auto view = cluster->view();
            if (!view.metadata->topic("orders")) {
                std::vector<std::pair<std::string, std::string>> configs;
                if (rf >= 3) configs.emplace_back("min.insync.replicas", "2");
                auto created =
                    cluster->create_topic("orders", 6, static_cast<std::int16_t>(rf), configs);
                if (!created.ok) return created;
            }
            if (!view.metadata->topic("telemetry")) {
                auto created = cluster->create_topic("telemetry", 2, 1);
                if (!created.ok) return created;
            }
            lab::ProducerConfig producer;
            producer.topic = "orders";
            producer.records_per_second = 6;
            producer.key_pattern = lab::KeyPattern::RandomKeys;
            producer.random_key_count = 12;
            producer.partitioner = lab::PartitionerKind::RoundRobin;
            producer.acks = -1;
            auto p = cluster->add_producer(producer);
            if (!p.result.ok) return p.result;
            lab::ProducerConfig telemetry;
            telemetry.topic = "telemetry";
            telemetry.records_per_second = 2;
            telemetry.key_pattern = lab::KeyPattern::None;
            telemetry.partitioner = lab::PartitionerKind::RoundRobin;
            telemetry.acks = 1;
            auto p2 = cluster->add_producer(telemetry);
            if (!p2.result.ok) return p2.result;
            lab::ConsumerConfig consumer;
            consumer.topic = "orders";
            auto c = cluster->add_consumer(consumer);
            if (!c.result.ok) return c.result;
            return lab::CommandResult::success(
                "topic orders (RF " + std::to_string(rf) +
                ") with an acks=all producer at 6 records/s and a consumer; topic telemetry (RF 1) "
                "with an acks=1 producer");
        },
        [this](const lab::CommandResult& r) {
            if (r.ok && selected_topic_.isEmpty()) select("", "orders", 0);
        });
}

LabController::Shape LabController::shape() const {
    return {options_.lab.brokers, options_.lab.controllers, options_.default_workload,
            options_.lab.data_dir};
}

void LabController::newLab(const Shape& shape, std::function<void(bool, const QString&)> done) {
    if (rebuilding_) {
        if (done) done(false, "a new lab is already starting");
        return;
    }
    rebuilding_ = true;
    frame_timer_.stop();
    running_ = false;
    start_error_.clear();
    emit runningChanged();
    lab::LabConfig config = options_.lab;
    config.brokers = shape.brokers;
    config.controllers = shape.controllers;
    config.data_dir = shape.data_dir;
    config.controller.election_timeout_ms = timeouts_.election_ms;
    config.controller.fetch_timeout_ms = timeouts_.fetch_ms;
    config.controller.broker_session_timeout_ms = timeouts_.session_ms;
    config.broker.heartbeat_interval_ms = timeouts_.heartbeat_ms;
    config.broker.session_timeout_ms = timeouts_.session_ms;
    ++pending_commands_;
    emit pendingCommandsChanged();
    // Every command asked for before this one has run (one worker thread, in order), and none
    // asked for after it runs (run_command refuses while rebuilding_): nothing holds the old lab.
    auto* old = cluster_.get();
    worker_.start([this, old, config, shape, done = std::move(done)] {
        old->stop();
        auto* fresh = new lab::Cluster(config);
        auto error = fresh->start();
        QMetaObject::invokeMethod(this, [this, fresh, error, shape, done] {
            --pending_commands_;
            emit pendingCommandsChanged();
            adopt_lab(std::unique_ptr<lab::Cluster>(fresh), error, shape.default_workload);
            if (done) done(!error, error ? q(*error) : QString("the lab is running"));
        });
    });
}

void LabController::adopt_lab(std::unique_ptr<lab::Cluster> fresh,
                              const std::optional<std::string>& error, bool default_workload) {
    cluster_ = std::move(fresh);  // the old lab, stopped, is gone
    rebuilding_ = false;
    events_.clear();
    event_log_.clear();
    event_log_dropped_ = 0;
    elections_.clear();
    groups_.clear();
    rpcs_.clear();
    charts_.clear();
    replication_.clear();
    counters_.clear();
    custom_sources_.clear();
    topic_produce_rates_.clear();
    topic_consume_rates_.clear();
    selected_node_.clear();
    selected_topic_.clear();
    selected_partition_ = -1;
    emit selectionChanged();
    lab_time_ = cluster_->lab_time();
    now_ms_ = lab_time_.lab_ms;
    last_chart_ms_ = 0;
    pause_reason_.clear();
    pause_asked_.reset();
    steps_pending_ = 0;
    flush_interval_ms_ = -1;
    audit_verdict_.clear();
    audit_passed_ = false;
    emit auditChanged();
    emit labTimeChanged();
    emit flushIntervalChanged();
    frame_timer_.start();
    on_started(error, default_workload);
}

void LabController::on_started(const std::optional<std::string>& error, bool default_workload) {
    if (error) {
        start_error_ = q(*error);
        emit runningChanged();
        emit started(false, start_error_);
        return;
    }
    const auto view = cluster_->view();
    running_ = true;
    bootstrap_ = q(view.bootstrap);
    data_dir_ = q(view.data_dir);
    emit runningChanged();
    emit started(true, "the lab is running");
    refresh_models();
    refresh_network(true);
    if (default_workload) setup_default_workload();
}

void LabController::runTask(const QString& name,
                            std::function<lab::CommandResult(lab::Cluster&)> fn,
                            std::function<void(const lab::CommandResult&)> on_gui, bool quiet) {
    auto* cluster = cluster_.get();
    run_command(
        name, [cluster, fn = std::move(fn)] { return fn(*cluster); }, std::move(on_gui), quiet);
}

void LabController::run_command(const QString& name, std::function<lab::CommandResult()> fn,
                                std::function<void(const lab::CommandResult&)> on_gui, bool quiet) {
    if (rebuilding_) {
        const auto refused =
            lab::CommandResult::failure("a new lab is starting; try again in a moment");
        if (on_gui) on_gui(refused);
        if (!quiet) emit commandFinished(name, false, q(refused.message));
        return;
    }
    ++pending_commands_;
    emit pendingCommandsChanged();
    worker_.start([this, name, fn = std::move(fn), on_gui = std::move(on_gui), quiet] {
        lab::CommandResult result = fn();
        QMetaObject::invokeMethod(this, [this, name, result, on_gui, quiet] {
            --pending_commands_;
            emit pendingCommandsChanged();
            if (on_gui) on_gui(result);
            if (!quiet) emit commandFinished(name, result.ok, q(result.message));
            // Show the effect at once rather than at the next refresh.
            refresh_models();
        });
    });
}

QString LabController::kcatExample() const {
    if (bootstrap_.isEmpty()) return {};
    return QString("kcat -b %1 -t orders -C -o beginning").arg(bootstrap_.section(',', 0, 0));
}

// ---------------------------------------------------------------------------------------------
// Commands

void LabController::killBroker(int id, const QString& mode) {
    auto* cluster = cluster_.get();
    const QString name =
        QString("kill broker %1").arg(id) + (mode == "power" ? " (power loss)" : "");
    if (mode != "process" && mode != "power") {
        emit commandFinished(name, false, "unknown crash mode '" + mode + "'");
        return;
    }
    const auto crash = mode == "power" ? kraftlab::broker::CrashMode::PowerLoss
                                       : kraftlab::broker::CrashMode::Process;
    run_command(name, [cluster, id, crash] { return cluster->kill_broker(id, crash); });
}

void LabController::setFlushInterval(double ms) {
    const QString name = "change the flush interval";
    if (auto c = lab::check_field_value(lab::Field::FlushInterval, ms); !c.ok) {
        emit commandFinished(name, false, q(c.message));
        return;
    }
    auto* cluster = cluster_.get();
    run_command(name, [cluster, ms = static_cast<std::int64_t>(ms)] {
        return cluster->set_flush_interval(ms);
    });
}

void LabController::runAudit() {
    if (audit_running_) return;
    audit_running_ = true;
    emit auditChanged();
    auto* cluster = cluster_.get();
    run_command(
        "audit", [cluster] { return cluster->audit(); },
        [this](const lab::CommandResult& r) {
            audit_running_ = false;
            // Passed: every acknowledged record read back where it was acknowledged, once.
            std::uint64_t wrong = 0;
            for (const char* key : {"lost", "moved", "duplicated", "out_of_order", "changed"})
                wrong += r.data.value(key, std::uint64_t{0});
            audit_passed_ = r.ok && wrong == 0;
            audit_verdict_ = q(r.message);
            emit auditChanged();
        });
}

void LabController::restartBroker(int id) {
    auto* cluster = cluster_.get();
    run_command(QString("restart broker %1").arg(id),
                [cluster, id] { return cluster->restart_broker(id); });
}

void LabController::killController(int id) {
    auto* cluster = cluster_.get();
    run_command(QString("kill controller %1").arg(id),
                [cluster, id] { return cluster->kill_controller(id); });
}

void LabController::restartController(int id) {
    auto* cluster = cluster_.get();
    run_command(QString("restart controller %1").arg(id),
                [cluster, id] { return cluster->restart_controller(id); });
}

void LabController::resignController(int id) {
    auto* cluster = cluster_.get();
    run_command(QString("resign controller %1").arg(id),
                [cluster, id] { return cluster->resign_controller(id); });
}

namespace {
QVariantMap timeouts_map(int election_ms, int fetch_ms, int heartbeat_ms, int session_ms) {
    return {{"electionTimeoutMs", election_ms},
            {"fetchTimeoutMs", fetch_ms},
            {"heartbeatIntervalMs", heartbeat_ms},
            {"sessionTimeoutMs", session_ms}};
}
}  // namespace

QVariantMap LabController::timeouts() const {
    return timeouts_map(timeouts_.election_ms, timeouts_.fetch_ms, timeouts_.heartbeat_ms,
                        timeouts_.session_ms);
}

QVariantMap LabController::labDefaultTimeouts() const {
    const kraftlab::controller::ControllerConfig controller;
    const kraftlab::broker::BrokerConfig broker;
    return timeouts_map(controller.election_timeout_ms, controller.fetch_timeout_ms,
                        broker.heartbeat_interval_ms, broker.session_timeout_ms);
}

QVariantMap LabController::kafkaDefaultTimeouts() const {
    return timeouts_map(kKafkaElectionTimeoutMs, kKafkaFetchTimeoutMs, kKafkaHeartbeatIntervalMs,
                        kKafkaSessionTimeoutMs);
}

QString LabController::timeoutsProblem(int electionMs, int fetchMs, int heartbeatMs,
                                       int sessionMs) const {
    // The engine's own check, so that the settings say what set_timeouts would.
    if (auto problem = lab::Cluster::timeouts_problem(electionMs, fetchMs, heartbeatMs, sessionMs))
        return q(*problem);
    return {};
}

QVariantMap LabController::checkField(const QString& field, const QString& text,
                                      const QVariantMap& context) const {
    const auto* rule = lab::find_field_rule(field.toStdString());
    if (!rule) {
        // A view asking for a field the engine has no rule for is a bug: say so where it shows.
        return {{"ok", false},
                {"message", "There is no number field '" + field + "'."},
                {"hint", QString()}};
    }
    lab::FieldContext ctx;
    auto number = [&](const char* key) -> std::optional<std::int64_t> {
        const QVariant v = context.value(key);
        bool ok = false;
        const double d = v.toDouble(&ok);
        // An unknown context value (a field left invalid) leaves the bound at its own.
        if (!v.isValid() || v.isNull() || !ok || !std::isfinite(d)) return std::nullopt;
        return static_cast<std::int64_t>(d);
    };
    ctx.brokers = number("brokers");
    ctx.replication_factor = number("replicationFactor");
    ctx.heartbeat_interval_ms = number("heartbeatIntervalMs");
    ctx.topic = context.value("topic").toString().toStdString();
    const auto check = lab::check_field(rule->field, text.toStdString(), ctx);
    const auto bounds = lab::field_bounds(rule->field, ctx);
    QVariantMap out{{"ok", check.ok},
                    {"message", q(check.message)},
                    {"hint", q(check.hint)},
                    {"min", bounds.min},
                    {"max", bounds.max},
                    {"unit", q(std::string(rule->unit))},
                    {"label", q(std::string(rule->label))}};
    if (check.ok) out["value"] = check.value;
    return out;
}

void LabController::setTimeouts(int electionMs, int fetchMs, int heartbeatMs, int sessionMs) {
    const QString name = "change timeouts";
    if (auto problem = timeoutsProblem(electionMs, fetchMs, heartbeatMs, sessionMs);
        !problem.isEmpty()) {
        emit commandFinished(name, false, problem);
        return;
    }
    auto* cluster = cluster_.get();
    const Timeouts next{electionMs, fetchMs, heartbeatMs, sessionMs};
    run_command(
        name,
        [cluster, next] {
            return cluster->set_timeouts(next.election_ms, next.fetch_ms, next.heartbeat_ms,
                                         next.session_ms);
        },
        [this, next](const lab::CommandResult& r) {
            if (!r.ok) return;
            timeouts_ = next;
            emit timeoutsChanged();
        });
}

QString LabController::topicNameProblem(const QString& name) const {
    if (auto why = kraftlab::metadata::validate_topic_name(name.toStdString())) return q(*why);
    if (name.startsWith("__")) return "names starting with '__' are reserved for internal topics";
    if (topics_.names().contains(name)) return "a topic named '" + name + "' already exists";
    return {};
}

void LabController::createTopic(const QString& name, int partitions, int replicationFactor,
                                const QVariantMap& configs) {
    auto* cluster = cluster_.get();
    std::vector<std::pair<std::string, std::string>> c;
    for (auto it = configs.begin(); it != configs.end(); ++it)
        c.emplace_back(it.key().toStdString(), it.value().toString().toStdString());
    run_command("create topic " + name,
                [cluster, name = name.toStdString(), partitions,
                 rf = static_cast<std::int16_t>(replicationFactor),
                 c = std::move(c)] { return cluster->create_topic(name, partitions, rf, c); });
}

void LabController::setTopicConfig(const QString& topic, const QVariantMap& changes) {
    const QString name = "change the config of " + topic;
    std::vector<std::pair<std::string, std::optional<std::string>>> c;
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        // null (or undefined) from QML: back to the default.
        const bool reset = !it.value().isValid() || it.value().isNull();
        if (!reset) {
            if (const QString problem = topicConfigProblem(it.key(), it.value().toString());
                !problem.isEmpty()) {
                emit commandFinished(name, false, problem);
                return;
            }
        }
        c.emplace_back(
            it.key().toStdString(),
            reset ? std::nullopt : std::optional<std::string>(it.value().toString().toStdString()));
    }
    auto* cluster = cluster_.get();
    run_command(name, [cluster, topic = topic.toStdString(), c = std::move(c)] {
        return cluster->set_topic_config(topic, c);
    });
}

QString LabController::topicConfigProblem(const QString& key, const QString& value) const {
    if (auto problem =
            kraftlab::metadata::validate_topic_config(key.toStdString(), value.toStdString()))
        return q(*problem);
    return {};
}

void LabController::deleteTopic(const QString& name) {
    auto* cluster = cluster_.get();
    run_command("delete topic " + name,
                [cluster, name = name.toStdString()] { return cluster->delete_topic(name); });
}

void LabController::addPartitions(const QString& topic, int count) {
    auto* cluster = cluster_.get();
    run_command("add partitions to " + topic, [cluster, topic = topic.toStdString(), count] {
        return cluster->add_partitions(topic, count);
    });
}

void LabController::electPreferredLeaders(const QString& topic) {
    auto* cluster = cluster_.get();
    run_command("elect preferred leaders of " + topic, [cluster, topic = topic.toStdString()] {
        return cluster->elect_leaders(false, topic);
    });
}

int LabController::partitionCount(const QString& topic) const {
    for (const auto& t : topics_.rows()) {
        if (t.name == topic) return t.partition_count;
    }
    return 0;
}

QVariantMap LabController::producerKeys(int id) const {
    for (const auto& s : cluster_->snapshots().producers()) {
        if (s->id == id)
            return {{"randomKeys", s->random_key_count}, {"fixedKey", q(s->fixed_key)}};
    }
    return {};
}

int LabController::replicationFactor(const QString& topic) const {
    for (const auto& t : topics_.rows()) {
        if (t.name == topic) return t.replication_factor;
    }
    return 0;
}

std::optional<lab::ProducerConfig> LabController::producer_config(const QVariantMap& map,
                                                                  QString* error) {
    lab::ProducerConfig c;
    c.topic = map.value("topic").toString().toStdString();
    // A number that is not one (text from a field, NaN) is refused, never read as 0; the range
    // is the engine's to check (lab/field_rules.h), so that it says the same words everywhere.
    auto number = [&](const char* key, double fallback, const char* what, double* out) -> bool {
        const QVariant v = map.value(key);
        if (!v.isValid() || v.isNull()) {
            *out = fallback;
            return true;
        }
        bool ok = false;
        *out = v.toDouble(&ok);
        if (!ok || !std::isfinite(*out)) {
            *error = QString("%1 must be a number, not '%2'").arg(what, v.toString());
            return false;
        }
        return true;
    };
    double rate = 0, value_bytes = 0, random_keys = 0;
    if (!number("rate", 10, "the rate", &rate) ||
        !number("valueBytes", 100, "the value size", &value_bytes) ||
        !number("randomKeys", 10, "the number of random keys", &random_keys))
        return std::nullopt;
    for (auto [f, v] : {std::pair{lab::Field::ValueBytes, value_bytes},
                        std::pair{lab::Field::RandomKeyCount, random_keys}}) {
        // Whole and in range before they become integers (a cast would wrap them).
        if (auto check = lab::check_field_value(f, v);
            !check.ok && (f != lab::Field::RandomKeyCount || map.value("keyPattern") == "random")) {
            *error = q(check.message);
            return std::nullopt;
        }
    }
    c.records_per_second = rate;
    c.value_bytes = static_cast<std::int32_t>(value_bytes);
    const QString keys = map.value("keyPattern", "sequence").toString();
    if (keys == "none") {
        c.key_pattern = lab::KeyPattern::None;
    } else if (keys == "sequence") {
        c.key_pattern = lab::KeyPattern::Sequence;
    } else if (keys == "random") {
        c.key_pattern = lab::KeyPattern::RandomKeys;
        c.random_key_count = static_cast<std::int32_t>(random_keys);
    } else if (keys == "fixed") {
        c.key_pattern = lab::KeyPattern::Fixed;
        c.fixed_key = map.value("fixedKey", "key").toString().toStdString();
    } else {
        *error = "unknown key pattern '" + keys + "'";
        return std::nullopt;
    }
    const QString partitioner = map.value("partitioner", "round-robin").toString();
    if (partitioner == "round-robin") {
        c.partitioner = lab::PartitionerKind::RoundRobin;
    } else if (partitioner == "key-hash") {
        c.partitioner = lab::PartitionerKind::KeyHash;
    } else if (partitioner == "custom") {
        const QString source = map.value("customSource").toString();
        kraftlab::app::JsPartitioner check(source);
        if (!check.ok()) {
            *error = "the custom partitioner does not compile: " + check.error();
            return std::nullopt;
        }
        c.partitioner = lab::PartitionerKind::Custom;
        c.custom_partitioner = kraftlab::app::JsPartitioner::factory(source);
        c.custom_partitioner_source = source.toStdString();
    } else {
        *error = "unknown partitioner '" + partitioner + "'";
        return std::nullopt;
    }
    // 0, 1, all (-1), or the lab's acks=N (N >= 2: N replicas have it; not Kafka's). The lab
    // checks N against the topic.
    const int acks = map.value("acks", -1).toInt();
    if (acks < -1) {
        *error = "acks must be 0, 1, all, or a number of replicas";
        return std::nullopt;
    }
    if (acks >= 2) {
        if (auto check = lab::check_field_value(lab::Field::LabAcks, acks); !check.ok) {
            *error = q(check.message);
            return std::nullopt;
        }
    }
    c.acks = static_cast<std::int16_t>(acks);
    // "leader": to the partition's leader, as real clients do; "any broker": to the brokers in
    // turn, which forward to the leader (the lab's rendering of the seed's message flow).
    const QString route = map.value("route", "leader").toString();
    if (route != "leader" && route != "any broker") {
        *error = "unknown route '" + route + "'";
        return std::nullopt;
    }
    c.route = route == "any broker" ? lab::Route::AnyBroker : lab::Route::Leader;
    // Idempotence needs acks=all; the engine refuses it otherwise, in Kafka's words.
    c.idempotence = map.value("idempotence", false).toBool();
    return c;
}

void LabController::addProducer(const QVariantMap& config) {
    QString error;
    auto c = producer_config(config, &error);
    if (!c) {
        emit commandFinished("add producer", false, error);
        return;
    }
    auto* cluster = cluster_.get();
    auto source = config.value("partitioner").toString() == "custom"
                      ? config.value("customSource").toString()
                      : QString();
    auto id = std::make_shared<int>(-1);
    run_command(
        "add producer",
        [cluster, c = *c, id]() mutable {
            auto r = cluster->add_producer(std::move(c));
            *id = r.id;
            return r.result;
        },
        [this, id, source](const lab::CommandResult& r) {
            if (r.ok && !source.isEmpty()) custom_sources_[*id] = source;
        });
}

void LabController::updateProducer(int id, const QVariantMap& config) {
    QString error;
    auto c = producer_config(config, &error);
    if (!c) {
        emit commandFinished(QString("change producer %1").arg(id), false, error);
        return;
    }
    auto* cluster = cluster_.get();
    auto source = config.value("partitioner").toString() == "custom"
                      ? config.value("customSource").toString()
                      : QString();
    run_command(
        QString("change producer %1").arg(id),
        [cluster, id, c = *c]() mutable { return cluster->update_producer(id, std::move(c)); },
        [this, id, source](const lab::CommandResult& r) {
            if (!r.ok) return;
            if (source.isEmpty()) {
                custom_sources_.erase(id);
            } else {
                custom_sources_[id] = source;
            }
        });
}

void LabController::removeProducer(int id) {
    auto* cluster = cluster_.get();
    run_command(
        QString("stop producer %1").arg(id), [cluster, id] { return cluster->remove_producer(id); },
        [this, id](const lab::CommandResult&) { custom_sources_.erase(id); });
}

QVariantMap LabController::checkPartitioner(const QString& source, int numPartitions) const {
    auto check = kraftlab::app::check_partitioner(source, numPartitions);
    QVariantList preview;
    for (int p : check.preview)
        preview << p;
    return {
        {"ok", check.ok}, {"message", check.message}, {"line", check.line}, {"preview", preview}};
}

QString LabController::defaultPartitionerSource() const {
    return kraftlab::app::default_partitioner_source();
}

void LabController::addConsumer(const QString& topic, bool fromEarliest, const QString& group) {
    auto* cluster = cluster_.get();
    lab::ConsumerConfig c;
    c.topic = topic.toStdString();
    c.start_from = fromEarliest ? lab::StartFrom::Earliest : lab::StartFrom::Latest;
    c.group = group.trimmed().toStdString();
    run_command("add consumer", [cluster, c] { return cluster->add_consumer(c).result; });
}

void LabController::removeConsumer(int id) {
    auto* cluster = cluster_.get();
    run_command(QString("stop consumer %1").arg(id),
                [cluster, id] { return cluster->remove_consumer(id); });
}

void LabController::copyToClipboard(const QString& text) const {
    if (auto* clipboard = QGuiApplication::clipboard()) clipboard->setText(text);
}

void LabController::exportEvents(const QUrl& file) {
    const QString name = "export the event log";
    const QString path = localPath(file);
    QSaveFile out(path);
    if (path.isEmpty() || !out.open(QIODevice::WriteOnly | QIODevice::Text)) {
        emit commandFinished(name, false,
                             "cannot write " +
                                 (path.isEmpty() ? QString("an unnamed file") : path) +
                                 (path.isEmpty() ? QString() : ": " + out.errorString()));
        return;
    }
    for (const auto& e : event_log_) {
        const std::string line = e.to_json().dump() + "\n";
        out.write(line.data(), static_cast<qint64>(line.size()));
    }
    if (!out.commit()) {
        emit commandFinished(name, false, "cannot write " + path + ": " + out.errorString());
        return;
    }
    QString message = QString("%1 events written to %2").arg(event_log_.size()).arg(path);
    if (event_log_dropped_ > 0)
        message += QString(" (the %1 oldest were dropped: the log keeps the last %2)")
                       .arg(event_log_dropped_)
                       .arg(kEventLogMax);
    emit commandFinished(name, true, message);
}

QString LabController::localPath(const QUrl& file) const {
    return file.isLocalFile() ? file.toLocalFile() : file.toString();
}

void LabController::select(const QString& node, const QString& topic, int partition) {
    if (node == selected_node_ && topic == selected_topic_ && partition == selected_partition_)
        return;
    selected_node_ = node;
    selected_topic_ = topic;
    selected_partition_ = partition;
    emit selectionChanged();
    // The lanes follow at once rather than at the next snapshot refresh.
    if (running_) refresh_replication(cluster_->view());
}

QString LabController::formatBytes(double bytes) const {
    if (bytes >= 1024.0 * 1024 * 1024)
        return QString::number(bytes / (1024.0 * 1024 * 1024), 'f', 1) + " GiB";
    if (bytes >= 1024.0 * 1024) return QString::number(bytes / (1024.0 * 1024), 'f', 1) + " MiB";
    if (bytes >= 1024.0) return QString::number(bytes / 1024.0, 'f', 1) + " KiB";
    return QString::number(bytes, 'f', 0) + " B";
}

// ---------------------------------------------------------------------------------------------
// The frame: events every frame, snapshots a few times a second, charts once a second.

void LabController::on_frame() {
    QElapsedTimer cost;
    cost.start();
    constexpr std::size_t kMaxEventsPerFrame = 2000;
    std::vector<kraftlab::core::Event> drained;
    cluster_->events().drain(drained, kMaxEventsPerFrame);
    if (frame_observer_) frame_observer_(drained);
    for (const auto& e : drained) {
        if (event_log_.size() >= kEventLogMax) {
            event_log_.pop_front();
            ++event_log_dropped_;
        }
        event_log_.push_back(e);
    }
    refresh_lab_time(drained);
    elections_.add(drained);
    groups_.add(drained);
    if (!drained.empty()) {
        std::vector<kraftlab::core::Event> shown;
        shown.reserve(drained.size());
        for (auto& e : drained) {
            // Throughput figures feed the charts from snapshots; as list items they would drown
            // everything else, one a second.
            if (e.kind == EventKind::Throughput) continue;
            if (e.kind == EventKind::NodeKilled) {
                charts_.add_marker(e.lab_ms, "kill", q(e.node.label()) + " killed");
            } else if (e.kind == EventKind::NodeRestarted) {
                charts_.add_marker(e.lab_ms, "restart", q(e.node.label()) + " restarted");
            }
            shown.push_back(std::move(e));
        }
        events_.append(shown);
    }
    bool network_changed = std::any_of(drained.begin(), drained.end(), [](const auto& e) {
        return e.kind == EventKind::NetworkChanged || e.kind == EventKind::NodeKilled ||
               e.kind == EventKind::NodeRestarted;
    });
    const qint64 now = clock_.elapsed();
    if (running_ && now - last_refresh_ms_ >= 250) {  // the engine publishes snapshots at 4 Hz
        last_refresh_ms_ = now;
        refresh_models();
        network_changed = true;  // nodes up or down, the first lanes: a few dozen links, cheap
    }
    refresh_network(network_changed);
    // Charts advance with lab time: a sample a second of it, none while the lab is paused, so
    // a paused lab's charts stand still and a slowed one's scroll slowly.
    if (running_ && now_ms_ - last_chart_ms_ >= 1000) {
        last_chart_ms_ = now_ms_;
        sample_charts();
    }
    ++frames_;
    last_frame_cost_ms_ = static_cast<double>(cost.nsecsElapsed()) / 1e6;
    emit frame();
}

double LabController::rate_of(std::map<QString, Counter>& counters, const QString& key,
                              double total, qint64 lab_ms) {
    auto [it, fresh] = counters.try_emplace(key, Counter{total, lab_ms, 0});
    Counter& c = it->second;
    if (fresh) return 0;
    if (lab_ms == c.lab_ms) return c.rate;       // no new reading (a paused lab keeps its rates)
    if (total < c.total || lab_ms < c.lab_ms) {  // the counting node restarted, or a new lab
        c = {total, lab_ms, 0};
        return 0;
    }
    const double instant = (total - c.total) / (static_cast<double>(lab_ms - c.lab_ms) / 1000.0);
    c.rate = 0.5 * c.rate + 0.5 * instant;
    c.total = total;
    c.lab_ms = lab_ms;
    return c.rate;
}

void LabController::refresh_models() {
    const auto view = cluster_->view();
    const auto& image = *view.metadata;
    const auto snapshots = cluster_->snapshots().brokers();
    std::set<QString> seen_counters;
    auto rate = [&](const QString& key, double total, qint64 lab_ms) {
        seen_counters.insert(key);
        return rate_of(counters_, key, total, lab_ms);
    };

    // The log of each partition as its leader (or, failing that, any broker) last reported it.
    struct Log {
        const kraftlab::core::PartitionSnapshot* p;
        std::int32_t broker;
        qint64 lab_ms;
    };
    std::map<std::pair<std::string, std::int32_t>, Log> logs;
    std::map<std::int32_t, std::shared_ptr<const kraftlab::core::BrokerSnapshot>> by_broker;
    for (const auto& s : snapshots) {
        by_broker[s->id] = s;
        for (const auto& p : s->partitions) {
            auto key = std::make_pair(p.topic, p.partition);
            auto it = logs.find(key);
            if (it == logs.end() || (p.is_leader && s->up)) logs[key] = {&p, s->id, s->lab_ms};
        }
    }

    // Topics and partitions.
    std::set<std::int32_t> running_brokers;
    for (const auto& b : view.brokers) {
        if (b.running) running_brokers.insert(b.id);
    }
    std::vector<std::pair<TopicRow, std::vector<PartitionRow>>> topics;
    topic_produce_rates_.clear();
    for (const auto& [name, t] : image.topics()) {
        TopicRow row;
        row.name = q(name);
        row.topic_id = q(t->id.to_base64());
        row.partition_count = static_cast<int>(t->partitions.size());
        row.replication_factor =
            t->partitions.empty() ? 0 : static_cast<int>(t->partitions.front().replicas.size());
        for (const auto& [k, v] : image.topic_configs(name))
            row.configs[q(k)] = q(v);
        const auto effective = kraftlab::metadata::EffectiveTopicConfig::of(image, name);
        row.min_insync_replicas = effective.min_insync_replicas;
        row.unclean_leader_election = effective.unclean_leader_election;
        std::vector<PartitionRow> parts;
        for (const auto& p : t->partitions) {
            PartitionRow pr;
            pr.partition = p.partition;
            pr.leader = p.leader;
            pr.replicas = id_list(p.replicas);
            pr.isr = id_list(p.isr);
            for (auto r : p.replicas) {
                pr.replica_states << (!running_brokers.count(r) ? "down"
                                      : r == p.leader           ? "leader"
                                      : p.in_isr(r)             ? "isr"
                                                                : "out");
            }
            pr.leader_epoch = p.leader_epoch;
            pr.offline = p.leader < 0;
            if (auto it = logs.find({name, p.partition}); it != logs.end()) {
                const auto& log = *it->second.p;
                pr.log_start_offset = log.log_start_offset;
                pr.log_end_offset = log.log_end_offset;
                pr.high_watermark = log.high_watermark;
                pr.size_bytes = static_cast<qint64>(log.size_bytes);
                pr.segments = log.segments;
                for (const auto& k : log.recent_keys)
                    pr.recent_keys << q(k);
                pr.recent_keys_end = log.recent_keys_end_offset;
                pr.records_per_s =
                    rate(QString("partition/%1/%2/%3")
                             .arg(row.name)
                             .arg(p.partition)
                             .arg(it->second.broker),
                         static_cast<double>(log.records_in_total), it->second.lab_ms);
            }
            row.records += pr.log_end_offset - pr.log_start_offset;
            row.size_bytes += pr.size_bytes;
            row.records_per_s += pr.records_per_s;
            row.offline += pr.offline ? 1 : 0;
            parts.push_back(std::move(pr));
        }
        topic_produce_rates_[row.name] = row.records_per_s;
        topics.emplace_back(std::move(row), std::move(parts));
    }
    topics_.update(std::move(topics));
    refresh_replication(view);

    // Brokers.
    std::vector<BrokerRow> brokers;
    for (const auto& b : view.brokers) {
        BrokerRow row;
        row.id = b.id;
        row.address = q(b.host) + ":" + QString::number(b.port);
        row.up = b.running;
        row.frozen = b.running && b.frozen;
        const auto* info = image.broker(b.id);
        const auto snapshot = by_broker.find(b.id);
        if (snapshot != by_broker.end()) {
            // Kept while the broker is down: its ring runs out as the controller's session does.
            const auto& s = *snapshot->second;
            row.broker_epoch = s.broker_epoch;
            row.last_heartbeat_ack_ms = s.last_heartbeat_ack_lab_ms;
            row.heartbeat_interval_ms = s.heartbeat_interval_ms;
            row.session_timeout_ms = s.session_timeout_ms;
            row.active_controller = s.up ? s.active_controller : -1;
        }
        if (info && info->epoch >= 0 && row.broker_epoch < 0) row.broker_epoch = info->epoch;
        row.state = BrokerModel::registration_state(
            b.running, info != nullptr, info && info->fenced, row.broker_epoch,
            row.last_heartbeat_ack_ms, row.session_timeout_ms, now_ms_);
        for (const auto& [name, t] : image.topics()) {
            for (const auto& p : t->partitions) {
                if (p.leader == b.id) {
                    ++row.led;
                    row.led_partitions << q(name) + "-" + QString::number(p.partition);
                }
                if (p.has_replica(b.id)) ++row.hosted;
            }
        }
        if (auto it = by_broker.find(b.id); it != by_broker.end() && it->second->up && b.running) {
            const auto& s = *it->second;
            double in = 0, out = 0;
            for (const auto& p : s.partitions) {
                row.bytes_stored += static_cast<qint64>(p.size_bytes);
                row.records_stored += p.log_end_offset - p.log_start_offset;
                in += static_cast<double>(p.records_in_total);
                out += static_cast<double>(p.bytes_out_total);
            }
            row.connections = s.connections;
            row.records_in_per_s = rate(QString("broker/%1/in").arg(b.id), in, s.lab_ms);
            row.bytes_out_per_s = rate(QString("broker/%1/out").arg(b.id), out, s.lab_ms);
        }
        brokers.push_back(std::move(row));
    }
    brokers_.update(std::move(brokers));
    // The brokers share one flush interval; the first that reports it speaks for all.
    for (const auto& s : snapshots) {
        if (s->up && s->flush_interval_ms > 0) {
            if (s->flush_interval_ms != flush_interval_ms_) {
                flush_interval_ms_ = s->flush_interval_ms;
                emit flushIntervalChanged();
            }
            break;
        }
    }

    // Controllers of the quorum.
    std::vector<ControllerModel::Node> nodes;
    for (const auto& c : view.controllers)
        nodes.push_back({c.id, q(c.host), c.port, c.running, c.frozen});
    controllers_.update(nodes, cluster_->snapshots().controllers());

    // Built-in producers and consumers.
    std::vector<ProducerRow> producers;
    for (const auto& s : cluster_->snapshots().producers()) {
        ProducerRow row;
        row.id = s->id;
        row.topic = q(s->topic);
        row.target_rate = s->target_records_per_second;
        row.acked_per_s = rate(QString("producer/%1").arg(s->id),
                               static_cast<double>(s->records_acked_total), s->lab_ms);
        row.acks = s->acks;
        row.route = q(s->route);
        row.idempotence = s->idempotence;
        row.partitioner = q(s->partitioner);
        row.key_pattern = q(s->key_pattern);
        row.value_bytes = s->value_bytes;
        row.sent = static_cast<qint64>(s->records_sent_total);
        row.acked = static_cast<qint64>(s->records_acked_total);
        row.failed = static_cast<qint64>(s->records_failed_total);
        row.buffered = static_cast<qint64>(s->records_buffered);
        row.partitioner_errors = static_cast<qint64>(s->partitioner_errors_total);
        for (auto n : s->acked_per_partition)
            row.per_partition << static_cast<qint64>(n);
        row.p50_ms = s->latency_p50_ms;
        row.p99_ms = s->latency_p99_ms;
        row.latency_window = s->latency_window;
        row.last_error = q(s->last_error);
        row.running = s->running;
        if (auto it = custom_sources_.find(s->id); it != custom_sources_.end())
            row.custom_source = it->second;
        producers.push_back(std::move(row));
    }
    std::sort(producers.begin(), producers.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    producers_.update(std::move(producers));

    std::vector<ConsumerRow> consumers;
    topic_consume_rates_.clear();
    for (const auto& s : cluster_->snapshots().consumers()) {
        ConsumerRow row;
        row.id = s->id;
        row.topic = q(s->topic);
        row.start_from = q(s->start_from);
        row.records = static_cast<qint64>(s->records_total);
        row.records_per_s = rate(QString("consumer/%1").arg(s->id),
                                 static_cast<double>(s->records_total), s->lab_ms);
        row.group = q(s->group);
        row.member_id = q(s->member_id);
        row.generation = s->generation;
        row.group_state = q(s->group_state);
        row.coordinator = s->coordinator;
        for (const auto& p : s->partitions) {
            // In a group, another member reads the partitions this one is not assigned.
            if (!p.assigned) continue;
            row.total_lag += std::max<std::int64_t>(0, p.lag);
            row.partitions << QVariantMap{{"partition", p.partition},
                                          {"leader", p.leader},
                                          {"position", static_cast<qint64>(p.position)},
                                          {"highWatermark", static_cast<qint64>(p.high_watermark)},
                                          {"lag", static_cast<qint64>(p.lag)},
                                          {"committed", static_cast<qint64>(p.committed)},
                                          {"error", q(p.error)}};
        }
        row.last_error = q(s->last_error);
        row.running = s->running;
        topic_consume_rates_[row.topic] += row.records_per_s;
        consumers.push_back(std::move(row));
    }
    std::sort(consumers.begin(), consumers.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    consumers_.update(std::move(consumers));
    refresh_groups(snapshots);

    for (auto it = counters_.begin(); it != counters_.end();) {
        it = seen_counters.count(it->first) ? std::next(it) : counters_.erase(it);
    }
}

void LabController::refresh_replication(const kraftlab::lab::LabView& view) {
    const auto& image = *view.metadata;
    if (selected_topic_.isEmpty() || selected_partition_ < 0) {
        replication_.clear();
        return;
    }
    ReplicaLaneModel::Metadata meta;
    const std::string topic = selected_topic_.toStdString();
    if (const auto t = image.topic(topic);
        t && selected_partition_ < static_cast<int>(t->partitions.size())) {
        meta.partition = t->partitions[static_cast<std::size_t>(selected_partition_)];
        meta.config = kraftlab::metadata::EffectiveTopicConfig::of(image, topic);
    }
    // Every broker's and consumer's kept snapshots: the model cuts them consistently.
    const auto& board = cluster_->snapshots();
    ReplicaLaneModel::Sources sources{
        board.broker_history(), board.producers(), board.consumer_history(), true, now_ms_, {}};
    for (const auto& b : view.brokers) {
        if (b.running && b.frozen) sources.frozen.insert(b.id);
    }
    replication_.update(selected_topic_, selected_partition_, meta, sources);
}

void LabController::sample_charts() {
    std::map<QString, double> rates;
    for (const auto& [topic, r] : topic_produce_rates_)
        rates[topic + " produced"] = r;
    for (const auto& [topic, r] : topic_consume_rates_)
        rates[topic + " consumed"] = r;
    charts_.sample(now_ms_, rates, ChartFeeder::latencies_by_acks(producers_.rows()));
}
