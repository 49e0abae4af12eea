import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
import Kraftlab

// Records per second per topic, and produce latency by acks setting (p50 solid, p99 dashed), over
// the last two minutes; broker kills and restarts marked on the time axis.
Panel {
    id: view
    title: "Charts"
    subtitle: "last two minutes"
    tip: "Throughput and latency as the lab runs. Latency is per acks setting: acks=all waits for every in-sync replica, so it is slower than acks=1 (the leader only) and acks=0 (no answer at all). Red lines: a broker was killed; green: restarted."

    readonly property var palette: ["#4656e0", "#2f9e62", "#e3a21a", "#d23f3f", "#8e5bd8", "#1a9bb0", "#e0702f", "#6b7280"]

    // An acks setting keeps its colour whatever else runs, in the lab's colour language: all is
    // green (every in-sync replica), 1 gold (the leader), 0 grey (nobody answers), the lab's N
    // violet.
    function seriesColor(name, i) {
        if (name.startsWith("acks=all")) return Theme.inSync
        if (name.startsWith("acks=1 ")) return Theme.leader
        if (name.startsWith("acks=0")) return Theme.idle
        if (name.startsWith("acks=")) return Theme.candidate
        return palette[i % palette.length]
    }

    RowLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        Repeater {
            model: [
                { key: "rate", title: "records / second", names: "rateSeries", max: "rateMax" },
                { key: "latency", title: "produce latency by acks (ms)", names: "latencySeries", max: "latencyMax" }
            ]
            delegate: ChartView {
                id: chart
                required property var modelData
                objectName: modelData.key + "Chart"
                readonly property var seriesNames: Lab.charts[modelData.names]
                Layout.fillWidth: true
                Layout.fillHeight: true
                antialiasing: true
                legend.alignment: Qt.AlignBottom
                legend.visible: height > 200 * Theme.scale
                legend.font.pixelSize: Theme.fontSmall
                legend.labelColor: Theme.text
                title: modelData.title
                titleFont.pixelSize: Theme.fontNormal
                titleColor: Theme.text
                backgroundColor: Theme.surface
                plotAreaColor: Theme.surface
                backgroundRoundness: 0
                margins { left: 4; right: 4; top: 4; bottom: 4 }

                DateTimeAxis {
                    id: timeAxis
                    format: "HH:mm:ss"
                    tickCount: chart.plotArea.width > 320 ? 5 : 3
                    min: new Date(Lab.charts.windowStartMs)
                    max: new Date(Lab.charts.windowEndMs)
                    labelsFont.pixelSize: Theme.fontMark
                    labelsColor: Theme.textDim
                    gridLineColor: Theme.border
                    lineVisible: false
                }
                ValueAxis {
                    id: valueAxis
                    min: 0
                    max: Lab.charts[chart.modelData.max]
                    // With the feeder's 1-2-5 maxima these land on round numbers; fewer when short.
                    tickCount: chart.plotArea.height > 140 ? 6 : 3
                    labelFormat: "%.0f"
                    labelsFont.pixelSize: Theme.fontMark
                    labelsColor: Theme.textDim
                    gridLineColor: Theme.border
                    lineVisible: false
                }

                function rebuild() {
                    removeAllSeries()
                    for (let i = 0; i < seriesNames.length; ++i) {
                        const s = createSeries(ChartView.SeriesTypeLine, seriesNames[i], timeAxis, valueAxis)
                        s.color = view.seriesColor(seriesNames[i], i)
                        s.width = Theme.presenter ? 3 : 2
                        if (seriesNames[i].endsWith("consumed") || seriesNames[i].endsWith("p99")) s.style = Qt.DashLine
                    }
                    refill()
                }
                function refill() {
                    for (let i = 0; i < count; ++i) Lab.charts.fill(series(i), series(i).name)
                }
                onSeriesNamesChanged: rebuild()
                Component.onCompleted: rebuild()

                Connections {
                    target: Lab.charts
                    function onUpdated() { chart.refill() }
                }

                // Kill and restart moments: thin vertical lines over the plot area, placed by time.
                Repeater {
                    model: Lab.charts.markers
                    delegate: Rectangle {
                        id: marker
                        required property var modelData
                        readonly property real span: Lab.charts.windowEndMs - Lab.charts.windowStartMs
                        readonly property real fraction: span > 0 ? (modelData.timeMs - Lab.charts.windowStartMs) / span : -1
                        x: chart.plotArea.x + fraction * chart.plotArea.width - width / 2
                        y: chart.plotArea.y
                        width: 2
                        height: chart.plotArea.height
                        visible: fraction >= 0 && fraction <= 1
                        color: modelData.kind === "kill" ? Theme.down : Theme.inSync
                        Tip { text: marker.modelData.label }
                    }
                }
            }
        }
    }
}
