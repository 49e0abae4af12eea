import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// The lab network: on the left the nodes on a ring with their links drawn by state (click a
// link to set its faults, a node for its menu, drag a line across the ring to partition it);
// on the right every RPC between them as a sequence diagram, fault intervals as bands.
Panel {
    id: view
    objectName: "networkPanel"
    title: "Network"
    subtitle: Lab.network.summary
    tip: "Every request between the lab's nodes crosses a link you can break: cut it (silence: the sender waits for its own timeout), delay it, lose or duplicate messages. Arrows are RPCs in lab time, top to bottom: violet between controllers (the quorum), green between brokers and controllers (heartbeats, ISR changes), blue between brokers (replication), gold from the clients. ✗: lost or cut."
    key: "network"
    // Short (the place under the topics at 1280×720): no room for a ring a finger can use, so
    // the diagram takes it all; the panel's key or ⤢ brings the ring with it.
    readonly property bool ringShown: height >= 300 * Theme.scale

    // A line of the legend: a link drawn in one state, and its word.
    component Key: Row {
        id: key
        property string kind
        property string word
        spacing: 4
        Rectangle {
            width: Theme.fontSmall * 1.4
            height: key.kind === "healthy" ? 1 : 3
            anchors.verticalCenter: parent.verticalCenter
            color: Theme.linkColour(key.kind)
        }
        Label { text: key.word; font.pixelSize: Theme.fontSmall; color: Theme.textDim }
    }

    actions: Button {
        objectName: "healNetwork"
        text: "Heal all"
        flat: true
        enabled: Lab.network.faultyLinks > 0
        font.pixelSize: Theme.fontSmall
        height: Theme.fontLarge + 8
        topInset: 0
        bottomInset: 0
        onClicked: Lab.healNetwork()
        ToolTip.visible: hovered
        ToolTip.delay: 500
        ToolTip.text: "Clear every fault on every link"
    }

    RowLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        ColumnLayout {
            visible: view.ringShown
            Layout.fillHeight: true
            Layout.preferredWidth: Math.min(view.height * 0.8, view.width * 0.3)
            Layout.maximumWidth: Layout.preferredWidth
            spacing: Theme.spacing / 2
            NetworkRing {
                id: ring
                Layout.fillWidth: true
                Layout.fillHeight: true
                onLinkClicked: (a, b) => linkDialog.openFor(a, b)
                onNodeClicked: (name) => { nodeMenu.node = name; nodeMenu.popup() }
            }
            Grid {
                columns: 3
                columnSpacing: Theme.spacing
                rowSpacing: 2
                Key { kind: "healthy"; word: "healthy" }
                Key { kind: "cut"; word: "cut ✗" }
                Key { kind: "delayed"; word: "delayed" }
                Key { kind: "lossy"; word: "lossy" }
                Key { kind: "flaky"; word: "dup/reorder" }
            }
            Label {
                Layout.fillWidth: true
                text: "Click a link to break it · drag across the ring to partition"
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.Wrap
            }
        }
        SequenceView {
            id: sequence
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
    }

    LinkDialog { id: linkDialog }

    Menu {
        id: nodeMenu
        objectName: "networkNodeMenu"
        property string node
        readonly property bool isBroker: node.indexOf("broker-") === 0
        background: PopupBackground {}
        MenuItem {
            text: "Isolate " + nodeMenu.node
            onTriggered: Lab.isolateNode(nodeMenu.node)
        }
        MenuItem {
            text: "Cut " + nodeMenu.node + " off from the controllers"
            visible: nodeMenu.isBroker
            height: visible ? implicitHeight : 0
            onTriggered: {
                const controllers = []
                for (const n of Lab.network.nodes) if (n.kind === "controller") controllers.push(n.name)
                Lab.partitionNetwork([[nodeMenu.node], controllers])
            }
        }
        MenuItem {
            text: "Cut " + nodeMenu.node + " off from the clients"
            visible: nodeMenu.isBroker
            height: visible ? implicitHeight : 0
            onTriggered: Lab.setLinkFaults(nodeMenu.node, "clients", { cut: true }, false)
        }
        MenuItem {
            text: "Show only its RPCs"
            onTriggered: sequence.showNode(nodeMenu.node)
        }
        MenuItem {
            text: "Heal every link"
            enabled: Lab.network.faultyLinks > 0
            onTriggered: Lab.healNetwork()
        }
    }
}
