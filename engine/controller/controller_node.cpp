#include "controller/controller_node.h"

#include <limits>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <random>

#include "controller/change_events.h"
#include "controller/metadata_log_check.h"
#include "controller/quorum_state_file.h"
#include "core/thread_name.h"
#include "net/lab_timer.h"
#include "protocol/alter_partition.h"
#include "protocol/api_versions.h"
#include "protocol/broker_heartbeat.h"
#include "protocol/broker_registration.h"
#include "protocol/create_topics.h"
#include "protocol/delete_topics.h"
#include "protocol/incremental_alter_configs.h"
#include "raft/wire.h"

namespace kraftlab::controller {

namespace asio = net::asio;
namespace fs = std::filesystem;
using core::EventKind;
using core::NodeRef;
using metadata::MetadataRecord;
using protocol::ApiKey;
using protocol::Bytes;
using protocol::ErrorCode;
using protocol::Reader;
using protocol::to_wire;
using protocol::Writer;

namespace {

constexpr auto kStopGrace = std::chrono::seconds(5);
constexpr std::int32_t kCommitTimeoutMs = 10'000;
constexpr std::string_view kQuorumStateFile = "quorum-state";

struct ApiRange {
    ApiKey key;
    std::int16_t min;
    std::int16_t max;
};

// What a controller speaks: the quorum's RPCs, and what brokers and admins send it.
const std::vector<ApiRange>& controller_apis() {
    static const std::vector<ApiRange> apis = {
        {ApiKey::Fetch, raft::wire::kFetchVersion, raft::wire::kFetchVersion},
        {ApiKey::SaslHandshake, 0, 1},
        {ApiKey::ApiVersions, 0, 3},
        {ApiKey::CreateTopics, 0, 4},
        {ApiKey::SaslAuthenticate, 0, 2},
        {ApiKey::DeleteTopics, 0, 3},
        {ApiKey::Vote, 0, 0},
        {ApiKey::BeginQuorumEpoch, 0, 0},
        {ApiKey::EndQuorumEpoch, 0, 0},
        {ApiKey::BrokerRegistration, 0, 0},
        {ApiKey::BrokerHeartbeat, 0, 0},
        {ApiKey::AlterPartition, 0, 3},
        {ApiKey::IncrementalAlterConfigs, 0, 1},
        {ApiKey::CreatePartitions, 0, 1},
        {ApiKey::ElectLeaders, 0, 1},
        {ApiKey::AlterPartitionReassignments, 0, 0},
        {ApiKey::AllocateProducerIds, 0, 0},
    };
    return apis;
}

bool supported(std::int16_t key, std::int16_t version) {
    for (const auto& a : controller_apis()) {
        if (to_wire(a.key) == key) return version >= a.min && version <= a.max;
    }
    return false;
}

Bytes api_versions_body(std::int16_t version, ErrorCode error) {
    protocol::ApiVersionsResponse r;
    r.error_code = to_wire(error);
    for (const auto& a : controller_apis())
        r.api_keys.push_back({to_wire(a.key), a.min, a.max});
    Bytes out;
    Writer w(out);
    r.encode(w, version);
    return out;
}

template <typename M>
Bytes encode(const M& m, std::int16_t version) {
    Bytes out;
    Writer w(out);
    m.encode(w, version);
    return out;
}

void fsync_directory(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

// A proposal waiting to be committed. Completed by apply() or failed by a lost leadership.
struct ControllerNode::Pending {
    std::int64_t last_offset = 0;
    net::LabTimer* timer = nullptr;
    bool committed = false;
    bool done = false;
};

ControllerNode::ControllerNode(ControllerConfig config, core::EventBus& events,
                               core::SnapshotBoard& snapshots)
    : config_(std::move(config)),
      events_(events),
      snapshots_(snapshots),
      label_("controller " + std::to_string(config_.node_id)),
      image_(metadata::MetadataImage::empty()),
      shared_image_(metadata::MetadataImage::empty()),
      sessions_(config_.broker_session_timeout_ms) {}

ControllerNode::~ControllerNode() {
    if (running_) kill();
}

std::shared_ptr<const metadata::MetadataImage> ControllerNode::image() const {
    std::lock_guard lock(image_mutex_);
    return shared_image_;
}

// ---------------------------------------------------------------------------------------------
// Storage: the quorum-state file and the metadata log (record batches, one per raft entry)

std::optional<std::string> ControllerNode::open_storage(raft::QuorumState& state,
                                                        std::vector<raft::Entry>& log) {
    std::error_code ec;
    fs::create_directories(config_.data_dir, ec);
    if (ec) return label_ + " cannot create " + config_.data_dir.string() + ": " + ec.message();
    // Untrusted files: refuse to start rather than reuse an epoch or serve a shorter past.
    if (auto error = read_quorum_state(config_.data_dir / kQuorumStateFile, state)) {
        return label_ + " refuses to start: " + *error;
    }
    const fs::path log_dir = config_.data_dir / "__cluster_metadata-0";
    MetadataLog loaded;
    if (auto error = load_metadata_log(log_dir, state.epoch, loaded)) {
        return label_ + " refuses to start: " + *error + " (its peers hold the data)";
    }
    log_ = std::move(loaded.log);
    log = std::move(loaded.entries);
    if (!loaded.repaired.empty()) {
        events_.publish(EventKind::LogRecovered, NodeRef::controller(config_.node_id),
                        label_ + " repaired its metadata log: " + loaded.repaired);
    }
    return std::nullopt;
}

std::optional<std::string> ControllerNode::persist_state(const raft::QuorumState& state) {
    const fs::path path = config_.data_dir / kQuorumStateFile;
    const fs::path tmp = config_.data_dir / (std::string(kQuorumStateFile) + ".tmp");
    const auto failure = [&](const char* step, int err) -> std::optional<std::string> {
        return "could not " + std::string(step) + " " + tmp.string() + ": " + std::strerror(err);
    };
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) return failure("create", errno ? errno : EIO);
        out << quorum_state_text(state);
        out.flush();
        if (!out) return failure("write", errno ? errno : EIO);
    }
    const int fd = ::open(tmp.c_str(), O_RDONLY);
    if (fd < 0) return failure("open", errno);
    const int synced = ::fsync(fd);
    const int sync_errno = errno;
    ::close(fd);
    if (synced != 0) return failure("fsync", sync_errno);
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec)
        return "could not rename " + tmp.string() + " to " + path.string() + ": " + ec.message();
    fsync_directory(config_.data_dir);
    return std::nullopt;
}

std::optional<std::string> ControllerNode::persist_log(std::optional<std::int64_t> truncate_to,
                                                       const std::vector<raft::Entry>& append) {
    if (truncate_to) {
        if (auto st = log_->truncate_to(*truncate_to); !st.ok()) return st.message;
    }
    for (const auto& e : append) {
        Bytes batch = raft::wire::entries_to_batches({e});
        if (auto result = log_->append_replicated(batch); !result.ok()) return result.message;
    }
    if (!append.empty()) {
        if (auto st = log_->flush(); !st.ok()) return st.message;
    }
    return std::nullopt;
}

// The driver halted: this controller's state or log is not durable, so it stops serving, as a
// Kafka controller whose raft client hit an IO error exits. Its peers hold the data.
void ControllerNode::on_persist_failed(const std::string& why) {
    events_.publish(EventKind::NodeFailed, NodeRef::controller(config_.node_id),
                    label_ + " stopped: it could not make its state durable (" + why + ")");
    stopping_ = true;
    fail_pending("the controller could not write to disk");
    server_->stop(false);
    duty_timer_->cancel();
    snapshot_timer_->cancel();
    snapshots_.mark_controller_down(config_.node_id);
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

std::optional<std::string> ControllerNode::listen() {
    if (server_) return std::nullopt;
    io_ = std::make_unique<asio::io_context>(1);
    mailbox_ = core::Mailbox::create(io_->get_executor());

    net::KafkaServer::Options server_options;
    server_options.queued_max_request_bytes = config_.queued_max_request_bytes;
    server_options.connections_max_idle_ms = config_.connections_max_idle_ms;
    if (config_.network) {
        server_options.network = config_.network;
        server_options.node =
            config_.network->node(core::NodeRef::controller(config_.node_id).label());
    }
    // Only the lab's nodes: SASL PLAIN with the per-lab secret before anything else is served.
    net::SaslGate::Options sasl;
    if (auto node = net::lab_node_credentials(config_.lab_secret)) {
        sasl.required = true;
        sasl.users.push_back(std::move(*node));
        server_options.max_unauthenticated_connections = config_.max_unauthenticated_connections;
        server_options.authentication_timeout_ms = config_.sasl_authentication_timeout_ms;
    }
    sasl.on_refused = [this](const net::SessionInfo& s, const std::string& why) {
        events_.publish(EventKind::ClientRejected, NodeRef::controller(config_.node_id),
                        label_ + " refused the authentication of " + s.peer + ": " + why);
    };
    sasl_ = std::make_unique<net::SaslGate>(std::move(sasl));
    server_ = std::make_unique<net::KafkaServer>(
        *io_, server_options,
        [this](const protocol::RequestHeader& h, Reader& body, net::SessionInfo& s) {
            return serve(h, body, s);
        },
        [this](const net::SessionInfo& s, const std::string& why) {
            events_.publish(EventKind::ClientRejected, NodeRef::controller(config_.node_id),
                            label_ + " closed the connection from " + s.peer + ": " + why);
        });
    if (auto error = server_->listen(config_.host, config_.port)) {
        server_.reset();
        mailbox_->close();
        waker_.reset();
        io_.reset();
        return label_ + " " + *error;
    }
    port_ = server_->port();
    config_.port = port_;
    return std::nullopt;
}

std::optional<std::string> ControllerNode::start(std::vector<raft::PeerAddress> voters) {
    core::ClockBinding on_lab_time(config_.clock);
    if (auto error = listen()) return error;
    config_.voters = std::move(voters);
    raft::QuorumState state;
    std::vector<raft::Entry> entries;
    if (auto error = open_storage(state, entries)) {
        server_.reset();
        mailbox_->close();
        waker_.reset();
        io_.reset();
        return error;
    }

    raft::Config rc;
    rc.id = config_.node_id;
    for (const auto& v : config_.voters)
        rc.voters.push_back(v.id);
    rc.election_timeout_ms = config_.election_timeout_ms;
    rc.election_backoff_max_ms = config_.election_timeout_ms;
    rc.fetch_timeout_ms = config_.fetch_timeout_ms;
    rc.request_timeout_ms = config_.fetch_timeout_ms;
    rc.random_seed = std::random_device{}() ^ (static_cast<std::uint64_t>(config_.node_id) << 32);

    raft::RaftDriver::Hooks hooks;
    hooks.persist_state = [this](const raft::QuorumState& s) { return persist_state(s); };
    hooks.persist_log = [this](auto t, const auto& a) { return persist_log(t, a); };
    hooks.failed = [this](const std::string& why) { on_persist_failed(why); };
    hooks.apply = [this](const std::vector<raft::Entry>& c) { apply(c); };
    hooks.changed = [this](const std::vector<raft::Change>& c) { on_changes(c); };
    hooks.voted = [this](const raft::VoteRequest& r, const raft::VoteResponse& a) {
        on_vote(r, a);
    };
    raft::RaftDriver::Options options;
    options.cluster_id = config_.cluster_id;
    options.client_id = "controller-" + std::to_string(config_.node_id);
    options.sasl = net::lab_node_credentials(config_.lab_secret);
    options.network = config_.network;
    options.node_name = options.client_id;
    std::vector<raft::PeerAddress> peers;
    for (const auto& v : config_.voters) {
        if (v.id != config_.node_id) peers.push_back(v);
    }
    raft::RaftNode node(rc, state, std::move(entries), core::LabTime::now_ms());
    driver_ = std::make_unique<raft::RaftDriver>(*io_, std::move(node), std::move(peers),
                                                 std::move(hooks), options);

    duty_timer_ = std::make_unique<net::LabTimer>(*io_);
    snapshot_timer_ = std::make_unique<net::LabTimer>(*io_);
    server_->start();
    driver_->start();
    asio::co_spawn(*io_, duty_loop(), asio::detached);
    asio::co_spawn(*io_, snapshot_loop(), asio::detached);
    if (config_.clock) waker_ = std::make_unique<net::ClockWaker>(*io_, *config_.clock, &gate_);
    running_ = true;
    thread_ = std::thread([this] {
        core::ClockBinding on_lab_time(config_.clock);
        core::name_this_thread("controller-" + std::to_string(config_.node_id));
        io_->run();
    });
    return std::nullopt;
}

void ControllerNode::hold(core::NodeGate::Reason reason, bool held) {
    if (!running_.load() || !io_) return;
    if (held) {
        gate_.close(reason, io_->get_executor());
    } else {
        gate_.open(reason);
    }
}

void ControllerNode::kill() {
    stop(false);
}
void ControllerNode::shutdown() {
    stop(true);
}

void ControllerNode::stop(bool orderly) {
    if (!running_.exchange(false)) return;
    gate_.open_for_stop();  // a frozen node stops too
    mailbox_->close();
    asio::post(*io_, [this, orderly] {
        stopping_ = true;
        fail_pending("the controller is stopping");
        driver_->stop();
        server_->stop(orderly);
        duty_timer_->cancel();
        snapshot_timer_->cancel();
    });
    // As Broker::stop: a forced stop is a bug, and is said (tests fail on it).
    auto done = std::async(std::launch::async, [this] { thread_.join(); });
    if (done.wait_for(kStopGrace) != std::future_status::ready) {
        io_->stop();
        done.wait();
        events_.publish(EventKind::NodeFailed, NodeRef::controller(config_.node_id),
                        label_ + " did not stop within " + std::to_string(kStopGrace.count()) +
                            " s (something on its thread still waited), so its thread was stopped",
                        {{"stop_forced", true}});
    }
    driver_.reset();
    server_.reset();
    duty_timer_.reset();
    snapshot_timer_.reset();
    if (log_) {
        if (orderly) log_->close();
        log_.reset();
    }
    waker_.reset();
    io_.reset();
    snapshots_.mark_controller_down(config_.node_id);
}

void ControllerNode::resign() {
    if (!mailbox_) return;
    mailbox_->post([this] {
        if (driver_->node().role() != raft::Role::Leader) return;
        driver_->node().resign(driver_->now_ms());
        driver_->process();
    });
}

void ControllerNode::set_timeouts(std::int32_t election_timeout_ms, std::int32_t fetch_timeout_ms,
                                  std::int32_t broker_session_timeout_ms) {
    if (!mailbox_) return;
    mailbox_->post([this, election_timeout_ms, fetch_timeout_ms, broker_session_timeout_ms] {
        config_.election_timeout_ms = election_timeout_ms;
        config_.fetch_timeout_ms = fetch_timeout_ms;
        config_.broker_session_timeout_ms = broker_session_timeout_ms;
        sessions_.set_session_timeout_ms(broker_session_timeout_ms);
        // Derived as at start: the longest backoff is the election timeout, a request times
        // out after the fetch timeout.
        driver_->node().set_timeouts(election_timeout_ms, fetch_timeout_ms, election_timeout_ms,
                                     fetch_timeout_ms);
    });
}

// ---------------------------------------------------------------------------------------------
// The committed log, applied

void ControllerNode::apply(const std::vector<raft::Entry>& committed) {
    // One controller tells the lab what changed: the leader, for the entries of its own
    // leadership (each with the cause it proposed it for). What earlier leaders committed is
    // replayed silently: they announced it when they committed it.
    const bool leading =
        driver_ && driver_->node().role() == raft::Role::Leader && leader_start_offset_ > 0;
    const std::int64_t announce_from =
        leading ? leader_start_offset_ - 1 : std::numeric_limits<std::int64_t>::max();
    std::optional<metadata::MetadataDelta> quiet;
    auto apply_entry = [this](metadata::MetadataDelta& delta, const raft::Entry& e) {
        for (std::size_t i = 0; i < e.records.size(); ++i) {
            const std::int64_t offset = e.base_offset + static_cast<std::int64_t>(i);
            auto record = metadata::decode_record(e.records[i]);
            if (!record) continue;  // the leader's epoch marker, or a type this lab does not know
            if (auto* reg = std::get_if<metadata::RegisterBrokerRecord>(&*record)) {
                sessions_.on_registration_record(reg->broker_id, offset);
            }
            delta.apply(*record, offset);
        }
    };
    for (const auto& e : committed) {
        std::string cause;
        if (auto it = causes_.find(e.base_offset); it != causes_.end()) {
            cause = std::move(it->second);
            causes_.erase(it);
        }
        if (e.base_offset < announce_from) {
            if (!quiet) quiet.emplace(image_);
            apply_entry(*quiet, e);
            continue;
        }
        if (quiet) {
            image_ = quiet->build();
            quiet.reset();
        }
        auto before = image_;
        metadata::MetadataDelta delta(before);
        apply_entry(delta, e);
        auto changes = delta.changes();
        image_ = delta.build();
        publish_metadata_changes(events_, *before, *image_, changes, cause);
    }
    if (quiet) image_ = quiet->build();
    {
        std::lock_guard lock(image_mutex_);
        shared_image_ = image_;
    }
    applied_end_ = committed.back().next_offset();
    for (auto* p : pending_) {
        if (!p->done && p->last_offset < applied_end_) {
            p->done = true;
            p->committed = true;
            p->timer->cancel();
        }
    }
}

void ControllerNode::fail_pending(const std::string& why) {
    (void)why;
    for (auto* p : pending_) {
        if (!p->done) {
            p->done = true;
            p->committed = false;
            p->timer->cancel();
        }
    }
}

void ControllerNode::on_vote(const raft::VoteRequest& request, const raft::VoteResponse& answer) {
    if (answer.refused != raft::Refusal::None) {
        // Not an election: a Vote the quorum cannot accept (from a non-voter, an epoch out of
        // range), refused before it changed anything. Not on the timeline.
        events_.publish(EventKind::ClientRejected, NodeRef::controller(config_.node_id),
                        label_ + " refused a Vote from node " +
                            std::to_string(request.candidate_id) + " for epoch " +
                            std::to_string(request.candidate_epoch) + ": " + answer.reason);
        return;
    }
    nlohmann::json data = {{"epoch", request.candidate_epoch},
                           {"candidate", request.candidate_id},
                           {"voter", config_.node_id},
                           {"reason", answer.reason}};
    const std::string who = "controller " + std::to_string(request.candidate_id);
    if (answer.granted) {
        events_.publish(EventKind::VoteCast, NodeRef::controller(config_.node_id),
                        label_ + " voted for " + who + " in epoch " +
                            std::to_string(request.candidate_epoch) +
                            (answer.reason.empty() ? "" : ": " + answer.reason),
                        std::move(data));
    } else {
        events_.publish(EventKind::VoteRefused, NodeRef::controller(config_.node_id),
                        label_ + " refused its vote to " + who + " in epoch " +
                            std::to_string(request.candidate_epoch) +
                            (answer.reason.empty() ? "" : ": " + answer.reason),
                        std::move(data));
    }
}

void ControllerNode::on_changes(const std::vector<raft::Change>& changes) {
    using K = raft::Change::Kind;
    const auto& node = driver_->node();
    for (const auto& c : changes) {
        nlohmann::json data = {{"epoch", c.epoch}};
        switch (c.kind) {
            case K::ElectionStarted:
                votes_received_.clear();
                events_.publish(
                    EventKind::ElectionStarted, NodeRef::controller(config_.node_id),
                    label_ + " starts an election for epoch " + std::to_string(c.epoch) +
                        (c.reason.empty() ? "" : ": " + c.reason),
                    {{"epoch", c.epoch}, {"candidate", config_.node_id}, {"reason", c.reason}});
                break;
            case K::VoteGranted:
                votes_received_.push_back(c.peer);
                break;
            case K::ElectionWon: {
                leader_start_offset_ = node.log_end_offset();
                // Every broker the image knows gets a full session from now: the old leader's
                // heartbeat times are gone with it.
                sessions_.start(*working_image(), driver_->now_ms());
                votes_received_.push_back(config_.node_id);
                std::string voters;
                for (auto v : votes_received_)
                    voters += (voters.empty() ? "" : ", ") + std::to_string(v);
                events_.publish(EventKind::ControllerElected, NodeRef::controller(config_.node_id),
                                label_ + " is the active controller for epoch " +
                                    std::to_string(c.epoch) + " (votes from " + voters + ")",
                                {{"epoch", c.epoch},
                                 {"votes", votes_received_},
                                 {"candidate", config_.node_id}});
                break;
            }
            case K::Resigned:
                fail_pending("leadership lost");
                events_.publish(EventKind::ControllerResigned, NodeRef::controller(config_.node_id),
                                label_ + " stepped down as leader of epoch " +
                                    std::to_string(c.epoch) +
                                    (c.reason.empty() ? "" : ": " + c.reason),
                                {{"epoch", c.epoch}, {"reason", c.reason}});
                break;
            case K::RoleChanged: {
                if (node.role() != raft::Role::Leader) fail_pending("leadership lost");
                const auto now =
                    std::make_tuple(static_cast<int>(node.role()), node.epoch(), node.leader());
                if (now == reported_quorum_) break;
                reported_quorum_ = now;
                events_.publish(
                    EventKind::QuorumChanged, NodeRef::controller(config_.node_id),
                    label_ + " is " + std::string(raft::role_name(node.role())) + " in epoch " +
                        std::to_string(node.epoch()) +
                        (node.leader() >= 0 ? ", leader " + std::to_string(node.leader()) : ""),
                    {{"role", raft::role_name(node.role())},
                     {"epoch", node.epoch()},
                     {"leader", node.leader()}});
                break;
            }
            case K::Truncated:
                events_.publish(EventKind::MetadataTruncated, NodeRef::controller(config_.node_id),
                                label_ + " cut its metadata log at offset " +
                                    std::to_string(c.offset) + " to match the leader" +
                                    (c.reason.empty() ? "" : ": " + c.reason),
                                {{"offset", c.offset}, {"epoch", c.epoch}});
                break;
            case K::VoteRejected:
            case K::VoteCast:
            case K::ElectionLost:
            case K::HighWatermark:
                break;  // voters report their votes themselves; the others are in snapshots
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The active controller

bool ControllerNode::is_active() const {
    if (!driver_) return false;
    const auto& node = driver_->node();
    // A new leader serves once its own first entry is committed: its image then holds every
    // record any earlier leader committed.
    return node.role() == raft::Role::Leader && leader_start_offset_ >= 0 &&
           node.high_watermark() >= leader_start_offset_ && applied_end_ >= node.high_watermark();
}

std::shared_ptr<const metadata::MetadataImage> ControllerNode::working_image() const {
    // The committed image plus this leader's proposals still in flight.
    const auto& node = driver_->node();
    const std::int64_t from = applied_end_;
    if (from >= node.log_end_offset()) return image_;
    metadata::MetadataDelta delta(image_);
    for (const auto& e : node.entries(from, node.log_end_offset())) {
        for (std::size_t i = 0; i < e.records.size(); ++i) {
            const std::int64_t offset = e.base_offset + static_cast<std::int64_t>(i);
            if (offset < from) continue;
            if (auto record = metadata::decode_record(e.records[i])) delta.apply(*record, offset);
        }
    }
    return delta.build();
}

net::awaitable<bool> ControllerNode::commit(std::vector<MetadataRecord> records,
                                            std::string cause) {
    if (records.empty()) co_return true;
    std::vector<Bytes> encoded;
    encoded.reserve(records.size());
    for (const auto& r : records)
        encoded.push_back(metadata::encode_record(r));
    const auto count = static_cast<std::int64_t>(encoded.size());
    auto base = driver_->node().propose(std::move(encoded), driver_->now_ms());
    if (!base) co_return false;
    if (!cause.empty()) causes_[*base] = std::move(cause);
    net::LabTimer timer(*io_, std::chrono::milliseconds(kCommitTimeoutMs));
    Pending pending;
    pending.last_offset = *base + count - 1;
    pending.timer = &timer;
    pending_.push_back(&pending);
    driver_->process();
    if (!pending.done) {
        net::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    std::erase(pending_, &pending);
    co_return pending.committed;
}

net::awaitable<void> ControllerNode::duty_loop() {
    while (!stopping_) {
        duty_timer_->expires_after(std::chrono::milliseconds(100));
        net::error_code ec;
        co_await duty_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping_) co_return;
        if (!is_active()) continue;
        // Fence every broker whose session expired: no heartbeat for broker.session.timeout.ms.
        const auto expired = sessions_.expired(*working_image(), driver_->now_ms());
        for (const auto& e : expired) {
            // Each fencing is decided on the image that includes the previous one.
            auto records = metadata::fence_broker(*working_image(), e.broker_id);
            std::string cause = "broker " + std::to_string(e.broker_id) + ": " + e.reason;
            co_await commit(std::move(records), std::move(cause));
            if (stopping_ || !is_active()) break;
        }
        if (stopping_ || !is_active()) continue;
        // Preferred leaders back (Kafka's auto.leader.rebalance.enable, checked every
        // leader.imbalance.check.interval.seconds, 300 s; the lab checks every second): a
        // returning broker leads again once its leader has taken it back into the ISR.
        if (++duty_ticks_ % 10 == 0) {
            auto preferred = metadata::elect_preferred_leaders(*working_image());
            if (!preferred.empty()) {
                co_await commit(std::move(preferred),
                                "preferred leaders are back in the ISR and lead again");
            }
        }
    }
}

net::awaitable<Bytes> ControllerNode::handle_registration(std::int16_t version, Reader& body) {
    protocol::BrokerRegistrationRequest req;
    protocol::BrokerRegistrationResponse resp;
    if (!req.decode(body, version)) {
        resp.error_code = to_wire(ErrorCode::INVALID_REQUEST);
        co_return encode(resp, version);
    }
    if (!is_active()) {
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        co_return encode(resp, version);
    }
    if (req.cluster_id != config_.cluster_id) {
        resp.error_code = to_wire(ErrorCode::INCONSISTENT_CLUSTER_ID);
        co_return encode(resp, version);
    }
    auto img = working_image();
    // Another process may still hold this id: until its session expires, refuse (Kafka's
    // DUPLICATE_BROKER_REGISTRATION); a broker that restarts waits for its old session.
    const auto check =
        sessions_.check_registration(*img, req.broker_id, req.incarnation_id, driver_->now_ms());
    using Registration = metadata::BrokerSessions::Registration;
    if (check.kind == Registration::Kind::Duplicate) {
        resp.error_code = to_wire(ErrorCode::DUPLICATE_BROKER_REGISTRATION);
        co_return encode(resp, version);
    }
    if (check.kind == Registration::Kind::Retry) {
        resp.broker_epoch = check.broker_epoch;  // a retried registration
        co_return encode(resp, version);
    }
    std::string host = req.listeners.empty() ? config_.host : req.listeners.front().host;
    std::uint16_t port = req.listeners.empty() ? 0 : req.listeners.front().port;
    // The old life's session expired but is not fenced yet: fence it first, in the same records.
    std::vector<MetadataRecord> records;
    if (check.fence_first) records = metadata::fence_broker(*img, req.broker_id);
    const auto fence_count = static_cast<std::int64_t>(records.size());
    auto registration =
        metadata::register_broker(*img, req.broker_id, req.incarnation_id, host, port,
                                  req.rack && !req.rack->empty() ? req.rack : std::nullopt);
    // As in Kafka, the broker epoch is the offset the RegisterBroker record lands at (the
    // proposal below follows with no suspension point in between).
    auto& reg = std::get<metadata::RegisterBrokerRecord>(registration.front());
    reg.broker_epoch = std::max(reg.broker_epoch, driver_->node().log_end_offset() + fence_count);
    const auto epoch = reg.broker_epoch;
    records.insert(records.end(), registration.begin(), registration.end());
    sessions_.registered(req.broker_id, driver_->now_ms());
    if (!co_await commit(std::move(records), "")) {
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        co_return encode(resp, version);
    }
    resp.broker_epoch = epoch;
    co_return encode(resp, version);
}

net::awaitable<Bytes> ControllerNode::handle_heartbeat(std::int16_t version, Reader& body) {
    protocol::BrokerHeartbeatRequest req;
    protocol::BrokerHeartbeatResponse resp;
    if (!req.decode(body, version)) {
        resp.error_code = to_wire(ErrorCode::INVALID_REQUEST);
        co_return encode(resp, version);
    }
    if (!is_active()) {
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        co_return encode(resp, version);
    }
    auto img = working_image();
    metadata::BrokerSessions::Heartbeat hb;
    hb.broker_id = req.broker_id;
    hb.broker_epoch = req.broker_epoch;
    hb.current_metadata_offset = req.current_metadata_offset;
    hb.want_fence = req.want_fence;
    hb.want_shut_down = req.want_shut_down;
    const auto verdict = sessions_.heartbeat(*img, hb, driver_->now_ms());
    if (verdict.error != ErrorCode::NONE) {
        resp.error_code = to_wire(verdict.error);
        co_return encode(resp, version);
    }
    resp.is_caught_up = verdict.caught_up;
    resp.is_fenced = verdict.fenced;
    using Action = metadata::BrokerSessions::Action;
    auto records = metadata::heartbeat_records(*img, req.broker_id, verdict.action);
    if (req.want_shut_down || req.want_fence) {
        // Controlled shutdown: leadership moves away before the broker stops. A failed log
        // directory: its leaderships move now, and it is not unfenced while it keeps asking.
        if (verdict.action == Action::Fence) co_await commit(std::move(records), verdict.reason);
        auto after = working_image();
        const auto* now_b = after->broker(req.broker_id);
        resp.is_fenced = !now_b || now_b->fenced;
        if (req.want_shut_down) resp.should_shut_down = resp.is_fenced;
    } else if (verdict.action == Action::Unfence) {
        // Answered at once: the broker sees itself unfenced in its metadata, and in the next
        // answer.
        asio::co_spawn(
            *io_,
            [this, records = std::move(records), cause = verdict.reason]() mutable
            -> net::awaitable<void> { co_await commit(std::move(records), std::move(cause)); },
            asio::detached);
    }
    co_return encode(resp, version);
}

net::awaitable<Bytes> ControllerNode::handle_alter_partition(std::int16_t version, Reader& body) {
    protocol::AlterPartitionRequest req;
    if (!req.decode(body, version)) co_return Bytes{};
    protocol::AlterPartitionResponse resp;
    if (!is_active()) {
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        co_return encode(resp, version);
    }
    auto result = metadata::alter_partition(*working_image(), req, version);
    // The leader's reasons (a follower fell behind, one caught up) are not in the protocol: the
    // events say what changed, and who asked.
    const std::string cause = "leader " + std::to_string(req.broker_id) + " asked";
    if (!result.records.empty() && !co_await commit(std::move(result.records), cause)) {
        // Not committed: the leader retries with whichever controller is active then.
        resp = {};
        resp.error_code = to_wire(ErrorCode::NOT_CONTROLLER);
        co_return encode(resp, version);
    }
    co_return encode(result.response, version);
}

net::awaitable<Bytes> ControllerNode::handle_create_topics(std::int16_t version, Reader& body) {
    protocol::CreateTopicsRequest req;
    protocol::CreateTopicsResponse resp;
    if (!req.decode(body, version)) co_return Bytes{};
    auto answer_all = [&](ErrorCode code, const std::string& message) {
        for (const auto& t : req.topics) {
            protocol::CreateTopicsResponse::CreatableTopicResult r;
            r.name = t.name;
            r.error_code = to_wire(code);
            r.error_message = message;
            resp.topics.push_back(r);
        }
        return encode(resp, version);
    };
    if (!is_active())
        co_return answer_all(ErrorCode::NOT_CONTROLLER, label_ + " is not the active controller");
    std::vector<metadata::NewTopic> topics;
    for (const auto& t : req.topics) {
        metadata::NewTopic n;
        n.name = t.name;
        n.num_partitions = t.num_partitions;
        n.replication_factor = t.replication_factor;
        for (const auto& a : t.assignments)
            n.assignments.emplace_back(a.partition_index, a.broker_ids);
        for (const auto& c : t.configs)
            n.configs.emplace_back(c.name, c.value);
        topics.push_back(std::move(n));
    }
    auto result =
        metadata::create_topics(*working_image(), topics, config_.defaults, req.validate_only);
    if (!result.records.empty() && !co_await commit(std::move(result.records), "")) {
        co_return answer_all(ErrorCode::NOT_CONTROLLER,
                             label_ + " lost its leadership before the topics were committed");
    }
    for (const auto& r : result.response) {
        protocol::CreateTopicsResponse::CreatableTopicResult out;
        out.name = r.name;
        out.error_code = to_wire(r.error);
        out.error_message = r.error == ErrorCode::NONE ? std::nullopt : std::optional(r.message);
        resp.topics.push_back(out);
    }
    co_return encode(resp, version);
}

net::awaitable<Bytes> ControllerNode::handle_delete_topics(std::int16_t version, Reader& body) {
    protocol::DeleteTopicsRequest req;
    protocol::DeleteTopicsResponse resp;
    if (!req.decode(body, version)) co_return Bytes{};
    if (!is_active()) {
        for (const auto& n : req.topic_names)
            resp.responses.push_back({n, to_wire(ErrorCode::NOT_CONTROLLER)});
        co_return encode(resp, version);
    }
    auto result = metadata::delete_topics(*working_image(), req.topic_names);
    const bool committed = result.records.empty() || co_await commit(std::move(result.records), "");
    for (const auto& r : result.response) {
        resp.responses.push_back(
            {r.name, to_wire(committed ? r.error : ErrorCode::NOT_CONTROLLER)});
    }
    co_return encode(resp, version);
}

net::awaitable<Bytes> ControllerNode::handle_incremental_alter_configs(std::int16_t version,
                                                                       Reader& body) {
    using protocol::ConfigOperation;
    protocol::IncrementalAlterConfigsRequest req;
    if (!req.decode(body, version)) co_return Bytes{};
    protocol::IncrementalAlterConfigsResponse resp;
    for (const auto& r : req.resources)
        resp.responses.push_back({0, std::nullopt, r.resource_type, r.resource_name});
    auto fail = [&](std::size_t i, ErrorCode code, std::string message) {
        resp.responses[i].error_code = to_wire(code);
        resp.responses[i].error_message = std::move(message);
    };
    if (!is_active()) {
        for (std::size_t i = 0; i < req.resources.size(); ++i)
            fail(i, ErrorCode::NOT_CONTROLLER, label_ + " is not the active controller");
        co_return encode(resp, version);
    }
    // Each resource is decided on the image that includes the ones before it; all accepted
    // changes are committed together.
    auto img = working_image();
    std::vector<MetadataRecord> records;
    std::vector<std::size_t> accepted;
    std::string what;
    for (std::size_t i = 0; i < req.resources.size(); ++i) {
        const auto& r = req.resources[i];
        if (r.resource_type != protocol::kConfigResourceTopic) {
            fail(i, ErrorCode::INVALID_REQUEST,
                 "the lab keeps topic configs only, not configs of resource type " +
                     std::to_string(r.resource_type));
            continue;
        }
        std::vector<std::pair<std::string, std::optional<std::string>>> changes;
        std::string problem;
        for (const auto& c : r.configs) {
            const auto op = static_cast<ConfigOperation>(c.config_operation);
            if (std::any_of(changes.begin(), changes.end(),
                            [&](const auto& seen) { return seen.first == c.name; })) {
                problem = c.name + " is changed twice in one request";
            } else if (op == ConfigOperation::Set && !c.value) {
                problem = "setting " + c.name + " needs a value";
            } else if (op == ConfigOperation::Set) {
                changes.emplace_back(c.name, c.value);
            } else if (op == ConfigOperation::Delete) {
                changes.emplace_back(c.name, std::nullopt);
            } else if (op == ConfigOperation::Append || op == ConfigOperation::Subtract) {
                problem = "APPEND and SUBTRACT change list configs; " + c.name +
                          " is not one (use SET or DELETE)";
            } else {
                problem = "unknown config operation " + std::to_string(c.config_operation);
            }
            if (!problem.empty()) break;
        }
        if (!problem.empty()) {
            fail(i, ErrorCode::INVALID_REQUEST, problem);
            continue;
        }
        auto result = metadata::alter_topic_configs(*img, r.resource_name, changes);
        if (result.response.error != ErrorCode::NONE) {
            fail(i, result.response.error, result.response.message);
            continue;
        }
        if (req.validate_only) continue;
        for (const auto& [key, value] : changes) {
            what += (what.empty() ? "" : ", ") + r.resource_name + " " + key +
                    (value ? "=" + *value : " back to its default");
        }
        img = metadata::replay(img, result.records, img->offset() + 1);
        records.insert(records.end(), result.records.begin(), result.records.end());
        accepted.push_back(i);
    }
    if (!records.empty() && !co_await commit(std::move(records), "configs changed: " + what)) {
        for (auto i : accepted) {
            fail(i, ErrorCode::NOT_CONTROLLER,
                 label_ + " lost its leadership before the change was committed");
        }
    }
    co_return encode(resp, version);
}

net::awaitable<net::ServerReply> ControllerNode::serve(const protocol::RequestHeader& h,
                                                       Reader& body, net::SessionInfo& session) {
    if (auto reply = sasl_->intercept(h, body, session)) co_return std::move(*reply);
    const auto key = h.key();
    if (key == ApiKey::ApiVersions) {
        if (!supported(h.api_key, h.api_version)) {
            co_return net::ServerReply::respond(
                api_versions_body(0, ErrorCode::UNSUPPORTED_VERSION), 0);
        }
        protocol::ApiVersionsRequest req;
        if (!req.decode(body, h.api_version))
            co_return net::ServerReply::close("malformed ApiVersions request");
        co_return net::ServerReply::respond(api_versions_body(h.api_version, ErrorCode::NONE), 0);
    }
    if (!supported(h.api_key, h.api_version)) {
        co_return net::ServerReply::respond(api_versions_body(0, ErrorCode::UNSUPPORTED_VERSION),
                                            0);
    }
    const auto header_version = protocol::response_header_version(key, h.api_version);
    Bytes out;
    switch (key) {
        case ApiKey::Vote:
        case ApiKey::BeginQuorumEpoch:
        case ApiKey::EndQuorumEpoch:
        case ApiKey::Fetch:
            out = co_await driver_->serve(key, h.api_version, body);
            break;
        case ApiKey::BrokerRegistration:
            out = co_await handle_registration(h.api_version, body);
            break;
        case ApiKey::BrokerHeartbeat:
            out = co_await handle_heartbeat(h.api_version, body);
            break;
        case ApiKey::AlterPartition:
            out = co_await handle_alter_partition(h.api_version, body);
            break;
        case ApiKey::CreateTopics:
            out = co_await handle_create_topics(h.api_version, body);
            break;
        case ApiKey::DeleteTopics:
            out = co_await handle_delete_topics(h.api_version, body);
            break;
        case ApiKey::IncrementalAlterConfigs:
            out = co_await handle_incremental_alter_configs(h.api_version, body);
            break;
        case ApiKey::CreatePartitions:
            out = co_await handle_create_partitions(h.api_version, body);
            break;
        case ApiKey::ElectLeaders:
            out = co_await handle_elect_leaders(h.api_version, body);
            break;
        case ApiKey::AlterPartitionReassignments:
            out = co_await handle_alter_partition_reassignments(h.api_version, body);
            break;
        case ApiKey::AllocateProducerIds:
            out = co_await handle_allocate_producer_ids(h.api_version, body);
            break;
        default:
            co_return net::ServerReply::respond(
                api_versions_body(0, ErrorCode::UNSUPPORTED_VERSION), 0);
    }
    if (stopping_) co_return net::ServerReply::silent();
    if (out.empty())
        co_return net::ServerReply::close("malformed " +
                                          std::string(protocol::api_name(h.api_key)) + " request");
    co_return net::ServerReply::respond(std::move(out), header_version);
}

// ---------------------------------------------------------------------------------------------
// Snapshots

net::awaitable<void> ControllerNode::snapshot_loop() {
    while (!stopping_) {
        publish_snapshot();
        snapshot_timer_->expires_after(std::chrono::milliseconds(config_.snapshot_interval_ms));
        net::error_code ec;
        co_await snapshot_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void ControllerNode::publish_snapshot() {
    const auto& node = driver_->node();
    auto s = std::make_shared<core::ControllerSnapshot>();
    s->id = config_.node_id;
    s->up = true;
    s->host = config_.host;
    s->port = port_;
    s->time_ms = core::now_unix_ms();
    s->role = std::string(raft::role_name(node.role()));
    s->epoch = node.epoch();
    s->leader = node.leader();
    s->voted_for = node.voted_for();
    s->log_end_offset = node.log_end_offset();
    s->high_watermark = node.high_watermark();
    s->applied_offset = image_->offset();
    s->active = is_active();
    s->election_timeout_ms = config_.election_timeout_ms;
    s->fetch_timeout_ms = config_.fetch_timeout_ms;
    if (node.role() == raft::Role::Leader) {
        for (const auto& [id, offset] : node.follower_offsets()) {
            const bool voter = std::any_of(config_.voters.begin(), config_.voters.end(),
                                           [&](const auto& v) { return v.id == id; });
            s->followers.push_back({id, offset, voter});
        }
    }
    if (s->active) {
        const std::int64_t now = driver_->now_ms();
        for (const auto& [id, b] : image_->brokers()) {
            s->brokers.push_back({id, sessions_.silent_ms(id, now), b.fenced});
        }
    }
    snapshots_.publish(std::move(s));
}

}  // namespace kraftlab::controller
