import QtQuick
import Kraftlab

// The ring a scenario step draws around what it talks about (Scenario.lookAt): laid over a
// panel or a card, pulsing so that the back of the room finds it. `on` says whether it shows.
Rectangle {
    id: ring
    property bool on: false
    // How far it stands outside its parent (0 where a clipping list would cut it off).
    property real outset: Math.round(3 * Theme.scale)
    anchors.fill: parent
    anchors.margins: -outset
    visible: on
    color: "transparent"
    radius: Theme.radius + 3
    border.color: Theme.accent
    border.width: Math.round(4 * Theme.scale)
    z: 10
    SequentialAnimation on opacity {
        running: ring.on
        loops: Animation.Infinite
        NumberAnimation { from: 1.0; to: 0.35; duration: 700; easing.type: Easing.InOutQuad }
        NumberAnimation { from: 0.35; to: 1.0; duration: 700; easing.type: Easing.InOutQuad }
    }
}
