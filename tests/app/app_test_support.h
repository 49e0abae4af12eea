// What the app's offscreen tests share: the QML engine as the app makes it (Material style, the
// Kraftlab module from qrc:/, every QML warning collected so that a test can fail on it), items
// of a QML type under an item, and a screenshot of the window into the build tree's
// screenshots/ (KRAFTLAB_SCREENSHOT_DIR, defined per test target). GUI thread only.
#pragma once

#include <QDir>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStringList>
#include <memory>

namespace app_test {

// An engine for Main.qml (or a component of the module); its warnings are appended to
// `warnings` for as long as `context` lives.
inline std::unique_ptr<QQmlApplicationEngine> make_engine(QObject* context, QStringList* warnings) {
    QQuickStyle::setStyle("Material");
    auto engine = std::make_unique<QQmlApplicationEngine>();
    QObject::connect(engine.get(), &QQmlApplicationEngine::warnings, context,
                     [warnings](const QList<QQmlError>& list) {
                         for (const auto& w : list)
                             *warnings << w.toString();
                     });
    engine->addImportPath("qrc:/");  // where the Kraftlab module lives (Qt 6.4 does not look there)
    return engine;
}

// Every item under `root` whose class name starts with `type` (a QML type: "ReplicaLane").
inline QList<QQuickItem*> items_of_type(QQuickItem* root, const char* type) {
    QList<QQuickItem*> out;
    for (auto* child : root->childItems()) {
        if (QString(child->metaObject()->className()).startsWith(type)) out << child;
        out << items_of_type(child, type);
    }
    return out;
}

// The window as drawn now, saved as screenshots/<name>; the path, or empty if it failed.
// Quick compression: a test saves many, some at 4K, on two shared cores.
inline QString save_screenshot(QQuickWindow* window, const QString& name) {
    QDir().mkpath(KRAFTLAB_SCREENSHOT_DIR);
    const QString path = QString(KRAFTLAB_SCREENSHOT_DIR) + "/" + name;
    const QImage image = window->grabWindow();
    if (image.isNull() || !image.save(path, "PNG", 90)) return {};
    return path;
}

}  // namespace app_test
