// Durability of the broker's logs: the flush loop (log.flush.interval.ms) and the power loss
// that kill(CrashMode::PowerLoss) models.
//
// Appends reach the OS page cache only; what is acknowledged with acks=1 is durable once the next
// flush has fsynced it. A process crash keeps the page cache, a power loss does not: the records
// written since the last flush disappear, acknowledged or not. That window is what the lab shows.
//
// Threads: the flush loop prepares and finishes flushes on the node thread; the fsyncs run on the
// broker's flusher thread (flush_pool_), on duplicated descriptors, so that a slow disk does not
// hold up requests. lose_unflushed_writes() runs on the thread that stops the broker, after the
// node thread has ended and the flusher has been joined, so nothing else touches the logs; a
// flush still unfinished then counts for nothing (the power went before it completed).
#include <chrono>

#include "broker/broker.h"
#include "net/lab_timer.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;

// The FlushJobs of one round, with the partition each belongs to (finish_flush_round() looks
// the log up again: it may have been deleted or reopened while the fsyncs ran).
struct FlushRound {
    struct Item {
        std::string topic;
        std::int32_t partition = 0;
        storage::PartitionLog::FlushJob job;
    };
    std::vector<Item> items;
};

net::awaitable<void> Broker::flush_loop() {
    net::LabTimer timer(*io_);
    flush_timer_ = &timer;
    auto last_flush = core::LabTime::now();
    while (!stopping_) {
        // Recomputed on every wake: set_flush_interval_ms() cancels the timer, so a shorter
        // interval takes effect at once and a longer one postpones the next flush.
        const auto due = last_flush + std::chrono::milliseconds(config_.flush_interval_ms);
        if (core::LabTime::now() >= due) {
            start_flush_round();
            last_flush = core::LabTime::now();
            continue;
        }
        timer.expires_at(due);
        net::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    flush_timer_ = nullptr;
}

void Broker::start_flush_round() {
    // The previous round's fsyncs are still running (a slow disk): this tick is skipped rather
    // than queued, as Kafka's flusher would find nothing new to sync either.
    if (flush_in_flight_ || !flush_pool_) return;
    auto round = std::make_shared<FlushRound>();
    logs_->for_each([&](HostedPartition& p) {
        if (!p.log || p.log->offline() || p.log->flushed_offset() >= p.log->log_end_offset())
            return;
        FlushRound::Item item{p.topic, p.partition, {}};
        if (auto st = p.log->prepare_flush(item.job); !st.ok()) {
            report_flush_failure(p, st.message);
            return;
        }
        if (!item.job.empty()) round->items.push_back(std::move(item));
    });
    if (round->items.empty()) return;
    flush_in_flight_ = true;
    // stop() joins the pool before io_ goes, so the post back always finds the io_context (it
    // may have stopped running: then the round is never finished, as if the power went first).
    asio::post(*flush_pool_, [this, round, io = io_.get()] {
        for (auto& item : round->items)
            item.job.run();
        asio::post(*io, [this, round] { finish_flush_round(*round); });
    });
}

void Broker::finish_flush_round(FlushRound& round) {
    flush_in_flight_ = false;
    if (stopping_) return;
    for (auto& item : round.items) {
        HostedPartition* p = logs_->find(item.topic, item.partition);
        if (!p || !p->log) continue;
        if (auto st = p->log->finish_flush(item.job); !st.ok())
            report_flush_failure(*p, st.message);
    }
}

void Broker::report_flush_failure(HostedPartition& p, const std::string& why) {
    // The log is offline now (storage/partition_log.h); said once, as it is not retried.
    p.failure_reported = true;
    if (log_dir_failure_.empty()) log_dir_failure_ = why;
    events_.publish(
        EventKind::NodeFailed, NodeRef::broker(config_.node_id),
        "broker " + std::to_string(config_.node_id) + " could not flush " + p.topic + "-" +
            std::to_string(p.partition) + ": " + why +
            "; the log is offline, and the broker asks to be fenced so its leaderships move",
        {{"error", std::string(protocol::error_name(protocol::ErrorCode::KAFKA_STORAGE_ERROR))}},
        p.topic, p.partition);
}

void Broker::check_failed_logs() {
    logs_->for_each([&](HostedPartition& p) {
        if (!p.log || !p.log->offline() || p.failure_reported) return;
        p.failure_reported = true;
        const std::string& why = p.log->offline_reason();
        if (log_dir_failure_.empty()) log_dir_failure_ = why;
        events_.publish(
            EventKind::NodeFailed, NodeRef::broker(config_.node_id),
            "broker " + std::to_string(config_.node_id) + " took its log of " + p.topic + "-" +
                std::to_string(p.partition) + " offline: " + why +
                ". As Kafka does when a log directory fails, the broker asks to be fenced so its "
                "leaderships move to in-sync replicas; restart it to serve again",
            {{"error", std::string(protocol::error_name(protocol::ErrorCode::KAFKA_STORAGE_ERROR))},
             {"reason", why}},
            p.topic, p.partition);
    });
}

void Broker::set_flush_interval_ms(std::int64_t flush_interval_ms) {
    if (!mailbox_) return;
    mailbox_->post([this, flush_interval_ms] {
        config_.flush_interval_ms = flush_interval_ms;
        if (flush_timer_) flush_timer_->cancel();
        publish_snapshot();  // the UI shows the new interval at once
    });
}

void Broker::lose_unflushed_writes() {
    const std::string broker = "broker " + std::to_string(config_.node_id);
    logs_->for_each([&](HostedPartition& p) {
        if (!p.log || p.log->offline()) return;
        const std::int64_t end_before = p.log->log_end_offset();
        const std::int64_t flushed = p.log->flushed_offset();
        const std::string label = p.topic + "-" + std::to_string(p.partition);
        auto status = p.log->discard_unflushed();
        if (!status.ok()) {
            events_.publish(EventKind::NodeFailed, NodeRef::broker(config_.node_id),
                            "power loss: " + broker + " could not cut " + label +
                                " back to its flushed size: " + status.message,
                            {}, p.topic, p.partition);
            return;
        }
        const std::int64_t end_after = p.log->log_end_offset();
        if (end_after >= end_before) return;
        const std::int64_t lost = end_before - end_after;
        events_.publish(EventKind::RecordsLost, NodeRef::broker(config_.node_id),
                        "power loss: " + broker + " lost offsets " + std::to_string(end_after) +
                            "-" + std::to_string(end_before - 1) + " of " + label +
                            ", written but not yet flushed (log.flush.interval.ms " +
                            std::to_string(config_.flush_interval_ms) + ")",
                        {{"cause", "power_loss"},
                         {"broker", config_.node_id},
                         {"from_offset", end_after},
                         {"to_offset", end_before - 1},
                         {"records", lost},
                         {"flushed_offset", flushed},
                         {"flush_interval_ms", config_.flush_interval_ms}},
                        p.topic, p.partition);
    });
}

}  // namespace kraftlab::broker
