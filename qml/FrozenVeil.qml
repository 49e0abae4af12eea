import QtQuick
import Kraftlab

// Over a frozen node's card (pause-node): a tint and a thick border in the accent colour, so
// that a frozen node reads apart from a running one and from a down one (red, faded) from the
// back of a room; the card's state chip says FROZEN in words. The card under it keeps the
// node's last state: the node stopped there. Takes no clicks (the card's Thaw works through it).
Rectangle {
    anchors.fill: parent
    radius: Theme.radius
    color: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, Theme.dark ? 0.22 : 0.14)
    border.width: 3
    border.color: Theme.accent
}
