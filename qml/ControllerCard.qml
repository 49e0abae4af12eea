import QtQuick
import QtQuick.Controls
import Kraftlab

// One KRaft controller: its role in the quorum, epoch and vote, how far its metadata log
// reaches, and kill / restart, freeze / thaw, resign. The active controller wears the crown.
Rectangle {
    id: card
    required property int controllerId
    required property string address
    required property bool up
    required property string raftRole
    required property bool active
    required property int epoch
    required property int leader
    required property int votedFor
    required property double logEndOffset
    required property double highWatermark
    required property double appliedOffset
    required property double fetchOffset
    required property double lag
    required property double quorumLogEnd
    required property int electionTimeoutMs
    required property int fetchTimeoutMs
    // pause-node: running, but held (as in a long GC pause); the card shows its last state.
    required property bool frozen

    readonly property bool selected: Lab.selectedNode === "controller-" + controllerId
    readonly property color roleColor: Theme.roleColor(raftRole)
    // Idle roles are grey: white type on it would be faint.
    readonly property color roleTextColor: raftRole === "leader" ? Theme.leaderInk
                                         : raftRole === "unattached" || raftRole === "voted" || raftRole === "starting"
                                           ? Theme.text : "white"

    // As tall as its lines and buttons (the cluster band takes the tallest card's height). A
    // short window drops the log's numbers (the bar stays; hover it for them).
    // From the fonts' line heights, not from the labels' laid-out text: the fitted title and
    // the elided lines re-lay themselves out while this is read when type and width change
    // together (presenter mode and a resize), which Qt reports as a binding loop here.
    FontMetrics { id: titleMetrics; font.pixelSize: Theme.fontLarge; font.weight: Font.Bold }
    FontMetrics { id: chipMetrics; font.pixelSize: Theme.fontSmall; font.weight: Font.Bold }
    FontMetrics { id: epochMetrics; font.pixelSize: ViewState.shortWindow ? Theme.fontSmall : Theme.fontNormal }
    FontMetrics { id: monoMetrics; font.family: Theme.mono; font.pixelSize: Theme.fontSmall }
    implicitHeight: Theme.spacing * 2 + Math.ceil(titleMetrics.height) + 3 + Math.ceil(chipMetrics.height) + 4 + 2
                    + Math.ceil(epochMetrics.height) + (ViewState.shortWindow ? 0 : 2 + Math.ceil(monoMetrics.height))
                    + 2 + logBar.height + Theme.spacing / 2 + actions.buttonHeight

    radius: Theme.radius
    color: Theme.surfaceAlt
    border.width: active || selected ? 3 : (Theme.presenter ? 2 : 1)
    border.color: selected ? Theme.accent : (active ? Theme.leader : Theme.border)
    LookHighlight { on: ViewState.lookAt === "controller-" + card.controllerId; outset: 0 }
    opacity: up ? 1.0 : 0.75
    Behavior on opacity { NumberAnimation { duration: 250 } }

    // The role bar on the left edge.
    Rectangle {
        width: 5
        height: parent.height - 2 * parent.radius
        anchors.verticalCenter: parent.verticalCenter
        anchors.left: parent.left
        anchors.leftMargin: 2
        radius: 2
        color: card.roleColor
        Behavior on color { ColorAnimation { duration: 300 } }
    }

    MouseArea {
        anchors.fill: parent
        acceptedButtons: Qt.LeftButton | Qt.RightButton
        onClicked: (mouse) => {
            if (mouse.button === Qt.RightButton) menu.popup()
            else Lab.select("controller-" + card.controllerId, "", -1)
        }
    }

    Menu {
        id: menu
        background: PopupBackground {
            implicitWidth: 260 * Theme.scale
        }
        MenuItem {
            text: "Kill controller " + card.controllerId
            enabled: card.up
            onTriggered: Lab.killController(card.controllerId)
        }
        MenuItem {
            text: "Restart controller " + card.controllerId
            enabled: !card.up
            onTriggered: Lab.restartController(card.controllerId)
        }
        MenuItem {
            text: (card.frozen ? "Thaw controller " : "Freeze controller ") + card.controllerId
            enabled: card.up
            onTriggered: card.frozen ? Lab.thawNode(card.controllerId) : Lab.freezeNode(card.controllerId)
        }
        MenuItem {
            text: "Resign leadership"
            enabled: card.up && card.raftRole === "leader"
            onTriggered: Lab.resignController(card.controllerId)
        }
        MenuItem {
            text: "Copy address"
            onTriggered: Lab.copyToClipboard(card.address)
        }
    }

    // Anchored rows, not layouts: they follow font changes (presenter mode) at once.
    Item {
        id: body
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing * 1.5
        anchors.rightMargin: Theme.spacing
        anchors.topMargin: Theme.spacing
        anchors.bottomMargin: Theme.spacing

        Label {
            id: title
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            text: "Controller " + card.controllerId
            font.pixelSize: Theme.fontLarge
            font.weight: Font.Bold
            color: Theme.text
            // Narrow cards (many nodes, presenter mode) shrink the name rather than cut the id off.
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: Theme.fontNormal
            elide: Text.ElideRight
            Tip { text: "Controller " + card.controllerId + " of the KRaft quorum, at " + card.address + " (brokers and admin tools reach it there; right-click to copy)." }
        }

        // Its role, and in plain words what that means now.
        Rectangle {
            id: roleChip
            anchors.left: parent.left
            anchors.top: title.bottom
            anchors.topMargin: 3
            radius: height / 2
            color: card.frozen ? Theme.accentFill : card.roleColor
            Behavior on color { ColorAnimation { duration: 300 } }
            implicitWidth: roleLabel.implicitWidth + Theme.spacing * 1.5
            implicitHeight: roleLabel.implicitHeight + 4
            Label {
                id: roleLabel
                anchors.centerIn: parent
                text: card.frozen ? "❄ FROZEN " + card.raftRole : card.raftRole
                color: card.frozen ? "white" : card.roleTextColor
                font.pixelSize: Theme.fontSmall
                font.weight: Font.Bold
            }
            Tip {
                text: card.frozen ? "Frozen, as in a long garbage-collection pause: the controller's thread is held, its connections stay open, and it answers nothing while the others go on (it was " + card.raftRole + " in epoch " + card.epoch + " when it stopped). It is not down. Thaw lets it go on from what it last knew."
                    : card.raftRole === "leader" ? "Leader of the quorum in epoch " + card.epoch + ": followers fetch the metadata log from it."
                    : card.raftRole === "follower" ? "Follows leader " + card.leader + ": fetches the metadata log from it. Without an answer for " + card.fetchTimeoutMs + " ms it stands for election."
                    : card.raftRole === "candidate" ? "Stands for election in epoch " + card.epoch + ": it voted for itself and asks the others for their votes."
                    : card.raftRole === "voted" ? "Voted for controller " + card.votedFor + " in epoch " + card.epoch + " and waits for the result."
                    : card.raftRole === "unattached" ? "Knows no leader in epoch " + card.epoch + " yet. After " + card.electionTimeoutMs + " ms (plus a random delay) without one it stands for election."
                    : card.raftRole === "resigned" ? "Gave up leadership of epoch " + card.epoch + "; the others elect a new leader."
                    : card.raftRole === "down" ? "This controller's process is stopped; its metadata log and vote stay on disk."
                    : "Starting."
            }
        }
        // The active controller wears the crown; the others say in plain words where they are.
        Rectangle {
            id: activeBadge
            anchors.left: roleChip.right
            anchors.leftMargin: Theme.spacing / 2
            anchors.verticalCenter: roleChip.verticalCenter
            visible: card.active
            radius: height / 2
            color: Theme.leader
            implicitWidth: activeLabel.implicitWidth + Theme.spacing * 1.5
            implicitHeight: activeLabel.implicitHeight + 4
            Label {
                id: activeLabel
                anchors.centerIn: parent
                // In a narrow card the crown alone (the tooltip says what it means).
                text: ViewState.shortWindow ? "♛" : "♛ ACTIVE"
                color: Theme.leaderInk
                font.pixelSize: Theme.fontSmall
                font.weight: Font.Bold
            }
            Tip { text: "The active controller: the quorum's leader. Brokers register and heartbeat with it, and it writes every metadata change (topics, leaders, fencing) to the metadata log." }
        }
        Label {
            id: statusLabel
            anchors.left: roleChip.right
            anchors.leftMargin: Theme.spacing / 2
            anchors.right: parent.right
            anchors.verticalCenter: roleChip.verticalCenter
            visible: !card.active
            text: card.raftRole === "leader" ? "taking over…"
                : card.raftRole === "follower" ? "follows " + card.leader
                : card.raftRole === "candidate" ? "asks for votes"
                : card.raftRole === "voted" ? "awaits the result"
                : card.raftRole === "unattached" ? "knows no leader"
                : card.raftRole === "resigned" ? "stepped down"
                : card.raftRole === "down" ? "stopped"
                : "starting"
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
            elide: Text.ElideRight
            Tip { text: statusLabel.truncated ? statusLabel.text : "" }
        }
        Label {
            id: epochLabel
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: roleChip.bottom
            anchors.topMargin: 2
            text: "epoch <b>" + card.epoch + "</b> · " + (card.votedFor >= 0 ? "voted <b>" + card.votedFor + "</b>" : "no vote")
            textFormat: Text.StyledText
            font.pixelSize: ViewState.shortWindow ? Theme.fontSmall : Theme.fontNormal
            color: Theme.text
            elide: Text.ElideRight
            Tip { text: "epoch " + card.epoch + " · " + (card.votedFor >= 0 ? "voted " + card.votedFor : "no vote") + ". The epoch is the quorum's term; every election starts a new one. " + (card.votedFor >= 0 ? "In it, this controller voted for controller " + card.votedFor + "." : "It has not voted in this epoch.") }
        }

        // The metadata log: how far this controller's copy reaches, against the quorum's.
        Label {
            id: logLabel
            // Not `visible ? …`: `visible` is also the card's own visibility, which a list
            // changes while it lays the cards out (a binding loop).
            visible: !ViewState.shortWindow
            height: ViewState.shortWindow ? 0 : Math.ceil(monoMetrics.height)
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: epochLabel.bottom
            anchors.topMargin: ViewState.shortWindow ? 0 : 2
            text: "log end " + card.logEndOffset + " · HW " + (card.highWatermark >= 0 ? card.highWatermark : "–")
                  + (card.lag > 0 ? " · " + card.lag + " behind" : "")
            font.family: Theme.mono
            font.pixelSize: Theme.fontSmall
            color: card.lag > 0 ? Theme.outOfSync : Theme.textDim
            elide: Text.ElideRight
        }
        Rectangle {
            id: logBar
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: logLabel.bottom
            anchors.topMargin: 2
            height: Math.round(6 * Theme.scale)
            radius: height / 2
            color: Theme.dark ? "#343a45" : "#dfe3e9"
            readonly property real scaleEnd: Math.max(1, card.quorumLogEnd)
            Rectangle {
                height: parent.height
                radius: parent.radius
                width: parent.width * Math.min(1, card.logEndOffset / logBar.scaleEnd)
                color: card.up ? card.roleColor : Theme.idle
                Behavior on width { NumberAnimation { duration: 250 } }
            }
            // The high watermark: committed up to here (a majority has it).
            Rectangle {
                visible: card.highWatermark >= 0
                x: Math.min(parent.width - width, parent.width * Math.min(1, card.highWatermark / logBar.scaleEnd))
                y: -2
                width: 2
                height: parent.height + 4
                color: Theme.text
            }
            Tip {
                text: "Metadata log: ends at offset " + card.logEndOffset + "; committed (high watermark) up to "
                      + card.highWatermark + "; applied to this controller's image up to " + card.appliedOffset
                      + (card.fetchOffset >= 0 ? ". The leader sees it fetched up to " + card.fetchOffset : "")
                      + ". The bar is scaled to the longest log in the quorum; the tick is the high watermark."
            }
        }

        // Actions: kill or restart, freeze or thaw, and resign (the leader only).
        Row {
            id: actions
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            spacing: Theme.spacing / 2
            readonly property real buttonHeight: Theme.fontNormal * (ViewState.shortWindow ? 2.0 : 2.4)
            // The buttons share the row by the length of their words. "Kill", "Freeze" and
            // "Resign" take about 9.7 em in bold: a card narrower than that (presenter mode at
            // 1280 px) uses the small type and a ❄ for Freeze (its tooltip says the word; the
            // card says FROZEN once it is), and a frozen controller has no Resign (it cannot act).
            readonly property bool narrow: width < Theme.fontNormal * 9.9 + 4 * 8 + 2 * spacing
            readonly property int fontSize: narrow ? Theme.fontSmall : Theme.fontNormal
            readonly property var shown: [killButton, freezeButton, resignButton].filter(b => b.visible)
            readonly property real textTotal: shown.reduce((sum, b) => sum + b.contentItem.implicitWidth + 8, 0)
            function widthOf(button) {
                const spare = width - spacing * (shown.length - 1) - textTotal
                return button.contentItem.implicitWidth + 8 + Math.max(0, spare) / Math.max(1, shown.length)
            }

            Button {
                id: killButton
                width: card.up ? actions.widthOf(killButton) : actions.width
                height: actions.buttonHeight
                leftPadding: 0
                rightPadding: 0
                topPadding: 0
                bottomPadding: 0
                text: card.up ? "Kill" : "Restart"
                background: Rectangle {
                    radius: 4
                    color: card.up ? Theme.down : Theme.inSync
                    opacity: killButton.down ? 0.75 : (killButton.hovered ? 0.9 : 1.0)
                }
                contentItem: Label {
                    text: killButton.text
                    color: "white"
                    font.pixelSize: actions.fontSize
                    font.weight: Font.Bold
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                }
                onClicked: card.up ? Lab.killController(card.controllerId) : Lab.restartController(card.controllerId)
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: card.up ? "Stop this controller like a crashed process; its metadata log and vote stay on disk."
                                      : "Start it again: it reads its vote and metadata log from disk and rejoins the quorum."
            }
            // Freeze: hold the controller's thread as a long GC pause would (it is not down).
            Button {
                id: freezeButton
                objectName: "freezeButton"
                visible: card.up
                width: actions.widthOf(freezeButton)
                height: actions.buttonHeight
                leftPadding: 0
                rightPadding: 0
                topPadding: 0
                bottomPadding: 0
                text: card.frozen ? "Thaw" : actions.narrow ? "❄" : "Freeze"
                background: Rectangle {
                    radius: 4
                    color: card.frozen ? Theme.accentFill : "transparent"
                    border.width: card.frozen ? 0 : 2
                    border.color: Theme.accent
                    opacity: freezeButton.down ? 0.75 : (freezeButton.hovered ? 0.9 : 1.0)
                }
                contentItem: Label {
                    text: freezeButton.text
                    color: card.frozen ? "white" : Theme.accent
                    font.pixelSize: actions.fontSize
                    font.weight: Font.Bold
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                }
                onClicked: card.frozen ? Lab.thawNode(card.controllerId) : Lab.freezeNode(card.controllerId)
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: card.frozen ? "Thaw: let it go on from what it last knew."
                                          : "Freeze: hold this controller as a long GC pause would: it stays up with its connections open but answers nothing. If it leads, the others stop hearing from it and elect a new leader."
            }
            Button {
                id: resignButton
                visible: card.up && !card.frozen
                width: actions.widthOf(resignButton)
                height: actions.buttonHeight
                leftPadding: 0
                rightPadding: 0
                topPadding: 0
                bottomPadding: 0
                text: "Resign"
                enabled: card.raftRole === "leader"
                background: Rectangle {
                    radius: 4
                    color: resignButton.enabled ? Theme.outOfSync : "transparent"
                    border.width: resignButton.enabled ? 0 : 1
                    border.color: Theme.border
                    opacity: resignButton.down ? 0.75 : (resignButton.hovered ? 0.9 : 1.0)
                }
                contentItem: Label {
                    text: resignButton.text
                    color: resignButton.enabled ? "white" : Theme.textDim
                    font.pixelSize: actions.fontSize
                    font.weight: Font.Bold
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                }
                onClicked: Lab.resignController(card.controllerId)
                ToolTip.visible: hovered
                ToolTip.delay: 500
                ToolTip.text: enabled ? "Step down as leader: the others elect a new one in a higher epoch."
                                      : "Only the leader can resign."
            }
        }
    }

    FrozenVeil { visible: card.frozen }
}
