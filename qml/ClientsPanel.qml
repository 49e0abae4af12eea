import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// The built-in producers and consumers, one tab each.
Panel {
    id: clients
    title: "Clients"
    subtitle: "built into the lab"
    key: "clients"
    tip: "Producers write records to a topic; consumers read them back, partition by partition. These are real Kafka clients running inside the lab."

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        TabBar {
            id: workloadTabs
            Layout.fillWidth: true
            currentIndex: Settings.selectedProducerTab === "consumers" ? 1 : 0
            onCurrentIndexChanged: Settings.selectedProducerTab = currentIndex === 1 ? "consumers" : "producers"
            TabButton {
                text: "Producers " + Lab.producers.count
                implicitHeight: Theme.fontNormal + 18
            width: implicitWidth
            }
            TabButton {
                text: "Consumers " + Lab.consumers.count
                implicitHeight: Theme.fontNormal + 18
            width: implicitWidth
            }
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
