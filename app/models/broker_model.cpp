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
        case BrokerEpochRole:
            return r.broker_epoch;
        case LastHeartbeatAckRole:
            return r.last_heartbeat_ack_ms;
        case HeartbeatIntervalRole:
            return r.heartbeat_interval_ms;
        case SessionTimeoutRole:
            return r.session_timeout_ms;
        case ActiveControllerRole:
            return r.active_controller;
        case FrozenRole:
            return r.frozen;
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
            {ConnectionsRole, "connections"},
            {BrokerEpochRole, "brokerEpoch"},
            {LastHeartbeatAckRole, "lastHeartbeatAckMs"},
            {HeartbeatIntervalRole, "heartbeatIntervalMs"},
            {SessionTimeoutRole, "sessionTimeoutMs"},
            {ActiveControllerRole, "activeController"},
            {FrozenRole, "frozen"}};
}

void BrokerModel::update(std::vector<BrokerRow> rows) {
    sync(rows_, std::move(rows), [](const BrokerRow& r) { return r.id; });
}

QString BrokerModel::registration_state(bool running, bool in_image, bool fenced_in_image,
                                        qint64 broker_epoch, qint64 last_heartbeat_ack_ms,
                                        int session_timeout_ms, qint64 now_ms) {
    if (!running) return "down";
    if (!in_image) return broker_epoch >= 0 ? "registered" : "starting";
    if (!fenced_in_image) return "unfenced";
    // Fenced: either it has just registered and is catching up with the metadata log (it still
    // heartbeats), or the controller fenced it because its heartbeats stopped for longer than
    // the session timeout.
    const bool session_expired = last_heartbeat_ack_ms > 0 && session_timeout_ms > 0 &&
                                 now_ms - last_heartbeat_ack_ms > session_timeout_ms;
    return session_expired ? "fenced" : "registered";
}
