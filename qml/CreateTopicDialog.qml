import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// New topic: a name (checked as typed, Kafka's rules), a partition count, a replication factor,
// and the two topic configs replication turns on: min.insync.replicas and unclean leader election.
// Every number is checked by the engine's rule as typed and never changed; Create waits until
// all of them and the name are acceptable.
FormDialog {
    id: dialog
    objectName: "createTopicDialog"
    title: "New topic"
    preferredWidth: 460

    readonly property string problem: nameField.text === "" ? "" : Lab.topicNameProblem(nameField.text)
    readonly property bool valid: nameField.text !== "" && problem === ""
                                  && partitions.acceptable && replicationFactor.acceptable && minInsync.acceptable

    onOpened: {
        nameField.text = ""
        partitions.text = "6"
        replicationFactor.text = String(Math.min(3, Math.max(1, Lab.brokers.count)))
        minInsync.text = "1"
        unclean.checked = false
        nameField.forceActiveFocus()
    }
    // Only what differs from Kafka's defaults is set on the topic, as kafka-topics.sh would.
    onAccepted: {
        const configs = {}
        if (minInsync.value !== 1) configs["min.insync.replicas"] = String(minInsync.value)
        if (unclean.checked) configs["unclean.leader.election.enable"] = "true"
        Lab.createTopic(nameField.text, partitions.value, replicationFactor.value, configs)
    }

    footer: DialogButtonBox {
        Button {
            objectName: "createTopicButton"
            text: "Create"
            enabled: dialog.valid
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            text: "Cancel"
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    Label { text: "Name" }
    TextField {
        id: nameField
        objectName: "topicNameField"
        Layout.fillWidth: true
        placeholderText: "e.g. payments"
        maximumLength: 249
        onAccepted: if (dialog.valid) dialog.accept()
    }
    Label {
        Layout.fillWidth: true
        visible: dialog.problem !== ""
        text: dialog.problem
        color: Theme.down
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSmall
    }
    Label {
        text: "Partitions"
        Tip { text: "More partitions let more consumers read in parallel; order is kept only within one partition." }
    }
    NumberField {
        id: partitions
        objectName: "partitionsField"
        rule: "partitions"
        onAccepted: if (dialog.valid) dialog.accept()
    }
    Label {
        text: "Replication factor"
        Tip { text: "How many brokers keep a copy of each partition. One is the leader; the others follow it and can take over if it dies." }
    }
    NumberField {
        id: replicationFactor
        objectName: "replicationFactorField"
        rule: "replication-factor"
        context: ({ brokers: Lab.brokers.count })
        onAccepted: if (dialog.valid) dialog.accept()
    }
    Label {
        text: "min.insync.replicas"
        Tip { text: "With acks=all, a write succeeds only while at least this many replicas are in sync (the leader included). Kafka's default is 1; 2 with a replication factor of 3 survives one broker down without losing acknowledged writes." }
    }
    NumberField {
        id: minInsync
        objectName: "minInsyncField"
        rule: "min-insync-replicas"
        // Bounded by the replication factor typed above, once that one is a number.
        context: ({ replicationFactor: replicationFactor.acceptable ? replicationFactor.value : null,
                    topic: nameField.text })
        onAccepted: if (dialog.valid) dialog.accept()
    }
    Label {
        Layout.fillWidth: true
        text: "Kafka's default: 1"
        color: Theme.textDim
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
    }
    CheckBox {
        id: unclean
        Layout.fillWidth: true
        text: "Unclean leader election"
        Tip { text: "unclean.leader.election.enable: if every in-sync replica is gone, let an out-of-sync one lead: the partition comes back sooner, but records it lacks are lost. Kafka's default: off." }
    }
    Label {
        Layout.fillWidth: true
        text: "unclean.leader.election.enable · Kafka's default: off"
        font.family: Theme.mono
        font.pixelSize: Theme.fontSmall
        color: Theme.textDim
        wrapMode: Text.Wrap
    }
    Label {
        Layout.fillWidth: true
        text: "Partitions and their replicas are spread over the brokers; each partition's first replica is its preferred leader."
        color: Theme.textDim
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSmall
    }
}
