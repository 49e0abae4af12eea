import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// The right column: events and the quorum's elections, one tab each; in a compact window the
// clients too (there is no room for a column of their own).
Item {
    id: side
    property bool withClients: false
    readonly property Item clientsSlot: clientsHolder
    // 0: events, 1: elections.
    function showTab(index) { bar.currentIndex = index }

    TabBar {
        id: bar
        objectName: "sideTabs"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        Repeater {
            model: side.withClients ? 3 : 2
            TabButton {
                required property int index
                text: index === 0 ? "Events" : index === 1 ? "Elections " + Lab.elections.count : "Clients"
                implicitHeight: Theme.fontNormal + 18
                width: implicitWidth
            }
        }
    }
    StackLayout {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: bar.bottom
        anchors.topMargin: Theme.spacing / 2
        anchors.bottom: parent.bottom
        currentIndex: bar.currentIndex
        EventsView {}
        ElectionsView {}
        // Main.qml moves its one Clients panel in here in a compact window.
        Item { id: clientsHolder }
    }
    onWithClientsChanged: if (!withClients && bar.currentIndex === 2) bar.currentIndex = 0
}
