#include "app_settings.h"

#include <QQmlEngine>

#include "broker/broker_config.h"
#include "controller/controller_node.h"
#include "lab/field_rules.h"

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

int AppSettings::controllers() const {
    return settings_.value("lab/controllers", 3).toInt();
}
void AppSettings::setControllers(int n) {
    if (n == controllers()) return;
    settings_.setValue("lab/controllers", n);
    emit controllersChanged();
}

int AppSettings::offsetsPartitions() const {
    const int lab_default = kraftlab::broker::BrokerConfig{}.offsets_topic_partitions;
    const int n = settings_.value("lab/offsetsPartitions", lab_default).toInt();
    return kraftlab::lab::check_field_value(kraftlab::lab::Field::OffsetsPartitions, n).ok
               ? n
               : lab_default;
}
void AppSettings::setOffsetsPartitions(int n) {
    if (n == offsetsPartitions()) return;
    settings_.setValue("lab/offsetsPartitions", n);
    emit offsetsPartitionsChanged();
}

// Unset, each is the lab's default (engine configs), not Kafka's.
int AppSettings::electionTimeoutMs() const {
    return settings_
        .value("lab/electionTimeoutMs",
               kraftlab::controller::ControllerConfig{}.election_timeout_ms)
        .toInt();
}
int AppSettings::fetchTimeoutMs() const {
    return settings_
        .value("lab/fetchTimeoutMs", kraftlab::controller::ControllerConfig{}.fetch_timeout_ms)
        .toInt();
}
int AppSettings::heartbeatIntervalMs() const {
    return settings_
        .value("lab/heartbeatIntervalMs", kraftlab::broker::BrokerConfig{}.heartbeat_interval_ms)
        .toInt();
}
int AppSettings::sessionTimeoutMs() const {
    return settings_
        .value("lab/sessionTimeoutMs", kraftlab::broker::BrokerConfig{}.session_timeout_ms)
        .toInt();
}
void AppSettings::setTimeouts(int election_ms, int fetch_ms, int heartbeat_ms, int session_ms) {
    if (election_ms == electionTimeoutMs() && fetch_ms == fetchTimeoutMs() &&
        heartbeat_ms == heartbeatIntervalMs() && session_ms == sessionTimeoutMs()) {
        return;
    }
    settings_.setValue("lab/electionTimeoutMs", election_ms);
    settings_.setValue("lab/fetchTimeoutMs", fetch_ms);
    settings_.setValue("lab/heartbeatIntervalMs", heartbeat_ms);
    settings_.setValue("lab/sessionTimeoutMs", session_ms);
    emit timeoutsChanged();
}

QString AppSettings::selectedProducerTab() const {
    return settings_.value("ui/workloadTab", "producers").toString();
}
void AppSettings::setSelectedProducerTab(const QString& tab) {
    if (tab == selectedProducerTab()) return;
    settings_.setValue("ui/workloadTab", tab);
    emit selectedProducerTabChanged();
}
