import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// A number a person types, checked by the engine's rule for it (Lab.checkField, from
// engine/lab/field_rules.h). It keeps exactly what was typed: nothing is clamped, rounded or
// rewritten. Beside it the allowed range ("1 to 10,000"); under it, while the text is refused,
// why in plain words. A form disables its Apply/Create/Save while any field is not `acceptable`.
ColumnLayout {
    id: field
    // The rule's key: "partitions", "replication-factor", "session-timeout-ms", ...
    required property string rule
    // What the bounds depend on: {brokers, replicationFactor, heartbeatIntervalMs, topic}.
    property var context: ({})
    // The text as typed; set it to load a value.
    property alias text: input.text
    readonly property var check: Lab.checkField(rule, input.text, context)
    readonly property bool acceptable: check.ok === true
    // The number typed, when acceptable (NaN otherwise).
    readonly property double value: acceptable ? check.value : NaN
    // Width of the text box, before the theme's scale.
    property real boxWidth: 110
    // The text box itself (focus, tests).
    readonly property alias input: input
    signal accepted()

    spacing: 2
    Layout.fillWidth: true

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacing
        TextField {
            id: input
            objectName: field.objectName !== "" ? field.objectName + "Input" : ""
            Layout.preferredWidth: field.boxWidth * Theme.scale
            Layout.minimumWidth: 60 * Theme.scale
            inputMethodHints: Qt.ImhFormattedNumbersOnly
            selectByMouse: true
            color: field.acceptable ? Theme.text : Theme.down
            horizontalAlignment: TextInput.AlignRight
            onAccepted: if (field.acceptable) field.accepted()
            // A refused value is outlined in red as well as explained, not by colour alone.
            Rectangle {
                anchors.fill: parent
                visible: !field.acceptable
                color: "transparent"
                border.color: Theme.down
                border.width: Theme.presenter ? 2 : 1
                radius: 3
            }
        }
        Label {
            objectName: field.objectName !== "" ? field.objectName + "Hint" : ""
            Layout.fillWidth: true
            text: field.check.hint
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
        }
    }
    Label {
        objectName: field.objectName !== "" ? field.objectName + "Message" : ""
        Layout.fillWidth: true
        visible: !field.acceptable
        text: field.check.message
        color: Theme.down
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
    }
}
