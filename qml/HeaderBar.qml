import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Kraftlab

// Title, where clients connect (with copy buttons and a kcat line), and view settings.
ToolBar {
    id: bar
    // Material paints a ToolBar's text for a coloured bar; this one is the page's surface.
    Material.foreground: Theme.text
    Material.background: Theme.surface
    implicitHeight: row.implicitHeight + Theme.spacing * 2
    background: Rectangle { color: Theme.surface; Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border } }

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing * 2
        anchors.rightMargin: Theme.spacing * 2
        spacing: Theme.spacing * 2

        ColumnLayout {
            spacing: 0
            Label {
                text: "Kraftlab"
                font.pixelSize: Theme.fontTitle
                font.weight: Font.Bold
                color: Theme.text
            }
            Label {
                text: "a real Kafka cluster, drawn live"
                font.pixelSize: Theme.fontSmall
                color: Theme.textDim
            }
        }

        Rectangle { width: 1; Layout.fillHeight: true; Layout.margins: 4; color: Theme.border }

        GridLayout {
            columns: 3
            columnSpacing: Theme.spacing
            rowSpacing: 2
            Label {
                text: "Bootstrap"
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
                Tip { text: "Where a Kafka client connects first; it learns the other brokers from there." }
            }
            TextField {
                id: bootstrapField
                Layout.preferredWidth: Math.max(260, contentWidth + 24)
                readOnly: true
                selectByMouse: true
                text: Lab.bootstrap
                font.family: Theme.mono
                font.pixelSize: Theme.fontSmall
                topPadding: 4
                bottomPadding: 4
            }
            Button {
                text: "Copy"
                flat: true
                enabled: Lab.bootstrap !== ""
                onClicked: Lab.copyToClipboard(Lab.bootstrap)
            }
            Label {
                text: "Try"
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
                Tip { text: "A real client against the lab: this kcat command reads topic orders from the start." }
            }
            TextField {
                Layout.preferredWidth: Math.max(260, contentWidth + 24)
                readOnly: true
                selectByMouse: true
                text: Lab.kcatExample
                font.family: Theme.mono
                font.pixelSize: Theme.fontSmall
                topPadding: 4
                bottomPadding: 4
            }
            Button {
                text: "Copy"
                flat: true
                enabled: Lab.kcatExample !== ""
                onClicked: Lab.copyToClipboard(Lab.kcatExample)
            }
        }

        Item { Layout.fillWidth: true }

        BusyIndicator {
            Layout.preferredHeight: Theme.fontLarge * 2
            Layout.preferredWidth: Theme.fontLarge * 2
            running: Lab.pendingCommands > 0
            visible: running
            Tip { text: "A command is running in the lab." }
        }
        Button {
            objectName: "settingsButton"
            text: "Settings"
            flat: true
            onClicked: settingsDialog.open()
            Tip { text: "Timeouts (election, heartbeat, session) beside Kafka's defaults; brokers and controllers." }
        }
        SettingsDialog { id: settingsDialog }
        Switch {
            text: "Dark"
            checked: Settings.darkTheme
            onToggled: Settings.darkTheme = checked
        }
        Switch {
            text: "Presenter"
            checked: Settings.presenterMode
            onToggled: Settings.presenterMode = checked
            Tip { text: "Larger type and stronger contrast, for a projector." }
        }
    }
}
