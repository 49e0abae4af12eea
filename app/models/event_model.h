// EventModel: the lab's events, newest first, bounded (the oldest fall off). Fed by the
// LabController's frame timer in batches, never one signal per Kafka record. Repeats fold: an
// event of a kind that comes in floods (ISR changes, leader moves, client errors: one per
// partition) joins the line of the same kind from the same node if that one is at most a few
// seconds old, which then reads "isr shrunk × 3200 in 4.0 s, 1000 partitions" and moves to the
// top; so a 1000-partition topic cannot push everything else out of the list.
// EventFilterModel narrows it by node and by kind group, for the Events view.
// GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QDateTime>
#include <QSet>
#include <QSortFilterProxyModel>
#include <deque>
#include <vector>

#include "core/events.h"

class EventModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(QStringList nodes READ nodes NOTIFY nodesChanged)

  public:
    enum Role {
        TimeRole = Qt::UserRole + 1,  // lab time: "t=12.3 s"
        TimeMsRole,                   // wall time, Unix ms
        WallTimeRole,                 // wall time: "14:03:27.412"
        KindRole,                     // "topic_created"
        GroupRole,  // "cluster", "quorum", "topics", "replication", "clients", "data", "problems"
        // "info", "good" (a repair: a replica back in the ISR), "warning", "error"
        SeverityRole,
        IconRole,  // one glyph for the kinds a class should spot at once; "" for the rest
        NodeRole,  // "broker-2"
        TopicRole,
        PartitionRole,
        ExplainRole,
        CountRole,  // events folded into this line (1: just one)
    };
    Q_ENUM(Role)

    explicit EventModel(std::size_t capacity = 2000, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Newest last in `events` (as drained); they appear at the top.
    void append(const std::vector<kraftlab::core::Event>& events);
    void clear();
    QStringList nodes() const;

    static QString group_of(kraftlab::core::EventKind kind);
    static QString severity_of(kraftlab::core::EventKind kind);
    static QString icon_of(kraftlab::core::EventKind kind);
    // Whether events of this kind fold into one line when they repeat.
    static bool folds(kraftlab::core::EventKind kind);
    // How close together (ms) repeats must come to fold.
    static constexpr qint64 kFoldWindowMs = 3000;

  signals:
    void countChanged();
    void nodesChanged();

  private:
    struct Row {
        qint64 time_ms;
        QString time;
        QString wall_time;
        QString kind;
        QString group;
        QString severity;
        QString icon;
        QString node;
        QString topic;
        int partition;
        QString explain;  // as shown: for a folded line, the count, the span and the latest
        // Folding: how many, since when, the latest event's own words, the partitions named.
        int count = 1;
        qint64 first_time_ms = 0;
        QString latest;
        QSet<QString> partitions;
        bool foldable = false;
    };
    static void fold(Row& into, Row&& next);
    std::deque<Row> rows_;  // rows_[0] is the newest
    std::size_t capacity_;
    QStringList nodes_;
};

class EventFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString node READ node WRITE setNode NOTIFY nodeChanged)
    Q_PROPERTY(QString group READ group WRITE setGroup NOTIFY groupChanged)
    Q_PROPERTY(QString text READ text WRITE setText NOTIFY textChanged)

  public:
    explicit EventFilterModel(QObject* parent = nullptr);
    QString node() const { return node_; }
    void setNode(const QString& node);
    QString group() const { return group_; }
    void setGroup(const QString& group);
    QString text() const { return text_; }
    void setText(const QString& text);

  signals:
    void nodeChanged();
    void groupChanged();
    void textChanged();

  protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

  private:
    QString node_;
    QString group_;
    QString text_;
};
