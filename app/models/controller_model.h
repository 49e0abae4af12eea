// ControllerModel: one row per KRaft controller (the quorum), for the cluster band's controller
// cards: its role in the Raft quorum, epoch, vote, how far its metadata log reaches (log end
// offset, high watermark, applied offset) and, as the leader sees it, how far it has fetched.
// Rows are built from the engine's controller snapshots (and the lab view, which says which
// controllers run) a few times a second by the LabController's frame timer. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QVariantList>
#include <memory>
#include <vector>

#include "core/snapshots.h"
#include "row_list_model.h"

struct ControllerRow {
    int id = 0;
    QString address;      // "127.0.0.1:40123"
    bool up = false;      // its node is running
    bool frozen = false;  // pause-node: running, its thread held (its last state shows); not down
    // "leader", "follower", "candidate", "unattached", "voted", "resigned"; "down" when not
    // running; "starting" before its first snapshot.
    QString role;
    bool active = false;  // the leader, serving as the active controller
    int epoch = 0;
    int leader = -1;
    int voted_for = -1;
    qint64 log_end_offset = 0;
    qint64 high_watermark = -1;
    qint64 applied_offset = -1;
    // As the leader reports it (its followers[]): how far this controller has fetched the
    // metadata log, and how many records it is behind the leader's log end. -1 when the leader
    // does not report it (this is the leader, or there is none).
    qint64 fetch_offset = -1;
    qint64 lag = -1;
    // The highest log end offset in the quorum: the scale of the cards' progress bars.
    qint64 quorum_log_end = 0;
    int election_timeout_ms = 0;
    int fetch_timeout_ms = 0;
    bool operator==(const ControllerRow&) const = default;
};

class ControllerModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")
    // The active controller's id, -1 when none serves (an election is running).
    Q_PROPERTY(int activeId READ activeId NOTIFY summaryChanged)
    // The newest epoch any running controller knows.
    Q_PROPERTY(int epoch READ epoch NOTIFY summaryChanged)
    Q_PROPERTY(int running READ running NOTIFY summaryChanged)

  public:
    enum Role {
        ControllerIdRole = Qt::UserRole + 1,
        AddressRole,
        UpRole,
        RaftRoleRole,
        ActiveRole,
        EpochRole,
        LeaderRole,
        VotedForRole,
        LogEndOffsetRole,
        HighWatermarkRole,
        AppliedOffsetRole,
        FetchOffsetRole,
        LagRole,
        QuorumLogEndRole,
        ElectionTimeoutRole,
        FetchTimeoutRole,
        FrozenRole,
    };

    // What the lab says about one controller (from LabView::controllers).
    struct Node {
        int id = 0;
        QString host;
        int port = 0;
        bool running = false;
        bool frozen = false;
    };

    using RowListModel::RowListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The rows these nodes and snapshots make, sorted by id. A controller's snapshot counts only
    // while its node runs (a killed node's last snapshot would show a stale role).
    static std::vector<ControllerRow> rows_from(
        const std::vector<Node>& nodes,
        const std::vector<std::shared_ptr<const kraftlab::core::ControllerSnapshot>>& snapshots);

    void update(std::vector<ControllerRow> rows);  // sorted by id
    void update(
        const std::vector<Node>& nodes,
        const std::vector<std::shared_ptr<const kraftlab::core::ControllerSnapshot>>& snapshots) {
        update(rows_from(nodes, snapshots));
    }
    const std::vector<ControllerRow>& rows() const { return rows_; }

    int activeId() const { return active_id_; }
    int epoch() const { return epoch_; }
    int running() const { return running_; }

  signals:
    void summaryChanged();

  private:
    std::vector<ControllerRow> rows_;
    int active_id_ = -1;
    int epoch_ = 0;
    int running_ = 0;
};
