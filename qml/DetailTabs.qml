import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Under the topics: the selected partition's replication or the charts, with a button in the
// title row to switch (no tab bar: a short window needs that line for the lanes). Selecting a
// partition brings its replicas forward.
Item {
    id: tabs
    objectName: "bottomTabs"
    // 0: replication, 1: charts (the tests set it).
    property int currentIndex: 0
    readonly property bool replicationShown: currentIndex === 0

    StackLayout {
        anchors.fill: parent
        currentIndex: tabs.currentIndex
        ReplicationView { reservedRight: switcher.width + Theme.spacing }
        ChartsView { reservedRight: switcher.width + Theme.spacing }
    }
    Button {
        id: switcher
        objectName: "detailSwitch"
        anchors.right: parent.right
        // Left of the panel's ⤢ button, on its title row.
        anchors.rightMargin: Theme.spacing + Theme.fontLarge + 6 + Theme.spacing / 2
        y: Theme.spacing + (Theme.fontLarge + 6 - height) / 2
        height: Theme.fontLarge + 8
        topInset: 0
        bottomInset: 0
        flat: true
        font.pixelSize: Theme.fontSmall
        text: tabs.replicationShown ? "Show charts" : "Show replication"
        onClicked: tabs.currentIndex = tabs.replicationShown ? 1 : 0
        ToolTip.visible: hovered
        ToolTip.delay: 500
        ToolTip.text: tabs.replicationShown ? "Throughput and produce latency by acks, in this place"
                                            : "The selected partition's replicas, in this place"
    }
    Connections {
        target: Lab
        function onSelectionChanged() {
            if (Lab.selectedTopic !== "" && Lab.selectedPartition >= 0) tabs.currentIndex = 0
        }
    }
}
