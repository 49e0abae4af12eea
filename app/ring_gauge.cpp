#include "ring_gauge.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

RingGauge::RingGauge(QQuickItem* parent) : QQuickPaintedItem(parent) {
    setAntialiasing(true);
}

void RingGauge::setProgress(double v) {
    if (!std::isfinite(v)) v = 0;
    v = std::clamp(v, 0.0, 1.0);
    // A change smaller than a fraction of a degree would repaint the same pixels.
    if (std::abs(v - progress_) < 0.001 && (v > 0) == (progress_ > 0)) return;
    set(progress_, v);
}

void RingGauge::paint(QPainter* p) {
    const double side = std::min(width(), height());
    if (side <= line_width_) return;
    const double inset = line_width_ / 2 + 0.5;
    const QRectF box((width() - side) / 2 + inset, (height() - side) / 2 + inset, side - 2 * inset,
                     side - 2 * inset);
    p->setRenderHint(QPainter::Antialiasing);
    p->setBrush(Qt::NoBrush);
    p->setPen(QPen(track_, line_width_, Qt::SolidLine, Qt::FlatCap));
    p->drawEllipse(box);
    if (progress_ <= 0) return;
    p->setPen(QPen(color_, line_width_, Qt::SolidLine, progress_ < 1 ? Qt::RoundCap : Qt::FlatCap));
    // Qt's angles are in 1/16 degree, counter-clockwise from three o'clock.
    const int start = 90 * 16;
    const int span = -static_cast<int>(std::round(progress_ * 360 * 16));
    p->drawArc(box, start, span);
}
