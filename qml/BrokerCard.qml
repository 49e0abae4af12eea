import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// One broker: who it is, whether it is up, what it leads and stores, how busy it is.
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

    readonly property bool selected: Lab.selectedNode === "broker-" + brokerId
    readonly property color stateColor: Theme.stateColor(brokerState)

    radius: Theme.radius
    color: Theme.surfaceAlt
    border.width: selected ? 3 : (Theme.presenter ? 2 : 1)
    border.color: selected ? Theme.accent : Theme.border
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
            text: "Kill broker " + card.brokerId
            enabled: card.up
            onTriggered: Lab.killBroker(card.brokerId)
        }
        MenuItem {
            text: "Restart broker " + card.brokerId
            enabled: !card.up
            onTriggered: Lab.restartBroker(card.brokerId)
        }
        MenuItem {
            text: "Copy address"
            onTriggered: Lab.copyToClipboard(card.address)
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing * 1.5
        anchors.rightMargin: Theme.spacing
        anchors.topMargin: Theme.spacing
        anchors.bottomMargin: Theme.spacing
        spacing: 2

        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.minimumWidth: implicitWidth  // titles never shrink; the text beside them elides
                text: "Broker " + card.brokerId
                font.pixelSize: Theme.fontLarge
                font.weight: Font.Bold
                color: Theme.text
            }
            Item { Layout.fillWidth: true }
            Rectangle {
                radius: height / 2
                color: card.stateColor
                implicitWidth: stateLabel.implicitWidth + Theme.spacing * 1.5
                implicitHeight: stateLabel.implicitHeight + 4
                Label {
                    id: stateLabel
                    anchors.centerIn: parent
                    text: card.brokerState === "unfenced" ? "up" : card.brokerState
                    color: "white"
                    font.pixelSize: Theme.fontSmall
                    font.weight: Font.Bold
                }
                Tip {
                    text: card.brokerState === "down" ? "This broker's process is stopped; its data stays on disk."
                        : card.brokerState === "fenced" ? "The controller has fenced this broker: it may not lead partitions."
                        : "Running, registered with the controller, and allowed to lead partitions."
                }
            }
        }
        Label {
            text: card.address
            font.family: Theme.mono
            font.pixelSize: Theme.fontSmall
            color: Theme.textDim
        }
        Label {
            Layout.fillWidth: true
            text: "leads <b>" + card.led + "</b> · hosts <b>" + card.hosted + "</b>"
            textFormat: Text.StyledText
            color: Theme.text
            font.pixelSize: Theme.fontNormal
            elide: Text.ElideRight
            Tip {
                text: card.ledPartitions.length > 0
                      ? "Leads " + card.ledPartitions.join(", ") + ". A leader takes every write and read of its partition."
                      : "Leads no partition right now."
            }
        }
        Label {
            Layout.fillWidth: true
            text: Number(card.recordsStored).toLocaleString(Qt.locale(), "f", 0) + " rec · " + Lab.formatBytes(card.bytesStored)
            color: Theme.text
            font.pixelSize: Theme.fontNormal
            elide: Text.ElideRight
            Tip { text: "What this broker keeps on disk, in the log segments of its partitions." }
        }
        Label {
            Layout.fillWidth: true
            text: card.up ? "in " + Lab.charts.formatRate(card.recordsInPerSecond) + " · out " + Lab.formatBytes(card.bytesOutPerSecond) + "/s"
                          : "not serving"
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
            elide: Text.ElideRight
            Tip { text: "Records written to partitions this broker leads, and bytes consumers fetched from it, per second." }
        }
        Item { Layout.fillHeight: true }
        Button {
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.fontNormal * 2.6
            text: card.up ? "Kill" : "Restart"
            // Drawn here rather than by the style: the action's colour is the state it leads to.
            background: Rectangle {
                radius: 4
                color: card.up ? Theme.down : Theme.inSync
                opacity: parent.down ? 0.75 : (parent.hovered ? 0.9 : 1.0)
            }
            contentItem: Label {
                text: parent.text
                color: "white"
                font.pixelSize: Theme.fontNormal
                font.weight: Font.Bold
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
            onClicked: card.up ? Lab.killBroker(card.brokerId) : Lab.restartBroker(card.brokerId)
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: card.up ? "Stop this broker like a crashed process: connections reset, data stays on disk."
                                  : "Start it again on the same port; it recovers its logs from disk."
        }
    }
}
