// BrokerModel: one row per broker, for the cluster view's cards. Rows are computed by the
// LabController from the engine's snapshots and metadata a few times a second.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QStringList>

#include "row_list_model.h"

struct BrokerRow {
    int id = 0;
    QString address;             // "127.0.0.1:9092"
    bool up = false;             // its node is running
    QString state;               // "unfenced", "fenced", "down"
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
    };

    using RowListModel::RowListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void update(std::vector<BrokerRow> rows);  // sorted by id
    const std::vector<BrokerRow>& rows() const { return rows_; }

  private:
    std::vector<BrokerRow> rows_;
};
