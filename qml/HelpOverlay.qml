pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Keyboard shortcuts, on `?` or F1: the keys a teacher uses at the front of a room.
Popup {
    id: help
    objectName: "helpOverlay"
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(720 * Theme.scale, Overlay.overlay ? Overlay.overlay.width - 2 * Theme.spacing : 720)
    height: Math.min(implicitHeight, Overlay.overlay ? Overlay.overlay.height - 2 * Theme.spacing : implicitHeight)
    padding: Theme.spacing * 2
    background: PopupBackground {}

    // [key, what it does]
    readonly property var keys: {
        let out = [["?  or  F1", "this help"], ["Esc", "back to every panel; close a dialog"]]
        for (let i = 0; i < ViewState.panels.length; ++i)
            out.push([String(i + 1), "fill the window with " + ViewState.panels[i].name + " (again: back)"])
        out.push(["Space", "pause / play the lab (lab time stands still)"])
        out.push(["P", "presenter mode: large type for a projector"])
        out.push(["D", "dark theme"])
        out.push(["N", "new topic"])
        out.push(["A", "audit: were acknowledged records kept?"])
        out.push(["S", "settings: timeouts, flush interval, cluster size"])
        out.push(["L", "lessons: scenarios to play, with a narration and a verdict"])
        return out
    }

    contentItem: ScrollView {
        id: scroll
        clip: true
        contentWidth: availableWidth
        ColumnLayout {
            width: scroll.availableWidth
            spacing: Theme.spacing
            Label {
                text: "Keyboard shortcuts"
                font.pixelSize: Theme.fontTitle
                font.weight: Font.Bold
                color: Theme.text
            }
            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: Theme.spacing * 2
                rowSpacing: Theme.spacing / 2
                Repeater {
                    model: help.keys.length * 2
                    Label {
                        required property int index
                        readonly property var entry: help.keys[Math.floor(index / 2)]
                        Layout.fillWidth: index % 2 === 1
                        Layout.alignment: Qt.AlignTop
                        text: entry[index % 2]
                        font.family: index % 2 === 0 ? Theme.mono : font.family
                        font.weight: index % 2 === 0 ? Font.Bold : Font.Normal
                        color: Theme.text
                        wrapMode: index % 2 === 1 ? Text.Wrap : Text.NoWrap
                    }
                }
            }
            Label {
                Layout.fillWidth: true
                text: "Click a partition (P0, P1 …) to watch its replicas. Right-click a broker or a controller for kill and restart. Hover anything for what it means in Kafka."
                wrapMode: Text.Wrap
                color: Theme.textDim
            }
            Button {
                Layout.alignment: Qt.AlignRight
                text: "Close"
                flat: true
                onClicked: help.close()
            }
        }
    }
}
