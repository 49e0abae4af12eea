// GroupModel: the consumer groups of the lab as their coordinators report them (the brokers'
// snapshots, core::GroupSnapshot): one row per group with its state, generation, protocol,
// coordinator, members (each with a colour index, in join order, and the partitions it owns),
// and per partition of the topics it reads the committed offset and the lag behind the high
// watermark ("no committed offset" is said as such, not as 0). And a timeline per group from the
// group_changed and coordinator_changed events: who joined or left and why, each generation, how
// long each rebalance kept the group from consuming, the coordinator's moves.
//
// The selected group (the Groups view's choice) also colours the Topics view: owners maps
// "topic/partition" to its member's colour index, committed to its committed offset.
//
// GUI thread only. Cost per refresh: the groups' members and partitions, not the lab's partitions.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QVariantList>
#include <QVariantMap>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "core/events.h"
#include "core/snapshots.h"
#include "row_list_model.h"

struct GroupRow {
    QString group;
    QString state;
    QString protocol;
    int generation = 0;
    int coordinator = -1;
    int offsets_partition = -1;
    QString leader;
    double rebalance_started_lab_ms = -1;
    QVariantList members;     // {memberId, clientId, host, instanceId, colour, owns, leader}
    QVariantList partitions;  // {topic, partition, owner (colour, -1), committed, end, lag}
    qint64 total_lag = 0;
    int without_commit = 0;  // partitions read by the group with no committed offset
    bool operator==(const GroupRow&) const = default;
};

class GroupModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")
    Q_PROPERTY(QString selected READ selected WRITE setSelected NOTIFY selectedChanged)
    // The shown group's partition owners and
    // committed offsets, by "topic/partition".
    Q_PROPERTY(QVariantMap owners READ owners NOTIFY ownersChanged)
    Q_PROPERTY(QVariantMap committed READ committed NOTIFY ownersChanged)
    // The group the view shows: the selected one, or the first; its row's fields by role name.
    Q_PROPERTY(QVariantMap current READ current NOTIFY currentChanged)
    Q_PROPERTY(QString currentGroup READ current_group NOTIFY currentChanged)
    // The selected group's timeline, newest first: {labMs, text, kind}.
    Q_PROPERTY(QVariantList timeline READ timeline NOTIFY timelineChanged)

  public:
    enum Role {
        GroupRole = Qt::UserRole + 1,
        StateRole,
        ProtocolRole,
        GenerationRole,
        CoordinatorRole,
        OffsetsPartitionRole,
        LeaderRole,
        RebalanceStartedRole,
        MembersRole,
        PartitionsRole,
        TotalLagRole,
        WithoutCommitRole,
    };
    // Timeline entries kept per group.
    static constexpr std::size_t kTimelineLength = 60;

    using RowListModel::RowListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // High watermark (or, with none known, the log end) per (topic, partition) as the
    // partitions' leaders last reported them.
    using Ends = std::map<std::pair<std::string, std::int32_t>, std::int64_t>;
    // From the newest snapshot of each running broker.
    void update(const std::vector<std::shared_ptr<const kraftlab::core::BrokerSnapshot>>& brokers,
                const Ends& ends);
    // The frame's events: the group ones go to the timelines.
    void add(const std::vector<kraftlab::core::Event>& events);
    void clear();

    QString selected() const { return selected_; }
    void setSelected(const QString& group);
    QVariantMap owners() const { return owners_; }
    QVariantMap committed() const { return committed_; }
    QVariantMap current() const { return current_; }
    QString current_group() const { return current_.value("group").toString(); }
    QVariantList timeline() const;
    const std::vector<GroupRow>& rows() const { return rows_; }

  signals:
    void selectedChanged();
    void ownersChanged();
    void currentChanged();
    void timelineChanged();

  private:
    void refresh_selection();

    std::vector<GroupRow> rows_;
    QString selected_;
    QVariantMap owners_;
    QVariantMap committed_;
    QVariantMap current_;
    std::map<QString, std::deque<QVariantMap>> timelines_;
};
