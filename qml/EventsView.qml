pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Kraftlab

// What happened, newest first, in plain words. Filter by node and kind; click to select what an
// event is about.
Panel {
    id: view
    title: "Events"
    key: "events"
    subtitle: filtered.count + " shown"
    tip: "Everything the lab's nodes report, each with a one-line explanation."
    actions: Button {
        objectName: "exportEvents"
        text: "Export…"
        flat: true
        font.pixelSize: Theme.fontSmall
        implicitHeight: Theme.fontLarge + 6
        topInset: 0
        bottomInset: 0
        onClicked: exportDialog.open()
        Tip { text: "Every event of this lab (not only those shown) as JSON lines, one event a line as kraftlab-cluster prints them: for a bug report or your own analysis." }
        FileDialog {
            id: exportDialog
            title: "Export the event log"
            fileMode: FileDialog.SaveFile
            nameFilters: ["JSON lines (*.jsonl)"]
            defaultSuffix: "jsonl"
            onAccepted: Lab.exportEvents(selectedFile)
        }
    }

    EventFilterModel {
        id: filtered
        sourceModel: Lab.events
        property int count: rowCount()
        onRowsInserted: count = rowCount()
        onRowsRemoved: count = rowCount()
        onModelReset: count = rowCount()
        onLayoutChanged: count = rowCount()
    }

    ColumnLayout {
        id: body
        anchors.fill: parent
        spacing: Theme.spacing / 2

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing / 2
            LabComboBox {
                id: nodeBox
                Layout.fillWidth: true
                model: ["all nodes"].concat(Lab.events.nodes)
                onCurrentIndexChanged: filtered.node = currentIndex <= 0 ? "" : currentText
            }
            TextField {
                Layout.fillWidth: true
                placeholderText: "search"
                onTextChanged: filtered.text = text
            }
        }
        // The kinds: chips when there is room for them, a list in a compact window.
        readonly property var groups: [
            { label: "All", group: "" },
            { label: "Cluster", group: "cluster" },
            { label: "Quorum", group: "quorum" },
            { label: "Topics", group: "topics" },
            { label: "Replication", group: "replication" },
            { label: "Clients", group: "clients" },
            { label: "Data", group: "data" },
            { label: "Problems", group: "problems" }
        ]
        Flow {
            Layout.fillWidth: true
            visible: !ViewState.compact
            spacing: 4
            Repeater {
                model: body.groups
                delegate: Chip {
                    required property var modelData
                    text: modelData.label
                    checked: filtered.group === modelData.group
                    onClicked: filtered.group = modelData.group
                }
            }
        }
        LabComboBox {
            Layout.fillWidth: true
            visible: ViewState.compact
            textRole: "label"
            valueRole: "group"
            model: body.groups
            currentIndex: Math.max(0, body.groups.findIndex(g => g.group === filtered.group))
            onActivated: filtered.group = currentValue
        }

        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: filtered
            spacing: 2
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}

            delegate: Rectangle {
                id: item
                required property string time
                required property string wallTime
                required property string kind
                required property string severity
                required property string icon
                required property string node
                required property string topic
                required property int partition
                required property string explain

                // Red: data lost or a node failed; orange: something degraded (a replica left the
                // ISR); green: repaired (it came back); grey: news.
                readonly property color severityColor: severity === "error" ? Theme.down
                                                       : severity === "warning" ? Theme.outOfSync
                                                       : severity === "good" ? Theme.inSync : Theme.idle

                width: list.width - Theme.spacing
                height: column.implicitHeight + 8
                radius: 3
                color: mouse.containsMouse ? Theme.surfaceAlt : "transparent"

                Rectangle {
                    width: 3
                    height: parent.height - 4
                    anchors.verticalCenter: parent.verticalCenter
                    radius: 1
                    color: item.severityColor
                }
                Column {
                    id: column
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.leftMargin: Theme.spacing
                    anchors.rightMargin: 4
                    anchors.verticalCenter: parent.verticalCenter
                    spacing: 1
                    // Wraps rather than cuts when the column is narrow.
                    Flow {
                        width: column.width
                        spacing: Theme.spacing
                        Label {
                            text: item.time
                            font.family: Theme.mono
                            font.pixelSize: Theme.fontSmall
                            color: Theme.textDim
                            Tip { text: "Lab time " + item.time + " (it stands still while the lab is paused); wall clock " + item.wallTime + "." }
                        }
                        Label {
                            text: item.node
                            font.pixelSize: Theme.fontSmall
                            font.weight: Font.Bold
                            color: Theme.accent
                        }
                        Label {
                            visible: item.icon !== ""
                            text: item.icon
                            font.pixelSize: Theme.fontSmall
                            font.weight: Font.Bold
                            color: item.kind === "leader_changed" ? Theme.leader
                                   : item.severity === "info" ? Theme.textDim : item.severityColor
                        }
                        Label {
                            text: item.kind.replace(/_/g, " ")
                            font.pixelSize: Theme.fontSmall
                            color: Theme.textDim
                        }
                    }
                    Label {
                        width: column.width
                        text: item.explain
                        wrapMode: Text.Wrap
                        color: Theme.text
                        font.pixelSize: Theme.fontNormal
                    }
                }
                MouseArea {
                    id: mouse
                    anchors.fill: parent
                    hoverEnabled: true
                    onClicked: Lab.select(item.node.startsWith("lab") ? "" : item.node, item.topic, item.partition)
                }
            }
        }
    }
}
