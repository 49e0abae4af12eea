import QtQuick
import QtQuick.Controls
import Kraftlab

// Hover help for any item: fills its parent and shows `text` after a short delay.
Item {
    id: tip
    property string text
    anchors.fill: parent
    HoverHandler {
        id: hover
        enabled: tip.text !== ""
    }
    ToolTip.visible: hover.hovered && tip.text !== ""
    ToolTip.text: tip.text
    ToolTip.delay: 500
}
