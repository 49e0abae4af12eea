import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// New topic: a name (checked as typed, Kafka's rules) and a partition count.
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
        nameField.forceActiveFocus()
    }
    onAccepted: Lab.createTopic(nameField.text, partitions.value)

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
            Layout.fillWidth: true
            text: "Partitions are spread over the brokers; each gets one replica until replication arrives."
            color: Theme.textDim
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
        }
    }
}
