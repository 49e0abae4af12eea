#include "app_settings.h"

#include <QQmlEngine>

namespace {
AppSettings* g_instance = nullptr;
}

AppSettings* AppSettings::instance() {
    return g_instance;
}
void AppSettings::setInstance(AppSettings* settings) {
    g_instance = settings;
}

AppSettings* AppSettings::create(QQmlEngine*, QJSEngine*) {
    Q_ASSERT(g_instance);
    QQmlEngine::setObjectOwnership(g_instance, QQmlEngine::CppOwnership);
    return g_instance;
}

AppSettings::AppSettings(QObject* parent) : QObject(parent), settings_("Kraftlab", "Kraftlab") {}

AppSettings::AppSettings(const QString& file, QObject* parent)
    : QObject(parent), settings_(file, QSettings::IniFormat) {}

bool AppSettings::darkTheme() const {
    return settings_.value("ui/darkTheme", false).toBool();
}
void AppSettings::setDarkTheme(bool on) {
    if (on == darkTheme()) return;
    settings_.setValue("ui/darkTheme", on);
    emit darkThemeChanged();
}

bool AppSettings::presenterMode() const {
    return settings_.value("ui/presenterMode", false).toBool();
}
void AppSettings::setPresenterMode(bool on) {
    if (on == presenterMode()) return;
    settings_.setValue("ui/presenterMode", on);
    emit presenterModeChanged();
}

QRect AppSettings::windowGeometry() const {
    return settings_.value("window/geometry", QRect()).toRect();
}
void AppSettings::setWindowGeometry(const QRect& r) {
    if (r == windowGeometry()) return;
    settings_.setValue("window/geometry", r);
    emit windowGeometryChanged();
}

int AppSettings::brokers() const {
    return settings_.value("lab/brokers", 3).toInt();
}
void AppSettings::setBrokers(int n) {
    if (n == brokers()) return;
    settings_.setValue("lab/brokers", n);
    emit brokersChanged();
}

QString AppSettings::selectedProducerTab() const {
    return settings_.value("ui/workloadTab", "producers").toString();
}
void AppSettings::setSelectedProducerTab(const QString& tab) {
    if (tab == selectedProducerTab()) return;
    settings_.setValue("ui/workloadTab", tab);
    emit selectedProducerTabChanged();
}
