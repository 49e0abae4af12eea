#include "producer_model.h"

int ProducerModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ProducerModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ProducerRow& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return QString("producer %1").arg(r.id);
        case ProducerIdRole:
            return r.id;
        case TopicRole:
            return r.topic;
        case TargetRateRole:
            return r.target_rate;
        case AckedPerSecondRole:
            return r.acked_per_s;
        case AcksRole:
            return r.acks;
        case IdempotenceRole:
            return r.idempotence;
        case RouteRole:
            return r.route;
        case PartitionerRole:
            return r.partitioner;
        case KeyPatternRole:
            return r.key_pattern;
        case ValueBytesRole:
            return r.value_bytes;
        case SentRole:
            return r.sent;
        case AckedRole:
            return r.acked;
        case FailedRole:
            return r.failed;
        case BufferedRole:
            return r.buffered;
        case PartitionerErrorsRole:
            return r.partitioner_errors;
        case PerPartitionRole:
            return r.per_partition;
        case LatencyP50Role:
            return r.p50_ms;
        case LatencyP99Role:
            return r.p99_ms;
        case LastErrorRole:
            return r.last_error;
        case CustomSourceRole:
            return r.custom_source;
        case RunningRole:
            return r.running;
        default:
            return {};
    }
}

QHash<int, QByteArray> ProducerModel::roleNames() const {
    return {{ProducerIdRole, "producerId"},
            {TopicRole, "topic"},
            {TargetRateRole, "targetRate"},
            {AckedPerSecondRole, "ackedPerSecond"},
            {AcksRole, "acks"},
            {RouteRole, "route"},
            {IdempotenceRole, "idempotence"},
            {PartitionerRole, "partitioner"},
            {KeyPatternRole, "keyPattern"},
            {ValueBytesRole, "valueBytes"},
            {SentRole, "sent"},
            {AckedRole, "acked"},
            {FailedRole, "failed"},
            {BufferedRole, "buffered"},
            {PartitionerErrorsRole, "partitionerErrors"},
            {PerPartitionRole, "perPartition"},
            {LatencyP50Role, "latencyP50"},
            {LatencyP99Role, "latencyP99"},
            {LastErrorRole, "lastError"},
            {CustomSourceRole, "customSource"},
            {RunningRole, "running"}};
}

void ProducerModel::update(std::vector<ProducerRow> rows) {
    sync(rows_, std::move(rows), [](const ProducerRow& r) { return r.id; });
}
