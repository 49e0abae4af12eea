import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// The scenario being played, along the bottom of the window in type the back of the room can
// read: the step (its number, title and narration), what to look at and what comes next, the
// player's buttons (play or pause, next step, restart, leave), and at the end the verdict the
// audit proved. Shown only while a scenario is on (Scenario.active).
Rectangle {
    id: narration
    objectName: "narrationPanel"
    visible: Scenario.active
    implicitHeight: visible ? body.implicitHeight + Theme.spacing * 1.5 : 0
    color: Theme.surface
    Rectangle { anchors.top: parent.top; width: parent.width; height: Math.round(3 * Theme.scale); color: Theme.accent }

    readonly property bool finished: Scenario.state === "done"
    readonly property bool failed: Scenario.state === "failed"
    readonly property bool playing: Scenario.state === "playing"
    // Read from the back of the room whether or not presenter mode is on: at least presenter
    // mode's sizes.
    readonly property int titlePx: Math.max(Theme.fontTitle, Math.round(26 * Theme.zoom))
    readonly property int sayPx: Math.max(Theme.fontLarge, Math.round(21 * Theme.zoom))

    ColumnLayout {
        id: body
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.topMargin: Theme.spacing
        anchors.leftMargin: Theme.spacing * 2
        anchors.rightMargin: Theme.spacing * 2
        spacing: 2

        // The step's number and title (or the verdict), and the player.
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            Rectangle {
                visible: Scenario.stepNumber > 0 && !narration.finished && !narration.failed
                radius: Theme.radius
                color: Theme.accentFill
                implicitWidth: stepLabel.implicitWidth + Theme.spacing * 1.5
                implicitHeight: stepLabel.implicitHeight + 4
                Label {
                    id: stepLabel
                    objectName: "narrationStep"
                    anchors.centerIn: parent
                    text: Scenario.stepNumber + " / " + Scenario.stepCount
                    color: "white"
                    font.pixelSize: narration.sayPx
                    font.weight: Font.Bold
                }
                Tip { text: "Step " + Scenario.stepNumber + " of " + Scenario.stepCount + " of the lesson “" + Scenario.title + "”" }
            }
            Label {
                id: titleLabel
                Layout.fillWidth: true
                objectName: "narrationTitle"
                text: narration.finished ? (Scenario.verdictPassed ? "✓ Verdict: it happened as the lesson says"
                                                                    : "✗ Verdict: it did not happen as the lesson says")
                    : narration.failed ? "✗ The lesson stopped"
                    : Scenario.state === "starting" ? "Setting up the lesson's lab…"
                    : Scenario.state === "judging" ? "The audit reads every acknowledged record back…"
                    : Scenario.stepNumber === 0 ? Scenario.title
                    : Scenario.stepTitle
                color: narration.finished ? (Scenario.verdictPassed ? Theme.inSync : Theme.down)
                     : narration.failed ? Theme.down : Theme.text
                font.pixelSize: narration.titlePx
                font.weight: Font.Bold
                elide: Text.ElideRight
                Tip { text: titleLabel.truncated ? titleLabel.text : "" }
            }
            Button {
                id: playButton
                objectName: "narrationPlay"
                Layout.minimumWidth: implicitWidth
                visible: narration.playing
                text: Lab.paused ? "▶  Play" : "▮▮  Pause"
                // As the transport bar's: green while there is something to go on with.
                background: Rectangle {
                    implicitHeight: Theme.fontNormal * 2.2
                    radius: 4
                    color: Lab.paused ? Theme.inSync : Theme.accent
                    opacity: playButton.down ? 0.75 : (playButton.hovered ? 0.9 : 1.0)
                }
                contentItem: Label {
                    text: playButton.text
                    color: "white"
                    font.pixelSize: Theme.fontNormal
                    font.weight: Font.Bold
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                }
                onClicked: Lab.paused ? Scenario.resume() : Scenario.pause()
                Tip { text: Lab.paused ? "Lab time runs again and the lesson goes on (Space)." : "Stops lab time: nothing moves until you press Play (Space)." }
            }
            Button {
                objectName: "narrationNext"
                Layout.minimumWidth: implicitWidth
                visible: narration.playing
                enabled: Scenario.nextTitle !== ""
                text: "Next step ▶|"
                flat: true
                onClicked: Scenario.next()
                Tip { text: Scenario.nextTitle !== "" ? "Runs “" + Scenario.nextTitle + "” now instead of waiting for " + Scenario.waitingFor + "." : "" }
            }
            Button {
                objectName: "narrationRestart"
                Layout.minimumWidth: implicitWidth
                text: "Restart"
                flat: true
                enabled: Scenario.state !== "starting"
                onClicked: Scenario.restart()
                Tip { text: "The same lesson again from the start, in a new lab." }
            }
            Button {
                objectName: "narrationLeave"
                Layout.minimumWidth: implicitWidth
                text: "Leave"
                flat: true
                onClicked: Scenario.leave()
                Tip { text: "Ends the lesson and goes back to a lab of your own." }
            }
        }

        // What the teacher says; the verdict's summary; or why the lesson stopped.
        Label {
            id: sayLabel
            Layout.fillWidth: true
            objectName: "narrationSay"
            visible: text !== ""
            text: narration.failed ? Scenario.error
                : narration.finished ? Scenario.verdictSummary
                : Scenario.stepNumber > 0 ? Scenario.stepSay
                : Scenario.teaches
            color: narration.failed ? Theme.down : Theme.text
            font.pixelSize: narration.sayPx
            wrapMode: Text.Wrap
            maximumLineCount: 4
            elide: Text.ElideRight
            Tip { text: sayLabel.truncated ? sayLabel.text : "" }
        }

        // The verdict, one line per expectation.
        Flow {
            Layout.fillWidth: true
            visible: narration.finished
            spacing: Theme.spacing * 2
            Repeater {
                model: narration.finished ? Scenario.verdictResults : []
                Label {
                    id: result
                    required property var modelData
                    text: (result.modelData.held ? "✓ " : "✗ ") + result.modelData.says
                    color: result.modelData.held ? Theme.text : Theme.down
                    font.pixelSize: Theme.fontNormal
                    Tip { text: result.modelData.detail }
                }
            }
        }

        // What to look at and what comes next; otherwise which lesson this is.
        RowLayout {
            Layout.fillWidth: true
            Layout.bottomMargin: 2
            spacing: Theme.spacing
            Rectangle {
                visible: narration.playing && Scenario.lookAt !== ""
                radius: height / 2
                color: Theme.accentFill
                implicitWidth: lookLabel.implicitWidth + Theme.spacing * 2
                implicitHeight: lookLabel.implicitHeight + 4
                Label {
                    id: lookLabel
                    objectName: "narrationLookAt"
                    anchors.centerIn: parent
                    text: "Look at: " + Scenario.lookAt
                    color: "white"
                    font.pixelSize: Theme.fontNormal
                    font.weight: Font.Bold
                }
            }
            Label {
                visible: narration.playing && Scenario.pausedForQuestions && Lab.paused
                text: "Paused for questions: Play goes on"
                color: Theme.accent
                font.pixelSize: Theme.fontNormal
                font.weight: Font.Bold
            }
            Label {
                id: nextLabel
                Layout.fillWidth: true
                objectName: "narrationNextLine"
                text: !narration.playing ? "Lesson: " + Scenario.title + (Scenario.kafka !== "" ? "  ·  " + Scenario.kafka : "")
                    : Scenario.overdue !== "" ? "Still waiting: " + Scenario.overdue + ". Next step runs it anyway."
                    : Scenario.nextTitle !== "" ? "Next: " + Scenario.nextTitle + ", after " + Scenario.waitingFor
                    : "Last step: the verdict follows"
                color: narration.playing && Scenario.overdue !== "" ? Theme.outOfSync : Theme.textDim
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
                Tip { text: nextLabel.truncated ? nextLabel.text : "" }
            }
        }
    }
}
