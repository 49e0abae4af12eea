import QtQuick
import QtQuick.Controls
import Kraftlab

// Over a frozen node's card (pause-node): a tinted veil, a thick border and the word FROZEN, so
// that a frozen node reads apart from a running one and from a down one (red, faded) from the
// back of a room. The card under it keeps the node's last state: the node stopped there. Takes
// no clicks: the card's buttons (Thaw among them) work through it.
Rectangle {
    id: veil
    // "Broker 2", "Controller 101": for the tooltip.
    property string nodeName
    // Where the word sits across the card (its centre), so that a card can keep a part in view.
    property real wordCentreX: width / 2
    // Where it sits down the card (its centre).
    property real wordCentreY: height / 2

    anchors.fill: parent
    radius: Theme.radius
    color: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, Theme.dark ? 0.22 : 0.14)
    border.width: 3
    border.color: Theme.accent

    Rectangle {
        objectName: "frozenWord"
        x: Math.max(4, Math.min(veil.width - width - 4, veil.wordCentreX - width / 2))
        y: Math.max(4, veil.wordCentreY - height / 2)
        width: Math.min(veil.width - 8, word.implicitWidth + Theme.spacing * 2)
        height: word.implicitHeight + Theme.spacing / 2
        radius: height / 2
        color: Theme.accent
        Label {
            id: word
            anchors.centerIn: parent
            width: Math.min(implicitWidth, parent.width - Theme.spacing)
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: Theme.fontNormal
            text: "❄ FROZEN"
            color: "white"
            font.pixelSize: Theme.fontLarge
            font.weight: Font.Black
            horizontalAlignment: Text.AlignHCenter
        }
        Tip {
            text: veil.nodeName + " is frozen, as in a long garbage-collection pause: its thread is held, its connections stay open, and the others go on without it (their timeouts run). It is not down. The card shows what it last knew; Thaw lets it go on from there."
        }
    }
}
