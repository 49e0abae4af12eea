// LabController's lab time (issue 13): the transport bar's commands (pause, resume, speed, step,
// freeze and thaw a node, the pause-on options) and the frame's reading of the engine's clock.
// GUI thread; the commands run on the worker thread like every other (run_command).
#include <QString>

#include "lab_controller.h"

using kraftlab::core::EventKind;
namespace lab = kraftlab::lab;

namespace {

// "broker 2", "controller 101": the engine numbers controllers from kFirstControllerId.
QString node_name(int id) {
    return (id >= lab::Cluster::kFirstControllerId ? QString("controller %1")
                                                   : QString("broker %1"))
        .arg(id);
}

}  // namespace

void LabController::pauseLab() {
    ask_paused(true);
}

void LabController::resumeLab() {
    ask_paused(false);
}

// The state asked for stands (togglePause reads it) until every pause or resume in flight has
// answered; then the engine's lab_time() is the truth again.
void LabController::ask_paused(bool paused) {
    auto* cluster = cluster_.get();
    pause_asked_ = paused;
    ++pause_commands_pending_;
    run_command(
        paused ? "pause the lab" : "resume the lab",
        [cluster, paused] { return paused ? cluster->pause() : cluster->resume(); },
        [this](const lab::CommandResult&) {
            if (--pause_commands_pending_ == 0) pause_asked_.reset();
            refresh_lab_time({});
        });
}

void LabController::togglePause() {
    const bool paused_soon = pause_asked_.value_or(lab_time_.paused);
    if (paused_soon)
        resumeLab();
    else
        pauseLab();
}

void LabController::setLabSpeed(double speed) {
    auto* cluster = cluster_.get();
    run_command(
        QString("set the lab speed to %1×").arg(speed),
        [cluster, speed] { return cluster->set_speed(speed); },
        [this](const lab::CommandResult&) { refresh_lab_time({}); });
}

void LabController::stepLab(int ms) {
    auto* cluster = cluster_.get();
    ++steps_pending_;
    emit labTimeChanged();
    run_command(
        QString("step %1 ms").arg(ms), [cluster, ms] { return cluster->step(ms); },
        [this](const lab::CommandResult&) {
            --steps_pending_;
            refresh_lab_time({});
            emit labTimeChanged();
        });
}

void LabController::freezeNode(int id) {
    auto* cluster = cluster_.get();
    run_command("freeze " + node_name(id), [cluster, id] { return cluster->pause_node(id); });
}

void LabController::thawNode(int id) {
    auto* cluster = cluster_.get();
    run_command("thaw " + node_name(id), [cluster, id] { return cluster->resume_node(id); });
}

// Not a command: the engine only stores the two options (and says so with an event), so it
// answers at once without waiting for any node.
void LabController::setPauseOnElection(bool on) {
    const auto now = cluster_->lab_time();
    cluster_->set_pause_on(on, now.pause_on_isr_change);
    refresh_lab_time({});
}

void LabController::setPauseOnIsrChange(bool on) {
    const auto now = cluster_->lab_time();
    cluster_->set_pause_on(now.pause_on_election, on);
    refresh_lab_time({});
}

void LabController::refresh_lab_time(const std::vector<kraftlab::core::Event>& drained) {
    bool changed = false;
    for (const auto& e : drained) {
        if (e.kind == EventKind::LabPaused) {
            // Paused by an event (pause on election / ISR change): its words say which. Paused
            // by hand needs no reason.
            const QString reason =
                e.data.contains("trigger") ? QString::fromStdString(e.explain) : QString();
            changed |= reason != pause_reason_;
            pause_reason_ = reason;
        } else if (e.kind == EventKind::LabResumed && !pause_reason_.isEmpty()) {
            pause_reason_.clear();
            changed = true;
        }
    }
    const auto next = cluster_->lab_time();
    now_ms_ = next.lab_ms;
    changed |= next.paused != lab_time_.paused || next.speed != lab_time_.speed ||
               next.pause_on_election != lab_time_.pause_on_election ||
               next.pause_on_isr_change != lab_time_.pause_on_isr_change;
    lab_time_ = next;
    if (changed) emit labTimeChanged();
}
