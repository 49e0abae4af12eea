#include "chart_feeder.h"

#include <QXYSeries>
#include <cmath>

#include "models/producer_model.h"

ChartFeeder::ChartFeeder(QObject* parent) : QObject(parent) {}

QStringList ChartFeeder::names(const Series& s) {
    QStringList out;
    for (const auto& [name, points] : s)
        out << name;
    return out;
}

void ChartFeeder::trim(Series& s, qint64 oldest_ms) {
    for (auto it = s.begin(); it != s.end();) {
        auto& points = it->second;
        while (!points.empty() && points.front().x() < static_cast<double>(oldest_ms))
            points.pop_front();
        it = points.empty() ? s.erase(it) : std::next(it);
    }
}

double ChartFeeder::nice_max(double v) {
    if (v <= 0) return 10;
    const double magnitude = std::pow(10.0, std::floor(std::log10(v)));
    for (double step : {1.0, 2.0, 5.0, 10.0}) {
        if (v <= step * magnitude) return step * magnitude;
    }
    return 10 * magnitude;
}

void ChartFeeder::sample(qint64 time_ms, const std::map<QString, double>& rates,
                         const std::map<QString, double>& latencies_ms) {
    const QStringList rate_names = rateSeries();
    const QStringList latency_names = latencySeries();
    for (const auto& [name, v] : rates)
        rates_[name].emplace_back(static_cast<double>(time_ms), v);
    for (const auto& [name, v] : latencies_ms) {
        if (v >= 0) latencies_[name].emplace_back(static_cast<double>(time_ms), v);
    }
    window_end_ms_ = time_ms;
    const qint64 oldest = time_ms - kWindowSeconds * 1000;
    trim(rates_, oldest);
    trim(latencies_, oldest);
    while (!markers_.empty() && markers_.front().time_ms < oldest)
        markers_.pop_front();

    double rmax = 0, lmax = 0;
    for (const auto& [n, pts] : rates_) {
        for (const auto& p : pts)
            rmax = std::max(rmax, p.y());
    }
    for (const auto& [n, pts] : latencies_) {
        for (const auto& p : pts)
            lmax = std::max(lmax, p.y());
    }
    rate_max_ = nice_max(rmax * 1.1);
    latency_max_ = nice_max(lmax * 1.1);
    if (rate_names != rateSeries() || latency_names != latencySeries()) emit seriesChanged();
    emit updated();
}

void ChartFeeder::add_marker(qint64 time_ms, const QString& kind, const QString& label) {
    markers_.push_back({time_ms, kind, label});
    emit updated();
}

QVariantList ChartFeeder::markers() const {
    QVariantList out;
    for (const auto& m : markers_) {
        out << QVariantMap{
            {"timeMs", static_cast<double>(m.time_ms)}, {"kind", m.kind}, {"label", m.label}};
    }
    return out;
}

void ChartFeeder::fill(QAbstractSeries* series, const QString& name) const {
    auto* xy = qobject_cast<QXYSeries*>(series);
    if (!xy) return;
    const Series* source = rates_.count(name)       ? &rates_
                           : latencies_.count(name) ? &latencies_
                                                    : nullptr;
    if (!source) {
        xy->clear();
        return;
    }
    const auto& points = source->at(name);
    xy->replace(QList<QPointF>(points.begin(), points.end()));
}

QString ChartFeeder::formatRate(double v) const {
    if (v >= 1e6) return QString::number(v / 1e6, 'f', 1) + "M/s";
    if (v >= 1e3) return QString::number(v / 1e3, 'f', 1) + "k/s";
    return QString::number(v, 'f', v < 10 ? 1 : 0) + "/s";
}

QString ChartFeeder::acks_label(int acks) {
    if (acks < 0) return "acks=all";
    if (acks >= 2) return QString("acks=%1 (lab)").arg(acks);
    return QString("acks=%1").arg(acks);
}

std::map<QString, double> ChartFeeder::latencies_by_acks(
    const std::vector<ProducerRow>& producers) {
    std::map<QString, double> out;
    auto keep_max = [&](const QString& name, double v) {
        if (v < 0) return;
        auto [it, fresh] = out.try_emplace(name, v);
        if (!fresh) it->second = std::max(it->second, v);
    };
    for (const auto& p : producers) {
        if (!p.running) continue;
        const QString acks = acks_label(p.acks);
        keep_max(acks + " p50", p.p50_ms);
        keep_max(acks + " p99", p.p99_ms);
    }
    return out;
}
