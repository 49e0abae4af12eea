import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// The colour language, explained once, always in view.
Rectangle {
    implicitHeight: row.implicitHeight + Theme.spacing / 2
    color: Theme.surface
    Rectangle { anchors.top: parent.top; width: parent.width; height: 1; color: Theme.border }

    RowLayout {
        id: row
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.leftMargin: Theme.spacing * 2
        spacing: Theme.spacing * 3

        Repeater {
            model: [
                { name: "Leader", color: Theme.leader, tip: "The replica that takes writes and serves reads for a partition; also the quorum's leader, the active controller." },
                { name: "Follower", color: Theme.follower, tip: "A replica that copies the leader, ready to take over; also a controller that follows the quorum's leader." },
                { name: "Candidate", color: Theme.candidate, tip: "A controller asking the others for their votes: an election is running." },
                { name: "In sync (ISR)", color: Theme.inSync, tip: "Up to date with the leader: eligible to become leader without losing data. Also: a node that is up." },
                { name: "Out of sync / fenced", color: Theme.outOfSync, tip: "Behind the leader, or a broker the controller has fenced off." },
                { name: "Down / offline", color: Theme.down, tip: "A killed node, or a partition with no leader: it cannot be written or read." },
                { name: "Record", color: Theme.tile, tip: "One record in a partition's log, at its offset. The newest are highlighted." }
            ]
            delegate: RowLayout {
                id: entry
                required property var modelData
                spacing: Theme.spacing / 2
                Rectangle {
                    width: Theme.fontSmall
                    height: Theme.fontSmall
                    radius: 3
                    color: entry.modelData.color
                }
                Label {
                    text: entry.modelData.name
                    color: Theme.text
                    font.pixelSize: Theme.fontSmall
                    Tip { text: entry.modelData.tip }
                }
            }
        }
    }
    // Where the lab keeps its logs, in the room the colours leave (the whole path on hover).
    Label {
        id: dataLabel
        anchors.right: parent.right
        anchors.rightMargin: Theme.spacing * 2
        anchors.verticalCenter: parent.verticalCenter
        readonly property real room: parent.width - row.x - row.width - Theme.spacing * 5
        visible: Lab.running && room > 120
        text: "data: " + Lab.dataDir
        color: Theme.textDim
        font.pixelSize: Theme.fontSmall
        elide: Text.ElideMiddle
        width: Math.max(0, Math.min(implicitWidth, room))
        Tip { text: "The lab's logs on disk: " + dataLabel.text }
    }
}
