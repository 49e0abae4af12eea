import QtQuick
import QtQuick.Controls
import Kraftlab

// The legend of one chart, always whole at every size: its title, a line sample and the full name
// of each subject in the colour Lab.charts gave it, then what the line styles mean. It wraps onto
// more lines instead of cutting a name short (ChartView's own legend hid itself when short and
// cut names to "acks=…"). Type is Theme.fontSmall, never less.
Flow {
    id: legend
    property string title
    property var subjects: []        // names, in order
    property string solidMeaning     // "p50"
    property string dashedMeaning    // "p99"
    property string solidTip
    property string dashedTip
    property string note             // e.g. what the floor of a log axis does; empty for none
    property string titleTip
    property bool showTitle: true
    // Line widths as the chart draws them, so a sample looks like its line; the solid style may
    // be drawn as a wider, paler band (the rates chart's produced).
    property real lineWidth: Theme.presenter ? 3 : 2
    property real solidWidth: lineWidth
    property real solidOpacity: 1

    // Tight between lines (a short panel has room for three); entries keep apart by their padding.
    spacing: Theme.spacing / 2
    readonly property real entryGap: Theme.spacing * 1.5

    Label {
        id: titleLabel
        text: legend.title
        visible: text !== "" && legend.showTitle
        rightPadding: legend.entryGap
        width: Math.min(implicitWidth, legend.width)
        wrapMode: Text.WordWrap
        color: Theme.text
        font.pixelSize: Theme.fontSmall
        font.weight: Font.Bold
        Tip { text: legend.titleTip }
    }

    Repeater {
        model: legend.subjects
        delegate: Row {
            id: entry
            required property string modelData
            spacing: Theme.spacing / 2
            rightPadding: legend.entryGap
            height: name.height
            LegendLine {
                anchors.verticalCenter: parent.verticalCenter
                color: Lab.charts.colorOf(entry.modelData, Theme.dark)
                thickness: legend.solidWidth
                lineWidth: legend.lineWidth
            }
            // The name's one-line width, measured apart: a wrapping label's own implicitWidth
            // changes with its width (a binding loop in Qt 6.4).
            TextMetrics { id: nameMetrics; font: name.font; text: entry.modelData }
            Label {
                id: name
                text: entry.modelData
                // The whole name, on more lines if it must (a topic name may be long).
                width: Math.min(Math.ceil(nameMetrics.advanceWidth) + 1, legend.width - Theme.fontSmall * 1.6 - Theme.spacing / 2 - legend.entryGap)
                wrapMode: Text.WrapAnywhere
                color: Theme.text
                font.pixelSize: Theme.fontSmall
            }
        }
    }

    // What solid and dashed mean, in the text colour: they apply to every subject.
    Row {
        visible: legend.solidMeaning !== ""
        spacing: Theme.spacing / 2
        rightPadding: legend.entryGap
        height: solidLabel.height
        LegendLine {
            anchors.verticalCenter: parent.verticalCenter
            color: Theme.textDim
            thickness: legend.solidWidth
            lineWidth: legend.lineWidth
            opacity: legend.solidOpacity
        }
        Label {
            id: solidLabel
            text: legend.solidMeaning
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
            Tip { text: legend.solidTip }
        }
    }
    Row {
        visible: legend.dashedMeaning !== ""
        spacing: Theme.spacing / 2
        rightPadding: legend.entryGap
        height: dashedLabel.height
        LegendLine {
            anchors.verticalCenter: parent.verticalCenter
            color: Theme.textDim
            dashed: true
            thickness: legend.lineWidth
            lineWidth: legend.lineWidth
        }
        Label {
            id: dashedLabel
            text: legend.dashedMeaning
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
            Tip { text: legend.dashedTip }
        }
    }
    Label {
        visible: legend.note !== ""
        text: legend.note
        width: Math.min(implicitWidth, legend.width)
        wrapMode: Text.WordWrap
        color: Theme.textDim
        font.pixelSize: Theme.fontSmall
    }
}
