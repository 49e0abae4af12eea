#include "replica_lane_model.h"

#include <QDateTime>
#include <QRegularExpression>
#include <algorithm>
#include <set>

using kraftlab::core::BrokerSnapshot;
using kraftlab::core::ConsumerSnapshot;
using kraftlab::core::PartitionSnapshot;
using kraftlab::core::ProducerSnapshot;

namespace {

// "broker 4", "brokers 2, 3 and 4".
QString brokers_text(const std::vector<std::int32_t>& ids) {
    QString s;
    for (std::size_t i = 0; i < ids.size(); ++i)
        s += (i == 0 ? "" : i + 1 == ids.size() ? " and " : ", ") + QString::number(ids[i]);
    return (ids.size() == 1 ? "broker " : "brokers ") + s;
}

// "512 B", "48 KB", "3.2 MB".
QString bytes_text(qint64 bytes) {
    if (bytes < 1024) return QString("%1 B").arg(bytes);
    if (bytes < 1024 * 1024) return QString("%1 KB").arg(qRound(bytes / 1024.0));
    return QString("%1 MB").arg(bytes / (1024.0 * 1024.0), 0, 'f', 1);
}

QVariantList id_list(const std::vector<std::int32_t>& ids) {
    QVariantList out;
    for (auto id : ids)
        out << id;
    return out;
}

bool contains(const std::vector<std::int32_t>& ids, int id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// What the leader's last ISR change says of this broker: "left" with the why ("not caught up for
// 3.2 s > replica.lag.time.max.ms 3.0 s"), "rejoined", or nothing when it names another broker.
// A change may name several ("broker 2 left ...; broker 3 left ...").
struct IsrChangeOf {
    enum Kind { None, Left, Rejoined } kind = None;
    QString why;      // after "...: ", for Left
    QString refused;  // "the controller refused: ...", when it did
};

IsrChangeOf isr_change_of(const std::string& text, int broker) {
    IsrChangeOf out;
    QString all = QString::fromStdString(text);
    static const QRegularExpression refusal(" \\(the controller refused: (.*)\\)$");
    if (auto m = refusal.match(all); m.hasMatch()) {
        out.refused = "the controller refused: " + m.captured(1);
        all = all.left(m.capturedStart());
    }
    const QString prefix = QString("broker %1 ").arg(broker);
    for (const QString& part : all.split("; ")) {
        if (!part.startsWith(prefix)) continue;
        if (part.mid(prefix.size()).startsWith("left the ISR")) {
            out.kind = IsrChangeOf::Left;
            const auto colon = part.indexOf(": ");
            out.why = colon >= 0 ? part.mid(colon + 2) : part;
        } else if (part.mid(prefix.size()).startsWith("rejoined the ISR")) {
            out.kind = IsrChangeOf::Rejoined;
        }
    }
    if (out.kind == IsrChangeOf::None) out.refused.clear();
    return out;
}

QString acks_text(int acks) {
    if (acks == -1) return "acks=all";
    if (acks >= 2) return QString("acks=%1 (lab)").arg(acks);
    return QString("acks=%1").arg(acks);
}

QString id_words(const std::vector<int>& ids) {
    QStringList out;
    for (int id : ids)
        out << QString::number(id);
    return out.join(", ");
}

// One line per running built-in producer of the topic, with its hops to the leader; brokers
// forwarding (grown within the last seconds) are named, those without a replica marked.
QStringList writers_of(const QString& topic, int leader,
                       const std::vector<std::shared_ptr<const ProducerSnapshot>>& producers,
                       const std::vector<int>& forwarding_now, const std::set<int>& lane_ids) {
    QStringList lines;
    if (topic.isEmpty()) return lines;
    const std::string name = topic.toStdString();
    const QString to_leader = leader >= 0 ? QString("♛ %1").arg(leader) : QString("no leader");
    std::vector<int> forwarders;
    bool outside = false;
    for (int id : forwarding_now) {
        if (id == leader) continue;
        forwarders.push_back(id);
        outside = outside || !lane_ids.count(id);
    }
    bool any_route = false;
    for (const auto& p : producers) {
        if (!p || p->topic != name || !p->running) continue;
        QString line = QString("Producer %1 · %2").arg(p->id).arg(acks_text(p->acks));
        if (p->route == "any broker") {
            any_route = true;
            line += " → any broker";
            if (!forwarders.empty()) {
                line += QString(" → %1 %2 forward%3")
                            .arg(forwarders.size() == 1 ? "broker" : "brokers",
                                 id_words(forwarders), forwarders.size() == 1 ? "s" : "");
            }
            line += " → " + to_leader;
        } else {
            line += " → " + to_leader + " (direct)";
        }
        lines << line;
    }
    if (!any_route && !forwarders.empty()) {
        lines << QString("forwarded to %1 by %2").arg(to_leader, id_words(forwarders));
    }
    if (outside) {
        std::vector<int> without;
        for (int id : forwarders) {
            if (!lane_ids.count(id)) without.push_back(id);
        }
        lines << QString("broker%1 %2 hold%3 no replica of it, but forward%3 its records")
                     .arg(without.size() == 1 ? "" : "s", id_words(without),
                          without.size() == 1 ? "s" : "");
    }
    return lines;
}

}  // namespace

QString ReplicaLaneModel::seconds(qint64 ms) {
    if (ms % 1000 == 0) return QString::number(ms / 1000) + " s";
    return QString::number(static_cast<double>(ms) / 1000.0, 'f', 1) + " s";
}

int ReplicaLaneModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int ReplicaLaneModel::leaderRow() const {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].leader) return static_cast<int>(i);
    }
    return -1;
}

QVariant ReplicaLaneModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReplicaLaneRow& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return QString("broker %1: %2").arg(r.broker).arg(r.state);
        case BrokerIdRole:
            return r.broker;
        case UpRole:
            return r.up;
        case ReportedRole:
            return r.reported;
        case IsLeaderRole:
            return r.leader;
        case InIsrRole:
            return r.in_isr;
        case StateRole:
            return r.state;
        case ReasonRole:
            return r.reason;
        case ErrorRole:
            return r.error;
        case LogStartOffsetRole:
            return r.log_start_offset;
        case LogEndOffsetRole:
            return r.log_end_offset;
        case HighWatermarkRole:
            return r.high_watermark;
        case FlushedOffsetRole:
            return r.flushed_offset;
        case LeaderEpochRole:
            return r.leader_epoch;
        case LagRole:
            return r.lag;
        case FetchAgeRole:
            return r.fetch_age_ms;
        case FetchesTotalRole:
            return r.fetches_total;
        case FetchSeqRole:
            return r.fetch_seq;
        case ForwardedTotalRole:
            return r.forwarded_total;
        case ForwardSeqRole:
            return r.forward_seq;
        case FrozenRole:
            return r.frozen;
        case DivergedRole:
            return r.diverged;
        case MoveRole:
            return r.move;
        case CopyRateRole:
            return r.copy_rate;
        case BytesBehindRole:
            return static_cast<double>(r.bytes_behind);
        default:
            return {};
    }
}

QHash<int, QByteArray> ReplicaLaneModel::roleNames() const {
    return {{BrokerIdRole, "brokerId"},
            {UpRole, "up"},
            {ReportedRole, "reported"},
            {IsLeaderRole, "isLeader"},
            {InIsrRole, "inIsr"},
            {StateRole, "replicaState"},
            {ReasonRole, "reason"},
            {ErrorRole, "fetchError"},
            {LogStartOffsetRole, "logStartOffset"},
            {LogEndOffsetRole, "logEndOffset"},
            {HighWatermarkRole, "highWatermark"},
            {FlushedOffsetRole, "flushedOffset"},
            {LeaderEpochRole, "leaderEpoch"},
            {LagRole, "lag"},
            {FetchAgeRole, "fetchAgeMs"},
            {FetchesTotalRole, "fetchesTotal"},
            {FetchSeqRole, "fetchSeq"},
            {ForwardedTotalRole, "forwardedTotal"},
            {ForwardSeqRole, "forwardSeq"},
            {FrozenRole, "frozen"},
            {DivergedRole, "diverged"},
            {MoveRole, "move"},
            {CopyRateRole, "copyRate"},
            {BytesBehindRole, "bytesBehind"}};
}

void ReplicaLaneModel::update(
    const QString& topic, int partition, const Metadata& meta,
    const std::vector<std::shared_ptr<const BrokerSnapshot>>& brokers,
    const std::vector<std::shared_ptr<const ProducerSnapshot>>& producers) {
    Sources sources;
    for (const auto& b : brokers)
        sources.brokers[b->id] = {b};
    sources.producers = producers;
    sources.cut = false;  // one moment, as the caller says
    update(topic, partition, meta, sources);
}

void ReplicaLaneModel::update(const QString& topic, int partition, const Metadata& meta,
                              const Sources& sources) {
    const bool selection_changed = topic != topic_ || partition != partition_;
    if (selection_changed) {
        shown_brokers_.clear();
        shown_consumers_.clear();
        cut_leader_.reset();
        fetches_seen_.clear();
        forwards_seen_.clear();
        forwarded_at_ms_.clear();
        consumers_seen_.clear();
        produce_seen_ = {};
    }
    topic_ = topic;
    partition_ = partition;
    const std::string name = topic.toStdString();
    const bool selected = !topic.isEmpty() && partition >= 0;

    // Each broker's own replica of the partition, with its broker.
    struct Replica {
        const BrokerSnapshot* broker;
        const PartitionSnapshot* p;
    };
    auto replica_in =
        [&](const std::shared_ptr<const BrokerSnapshot>& s) -> const PartitionSnapshot* {
        for (const auto& p : s->partitions) {
            if (p.topic == name && p.partition == partition) return &p;
        }
        return nullptr;
    };

    // Who leads: the metadata image says so when it knows the topic; else the live broker that
    // claims it in the highest leader epoch (in its newest snapshot).
    int leader = -1;
    const auto& mp = meta.partition;
    if (mp) {
        leader = mp->leader;
    } else if (selected) {
        int best_epoch = -1;
        for (const auto& [id, history] : sources.brokers) {
            if (history.empty()) continue;
            const auto* p = replica_in(history.back());
            if (p && history.back()->up && p->is_leader && p->leader_epoch > best_epoch) {
                leader = id;
                best_epoch = p->leader_epoch;
            }
        }
    }

    // THE CONSISTENT CUT. Each node publishes its snapshot at its own moment, so the newest
    // snapshots of a leader and a follower side by side can show the follower ahead (it fetched
    // after the leader's snapshot was taken): a state that never was, and the opposite of the
    // lesson. So the leader's newest snapshot is the reference, and every other replica and
    // every consumer of the partition is shown as of its newest snapshot read wholly before the
    // leader's began (seq_end < the leader's seq_begin; see core/snapshots.h). A follower holds
    // only what its leader had appended earlier and learns the high watermark from it, and a
    // consumer reads only below it, so in one leader epoch such a cut never has a follower's log
    // end or high watermark above the leader's, nor a consumer past the leader's high watermark.
    // Candidates are the board's kept snapshots and the one this model showed last (it was
    // before an earlier reference, so before this one too); a node with none is left out of
    // this frame rather than drawn ahead. Without a live leader snapshot every node is shown as
    // of its newest. This is the one place the cut is made.
    std::shared_ptr<const BrokerSnapshot> leader_snapshot;
    if (auto it = sources.brokers.find(leader);
        selected && sources.cut && it != sources.brokers.end() && !it->second.empty() &&
        it->second.back()->up && replica_in(it->second.back())) {
        leader_snapshot = it->second.back();
    }
    if (leader_snapshot && (!cut_leader_ || cut_leader_->id != leader_snapshot->id)) {
        shown_brokers_.clear();  // another leader: what was shown against the old one goes
        shown_consumers_.clear();
    }
    cut_leader_ = leader_snapshot;
    const std::uint64_t cut_seq = leader_snapshot ? leader_snapshot->seq_begin : 0;
    auto before_cut = [&](const auto& history, const auto& last_shown) {
        using Ptr = std::decay_t<decltype(history.back())>;
        if (history.empty()) return Ptr{};
        if (!leader_snapshot) return history.back();
        for (auto it = history.rbegin(); it != history.rend(); ++it) {
            if ((*it)->seq_end < cut_seq) return *it;
        }
        return last_shown && last_shown->seq_end < cut_seq ? last_shown : Ptr{};
    };
    auto last_of = [](const auto& shown, int id) {
        auto it = shown.find(id);
        return it == shown.end() ? nullptr : it->second;
    };

    std::map<int, std::shared_ptr<const BrokerSnapshot>> shown;  // the cut, by broker
    std::map<int, Replica> replicas;
    if (selected) {
        for (const auto& [id, history] : sources.brokers) {
            auto s = id == leader && leader_snapshot
                         ? leader_snapshot
                         : before_cut(history, last_of(shown_brokers_, id));
            // A broker that went down is shown as it was when it died.
            if (!history.empty() && !history.back()->up) s = history.back();
            if (!s) continue;
            shown[id] = s;
            if (const auto* p = replica_in(s)) replicas[id] = {s.get(), p};
        }
    }
    shown_brokers_ = shown;
    std::vector<std::shared_ptr<const BrokerSnapshot>> brokers;
    for (const auto& [id, s] : shown)
        brokers.push_back(s);

    // Produce requests for the partition that each broker forwarded to its leader, and whether
    // that grew since the last update (then the broker counts as forwarding for a few seconds).
    const qint64 now_ms =
        sources.now_ms >= 0 ? sources.now_ms : QDateTime::currentMSecsSinceEpoch();
    std::map<int, std::uint64_t> forwarded;
    if (selected) {
        for (const auto& s : brokers) {
            for (const auto& f : s->forwarded) {
                if (f.topic == name && f.partition == partition)
                    forwarded[s->id] = f.requests_total;
            }
        }
    }
    std::map<int, std::pair<std::uint64_t, int>> forwards_next;
    for (const auto& [id, total] : forwarded) {
        auto seen = forwards_seen_.find(id);
        int seq = seen != forwards_seen_.end() ? seen->second.second : 0;
        if (seen != forwards_seen_.end() && total > seen->second.first) {
            ++seq;
            forwarded_at_ms_[id] = now_ms;
        }
        forwards_next[id] = {total, seq};
    }
    forwards_seen_ = std::move(forwards_next);
    constexpr qint64 kForwardingRecentlyMs = 3000;
    std::vector<int> forwarding_now;
    for (const auto& [id, at] : forwarded_at_ms_) {
        if (now_ms - at <= kForwardingRecentlyMs) forwarding_now.push_back(id);
    }

    const auto leader_it = replicas.find(leader);
    const PartitionSnapshot* lp = leader_it != replicas.end() ? leader_it->second.p : nullptr;
    const BrokerSnapshot* lb = leader_it != replicas.end() ? leader_it->second.broker : nullptr;

    // The replica set and the ISR: as the leader reports them (fresher, and with its own view of
    // a pending change), else as the metadata image says, else as any replica reports them.
    auto pick = [&](auto field) -> std::vector<std::int32_t> {
        if (lp && !(lp->*field).empty()) return lp->*field;
        if (mp) {
            const auto& from_meta = field == &PartitionSnapshot::isr ? mp->isr : mp->replicas;
            if (!from_meta.empty()) return from_meta;
        }
        for (const auto& [id, r] : replicas) {
            if (!(r.p->*field).empty()) return r.p->*field;
        }
        return {};
    };
    const std::vector<std::int32_t> replica_ids = pick(&PartitionSnapshot::replicas);
    const std::vector<std::int32_t> isr = pick(&PartitionSnapshot::isr);
    // A move in progress: as the leader reports it with its replica set, else as the image says.
    const bool from_leader = lp && !lp->replicas.empty();
    const std::vector<std::int32_t> adding = from_leader ? lp->adding_replicas
                                             : mp        ? mp->adding_replicas
                                                         : std::vector<std::int32_t>{};
    const std::vector<std::int32_t> removing = from_leader ? lp->removing_replicas
                                               : mp        ? mp->removing_replicas
                                                           : std::vector<std::int32_t>{};
    std::map<int, CopySeen> copy_next;

    std::set<int> lane_ids(replica_ids.begin(), replica_ids.end());
    for (const auto& [id, r] : replicas)
        lane_ids.insert(id);

    const qint64 lag_max_ms = lb ? lb->replica_lag_time_max_ms : 0;
    const qint64 leader_leo = lp ? lp->log_end_offset : -1;

    std::vector<ReplicaLaneRow> next;
    std::map<int, Seen> seen_next;
    qint64 window_end = 0;
    for (int id : lane_ids) {
        ReplicaLaneRow row;
        row.broker = id;
        const auto it = replicas.find(id);
        const PartitionSnapshot* p = it != replicas.end() ? it->second.p : nullptr;
        row.up = p && it->second.broker->up;
        row.reported = p != nullptr;
        row.frozen = row.up && sources.frozen.count(id) > 0;
        row.leader = id == leader;
        row.in_isr = contains(isr, id);
        if (p) {
            row.log_start_offset = p->log_start_offset;
            row.log_end_offset = p->log_end_offset;
            row.high_watermark = p->high_watermark;
            row.flushed_offset = p->flushed_offset;
            row.leader_epoch = p->leader_epoch;
            row.error = QString::fromStdString(p->follower_error);
            window_end = std::max<qint64>(window_end, p->log_end_offset);
            if (!row.leader && leader_leo >= 0) {
                row.lag = std::max<qint64>(0, leader_leo - p->log_end_offset);
                // In one leader epoch the cut never shows a follower ahead; a replica from an
                // earlier epoch (a frozen or cut-off ex-leader) holds, truly, records past where
                // the leader's epoch began: its unreplicated tail, which it truncates when it
                // learns the new epoch. Exact when the leader's epoch follows the replica's (one
                // failover); with epochs between them the tail begins earlier, so this is a
                // lower bound. Without the leader's epoch start, its log end (it has appended
                // nothing in its epoch yet).
                if (lp && p->leader_epoch < lp->leader_epoch) {
                    const qint64 from =
                        lp->epoch_start_offset >= 0 ? lp->epoch_start_offset : leader_leo;
                    row.diverged = std::max<qint64>(0, p->log_end_offset - from);
                }
            }
        }
        if (row.leader) row.error.clear();  // a follower's error, from before it led

        // How the leader sees this follower.
        const PartitionSnapshot::Follower* f = nullptr;
        if (lp && !row.leader) {
            for (const auto& candidate : lp->followers) {
                if (candidate.id == id) f = &candidate;
            }
        }
        if (f) row.fetch_age_ms = f->fetch_age_ms;
        row.move = contains(adding, id)     ? QStringLiteral("adding")
                   : contains(removing, id) ? QStringLiteral("removing")
                                            : QString();
        if (row.move == "adding" && p) {
            // Its copy speed: records per second between samples at least half a second apart.
            CopySeen seen{p->log_end_offset, now_ms, 0};
            if (auto c = copy_seen_.find(id); c != copy_seen_.end()) {
                seen = c->second;
                const qint64 dt = now_ms - seen.at_ms;
                if (dt >= 500) {
                    const double rate = static_cast<double>(p->log_end_offset - seen.log_end) *
                                        1000.0 / static_cast<double>(dt);
                    seen = {p->log_end_offset, now_ms, std::max(0.0, rate)};
                }
            }
            copy_next[id] = seen;
            row.copy_rate = seen.rate;
            if (lp) {
                row.bytes_behind = std::max<qint64>(
                    0, static_cast<qint64>(lp->size_bytes) - static_cast<qint64>(p->size_bytes));
            }
        }

        if (!row.reported) {
            row.state = "no report";
        } else if (!row.up) {
            row.state = "down";
        } else if (row.frozen) {
            row.state = "frozen";
        } else if (row.leader) {
            row.state = "leader";
        } else {
            row.state = row.in_isr ? "in sync" : "out of sync";
        }

        // Why it is out of the ISR, in words that agree with its state: what holds it back now
        // (from the leader's view of it) before what the leader said when it dropped it.
        if (!row.leader && !row.in_isr) {
            const IsrChangeOf change =
                lp ? isr_change_of(lp->isr_change_reason, id) : IsrChangeOf{};
            if (!row.up) {
                row.reason = row.reported ? QString("broker %1 is down").arg(id)
                                          : QString("no report from broker %1 yet").arg(id);
            } else if (f && f->caught_up_age_ms >= 0 && lag_max_ms > 0 &&
                       f->caught_up_age_ms > lag_max_ms) {
                row.reason = QString("not caught up for %1 > replica.lag.time.max.ms %2")
                                 .arg(seconds(f->caught_up_age_ms), seconds(lag_max_ms));
            } else if (row.move == "adding" && row.up) {
                row.reason = row.lag == 0 && f
                                 ? QString("caught up: joining the ISR")
                                 : QString("copying the log: %1 records (%2) behind, %3/s")
                                       .arg(row.lag)
                                       .arg(bytes_text(row.bytes_behind))
                                       .arg(qRound(row.copy_rate));
            } else if (f && f->caught_up_age_ms < 0) {
                row.reason = f->fetch_age_ms < 0
                                 ? QString("has not fetched from leader %1 yet").arg(leader)
                                 : QString("catching up: %1 records behind leader %2")
                                       .arg(row.lag)
                                       .arg(leader);
            } else if (f) {
                if (change.kind == IsrChangeOf::Rejoined && !change.refused.isEmpty()) {
                    row.reason = "caught up, but " + change.refused;
                } else {
                    row.reason = lp->isr_change_pending || change.kind == IsrChangeOf::Rejoined
                                     ? QString("caught up: rejoining the ISR")
                                     : QString("caught up: the leader will add it back");
                }
            } else if (change.kind == IsrChangeOf::Left) {
                row.reason = change.why;
            } else {
                row.reason =
                    leader < 0 ? QString("the partition has no leader") : QString("not in the ISR");
            }
        }

        // Fetches: the leader's count of fetches it served this follower; if the leader does not
        // report the follower, the follower's own count of fetches it sent.
        if (!row.leader && p && row.up) {
            const bool from_leader = f != nullptr;
            const std::uint64_t total = from_leader ? f->fetches_total : p->fetches_to_leader_total;
            row.fetches_total = static_cast<qint64>(total);
            Seen seen{leader, from_leader, total, 0};
            if (auto s = fetches_seen_.find(id); s != fetches_seen_.end()) {
                seen.seq = s->second.seq;
                if (s->second.leader == leader && s->second.from_leader == from_leader &&
                    total > s->second.total) {
                    ++seen.seq;
                }
            }
            row.fetch_seq = seen.seq;
            seen_next[id] = seen;
        } else if (auto s = fetches_seen_.find(id); s != fetches_seen_.end()) {
            // Keep the sequence so that a lane coming back does not replay an old dot.
            row.fetch_seq = s->second.seq;
            seen_next[id] = {-1, true, 0, s->second.seq};
        }
        if (auto fw = forwards_seen_.find(id); fw != forwards_seen_.end() && !row.leader) {
            row.forwarded_total = static_cast<qint64>(fw->second.first);
            row.forward_seq = fw->second.second;
        }
        next.push_back(std::move(row));
    }
    fetches_seen_ = std::move(seen_next);
    copy_seen_ = std::move(copy_next);

    Summary s;
    s.leader = leader;
    s.leader_epoch = lp ? lp->leader_epoch : mp ? mp->leader_epoch : 0;
    s.partition_epoch = lp && lp->partition_epoch > 0 ? lp->partition_epoch
                        : mp                          ? mp->partition_epoch
                                                      : 0;
    s.high_watermark = lp ? lp->high_watermark : 0;
    s.window_end = window_end;
    s.leader_log_end = std::max<qint64>(0, leader_leo);
    s.replicas = id_list(replica_ids);
    s.isr = id_list(isr);
    s.min_insync = meta.config.min_insync_replicas;
    s.unclean = meta.config.unclean_leader_election;
    s.recovering = (lp ? lp->leader_recovery_state : mp ? mp->leader_recovery_state : 0) == 1;
    s.isr_change_pending = lp && lp->isr_change_pending;
    s.lag_max_ms = lag_max_ms;
    s.flush_interval_ms = lb ? lb->flush_interval_ms : 0;
    if (!adding.empty() || !removing.empty()) {
        std::vector<std::int32_t> target;
        for (auto id : replica_ids)
            if (!contains(removing, id)) target.push_back(id);
        s.move = "Moving to " + brokers_text(target);
        if (!adding.empty()) {
            s.move += QString(": %1 %2 the log from leader %3")
                          .arg(brokers_text(adding), adding.size() == 1 ? "copies" : "copy")
                          .arg(leader);
            if (!removing.empty())
                s.move +=
                    QString("; %1 %2 once %3 in sync")
                        .arg(brokers_text(removing), removing.size() == 1 ? "leaves" : "leave",
                             adding.size() == 1 ? "it is" : "they are");
        } else {
            s.move += QString(": %1 %2 once a remaining replica is in sync")
                          .arg(brokers_text(removing), removing.size() == 1 ? "leaves" : "leave");
        }
    }
    s.writers = writers_of(topic, leader, sources.producers, forwarding_now, lane_ids);

    // Records arriving at the leader: a step each time its log end grew (in one leadership), for
    // the view's producer -> leader tile, at most one in flight whatever the rate.
    if (lp) {
        if (produce_seen_.leader == leader && produce_seen_.epoch == lp->leader_epoch &&
            lp->log_end_offset > produce_seen_.log_end) {
            ++produce_seen_.seq;
        }
        produce_seen_ = {leader, lp->leader_epoch, lp->log_end_offset, produce_seen_.seq};
    }
    s.produce_seq = produce_seen_.seq;

    // The consumers of the partition as of the cut: where each reads next (never past the
    // leader's high watermark, which is all a leader serves them), and a step each time that
    // moved on, for the view's leader -> consumer tile.
    if (selected) {
        std::map<int, std::pair<qint64, int>> consumers_next;
        std::map<int, std::shared_ptr<const ConsumerSnapshot>> shown_next;
        for (const auto& [id, history] : sources.consumers) {
            const auto c = before_cut(history, last_of(shown_consumers_, id));
            if (c) shown_next[id] = c;
            if (!c || c->topic != name || !c->running) continue;
            for (const auto& cp : c->partitions) {
                if (cp.partition != partition || cp.position < 0) continue;
                int seq = 0;
                if (auto seen = consumers_seen_.find(id); seen != consumers_seen_.end()) {
                    seq = seen->second.second + (cp.position > seen->second.first ? 1 : 0);
                }
                consumers_next[id] = {cp.position, seq};
                s.consumers << QVariantMap{
                    {"id", id}, {"position", static_cast<double>(cp.position)}, {"seq", seq}};
            }
        }
        consumers_seen_ = std::move(consumers_next);
        shown_consumers_ = std::move(shown_next);
    }
    if (topic.isEmpty()) {
        s = Summary{};
    } else if (leader < 0) {
        s.warning = "No leader: writes and reads wait until a replica in the ISR returns" +
                    QString(s.unclean ? ", or an out-of-sync one is elected (unclean)." : ".");
    } else if (s.recovering) {
        s.warning =
            "Recovering after an unclean election: records only the old leader had are "
            "gone.";
    } else if (!isr.empty() && static_cast<int>(isr.size()) < s.min_insync) {
        s.warning = QString(
                        "ISR %1 < min.insync.replicas %2: acks=all writes are refused "
                        "(NOT_ENOUGH_REPLICAS); acks=1 still succeed.")
                        .arg(isr.size())
                        .arg(s.min_insync);
    }

    sync(rows_, std::move(next), [](const ReplicaLaneRow& r) { return r.broker; });
    if (!(s == summary_) || selection_changed) {
        summary_ = std::move(s);
        emit summaryChanged();
    }
}
