// AppSettings: what the app remembers between runs (QSettings): theme, presenter mode, window
// geometry, the lab layout. Exposed to QML as the singleton `Settings`; GUI thread only.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QQmlEngine>
#include <QRect>
#include <QSettings>

class AppSettings : public QObject {
    Q_OBJECT
    QML_NAMED_ELEMENT(Settings)
    QML_SINGLETON

    Q_PROPERTY(bool darkTheme READ darkTheme WRITE setDarkTheme NOTIFY darkThemeChanged)
    Q_PROPERTY(
        bool presenterMode READ presenterMode WRITE setPresenterMode NOTIFY presenterModeChanged)
    Q_PROPERTY(QRect windowGeometry READ windowGeometry WRITE setWindowGeometry NOTIFY
                   windowGeometryChanged)
    Q_PROPERTY(int brokers READ brokers WRITE setBrokers NOTIFY brokersChanged)
    Q_PROPERTY(int controllers READ controllers WRITE setControllers NOTIFY controllersChanged)
    // offsets.topic.num.partitions of the next lab: the partitions of __consumer_offsets.
    Q_PROPERTY(int offsetsPartitions READ offsetsPartitions WRITE setOffsetsPartitions NOTIFY
                   offsetsPartitionsChanged)
    // The lab's timeouts (ms), applied when the lab starts and whenever they change in the UI.
    Q_PROPERTY(int electionTimeoutMs READ electionTimeoutMs NOTIFY timeoutsChanged)
    Q_PROPERTY(int fetchTimeoutMs READ fetchTimeoutMs NOTIFY timeoutsChanged)
    Q_PROPERTY(int heartbeatIntervalMs READ heartbeatIntervalMs NOTIFY timeoutsChanged)
    Q_PROPERTY(int sessionTimeoutMs READ sessionTimeoutMs NOTIFY timeoutsChanged)
    Q_PROPERTY(QString selectedProducerTab READ selectedProducerTab WRITE setSelectedProducerTab
                   NOTIFY selectedProducerTabChanged)

  public:
    // The instance QML gets: the one main.cpp created (QML must not make its own).
    static AppSettings* instance();
    static void setInstance(AppSettings* settings);
    static AppSettings* create(QQmlEngine*, QJSEngine*);

    // No default constructor: QML must use create() (Qt 6.4 prefers a default constructor).
    explicit AppSettings(QObject* parent);
    // Tests use a settings file of their own.
    AppSettings(const QString& file, QObject* parent);

    bool darkTheme() const;
    void setDarkTheme(bool on);
    bool presenterMode() const;
    void setPresenterMode(bool on);
    QRect windowGeometry() const;
    void setWindowGeometry(const QRect& r);
    int brokers() const;
    void setBrokers(int n);
    int controllers() const;
    void setControllers(int n);
    // The stored value if the field's rule accepts it, else the lab's default (a hand-edited
    // settings file does not start a lab Kafka would refuse).
    int offsetsPartitions() const;
    void setOffsetsPartitions(int n);
    int electionTimeoutMs() const;
    int fetchTimeoutMs() const;
    int heartbeatIntervalMs() const;
    int sessionTimeoutMs() const;
    // All four at once (they are checked together: the session must outlast the heartbeat).
    void setTimeouts(int election_ms, int fetch_ms, int heartbeat_ms, int session_ms);
    QString selectedProducerTab() const;
    void setSelectedProducerTab(const QString& tab);

  signals:
    void darkThemeChanged();
    void presenterModeChanged();
    void windowGeometryChanged();
    void brokersChanged();
    void controllersChanged();
    void offsetsPartitionsChanged();
    void timeoutsChanged();
    void selectedProducerTabChanged();

  private:
    QSettings settings_;
};
