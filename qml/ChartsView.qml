import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import QtCharts
import Kraftlab

// Records per second per topic (produced solid, consumed dashed), and produce latency by acks
// setting (p50 solid, p99 dashed) on a log axis, over the last two minutes; broker kills and
// restarts marked on the time axis. Colours come from Lab.charts: a subject keeps its colour for
// its life, and none is a status colour. Each chart has its own legend (ChartLegend), whole at
// every size; when the panel is too narrow for two charts side by side it shows one, and a
// choice in the title row switches.
Panel {
    id: view
    objectName: "chartsPanel"
    title: "Charts"
    subtitle: "last two minutes"
    tip: "Throughput and latency as the lab runs. Latency is per acks setting: acks=all waits for every in-sync replica, so it is slower than acks=1 (the leader only) and acks=0 (no answer at all). Red lines: a broker was killed; green: restarted."

    // Too short for a legend above the plot (1280x720 in presenter mode): each legend moves
    // beside its plot, with the choice of chart on top of it. The title row stays: it holds the
    // switch back to the replication lanes (DetailTabs) and the ⤢ button.
    readonly property bool compact: height < 180 * Theme.scale
    // Beside the plot the legend takes two entries a line where it can.
    readonly property real legendAsideWidth: 15 * Theme.fontSmall
    // Narrower than this, a chart's plot gets too cramped to read.
    readonly property real minChartWidth: 340 * Theme.scale
    readonly property bool sideBySide: width >= 2 * (minChartWidth + (compact ? legendAsideWidth : 0)) + 3 * Theme.spacing
    property string shown: "latency"  // the chart shown alone when they do not fit side by side
    readonly property real lineWidth: Theme.presenter ? 3 : 2

    key: "charts"
    actions: Row {
        spacing: Theme.spacing / 2
        ChartChoice { visible: !view.sideBySide; anchors.verticalCenter: parent.verticalCenter }
        Button {
            objectName: "saveChartPng"
            text: "PNG…"
            flat: true
            font.pixelSize: Theme.fontSmall
            implicitHeight: Theme.fontLarge + 6
            topInset: 0
            bottomInset: 0
            onClicked: pngDialog.open()
            Tip { text: "Save the charts as they are shown as a PNG image, for slides and bug reports." }
            FileDialog {
                id: pngDialog
                title: "Save the charts"
                fileMode: FileDialog.SaveFile
                nameFilters: ["PNG images (*.png)"]
                defaultSuffix: "png"
                onAccepted: view.savePng(Lab.localPath(selectedFile))
            }
        }
    }
    // The panel as drawn now into a PNG file; the toast says where, or why not.
    function savePng(path) {
        view.grabToImage(function(result) {
            const ok = result.saveToFile(path)
            Lab.notify("save the charts", ok, ok ? "the charts are in " + path : "cannot write " + path)
        })
    }

    // Which chart to show when only one fits (in the title row).
    component ChartChoice: Row {
        spacing: Theme.spacing / 2
        Chip {
            objectName: "showRates"
            text: "Rates"
            checked: view.shown === "rate"
            onClicked: view.shown = "rate"
        }
        Chip {
            objectName: "showLatency"
            text: "Latency"
            checked: view.shown === "latency"
            onClicked: view.shown = "latency"
        }
    }

    // Kill and restart moments: thin vertical lines over a chart's plot area, placed by time.
    component Markers: Repeater {
        id: markers
        required property ChartView chart
        model: Lab.charts.markers
        // Spelled out: Qt 6.4 does not wrap an inline component's delegate by itself.
        delegate: Component {
            Rectangle {
                id: marker
                required property var modelData
                readonly property real span: Lab.charts.windowEndMs - Lab.charts.windowStartMs
                readonly property real fraction: span > 0 ? (modelData.timeMs - Lab.charts.windowStartMs) / span : -1
                x: markers.chart.plotArea.x + fraction * markers.chart.plotArea.width - width / 2
                y: markers.chart.plotArea.y
                width: 2
                height: markers.chart.plotArea.height
                visible: fraction >= 0 && fraction <= 1
                color: modelData.kind === "kill" ? Theme.down : Theme.inSync
                Tip { text: marker.modelData.label }
            }
        }
    }

    // Lab network faults (cut, delay, loss ...): tinted bands over the plot area for as long as
    // they lasted, labelled at their top.
    component Bands: Repeater {
        id: bands
        required property ChartView chart
        model: Lab.charts.bands
        delegate: Component {
            Rectangle {
                id: band
                required property var modelData
                readonly property real span: Lab.charts.windowEndMs - Lab.charts.windowStartMs
                readonly property real from: span > 0 ? Math.max(0, (modelData.startMs - Lab.charts.windowStartMs) / span) : 0
                readonly property real to: span > 0 ? Math.min(1, (modelData.endMs - Lab.charts.windowStartMs) / span) : 0
                x: bands.chart.plotArea.x + from * bands.chart.plotArea.width
                y: bands.chart.plotArea.y
                width: Math.max(2, (to - from) * bands.chart.plotArea.width)
                height: bands.chart.plotArea.height
                readonly property color ink: modelData.cut ? Theme.down : Theme.outOfSync
                color: Qt.rgba(ink.r, ink.g, ink.b, 0.14)
                border.color: Qt.rgba(ink.r, ink.g, ink.b, 0.5)
                border.width: 1
                Label {
                    x: 3
                    y: 2
                    width: parent.width - 6
                    text: band.modelData.label
                    elide: Text.ElideRight
                    color: band.modelData.cut ? Theme.down : Theme.outOfSync
                    font.pixelSize: Theme.fontSmall
                    visible: parent.width > Theme.fontSmall * 3
                }
                Tip { text: "Lab network: " + band.modelData.label }
            }
        }
    }

    component Chart: ChartView {
        antialiasing: true
        legend.visible: false
        backgroundColor: Theme.surface
        plotAreaColor: Theme.surface
        backgroundRoundness: 0
        margins { left: 0; right: 0; top: 0; bottom: 0 }
    }

    RowLayout {
        anchors.fill: parent
        spacing: Theme.spacing * 2

        // ---- records per second ----------------------------------------------------------
        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredWidth: 1
            visible: view.sideBySide || view.shown === "rate"

            // The legend: above the plot, or on its right when the panel is short. Positioned by
            // hand: a GridLayout switching between one and two columns crashed in Qt 6.4 here.
            Column {
                id: rateAside
                x: view.compact ? parent.width - width : 0
                width: view.compact ? Math.min(view.legendAsideWidth, parent.width * 0.42) : parent.width
                spacing: Theme.spacing / 2
                ChartLegend {
                    objectName: "rateLegend"
                    x: view.compact ? 0 : Theme.spacing
                    width: parent.width - x
                    title: "records / second"
                    // Alone and short, the choice above names the chart.
                    showTitle: !view.compact || view.sideBySide
                    titleTip: view.tip
                    subjects: Lab.charts.rateSubjects
                    solidMeaning: "produced"
                    dashedMeaning: "consumed"
                    solidTip: "Records per second the topic's leaders appended."
                    dashedTip: "Records per second the lab's consumers read from the topic."
                    lineWidth: view.lineWidth
                    solidWidth: view.lineWidth * 2.5
                    solidOpacity: 0.45
                }
            }
            Chart {
                id: rateChart
                objectName: "rateChart"
                y: view.compact ? 0 : rateAside.height
                width: parent.width - (view.compact ? rateAside.width + Theme.spacing : 0)
                height: parent.height - y
                readonly property var seriesNames: Lab.charts.rateSeries

                // Lab time in seconds: it stands still while the lab is paused.
                ValueAxis {
                    id: rateTime
                    labelFormat: "%.0f s"
                    tickCount: rateChart.plotArea.width > 320 * Theme.scale ? 5 : 3
                    min: Lab.charts.windowStartMs / 1000
                    max: Lab.charts.windowEndMs / 1000
                    labelsFont.pixelSize: Theme.fontMark
                    labelsColor: Theme.textDim
                    gridLineColor: Theme.border
                    lineVisible: false
                }
                ValueAxis {
                    id: rateAxis
                    min: 0
                    max: Lab.charts.rateMax
                    // With the feeder's 1-2-5 maxima these land on round numbers; fewer when short.
                    tickCount: rateChart.plotArea.height > 140 ? 6 : 3
                    labelFormat: "%.0f"
                    labelsFont.pixelSize: Theme.fontMark
                    labelsColor: Theme.textDim
                    gridLineColor: Theme.border
                    lineVisible: false
                }

                // Consumed on top of produced: a reading consumer's line lies on its topic's
                // produced line, so produced is a wide pale band and consumed a dashed line in it.
                function rebuild() {
                    removeAllSeries()
                    const ordered = seriesNames.filter(n => !n.endsWith(" consumed"))
                                               .concat(seriesNames.filter(n => n.endsWith(" consumed")))
                    for (const name of ordered) {
                        const s = createSeries(ChartView.SeriesTypeLine, name, rateTime, rateAxis)
                        s.color = Lab.charts.colorOf(name, Theme.dark)
                        if (name.endsWith(" consumed")) {
                            s.width = view.lineWidth
                            s.style = Qt.DashLine
                        } else {
                            s.width = view.lineWidth * 2.5
                            s.opacity = 0.45
                        }
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
                    function onUpdated() { rateChart.refill() }
                }
                Connections {
                    target: Theme
                    function onDarkChanged() { rateChart.rebuild() }
                    function onPresenterChanged() { rateChart.rebuild() }
                }
                Bands { chart: rateChart }
                Markers { chart: rateChart }
            }
        }

        // ---- produce latency by acks --------------------------------------------------------
        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredWidth: 1
            visible: view.sideBySide || view.shown === "latency"

            // The legend: above the plot, or on its right when the panel is short. Positioned by
            // hand: a GridLayout switching between one and two columns crashed in Qt 6.4 here.
            Column {
                id: latencyAside
                x: view.compact ? parent.width - width : 0
                width: view.compact ? Math.min(view.legendAsideWidth, parent.width * 0.42) : parent.width
                spacing: Theme.spacing / 2
                ChartLegend {
                    objectName: "latencyLegend"
                    x: view.compact ? 0 : Theme.spacing
                    width: parent.width - x
                    title: "produce latency by acks"
                    showTitle: !view.compact || view.sideBySide
                    titleTip: view.tip
                    subjects: Lab.charts.latencySubjects
                    solidMeaning: "p50"
                    dashedMeaning: "p99"
                    solidTip: "Half of the records were acknowledged faster than this: the median over the last " + Lab.charts.latencyWindowSeconds + " s of every producer with that acks setting."
                    dashedTip: "99 of 100 records were acknowledged faster than this, over the last " + Lab.charts.latencyWindowSeconds + " s of every producer with that acks setting."
                    // The axis's own words when it is too short to carry them.
                    note: [latencyChart.axisTitleFits ? "" : "ms, log scale",
                           Lab.charts.latencyClipped ? "under " + Lab.charts.latencyFloorMs + " ms drawn at " + Lab.charts.latencyFloorMs : ""]
                          .filter(t => t !== "").join(" · ")
                    lineWidth: view.lineWidth
                }
            }
            Chart {
                id: latencyChart
                objectName: "latencyChart"
                y: view.compact ? 0 : latencyAside.height
                width: parent.width - (view.compact ? latencyAside.width + Theme.spacing : 0)
                height: parent.height - y
                readonly property var seriesNames: Lab.charts.latencySeries
                // Qt Charts elides an axis title longer than the axis, and labels that would
                // touch: the title only where it fits, a label every second (third ...) decade
                // where a label a decade does not.
                readonly property bool axisTitleFits: plotArea.height > Theme.fontMark * 6
                readonly property real decades: Math.log(Lab.charts.latencyAxisMaxMs / Lab.charts.latencyAxisMinMs) / Math.LN10
                readonly property int labelRoom: Math.max(1, Math.floor(plotArea.height / (Theme.fontMark * 1.8)))

                // Lab time in seconds: it stands still while the lab is paused.
                ValueAxis {
                    id: latencyTime
                    labelFormat: "%.0f s"
                    tickCount: latencyChart.plotArea.width > 320 * Theme.scale ? 5 : 3
                    min: Lab.charts.windowStartMs / 1000
                    max: Lab.charts.windowEndMs / 1000
                    labelsFont.pixelSize: Theme.fontMark
                    labelsColor: Theme.textDim
                    gridLineColor: Theme.border
                    lineVisible: false
                }
                // Logarithmic: acks=0's fraction of a millisecond, acks=1 and acks=all a few
                // milliseconds apart, and a 100 ms outlier all in view at once.
                LogValueAxis {
                    id: latencyAxis
                    base: Math.pow(10, Math.max(1, Math.ceil(latencyChart.decades / latencyChart.labelRoom)))
                    min: Lab.charts.latencyAxisMinMs
                    max: Lab.charts.latencyAxisMaxMs
                    labelFormat: "%g"
                    // Minor grid lines (2, 3 ... 9 of each decade) only where there is room.
                    minorTickCount: latencyChart.plotArea.height > 160 * Theme.scale ? -1 : 0
                    titleVisible: latencyChart.axisTitleFits
                    titleText: latencyChart.plotArea.height > Theme.fontMark * 8 ? "ms, log scale" : "ms (log)"
                    titleFont.pixelSize: Theme.fontMark
                    titleBrush: Theme.textDim
                    labelsFont.pixelSize: Theme.fontMark
                    labelsColor: Theme.textDim
                    gridLineColor: Theme.border
                    minorGridLineColor: Qt.rgba(Theme.border.r, Theme.border.g, Theme.border.b, 0.35)
                    lineVisible: false
                }

                // Subjects close together must each stay in view: the first in the legend is
                // drawn last (on top) and thinnest, each one under it 2 px wider, so a line that
                // lies on another shows as a core with a 1 px edge of the other's colour.
                function rebuild() {
                    removeAllSeries()
                    const subjects = Lab.charts.latencySubjects
                    for (let k = subjects.length - 1; k >= 0; --k) {
                        const layer = k  // 0 is on top
                        for (const suffix of [" p99", " p50"]) {
                            const name = subjects[k] + suffix
                            if (!seriesNames.includes(name)) continue
                            const s = createSeries(ChartView.SeriesTypeLine, name, latencyTime, latencyAxis)
                            s.color = Lab.charts.colorOf(name, Theme.dark)
                            s.width = view.lineWidth + 2 * layer * Theme.scale
                            if (suffix === " p99") s.style = Qt.DashLine
                        }
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
                    function onUpdated() { latencyChart.refill() }
                }
                Connections {
                    target: Theme
                    function onDarkChanged() { latencyChart.rebuild() }
                    function onPresenterChanged() { latencyChart.rebuild() }
                }
                Bands { chart: latencyChart }
                Markers { chart: latencyChart }
            }
        }
    }
}
