pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// The built-in consumers: how far each has read in every partition, and how far behind it is.
Item {
    id: view
    objectName: "consumersView"

    ColumnLayout {
        anchors.fill: parent
        anchors.topMargin: Theme.spacing / 2
        spacing: Theme.spacing / 2

        // Topic, where to start, and the button on one line where they fit whole; else the two
        // choices side by side over the button; else one under the other, each as wide as the
        // panel (never cut short).
        GridLayout {
            id: addRow
            objectName: "addConsumerRow"
            Layout.fillWidth: true
            readonly property real topicMinimum: Math.max(70 * Theme.scale, Math.ceil(topicText.advanceWidth)
                                                          + topicBox.contentItem.leftPadding + topicBox.contentItem.rightPadding
                                                          + topicBox.leftPadding + topicBox.rightPadding + 2)
            readonly property real choices: topicMinimum + fromBox.implicitWidth + columnSpacing
            // By the view's width, not the row's own: the row is at least as wide as its columns'
            // minimums, so its own width would keep it on one line for ever.
            columns: view.width >= choices + addButton.implicitWidth + columnSpacing ? 3 : (view.width >= choices ? 2 : 1)
            columnSpacing: Theme.spacing / 2
            rowSpacing: Theme.spacing / 2
            LabComboBox {
                id: topicBox
                objectName: "consumerTopicBox"
                Layout.fillWidth: true
                Layout.minimumWidth: addRow.columns > 1 ? addRow.topicMinimum : 0
                Layout.preferredWidth: 160 * Theme.scale
                model: Lab.topics.names
                TextMetrics { id: topicText; font: topicBox.font; text: topicBox.currentText }
            }
            LabComboBox {
                id: fromBox
                objectName: "consumerFromBox"
                Layout.fillWidth: addRow.columns === 1
                // Qt 6.4's GridLayout keeps a minimum that changed while the panel was hidden (a
                // side tab not in front when presenter mode came on): the choice was cut short.
                // Depending on the visibility too makes it lay out again when shown.
                Layout.minimumWidth: addRow.columns > 1 && visible ? implicitWidth : 0
                Layout.preferredWidth: visible ? implicitWidth : 0
                textRole: "text"
                valueRole: "value"
                model: [{ text: "from earliest", value: true }, { text: "from latest", value: false }]
                // As wide as the longer choice in the current type, whichever is shown (the
                // style's own measure lags a change to presenter type).
                implicitWidth: Math.ceil(fromWidest.advanceWidth) + contentItem.leftPadding + contentItem.rightPadding
                               + leftPadding + rightPadding + 2
                TextMetrics { id: fromWidest; font: fromBox.font; text: "from earliest" }
                Tip { text: "Earliest reads the whole log from its start; latest reads only records written from now on." }
            }
            Button {
                id: addButton
                objectName: "addConsumerButton"
                Layout.columnSpan: addRow.columns === 2 ? 2 : 1
                Layout.fillWidth: addRow.columns < 3
                Layout.minimumWidth: addRow.columns === 3 ? implicitWidth : 0
                text: "Add consumer"
                flat: true
                enabled: topicBox.currentText !== ""
                onClicked: Lab.addConsumer(topicBox.currentText, fromBox.currentValue, groupField.text)
            }
        }
        // A consumer group to join: consumers with the same group split the partitions.
        TextField {
            id: groupField
            objectName: "consumerGroupField"
            Layout.fillWidth: true
            placeholderText: "consumer group (optional)"
            font.pixelSize: Theme.fontSmall
            maximumLength: 249
            Tip { text: "Consumers given the same group split the topic's partitions between them: each partition is read by one member, and the group rebalances when one joins or leaves (see Groups under the topics). Without a group, a consumer reads every partition." }
        }

        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: Theme.spacing
            model: Lab.consumers
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}

            delegate: Rectangle {
                id: card
                required property int consumerId
                required property string topic
                required property string startFrom
                required property double records
                required property double recordsPerSecond
                required property double totalLag
                required property var partitions
                required property string lastError
                required property string group
                required property int generation
                required property string groupState
                required property int coordinator

                width: list.width - Theme.spacing
                height: body.height + Theme.spacing * 2
                radius: Theme.radius
                color: Theme.surfaceAlt
                border.color: Lab.selectedNode === "consumer-" + consumerId ? Theme.accent : Theme.border

                // A Column, not a ColumnLayout: partition rows come and go (see TopicsView.qml).
                Column {
                    id: body
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.top: parent.top
                    anchors.margins: Theme.spacing
                    spacing: 4

                    RowLayout {
                        width: body.width
                        // The name wraps (a long topic name) rather than push Stop out.
                        Label {
                            Layout.fillWidth: true
                            text: "Consumer " + card.consumerId + " ← " + card.topic
                            font.weight: Font.Bold
                            color: Theme.text
                            wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                        }
                        ToolButton {
                            Layout.minimumWidth: implicitWidth
                            text: "Stop"
                            font.pixelSize: Theme.fontSmall
                            onClicked: Lab.removeConsumer(card.consumerId)
                        }
                    }
                    Label {
                        width: body.width
                        text: Number(card.records).toLocaleString(Qt.locale(), "f", 0) + " records read · "
                              + Lab.charts.formatRate(card.recordsPerSecond) + " · lag " + card.totalLag + " · started from " + card.startFrom
                        color: Theme.textDim
                        font.pixelSize: Theme.fontSmall
                        wrapMode: Text.Wrap
                        Tip { text: "Lag: records written to the partitions but not read by this consumer yet." }
                    }
                    Label {
                        objectName: "consumerGroupLine"
                        width: body.width
                        visible: card.group !== ""
                        text: "group " + card.group + " · " + card.groupState
                              + (card.generation >= 0 ? " · generation " + card.generation : "")
                              + (card.coordinator >= 0 ? " · coordinator broker " + card.coordinator : "")
                              + " · " + card.partitions.length + (card.partitions.length === 1 ? " partition" : " partitions")
                        color: card.groupState === "consuming" ? Theme.inSync : Theme.outOfSync
                        font.pixelSize: Theme.fontSmall
                        wrapMode: Text.Wrap
                        Tip { text: "This consumer is a member of group " + card.group + ": it reads only the partitions the group assigned it, and commits where it got to, so that the group resumes there." }
                    }
                    Repeater {
                        model: card.partitions
                        delegate: RowLayout {
                            id: prow
                            required property var modelData
                            width: body.width
                            spacing: Theme.spacing
                            Label {
                                Layout.preferredWidth: 30 * Theme.scale
                                Layout.minimumWidth: implicitWidth
                                text: "P" + prow.modelData.partition
                                font.pixelSize: Theme.fontSmall
                                color: Theme.text
                            }
                            Rectangle {
                                Layout.fillWidth: true
                                Layout.preferredHeight: 8
                                radius: 4
                                color: Theme.tile
                                Rectangle {
                                    height: parent.height
                                    radius: 4
                                    width: prow.modelData.highWatermark > 0
                                           ? parent.width * Math.min(1, Math.max(0, prow.modelData.position) / prow.modelData.highWatermark)
                                           : parent.width
                                    color: prow.modelData.lag > 0 ? Theme.outOfSync : Theme.inSync
                                    Behavior on width { NumberAnimation { duration: 200 } }
                                }
                                // What the group has committed for it: where a new owner resumes.
                                Rectangle {
                                    objectName: "consumerCommittedMark"
                                    visible: card.group !== "" && prow.modelData.committed >= 0 && prow.modelData.highWatermark > 0
                                    x: parent.width * Math.min(1, prow.modelData.committed / Math.max(1, prow.modelData.highWatermark)) - width / 2
                                    y: -2
                                    width: 3
                                    height: parent.height + 4
                                    color: Theme.text
                                }
                                Tip {
                                    text: "Position " + prow.modelData.position + " of " + prow.modelData.highWatermark
                                          + " (lag " + prow.modelData.lag + ")"
                                          + (card.group === "" ? ""
                                             : prow.modelData.committed >= 0 ? ". Committed " + prow.modelData.committed + " in group " + card.group + " (the dark tick): a member that takes this partition over resumes there."
                                             : ". Nothing committed yet in group " + card.group + ".")
                                          + (prow.modelData.error ? ": " + prow.modelData.error : "")
                                }
                            }
                            Column {
                                Layout.preferredWidth: 110 * Theme.scale
                                Layout.minimumWidth: Math.max(positionText.implicitWidth, committedText.visible ? committedText.implicitWidth : 0)
                                Label {
                                    id: positionText
                                    width: parent.width
                                    text: prow.modelData.position + " / " + prow.modelData.highWatermark
                                    font.family: Theme.mono
                                    font.pixelSize: Theme.fontSmall
                                    color: prow.modelData.error ? Theme.down : Theme.textDim
                                    horizontalAlignment: Text.AlignRight
                                }
                                // In a group: the offset committed for the partition, said as
                                // such when there is none (not 0).
                                Label {
                                    id: committedText
                                    objectName: "consumerCommittedText"
                                    width: parent.width
                                    visible: card.group !== ""
                                    text: prow.modelData.committed >= 0 ? "committed " + prow.modelData.committed : "no commit yet"
                                    font.pixelSize: Theme.fontSmall
                                    color: Theme.textDim
                                    horizontalAlignment: Text.AlignRight
                                }
                            }
                        }
                    }
                    Label {
                        width: body.width
                        visible: card.lastError !== ""
                        text: card.lastError
                        color: Theme.down
                        wrapMode: Text.Wrap
                        font.pixelSize: Theme.fontSmall
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.spacing
                visible: list.count === 0
                text: "No consumer. Add one to read a topic."
                color: Theme.textDim
                wrapMode: Text.Wrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
    }
}
