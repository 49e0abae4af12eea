#include "consumer_model.h"

int ConsumerModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ConsumerModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConsumerRow& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return QString("consumer %1").arg(r.id);
        case ConsumerIdRole:
            return r.id;
        case TopicRole:
            return r.topic;
        case StartFromRole:
            return r.start_from;
        case RecordsRole:
            return r.records;
        case RecordsPerSecondRole:
            return r.records_per_s;
        case TotalLagRole:
            return r.total_lag;
        case PartitionsRole:
            return r.partitions;
        case LastErrorRole:
            return r.last_error;
        case RunningRole:
            return r.running;
        case GroupRole:
            return r.group;
        case MemberIdRole:
            return r.member_id;
        case GenerationRole:
            return r.generation;
        case GroupStateRole:
            return r.group_state;
        case CoordinatorRole:
            return r.coordinator;
        default:
            return {};
    }
}

QHash<int, QByteArray> ConsumerModel::roleNames() const {
    return {{ConsumerIdRole, "consumerId"},
            {TopicRole, "topic"},
            {StartFromRole, "startFrom"},
            {RecordsRole, "records"},
            {RecordsPerSecondRole, "recordsPerSecond"},
            {TotalLagRole, "totalLag"},
            {PartitionsRole, "partitions"},
            {LastErrorRole, "lastError"},
            {RunningRole, "running"},
            {GroupRole, "group"},
            {MemberIdRole, "memberId"},
            {GenerationRole, "generation"},
            {GroupStateRole, "groupState"},
            {CoordinatorRole, "coordinator"}};
}

void ConsumerModel::update(std::vector<ConsumerRow> rows) {
    sync(rows_, std::move(rows), [](const ConsumerRow& r) { return r.id; });
    QVariantMap positions;
    for (const auto& r : rows_) {
        for (const auto& p : r.partitions) {
            const QVariantMap part = p.toMap();
            const QString key = r.topic + "/" + part.value("partition").toString();
            QVariantList at = positions.value(key).toList();
            at << QVariantMap{
                {"id", r.id}, {"position", part.value("position")}, {"group", r.group}};
            positions.insert(key, at);
        }
    }
    if (positions != positions_) {
        positions_ = std::move(positions);
        emit positionsChanged();
    }
}
