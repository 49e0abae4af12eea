import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Add or change a built-in producer. A custom partitioner is JavaScript, checked as it is typed.
Dialog {
    id: dialog
    property int producerId: -1
    readonly property bool custom: partitionerBox.currentValue === "custom"
    readonly property int partitions: Lab.partitionCount(topicBox.currentText)
    property var check: ({ ok: true, message: "", preview: [] })

    title: producerId < 0 ? "New producer" : "Producer " + producerId
    modal: true
    background: PopupBackground {}
    anchors.centerIn: Overlay.overlay
    width: Math.min(640 * Theme.scale, Overlay.overlay ? Overlay.overlay.width * 0.9 : 640)

    function openFor(id, config) {
        producerId = id
        topicBox.currentIndex = Math.max(0, topicBox.indexOfValue(config.topic || "orders"))
        rate.value = config.rate !== undefined ? config.rate : 10
        valueBytes.value = config.valueBytes !== undefined ? config.valueBytes : 100
        keysBox.currentIndex = Math.max(0, keysBox.indexOfValue(config.keyPattern || "sequence"))
        partitionerBox.currentIndex = Math.max(0, partitionerBox.indexOfValue(config.partitioner || "round-robin"))
        source.text = config.customSource ? config.customSource : Lab.defaultPartitionerSource()
        acksBox.currentIndex = Math.max(0, acksBox.indexOfValue(config.acks !== undefined ? config.acks : -1))
        routeBox.currentIndex = Math.max(0, routeBox.indexOfValue(config.route || "leader"))
        recheck()
        open()
    }

    function config() {
        return { topic: topicBox.currentText, rate: rate.value, valueBytes: valueBytes.value,
                 keyPattern: keysBox.currentValue, randomKeys: 10, partitioner: partitionerBox.currentValue,
                 customSource: source.text, acks: acksBox.currentValue, route: routeBox.currentValue }
    }

    function recheck() {
        check = custom ? Lab.checkPartitioner(source.text, partitions) : ({ ok: true, message: "", preview: [] })
    }

    onAccepted: producerId < 0 ? Lab.addProducer(config()) : Lab.updateProducer(producerId, config())

    footer: DialogButtonBox {
        Button {
            text: dialog.producerId < 0 ? "Start" : "Apply"
            enabled: !dialog.custom || dialog.check.ok
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            text: "Cancel"
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    Timer {
        id: checkTimer
        interval: 250
        onTriggered: dialog.recheck()
    }

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: Theme.spacing * 2
        rowSpacing: Theme.spacing

        Label { text: "Topic" }
        LabComboBox {
            id: topicBox
            Layout.fillWidth: true
            model: Lab.topics.names
            enabled: dialog.producerId < 0
            onCurrentTextChanged: dialog.recheck()
        }

        Label { text: "Records per second" }
        SpinBox {
            id: rate
            from: 0
            to: 1000000
            stepSize: 10
            editable: true
        }

        Label { text: "Value size (bytes)" }
        SpinBox {
            id: valueBytes
            from: 0
            to: 1048576
            stepSize: 50
            editable: true
        }

        Label {
            text: "Keys"
            Tip { text: "Records with the same key go to the same partition when the partitioner hashes keys, so their order is kept." }
        }
        LabComboBox {
            id: keysBox
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            model: [
                { text: "none (null keys)", value: "none" },
                { text: "sequence: key-0, key-1, …", value: "sequence" },
                { text: "10 random keys", value: "random" },
                { text: "one fixed key", value: "fixed" }
            ]
        }

        Label {
            text: "Partitioner"
            Tip { text: "Chooses each record's partition: in turn, by a hash of its key (like Java clients), or by your own code." }
        }
        LabComboBox {
            id: partitionerBox
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            model: [
                { text: "round-robin", value: "round-robin" },
                { text: "key hash (murmur2, like Java clients)", value: "key-hash" },
                { text: "custom (JavaScript)", value: "custom" }
            ]
            onCurrentValueChanged: dialog.recheck()
        }

        Label {
            text: "acks"
            Tip { text: "When a write counts as saved: 0 = not waited for, 1 = the leader has it, all = every in-sync replica has it (and at least min.insync.replicas of them)." }
        }
        LabComboBox {
            id: acksBox
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            model: [
                { text: "all: every in-sync replica has it", value: -1 },
                { text: "1: the leader has it", value: 1 },
                { text: "0: no answer awaited", value: 0 },
                { text: "2 replicas have it (lab only, not Kafka)", value: 2 },
                { text: "3 replicas have it (lab only, not Kafka)", value: 3 }
            ]
        }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            visible: acksBox.currentValue >= 2
            text: "acks=" + acksBox.currentValue + " is the lab's own setting, not Kafka's: the leader answers once "
                  + acksBox.currentValue + " replicas have the record, in the ISR or not. Kafka knows only 0, 1 and all."
            color: Theme.candidate
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
        }

        Label {
            text: "Route"
            Tip { text: "Real clients send each record to its partition's leader. Via any broker, the lab sends to the brokers in turn and the one that gets it forwards it to the leader, so you can watch the hop." }
        }
        LabComboBox {
            id: routeBox
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            model: [
                { text: "to the leader (as real clients do)", value: "leader" },
                { text: "via any broker (it forwards to the leader)", value: "any broker" }
            ]
        }

        ScrollView {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            Layout.preferredHeight: 180 * Theme.scale
            visible: dialog.custom
            TextArea {
                id: source
                font.family: Theme.mono
                font.pixelSize: Theme.fontSmall
                wrapMode: TextEdit.NoWrap
                selectByMouse: true
                padding: Theme.spacing
                background: Rectangle {
                    color: Theme.surfaceAlt
                    border.color: dialog.check.ok ? Theme.border : Theme.down
                    radius: 3
                }
                onTextChanged: checkTimer.restart()
            }
        }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            visible: dialog.custom
            text: dialog.check.ok ? "✓ " + dialog.check.message : "✗ " + dialog.check.message
            color: dialog.check.ok ? Theme.inSync : Theme.down
            wrapMode: Text.Wrap
            font.family: Theme.mono
            font.pixelSize: Theme.fontSmall
        }
    }
}
