import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Grows a topic to more partitions (CreatePartitions, as kafka-topics --alter --partitions):
// the new count is checked as typed, and must be larger than today's (partitions are never
// removed). The new partitions get the topic's replication factor, placed by the controller.
FormDialog {
    id: dialog
    objectName: "addPartitionsDialog"
    property string topic
    property int current: 1

    title: "Add partitions to " + topic
    preferredWidth: 460

    function openFor(name, partitionCount) {
        topic = name
        current = partitionCount
        count.text = String(partitionCount + 1)
        open()
    }

    readonly property bool acceptable: count.acceptable && count.value > current

    onAccepted: Lab.addPartitions(topic, count.value)

    footer: DialogButtonBox {
        Button {
            objectName: "addPartitionsOk"
            text: "Add"
            enabled: dialog.acceptable
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            text: "Cancel"
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    Label {
        text: "Partitions in all"
        Tip { text: "The topic's new partition count. Kafka can add partitions but never remove them." }
    }
    NumberField {
        id: count
        objectName: "addPartitionsField"
        rule: "partitions"
        onAccepted: if (dialog.acceptable) dialog.accept()
    }
    Label {
        Layout.fillWidth: true
        text: count.acceptable && count.value <= dialog.current
              ? "It has " + dialog.current + " already: enter a larger number."
              : "It has " + dialog.current + " now. Records with a key may go to a different partition afterwards: the key's partition is its hash modulo the count."
        color: count.acceptable && count.value <= dialog.current ? Theme.down : Theme.textDim
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
    }
}
