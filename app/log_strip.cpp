#include "log_strip.h"

#include <QFontDatabase>
#include <QPainter>
#include <cmath>

LogStrip::LogStrip(QQuickItem* parent) : QQuickPaintedItem(parent) {
    setAntialiasing(true);
    connect(this, &QQuickItem::widthChanged, this, &LogStrip::changed);
}

int LogStrip::visibleTiles() const {
    const double pitch = tile_width_ + spacing_;
    if (pitch <= 0) return 0;
    const int fit = std::max(0, static_cast<int>(std::floor((width() - spacing_) / pitch)));
    return static_cast<int>(std::min<double>(fit, std::max(0.0, end_ - start_)));
}

double LogStrip::offsetAt(double x) const {
    const double pitch = tile_width_ + spacing_;
    const int n = visibleTiles();
    if (n == 0 || pitch <= 0) return -1;
    // Tiles are right-aligned: tile n-1 (the newest) ends at width() - spacing.
    const double from_right = width() - spacing_ - x;
    if (from_right < 0) return -1;
    const int back = static_cast<int>(std::floor(from_right / pitch));
    if (back >= n) return -1;
    return end_ - 1 - back;
}

void LogStrip::paint(QPainter* p) {
    const QRectF frame(0.5, 0.5, width() - 1, height() - 1);
    p->setPen(QPen(border_, 1));
    p->setBrush(Qt::NoBrush);
    p->drawRoundedRect(frame, 3, 3);

    const int n = visibleTiles();
    if (n == 0) return;
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPixelSize(font_px_);
    p->setFont(font);
    const QFontMetricsF metrics(font);
    const double pitch = tile_width_ + spacing_;
    const double tile_h = height() - 6;
    const double y = 3;
    const QColor warm = fresh_.lighter(fresh_.lightness() > 128 ? 115 : 145);
    for (int back = 0; back < n; ++back) {
        const double offset = end_ - 1 - back;
        const double x = width() - spacing_ - (back + 1) * pitch + spacing_;
        const QRectF r(x, y, tile_width_, tile_h);
        const QColor fill = back < 1 ? fresh_ : back < 3 ? warm : tile_;
        p->setPen(Qt::NoPen);
        p->setBrush(fill);
        p->drawRoundedRect(r, 2, 2);
        p->setPen(back < 3 ? QColor(Qt::white) : text_);
        const QString label = metrics.elidedText(QString::number(static_cast<qint64>(offset)),
                                                 Qt::ElideLeft, tile_width_ - 2);
        p->drawText(r, Qt::AlignCenter, label);
    }
}
