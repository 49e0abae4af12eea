pragma Singleton
import QtQuick

// What the window shows, shared by every view: which panel fills the window (maximised, "" for
// none), whether the window is too narrow for three columns (compact) or too short for the full
// cards (short), and requests that a shortcut makes of a view. Set by Main.qml; GUI thread.
QtObject {
    // "", "cluster", "topics", "replication", "charts", "network", "events", "elections", "clients", "groups"
    property string maximized: ""
    property bool compact: false
    property bool shortWindow: false
    // What the scenario's step points at, highlighted where it is drawn: a panel key (or
    // "quorum"), a node ("broker-2", "controller-101") or a partition ("ledger-0"); "" nothing.
    property string lookAt: ""

    // The panels a key fills the window with, in the order of the keys 1 to 9.
    readonly property var panels: [
        { key: "cluster", name: "Cluster (quorum and brokers)" },
        { key: "topics", name: "Topics & partitions" },
        { key: "replication", name: "Replication" },
        { key: "charts", name: "Charts" },
        { key: "network", name: "Network (links and RPCs)" },
        { key: "events", name: "Events" },
        { key: "elections", name: "Elections" },
        { key: "clients", name: "Clients" },
        { key: "groups", name: "Consumer groups" }
    ]
    function shortcutOf(key) {
        for (let i = 0; i < panels.length; ++i) {
            if (panels[i].key === key) return String(i + 1)
        }
        return ""
    }
    function toggleMaximized(key) {
        maximized = maximized === key ? "" : key
    }

    signal newTopicRequested()
}
