import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Kraftlab

// The lab's transport, under the header at every window size: Pause / Play (key Space), the
// lab-time clock, the speed, Step 100 ms (while paused), and pause on election / ISR change.
// While the lab is paused, PAUSED fills the bar's free width in the largest type (for the back
// of a room), and a strip under it says why it paused and what real clients outside the lab see
// (their requests wait in the brokers and may time out on their own clocks). Everything it shows is read from Lab's
// lab-time properties, which the frame timer refreshes.
Rectangle {
    id: bar
    objectName: "transportBar"
    readonly property bool paused: Lab.paused
    // The speeds a teacher picks from (the engine accepts 0.05 to 4).
    readonly property var speeds: [0.1, 0.25, 0.5, 1, 2]
    // A short window (1280x720 in presenter mode) gives the bar less height.
    // A short window (1280x720 in presenter mode) has no height to spare: one row, a little
    // lower, without the "Speed" and "Pause on" words (their tooltips stay), and the note for
    // real clients inside the PAUSED block instead of in a strip of its own.
    readonly property bool oneRow: ViewState.shortWindow
    readonly property real buttonHeight: Theme.fontNormal * (oneRow ? 1.75 : 2.3)
    readonly property real margin: oneRow ? 1 : Theme.spacing / 2
    readonly property string clientsNote: "Real Kafka clients outside the lab wait: the brokers hold their requests (not answered, not refused) until Play, and the clients may time out on their own clocks."

    function speedName(s) { return (s === 0.25 ? "¼" : s === 0.5 ? "½" : String(s)) + "×" }
    function labClock(ms) { return "t=" + (ms / 1000).toFixed(1) + " s" }

    implicitHeight: controls.implicitHeight + 2 * bar.margin + (note.visible ? note.implicitHeight : 0)
    color: Theme.surface

    // A segment of the speed control.
    component Segment: Rectangle {
        id: segment
        property alias text: segmentLabel.text
        property bool checked: false
        signal clicked()
        implicitWidth: segmentLabel.implicitWidth + Theme.spacing * 2
        implicitHeight: segmentLabel.implicitHeight + 8
        color: checked ? Theme.accent : (segmentMouse.containsMouse ? Theme.surfaceAlt : "transparent")
        Label {
            id: segmentLabel
            anchors.centerIn: parent
            color: segment.checked ? "white" : Theme.text
            font.pixelSize: Theme.fontNormal
            font.weight: segment.checked ? Font.Bold : Font.Normal
        }
        MouseArea {
            id: segmentMouse
            anchors.fill: parent
            hoverEnabled: true
            cursorShape: Qt.PointingHandCursor
            onClicked: segment.clicked()
        }
    }

    RowLayout {
        id: controls
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.topMargin: bar.margin
        height: implicitHeight
        anchors.leftMargin: Theme.spacing * 2
        anchors.rightMargin: Theme.spacing * 2
        spacing: Theme.spacing * 1.5

        // Pause / Play: the one control a teacher reaches for.
        Button {
            id: playButton
            objectName: "pauseButton"
            enabled: Lab.running
            Layout.preferredHeight: bar.buttonHeight
            Layout.preferredWidth: Math.max(implicitWidth, Theme.fontNormal * (bar.oneRow ? 5.5 : 6.5))
            text: bar.paused ? "▶  Play" : "▮▮  Pause"
            background: Rectangle {
                radius: 4
                color: bar.paused ? Theme.inSync : Theme.accent
                opacity: !playButton.enabled ? 0.4 : playButton.down ? 0.75 : (playButton.hovered ? 0.9 : 1.0)
            }
            contentItem: Label {
                text: playButton.text
                color: "white"
                font.pixelSize: Theme.fontNormal
                font.weight: Font.Bold
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
            onClicked: Lab.togglePause()
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: bar.paused ? "Let lab time run again (key Space)." : "Stop lab time: every node is held between two steps, so nothing changes until you play or step (key Space)."
        }

        // The lab-time clock.
        Label {
            objectName: "labClock"
            text: bar.labClock(Lab.nowMs)
            font.family: Theme.mono
            font.pixelSize: Theme.fontLarge
            font.weight: Font.Bold
            color: bar.paused ? Theme.accent : Theme.text
            Layout.preferredWidth: Math.max(implicitWidth, Theme.fontLarge * 6.5)
            Tip { text: "Lab time: every timeout, heartbeat and producer in the lab runs on it. It stands still while the lab is paused and runs at the lab's speed; events and charts are stamped with it." }
        }

        // Speed, as a segmented control.
        RowLayout {
            spacing: Theme.spacing / 2
            Label {
                visible: !bar.oneRow
                text: "Speed"
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
            }
            Rectangle {
                objectName: "speedControl"
                implicitWidth: segments.implicitWidth + 2
                implicitHeight: segments.implicitHeight + 2
                radius: 4
                color: "transparent"
                border.color: Theme.border
                border.width: 1
                clip: true
                Row {
                    id: segments
                    x: 1
                    y: 1
                    Repeater {
                        model: bar.speeds
                        Segment {
                            id: speedSegment
                            required property real modelData
                            objectName: "speed-" + modelData
                            text: bar.speedName(modelData)
                            checked: Math.abs(Lab.labSpeed - modelData) < 1e-6
                            onClicked: Lab.setLabSpeed(modelData)
                            Tip {
                                text: speedSegment.modelData === 1 ? "Real time."
                                      : speedSegment.modelData < 1 ? "Slow motion: every timeout, heartbeat and producer runs " + (1 / speedSegment.modelData) + " times slower than real time."
                                      : "Every timeout, heartbeat and producer runs " + speedSegment.modelData + " times faster than real time."
                            }
                        }
                    }
                }
            }
        }

        // A step of lab time, only while paused.
        Button {
            id: stepButton
            objectName: "stepButton"
            enabled: bar.paused && Lab.running && !Lab.stepping
            Layout.preferredHeight: bar.buttonHeight
            text: Lab.stepping ? "Stepping…" : bar.oneRow ? "▶| 100 ms" : "▶| Step 100 ms"
            flat: true
            font.pixelSize: Theme.fontNormal
            onClicked: Lab.stepLab(100)
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: bar.paused ? "Run the lab for 100 ms of lab time, then pause again: watch one heartbeat, one fetch, one vote at a time."
                                     : "Pause first: a step runs a paused lab for 100 ms."
        }

        // PAUSED, unmistakable: a block in the accent colour across the bar's free width, the
        // word in the largest type (the bar's free width is kept for it, so nothing moves when
        // the lab pauses).
        Item {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.max(pausedWord.implicitHeight, blockNote.visible ? blockNote.implicitHeight : 0)
            Layout.minimumWidth: pausedWord.implicitWidth + Theme.spacing * 2
            Rectangle {
                id: pausedBlock
                objectName: "pausedBanner"
                visible: bar.paused
                anchors.fill: parent
                radius: 4
                color: Theme.accentFill
                Label {
                    id: pausedWord
                    objectName: "pausedWord"
                    anchors.verticalCenter: parent.verticalCenter
                    x: blockNote.visible ? Theme.spacing : (parent.width - width) / 2
                    text: "PAUSED"
                    color: "white"
                    font.pixelSize: Math.round(Theme.fontTitle * (bar.oneRow ? 1.0 : 1.5))
                    font.weight: Font.Black
                    font.letterSpacing: 2
                }
                // One row: what real clients see, beside the word.
                Label {
                    id: blockNote
                    objectName: "pausedNote"
                    visible: bar.oneRow
                    anchors.left: pausedWord.right
                    anchors.right: parent.right
                    anchors.leftMargin: Theme.spacing
                    anchors.rightMargin: Theme.spacing / 2
                    anchors.verticalCenter: parent.verticalCenter
                    text: "Real clients' requests wait and may time out."
                    color: "white"
                    font.pixelSize: Theme.fontSmall
                    lineHeight: 0.9
                    wrapMode: Text.Wrap
                    maximumLineCount: 2
                    elide: Text.ElideRight
                    Tip { text: blockNote.text + " " + (Lab.pauseReason !== "" ? "Lab " + Lab.pauseReason + ". " : "") + bar.clientsNote }
                }
                Tip { text: "The lab is paused at " + bar.labClock(Lab.nowMs) + " of lab time: every node is held between two steps. Play (or Space) lets it go on; Step runs 100 ms of it." }
            }
        }

        // Stop the lab the moment such an event happens, so that a class never misses it.
        RowLayout {
            spacing: Theme.spacing / 2
            Label {
                visible: !bar.oneRow
                text: "Pause on"
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
            }
            Chip {
                objectName: "pauseOnElection"
                text: "election"
                checked: Lab.pauseOnElection
                onClicked: Lab.setPauseOnElection(!checked)
                Tip { text: "Pause the lab the moment a controller stands for election, to look at the vote before it is over." }
            }
            Chip {
                objectName: "pauseOnIsrChange"
                text: "ISR change"
                checked: Lab.pauseOnIsrChange
                onClicked: Lab.setPauseOnIsrChange(!checked)
                Tip { text: "Pause the lab the moment a replica leaves or rejoins a partition's in-sync replicas." }
            }
        }
    }

    // While paused, what it means for real clients, in a strip under the controls.
    Rectangle {
        id: note
        objectName: "pausedNoteBar"
        visible: bar.paused && !bar.oneRow
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        implicitHeight: noteLabel.implicitHeight + (ViewState.shortWindow ? 2 : Theme.spacing / 2)
        height: implicitHeight
        color: Theme.accentFill
        Label {
            id: noteLabel
            objectName: "pausedNoteStrip"
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.verticalCenter: parent.verticalCenter
            anchors.leftMargin: Theme.spacing * 2
            anchors.rightMargin: Theme.spacing * 2
            text: (Lab.pauseReason !== "" ? "Lab " + Lab.pauseReason + ". " : "Lab time stands still. ")
                  + bar.clientsNote
            color: "white"
            font.pixelSize: Theme.fontSmall
            font.weight: Font.Bold
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight
            Tip { text: noteLabel.text }
        }
    }

    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border; visible: !note.visible }
}
