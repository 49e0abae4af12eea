// TopicModel: one row per topic; each row carries a PartitionModel with that topic's partitions
// (leader, replicas, ISR, log offsets, size, recent keys), for the topics view's log strips.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QStringList>
#include <QVariantMap>
#include <map>
#include <memory>

#include "row_list_model.h"

struct PartitionRow {
    int partition = 0;
    int leader = -1;
    QVariantList replicas;
    QVariantList isr;
    int leader_epoch = 0;
    bool offline = false;
    qint64 log_start_offset = 0;
    qint64 log_end_offset = 0;
    qint64 high_watermark = 0;
    qint64 size_bytes = 0;
    int segments = 0;
    QStringList recent_keys;  // oldest first, for the newest offsets
    qint64 recent_keys_end = 0;
    double records_per_s = 0;
    bool operator==(const PartitionRow&) const = default;
};

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

struct TopicRow {
    QString name;
    QString topic_id;
    int partition_count = 0;
    int replication_factor = 0;
    QVariantMap configs;  // as set on the topic (Kafka's names, values as text)
    // In effect (the topic's own, else the lab's defaults): what replication obeys.
    int min_insync_replicas = 1;
    bool unclean_leader_election = false;
    qint64 records = 0;  // sum of log end - log start over partitions
    qint64 size_bytes = 0;
    double records_per_s = 0;
    int offline = 0;  // partitions without a leader
    bool operator==(const TopicRow&) const = default;
};

class TopicModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")
    Q_PROPERTY(QStringList names READ names NOTIFY countChanged)

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

    using RowListModel::RowListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Topics sorted by name, each with its partitions sorted by number.
    void update(std::vector<std::pair<TopicRow, std::vector<PartitionRow>>> topics);
    QStringList names() const;
    PartitionModel* partitions(const QString& topic) const;
    const std::vector<TopicRow>& rows() const { return rows_; }

  private:
    std::vector<TopicRow> rows_;
    std::map<QString, PartitionModel*> partitions_;  // children of this model, C++-owned
};
