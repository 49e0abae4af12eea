import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// One partition: its number, its leader, and its log as a strip of record tiles (LogStrip),
// newest on the right. The tiles shift left as records arrive; the newest glow. Hover a tile for
// its offset and key.
RowLayout {
    id: row
    required property string topic
    required property int partition
    required property int leader
    required property var replicas
    required property var isr
    required property int leaderEpoch
    required property bool offline
    required property double logStartOffset
    required property double logEndOffset
    required property double highWatermark
    required property double sizeBytes
    required property int segments
    required property var recentKeys
    required property double recentKeysEnd
    required property double recordsPerSecond

    readonly property bool selected: Lab.selectedTopic === topic && Lab.selectedPartition === partition

    spacing: Theme.spacing

    // A click anywhere on the row selects the partition: its replicas open below (Replication).
    TapHandler {
        onTapped: Lab.select("", row.topic, row.partition)
    }

    Label {
        Layout.preferredWidth: 34 * Theme.scale
        text: "P" + row.partition
        font.weight: Font.Bold
        font.pixelSize: Theme.fontNormal
        color: row.selected ? Theme.accent : Theme.text
        Tip { text: row.topic + "-" + row.partition + ": partition " + row.partition + " of " + row.topic + ", an ordered log of records." }
        MouseArea {
            anchors.fill: parent
            onClicked: Lab.select("", row.topic, row.partition)
        }
    }

    // When leadership moves (its broker died, or came back as the preferred leader), the badge
    // pulses once so the eye finds the partition.
    property int shownLeader: -2
    onLeaderChanged: {
        if (shownLeader !== -2 && leader !== shownLeader) leaderPulse.restart()
        shownLeader = leader
    }
    Component.onCompleted: shownLeader = leader

    // Leader badge: gold when led, red when the partition is offline.
    Rectangle {
        id: leaderBadge
        Layout.preferredWidth: 62 * Theme.scale
        Layout.preferredHeight: Theme.fontNormal + 10
        radius: height / 2
        color: row.offline ? Theme.down : Theme.leader
        Behavior on color { ColorAnimation { duration: 300 } }
        SequentialAnimation {
            id: leaderPulse
            NumberAnimation { target: leaderBadge; property: "scale"; to: 1.3; duration: 160; easing.type: Easing.OutQuad }
            NumberAnimation { target: leaderBadge; property: "scale"; to: 1.0; duration: 340; easing.type: Easing.InOutQuad }
        }
        Label {
            anchors.centerIn: parent
            text: row.offline ? "offline" : "♛ " + row.leader
            color: row.offline ? "white" : Theme.leaderInk
            font.pixelSize: Theme.fontSmall
            font.weight: Font.Bold
        }
        Tip {
            text: row.offline
                  ? "No leader: replica(s) " + row.replicas.join(", ") + " are down. Writes and reads wait until one returns."
                  : "Broker " + row.leader + " leads this partition (leader epoch " + row.leaderEpoch + "). Replicas: "
                    + row.replicas.join(", ") + "; in sync: " + row.isr.join(", ") + "."
        }
    }

    LogStrip {
        id: strip
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.fontNormal + 14
        logStartOffset: row.logStartOffset
        logEndOffset: row.logEndOffset
        tileWidth: 34 * Theme.scale
        tileSpacing: 2
        tileColor: Theme.tile
        freshColor: Theme.tileFresh
        textColor: Theme.tileText
        borderColor: Theme.border
        fontPixelSize: Theme.fontMark

        Label {
            anchors.left: parent.left
            anchors.leftMargin: Theme.spacing
            anchors.verticalCenter: parent.verticalCenter
            visible: row.logEndOffset === row.logStartOffset
            text: "empty log"
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
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
        }
    }

    // In-sync replicas of all: green when every replica keeps up, orange when some do not.
    Label {
        Layout.preferredWidth: 62 * Theme.scale
        visible: row.replicas.length > 1
        text: "ISR " + row.isr.length + "/" + row.replicas.length
        font.pixelSize: Theme.fontSmall
        font.weight: Font.Bold
        color: row.offline ? Theme.down : row.isr.length < row.replicas.length ? Theme.outOfSync : Theme.inSync
        Tip { text: "In sync: " + row.isr.join(", ") + " of replicas " + row.replicas.join(", ") + ". Click the partition to watch them." }
    }

    Label {
        Layout.preferredWidth: 120 * Theme.scale
        text: "LEO " + Number(row.logEndOffset).toLocaleString(Qt.locale(), "f", 0)
        font.family: Theme.mono
        font.pixelSize: Theme.fontSmall
        color: Theme.text
        Tip {
            text: "Log end offset " + row.logEndOffset + ": the offset the next record will get. Log start offset "
                  + row.logStartOffset + "; high watermark " + row.highWatermark + "; " + row.segments + " segment file(s), "
                  + Lab.formatBytes(row.sizeBytes) + "; " + Lab.charts.formatRate(row.recordsPerSecond) + "."
        }
    }
}
