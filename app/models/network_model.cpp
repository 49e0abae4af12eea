#include "network_model.h"

#include "core/events.h"

using kraftlab::core::NodeRef;
using kraftlab::net::LinkFaults;

namespace {

int severity(const QString& state) {
    if (state == "cut") return 4;
    if (state == "lossy") return 3;
    if (state == "delayed") return 2;
    if (state == "flaky") return 1;
    return 0;
}

}  // namespace

NetworkModel::NetworkModel(QObject* parent) : QObject(parent) {}

QString NetworkModel::state_of(const LinkFaults& f) {
    if (f.cut) return QStringLiteral("cut");
    if (f.loss_percent > 0) return QStringLiteral("lossy");
    if (f.delay_ms > 0 || f.jitter_ms > 0 || f.bandwidth_bytes_per_s > 0)
        return QStringLiteral("delayed");
    if (f.duplicate_percent > 0 || f.reorder_percent > 0) return QStringLiteral("flaky");
    return QStringLiteral("healthy");
}

void NetworkModel::refresh(kraftlab::lab::Cluster& cluster, const kraftlab::lab::LabView& view) {
    cluster_ = &cluster;
    auto& network = cluster.network();
    struct Node {
        QString name, label, kind;
        bool up;
    };
    std::vector<Node> ring;
    for (const auto& c : view.controllers) {
        ring.push_back({QString::fromStdString(NodeRef::controller(c.id).label()),
                        QStringLiteral("C%1").arg(c.id), QStringLiteral("controller"), c.running});
    }
    for (const auto& b : view.brokers) {
        ring.push_back({QString::fromStdString(NodeRef::broker(b.id).label()),
                        QStringLiteral("B%1").arg(b.id), QStringLiteral("broker"), b.running});
    }
    ring.push_back({QString::fromLatin1(kraftlab::net::kClientsNode.data(),
                                        static_cast<qsizetype>(kraftlab::net::kClientsNode.size())),
                    QStringLiteral("clients"), QStringLiteral("clients"), true});

    QString fingerprint;
    std::vector<kraftlab::net::NodeIndex> index;
    for (const auto& n : ring) {
        fingerprint += n.name + (n.up ? "+" : "-");
        index.push_back(network.node(n.name.toStdString()));
    }
    QVariantList links;
    int faulty = 0;
    int cut = 0;
    for (std::size_t a = 0; a < ring.size(); ++a) {
        for (std::size_t b = a + 1; b < ring.size(); ++b) {
            const LinkFaults forward = network.faults(index[a], index[b]);
            const LinkFaults backward = network.faults(index[b], index[a]);
            const QString fs = state_of(forward), bs = state_of(backward);
            const QString state = severity(fs) >= severity(bs) ? fs : bs;
            faulty += (forward.any() ? 1 : 0) + (backward.any() ? 1 : 0);
            cut += (forward.cut ? 1 : 0) + (backward.cut ? 1 : 0);
            const QString fw = forward.any() ? QString::fromStdString(forward.describe())
                                             : QStringLiteral("healthy");
            const QString bw = backward.any() ? QString::fromStdString(backward.describe())
                                              : QStringLiteral("healthy");
            fingerprint += QStringLiteral("|%1%2%3").arg(a).arg(fw, bw);
            links.append(QVariantMap{{"a", static_cast<int>(a)},
                                     {"b", static_cast<int>(b)},
                                     {"state", state},
                                     {"oneWay", forward.cut != backward.cut},
                                     {"forward", fw},
                                     {"backward", bw}});
        }
    }
    if (fingerprint == fingerprint_) return;
    fingerprint_ = fingerprint;
    names_.clear();
    nodes_.clear();
    for (const auto& n : ring) {
        names_.append(n.name);
        nodes_.append(
            QVariantMap{{"name", n.name}, {"label", n.label}, {"kind", n.kind}, {"up", n.up}});
    }
    links_ = std::move(links);
    faulty_links_ = faulty;
    if (faulty == 0) {
        summary_ = QStringLiteral("every link is healthy");
    } else {
        summary_ = QStringLiteral("%1 link direction%2 with a fault")
                       .arg(faulty)
                       .arg(faulty == 1 ? "" : "s");
        if (cut) summary_ += QStringLiteral(", %1 cut").arg(cut);
    }
    emit changed();
}

QVariantMap NetworkModel::faults(const QString& from, const QString& to) const {
    LinkFaults f;
    if (cluster_) {
        auto& network = cluster_->network();
        auto a = network.find_node(from.toStdString());
        auto b = network.find_node(to.toStdString());
        if (a && b) f = network.faults(*a, *b);
    }
    return {{"cut", f.cut},
            {"delayMs", f.delay_ms},
            {"jitterMs", f.jitter_ms},
            {"normal", f.distribution == LinkFaults::Distribution::Normal},
            {"lossPercent", f.loss_percent},
            {"lossBurst", f.loss_burst},
            {"duplicatePercent", f.duplicate_percent},
            {"reorderPercent", f.reorder_percent},
            {"bandwidth", static_cast<double>(f.bandwidth_bytes_per_s)}};
}
