import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Kraftlab

// The RPCs between the lab's nodes as a sequence diagram (SequenceDiagram): filters by API, node
// and partition, the span of lab time shown, live or scrolled back (the wheel scrolls, Ctrl+wheel
// zooms, "Now" returns to the present); click an arrow for its fields.
Item {
    id: view
    objectName: "sequenceView"
    property alias diagram: diagram
    // Too narrow for the span and the zoom buttons beside the filters (Ctrl+wheel still zooms).
    readonly property bool narrow: width < Theme.fontSmall * 62

    // Narrows the diagram to the RPCs from or to one node.
    function showNode(name) {
        nodeFilter.value = name
        nodeFilter.currentIndex = Math.max(0, nodeFilter.items.indexOf(name) + 1)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing / 2

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing / 2
            // The choice is kept by name: the lists grow as RPCs of new kinds come.
            component Filter: LabComboBox {
                id: box
                property string all
                property var items: []
                property string value: ""
                model: {
                    const m = [all]
                    for (const i of items) m.push(i)
                    return m
                }
                onActivated: (i) => value = i <= 0 ? "" : items[i - 1]
                // A new model puts the box back on its first entry: put it back on the choice.
                onModelChanged: restore.restart()
                property Timer restore: Timer {
                    interval: 0
                    onTriggered: box.currentIndex = box.value === "" ? 0 : Math.max(0, box.items.indexOf(box.value) + 1)
                }
                font.pixelSize: Theme.fontSmall
                // As wide as "any partition" and the arrow beside it; a chosen value longer
                // than that is elided (it is in the list, whole).
                Layout.preferredWidth: Theme.fontSmall * 7 + 48
                Layout.minimumWidth: Layout.preferredWidth
                Layout.preferredHeight: Theme.fontSmall * 2.4
                topInset: 0
                bottomInset: 0
            }
            Filter {
                id: apiFilter
                objectName: "sequenceApiFilter"
                all: "any API"
                items: Lab.rpcs.apis
            }
            Filter {
                id: nodeFilter
                objectName: "sequenceNodeFilter"
                all: "any node"
                items: Lab.rpcs.lanes
            }
            Filter {
                id: partitionFilter
                objectName: "sequencePartitionFilter"
                all: "any partition"
                items: Lab.rpcs.partitions
            }
            Item { Layout.fillWidth: true }
            Label {
                visible: !view.narrow
                text: (diagram.spanMs >= 1000 ? (diagram.spanMs / 1000).toFixed(diagram.spanMs >= 10000 ? 0 : 1) + " s"
                                               : Math.round(diagram.spanMs) + " ms") + " shown"
                      + (Lab.rpcs.missed > 0 ? " · " + Lab.rpcs.missed + " RPCs came faster than drawn, not shown" : "")
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
            }
            component SmallButton: Button {
                flat: true
                font.pixelSize: Theme.fontSmall
                Layout.preferredHeight: Theme.fontSmall * 2.4
                topInset: 0
                bottomInset: 0
                ToolTip.visible: hovered
                ToolTip.delay: 500
            }
            SmallButton { visible: !view.narrow; text: "−"; onClicked: diagram.zoomBy(2); ToolTip.text: "Show more lab time (Ctrl+wheel)" }
            SmallButton { visible: !view.narrow; text: "+"; onClicked: diagram.zoomBy(0.5); ToolTip.text: "Show less lab time, in more detail (Ctrl+wheel)" }
            SmallButton {
                objectName: "sequenceSaveSvg"
                text: "SVG…"
                onClicked: svgDialog.open()
                ToolTip.text: "Save the diagram as it is shown (this window of lab time, these filters) as an SVG file, for slides and bug reports"
                FileDialog {
                    id: svgDialog
                    title: "Save the sequence diagram"
                    fileMode: FileDialog.SaveFile
                    nameFilters: ["SVG images (*.svg)"]
                    defaultSuffix: "svg"
                    onAccepted: {
                        const problem = diagram.saveSvg(selectedFile)
                        Lab.notify("save the sequence diagram", problem === "",
                                   problem === "" ? "the diagram is in " + Lab.localPath(selectedFile) : problem)
                    }
                }
            }
            SmallButton {
                objectName: "sequenceLive"
                text: diagram.live ? "Live" : "Now ▼"
                highlighted: !diagram.live
                onClicked: diagram.live = true
                ToolTip.text: diagram.live ? "Following the present: the wheel scrolls back" : "Back to the present"
            }
        }

        SequenceDiagram {
            id: diagram
            objectName: "sequenceDiagram"
            Layout.fillWidth: true
            Layout.fillHeight: true
            history: Lab.rpcs
            nowMs: Lab.nowMs
            apiFilter: apiFilter.value
            nodeFilter: nodeFilter.value
            partitionFilter: partitionFilter.value
            fontPixelSize: Theme.fontSmall
            textColor: Theme.text
            dimColor: Theme.textDim
            laneColor: Theme.border
            quorumColor: Theme.candidate
            controlColor: Theme.inSync
            replicationColor: Theme.follower
            clientColor: Theme.dark ? Theme.leader : "#b07a00"
            lostColor: Theme.down
            bandColor: Theme.outOfSync
            backgroundColor: Theme.surface

            MouseArea {
                anchors.fill: parent
                onWheel: (wheel) => {
                    if (wheel.modifiers & Qt.ControlModifier) {
                        diagram.zoomBy(wheel.angleDelta.y > 0 ? 0.8 : 1.25)
                    } else {
                        // A notch moves a tenth of what is shown; up goes back in time.
                        diagram.scrollBy(-wheel.angleDelta.y / 120 * diagram.spanMs / 10)
                    }
                }
                onClicked: (mouse) => {
                    const rpc = diagram.rpcAt(mouse.x, mouse.y)
                    if (rpc.api === undefined) { details.close(); return }
                    details.rpc = rpc
                    details.x = Math.min(mouse.x + Theme.spacing, diagram.width - details.width)
                    details.y = Math.max(0, Math.min(mouse.y + Theme.spacing, diagram.height - details.height))
                    details.open()
                }
            }

            Popup {
                id: details
                objectName: "rpcDetails"
                property var rpc: ({})
                padding: Theme.spacing
                background: PopupBackground {}
                contentItem: GridLayout {
                    columns: 2
                    columnSpacing: Theme.spacing
                    rowSpacing: 2
                    component Key: Label { color: Theme.textDim; font.pixelSize: Theme.fontSmall }
                    component Value: Label { color: Theme.text; font.pixelSize: Theme.fontSmall; font.family: Theme.mono }
                    Label {
                        Layout.columnSpan: 2
                        text: (details.rpc.api || "") + " " + (details.rpc.direction || "") + ": "
                              + (details.rpc.from || "") + " → " + (details.rpc.to || "")
                              + (details.rpc.count > 1 ? "  (first of " + details.rpc.count + ")" : "")
                        font.weight: Font.Bold
                        color: details.rpc.lost ? Theme.down : Theme.text
                    }
                    Key { text: "outcome" }
                    Value {
                        text: (details.rpc.outcome || "") + (details.rpc.delayed ? ", delayed" : "")
                              + (details.rpc.duplicated ? ", duplicated" : "") + (details.rpc.reordered ? ", reordered" : "")
                    }
                    Key { text: "correlation id" }
                    Value { text: String(details.rpc.correlationId) }
                    Key { text: "partition"; visible: !!details.rpc.partition }
                    Value {
                        visible: !!details.rpc.partition
                        text: (details.rpc.partition || "") + (details.rpc.partitions > 1 ? " (+" + (details.rpc.partitions - 1) + " more)" : "")
                              + (details.rpc.offset !== undefined && details.rpc.offset !== null ? " @ offset " + details.rpc.offset : "")
                    }
                    Key { text: "bytes" }
                    Value { text: details.rpc.requestBytes + " request, " + details.rpc.responseBytes + " response" }
                    Key { text: "sent" }
                    Value { text: details.rpc.sent || "" }
                    Key { text: "arrived" }
                    Value { text: details.rpc.arrived || "" }
                    Key { text: "answered" }
                    Value { text: details.rpc.answered || "" }
                    Key { text: "returned" }
                    Value { text: details.rpc.returned || "" }
                }
            }
        }
    }
}
