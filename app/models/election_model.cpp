#include "election_model.h"

#include <algorithm>

#include "lab_time_text.h"

using kraftlab::core::Event;
using kraftlab::core::EventKind;

namespace {

int int_of(const nlohmann::json& data, const char* key, int fallback = -1) {
    auto it = data.find(key);
    if (it == data.end() || !it->is_number_integer()) return fallback;
    return it->get<int>();
}

QString string_of(const nlohmann::json& data, const char* key) {
    auto it = data.find(key);
    if (it == data.end() || !it->is_string()) return {};
    return QString::fromStdString(it->get<std::string>());
}

QString join_ids(const std::vector<int>& ids, const QString& last_separator) {
    QString out;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) out += i + 1 == ids.size() ? last_separator : QString(", ");
        out += QString::number(ids[i]);
    }
    return out;
}

}  // namespace

ElectionTimelineModel::ElectionTimelineModel(std::size_t capacity, QObject* parent)
    : RowListModel(parent), capacity_(std::max<std::size_t>(1, capacity)) {}

int ElectionTimelineModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ElectionTimelineModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ElectionRow& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case SummaryRole:
            return r.summary;
        case EpochRole:
            return r.epoch;
        case StartMsRole:
            return r.start_ms;
        case StartTimeRole:
            return lab_time_text(r.start_ms);
        case EndMsRole:
            return r.end_ms;
        case DurationMsRole:
            return r.duration_ms();
        case OutcomeRole:
            return r.outcome;
        case WinnerRole:
            return r.winner;
        case ReasonRole:
            return r.reason;
        case CandidatesRole:
            return r.candidates;
        case VotesRole:
            return r.votes;
        case ElectedByRole:
            return r.elected_by;
        default:
            return {};
    }
}

QHash<int, QByteArray> ElectionTimelineModel::roleNames() const {
    return {{EpochRole, "epoch"},   {StartMsRole, "startMs"},       {StartTimeRole, "startTime"},
            {EndMsRole, "endMs"},   {DurationMsRole, "durationMs"}, {OutcomeRole, "outcome"},
            {WinnerRole, "winner"}, {ReasonRole, "reason"},         {CandidatesRole, "candidates"},
            {VotesRole, "votes"},   {ElectedByRole, "electedBy"},   {SummaryRole, "summary"}};
}

const ElectionRow* ElectionTimelineModel::election(int epoch) const {
    for (const auto& r : rows_) {
        if (r.epoch == epoch) return &r;
    }
    return nullptr;
}

ElectionTimelineModel::Election* ElectionTimelineModel::at(int epoch, qint64 time_ms) {
    if (epoch < 0) return nullptr;
    if (auto it = elections_.find(epoch); it != elections_.end()) return &it->second;
    if (elections_.size() >= capacity_ && epoch < elections_.begin()->first) return nullptr;
    Election& e = elections_[epoch];
    e.epoch = epoch;
    e.start_ms = time_ms;
    // A higher epoch has begun: every older election still running ended without a winner.
    for (auto& [other_epoch, other] : elections_) {
        if (other_epoch >= epoch) break;
        if (other.winner < 0 && other.closed_by < 0) {
            other.closed_by = epoch;
            other.end_ms = std::max(other.start_ms, time_ms);
        }
    }
    while (elections_.size() > capacity_)
        elections_.erase(elections_.begin());
    return &e;
}

void ElectionTimelineModel::started(Election& e, qint64 time_ms) {
    // The first ElectionStarted of the epoch fixes the start (a vote may have been drained
    // before it: nodes publish from their own threads).
    if (!e.has_start || time_ms < e.start_ms) e.start_ms = time_ms;
    e.has_start = true;
    for (auto& [epoch, other] : elections_) {
        if (other.closed_by == e.epoch) other.end_ms = std::max(other.start_ms, e.start_ms);
    }
}

void ElectionTimelineModel::add_candidate(Election& e, int id, const QString& reason,
                                          qint64 time_ms) {
    if (id < 0) return;
    for (auto& c : e.candidates) {
        if (c.id == id) {
            if (c.reason.isEmpty()) c.reason = reason;
            return;
        }
    }
    e.candidates.push_back({id, reason, time_ms});
}

void ElectionTimelineModel::add(const std::vector<Event>& events) {
    bool touched = false;
    for (const auto& ev : events) {
        switch (ev.kind) {
            case EventKind::ElectionStarted: {
                const int epoch = int_of(ev.data, "epoch");
                Election* e = at(epoch, ev.lab_ms);
                if (!e) break;
                started(*e, ev.lab_ms);
                add_candidate(*e, int_of(ev.data, "candidate", ev.node.id),
                              string_of(ev.data, "reason"), ev.lab_ms);
                touched = true;
                break;
            }
            case EventKind::VoteCast:
            case EventKind::VoteRefused: {
                Election* e = at(int_of(ev.data, "epoch"), ev.lab_ms);
                if (!e) break;
                const bool granted = ev.kind == EventKind::VoteCast;
                const int voter = int_of(ev.data, "voter", ev.node.id);
                const int candidate = int_of(ev.data, "candidate");
                // A candidate asks again until it hears back: the same answer counts once.
                const bool repeat =
                    std::any_of(e->votes.begin(), e->votes.end(), [&](const Vote& v) {
                        return v.voter == voter && v.candidate == candidate && v.granted == granted;
                    });
                if (repeat) break;
                add_candidate(*e, candidate, {}, ev.lab_ms);
                e->votes.push_back(
                    {voter, candidate, granted, string_of(ev.data, "reason"), ev.lab_ms});
                touched = true;
                break;
            }
            case EventKind::ControllerElected: {
                Election* e = at(int_of(ev.data, "epoch"), ev.lab_ms);
                if (!e) break;
                const int winner = int_of(ev.data, "candidate", ev.node.id);
                add_candidate(*e, winner, {}, ev.lab_ms);
                e->winner = winner;
                e->end_ms = ev.lab_ms;
                e->closed_by = -1;
                e->elected_by.clear();
                if (auto it = ev.data.find("votes"); it != ev.data.end() && it->is_array()) {
                    for (const auto& v : *it) {
                        if (v.is_number_integer()) e->elected_by.push_back(v.get<int>());
                    }
                }
                touched = true;
                break;
            }
            default:
                break;
        }
    }
    if (!touched) return;

    std::vector<ElectionRow> next;
    next.reserve(elections_.size());
    for (auto it = elections_.rbegin(); it != elections_.rend(); ++it)
        next.push_back(row_of(it->second));
    sync(rows_, std::move(next), [](const ElectionRow& r) { return -r.epoch; });

    double longest = 1;
    for (const auto& r : rows_)
        longest = std::max(longest, static_cast<double>(r.duration_ms()));
    if (longest != longest_ms_) {
        longest_ms_ = longest;
        emit longestChanged();
    }
}

void ElectionTimelineModel::clear() {
    elections_.clear();
    sync(rows_, {}, [](const ElectionRow& r) { return -r.epoch; });
    if (longest_ms_ != 1) {
        longest_ms_ = 1;
        emit longestChanged();
    }
}

ElectionRow ElectionTimelineModel::row_of(const Election& e) {
    ElectionRow r;
    r.epoch = e.epoch;
    r.start_ms = e.start_ms;
    r.winner = e.winner;
    r.end_ms = e.winner >= 0 || e.closed_by >= 0 ? e.end_ms : -1;
    r.outcome = e.winner >= 0 ? "elected" : (e.closed_by >= 0 ? "no winner" : "running");
    if (!e.candidates.empty()) r.reason = e.candidates.front().reason;

    std::vector<int> ids;
    for (const auto& c : e.candidates) {
        int granted = 1;  // its own
        int refused = 0;
        for (const auto& v : e.votes) {
            if (v.candidate != c.id || v.voter == c.id) continue;
            (v.granted ? granted : refused) += 1;
        }
        r.candidates << QVariantMap{{"id", c.id},
                                    {"reason", c.reason},
                                    {"granted", granted},
                                    {"refused", refused},
                                    {"atMs", std::max<qint64>(0, c.time_ms - e.start_ms)}};
        ids.push_back(c.id);
    }
    for (const auto& v : e.votes) {
        r.votes << QVariantMap{{"voter", v.voter},
                               {"candidate", v.candidate},
                               {"granted", v.granted},
                               {"reason", v.reason},
                               {"atMs", std::max<qint64>(0, v.time_ms - e.start_ms)}};
    }
    for (int v : e.elected_by)
        r.elected_by << v;

    const QString who = ids.size() == 1 ? QString("controller %1").arg(ids.front())
                                        : QString("controllers ") + join_ids(ids, " and ");
    if (e.winner >= 0) {
        r.summary = QString("controller %1 won").arg(e.winner);
        if (!e.elected_by.empty())
            r.summary += " with votes from " + join_ids(e.elected_by, " and ");
        r.summary += QString(" in %1 ms").arg(r.duration_ms());
        if (ids.size() > 1) r.summary += " (" + who + " stood)";
    } else if (e.closed_by >= 0) {
        if (ids.size() > 1) {
            r.summary = "split vote: " + who + " stood, none won a majority";
        } else if (ids.size() == 1) {
            r.summary = who + " stood but did not win a majority";
        } else {
            r.summary = "no winner";
        }
        r.summary += QString("; epoch %1 followed").arg(e.closed_by);
    } else {
        r.summary = who + (ids.size() == 1 ? " stands" : " stand") + " for election";
    }
    return r;
}
