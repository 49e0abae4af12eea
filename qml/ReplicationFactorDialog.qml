import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Changes a topic's replication factor: in Kafka that is a reassignment of every partition
// (kafka-reassign-partitions with longer or shorter replica lists). Growing adds the brokers
// that hold the fewest replicas; shrinking keeps the first replicas and always the leader.
FormDialog {
    id: dialog
    objectName: "replicationFactorDialog"
    property string topic
    property int current: 1

    title: "Replication factor of " + topic
    preferredWidth: 460

    function openFor(name, replicationFactor) {
        topic = name
        current = replicationFactor
        factor.text = String(replicationFactor)
        open()
    }

    readonly property bool acceptable: factor.acceptable && factor.value !== current

    onAccepted: Lab.setReplicationFactor(topic, factor.value)

    footer: DialogButtonBox {
        Button {
            objectName: "replicationFactorOk"
            text: "Change"
            enabled: dialog.acceptable
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            text: "Cancel"
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    Label {
        text: "Copies of each partition"
        Tip { text: "How many brokers keep a copy of each partition. Changing it moves replicas: new copies fetch the whole log from the leader before they count." }
    }
    NumberField {
        id: factor
        objectName: "replicationFactorNewField"
        rule: "replication-factor"
        context: ({ brokers: Lab.brokers.count, topic: dialog.topic })
        onAccepted: if (dialog.acceptable) dialog.accept()
    }
    Label {
        Layout.fillWidth: true
        text: factor.acceptable && factor.value === dialog.current
              ? "It has " + dialog.current + " already."
              : factor.acceptable && factor.value > dialog.current
                ? "Each partition gets " + (factor.value - dialog.current) + " new replica(s): they copy the log from the leader, then join the ISR. Watch them in the Replication view."
                : factor.acceptable
                  ? "Each partition drops " + (dialog.current - factor.value) + " replica(s); the leader stays."
                  : "It has " + dialog.current + " now."
        color: Theme.textDim
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
    }
}
