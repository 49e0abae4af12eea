#include "group_model.h"

#include <algorithm>
#include <set>

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// What a group event is about, for its mark on the timeline.
QString kind_of(const kraftlab::core::Event& e) {
    using kraftlab::core::EventKind;
    if (e.kind == EventKind::CoordinatorChanged) return "coordinator";
    const auto& text = e.explain;
    if (text.find(" joined") != std::string::npos) return "join";
    if (text.find("LeaveGroup") != std::string::npos) return "leave";
    if (text.find("no heartbeat") != std::string::npos || text.find("did not") != std::string::npos)
        return "expire";
    if (text.find("consuming again") != std::string::npos) return "stable";
    if (text.find("generation") != std::string::npos) return "generation";
    return "other";
}

}  // namespace

int GroupModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant GroupModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const GroupRow& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case GroupRole:
            return r.group;
        case StateRole:
            return r.state;
        case ProtocolRole:
            return r.protocol;
        case GenerationRole:
            return r.generation;
        case CoordinatorRole:
            return r.coordinator;
        case OffsetsPartitionRole:
            return r.offsets_partition;
        case LeaderRole:
            return r.leader;
        case RebalanceStartedRole:
            return r.rebalance_started_lab_ms;
        case MembersRole:
            return r.members;
        case PartitionsRole:
            return r.partitions;
        case TotalLagRole:
            return r.total_lag;
        case WithoutCommitRole:
            return r.without_commit;
        default:
            return {};
    }
}

QHash<int, QByteArray> GroupModel::roleNames() const {
    return {{GroupRole, "group"},
            {StateRole, "groupState"},
            {ProtocolRole, "protocol"},
            {GenerationRole, "generation"},
            {CoordinatorRole, "coordinator"},
            {OffsetsPartitionRole, "offsetsPartition"},
            {LeaderRole, "leader"},
            {RebalanceStartedRole, "rebalanceStartedLabMs"},
            {MembersRole, "members"},
            {PartitionsRole, "partitions"},
            {TotalLagRole, "totalLag"},
            {WithoutCommitRole, "withoutCommit"}};
}

void GroupModel::update(
    const std::vector<std::shared_ptr<const kraftlab::core::BrokerSnapshot>>& brokers,
    const Ends& ends) {
    std::vector<GroupRow> next;
    std::set<QString> seen;
    for (const auto& b : brokers) {
        if (!b || !b->up) continue;
        for (const auto& g : b->groups) {
            // Two brokers may both report a group for a moment while its coordinator moves: the
            // first kept (brokers come in id order) is shown.
            if (!seen.insert(q(g.group_id)).second) continue;
            GroupRow row;
            row.group = q(g.group_id);
            row.state = q(g.state);
            row.protocol = q(g.protocol);
            row.generation = g.generation;
            row.coordinator = b->id;
            row.offsets_partition = g.offsets_partition;
            row.leader = q(g.leader);
            row.rebalance_started_lab_ms = static_cast<double>(g.rebalance_started_lab_ms);
            std::map<std::pair<std::string, std::int32_t>, int> owner;
            std::set<std::string> topics;
            for (std::size_t i = 0; i < g.members.size(); ++i) {
                const auto& m = g.members[i];
                QStringList owns;
                for (const auto& [topic, partition] : m.assigned) {
                    owner[{topic, partition}] = static_cast<int>(i);
                    owns << q(topic) + "-" + QString::number(partition);
                    topics.insert(topic);
                }
                for (const auto& t : m.subscribed)
                    topics.insert(t);
                row.members << QVariantMap{{"memberId", q(m.member_id)},
                                           {"clientId", q(m.client_id)},
                                           {"host", q(m.client_host)},
                                           {"instanceId", q(m.group_instance_id)},
                                           {"colour", static_cast<int>(i)},
                                           {"owns", owns.join(", ")},
                                           {"ownsCount", static_cast<int>(owns.size())},
                                           {"leader", m.member_id == g.leader}};
            }
            std::map<std::pair<std::string, std::int32_t>, std::int64_t> committed;
            for (const auto& o : g.offsets) {
                committed[{o.topic, o.partition}] = o.offset;
                topics.insert(o.topic);
            }
            // Every partition of the topics it reads or has commits for, in order.
            for (auto it = ends.lower_bound({std::string(), 0}); it != ends.end(); ++it) {
                const auto& [tp, end] = *it;
                if (!topics.count(tp.first)) continue;
                const auto c = committed.find(tp);
                const auto o = owner.find(tp);
                const qint64 done = c == committed.end() ? -1 : c->second;
                const qint64 lag = done < 0 ? -1 : std::max<qint64>(0, end - done);
                if (done < 0) {
                    ++row.without_commit;
                } else {
                    row.total_lag += lag;
                }
                row.partitions << QVariantMap{{"topic", q(tp.first)},
                                              {"partition", tp.second},
                                              {"owner", o == owner.end() ? -1 : o->second},
                                              {"committed", done},
                                              {"end", static_cast<qint64>(end)},
                                              {"lag", lag}};
            }
            next.push_back(std::move(row));
        }
    }
    std::sort(next.begin(), next.end(),
              [](const GroupRow& a, const GroupRow& b) { return a.group < b.group; });
    sync(rows_, std::move(next), [](const GroupRow& r) { return r.group; });
    refresh_selection();
}

void GroupModel::add(const std::vector<kraftlab::core::Event>& events) {
    using kraftlab::core::EventKind;
    bool changed = false;
    for (const auto& e : events) {
        if (e.kind != EventKind::GroupChanged && e.kind != EventKind::CoordinatorChanged) continue;
        QVariantMap entry{
            {"labMs", static_cast<double>(e.lab_ms)}, {"text", q(e.explain)}, {"kind", kind_of(e)}};
        std::vector<QString> groups;
        if (e.kind == EventKind::GroupChanged && e.data.contains("group")) {
            groups.push_back(q(e.data["group"].get<std::string>()));
        } else if (e.kind == EventKind::CoordinatorChanged && e.data.contains("partition")) {
            // A coordinator move is part of the story of every group in that partition.
            const int partition = e.data["partition"].get<int>();
            for (const auto& r : rows_) {
                if (r.offsets_partition == partition) groups.push_back(r.group);
            }
        }
        for (const auto& g : groups) {
            auto& line = timelines_[g];
            line.push_front(entry);
            while (line.size() > kTimelineLength)
                line.pop_back();
            changed = changed || g == current_.value("group").toString();
        }
    }
    if (changed) emit timelineChanged();
}

void GroupModel::clear() {
    sync(rows_, {}, [](const GroupRow& r) { return r.group; });
    timelines_.clear();
    refresh_selection();
    emit timelineChanged();
}

void GroupModel::setSelected(const QString& group) {
    if (group == selected_) return;
    selected_ = group;
    emit selectedChanged();
    emit timelineChanged();
    refresh_selection();
}

QVariantList GroupModel::timeline() const {
    const QString g = current_.value("group").toString();
    QVariantList out;
    if (auto it = timelines_.find(g); it != timelines_.end()) {
        for (const auto& e : it->second)
            out << e;
    }
    return out;
}

void GroupModel::refresh_selection() {
    const GroupRow* row = nullptr;
    for (const auto& r : rows_) {
        if (r.group == selected_) row = &r;
    }
    if (!row && !rows_.empty()) row = &rows_.front();
    QVariantMap current;
    if (row) {
        const int i = static_cast<int>(row - rows_.data());
        const auto roles = roleNames();
        for (auto it = roles.cbegin(); it != roles.cend(); ++it)
            current[QString::fromUtf8(it.value())] = data(index(i), it.key());
    }
    if (current != current_) {
        const bool other = current.value("group") != current_.value("group");
        current_ = std::move(current);
        emit currentChanged();
        if (other) emit timelineChanged();
    }
    QVariantMap owners, committed;
    if (row) {
        for (const auto& v : row->partitions) {
            const auto p = v.toMap();
            const QString key = p["topic"].toString() + "/" + p["partition"].toString();
            if (p["owner"].toInt() >= 0) owners[key] = p["owner"];
            if (p["committed"].toLongLong() >= 0) committed[key] = p["committed"];
        }
    }
    if (owners != owners_ || committed != committed_) {
        owners_ = std::move(owners);
        committed_ = std::move(committed);
        emit ownersChanged();
    }
}
