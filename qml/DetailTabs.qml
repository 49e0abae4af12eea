import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Under the topics: the selected partition's replication, the charts, the network or the
// consumer groups, with a choice in the title row to switch (no tab bar: a short window needs
// that line for the lanes). Selecting a partition brings its replicas forward.
Item {
    id: tabs
    objectName: "bottomTabs"
    // 0: replication, 1: charts, 2: network, 3: consumer groups (the tests set it).
    property int currentIndex: 0
    readonly property bool replicationShown: currentIndex === 0

    StackLayout {
        anchors.fill: parent
        currentIndex: tabs.currentIndex
        ReplicationView { reservedRight: switcher.width + Theme.spacing }
        ChartsView { reservedRight: switcher.width + Theme.spacing }
        NetworkView { reservedRight: switcher.width + Theme.spacing }
        GroupsView { reservedRight: switcher.width + Theme.spacing }
    }
    // The four views that share this place, chosen on the panel's title row.
    Row {
        id: switcher
        objectName: "detailSwitch"
        anchors.right: parent.right
        // Left of the panel's ⤢ button, on its title row.
        anchors.rightMargin: Theme.spacing + Theme.fontLarge + 6 + Theme.spacing / 2
        y: Theme.spacing + (Theme.fontLarge + 6 - height) / 2
        spacing: Theme.spacing / 2
        Chip {
            objectName: "detailReplication"
            text: "Replication"
            checked: tabs.currentIndex === 0
            onClicked: tabs.currentIndex = 0
            Tip { text: "The selected partition's replicas" }
        }
        Chip {
            objectName: "detailCharts"
            text: "Charts"
            checked: tabs.currentIndex === 1
            onClicked: tabs.currentIndex = 1
            Tip { text: "Throughput and produce latency by acks" }
        }
        Chip {
            objectName: "detailNetwork"
            text: "Network"
            checked: tabs.currentIndex === 2
            onClicked: tabs.currentIndex = 2
            Tip { text: "The links between the nodes: break them, and watch every RPC cross them" }
        }
        Chip {
            objectName: "detailGroups"
            text: "Groups"
            checked: tabs.currentIndex === 3
            onClicked: tabs.currentIndex = 3
            Tip { text: "Consumer groups: who reads which partition, committed offsets and lag, rebalances" }
        }
    }
    Connections {
        target: Lab
        function onSelectionChanged() {
            if (Lab.selectedTopic !== "" && Lab.selectedPartition >= 0) tabs.currentIndex = 0
        }
    }
}
