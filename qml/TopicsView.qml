pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Topics and their partitions; each partition's log drawn as a strip of record tiles.
Panel {
    id: view
    title: "Topics & partitions"
    subtitle: Lab.topics.count + (Lab.topics.count === 1 ? " topic" : " topics")
    tip: "A topic is a named stream of records, split into partitions; each partition is an ordered log on a broker."
    actions: [
        Button {
            text: "New topic"
            flat: true
            onClicked: createDialog.open()
        }
    ]

    CreateTopicDialog { id: createDialog }
    TopicConfigDialog { id: configDialog }

    Dialog {
        id: deleteDialog
        property string topic
        title: "Delete topic " + topic + "?"
        modal: true
        anchors.centerIn: Overlay.overlay
        width: 420 * Theme.scale
        background: PopupBackground {}
        standardButtons: Dialog.Ok | Dialog.Cancel
        // In a layout, as the other dialogs: a bare wrapping Label loops on implicitHeight when
        // the theme's sizes change (presenter mode).
        ColumnLayout {
            anchors.fill: parent
            Label {
                Layout.fillWidth: true
                text: "Its partitions and their logs are removed from every broker."
                wrapMode: Text.Wrap
            }
        }
        onAccepted: Lab.deleteTopic(topic)
    }

    ListView {
        id: list
        anchors.fill: parent
        clip: true
        spacing: Theme.spacing
        model: Lab.topics
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        delegate: Rectangle {
            id: topicCard
            required property string name
            required property int partitionCount
            required property int replicationFactor
            required property int minInsyncReplicas
            required property bool uncleanLeaderElection
            required property double records
            required property double sizeBytes
            required property double recordsPerSecond
            required property int offline
            required property var partitions

            width: list.width - Theme.spacing
            height: column.height + Theme.spacing * 2
            radius: Theme.radius
            color: Theme.surfaceAlt
            border.color: Lab.selectedTopic === name ? Theme.accent : Theme.border
            border.width: Lab.selectedTopic === name ? 2 : 1

            // A Column, not a ColumnLayout: partition rows come and go with the model, and Qt 6.4's
            // layouts can touch a repeated child after it was destroyed.
            Column {
                id: column
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: Theme.spacing
                spacing: 4

                // Anchored, not a RowLayout: it follows font changes (presenter mode) at once.
                Item {
                    width: column.width
                    implicitHeight: Math.max(topicName.implicitHeight, deleteButton.implicitHeight)
                    Label {
                        id: topicName
                        anchors.left: parent.left
                        anchors.verticalCenter: parent.verticalCenter
                        text: topicCard.name
                        font.pixelSize: Theme.fontLarge
                        font.weight: Font.Bold
                        color: Theme.text
                    }
                    Label {
                        anchors.left: topicName.right
                        anchors.leftMargin: Theme.spacing
                        anchors.right: offlineLabel.visible ? offlineLabel.left : configButton.left
                        anchors.rightMargin: Theme.spacing
                        anchors.baseline: topicName.baseline
                        text: topicCard.partitionCount + " partitions · replication factor " + topicCard.replicationFactor
                              + " · min.insync.replicas " + topicCard.minInsyncReplicas
                              + (topicCard.uncleanLeaderElection ? " · unclean election on" : "") + " · " + Number(topicCard.records).toLocaleString(Qt.locale(), "f", 0) + " records · "
                              + Lab.formatBytes(topicCard.sizeBytes) + " · " + Lab.charts.formatRate(topicCard.recordsPerSecond)
                        color: Theme.textDim
                        font.pixelSize: Theme.fontSmall
                        elide: Text.ElideRight
                    }
                    Label {
                        id: offlineLabel
                        anchors.right: configButton.left
                        anchors.rightMargin: Theme.spacing
                        anchors.verticalCenter: parent.verticalCenter
                        visible: topicCard.offline > 0
                        text: topicCard.offline + " offline"
                        color: Theme.down
                        font.weight: Font.Bold
                        Tip { text: "Partitions with no leader: nothing can be written to or read from them until a replica returns." }
                    }
                    ToolButton {
                        id: configButton
                        anchors.right: deleteButton.left
                        anchors.verticalCenter: parent.verticalCenter
                        text: "Replication…"
                        font.pixelSize: Theme.fontSmall
                        onClicked: configDialog.openFor(topicCard.name, topicCard.replicationFactor,
                                                        topicCard.minInsyncReplicas, topicCard.uncleanLeaderElection)
                        ToolTip.visible: hovered
                        ToolTip.delay: 500
                        ToolTip.text: "min.insync.replicas and unclean leader election, changed live"
                    }
                    ToolButton {
                        id: deleteButton
                        anchors.right: parent.right
                        anchors.verticalCenter: parent.verticalCenter
                        text: "Delete"
                        font.pixelSize: Theme.fontSmall
                        onClicked: {
                            deleteDialog.topic = topicCard.name
                            deleteDialog.open()
                        }
                    }
                }

                Repeater {
                    model: topicCard.partitions
                    delegate: PartitionRow {
                        width: column.width
                        topic: topicCard.name
                    }
                }
            }
        }

        Label {
            anchors.centerIn: parent
            visible: list.count === 0
            text: "No topics yet. Create one with “New topic”, or let a client create it by writing to it."
            color: Theme.textDim
            wrapMode: Text.Wrap
            width: parent.width * 0.8
            horizontalAlignment: Text.AlignHCenter
        }
    }
}
