// RingGauge: a circular gauge painted in one item: a faint track and an arc from twelve o'clock
// clockwise over `progress` (0..1) of the circle. The brokers' heartbeat rings use it to count
// down the session timeout; QML binds `progress` to the frame clock, so a ring costs one small
// paint per frame, whatever the message rate. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QColor>
#include <QQuickPaintedItem>

class RingGauge : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(double progress READ progress WRITE setProgress NOTIFY changed)
    Q_PROPERTY(QColor color READ color WRITE setColor NOTIFY changed)
    Q_PROPERTY(QColor trackColor READ trackColor WRITE setTrackColor NOTIFY changed)
    Q_PROPERTY(double lineWidth READ lineWidth WRITE setLineWidth NOTIFY changed)

  public:
    explicit RingGauge(QQuickItem* parent = nullptr);
    void paint(QPainter* painter) override;

    double progress() const { return progress_; }
    void setProgress(double v);
    QColor color() const { return color_; }
    void setColor(const QColor& c) { set(color_, c); }
    QColor trackColor() const { return track_; }
    void setTrackColor(const QColor& c) { set(track_, c); }
    double lineWidth() const { return line_width_; }
    void setLineWidth(double v) { set(line_width_, v); }

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

    double progress_ = 0;
    QColor color_ = QColor("#2f9e62");
    QColor track_ = QColor("#d8dce2");
    double line_width_ = 5;
};
