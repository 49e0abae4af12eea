// The rows the topics views draw: a topic, and a partition of it (leader, replicas and how each
// is doing, log offsets, size, recent keys). Plain values, built by the LabController from the
// metadata image and the brokers' snapshots.
#pragma once

#include <QString>
#include <QStringList>
#include <QVariantList>
#include <QVariantMap>

struct PartitionRow {
    int partition = 0;
    int leader = -1;
    QVariantList replicas;
    QVariantList isr;
    // Each replica (in replicas' order) as a person sees it: "leader", "isr" (in sync), "out" (out
    // of the ISR) or "down" (its broker is not running).
    QStringList replica_states;
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
