#include "sequence_diagram.h"

#include <QSvgGenerator>

#include <QFontMetricsF>
#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

using kraftlab::net::RpcEvent;
using Outcome = kraftlab::net::RpcEvent::Outcome;

namespace {

constexpr double kBucketPx = 6;                    // arrows starting this close are drawn as one
constexpr double kHitPx = 6;                       // rpcAt's reach
constexpr std::int64_t kSlackNs = 30'000'000'000;  // an RPC lasts at most this (timeouts)

double distance_to_segment(QPointF p, QPointF a, QPointF b) {
    const QPointF ab = b - a;
    const double len2 = ab.x() * ab.x() + ab.y() * ab.y();
    double t = len2 > 0 ? ((p - a).x() * ab.x() + (p - a).y() * ab.y()) / len2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    const QPointF d = p - (a + t * ab);
    return std::sqrt(d.x() * d.x() + d.y() * d.y());
}

void arrow_head(QPainter* p, QPointF from, QPointF to, double size) {
    const double angle = std::atan2(to.y() - from.y(), to.x() - from.x());
    QPainterPath head;
    head.moveTo(to);
    head.lineTo(to - QPointF(std::cos(angle - 0.45) * size, std::sin(angle - 0.45) * size));
    head.lineTo(to - QPointF(std::cos(angle + 0.45) * size, std::sin(angle + 0.45) * size));
    head.closeSubpath();
    p->fillPath(head, p->pen().color());
}

void cross(QPainter* p, QPointF at, double size) {
    p->drawLine(at + QPointF(-size, -size), at + QPointF(size, size));
    p->drawLine(at + QPointF(-size, size), at + QPointF(size, -size));
}

QString lab_ms_text(std::int64_t ns) {
    if (ns <= 0) return QStringLiteral("—");
    return QString::number(static_cast<double>(ns) / 1e6, 'f', 3) + QStringLiteral(" ms");
}

QString outcome_text(Outcome o) {
    const auto name = kraftlab::net::outcome_name(o);
    return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
}

bool is_lost(Outcome o) {
    return o == Outcome::RequestLost || o == Outcome::RequestCut || o == Outcome::ResponseLost ||
           o == Outcome::ResponseCut;
}

}  // namespace

SequenceDiagram::SequenceDiagram(QQuickItem* parent) : QQuickPaintedItem(parent) {
    setRenderTarget(QQuickPaintedItem::FramebufferObject);
    setAntialiasing(true);
    setAcceptedMouseButtons(Qt::NoButton);
    connect(this, &SequenceDiagram::filterChanged, this, [this] { update(); });
    connect(this, &SequenceDiagram::looksChanged, this, [this] { update(); });
    connect(this, &SequenceDiagram::viewChanged, this, [this] { update(); });
}

void SequenceDiagram::setHistory(RpcHistory* history) {
    if (history_ == history) return;
    if (history_) disconnect(history_, nullptr, this, nullptr);
    history_ = history;
    if (history_) {
        // A paused or scrolled-back diagram still shows new lanes and bands.
        connect(history_, &RpcHistory::lanesChanged, this, [this] { update(); });
    }
    emit historyChanged();
    update();
}

void SequenceDiagram::setNowMs(double ms) {
    if (ms == now_ms_) return;
    now_ms_ = ms;
    emit nowMsChanged();
    if (live_) update();
}

void SequenceDiagram::setLive(bool live) {
    if (live == live_) return;
    if (!live) end_ms_ = now_ms_;
    live_ = live;
    emit viewChanged();
}

void SequenceDiagram::setEndMs(double ms) {
    ms = std::min(ms, now_ms_);
    if (!live_ && ms == end_ms_) return;
    end_ms_ = ms;
    live_ = false;
    emit viewChanged();
}

void SequenceDiagram::setSpanMs(double ms) {
    ms = std::clamp(ms, 20.0, 120'000.0);
    if (ms == span_ms_) return;
    span_ms_ = ms;
    emit viewChanged();
}

void SequenceDiagram::scrollBy(double ms) {
    const double end = endMs() + ms;
    if (end >= now_ms_) {
        setLive(true);
    } else {
        setEndMs(std::max(end, span_ms_ * 0.25));
    }
}

void SequenceDiagram::zoomBy(double factor) {
    if (factor > 0) setSpanMs(span_ms_ * factor);
}

QRectF SequenceDiagram::plot() const {
    const double gutter = font_px_ * 4.2;
    const double header = font_px_ * 2.0;
    return QRectF(gutter, header, std::max(1.0, width() - gutter - font_px_ * 0.5),
                  std::max(1.0, height() - header - 4));
}

double SequenceDiagram::lane_x(int lane) const {
    const int n = history_ ? std::max<int>(1, static_cast<int>(history_->lanes().size())) : 1;
    const QRectF r = plot();
    return r.left() + r.width() * (lane + 0.5) / n;
}

double SequenceDiagram::y_of(std::int64_t ns) const {
    const QRectF r = plot();
    const double t0 = endMs() - span_ms_;
    return r.top() + (static_cast<double>(ns) / 1e6 - t0) / span_ms_ * r.height();
}

bool SequenceDiagram::passes(const RpcHistory::Rpc& r) const {
    if (r.from_lane < 0 || r.to_lane < 0) return false;
    if (!api_filter_.isEmpty() && history_->api_name(r.event.api_key) != api_filter_) return false;
    if (!node_filter_.isEmpty()) {
        const auto& lanes = history_->lanes();
        if (lanes[r.from_lane] != node_filter_ && lanes[r.to_lane] != node_filter_) return false;
    }
    if (!partition_filter_.isEmpty()) {
        const QString p = history_->partition_of(r.event);
        if (p != partition_filter_ &&
            history_->topic_name(r.event.detail.topic) != partition_filter_)
            return false;
    }
    return true;
}

QColor SequenceDiagram::colour_of(const RpcHistory::Rpc& r) const {
    const auto& lanes = history_->lanes();
    const QString& from = lanes[r.from_lane];
    const QString& to = lanes[r.to_lane];
    const bool from_controller = from.startsWith(QLatin1String("controller-"));
    const bool to_controller = to.startsWith(QLatin1String("controller-"));
    if (from == QLatin1String("clients") || to == QLatin1String("clients")) return client_;
    if (from_controller && to_controller) return quorum_;
    if (from_controller || to_controller) return control_;
    return replication_;
}

QString SequenceDiagram::saveSvg(const QUrl& file) {
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    if (path.isEmpty()) return "no file was named";
    if (width() < 1 || height() < 1) return "the diagram is not on screen";
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(QSize(static_cast<int>(width()), static_cast<int>(height())));
    svg.setViewBox(QRectF(0, 0, width(), height()));
    svg.setTitle("Kraftlab: RPCs of the lab network");
    svg.setDescription(QString("lab time %1 s to %2 s")
                           .arg((endMs() - span_ms_) / 1000.0, 0, 'f', 3)
                           .arg(endMs() / 1000.0, 0, 'f', 3));
    QPainter painter;
    if (!painter.begin(&svg)) return "cannot write " + path;
    painter.fillRect(QRectF(0, 0, width(), height()), background_);
    // The same drawing as on screen; what it counts for the tests is the screen's again after.
    const auto drawn = drawn_;
    const int arrows = arrows_drawn_, lost = lost_arrows_;
    paint(&painter);
    drawn_ = drawn;
    arrows_drawn_ = arrows;
    lost_arrows_ = lost;
    if (!painter.end()) return "cannot write " + path;
    return {};
}

void SequenceDiagram::paint(QPainter* p) {
    drawn_.clear();
    arrows_drawn_ = 0;
    lost_arrows_ = 0;
    const QRectF r = plot();
    const double t1 = endMs();
    const double t0 = t1 - span_ms_;
    QFont font = p->font();
    font.setPixelSize(font_px_);
    p->setFont(font);
    QFontMetricsF fm(font);
    p->setRenderHint(QPainter::Antialiasing, true);

    // The time axis: a line and a label at every step, so that a few fit.
    static constexpr double kSteps[] = {1,   2,   5,    10,   20,   50,     100,
                                        200, 500, 1000, 2000, 5000, 10'000, 30'000};
    double step = kSteps[std::size(kSteps) - 1];
    for (double s : kSteps) {
        if (r.height() * s / span_ms_ >= font_px_ * 3.0) {
            step = s;
            break;
        }
    }
    p->setPen(QPen(lane_, 1, Qt::DotLine));
    for (double t = std::ceil(t0 / step) * step; t <= t1; t += step) {
        const double y = r.top() + (t - t0) / span_ms_ * r.height();
        p->drawLine(QPointF(r.left(), y), QPointF(r.right(), y));
        p->setPen(dim_);
        const QString label = step >= 1000  ? QString::number(t / 1000.0, 'f', 0) + " s"
                              : step >= 100 ? QString::number(t / 1000.0, 'f', 1) + " s"
                                            : QString::number(t / 1000.0, 'f', 3) + " s";
        p->drawText(QRectF(0, y - font_px_, r.left() - font_px_ * 0.4, font_px_ * 2),
                    Qt::AlignRight | Qt::AlignVCenter, label);
        p->setPen(QPen(lane_, 1, Qt::DotLine));
    }

    if (!history_) {
        emit painted();
        return;
    }
    const auto& lanes = history_->lanes();

    // Bands and arrows stay in the plot: an RPC that began above it is cut at its top.
    p->save();
    p->setClipRect(r.adjusted(-font_px_, 0, font_px_, 0));
    // Fault bands, under everything else; their labels over everything.
    struct BandLabel {
        QRectF at;
        QColor colour;
        QString text;
    };
    std::vector<BandLabel> band_labels;
    for (const auto& b : history_->bands()) {
        const double end = b.end_ms < 0 ? t1 : static_cast<double>(b.end_ms);
        if (end < t0 || static_cast<double>(b.start_ms) > t1 || b.first_lane < 0) continue;
        const double lane_w = r.width() / std::max<qsizetype>(1, lanes.size());
        const double left = lane_x(b.first_lane) - lane_w * 0.45;
        const double right = lane_x(b.last_lane) + lane_w * 0.45;
        const double top = std::max(r.top(), y_of(b.start_ms * 1'000'000));
        const double bottom =
            std::min(r.bottom(), y_of(static_cast<std::int64_t>(end) * 1'000'000));
        const QColor fill = b.what.startsWith(QLatin1String("cut")) ? lost_ : band_;
        QColor tint = fill;
        tint.setAlphaF(0.13f);
        p->fillRect(QRectF(left, top, right - left, std::max(2.0, bottom - top)), tint);
        p->setPen(QPen(fill, 1));
        p->drawLine(QPointF(left, top), QPointF(right, top));
        band_labels.push_back({QRectF(left + 2, top + 1, right - left - 4, font_px_ * 1.35), fill,
                               b.what + " · " + b.where});
    }

    p->restore();
    // Lanes and their names.
    for (int i = 0; i < lanes.size(); ++i) {
        const double x = lane_x(i);
        const bool chosen = node_filter_ == lanes[i];
        p->setPen(QPen(chosen ? text_ : lane_, chosen ? 2 : 1));
        p->drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
        QString name = lanes[i];
        name.replace(QLatin1String("controller-"), QLatin1String("C"));
        name.replace(QLatin1String("broker-"), QLatin1String("B"));
        p->setPen(text_);
        QFont bold = font;
        bold.setBold(true);
        p->setFont(bold);
        p->drawText(QRectF(x - 60, 0, 120, r.top() - 2), Qt::AlignHCenter | Qt::AlignBottom, name);
        p->setFont(font);
    }

    // The arrows, folded per bucket.
    struct Agg {
        QPointF from, to;
        QColor colour;
        std::uint64_t seq;
        int count = 0;
        bool response = false;
        bool lost = false;  // ends half-way in ✗
    };
    QHash<quint64, Agg> buckets;
    std::vector<quint64> order;
    auto add = [&](const RpcHistory::Rpc& rpc, QPointF a, QPointF b, bool response, bool lost,
                   QColor colour) {
        if (std::max(a.y(), b.y()) < r.top() || std::min(a.y(), b.y()) > r.bottom()) return;
        const auto bucket = static_cast<quint64>(std::max(0.0, a.y() - r.top()) / kBucketPx);
        const quint64 key =
            (static_cast<quint64>(rpc.from_lane) << 56) |
            (static_cast<quint64>(rpc.to_lane) << 48) | (static_cast<quint64>(response) << 47) |
            (static_cast<quint64>(lost) << 46) |
            (static_cast<quint64>(static_cast<std::uint16_t>(rpc.event.api_key)) << 30) |
            (bucket & 0x3fffffff);
        auto it = buckets.find(key);
        if (it == buckets.end()) {
            buckets.insert(key, Agg{a, b, colour, rpc.event.seq, 1, response, lost});
            order.push_back(key);
        } else {
            ++it->count;
        }
    };
    const auto& rpcs = history_->rpcs();
    const auto t0_ns = static_cast<std::int64_t>(t0 * 1e6);
    const auto t1_ns = static_cast<std::int64_t>(t1 * 1e6);
    for (std::size_t i = history_->first_ending_after(t0_ns, kSlackNs); i < rpcs.size(); ++i) {
        const auto& rpc = rpcs[i];
        const auto& e = rpc.event;
        if (rpc.end_ns < t0_ns || e.sent_ns > t1_ns || !passes(rpc)) continue;
        const QColor colour = colour_of(rpc);
        const double xf = lane_x(rpc.from_lane), xt = lane_x(rpc.to_lane);
        const double mid = (xf + xt) / 2;
        const QPointF sent(xf, y_of(e.sent_ns));
        if (e.outcome == Outcome::RequestLost || e.outcome == Outcome::RequestCut) {
            add(rpc, sent, QPointF(mid, sent.y()), false, true, colour);
            continue;
        }
        if (e.arrived_ns > 0) add(rpc, sent, QPointF(xt, y_of(e.arrived_ns)), false, false, colour);
        if (e.answered_ns > 0) {
            const QPointF answered(xt, y_of(e.answered_ns));
            if (e.outcome == Outcome::ResponseLost || e.outcome == Outcome::ResponseCut) {
                add(rpc, answered, QPointF(mid, answered.y()), true, true, colour);
            } else if (e.returned_ns > 0) {
                add(rpc, answered, QPointF(xf, y_of(e.returned_ns)), true, false, colour);
            }
        }
        if (e.outcome == Outcome::TimedOut || e.outcome == Outcome::Disconnected) {
            const double y = y_of(e.returned_ns > 0 ? e.returned_ns : rpc.end_ns);
            add(rpc, QPointF(xf, y), QPointF(xf, y), true, true, colour);
        }
    }

    const double head = std::max(5.0, font_px_ * 0.55);
    std::vector<QRectF> labels;  // counts drawn so far
    p->setClipRect(r.adjusted(-font_px_, 0, font_px_, 0));
    for (quint64 key : order) {
        const Agg& a = buckets[key];
        QColor c = a.lost ? lost_ : a.colour;
        if (a.response && !a.lost) c.setAlphaF(0.55f);
        const double w = a.count > 1 ? 1.5 + std::min(5.0, std::log2(a.count)) : 1.5;
        p->setPen(QPen(c, w, a.response && !a.lost ? Qt::DashLine : Qt::SolidLine, Qt::FlatCap));
        if (a.from == a.to) {  // timed out or disconnected: ✗ on the sender's lane
            cross(p, a.from, head * 0.8);
        } else {
            p->drawLine(a.from, a.to);
            p->setPen(QPen(c, std::max(2.0, w)));
            if (a.lost) {
                cross(p, a.to, head * 0.8);
            } else {
                arrow_head(p, a.from, a.to, head + w);
            }
        }
        if (a.count > 2) {
            // The count where it does not cover another one (a frame draws a few dozen).
            const QPointF at = a.from + (a.to - a.from) * 0.5;
            const QString text = QStringLiteral("×%1").arg(a.count);
            const QRectF box(at.x() - fm.horizontalAdvance(text) / 2 - 2, at.y() - font_px_ * 1.25,
                             fm.horizontalAdvance(text) + 4, font_px_ * 1.2);
            const bool clear = std::none_of(labels.begin(), labels.end(),
                                            [&](const QRectF& l) { return l.intersects(box); });
            if (clear && labels.size() < 400) {
                labels.push_back(box);
                p->setPen(a.lost ? lost_ : text_);
                p->drawText(box, Qt::AlignCenter, text);
            }
        }
        drawn_.push_back({a.from, a.to, a.seq, a.count, a.response, a.lost});
        ++arrows_drawn_;
        lost_arrows_ += a.lost ? 1 : 0;
    }
    for (const auto& l : band_labels) {
        const QString text = fm.elidedText(l.text, Qt::ElideRight, l.at.width() - 6);
        QRectF box = l.at;
        box.setWidth(std::min(l.at.width(), fm.horizontalAdvance(text) + 8));
        QColor back = background_;
        back.setAlphaF(0.85f);
        p->fillRect(box, back);
        p->setPen(l.colour);
        p->drawText(box.adjusted(4, 0, -2, 0), Qt::AlignLeft | Qt::AlignVCenter, text);
    }
    emit painted();
}

QVariantList SequenceDiagram::arrows() const {
    QVariantList out;
    for (const auto& d : drawn_) {
        out.append(QVariantMap{{"x1", d.from.x()},
                               {"y1", d.from.y()},
                               {"x2", d.to.x()},
                               {"y2", d.to.y()},
                               {"count", d.count},
                               {"lost", d.lost},
                               {"response", d.response}});
    }
    return out;
}

QVariantMap SequenceDiagram::rpcAt(double x, double y) const {
    if (!history_) return {};
    const QPointF at(x, y);
    const Drawn* best = nullptr;
    double best_d = kHitPx;
    for (const auto& d : drawn_) {
        // Among arrows about as close, the one ending in ✗ (what a class clicks on).
        const double dist = distance_to_segment(at, d.from, d.to) - (d.lost ? 2.0 : 0.0);
        if (dist <= best_d) {
            best_d = dist;
            best = &d;
        }
    }
    if (!best) return {};
    const auto& rpcs = history_->rpcs();
    const auto it = std::lower_bound(
        rpcs.begin(), rpcs.end(), best->seq,
        [](const RpcHistory::Rpc& r, std::uint64_t seq) { return r.event.seq < seq; });
    if (it == rpcs.end() || it->event.seq != best->seq) return {};
    const auto& e = it->event;
    const auto& lanes = history_->lanes();
    QVariantMap m{
        {"from", lanes.value(it->from_lane)},
        {"to", lanes.value(it->to_lane)},
        {"api", history_->api_name(e.api_key) + " v" + QString::number(e.api_version)},
        {"direction", best->response ? "response" : "request"},
        {"correlationId", e.correlation_id},
        {"requestBytes", e.request_bytes},
        {"responseBytes", e.response_bytes},
        {"partition", history_->partition_of(e)},
        {"partitions", e.detail.partitions},
        {"offset",
         e.detail.offset >= 0 ? QVariant(static_cast<double>(e.detail.offset)) : QVariant()},
        {"sent", lab_ms_text(e.sent_ns)},
        {"arrived", lab_ms_text(e.arrived_ns)},
        {"answered", lab_ms_text(e.answered_ns)},
        {"returned", lab_ms_text(e.returned_ns)},
        {"outcome", outcome_text(e.outcome)},
        {"lost", is_lost(e.outcome)},
        {"delayed", e.delayed},
        {"duplicated", e.duplicated},
        {"reordered", e.reordered},
        {"count", best->count},
    };
    return m;
}
