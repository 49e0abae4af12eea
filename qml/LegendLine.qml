import QtQuick
import Kraftlab

// A legend's sample of a chart line: solid, or three dashes; as thick as the line it stands for.
Row {
    id: sample
    property color color
    property bool dashed: false
    property real thickness: 2
    // The chart's line width: the gap between dashes grows with it.
    property real lineWidth: 2
    spacing: dashed ? Math.round(lineWidth * 1.5) : 0
    Rectangle {
        width: sample.dashed ? Math.round(Theme.fontSmall * 0.45) : Theme.fontSmall * 1.6
        height: sample.thickness
        color: sample.color
    }
    Rectangle {
        visible: sample.dashed
        width: Math.round(Theme.fontSmall * 0.45)
        height: sample.thickness
        color: sample.color
    }
    Rectangle {
        visible: sample.dashed
        width: Math.round(Theme.fontSmall * 0.45)
        height: sample.thickness
        color: sample.color
    }
}
