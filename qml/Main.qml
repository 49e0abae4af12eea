import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import QtQuick.Window
import Kraftlab

ApplicationWindow {
    id: window
    width: 1440
    height: 900
    minimumWidth: 1000
    minimumHeight: 600
    visible: true
    title: Lab.running ? "Kraftlab — " + Lab.bootstrap : "Kraftlab"
    color: Theme.background

    Material.theme: Theme.dark ? Material.Dark : Material.Light
    Material.accent: Theme.accent
    Material.background: Theme.surface
    font.pixelSize: Theme.fontNormal

    // The window opens on the screen it is on, at the size it was left if that fits the screen,
    // else as large as the screen allows (a 1366x768 laptop must not get a 1440x900 window).
    function fitToScreen() {
        const g = Settings.windowGeometry
        const availW = Screen.desktopAvailableWidth > 0 ? Screen.desktopAvailableWidth : 1440
        const availH = Screen.desktopAvailableHeight > 0 ? Screen.desktopAvailableHeight : 900
        const w = Math.min(g.width > 0 ? g.width : 1440, availW)
        const h = Math.min(g.height > 0 ? g.height : 900, availH)
        width = Math.max(Math.min(minimumWidth, availW), w)
        height = Math.max(Math.min(minimumHeight, availH), h)
        const left = Screen.virtualX, top = Screen.virtualY
        x = g.width > 0 ? Math.max(left, Math.min(g.x, left + availW - width)) : left + (availW - width) / 2
        y = g.height > 0 ? Math.max(top, Math.min(g.y, top + availH - height)) : top + (availH - height) / 2
    }
    Component.onCompleted: fitToScreen()
    onClosing: Settings.windowGeometry = Qt.rect(x, y, width, height)

    // Type grows with windows past 1920x1080 (a 4K screen at a device pixel ratio of 1); the
    // layout drops to two columns when three would not fit the type, and the cards shorten.
    Binding { target: Theme; property: "zoom"; value: Math.max(1, Math.min(window.width / 1920, window.height / 1080)) }
    Binding { target: ViewState; property: "compact"; value: window.width / Theme.scale < 1400 }
    Binding { target: ViewState; property: "shortWindow"; value: window.height / Theme.scale < 760 }

    // The header, and under it the lab's transport (pause, speed, step), always in view.
    header: Column {
        HeaderBar { id: headerBar; width: parent.width }
        TransportBar { id: transportBar; width: parent.width }
    }

    // The lesson being played (when one is), then the colour legend.
    footer: Column {
        NarrationPanel { width: parent.width }
        Legend { width: parent.width }
    }

    // The cluster runs across the top, as in a diagram of one: the controller quorum and every
    // broker in view. Below it the topics with their logs, and under them the selected
    // partition's replication (or the charts); along the right the events and the quorum's
    // elections; the clients on the left when there is room, else as a tab on the right.
    Item {
        id: content
        anchors.fill: parent
        anchors.margins: Theme.spacing
        visible: ViewState.maximized === ""

        ClusterView {
            id: band
            objectName: "clusterBand"
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            // As tall as the cards need, within a third of the window (more while a lesson's
            // narration takes the bottom: the cards must stay whole).
            height: Math.min(implicitHeight, content.height * (Scenario.active ? 0.42 : 0.36))
        }

        Item {
            id: columns
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: band.bottom
            anchors.topMargin: Theme.spacing
            anchors.bottom: parent.bottom
            readonly property bool three: !ViewState.compact
            readonly property real sideWidth: Math.max(280 * Theme.zoom, width * (three ? 0.24 : 0.29))
            readonly property real clientsWidth: three ? Math.max(300 * Theme.zoom, width * 0.25) : 0

            Item {
                id: clientsColumn
                visible: columns.three
                anchors.left: parent.left
                anchors.top: parent.top
                anchors.bottom: parent.bottom
                width: columns.clientsWidth
            }
            // One Clients panel, moved (never re-created) between its column and the side tab
            // when the window narrows or presenter mode is switched on: a form being typed, an
            // open producer editor, the chosen tab all stay as they were.
            ClientsPanel {
                parent: columns.three ? clientsColumn : side.clientsSlot
                anchors.fill: parent
            }

            Item {
                id: centre
                anchors.left: columns.three ? clientsColumn.right : parent.left
                anchors.leftMargin: columns.three ? Theme.spacing : 0
                anchors.right: side.left
                anchors.rightMargin: Theme.spacing
                anchors.top: parent.top
                anchors.bottom: parent.bottom

                TopicsView {
                    id: topics
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.top: parent.top
                    // The replication lanes need room for three replicas with their words; the
                    // topics list scrolls. A short window gives the topics a topic's line and
                    // two and a half partitions, the rest to the lanes.
                    height: ViewState.shortWindow && details.replicationShown
                            ? Math.round(chromeHeight + Theme.fontLarge * 1.3 + Theme.spacing + 2.2 * (Theme.fontMark + 16))
                            : Math.round(parent.height * (details.replicationShown ? 0.4 : 0.45))
                }
                DetailTabs {
                    id: details
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.top: topics.bottom
                    anchors.topMargin: Theme.spacing
                    anchors.bottom: parent.bottom
                }
            }

            SideTabs {
                id: side
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.bottom: parent.bottom
                width: columns.sideWidth
                withClients: !columns.three
            }
        }
    }

    // One panel filling the window, for the one thing a teacher is explaining: a view of its
    // own over the same models (the others stay as they were).
    Item {
        id: maximizedArea
        objectName: "maximizedArea"
        anchors.fill: parent
        anchors.margins: Theme.spacing
        visible: ViewState.maximized !== ""
        Loader {
            anchors.fill: parent
            active: ViewState.maximized !== ""
            sourceComponent: {
                switch (ViewState.maximized) {
                case "cluster": return clusterComponent
                case "topics": return topicsComponent
                case "replication": return replicationComponent
                case "charts": return chartsComponent
                case "network": return networkComponent
                case "events": return eventsComponent
                case "elections": return electionsComponent
                case "clients": return clientsComponent
                case "groups": return groupsComponent
                }
                return null
            }
        }
        Component { id: clusterComponent; ClusterView {} }
        Component { id: topicsComponent; TopicsView {} }
        Component { id: replicationComponent; ReplicationView {} }
        Component { id: chartsComponent; ChartsView {} }
        Component { id: networkComponent; NetworkView {} }
        Component { id: eventsComponent; EventsView {} }
        Component { id: electionsComponent; ElectionsView {} }
        Component { id: clientsComponent; ClientsPanel {} }
        Component { id: groupsComponent; GroupsView {} }
    }

    // Keys for what a teacher does in front of a class (the help lists them). Single keys do not
    // fire while a text field has the focus: typing goes to the field.
    Shortcut { sequences: ["?", "F1"]; onActivated: headerBar.openHelp() }
    Shortcut { sequence: "Esc"; onActivated: ViewState.maximized = "" }
    Repeater {
        model: ViewState.panels.length
        Item {
            id: panelKey
            required property int index
            Shortcut {
                sequence: String(panelKey.index + 1)
                onActivated: ViewState.toggleMaximized(ViewState.panels[panelKey.index].key)
            }
        }
    }
    Shortcut { sequence: "P"; onActivated: Settings.presenterMode = !Settings.presenterMode }
    Shortcut { sequence: "D"; onActivated: Settings.darkTheme = !Settings.darkTheme }
    Shortcut { sequence: "N"; onActivated: ViewState.newTopicRequested() }
    Shortcut { sequence: "A"; onActivated: headerBar.runAudit() }
    Shortcut { sequence: "S"; onActivated: headerBar.openSettings() }
    Shortcut { sequence: "L"; onActivated: headerBar.openLessons() }
    Shortcut { sequence: "Space"; enabled: Lab.running; onActivated: Lab.togglePause() }

    Connections {
        target: Lab
        function onCommandFinished(command, ok, message) {
            headerBar.showToast(ok ? message : command + " failed: " + message, !ok)
        }
        function onStarted(ok, message) {
            if (!ok) headerBar.showToast("The lab could not start: " + message, true)
        }
    }

    // A lesson's step points at something: bring it into view and ring it.
    function showLook() {
        const kind = Scenario.lookKind
        if (kind === "panel") {
            const panel = Scenario.lookPanel
            const bottom = ["replication", "charts", "network", "groups"].indexOf(panel)
            if (bottom >= 0) details.currentIndex = bottom
            if (panel === "events") side.showTab(0)
            if (panel === "elections") side.showTab(1)
            ViewState.lookAt = panel
        } else if (kind === "partition") {
            Lab.select("", Scenario.lookTopic, Scenario.lookPartition)
            details.currentIndex = 0
            ViewState.lookAt = Scenario.lookTopic + "-" + Scenario.lookPartition
        } else if (kind === "node") {
            Lab.select(Scenario.lookNode, "", -1)
            ViewState.lookAt = Scenario.lookNode
        } else {
            ViewState.lookAt = ""
        }
    }
    Connections {
        target: Scenario
        function onChanged() {
            const look = Scenario.state === "playing" ? Scenario.lookKind + ":" + Scenario.lookAt : ""
            if (look !== window.shownLook) {
                window.shownLook = look
                window.showLook()
            }
        }
        function onLoadFailed(message) { headerBar.showToast("The scenario did not load: " + message, true) }
    }
    property string shownLook: ""

    // While the cluster starts (usually a fraction of a second).
    Rectangle {
        anchors.fill: parent
        color: Theme.background
        visible: !Lab.running
        ColumnLayout {
            anchors.centerIn: parent
            spacing: Theme.spacing
            BusyIndicator {
                Layout.alignment: Qt.AlignHCenter
                running: !Lab.running && Lab.startError === ""
                visible: running
            }
            Label {
                Layout.alignment: Qt.AlignHCenter
                text: Lab.startError !== "" ? "The lab could not start"
                    : Scenario.state === "starting" ? "Setting up the lesson “" + Scenario.title + "”…"
                    : "Starting the lab…"
                font.pixelSize: Theme.fontTitle
                color: Theme.text
            }
            Label {
                Layout.alignment: Qt.AlignHCenter
                Layout.maximumWidth: window.width * 0.6
                visible: Lab.startError !== ""
                text: Lab.startError
                wrapMode: Text.Wrap
                color: Theme.down
            }
        }
    }
}
