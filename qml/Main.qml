import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Kraftlab

ApplicationWindow {
    id: window
    width: Settings.windowGeometry.width > 0 ? Settings.windowGeometry.width : 1440
    height: Settings.windowGeometry.height > 0 ? Settings.windowGeometry.height : 900
    minimumWidth: 1000
    minimumHeight: 640
    visible: true
    title: Lab.running ? "Kraftlab — " + Lab.bootstrap : "Kraftlab"
    color: Theme.background

    Material.theme: Theme.dark ? Material.Dark : Material.Light
    Material.accent: Theme.accent
    Material.background: Theme.surface
    font.pixelSize: Theme.fontNormal

    Component.onCompleted: {
        if (Settings.windowGeometry.width > 0) {
            x = Settings.windowGeometry.x
            y = Settings.windowGeometry.y
        }
    }
    onClosing: Settings.windowGeometry = Qt.rect(x, y, width, height)

    header: HeaderBar {}

    footer: Legend {}

    // The cluster runs across the top, as in a diagram of one: the controller quorum and every
    // broker in view. Below it the clients, the topics with their logs and the charts; along the
    // right the events and the quorum's elections.
    SplitView {
        id: rows
        anchors.fill: parent
        anchors.margins: Theme.spacing
        orientation: Qt.Vertical

        ClusterView {
            SplitView.preferredHeight: 200 * Theme.scale
            SplitView.minimumHeight: 150
        }

        SplitView {
            id: columns
            SplitView.fillHeight: true
            orientation: Qt.Horizontal

            Panel {
                title: "Clients"
                subtitle: "built into the lab"
                tip: "Producers write records to a topic; consumers read them back, partition by partition. These are real Kafka clients running inside the lab."
                SplitView.preferredWidth: columns.width * 0.27
                SplitView.minimumWidth: 300

                ColumnLayout {
                    anchors.fill: parent
                    spacing: 0
                    TabBar {
                        id: workloadTabs
                        Layout.fillWidth: true
                        currentIndex: Settings.selectedProducerTab === "consumers" ? 1 : 0
                        onCurrentIndexChanged: Settings.selectedProducerTab = currentIndex === 1 ? "consumers" : "producers"
                        TabButton { text: "Producers (" + Lab.producers.count + ")" }
                        TabButton { text: "Consumers (" + Lab.consumers.count + ")" }
                    }
                    StackLayout {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        currentIndex: workloadTabs.currentIndex
                        ProducersView {}
                        ConsumersView {}
                    }
                }
            }

            SplitView {
                SplitView.fillWidth: true
                SplitView.minimumWidth: 380
                orientation: Qt.Vertical
                TopicsView {
                    SplitView.fillHeight: true
                    SplitView.minimumHeight: 110
                }
                // Charts and the selected partition's replication share the slot under the
                // topics, one tab each: selecting a partition brings its replicas forward.
                Item {
                    // Room for three replica lanes with their words, even at 1280x720: while a
                    // partition's replication is shown it takes half the column (the topics
                    // list scrolls), else a third.
                    SplitView.preferredHeight: Math.max(230 * Theme.scale,
                                                        rows.height * (bottomTabs.currentIndex === 1 ? 0.5 : 0.32))
                    SplitView.minimumHeight: 200

                    TabBar {
                        id: bottomTabs
                        objectName: "bottomTabs"
                        anchors.left: parent.left
                        anchors.right: parent.right
                        anchors.top: parent.top
                        TabButton {
                            text: "Charts"
                            implicitHeight: Theme.fontNormal + 18
                        }
                        TabButton {
                            text: Lab.replication.topic !== "" ? "Replication · " + Lab.replication.topic + "-" + Lab.replication.partition
                                                               : "Replication"
                            implicitHeight: Theme.fontNormal + 18
                        }
                    }
                    StackLayout {
                        anchors.left: parent.left
                        anchors.right: parent.right
                        anchors.top: bottomTabs.bottom
                        anchors.topMargin: Theme.spacing / 2
                        anchors.bottom: parent.bottom
                        currentIndex: bottomTabs.currentIndex
                        ChartsView {}
                        ReplicationView {}
                    }
                    Connections {
                        target: Lab
                        function onSelectionChanged() {
                            if (Lab.selectedTopic !== "" && Lab.selectedPartition >= 0) bottomTabs.currentIndex = 1
                        }
                    }
                }
            }

            // Events and elections share the right column, one tab each.
            Item {
                SplitView.preferredWidth: columns.width * 0.24
                SplitView.minimumWidth: 320

                TabBar {
                    id: sideTabs
                    objectName: "sideTabs"
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.top: parent.top
                    TabButton { text: "Events" }
                    TabButton { text: "Elections (" + Lab.elections.count + ")" }
                }
                StackLayout {
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.top: sideTabs.bottom
                    anchors.topMargin: Theme.spacing / 2
                    anchors.bottom: parent.bottom
                    currentIndex: sideTabs.currentIndex
                    EventsView {}
                    ElectionsView {}
                }
            }
        }
    }

    // What a command did, for a few seconds; errors stay until clicked.
    Rectangle {
        id: toast
        property bool failed: false
        property alias message: toastText.text
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 2 * Theme.spacing
        width: Math.min(toastText.implicitWidth + 4 * Theme.spacing, window.width * 0.7)
        height: toastText.implicitHeight + 2 * Theme.spacing
        radius: Theme.radius
        color: failed ? Theme.down : (Theme.dark ? "#2c3340" : "#2b313b")
        opacity: 0
        visible: opacity > 0
        Behavior on opacity { NumberAnimation { duration: 180 } }
        Text {
            id: toastText
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.spacing
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            color: "white"
            font.pixelSize: Theme.fontNormal
        }
        MouseArea {
            anchors.fill: parent
            onClicked: toast.opacity = 0
        }
        Timer {
            id: toastTimer
            interval: 3500
            onTriggered: if (!toast.failed) toast.opacity = 0
        }
        function show(text, isError) {
            failed = isError
            message = text
            opacity = 0.96
            toastTimer.restart()
        }
    }

    Connections {
        target: Lab
        function onCommandFinished(command, ok, message) {
            toast.show(ok ? message : command + " failed: " + message, !ok)
        }
        function onStarted(ok, message) {
            if (!ok) toast.show("The lab could not start: " + message, true)
        }
    }

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
                text: Lab.startError === "" ? "Starting the lab…" : "The lab could not start"
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
