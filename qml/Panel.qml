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
    default property alias body: content.data

    color: Theme.surface
    radius: Theme.radius
    border.color: Theme.border
    border.width: Theme.presenter ? 2 : 1

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing / 2

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            Label {
                text: panel.title
                font.pixelSize: Theme.fontLarge
                font.weight: Font.DemiBold
                color: Theme.text
                Tip { text: panel.tip }
            }
            Label {
                Layout.fillWidth: true
                text: panel.subtitle
                elide: Text.ElideRight
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
            }
            Row {
                id: actionRow
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
