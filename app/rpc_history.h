// RpcHistory: what the lab network's RPC tap recorded (net::LabNetwork::drain), kept for the
// sequence diagram: the newest kCapacity RPCs, the lanes they are drawn in (controllers,
// brokers, then the clients), and the intervals during which links had faults.
//
// Thread and lifecycle: GUI thread. Owned by LabController, which drains the tap into it once
// per frame (never a signal per RPC) and sets the lanes from the lab's nodes; the diagrams read
// it while they paint. It lives as long as the app; clear() empties it for a new lab.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QStringList>
#include <deque>
#include <string>
#include <vector>

#include "net/lab_network.h"

class RpcHistory : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")
    // Node names, one lane each, left to right.
    Q_PROPERTY(QStringList lanes READ lanes NOTIFY lanesChanged)
    // The APIs and the partitions ("orders-3") seen so far, for the diagram's filters.
    Q_PROPERTY(QStringList apis READ apis NOTIFY filtersChanged)
    Q_PROPERTY(QStringList partitions READ partitions NOTIFY filtersChanged)
    // RPCs taken from the tap in all, and those it overwrote before a frame could take them.
    Q_PROPERTY(double recorded READ recorded NOTIFY drained)
    Q_PROPERTY(double missed READ missed NOTIFY drained)

  public:
    static constexpr std::size_t kCapacity = 100'000;

    // One RPC as drawn: the tap's event with the lanes of its two ends (-1: not drawn).
    struct Rpc {
        kraftlab::net::RpcEvent event;
        int from_lane = -1;
        int to_lane = -1;
        std::int64_t end_ns = 0;  // the last of its four times
    };
    // A fault, on one or more links, that started at one moment: a partition's six cuts
    // are one band.
    struct Band {
        QString what;   // "cut", "delay 200 ms", ...
        QString where;  // "broker-1 ↔ controller-101", "broker-1 ↔ 3 nodes"
        int first_lane = -1;
        int last_lane = -1;
        std::int64_t start_ms = 0;
        std::int64_t end_ms = -1;  // -1: still on
    };

    explicit RpcHistory(QObject* parent = nullptr);

    // Takes what the tap recorded since the last call. Returns how many RPCs came.
    std::size_t drain(kraftlab::net::LabNetwork& network);
    // The lanes, in order: node names as the network knows them.
    void set_lanes(kraftlab::net::LabNetwork& network, const QStringList& lanes);
    // Re-reads the fault intervals (on a network change, and now and then for open ones).
    void refresh_bands(kraftlab::net::LabNetwork& network);
    void clear();

    QStringList lanes() const { return lanes_; }
    QStringList apis() const { return apis_; }
    QStringList partitions() const { return partitions_; }
    double recorded() const { return static_cast<double>(recorded_); }
    double missed() const { return static_cast<double>(missed_); }

    const std::deque<Rpc>& rpcs() const { return rpcs_; }
    const std::vector<Band>& bands() const { return bands_; }
    // The index of the first RPC that may end at or after t_ns (RPCs are kept in the order
    // they ended, give or take the threads' races, which `slack_ns` covers).
    std::size_t first_ending_after(std::int64_t t_ns, std::int64_t slack_ns) const;
    QString api_name(std::int16_t key) const;
    QString topic_name(std::uint16_t index) const;
    // "orders-3" (or "" when the RPC names no partition).
    QString partition_of(const kraftlab::net::RpcEvent& e) const;

  signals:
    void lanesChanged();
    void filtersChanged();
    void drained();

  private:
    int lane_of(kraftlab::net::NodeIndex index) const;

    std::deque<Rpc> rpcs_;
    std::vector<Band> bands_;
    QStringList lanes_;
    std::vector<int> lane_of_node_;  // by NodeIndex
    QStringList apis_;
    QStringList partitions_;
    std::vector<QString> topic_names_;  // by the network's topic index
    std::uint64_t cursor_ = 0;
    std::uint64_t recorded_ = 0;
    std::uint64_t missed_ = 0;
};
