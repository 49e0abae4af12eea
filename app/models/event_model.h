// EventModel: the lab's events, newest first, bounded (the oldest fall off). Fed by the
// LabController's frame timer in batches, never one signal per Kafka record.
// EventFilterModel narrows it by node and by kind group, for the Events view.
// GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QDateTime>
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
        TimeRole = Qt::UserRole + 1,  // "14:03:27.412"
        TimeMsRole,
        KindRole,   // "topic_created"
        GroupRole,  // "cluster", "quorum", "topics", "replication", "clients", "data", "problems"
        // "info", "good" (a repair: a replica back in the ISR), "warning", "error"
        SeverityRole,
        IconRole,  // one glyph for the kinds a class should spot at once; "" for the rest
        NodeRole,  // "broker-2"
        TopicRole,
        PartitionRole,
        ExplainRole,
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

  signals:
    void countChanged();
    void nodesChanged();

  private:
    struct Row {
        qint64 time_ms;
        QString time;
        QString kind;
        QString group;
        QString severity;
        QString icon;
        QString node;
        QString topic;
        int partition;
        QString explain;
    };
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
