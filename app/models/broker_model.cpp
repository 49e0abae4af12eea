#include "broker_model.h"

int BrokerModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant BrokerModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const BrokerRow& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return QString("broker %1").arg(r.id);
        case BrokerIdRole:
            return r.id;
        case AddressRole:
            return r.address;
        case UpRole:
            return r.up;
        case StateRole:
            return r.state;
        case LedRole:
            return r.led;
        case HostedRole:
            return r.hosted;
        case LedPartitionsRole:
            return r.led_partitions;
        case BytesStoredRole:
            return r.bytes_stored;
        case RecordsStoredRole:
            return r.records_stored;
        case RecordsInPerSecondRole:
            return r.records_in_per_s;
        case BytesOutPerSecondRole:
            return r.bytes_out_per_s;
        case ConnectionsRole:
            return r.connections;
        default:
            return {};
    }
}

QHash<int, QByteArray> BrokerModel::roleNames() const {
    return {{BrokerIdRole, "brokerId"},
            {AddressRole, "address"},
            {UpRole, "up"},
            {StateRole, "brokerState"},
            {LedRole, "led"},
            {HostedRole, "hosted"},
            {LedPartitionsRole, "ledPartitions"},
            {BytesStoredRole, "bytesStored"},
            {RecordsStoredRole, "recordsStored"},
            {RecordsInPerSecondRole, "recordsInPerSecond"},
            {BytesOutPerSecondRole, "bytesOutPerSecond"},
            {ConnectionsRole, "connections"}};
}

void BrokerModel::update(std::vector<BrokerRow> rows) {
    sync(rows_, std::move(rows), [](const BrokerRow& r) { return r.id; });
}
