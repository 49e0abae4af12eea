// TopicListModel: every topic and its partitions as one flat list (a topic's row, then one row per
// partition), for the topics view's single ListView. A ListView makes delegates only for the
// rows in view, so a 1000-partition topic costs what the visible rows cost, where a Repeater of
// partitions inside each topic made every row. Rebuilt by TopicModel::update() a few times a
// second; unchanged rows cost no signal. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QVariantMap>
#include <tuple>
#include <utility>

#include "row_list_model.h"
#include "topic_rows.h"

struct TopicListRow {
    QString topic;
    int partition = -1;  // -1: the topic's own row
    TopicRow topic_row;  // the topic's fields (every row of the topic carries them)
    PartitionRow partition_row;
    bool operator==(const TopicListRow&) const = default;
    // Internal topics (__consumer_offsets) after the user's: a class sees its own topics first.
    static bool internal(const QString& name) { return name.startsWith("__"); }
    std::tuple<bool, QString, int> key() const { return {internal(topic), topic, partition}; }
};

class TopicListModel : public RowListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by TopicModel")

  public:
    enum Role {
        KindRole = Qt::UserRole + 1,  // "topic" or "partition"
        TopicRole,                    // the topic's name
        TopicInfoRole,                // QVariantMap: the topic's fields
        PartitionInfoRole,            // QVariantMap: the partition's fields ({} on a topic row)
    };

    using RowListModel::RowListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Topics sorted by name, each followed by its partitions sorted by number.
    void update(std::vector<TopicListRow> rows);
    const std::vector<TopicListRow>& rows() const { return rows_; }
    // The row of a topic's partition (-1 for the topic's own row), or -1: for scrolling to it.
    Q_INVOKABLE int rowOf(const QString& topic, int partition) const;

    static QVariantMap topic_map(const TopicRow& t);
    static QVariantMap partition_map(const PartitionRow& p);

  private:
    std::vector<TopicListRow> rows_;
};
