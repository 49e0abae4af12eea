// BrokerModel: one row per broker, for the cluster view's cards. Rows are computed by the
// LabController from the engine's snapshots and metadata a few times a second.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QStringList>

#include "row_list_model.h"

struct BrokerRow {
    int id = 0;
    QString address;  // "127.0.0.1:9092"
    bool up = false;  // its node is running
    // Frozen (pause-node, as in a long GC pause): running, but its thread is held, so what the
    // card shows is its last state. Not down.
    bool frozen = false;
    // Its registration with the controller quorum: "starting" (not registered yet),
    // "registered" (registered, fenced until it has caught up with the metadata log),
    // "fenced" (its session expired: no heartbeat within the session timeout), "unfenced"
    // (may lead partitions), "down" (its node is stopped).
    QString state;
    qint64 broker_epoch = -1;  // from its registration; -1 until registered
    // Lab time (ms, LabController::nowMs) of the last heartbeat a controller answered; <= 0
    // before the first.
    qint64 last_heartbeat_ack_ms = 0;
    int heartbeat_interval_ms = 0;
    int session_timeout_ms = 0;
    int active_controller = -1;  // the controller that answers its heartbeats
    int led = 0;                 // partitions it leads
    int hosted = 0;              // partition replicas it holds
    QStringList led_partitions;  // "orders-0", ...
    qint64 bytes_stored = 0;
    qint64 records_stored = 0;
    double records_in_per_s = 0;
    double bytes_out_per_s = 0;
    int connections = 0;
    bool operator==(const BrokerRow&) const = default;
};

class BrokerModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")

  public:
    enum Role {
        BrokerIdRole = Qt::UserRole + 1,
        AddressRole,
        UpRole,
        StateRole,
        LedRole,
        HostedRole,
        LedPartitionsRole,
        BytesStoredRole,
        RecordsStoredRole,
        RecordsInPerSecondRole,
        BytesOutPerSecondRole,
        ConnectionsRole,
        BrokerEpochRole,
        LastHeartbeatAckRole,
        HeartbeatIntervalRole,
        SessionTimeoutRole,
        ActiveControllerRole,
        FrozenRole,
    };

    using RowListModel::RowListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void update(std::vector<BrokerRow> rows);  // sorted by id

    // The registration state (see BrokerRow::state) from what the lab knows: whether the node
    // runs, whether the metadata image has it and fenced, its broker epoch, and how long ago
    // (now_ms, lab time) a controller last answered its heartbeat.
    static QString registration_state(bool running, bool in_image, bool fenced_in_image,
                                      qint64 broker_epoch, qint64 last_heartbeat_ack_ms,
                                      int session_timeout_ms, qint64 now_ms);
    const std::vector<BrokerRow>& rows() const { return rows_; }

  private:
    std::vector<BrokerRow> rows_;
};
