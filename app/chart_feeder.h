// ChartFeeder: time series for the charts panel, sampled once a second of lab time (core::
// LabClock: none while the lab is paused) by the LabController, times in lab ms:
// produce and consume rates per topic, produce latency p50/p99 per acks setting in use
// (latencies_by_acks: the merged histograms of that setting's producers), and the moments
// brokers were killed and restarted. QML asks it to fill its Qt Charts series in place
// (QXYSeries::replace), so a chart redraw costs one call per series, whatever the record rate.
//
// It also decides the series' colours: a subject (a topic on the rates chart, an acks setting on
// the latency chart) gets a colour of the chart palette the first time it is seen and keeps it
// while any of its series is in the window. The palette holds none of the lab's status colours
// (gold leader, blue follower, violet candidate, green in sync, orange out of sync, red down,
// grey idle), so a line never reads as a state. GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractSeries>
#include <QColor>
#include <QObject>
#include <QPointF>
#include <QVariantList>
#include <algorithm>
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
    // The subjects of each chart, in legend order: topics; acks settings (0, 1, the lab's N, all).
    Q_PROPERTY(QStringList rateSubjects READ rateSubjects NOTIFY seriesChanged)
    Q_PROPERTY(QStringList latencySubjects READ latencySubjects NOTIFY seriesChanged)
    Q_PROPERTY(QVariantList markers READ markers NOTIFY updated)
    // Lab network faults over the window: [{startMs, endMs (the window's end while still on),
    // label, cut}], drawn as labelled bands behind the lines.
    Q_PROPERTY(QVariantList bands READ bands NOTIFY updated)
    Q_PROPERTY(double windowStartMs READ windowStartMs NOTIFY updated)
    Q_PROPERTY(double windowEndMs READ windowEndMs NOTIFY updated)
    Q_PROPERTY(double rateMax READ rateMax NOTIFY updated)
    // The latency axis is logarithmic, from a power of ten under the fastest point to one over
    // the slowest, so that acks=0's tenths of a millisecond and a 100 ms outlier both show.
    Q_PROPERTY(double latencyAxisMinMs READ latencyAxisMinMs NOTIFY updated)
    Q_PROPERTY(double latencyAxisMaxMs READ latencyAxisMaxMs NOTIFY updated)
    // A log axis has no zero: points under kLatencyFloorMs are drawn at it, and latencyClipped
    // says that some in the window are (the legend says so).
    Q_PROPERTY(double latencyFloorMs READ latencyFloorMs CONSTANT)
    Q_PROPERTY(bool latencyClipped READ latencyClipped NOTIFY updated)
    // How long the producers' latency windows are (core::LatencyWindow), for the legend's words.
    Q_PROPERTY(int latencyWindowSeconds READ latencyWindowSeconds CONSTANT)

  public:
    static constexpr int kWindowSeconds = 120;
    static constexpr double kLatencyFloorMs = 0.01;
    // Subjects whose series left the window, remembered with their colour so that one coming
    // back gets it again if it is free; at most this many.
    static constexpr std::size_t kRememberedSubjects = 64;

    explicit ChartFeeder(QObject* parent = nullptr);

    // One sample per series per call; series missing from a call get no point that second.
    void sample(qint64 time_ms, const std::map<QString, double>& rates,
                const std::map<QString, double>& latencies_ms);
    void add_marker(qint64 time_ms, const QString& kind, const QString& label);
    // Forgets every sample, marker and band (a new lab: its time starts again at 0).
    void clear();
    // The network's fault intervals (lab ms; end -1: still on), replacing the last ones.
    struct Band {
        qint64 start_ms = 0;
        qint64 end_ms = -1;
        QString label;
        bool cut = false;
        bool operator==(const Band&) const = default;
    };
    void set_bands(std::vector<Band> bands);

    // Produce latency by acks: for each acks value that running producers use, the p50 and p99
    // of their latency windows merged into one histogram, as "acks=all p50", "acks=all p99":
    // the percentiles of all those producers' records together, not a max or a mean of their
    // own percentiles (which cannot be combined). Producers with nothing acknowledged in their
    // window give nothing.
    static std::map<QString, double> latencies_by_acks(const std::vector<ProducerRow>& producers);
    // "acks=0", "acks=1", "acks=all", "acks=3 (lab)": N >= 2 is the lab's, not Kafka's.
    static QString acks_label(int acks);
    // The subject a series belongs to: "orders" for "orders produced", "acks=1" for "acks=1 p99".
    static QString subject_of(const QString& series);
    // The chart palette for a light or a dark background.
    static const QList<QColor>& palette(bool dark);

    QStringList rateSeries() const { return names(rates_); }
    QStringList latencySeries() const;
    QStringList rateSubjects() const;
    QStringList latencySubjects() const;
    QVariantList markers() const;
    QVariantList bands() const;
    // The window: the last kWindowSeconds up to the newest sample; while there is less than that
    // of lab time, 0 to kWindowSeconds (lab time starts at 0: the lines grow from the left
    // rather than the axis counting up from a negative time).
    double windowStartMs() const {
        return static_cast<double>(std::max<qint64>(0, window_end_ms_ - kWindowSeconds * 1000));
    }
    double windowEndMs() const {
        return static_cast<double>(std::max<qint64>(window_end_ms_, kWindowSeconds * 1000));
    }
    // When the newest sample was taken (0 before the first).
    qint64 lastSampleMs() const { return window_end_ms_; }
    double rateMax() const { return rate_max_; }
    double latencyAxisMinMs() const { return latency_axis_min_ms_; }
    double latencyAxisMaxMs() const { return latency_axis_max_ms_; }
    double latencyFloorMs() const { return kLatencyFloorMs; }
    bool latencyClipped() const { return latency_clipped_; }
    int latencyWindowSeconds() const;

    // Replaces the points of a QXYSeries with the named series' samples, x in seconds of lab
    // time (the charts' axes; latencies under the floor at the floor).
    Q_INVOKABLE void fill(QAbstractSeries* series, const QString& name) const;
    // The colour of a series (of its subject), for a light or dark background. A subject not
    // seen yet gets its colour now.
    Q_INVOKABLE QColor colorOf(const QString& series, bool dark);
    // Its place in the palette, the same whatever the theme.
    Q_INVOKABLE int colorIndexOf(const QString& series);
    // A short human label: "1.2k/s".
    Q_INVOKABLE QString formatRate(double per_second) const;
    // A latency with the digits that matter: "0.042 ms", "5.3 ms", "120 ms", "1.2 s"; "–" for
    // none (a negative value).
    Q_INVOKABLE QString formatMs(double ms) const;

  signals:
    void seriesChanged();
    void updated();

  private:
    using Series = std::map<QString, std::deque<QPointF>>;
    static QStringList names(const Series& s);
    // The subjects of a chart's series, each once, in the series' order.
    static QStringList subjects(const Series& s);
    void trim(Series& s, qint64 oldest_ms);
    static double nice_max(double v);
    void update_colours();
    int assign_colour(const QString& subject);

    Series rates_;
    Series latencies_;
    struct Marker {
        qint64 time_ms;
        QString kind;
        QString label;
    };
    std::deque<Marker> markers_;
    std::vector<Band> bands_;
    qint64 window_end_ms_ = 0;
    double rate_max_ = 10;
    double latency_axis_min_ms_ = 0.1;
    double latency_axis_max_ms_ = 100;
    bool latency_clipped_ = false;

    struct Colour {
        int index = 0;
        bool live = false;            // some series of the subject is in the window
        std::uint64_t last_live = 0;  // the sample it was last live at, to forget the oldest
    };
    std::map<QString, Colour> colours_;
    std::uint64_t samples_ = 0;
};
