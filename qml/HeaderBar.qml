import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Kraftlab

// Title, where clients connect (with copy buttons and a kcat line), what the last command did,
// and view settings. In a compact window the connection lines open from a button.
ToolBar {
    id: bar
    readonly property bool compact: ViewState.compact || ViewState.shortWindow
    function showToast(text, isError) { toast.show(text, isError) }
    function openHelp() { help.open() }
    function openSettings() { settingsDialog.open() }
    function runAudit() { if (auditButton.enabled) Lab.runAudit() }
    function openLessons() { lessons.open() }

    component ConnectLines: GridLayout {
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

    // Material paints a ToolBar's text for a coloured bar; this one is the page's surface.
    Material.foreground: Theme.text
    Material.background: Theme.surface
    implicitHeight: row.implicitHeight + Theme.spacing * (compact ? 0.5 : 2)
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
                visible: !bar.compact
                text: "a real Kafka cluster, drawn live"
                font.pixelSize: Theme.fontSmall
                color: Theme.textDim
            }
        }

        Rectangle { width: 1; Layout.fillHeight: true; Layout.margins: 4; color: Theme.border }

        Button {
            id: connectButton
            visible: bar.compact
            text: "Connect a client"
            flat: true
            onClicked: connectPopup.open()
            Tip { text: "Where a real Kafka client (kcat, kafka-python …) connects, with a kcat line to copy." }
            Popup {
                id: connectPopup
                y: connectButton.height
                padding: Theme.spacing * 1.5
                background: PopupBackground {}
                contentItem: ConnectLines {}
            }
        }
        ConnectLines { visible: !bar.compact }

        // What the last command did.
        Toast {
            id: toast
            Layout.fillWidth: true
            Layout.minimumWidth: 80
            Layout.maximumWidth: implicitWidth
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
            objectName: "lessonsButton"
            text: "Lessons"
            flat: true
            onClicked: lessons.open()
            Tip { text: "Experiments to play: each sets up a lab, drives it step by step with a narration and ends with a verdict (key L)." }
        }
        ScenarioPicker { id: lessons }
        // The audit: were all acknowledged writes kept? Runs in the lab (off the GUI thread); the
        // verdict opens under the button in plain words.
        Button {
            id: auditButton
            objectName: "auditButton"
            text: Lab.auditRunning ? "Auditing…" : "Audit"
            flat: true
            enabled: Lab.running && !Lab.auditRunning
            onClicked: Lab.runAudit()
            Tip { text: "Reads back every record the built-in producers were told was acknowledged, and reports any that are gone: what acks=1 and an unclean election can cost." }
            Popup {
                id: auditPopup
                objectName: "auditPopup"
                y: auditButton.height
                x: auditButton.width - width
                width: 420 * Theme.scale
                padding: Theme.spacing * 1.5
                background: PopupBackground {}
                contentItem: RowLayout {
                    spacing: Theme.spacing
                    Label {
                        Layout.alignment: Qt.AlignTop
                        text: Lab.auditPassed ? "✓" : "✗"
                        color: Lab.auditPassed ? Theme.inSync : Theme.down
                        font.pixelSize: Theme.fontTitle
                        font.weight: Font.Bold
                    }
                    Label {
                        Layout.fillWidth: true
                        text: Lab.auditVerdict
                        color: Theme.text
                        wrapMode: Text.Wrap
                    }
                }
            }
            Connections {
                target: Lab
                function onAuditChanged() {
                    if (!Lab.auditRunning && Lab.auditVerdict !== "") auditPopup.open()
                }
            }
        }
        Button {
            objectName: "settingsButton"
            text: "Settings"
            flat: true
            onClicked: settingsDialog.open()
            Tip { text: "Timeouts (election, heartbeat, session) and the flush interval beside Kafka's defaults; brokers and controllers." }
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
            Tip { text: "Larger type and stronger contrast, for a projector (key P)." }
        }
        Button {
            objectName: "helpButton"
            text: "?"
            flat: true
            implicitWidth: Math.max(implicitHeight, implicitContentWidth + 2 * Theme.spacing)
            onClicked: help.open()
            Tip { text: "Keyboard shortcuts (key ?)" }
        }
        HelpOverlay { id: help }
    }
}
