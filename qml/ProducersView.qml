pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// The built-in producers: their settings (acks changeable in place), counts, latency, and
// where their records land.
Item {
    id: view

    ProducerEditor {
        id: editor
        objectName: "producerEditor"
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.topMargin: Theme.spacing / 2
        spacing: Theme.spacing / 2

        Button {
            text: "Add producer"
            flat: true
            enabled: Lab.topics.count > 0
            onClicked: editor.openFor(-1, ({}))
        }

        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: Theme.spacing
            model: Lab.producers
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}

            delegate: Rectangle {
                id: card
                required property int producerId
                required property string topic
                required property double targetRate
                required property double ackedPerSecond
                required property int acks
                required property string route
                required property bool idempotence
                required property string partitioner
                required property string keyPattern
                required property int valueBytes
                required property double sent
                required property double acked
                required property double failed
                required property double buffered
                required property double partitionerErrors
                required property var perPartition
                required property double latencyP50
                required property double latencyP99
                required property string lastError
                required property string customSource

                // The lab's acks=N (not Kafka's) appears when a producer uses it.
                readonly property var ackChoices: {
                    const choices = [{ label: "0", value: 0 }, { label: "1", value: 1 }, { label: "all", value: -1 }]
                    if (acks >= 2) choices.push({ label: acks + " (lab)", value: acks })
                    return choices
                }

                width: list.width - Theme.spacing
                height: body.implicitHeight + Theme.spacing * 2
                radius: Theme.radius
                color: Theme.surfaceAlt
                border.color: Lab.selectedNode === "producer-" + producerId ? Theme.accent : Theme.border

                ColumnLayout {
                    id: body
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.top: parent.top
                    anchors.margins: Theme.spacing
                    spacing: 4

                    RowLayout {
                        Layout.fillWidth: true
                        // The name wraps (a long topic name) rather than push Edit and Stop out.
                        Label {
                            Layout.fillWidth: true
                            text: "Producer " + card.producerId + " → " + card.topic
                            font.weight: Font.Bold
                            font.pixelSize: Theme.fontNormal
                            color: Theme.text
                            wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                        }
                        ToolButton {
                            Layout.minimumWidth: implicitWidth
                            text: "Edit"
                            font.pixelSize: Theme.fontSmall
                            onClicked: editor.openFor(card.producerId, {
                                topic: card.topic, rate: card.targetRate, valueBytes: card.valueBytes,
                                keyPattern: card.keyPattern, partitioner: card.partitioner,
                                customSource: card.customSource, acks: card.acks, route: card.route,
                                idempotence: card.idempotence })
                        }
                        ToolButton {
                            Layout.minimumWidth: implicitWidth
                            text: "Stop"
                            font.pixelSize: Theme.fontSmall
                            onClicked: Lab.removeProducer(card.producerId)
                        }
                    }
                    Label {
                        Layout.fillWidth: true
                        text: Lab.charts.formatRate(card.ackedPerSecond) + " of " + Lab.charts.formatRate(card.targetRate)
                              + " · " + card.partitioner + " · keys: " + card.keyPattern + " · " + card.valueBytes + " B values"
                              + (card.route === "any broker" ? " · via any broker" : "")
                              + (card.idempotence ? " · idempotent" : "")
                        color: Theme.textDim
                        font.pixelSize: Theme.fontSmall
                        wrapMode: Text.Wrap
                    }
                    // The acks chips and the latency flow onto a second line when the panel is narrow.
                    Flow {
                        Layout.fillWidth: true
                        spacing: Theme.spacing
                        Label {
                            height: implicitHeight + 8
                            verticalAlignment: Text.AlignVCenter
                            text: "acks"
                            color: Theme.text
                            font.pixelSize: Theme.fontSmall
                            Tip { text: "When a write counts as saved: 0 = fire and forget, 1 = the leader wrote it, all = every in-sync replica has it." }
                        }
                        Repeater {
                            model: card.ackChoices
                            delegate: Chip {
                                id: ackChip
                                required property var modelData
                                text: modelData.label
                                checked: card.acks === modelData.value
                                // Only acks changes: the keys go back as they run (Lab.producerKeys).
                                // Idempotence needs acks=all: another acks turns it off.
                                onClicked: {
                                    const keys = Lab.producerKeys(card.producerId)
                                    Lab.updateProducer(card.producerId, {
                                        topic: card.topic, rate: card.targetRate, valueBytes: card.valueBytes,
                                        keyPattern: card.keyPattern, randomKeys: keys.randomKeys, fixedKey: keys.fixedKey,
                                        partitioner: card.partitioner, customSource: card.customSource,
                                        acks: ackChip.modelData.value, route: card.route,
                                        idempotence: card.idempotence && ackChip.modelData.value === -1 })
                                }
                            }
                        }
                        Label {
                            objectName: "producerLatency"
                            height: implicitHeight + 8
                            verticalAlignment: Text.AlignVCenter
                            text: card.latencyP50 >= 0 ? "p50 " + Lab.charts.formatMs(card.latencyP50) + " · p99 " + Lab.charts.formatMs(card.latencyP99) : ""
                            color: Theme.textDim
                            font.pixelSize: Theme.fontSmall
                            Tip { text: "This producer's produce latency over its last " + Lab.charts.latencyWindowSeconds + " s, from creating a record to its acknowledgement (to sending it, for acks=0): half were faster than p50, 99 of 100 faster than p99." }
                        }
                    }
                    Label {
                        Layout.fillWidth: true
                        text: Number(card.acked).toLocaleString(Qt.locale(), "f", 0) + " acknowledged · "
                              + Number(card.failed).toLocaleString(Qt.locale(), "f", 0) + " failed"
                              + (card.partitionerErrors > 0 ? " · " + card.partitionerErrors + " partitioner errors" : "")
                              + (card.buffered > 0 ? " · " + card.buffered + " waiting" : "")
                        color: card.failed > 0 || card.partitionerErrors > 0 ? Theme.outOfSync : Theme.text
                        font.pixelSize: Theme.fontSmall
                        wrapMode: Text.Wrap
                    }

                    // Where the records land: one bar per partition, or, when there are more
                    // partitions than bars fit, one bar per run of neighbouring partitions (their
                    // mean). The bars are a fixed count of delegates fed by index: a thousand
                    // partitions cost as much as the bars in view, and an update re-creates none.
                    Row {
                        id: bars
                        Layout.fillWidth: true
                        Layout.preferredHeight: 34 * Theme.scale
                        spacing: 3
                        readonly property int partitions: card.perPartition.length
                        readonly property real labelWidth: Theme.fontMark * 2.6
                        readonly property int count: Math.max(1, Math.min(partitions, Math.floor((body.width + spacing) / (Math.max(12, labelWidth * 0.5) + spacing))))
                        readonly property bool grouped: partitions > count
                        // A label on every bar where they fit, else on every step-th.
                        readonly property int labelStep: Math.max(1, Math.ceil((labelWidth + spacing) / (barWidth + spacing)))
                        readonly property real barWidth: Math.max(2, (body.width - spacing * (count - 1)) / count)
                        function first(i) { return Math.floor(i * partitions / count) }
                        // Mean records per partition of each bar, and the largest.
                        readonly property var values: {
                            const out = []
                            const list = card.perPartition
                            for (let i = 0; i < count; ++i) {
                                const a = first(i), b = Math.max(a + 1, first(i + 1))
                                let sum = 0
                                for (let k = a; k < b && k < list.length; ++k) sum += Number(list[k])
                                out.push(sum / (b - a))
                            }
                            return out
                        }
                        readonly property real maxValue: Math.max(1, Math.max.apply(Math, values.length > 0 ? values : [1]))
                        Repeater {
                            model: bars.partitions > 0 ? bars.count : 0
                            delegate: Item {
                                id: bar
                                required property int index
                                readonly property int firstPartition: bars.first(index)
                                readonly property int lastPartition: Math.max(firstPartition, bars.first(index + 1) - 1)
                                readonly property real value: index < bars.values.length ? bars.values[index] : 0
                                width: bars.barWidth
                                height: 34 * Theme.scale
                                Rectangle {
                                    anchors.bottom: parent.bottom
                                    anchors.bottomMargin: barLabel.height + 2
                                    width: parent.width
                                    height: Math.max(2, (parent.height - barLabel.height - 2) * bar.value / bars.maxValue)
                                    radius: 2
                                    color: Theme.accent
                                    Behavior on height { NumberAnimation { duration: 200 } }
                                }
                                Label {
                                    id: barLabel
                                    anchors.bottom: parent.bottom
                                    // Centred under its bar; under a run of bars, from its first.
                                    x: bars.labelStep === 1 ? Math.round((parent.width - width) / 2) : 0
                                    width: implicitWidth
                                    visible: bar.index % bars.labelStep === 0
                                             && (bars.labelStep === 1 || bar.x + implicitWidth <= bars.width)
                                    text: "P" + bar.firstPartition
                                    font.pixelSize: Theme.fontMark
                                    color: Theme.textDim
                                }
                                Tip {
                                    text: bar.firstPartition === bar.lastPartition
                                          ? "Partition " + bar.firstPartition + ": " + Math.round(bar.value) + " records acknowledged"
                                          : "Partitions " + bar.firstPartition + " to " + bar.lastPartition + ": " + bar.value.toFixed(1) + " records acknowledged per partition (mean)"
                                }
                            }
                        }
                    }
                    Label {
                        Layout.fillWidth: true
                        visible: bars.grouped
                        text: "Bars group neighbouring partitions: " + bars.partitions + " partitions in " + bars.count + " bars."
                        color: Theme.textDim
                        font.pixelSize: Theme.fontSmall
                        wrapMode: Text.Wrap
                    }
                    Label {
                        Layout.fillWidth: true
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
                text: "No producer. Add one to write records."
                color: Theme.textDim
                wrapMode: Text.Wrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
    }
}
