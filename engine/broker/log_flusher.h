// LogFlusher: durability of a broker's logs. It fsyncs every log each flush_interval_ms
// (log.flush.interval.ms), notices logs that went offline while serving (Kafka's log dir
// failure), and models the power loss of Broker::kill(CrashMode::PowerLoss).
//
// Appends reach the OS page cache only; what is acknowledged with acks=1 is durable once the next
// flush has fsynced it. A process crash keeps the page cache, a power loss does not: the records
// written since the last flush disappear, acknowledged or not. That window is what the lab shows.
//
// A log that went offline while serving (damage found on read, a failed write or flush) is
// Kafka's log dir failure: said once, and the broker asks the controller to fence it so that its
// leaderships move at once (BrokerLifecycle's heartbeats carry log_dir_failed()). It stays fenced
// until restarted (Kafka halts a broker whose only log dir fails; the lab keeps it running,
// fenced, so it can be looked at).
//
// Threads: the flush loop prepares and finishes flushes on the node thread; the fsyncs run on the
// flusher thread (one, started by start()), on duplicated descriptors, so that a slow disk does
// not hold up requests. join() and lose_unflushed_writes() run on the thread that stops the
// broker, after the node thread has ended, so nothing else touches the logs; a flush still
// unfinished then counts for nothing (the power went before it completed).
// Lifecycle: made and started by Broker::start(); stop() on the node thread when the broker
// stops, then join() (before the logs are closed or cut); destroyed by Broker::stop().
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "broker/broker_context.h"
#include "net/asio.h"
#include "net/lab_timer.h"

namespace kraftlab::broker {

class LogFlusher {
  public:
    explicit LogFlusher(BrokerContext context) : ctx_(context) {}
    LogFlusher(const LogFlusher&) = delete;
    LogFlusher& operator=(const LogFlusher&) = delete;

    // Starts the flusher thread and the flush loop.
    void start();
    // The broker stops: the flush loop ends (node thread).
    void stop() { wake(); }
    // log.flush.interval.ms changed (config.flush_interval_ms, node thread): the next flush is
    // due this long after the previous one.
    void interval_changed() { wake(); }
    // Waits for the flusher thread: a round's fsyncs in flight end first; its finish never runs.
    // After the node thread has ended.
    void join();

    // Says once each log that went offline since the last call; see the class comment.
    void check_failed_logs();
    // Non-empty once a log went offline (why the first one did): heartbeats ask to be fenced.
    const std::string& log_dir_failure() const { return log_dir_failure_; }

    // Models the power loss of kill(PowerLoss): every log loses what was written after its last
    // flush, and a RecordsLost event says what went, per partition. After join().
    void lose_unflushed_writes();

  private:
    struct Round;
    void wake() {
        if (timer_) timer_->cancel();
    }
    // fsyncs every log each flush_interval_ms until the broker stops.
    net::awaitable<void> flush_loop();
    // One round: prepares every dirty log's FlushJob, runs them on the flusher thread, finishes
    // them back on the node thread. At most one round in flight.
    void start_round();
    void finish_round(Round& round);
    void report_flush_failure(HostedPartition& p, const std::string& why);

    BrokerContext ctx_;
    // The flush loop's timer (it lives in the coroutine's frame); cancelled to stop or re-arm.
    net::LabTimer* timer_ = nullptr;
    // The flusher thread (fsyncs only); joined before the logs are closed or cut.
    std::unique_ptr<net::asio::thread_pool> pool_;
    bool in_flight_ = false;
    std::string log_dir_failure_;  // why a log went offline; non-empty: heartbeats want fencing
};

}  // namespace kraftlab::broker
