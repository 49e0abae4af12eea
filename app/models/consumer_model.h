// ConsumerModel: the lab's built-in consumers with their position and lag per partition.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QVariantList>

#include "row_list_model.h"

struct ConsumerRow {
    int id = 0;
    QString topic;
    QString start_from;
    qint64 records = 0;
    double records_per_s = 0;
    qint64 total_lag = 0;
    QVariantList partitions;  // {partition, leader, position, highWatermark, lag, error}
    QString last_error;
    bool running = true;
    // Its consumer group ("" without one): member id, generation, what it is doing, coordinator.
    QString group;
    QString member_id;
    int generation = -1;
    QString group_state;
    int coordinator = -1;
    bool operator==(const ConsumerRow&) const = default;
};

class ConsumerModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")

  public:
    enum Role {
        ConsumerIdRole = Qt::UserRole + 1,
        TopicRole,
        StartFromRole,
        RecordsRole,
        RecordsPerSecondRole,
        TotalLagRole,
        PartitionsRole,
        LastErrorRole,
        RunningRole,
        GroupRole,
        MemberIdRole,
        GenerationRole,
        GroupStateRole,
        CoordinatorRole,
    };

    using RowListModel::RowListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void update(std::vector<ConsumerRow> rows);  // sorted by id
    const std::vector<ConsumerRow>& rows() const { return rows_; }

  private:
    std::vector<ConsumerRow> rows_;
};
