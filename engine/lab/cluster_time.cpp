// Cluster's lab-time commands: pause, resume, speed, step, and freezing one node
// (core/lab_clock.h, core/node_gate.h). Threads: as every Cluster command, serialized by mutex_;
// pause_on_event() runs on whichever thread published the event and takes no Cluster lock.
#include <cmath>
#include <cstdio>

#include "lab/cluster.h"

namespace kraftlab::lab {

using core::EventKind;
using core::NodeRef;

namespace {

constexpr std::chrono::milliseconds kHoldWait{1000};
constexpr std::int64_t kMaxStepMs = 10'000;

std::string lab_seconds(std::int64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ms) / 1000.0);
    return buf;
}

std::string speed_name(double speed) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g×", speed);
    return buf;
}

}  // namespace

std::optional<CommandResult> Cluster::refuse_while_paused(const char* what) const {
    if (!clock_.paused()) return std::nullopt;
    return CommandResult::failure("the lab is paused: " + std::string(what) +
                                  " needs the nodes to answer; resume (or step) first");
}

LabTimeView Cluster::lab_time() const {
    LabTimeView v;
    v.lab_ms = clock_.now_ms();
    v.speed = clock_.speed();
    v.paused = clock_.paused();
    v.pause_on_election = pause_on_election_.load();
    v.pause_on_isr_change = pause_on_isr_change_.load();
    return v;
}

void Cluster::set_pause_on(bool election, bool isr_change) {
    pause_on_election_ = election;
    pause_on_isr_change_ = isr_change;
    events_.publish(EventKind::SettingsChanged, NodeRef::lab(),
                    std::string("pause on election ") + (election ? "on" : "off") +
                        ", pause on ISR change " + (isr_change ? "on" : "off"),
                    {{"pause_on_election", election}, {"pause_on_isr_change", isr_change}});
}

void Cluster::pause_on_event(EventKind kind) {
    const bool election = kind == EventKind::ElectionStarted && pause_on_election_.load();
    const bool isr = (kind == EventKind::IsrShrunk || kind == EventKind::IsrExpanded) &&
                     pause_on_isr_change_.load();
    if (!election && !isr) return;
    if (clock_.paused()) return;
    // Lab time stops now, on the publishing thread; every node's ClockWaker closes its gate, so
    // each node is held at its next handler (the publishing one included).
    clock_.pause();
    events_.publish(EventKind::LabPaused, NodeRef::lab(),
                    std::string("paused at ") + lab_seconds(clock_.now_ms()) +
                        (election ? ": a controller election started" : ": an ISR changed"),
                    {{"lab_ms", clock_.now_ms()}, {"trigger", election ? "election" : "isr"}});
}

CommandResult Cluster::pause() {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    const bool already = clock_.paused();
    const auto real_start = core::LabClock::standalone().now();
    clock_.pause();
    // Every node is held between two handlers before the answer: from here nothing changes.
    bool all_held = true;
    for (auto& [id, slot] : brokers_) {
        if (slot.node && !slot.node->gate().wait_held(kHoldWait)) all_held = false;
    }
    for (auto& [id, slot] : controllers_) {
        if (slot.node && !slot.node->gate().wait_held(kHoldWait)) all_held = false;
    }
    const double took_ms =
        std::chrono::duration<double, std::milli>(core::LabClock::standalone().now() - real_start)
            .count();
    const std::int64_t at = clock_.now_ms();
    if (already) {
        return CommandResult::success("the lab is already paused at " + lab_seconds(at),
                                      {{"lab_ms", at}, {"paused", true}});
    }
    std::string message = "paused at lab time " + lab_seconds(at) +
                          ": every node is held (real clients' requests wait, and may time out "
                          "on their own clocks)";
    if (!all_held) message += "; a node was busy and is held at its next step";
    events_.publish(EventKind::LabPaused, NodeRef::lab(), message,
                    {{"lab_ms", at}, {"took_ms", took_ms}});
    return CommandResult::success(message,
                                  {{"lab_ms", at}, {"paused", true}, {"took_ms", took_ms}});
}

CommandResult Cluster::resume() {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    if (!clock_.paused()) return CommandResult::success("the lab is running", {{"paused", false}});
    clock_.resume();
    const std::int64_t at = clock_.now_ms();
    const std::string message =
        "resumed at lab time " + lab_seconds(at) + " at " + speed_name(clock_.speed());
    events_.publish(EventKind::LabResumed, NodeRef::lab(), message, {{"lab_ms", at}});
    return CommandResult::success(message, {{"lab_ms", at}, {"paused", false}});
}

CommandResult Cluster::set_speed(double speed) {
    std::lock_guard lock(mutex_);
    if (!std::isfinite(speed) || !clock_.set_speed(speed)) {
        return CommandResult::failure("speed must be between 0.05 and 4 (1 is real time)");
    }
    const std::string message =
        "lab speed " + speed_name(speed) +
        (speed < 1   ? ": every timeout, heartbeat and producer runs slower than real time"
         : speed > 1 ? ": every timeout, heartbeat and producer runs faster"
                     : ": real time");
    events_.publish(EventKind::LabSpeedChanged, NodeRef::lab(), message, {{"speed", speed}});
    return CommandResult::success(message, {{"speed", speed}});
}

CommandResult Cluster::step(std::int64_t ms) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    if (ms < 1 || ms > kMaxStepMs) {
        return CommandResult::failure("a step is 1 to " + std::to_string(kMaxStepMs) +
                                      " ms of lab time");
    }
    const std::int64_t from = clock_.now_ms();  // paused: it stands still until the step
    core::LabClock::duration until{};
    if (!clock_.step(std::chrono::milliseconds(ms), &until)) {
        return CommandResult::failure("step needs a paused lab: pause first");
    }
    const std::int64_t until_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(until).count();
    // Lab time stops by itself at `until`, or earlier when a pause-on event (an election, an ISR
    // change) pauses the lab meanwhile: waiting for `until` then would never end. Then hold the
    // nodes again.
    clock_.block_while_running();
    clock_.pause();
    for (auto& [id, slot] : brokers_) {
        if (slot.node) slot.node->gate().wait_held(kHoldWait);
    }
    for (auto& [id, slot] : controllers_) {
        if (slot.node) slot.node->gate().wait_held(kHoldWait);
    }
    const std::int64_t at = clock_.now_ms();
    const bool early = at < until_ms;
    const std::string message =
        "stepped " + std::to_string(at - from) + " ms" +
        (early ? " of " + std::to_string(ms) + " (a pause-on event paused the lab)" : "") +
        ": lab time " + lab_seconds(from) + " → " + lab_seconds(at) + ", paused again";
    events_.publish(EventKind::LabStepped, NodeRef::lab(), message,
                    {{"ms", ms}, {"from_ms", from}, {"lab_ms", at}});
    return CommandResult::success(message, {{"ms", ms}, {"from_ms", from}, {"lab_ms", at}});
}

CommandResult Cluster::pause_node(std::int32_t id) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    NodeRef ref = NodeRef::broker(id);
    const core::NodeGate* gate = nullptr;
    if (auto b = brokers_.find(id); b != brokers_.end() && b->second.node) {
        b->second.node->hold(core::NodeGate::Reason::Frozen, true);
        gate = &b->second.node->gate();
    } else if (auto c = controllers_.find(id); c != controllers_.end() && c->second.node) {
        c->second.node->hold(core::NodeGate::Reason::Frozen, true);
        gate = &c->second.node->gate();
        ref = NodeRef::controller(id);
    } else {
        return CommandResult::failure("there is no running broker or controller " +
                                      std::to_string(id));
    }
    const bool held = gate->wait_held(kHoldWait);
    publish_view_locked();
    const std::string message =
        ref.label() + " is frozen, as in a long GC pause: its timers and sockets wait, its " +
        "connections stay open; the others go on" +
        (held ? "" : " (it was busy and is held at its next step)");
    events_.publish(EventKind::NodeFrozen, ref, message, {{"node_id", id}});
    return CommandResult::success(message, {{"node_id", id}, {"frozen", true}});
}

CommandResult Cluster::resume_node(std::int32_t id) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    NodeRef ref = NodeRef::broker(id);
    if (auto b = brokers_.find(id); b != brokers_.end() && b->second.node) {
        if (!b->second.node->gate().frozen())
            return CommandResult::failure(ref.label() + " is not frozen");
        b->second.node->hold(core::NodeGate::Reason::Frozen, false);
    } else if (auto c = controllers_.find(id); c != controllers_.end() && c->second.node) {
        ref = NodeRef::controller(id);
        if (!c->second.node->gate().frozen())
            return CommandResult::failure(ref.label() + " is not frozen");
        c->second.node->hold(core::NodeGate::Reason::Frozen, false);
    } else {
        return CommandResult::failure("there is no running broker or controller " +
                                      std::to_string(id));
    }
    publish_view_locked();
    const std::string message = ref.label() + " goes on from what it last knew" +
                                (clock_.paused() ? " once the lab resumes" : "");
    events_.publish(EventKind::NodeThawed, ref, message, {{"node_id", id}});
    return CommandResult::success(message, {{"node_id", id}, {"frozen", false}});
}

}  // namespace kraftlab::lab
