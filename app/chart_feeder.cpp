#include "chart_feeder.h"

#include <QXYSeries>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "core/latency_histogram.h"
#include "core/latency_window.h"
#include "models/producer_model.h"

namespace {

// Legend order of acks settings: 0, 1, the lab's N by N, all last (it waits for the most).
int acks_rank(const QString& subject) {
    if (subject == "acks=all") return 1000;
    bool ok = false;
    const int n = subject.mid(5).section(' ', 0, 0).toInt(&ok);
    return ok ? n : 999;
}

bool latency_subject_before(const QString& a, const QString& b) {
    const int ra = acks_rank(a), rb = acks_rank(b);
    return ra != rb ? ra < rb : a < b;
}

}  // namespace

ChartFeeder::ChartFeeder(QObject* parent) : QObject(parent) {}

const QList<QColor>& ChartFeeder::palette(bool dark) {
    // Teal, magenta, olive, brown, indigo, rose: hues the status colours do not use, at least
    // 24 (CIE76) from each of them and from the accent, 25 from each other, with at least 3.9:1
    // contrast on their theme's surfaces. The dark variants are the light ones lightened.
    static const QList<QColor> light{QColor("#00838f"), QColor("#b0338f"), QColor("#6f7d00"),
                                     QColor("#8b5a2b"), QColor("#283593"), QColor("#c2185b")};
    static const QList<QColor> dark_variant{QColor("#26c6da"), QColor("#e07cc5"),
                                            QColor("#b5c12e"), QColor("#c99a6e"),
                                            QColor("#9fa8da"), QColor("#f06292")};
    return dark ? dark_variant : light;
}

QStringList ChartFeeder::names(const Series& s) {
    QStringList out;
    for (const auto& [name, points] : s)
        out << name;
    return out;
}

QStringList ChartFeeder::latencySeries() const {
    QStringList out;
    for (const auto& subject : latencySubjects()) {
        for (const char* suffix : {" p50", " p99"}) {
            if (latencies_.count(subject + suffix)) out << subject + suffix;
        }
    }
    return out;
}

QStringList ChartFeeder::subjects(const Series& s) {
    QStringList out;
    for (const auto& [name, points] : s) {
        const QString subject = subject_of(name);
        if (!out.contains(subject)) out << subject;
    }
    return out;
}

QStringList ChartFeeder::rateSubjects() const {
    return subjects(rates_);
}

QStringList ChartFeeder::latencySubjects() const {
    QStringList out = subjects(latencies_);
    std::sort(out.begin(), out.end(), latency_subject_before);
    return out;
}

QString ChartFeeder::subject_of(const QString& series) {
    for (const char* suffix : {" produced", " consumed", " p50", " p99"}) {
        if (series.endsWith(suffix)) return series.chopped(static_cast<int>(strlen(suffix)));
    }
    return series;
}

int ChartFeeder::latencyWindowSeconds() const {
    return kraftlab::core::LatencyWindow::kDefaultSeconds;
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

    double rmax = 0;
    for (const auto& [n, pts] : rates_) {
        for (const auto& p : pts)
            rmax = std::max(rmax, p.y());
    }
    rate_max_ = nice_max(rmax * 1.1);

    // Whole decades around the points, the floor at least.
    double lmin = 0, lmax = 0;
    bool any = false;
    latency_clipped_ = false;
    for (const auto& [n, pts] : latencies_) {
        for (const auto& p : pts) {
            const double v = std::max(p.y(), kLatencyFloorMs);
            latency_clipped_ = latency_clipped_ || p.y() < kLatencyFloorMs;
            lmin = any ? std::min(lmin, v) : v;
            lmax = any ? std::max(lmax, v) : v;
            any = true;
        }
    }
    if (any) {
        latency_axis_min_ms_ = std::pow(10.0, std::floor(std::log10(lmin)));
        latency_axis_max_ms_ =
            std::max(latency_axis_min_ms_ * 10, std::pow(10.0, std::ceil(std::log10(lmax))));
    } else {
        latency_axis_min_ms_ = 0.1;
        latency_axis_max_ms_ = 100;
    }
    ++samples_;
    update_colours();
    if (rate_names != rateSeries() || latency_names != latencySeries()) emit seriesChanged();
    emit updated();
}

void ChartFeeder::update_colours() {
    // Latency subjects first: the lesson's chart gets the first colours of the palette.
    QStringList live = latencySubjects();
    live << rateSubjects();
    // Subjects whose series all left the window give their colour up (and remember it).
    for (auto& [subject, c] : colours_) {
        if (c.live && !live.contains(subject)) c.live = false;
    }
    for (const auto& subject : live) {
        auto it = colours_.find(subject);
        if (it == colours_.end() || !it->second.live) {
            // New, or back after leaving the window: it takes a colour now (its old one if free).
            assign_colour(subject);
        } else {
            it->second.last_live = samples_;
        }
    }
    // Forget the subjects gone longest once there are too many.
    while (colours_.size() > kRememberedSubjects) {
        auto oldest = colours_.end();
        for (auto it = colours_.begin(); it != colours_.end(); ++it) {
            if (!it->second.live &&
                (oldest == colours_.end() || it->second.last_live < oldest->second.last_live))
                oldest = it;
        }
        if (oldest == colours_.end()) break;  // all live: more subjects than we remember
        colours_.erase(oldest);
    }
}

int ChartFeeder::assign_colour(const QString& subject) {
    const int n = static_cast<int>(palette(false).size());
    std::vector<int> in_use(static_cast<std::size_t>(n), 0);
    for (const auto& [s, c] : colours_) {
        if (c.live && s != subject) ++in_use[static_cast<std::size_t>(c.index)];
    }
    const int least = *std::min_element(in_use.begin(), in_use.end());
    auto it = colours_.find(subject);
    int index = -1;
    if (it != colours_.end() && in_use[static_cast<std::size_t>(it->second.index)] == least) {
        index = it->second.index;  // its colour from before is as free as any
    } else {
        for (int i = 0; i < n && index < 0; ++i) {
            if (in_use[static_cast<std::size_t>(i)] == least) index = i;
        }
    }
    Colour& c = colours_[subject];
    c.index = index;
    c.live = true;
    c.last_live = samples_;
    return index;
}

int ChartFeeder::colorIndexOf(const QString& series) {
    const QString subject = subject_of(series);
    auto it = colours_.find(subject);
    if (it != colours_.end() && it->second.live) return it->second.index;
    return assign_colour(subject);
}

QColor ChartFeeder::colorOf(const QString& series, bool dark) {
    return palette(dark).at(colorIndexOf(series));
}

void ChartFeeder::add_marker(qint64 time_ms, const QString& kind, const QString& label) {
    markers_.push_back({time_ms, kind, label});
    emit updated();
}

void ChartFeeder::clear() {
    rates_.clear();
    latencies_.clear();
    markers_.clear();
    bands_.clear();
    colours_.clear();
    window_end_ms_ = 0;
    rate_max_ = 10;
    latency_axis_min_ms_ = 0.1;
    latency_axis_max_ms_ = 100;
    latency_clipped_ = false;
    samples_ = 0;
    emit seriesChanged();
    emit updated();
}

void ChartFeeder::set_bands(std::vector<Band> bands) {
    if (bands == bands_) return;
    bands_ = std::move(bands);
    emit updated();
}

QVariantList ChartFeeder::bands() const {
    QVariantList out;
    const double start = windowStartMs(), end = windowEndMs();
    for (const auto& b : bands_) {
        const double to = b.end_ms < 0 ? end : static_cast<double>(b.end_ms);
        if (to < start || static_cast<double>(b.start_ms) > end) continue;
        out << QVariantMap{{"startMs", static_cast<double>(b.start_ms)},
                           {"endMs", to},
                           {"label", b.label},
                           {"cut", b.cut}};
    }
    return out;
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
    if (auto it = rates_.find(name); it != rates_.end()) {
        QList<QPointF> points;
        points.reserve(static_cast<qsizetype>(it->second.size()));
        for (const auto& p : it->second)
            points.append({p.x() / 1000.0, p.y()});
        xy->replace(points);
    } else if (auto lt = latencies_.find(name); lt != latencies_.end()) {
        QList<QPointF> points;
        points.reserve(static_cast<qsizetype>(lt->second.size()));
        for (const auto& p : lt->second)
            points.append({p.x() / 1000.0, std::max(p.y(), kLatencyFloorMs)});
        xy->replace(points);
    } else {
        xy->clear();
    }
}

QString ChartFeeder::formatRate(double v) const {
    if (v >= 1e6) return QString::number(v / 1e6, 'f', 1) + "M/s";
    if (v >= 1e3) return QString::number(v / 1e3, 'f', 1) + "k/s";
    return QString::number(v, 'f', v < 10 ? 1 : 0) + "/s";
}

QString ChartFeeder::formatMs(double ms) const {
    if (ms < 0 || std::isnan(ms)) return "–";
    if (ms >= 1000) return QString::number(ms / 1000, 'f', 1) + " s";
    if (ms >= 100) return QString::number(ms, 'f', 0) + " ms";
    if (ms >= 1) return QString::number(ms, 'f', 1) + " ms";
    // Under a millisecond: two significant digits ("0.42 ms", "0.042 ms").
    return QString::number(ms, 'g', 2) + " ms";
}

QString ChartFeeder::acks_label(int acks) {
    if (acks < 0) return "acks=all";
    if (acks >= 2) return QString("acks=%1 (lab)").arg(acks);
    return QString("acks=%1").arg(acks);
}

std::map<QString, double> ChartFeeder::latencies_by_acks(
    const std::vector<ProducerRow>& producers) {
    std::map<QString, kraftlab::core::LatencyHistogram> merged;
    for (const auto& p : producers) {
        if (!p.running || !p.latency_window || p.latency_window->empty()) continue;
        merged[acks_label(p.acks)].merge(*p.latency_window);
    }
    std::map<QString, double> out;
    for (const auto& [acks, h] : merged) {
        out[acks + " p50"] = h.percentile_ms(0.50);
        out[acks + " p99"] = h.percentile_ms(0.99);
    }
    return out;
}
