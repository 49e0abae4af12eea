pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import Kraftlab

// The cluster as a diagram: the KRaft controller quorum on the left, the brokers beside it, one
// card each, all in view. Cards share one width; more nodes than fit scroll sideways.
Item {
    id: band

    readonly property int controllerCount: Lab.controllers.count
    readonly property int brokerCount: Lab.brokers.count
    // A panel's border and margins around its cards, left and right.
    readonly property real panelPadding: 2 * Theme.spacing
    readonly property real minCardWidth: 140 * Theme.scale
    readonly property real cardWidth: Math.max(minCardWidth, Math.min(320 * Theme.scale,
        (width - Theme.spacing - 2 * panelPadding) / Math.max(1, controllerCount + brokerCount)))
    // The tallest card's own height: the band is as tall as that (Main caps it).
    readonly property real tallestCard: {
        let tallest = 0
        for (const list of [controllerList, grid]) {
            const children = list.contentItem.children
            for (let i = 0; i < children.length; ++i) tallest = Math.max(tallest, children[i].implicitHeight || 0)
        }
        return tallest
    }
    implicitHeight: brokersPanel.chromeHeight + tallestCard + Theme.spacing

    Panel {
        id: quorum
        objectName: "quorumPanel"
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        visible: band.controllerCount > 0
        width: visible ? Math.min(band.controllerCount * band.cardWidth + band.panelPadding, band.width * 0.6) : 0
        title: "KRaft quorum"
        lookKeys: ["quorum"]
        subtitle: Lab.controllers.activeId >= 0
                  ? "epoch " + Lab.controllers.epoch + " · active controller " + Lab.controllers.activeId
                  : (Lab.controllers.running * 2 > band.controllerCount ? "electing a leader…" : "no majority: no leader can be elected")
        tip: "The controllers keep the cluster's metadata in a replicated log (Raft). One is the leader, the active controller: brokers register and heartbeat with it. When it goes, the others elect a new one in a higher epoch; a majority must vote."

        ListView {
            id: controllerList
            anchors.fill: parent
            orientation: ListView.Horizontal
            clip: true
            model: Lab.controllers
            boundsBehavior: Flickable.StopAtBounds
            interactive: contentWidth > width
            ScrollBar.horizontal: ScrollBar {}
            delegate: ControllerCard {
                width: Math.max(band.minCardWidth, controllerList.width / Math.max(1, band.controllerCount)) - Theme.spacing
                height: controllerList.height - Theme.spacing
            }
            spacing: Theme.spacing
        }
    }

    Panel {
        id: brokersPanel
        anchors.left: quorum.right
        anchors.leftMargin: quorum.visible ? Theme.spacing : 0
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        title: "Brokers"
        key: "cluster"
        lookKeys: ["cluster", "brokers"]
        subtitle: band.brokerCount + (band.brokerCount === 1 ? " broker" : " brokers")
        tip: "Brokers store partitions and serve clients. Each registers with the active controller and heartbeats to keep its session; a broker whose session runs out is fenced and leads nothing."

        // Cards side by side, as wide as the band allows (within limits); more brokers scroll.
        GridView {
            id: grid
            anchors.fill: parent
            clip: true
            cellWidth: Math.max(band.minCardWidth, Math.min(320 * Theme.scale, width / Math.max(1, count)))
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
}
