// LabController's partition reassignment (issue 16): the Move replicas and Replication factor
// dialogs' commands, and what they show before a move (the partition's replicas now, the
// brokers it may move to), read from the metadata image. GUI thread; the commands run on the
// worker thread like every other (run_command).
#include <QString>

#include "lab_controller.h"

namespace {

QVariantList id_list(const std::vector<std::int32_t>& ids) {
    QVariantList out;
    for (auto id : ids)
        out << id;
    return out;
}

QString ids_text(const QVariantList& ids) {
    QStringList words;
    for (const auto& id : ids)
        words << QString::number(id.toInt());
    return words.join(",");
}

}  // namespace

void LabController::reassignPartition(const QString& topic, int partition,
                                      const QVariantList& replicas) {
    std::optional<std::vector<std::int32_t>> target;
    if (!replicas.isEmpty()) {
        target.emplace();
        for (const auto& id : replicas)
            target->push_back(id.toInt());
    }
    auto* cluster = cluster_.get();
    const QString what =
        replicas.isEmpty()
            ? QString("cancel the move of %1-%2").arg(topic).arg(partition)
            : QString("move %1-%2 to [%3]").arg(topic).arg(partition).arg(ids_text(replicas));
    run_command(what, [cluster, t = topic.toStdString(), partition, target] {
        return cluster->reassign(t, partition, target);
    });
}

void LabController::setReplicationFactor(const QString& topic, int replicationFactor) {
    auto* cluster = cluster_.get();
    run_command(
        QString("change the replication factor of %1 to %2").arg(topic).arg(replicationFactor),
        [cluster, t = topic.toStdString(), replicationFactor] {
            return cluster->set_replication_factor(t, replicationFactor);
        });
}

QVariantMap LabController::partitionReplicas(const QString& topic, int partition) const {
    const auto view = cluster_->view();
    if (!view.metadata) return {};
    const auto* p = view.metadata->partition(topic.toStdString(), partition);
    if (!p) return {};
    return {{"replicas", id_list(p->replicas)},
            {"adding", id_list(p->adding_replicas)},
            {"removing", id_list(p->removing_replicas)},
            {"isr", id_list(p->isr)},
            {"leader", p->leader}};
}

QVariantList LabController::registeredBrokers() const {
    QVariantList out;
    const auto view = cluster_->view();
    if (!view.metadata) return out;
    for (const auto& [id, b] : view.metadata->brokers())
        out << QVariantMap{{"id", id}, {"live", !b.fenced && !b.in_controlled_shutdown}};
    return out;
}
