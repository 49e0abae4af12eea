import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// One partition: its number, its replicas (the leader crowned gold, in-sync followers blue, out
// of the ISR orange, on a down broker grey), and its log as a strip of record tiles (LogStrip),
// newest on the right, with the high watermark marked. The tiles shift left as records arrive;
// the newest glow. Hover a tile for its offset and key; click the row to watch its replication.
RowLayout {
    id: row
    property string topic
    property var info: ({})  // TopicListModel's partitionInfo

    readonly property int partition: info.partition !== undefined ? info.partition : -1
    readonly property int leader: info.leader !== undefined ? info.leader : -1
    readonly property var replicas: info.replicas || []
    readonly property var isr: info.isr || []
    readonly property var replicaStates: info.replicaStates || []
    readonly property bool offline: info.offline || false
    readonly property double logStartOffset: info.logStartOffset || 0
    readonly property double logEndOffset: info.logEndOffset || 0
    readonly property double highWatermark: info.highWatermark || 0
    readonly property var recentKeys: info.recentKeys || []
    readonly property double recentKeysEnd: info.recentKeysEnd || 0
    readonly property bool selected: Lab.selectedTopic === topic && Lab.selectedPartition === partition
    // The consumer group the Groups view shows: which member owns this partition (its colour
    // index; undefined: none) and the group's committed offset here (undefined: none).
    readonly property var groupOwner: Lab.groups.owners[topic + "/" + partition]
    readonly property var groupCommitted: Lab.groups.committed[topic + "/" + partition]
    // The built-in consumers reading this partition: [{id, position, group}].
    readonly property var consumerPositions: Lab.consumers.positions[topic + "/" + partition] || []

    spacing: Theme.spacing

    // A click anywhere on the row selects the partition: its replicas open below (Replication).
    TapHandler {
        onTapped: Lab.select("", row.topic, row.partition)
    }

    Label {
        Layout.preferredWidth: Math.max(implicitWidth, 34 * Theme.scale)
        text: "P" + row.partition
        font.weight: Font.Bold
        font.pixelSize: Theme.fontNormal
        color: row.selected ? Theme.accent : Theme.text
        Tip { text: row.topic + "-" + row.partition + ": partition " + row.partition + " of " + row.topic + ", an ordered log of records. Click to watch its replicas."
                    + (row.groupOwner !== undefined ? " Underlined in the colour of the member of group " + Lab.groups.currentGroup + " that reads it." : "") }
        // The owning member's colour (the Groups view's group).
        Rectangle {
            objectName: "groupOwnerMark"
            visible: row.groupOwner !== undefined
            anchors.left: parent.left
            anchors.bottom: parent.bottom
            anchors.bottomMargin: -2
            width: parent.implicitWidth
            height: Math.round(4 * Theme.scale)
            radius: height / 2
            color: Theme.memberColour(row.groupOwner !== undefined ? row.groupOwner : -1)
        }
    }

    // When leadership moves (its broker died, or came back as the preferred leader), the crown
    // pulses once so the eye finds the partition.
    property int shownLeader: -2
    onLeaderChanged: {
        if (shownLeader !== -2 && leader !== shownLeader) leaderPulse.restart()
        shownLeader = leader
    }
    Component.onCompleted: shownLeader = leader

    // The replicas, one chip each, the leader first as Kafka lists it (the preferred leader is
    // the first replica); red "offline" when no replica can lead.
    Row {
        id: chips
        spacing: 3
        Layout.alignment: Qt.AlignVCenter
        Rectangle {
            visible: row.offline
            width: offlineText.implicitWidth + Theme.spacing
            height: Theme.fontSmall + 10
            radius: height / 2
            color: Theme.down
            Label {
                id: offlineText
                anchors.centerIn: parent
                text: "offline"
                color: "white"
                font.pixelSize: Theme.fontSmall
                font.weight: Font.Bold
            }
        }
        Repeater {
            model: row.replicas
            delegate: Rectangle {
                id: chip
                required property int index
                required property var modelData
                readonly property string state: row.replicaStates[index] || "out"
                readonly property bool leads: state === "leader"
                width: Math.max(height, chipText.implicitWidth + Theme.spacing)
                height: Theme.fontSmall + 10
                radius: height / 2
                color: state === "leader" ? Theme.leader : state === "isr" ? Theme.follower
                     : state === "down" ? Theme.idle : "transparent"
                border.width: state === "out" ? 2 : 0
                border.color: Theme.outOfSync
                Behavior on color { ColorAnimation { duration: 300 } }
                SequentialAnimation {
                    id: pulse
                    NumberAnimation { target: chip; property: "scale"; to: 1.35; duration: 160; easing.type: Easing.OutQuad }
                    NumberAnimation { target: chip; property: "scale"; to: 1.0; duration: 340; easing.type: Easing.InOutQuad }
                }
                Connections {
                    target: leaderPulse
                    function onTriggered() { if (chip.leads) pulse.restart() }
                }
                Label {
                    id: chipText
                    anchors.centerIn: parent
                    text: (chip.leads ? "♛" : "") + chip.modelData
                    color: chip.leads ? Theme.leaderInk : chip.state === "out" ? Theme.outOfSync : "white"
                    font.pixelSize: Theme.fontSmall
                    font.weight: Font.Bold
                }
                Tip {
                    text: "Broker " + chip.modelData + (chip.state === "leader" ? " leads " + row.topic + "-" + row.partition + " (leader epoch " + (row.info.leaderEpoch || 0) + "): it takes the writes."
                          : chip.state === "isr" ? " follows the leader and is in sync (in the ISR)."
                          : chip.state === "down" ? " is down: its copy waits on disk."
                          : " holds a copy but is out of the ISR: behind the leader.")
                          + " In sync: " + row.isr.join(", ") + " of " + row.replicas.join(", ") + "."
                }
            }
        }
        // Drives the crown's pulse (a partition's leader moved).
        Timer { id: leaderPulse; interval: 1; onTriggered: {} }
    }

    LogStrip {
        id: strip
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.fontMark + 12
        logStartOffset: row.logStartOffset
        logEndOffset: row.logEndOffset
        highWatermark: row.highWatermark
        markLabels: false  // one line high; the green bar is the high watermark (see the tooltip)
        tileWidth: Math.round(Theme.fontMark * 2.4)
        tileSpacing: 2
        tileColor: Theme.tile
        freshColor: Theme.tileFresh
        textColor: Theme.tileText
        borderColor: Theme.border
        markColor: Theme.inSync
        fontPixelSize: Theme.fontMark

        Label {
            anchors.left: parent.left
            anchors.leftMargin: Theme.spacing
            anchors.bottom: parent.bottom
            anchors.bottomMargin: 3
            visible: row.logEndOffset === row.logStartOffset
            text: "empty log"
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
        }

        // The group's committed offset: where it resumes (a bar before that offset's slot).
        Rectangle {
            id: committedMark
            objectName: "groupCommittedMark"
            // Placed when the strip or the commit changes, not by a binding over the strip's
            // properties: while the row lays the strip out, such a binding was re-entered
            // (Qt reported a binding loop on it).
            property real at: -1
            function place() { at = row.groupCommitted === undefined ? -1 : strip.xFor(row.groupCommitted) }
            Connections {
                target: strip
                function onChanged() { committedMark.place() }
                function onWidthChanged() { committedMark.place() }
            }
            Connections {
                target: row
                function onGroupCommittedChanged() { committedMark.place() }
            }
            Component.onCompleted: place()
            // Committed offsets and consumer positions come from other snapshots than the
            // strip's: one past the drawn high watermark is left out for that frame rather
            // than drawn where no consumer can be (a consistent cut).
            visible: row.groupCommitted !== undefined && row.groupCommitted <= row.highWatermark
                     && at >= 0 && at <= strip.width
            x: at - width / 2
            width: Math.round(3 * Theme.scale)
            height: strip.height
            color: Theme.memberColour(row.groupOwner !== undefined ? row.groupOwner : -1)
        }

        // Each consumer reading the partition: a tag "▲C<id>" whose left edge is the offset it
        // reads next, in its member colour when the Groups view shows its group.
        Repeater {
            model: row.consumerPositions
            delegate: Rectangle {
                id: consumerMark
                required property var modelData
                // Placed as the group's commit mark is (not a binding over the strip).
                property real at: -1
                function place() { at = consumerMark.modelData.position < 0 ? -1 : strip.xFor(consumerMark.modelData.position) }
                Connections {
                    target: strip
                    function onChanged() { consumerMark.place() }
                    function onWidthChanged() { consumerMark.place() }
                }
                Component.onCompleted: place()
                readonly property bool grouped: modelData.group !== "" && modelData.group === Lab.groups.currentGroup
                                                && row.groupOwner !== undefined
                objectName: "consumerPositionMark"
                visible: modelData.position <= row.highWatermark && at >= 0 && at <= strip.width
                // Caught up (at the right edge), the tag stands left of its mark.
                x: at + width > strip.width ? at - width : at
                y: strip.height - height
                width: markText.implicitWidth + 4
                height: markText.implicitHeight
                radius: 3
                color: grouped ? Theme.memberColour(row.groupOwner) : Theme.accentFill
                Text {
                    id: markText
                    anchors.centerIn: parent
                    text: "▲C" + consumerMark.modelData.id
                    // The dark theme's member colours are light: dark type on them.
                    color: consumerMark.grouped && Theme.dark ? "#10161c" : "white"
                    font.pixelSize: Theme.fontMark
                    font.weight: Font.Bold
                }
            }
        }

        // LogStrip.xOf's formula: where the slot of `offset` begins, for the marks laid over it.
        function xFor(offset) {
            return strip.width - ((strip.windowEndOffset >= 0 ? strip.windowEndOffset : strip.logEndOffset) - offset)
                   * (strip.tileWidth + strip.tileSpacing)
        }

        // The tile under the pointer: its offset, and its key when it is among the newest.
        HoverHandler { id: stripHover }
        readonly property double hoveredOffset: stripHover.hovered ? offsetAt(stripHover.point.position.x) : -1
        ToolTip.visible: hoveredOffset >= 0
        ToolTip.delay: 300
        ToolTip.text: {
            if (hoveredOffset < 0) return ""
            const k = row.recentKeys.length - (row.recentKeysEnd - hoveredOffset)
            const key = k >= 0 && k < row.recentKeys.length && hoveredOffset < row.recentKeysEnd ? row.recentKeys[k] : ""
            return "offset " + hoveredOffset + (key !== "" ? " · key " + key : "")
                   + (hoveredOffset < row.highWatermark ? " · committed" : " · not committed yet (above the high watermark)")
                   + (row.groupCommitted !== undefined ? " · group " + Lab.groups.currentGroup + " resumes at " + row.groupCommitted : "")
                   + row.consumerPositions.filter(c => c.position === hoveredOffset).map(c => " · consumer " + c.id + " reads it next").join("")
        }
    }

    Label {
        Layout.preferredWidth: Math.max(implicitWidth, 96 * Theme.scale)
        text: "LEO " + Number(row.logEndOffset).toLocaleString(Qt.locale(), "f", 0)
        horizontalAlignment: Text.AlignRight
        font.family: Theme.mono
        font.pixelSize: Theme.fontSmall
        color: Theme.text
        Tip {
            text: "Log end offset " + row.logEndOffset + ": the offset the next record will get. High watermark "
                  + row.highWatermark + ": records below it are committed. Log start offset " + row.logStartOffset + "; "
                  + (row.info.segments || 0) + " segment file(s), " + Lab.formatBytes(row.info.sizeBytes || 0) + "; "
                  + Lab.charts.formatRate(row.info.recordsPerSecond || 0) + "."
        }
    }
}
