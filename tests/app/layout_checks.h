// Automatic checks of what a screenshot shows, for the UI tests: every visible text fits its item
// (or is elided on purpose, with the whole text in a tooltip), no text is smaller than the mode
// allows, no two panels overlap, and nothing that should be in view lies outside the window.
// They walk the live item tree of a QQuickWindow, so they see what the scene graph draws. GUI
// thread only; header-only so that every UI test can use them.
#pragma once

#include <QFont>
#include <QMetaProperty>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRectF>
#include <QStringList>
#include <functional>

namespace layout_checks {

inline bool is_type(const QQuickItem* item, const char* prefix) {
    for (const QMetaObject* m = item->metaObject(); m; m = m->superClass()) {
        if (QString(m->className()).startsWith(prefix)) return true;
    }
    return false;
}

// The part of an item the window shows: its scene rect cut by every clipping ancestor and by
// the window. Empty when it is scrolled or clipped out of view.
inline QRectF shown_rect(const QQuickItem* item, const QQuickWindow* window) {
    QRectF r = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    for (const QQuickItem* p = item->parentItem(); p; p = p->parentItem()) {
        if (p->clip()) r &= p->mapRectToScene(QRectF(0, 0, p->width(), p->height()));
    }
    return r & QRectF(0, 0, window->width(), window->height());
}

// Visible as a person would say: visible, not transparent, and some part of it in view.
inline bool seen(const QQuickItem* item, const QQuickWindow* window) {
    if (!item->isVisible()) return false;
    for (const QQuickItem* p = item; p; p = p->parentItem()) {
        if (p->opacity() < 0.05) return false;
    }
    const QRectF r = shown_rect(item, window);
    return r.width() >= 1 && r.height() >= 1;
}

inline void walk(QQuickItem* root, const std::function<void(QQuickItem*)>& fn) {
    fn(root);
    for (auto* child : root->childItems())
        walk(child, fn);
}

inline QString describe(const QQuickItem* item) {
    const QRectF r = item->mapRectToScene(QRectF(0, 0, item->width(), item->height()));
    QString name = item->objectName().isEmpty() ? QString(item->metaObject()->className())
                                                : item->objectName();
    return QString("%1 at %2,%3 %4x%5")
        .arg(name)
        .arg(r.x(), 0, 'f', 0)
        .arg(r.y(), 0, 'f', 0)
        .arg(r.width(), 0, 'f', 0)
        .arg(r.height(), 0, 'f', 0);
}

// Whether a tooltip near the text (a Tip child of it or of its parent, or its own attached
// ToolTip) carries its whole text: then eliding it is on purpose.
inline bool whole_text_in_a_tip(const QQuickItem* text_item, const QString& text) {
    auto tip_has = [&](const QQuickItem* holder) {
        if (!holder) return false;
        for (auto* child : holder->childItems()) {
            if (is_type(child, "Tip") && child->property("text").toString().contains(text))
                return true;
        }
        return false;
    };
    return tip_has(text_item) || tip_has(text_item->parentItem());
}

struct Options {
    int min_font_px = 0;         // no visible text below this
    QQuickItem* root = nullptr;  // check only this item and its children (default: the window)
};

// What is wrong with the window as drawn now, one line each; empty when nothing is.
inline QStringList problems(QQuickWindow* window, const Options& options) {
    QStringList out;
    QList<QQuickItem*> panels;
    walk(options.root ? options.root : window->contentItem(), [&](QQuickItem* item) {
        if (!seen(item, window)) return;
        if (is_type(item, "Panel_QMLTYPE")) panels << item;
        if (!is_type(item, "QQuickText")) return;
        const QString text = item->property("text").toString();
        if (text.trimmed().isEmpty()) return;
        const QString shown = text.left(40);
        const QFont font = item->property("font").value<QFont>();
        if (options.min_font_px > 0 && font.pixelSize() > 0 &&
            font.pixelSize() < options.min_font_px) {
            out << QString("text \"%1\" is %2 px (< %3): %4")
                       .arg(shown)
                       .arg(font.pixelSize())
                       .arg(options.min_font_px)
                       .arg(describe(item));
        }
        const bool truncated = item->property("truncated").toBool();
        if (truncated && !whole_text_in_a_tip(item, text)) {
            out << QString("text \"%1\" is cut short with no tooltip: %2")
                       .arg(shown, describe(item));
        }
        // Text wider than its item runs past its edge (or is cut by a clipping parent).
        const double content = item->property("contentWidth").toDouble();
        if (!truncated && content > item->width() + 1.5) {
            out << QString("text \"%1\" is %2 px wide in a %3 px item: %4")
                       .arg(shown)
                       .arg(content, 0, 'f', 0)
                       .arg(item->width(), 0, 'f', 0)
                       .arg(describe(item));
        }
        // Half a line, cut by a clipping parent (a list scrolled part way is fine).
        bool in_list = false;
        for (const QQuickItem* p = item->parentItem(); p && !in_list; p = p->parentItem())
            in_list = is_type(p, "QQuickFlickable");
        const QRectF shown_r = shown_rect(item, window);
        if (!in_list && shown_r.height() + 1.5 < item->height()) {
            out << QString("text \"%1\" is cut off (%2 of %3 px high in view): %4")
                       .arg(shown)
                       .arg(shown_r.height(), 0, 'f', 0)
                       .arg(item->height(), 0, 'f', 0)
                       .arg(describe(item));
        }
    });
    for (int i = 0; i < panels.size(); ++i) {
        const QRectF a = panels[i]->mapRectToScene(
            QRectF(0, 0, panels[i]->width(), panels[i]->height()));
        if (!QRectF(0, 0, window->width(), window->height()).contains(a.adjusted(1, 1, -1, -1)))
            out << "panel is not wholly in the window: " + describe(panels[i]);
        for (int j = i + 1; j < panels.size(); ++j) {
            const QRectF b = panels[j]->mapRectToScene(
                QRectF(0, 0, panels[j]->width(), panels[j]->height()));
            const QRectF both = a & b;
            if (both.width() > 1 && both.height() > 1)
                out << "panels overlap: " + describe(panels[i]) + " and " + describe(panels[j]);
        }
    }
    return out;
}

// Items of a QML type (by the start of its class name) that a person can see now.
inline QList<QQuickItem*> seen_items(QQuickWindow* window, const char* type) {
    QList<QQuickItem*> out;
    walk(window->contentItem(), [&](QQuickItem* item) {
        if (is_type(item, type) && seen(item, window)) out << item;
    });
    return out;
}

}  // namespace layout_checks
