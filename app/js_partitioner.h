// Custom partitioners written in JavaScript: `function partition(key, value, numPartitions)`,
// typed by the user in the producer editor.
//
// JsPartitioner runs the function for a built-in producer. It is created and called on the
// producer's own thread (a QJSEngine belongs to the thread that made it). Every call is guarded:
// a script that runs longer than the time limit is interrupted from a watchdog thread, and from
// then on the partitioner refuses every record with the reason, until the user fixes the code
// (a new partitioner replaces it). Keys and values reach the script as strings (UTF-8; null key
// as null); the result must be a whole number in [0, numPartitions).
//
// check_partitioner() is for the editor: compile and try the code on sample keys as it is typed,
// on the GUI thread, with the same guards.
#pragma once

#include <QJSEngine>
#include <QString>
#include <QVector>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "lab/workload.h"

namespace kraftlab::app {

inline constexpr int kPartitionerTimeLimitMs = 100;

class JsPartitioner final : public lab::Partitioner {
  public:
    // Compiles the source; check ok() / error() afterwards.
    explicit JsPartitioner(const QString& source, int time_limit_ms = kPartitionerTimeLimitMs);
    ~JsPartitioner() override;

    bool ok() const { return error_.isEmpty(); }
    const QString& error() const { return error_; }

    Choice choose(std::optional<protocol::ByteView> key, protocol::ByteView value,
                  std::int32_t num_partitions) override;

    // The factory a ProducerConfig carries: builds a JsPartitioner on the producer's thread.
    static lab::PartitionerFactory factory(const QString& source);

  private:
    void watchdog_loop();

    std::unique_ptr<QJSEngine> engine_;
    QJSValue function_;
    QString error_;  // compile error, or why the partitioner was stopped
    int time_limit_ms_;

    // Watchdog: interrupts the engine when a call outlives its deadline.
    std::mutex mutex_;
    std::condition_variable wake_;
    bool calling_ = false;
    bool quit_ = false;
    bool watchdog_idle_ = false;
    std::chrono::steady_clock::time_point deadline_;
    std::atomic<bool> interrupted_{false};
    std::thread watchdog_;
};

struct PartitionerCheck {
    bool ok = false;
    QString message;       // the error, or a one-line summary of the preview
    int line = -1;         // 1-based line of a syntax error, -1 if unknown
    QVector<int> preview;  // the partition for key-0 .. key-(n-1), when ok
};

// Compiles the source and runs it on sample keys "key-0".."key-9" with numPartitions.
PartitionerCheck check_partitioner(const QString& source, int num_partitions, int samples = 10);

// The text the editor starts with.
QString default_partitioner_source();

}  // namespace kraftlab::app
