pragma Singleton
import QtQuick
import Kraftlab

// One colour language and type scale for every view. Light and dark themes; presenter mode
// scales type up and raises contrast for a projector.
QtObject {
    readonly property bool dark: Settings.darkTheme
    readonly property bool presenter: Settings.presenterMode
    // Set by the window from its size: 1 up to 1920x1080, more on larger windows (a 4K screen at
    // a device pixel ratio of 1), so that a view keeps its proportions instead of shrinking.
    property real zoom: 1.0
    // Lengths (card widths, tiles, margins) scale with the type.
    readonly property real scale: (presenter ? 1.3 : 1.0) * zoom

    // Type. Presenter mode is read from the back of a room: nothing under 16 px at 1280x720.
    readonly property string mono: "DejaVu Sans Mono"
    readonly property int fontSmall: Math.round((presenter ? 16 : 11) * zoom)
    readonly property int fontNormal: Math.round((presenter ? 18 : 13) * zoom)
    readonly property int fontLarge: Math.round((presenter ? 21 : 16) * zoom)
    readonly property int fontTitle: Math.round((presenter ? 26 : 20) * zoom)
    // Marks on a log (tile offsets, the HW label, axis labels): a little under the small size,
    // but never under 16 px in presenter mode.
    readonly property int fontMark: presenter ? fontSmall : Math.round(fontSmall * 0.9)
    // The smallest type any view may use in the current mode (the UI test checks it).
    readonly property int fontMinimum: presenter ? 16 : 9
    readonly property int spacing: Math.round(8 * scale)
    readonly property int radius: 6

    // Surfaces
    readonly property color background: dark ? "#13161b" : "#eef0f3"
    readonly property color surface: dark ? "#1c2027" : "#ffffff"
    readonly property color surfaceAlt: dark ? "#262b34" : "#f3f5f8"
    readonly property color border: dark ? (presenter ? "#5a6270" : "#343a45") : (presenter ? "#9aa2ad" : "#d8dce2")
    readonly property color text: dark ? "#eef0f3" : "#15181d"
    readonly property color textDim: dark ? (presenter ? "#c3c9d1" : "#98a1ad") : (presenter ? "#3d434c" : "#5c6470")
    readonly property color accent: dark ? "#7c8cff" : "#4656e0"
    // The accent as a fill under white type (PAUSED, FROZEN, Thaw): the dark theme's light
    // accent is too pale for white on it.
    readonly property color accentFill: dark ? Qt.darker(accent, 1.6) : accent

    // The lab's colour language (see Legend.qml)
    readonly property color leader: "#e3a21a"       // leads the partition: gold
    readonly property color leaderInk: "#2b2100"     // type on gold: white on it is too faint
    readonly property color follower: "#3f8fdc"     // holds a copy, follows the leader: blue
    readonly property color inSync: "#2f9e62"       // in the ISR / up / healthy: green
    readonly property color outOfSync: "#e0702f"    // behind, fenced, out of the ISR: orange
    readonly property color down: "#d23f3f"         // killed, offline, failed: red
    readonly property color candidate: "#8e5bd8"    // asks for votes: an election runs: violet
    readonly property color idle: dark ? "#5b6270" : "#a7adb6"
    // A lab network link by its state (NetworkModel): cut red, lossy orange, delayed blue,
    // flaky (duplicates, reordering) violet, healthy grey.
    function linkColour(state) {
        switch (state) {
        case "cut": return down
        case "lossy": return outOfSync
        case "delayed": return follower
        case "flaky": return candidate
        }
        return idle
    }

    // Record tiles in the log strips
    readonly property color tile: dark ? "#2f3a4d" : "#d7def0"
    readonly property color tileFresh: accent
    readonly property color tileText: dark ? "#c9d2e3" : "#2b3550"

    // A broker's registration state: may it lead partitions (green), not yet or no longer
    // (orange), or is it down (red).
    function stateColor(state) {
        if (state === "unfenced" || state === "up") return inSync
        if (state === "fenced" || state === "registered" || state === "starting") return outOfSync
        return down
    }

    // A controller's role in the KRaft quorum, in the same language: the leader gold as a
    // partition's, followers blue, a candidate violet, a resigned leader orange, down red.
    function roleColor(role) {
        if (role === "leader") return leader
        if (role === "follower") return follower
        if (role === "candidate") return candidate
        if (role === "resigned") return outOfSync
        if (role === "down") return down
        return idle  // unattached, voted, starting
    }

    // Consumer group members, each its own colour (in join order), on the Groups view and on the
    // partitions they own in the topics. Hues apart from the roles' gold, blue and green, and
    // readable on both themes.
    readonly property var memberColours: dark
        ? ["#2ec4c4", "#ff6fae", "#c9a25a", "#a3cf3a", "#9c8cff", "#ff8f4d", "#4fd08f", "#e07ad8"]
        : ["#138a8a", "#c2336f", "#8a6424", "#5f8a12", "#5b4fd1", "#b8520f", "#1f7a50", "#a0339a"]
    function memberColour(i) { return i < 0 ? idle : memberColours[i % memberColours.length] }
    // A group's state (Kafka's names) and the plain word for it.
    function groupStateColour(state) {
        if (state === "Stable") return inSync
        if (state === "PreparingRebalance" || state === "CompletingRebalance") return outOfSync
        if (state === "Dead") return down
        return idle
    }
    function groupStateWord(state) {
        if (state === "PreparingRebalance") return "rebalancing"
        if (state === "CompletingRebalance") return "assigning"
        if (state === "Stable") return "stable"
        if (state === "Empty") return "empty"
        return state.toLowerCase()
    }
    // A line of a group's timeline by what happened.
    function groupEventColour(kind) {
        if (kind === "join" || kind === "stable") return inSync
        if (kind === "leave") return textDim
        if (kind === "expire") return down
        if (kind === "coordinator") return leader
        return text
    }
}
