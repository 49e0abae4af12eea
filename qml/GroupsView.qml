pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Consumer groups as their coordinators see them: on the left every group with its state; for
// the chosen one its members (each in its own colour, the colour its partitions take in the
// topics), every partition it reads with the committed offset and the lag, and its story: who
// joined or left and why, each generation, how long each rebalance stopped the group, where the
// coordinator moved.
Panel {
    id: view
    objectName: "groupsPanel"
    title: "Groups"
    key: "groups"
    subtitle: Lab.groups.count === 0 ? "none yet"
              : Lab.groups.count + (Lab.groups.count === 1 ? " consumer group" : " consumer groups")
    tip: "Consumers that share a group id split the partitions of the topics they subscribe to: each partition is read by one member. One broker, the group's coordinator (the leader of its partition of __consumer_offsets), runs the group: when a member joins, leaves or stops heartbeating, every member must rejoin (a rebalance) and the leader member assigns the partitions again. Committed offsets say where the group will resume."

    // The group shown: the chosen one, or the first.
    readonly property var shown: Lab.groups.currentGroup !== "" ? Lab.groups.current : null

    Label {
        objectName: "groupsEmpty"
        anchors.fill: parent
        visible: Lab.groups.count === 0
        wrapMode: Text.WordWrap
        color: Theme.textDim
        font.pixelSize: Theme.fontNormal
        text: "No consumer group yet. A consumer that subscribes with a group id starts one, e.g. "
              + "kcat -b " + Lab.bootstrap.split(",")[0] + " -G readers orders"
    }

    RowLayout {
        anchors.fill: parent
        visible: Lab.groups.count > 0
        spacing: Theme.spacing

        // Every group: name, state, generation.
        ListView {
            id: groupList
            objectName: "groupList"
            Layout.fillHeight: true
            Layout.preferredWidth: Math.max(170 * Theme.scale, view.width * 0.22)
            clip: true
            spacing: Theme.spacing / 2
            model: Lab.groups
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            delegate: Rectangle {
                id: groupItem
                required property int index
                required property string group
                required property string groupState
                required property string protocol
                required property int generation
                required property int coordinator
                required property int offsetsPartition
                required property double rebalanceStartedLabMs
                required property var members
                required property var partitions
                required property double totalLag
                required property int withoutCommit
                readonly property bool current: view.shown !== null && view.shown.group === group

                width: groupList.width - Theme.spacing
                height: groupColumn.implicitHeight + Theme.spacing
                radius: Theme.radius
                color: current ? Theme.surfaceAlt : "transparent"
                border.color: current ? Theme.accent : Theme.border
                border.width: current && Theme.presenter ? 2 : 1
                Column {
                    id: groupColumn
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.top: parent.top
                    anchors.margins: Theme.spacing / 2
                    spacing: 2
                    Row {
                        spacing: Theme.spacing / 2
                        width: parent.width
                        Label {
                            text: groupItem.group
                            font.pixelSize: Theme.fontNormal
                            font.bold: true
                            elide: Text.ElideRight
                            width: Math.min(implicitWidth, parent.width - stateBadge.width - Theme.spacing / 2)
                        }
                        Rectangle {
                            id: stateBadge
                            width: stateText.implicitWidth + Theme.spacing
                            height: stateText.implicitHeight + 2
                            radius: height / 2
                            color: Theme.groupStateColour(groupItem.groupState)
                            Label {
                                id: stateText
                                anchors.centerIn: parent
                                text: Theme.groupStateWord(groupItem.groupState)
                                color: "white"
                                font.pixelSize: Theme.fontSmall
                                font.bold: true
                            }
                        }
                    }
                    Label {
                        width: parent.width
                        wrapMode: Text.WordWrap
                        font.pixelSize: Theme.fontSmall
                        color: Theme.textDim
                        text: "gen " + groupItem.generation + (groupItem.protocol ? " · " + groupItem.protocol : "")
                              + " · " + groupItem.members.length + (groupItem.members.length === 1 ? " member" : " members")
                    }
                    Label {
                        width: parent.width
                        elide: Text.ElideRight
                        font.pixelSize: Theme.fontSmall
                        color: Theme.textDim
                        text: "coordinator broker " + groupItem.coordinator
                        Tip { text: "Broker " + groupItem.coordinator + " leads __consumer_offsets-" + groupItem.offsetsPartition
                                    + ", the partition this group's id hashes to, so it runs the group and stores its commits there." }
                    }
                }
                MouseArea {
                    anchors.fill: parent
                    onClicked: Lab.groups.selected = groupItem.group
                }
            }
        }

        // The chosen group's members, then its partitions.
        ColumnLayout {
            id: detail
            objectName: "groupDetail"
            Layout.fillHeight: true
            Layout.fillWidth: true
            spacing: 2
            readonly property var members: view.shown ? view.shown.members : []
            readonly property var partitions: view.shown ? view.shown.partitions : []
            Label {
                objectName: "groupHeadline"
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                maximumLineCount: 2
                elide: Text.ElideRight
                font.pixelSize: Theme.fontSmall
                color: view.shown && view.shown.rebalanceStartedLabMs >= 0 ? Theme.outOfSync : Theme.textDim
                text: {
                    const g = view.shown
                    if (!g) return ""
                    if (g.rebalanceStartedLabMs >= 0)
                        return "Rebalancing for " + ((Lab.nowMs - g.rebalanceStartedLabMs) / 1000).toFixed(1)
                               + " s: no member reads until every one has rejoined and the leader has assigned the partitions."
                    const lag = g.withoutCommit > 0 ? g.withoutCommit + " partition" + (g.withoutCommit === 1 ? "" : "s") + " with no committed offset"
                                                     : "lag " + g.totalLag
                    return g.members.length + (g.members.length === 1 ? " member" : " members") + " · " + lag
                }
            }
            // Members of one group: a handful (the group's size), each on its line. In a Column,
            // not straight in the ColumnLayout: the rows are made anew whenever the group
            // changes, and Qt 6.4's layouts can still hold a destroyed row when a size change
            // (presenter mode) lays them out at once: a crash. ConsumersView's rows do the same.
            Column {
                id: memberColumn
                objectName: "groupMembers"
                Layout.fillWidth: true
                Repeater {
                    model: detail.members
                    delegate: RowLayout {
                        id: memberRow
                        required property var modelData
                        width: memberColumn.width
                        spacing: Theme.spacing / 2
                        Rectangle {
                            Layout.preferredWidth: Theme.fontSmall
                            Layout.preferredHeight: Theme.fontSmall
                            radius: width / 2
                            color: Theme.memberColour(memberRow.modelData.colour)
                        }
                        Label {
                            id: memberText
                            Layout.fillWidth: true
                            wrapMode: Text.WordWrap
                            maximumLineCount: 2
                            elide: Text.ElideRight
                            font.pixelSize: Theme.fontSmall
                            text: (memberRow.modelData.leader ? "★ " : "") + memberRow.modelData.clientId
                                  + (memberRow.modelData.instanceId ? " (static " + memberRow.modelData.instanceId + ")" : "")
                                  + " → " + (memberRow.modelData.ownsCount > 0 ? memberRow.modelData.owns : "no partitions")
                            Tip { text: memberText.text + ". Member id " + memberRow.modelData.memberId + " at " + memberRow.modelData.host
                                        + (memberRow.modelData.leader ? ". ★ the leader member: it computed everyone's assignment." : ".") }
                        }
                    }
                }
            }
            Label {
                visible: detail.partitions.length > 0
                font.pixelSize: Theme.fontSmall
                color: Theme.textDim
                text: "partition · committed / end · lag"
                Tip { text: "Committed: the offset the group resumes from (it has processed every record before it). End: the partition's high watermark. Lag: committed records the group has not committed yet." }
            }
            ListView {
                id: partitionList
                objectName: "groupPartitions"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {}
                model: detail.partitions
                delegate: RowLayout {
                    id: partitionRow
                    required property var modelData
                    spacing: Theme.spacing / 2
                    width: partitionList.width - Theme.spacing
                    Rectangle {
                        Layout.preferredWidth: Math.round(Theme.fontSmall * 0.8)
                        Layout.preferredHeight: Layout.preferredWidth
                        radius: 2
                        color: partitionRow.modelData.owner >= 0 ? Theme.memberColour(partitionRow.modelData.owner) : "transparent"
                        border.color: Theme.border
                    }
                    Label {
                        id: partitionText
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        font.pixelSize: Theme.fontSmall
                        font.family: Theme.mono
                        color: partitionRow.modelData.committed < 0 ? Theme.textDim : Theme.text
                        Tip { text: partitionRow.modelData.topic + "-" + partitionRow.modelData.partition + ": "
                                    + (partitionRow.modelData.committed < 0 ? "no committed offset: a new member starts where auto.offset.reset says"
                                       : "committed offset " + partitionRow.modelData.committed + ", where the group resumes")
                                    + "; high watermark " + partitionRow.modelData.end + (partitionRow.modelData.committed < 0 ? "" : "; lag " + partitionRow.modelData.lag) + "." }
                        text: partitionRow.modelData.topic + "-" + partitionRow.modelData.partition + "  "
                              + (partitionRow.modelData.committed < 0
                                 ? "none / " + partitionRow.modelData.end
                                 : partitionRow.modelData.committed + " / " + partitionRow.modelData.end
                                   + " · lag " + partitionRow.modelData.lag)
                    }
                }
            }
        }

        // The chosen group's story, newest first.
        ListView {
            id: timeline
            objectName: "groupTimeline"
            Layout.fillHeight: true
            Layout.preferredWidth: view.width * 0.34
            clip: true
            spacing: 2
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            model: Lab.groups.timeline
            delegate: Row {
                id: line
                required property var modelData
                spacing: Theme.spacing / 2
                width: timeline.width - Theme.spacing
                Label {
                    id: when
                    font.pixelSize: Theme.fontSmall
                    font.family: Theme.mono
                    color: Theme.textDim
                    text: (line.modelData.labMs / 1000).toFixed(1) + "s"
                }
                Label {
                    width: parent.width - when.width - Theme.spacing / 2
                    wrapMode: Text.WordWrap
                    maximumLineCount: 3
                    elide: Text.ElideRight
                    font.pixelSize: Theme.fontSmall
                    color: Theme.groupEventColour(line.modelData.kind)
                    text: line.modelData.text.replace(/^group [^:]*: /, "")
                    // Three lines at most: the whole event on hover.
                    Tip { text: line.modelData.text }
                }
            }
        }
    }
}
