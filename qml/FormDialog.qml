import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// A dialog for a form that fits every window: as wide as asked but never wider than the window,
// as tall as its content but never taller (the form scrolls then), its title wrapped rather
// than cut, and type and padding that follow the theme (presenter mode too). Children go into a
// ColumnLayout as wide as the dialog; a footer is the caller's.
Dialog {
    id: dialog
    // The width the form is designed for, before the theme's scale.
    property real preferredWidth: 440
    default property alias form: body.data
    // The form's column, for tests and for children that need its width.
    readonly property alias body: body

    modal: true
    background: PopupBackground {}
    anchors.centerIn: Overlay.overlay
    padding: 2 * Theme.spacing
    topPadding: Theme.spacing
    readonly property real room: Overlay.overlay ? Overlay.overlay.width - 2 * Theme.spacing : preferredWidth * Theme.scale
    readonly property real roomHigh: Overlay.overlay ? Overlay.overlay.height - 2 * Theme.spacing : implicitHeight
    width: Math.min(preferredWidth * Theme.scale, room)
    height: Math.min(implicitHeight, roomHigh)

    header: Label {
        text: dialog.title
        visible: dialog.title !== ""
        wrapMode: Text.Wrap
        padding: 2 * Theme.spacing
        bottomPadding: 0
        font.pixelSize: Theme.fontLarge
        font.weight: Font.Bold
        color: Theme.text
    }

    Flickable {
        id: flick
        anchors.fill: parent
        implicitHeight: body.implicitHeight
        contentWidth: width
        contentHeight: body.implicitHeight
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        // Shown whenever the form is taller than the window (there is more below), else never.
        ScrollBar.vertical: ScrollBar { policy: flick.contentHeight > flick.height + 1 ? ScrollBar.AlwaysOn : ScrollBar.AlwaysOff }

        ColumnLayout {
            id: body
            // Room for the scroll bar, whether or not the form scrolls: were the width to
            // depend on it, a form whose height is near the window's would rewrap, change height
            // and flip the scroll bar back and forth (a polish loop).
            width: flick.width - Theme.spacing * 1.5
            spacing: Theme.spacing
        }
    }
}
