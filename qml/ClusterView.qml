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

    // Cards side by side, as wide as the band allows (within limits); more brokers wrap.
    GridView {
        id: grid
        anchors.fill: parent
        clip: true
        cellWidth: Math.max(200 * Theme.scale, Math.min(300 * Theme.scale, width / Math.max(1, count)))
        cellHeight: height
        model: Lab.brokers
        boundsBehavior: Flickable.StopAtBounds
        flow: GridView.FlowTopToBottom
        ScrollBar.horizontal: ScrollBar {}
        delegate: BrokerCard {
            width: grid.cellWidth - Theme.spacing
            height: grid.cellHeight - Theme.spacing
        }
    }
}
