// ConsumerModel: the lab's built-in consumers with their position and lag per partition, and the
// same positions by partition for the log strips. GUI thread; LabController updates it per
// snapshot.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QVariantList>
#include <QVariantMap>

#include "row_list_model.h"

struct ConsumerRow {
    int id = 0;
    QString topic;
    QString start_from;
    qint64 records = 0;
    double records_per_s = 0;
    qint64 total_lag = 0;
    // The partitions it reads (in a group: those assigned to it): {partition, leader, position,
    // highWatermark, lag, committed (-1: none), error}.
    QVariantList partitions;
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
    // "topic/partition" -> the consumers reading it, by id: [{id, position, group}] (position -1:
    // not known yet). What a partition's strip marks.
    Q_PROPERTY(QVariantMap positions READ positions NOTIFY positionsChanged)

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
    QVariantMap positions() const { return positions_; }

  signals:
    void positionsChanged();

  private:
    std::vector<ConsumerRow> rows_;
    QVariantMap positions_;
};
