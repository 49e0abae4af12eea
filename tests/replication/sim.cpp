// The replication simulation (see sim.h for what it models and checks).
//
// The world advances in steps of step_ms: deliver the messages due, then let the controller,
// every live broker and the producer act on their timers, then inject faults, then check the
// invariants that must hold at every instant (one leader per leader epoch, a leader's HW never
// going back within its epoch nor past its log end, no follower ahead of its leader). Nodes talk
// only through messages; a message to a node that is down, or to an earlier life of it, or over a
// cut link, is lost; one to a paused broker waits there until it resumes.
#include "sim.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <set>

#include "protocol/errors.h"
#include "replication/follower_fetcher.h"
#include "replication/replica.h"
#include "sim_controller.h"
#include "sim_faults.h"

namespace kraftlab::replication::sim {

namespace {

using protocol::ErrorCode;

constexpr int kController = 0;
constexpr int kProducer = 1000;
constexpr std::size_t kMaxFetchRecords = 64;
constexpr std::size_t kMaxInflightProduces = 4;

std::string ids_text(const std::vector<std::int32_t>& ids) {
    std::string s = "{";
    for (std::size_t i = 0; i < ids.size(); ++i)
        s += (i ? "," : "") + std::to_string(ids[i]);
    return s + "}";
}

// "{1@0 3@40}": each leader epoch at its start offset.
std::string epochs_text(const LeaderEpochCache& c) {
    std::string s = "{";
    for (const auto& e : c.entries())
        s += (s.size() > 1 ? " " : "") + std::to_string(e.epoch) + "@" +
             std::to_string(e.start_offset);
    return s + "}";
}

struct Batch {
    std::int64_t base = 0;
    std::int32_t epoch = 0;
    std::vector<std::uint64_t> ids;
    std::int64_t end() const { return base + static_cast<std::int64_t>(ids.size()); }
};

// A partition log in memory. `flushed` is the offset below which a power loss keeps data.
struct Log {
    std::vector<Batch> batches;
    std::int64_t flushed = 0;

    std::int64_t end() const { return batches.empty() ? 0 : batches.back().end(); }
    void append(Batch b) { batches.push_back(std::move(b)); }
    void truncate(std::int64_t offset) {
        while (!batches.empty() && batches.back().base >= offset)
            batches.pop_back();
        if (!batches.empty() && batches.back().end() > offset)
            batches.back().ids.resize(static_cast<std::size_t>(offset - batches.back().base));
        flushed = std::min(flushed, end());
    }
    std::vector<Batch> read(std::int64_t from, std::size_t max_records) const {
        std::vector<Batch> out;
        std::size_t n = 0;
        for (const Batch& b : batches) {
            if (b.end() <= from) continue;
            if (n >= max_records) break;
            Batch part = b;
            if (part.base < from) {
                part.ids.erase(part.ids.begin(), part.ids.begin() + (from - part.base));
                part.base = from;
            }
            n += part.ids.size();
            out.push_back(std::move(part));
        }
        return out;
    }
    // (epoch, record id) at each offset.
    std::vector<std::pair<std::int32_t, std::uint64_t>> records() const {
        std::vector<std::pair<std::int32_t, std::uint64_t>> out;
        for (const Batch& b : batches)
            for (std::uint64_t id : b.ids)
                out.emplace_back(b.epoch, id);
        return out;
    }
    LeaderEpochCache rebuild_epochs() const {
        LeaderEpochCache c;
        for (const Batch& b : batches)
            c.assign(b.epoch, b.base);
        return c;
    }
};

enum class Kind {
    Heartbeat,
    Metadata,
    AlterPartition,
    AlterPartitionResponse,
    OffsetsForEpoch,
    OffsetsForEpochResponse,
    Fetch,
    FetchResponse,
    Produce,
    ProduceResponse,
};

struct Message {
    std::int64_t deliver_at = 0;
    std::uint64_t seq = 0;
    int from = 0;
    int to = 0;
    std::uint64_t to_incarnation = 0;  // 0: any life of the receiver
    Kind kind = Kind::Heartbeat;
    std::uint64_t request_id = 0;
    std::uint64_t incarnation = 0;  // the sender's (heartbeats)
    ErrorCode error = ErrorCode::NONE;
    PartitionState state;               // Metadata, AlterPartitionResponse
    IsrChange change;                   // AlterPartition
    std::int32_t leader_epoch = 0;      // the requester's current leader epoch
    std::int32_t requested_epoch = 0;   // OffsetsForEpoch
    EpochEndOffset answer;              // OffsetsForEpochResponse
    std::int64_t offset = 0;            // Fetch: fetch offset; ProduceResponse: base offset
    std::int64_t high_watermark = 0;    // FetchResponse
    std::vector<Batch> batches;         // FetchResponse
    std::vector<std::uint64_t> ids;     // Produce
    std::int16_t acks = 0;              // Produce
    std::uint64_t generation = 0;       // OffsetsForEpoch, Fetch and their answers (the fetcher's)
    std::int64_t metadata_offset = -1;  // Metadata: the image's; Heartbeat: the broker's
    bool waited = false;  // reached a paused broker; handled after it resumes, whatever the links
};

struct Later {
    bool operator()(const Message& a, const Message& b) const {
        return a.deliver_at != b.deliver_at ? a.deliver_at > b.deliver_at : a.seq > b.seq;
    }
};

struct PendingProduce {
    std::uint64_t request_id = 0;
    std::int64_t base = 0;
    std::int64_t required_offset = 0;
    std::int16_t acks = 0;
};

struct Broker {
    int id = 0;
    bool alive = true;
    std::uint64_t incarnation = 1;
    Log log;
    std::unique_ptr<PartitionReplica> replica;
    std::int32_t known_partition_epoch = -1;
    std::int64_t known_metadata_offset = -1;
    std::int64_t next_flush_ms = 0;
    std::int64_t next_heartbeat_ms = 0;
    std::int64_t restart_at_ms = -1;
    // Follower side: the shipped fetch loop decides, the simulation does the IO.
    FollowerFetcher fetcher;
    std::uint64_t outstanding = 0;  // request id of the fetch / OffsetsForLeaderEpoch in flight
    std::int64_t outstanding_sent_ms = 0;
    std::int64_t next_fetch_ms = 0;
    // Leader side.
    std::vector<PendingProduce> produces;
    std::uint64_t alter_request = 0;
    std::int64_t alter_sent_ms = 0;
    // Paused (GC pause, SIGSTOP): nothing runs until resume_at_ms; messages wait, in order.
    bool paused = false;
    std::int64_t paused_at_ms = 0;
    std::int64_t resume_at_ms = 0;
    std::vector<Message> waiting;
};

struct InflightProduce {
    std::vector<std::uint64_t> ids;
    std::int64_t sent_ms = 0;
};

class World {
  public:
    explicit World(const Options& o)
        : o_(o),
          rng_(o.seed),
          pause_rng_(o.seed * 0x9E3779B97F4A7C15ULL + 29),
          ctrl_(o.brokers, o.session_timeout_ms, o.unclean_leader_election, result_.stats,
                [this](const std::string& line) { event("%s", line.c_str()); }),
          faults_(o_, result_.stats,
                  [this](const std::string& line) { event("%s", line.c_str()); }) {
        for (int b = 1; b <= o_.brokers; ++b) {
            Broker br;
            br.id = b;
            br.replica = make_replica(b, br.log);
            br.next_flush_ms = flush_interval();
            br.next_heartbeat_ms = b * 7;
            brokers_.push_back(std::move(br));
        }
        for (Broker& b : brokers_)
            apply_metadata(b, ctrl_.partition(), ctrl_.offset());
    }

    Result run() {
        const std::int64_t end = o_.chaos_ms + o_.settle_ms;
        for (now_ = 0; now_ <= end; now_ += o_.step_ms) {
            if (!healed_ && now_ >= o_.chaos_ms) heal();
            deliver_due();
            controller_tick();
            for (Broker& b : brokers_)
                broker_tick(b);
            if (!healed_) producer_tick();
            producer_expire();
            if (!healed_) {
                inject_faults();
                faults_.inject(now_);  // the newer faults, from their own generator
            }
            check_leaders();
            check_followers();
        }
        final_check();
        result_.trace_tail.assign(trace_.begin(), trace_.end());
        return result_;
    }

  private:
    // --- plumbing -------------------------------------------------------------------------

    void event(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        char body[512];
        va_list args;
        va_start(args, fmt);
        std::vsnprintf(body, sizeof body, fmt, args);
        va_end(args);
        char line[600];
        std::snprintf(line, sizeof line, "t=%6lld  %s", static_cast<long long>(now_), body);
        if (o_.trace) std::fprintf(stderr, "%s\n", line);
        trace_.emplace_back(line);
        while (trace_.size() > o_.trace_tail)
            trace_.pop_front();
    }

    void violation(std::int64_t* counter, const std::string& what) {
        ++*counter;
        event("VIOLATION: %s", what.c_str());
        if (result_.failure.empty()) result_.failure = what;
    }

    std::int64_t uniform(std::int64_t lo, std::int64_t hi) {
        return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
    }
    bool chance(double p) {
        return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p;
    }
    std::int64_t flush_interval() {
        return now_ + uniform(o_.flush_interval_min_ms, o_.flush_interval_max_ms);
    }

    std::unique_ptr<PartitionReplica> make_replica(int id, const Log& log) {
        ReplicaConfig c;
        c.local_id = id;
        c.replica_lag_time_max_ms = o_.replica_lag_time_max_ms;
        return std::make_unique<PartitionReplica>(c, log.rebuild_epochs(), 0, log.end());
    }

    Broker& broker(int id) { return brokers_[static_cast<std::size_t>(id - 1)]; }

    bool link_cut(int from, int to) const {
        return cuts_.count({std::min(from, to), std::max(from, to)}) > 0 ||
               !faults_.reaches(from, to);
    }

    void send(Message m) {
        if (link_cut(m.from, m.to)) return;
        if (!healed_ && chance(o_.drop)) return;
        std::int64_t delay = uniform(o_.delay_min_ms, o_.delay_max_ms);
        if (!healed_ && chance(o_.long_delay))
            delay = uniform(o_.delay_max_ms, o_.long_delay_max_ms);
        m.deliver_at = now_ + delay + faults_.extra_delay_ms(m.from, m.to);
        m.seq = ++seq_;
        if (m.kind != Kind::Produce && faults_.duplicate(m.from, m.to)) {
            Message copy = m;
            copy.deliver_at += faults_.extra_delay_ms(m.from, m.to) + 1;
            copy.seq = ++seq_;
            queue_.push(std::move(copy));
        }
        queue_.push(std::move(m));
    }

    void deliver_due() {
        while (!queue_.empty() && queue_.top().deliver_at <= now_) {
            Message m = queue_.top();
            queue_.pop();
            if (!m.waited && link_cut(m.from, m.to)) continue;  // cut while in flight
            if (m.to == kController) {
                controller_receive(m);
            } else if (m.to == kProducer) {
                producer_receive(m);
            } else {
                Broker& b = broker(m.to);
                if (!b.alive || (m.to_incarnation && m.to_incarnation != b.incarnation)) continue;
                if (b.paused) {
                    b.waiting.push_back(std::move(m));  // arrived; nobody reads it yet
                    continue;
                }
                broker_receive(b, m);
            }
        }
    }

    // --- the controller -------------------------------------------------------------------

    // The controller's decisions are the shipped ones (sim_controller.h); here it only talks.
    void push_metadata(int b) {
        const std::uint64_t incarnation = ctrl_.incarnation(b);
        if (!incarnation) return;
        Message m;
        m.from = kController;
        m.to = b;
        m.to_incarnation = incarnation;
        m.kind = Kind::Metadata;
        m.state = ctrl_.partition();
        m.metadata_offset = ctrl_.offset();
        send(std::move(m));
    }
    void push_metadata_to_all() {
        for (int b = 1; b <= o_.brokers; ++b)
            push_metadata(b);
    }

    void controller_tick() {
        const std::uint64_t changes = ctrl_.changes();
        ctrl_.tick(now_);
        if (ctrl_.changes() != changes || now_ % o_.metadata_push_interval_ms == 0)
            push_metadata_to_all();
    }

    void controller_receive(const Message& m) {
        const std::uint64_t changes = ctrl_.changes();
        if (m.kind == Kind::Heartbeat) {
            const bool answered = ctrl_.heartbeat(m.from, m.incarnation, m.metadata_offset, now_);
            if (ctrl_.changes() != changes)
                push_metadata_to_all();
            else if (answered)
                push_metadata(m.from);
            return;
        }
        if (m.kind == Kind::AlterPartition) {
            Message reply;
            reply.from = kController;
            reply.to = m.from;
            reply.to_incarnation = m.incarnation;
            reply.kind = Kind::AlterPartitionResponse;
            reply.request_id = m.request_id;
            reply.error = ctrl_.alter_partition(m.from, m.incarnation, m.change);
            if (ctrl_.changes() != changes) push_metadata_to_all();
            reply.state = ctrl_.partition();
            reply.metadata_offset = ctrl_.offset();
            send(std::move(reply));
        }
    }

    // --- brokers --------------------------------------------------------------------------

    Message reply_to(const Broker& b, const Message& req, Kind kind) const {
        Message r;
        r.from = b.id;
        r.to = req.from;
        r.to_incarnation = req.incarnation;
        r.kind = kind;
        r.request_id = req.request_id;
        r.leader_epoch = b.replica->leader_epoch();
        return r;
    }

    void fail_produces(Broker& b) {
        for (const PendingProduce& p : b.produces) {
            Message r;
            r.from = b.id;
            r.to = kProducer;
            r.kind = Kind::ProduceResponse;
            r.request_id = p.request_id;
            r.error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
            send(std::move(r));
        }
        b.produces.clear();
    }

    void complete_produces(Broker& b) {
        std::vector<PendingProduce> waiting;
        for (const PendingProduce& p : b.produces) {
            const AckState a =
                b.replica->ack_state(p.required_offset, p.acks, o_.min_insync_replicas);
            if (!a.done) {
                waiting.push_back(p);
                continue;
            }
            Message r;
            r.from = b.id;
            r.to = kProducer;
            r.kind = Kind::ProduceResponse;
            r.request_id = p.request_id;
            r.error = a.error;
            r.offset = p.base;
            send(std::move(r));
        }
        b.produces = std::move(waiting);
    }

    void apply_metadata(Broker& b, const PartitionState& s, std::int64_t offset) {
        b.known_metadata_offset = std::max(b.known_metadata_offset, offset);
        if (s.partition_epoch <= b.known_partition_epoch) return;
        b.known_partition_epoch = s.partition_epoch;
        PartitionReplica& r = *b.replica;
        if (s.leader == b.id) {
            const bool new_epoch = r.role() != Role::Leader || s.leader_epoch != r.leader_epoch();
            if (new_epoch) {
                fail_produces(b);
                b.alter_request = 0;
            }
            b.fetcher.stop();
            r.become_leader(s, now_);
            r.take_epochs_changed();
            if (new_epoch)
                event("broker %d leads epoch %d at offset %lld (HW %lld), ISR %s", b.id,
                      s.leader_epoch, static_cast<long long>(r.log_end_offset()),
                      static_cast<long long>(r.high_watermark()), ids_text(s.isr).c_str());
            complete_produces(b);
            return;
        }
        const bool was_leader = r.role() == Role::Leader;
        if (was_leader) {
            fail_produces(b);
            event("broker %d no longer leads (epoch %d -> %d, leader %d)", b.id, r.leader_epoch(),
                  s.leader_epoch, s.leader);
        }
        r.become_follower(s);
        if (b.fetcher.follow(s.leader, s.leader_epoch)) {
            b.outstanding = 0;
            b.next_fetch_ms = now_;
        }
    }

    void broker_receive(Broker& b, const Message& m) {
        PartitionReplica& r = *b.replica;
        switch (m.kind) {
            case Kind::Metadata:
                apply_metadata(b, m.state, m.metadata_offset);
                break;
            case Kind::AlterPartitionResponse:
                if (m.request_id != b.alter_request) break;
                b.alter_request = 0;
                // A refusal that may follow an earlier attempt's success keeps the change pending
                // (PartitionReplica::isr_change_failed); the state in the answer settles it.
                if (m.error != ErrorCode::NONE) r.isr_change_failed(m.error);
                apply_metadata(b, m.state, m.metadata_offset);
                break;
            case Kind::OffsetsForEpoch: {
                Message reply = reply_to(b, m, Kind::OffsetsForEpochResponse);
                reply.error = leader_check(b, m.leader_epoch);
                reply.requested_epoch = m.requested_epoch;
                reply.generation = m.generation;
                if (reply.error == ErrorCode::NONE)
                    reply.answer = r.epochs().end_offset_for(m.requested_epoch, b.log.end());
                send(std::move(reply));
                break;
            }
            case Kind::OffsetsForEpochResponse: {
                if (m.request_id != b.outstanding) break;
                b.outstanding = 0;
                using Step = FollowerFetcher::Step;
                const Step step = b.fetcher.on_epoch_answer(m.generation, r.epochs(),
                                                            {0, b.log.end()}, m.error, m.answer);
                if (step.kind == Step::Kind::Stale) break;
                if (step.kind == Step::Kind::Backoff) {
                    b.next_fetch_ms = now_ + 20;
                    break;
                }
                if (step.kind == Step::Kind::Truncate) {
                    event(
                        "broker %d truncates %lld -> %lld by epoch (asked for epoch %d, leader "
                        "%d answered epoch %d ends at %lld)%s",
                        b.id, static_cast<long long>(b.log.end()),
                        static_cast<long long>(step.truncate_to), m.requested_epoch, m.from,
                        m.answer.epoch, static_cast<long long>(m.answer.end_offset),
                        b.fetcher.phase() == FollowerFetcher::Phase::Truncating ? ", asking again"
                                                                                : "");
                    result_.stats.truncated_records += b.log.end() - step.truncate_to;
                    b.log.truncate(step.truncate_to);
                    r.on_truncate(step.truncate_to);
                    r.take_epochs_changed();
                }
                b.next_fetch_ms = now_;
                break;
            }
            case Kind::Fetch: {
                Message reply = reply_to(b, m, Kind::FetchResponse);
                reply.offset = m.offset;
                reply.generation = m.generation;
                reply.error = leader_check(b, m.leader_epoch);
                if (reply.error == ErrorCode::NONE) {
                    bool moved = false;
                    reply.error = r.on_follower_fetch(m.from, m.offset, now_, &moved);
                    if (reply.error == ErrorCode::NONE) {
                        reply.batches = b.log.read(m.offset, kMaxFetchRecords);
                        if (moved) complete_produces(b);
                    }
                    reply.high_watermark = r.high_watermark();
                }
                send(std::move(reply));
                break;
            }
            case Kind::FetchResponse: {
                if (m.request_id != b.outstanding) break;
                b.outstanding = 0;
                using Step = FollowerFetcher::Step;
                const Step step =
                    b.fetcher.on_fetch_answer(m.generation, {0, b.log.end()}, m.error, m.offset);
                if (step.kind == Step::Kind::Stale || step.kind == Step::Kind::Continue) break;
                if (step.kind == Step::Kind::Backoff) {
                    b.next_fetch_ms = now_ + 20;
                    break;
                }
                if (m.leader_epoch != b.fetcher.leader_epoch()) {
                    violation(&result_.stale_appends,
                              "broker " + std::to_string(b.id) + " following leader epoch " +
                                  std::to_string(b.fetcher.leader_epoch()) +
                                  " took a fetch answer from broker " + std::to_string(m.from) +
                                  " in leader epoch " + std::to_string(m.leader_epoch));
                }
                std::vector<LeaderEpochCache::Entry> epochs;
                for (const Batch& batch : m.batches) {
                    if (batch.base != b.log.end()) break;
                    b.log.append(batch);
                    epochs.push_back({batch.epoch, batch.base});
                }
                r.on_follower_append(b.log.end(), epochs);
                r.take_epochs_changed();
                r.on_leader_high_watermark(m.high_watermark);
                b.next_fetch_ms = m.batches.empty() ? now_ + 10 : now_;
                break;
            }
            case Kind::Produce: {
                Message reply = reply_to(b, m, Kind::ProduceResponse);
                reply.error = r.check_produce(m.acks, o_.min_insync_replicas);
                if (reply.error != ErrorCode::NONE) {
                    send(std::move(reply));
                    break;
                }
                Batch batch;
                batch.base = b.log.end();
                batch.epoch = r.leader_epoch();
                batch.ids = m.ids;
                b.log.append(batch);
                r.on_leader_append(b.log.end());
                b.produces.push_back({m.request_id, batch.base, b.log.end(), m.acks});
                complete_produces(b);
                break;
            }
            default:
                break;
        }
    }

    // Kafka's leader epoch fencing of Fetch and OffsetsForLeaderEpoch (KIP-320).
    ErrorCode leader_check(const Broker& b, std::int32_t requester_epoch) {
        const PartitionReplica& r = *b.replica;
        if (r.role() != Role::Leader) return ErrorCode::NOT_LEADER_OR_FOLLOWER;
        if (requester_epoch < r.leader_epoch()) {
            ++result_.stats.fenced_refusals;
            return ErrorCode::FENCED_LEADER_EPOCH;
        }
        if (requester_epoch > r.leader_epoch()) return ErrorCode::UNKNOWN_LEADER_EPOCH;
        return ErrorCode::NONE;
    }

    void broker_tick(Broker& b) {
        if (!b.alive) {
            if (b.restart_at_ms >= 0 && now_ >= b.restart_at_ms) restart(b);
            return;
        }
        // The kernel writes the page cache back whether or not the process runs.
        if (now_ >= b.next_flush_ms) {
            b.log.flushed = b.log.end();
            b.next_flush_ms = flush_interval();
        }
        if (b.paused) {
            if (now_ < b.resume_at_ms) return;
            resume(b);  // then this tick runs with everything the broker last knew
        }
        PartitionReplica& r = *b.replica;
        if (now_ >= b.next_heartbeat_ms) {
            Message hb;
            hb.from = b.id;
            hb.to = kController;
            hb.kind = Kind::Heartbeat;
            hb.incarnation = b.incarnation;
            hb.metadata_offset = b.known_metadata_offset;
            send(std::move(hb));
            b.next_heartbeat_ms = now_ + o_.heartbeat_interval_ms;
        }
        if (r.role() == Role::Leader) {
            auto send_alter = [&](const IsrChange& change) {
                Message m;
                m.from = b.id;
                m.to = kController;
                m.kind = Kind::AlterPartition;
                m.incarnation = b.incarnation;
                m.request_id = b.alter_request = ++request_ids_;
                m.change = change;
                b.alter_sent_ms = now_;
                send(std::move(m));
            };
            if (r.isr_change_pending()) {
                // Unanswered (it may have been applied), or answered in a way that leaves it
                // pending until the metadata settles it: ask again now and then, as Kafka's
                // AlterPartitionManager retries.
                if (now_ - b.alter_sent_ms > o_.request_timeout_ms) {
                    if (b.alter_request) r.isr_change_failed(ErrorCode::REQUEST_TIMED_OUT);
                    send_alter(*r.pending_isr_change());
                }
            } else if (auto change = r.isr_change(now_)) {
                event("broker %d proposes ISR %s: %s", b.id, ids_text(change->new_isr).c_str(),
                      change->reason.c_str());
                send_alter(*change);
            }
            complete_produces(b);
            return;
        }
        if (r.role() != Role::Follower) return;
        if (b.outstanding && now_ - b.outstanding_sent_ms <= o_.request_timeout_ms) return;
        if (now_ < b.next_fetch_ms) return;
        const FollowerFetcher::Request ask = b.fetcher.next_request(r.epochs(), {0, b.log.end()});
        if (ask.kind == FollowerFetcher::Request::Kind::None) return;
        Message m;
        m.from = b.id;
        m.to = ask.leader;
        m.incarnation = b.incarnation;
        m.leader_epoch = ask.current_leader_epoch;
        m.generation = ask.generation;
        m.request_id = b.outstanding = ++request_ids_;
        b.outstanding_sent_ms = now_;
        if (ask.kind == FollowerFetcher::Request::Kind::OffsetsForLeaderEpoch) {
            m.kind = Kind::OffsetsForEpoch;
            m.requested_epoch = ask.requested_epoch;
        } else {
            m.kind = Kind::Fetch;
            m.offset = ask.fetch_offset;
        }
        send(std::move(m));
    }

    void pause(Broker& b, std::int64_t ms) {
        b.paused = true;
        b.paused_at_ms = now_;
        b.resume_at_ms = now_ + ms;
        ++result_.stats.pauses;
        const bool leads = b.replica->role() == Role::Leader;
        if (leads) ++result_.stats.leader_pauses;
        event(
            "broker %d paused for %lld ms%s", b.id, static_cast<long long>(ms),
            leads ? (", leading epoch " + std::to_string(b.replica->leader_epoch())).c_str() : "");
    }

    // What waited is handled from the next step on, in the order it arrived; the resumed
    // broker's own tick (in this step) comes first and sees the whole pause.
    void resume(Broker& b) {
        b.paused = false;
        event("broker %d resumed after %lld ms, %zu messages waiting; it still %s epoch %d", b.id,
              static_cast<long long>(now_ - b.paused_at_ms), b.waiting.size(),
              b.replica->role() == Role::Leader ? "leads" : "follows", b.replica->leader_epoch());
        for (Message& m : b.waiting) {
            m.waited = true;
            m.deliver_at = now_;
            m.seq = ++seq_;
            queue_.push(std::move(m));
        }
        b.waiting.clear();
    }

    void crash(Broker& b, bool power_loss) {
        b.alive = false;
        b.paused = false;
        b.waiting.clear();
        b.produces.clear();
        b.restart_at_ms = healed_ ? now_ : now_ + uniform(o_.down_min_ms, o_.down_max_ms);
        ++result_.stats.crashes;
        const std::int64_t before = b.log.end();
        if (power_loss) {
            ++result_.stats.power_losses;
            b.log.truncate(b.log.flushed);
        }
        event("broker %d crashed (%s%s), log end %lld -> %lld", b.id,
              power_loss ? "power loss" : "process crash",
              b.replica->role() == Role::Leader ? ", was leader" : "",
              static_cast<long long>(before), static_cast<long long>(b.log.end()));
    }

    void restart(Broker& b) {
        b.alive = true;
        b.incarnation = ++incarnations_;
        b.restart_at_ms = -1;
        b.replica = make_replica(b.id, b.log);
        b.known_partition_epoch = -1;
        b.known_metadata_offset = -1;
        b.fetcher = FollowerFetcher{};
        b.outstanding = 0;
        b.alter_request = 0;
        b.next_heartbeat_ms = now_;
        b.next_flush_ms = flush_interval();
        event("broker %d restarted (incarnation %llu) with log end %lld, epochs %s", b.id,
              static_cast<unsigned long long>(b.incarnation), static_cast<long long>(b.log.end()),
              epochs_text(b.replica->epochs()).c_str());
    }

    // --- the producer ---------------------------------------------------------------------

    void producer_tick() {
        if (now_ % 50 == 0 || producer_leader_ == -1) producer_leader_ = ctrl_.partition().leader;
        if (now_ < next_produce_ms_ || producer_leader_ == -1) return;
        next_produce_ms_ = now_ + uniform(5, 25);
        if (inflight_.size() >= kMaxInflightProduces) return;
        Message m;
        m.from = kProducer;
        m.to = producer_leader_;
        m.kind = Kind::Produce;
        m.acks = o_.acks;
        m.request_id = ++request_ids_;
        const std::int64_t n = uniform(1, 3);
        for (std::int64_t i = 0; i < n; ++i)
            m.ids.push_back(++record_ids_);
        inflight_[m.request_id] = InflightProduce{m.ids, now_};
        send(std::move(m));
    }

    void producer_expire() {
        for (auto it = inflight_.begin(); it != inflight_.end();) {
            if (now_ - it->second.sent_ms > o_.produce_timeout_ms) {
                ++result_.stats.produce_errors;
                it = inflight_.erase(it);
            } else {
                ++it;
            }
        }
    }

    void producer_receive(const Message& m) {
        auto it = inflight_.find(m.request_id);
        if (it == inflight_.end()) return;
        const InflightProduce p = it->second;
        inflight_.erase(it);
        if (m.error != ErrorCode::NONE) {
            ++result_.stats.produce_errors;
            if (m.error == ErrorCode::NOT_LEADER_OR_FOLLOWER)
                producer_leader_ = ctrl_.partition().leader;
            return;
        }
        for (std::size_t i = 0; i < p.ids.size(); ++i) {
            acked_[p.ids[i]] = m.offset + static_cast<std::int64_t>(i);
            ++result_.stats.acknowledged;
        }
        event(
            "producer: broker %d acknowledged records %llu..%llu at offsets %lld..%lld "
            "(acks=%d)",
            m.from, static_cast<unsigned long long>(p.ids.front()),
            static_cast<unsigned long long>(p.ids.back()), static_cast<long long>(m.offset),
            static_cast<long long>(m.offset + static_cast<std::int64_t>(p.ids.size()) - 1),
            o_.acks);
    }

    // --- faults ---------------------------------------------------------------------------

    void inject_faults() {
        const double per_step = static_cast<double>(o_.step_ms) / 1000.0;
        if (chance(o_.crashes_per_s * per_step)) {
            std::vector<Broker*> alive;
            for (Broker& b : brokers_)
                if (b.alive) alive.push_back(&b);
            const std::size_t down = brokers_.size() - alive.size();
            const bool room = o_.max_down <= 0 || down < static_cast<std::size_t>(o_.max_down);
            if (alive.size() > 1 && room) {
                Broker* victim = alive[static_cast<std::size_t>(
                    uniform(0, static_cast<std::int64_t>(alive.size()) - 1))];
                crash(*victim, chance(o_.power_loss_share));
            }
        }
        if (chance(o_.link_cuts_per_s * per_step)) {
            const int a = static_cast<int>(uniform(0, o_.brokers));
            int c = static_cast<int>(uniform(0, o_.brokers - 1));
            if (c >= a) ++c;
            const std::pair<int, int> link{std::min(a, c), std::max(a, c)};
            if (!cuts_.count(link)) {
                cuts_.insert(link);
                cut_until_[link] = now_ + uniform(o_.cut_min_ms, o_.cut_max_ms);
                ++result_.stats.link_cuts;
                event("link %s - %s cut", node_name(link.first).c_str(),
                      node_name(link.second).c_str());
            }
        }
        if (o_.pauses_per_s > 0 &&
            std::uniform_real_distribution<double>(0, 1)(pause_rng_) < o_.pauses_per_s * per_step) {
            std::vector<Broker*> running, leaders;
            for (Broker& b : brokers_) {
                if (!b.alive || b.paused) continue;
                running.push_back(&b);
                if (b.replica->role() == Role::Leader) leaders.push_back(&b);
            }
            const bool at_leader = !leaders.empty() && std::uniform_real_distribution<double>(0, 1)(
                                                           pause_rng_) < o_.leader_pause_share;
            const auto& from = at_leader ? leaders : running;
            if (!from.empty()) {
                Broker* victim = from[static_cast<std::size_t>(pause_rng_() % from.size())];
                pause(*victim,
                      std::uniform_int_distribution<std::int64_t>(
                          o_.pause_min_ms, std::max(o_.pause_min_ms, o_.pause_max_ms))(pause_rng_));
            }
        }
        for (auto it = cut_until_.begin(); it != cut_until_.end();) {
            if (now_ >= it->second) {
                event("link %s - %s healed", node_name(it->first.first).c_str(),
                      node_name(it->first.second).c_str());
                cuts_.erase(it->first);
                it = cut_until_.erase(it);
            } else {
                ++it;
            }
        }
    }

    static std::string node_name(int id) {
        return id == kController ? "controller" : "broker " + std::to_string(id);
    }

    void heal() {
        healed_ = true;
        faults_.heal();
        cuts_.clear();
        cut_until_.clear();
        event("heal: every link restored, every broker restarting, no more drops or produces");
        for (Broker& b : brokers_) {
            if (!b.alive) b.restart_at_ms = now_;
            if (b.paused) b.resume_at_ms = now_;
        }
    }

    // --- the checker ----------------------------------------------------------------------

    void check_leaders() {
        for (const Broker& b : brokers_) {
            if (!b.alive || b.replica->role() != Role::Leader) continue;
            const PartitionReplica& r = *b.replica;
            auto [it, fresh] = epoch_hw_.try_emplace(r.leader_epoch(), b.id, r.high_watermark());
            if (fresh) continue;
            if (it->second.first != b.id) {
                violation(&result_.split_leaders, "brokers " + std::to_string(it->second.first) +
                                                      " and " + std::to_string(b.id) +
                                                      " both lead leader epoch " +
                                                      std::to_string(r.leader_epoch()));
                it->second.first = b.id;
            }
            if (r.high_watermark() < it->second.second) {
                violation(&result_.hw_regressions,
                          "broker " + std::to_string(b.id) + "'s high watermark went back from " +
                              std::to_string(it->second.second) + " to " +
                              std::to_string(r.high_watermark()) + " in leader epoch " +
                              std::to_string(r.leader_epoch()));
            }
            it->second.second = r.high_watermark();
            if (r.high_watermark() > b.log.end())
                violation(&result_.hw_regressions,
                          "broker " + std::to_string(b.id) + "'s high watermark " +
                              std::to_string(r.high_watermark()) + " is past its log end " +
                              std::to_string(b.log.end()));
        }
    }

    // A follower fetching in leader epoch E is never ahead of the live leader of E: it truncated
    // by epoch to that leader's log and appends only what it fetched from it.
    void check_followers() {
        for (const Broker& f : brokers_) {
            if (!f.alive || f.fetcher.phase() != FollowerFetcher::Phase::Fetching ||
                f.replica->role() != Role::Follower)
                continue;
            const int l = f.replica->leader();
            if (l < 1 || l > o_.brokers) continue;
            const Broker& lb = broker(l);
            if (!lb.alive || lb.replica->role() != Role::Leader ||
                lb.replica->leader_epoch() != f.fetcher.leader_epoch())
                continue;
            // (Not the HW: a new leader learns the HW its predecessor reached only by committing
            // past it, so for a while a follower may know a higher one, as in Kafka.)
            if (f.log.end() > lb.log.end()) {
                violation(&result_.follower_ahead,
                          "broker " + std::to_string(f.id) + " (log end " +
                              std::to_string(f.log.end()) + ") is ahead of its leader " +
                              std::to_string(l) + " (log end " + std::to_string(lb.log.end()) +
                              ") in leader epoch " + std::to_string(f.fetcher.leader_epoch()));
            }
        }
    }

    void final_check() {
        const PartitionState& ctrl = ctrl_.partition();
        const int leader = ctrl.leader;
        const Broker* lb = leader > 0 ? &broker(leader) : nullptr;
        if (!lb || !lb->alive || lb->replica->role() != Role::Leader ||
            lb->replica->leader_epoch() != ctrl.leader_epoch) {
            result_.failure = result_.failure.empty()
                                  ? "no settled leader after healing (controller says " +
                                        std::to_string(leader) + ")"
                                  : result_.failure;
            event("no settled leader after healing");
            return;
        }
        const PartitionReplica& lr = *lb->replica;
        const std::int64_t hw = lr.high_watermark();
        result_.stats.final_log_end_offset = lb->log.end();
        result_.converged = static_cast<int>(ctrl.isr.size()) == o_.brokers && hw == lb->log.end();
        for (const Broker& b : brokers_)
            if (!b.alive || b.log.end() != lb->log.end()) result_.converged = false;
        if (!result_.converged) {
            std::string state = "not converged after healing: leader " + std::to_string(leader) +
                                " HW " + std::to_string(hw) + ", ISR " + ids_text(ctrl.isr) +
                                ", log ends";
            for (const Broker& b : brokers_)
                state += " " + std::to_string(b.id) + ":" + std::to_string(b.log.end());
            event("%s", state.c_str());
            if (result_.failure.empty()) result_.failure = state;
        }

        // Every acknowledged record exactly once, at its acknowledged offset.
        const auto records = lb->log.records();
        std::map<std::uint64_t, int> count;
        for (const auto& rec : records)
            ++count[rec.second];
        for (const auto& [id, offset] : acked_) {
            const bool at_offset = offset < static_cast<std::int64_t>(records.size()) &&
                                   records[static_cast<std::size_t>(offset)].second == id;
            if (at_offset && count[id] == 1) continue;
            std::string what = "acknowledged record " + std::to_string(id) + " (offset " +
                               std::to_string(offset) + ") ";
            if (count[id] > 1) {
                what += "appears " + std::to_string(count[id]) + " times";
            } else if (offset < static_cast<std::int64_t>(records.size())) {
                what += "lost: offset " + std::to_string(offset) + " holds record " +
                        std::to_string(records[static_cast<std::size_t>(offset)].second) +
                        " of epoch " +
                        std::to_string(records[static_cast<std::size_t>(offset)].first);
            } else {
                what += "lost: the leader's log ends at " + std::to_string(records.size());
            }
            what += " in leader " + std::to_string(leader) + "'s log";
            // The first few in the trace, so that the events leading to them stay visible.
            if (result_.lost_acknowledged < 3)
                violation(&result_.lost_acknowledged, what);
            else
                ++result_.lost_acknowledged;
        }
        if (result_.lost_acknowledged > 3)
            event("... %lld acknowledged records lost in all",
                  static_cast<long long>(result_.lost_acknowledged));

        // Replicas identical to the leader below the high watermark.
        for (const Broker& b : brokers_) {
            if (&b == lb) continue;
            const auto mine = b.log.records();
            for (std::int64_t o = 0; o < hw; ++o) {
                const auto i = static_cast<std::size_t>(o);
                if (i < mine.size() && mine[i] == records[i]) continue;
                violation(&result_.diverged_replicas,
                          "broker " + std::to_string(b.id) + " differs from leader " +
                              std::to_string(leader) + " at offset " + std::to_string(o) +
                              " below the HW " + std::to_string(hw));
                break;
            }
        }
    }

    const Options o_;
    std::mt19937_64 rng_;
    std::mt19937_64 pause_rng_;
    std::int64_t now_ = 0;
    std::uint64_t seq_ = 0;
    std::uint64_t request_ids_ = 0;
    std::uint64_t record_ids_ = 0;
    std::uint64_t incarnations_ = 1;
    bool healed_ = false;

    std::vector<Broker> brokers_;
    SimController ctrl_;
    NetworkFaults faults_;
    std::priority_queue<Message, std::vector<Message>, Later> queue_;
    std::set<std::pair<int, int>> cuts_;
    std::map<std::pair<int, int>, std::int64_t> cut_until_;

    int producer_leader_ = -1;
    std::int64_t next_produce_ms_ = 0;
    std::map<std::uint64_t, InflightProduce> inflight_;
    std::map<std::uint64_t, std::int64_t> acked_;  // record id -> acknowledged offset

    std::map<std::int32_t, std::pair<int, std::int64_t>> epoch_hw_;  // epoch -> (leader, HW)
    std::deque<std::string> trace_;
    Result result_;
};

}  // namespace

Result run_simulation(const Options& options) {
    World world(options);
    return world.run();
}

}  // namespace kraftlab::replication::sim
