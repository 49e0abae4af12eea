import QtQuick
import QtQuick.Controls
import Kraftlab

// A small toggle for choices that are seen at a glance: filters, acks.
Rectangle {
    id: chip
    property alias text: label.text
    property bool checked: false
    signal clicked()

    implicitWidth: label.implicitWidth + Theme.spacing * 2
    implicitHeight: label.implicitHeight + 8
    radius: height / 2
    color: checked ? Theme.accent : (mouse.containsMouse ? Theme.surfaceAlt : "transparent")
    border.color: checked ? Theme.accent : Theme.border
    Behavior on color { ColorAnimation { duration: 120 } }

    Label {
        id: label
        anchors.centerIn: parent
        color: chip.checked ? "white" : Theme.text
        font.pixelSize: Theme.fontSmall
        font.weight: chip.checked ? Font.Bold : Font.Normal
    }
    MouseArea {
        id: mouse
        anchors.fill: parent
        hoverEnabled: true
        cursorShape: Qt.PointingHandCursor
        onClicked: chip.clicked()
    }
}
