#include "broker/broker.h"

// g++ 12 reports -Wmismatched-new-delete for Asio's coroutine frames once a coroutine grows large
// enough (the dispatch switch below); the frame is allocated and freed by Asio's own operators,
// so the warning is a false positive (GCC bug 104075 family).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <chrono>
#include <future>

#include "broker/api_support.h"
#include "core/thread_name.h"
#include "net/frame_io.h"
#include "net/lab_timer.h"
#include "protocol/api_versions.h"

namespace kraftlab::broker {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;
using net::error_code;
using net::tcp;
using protocol::Bytes;
using protocol::Reader;
using protocol::RequestHeader;
using protocol::Writer;

namespace {
// How long stop() waits for the node thread to end before it says the stop hung.
constexpr auto kStopGrace = std::chrono::seconds(5);
}  // namespace

Broker::Broker(BrokerConfig config, core::EventBus& events, core::SnapshotBoard& snapshots)
    : config_(std::move(config)),
      events_(events),
      snapshots_(snapshots),
      image_(metadata::MetadataImage::empty()) {}

Broker::~Broker() {
    if (running_) kill();
}

std::optional<std::string> Broker::start() {
    core::ClockBinding on_lab_time(config_.clock);
    io_ = std::make_unique<asio::io_context>(1);
    mailbox_ = core::Mailbox::create(io_->get_executor());

    net::KafkaServer::Options server_options;
    server_options.max_request_bytes = config_.socket_request_max_bytes;
    server_options.max_connections = config_.max_connections;
    server_options.queued_max_request_bytes = config_.queued_max_request_bytes;
    server_options.connections_max_idle_ms = config_.connections_max_idle_ms;
    if (config_.network) {
        server_options.network = config_.network;
        server_options.node = config_.network->node(core::NodeRef::broker(config_.node_id).label());
    }
    // SASL PLAIN: the lab's nodes authenticate with the per-lab secret (replica fetchers, forwarded
    // produces); clients stay on PLAINTEXT unless the lab requires a client user.
    net::SaslGate::Options sasl;
    if (auto node = net::lab_node_credentials(config_.lab_secret)) sasl.users.push_back(*node);
    if (config_.client_sasl) {
        sasl.required = true;
        sasl.users.push_back(*config_.client_sasl);
        server_options.max_unauthenticated_connections = config_.max_unauthenticated_connections;
        server_options.authentication_timeout_ms = config_.sasl_authentication_timeout_ms;
    }
    sasl.on_refused = [this](const net::SessionInfo& s, const std::string& why) {
        reject_client(s, "its SASL authentication was refused: " + why);
    };
    sasl_ = std::make_unique<net::SaslGate>(std::move(sasl));
    server_ = std::make_unique<net::KafkaServer>(
        *io_, server_options,
        [this](const RequestHeader& h, Reader& body, net::SessionInfo& s) {
            return serve(h, body, s);
        },
        [this](const net::SessionInfo& s, const std::string& why) { reject_client(s, why); });
    if (auto error = server_->listen(config_.host, config_.port)) {
        server_.reset();
        mailbox_->close();
        waker_.reset();
        io_.reset();
        return "broker " + std::to_string(config_.node_id) + " " + *error;
    }
    port_ = server_->port();

    // The topic's max.message.bytes is what a produce is held to (handle_produce.cpp); the log
    // itself only refuses what could never have arrived (a batch comes in one request), so that
    // a follower copies whatever its leader accepted, even after the topic lowered its limit.
    auto log_config = config_.log;
    log_config.max_batch_bytes =
        std::max(log_config.max_batch_bytes,
                 std::min(config_.socket_request_max_bytes, std::size_t{1} << 31));
    logs_ = std::make_unique<LogManager>(config_.data_dir, log_config, config_.node_id, events_);
    logs_->load_existing();

    // The metadata log, followed as an observer of the controller quorum: the broker learns
    // every topic, leader and broker from it.
    raft::Config observer;
    observer.id = config_.node_id;
    for (const auto& c : config_.controllers)
        observer.voters.push_back(c.id);
    observer.random_seed = static_cast<std::uint64_t>(config_.node_id) * 7919 + 1;
    raft::RaftDriver::Hooks hooks;
    hooks.apply = [this](const std::vector<raft::Entry>& committed) {
        std::vector<IndexedRecord> records;
        for (const auto& e : committed) {
            metadata_applied_end_ = std::max(
                metadata_applied_end_, e.base_offset + static_cast<std::int64_t>(e.records.size()));
            for (std::size_t i = 0; i < e.records.size(); ++i) {
                // The leader's epoch marker and record types this lab does not know are skipped.
                if (auto r = metadata::decode_record(e.records[i])) {
                    records.emplace_back(e.base_offset + static_cast<std::int64_t>(i),
                                         std::move(*r));
                }
            }
        }
        if (!records.empty()) apply_metadata(records);
    };
    raft::RaftDriver::Options fetch_options;
    fetch_options.cluster_id = config_.cluster_id;
    fetch_options.client_id = "broker-" + std::to_string(config_.node_id);
    fetch_options.sasl = net::lab_node_credentials(config_.lab_secret);
    fetch_options.network = config_.network;
    fetch_options.node_name = core::NodeRef::broker(config_.node_id).label();
    metadata_fetcher_ = std::make_unique<raft::RaftDriver>(
        *io_, raft::RaftNode(observer, {}, {}, core::LabTime::now_ms()), config_.controllers,
        std::move(hooks), fetch_options);
    std::vector<net::ControllerAddress> controllers;
    for (const auto& c : config_.controllers)
        controllers.push_back({c.id, c.host, c.port});
    controller_client_ = std::make_unique<net::ControllerClient>(
        io_->get_executor(), std::move(controllers), "broker-" + std::to_string(config_.node_id),
        net::lab_node_credentials(config_.lab_secret), config_.network);

    // The components (broker.h lists them), lent what they share; stop() destroys them after
    // the node thread has ended.
    const BrokerContext context{
        config_, events_, *io_, *logs_, image_, stopping_, *controller_client_, *metadata_fetcher_};
    flusher_ = std::make_unique<LogFlusher>(context);
    forwarder_ = std::make_unique<RequestForwarder>(context, metadata_waiters_);
    replica_fetchers_ = std::make_unique<ReplicaFetchers>(
        context, [this](HostedPartition& p) { replica_manager_->persist_epochs(p); });
    replica_manager_ = std::make_unique<ReplicaManager>(
        context, *replica_fetchers_, [this] { return lifecycle_->broker_epoch(); });
    producer_ids_ =
        std::make_unique<ProducerIdManager>(context, [this] { return lifecycle_->broker_epoch(); });
    lifecycle_ = std::make_unique<BrokerLifecycle>(context, port_, [this] {
        flusher_->check_failed_logs();
        return !flusher_->log_dir_failure().empty();
    });
    snapshot_timer_ = std::make_unique<net::LabTimer>(*io_);
    server_->start();
    metadata_fetcher_->start();
    asio::co_spawn(*io_, snapshot_loop(), asio::detached);
    lifecycle_->start();
    replica_manager_->start();
    start_group_coordinator();
    flusher_->start();
    if (config_.clock) waker_ = std::make_unique<net::ClockWaker>(*io_, *config_.clock, &gate_);
    running_ = true;
    thread_ = std::thread([this] {
        core::ClockBinding on_lab_time(config_.clock);
        core::name_this_thread("broker-" + std::to_string(config_.node_id));
        io_->run();
    });
    return std::nullopt;
}

void Broker::hold(core::NodeGate::Reason reason, bool held) {
    if (!running_.load() || !io_) return;
    if (held) {
        gate_.close(reason, io_->get_executor());
    } else {
        gate_.open(reason);
    }
}

void Broker::kill(CrashMode mode) {
    crash_mode_ = mode;
    stop(false);
}
void Broker::shutdown() {
    stop(true);
}

void Broker::stop(bool orderly) {
    if (!running_.load()) return;
    gate_.open_for_stop();  // a frozen node stops too
    if (orderly) {
        // Controlled shutdown (BrokerLifecycle::controlled_shutdown), so that a restart
        // registers at once instead of waiting for the old session to expire. Best effort: a
        // quorum without a leader is not waited for beyond a second.
        auto answered = std::make_shared<std::promise<void>>();
        auto future = answered->get_future();
        asio::co_spawn(
            *io_,
            [this, answered]() -> net::awaitable<void> {
                co_await lifecycle_->controlled_shutdown();
                answered->set_value();
            },
            asio::detached);
        future.wait_for(std::chrono::milliseconds(1500));
    }
    if (!running_.exchange(false)) return;
    mailbox_->close();
    asio::post(*io_, [this, orderly] {
        stopping_ = true;
        server_->stop(orderly);
        metadata_waiters_.wake();
        replica_manager_->stop();
        groups_->stop();
        snapshot_timer_->cancel();
        lifecycle_->stop();
        flusher_->stop();
        metadata_fetcher_->stop();
        controller_client_->close();
        forwarder_->stop();
        producer_ids_->stop();
        replica_fetchers_->stop();
    });
    // Every coroutine sees stopping_ and ends; run() then returns. A coroutine that still waits
    // (a connection nobody closed, a wait nobody cancels) is a bug: the grace period turns it
    // into a forced stop instead of a hang, and says so (tests fail on it: lab_process.cpp).
    auto done = std::async(std::launch::async, [this] { thread_.join(); });
    if (done.wait_for(kStopGrace) != std::future_status::ready) {
        io_->stop();
        done.wait();
        events_.publish(EventKind::NodeFailed, NodeRef::broker(config_.node_id),
                        "broker " + std::to_string(config_.node_id) + " did not stop within " +
                            std::to_string(kStopGrace.count()) +
                            " s (something on its thread still waited), so its thread was stopped",
                        {{"stop_forced", true}});
    }
    flusher_->join();
    if (!orderly && crash_mode_ == CrashMode::PowerLoss) flusher_->lose_unflushed_writes();
    logs_->close_all(orderly);
    metadata_fetcher_.reset();
    controller_client_.reset();
    snapshot_timer_.reset();
    lifecycle_.reset();
    forwarder_.reset();
    producer_ids_.reset();
    replica_manager_.reset();
    replica_fetchers_.reset();
    groups_.reset();
    flusher_.reset();
    server_.reset();
    waker_.reset();
    io_.reset();  // destroys any coroutine frame still pending
    snapshots_.mark_down(config_.node_id);
}

void Broker::set_lifecycle_timeouts(std::int32_t heartbeat_interval_ms,
                                    std::int32_t session_timeout_ms) {
    if (!mailbox_) return;
    mailbox_->post([this, heartbeat_interval_ms, session_timeout_ms] {
        config_.heartbeat_interval_ms = heartbeat_interval_ms;
        config_.session_timeout_ms = session_timeout_ms;
        lifecycle_->interval_changed();  // the next heartbeat goes out on the new interval
    });
}

void Broker::set_flush_interval_ms(std::int64_t flush_interval_ms) {
    if (!mailbox_) return;
    mailbox_->post([this, flush_interval_ms] {
        config_.flush_interval_ms = flush_interval_ms;
        flusher_->interval_changed();
        publish_snapshot();  // the UI shows the new interval at once
    });
}

void Broker::apply_metadata(const std::vector<IndexedRecord>& records) {
    metadata::MetadataDelta delta(image_);
    for (const auto& [offset, record] : records) {
        if (offset <= image_->offset()) continue;
        std::string why;
        if (!delta.apply(record, offset, &why)) {
            events_.publish(EventKind::CommandFailed, NodeRef::broker(config_.node_id),
                            "broker " + std::to_string(config_.node_id) +
                                " skipped metadata record at offset " + std::to_string(offset) +
                                " (" + metadata::describe(record) + "): " + why);
        }
    }
    image_ = delta.build();
    metadata_offset_ = image_->offset();
    metadata_ready_ = true;
    // Caught up: every record the quorum had committed when this batch came is in the image, so
    // a log the image does not know is truly unknown to the cluster (a stray), not yet to come.
    const std::int64_t hw = metadata_fetcher_->node().high_watermark();
    logs_->reconcile(*image_, hw > 0 && metadata_applied_end_ >= hw);
    replica_manager_->reconcile();
    update_group_coordinator();
    metadata_waiters_.wake();
    // A partition this broker now leads may have fetches parked on it.
    replica_manager_->notify_appended();
    publish_snapshot();
}

// ---------------------------------------------------------------------------------------------
// Connections

void Broker::reject_client(const net::SessionInfo& session, const std::string& explain) {
    nlohmann::json data = {{"peer", session.peer}};
    if (session.client_id) data["client_id"] = *session.client_id;
    events_.publish(EventKind::ClientRejected, NodeRef::broker(config_.node_id),
                    "broker " + std::to_string(config_.node_id) + " closed the connection from " +
                        session.peer + ": " + explain,
                    std::move(data));
}

void Broker::refuse_follower_request(std::string_view api, std::int32_t replica_id) {
    events_.publish(EventKind::ClientRejected, NodeRef::broker(config_.node_id),
                    "broker " + std::to_string(config_.node_id) + " refused a follower " +
                        std::string(api) + " claiming replica " + std::to_string(replica_id) +
                        " (TOPIC_AUTHORIZATION_FAILED): the connection is not authenticated as a "
                        "lab node",
                    {{"replica_id", replica_id}});
}

net::awaitable<net::ServerReply> Broker::serve(const RequestHeader& header, Reader& body,
                                               net::SessionInfo& session) {
    if (auto reply = sasl_->intercept(header, body, session)) co_return std::move(*reply);
    Reply reply = co_await dispatch(header, body, session);
    switch (reply.action) {
        case Reply::Action::Silent:
            co_return net::ServerReply::silent();
        case Reply::Action::Close:
            co_return net::ServerReply::close(std::move(reply.close_reason));
        case Reply::Action::Respond:
            break;
    }
    // An unsupported API or version is answered in ApiVersions v0's format, header v0.
    const std::int16_t header_version =
        is_supported(header.api_key, header.api_version)
            ? protocol::response_header_version(header.key(), header.api_version)
            : 0;
    co_return net::ServerReply::respond(std::move(reply.body), header_version);
}

Bytes Broker::unsupported_version_body() const {
    protocol::ApiVersionsResponse response;
    response.error_code = protocol::to_wire(protocol::ErrorCode::UNSUPPORTED_VERSION);
    for (const auto& api : supported_apis()) {
        response.api_keys.push_back({protocol::to_wire(api.key), api.min_version, api.max_version});
    }
    Bytes body;
    Writer w(body);
    response.encode(w, 0);
    return body;
}

net::awaitable<Broker::Reply> Broker::dispatch(const RequestHeader& header, Reader& body,
                                               net::SessionInfo& session) {
    using protocol::ApiKey;
    if (header.key() == ApiKey::ApiVersions) co_return co_await handle_api_versions(header, body);
    if (!is_supported(header.api_key, header.api_version)) {
        auto range = supported_range(header.api_key);
        std::string what = std::string(protocol::api_name(header.api_key)) + " v" +
                           std::to_string(header.api_version);
        nlohmann::json data = {{"api_key", header.api_key},
                               {"api_version", header.api_version},
                               {"peer", session.peer}};
        events_.publish(EventKind::ClientRejected, NodeRef::broker(config_.node_id),
                        "broker " + std::to_string(config_.node_id) + " answered " + what +
                            " (api key " + std::to_string(header.api_key) +
                            ") with UNSUPPORTED_VERSION: " +
                            (range ? "it speaks v" + std::to_string(range->min_version) + "-" +
                                         std::to_string(range->max_version)
                                   : std::string("it does not implement this API")),
                        std::move(data));
        co_return Reply::respond(unsupported_version_body());
    }
    switch (header.key()) {
        case ApiKey::Metadata:
            co_return co_await handle_metadata(header, body);
        case ApiKey::Produce:
            co_return co_await handle_produce(header, body, session);
        case ApiKey::Fetch:
            co_return co_await handle_fetch(header, body, net::SaslGate::is_lab_node(session),
                                            session);
        case ApiKey::ListOffsets:
            co_return co_await handle_list_offsets(header, body);
        case ApiKey::FindCoordinator:
            co_return co_await handle_find_coordinator(header, body);
        case ApiKey::CreateTopics:
            co_return co_await handle_create_topics(header, body);
        case ApiKey::DeleteTopics:
            co_return co_await handle_delete_topics(header, body);
        case ApiKey::OffsetForLeaderEpoch:
            co_return co_await handle_offset_for_leader_epoch(header, body,
                                                              net::SaslGate::is_lab_node(session));
        case ApiKey::IncrementalAlterConfigs:
            co_return co_await handle_incremental_alter_configs(header, body);
        case ApiKey::DescribeConfigs:
            co_return co_await handle_describe_configs(header, body);
        case ApiKey::AlterConfigs:
            co_return co_await handle_alter_configs(header, body);
        case ApiKey::CreatePartitions:
            co_return co_await handle_create_partitions(header, body);
        case ApiKey::ElectLeaders:
            co_return co_await handle_elect_leaders(header, body);
        case ApiKey::AlterPartitionReassignments:
            co_return co_await handle_alter_partition_reassignments(header, body);
        case ApiKey::ListPartitionReassignments:
            co_return co_await handle_list_partition_reassignments(header, body);
        case ApiKey::DescribeCluster:
            co_return co_await handle_describe_cluster(header, body);
        case ApiKey::DescribeLogDirs:
            co_return co_await handle_describe_log_dirs(header, body);
        case ApiKey::DeleteRecords:
            co_return co_await handle_delete_records(header, body);
        case ApiKey::InitProducerId:
            co_return co_await handle_init_producer_id(header, body);
        case ApiKey::JoinGroup:
            co_return co_await handle_join_group(header, body, session);
        case ApiKey::SyncGroup:
            co_return co_await handle_sync_group(header, body);
        case ApiKey::Heartbeat:
            co_return co_await handle_heartbeat(header, body);
        case ApiKey::LeaveGroup:
            co_return co_await handle_leave_group(header, body);
        case ApiKey::OffsetCommit:
            co_return co_await handle_offset_commit(header, body);
        case ApiKey::OffsetFetch:
            co_return co_await handle_offset_fetch(header, body);
        case ApiKey::OffsetDelete:
            co_return co_await handle_offset_delete(header, body);
        case ApiKey::DescribeGroups:
            co_return co_await handle_describe_groups(header, body);
        case ApiKey::ListGroups:
            co_return co_await handle_list_groups(header, body);
        case ApiKey::DeleteGroups:
            co_return co_await handle_delete_groups(header, body);
        default:
            co_return Reply::respond(unsupported_version_body());
    }
}

// ---------------------------------------------------------------------------------------------
// Snapshots

net::awaitable<void> Broker::snapshot_loop() {
    while (!stopping_) {
        publish_snapshot();
        snapshot_timer_->expires_after(std::chrono::milliseconds(config_.snapshot_interval_ms));
        error_code ec;
        co_await snapshot_timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void Broker::publish_snapshot() {
    auto s = std::make_shared<core::BrokerSnapshot>();
    s->seq_begin = core::next_snapshot_seq();
    s->id = config_.node_id;
    s->up = true;
    s->host = config_.host;
    s->port = port_;
    s->time_ms = core::now_unix_ms();
    s->lab_ms = core::LabTime::now_ms();
    s->metadata_offset = image_->offset();
    s->connections = server_->connections();
    s->requests_total = server_->requests_total();
    s->produce_requests_total = produce_requests_total_;
    s->fetch_requests_total = fetch_requests_total_;
    forwarder_->fill_snapshot(*s);
    s->groups = groups_->snapshot();
    s->bytes_received_total = server_->bytes_received_total();
    s->bytes_sent_total = server_->bytes_sent_total();
    s->broker_epoch = lifecycle_->broker_epoch();
    if (const auto* me = image_->broker(config_.node_id)) s->fenced = me->fenced;
    s->active_controller = lifecycle_->active_controller();
    s->last_heartbeat_ack_ms = lifecycle_->last_heartbeat_ack_ms();
    s->last_heartbeat_ack_lab_ms = lifecycle_->last_heartbeat_ack_lab_ms();
    s->heartbeat_interval_ms = config_.heartbeat_interval_ms;
    s->session_timeout_ms = config_.session_timeout_ms;
    s->replica_lag_time_max_ms = config_.replica_lag_time_max_ms;
    s->flush_interval_ms = config_.flush_interval_ms;
    logs_->for_each([&](HostedPartition& p) {
        if (!p.log) return;
        core::PartitionSnapshot ps;
        ps.topic = p.topic;
        ps.partition = p.partition;
        if (const auto* info = image_->partition(p.topic, p.partition)) {
            ps.is_leader = info->leader == config_.node_id;
            ps.leader_epoch = info->leader_epoch;
            ps.leader = info->leader;
            ps.replicas = info->replicas;
            ps.adding_replicas = info->adding_replicas;
            ps.removing_replicas = info->removing_replicas;
            ps.isr = info->isr;
            ps.partition_epoch = info->partition_epoch;
            ps.leader_recovery_state = info->leader_recovery_state;
        }
        ps.log_start_offset = p.log->log_start_offset();
        ps.log_end_offset = p.log->log_end_offset();
        ps.flushed_offset = p.log->flushed_offset();
        ps.high_watermark = p.replica ? p.replica->high_watermark() : ps.log_end_offset;
        if (p.replica && !p.replica->epochs().empty() &&
            p.replica->epochs().entries().back().epoch == ps.leader_epoch)
            ps.epoch_start_offset = p.replica->epochs().entries().back().start_offset;
        if (p.replica && p.replica->role() == replication::Role::Leader) {
            const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 core::LabTime::now().time_since_epoch())
                                 .count();
            for (const auto& f : p.replica->followers()) {
                core::PartitionSnapshot::Follower out;
                out.id = f.id;
                out.log_end_offset = f.log_end_offset;
                out.in_isr = f.in_isr;
                out.caught_up_age_ms = f.last_caught_up_ms > 0 ? now - f.last_caught_up_ms : -1;
                out.fetch_age_ms = f.last_fetch_ms >= 0 ? now - f.last_fetch_ms : -1;
                auto served = p.fetches_served.find(f.id);
                out.fetches_total = served == p.fetches_served.end() ? 0 : served->second;
                ps.followers.push_back(out);
            }
            ps.isr_change_pending = p.replica->isr_change_pending();
        }
        ps.isr_change_reason = p.last_isr_change_reason;
        ps.fetches_to_leader_total = p.fetches_to_leader_total;
        ps.follower_error = p.follower_error;
        ps.size_bytes = p.log->size_bytes();
        ps.segments = p.log->segment_count();
        ps.records_in_total = p.records_in_total;
        ps.bytes_in_total = p.bytes_in_total;
        ps.bytes_out_total = p.bytes_out_total;
        ps.recent_keys = p.recent_keys.keys();
        ps.recent_keys_end_offset = p.recent_keys.end_offset();
        ps.duplicates_prevented_total = p.duplicates_prevented_total;
        ps.idempotent_producers = p.log->producer_state().producers().size();
        s->partitions.push_back(std::move(ps));
    });
    s->seq_end = core::next_snapshot_seq();
    snapshots_.publish(std::move(s));
}

}  // namespace kraftlab::broker
