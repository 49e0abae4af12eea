#include "topic_list_model.h"

int TopicListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariantMap TopicListModel::topic_map(const TopicRow& t) {
    return {{"name", t.name},
            {"partitionCount", t.partition_count},
            {"replicationFactor", t.replication_factor},
            {"minInsyncReplicas", t.min_insync_replicas},
            {"uncleanLeaderElection", t.unclean_leader_election},
            {"records", static_cast<double>(t.records)},
            {"sizeBytes", static_cast<double>(t.size_bytes)},
            {"recordsPerSecond", t.records_per_s},
            {"offline", t.offline}};
}

QVariantMap TopicListModel::partition_map(const PartitionRow& p) {
    return {{"partition", p.partition},
            {"leader", p.leader},
            {"replicas", p.replicas},
            {"isr", p.isr},
            {"replicaStates", p.replica_states},
            {"leaderEpoch", p.leader_epoch},
            {"offline", p.offline},
            {"logStartOffset", static_cast<double>(p.log_start_offset)},
            {"logEndOffset", static_cast<double>(p.log_end_offset)},
            {"highWatermark", static_cast<double>(p.high_watermark)},
            {"sizeBytes", static_cast<double>(p.size_bytes)},
            {"segments", p.segments},
            {"recentKeys", p.recent_keys},
            {"recentKeysEnd", static_cast<double>(p.recent_keys_end)},
            {"recordsPerSecond", p.records_per_s}};
}

QVariant TopicListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TopicListRow& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return r.partition < 0 ? r.topic : r.topic + "-" + QString::number(r.partition);
        case KindRole:
            return r.partition < 0 ? QStringLiteral("topic") : QStringLiteral("partition");
        case TopicRole:
            return r.topic;
        case TopicInfoRole:
            return topic_map(r.topic_row);
        case PartitionInfoRole:
            return r.partition < 0 ? QVariantMap{} : partition_map(r.partition_row);
        default:
            return {};
    }
}

QHash<int, QByteArray> TopicListModel::roleNames() const {
    return {{KindRole, "kind"},
            {TopicRole, "topic"},
            {TopicInfoRole, "topicInfo"},
            {PartitionInfoRole, "partitionInfo"}};
}

void TopicListModel::update(std::vector<TopicListRow> rows) {
    sync(rows_, std::move(rows), [](const TopicListRow& r) { return r.key(); });
}

int TopicListModel::rowOf(const QString& topic, int partition) const {
    // Rows are sorted by key (internal topics last, then topic, partition): a binary search.
    const auto key = std::make_tuple(TopicListRow::internal(topic), topic, partition);
    auto it = std::lower_bound(rows_.begin(), rows_.end(), key,
                               [](const TopicListRow& r, const auto& k) { return r.key() < k; });
    return it != rows_.end() && it->key() == key ? static_cast<int>(it - rows_.begin()) : -1;
}
