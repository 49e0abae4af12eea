#include "topic_model.h"

#include <QQmlEngine>

TopicModel::TopicModel(QObject* parent) : RowListModel(parent) {
    QQmlEngine::setObjectOwnership(&list_, QQmlEngine::CppOwnership);
}

int PartitionModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant PartitionModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PartitionRow& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return QString("partition %1").arg(r.partition);
        case PartitionRole:
            return r.partition;
        case LeaderRole:
            return r.leader;
        case ReplicasRole:
            return r.replicas;
        case IsrRole:
            return r.isr;
        case LeaderEpochRole:
            return r.leader_epoch;
        case OfflineRole:
            return r.offline;
        case LogStartOffsetRole:
            return r.log_start_offset;
        case LogEndOffsetRole:
            return r.log_end_offset;
        case HighWatermarkRole:
            return r.high_watermark;
        case SizeBytesRole:
            return r.size_bytes;
        case SegmentsRole:
            return r.segments;
        case RecentKeysRole:
            return r.recent_keys;
        case RecentKeysEndRole:
            return r.recent_keys_end;
        case RecordsPerSecondRole:
            return r.records_per_s;
        default:
            return {};
    }
}

QHash<int, QByteArray> PartitionModel::roleNames() const {
    return {{PartitionRole, "partition"},
            {LeaderRole, "leader"},
            {ReplicasRole, "replicas"},
            {IsrRole, "isr"},
            {LeaderEpochRole, "leaderEpoch"},
            {OfflineRole, "offline"},
            {LogStartOffsetRole, "logStartOffset"},
            {LogEndOffsetRole, "logEndOffset"},
            {HighWatermarkRole, "highWatermark"},
            {SizeBytesRole, "sizeBytes"},
            {SegmentsRole, "segments"},
            {RecentKeysRole, "recentKeys"},
            {RecentKeysEndRole, "recentKeysEnd"},
            {RecordsPerSecondRole, "recordsPerSecond"}};
}

void PartitionModel::update(std::vector<PartitionRow> rows) {
    sync(rows_, std::move(rows), [](const PartitionRow& r) { return r.partition; });
}

// ---------------------------------------------------------------------------------------------

int TopicModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant TopicModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TopicRow& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return r.name;
        case TopicIdRole:
            return r.topic_id;
        case PartitionCountRole:
            return r.partition_count;
        case ReplicationFactorRole:
            return r.replication_factor;
        case ConfigsRole:
            return r.configs;
        case MinInsyncReplicasRole:
            return r.min_insync_replicas;
        case UncleanLeaderElectionRole:
            return r.unclean_leader_election;
        case RecordsRole:
            return r.records;
        case SizeBytesRole:
            return r.size_bytes;
        case RecordsPerSecondRole:
            return r.records_per_s;
        case OfflineRole:
            return r.offline;
        case PartitionsRole:
            return QVariant::fromValue(partitions(r.name));
        default:
            return {};
    }
}

QHash<int, QByteArray> TopicModel::roleNames() const {
    return {{NameRole, "name"},
            {TopicIdRole, "topicId"},
            {PartitionCountRole, "partitionCount"},
            {ReplicationFactorRole, "replicationFactor"},
            {ConfigsRole, "configs"},
            {MinInsyncReplicasRole, "minInsyncReplicas"},
            {UncleanLeaderElectionRole, "uncleanLeaderElection"},
            {RecordsRole, "records"},
            {SizeBytesRole, "sizeBytes"},
            {RecordsPerSecondRole, "recordsPerSecond"},
            {OfflineRole, "offline"},
            {PartitionsRole, "partitions"}};
}

void TopicModel::update(std::vector<std::pair<TopicRow, std::vector<PartitionRow>>> topics) {
    // The user's topics first, internal ones after (the order of TopicListRow::key).
    std::stable_sort(topics.begin(), topics.end(), [](const auto& a, const auto& b) {
        return std::make_pair(TopicListRow::internal(a.first.name), a.first.name) <
               std::make_pair(TopicListRow::internal(b.first.name), b.first.name);
    });
    std::vector<TopicRow> next;
    next.reserve(topics.size());
    // Partition models first, so that a newly inserted topic row already has its partitions.
    for (auto& [topic, parts] : topics) {
        auto& model = partitions_[topic.name];
        if (!model) {
            model = new PartitionModel(this);
            QQmlEngine::setObjectOwnership(model, QQmlEngine::CppOwnership);
        }
        model->update(std::move(parts));
        next.push_back(topic);
    }
    // The flat list the view draws: each topic's row, then its partitions.
    std::vector<TopicListRow> flat;
    for (const auto& topic : next) {
        flat.push_back({topic.name, -1, topic, {}});
        if (const auto* model = partitions_[topic.name]) {
            for (const auto& p : model->rows())
                flat.push_back({topic.name, p.partition, topic, p});
        }
    }
    sync(rows_, std::move(next),
         [](const TopicRow& r) { return std::make_pair(TopicListRow::internal(r.name), r.name); });
    list_.update(std::move(flat));
    for (auto it = partitions_.begin(); it != partitions_.end();) {
        bool present = std::any_of(rows_.begin(), rows_.end(),
                                   [&](const TopicRow& r) { return r.name == it->first; });
        if (present) {
            ++it;
        } else {
            it->second->deleteLater();  // a view may still hold it this frame
            it = partitions_.erase(it);
        }
    }
}

QStringList TopicModel::names() const {
    QStringList out;
    for (const auto& r : rows_)
        out << r.name;
    return out;
}

PartitionModel* TopicModel::partitions(const QString& topic) const {
    auto it = partitions_.find(topic);
    return it == partitions_.end() ? nullptr : it->second;
}
