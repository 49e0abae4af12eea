import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// One replica of the selected partition: who holds it (the leader crowned), whether it is in the
// ISR, its log as a strip of record tiles lined up offset under offset with the other replicas
// (the high watermark marked, the flushed part underlined), and in words how far it is and why
// it is out of the ISR. When the leader reports that this follower fetched again, a dot goes
// follower -> leader -> follower: at most one in flight, whatever the fetch rate. When this broker,
// not leading, forwards a producer's records to the leader ("via any broker"), a record tile goes
// from its lane to the leader's log end: the seed's hop, drawn from the broker's own counter.
Item {
    id: lane
    required property int index
    required property int brokerId
    required property bool up
    required property bool reported
    required property bool frozen
    required property double diverged
    required property bool isLeader
    required property bool inIsr
    required property string replicaState
    required property string reason
    required property string fetchError
    required property double logStartOffset
    required property double logEndOffset
    required property double highWatermark
    required property double flushedOffset
    required property int leaderEpoch
    required property double lag
    required property double fetchAgeMs
    required property double fetchesTotal
    required property int fetchSeq
    required property double forwardedTotal
    required property int forwardSeq
    // Its part in a reassignment: "adding", "removing" or "".
    required property string move
    required property double copyRate
    required property double bytesBehind

    // Set by the view: the shared window end, the leader's lane and its log end, the lane pitch.
    property double windowEnd: 0
    property int leaderRow: -1
    property double leaderLogEnd: 0
    property real pitch: height
    // The leader's lane only: moves by one when records reached the leader's log (a record tile
    // comes in from the producer's side).
    property int produceSeq: 0
    // A reassignment is in progress on the partition: every lane keeps room for the move chip,
    // so that the strips still line up offset under offset.
    property bool moveSlot: false
    // The strip, for the view's consumer row (lined up with the lanes).
    readonly property alias strip: strip

    readonly property color roleColor: !up ? Theme.idle : isLeader ? Theme.leader : Theme.follower
    readonly property string offsets: "LEO " + Number(logEndOffset).toLocaleString(Qt.locale(), "f", 0)
                                      + " · HW " + Number(highWatermark).toLocaleString(Qt.locale(), "f", 0)
    // Second line in plain words: what this replica is doing, or why it is out of the ISR.
    readonly property string status: {
        if (!reported) return "no report from broker " + brokerId + " yet"
        if (!up) return (logEndOffset > logStartOffset ? "down: it holds offsets " + logStartOffset + " to " + (logEndOffset - 1) : "down: it holds no records") + (inIsr ? " (still in the ISR until the controller notices)" : "")
        if (frozen) return "❄ frozen: as it was when it froze"
                           + (diverged > 0 ? " · holds " + diverged + " records the leader never got: cut when it thaws"
                              : isLeader ? " · still the leader until the controller fences it"
                              : inIsr ? " · still in the ISR until the leader drops it" : "")
        if (fetchError !== "") return "fetch error: " + fetchError
        if (isLeader) return "leader · epoch " + leaderEpoch + " · takes the writes"
                             + (move === "removing" ? " · leaves when the new replicas are in sync" : "")
        if (!inIsr) return (move === "adding" ? "" : "out of the ISR: ") + reason
        return "in the ISR" + (lag > 0 ? " · " + lag + " behind" : " · caught up")
               + (fetchAgeMs >= 0 ? " · fetched " + (fetchAgeMs / 1000).toFixed(1) + " s ago" : "")
               + (move === "removing" ? " · leaves when the new replicas are in sync" : "")
    }
    readonly property color statusColor: !up || !reported ? Theme.textDim
                                         : frozen ? (diverged > 0 ? Theme.down : Theme.text)
                                         : fetchError !== "" ? Theme.down
                                         : isLeader ? Theme.text
                                         : inIsr ? Theme.inSync : Theme.outOfSync

    // The dot's lane rises above its neighbours while it travels over them.
    z: fetchAnim.running || forwardAnim.running ? 2 : 0
    opacity: up ? 1.0 : 0.45
    Behavior on opacity { NumberAnimation { duration: 250 } }

    RowLayout {
        id: row
        anchors.fill: parent
        spacing: Theme.spacing

        // Who holds the replica; gold with a crown when it leads.
        Rectangle {
            id: badge
            Layout.preferredWidth: 58 * Theme.scale
            Layout.preferredHeight: Theme.fontNormal + 10
            Layout.alignment: Qt.AlignBottom
            Layout.bottomMargin: Math.max(0, (lane.height - strip.marksHeight - height) / 2)
            radius: height / 2
            color: lane.roleColor
            Behavior on color { ColorAnimation { duration: 300 } }
            Label {
                anchors.centerIn: parent
                text: (lane.frozen ? "❄ " : lane.isLeader ? "♛ " : "") + lane.brokerId
                color: lane.isLeader && lane.up ? Theme.leaderInk : "white"
                font.pixelSize: Theme.fontSmall
                font.weight: Font.Bold
            }
            Tip {
                text: lane.isLeader ? "Broker " + lane.brokerId + " leads this partition in leader epoch " + lane.leaderEpoch
                                      + ": producers write to it, followers fetch from it."
                                    : "Broker " + lane.brokerId + " holds a copy and fetches new records from the leader."
            }
        }
        // In the ISR (green) or not (orange).
        Rectangle {
            Layout.preferredWidth: isrLabel.implicitWidth + Theme.spacing
            Layout.preferredHeight: Theme.fontSmall + 8
            Layout.alignment: Qt.AlignBottom
            Layout.bottomMargin: Math.max(0, (lane.height - strip.marksHeight - height) / 2)
            radius: 3
            color: lane.inIsr ? Theme.inSync : "transparent"
            border.color: lane.inIsr ? Theme.inSync : Theme.outOfSync
            border.width: 1.5
            Label {
                id: isrLabel
                anchors.centerIn: parent
                text: lane.inIsr ? "ISR" : "out"
                color: lane.inIsr ? "white" : Theme.outOfSync
                font.pixelSize: Theme.fontMark
                font.weight: Font.Bold
            }
            Tip {
                text: lane.inIsr ? "In the in-sync replica set: the leader waits for it before a record counts as committed, and it may become leader without losing data."
                                 : "Out of the ISR: the leader does not wait for it, and it may not become leader unless unclean.leader.election.enable is on."
            }
        }
        // Its part in a reassignment: a new replica copying the log, or one that leaves.
        Rectangle {
            objectName: "moveChip"
            visible: lane.moveSlot
            Layout.preferredWidth: moveMetrics.width + Theme.spacing
            TextMetrics {
                id: moveMetrics
                font: moveLabel.font
                text: "− leaving"
            }
            opacity: lane.move !== "" ? 1 : 0
            Layout.preferredHeight: Theme.fontSmall + 8
            Layout.alignment: Qt.AlignBottom
            Layout.bottomMargin: Math.max(0, (lane.height - strip.marksHeight - height) / 2)
            radius: 3
            color: lane.move === "adding" ? Theme.accentFill : "#5c6470"  // white type reads on both themes
            Label {
                id: moveLabel
                anchors.centerIn: parent
                text: lane.move === "adding" ? "+ new" : "− leaving"
                color: "white"
                font.pixelSize: Theme.fontMark
                font.weight: Font.Bold
            }
            Tip {
                text: lane.move === "" ? ""
                      : lane.move === "adding"
                      ? "A new replica of a reassignment: it fetches the whole log from the leader like any follower. Once it is caught up the leader adds it to the ISR, and then the replicas being removed leave."
                      : "Leaving in a reassignment: it stays a full replica (and may stay leader) until every new replica is in the ISR; then it is removed and deletes its copy."
            }
        }

        LogStrip {
            id: strip
            readonly property real marksHeight: Theme.fontMark + 4
            Layout.fillWidth: true
            Layout.fillHeight: true
            logStartOffset: lane.logStartOffset
            logEndOffset: lane.reported ? lane.logEndOffset : lane.logStartOffset
            windowEndOffset: lane.windowEnd
            highWatermark: lane.reported ? lane.highWatermark : -1
            flushedOffset: lane.reported ? lane.flushedOffset : -1
            keepOwnTail: !lane.up
            tileWidth: Math.round(Theme.fontMark * 2.4)
            tileSpacing: 2
            tileColor: Theme.tile
            freshColor: Theme.tileFresh
            textColor: Theme.tileText
            borderColor: Theme.border
            markColor: Theme.inSync
            fontPixelSize: Theme.fontMark

            HoverHandler { id: stripHover }
            readonly property double hoveredOffset: stripHover.hovered ? offsetAt(stripHover.point.position.x) : -1
            ToolTip.visible: stripHover.hovered
            ToolTip.delay: 300
            ToolTip.text: (hoveredOffset >= 0 ? "offset " + hoveredOffset + ": "
                           + (hoveredOffset < lane.highWatermark ? "committed (below the high watermark)" : "not committed yet") + ". " : "")
                          + "Log end offset " + lane.logEndOffset + ", high watermark " + lane.highWatermark
                          + ", on disk (flushed) below " + lane.flushedOffset + ". Dashed slots: records the leader has and this replica not yet."
        }

        Column {
            Layout.preferredWidth: Math.min(250 * Theme.scale, lane.width * 0.36)
            Layout.alignment: Qt.AlignBottom
            spacing: 0
            Label {
                id: offsetsLabel
                width: parent.width
                text: lane.offsets
                font.family: Theme.mono
                font.pixelSize: Theme.fontSmall
                color: Theme.text
                elide: Text.ElideRight
            }
            Label {
                id: statusLabel
                width: parent.width
                text: lane.status
                color: lane.statusColor
                font.pixelSize: Theme.fontSmall
                font.weight: !lane.isLeader && !lane.inIsr && lane.up ? Font.Bold : Font.Normal
                wrapMode: Text.Wrap
                // Two lines when the lane has room for them under the offsets, else one.
                maximumLineCount: lane.height >= offsetsLabel.implicitHeight + 2.4 * font.pixelSize * 1.17 ? 2 : 1
                elide: Text.ElideRight
                Tip { text: statusLabel.truncated ? lane.status : "" }
            }
        }
    }

    // The fetch dot: up to the leader's lane at this follower's log end (it asks from there),
    // back down at the leader's log end (it brings the records up to there).
    property int shownSeq: fetchSeq
    onFetchSeqChanged: {
        const grew = fetchSeq > shownSeq
        shownSeq = fetchSeq
        if (!grew || fetchAnim.running || isLeader || !up || leaderRow < 0) return
        const centre = strip.marksHeight + (strip.height - strip.marksHeight) / 2 - dot.height / 2
        const clampX = x => strip.x + Math.max(0, Math.min(strip.width, x)) - dot.width / 2
        dot.fromX = clampX(strip.xOf(logEndOffset))
        dot.toX = clampX(strip.xOf(leaderLogEnd))
        dot.homeY = centre
        dot.leaderY = centre + (leaderRow - index) * pitch
        fetchAnim.start()
    }
    Rectangle {
        id: dot
        property real fromX: 0
        property real toX: 0
        property real homeY: 0
        property real leaderY: 0
        property bool carrying: false
        function setOff() {
            carrying = false
            x = fromX
            y = homeY
        }
        function load() { carrying = true }
        width: Math.round(10 * Theme.scale)
        height: width
        radius: width / 2
        visible: fetchAnim.running
        color: carrying ? Theme.follower : Theme.surface
        border.color: Theme.follower
        border.width: 2
    }
    SequentialAnimation {
        id: fetchAnim
        ScriptAction { script: dot.setOff() }
        NumberAnimation { target: dot; property: "y"; to: dot.leaderY; duration: 280; easing.type: Easing.InOutQuad }
        ScriptAction { script: dot.load() }
        ParallelAnimation {
            NumberAnimation { target: dot; property: "x"; to: dot.toX; duration: 320; easing.type: Easing.InOutQuad }
            NumberAnimation { target: dot; property: "y"; to: dot.homeY; duration: 320; easing.type: Easing.InOutQuad }
        }
    }

    // The forward hop: a record tile from this broker's lane up (or down) to the leader's lane,
    // then along it to the leader's log end, where the leader appends it.
    property int shownForwardSeq: forwardSeq
    onForwardSeqChanged: {
        const grew = forwardSeq > shownForwardSeq
        shownForwardSeq = forwardSeq
        if (!grew || forwardAnim.running || isLeader || !up || leaderRow < 0) return
        const centre = strip.marksHeight + (strip.height - strip.marksHeight) / 2 - hop.height / 2
        hop.fromX = strip.x - Theme.spacing / 2 - hop.width / 2  // between the chips and the log
        hop.toX = strip.x + Math.max(0, Math.min(strip.width, strip.xOf(leaderLogEnd))) - hop.width / 2
        hop.homeY = centre
        hop.leaderY = centre + (leaderRow - index) * pitch
        forwardAnim.start()
    }
    Rectangle {
        id: hop
        property real fromX: 0
        property real toX: 0
        property real homeY: 0
        property real leaderY: 0
        function setOff() {
            x = fromX
            y = homeY
        }
        width: Math.round(12 * Theme.scale)
        height: width
        radius: 2
        visible: forwardAnim.running
        color: Theme.tileFresh
        border.color: Theme.surface
        border.width: 1
    }
    SequentialAnimation {
        id: forwardAnim
        ScriptAction { script: hop.setOff() }
        NumberAnimation { target: hop; property: "y"; to: hop.leaderY; duration: 300; easing.type: Easing.InOutQuad }
        NumberAnimation { target: hop; property: "x"; to: hop.toX; duration: 380; easing.type: Easing.InOutQuad }
    }

    // Records arriving at the leader: a tile from the producer's side (the left of the log) to the
    // leader's log end, at most one in flight whatever the rate.
    property int shownProduceSeq: produceSeq
    onProduceSeqChanged: {
        const grew = produceSeq > shownProduceSeq
        shownProduceSeq = produceSeq
        if (!grew || produceAnim.running || !isLeader || !up) return
        const centre = strip.marksHeight + (strip.height - strip.marksHeight) / 2 - incoming.height / 2
        incoming.fromX = strip.x - incoming.width / 2
        incoming.toX = strip.x + Math.max(0, Math.min(strip.width, strip.xOf(logEndOffset))) - incoming.width
        incoming.y = centre
        produceAnim.start()
    }
    Rectangle {
        id: incoming
        property real fromX: 0
        property real toX: 0
        width: Math.round(Theme.fontMark * 1.2)
        height: width
        radius: 2
        visible: produceAnim.running
        color: Theme.tileFresh
        border.color: Theme.surface
        border.width: 1
    }
    SequentialAnimation {
        id: produceAnim
        PropertyAction { target: incoming; property: "x"; value: incoming.fromX }
        NumberAnimation { target: incoming; property: "x"; to: incoming.toX; duration: 450; easing.type: Easing.OutQuad }
    }
}
