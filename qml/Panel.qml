import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// A titled card. Children go into the body; `actions` into the title row.
Rectangle {
    id: panel
    property string title
    property string subtitle
    property string tip  // one sentence explaining the Kafka idea behind the panel
    property alias actions: actionRow.data
    // Off where a panel is too short to spare a line for its title (its tab names it).
    property bool headerVisible: true
    default property alias body: content.data

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
    border.width: Theme.presenter ? 2 : 1

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing / 2

        // Anchored, not a RowLayout: it follows font changes (presenter mode) at once.
        Item {
            Layout.fillWidth: true
            visible: panel.headerVisible
            implicitHeight: Math.max(titleLabel.implicitHeight, actionRow.implicitHeight)
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
                anchors.left: titleLabel.right
                anchors.leftMargin: Theme.spacing
                anchors.right: actionRow.left
                anchors.rightMargin: Theme.spacing
                anchors.baseline: titleLabel.baseline
                text: panel.subtitle
                elide: Text.ElideRight
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
            }
            Row {
                id: actionRow
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                spacing: Theme.spacing / 2
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
