pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// The selected partition's replication: one lane per replica, logs lined up offset under offset,
// so that the seed's flow can be watched: a producer writes to the leader's log, the followers
// fetch (dots), the leader moves the high watermark once the ISR has a record, and then answers
// acks=all. Drawn from the engine's snapshots only (Lab.replication).
Panel {
    id: view
    objectName: "replicationView"
    readonly property var model: Lab.replication
    readonly property bool selected: model.topic !== "" && model.partition >= 0
    readonly property int laneCount: lanes.count

    title: "Replication"
    key: "replication"
    subtitle: !selected ? "select a partition"
              : model.topic + "-" + model.partition
                + (model.leader >= 0 ? " · leader " + model.leader + " · leader epoch " + model.leaderEpoch : " · no leader")
                + " · ISR [" + model.isr.join(", ") + "] of [" + model.replicas.join(", ") + "]"
                + " · min.insync.replicas " + model.minInsyncReplicas
                + (model.uncleanElection ? " · unclean election on" : "")
    tip: "Every partition is copied to several brokers (replicas). Producers write to the leader; followers fetch from it. The in-sync replicas (ISR) are those that keep up; a record is committed once every one of them has it, and only then can consumers read it."
    actions: [
        ToolButton {
            visible: view.selected
            implicitHeight: Theme.fontLarge + 12
            text: "✕"
            font.pixelSize: Theme.fontSmall
            onClicked: Lab.select("", "", -1)
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: "Close: select no partition"
        }
    ]

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing / 2

        // What is wrong with the partition as a whole (no leader, ISR below its minimum ...).
        Rectangle {
            Layout.fillWidth: true
            visible: view.model.warning !== ""
            implicitHeight: warningText.implicitHeight + Theme.spacing
            radius: 3
            color: view.model.leader < 0 || view.model.recovering ? Theme.down : Theme.outOfSync
            Label {
                id: warningText
                anchors.verticalCenter: parent.verticalCenter
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.leftMargin: Theme.spacing
                anchors.rightMargin: Theme.spacing
                text: "⚠ " + view.model.warning
                color: "white"
                font.pixelSize: Theme.fontSmall
                font.weight: Font.Bold
                wrapMode: Text.Wrap
            }
        }

        // Who writes here and along which hops (producers direct to the leader, or via any broker
        // that forwards): from the producers' settings and the brokers' forward counters.
        Label {
            id: writersLine
            Layout.fillWidth: true
            // Only when the lanes keep their room (a short panel shows the lanes first).
            visible: view.selected && view.model.writers.length > 0
                     && view.height > (view.laneCount * 44 + 120) * Theme.scale
            text: "✎ " + view.model.writers.join("   ·   ✎ ")
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight
            Tip {
                text: "Real clients send each record to its partition's leader. A built-in producer set to \"via any broker\" sends to the brokers in turn; one that does not lead the partition forwards the records to the leader and relays the answer: the tile that travels from its lane to the leader's. "
                      + (writersLine.truncated ? view.model.writers.join("; ") : "")
            }
        }

        // The lanes share one height, as much as the panel gives them within limits, so that a
        // fetch dot's path (lane to lane) is a multiple of one pitch.
        Item {
            id: laneArea
            Layout.fillWidth: true
            Layout.fillHeight: true
            readonly property real laneSpacing: Math.round(Theme.spacing * 0.75)
            readonly property real laneHeight: Math.max(34 * Theme.scale, Math.min(52 * Theme.scale,
                (height - laneSpacing * Math.max(0, view.laneCount - 1)) / Math.max(1, view.laneCount)))

            Column {
                width: parent.width
                spacing: laneArea.laneSpacing
                Repeater {
                    id: lanes
                    model: view.model
                    delegate: ReplicaLane {
                        width: laneArea.width
                        height: laneArea.laneHeight
                        pitch: laneArea.laneHeight + laneArea.laneSpacing
                        windowEnd: view.model.windowEnd
                        leaderRow: view.model.leaderRow
                        leaderLogEnd: view.model.leaderLogEnd
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                width: parent.width * 0.85
                visible: view.laneCount === 0
                text: view.selected ? "No broker reports a replica of " + view.model.topic + "-" + view.model.partition + "."
                                    : "Click a partition (P0, P1 …) in Topics to watch its replicas: the leader's log, the followers fetching, the high watermark moving."
                color: Theme.textDim
                wrapMode: Text.Wrap
                horizontalAlignment: Text.AlignHCenter
            }
        }

        // The story in one line, when there is room for it.
        Label {
            Layout.fillWidth: true
            visible: view.laneCount > 0 && view.height > (view.laneCount * 52 + 110) * Theme.scale
            text: "Producers write to the leader ♛. Followers fetch from it (dots); a broker that forwards a producer's records sends them to it (tiles). Once every ISR replica has a record the leader moves the high watermark (HW): the record is committed, consumers can read it and acks=all is answered. Outlined tiles: not committed yet; underline: on disk."
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
        }
    }
}
