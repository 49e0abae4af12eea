// LogStrip: a partition's log drawn as a strip of record tiles, newest on the right, each labelled
// with its offset; the newest few highlighted. One painted item per partition: a refresh costs
// one paint, however many records arrived, where a tile per QML item would cost a text layout
// per tile per refresh. GUI thread only.
//
// Replica lanes (ReplicationView) stack one strip per replica of a partition and must line up
// offset under offset: they share a windowEndOffset (the furthest log end among the replicas), so
// a follower that is behind shows empty slots where the leader has records. With highWatermark
// set, records at or above it are drawn as not yet committed (outlined) and a marker labelled
// "HW" stands at the boundary; flushedOffset underlines what is on disk.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QColor>
#include <QQuickPaintedItem>

class LogStrip : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(double logStartOffset READ logStartOffset WRITE setLogStartOffset NOTIFY changed)
    Q_PROPERTY(double logEndOffset READ logEndOffset WRITE setLogEndOffset NOTIFY changed)
    // The offset after the rightmost slot; -1: this log's own end.
    Q_PROPERTY(double windowEndOffset READ windowEndOffset WRITE setWindowEndOffset NOTIFY changed)
    // -1: not shown (the topics view's strips).
    Q_PROPERTY(double highWatermark READ highWatermark WRITE setHighWatermark NOTIFY changed)
    Q_PROPERTY(double flushedOffset READ flushedOffset WRITE setFlushedOffset NOTIFY changed)
    // Whether the high watermark gets its "HW" label above the tiles (false: the bar alone, for
    // strips that must stay one line high).
    Q_PROPERTY(bool markLabels READ markLabels WRITE setMarkLabels NOTIFY changed)
    // A replica that stopped (its broker is down) while the others went on: when all its records
    // have scrolled out of the shared window, its last ones stay at the left, then one slot
    // saying how many it missed, then the window's newest slots as records it lacks. So a class
    // sees what it held when it died, and the lanes still line up on the right.
    Q_PROPERTY(bool keepOwnTail READ keepOwnTail WRITE setKeepOwnTail NOTIFY changed)
    // Whether the strip is showing its own tail that way now.
    Q_PROPERTY(bool showingOwnTail READ showingOwnTail NOTIFY changed)
    Q_PROPERTY(double tileWidth READ tileWidth WRITE setTileWidth NOTIFY changed)
    Q_PROPERTY(double tileSpacing READ tileSpacing WRITE setTileSpacing NOTIFY changed)
    Q_PROPERTY(QColor tileColor READ tileColor WRITE setTileColor NOTIFY changed)
    Q_PROPERTY(QColor freshColor READ freshColor WRITE setFreshColor NOTIFY changed)
    Q_PROPERTY(QColor textColor READ textColor WRITE setTextColor NOTIFY changed)
    Q_PROPERTY(QColor borderColor READ borderColor WRITE setBorderColor NOTIFY changed)
    Q_PROPERTY(QColor markColor READ markColor WRITE setMarkColor NOTIFY changed)
    Q_PROPERTY(int fontPixelSize READ fontPixelSize WRITE setFontPixelSize NOTIFY changed)
    Q_PROPERTY(int visibleTiles READ visibleTiles NOTIFY changed)

  public:
    explicit LogStrip(QQuickItem* parent = nullptr);
    void paint(QPainter* painter) override;

    // The offset under a point of the strip, or -1 (for the hover tooltip).
    Q_INVOKABLE double offsetAt(double x) const;
    // The x of the left edge of an offset's slot (may lie outside the strip when the offset is
    // out of the window); where the replication view's fetch dots start and land.
    Q_INVOKABLE double xOf(double offset) const;

    double logStartOffset() const { return start_; }
    void setLogStartOffset(double v) { set(start_, v); }
    double logEndOffset() const { return end_; }
    void setLogEndOffset(double v) { set(end_, v); }
    double windowEndOffset() const { return window_end_; }
    void setWindowEndOffset(double v) { set(window_end_, v); }
    double highWatermark() const { return hw_; }
    void setHighWatermark(double v) { set(hw_, v); }
    double flushedOffset() const { return flushed_; }
    void setFlushedOffset(double v) { set(flushed_, v); }
    bool keepOwnTail() const { return own_tail_; }
    void setKeepOwnTail(bool v) { set(own_tail_, v); }
    bool showingOwnTail() const { return tail_slots() > 0; }
    bool markLabels() const { return mark_labels_; }
    void setMarkLabels(bool v) { set(mark_labels_, v); }
    double tileWidth() const { return tile_width_; }
    void setTileWidth(double v) { set(tile_width_, v); }
    double tileSpacing() const { return spacing_; }
    void setTileSpacing(double v) { set(spacing_, v); }
    QColor tileColor() const { return tile_; }
    void setTileColor(const QColor& c) { set(tile_, c); }
    QColor freshColor() const { return fresh_; }
    void setFreshColor(const QColor& c) { set(fresh_, c); }
    QColor textColor() const { return text_; }
    void setTextColor(const QColor& c) { set(text_, c); }
    QColor borderColor() const { return border_; }
    void setBorderColor(const QColor& c) { set(border_, c); }
    QColor markColor() const { return mark_; }
    void setMarkColor(const QColor& c) { set(mark_, c); }
    int fontPixelSize() const { return font_px_; }
    void setFontPixelSize(int v) { set(font_px_, v); }
    // Records of this log in view (slots in the window that hold one).
    int visibleTiles() const;

  signals:
    void changed();

  private:
    template <typename T>
    void set(T& field, const T& value) {
        if (field == value) return;
        field = value;
        emit changed();
        update();
    }
    double window_end() const { return window_end_ >= 0 ? window_end_ : end_; }
    int slot_count() const;       // slots that fit the width
    double marks_height() const;  // room above the tiles for the HW label
    // How many slots at the left show this log's own last records (0: the usual window).
    int tail_slots() const;
    void paint_own_tail(QPainter* p, int n, int k);

    double start_ = 0;
    double end_ = 0;
    double window_end_ = -1;
    double hw_ = -1;
    double flushed_ = -1;
    bool mark_labels_ = true;
    bool own_tail_ = false;
    double tile_width_ = 34;
    double spacing_ = 2;
    QColor tile_ = QColor("#d7def0");
    QColor fresh_ = QColor("#4656e0");
    QColor text_ = QColor("#2b3550");
    QColor border_ = QColor("#d8dce2");
    QColor mark_ = QColor("#2f9e62");
    int font_px_ = 9;
};
