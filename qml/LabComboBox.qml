import QtQuick
import QtQuick.Controls
import Kraftlab

// A ComboBox whose drop-down renders with any renderer (see PopupBackground.qml).
ComboBox {
    popup.background: PopupBackground {}
}
