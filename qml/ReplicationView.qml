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
    lookKeys: ["replication", model.topic + "-" + model.partition]
    subtitle: !selected ? "select a partition"
              : model.topic + "-" + model.partition
                + (model.leader >= 0 ? " · leader " + model.leader + " · leader epoch " + model.leaderEpoch : " · no leader")
                + " · ISR [" + model.isr.join(", ") + "] of [" + model.replicas.join(", ") + "]"
                + " · min.insync.replicas " + model.minInsyncReplicas
                + (model.uncleanElection ? " · unclean election on" : "")
    tip: "Every partition is copied to several brokers (replicas). Producers write to the leader; followers fetch from it. The in-sync replicas (ISR) are those that keep up; a record is committed once every one of them has it, and only then can consumers read it."
    ReassignDialog { id: reassignDialog }
    actions: [
        ToolButton {
            objectName: "replicationMoveButton"
            visible: view.selected
            implicitHeight: Theme.fontLarge + 12
            text: "Move…"
            font.pixelSize: Theme.fontSmall
            onClicked: reassignDialog.openFor(view.model.topic, view.model.partition,
                                              Lab.partitionCount(view.model.topic))
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: "Move this partition's replicas to other brokers (a reassignment)"
        },
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

        // A reassignment in progress: who copies, who leaves. One line, and only when the lanes
        // keep their room (their "+ new" and "− leaving" chips say it too).
        Rectangle {
            objectName: "moveBanner"
            Layout.fillWidth: true
            visible: view.model.move !== "" && view.height > (view.laneCount * 44 + 110) * Theme.scale
            implicitHeight: moveText.implicitHeight + Theme.spacing
            radius: 3
            color: Theme.accentFill
            Label {
                id: moveText
                anchors.verticalCenter: parent.verticalCenter
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.leftMargin: Theme.spacing
                anchors.rightMargin: Theme.spacing
                text: "⇄ " + view.model.move
                color: "white"
                font.pixelSize: Theme.fontSmall
                font.weight: Font.Bold
                elide: Text.ElideRight
            }
            Tip { text: view.model.move + ". The new replicas fetch the whole log from the leader like any follower; the leader adds each to the ISR once it has caught up; when all are in the ISR the controller removes the old ones (and moves leadership if the leader is one of them)." }
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
            // No taller than the lanes at their largest: the consumers' row stays right under
            // them, the room left goes below it.
            Layout.maximumHeight: view.laneCount > 0 ? view.laneCount * 52 * Theme.scale + laneSpacing * (view.laneCount - 1) : 1e9
            // It takes its room before the space under the consumers does.
            Layout.preferredHeight: view.laneCount > 0 ? Layout.maximumHeight : -1
            readonly property real laneSpacing: Math.round(Theme.spacing * (ViewState.shortWindow ? 0.4 : 0.75))
            readonly property real laneHeight: Math.max((ViewState.shortWindow ? 30 : 34) * Theme.scale, Math.min(52 * Theme.scale,
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
                        produceSeq: view.model.produceSeq
                        moveSlot: view.model.move !== ""
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
                // A short panel (a lesson's narration under it) gets what fits, the rest on hover.
                maximumLineCount: Math.max(1, Math.floor(parent.height / (font.pixelSize * 1.45)))
                elide: Text.ElideRight
                Tip { text: parent.truncated ? parent.text : "" }
            }
        }

        // The partition's consumers, under the lanes and lined up with them: each where it reads
        // next (never past the high watermark). When one reads on, a record tile drops from the
        // leader's log to it: the last hop, leader -> consumer.
        Item {
            id: consumerRow
            objectName: "consumerRow"
            Layout.fillWidth: true
            // The offset the Groups view's group committed here (undefined: none), and the colour
            // of the member that owns the partition.
            readonly property var groupCommitted: Lab.groups.committed[view.model.topic + "/" + view.model.partition]
            readonly property var groupOwner: Lab.groups.owners[view.model.topic + "/" + view.model.partition]
            visible: view.laneCount > 0 && (view.model.consumers.length > 0 || groupCommitted !== undefined)
            implicitHeight: Theme.fontMark + 8
            readonly property Item leaderLane: view.model.leaderRow >= 0 ? lanes.itemAt(view.model.leaderRow) : null

            // Where the group resumes, on the leader's strip: a bar at the committed offset in
            // the owning member's colour, as on the topics' strips (hover it for the offset).
            Rectangle {
                id: commitMark
                objectName: "laneGroupCommitted"
                readonly property Item strip: consumerRow.leaderLane ? consumerRow.leaderLane.strip : null
                readonly property point at: {
                    if (!strip || consumerRow.groupCommitted === undefined) return Qt.point(-1, 0)
                    // Read so that the binding follows the lanes' window and layout.
                    void strip.width; void strip.windowEndOffset; void consumerRow.y; void strip.height
                    return strip.mapToItem(consumerRow, strip.xOf(consumerRow.groupCommitted), strip.marksHeight)
                }
                // Not past the leader's drawn high watermark (the commit is another snapshot's).
                visible: strip !== null && consumerRow.groupCommitted !== undefined && at.x >= 0
                         && consumerRow.groupCommitted <= consumerRow.leaderLane.highWatermark
                         && at.x <= strip.mapToItem(consumerRow, strip.width, 0).x
                x: at.x - width / 2
                y: at.y
                width: Math.round(3 * Theme.scale)
                height: strip ? strip.height - strip.marksHeight : 0
                color: Theme.memberColour(consumerRow.groupOwner !== undefined ? consumerRow.groupOwner : -1)
                Item {
                    anchors.centerIn: parent
                    width: Theme.fontMark
                    height: parent.height
                    Tip { text: "Group " + Lab.groups.currentGroup + " committed offset " + consumerRow.groupCommitted
                                + " here: it has processed every record before it, and whichever member owns the partition after a rebalance resumes there. "
                                + "The commit itself is a record in __consumer_offsets, replicated like any other." }
                }
            }

            Repeater {
                model: view.model.consumers
                delegate: Item {
                    id: consumerMark
                    required property var modelData
                    readonly property real position: modelData.position
                    readonly property int seq: modelData.seq
                    // The slot's centre of `position` in the lanes' shared window.
                    function xFor(offset) {
                        const lane = consumerRow.leaderLane
                        if (!lane) return 0
                        const s = lane.strip
                        const local = Math.max(0, Math.min(s.width, s.xOf(offset)))
                        return s.mapToItem(consumerRow, local, 0).x
                    }
                    x: xFor(position) - markText.implicitWidth / 2
                    height: consumerRow.height
                    width: markText.implicitWidth
                    Behavior on x { NumberAnimation { duration: 300 } }
                    Label {
                        id: markText
                        anchors.bottom: parent.bottom
                        text: "▲C" + consumerMark.modelData.id
                        color: Theme.accent
                        font.pixelSize: Theme.fontMark
                        font.weight: Font.Bold
                        Tip { text: "Consumer " + consumerMark.modelData.id + " reads next at offset " + consumerMark.position
                                    + ": it has every committed record before it. A leader serves consumers only below the high watermark, so a consumer never passes it." }
                    }
                    property int shownSeq: seq
                    onSeqChanged: {
                        const grew = seq > shownSeq
                        shownSeq = seq
                        const lane = consumerRow.leaderLane
                        if (!grew || readAnim.running || !lane) return
                        const s = lane.strip
                        const start = s.mapToItem(consumerMark, Math.max(0, Math.min(s.width, s.xOf(position - 1))), s.marksHeight + (s.height - s.marksHeight) / 2)
                        readTile.x = start.x
                        readTile.y = start.y
                        readTile.toY = markText.y - readTile.height
                        readAnim.start()
                    }
                    Rectangle {
                        id: readTile
                        property real toY: 0
                        width: Math.round(Theme.fontMark * 1.0)
                        height: width
                        radius: 2
                        visible: readAnim.running
                        color: Theme.accent
                    }
                    NumberAnimation { id: readAnim; target: readTile; property: "y"; to: readTile.toY; duration: 400; easing.type: Easing.InQuad }
                }
            }
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: view.laneCount > 0
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
