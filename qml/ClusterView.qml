import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// The brokers, one card each.
Panel {
    id: view
    title: "Cluster"
    subtitle: Lab.brokers.count + " brokers"
    tip: "A Kafka cluster is a group of brokers: servers that store partitions and serve clients."

    GridView {
        id: grid
        anchors.fill: parent
        clip: true
        cellWidth: Math.floor(width / Math.max(1, Math.floor(width / (190 * Theme.scale))))
        cellHeight: 150 * Theme.scale
        model: Lab.brokers
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}
        delegate: BrokerCard {
            width: grid.cellWidth - Theme.spacing
            height: grid.cellHeight - Theme.spacing
        }
    }
}
