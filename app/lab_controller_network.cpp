// LabController's lab network (issue 14): the network view's commands (a link's faults, heal,
// reset, isolate, partition) and the frame's reading of the network: the RPC tap drained into
// the sequence diagram's history, the links into the network model, the fault intervals into
// bands. GUI thread; the commands run on the worker thread like every other (run_command).
#include <QString>

#include "lab_controller.h"

namespace lab = kraftlab::lab;
using kraftlab::net::LinkFaults;

void LabController::setLinkFaults(const QString& a, const QString& b, const QVariantMap& faults,
                                  bool oneWay) {
    LinkFaults f;
    f.cut = faults.value("cut").toBool();
    f.delay_ms = faults.value("delayMs").toInt();
    f.jitter_ms = faults.value("jitterMs").toInt();
    f.distribution = faults.value("normal").toBool() ? LinkFaults::Distribution::Normal
                                                     : LinkFaults::Distribution::Uniform;
    f.loss_percent = faults.value("lossPercent").toDouble();
    f.loss_burst = faults.value("lossBurst", 1).toInt();
    f.duplicate_percent = faults.value("duplicatePercent").toDouble();
    f.reorder_percent = faults.value("reorderPercent").toDouble();
    f.bandwidth_bytes_per_s = faults.value("bandwidth").toLongLong();
    auto* cluster = cluster_.get();
    run_command(
        QString("set the link %1 %2 %3").arg(a, oneWay ? "→" : "↔", b),
        [cluster, x = a.toStdString(), y = b.toStdString(), f, oneWay] {
            return cluster->set_link(x, y, f, oneWay);
        },
        [this](const lab::CommandResult&) { refresh_network(true); });
}

void LabController::healLink(const QString& a, const QString& b) {
    auto* cluster = cluster_.get();
    run_command(
        QString("heal the link %1 ↔ %2").arg(a, b),
        [cluster, x = a.toStdString(), y = b.toStdString()] { return cluster->heal(x, y); },
        [this](const lab::CommandResult&) { refresh_network(true); });
}

void LabController::healNetwork() {
    auto* cluster = cluster_.get();
    run_command(
        "heal every link", [cluster] { return cluster->heal(); },
        [this](const lab::CommandResult&) { refresh_network(true); });
}

void LabController::resetLink(const QString& a, const QString& b) {
    auto* cluster = cluster_.get();
    run_command(
        QString("reset the connections %1 ↔ %2").arg(a, b),
        [cluster, x = a.toStdString(), y = b.toStdString()] { return cluster->reset_link(x, y); });
}

void LabController::isolateNode(const QString& node) {
    auto* cluster = cluster_.get();
    run_command(
        QString("isolate %1").arg(node),
        [cluster, n = node.toStdString()] { return cluster->isolate(n); },
        [this](const lab::CommandResult&) { refresh_network(true); });
}

void LabController::partitionNetwork(const QVariantList& groups) {
    std::vector<std::vector<std::string>> g;
    QStringList words;
    for (const auto& group : groups) {
        std::vector<std::string> names;
        for (const auto& name : group.toStringList())
            names.push_back(name.toStdString());
        words.append(group.toStringList().join(","));
        g.push_back(std::move(names));
    }
    auto* cluster = cluster_.get();
    run_command(
        QString("partition the network %1").arg(words.join(" | ")),
        [cluster, g] { return cluster->partition(g); },
        [this](const lab::CommandResult&) { refresh_network(true); });
}

void LabController::refresh_network(bool changed) {
    if (!cluster_ || !running_) return;
    auto& network = cluster_->network();
    if (changed) {
        network_.refresh(*cluster_, cluster_->view());
        rpcs_.set_lanes(network, network_.names());
        rpcs_.refresh_bands(network);
        std::vector<ChartFeeder::Band> bands;
        for (const auto& b : rpcs_.bands()) {
            bands.push_back({b.start_ms, b.end_ms, b.what + " · " + b.where,
                             b.what.startsWith(QLatin1String("cut"))});
        }
        charts_.set_bands(std::move(bands));
    }
    rpcs_.drain(network);
}
