#include "event_model.h"

#include "lab_time_text.h"

using kraftlab::core::EventKind;

EventModel::EventModel(std::size_t capacity, QObject* parent)
    : QAbstractListModel(parent), capacity_(capacity) {}

int EventModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant EventModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case ExplainRole:
            return r.explain;
        case CountRole:
            return r.count;
        case TimeRole:
            return r.time;
        case TimeMsRole:
            return r.time_ms;
        case WallTimeRole:
            return r.wall_time;
        case KindRole:
            return r.kind;
        case GroupRole:
            return r.group;
        case SeverityRole:
            return r.severity;
        case IconRole:
            return r.icon;
        case NodeRole:
            return r.node;
        case TopicRole:
            return r.topic;
        case PartitionRole:
            return r.partition;
        default:
            return {};
    }
}

QHash<int, QByteArray> EventModel::roleNames() const {
    return {{TimeRole, "time"},           {TimeMsRole, "timeMs"},   {WallTimeRole, "wallTime"},
            {KindRole, "kind"},           {GroupRole, "group"},     {SeverityRole, "severity"},
            {IconRole, "icon"},           {NodeRole, "node"},       {TopicRole, "topic"},
            {PartitionRole, "partition"}, {ExplainRole, "explain"}, {CountRole, "count"}};
}

QString EventModel::group_of(EventKind kind) {
    switch (kind) {
        case EventKind::LabReady:
        case EventKind::LabStopped:
        case EventKind::LabPaused:
        case EventKind::LabResumed:
        case EventKind::LabSpeedChanged:
        case EventKind::LabStepped:
        case EventKind::NodeFrozen:
        case EventKind::NodeThawed:
        case EventKind::NetworkChanged:
        case EventKind::NodeStarted:
        case EventKind::NodeKilled:
        case EventKind::NodeRestarted:
        case EventKind::NodeFailed:
        case EventKind::BrokerRegistered:
        case EventKind::BrokerFenced:
        case EventKind::BrokerUnfenced:
            return "cluster";
        case EventKind::TopicCreated:
        case EventKind::TopicDeleted:
        case EventKind::TopicConfigChanged:
        case EventKind::LeaderChanged:
        case EventKind::PartitionOffline:
            return "topics";
        case EventKind::LogRecovered:
        case EventKind::Throughput:
            return "data";
        case EventKind::ProducerStarted:
        case EventKind::ProducerChanged:
        case EventKind::ProducerStopped:
        case EventKind::ProducerError:
        case EventKind::ConsumerStarted:
        case EventKind::ConsumerStopped:
        case EventKind::ConsumerError:
        case EventKind::ClientRejected:
        case EventKind::GroupChanged:
        case EventKind::CoordinatorChanged:
            return "clients";
        case EventKind::CommandFailed:
        case EventKind::SettingsChanged:
            return "cluster";
        case EventKind::ElectionStarted:
        case EventKind::VoteCast:
        case EventKind::VoteRefused:
        case EventKind::ControllerElected:
        case EventKind::ControllerResigned:
        case EventKind::QuorumChanged:
        case EventKind::MetadataTruncated:
            return "quorum";
        case EventKind::IsrShrunk:
        case EventKind::IsrExpanded:
        case EventKind::ReplicaTruncated:
        case EventKind::UncleanElection:
        case EventKind::RecordsLost:
        case EventKind::RecordsDeleted:
        case EventKind::ReassignmentChanged:
        case EventKind::AuditFinished:
            return "replication";
    }
    return "cluster";
}

QString EventModel::severity_of(EventKind kind) {
    switch (kind) {
        case EventKind::NodeKilled:
        case EventKind::BrokerFenced:
        case EventKind::PartitionOffline:
        case EventKind::ClientRejected:
        case EventKind::ProducerError:
        case EventKind::ConsumerError:
        case EventKind::ControllerResigned:
        case EventKind::MetadataTruncated:
        case EventKind::IsrShrunk:
        // A frozen node stops answering while the others go on: sessions and fetches time out.
        case EventKind::NodeFrozen:
        // Links cut, delayed or lossy: the failures a network gives a cluster.
        case EventKind::NetworkChanged:
            return "warning";
        case EventKind::NodeFailed:
        case EventKind::CommandFailed:
        // Data is gone or was overwritten: what acks and the ISR exist to prevent.
        case EventKind::ReplicaTruncated:
        case EventKind::UncleanElection:
        case EventKind::RecordsLost:
            return "error";
        case EventKind::IsrExpanded:
        case EventKind::NodeThawed:
            return "good";
        default:
            return "info";
    }
}

QString EventModel::icon_of(EventKind kind) {
    switch (kind) {
        case EventKind::LeaderChanged:
            return "♛";
        case EventKind::IsrShrunk:
            return "⊖";
        case EventKind::IsrExpanded:
            return "⊕";
        case EventKind::ReplicaTruncated:
            return "✂";
        case EventKind::UncleanElection:
            return "⚠";
        case EventKind::RecordsLost:
            return "✗";
        case EventKind::RecordsDeleted:
            return "⌫";
        case EventKind::ReassignmentChanged:
            return "⇄";
        case EventKind::AuditFinished:
            return "⚖";
        case EventKind::NetworkChanged:
            return "⚡";
        // Lab time: the transport bar's own glyphs.
        case EventKind::LabPaused:
            return "▮▮";
        case EventKind::LabResumed:
            return "▶";
        case EventKind::LabStepped:
            return "▶|";
        case EventKind::NodeFrozen:
            return "❄";
        default:
            return {};
    }
}

bool EventModel::folds(EventKind kind) {
    switch (kind) {
        case EventKind::IsrShrunk:
        case EventKind::IsrExpanded:
        case EventKind::ReplicaTruncated:
        case EventKind::LeaderChanged:
        case EventKind::PartitionOffline:
        case EventKind::UncleanElection:
        case EventKind::RecordsLost:
        case EventKind::LogRecovered:
        case EventKind::ProducerError:
        case EventKind::ConsumerError:
        case EventKind::ClientRejected:
            return true;
        default:
            return false;
    }
}

void EventModel::fold(Row& into, Row&& next) {
    into.count += next.count;
    into.first_time_ms = std::min(into.first_time_ms, next.first_time_ms);
    into.time_ms = next.time_ms;
    into.time = next.time;
    into.wall_time = next.wall_time;
    into.latest = next.latest;
    into.topic = next.topic;
    into.partition = next.partition;
    into.partitions.unite(next.partitions);
    const double span_s = static_cast<double>(into.time_ms - into.first_time_ms) / 1000.0;
    QString what = QString("%1 × %2 in %3 s")
                       .arg(QString(into.kind).replace('_', ' '))
                       .arg(into.count)
                       .arg(span_s, 0, 'f', 1);
    if (into.partitions.size() > 1) what += QString(", %1 partitions").arg(into.partitions.size());
    into.explain = what + " · latest: " + into.latest;
}

void EventModel::append(const std::vector<kraftlab::core::Event>& events) {
    if (events.empty()) return;
    // Only the newest `capacity_` of this batch can ever be shown.
    const std::size_t take = std::min(events.size(), capacity_);
    std::vector<Row> fresh;
    fresh.reserve(take);
    bool new_node = false;
    for (std::size_t i = events.size() - take; i < events.size(); ++i) {
        const auto& e = events[i];
        Row r;
        r.time_ms = e.time_ms;
        r.time = lab_time_text(e.lab_ms);
        r.wall_time = QDateTime::fromMSecsSinceEpoch(e.time_ms).toString("HH:mm:ss.zzz");
        r.kind = QString::fromUtf8(kraftlab::core::event_kind_name(e.kind));
        r.group = group_of(e.kind);
        r.severity = severity_of(e.kind);
        r.icon = icon_of(e.kind);
        r.node = QString::fromStdString(e.node.label());
        r.topic = QString::fromStdString(e.topic);
        r.partition = e.partition;
        r.explain = QString::fromStdString(e.explain);
        r.latest = r.explain;
        r.first_time_ms = r.time_ms;
        r.foldable = folds(e.kind);
        if (!r.topic.isEmpty() && r.partition >= 0)
            r.partitions.insert(r.topic + "-" + QString::number(r.partition));
        if (!nodes_.contains(r.node)) {
            nodes_.append(r.node);
            new_node = true;
        }
        // A repeat joins the newest line of its kind from its node, in this batch or on top.
        if (r.foldable) {
            auto same = [&](const Row& o) {
                return o.foldable && o.kind == r.kind && o.node == r.node &&
                       r.time_ms - o.time_ms <= kFoldWindowMs;
            };
            auto in_batch = std::find_if(fresh.rbegin(), fresh.rend(), same);
            if (in_batch != fresh.rend()) {
                fold(*in_batch, std::move(r));
                continue;
            }
            constexpr std::size_t kLookBack = 16;
            for (std::size_t j = 0; j < std::min(kLookBack, rows_.size()); ++j) {
                if (!same(rows_[j])) continue;
                Row earlier = std::move(rows_[j]);
                beginRemoveRows({}, static_cast<int>(j), static_cast<int>(j));
                rows_.erase(rows_.begin() + static_cast<long>(j));
                endRemoveRows();
                fold(earlier, std::move(r));
                r = std::move(earlier);
                break;
            }
        }
        fresh.push_back(std::move(r));
    }
    // Drop from the bottom first so that the model never holds more than capacity_.
    const std::size_t keep = capacity_ - std::min(capacity_, fresh.size());
    if (rows_.size() > keep) {
        beginRemoveRows({}, static_cast<int>(keep), static_cast<int>(rows_.size()) - 1);
        rows_.resize(keep);
        endRemoveRows();
    }
    if (fresh.empty()) return;
    beginInsertRows({}, 0, static_cast<int>(fresh.size()) - 1);
    for (auto& r : fresh)
        rows_.push_front(std::move(r));  // newest ends up first
    endInsertRows();
    emit countChanged();
    if (new_node) {
        nodes_.sort();
        emit nodesChanged();
    }
}

void EventModel::clear() {
    beginResetModel();
    rows_.clear();
    endResetModel();
    emit countChanged();
}

QStringList EventModel::nodes() const {
    return nodes_;
}

// ---------------------------------------------------------------------------------------------

EventFilterModel::EventFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {}

void EventFilterModel::setNode(const QString& node) {
    if (node == node_) return;
    node_ = node;
    invalidateFilter();
    emit nodeChanged();
}

void EventFilterModel::setGroup(const QString& group) {
    if (group == group_) return;
    group_ = group;
    invalidateFilter();
    emit groupChanged();
}

void EventFilterModel::setText(const QString& text) {
    if (text == text_) return;
    text_ = text;
    invalidateFilter();
    emit textChanged();
}

bool EventFilterModel::filterAcceptsRow(int row, const QModelIndex& parent) const {
    const QModelIndex i = sourceModel()->index(row, 0, parent);
    if (!node_.isEmpty() && i.data(EventModel::NodeRole).toString() != node_) return false;
    if (!group_.isEmpty()) {
        if (group_ == "problems") {
            const QString severity = i.data(EventModel::SeverityRole).toString();
            if (severity != "warning" && severity != "error") return false;
        } else if (i.data(EventModel::GroupRole).toString() != group_) {
            return false;
        }
    }
    if (!text_.isEmpty() &&
        !i.data(EventModel::ExplainRole).toString().contains(text_, Qt::CaseInsensitive)) {
        return false;
    }
    return true;
}
