#include "controller_model.h"

#include <algorithm>
#include <map>

using kraftlab::core::ControllerSnapshot;

int ControllerModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ControllerModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ControllerRow& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return QString("controller %1").arg(r.id);
        case ControllerIdRole:
            return r.id;
        case AddressRole:
            return r.address;
        case UpRole:
            return r.up;
        case RaftRoleRole:
            return r.role;
        case ActiveRole:
            return r.active;
        case EpochRole:
            return r.epoch;
        case LeaderRole:
            return r.leader;
        case VotedForRole:
            return r.voted_for;
        case LogEndOffsetRole:
            return r.log_end_offset;
        case HighWatermarkRole:
            return r.high_watermark;
        case AppliedOffsetRole:
            return r.applied_offset;
        case FetchOffsetRole:
            return r.fetch_offset;
        case LagRole:
            return r.lag;
        case QuorumLogEndRole:
            return r.quorum_log_end;
        case ElectionTimeoutRole:
            return r.election_timeout_ms;
        case FetchTimeoutRole:
            return r.fetch_timeout_ms;
        case FrozenRole:
            return r.frozen;
        default:
            return {};
    }
}

QHash<int, QByteArray> ControllerModel::roleNames() const {
    return {{ControllerIdRole, "controllerId"},
            {AddressRole, "address"},
            {UpRole, "up"},
            {RaftRoleRole, "raftRole"},
            {ActiveRole, "active"},
            {EpochRole, "epoch"},
            {LeaderRole, "leader"},
            {VotedForRole, "votedFor"},
            {LogEndOffsetRole, "logEndOffset"},
            {HighWatermarkRole, "highWatermark"},
            {AppliedOffsetRole, "appliedOffset"},
            {FetchOffsetRole, "fetchOffset"},
            {LagRole, "lag"},
            {QuorumLogEndRole, "quorumLogEnd"},
            {ElectionTimeoutRole, "electionTimeoutMs"},
            {FetchTimeoutRole, "fetchTimeoutMs"},
            {FrozenRole, "frozen"}};
}

std::vector<ControllerRow> ControllerModel::rows_from(
    const std::vector<Node>& nodes,
    const std::vector<std::shared_ptr<const ControllerSnapshot>>& snapshots) {
    std::map<int, const ControllerSnapshot*> by_id;
    for (const auto& s : snapshots) {
        if (s) by_id[s->id] = s.get();
    }

    // The leader that speaks for the quorum: the one serving as active controller in the newest
    // epoch (a leader cut off from the others may still think it leads an older one).
    const ControllerSnapshot* leader = nullptr;
    for (const auto& n : nodes) {
        auto it = by_id.find(n.id);
        if (!n.running || it == by_id.end() || !it->second->up) continue;
        const auto* s = it->second;
        if (s->role != "leader") continue;
        if (!leader || s->epoch > leader->epoch ||
            (s->epoch == leader->epoch && s->active && !leader->active)) {
            leader = s;
        }
    }

    std::vector<ControllerRow> rows;
    qint64 quorum_end = 0;
    for (const auto& n : nodes) {
        ControllerRow r;
        r.id = n.id;
        r.address = n.host + ":" + QString::number(n.port);
        r.up = n.running;
        r.frozen = n.running && n.frozen;
        auto it = by_id.find(n.id);
        const ControllerSnapshot* s =
            (n.running && it != by_id.end() && it->second->up) ? it->second : nullptr;
        if (!n.running) {
            r.role = "down";
        } else if (!s) {
            r.role = "starting";
        }
        if (it != by_id.end()) {
            // Numbers from the last snapshot stay on a killed controller's card (its log and
            // vote are on disk); its role does not.
            const auto* last = it->second;
            r.epoch = last->epoch;
            r.voted_for = last->voted_for;
            r.log_end_offset = last->log_end_offset;
            r.high_watermark = last->high_watermark;
            r.applied_offset = last->applied_offset;
            r.election_timeout_ms = last->election_timeout_ms;
            r.fetch_timeout_ms = last->fetch_timeout_ms;
        }
        if (s) {
            r.role = QString::fromStdString(s->role);
            r.active = s == leader && s->active;
            r.leader = s->leader;
            quorum_end = std::max<qint64>(quorum_end, s->log_end_offset);
        }
        if (leader && s != leader) {
            for (const auto& f : leader->followers) {
                if (f.id != n.id) continue;
                r.fetch_offset = f.fetch_offset;
                if (f.fetch_offset >= 0)
                    r.lag = std::max<qint64>(0, leader->log_end_offset - f.fetch_offset);
            }
        }
        rows.push_back(std::move(r));
    }
    for (auto& r : rows)
        r.quorum_log_end = std::max(quorum_end, r.log_end_offset);
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return rows;
}

void ControllerModel::update(std::vector<ControllerRow> rows) {
    sync(rows_, std::move(rows), [](const ControllerRow& r) { return r.id; });
    int active = -1;
    int epoch = 0;
    int running = 0;
    for (const auto& r : rows_) {
        if (r.active) active = r.id;
        if (r.up) {
            ++running;
            epoch = std::max(epoch, r.epoch);
        }
    }
    if (active != active_id_ || epoch != epoch_ || running != running_) {
        active_id_ = active;
        epoch_ = epoch;
        running_ = running;
        emit summaryChanged();
    }
}
