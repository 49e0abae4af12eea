import QtQuick
import QtQuick.Controls
import Kraftlab

// What a command did, in the header (never over a chart or a panel): for a few seconds, or until
// clicked when it failed. The whole message is in a tooltip when it does not fit.
Rectangle {
    id: toast
    objectName: "toast"
    property bool failed: false
    property string message

    function show(text, isError) {
        failed = isError
        message = text
        opacity = 1
        timer.restart()
    }

    implicitHeight: toastText.implicitHeight + Theme.spacing
    implicitWidth: toastText.implicitWidth + 2 * Theme.spacing
    radius: Theme.radius
    color: failed ? Theme.down : (Theme.dark ? "#2c3340" : "#2b313b")
    opacity: 0
    visible: opacity > 0
    Behavior on opacity { NumberAnimation { duration: 180 } }

    Label {
        id: toastText
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.leftMargin: Theme.spacing
        anchors.rightMargin: Theme.spacing
        text: (toast.failed ? "✗ " : "✓ ") + toast.message
        color: "white"
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
        maximumLineCount: 2
        elide: Text.ElideRight
        Tip { text: toastText.truncated ? toastText.text : "" }
    }
    MouseArea {
        anchors.fill: parent
        onClicked: toast.opacity = 0
    }
    Timer {
        id: timer
        interval: toast.failed ? 12000 : 4000
        onTriggered: toast.opacity = 0
    }
}
