import QtQuick
import QtQuick.Controls
import Kraftlab

// The lab network as a ring: controllers, brokers and the clients on a circle, a line for every
// pair, drawn by the state of the link (healthy: thin and grey; cut: red, dashed, ✗ in the
// middle; lossy: orange; delayed: blue; flaky, with duplicates or reordering: violet;
// Theme.linkColour). One Canvas draws it all, repainted only when the network changes. Click a
// link to set its faults; click a node to isolate it or heal its links; drag a line across the
// ring to partition the nodes into the two sides of it.
Item {
    id: ring
    objectName: "networkRing"
    signal linkClicked(string a, string b)
    signal nodeClicked(string name)

    readonly property var nodes: Lab.network.nodes
    readonly property var links: Lab.network.links
    readonly property real nodeRadius: Math.max(Theme.fontNormal * 1.25, Math.min(width, height) * 0.07)
    readonly property real radius: Math.max(10, Math.min(width, height) / 2 - nodeRadius - 2)
    // While a line is dragged: its two ends, and the sides it splits the nodes into.
    property point dragFrom
    property point dragTo
    property bool dragging: false
    property var sides: [[], []]

    function position(i) {
        const n = Math.max(1, nodes.length)
        const a = -Math.PI / 2 + 2 * Math.PI * i / n
        return Qt.point(width / 2 + radius * Math.cos(a), height / 2 + radius * Math.sin(a))
    }
    function nodeAt(x, y) {
        for (let i = 0; i < nodes.length; ++i) {
            const p = position(i)
            if (Math.hypot(p.x - x, p.y - y) <= nodeRadius) return i
        }
        return -1
    }
    function linkAt(x, y) {
        let best = -1, bestD = Theme.spacing * 1.2
        for (let i = 0; i < links.length; ++i) {
            const a = position(links[i].a), b = position(links[i].b)
            const dx = b.x - a.x, dy = b.y - a.y
            const len2 = dx * dx + dy * dy
            const t = Math.max(0.15, Math.min(0.85, ((x - a.x) * dx + (y - a.y) * dy) / len2))
            const d = Math.hypot(x - (a.x + t * dx), y - (a.y + t * dy))
            if (d < bestD) { bestD = d; best = i }
        }
        return best
    }
    // Which side of the dragged line each node is on (the sign of the cross product).
    function split() {
        const left = [], right = []
        const dx = dragTo.x - dragFrom.x, dy = dragTo.y - dragFrom.y
        for (let i = 0; i < nodes.length; ++i) {
            const p = position(i)
            const side = dx * (p.y - dragFrom.y) - dy * (p.x - dragFrom.x)
            ;(side < 0 ? left : right).push(nodes[i].name)
        }
        return [left, right]
    }

    onNodesChanged: canvas.requestPaint()
    onLinksChanged: canvas.requestPaint()
    onWidthChanged: canvas.requestPaint()
    onHeightChanged: canvas.requestPaint()
    Connections {
        target: Theme
        function onDarkChanged() { canvas.requestPaint() }
        function onPresenterChanged() { canvas.requestPaint() }
    }

    Canvas {
        id: canvas
        anchors.fill: parent
        onPaint: {
            const ctx = getContext("2d")
            ctx.reset()
            const healthy = Theme.linkColour("healthy")
            // Healthy links first, the faulty ones over them.
            for (const pass of [0, 1]) {
                for (const l of ring.links) {
                    const bad = l.state !== "healthy"
                    if ((pass === 1) !== bad) continue
                    const a = ring.position(l.a), b = ring.position(l.b)
                    ctx.strokeStyle = Theme.linkColour(l.state)
                    ctx.lineWidth = bad ? Math.max(3, Theme.scale * 3) : 1
                    ctx.globalAlpha = bad ? 1 : 0.45
                    ctx.setLineDash(l.state === "cut" ? [6, 4] : [])
                    ctx.beginPath()
                    ctx.moveTo(a.x, a.y)
                    ctx.lineTo(b.x, b.y)
                    ctx.stroke()
                    ctx.setLineDash([])
                    ctx.globalAlpha = 1
                    if (l.state === "cut") {
                        // ✗ in the middle, or, cut one way, near the end it no longer reaches.
                        const t = !l.oneWay ? 0.5 : (l.forward.indexOf("cut") === 0 ? 0.75 : 0.25)
                        const m = Qt.point(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
                        const s = Theme.fontSmall * 0.45
                        ctx.lineWidth = Math.max(2.5, Theme.scale * 2.5)
                        ctx.beginPath()
                        ctx.moveTo(m.x - s, m.y - s); ctx.lineTo(m.x + s, m.y + s)
                        ctx.moveTo(m.x - s, m.y + s); ctx.lineTo(m.x + s, m.y - s)
                        ctx.stroke()
                    }
                }
            }
            // The nodes: controllers violet, brokers blue, the clients gold; a node that is
            // down is hollow. While a line is dragged, the side each node falls on is its ring.
            for (let i = 0; i < ring.nodes.length; ++i) {
                const n = ring.nodes[i], p = ring.position(i)
                ctx.beginPath()
                ctx.arc(p.x, p.y, ring.nodeRadius, 0, 2 * Math.PI)
                ctx.fillStyle = !n.up ? Theme.surfaceAlt
                        : n.kind === "controller" ? Theme.candidate
                        : n.kind === "broker" ? Theme.follower : Theme.leader
                ctx.fill()
                const side = !ring.dragging ? -1 : (ring.sides[0].indexOf(n.name) >= 0 ? 0 : 1)
                ctx.lineWidth = side >= 0 ? 4 : 1
                ctx.strokeStyle = side === 0 ? Theme.down : side === 1 ? Theme.inSync : Theme.border
                ctx.stroke()
                const size = n.kind === "clients" ? Theme.fontSmall : Theme.fontNormal
                ctx.font = "bold " + size + "px sans-serif"
                ctx.textAlign = "center"
                ctx.textBaseline = "middle"
                ctx.fillStyle = n.kind === "clients" ? Theme.leaderInk : (n.up ? "white" : Theme.textDim)
                ctx.fillText(n.label, p.x, p.y)
            }
            if (ring.dragging) {
                ctx.strokeStyle = Theme.text
                ctx.lineWidth = 2
                ctx.setLineDash([8, 5])
                ctx.beginPath()
                ctx.moveTo(ring.dragFrom.x, ring.dragFrom.y)
                ctx.lineTo(ring.dragTo.x, ring.dragTo.y)
                ctx.stroke()
                ctx.setLineDash([])
            }
        }
    }

    MouseArea {
        anchors.fill: parent
        hoverEnabled: true
        property point pressedAt
        onPressed: (mouse) => { pressedAt = Qt.point(mouse.x, mouse.y) }
        onPositionChanged: (mouse) => {
            if (!pressed) {
                cursorShape = ring.nodeAt(mouse.x, mouse.y) >= 0 || ring.linkAt(mouse.x, mouse.y) >= 0
                        ? Qt.PointingHandCursor : Qt.CrossCursor
                return
            }
            if (!ring.dragging && Math.hypot(mouse.x - pressedAt.x, mouse.y - pressedAt.y) > Theme.spacing * 2
                    && ring.nodeAt(pressedAt.x, pressedAt.y) < 0) {
                ring.dragFrom = pressedAt
                ring.dragging = true
            }
            if (ring.dragging) {
                ring.dragTo = Qt.point(mouse.x, mouse.y)
                ring.sides = ring.split()
                canvas.requestPaint()
            }
        }
        onReleased: (mouse) => {
            if (ring.dragging) {
                ring.dragging = false
                const s = ring.split()
                canvas.requestPaint()
                if (s[0].length > 0 && s[1].length > 0) Lab.partitionNetwork(s)
                return
            }
            const n = ring.nodeAt(mouse.x, mouse.y)
            if (n >= 0) { ring.nodeClicked(ring.nodes[n].name); return }
            const l = ring.linkAt(mouse.x, mouse.y)
            if (l >= 0) ring.linkClicked(ring.nodes[ring.links[l].a].name, ring.nodes[ring.links[l].b].name)
        }
    }
}
