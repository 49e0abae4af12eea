// ChartFeeder: time series for the charts panel, sampled once a second by the LabController:
// produce and consume rates per topic, produce latency p50/p99 per acks setting in use
// (latencies_by_acks), and the moments brokers were killed and restarted. QML asks it to fill its
// Qt Charts series in place (QXYSeries::replace), so a chart redraw costs one call per series,
// whatever the record rate. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractSeries>
#include <QObject>
#include <QPointF>
#include <QVariantList>
#include <deque>
#include <map>
#include <vector>

struct ProducerRow;

class ChartFeeder : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")
    Q_PROPERTY(QStringList rateSeries READ rateSeries NOTIFY seriesChanged)
    Q_PROPERTY(QStringList latencySeries READ latencySeries NOTIFY seriesChanged)
    Q_PROPERTY(QVariantList markers READ markers NOTIFY updated)
    Q_PROPERTY(double windowStartMs READ windowStartMs NOTIFY updated)
    Q_PROPERTY(double windowEndMs READ windowEndMs NOTIFY updated)
    Q_PROPERTY(double rateMax READ rateMax NOTIFY updated)
    Q_PROPERTY(double latencyMax READ latencyMax NOTIFY updated)

  public:
    static constexpr int kWindowSeconds = 120;

    explicit ChartFeeder(QObject* parent = nullptr);

    // One sample per series per call; series missing from a call get no point that second.
    void sample(qint64 time_ms, const std::map<QString, double>& rates,
                const std::map<QString, double>& latencies_ms);
    void add_marker(qint64 time_ms, const QString& kind, const QString& label);

    // Produce latency by acks: for each acks value a running producer uses, the highest p50 and
    // the highest p99 among those producers' last snapshots, as "acks=all p50", "acks=all p99".
    // The highest, not a mean: percentiles of different producers cannot be merged, and the
    // slowest is the honest figure. Producers that had nothing acknowledged give no value.
    static std::map<QString, double> latencies_by_acks(const std::vector<ProducerRow>& producers);
    // "acks=0", "acks=1", "acks=all", "acks=3 (lab)": N >= 2 is the lab's, not Kafka's.
    static QString acks_label(int acks);

    QStringList rateSeries() const { return names(rates_); }
    QStringList latencySeries() const { return names(latencies_); }
    QVariantList markers() const;
    double windowStartMs() const {
        return static_cast<double>(window_end_ms_ - kWindowSeconds * 1000);
    }
    double windowEndMs() const { return static_cast<double>(window_end_ms_); }
    double rateMax() const { return rate_max_; }
    double latencyMax() const { return latency_max_; }

    // Replaces the points of a QXYSeries with the named series' samples.
    Q_INVOKABLE void fill(QAbstractSeries* series, const QString& name) const;
    // A short human label: "1.2k/s".
    Q_INVOKABLE QString formatRate(double per_second) const;

  signals:
    void seriesChanged();
    void updated();

  private:
    using Series = std::map<QString, std::deque<QPointF>>;
    static QStringList names(const Series& s);
    void trim(Series& s, qint64 oldest_ms);
    static double nice_max(double v);

    Series rates_;
    Series latencies_;
    struct Marker {
        qint64 time_ms;
        QString kind;
        QString label;
    };
    std::deque<Marker> markers_;
    qint64 window_end_ms_ = 0;
    double rate_max_ = 10;
    double latency_max_ = 10;
};
