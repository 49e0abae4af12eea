import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// One partition: its number, its leader, and its log as a strip of record tiles, newest on the
// right. The tiles shift left as records arrive; the newest glow. Hover a tile for its key.
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
    readonly property real tileWidth: 34 * Theme.scale
    readonly property int tileCount: Math.max(1, Math.floor(strip.width / (tileWidth + 2)))
    readonly property double shown: Math.min(tileCount, logEndOffset - logStartOffset)
    readonly property double firstShown: logEndOffset - shown

    spacing: Theme.spacing

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

    // Leader badge: gold when led, red when the partition is offline.
    Rectangle {
        Layout.preferredWidth: 62 * Theme.scale
        Layout.preferredHeight: Theme.fontNormal + 10
        radius: height / 2
        color: row.offline ? Theme.down : Theme.leader
        Behavior on color { ColorAnimation { duration: 300 } }
        Label {
            anchors.centerIn: parent
            text: row.offline ? "offline" : "♛ " + row.leader
            color: "white"
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

    Item {
        id: strip
        Layout.fillWidth: true
        Layout.preferredHeight: Theme.fontNormal + 14
        clip: true

        Rectangle {
            anchors.fill: parent
            radius: 3
            color: "transparent"
            border.color: Theme.border
        }

        Row {
            id: tiles
            anchors.right: parent.right
            anchors.rightMargin: 2
            anchors.verticalCenter: parent.verticalCenter
            spacing: 2
            Repeater {
                model: row.shown
                delegate: Rectangle {
                    id: tile
                    required property int index
                    readonly property double offset: row.firstShown + index
                    readonly property double age: row.logEndOffset - 1 - offset
                    readonly property int keyIndex: row.recentKeys.length - (row.recentKeysEnd - offset)
                    readonly property string key: keyIndex >= 0 && keyIndex < row.recentKeys.length && offset < row.recentKeysEnd
                                                  ? row.recentKeys[keyIndex] : ""
                    width: row.tileWidth
                    height: strip.height - 6
                    radius: 2
                    color: age < 1 ? Theme.tileFresh : age < 3 ? Qt.lighter(Theme.tileFresh, Theme.dark ? 0.75 : 1.45) : Theme.tile
                    Behavior on color { ColorAnimation { duration: 400 } }
                    Label {
                        anchors.centerIn: parent
                        text: tile.offset
                        font.pixelSize: Math.round(Theme.fontSmall * 0.85)
                        font.family: Theme.mono
                        color: tile.age < 3 ? "white" : Theme.tileText
                        width: parent.width - 2
                        horizontalAlignment: Text.AlignHCenter
                        elide: Text.ElideLeft
                    }
                    Tip { text: "offset " + tile.offset + (tile.key !== "" ? " · key " + tile.key : "") }
                }
            }
        }

        Label {
            anchors.left: parent.left
            anchors.leftMargin: Theme.spacing
            anchors.verticalCenter: parent.verticalCenter
            visible: row.logEndOffset === row.logStartOffset
            text: "empty log"
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
        }
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
