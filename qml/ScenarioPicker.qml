pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Kraftlab

// The lessons a teacher can press play on (key L): each scenario of the library with what it
// teaches, the Kafka setting or KIP it is about, how long it runs and the lab it needs; or a
// scenario file from disk. Playing one replaces the lab with the lesson's own.
Popup {
    id: picker
    objectName: "scenarioPicker"
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(900 * Theme.scale, Overlay.overlay ? Overlay.overlay.width - 2 * Theme.spacing : 900)
    height: Math.min(760 * Theme.scale, Overlay.overlay ? Overlay.overlay.height - 2 * Theme.spacing : 760)
    padding: Theme.spacing * 2
    background: PopupBackground {}

    function minutes(seconds) {
        return seconds < 90 ? "about " + Math.max(1, Math.round(seconds / 10) * 10) + " s"
                            : "about " + Math.round(seconds / 60) + " min"
    }

    FileDialog {
        id: fileDialog
        title: "Open a scenario file"
        nameFilters: ["Scenario files (*.json)"]
        onAccepted: {
            Scenario.openFile(selectedFile)
            if (Scenario.state !== "" && Scenario.error === "") picker.close()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        // The title, and the buttons in a Row (never squeezed: their words stay whole).
        Item {
            Layout.fillWidth: true
            implicitHeight: Math.max(heading.implicitHeight, buttons.implicitHeight)
            Label {
                id: heading
                anchors.left: parent.left
                anchors.right: buttons.left
                anchors.verticalCenter: parent.verticalCenter
                text: "Lessons"
                font.pixelSize: Theme.fontTitle
                font.weight: Font.Bold
                color: Theme.text
                elide: Text.ElideRight
            }
            Row {
                id: buttons
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                spacing: Theme.spacing
                Button {
                    objectName: "openScenarioFile"
                    text: "Open a file…"
                    flat: true
                    onClicked: fileDialog.open()
                    Tip { text: "A scenario file of your own (resources/scenarios/scenario.schema.json describes the format)." }
                }
                Button {
                    text: "Close"
                    flat: true
                    onClicked: picker.close()
                }
            }
        }
        Label {
            Layout.fillWidth: true
            text: "Each lesson sets up its own lab, drives it step by step with a narration, pauses where there is something to ask, and ends with a verdict the audit proves. Your lab comes back when you leave the lesson."
            wrapMode: Text.Wrap
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
        }
        // A file that did not load: the loader's words (file, line, field).
        Label {
            Layout.fillWidth: true
            objectName: "scenarioLoadError"
            visible: text !== ""
            text: Scenario.state === "" || Scenario.state === "failed" ? Scenario.error : ""
            color: Theme.down
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
        }
        ListView {
            id: list
            objectName: "scenarioList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: Theme.spacing
            model: Scenario.library
            ScrollBar.vertical: ScrollBar { policy: list.contentHeight > list.height ? ScrollBar.AlwaysOn : ScrollBar.AsNeeded }
            delegate: Rectangle {
                id: entry
                required property var modelData
                width: list.width - Theme.spacing * 2
                implicitHeight: column.implicitHeight + Theme.spacing * 2
                radius: Theme.radius
                color: mouse.containsMouse ? Theme.surfaceAlt : "transparent"
                border.color: Scenario.id === entry.modelData.id ? Theme.accent : Theme.border
                border.width: Scenario.id === entry.modelData.id ? 2 : 1
                ColumnLayout {
                    id: column
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.top: parent.top
                    anchors.margins: Theme.spacing
                    spacing: 2
                    Label {
                        Layout.fillWidth: true
                        text: entry.modelData.title
                        font.pixelSize: Theme.fontLarge
                        font.weight: Font.Bold
                        color: Theme.text
                        wrapMode: Text.Wrap
                    }
                    Label {
                        Layout.fillWidth: true
                        text: entry.modelData.teaches
                        color: Theme.text
                        wrapMode: Text.Wrap
                    }
                    Label {
                        Layout.fillWidth: true
                        text: entry.modelData.kafka + "  ·  " + picker.minutes(entry.modelData.durationS)
                              + "  ·  " + entry.modelData.steps + " steps  ·  "
                              + entry.modelData.controllers + (entry.modelData.controllers === 1 ? " controller, " : " controllers, ")
                              + entry.modelData.brokers + (entry.modelData.brokers === 1 ? " broker" : " brokers")
                        color: Theme.textDim
                        font.pixelSize: Theme.fontSmall
                        wrapMode: Text.Wrap
                    }
                }
                MouseArea {
                    id: mouse
                    anchors.fill: parent
                    hoverEnabled: true
                    cursorShape: Qt.PointingHandCursor
                    onClicked: {
                        Scenario.play(entry.modelData.id)
                        picker.close()
                    }
                }
            }
        }
    }
}
