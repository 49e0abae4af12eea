#include "scenario_controller.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <algorithm>

#include "cli/commands.h"

namespace lab = kraftlab::lab;
namespace cli = kraftlab::cli;

namespace {

ScenarioController* g_instance = nullptr;

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// The lab time a task's answer carries ({"lab_ms": ...}), or -1.
qint64 lab_ms_of(const lab::CommandResult& r) {
    return r.data.is_object() ? r.data.value("lab_ms", std::int64_t{-1}) : -1;
}

}  // namespace

ScenarioController* ScenarioController::instance() {
    return g_instance;
}
void ScenarioController::setInstance(ScenarioController* s) {
    g_instance = s;
}
ScenarioController* ScenarioController::create(QQmlEngine*, QJSEngine*) {
    // A host that made none (the UI tests) gets one beside its lab, which owns it.
    if (!g_instance) {
        auto* lab = LabController::instance();
        Q_ASSERT(lab);
        g_instance = new ScenarioController(lab, QStringLiteral(":/scenarios"), lab);
    }
    QQmlEngine::setObjectOwnership(g_instance, QQmlEngine::CppOwnership);
    return g_instance;
}

ScenarioController::ScenarioController(LabController* lab, QString library_dir, QObject* parent)
    : QObject(parent), lab_(lab), home_(lab->shape()), library_dir_(std::move(library_dir)) {
    load_library(library_dir_);
}

ScenarioController::~ScenarioController() {
    if (g_instance == this) g_instance = nullptr;
    if (lab_) lab_->setFrameObserver({});
}

void ScenarioController::load_library(const QString& dir) {
    const QDir d(dir);
    QList<QVariantMap> rows;
    for (const QString& name : d.entryList({"*.json"}, QDir::Files, QDir::Name)) {
        if (name.endsWith(".schema.json") || name == "glossary.json") continue;
        auto parsed = read(d.filePath(name), name);
        if (auto* e = std::get_if<lab::ScenarioError>(&parsed)) {
            library_error_ = q(e->to_string());
            continue;
        }
        const auto& s = std::get<lab::Scenario>(parsed);
        rows.push_back({{"id", q(s.id)},
                        {"title", q(s.title)},
                        {"teaches", q(s.teaches)},
                        {"kafka", q(s.kafka)},
                        {"durationS", s.duration_s},
                        {"steps", static_cast<int>(s.steps.size())},
                        {"brokers", s.brokers},
                        {"controllers", s.controllers}});
    }
    std::sort(rows.begin(), rows.end(), [](const QVariantMap& a, const QVariantMap& b) {
        return a["title"].toString() < b["title"].toString();
    });
    for (auto& r : rows)
        library_ << r;
}

QString ScenarioController::id() const {
    return scenario_ ? q(scenario_->id) : QString();
}
QString ScenarioController::title() const {
    return scenario_ ? q(scenario_->title) : QString();
}
QString ScenarioController::teaches() const {
    return scenario_ ? q(scenario_->teaches) : QString();
}
QString ScenarioController::kafka() const {
    return scenario_ ? q(scenario_->kafka) : QString();
}
int ScenarioController::stepCount() const {
    return scenario_ ? static_cast<int>(scenario_->steps.size()) : 0;
}

QString ScenarioController::nextTitle() const {
    if (!player_ || player_->done() || state_ != "playing") return {};
    return q(scenario_->steps[player_->next_step()].title);
}

QString ScenarioController::waitingFor() const {
    if (!player_ || player_->done() || state_ != "playing") return {};
    return q(player_->waiting_for());
}

ScenarioController::Look ScenarioController::look_of(const QString& text,
                                                     const lab::Scenario& scenario) {
    Look look;
    const auto found = lab::scenario_look(text.toStdString(), scenario);
    if (!found) return look;
    switch (found->kind) {
        case lab::ScenarioLook::Kind::Panel:
            look.kind = "panel";
            look.panel = q(found->panel);
            break;
        case lab::ScenarioLook::Kind::Node:
            look.kind = "node";
            look.node = q(found->node);
            break;
        case lab::ScenarioLook::Kind::Partition:
            look.kind = "partition";
            look.topic = q(found->topic);
            look.partition = found->partition;
            break;
    }
    return look;
}

std::variant<lab::Scenario, lab::ScenarioError> ScenarioController::read(const QString& path,
                                                                         const QString& name) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return lab::ScenarioError{name.toStdString(), 0, "", "cannot be read"};
    const QByteArray text = f.read(static_cast<qint64>(lab::kMaxScenarioBytes) + 1);
    return lab::parse_scenario(text.toStdString(), name.toStdString());
}

void ScenarioController::play(const QString& id) {
    load(QDir(library_dir_).filePath(id + ".json"), id + ".json");
}

void ScenarioController::openFile(const QUrl& file) {
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    load(path, path);
}

void ScenarioController::load(const QString& path, const QString& name) {
    auto loaded = read(path, name);
    if (auto* e = std::get_if<lab::ScenarioError>(&loaded)) {
        // The lab and any scenario playing go on as they were.
        error_ = q(e->to_string());
        emit loadFailed(error_);
        emit changed();
        return;
    }
    begin(std::get<lab::Scenario>(std::move(loaded)));
}

void ScenarioController::begin(lab::Scenario scenario) {
    ++generation_;
    scenario_ = std::move(scenario);
    player_ = std::make_unique<lab::ScenarioPlayer>(*scenario_);
    clients_ = {};
    clear_shown();
    state_ = "starting";
    emit changed();

    lab_->setFrameObserver([this](const auto& events) { on_frame(events); });
    LabController::Shape shape;
    shape.brokers = scenario_->brokers;
    shape.controllers = scenario_->controllers;
    shape.default_workload = false;
    // A scenario's lab keeps its data beside the app's session when it has one (to look at
    // afterwards); else it gets a temporary directory of its own.
    if (!home_.data_dir.empty()) {
        shape.data_dir = home_.data_dir / "scenarios" /
                         (scenario_->id + "-" +
                          QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss").toStdString());
    }
    const int generation = generation_;
    lab_->newLab(shape, [this, generation](bool ok, const QString& message) {
        if (generation == generation_) on_lab_ready(ok, message);
    });
}

void ScenarioController::on_lab_ready(bool ok, const QString& message) {
    if (!ok) {
        fail("the scenario's lab could not start: " + message);
        return;
    }
    const auto lines = cli::scenario_setup_commands(*scenario_, scenario_->speed);
    const int generation = generation_;
    lab_->runTask(
        "set up the scenario",
        [lines](lab::Cluster& cluster) {
            cli::ScenarioClients none;
            for (const auto& line : lines) {
                if (auto why = cli::run_scenario_command(cluster, line, none, {}))
                    return lab::CommandResult::failure(*why);
            }
            return lab::CommandResult::success("set up", {{"lab_ms", cluster.lab_time().lab_ms}});
        },
        [this, generation](const lab::CommandResult& r) {
            if (generation != generation_) return;
            if (!r.ok) {
                fail("the scenario could not be set up: " + q(r.message));
                return;
            }
            player_->start(lab_ms_of(r));
            state_ = "playing";
            step_title_ = q(scenario_->title);
            emit changed();
        },
        true);
}

void ScenarioController::on_frame(const std::vector<kraftlab::core::Event>& events) {
    if (!player_ || state_ != "playing") return;
    for (const auto& e : events)
        player_->on_event(e);
    if (busy_ || !lab_->running()) return;
    auto* cluster = lab_->cluster();
    const std::int64_t now = cluster->lab_time().lab_ms;
    if (player_->done()) {
        judge();
        return;
    }
    if (auto index = player_->due(now, cli::scenario_acked(*cluster, clients_),
                                  cli::scenario_lab_state(*cluster, clients_))) {
        run_step(*index);
        return;
    }
    const QString overdue = q(player_->overdue(now).value_or(std::string()));
    if (overdue != overdue_) {
        overdue_ = overdue;
        emit changed();
    }
}

void ScenarioController::next() {
    if (!player_ || state_ != "playing" || busy_ || !lab_->running()) return;
    if (auto index = player_->skip(lab_->cluster()->lab_time().lab_ms)) run_step(*index);
}

void ScenarioController::show_step(std::size_t index) {
    const auto& step = scenario_->steps[index];
    step_number_ = static_cast<int>(index) + 1;
    step_title_ = q(step.title);
    step_say_ = q(step.say);
    // The look_at's placeholders are filled in against the lab as it is when the step runs,
    // like its commands: "broker {leader:ledger-0}" names the leader before it is killed.
    std::string why;
    const auto resolved = lab::resolve_placeholders(
        step.look_at, cli::scenario_lab_state(*lab_->cluster(), clients_), &why);
    look_at_ = q(resolved.value_or(step.look_at));
    overdue_.clear();
}

void ScenarioController::run_step(std::size_t index) {
    show_step(index);
    busy_ = true;
    emit changed();
    const auto step = scenario_->steps[index];
    const int generation = generation_;
    auto clients = std::make_shared<cli::ScenarioClients>(clients_);
    lab_->runTask(
        "step " + QString::number(index + 1),
        [step, index, clients](lab::Cluster& cluster) {
            if (auto why = cli::run_scenario_step(cluster, step, index, *clients, {}))
                return lab::CommandResult::failure(*why);
            return lab::CommandResult::success("ran");
        },
        [this, generation, clients, pause = step.pause](const lab::CommandResult& r) {
            if (generation != generation_) return;
            busy_ = false;
            clients_ = *clients;
            if (!r.ok) {
                fail(q(r.message));
                return;
            }
            if (pause) {
                paused_for_questions_ = true;
                lab_->pauseLab();
            }
            emit changed();
        },
        true);
}

void ScenarioController::judge() {
    state_ = "judging";
    busy_ = true;
    emit changed();
    const int generation = generation_;
    lab_->runTask(
        "audit", [](lab::Cluster& cluster) { return cluster.audit(); },
        [this, generation](const lab::CommandResult& r) {
            if (generation != generation_) return;
            busy_ = false;
            if (!r.ok) {
                fail("the audit could not run: " + q(r.message));
                return;
            }
            const auto verdict = player_->judge(r.data);
            verdict_passed_ = verdict.passed;
            verdict_summary_ = q(verdict.summary);
            verdict_results_.clear();
            for (const auto& e : verdict.results) {
                verdict_results_ << QVariantMap{
                    {"held", e.held}, {"says", q(e.says)}, {"detail", q(e.detail)}};
            }
            state_ = "done";
            emit changed();
        },
        true);
}

void ScenarioController::clear_shown() {
    busy_ = false;
    step_number_ = 0;
    step_title_.clear();
    step_say_.clear();
    look_at_.clear();
    overdue_.clear();
    paused_for_questions_ = false;
    verdict_passed_ = false;
    verdict_summary_.clear();
    verdict_results_.clear();
    error_.clear();
}

void ScenarioController::fail(const QString& why) {
    state_ = "failed";
    busy_ = false;
    error_ = why;
    emit changed();
}

void ScenarioController::resume() {
    paused_for_questions_ = false;
    emit changed();
    if (lab_->paused()) lab_->resumeLab();
}

void ScenarioController::pause() {
    if (!lab_->paused()) lab_->pauseLab();
}

void ScenarioController::restart() {
    if (!scenario_) return;
    auto again = *scenario_;
    begin(std::move(again));
}

void ScenarioController::leave() {
    ++generation_;
    lab_->setFrameObserver({});
    scenario_.reset();
    player_.reset();
    clear_shown();
    state_.clear();
    emit changed();
    lab_->newLab(home_);
}
