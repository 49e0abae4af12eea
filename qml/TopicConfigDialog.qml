import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// A topic's replication settings, changed while it runs: min.insync.replicas (how many in-sync
// replicas an acks=all write needs) and unclean leader election (whether an out-of-sync replica
// may lead when no in-sync one is left).
Dialog {
    id: dialog
    objectName: "topicConfigDialog"
    property string topic
    property int replicationFactor: 1

    title: "Replication settings of " + topic
    modal: true
    background: PopupBackground {}
    anchors.centerIn: Overlay.overlay
    width: 480 * Theme.scale

    function openFor(name, rf, minInsyncReplicas, uncleanElection) {
        topic = name
        replicationFactor = rf
        minInsync.value = minInsyncReplicas
        unclean.checked = uncleanElection
        open()
    }

    // Kafka's defaults are not written on the topic but removed from it (null), as
    // kafka-configs.sh --delete-config would.
    onAccepted: Lab.setTopicConfig(topic, {
        "min.insync.replicas": minInsync.value === 1 ? null : String(minInsync.value),
        "unclean.leader.election.enable": unclean.checked ? "true" : null
    })

    standardButtons: Dialog.Ok | Dialog.Cancel

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        Label {
            text: "min.insync.replicas"
            Tip { text: "With acks=all, a write succeeds only while at least this many replicas are in sync (the leader included); otherwise it is refused with NOT_ENOUGH_REPLICAS." }
        }
        RowLayout {
            spacing: Theme.spacing
            SpinBox {
                id: minInsync
                from: 1
                to: Math.max(1, dialog.replicationFactor)
                editable: true
            }
            Label {
                Layout.fillWidth: true
                text: "of " + dialog.replicationFactor + " replicas · Kafka's default: 1"
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
            }
        }
        CheckBox {
            id: unclean
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
}
