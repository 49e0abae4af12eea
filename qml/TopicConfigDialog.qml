import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// A topic's replication settings, changed while it runs: min.insync.replicas (how many in-sync
// replicas an acks=all write needs) and unclean leader election (whether an out-of-sync replica
// may lead when no in-sync one is left). min.insync.replicas is checked as typed against the
// topic's replication factor, never changed; OK waits until it is acceptable.
FormDialog {
    id: dialog
    objectName: "topicConfigDialog"
    property string topic
    property int replicationFactor: 1

    title: "Replication settings of " + topic
    preferredWidth: 480

    function openFor(name, rf, minInsyncReplicas, uncleanElection) {
        topic = name
        replicationFactor = rf
        minInsync.text = String(minInsyncReplicas)
        unclean.checked = uncleanElection
        open()
    }

    // Kafka's defaults are not written on the topic but removed from it (null), as
    // kafka-configs.sh --delete-config would.
    onAccepted: Lab.setTopicConfig(topic, {
        "min.insync.replicas": minInsync.value === 1 ? null : String(minInsync.value),
        "unclean.leader.election.enable": unclean.checked ? "true" : null
    })

    footer: DialogButtonBox {
        Button {
            objectName: "topicConfigOk"
            text: "OK"
            enabled: minInsync.acceptable
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            text: "Cancel"
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    Label {
        text: "min.insync.replicas"
        Tip { text: "With acks=all, a write succeeds only while at least this many replicas are in sync (the leader included); otherwise it is refused with NOT_ENOUGH_REPLICAS." }
    }
    NumberField {
        id: minInsync
        objectName: "topicMinInsyncField"
        rule: "min-insync-replicas"
        context: ({ replicationFactor: dialog.replicationFactor, topic: dialog.topic })
        onAccepted: if (acceptable) dialog.accept()
    }
    Label {
        Layout.fillWidth: true
        text: "of " + dialog.replicationFactor + (dialog.replicationFactor === 1 ? " replica" : " replicas") + " · Kafka's default: 1"
        color: Theme.textDim
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
    }
    CheckBox {
        id: unclean
        Layout.fillWidth: true
        text: "Unclean leader election"
        Tip { text: "unclean.leader.election.enable: if every in-sync replica is gone, let an out-of-sync one lead. The partition comes back sooner; the records it lacks are lost. Kafka's default: off." }
    }
    Label {
        Layout.fillWidth: true
        text: "Both apply at once, to the running partitions: watch the ISR and the acks=all latency."
        color: Theme.textDim
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSmall
    }
}
