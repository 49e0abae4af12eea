import QtQuick
import QtQuick.Controls
import Kraftlab

// One broker: who it is, whether it is up (or frozen), what it leads and stores, how busy it is;
// kill or restart it, freeze or thaw it.
Rectangle {
    id: card
    required property int brokerId
    required property string address
    required property bool up
    required property string brokerState
    required property int led
    required property int hosted
    required property var ledPartitions
    required property double bytesStored
    required property double recordsStored
    required property double recordsInPerSecond
    required property double bytesOutPerSecond
    required property int connections
    required property double brokerEpoch
    required property double lastHeartbeatAckMs
    required property int heartbeatIntervalMs
    required property int sessionTimeoutMs
    required property int activeController
    // pause-node: running, but held (as in a long GC pause); the card shows its last state.
    required property bool frozen

    readonly property bool selected: Lab.selectedNode === "broker-" + brokerId
    // A short window's card: the state chip under the name (not beside it, where it would leave
    // the name no room), the epoch line in the tooltip.
    readonly property bool narrow: ViewState.shortWindow
    readonly property color stateColor: Theme.stateColor(brokerState)

    // The session countdown: the controller fences a broker whose heartbeats stop for the
    // session timeout. Computed from the time of the last answered heartbeat and the frame clock,
    // so it runs smoothly between snapshots; it refills when the next heartbeat is answered.
    readonly property bool hasSession: lastHeartbeatAckMs > 0 && sessionTimeoutMs > 0
    readonly property real sessionLeftMs: hasSession ? Math.max(0, sessionTimeoutMs - Math.max(0, Lab.nowMs - lastHeartbeatAckMs)) : 0
    readonly property color sessionColor: !hasSession ? Theme.idle
                                        : sessionLeftMs <= 0 ? Theme.down
                                        : sessionLeftMs < sessionTimeoutMs / 3 ? Theme.outOfSync
                                        : Theme.inSync

    // As tall as its lines (or its heartbeat ring) and its button: the cluster band takes the
    // tallest card's height. A short window drops the address and the traffic line (hover the
    // title and the records for them).
    implicitHeight: Theme.spacing * 2 + Math.max(title.implicitHeight + (addressLabel.visible ? addressLabel.implicitHeight : 0)
                                                 + (narrow ? stateChip.implicitHeight + 2 : epochLabel.implicitHeight)
                                                 + 2 + ledLabel.implicitHeight,
                                                 (narrow ? title.implicitHeight : stateChip.implicitHeight + 4) + ring.height)
                    + (storedLabel.visible ? storedLabel.implicitHeight : 0) + (trafficLabel.visible ? trafficLabel.implicitHeight : 0)
                    + Theme.spacing / 2 + actionButton.height

    radius: Theme.radius
    color: Theme.surfaceAlt
    border.width: selected ? 3 : (Theme.presenter ? 2 : 1)
    border.color: selected ? Theme.accent : Theme.border
    LookHighlight { on: ViewState.lookAt === "broker-" + card.brokerId; outset: 0 }
    opacity: up ? 1.0 : 0.75
    Behavior on opacity { NumberAnimation { duration: 250 } }

    // The state bar on the left edge: green up, orange fenced, red down.
    Rectangle {
        width: 5
        height: parent.height - 2 * parent.radius
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.leftMargin: 2
        radius: 2
        color: card.stateColor
        Behavior on color { ColorAnimation { duration: 300 } }
    }

    MouseArea {
        anchors.fill: parent
        acceptedButtons: Qt.LeftButton | Qt.RightButton
        onClicked: (mouse) => {
            if (mouse.button === Qt.RightButton) menu.popup()
            else Lab.select("broker-" + card.brokerId, "", -1)
        }
    }

    Menu {
        id: menu
        background: PopupBackground {
            implicitWidth: 220 * Theme.scale
        }
        MenuItem {
            text: "Kill broker " + card.brokerId + ": process crash"
            enabled: card.up
            onTriggered: Lab.killBroker(card.brokerId, "process")
        }
        MenuItem {
            text: "Kill broker " + card.brokerId + ": power loss"
            enabled: card.up
            onTriggered: Lab.killBroker(card.brokerId, "power")
        }
        MenuItem {
            text: "Restart broker " + card.brokerId
            enabled: !card.up
            onTriggered: Lab.restartBroker(card.brokerId)
        }
        MenuItem {
            text: (card.frozen ? "Thaw broker " : "Freeze broker ") + card.brokerId
            enabled: card.up
            onTriggered: card.frozen ? Lab.thawNode(card.brokerId) : Lab.freezeNode(card.brokerId)
        }
        MenuItem {
            text: "Copy address"
            onTriggered: Lab.copyToClipboard(card.address)
        }
    }

    // Anchored rows, not layouts: they follow font changes (presenter mode) at once.
    Item {
        id: body
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing * 1.5
        anchors.rightMargin: Theme.spacing
        anchors.topMargin: Theme.spacing
        anchors.bottomMargin: Theme.spacing

        Label {
            id: title
            anchors.left: parent.left
            anchors.right: card.narrow ? ring.left : stateChip.left
            anchors.rightMargin: Theme.spacing / 2
            anchors.top: parent.top
            // Narrow cards (many nodes, presenter mode) shrink the name rather than cut the id off.
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: Theme.fontNormal
            elide: Text.ElideRight
            text: "Broker " + card.brokerId
            font.pixelSize: Theme.fontLarge
            font.weight: Font.Bold
            color: Theme.text
            Tip { text: "Broker " + card.brokerId + " at " + card.address + " (right-click to copy it), "
                        + (card.brokerEpoch >= 0 ? "broker epoch " + card.brokerEpoch : "not registered") + ", hosts " + card.hosted + " replica(s). It stores "
                        + Number(card.recordsStored).toLocaleString(Qt.locale(), "f", 0) + " records, " + Lab.formatBytes(card.bytesStored) + "." }
        }
        // Its registration with the controller quorum.
        Rectangle {
            id: stateChip
            x: card.narrow ? 0 : parent.width - width
            y: card.narrow ? title.height + 2 : (title.height - height) / 2
            width: implicitWidth
            height: implicitHeight
            radius: height / 2
            color: card.frozen ? Theme.accentFill : card.stateColor
            Behavior on color { ColorAnimation { duration: 300 } }
            implicitWidth: stateLabel.implicitWidth + Theme.spacing * 1.5
            implicitHeight: stateLabel.implicitHeight + 4
            Label {
                id: stateLabel
                anchors.centerIn: parent
                text: card.frozen ? "❄ FROZEN" : card.brokerState === "starting" ? "registering" : card.brokerState
                color: "white"
                // FROZEN larger where the chip has the room (beside the name).
                font.pixelSize: card.frozen && !card.narrow ? Theme.fontNormal : Theme.fontSmall
                font.weight: Font.Bold
            }
            Tip {
                text: card.frozen ? "Frozen, as in a long garbage-collection pause: the broker's thread is held, its connections stay open, and it answers nothing while the others go on. It is not down. The card shows what it last knew (it was " + card.brokerState + "); its session ring runs out as the controller's does. Thaw lets it go on."
                    : card.brokerState === "down" ? "This broker's process is stopped; its data stays on disk. The controller fences it when its session runs out."
                    : card.brokerState === "fenced" ? "Fenced: no heartbeat reached the active controller within the session timeout (" + card.sessionTimeoutMs + " ms). A fenced broker leads no partition."
                    : card.brokerState === "registered" ? "Registered with the active controller (broker epoch " + card.brokerEpoch + "), still fenced while it catches up with the metadata log."
                    : card.brokerState === "starting" ? "Starting: asking the active controller to register it."
                    : "Unfenced: registered, heartbeating, and allowed to lead partitions."
            }
        }
        Label {
            id: addressLabel
            visible: !ViewState.shortWindow
            height: visible ? implicitHeight : 0
            anchors.left: parent.left
            anchors.right: ring.left
            anchors.rightMargin: Theme.spacing / 2
            anchors.top: title.bottom
            text: card.address
            font.family: Theme.mono
            font.pixelSize: Theme.fontSmall
            color: Theme.textDim
            elide: Text.ElideRight
        }
        Label {
            id: epochLabel
            visible: !card.narrow
            anchors.left: parent.left
            anchors.right: ring.left
            anchors.rightMargin: Theme.spacing / 2
            anchors.top: addressLabel.bottom
            text: (card.brokerEpoch >= 0 ? "epoch " + card.brokerEpoch : "not registered")
                  + " · hosts " + card.hosted
            font.pixelSize: Theme.fontSmall
            color: Theme.textDim
            elide: Text.ElideRight
            Tip { text: epochLabel.text + ". The broker epoch is the offset of its registration in the metadata log: each (re)start registers anew and gets a higher one. It hosts " + card.hosted + " partition replica(s)." }
        }
        Label {
            id: ledLabel
            anchors.left: parent.left
            anchors.right: ring.left
            anchors.rightMargin: Theme.spacing / 2
            anchors.top: card.narrow ? stateChip.bottom : epochLabel.bottom
            anchors.topMargin: 2
            // A count, not a list cut short: the list is in the tooltip.
            text: card.led > 0 ? "♛ leads " + card.led : "leads nothing"
            color: card.led > 0 ? Theme.text : Theme.textDim
            font.pixelSize: Theme.fontNormal
            font.weight: card.led > 0 ? Font.Bold : Font.Normal
            elide: Text.ElideRight
            Tip {
                text: card.ledPartitions.length > 0
                      ? "Leads " + card.ledPartitions.length + " partition(s): " + card.ledPartitions.join(", ") + ". A leader takes every write and read of its partition; when it goes, the controller moves leadership to an in-sync replica."
                      : "leads nothing: it leads no partition right now."
            }
        }
        Label {
            id: storedLabel
            visible: !ViewState.shortWindow
            anchors.left: parent.left
            anchors.right: parent.right
            // Under the ring when the ring reaches lower than the lines beside it.
            y: Math.max(ledLabel.y + ledLabel.height, ring.y + ring.height)
            text: Number(card.recordsStored).toLocaleString(Qt.locale(), "f", 0) + " rec · " + Lab.formatBytes(card.bytesStored)
            color: Theme.text
            font.pixelSize: Theme.fontNormal
            elide: Text.ElideRight
            Tip { text: "What this broker keeps on disk, in the log segments of its partitions." }
        }
        Label {
            id: trafficLabel
            visible: !ViewState.shortWindow
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: storedLabel.bottom
            text: card.up ? "in " + Lab.charts.formatRate(card.recordsInPerSecond) + " · out " + Lab.formatBytes(card.bytesOutPerSecond) + "/s"
                          : "not serving"
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
            elide: Text.ElideRight
            Tip { text: "Records written to partitions this broker leads, and bytes consumers fetched from it, per second." }
        }

        // The heartbeat ring: full when the controller has just answered a heartbeat, empty when
        // the session timeout has passed since (then the controller fences the broker).
        RingGauge {
            id: ring
            anchors.right: parent.right
            anchors.top: card.narrow ? parent.top : stateChip.bottom
            anchors.topMargin: card.narrow ? 0 : 4
            width: Math.round(Theme.fontNormal * (ViewState.shortWindow ? 2.9 : 3.6))
            height: width
            progress: card.hasSession ? card.sessionLeftMs / card.sessionTimeoutMs : 0
            color: card.sessionColor
            trackColor: Theme.dark ? "#343a45" : "#dfe3e9"
            lineWidth: Math.max(4, Math.round(width / 9))
            Label {
                anchors.centerIn: parent
                text: card.hasSession ? (card.sessionLeftMs / 1000).toFixed(1) + "s" : "–"
                color: card.sessionLeftMs <= 0 && card.hasSession ? Theme.down : Theme.text
                font.family: Theme.mono
                font.pixelSize: Theme.fontSmall
                font.weight: Font.Bold
            }
            Tip {
                text: !card.hasSession ? "No heartbeat answered yet."
                      : "Session: " + (card.sessionLeftMs / 1000).toFixed(1) + " s left of " + card.sessionTimeoutMs
                        + " ms (broker.session.timeout.ms). The broker heartbeats every " + card.heartbeatIntervalMs
                        + " ms" + (card.activeController >= 0 ? " to controller " + card.activeController : "")
                        + "; each answer refills the ring. If it runs out, the controller fences the broker and moves its partitions' leadership."
            }
        }

        Button {
            id: actionButton
            objectName: "killButton"
            anchors.left: parent.left
            anchors.bottom: parent.bottom
            width: card.up ? (parent.width - Theme.spacing / 2) / 2 : parent.width
            height: Theme.fontNormal * (ViewState.shortWindow ? 2.0 : 2.4)
            leftPadding: 2
            rightPadding: 2
            topPadding: 0
            bottomPadding: 0
            text: card.up ? "Kill" : "Restart"
            // Drawn here rather than by the style: the action's colour is the state it leads to.
            background: Rectangle {
                radius: 4
                color: card.up ? Theme.down : Theme.inSync
                opacity: actionButton.down ? 0.75 : (actionButton.hovered ? 0.9 : 1.0)
            }
            contentItem: Label {
                text: actionButton.text
                color: "white"
                font.pixelSize: Theme.fontNormal
                font.weight: Font.Bold
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.fontMinimum
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
            onClicked: card.up ? killMenu.popup(actionButton, 0, actionButton.height) : Lab.restartBroker(card.brokerId)
            ToolTip.visible: hovered && !killMenu.visible
            ToolTip.delay: 500
            ToolTip.text: card.up ? "Stop this broker: as a crashed process, or as a machine losing power."
                                  : "Start it again on the same port; it recovers its logs from disk."

            // Two ways to die, which differ in what survives on disk: the difference between
            // acks=1 and acks=all shows with the second.
            Menu {
                id: killMenu
                background: PopupBackground {
                    implicitWidth: 330 * Theme.scale
                }
                MenuItem {
                    text: "Process crash: what it wrote survives"
                    onTriggered: Lab.killBroker(card.brokerId, "process")
                }
                MenuItem {
                    text: "Power loss: what it had not flushed is lost"
                    onTriggered: Lab.killBroker(card.brokerId, "power")
                }
            }
        }
            // Freeze: hold the broker's thread as a long GC pause would (it is not down); Thaw lets
        // it go on from what it last knew.
        Button {
            id: freezeButton
            objectName: "freezeButton"
            visible: card.up
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            width: (parent.width - Theme.spacing / 2) / 2
            height: actionButton.height
            leftPadding: 2
            rightPadding: 2
            topPadding: 0
            bottomPadding: 0
            text: card.frozen ? "Thaw" : "Freeze"
            background: Rectangle {
                radius: 4
                color: card.frozen ? Theme.accentFill : "transparent"
                border.width: card.frozen ? 0 : 2
                border.color: Theme.accent
                opacity: freezeButton.down ? 0.75 : (freezeButton.hovered ? 0.9 : 1.0)
            }
            contentItem: Label {
                text: freezeButton.text
                color: card.frozen ? "white" : Theme.accent
                font.pixelSize: Theme.fontNormal
                font.weight: Font.Bold
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.fontMinimum
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
            onClicked: card.frozen ? Lab.thawNode(card.brokerId) : Lab.freezeNode(card.brokerId)
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: card.frozen ? "Let it go on from what it last knew: its timers fire, its held requests are answered."
                                      : "Hold this broker as a long GC pause would: it stays up with its connections open, but answers nothing while the others go on. Its session runs out and the controller fences it."
        }
    }

    FrozenVeil { visible: card.frozen }
}
