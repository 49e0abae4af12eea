import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// A titled card. Children go into the body; `actions` into the title row. A panel with a `key`
// (see ViewState.panels) can fill the window: the ⤢ button or its number key, and back.
Rectangle {
    id: panel
    property string title
    property string subtitle
    property string tip  // one sentence explaining the Kafka idea behind the panel
    property string key  // "" : this panel cannot fill the window
    // Room kept free at the right of the title row, for a control laid over it (DetailTabs).
    property real reservedRight: 0
    property alias actions: actionRow.data
    // What a scenario step may point at here (ViewState.lookAt): the panel's key and any more.
    property var lookKeys: key !== "" ? [key] : []
    // Off where a panel is too short to spare a line for its title (its tab names it).
    property bool headerVisible: true
    default property alias body: content.data
    // The title row's height: what the panel takes besides its body (with its margins).
    readonly property real chromeHeight: titleRow.implicitHeight + 2 * Theme.spacing + Theme.spacing / 2

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
    border.width: Theme.presenter ? 2 : 1

    LookHighlight { on: ViewState.lookAt !== "" && panel.lookKeys.indexOf(ViewState.lookAt) >= 0 }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing / 2

        // Anchored, not a RowLayout: it follows font changes (presenter mode) at once.
        Item {
            id: titleRow
            Layout.fillWidth: true
            visible: panel.headerVisible
            implicitHeight: Math.max(titleLabel.implicitHeight, actionRow.implicitHeight, maximizeButton.implicitHeight)
            Label {
                id: titleLabel
                anchors.left: parent.left
                anchors.verticalCenter: parent.verticalCenter
                text: panel.title
                font.pixelSize: Theme.fontLarge
                font.weight: Font.Bold
                color: Theme.text
                Tip { text: panel.tip }
            }
            Label {
                id: subtitleLabel
                anchors.left: titleLabel.right
                anchors.leftMargin: Theme.spacing
                anchors.right: actionRow.left
                anchors.rightMargin: Theme.spacing
                anchors.baseline: titleLabel.baseline
                text: panel.subtitle
                elide: Text.ElideRight
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
                Tip { text: subtitleLabel.truncated ? panel.subtitle : "" }
            }
            Row {
                id: actionRow
                anchors.right: maximizeButton.visible ? maximizeButton.left : parent.right
                anchors.rightMargin: panel.reservedRight
                anchors.verticalCenter: parent.verticalCenter
                spacing: Theme.spacing / 2
            }
            ToolButton {
                id: maximizeButton
                objectName: "maximize-" + panel.key
                visible: panel.key !== ""
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                implicitHeight: Theme.fontLarge + 6
                implicitWidth: implicitHeight
                padding: 2
                text: ViewState.maximized === panel.key ? "⤡" : "⤢"
                font.pixelSize: Theme.fontLarge
                onClicked: ViewState.toggleMaximized(panel.key)
                ToolTip.visible: hovered
                ToolTip.delay: 400
                ToolTip.text: (ViewState.maximized === panel.key ? "Back to every panel" : "Fill the window with " + panel.title)
                              + " (key " + (ViewState.maximized === panel.key ? "Esc" : ViewState.shortcutOf(panel.key)) + ")"
            }
        }
        Item {
            id: content
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
        }
    }
}
