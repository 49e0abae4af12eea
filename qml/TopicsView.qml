pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Topics and their partitions; each partition's replicas and its log drawn as a strip of record
// tiles.
Panel {
    id: view
    title: "Topics & partitions"
    key: "topics"
    subtitle: Lab.topics.count + (Lab.topics.count === 1 ? " topic" : " topics")
    tip: "A topic is a named stream of records, split into partitions; each partition is an ordered log on a broker."
    actions: [
        Button {
            text: "New topic"
            flat: true
            implicitHeight: Theme.fontLarge + 14
            topInset: 0
            bottomInset: 0
            onClicked: createDialog.open()
        }
    ]

    CreateTopicDialog { id: createDialog }
    TopicConfigDialog { id: configDialog }
    AddPartitionsDialog { id: addPartitionsDialog }
    ReassignDialog { id: reassignDialog }
    ReplicationFactorDialog { id: replicationFactorDialog }

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

    Connections {
        target: ViewState
        // N: a new topic, from the topics view a person can see.
        function onNewTopicRequested() { if (view.visible && !createDialog.opened) createDialog.open() }
    }

    // One ListView over topics and partitions together: only the rows in view are made, however
    // many partitions there are.
    ListView {
        id: list
        objectName: "topicList"
        anchors.fill: parent
        clip: true
        spacing: 2
        model: Lab.topics.list
        boundsBehavior: Flickable.StopAtBounds
        reuseItems: true
        ScrollBar.vertical: ScrollBar {}

        delegate: Item {
            id: entry
            required property string kind
            required property string topic
            required property var topicInfo
            required property var partitionInfo
            width: list.width - Theme.spacing
            height: kind === "topic" ? topicHeader.implicitHeight + Theme.spacing : partitionRow.implicitHeight + 4

            // A topic's row: its name and settings, and what can be done to it.
            Rectangle {
                id: topicHeader
                visible: entry.kind === "topic"
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                implicitHeight: Math.max(topicName.implicitHeight, deleteButton.implicitHeight) + 4
                height: implicitHeight
                radius: Theme.radius
                color: Theme.surfaceAlt
                border.color: Lab.selectedTopic === entry.topic ? Theme.accent : Theme.border
                border.width: Lab.selectedTopic === entry.topic ? 2 : 1

                Label {
                    id: topicName
                    anchors.left: parent.left
                    anchors.leftMargin: Theme.spacing
                    anchors.verticalCenter: parent.verticalCenter
                    text: entry.topic
                    font.pixelSize: Theme.fontLarge
                    font.weight: Font.Bold
                    color: Theme.text
                }
                Label {
                    id: topicLine
                    anchors.left: topicName.right
                    anchors.leftMargin: Theme.spacing
                    anchors.right: offlineLabel.visible ? offlineLabel.left : configButton.left
                    anchors.rightMargin: Theme.spacing
                    anchors.baseline: topicName.baseline
                    readonly property var t: entry.topicInfo
                    text: t.partitionCount + " partitions · RF " + t.replicationFactor
                          + " · min.insync.replicas " + t.minInsyncReplicas
                          + (t.uncleanLeaderElection ? " · unclean election on" : "") + " · "
                          + Number(t.records).toLocaleString(Qt.locale(), "f", 0) + " records · "
                          + Lab.formatBytes(t.sizeBytes) + " · " + Lab.charts.formatRate(t.recordsPerSecond)
                    color: Theme.textDim
                    font.pixelSize: Theme.fontSmall
                    elide: Text.ElideRight
                    Tip { text: topicLine.text + " (replication factor: copies of each partition)" }
                }
                Label {
                    id: offlineLabel
                    anchors.right: configButton.left
                    anchors.rightMargin: Theme.spacing
                    anchors.verticalCenter: parent.verticalCenter
                    visible: (entry.topicInfo.offline || 0) > 0
                    text: entry.topicInfo.offline + " offline"
                    color: Theme.down
                    font.weight: Font.Bold
                    font.pixelSize: Theme.fontSmall
                    Tip { text: "Partitions with no leader: nothing can be written to or read from them until a replica returns." }
                }
                ToolButton {
                    id: partitionsButton
                    objectName: "partitionsMenuButton"
                    anchors.right: deleteButton.left
                    anchors.verticalCenter: parent.verticalCenter
                    text: "Partitions ▾"
                    font.pixelSize: Theme.fontSmall
                    implicitHeight: Theme.fontSmall + 18
                    onClicked: partitionsMenu.popup(partitionsButton, 0, partitionsButton.height)
                    Menu {
                        id: partitionsMenu
                        MenuItem {
                            text: "Add partitions…"
                            onTriggered: addPartitionsDialog.openFor(entry.topic, entry.topicInfo.partitionCount)
                        }
                        MenuItem {
                            text: "Move replicas…"
                            onTriggered: reassignDialog.openFor(entry.topic,
                                                                Lab.selectedTopic === entry.topic ? Lab.selectedPartition : 0,
                                                                entry.topicInfo.partitionCount)
                        }
                        MenuItem {
                            text: "Replication factor…"
                            onTriggered: replicationFactorDialog.openFor(entry.topic, entry.topicInfo.replicationFactor)
                        }
                        MenuItem {
                            text: "Elect preferred leaders"
                            onTriggered: Lab.electPreferredLeaders(entry.topic)
                        }
                    }
                    ToolTip.visible: hovered && !partitionsMenu.opened
                    ToolTip.delay: 500
                    ToolTip.text: "Add partitions, move a partition's replicas to other brokers, change the replication factor, or move leadership back to each partition's preferred replica (the first in its list)"
                }
                ToolButton {
                    id: configButton
                    anchors.right: partitionsButton.left
                    anchors.verticalCenter: parent.verticalCenter
                    text: "Replication…"
                    font.pixelSize: Theme.fontSmall
                    implicitHeight: Theme.fontSmall + 18
                    onClicked: configDialog.openFor(entry.topic, entry.topicInfo.replicationFactor,
                                                    entry.topicInfo.minInsyncReplicas, entry.topicInfo.uncleanLeaderElection)
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
                    implicitHeight: Theme.fontSmall + 18
                    onClicked: {
                        deleteDialog.topic = entry.topic
                        deleteDialog.open()
                    }
                }
            }

            PartitionRow {
                id: partitionRow
                visible: entry.kind === "partition"
                anchors.left: parent.left
                anchors.leftMargin: Theme.spacing
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                topic: entry.topic
                info: entry.partitionInfo
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
