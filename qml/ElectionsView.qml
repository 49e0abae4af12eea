pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import Kraftlab

// The quorum's elections, newest first: each one a bar from the first candidate's start to the
// winner (or to the next epoch, when nobody won), its votes marked along it where they came,
// and every vote in words: who voted for whom, or refused and why.
Panel {
    id: view
    title: "Elections"
    key: "elections"
    subtitle: list.count === 0 ? "none yet" : "KRaft quorum · newest first"
    tip: "A controller that hears no leader within the election timeout stands for election in a new epoch: it votes for itself and asks the others. A majority of votes makes it the leader; a voter grants one vote per epoch, and only to a candidate whose log is at least as long as its own."

    ListView {
        id: list
        objectName: "electionList"
        anchors.fill: parent
        clip: true
        spacing: Theme.spacing
        model: Lab.elections
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        delegate: Rectangle {
            id: election
            required property int epoch
            required property string startTime
            required property double startMs
            required property double durationMs
            required property string outcome
            required property int winner
            required property string reason
            required property var candidates
            required property var votes
            required property string summary

            readonly property bool running: outcome === "running"
            // How long it took (or, while it runs, has taken so far).
            readonly property real spanMs: running ? Math.max(0, Lab.nowMs - startMs) : durationMs
            readonly property color barColor: outcome === "elected" ? Theme.leader : Theme.candidate

            width: list.width - Theme.spacing
            height: column.height + Theme.spacing * 1.5
            radius: Theme.radius
            color: Theme.surfaceAlt
            border.color: Theme.border
            border.width: Theme.presenter ? 2 : 1

            Column {
                id: column
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: Theme.spacing
                anchors.topMargin: Theme.spacing * 0.75
                spacing: 3

                // Epoch, when, and how it ended.
                Item {
                    width: column.width
                    implicitHeight: Math.max(epochLabel.implicitHeight, outcomeChip.implicitHeight)
                    Label {
                        id: epochLabel
                        anchors.left: parent.left
                        anchors.verticalCenter: parent.verticalCenter
                        text: "Epoch " + election.epoch
                        font.pixelSize: Theme.fontLarge
                        font.weight: Font.Bold
                        color: Theme.text
                    }
                    Label {
                        anchors.left: epochLabel.right
                        anchors.leftMargin: Theme.spacing
                        anchors.right: outcomeChip.left
                        anchors.rightMargin: Theme.spacing
                        anchors.baseline: epochLabel.baseline
                        text: election.startTime
                        font.family: Theme.mono
                        font.pixelSize: Theme.fontSmall
                        color: Theme.textDim
                        elide: Text.ElideRight
                    }
                    Rectangle {
                        id: outcomeChip
                        anchors.right: parent.right
                        anchors.verticalCenter: parent.verticalCenter
                        radius: height / 2
                        color: election.outcome === "elected" ? Theme.leader
                             : election.outcome === "running" ? Theme.candidate : Theme.down
                        implicitWidth: outcomeLabel.implicitWidth + Theme.spacing * 1.5
                        implicitHeight: outcomeLabel.implicitHeight + 4
                        Label {
                            id: outcomeLabel
                            anchors.centerIn: parent
                            text: election.outcome === "elected" ? "♛ " + election.winner + " · " + Math.round(election.durationMs) + " ms"
                                : election.outcome === "running" ? "voting… " + Math.round(election.spanMs) + " ms"
                                : "no winner · " + Math.round(election.durationMs) + " ms"
                            color: election.outcome === "elected" ? Theme.leaderInk : "white"
                            font.pixelSize: Theme.fontSmall
                            font.weight: Font.Bold
                        }
                    }
                }

                // Why the first candidate stood.
                Label {
                    width: column.width
                    visible: election.reason !== ""
                    text: "why: " + election.reason
                    font.pixelSize: Theme.fontSmall
                    color: Theme.textDim
                    wrapMode: Text.Wrap
                }

                // The bar: from the start to the end, on a scale shared by every election shown;
                // each vote a dot where it came (green granted, red refused).
                Item {
                    id: track
                    width: column.width
                    height: Math.round(Theme.fontNormal * 1.2)
                    readonly property real scaleMs: Math.max(Lab.elections.longestMs, election.spanMs, 1)
                    Rectangle {
                        anchors.verticalCenter: parent.verticalCenter
                        width: parent.width
                        height: 2
                        color: Theme.border
                    }
                    Rectangle {
                        id: bar
                        anchors.verticalCenter: parent.verticalCenter
                        height: Math.round(parent.height * 0.55)
                        radius: height / 2
                        // A stub at least: a 5 ms election beside a 1.4 s split vote would vanish.
                        width: Math.max(height * 3, track.width * election.spanMs / track.scaleMs)
                        color: election.barColor
                        opacity: election.outcome === "no winner" ? 0.55 : 1.0
                    }
                    Repeater {
                        model: election.votes
                        delegate: Rectangle {
                            id: voteDot
                            required property var modelData
                            width: Math.round(track.height * 0.75)
                            height: width
                            radius: width / 2
                            // Not anchored: a new lab empties the timeline while the dots go.
                            y: (track.height - height) / 2
                            x: Math.min(track.width - width, Math.max(0, track.width * modelData.atMs / track.scaleMs - width / 2))
                            color: modelData.granted ? Theme.inSync : Theme.down
                            border.color: Theme.surfaceAlt
                            border.width: 2
                            Tip {
                                readonly property var vote: voteDot.modelData
                                text: "+" + vote.atMs + " ms: controller " + vote.voter + (vote.granted ? " voted for " : " refused ")
                                      + vote.candidate + (vote.reason !== "" ? " (" + vote.reason + ")" : "")
                            }
                        }
                    }
                }

                // Who stood, and what each got (its own vote included).
                Label {
                    width: column.width
                    text: {
                        let parts = []
                        for (let i = 0; i < election.candidates.length; ++i) {
                            const c = election.candidates[i]
                            parts.push("<b>" + c.id + "</b>: " + c.granted + (c.granted === 1 ? " vote" : " votes")
                                       + (c.refused > 0 ? ", " + c.refused + " refused" : ""))
                        }
                        return (parts.length === 1 ? "candidate " : "candidates ") + parts.join(" · ")
                    }
                    textFormat: Text.StyledText
                    font.pixelSize: Theme.fontNormal
                    color: Theme.text
                    wrapMode: Text.Wrap
                }

                // Every vote, in words.
                Repeater {
                    model: election.votes
                    delegate: Label {
                        required property var modelData
                        width: column.width
                        text: (modelData.granted ? "<font color=\"" + Theme.inSync + "\">✔</font> " : "<font color=\"" + Theme.down + "\">✘</font> ")
                              + "<b>" + modelData.voter + "</b> → " + modelData.candidate
                              + (modelData.granted ? " granted" : " refused")
                              + (modelData.reason !== "" && modelData.reason !== "granted" ? ": " + modelData.reason : "")
                              + "  <font color=\"" + Theme.textDim + "\">+" + modelData.atMs + " ms</font>"
                        textFormat: Text.StyledText
                        font.pixelSize: Theme.fontSmall
                        color: Theme.text
                        wrapMode: Text.Wrap
                    }
                }

                Label {
                    width: column.width
                    text: election.summary
                    font.pixelSize: Theme.fontSmall
                    font.italic: true
                    color: Theme.textDim
                    wrapMode: Text.Wrap
                }
            }
        }

        Label {
            anchors.centerIn: parent
            visible: list.count === 0
            width: parent.width * 0.8
            text: "No election seen yet. Kill or resign the active controller to start one."
            color: Theme.textDim
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
        }
    }
}
