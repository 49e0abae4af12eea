// ProducerModel and ConsumerModel: the lab's built-in clients, for the producers and consumers
// panels. Rows come from the engine's client snapshots, a few times a second.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QVariantList>
#include <memory>

#include "core/latency_histogram.h"
#include "row_list_model.h"

struct ProducerRow {
    int id = 0;
    QString topic;
    double target_rate = 0;
    double acked_per_s = 0;
    int acks = -1;             // 0, 1, -1 (all); N >= 2 the lab's acks=N
    QString route = "leader";  // or "any broker"
    bool idempotence = false;
    QString partitioner;
    QString key_pattern;
    int value_bytes = 0;
    qint64 sent = 0;
    qint64 acked = 0;
    qint64 failed = 0;
    qint64 buffered = 0;
    qint64 partitioner_errors = 0;
    QVariantList per_partition;  // acknowledged records per partition
    // Latency over the producer's last 10 s (its snapshot's window): p50, p99 and the histogram
    // the charts merge per acks setting. The same pointer while the window is unchanged, so an
    // idle producer's row compares equal and costs no signal.
    double p50_ms = -1;
    double p99_ms = -1;
    std::shared_ptr<const kraftlab::core::LatencyHistogram> latency_window;
    QString last_error;
    QString custom_source;  // the custom partitioner's code, if any
    bool running = true;
    bool operator==(const ProducerRow&) const = default;
};

class ProducerModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")

  public:
    enum Role {
        ProducerIdRole = Qt::UserRole + 1,
        TopicRole,
        TargetRateRole,
        AckedPerSecondRole,
        AcksRole,
        RouteRole,
        PartitionerRole,
        KeyPatternRole,
        ValueBytesRole,
        SentRole,
        AckedRole,
        FailedRole,
        BufferedRole,
        PartitionerErrorsRole,
        PerPartitionRole,
        LatencyP50Role,
        LatencyP99Role,
        LastErrorRole,
        CustomSourceRole,
        RunningRole,
        IdempotenceRole,
    };

    using RowListModel::RowListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void update(std::vector<ProducerRow> rows);  // sorted by id
    const std::vector<ProducerRow>& rows() const { return rows_; }

  private:
    std::vector<ProducerRow> rows_;
};
