import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// Lab settings: the quorum's and the brokers' timeouts and the brokers' flush interval (applied to
// the running lab at once), each beside Kafka's own default, and how many brokers and controllers
// the next lab starts with.
Dialog {
    id: dialog
    // Maps from the facade (held as var: their keys are known only at run time).
    readonly property var kafkaDefaults: Lab.kafkaDefaultTimeouts
    readonly property var labDefaults: Lab.labDefaultTimeouts
    objectName: "settingsDialog"
    title: "Lab settings"
    modal: true
    background: PopupBackground {}
    anchors.centerIn: Overlay.overlay
    width: Math.min(760 * Theme.scale, Overlay.overlay ? Overlay.overlay.width - 40 : 760)

    readonly property var fields: [
        { key: "electionTimeoutMs", name: "Election timeout", config: "controller.quorum.election.timeout.ms",
          tip: "How long a controller waits without a leader before it stands for election (plus a random part, so that two rarely stand at once)." },
        { key: "fetchTimeoutMs", name: "Fetch timeout", config: "controller.quorum.fetch.timeout.ms",
          tip: "How long a follower waits for the leader to answer its fetches before it gives up on it and stands for election." },
        { key: "heartbeatIntervalMs", name: "Heartbeat interval", config: "broker.heartbeat.interval.ms",
          tip: "How often each broker tells the active controller it is alive." },
        { key: "sessionTimeoutMs", name: "Session timeout", config: "broker.session.timeout.ms",
          tip: "How long the active controller waits for a broker's heartbeat before it fences the broker and moves its partitions' leadership." }
    ]
    // The values being edited, by key.
    property var values: ({})
    readonly property string problem: Lab.timeoutsProblem(values.electionTimeoutMs || 0, values.fetchTimeoutMs || 0,
                                                          values.heartbeatIntervalMs || 0, values.sessionTimeoutMs || 0)
    readonly property bool changed: {
        const t = Lab.timeouts
        for (let i = 0; i < fields.length; ++i) {
            if (values[fields[i].key] !== t[fields[i].key]) return true
        }
        return false
    }

    // Kafka's default for one timeout, with the name of Kafka's setting under it.
    component KafkaDefault: Column {
        id: kafkaDefault
        required property var field
        required property int kafkaMs
        required property int labMs
        Layout.fillWidth: true
        spacing: 0
        Label {
            width: parent.width
            text: "Kafka: <b>" + kafkaDefault.kafkaMs + " ms</b>" +
                  (kafkaDefault.kafkaMs !== kafkaDefault.labMs ? "  ·  lab: " + kafkaDefault.labMs + " ms" : "")
            textFormat: Text.StyledText
            color: Theme.text
            elide: Text.ElideRight
        }
        Label {
            width: parent.width
            text: kafkaDefault.field.config
            font.family: Theme.mono
            font.pixelSize: Theme.fontSmall
            color: Theme.textDim
            elide: Text.ElideRight
        }
    }

    function load(map) {
        let next = {}
        for (let i = 0; i < fields.length; ++i) next[fields[i].key] = map[fields[i].key]
        values = next
    }
    function setValue(key, v) {
        let next = Object.assign({}, values)
        next[key] = v
        values = next
    }

    onOpened: {
        load(Lab.timeouts)
        flushInterval.value = Lab.flushIntervalMs > 0 ? Lab.flushIntervalMs : 1000
        brokerCount.value = Settings.brokers
        controllerCount.value = Settings.controllers
    }

    standardButtons: Dialog.Close

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

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

        // Four fixed rows (no Repeater inside a layout: Qt 6.4).
        GridLayout {
            Layout.fillWidth: true
            columns: 3
            columnSpacing: Theme.spacing * 2
            rowSpacing: Theme.spacing / 2

            Label { text: dialog.fields[0].name; color: Theme.text; Tip { text: dialog.fields[0].tip } }
            SpinBox {
                objectName: "electionTimeoutField"
                from: 50; to: 60000; stepSize: 100; editable: true
                value: dialog.values.electionTimeoutMs || 0
                onValueModified: dialog.setValue("electionTimeoutMs", value)
                textFromValue: (v) => v + " ms"
                valueFromText: (t) => parseInt(t)
            }
            KafkaDefault { field: dialog.fields[0]; kafkaMs: dialog.kafkaDefaults.electionTimeoutMs; labMs: dialog.labDefaults.electionTimeoutMs }

            Label { text: dialog.fields[1].name; color: Theme.text; Tip { text: dialog.fields[1].tip } }
            SpinBox {
                objectName: "fetchTimeoutField"
                from: 100; to: 120000; stepSize: 100; editable: true
                value: dialog.values.fetchTimeoutMs || 0
                onValueModified: dialog.setValue("fetchTimeoutMs", value)
                textFromValue: (v) => v + " ms"
                valueFromText: (t) => parseInt(t)
            }
            KafkaDefault { field: dialog.fields[1]; kafkaMs: dialog.kafkaDefaults.fetchTimeoutMs; labMs: dialog.labDefaults.fetchTimeoutMs }

            Label { text: dialog.fields[2].name; color: Theme.text; Tip { text: dialog.fields[2].tip } }
            SpinBox {
                objectName: "heartbeatIntervalField"
                from: 50; to: 60000; stepSize: 100; editable: true
                value: dialog.values.heartbeatIntervalMs || 0
                onValueModified: dialog.setValue("heartbeatIntervalMs", value)
                textFromValue: (v) => v + " ms"
                valueFromText: (t) => parseInt(t)
            }
            KafkaDefault { field: dialog.fields[2]; kafkaMs: dialog.kafkaDefaults.heartbeatIntervalMs; labMs: dialog.labDefaults.heartbeatIntervalMs }

            Label { text: dialog.fields[3].name; color: Theme.text; Tip { text: dialog.fields[3].tip } }
            SpinBox {
                objectName: "sessionTimeoutField"
                from: 100; to: 300000; stepSize: 500; editable: true
                value: dialog.values.sessionTimeoutMs || 0
                onValueModified: dialog.setValue("sessionTimeoutMs", value)
                textFromValue: (v) => v + " ms"
                valueFromText: (t) => parseInt(t)
            }
            KafkaDefault { field: dialog.fields[3]; kafkaMs: dialog.kafkaDefaults.sessionTimeoutMs; labMs: dialog.labDefaults.sessionTimeoutMs }
        }

        Label {
            Layout.fillWidth: true
            visible: dialog.problem !== ""
            text: dialog.problem
            color: Theme.down
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
        }

        RowLayout {
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
            Item { Layout.fillWidth: true }
            Button {
                id: applyButton
                objectName: "applyTimeouts"
                text: "Apply"
                enabled: dialog.problem === "" && dialog.changed
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
                onClicked: Lab.setTimeouts(dialog.values.electionTimeoutMs, dialog.values.fetchTimeoutMs,
                                           dialog.values.heartbeatIntervalMs, dialog.values.sessionTimeoutMs)
            }
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
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing * 2
            Label {
                text: "Flush interval"
                color: Theme.text
                Tip { text: "log.flush.interval.ms: the most time a written record waits before the broker fsyncs it. Kafka leaves it to the operating system by default and relies on replication to keep acknowledged data." }
            }
            SpinBox {
                id: flushInterval
                objectName: "flushIntervalField"
                from: 10; to: 3600000; stepSize: 500; editable: true
                textFromValue: (v) => v + " ms"
                valueFromText: (t) => parseInt(t)
            }
            Column {
                Layout.fillWidth: true
                spacing: 0
                Label {
                    width: parent.width
                    text: "Kafka: <b>never</b> (the OS decides)  ·  lab: 1000 ms"
                    textFormat: Text.StyledText
                    color: Theme.text
                    elide: Text.ElideRight
                }
                Label {
                    width: parent.width
                    text: "log.flush.interval.ms"
                    font.family: Theme.mono
                    font.pixelSize: Theme.fontSmall
                    color: Theme.textDim
                }
            }
            Button {
                text: "Apply"
                flat: true
                enabled: flushInterval.value !== Lab.flushIntervalMs
                onClicked: Lab.setFlushInterval(flushInterval.value)
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
            columns: 3
            columnSpacing: Theme.spacing * 2
            rowSpacing: Theme.spacing / 2
            Label { text: "Brokers"; color: Theme.text }
            SpinBox {
                id: brokerCount
                from: 1; to: 32
                onValueModified: Settings.brokers = value
            }
            Label { text: "running now: " + Lab.brokers.count; color: Theme.textDim; font.pixelSize: Theme.fontSmall }
            Label {
                text: "Controllers"
                color: Theme.text
                Tip { text: "The KRaft quorum. An odd number tolerates the most failures: 3 survive one down, 5 survive two." }
            }
            SpinBox {
                id: controllerCount
                from: 1; to: 7
                onValueModified: Settings.controllers = value
            }
            Label { text: "running now: " + Lab.controllers.count; color: Theme.textDim; font.pixelSize: Theme.fontSmall }
        }
        Label {
            Layout.fillWidth: true
            text: "Kraftlab starts with these the next time it opens (or with --brokers N --controllers N)."
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
            color: Theme.textDim
        }
    }
}
