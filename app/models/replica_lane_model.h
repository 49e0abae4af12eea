// ReplicaLaneModel: the replicas of one partition (the one selected in the UI), one row ("lane")
// each, for the replication view: each replica's log offsets (log end, high watermark, flushed),
// whether it leads, whether it is in the ISR and if not why, its fetch error, and a counter that
// moves when it fetches from the leader so the view can send a dot along the lanes.
//
// Rows are built from every broker's snapshot of that partition (a broker reports its own replica;
// the leader also reports how it sees each follower) and from the metadata image, which says who
// leads and who is in the ISR when no live leader reports it. The LabController calls update() a
// few times a second (as snapshots arrive) and when the selection changes; the view's cost
// depends on that rate, not on the number of records or fetches. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QStringList>
#include <QVariantList>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "core/snapshots.h"
#include "metadata/image.h"
#include "metadata/topic_config.h"
#include "row_list_model.h"

struct ReplicaLaneRow {
    int broker = 0;
    bool up = false;        // its broker is running (a down broker's lane is greyed)
    bool reported = false;  // its broker has reported this replica (else offsets are unknown)
    // Its broker is frozen (pause-node): the lane shows what it held when it froze.
    bool frozen = false;
    bool leader = false;
    bool in_isr = false;
    // "leader", "in sync", "out of sync", "down", "no report"
    QString state;
    QString reason;  // why it is not in the ISR, in plain words; empty when it is
    QString error;   // the follower's own fetch error, if any
    qint64 log_start_offset = 0;
    qint64 log_end_offset = 0;
    qint64 high_watermark = 0;  // as this replica knows it (a follower learns it by fetching)
    qint64 flushed_offset = 0;
    int leader_epoch = 0;
    qint64 lag = 0;  // records behind the leader's log end (followers)
    // Records past the leader's log end that this replica holds from an earlier leader epoch
    // (an ex-leader's tail the new leader never got): it cuts them when it next fetches.
    qint64 diverged = 0;
    qint64 fetch_age_ms = -1;  // since its last fetch, as the leader saw it; -1 unknown
    qint64 fetches_total = 0;  // fetches the leader served it (or it sent, if the leader is silent)
    // Moves by one whenever fetches_total grew since the previous update: the view sends one
    // dot follower -> leader -> follower per step, at most one in flight per lane.
    int fetch_seq = 0;
    // Produce requests for this partition that this broker, not leading it, sent on to the
    // leader ("via any broker"); forward_seq moves by one when that grew, for a dot broker ->
    // leader, like fetch_seq.
    qint64 forwarded_total = 0;
    int forward_seq = 0;
    // Its part in a reassignment in progress: "adding" (a new replica copying the log to join
    // the ISR), "removing" (it leaves once the new ones are in sync), or empty.
    QString move;
    // An adding replica's copy speed, records/s over the last updates (0 until measured), and
    // how far behind the leader it is in bytes (from the logs' sizes).
    double copy_rate = 0;
    qint64 bytes_behind = 0;
    bool operator==(const ReplicaLaneRow&) const = default;
};

class ReplicaLaneModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")
    Q_PROPERTY(QString topic READ topic NOTIFY summaryChanged)
    Q_PROPERTY(int partition READ partition NOTIFY summaryChanged)
    Q_PROPERTY(int leader READ leader NOTIFY summaryChanged)
    Q_PROPERTY(int leaderRow READ leaderRow NOTIFY summaryChanged)
    Q_PROPERTY(int leaderEpoch READ leaderEpoch NOTIFY summaryChanged)
    Q_PROPERTY(int partitionEpoch READ partitionEpoch NOTIFY summaryChanged)
    Q_PROPERTY(double highWatermark READ highWatermark NOTIFY summaryChanged)
    // The furthest log end among the replicas: where every lane's window ends, so that lanes
    // line up offset under offset.
    Q_PROPERTY(double windowEnd READ windowEnd NOTIFY summaryChanged)
    Q_PROPERTY(double leaderLogEnd READ leaderLogEnd NOTIFY summaryChanged)
    Q_PROPERTY(QVariantList replicas READ replicas NOTIFY summaryChanged)
    Q_PROPERTY(QVariantList isr READ isr NOTIFY summaryChanged)
    Q_PROPERTY(int minInsyncReplicas READ minInsyncReplicas NOTIFY summaryChanged)
    Q_PROPERTY(bool uncleanElection READ uncleanElection NOTIFY summaryChanged)
    Q_PROPERTY(bool recovering READ recovering NOTIFY summaryChanged)
    Q_PROPERTY(bool isrChangePending READ isrChangePending NOTIFY summaryChanged)
    Q_PROPERTY(double replicaLagTimeMaxMs READ replicaLagTimeMaxMs NOTIFY summaryChanged)
    Q_PROPERTY(double flushIntervalMs READ flushIntervalMs NOTIFY summaryChanged)
    // What is wrong with the partition as a whole, in plain words; empty when nothing is.
    Q_PROPERTY(QString warning READ warning NOTIFY summaryChanged)
    // A reassignment in progress, in plain words ("Moving to brokers 2, 3, 4: broker 4 copies
    // the log from leader 1; broker 1 leaves once it is in sync"); empty when none.
    Q_PROPERTY(QString move READ move NOTIFY summaryChanged)
    // Who writes to the partition and along which hops: one line per running built-in producer
    // of the topic ("Producer 2 · acks=all → via any broker: 3 forwards → ♛ 1"), and brokers
    // without a replica that forward to it. Empty when nobody does.
    Q_PROPERTY(QStringList writers READ writers NOTIFY summaryChanged)
    // Moves by one each time the leader's log end grew since the previous update (records
    // arrived): the view sends one record tile producer -> leader per step, one in flight.
    Q_PROPERTY(int produceSeq READ produceSeq NOTIFY summaryChanged)
    // The running built-in consumers of the partition, as of the cut: [{id, position, seq}], seq
    // moving by one each time the position moved on (for a tile leader -> consumer).
    Q_PROPERTY(QVariantList consumers READ consumers NOTIFY summaryChanged)

  public:
    enum Role {
        BrokerIdRole = Qt::UserRole + 1,
        UpRole,
        ReportedRole,
        IsLeaderRole,
        InIsrRole,
        StateRole,
        ReasonRole,
        ErrorRole,
        LogStartOffsetRole,
        LogEndOffsetRole,
        HighWatermarkRole,
        FlushedOffsetRole,
        LeaderEpochRole,
        LagRole,
        FetchAgeRole,
        FetchesTotalRole,
        FetchSeqRole,
        ForwardedTotalRole,
        ForwardSeqRole,
        FrozenRole,
        DivergedRole,
        MoveRole,
        CopyRateRole,
        BytesBehindRole,
    };

    // What the metadata image says of the partition (empty when the image does not know it:
    // then only snapshots count) and its topic's configs.
    struct Metadata {
        std::optional<kraftlab::metadata::PartitionInfo> partition;
        kraftlab::metadata::EffectiveTopicConfig config;
    };

    using RowListModel::RowListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // What the lanes are drawn from, as the SnapshotBoard holds it: every broker's kept
    // snapshots and every consumer's, oldest first (a down broker's last one is kept, marked not
    // up), and the producers' newest.
    struct Sources {
        std::map<int, kraftlab::core::SnapshotBoard::BrokerHistory> brokers;
        std::vector<std::shared_ptr<const kraftlab::core::ProducerSnapshot>> producers;
        std::map<int, kraftlab::core::SnapshotBoard::ConsumerHistory> consumers;
        // Cut them consistently (the app); false: take each node's newest as one moment (tests
        // that build a moment by hand).
        bool cut = true;
        // Now, in lab time (LabController::nowMs): how long ago a broker last forwarded is
        // measured on it, so that a paused lab's lanes stand still. -1: the wall clock (tests).
        qint64 now_ms = -1;
        // Brokers frozen now (pause-node): they publish nothing while frozen.
        std::set<int> frozen;
    };

    // Rebuilds the lanes of topic-partition from a consistent cut of the sources (see the
    // comment at the cut in update()). An empty topic clears the model.
    void update(const QString& topic, int partition, const Metadata& metadata,
                const Sources& sources);
    // The same from each broker's newest snapshot only, taken as one moment (no cut).
    void update(
        const QString& topic, int partition, const Metadata& metadata,
        const std::vector<std::shared_ptr<const kraftlab::core::BrokerSnapshot>>& brokers,
        const std::vector<std::shared_ptr<const kraftlab::core::ProducerSnapshot>>& producers = {});
    void clear() { update({}, -1, {}, Sources{}); }
    const std::vector<ReplicaLaneRow>& rows() const { return rows_; }

    QString topic() const { return topic_; }
    int partition() const { return partition_; }
    int leader() const { return summary_.leader; }
    int leaderRow() const;
    int leaderEpoch() const { return summary_.leader_epoch; }
    int partitionEpoch() const { return summary_.partition_epoch; }
    double highWatermark() const { return static_cast<double>(summary_.high_watermark); }
    double windowEnd() const { return static_cast<double>(summary_.window_end); }
    double leaderLogEnd() const { return static_cast<double>(summary_.leader_log_end); }
    QVariantList replicas() const { return summary_.replicas; }
    QVariantList isr() const { return summary_.isr; }
    int minInsyncReplicas() const { return summary_.min_insync; }
    bool uncleanElection() const { return summary_.unclean; }
    bool recovering() const { return summary_.recovering; }
    bool isrChangePending() const { return summary_.isr_change_pending; }
    double replicaLagTimeMaxMs() const { return static_cast<double>(summary_.lag_max_ms); }
    double flushIntervalMs() const { return static_cast<double>(summary_.flush_interval_ms); }
    QString warning() const { return summary_.warning; }
    QString move() const { return summary_.move; }
    QStringList writers() const { return summary_.writers; }
    int produceSeq() const { return summary_.produce_seq; }
    QVariantList consumers() const { return summary_.consumers; }

    // "4.2 s", "30 s": durations as the reasons print them.
    static QString seconds(qint64 ms);

  signals:
    void summaryChanged();

  private:
    struct Summary {
        int leader = -1;
        int leader_epoch = 0;
        int partition_epoch = 0;
        qint64 high_watermark = 0;
        qint64 window_end = 0;
        qint64 leader_log_end = 0;
        QVariantList replicas;
        QVariantList isr;
        int min_insync = 1;
        bool unclean = false;
        bool recovering = false;
        bool isr_change_pending = false;
        qint64 lag_max_ms = 0;
        qint64 flush_interval_ms = 0;
        QString warning;
        QString move;
        QStringList writers;
        int produce_seq = 0;
        QVariantList consumers;
        bool operator==(const Summary&) const = default;
    };

    std::vector<ReplicaLaneRow> rows_;
    QString topic_;
    int partition_ = -1;
    Summary summary_;
    // Fetch counters as last seen, per follower, with what they were counted against (the
    // leader, and whether the leader or the follower reported them): a counter read against a
    // different leader is a new count, not growth.
    struct Seen {
        int leader = -1;
        bool from_leader = true;
        std::uint64_t total = 0;
        int seq = 0;
    };
    std::map<int, Seen> fetches_seen_;
    // Adding replicas' log ends as last sampled, for their copy rate: {log end, lab ms, rate}.
    struct CopySeen {
        qint64 log_end = 0;
        qint64 at_ms = 0;
        double rate = 0;
    };
    std::map<int, CopySeen> copy_seen_;
    // Forward counters as last seen, per broker: {total, seq}.
    std::map<int, std::pair<std::uint64_t, int>> forwards_seen_;
    // When (ms since the epoch) each broker's forward counter of the selected partition was last
    // seen to grow: "forwarding now" means within the last few seconds.
    std::map<int, qint64> forwarded_at_ms_;
    // The leader's log end as last seen, in which leadership, and the produce step count.
    struct ProduceSeen {
        int leader = -1;
        int epoch = -1;
        qint64 log_end = 0;
        int seq = 0;
    };
    ProduceSeen produce_seen_;
    // The snapshots the last cut showed (see the cut in update()), and its reference.
    std::shared_ptr<const kraftlab::core::BrokerSnapshot> cut_leader_;
    std::map<int, std::shared_ptr<const kraftlab::core::BrokerSnapshot>> shown_brokers_;
    std::map<int, std::shared_ptr<const kraftlab::core::ConsumerSnapshot>> shown_consumers_;
    // Each consumer's position of the partition as last seen, with its step count.
    std::map<int, std::pair<qint64, int>> consumers_seen_;
};
