// ElectionTimelineModel: the KRaft quorum's elections, one row per epoch, newest first, built
// from the event stream (no snapshots): when the first candidate of an epoch stood
// (ElectionStarted), who stood and why, each vote granted or refused with the voter's reason
// (VoteCast, VoteRefused), and how it ended: a winner (ControllerElected; duration = elected -
// started) or no winner (a higher epoch started first: a split vote, or the candidate died).
// Bounded: only the newest `capacity` elections are kept. Fed by the LabController's frame timer
// in batches; it ignores every other kind of event. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QVariantList>
#include <map>
#include <vector>

#include "core/events.h"
#include "row_list_model.h"

struct ElectionRow {
    int epoch = 0;
    qint64 start_ms = 0;  // lab ms: the first ElectionStarted of this epoch
    qint64 end_ms = -1;   // elected, or the next epoch's start; -1 while it runs
    QString outcome;      // "running", "elected", "no winner"
    int winner = -1;
    QString reason;  // why the first candidate stood
    // {id, reason, granted, refused, atMs}: granted counts the candidate's own vote.
    QVariantList candidates;
    // {voter, candidate, granted, reason, atMs}, in the order they came; atMs from the start.
    QVariantList votes;
    QVariantList elected_by;  // the voters ControllerElected lists
    QString summary;          // one line, plain words
    qint64 duration_ms() const { return end_ms < 0 ? -1 : std::max<qint64>(0, end_ms - start_ms); }
    bool operator==(const ElectionRow&) const = default;
};

class ElectionTimelineModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")
    // The longest finished election shown (ms), for a common bar scale; at least 1.
    Q_PROPERTY(double longestMs READ longestMs NOTIFY longestChanged)

  public:
    enum Role {
        EpochRole = Qt::UserRole + 1,
        StartMsRole,
        StartTimeRole,  // "14:03:27.412"
        EndMsRole,
        DurationMsRole,  // -1 while running
        OutcomeRole,
        WinnerRole,
        ReasonRole,
        CandidatesRole,
        VotesRole,
        ElectedByRole,
        SummaryRole,
    };

    explicit ElectionTimelineModel(std::size_t capacity = 20, QObject* parent = nullptr);
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Events in the order drained; all but the quorum's election events are skipped.
    void add(const std::vector<kraftlab::core::Event>& events);
    void clear();
    const std::vector<ElectionRow>& rows() const { return rows_; }
    // The row of an epoch, or nullptr.
    const ElectionRow* election(int epoch) const;
    double longestMs() const { return longest_ms_; }

  signals:
    void longestChanged();

  private:
    struct Vote {
        int voter;
        int candidate;
        bool granted;
        QString reason;
        qint64 time_ms;
    };
    struct Candidate {
        int id;
        QString reason;
        qint64 time_ms;
    };
    struct Election {
        int epoch = 0;
        bool has_start = false;
        qint64 start_ms = 0;
        qint64 end_ms = -1;
        int closed_by = -1;  // the epoch whose start ended it without a winner
        int winner = -1;
        std::vector<Candidate> candidates;
        std::vector<Vote> votes;
        std::vector<int> elected_by;
    };

    // The election of this epoch, made (and older running ones closed) if new; nullptr when it
    // is older than everything the capacity keeps.
    Election* at(int epoch, qint64 time_ms);
    void started(Election& e, qint64 time_ms);
    static void add_candidate(Election& e, int id, const QString& reason, qint64 time_ms);
    static ElectionRow row_of(const Election& e);

    std::size_t capacity_;
    std::map<int, Election> elections_;  // by epoch
    std::vector<ElectionRow> rows_;      // newest first
    double longest_ms_ = 1;
};
