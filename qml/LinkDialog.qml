import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Kraftlab

// The faults of one link of the lab network, set live: cut (silence, not a reset), delay with
// jitter, loss, duplicates, reordering, a bandwidth cap; both ways or one way. Opened from the
// network ring with what the link has now; Apply replaces it. Heal clears the link both ways;
// Reset drops its connections (they reconnect, as after a NAT forgot them).
FormDialog {
    id: dialog
    objectName: "linkDialog"
    property string a
    property string b
    // 0: both ways, 1: a → b only, 2: b → a only.
    property int direction: 0

    title: "The link " + a + " ↔ " + b
    preferredWidth: 520

    function openFor(nodeA, nodeB) {
        a = nodeA
        b = nodeB
        const f = Lab.network.faults(a, b)
        const back = Lab.network.faults(b, a)
        direction = JSON.stringify(f) === JSON.stringify(back) ? 0 : (f.cut || !back.cut ? 1 : 2)
        const shown = direction === 2 ? back : f
        cut.checked = shown.cut
        delay.text = String(shown.delayMs)
        jitter.text = String(shown.jitterMs)
        normal.checked = shown.normal
        loss.text = String(shown.lossPercent)
        burst.text = String(shown.lossBurst)
        duplicate.text = String(shown.duplicatePercent)
        reorder.text = String(shown.reorderPercent)
        bandwidth.text = String(shown.bandwidth)
        open()
    }
    function faults() {
        return {
            cut: cut.checked,
            delayMs: Number(delay.text || 0), jitterMs: Number(jitter.text || 0), normal: normal.checked,
            lossPercent: Number(loss.text || 0), lossBurst: Number(burst.text || 1),
            duplicatePercent: Number(duplicate.text || 0), reorderPercent: Number(reorder.text || 0),
            bandwidth: Number(bandwidth.text || 0)
        }
    }
    onAccepted: {
        if (direction === 2) Lab.setLinkFaults(b, a, faults(), true)
        else Lab.setLinkFaults(a, b, faults(), direction === 1)
    }

    footer: DialogButtonBox {
        Button {
            objectName: "linkApply"
            text: "Apply"
            enabled: delay.acceptableInput && jitter.acceptableInput && loss.acceptableInput
                     && burst.acceptableInput && duplicate.acceptableInput && reorder.acceptableInput
                     && bandwidth.acceptableInput
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            text: "Heal"
            DialogButtonBox.buttonRole: DialogButtonBox.ResetRole
            onClicked: { Lab.healLink(dialog.a, dialog.b); dialog.close() }
            ToolTip.visible: hovered
            ToolTip.text: "Clear every fault of this link, both ways"
        }
        Button {
            text: "Cancel"
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    RowLayout {
        spacing: Theme.spacing
        RadioButton {
            text: "Both ways"
            checked: dialog.direction === 0
            onClicked: dialog.direction = 0
        }
        RadioButton {
            text: dialog.a + " → " + dialog.b
            checked: dialog.direction === 1
            onClicked: dialog.direction = 1
        }
        RadioButton {
            text: dialog.b + " → " + dialog.a
            checked: dialog.direction === 2
            onClicked: dialog.direction = 2
        }
    }
    CheckBox {
        id: cut
        objectName: "linkCut"
        text: "Cut: nothing crosses"
    }
    Label {
        Layout.fillWidth: true
        text: "Silence, not a reset: a sender waits for its own timeout, as behind a dead switch."
        color: Theme.textDim
        font.pixelSize: Theme.fontSmall
        wrapMode: Text.Wrap
    }
    GridLayout {
        columns: 3
        columnSpacing: Theme.spacing
        rowSpacing: Theme.spacing / 2
        Layout.fillWidth: true

        component Field: TextField {
            Layout.preferredWidth: Theme.fontNormal * 6
            selectByMouse: true
            inputMethodHints: Qt.ImhFormattedNumbersOnly
            color: acceptableInput ? Theme.text : Theme.down
        }
        component Hint: Label {
            Layout.fillWidth: true
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
        }

        Label { text: "Delay (ms)" }
        Field { id: delay; objectName: "linkDelay"; validator: IntValidator { bottom: 0; top: 60000 } }
        Hint { text: "added to every message, 0–60000" }
        Label { text: "Jitter (ms)" }
        Field { id: jitter; validator: IntValidator { bottom: 0; top: 60000 } }
        CheckBox { id: normal; text: "normal (else uniform ±)" }
        Label { text: "Loss (%)" }
        Field { id: loss; objectName: "linkLoss"; validator: DoubleValidator { bottom: 0; top: 100; notation: DoubleValidator.StandardNotation } }
        Hint { text: "of messages, 0–100" }
        Label { text: "Loss burst" }
        Field { id: burst; validator: IntValidator { bottom: 1; top: 1000 } }
        Hint { text: "mean run of losses (1: independent)" }
        Label { text: "Duplicate (%)" }
        Field { id: duplicate; validator: DoubleValidator { bottom: 0; top: 100; notation: DoubleValidator.StandardNotation } }
        Hint { text: "requests delivered and handled twice" }
        Label { text: "Reorder (%)" }
        Field { id: reorder; validator: DoubleValidator { bottom: 0; top: 100; notation: DoubleValidator.StandardNotation } }
        Hint { text: "messages that may overtake earlier ones" }
        Label { text: "Bandwidth (B/s)" }
        Field { id: bandwidth; validator: IntValidator { bottom: 0; top: 2000000000 } }
        Hint { text: "0: no cap; else at least 1000" }
    }
    Button {
        text: "Reset its connections now"
        flat: true
        onClicked: { Lab.resetLink(dialog.a, dialog.b); dialog.close() }
        ToolTip.visible: hovered
        ToolTip.text: "Every connection between the two is reset (as by a NAT that forgot them); they reconnect"
    }
}
