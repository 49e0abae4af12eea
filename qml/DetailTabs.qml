import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Under the topics: the selected partition's replication and the charts, one tab each.
// Selecting a partition brings its replicas forward.
Item {
    id: tabs
    readonly property bool replicationShown: bar.currentIndex === 0

    TabBar {
        id: bar
        objectName: "bottomTabs"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        TabButton {
            text: Lab.replication.topic !== "" ? "Replication · " + Lab.replication.topic + "-" + Lab.replication.partition
                                               : "Replication"
            implicitHeight: Theme.fontNormal + 18
            width: implicitWidth
        }
        TabButton {
            text: "Charts"
            implicitHeight: Theme.fontNormal + 18
            width: implicitWidth
        }
    }
    StackLayout {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: bar.bottom
        anchors.topMargin: Theme.spacing / 2
        anchors.bottom: parent.bottom
        currentIndex: bar.currentIndex
        ReplicationView {}
        ChartsView {}
    }
    Connections {
        target: Lab
        function onSelectionChanged() {
            if (Lab.selectedTopic !== "" && Lab.selectedPartition >= 0) bar.currentIndex = 0
        }
    }
}
