#include "log_strip.h"

#include <QFontDatabase>
#include <QPainter>
#include <cmath>

LogStrip::LogStrip(QQuickItem* parent) : QQuickPaintedItem(parent) {
    setAntialiasing(true);
    connect(this, &QQuickItem::widthChanged, this, &LogStrip::changed);
}

int LogStrip::slot_count() const {
    const double pitch = tile_width_ + spacing_;
    if (pitch <= 0) return 0;
    return std::max(0, static_cast<int>(std::floor((width() - spacing_) / pitch)));
}

int LogStrip::visibleTiles() const {
    const double window_start = window_end() - slot_count();
    const double first = std::max(start_, window_start);
    const double last = std::min(end_, window_end());
    return static_cast<int>(std::max(0.0, last - first));
}

int LogStrip::tail_slots() const {
    if (!own_tail_ || end_ <= start_) return 0;
    const int n = slot_count();
    if (n < 4) return 0;
    const int k = std::clamp(n / 3, 1, 6);
    const double window_start = window_end() - n;
    // Its newest record would no longer show among the first k slots of the window.
    return end_ < window_start + k ? k : 0;
}

double LogStrip::marks_height() const {
    return hw_ >= 0 && mark_labels_ ? font_px_ + 4 : 0;
}

double LogStrip::xOf(double offset) const {
    // Slots are right-aligned: the slot of window_end() - 1 ends at width() - spacing.
    return width() - (window_end() - offset) * (tile_width_ + spacing_);
}

double LogStrip::offsetAt(double x) const {
    const double pitch = tile_width_ + spacing_;
    if (pitch <= 0) return -1;
    if (const int k = tail_slots(); k > 0) {
        const int n = slot_count();
        const int i = static_cast<int>(std::floor((x - (width() - n * pitch)) / pitch));
        if (i < 0 || i >= k) return -1;
        const double offset = end_ - k + i;
        return offset >= start_ ? offset : -1;
    }
    const double from_right = width() - spacing_ - x;
    if (from_right < 0) return -1;
    const int back = static_cast<int>(std::floor(from_right / pitch));
    if (back >= slot_count()) return -1;
    const double offset = window_end() - 1 - back;
    return offset >= start_ && offset < end_ ? offset : -1;
}

void LogStrip::paint(QPainter* p) {
    const double top = marks_height();
    const QRectF frame(0.5, top + 0.5, width() - 1, height() - top - 1);
    p->setPen(QPen(border_, 1));
    p->setBrush(Qt::NoBrush);
    p->drawRoundedRect(frame, 3, 3);

    const int n = slot_count();
    if (n == 0) return;
    if (const int k = tail_slots(); k > 0) {
        paint_own_tail(p, n, k);
        return;
    }
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPixelSize(font_px_);
    p->setFont(font);
    const QFontMetricsF metrics(font);
    const bool flushed_shown = flushed_ >= 0;
    const double y = top + 3;
    const double tile_h = height() - top - 6 - (flushed_shown ? 3 : 0);
    const QColor warm = fresh_.lighter(fresh_.lightness() > 128 ? 115 : 145);
    QColor hollow = fresh_;
    hollow.setAlphaF(0.14);
    QColor on_disk = text_;
    on_disk.setAlphaF(0.45);
    const QPen missing(border_, 1, Qt::DashLine);
    const double wend = window_end();
    for (int back = 0; back < n; ++back) {
        const double offset = wend - 1 - back;
        if (offset < start_) break;
        const QRectF r(xOf(offset), y, tile_width_, tile_h);
        if (offset >= end_) {
            // A slot this replica has no record for yet: the leader (or another replica) does.
            p->setPen(missing);
            p->setBrush(Qt::NoBrush);
            p->drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2);
            continue;
        }
        const double age = end_ - 1 - offset;  // 0: this log's newest record
        const bool uncommitted = hw_ >= 0 && offset >= hw_;
        const QString label = metrics.elidedText(QString::number(static_cast<qint64>(offset)),
                                                 Qt::ElideLeft, tile_width_ - 2);
        if (uncommitted) {
            // Written here, not yet on every in-sync replica: consumers cannot read it, and an
            // acks=all producer has no answer yet.
            p->setPen(QPen(fresh_, 1.5));
            p->setBrush(hollow);
            p->drawRoundedRect(r.adjusted(0.75, 0.75, -0.75, -0.75), 2, 2);
            p->setPen(text_);
        } else {
            const QColor fill = age < 1 ? fresh_ : age < 3 ? warm : tile_;
            p->setPen(Qt::NoPen);
            p->setBrush(fill);
            p->drawRoundedRect(r, 2, 2);
            p->setPen(age < 3 ? QColor(Qt::white) : text_);
        }
        p->drawText(r, Qt::AlignCenter, label);
        if (flushed_shown && offset < flushed_) {
            p->setPen(Qt::NoPen);
            p->setBrush(on_disk);
            p->drawRect(QRectF(r.left(), r.bottom() + 1, tile_width_, 2));
        }
    }

    if (hw_ >= 0) {
        // The high watermark: a bar between the last committed record and the first that is not,
        // labelled above the strip. Off the left edge it points left.
        const double window_start = wend - n;
        const bool off_left = hw_ < window_start;
        const double x =
            off_left ? 1.0 : std::min(width() - 1.5, xOf(std::min(hw_, wend)) - spacing_ / 2);
        p->setPen(Qt::NoPen);
        p->setBrush(mark_);
        p->drawRect(QRectF(x - 1.5, top, 3, height() - top));
        if (!mark_labels_) return;
        QFont bold = font;
        bold.setBold(true);
        p->setFont(bold);
        p->setPen(mark_);
        const QString tag = off_left ? QStringLiteral("◂HW") : QStringLiteral("HW");
        const double w = QFontMetricsF(bold).horizontalAdvance(tag);
        const double tx = std::clamp(x - w / 2, 0.0, std::max(0.0, width() - w));
        p->drawText(QRectF(tx, 0, w + 1, top), Qt::AlignLeft | Qt::AlignVCenter, tag);
    }
}

void LogStrip::paint_own_tail(QPainter* p, int n, int k) {
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPixelSize(font_px_);
    p->setFont(font);
    const QFontMetricsF metrics(font);
    const double top = marks_height();
    const double pitch = tile_width_ + spacing_;
    const double y = top + 3;
    const double tile_h = height() - top - 6 - (flushed_ >= 0 ? 3 : 0);
    auto slot_x = [&](int i) { return width() - (n - i) * pitch; };  // i from the left
    QColor on_disk = text_;
    on_disk.setAlphaF(0.45);
    // Its own last records, as it had them.
    for (int i = 0; i < k; ++i) {
        const double offset = end_ - k + i;
        if (offset < start_) continue;
        const QRectF r(slot_x(i), y, tile_width_, tile_h);
        const bool uncommitted = hw_ >= 0 && offset >= hw_;
        p->setPen(uncommitted ? QPen(fresh_, 1.5) : Qt::NoPen);
        p->setBrush(uncommitted ? Qt::NoBrush : QBrush(tile_));
        p->drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2);
        p->setPen(text_);
        p->drawText(r, Qt::AlignCenter,
                    metrics.elidedText(QString::number(static_cast<qint64>(offset)), Qt::ElideLeft,
                                       tile_width_ - 2));
        if (flushed_ >= 0 && offset < flushed_) {
            p->setPen(Qt::NoPen);
            p->setBrush(on_disk);
            p->drawRect(QRectF(r.left(), r.bottom() + 1, tile_width_, 2));
        }
    }
    // The records it missed, in one slot.
    const double first_missing_shown = window_end() - (n - k - 1);
    const auto missed = static_cast<qint64>(std::max(0.0, first_missing_shown - end_));
    const QRectF gap(slot_x(k), y, tile_width_, tile_h);
    p->setPen(QPen(border_, 1, Qt::DashLine));
    p->setBrush(Qt::NoBrush);
    p->drawRoundedRect(gap.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2);
    if (missed > 0) {
        p->setPen(text_);
        p->drawText(
            gap, Qt::AlignCenter,
            metrics.elidedText("+" + QString::number(missed), Qt::ElideRight, tile_width_ - 2));
    }
    // The window's newest slots: records the others have and this replica lacks.
    const QPen missing(border_, 1, Qt::DashLine);
    for (int i = k + 1; i < n; ++i) {
        p->setPen(missing);
        p->drawRoundedRect(QRectF(slot_x(i), y, tile_width_, tile_h).adjusted(0.5, 0.5, -0.5, -0.5),
                           2, 2);
    }
    // Its high watermark, where it falls among its own records.
    if (hw_ >= end_ - k && hw_ <= end_) {
        const double x = slot_x(static_cast<int>(hw_ - (end_ - k))) - spacing_ / 2;
        p->setPen(Qt::NoPen);
        p->setBrush(mark_);
        p->drawRect(QRectF(x - 1.5, top, 3, height() - top));
        if (mark_labels_) {
            QFont bold = font;
            bold.setBold(true);
            p->setFont(bold);
            p->setPen(mark_);
            const double w = QFontMetricsF(bold).horizontalAdvance("HW");
            const double tx = std::clamp(x - w / 2, 0.0, std::max(0.0, width() - w));
            p->drawText(QRectF(tx, 0, w + 1, top), Qt::AlignLeft | Qt::AlignVCenter, "HW");
        }
    }
}
