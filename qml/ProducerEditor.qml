import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Add or change a built-in producer. A custom partitioner is JavaScript, checked as it is typed.
// Every number (rate, value size, random keys, the lab's acks=N) is checked by the engine's rule
// as typed and kept as typed; Start/Apply waits until all of them are acceptable.
FormDialog {
    id: dialog
    property int producerId: -1
    readonly property bool custom: partitionerBox.currentValue === "custom"
    readonly property int partitions: Lab.partitionCount(topicBox.currentText)
    property var check: ({ ok: true, message: "", preview: [] })
    // The fixed key is kept as it was (the editor has no field for it).
    property string fixedKey: "key"
    readonly property bool acksN: acksBox.currentValue === "n"
    readonly property bool fieldsAcceptable: rate.acceptable && valueBytes.acceptable
                                             && (keysBox.currentValue !== "random" || randomKeys.acceptable)
                                             && (!acksN || acksCount.acceptable)
    readonly property bool valid: fieldsAcceptable && (!custom || check.ok)

    title: producerId < 0 ? "New producer" : "Producer " + producerId
    preferredWidth: 640

    function openFor(id, config) {
        producerId = id
        topicBox.currentIndex = Math.max(0, topicBox.indexOfValue(config.topic || "orders"))
        rate.text = String(config.rate !== undefined ? config.rate : 10)
        valueBytes.text = String(config.valueBytes !== undefined ? config.valueBytes : 100)
        keysBox.currentIndex = Math.max(0, keysBox.indexOfValue(config.keyPattern || "sequence"))
        // A running producer's keys as they are, never the editor's defaults.
        const keys = id >= 0 ? Lab.producerKeys(id) : ({})
        const count = config.randomKeys !== undefined ? config.randomKeys : keys.randomKeys
        randomKeys.text = String(count !== undefined && count > 0 ? count : 10)
        fixedKey = config.fixedKey !== undefined ? config.fixedKey : (keys.fixedKey ? keys.fixedKey : "key")
        partitionerBox.currentIndex = Math.max(0, partitionerBox.indexOfValue(config.partitioner || "round-robin"))
        source.text = config.customSource ? config.customSource : Lab.defaultPartitionerSource()
        const acks = config.acks !== undefined ? config.acks : -1
        acksBox.currentIndex = Math.max(0, acksBox.indexOfValue(acks >= 2 ? "n" : acks))
        acksCount.text = String(acks >= 2 ? acks : 2)
        routeBox.currentIndex = Math.max(0, routeBox.indexOfValue(config.route || "leader"))
        idempotence.checked = config.idempotence === true
        recheck()
        open()
    }

    function config() {
        return { topic: topicBox.currentText, rate: rate.value, valueBytes: valueBytes.value,
                 keyPattern: keysBox.currentValue, randomKeys: keysBox.currentValue === "random" ? randomKeys.value : 10,
                 fixedKey: fixedKey, partitioner: partitionerBox.currentValue,
                 customSource: source.text, acks: acksN ? acksCount.value : acksBox.currentValue, route: routeBox.currentValue,
                 idempotence: idempotence.checked && idempotence.enabled }
    }

    function recheck() {
        check = custom ? Lab.checkPartitioner(source.text, partitions) : ({ ok: true, message: "", preview: [] })
    }

    onAccepted: producerId < 0 ? Lab.addProducer(config()) : Lab.updateProducer(producerId, config())

    footer: DialogButtonBox {
        Button {
            objectName: "producerApply"
            text: dialog.producerId < 0 ? "Start" : "Apply"
            enabled: dialog.valid
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

    // One setting: its name over its control (a form as narrow as a phone still fits).
    Label { text: "Topic" }
    LabComboBox {
        id: topicBox
        Layout.fillWidth: true
        model: Lab.topics.names
        enabled: dialog.producerId < 0
        onCurrentTextChanged: dialog.recheck()
    }

    Label { text: "Records per second" }
    NumberField {
        id: rate
        objectName: "rateField"
        rule: "rate"
    }

    Label { text: "Value size (bytes)" }
    NumberField {
        id: valueBytes
        objectName: "valueBytesField"
        rule: "value-bytes"
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
            { text: "random, from N keys", value: "random" },
            { text: "one fixed key", value: "fixed" }
        ]
    }
    NumberField {
        id: randomKeys
        objectName: "randomKeysField"
        visible: keysBox.currentValue === "random"
        rule: "random-keys"
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
        objectName: "acksBox"
        Layout.fillWidth: true
        textRole: "text"
        valueRole: "value"
        model: [
            { text: "all: every in-sync replica has it", value: -1 },
            { text: "1: the leader has it", value: 1 },
            { text: "0: no answer awaited", value: 0 },
            { text: "N replicas have it (lab only, not Kafka)", value: "n" }
        ]
    }
    NumberField {
        id: acksCount
        objectName: "acksCountField"
        visible: dialog.acksN
        rule: "acks-n"
        // At most the topic's replication factor, or no write would ever be answered.
        context: ({ replicationFactor: Lab.replicationFactor(topicBox.currentText) || null, topic: topicBox.currentText })
    }
    Label {
        Layout.fillWidth: true
        visible: dialog.acksN && acksCount.acceptable
        text: "acks=" + acksCount.text + " is the lab's own setting, not Kafka's: the leader answers once "
              + acksCount.text + " replicas have the record, in the ISR or not. Kafka knows only 0, 1 and all."
        color: Theme.candidate
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSmall
    }

    Label {
        text: "Idempotence"
        Tip { text: "enable.idempotence (KIP-98): the producer gets an id from the brokers and numbers its batches per partition. When a retry reaches a leader that already wrote the batch (the answer was lost, or the leader changed), the leader answers from its log instead of writing it twice. Kafka allows it only with acks=all." }
    }
    CheckBox {
        id: idempotence
        objectName: "idempotenceBox"
        Layout.fillWidth: true
        enabled: acksBox.currentValue === -1
        text: enabled ? "on: a retried batch is never written twice"
                      : "needs acks=all"
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
        Layout.fillWidth: true
        visible: dialog.custom
        text: dialog.check.ok ? "✓ " + dialog.check.message : "✗ " + dialog.check.message
        color: dialog.check.ok ? Theme.inSync : Theme.down
        wrapMode: Text.Wrap
        font.family: Theme.mono
        font.pixelSize: Theme.fontSmall
    }
}
