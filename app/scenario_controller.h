// ScenarioController: the app's scenario player, exposed to QML as the singleton `Scenario`.
// The library is the scenario files compiled into the app (qrc:/scenarios/, the same files
// kraftlab-cluster --scenario plays); a teacher can also open one from disk. Playing one makes a
// new lab of the scenario's shape (LabController::newLab), sets its topics up, then feeds the
// pure player (lab/scenario_player.h) the events of every frame: when a step is due it shows
// its narration, points at what it talks about and runs its commands on the lab's worker
// thread (cli/scenario_steps.h, the headless runtime's own code). A step with `pause` pauses
// lab time for questions; Play goes on. At the end the audit runs and the verdict shows.
// Leaving makes a lab of the shape the app started with again.
//
// GUI thread only; the commands run on LabController's worker thread, one step at a time.
// Lives as long as the app.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QUrl>
#include <QVariantList>
#include <memory>
#include <optional>

#include "cli/scenario_steps.h"
#include "lab/scenario.h"
#include "lab/scenario_player.h"
#include "lab_controller.h"

class ScenarioController : public QObject {
    Q_OBJECT
    QML_NAMED_ELEMENT(Scenario)
    QML_SINGLETON

    // The library: [{id, title, teaches, kafka, durationS, steps, brokers, controllers}], by
    // title. libraryError: what was wrong with a library file ("" when nothing).
    Q_PROPERTY(QVariantList library READ library CONSTANT)
    Q_PROPERTY(QString libraryError READ libraryError CONSTANT)
    // "" (no scenario), "starting" (its lab is being made), "playing", "judging" (the audit
    // runs), "done" (the verdict is in), "failed" (a step could not run: `error` says why).
    Q_PROPERTY(QString state READ state NOTIFY changed)
    Q_PROPERTY(bool active READ active NOTIFY changed)
    Q_PROPERTY(QString id READ id NOTIFY changed)
    Q_PROPERTY(QString title READ title NOTIFY changed)
    Q_PROPERTY(QString teaches READ teaches NOTIFY changed)
    Q_PROPERTY(QString kafka READ kafka NOTIFY changed)
    Q_PROPERTY(int stepCount READ stepCount NOTIFY changed)
    // The step on screen (1-based; 0 before the first has run) and its narration.
    Q_PROPERTY(int stepNumber READ stepNumber NOTIFY changed)
    Q_PROPERTY(QString stepTitle READ stepTitle NOTIFY changed)
    Q_PROPERTY(QString stepSay READ stepSay NOTIFY changed)
    // What the step talks about, its placeholders filled in ("broker 2", "ledger-0", "quorum"),
    // and how the views find it: lookKind "panel" (lookPanel: a ViewState panel key or
    // "quorum"), "partition" (lookTopic, lookPartition) or "node" (lookNode: "broker-2",
    // "controller-101"); "" when it names nothing the views know.
    Q_PROPERTY(QString lookAt READ lookAt NOTIFY changed)
    Q_PROPERTY(QString lookKind READ lookKind NOTIFY changed)
    Q_PROPERTY(QString lookPanel READ lookPanel NOTIFY changed)
    Q_PROPERTY(QString lookNode READ lookNode NOTIFY changed)
    Q_PROPERTY(QString lookTopic READ lookTopic NOTIFY changed)
    Q_PROPERTY(int lookPartition READ lookPartition NOTIFY changed)
    // The step the scenario waits to run next ("" when none) and what it waits for, in words.
    Q_PROPERTY(QString nextTitle READ nextTitle NOTIFY changed)
    Q_PROPERTY(QString waitingFor READ waitingFor NOTIFY changed)
    // Plain words when the next step has waited past its timeout ("Next step" runs it anyway).
    Q_PROPERTY(QString overdue READ overdue NOTIFY changed)
    // The step paused the lab for questions (Play goes on).
    Q_PROPERTY(bool pausedForQuestions READ pausedForQuestions NOTIFY changed)
    // The verdict: passed, a summary, and [{held, says, detail}] per expectation.
    Q_PROPERTY(bool verdictPassed READ verdictPassed NOTIFY changed)
    Q_PROPERTY(QString verdictSummary READ verdictSummary NOTIFY changed)
    Q_PROPERTY(QVariantList verdictResults READ verdictResults NOTIFY changed)
    Q_PROPERTY(QString error READ error NOTIFY changed)

  public:
    static ScenarioController* instance();
    static void setInstance(ScenarioController* s);
    static ScenarioController* create(QQmlEngine*, QJSEngine*);

    // `library_dir`: where the library's files are (qrc:/scenarios by default; tests may pass a
    // directory of their own).
    explicit ScenarioController(LabController* lab,
                                QString library_dir = QStringLiteral(":/scenarios"),
                                QObject* parent = nullptr);
    ~ScenarioController() override;

    QVariantList library() const { return library_; }
    QString libraryError() const { return library_error_; }
    QString state() const { return state_; }
    bool active() const { return !state_.isEmpty(); }
    QString id() const;
    QString title() const;
    QString teaches() const;
    QString kafka() const;
    int stepCount() const;
    int stepNumber() const { return step_number_; }
    QString stepTitle() const { return step_title_; }
    QString stepSay() const { return step_say_; }
    QString lookAt() const { return look_at_; }
    QString lookKind() const { return look().kind; }
    QString lookPanel() const { return look().panel; }
    QString lookNode() const { return look().node; }
    QString lookTopic() const { return look().topic; }
    int lookPartition() const { return look().partition; }
    QString nextTitle() const;
    QString waitingFor() const;
    QString overdue() const { return overdue_; }
    bool pausedForQuestions() const { return paused_for_questions_; }
    bool verdictPassed() const { return verdict_passed_; }
    QString verdictSummary() const { return verdict_summary_; }
    QVariantList verdictResults() const { return verdict_results_; }
    QString error() const { return error_; }

    // Plays a scenario of the library (by id), or a file from disk; a file that does not load
    // leaves the lab as it is and says why in `error` (file, line, field).
    Q_INVOKABLE void play(const QString& id);
    Q_INVOKABLE void openFile(const QUrl& file);
    // Runs the waiting step now, whatever it waits for.
    Q_INVOKABLE void next();
    // Lab time on again after a pause (for questions or by hand); and paused.
    Q_INVOKABLE void resume();
    Q_INVOKABLE void pause();
    // The same scenario again, in a new lab.
    Q_INVOKABLE void restart();
    // Back to a lab of the shape the app started with.
    Q_INVOKABLE void leave();

    // What a look_at names, for the views (public for the tests).
    struct Look {
        QString kind, panel, node, topic;
        int partition = -1;
    };
    static Look look_of(const QString& text, const kraftlab::lab::Scenario& scenario);

  signals:
    void changed();
    // A scenario file that does not load, in the loader's words (the app keeps running).
    void loadFailed(const QString& message);

  private:
    // A scenario file (qrc: or on disk), parsed; `name` is what its errors call it.
    static std::variant<kraftlab::lab::Scenario, kraftlab::lab::ScenarioError> read(
        const QString& path, const QString& name);
    // Reads and plays it, or says why not (loadFailed) and leaves everything as it was.
    void load(const QString& path, const QString& name);
    void begin(kraftlab::lab::Scenario scenario);
    void on_lab_ready(bool ok, const QString& message);
    void on_frame(const std::vector<kraftlab::core::Event>& events);
    void run_step(std::size_t index);
    void judge();
    void fail(const QString& why);
    // Forgets what the last run showed: its step, what it pointed at, its verdict, its error.
    void clear_shown();
    // What lookAt names (empty when no scenario or nothing).
    Look look() const { return scenario_ ? look_of(look_at_, *scenario_) : Look{}; }
    void show_step(std::size_t index);
    void load_library(const QString& dir);

    QPointer<LabController> lab_;  // null once the lab is gone (a lab that owns this one)
    LabController::Shape home_;    // the lab the app started with, for leave()
    QVariantList library_;
    QString library_error_;
    QString library_dir_;

    std::optional<kraftlab::lab::Scenario> scenario_;
    std::unique_ptr<kraftlab::lab::ScenarioPlayer> player_;
    kraftlab::cli::ScenarioClients clients_;
    QString state_;
    bool busy_ = false;   // a step's commands are running
    int generation_ = 0;  // bumped per start: answers for an older run are dropped
    int step_number_ = 0;
    QString step_title_, step_say_, look_at_;
    QString overdue_;
    bool paused_for_questions_ = false;
    bool verdict_passed_ = false;
    QString verdict_summary_;
    QVariantList verdict_results_;
    QString error_;
};
