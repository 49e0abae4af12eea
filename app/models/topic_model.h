// TopicModel: one row per topic; each row carries a PartitionModel with that topic's partitions
// (leader, replicas, ISR, log offsets, size, recent keys), for the topics view's log strips.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QStringList>
#include <QVariantMap>
#include <map>
#include <memory>

#include "row_list_model.h"
#include "topic_list_model.h"
#include "topic_rows.h"

class PartitionModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by TopicModel")

  public:
    enum Role {
        PartitionRole = Qt::UserRole + 1,
        LeaderRole,
        ReplicasRole,
        IsrRole,
        LeaderEpochRole,
        OfflineRole,
        LogStartOffsetRole,
        LogEndOffsetRole,
        HighWatermarkRole,
        SizeBytesRole,
        SegmentsRole,
        RecentKeysRole,
        RecentKeysEndRole,
        RecordsPerSecondRole,
    };

    using RowListModel::RowListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void update(std::vector<PartitionRow> rows);
    const std::vector<PartitionRow>& rows() const { return rows_; }

  private:
    std::vector<PartitionRow> rows_;
};

class TopicModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")
    Q_PROPERTY(QStringList names READ names NOTIFY countChanged)
    // Topics and their partitions as one flat list, for the topics view.
    Q_PROPERTY(TopicListModel* list READ list CONSTANT)

  public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        TopicIdRole,
        PartitionCountRole,
        ReplicationFactorRole,
        ConfigsRole,
        MinInsyncReplicasRole,
        UncleanLeaderElectionRole,
        RecordsRole,
        SizeBytesRole,
        RecordsPerSecondRole,
        OfflineRole,
        PartitionsRole,  // PartitionModel*
    };

    explicit TopicModel(QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Topics sorted by name, each with its partitions sorted by number.
    void update(std::vector<std::pair<TopicRow, std::vector<PartitionRow>>> topics);
    QStringList names() const;
    PartitionModel* partitions(const QString& topic) const;
    const std::vector<TopicRow>& rows() const { return rows_; }
    TopicListModel* list() { return &list_; }

  private:
    std::vector<TopicRow> rows_;
    TopicListModel list_;
    std::map<QString, PartitionModel*> partitions_;  // children of this model, C++-owned
};
