import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Moves a partition's replicas to other brokers (AlterPartitionReassignments, as
// kafka-reassign-partitions): the brokers are picked in order, the first becoming the preferred
// leader. The new replicas copy the log from the leader and join the ISR; then the old ones
// leave (the Replication view shows it). A move in progress can be cancelled here.
FormDialog {
    id: dialog
    objectName: "reassignDialog"
    property string topic
    property int partitionCount: 1
    // The partition as the metadata says now: {replicas, adding, removing, isr, leader}.
    property var now: ({})
    // The registered brokers: [{id, live}].
    property var brokers: []
    // The new replica list, in the order the brokers were picked.
    property var picked: []

    title: "Move the replicas of " + topic
    preferredWidth: 520

    function openFor(name, partition, count) {
        topic = name
        partitionCount = Math.max(1, count)
        partitionBox.value = Math.max(0, Math.min(partition, partitionCount - 1))
        brokers = Lab.registeredBrokers()
        reload()
        open()
    }
    function reload() {
        now = Lab.partitionReplicas(topic, partitionBox.value)
        // Start from the target of a move in progress, else from today's replicas.
        const current = now.replicas || []
        const removing = now.removing || []
        picked = current.filter(id => removing.indexOf(id) < 0)
    }
    function toggle(id) {
        const i = picked.indexOf(id)
        const next = picked.slice()
        if (i >= 0) next.splice(i, 1)
        else next.push(id)
        picked = next
    }
    function listText(ids) { return ids.length === 0 ? "none" : ids.join(", ") }
    function minus(a, b) { return (a || []).filter(id => (b || []).indexOf(id) < 0) }

    readonly property bool moving: (now.adding || []).length > 0 || (now.removing || []).length > 0
    readonly property var original: minus(now.replicas, now.adding)
    readonly property var adding: minus(picked, original)
    readonly property var removing: minus(original, picked)
    readonly property bool changed: JSON.stringify(picked) !== JSON.stringify(minus(now.replicas, now.removing))
    readonly property var downPicked: picked.filter(id => brokers.some(b => b.id === id && !b.live))
    readonly property bool acceptable: picked.length > 0 && changed

    onAccepted: Lab.reassignPartition(topic, partitionBox.value, picked)

    footer: DialogButtonBox {
        Button {
            objectName: "reassignOk"
            text: "Move"
            enabled: dialog.acceptable
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            objectName: "reassignCancelMove"
            text: "Cancel the move"
            visible: dialog.moving
            DialogButtonBox.buttonRole: DialogButtonBox.ActionRole
            onClicked: {
                Lab.reassignPartition(dialog.topic, partitionBox.value, [])
                dialog.close()
            }
        }
        Button {
            text: "Close"
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    RowLayout {
        spacing: Theme.spacing
        Label {
            text: "Partition"
            Tip { text: "Which partition of " + dialog.topic + " to move." }
        }
        SpinBox {
            id: partitionBox
            objectName: "reassignPartition"
            from: 0
            to: dialog.partitionCount - 1
            editable: true
            font.pixelSize: Theme.fontNormal
            onValueModified: dialog.reload()
        }
    }
    Label {
        Layout.fillWidth: true
        text: "Now on brokers " + dialog.listText(dialog.now.replicas || [])
              + (dialog.now.leader >= 0 ? " · leader " + dialog.now.leader : " · no leader")
              + " · in sync " + dialog.listText(dialog.now.isr || [])
              + (dialog.moving ? " · moving: + " + dialog.listText(dialog.now.adding) + ", − " + dialog.listText(dialog.now.removing) : "")
        color: Theme.text
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
    }
    Label {
        Layout.fillWidth: true
        text: "New replicas, in order: click brokers to pick them. The first is the preferred leader."
        color: Theme.textDim
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
    }
    Flow {
        Layout.fillWidth: true
        spacing: Theme.spacing / 2
        Repeater {
            model: dialog.brokers
            Chip {
                id: brokerChip
                required property var modelData
                readonly property int order: dialog.picked.indexOf(brokerChip.modelData.id)
                objectName: "reassignBroker" + brokerChip.modelData.id
                checked: order >= 0
                text: "Broker " + brokerChip.modelData.id + (order >= 0 ? "  #" + (order + 1) : "")
                      + (brokerChip.modelData.live ? "" : " (down)")
                onClicked: dialog.toggle(brokerChip.modelData.id)
            }
        }
    }
    Label {
        objectName: "reassignSummary"
        Layout.fillWidth: true
        text: {
            if (dialog.picked.length === 0) return "Pick at least one broker."
            if (!dialog.changed) return "That is where the replicas are already."
            let words = []
            if (dialog.adding.length > 0)
                words.push((dialog.adding.length === 1 ? "Broker " : "Brokers ") + dialog.listText(dialog.adding)
                           + " will copy the whole log from the leader, then join the ISR")
            if (dialog.removing.length > 0)
                words.push((dialog.removing.length === 1 ? "broker " : "brokers ") + dialog.listText(dialog.removing)
                           + (dialog.adding.length > 0 ? " will leave after that" : " will leave")
                           + (dialog.removing.indexOf(dialog.now.leader) >= 0 ? " (leadership moves)" : ""))
            if (words.length === 0) words.push("Only the order changes: broker " + dialog.picked[0] + " becomes the preferred leader")
            let text = words.join("; ") + "."
            text = text.charAt(0).toUpperCase() + text.slice(1)
            if (dialog.downPicked.length > 0)
                text += " Broker " + dialog.listText(dialog.downPicked) + " is down: the move waits until it returns."
            return text
        }
        color: dialog.acceptable ? Theme.text : Theme.textDim
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
    }
}
