// SequenceDiagram: the live message-sequence (Lamport) diagram of the lab network's RPCs. A
// vertical lane per node (RpcHistory's lanes), lab time running down; each request an arrow
// from its sender's lane at the time it was sent to its receiver's at the time it arrived, each
// response an arrow back (fainter); a message the network lost or cut ends half-way in ✗, a
// request that timed out or lost its connection gets ✗ on its sender's lane. Fault intervals are
// bands across the lanes they touch, labelled. Filters by API, node and partition.
//
// Its cost does not grow with the RPC rate: arrows of one kind between the same two lanes that
// start within a few pixels of each other are drawn as one thicker arrow with their count
// ("×12"), so a frame draws at most lanes² × (height / bucket) arrows.
//
// Thread and lifecycle: GUI thread (QQuickPaintedItem paints on it too, into an FBO). A QML
// item; it reads the history it is given and repaints when the frame clock (nowMs) moves while
// live, or when its view or filters change. Scrolling back stops following the present.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QColor>
#include <QPointer>
#include <QQuickPaintedItem>
#include <QUrl>
#include <QVariantMap>
#include <vector>

#include "rpc_history.h"

class SequenceDiagram : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(RpcHistory* history READ history WRITE setHistory NOTIFY historyChanged)
    // Lab time now (Lab.nowMs), and whether the diagram's bottom follows it; when not, endMs is
    // the lab time at its bottom. spanMs: the lab time from top to bottom.
    Q_PROPERTY(double nowMs READ nowMs WRITE setNowMs NOTIFY nowMsChanged)
    Q_PROPERTY(bool live READ live WRITE setLive NOTIFY viewChanged)
    Q_PROPERTY(double endMs READ endMs WRITE setEndMs NOTIFY viewChanged)
    Q_PROPERTY(double spanMs READ spanMs WRITE setSpanMs NOTIFY viewChanged)
    // "" for all; an API name ("Fetch"), a node ("broker-2": RPCs from or to it), a partition
    // ("orders-3", or a topic "orders": RPCs naming it first).
    Q_PROPERTY(QString apiFilter MEMBER api_filter_ NOTIFY filterChanged)
    Q_PROPERTY(QString nodeFilter MEMBER node_filter_ NOTIFY filterChanged)
    Q_PROPERTY(QString partitionFilter MEMBER partition_filter_ NOTIFY filterChanged)
    // Looks (the Theme's).
    Q_PROPERTY(int fontPixelSize MEMBER font_px_ NOTIFY looksChanged)
    Q_PROPERTY(QColor textColor MEMBER text_ NOTIFY looksChanged)
    Q_PROPERTY(QColor dimColor MEMBER dim_ NOTIFY looksChanged)
    Q_PROPERTY(QColor laneColor MEMBER lane_ NOTIFY looksChanged)
    Q_PROPERTY(QColor quorumColor MEMBER quorum_ NOTIFY looksChanged)
    Q_PROPERTY(QColor controlColor MEMBER control_ NOTIFY looksChanged)
    Q_PROPERTY(QColor replicationColor MEMBER replication_ NOTIFY looksChanged)
    Q_PROPERTY(QColor clientColor MEMBER client_ NOTIFY looksChanged)
    Q_PROPERTY(QColor lostColor MEMBER lost_ NOTIFY looksChanged)
    Q_PROPERTY(QColor bandColor MEMBER band_ NOTIFY looksChanged)
    Q_PROPERTY(QColor backgroundColor MEMBER background_ NOTIFY looksChanged)
    // What the last paint drew: arrows (the tests read it).
    Q_PROPERTY(int arrowsDrawn READ arrowsDrawn NOTIFY painted)
    // Of those arrows, the ones ending in ✗ (lost, cut, timed out).
    Q_PROPERTY(int lostArrows READ lostArrows NOTIFY painted)

  public:
    explicit SequenceDiagram(QQuickItem* parent = nullptr);

    void paint(QPainter* painter) override;

    RpcHistory* history() const { return history_; }
    void setHistory(RpcHistory* history);
    double nowMs() const { return now_ms_; }
    void setNowMs(double ms);
    bool live() const { return live_; }
    void setLive(bool live);
    double endMs() const { return live_ ? now_ms_ : end_ms_; }
    void setEndMs(double ms);
    double spanMs() const { return span_ms_; }
    void setSpanMs(double ms);
    int arrowsDrawn() const { return arrows_drawn_; }
    int lostArrows() const { return lost_arrows_; }

    // The RPC under (x, y), within a few pixels of its arrow: every field the tap recorded, in
    // words and lab ms ({} when none). An aggregated arrow answers with its first RPC and the
    // count.
    Q_INVOKABLE QVariantMap rpcAt(double x, double y) const;
    // The arrows of the last paint: [{x1, y1, x2, y2, count, lost, response}] (for tests, and
    // for a view that wants to point at one).
    Q_INVOKABLE QVariantList arrows() const;
    // Moves the view back (negative) or forward in lab time; forward past now is live again.
    Q_INVOKABLE void scrollBy(double ms);
    Q_INVOKABLE void zoomBy(double factor);
    // Draws the diagram as it is on screen (its window of lab time, its filters) into an SVG
    // file, for slides and bug reports: "" when written, else why not in plain words.
    Q_INVOKABLE QString saveSvg(const QUrl& file);

  signals:
    void historyChanged();
    void nowMsChanged();
    void viewChanged();
    void filterChanged();
    void looksChanged();
    void painted();

  private:
    struct Drawn {  // an arrow as painted, for rpcAt()
        QPointF from, to;
        std::uint64_t seq;
        int count;
        bool response;
        bool lost;
    };
    bool passes(const RpcHistory::Rpc& r) const;
    QColor colour_of(const RpcHistory::Rpc& r) const;
    double lane_x(int lane) const;
    double y_of(std::int64_t ns) const;
    QRectF plot() const;

    QPointer<RpcHistory> history_;
    double now_ms_ = 0;
    double end_ms_ = 0;
    double span_ms_ = 3000;
    bool live_ = true;
    QString api_filter_, node_filter_, partition_filter_;
    int font_px_ = 12;
    QColor text_{Qt::black}, dim_{Qt::darkGray}, lane_{Qt::lightGray};
    QColor quorum_{"#8e5bd8"}, control_{"#2f9e62"}, replication_{"#3f8fdc"}, client_{"#e3a21a"},
        lost_{"#d23f3f"}, band_{"#e0702f"}, background_{Qt::white};
    int arrows_drawn_ = 0;
    int lost_arrows_ = 0;
    std::vector<Drawn> drawn_;
};
