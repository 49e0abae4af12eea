import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// New topic: a name (checked as typed, Kafka's rules), a partition count, a replication factor,
// and the two topic configs replication turns on: min.insync.replicas and unclean leader election.
Dialog {
    id: dialog
    title: "New topic"
    modal: true
    background: PopupBackground {}
    anchors.centerIn: Overlay.overlay
    width: 420 * Theme.scale

    readonly property string problem: nameField.text === "" ? "" : Lab.topicNameProblem(nameField.text)
    readonly property bool valid: nameField.text !== "" && problem === ""

    onOpened: {
        nameField.text = ""
        partitions.value = 6
        replicationFactor.value = Math.min(3, Math.max(1, Lab.brokers.count))
        minInsync.value = 1
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
            text: "Create"
            enabled: dialog.valid
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            text: "Cancel"
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        Label { text: "Name" }
        TextField {
            id: nameField
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
        SpinBox {
            id: partitions
            from: 1
            to: 1000
            value: 6
            editable: true
        }
        Label {
            text: "Replication factor"
            Tip { text: "How many brokers keep a copy of each partition. One is the leader; the others follow it and can take over if it dies." }
        }
        SpinBox {
            id: replicationFactor
            from: 1
            to: Math.max(1, Lab.brokers.count)
            value: 3
            editable: true
        }
        Label {
            text: "min.insync.replicas"
            Tip { text: "With acks=all, a write succeeds only while at least this many replicas are in sync (the leader included). Kafka's default is 1; 2 with a replication factor of 3 survives one broker down without losing acknowledged writes." }
        }
        RowLayout {
            spacing: Theme.spacing
            SpinBox {
                id: minInsync
                from: 1
                to: replicationFactor.value
                value: 1
                editable: true
            }
            Label {
                text: "Kafka's default: 1"
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
            }
        }
        CheckBox {
            id: unclean
            text: "Unclean leader election (unclean.leader.election.enable)"
            Tip { text: "If every in-sync replica is gone, let an out-of-sync one lead: the partition comes back sooner, but records it lacks are lost. Kafka's default: off." }
        }
        Label {
            Layout.fillWidth: true
            text: "Partitions and their replicas are spread over the brokers; each partition's first replica is its preferred leader."
            color: Theme.textDim
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
        }
    }
}
