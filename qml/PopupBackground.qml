import QtQuick
import Kraftlab

// The background of dialogs, menus and drop-downs. Material draws its own with a shader shadow,
// which Qt Quick's software renderer (machines without a GPU, the UI tests) cannot draw: the
// popup would be see-through. A plain card renders everywhere.
Rectangle {
    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
    border.width: Theme.presenter ? 2 : 1
}
