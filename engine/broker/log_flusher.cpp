// The flush loop (log.flush.interval.ms), flush failures, offline logs, and the power loss that
// kill(CrashMode::PowerLoss) models (broker/log_flusher.h says who runs what on which thread).
#include "broker/log_flusher.h"

#include <chrono>

#include "core/thread_name.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;

// The FlushJobs of one round, with the partition each belongs to (finish_round() looks the log
// up again: it may have been deleted or reopened while the fsyncs ran).
struct LogFlusher::Round {
    struct Item {
        std::string topic;
        std::int32_t partition = 0;
        storage::PartitionLog::FlushJob job;
    };
    std::vector<Item> items;
};

void LogFlusher::start() {
    pool_ = std::make_unique<asio::thread_pool>(1);
    asio::post(*pool_, [id = ctx_.config.node_id] {
        core::name_this_thread("flush-" + std::to_string(id));
    });
    asio::co_spawn(ctx_.io, flush_loop(), asio::detached);
}

void LogFlusher::join() {
    if (pool_) {
        pool_->join();  // a round's fsyncs in flight end first; its finish never runs
        pool_.reset();
    }
}

net::awaitable<void> LogFlusher::flush_loop() {
    net::LabTimer timer(ctx_.io);
    timer_ = &timer;
    auto last_flush = core::LabTime::now();
    while (!ctx_.stopping) {
        // Recomputed on every wake: interval_changed() cancels the timer, so a shorter interval
        // takes effect at once and a longer one postpones the next flush.
        const auto due = last_flush + std::chrono::milliseconds(ctx_.config.flush_interval_ms);
        if (core::LabTime::now() >= due) {
            start_round();
            last_flush = core::LabTime::now();
            continue;
        }
        timer.expires_at(due);
        net::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    timer_ = nullptr;
}

void LogFlusher::start_round() {
    // The previous round's fsyncs are still running (a slow disk): this tick is skipped rather
    // than queued, as Kafka's flusher would find nothing new to sync either.
    if (in_flight_ || !pool_) return;
    auto round = std::make_shared<Round>();
    ctx_.logs.for_each([&](HostedPartition& p) {
        if (!p.log || p.log->offline() || p.log->flushed_offset() >= p.log->log_end_offset())
            return;
        Round::Item item{p.topic, p.partition, {}};
        if (auto st = p.log->prepare_flush(item.job); !st.ok()) {
            report_flush_failure(p, st.message);
            return;
        }
        if (!item.job.empty()) round->items.push_back(std::move(item));
    });
    if (round->items.empty()) return;
    in_flight_ = true;
    // Broker::stop() joins the flusher before the io_context goes, so the post back always finds
    // it (it may have stopped running: then the round is never finished, as if the power went
    // first).
    asio::post(*pool_, [this, round, io = &ctx_.io] {
        for (auto& item : round->items)
            item.job.run();
        asio::post(*io, [this, round] { finish_round(*round); });
    });
}

void LogFlusher::finish_round(Round& round) {
    in_flight_ = false;
    if (ctx_.stopping) return;
    for (auto& item : round.items) {
        HostedPartition* p = ctx_.logs.find(item.topic, item.partition);
        if (!p || !p->log) continue;
        if (auto st = p->log->finish_flush(item.job); !st.ok())
            report_flush_failure(*p, st.message);
    }
}

void LogFlusher::report_flush_failure(HostedPartition& p, const std::string& why) {
    // The log is offline now (storage/partition_log.h); said once, as it is not retried.
    p.failure_reported = true;
    if (log_dir_failure_.empty()) log_dir_failure_ = why;
    ctx_.events.publish(
        EventKind::NodeFailed, NodeRef::broker(ctx_.config.node_id),
        "broker " + std::to_string(ctx_.config.node_id) + " could not flush " + p.topic + "-" +
            std::to_string(p.partition) + ": " + why +
            "; the log is offline, and the broker asks to be fenced so its leaderships move",
        {{"error", std::string(protocol::error_name(protocol::ErrorCode::KAFKA_STORAGE_ERROR))}},
        p.topic, p.partition);
}

void LogFlusher::check_failed_logs() {
    ctx_.logs.for_each([&](HostedPartition& p) {
        if (!p.log || !p.log->offline() || p.failure_reported) return;
        p.failure_reported = true;
        const std::string& why = p.log->offline_reason();
        if (log_dir_failure_.empty()) log_dir_failure_ = why;
        ctx_.events.publish(
            EventKind::NodeFailed, NodeRef::broker(ctx_.config.node_id),
            "broker " + std::to_string(ctx_.config.node_id) + " took its log of " + p.topic + "-" +
                std::to_string(p.partition) + " offline: " + why +
                ". As Kafka does when a log directory fails, the broker asks to be fenced so its "
                "leaderships move to in-sync replicas; restart it to serve again",
            {{"error", std::string(protocol::error_name(protocol::ErrorCode::KAFKA_STORAGE_ERROR))},
             {"reason", why}},
            p.topic, p.partition);
    });
}

void LogFlusher::lose_unflushed_writes() {
    const std::string broker = "broker " + std::to_string(ctx_.config.node_id);
    ctx_.logs.for_each([&](HostedPartition& p) {
        if (!p.log || p.log->offline()) return;
        const std::int64_t end_before = p.log->log_end_offset();
        const std::int64_t flushed = p.log->flushed_offset();
        const std::string label = p.topic + "-" + std::to_string(p.partition);
        auto status = p.log->discard_unflushed();
        if (!status.ok()) {
            ctx_.events.publish(EventKind::NodeFailed, NodeRef::broker(ctx_.config.node_id),
                                "power loss: " + broker + " could not cut " + label +
                                    " back to its flushed size: " + status.message,
                                {}, p.topic, p.partition);
            return;
        }
        const std::int64_t end_after = p.log->log_end_offset();
        if (end_after >= end_before) return;
        const std::int64_t lost = end_before - end_after;
        ctx_.events.publish(EventKind::RecordsLost, NodeRef::broker(ctx_.config.node_id),
                            "power loss: " + broker + " lost offsets " + std::to_string(end_after) +
                                "-" + std::to_string(end_before - 1) + " of " + label +
                                ", written but not yet flushed (log.flush.interval.ms " +
                                std::to_string(ctx_.config.flush_interval_ms) + ")",
                            {{"cause", "power_loss"},
                             {"broker", ctx_.config.node_id},
                             {"from_offset", end_after},
                             {"to_offset", end_before - 1},
                             {"records", lost},
                             {"flushed_offset", flushed},
                             {"flush_interval_ms", ctx_.config.flush_interval_ms}},
                            p.topic, p.partition);
    });
}

}  // namespace kraftlab::broker
