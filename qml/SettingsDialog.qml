pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Lab settings: the quorum's and the brokers' timeouts and the brokers' flush interval (applied to
// the running lab at once), each beside Kafka's own default, and how many brokers and controllers
// the next lab starts with. Every number is checked by the engine's rule as typed and kept as
// typed; Apply waits until each one is acceptable (the session timeout must outlast the
// heartbeat interval), and a count is saved only once it is acceptable.
FormDialog {
    id: dialog
    // Maps from the facade (held as var: their keys are known only at run time).
    readonly property var kafkaDefaults: Lab.kafkaDefaultTimeouts
    readonly property var labDefaults: Lab.labDefaultTimeouts
    objectName: "settingsDialog"
    title: "Lab settings"
    preferredWidth: 760

    readonly property var fields: [
        { key: "electionTimeoutMs", rule: "election-timeout-ms", name: "Election timeout", config: "controller.quorum.election.timeout.ms",
          tip: "How long a controller waits without a leader before it stands for election (plus a random part, so that two rarely stand at once)." },
        { key: "fetchTimeoutMs", rule: "fetch-timeout-ms", name: "Fetch timeout", config: "controller.quorum.fetch.timeout.ms",
          tip: "How long a follower waits for the leader to answer its fetches before it gives up on it and stands for election." },
        { key: "heartbeatIntervalMs", rule: "heartbeat-interval-ms", name: "Heartbeat interval", config: "broker.heartbeat.interval.ms",
          tip: "How often each broker tells the active controller it is alive." },
        { key: "sessionTimeoutMs", rule: "session-timeout-ms", name: "Session timeout", config: "broker.session.timeout.ms",
          tip: "How long the active controller waits for a broker's heartbeat before it fences the broker and moves its partitions' leadership." }
    ]
    // The four timeout fields, in the order of `fields`.
    readonly property var editors: [election.field, fetch.field, heartbeat.field, session.field]
    readonly property bool timeoutsAcceptable: election.field.acceptable && fetch.field.acceptable
                                               && heartbeat.field.acceptable && session.field.acceptable
    // What Apply would be refused with: the first field's message, "" when all are acceptable.
    readonly property string problem: {
        for (let i = 0; i < editors.length; ++i) {
            if (!editors[i].acceptable) return editors[i].check.message
        }
        return ""
    }
    readonly property bool changed: {
        const t = Lab.timeouts
        for (let i = 0; i < fields.length; ++i) {
            if (editors[i].value !== t[fields[i].key]) return true
        }
        return false
    }
    // Two columns (field | Kafka's default) where there is room, else one under the other.
    readonly property bool wide: width > 680 * Theme.scale

    function load(map) {
        for (let i = 0; i < fields.length; ++i) editors[i].text = String(map[fields[i].key])
    }

    onOpened: {
        load(Lab.timeouts)
        flushInterval.text = String(Lab.flushIntervalMs > 0 ? Lab.flushIntervalMs : 1000)
        brokerCount.text = String(Settings.brokers)
        controllerCount.text = String(Settings.controllers)
        offsetsPartitions.text = String(Settings.offsetsPartitions)
    }

    standardButtons: Dialog.Close

    // Kafka's default for one setting, with the name of Kafka's setting under it.
    component KafkaDefault: ColumnLayout {
        id: kafkaDefault
        property string kafka
        property string lab
        property string config
        Layout.fillWidth: true
        Layout.alignment: Qt.AlignTop
        spacing: 0
        Label {
            Layout.fillWidth: true
            text: "Kafka: <b>" + kafkaDefault.kafka + "</b>" + (kafkaDefault.lab !== "" ? "  ·  lab: " + kafkaDefault.lab : "")
            textFormat: Text.StyledText
            color: Theme.text
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            text: kafkaDefault.config
            font.family: Theme.mono
            font.pixelSize: Theme.fontSmall
            color: Theme.textDim
            wrapMode: Text.WrapAnywhere
        }
    }

    // One timeout: its name and field, and Kafka's default beside or under it.
    component TimeoutEditor: GridLayout {
        id: editor
        required property var spec
        property var context: ({})
        readonly property alias field: numberField
        Layout.fillWidth: true
        columns: dialog.wide ? 2 : 1
        columnSpacing: Theme.spacing * 2
        rowSpacing: Theme.spacing / 2
        ColumnLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: dialog.wide ? editor.width * 0.55 : editor.width
            Layout.alignment: Qt.AlignTop
            spacing: 2
            Label { text: editor.spec.name; color: Theme.text; Tip { text: editor.spec.tip } }
            NumberField {
                id: numberField
                objectName: editor.spec.key + "Field"
                rule: editor.spec.rule
                context: editor.context
            }
        }
        KafkaDefault {
            Layout.preferredWidth: dialog.wide ? editor.width * 0.45 : editor.width
            kafka: dialog.kafkaDefaults[editor.spec.key] + " ms"
            lab: dialog.kafkaDefaults[editor.spec.key] !== dialog.labDefaults[editor.spec.key]
                 ? dialog.labDefaults[editor.spec.key] + " ms" : ""
            config: editor.spec.config
        }
    }

    Label {
        text: "Timeouts"
        font.pixelSize: Theme.fontLarge
        font.weight: Font.Bold
        color: Theme.text
    }
    Label {
        Layout.fillWidth: true
        text: "They apply to the running lab at once. The lab's defaults are shorter than Kafka's so that a demo moves: a killed broker is fenced in 3 s rather than 9 s."
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSmall
        color: Theme.textDim
    }

    TimeoutEditor { id: election; spec: dialog.fields[0] }
    TimeoutEditor { id: fetch; spec: dialog.fields[1] }
    TimeoutEditor { id: heartbeat; spec: dialog.fields[2] }
    TimeoutEditor {
        id: session
        spec: dialog.fields[3]
        // It must outlast the heartbeat interval typed above, once that one is a number.
        context: ({ heartbeatIntervalMs: heartbeat.field.acceptable ? heartbeat.field.value : null })
    }

    Flow {
        Layout.fillWidth: true
        spacing: Theme.spacing
        Button {
            text: "Lab defaults"
            flat: true
            onClicked: dialog.load(Lab.labDefaultTimeouts)
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: "Election " + dialog.labDefaults.electionTimeoutMs + " ms, fetch " + dialog.labDefaults.fetchTimeoutMs
                          + " ms, heartbeat " + dialog.labDefaults.heartbeatIntervalMs + " ms, session " + dialog.labDefaults.sessionTimeoutMs + " ms"
        }
        Button {
            text: "Kafka defaults"
            flat: true
            onClicked: dialog.load(Lab.kafkaDefaultTimeouts)
            ToolTip.visible: hovered
            ToolTip.delay: 500
            ToolTip.text: "As a Kafka cluster runs out of the box: slower to notice a failure."
        }
        Button {
            id: applyButton
            objectName: "applyTimeouts"
            text: "Apply"
            enabled: dialog.timeoutsAcceptable && dialog.changed
            // Drawn here: Material's raised button has a shadow the software renderer draws
            // as a stray line.
            background: Rectangle {
                implicitWidth: 110 * Theme.scale
                implicitHeight: Theme.fontNormal * 2.6
                radius: 4
                color: applyButton.enabled ? Theme.accent : "transparent"
                border.width: applyButton.enabled ? 0 : 1
                border.color: Theme.border
                opacity: applyButton.down ? 0.75 : (applyButton.hovered ? 0.9 : 1.0)
            }
            contentItem: Label {
                text: applyButton.text
                color: applyButton.enabled ? "white" : Theme.textDim
                font.weight: Font.Bold
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
            onClicked: Lab.setTimeouts(election.field.value, fetch.field.value, heartbeat.field.value, session.field.value)
        }
    }
    Label {
        objectName: "timeoutsApplyHint"
        Layout.fillWidth: true
        visible: !dialog.timeoutsAcceptable
        text: "Apply waits until every timeout above is acceptable."
        color: Theme.textDim
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSmall
    }

    Rectangle { Layout.fillWidth: true; Layout.preferredHeight: 1; Layout.topMargin: Theme.spacing / 2; color: Theme.border }

    Label {
        text: "Durability"
        font.pixelSize: Theme.fontLarge
        font.weight: Font.Bold
        color: Theme.text
    }
    Label {
        Layout.fillWidth: true
        text: "How often each broker forces its logs to disk. Records not flushed yet survive a process crash (the operating system has them) but not a power loss: then only the other replicas still have them."
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSmall
        color: Theme.textDim
    }
    GridLayout {
        Layout.fillWidth: true
        columns: dialog.wide ? 2 : 1
        columnSpacing: Theme.spacing * 2
        rowSpacing: Theme.spacing / 2
        ColumnLayout {
            id: flushColumn
            Layout.fillWidth: true
            Layout.preferredWidth: dialog.wide ? parent.width * 0.55 : parent.width
            Layout.alignment: Qt.AlignTop
            spacing: 2
            Label {
                text: "Flush interval"
                color: Theme.text
                Tip { text: "log.flush.interval.ms: the most time a written record waits before the broker fsyncs it. Kafka leaves it to the operating system by default and relies on replication to keep acknowledged data." }
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacing
                NumberField {
                    id: flushInterval
                    objectName: "flushIntervalField"
                    rule: "flush-interval-ms"
                    onAccepted: if (flushApply.enabled) flushApply.clicked()
                }
                Button {
                    id: flushApply
                    objectName: "applyFlushInterval"
                    Layout.alignment: Qt.AlignTop
                    text: "Apply"
                    flat: true
                    enabled: flushInterval.acceptable && flushInterval.value !== Lab.flushIntervalMs
                    onClicked: Lab.setFlushInterval(flushInterval.value)
                }
            }
        }
        KafkaDefault {
            Layout.preferredWidth: dialog.wide ? parent.width * 0.45 : parent.width
            kafka: "never"
            lab: "1000 ms (the OS decides in Kafka)"
            config: "log.flush.interval.ms"
        }
    }

    Rectangle { Layout.fillWidth: true; Layout.preferredHeight: 1; Layout.topMargin: Theme.spacing / 2; color: Theme.border }

    Label {
        text: "Cluster"
        font.pixelSize: Theme.fontLarge
        font.weight: Font.Bold
        color: Theme.text
    }
    GridLayout {
        Layout.fillWidth: true
        columns: dialog.wide ? 2 : 1
        columnSpacing: Theme.spacing * 2
        rowSpacing: Theme.spacing / 2
        ColumnLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.alignment: Qt.AlignTop
            spacing: 2
            Label { text: "Brokers · running now: " + Lab.brokers.count; color: Theme.text; Layout.fillWidth: true; wrapMode: Text.Wrap }
            NumberField {
                id: brokerCount
                objectName: "brokerCountField"
                rule: "brokers"
                boxWidth: 80
                onValueChanged: if (acceptable && dialog.opened) Settings.brokers = value
            }
        }
        ColumnLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.alignment: Qt.AlignTop
            spacing: 2
            Label {
                Layout.fillWidth: true
                text: "Controllers · running now: " + Lab.controllers.count
                color: Theme.text
                wrapMode: Text.Wrap
                Tip { text: "The KRaft quorum. An odd number tolerates the most failures: 3 survive one down, 5 survive two." }
            }
            NumberField {
                id: controllerCount
                objectName: "controllerCountField"
                rule: "controllers"
                boxWidth: 80
                onValueChanged: if (acceptable && dialog.opened) Settings.controllers = value
            }
        }
    }
    Label {
        Layout.fillWidth: true
        text: "Consumer offsets partitions (offsets.topic.num.partitions; Kafka 50)"
        color: Theme.text
        wrapMode: Text.Wrap
        Tip { text: "Consumer groups keep their committed offsets in the topic __consumer_offsets. Each group belongs to one of its partitions, and the broker that leads that partition is the group's coordinator. Few partitions: every coordinator is easy to see; more: groups spread over the brokers." }
    }
    NumberField {
        id: offsetsPartitions
        objectName: "offsetsPartitionsField"
        rule: "offsets-partitions"
        boxWidth: 80
        onValueChanged: if (acceptable && dialog.opened) Settings.offsetsPartitions = value
    }
    Label {
        Layout.fillWidth: true
        text: "Kraftlab starts with these the next time it opens (or with --brokers N --controllers N); a count is kept once it is acceptable."
        wrapMode: Text.Wrap
        font.pixelSize: Theme.fontSmall
        color: Theme.textDim
    }
}
