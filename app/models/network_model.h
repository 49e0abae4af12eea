// NetworkModel: the lab network as the network view draws it: the nodes on a ring (controllers,
// brokers, the clients) and, for every pair of them, the state of the link between them in each
// direction (healthy, cut, delayed, lossy, flaky: duplicates or reordering).
//
// Thread and lifecycle: GUI thread. Owned by LabController, refreshed from the frame timer when
// the network changed or a node went up or down (a few dozen links: the whole list is rebuilt).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QStringList>
#include <QVariantList>
#include <QVariantMap>

#include "lab/cluster.h"

class NetworkModel : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by Lab")
    // [{name: "broker-1", label: "B1", kind: "broker"|"controller"|"clients", up: bool}], in
    // ring order.
    Q_PROPERTY(QVariantList nodes READ nodes NOTIFY changed)
    // [{a, b (indexes into nodes), state, forward, backward}] for every pair of nodes: state is
    // the worse direction's ("healthy", "cut", "lossy", "delayed", "flaky"); forward (a→b) and
    // backward (b→a) say each direction's faults in words ("healthy" when none).
    Q_PROPERTY(QVariantList links READ links NOTIFY changed)
    // Links (directed) with a fault, and a line saying what the network is like.
    Q_PROPERTY(int faultyLinks READ faultyLinks NOTIFY changed)
    Q_PROPERTY(QString summary READ summary NOTIFY changed)

  public:
    explicit NetworkModel(QObject* parent = nullptr);

    void refresh(kraftlab::lab::Cluster& cluster, const kraftlab::lab::LabView& view);
    // The node names in ring order (the sequence diagram's lanes too).
    QStringList names() const { return names_; }

    QVariantList nodes() const { return nodes_; }
    QVariantList links() const { return links_; }
    int faultyLinks() const { return faulty_links_; }
    QString summary() const { return summary_; }

    // The faults of a→b as the link dialog edits them: {cut, delayMs, jitterMs, normal,
    // lossPercent, lossBurst, duplicatePercent, reorderPercent, bandwidth}.
    Q_INVOKABLE QVariantMap faults(const QString& from, const QString& to) const;

    // The state word of one direction's faults ("healthy", "cut", ...).
    static QString state_of(const kraftlab::net::LinkFaults& f);

  signals:
    void changed();

  private:
    kraftlab::lab::Cluster* cluster_ = nullptr;
    QStringList names_;
    QVariantList nodes_;
    QVariantList links_;
    int faulty_links_ = 0;
    QString summary_;
    QString fingerprint_;  // what the last refresh saw: no change, no signal
};
