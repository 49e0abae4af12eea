// RowListModel: a list model whose rows are plain structs with a key, kept sorted by key. sync()
// turns a fresh list of rows into the fewest model signals: removals and insertions where keys
// come and go, dataChanged only for rows that differ. Views keep their state (scroll position,
// running animations), and an unchanged lab costs no signals at all. GUI thread only.
#pragma once

#include <QAbstractListModel>
#include <algorithm>
#include <set>
#include <utility>
#include <vector>

class RowListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)

  public:
    using QAbstractListModel::QAbstractListModel;
    int count() const { return rowCount(); }

  signals:
    void countChanged();

  protected:
    // rows and next must be sorted by key(); rows becomes next.
    template <typename Row, typename KeyFn>
    void sync(std::vector<Row>& rows, std::vector<Row> next, KeyFn key) {
        const int before = static_cast<int>(rows.size());
        // Removals, from the bottom so that indexes stay valid (a set of the keys that stay:
        // thousands of partitions must not cost a scan per row).
        std::set<decltype(key(std::declval<const Row&>()))> kept_keys;
        for (const Row& r : next)
            kept_keys.insert(key(r));
        for (int i = static_cast<int>(rows.size()) - 1; i >= 0; --i) {
            if (!kept_keys.count(key(rows[static_cast<std::size_t>(i)]))) {
                beginRemoveRows({}, i, i);
                rows.erase(rows.begin() + i);
                endRemoveRows();
            }
        }
        // Insertions and changes, top to bottom: rows[i] lines up with next[i] after each step.
        for (std::size_t i = 0; i < next.size(); ++i) {
            if (i >= rows.size() || key(rows[i]) != key(next[i])) {
                beginInsertRows({}, static_cast<int>(i), static_cast<int>(i));
                rows.insert(rows.begin() + static_cast<long>(i), next[i]);
                endInsertRows();
            } else if (!(rows[i] == next[i])) {
                rows[i] = std::move(next[i]);
                const QModelIndex at = index(static_cast<int>(i));
                emit dataChanged(at, at);
            }
        }
        if (static_cast<int>(rows.size()) != before) emit countChanged();
    }
};
