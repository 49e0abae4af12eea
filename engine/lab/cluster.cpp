#include "lab/cluster.h"
#include "lab/cluster_admin_call.h"

#include "lab/lab_secret.h"

#include "core/lab_clock.h"
#include "core/thread_name.h"
#include "lab/field_rules.h"
#include "protocol/incremental_alter_configs.h"
#include "storage/descriptor_cache.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>

namespace kraftlab::lab {

namespace fs = std::filesystem;
using core::EventKind;
using core::NodeRef;

namespace {

constexpr auto kCommandTimeout = std::chrono::seconds(15);

// The cluster id lives in the session directory so that a lab restarted on the same data keeps
// its identity (Kafka keeps it in meta.properties).
std::string load_or_create_cluster_id(const fs::path& dir) {
    fs::path file = dir / "cluster.id";
    std::ifstream in(file);
    std::string id;
    if (in && std::getline(in, id) && protocol::Uuid::from_base64(id)) return id;
    id = protocol::Uuid::random().to_base64();
    std::ofstream(file, std::ios::trunc) << id << "\n";
    return id;
}

std::string format_rate(double v) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(v < 10 ? 1 : 0);
    s << v;
    return s.str();
}

// The slot of node `id` for a command that needs it running (`want_running`) or stopped;
// nullptr and the reason, in plain words, when the command cannot apply.
template <typename Slots>
typename Slots::mapped_type* command_slot(bool started, Slots& slots, std::int32_t id,
                                          const std::string& kind, bool want_running,
                                          std::string* why) {
    const std::string name = kind + " " + std::to_string(id);
    auto it = slots.find(id);
    if (!started) {
        *why = "the lab is not running";
    } else if (it == slots.end()) {
        *why = "there is no " + name;
    } else if (want_running && !it->second.node) {
        *why = name + " is down";
    } else if (!want_running && it->second.node) {
        *why = name + " is already running";
    } else {
        return &it->second;
    }
    return nullptr;
}

}  // namespace

static_assert(kMaxLabAcks == Cluster::kMaxBrokers, "acks=N goes up to the number of brokers");

Cluster::Cluster(LabConfig config) : config_(std::move(config)), acked_(config_.audit_max_records) {
    events_.set_clock(&clock_);
    events_.set_observer([this](core::EventKind kind) { pause_on_event(kind); });
}

Cluster::~Cluster() {
    stop();
}

std::optional<std::string> Cluster::start() {
    std::lock_guard lock(mutex_);
    if (started_) return "the lab is already running";
    if (auto c = check_field_value(Field::Brokers, config_.brokers); !c.ok) return c.message;
    if (auto c = check_field_value(Field::Controllers, config_.controllers); !c.ok)
        return c.message;
    if (config_.port_base != 0 && config_.port_base + 100 + config_.controllers - 1 > 65535) {
        return "port base " + std::to_string(config_.port_base) +
               " leaves no room for the brokers (" + std::to_string(config_.port_base) +
               "...) and controllers (" + std::to_string(config_.port_base + 100) + "...)";
    }

    // Every replica's log files share one descriptor budget sized from the limit (a desktop's
    // soft limit of 1024 would otherwise bound the lab to a few hundred replicas).
    storage::raise_descriptor_limit();

    std::error_code ec;
    if (config_.data_dir.empty()) {
        std::string pattern = (fs::temp_directory_path(ec) / "kraftlab-XXXXXX").string();
        if (!mkdtemp(pattern.data())) return "cannot create a temporary session directory";
        data_dir_ = pattern;
        temporary_data_dir_ = true;
    } else {
        data_dir_ = fs::absolute(config_.data_dir, ec);
        fs::create_directories(data_dir_, ec);
        if (ec || !fs::is_directory(data_dir_)) {
            return "cannot use '" + config_.data_dir.string() +
                   "' as the data directory: " + ec.message();
        }
    }
    cluster_id_ = load_or_create_cluster_id(data_dir_);
    // A fresh secret per run unless one was given (a test that authenticates as a node).
    if (config_.lab_secret.empty()) config_.lab_secret = generate_lab_secret();
    if (session_start_ms_ == 0) session_start_ms_ = core::now_unix_ms();

    auto fail = [&](std::string why) -> std::optional<std::string> {
        for (auto& [id, s] : brokers_) {
            if (s.node) s.node->shutdown();
        }
        brokers_.clear();
        for (auto& [id, s] : controllers_) {
            if (s.node) s.node->shutdown();
        }
        controllers_.clear();
        return why;
    };

    // Controllers: every one binds first, then each starts knowing the others' addresses.
    for (std::int32_t i = 0; i < config_.controllers; ++i) {
        const std::int32_t id = kFirstControllerId + i;
        ControllerSlot slot;
        slot.config = config_.controller;
        slot.config.node_id = id;
        slot.config.clock = &clock_;
        slot.config.network = config_.lab_network ? &network_ : nullptr;
        network_.node(NodeRef::controller(id).label());
        slot.config.host = config_.host;
        slot.config.port =
            config_.port_base == 0 ? 0 : static_cast<std::uint16_t>(config_.port_base + 100 + i);
        slot.config.data_dir = data_dir_ / ("controller-" + std::to_string(id));
        slot.config.cluster_id = cluster_id_;
        slot.config.lab_secret = config_.lab_secret;
        slot.config.defaults = config_.cluster;
        slot.node = std::make_unique<controller::ControllerNode>(slot.config, events_, snapshots_);
        if (auto error = slot.node->listen()) return fail(*error);
        slot.config.port = slot.node->port();
        controllers_[id] = std::move(slot);
    }
    const auto voters = voters_locked();
    std::string refusals;
    for (auto& [id, slot] : controllers_) {
        if (auto error = slot.node->start(voters)) {
            // A controller that refuses to start (e.g. its files are damaged) is a node failure,
            // as at a restart: the others run, and `restart controller` tries it again.
            events_.publish(EventKind::NodeFailed, NodeRef::controller(id), *error);
            refusals += (refusals.empty() ? "" : "; ") + *error;
            slot.node.reset();
            continue;
        }
        events_.publish(EventKind::NodeStarted, NodeRef::controller(id),
                        "controller " + std::to_string(id) + " is listening on " +
                            slot.config.host + ":" + std::to_string(slot.config.port),
                        {{"port", slot.config.port}});
    }
    if (std::none_of(controllers_.begin(), controllers_.end(),
                     [](const auto& c) { return c.second.node != nullptr; })) {
        return fail("no controller could start: " + refusals);
    }

    for (std::int32_t id = 1; id <= config_.brokers; ++id) {
        BrokerSlot slot;
        slot.config = config_.broker;
        slot.config.node_id = id;
        slot.config.clock = &clock_;
        slot.config.network = config_.lab_network ? &network_ : nullptr;
        network_.node(NodeRef::broker(id).label());
        slot.config.host = config_.host;
        slot.config.port =
            config_.port_base == 0 ? 0 : static_cast<std::uint16_t>(config_.port_base + id - 1);
        slot.config.data_dir = data_dir_ / ("broker-" + std::to_string(id));
        slot.config.cluster_id = cluster_id_;
        slot.config.lab_secret = config_.lab_secret;
        slot.config.client_sasl = config_.client_sasl;
        slot.config.controllers = voters;
        slot.config.session_timeout_ms = config_.controller.broker_session_timeout_ms;
        brokers_[id] = std::move(slot);
    }
    for (auto& [id, slot] : brokers_) {
        if (auto error = start_broker(slot)) return fail(*error);
    }

    admin_io_ = std::make_unique<net::asio::io_context>(1);
    admin_work_ =
        std::make_unique<net::asio::executor_work_guard<net::asio::io_context::executor_type>>(
            admin_io_->get_executor());
    std::vector<net::ControllerAddress> addresses;
    for (const auto& v : voters)
        addresses.push_back({v.id, v.host, v.port});
    admin_ = std::make_unique<net::ControllerClient>(admin_io_->get_executor(),
                                                     std::move(addresses), "kraftlab-admin",
                                                     net::lab_node_credentials(config_.lab_secret));
    admin_thread_ = std::thread([this] {
        core::name_this_thread("lab-admin");
        core::ClockBinding on_lab_time(&clock_);
        net::ClockWaker waker(*admin_io_, clock_);
        admin_io_->run();
    });

    started_ = true;
    publish_view_locked();
    if (!wait_for_brokers(kCommandTimeout)) {
        events_.publish(EventKind::CommandFailed, NodeRef::lab(),
                        "not every broker registered with the controller quorum within " +
                            std::to_string(kCommandTimeout.count()) + " s; the lab keeps trying");
    }
    throughput_stop_ = false;
    throughput_thread_ = std::thread([this] {
        core::name_this_thread("lab-stats");
        throughput_loop();
    });
    events_.publish(EventKind::LabReady, NodeRef::lab(),
                    "the lab is running with " + std::to_string(config_.controllers) +
                        " controller(s) and " + std::to_string(config_.brokers) +
                        " broker(s); session directory " + data_dir_.string(),
                    {{"bootstrap", bootstrap_locked()}, {"data", data_dir_.string()}});
    return std::nullopt;
}

std::vector<raft::PeerAddress> Cluster::voters_locked() const {
    std::vector<raft::PeerAddress> voters;
    for (const auto& [id, slot] : controllers_)
        voters.push_back({id, slot.config.host, slot.config.port});
    return voters;
}

bool Cluster::wait_for_brokers(std::chrono::milliseconds timeout) {
    const auto deadline = clock_.now() + timeout;
    while (clock_.now() < deadline) {
        // Registered in this incarnation (the broker epoch it got back is the one the metadata
        // holds) and unfenced: a registration left from before a restart does not count.
        auto image = metadata();
        bool all = true;
        for (const auto& [id, slot] : brokers_) {
            if (!slot.node) continue;
            auto snap = snapshots_.broker(id);
            const auto* info = image->broker(id);
            if (!snap || !snap->up || snap->broker_epoch < 0 || !info ||
                info->epoch != snap->broker_epoch || !image->is_live(id)) {
                all = false;
            }
        }
        if (all) return true;
        clock_.block_for(std::chrono::milliseconds(20));
    }
    return false;
}

std::optional<std::string> Cluster::start_broker(BrokerSlot& slot) {
    auto node = std::make_unique<broker::Broker>(slot.config, events_, snapshots_);
    if (auto error = node->start()) return error;
    slot.config.port = node->port();  // an ephemeral port is kept for restarts
    events_.publish(EventKind::NodeStarted, NodeRef::broker(slot.config.node_id),
                    "broker " + std::to_string(slot.config.node_id) + " is listening on " +
                        slot.config.host + ":" + std::to_string(slot.config.port) +
                        "; it registers with the controller quorum",
                    {{"port", slot.config.port}});
    slot.node = std::move(node);
    return std::nullopt;
}

void Cluster::stop() {
    {
        std::lock_guard lock(throughput_mutex_);
        throughput_stop_ = true;
    }
    throughput_cv_.notify_all();
    if (throughput_thread_.joinable()) throughput_thread_.join();

    std::lock_guard lock(mutex_);
    if (!started_) return;
    // A paused lab, or a frozen node, is let go first: stopping runs on lab time (requests in
    // flight, each broker's controlled shutdown with the active controller), which would
    // otherwise stand still until every bounded wait ran out.
    clock_.resume();
    for (auto& [id, slot] : brokers_)
        if (slot.node) slot.node->hold(core::NodeGate::Reason::Frozen, false);
    for (auto& [id, slot] : controllers_)
        if (slot.node) slot.node->hold(core::NodeGate::Reason::Frozen, false);
    // The workload first: its requests in flight still find their brokers. Then the brokers
    // (their last heartbeats still reach a controller), then the quorum.
    stop_workload();
    for (auto& [id, slot] : brokers_) {
        if (!slot.node) continue;
        slot.node->shutdown();
        slot.node.reset();
    }
    if (admin_io_) {
        net::asio::post(*admin_io_, [this] { admin_->close(); });
        admin_work_.reset();
        admin_io_->stop();
        if (admin_thread_.joinable()) admin_thread_.join();
        admin_.reset();
        admin_io_.reset();
    }
    {
        std::lock_guard view_lock(view_mutex_);
        view_controllers_.clear();
    }
    for (auto& [id, slot] : controllers_) {
        if (!slot.node) continue;
        slot.node->shutdown();
        slot.node.reset();
    }
    started_ = false;
    publish_view_locked();
    events_.publish(EventKind::LabStopped, NodeRef::lab(),
                    "the lab stopped; its data stays in " + data_dir_.string());
}

void Cluster::publish_view_locked() {
    auto v = std::make_shared<LabView>();
    v->running = started_;
    v->bootstrap = bootstrap_locked();
    v->data_dir = data_dir_.string();
    v->cluster_id = cluster_id_;
    for (const auto& [id, slot] : brokers_) {
        v->brokers.push_back({id, slot.config.host, slot.config.port, slot.node != nullptr,
                              slot.node && slot.node->gate().frozen()});
    }
    std::vector<controller::ControllerNode*> running;
    for (const auto& [id, slot] : controllers_) {
        v->controllers.push_back({id, slot.config.host, slot.config.port, slot.node != nullptr,
                                  slot.node && slot.node->gate().frozen()});
        if (started_ && slot.node) running.push_back(slot.node.get());
    }
    std::lock_guard lock(view_mutex_);
    view_controllers_ = std::move(running);
    view_ = std::move(v);
}

std::shared_ptr<const metadata::MetadataImage> Cluster::freshest_image_locked() const {
    // Every controller replays the same committed log; the one furthest along is the truth
    // as of now (a controller that was down catches up within a fetch or two).
    std::shared_ptr<const metadata::MetadataImage> best = metadata::MetadataImage::empty();
    for (auto* c : view_controllers_) {
        auto image = c->image();
        if (image && image->offset() > best->offset()) best = std::move(image);
    }
    return best;
}

LabView Cluster::view() const {
    std::lock_guard lock(view_mutex_);
    LabView v = *view_;
    v.metadata = freshest_image_locked();
    return v;
}

std::string Cluster::bootstrap() const {
    std::lock_guard lock(mutex_);
    return bootstrap_locked();
}

std::string Cluster::bootstrap_locked() const {
    std::string out;
    for (const auto& [id, slot] : brokers_) {
        if (!out.empty()) out += ",";
        out += slot.config.host + ":" + std::to_string(slot.config.port);
    }
    return out;
}

std::vector<std::int32_t> Cluster::broker_ids() const {
    std::lock_guard lock(mutex_);
    std::vector<std::int32_t> ids;
    for (const auto& [id, slot] : brokers_)
        ids.push_back(id);
    return ids;
}

std::vector<std::int32_t> Cluster::controller_ids() const {
    std::lock_guard lock(mutex_);
    std::vector<std::int32_t> ids;
    for (const auto& [id, slot] : controllers_)
        ids.push_back(id);
    return ids;
}

std::optional<std::uint16_t> Cluster::broker_port(std::int32_t id) const {
    std::lock_guard lock(mutex_);
    auto it = brokers_.find(id);
    if (it == brokers_.end()) return std::nullopt;
    return it->second.config.port;
}

bool Cluster::broker_running(std::int32_t id) const {
    std::lock_guard lock(mutex_);
    auto it = brokers_.find(id);
    return it != brokers_.end() && it->second.node != nullptr;
}

std::shared_ptr<const metadata::MetadataImage> Cluster::metadata() const {
    std::lock_guard lock(view_mutex_);
    return freshest_image_locked();
}

CommandResult Cluster::create_topic(const std::string& name, std::int32_t partitions,
                                    std::int16_t replication_factor,
                                    std::vector<std::pair<std::string, std::string>> configs) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    if (auto refused = refuse_while_paused("creating a topic")) return *refused;
    if (auto c = check_field_value(Field::Partitions, partitions); !c.ok)
        return CommandResult::failure(c.message);
    FieldContext context;
    context.brokers = static_cast<std::int64_t>(brokers_.size());
    context.topic = name;
    if (replication_factor != -1) {
        if (auto c = check_field_value(Field::ReplicationFactor, replication_factor, context);
            !c.ok)
            return CommandResult::failure(c.message);
    }
    context.replication_factor =
        replication_factor == -1 ? config_.cluster.default_replication_factor : replication_factor;
    for (const auto& [key, value] : configs) {
        if (key != "min.insync.replicas") continue;
        if (auto c = check_field(Field::MinInsyncReplicas, value, context); !c.ok)
            return CommandResult::failure(c.message);
    }
    protocol::CreateTopicsRequest request;
    request.timeout_ms =
        static_cast<std::int32_t>(std::chrono::milliseconds(kCommandTimeout).count());
    protocol::CreateTopicsRequest::CreatableTopic topic;
    topic.name = name;
    topic.num_partitions = partitions;
    topic.replication_factor = replication_factor;
    for (auto& [k, v] : configs)
        topic.configs.push_back({k, v});
    request.topics.push_back(std::move(topic));
    auto r = admin_call(
        [&](net::ControllerClient& c) { return c.create_topics(request, request.timeout_ms); });
    if (!r.ok())
        return CommandResult::failure("no active controller answered: " + r.error().message);
    if (r->topics.empty())
        return CommandResult::failure("the controller answered without a result");
    const auto& t = r->topics.front();
    const auto code = static_cast<protocol::ErrorCode>(t.error_code);
    if (code != protocol::ErrorCode::NONE) {
        return CommandResult::failure(
            std::string(protocol::error_name(code)) + ": " +
            t.error_message.value_or(std::string(protocol::error_message(code))));
    }
    // CreateTopics v4 answers with the error only; the topic's shape comes from the committed
    // metadata, which the answering controller has applied by now (the others follow).
    std::shared_ptr<const metadata::TopicInfo> info;
    const auto deadline = clock_.now() + std::chrono::seconds(2);
    while (!(info = metadata()->topic(name)) && clock_.now() < deadline) {
        clock_.block_for(std::chrono::milliseconds(5));
    }
    if (!info) return CommandResult::success("topic " + name + " created", {{"topic", name}});
    wait_for_brokers_metadata(metadata()->offset());
    const auto rf = info->partitions.empty() ? 0 : info->partitions.front().replicas.size();
    return CommandResult::success("topic " + name + " created with " +
                                      std::to_string(info->partitions.size()) +
                                      " partition(s), replication factor " + std::to_string(rf),
                                  {{"topic", name},
                                   {"partitions", info->partitions.size()},
                                   {"replication_factor", rf},
                                   {"topic_id", info->id.to_base64()}});
}

CommandResult Cluster::delete_topic(const std::string& name) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    if (auto refused = refuse_while_paused("deleting a topic")) return *refused;
    protocol::DeleteTopicsRequest request;
    request.topic_names = {name};
    request.timeout_ms =
        static_cast<std::int32_t>(std::chrono::milliseconds(kCommandTimeout).count());
    auto r = admin_call(
        [&](net::ControllerClient& c) { return c.delete_topics(request, request.timeout_ms); });
    if (!r.ok())
        return CommandResult::failure("no active controller answered: " + r.error().message);
    if (r->responses.empty())
        return CommandResult::failure("the controller answered without a result");
    const auto code = static_cast<protocol::ErrorCode>(r->responses.front().error_code);
    if (code != protocol::ErrorCode::NONE) {
        return CommandResult::failure(std::string(protocol::error_name(code)) + ": " +
                                      std::string(protocol::error_message(code)));
    }
    wait_for_brokers_metadata(metadata()->offset());
    acked_.forget_topic(name);
    return CommandResult::success("topic " + name + " deleted", {{"topic", name}});
}

CommandResult Cluster::set_topic_config(
    const std::string& topic,
    std::vector<std::pair<std::string, std::optional<std::string>>> configs) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    if (auto refused = refuse_while_paused("changing a topic's configs")) return *refused;
    if (configs.empty()) return CommandResult::failure("no config to change");
    // min.insync.replicas above the replication factor would refuse every acks=all write.
    if (auto info = metadata()->topic(topic); info && !info->partitions.empty()) {
        FieldContext context;
        context.replication_factor =
            static_cast<std::int64_t>(info->partitions.front().replicas.size());
        context.topic = topic;
        for (const auto& [key, value] : configs) {
            if (key != "min.insync.replicas" || !value) continue;
            if (auto c = check_field(Field::MinInsyncReplicas, *value, context); !c.ok)
                return CommandResult::failure(c.message);
        }
    }
    protocol::IncrementalAlterConfigsRequest request;
    auto& resource = request.resources.emplace_back();
    resource.resource_type = protocol::kConfigResourceTopic;
    resource.resource_name = topic;
    for (auto& [key, value] : configs) {
        const auto op = value ? protocol::ConfigOperation::Set : protocol::ConfigOperation::Delete;
        resource.configs.push_back({key, static_cast<std::int8_t>(op), value});
    }
    const auto timeout_ms =
        static_cast<std::int32_t>(std::chrono::milliseconds(kCommandTimeout).count());
    auto r = admin_call(
        [&](net::ControllerClient& c) { return c.incremental_alter_configs(request, timeout_ms); });
    if (!r.ok())
        return CommandResult::failure("no active controller answered: " + r.error().message);
    if (r->responses.empty())
        return CommandResult::failure("the controller answered without a result");
    const auto& answer = r->responses.front();
    const auto code = static_cast<protocol::ErrorCode>(answer.error_code);
    if (code != protocol::ErrorCode::NONE) {
        return CommandResult::failure(
            std::string(protocol::error_name(code)) + ": " +
            answer.error_message.value_or(std::string(protocol::error_message(code))));
    }
    // The answering controller has applied the change; the brokers follow.
    wait_for_brokers_metadata(metadata()->offset());
    std::string text;
    for (const auto& [key, value] : configs)
        text += (text.empty() ? "" : ", ") + key + (value ? "=" + *value : " back to its default");
    return CommandResult::success(
        "topic " + topic + ": " + text,
        {{"topic", topic}, {"configs", metadata()->topic_configs(topic)}});
}

CommandResult Cluster::kill_broker(std::int32_t id, broker::CrashMode mode) {
    std::lock_guard lock(mutex_);
    std::string why;
    auto* slot = command_slot(started_, brokers_, id, "broker", true, &why);
    if (!slot) return CommandResult::failure(why);
    const bool power = mode == broker::CrashMode::PowerLoss;
    // The NodeKilled event comes first: a power loss's RecordsLost events follow it.
    events_.publish(
        EventKind::NodeKilled, NodeRef::broker(id),
        "broker " + std::to_string(id) +
            (power ? " lost power: its thread stopped, its connections were reset, and what it "
                     "wrote since its last flush (log.flush.interval.ms " +
                         std::to_string(slot->config.flush_interval_ms) +
                         ") is gone from its disk; the rest stays. "
                   : " was killed: its thread stopped and its connections were reset; its data "
                     "stays on disk. ") +
            "The active controller fences it when its heartbeats have been missing for the "
            "session timeout",
        {{"crash", power ? "power-loss" : "process"}});
    slot->node->kill(mode);
    slot->node.reset();
    publish_view_locked();
    return CommandResult::success(
        "broker " + std::to_string(id) + (power ? " lost power" : " killed"),
        {{"broker", id}, {"crash", power ? "power-loss" : "process"}});
}

CommandResult Cluster::restart_broker(std::int32_t id) {
    std::lock_guard lock(mutex_);
    if (auto refused = refuse_while_paused("restarting a broker")) return *refused;
    std::string why;
    auto* slot = command_slot(started_, brokers_, id, "broker", false, &why);
    if (!slot) return CommandResult::failure(why);
    if (auto error = start_broker(*slot)) {
        events_.publish(EventKind::NodeFailed, NodeRef::broker(id), *error);
        return CommandResult::failure(*error);
    }
    publish_view_locked();
    events_.publish(EventKind::NodeRestarted, NodeRef::broker(id),
                    "broker " + std::to_string(id) + " restarted on " + slot->config.host + ":" +
                        std::to_string(slot->config.port) +
                        ", recovered its logs and registers with the active controller",
                    {{"port", slot->config.port}});
    return CommandResult::success("broker " + std::to_string(id) + " restarted",
                                  {{"broker", id}, {"port", slot->config.port}});
}

void Cluster::wait_for_brokers_metadata(std::int64_t offset) {
    const auto deadline = clock_.now() + std::chrono::seconds(2);
    for (;;) {
        auto image = metadata();
        bool all = true;
        for (const auto& [id, slot] : brokers_) {
            // A fenced or down broker is not waited for: it catches up when it is back.
            if (slot.node && image->is_live(id) && slot.node->metadata_offset() < offset)
                all = false;
        }
        if (all || clock_.now() >= deadline) return;
        clock_.block_for(std::chrono::milliseconds(2));
    }
}

std::optional<std::string> Cluster::start_controller(ControllerSlot& slot) {
    auto node = std::make_unique<controller::ControllerNode>(slot.config, events_, snapshots_);
    if (auto error = node->start(voters_locked())) return error;
    slot.node = std::move(node);
    return std::nullopt;
}

CommandResult Cluster::kill_controller(std::int32_t id) {
    std::lock_guard lock(mutex_);
    std::string why;
    auto* slot = command_slot(started_, controllers_, id, "controller", true, &why);
    if (!slot) return CommandResult::failure(why);
    {
        std::lock_guard view_lock(view_mutex_);
        std::erase(view_controllers_, slot->node.get());
    }
    slot->node->kill();
    events_.publish(EventKind::NodeKilled, NodeRef::controller(id),
                    "controller " + std::to_string(id) +
                        " was killed: its thread stopped and its connections were reset; its "
                        "metadata log and quorum state stay on disk");
    slot->node.reset();
    publish_view_locked();
    return CommandResult::success("controller " + std::to_string(id) + " killed",
                                  {{"controller", id}});
}

CommandResult Cluster::restart_controller(std::int32_t id) {
    std::lock_guard lock(mutex_);
    if (auto refused = refuse_while_paused("restarting a controller")) return *refused;
    std::string why;
    auto* slot = command_slot(started_, controllers_, id, "controller", false, &why);
    if (!slot) return CommandResult::failure(why);
    if (auto error = start_controller(*slot)) {
        events_.publish(EventKind::NodeFailed, NodeRef::controller(id), *error);
        return CommandResult::failure(*error);
    }
    publish_view_locked();
    events_.publish(EventKind::NodeRestarted, NodeRef::controller(id),
                    "controller " + std::to_string(id) + " restarted on " + slot->config.host +
                        ":" + std::to_string(slot->config.port) +
                        " from its persisted quorum state and metadata log",
                    {{"port", slot->config.port}});
    return CommandResult::success("controller " + std::to_string(id) + " restarted",
                                  {{"controller", id}, {"port", slot->config.port}});
}

CommandResult Cluster::resign_controller(std::int32_t id) {
    std::lock_guard lock(mutex_);
    if (auto refused = refuse_while_paused("resigning the active controller")) return *refused;
    std::string why;
    auto* slot = command_slot(started_, controllers_, id, "controller", true, &why);
    if (!slot) return CommandResult::failure(why);
    auto snap = snapshots_.controller(id);
    if (!snap || snap->role != "leader") {
        std::string leader;
        for (const auto& c : snapshots_.controllers()) {
            if (c->up && c->role == "leader") leader = std::to_string(c->id);
        }
        return CommandResult::failure("controller " + std::to_string(id) +
                                      " is not the active controller" +
                                      (leader.empty() ? std::string(" (none is active right now)")
                                                      : " (controller " + leader + " is)"));
    }
    slot->node->resign();
    return CommandResult::success("controller " + std::to_string(id) + " resigns",
                                  {{"controller", id}});
}

std::optional<std::string> Cluster::timeouts_problem(std::int32_t election_timeout_ms,
                                                     std::int32_t fetch_timeout_ms,
                                                     std::int32_t heartbeat_interval_ms,
                                                     std::int32_t broker_session_timeout_ms) {
    FieldContext context;
    context.heartbeat_interval_ms = heartbeat_interval_ms;
    const std::pair<Field, std::int32_t> values[] = {
        {Field::ElectionTimeout, election_timeout_ms},
        {Field::FetchTimeout, fetch_timeout_ms},
        {Field::HeartbeatInterval, heartbeat_interval_ms},
        {Field::SessionTimeout, broker_session_timeout_ms}};
    for (const auto& [field, value] : values) {
        if (auto c = check_field_value(field, value, context); !c.ok) return c.message;
    }
    return std::nullopt;
}

CommandResult Cluster::set_timeouts(std::int32_t election_timeout_ms, std::int32_t fetch_timeout_ms,
                                    std::int32_t heartbeat_interval_ms,
                                    std::int32_t broker_session_timeout_ms) {
    std::lock_guard lock(mutex_);
    if (auto problem = timeouts_problem(election_timeout_ms, fetch_timeout_ms,
                                        heartbeat_interval_ms, broker_session_timeout_ms))
        return CommandResult::failure(*problem);
    config_.controller.election_timeout_ms = election_timeout_ms;
    config_.controller.fetch_timeout_ms = fetch_timeout_ms;
    config_.controller.broker_session_timeout_ms = broker_session_timeout_ms;
    config_.broker.heartbeat_interval_ms = heartbeat_interval_ms;
    config_.broker.session_timeout_ms = broker_session_timeout_ms;
    for (auto& [id, slot] : controllers_) {
        slot.config.election_timeout_ms = election_timeout_ms;
        slot.config.fetch_timeout_ms = fetch_timeout_ms;
        slot.config.broker_session_timeout_ms = broker_session_timeout_ms;
        if (slot.node)
            slot.node->set_timeouts(election_timeout_ms, fetch_timeout_ms,
                                    broker_session_timeout_ms);
    }
    for (auto& [id, slot] : brokers_) {
        slot.config.heartbeat_interval_ms = heartbeat_interval_ms;
        slot.config.session_timeout_ms = broker_session_timeout_ms;
        if (slot.node)
            slot.node->set_lifecycle_timeouts(heartbeat_interval_ms, broker_session_timeout_ms);
    }
    const std::string what = "election timeout " + std::to_string(election_timeout_ms) +
                             " ms, fetch timeout " + std::to_string(fetch_timeout_ms) +
                             " ms, heartbeat every " + std::to_string(heartbeat_interval_ms) +
                             " ms, session timeout " + std::to_string(broker_session_timeout_ms) +
                             " ms";
    events_.publish(EventKind::SettingsChanged, NodeRef::lab(), "timeouts changed: " + what,
                    {{"election_timeout_ms", election_timeout_ms},
                     {"fetch_timeout_ms", fetch_timeout_ms},
                     {"heartbeat_interval_ms", heartbeat_interval_ms},
                     {"session_timeout_ms", broker_session_timeout_ms}});
    return CommandResult::success("timeouts: " + what);
}

CommandResult Cluster::set_flush_interval(std::int64_t flush_interval_ms) {
    std::lock_guard lock(mutex_);
    if (auto c = check_field_value(Field::FlushInterval, static_cast<double>(flush_interval_ms));
        !c.ok)
        return CommandResult::failure(c.message);
    config_.broker.flush_interval_ms = flush_interval_ms;
    for (auto& [id, slot] : brokers_) {
        slot.config.flush_interval_ms = flush_interval_ms;
        if (slot.node) slot.node->set_flush_interval_ms(flush_interval_ms);
    }
    const std::string what = "brokers fsync their logs every " + std::to_string(flush_interval_ms) +
                             " ms (log.flush.interval.ms); a power loss loses what was written "
                             "since the last flush";
    events_.publish(EventKind::SettingsChanged, NodeRef::lab(), what,
                    {{"flush_interval_ms", flush_interval_ms}});
    return CommandResult::success(what, {{"flush_interval_ms", flush_interval_ms}});
}

std::int64_t Cluster::flush_interval_ms() const {
    std::lock_guard lock(mutex_);
    return config_.broker.flush_interval_ms;
}

// ---------------------------------------------------------------------------------------------
// The audit of acknowledged writes

CommandResult Cluster::audit() {
    std::lock_guard audit_lock(audit_mutex_);
    if (auto refused = refuse_while_paused("the audit")) return *refused;
    AuditSource source;
    {
        std::lock_guard lock(mutex_);
        if (!started_) return CommandResult::failure("the lab is not running");
        for (const auto& [id, slot] : brokers_)
            source.brokers[id] = {slot.config.host, slot.config.port};
    }
    // What was acknowledged up to now; producers go on meanwhile, and what they add later is
    // read back but not judged.
    const auto prefix = acked_.prefix();
    source.metadata = [this] { return metadata(); };
    source.not_before_ms = session_start_ms_;
    source.sasl = config_.client_sasl;
    for (const auto& b : snapshots_.brokers()) {
        if (!b->up) continue;
        for (const auto& p : b->partitions)
            source.duplicates_prevented += p.duplicates_prevented_total;
    }
    core::ClockBinding on_lab_time(&clock_);  // the audit's reads run on this thread
    auto result = run_audit(acked_, prefix, source);
    events_.publish(EventKind::AuditFinished, NodeRef::lab(), result.verdict, result.report);
    for (const auto& [topic, lost] : result.lost_per_topic) {
        events_.publish(EventKind::RecordsLost, NodeRef::lab(), result.lost_explain[topic],
                        {{"cause", "audit"}, {"records", lost}}, topic);
    }
    return CommandResult::success(result.verdict, result.report);
}

// ---------------------------------------------------------------------------------------------
// The built-in workload

void Cluster::stop_workload() {
    for (auto& [id, p] : producers_) {
        p->stop();
        snapshots_.remove_producer(id);
    }
    producers_.clear();
    for (auto& [id, c] : consumers_) {
        c->stop();
        snapshots_.remove_consumer(id);
    }
    consumers_.clear();
}

std::optional<std::string> Cluster::check_topic(const std::string& topic) const {
    if (!started_) return "the lab is not running";
    auto image = metadata();
    if (!image->topic(topic)) {
        return "there is no topic '" + topic + "'; create it first (create-topic " + topic +
               " PARTITIONS)";
    }
    return std::nullopt;
}

std::optional<std::string> Cluster::check_acks_locked(const ProducerConfig& config) const {
    if (config.acks < 2) return std::nullopt;
    auto info = metadata()->topic(config.topic);
    if (!info || info->partitions.empty()) return std::nullopt;
    FieldContext context;
    context.replication_factor =
        static_cast<std::int64_t>(info->partitions.front().replicas.size());
    context.topic = config.topic;
    if (auto c = check_field_value(Field::LabAcks, config.acks, context); !c.ok) return c.message;
    return std::nullopt;
}

AddClientResult Cluster::add_producer(ProducerConfig config, ProducerHooks hooks) {
    std::lock_guard lock(mutex_);
    if (auto error = check_topic(config.topic)) return {CommandResult::failure(*error), -1};
    if (auto error = validate(config)) return {CommandResult::failure(*error), -1};
    if (auto error = check_acks_locked(config)) return {CommandResult::failure(*error), -1};
    const std::int32_t id = next_producer_id_;
    // The audit sees every acknowledged record first, then the caller's hook (if any).
    hooks.on_acked = [this, id, topic = config.topic,
                      inner = std::move(hooks.on_acked)](std::span<const AckedRecord> records) {
        acked_.record(id, topic, records);
        if (inner) inner(records);
    };
    config.sasl = config_.client_sasl;
    config.clock = &clock_;
    auto producer = std::make_unique<BuiltinProducer>(id, config, bootstrap_locked(), events_,
                                                      snapshots_, std::move(hooks));
    if (auto error = producer->start()) return {CommandResult::failure(*error), -1};
    ++next_producer_id_;
    producers_[id] = std::move(producer);
    return {CommandResult::success("producer " + std::to_string(id) + " sends " + describe(config),
                                   {{"producer", id}, {"topic", config.topic}}),
            id};
}

CommandResult Cluster::update_producer(std::int32_t id, ProducerConfig config) {
    std::lock_guard lock(mutex_);
    auto it = producers_.find(id);
    if (it == producers_.end())
        return CommandResult::failure("there is no producer " + std::to_string(id));
    if (config.topic != it->second->config().topic) {
        return CommandResult::failure("a producer's topic cannot change (producer " +
                                      std::to_string(id) + " sends to " +
                                      it->second->config().topic + ")");
    }
    if (auto error = validate(config)) return CommandResult::failure(*error);
    if (auto error = check_acks_locked(config)) return CommandResult::failure(*error);
    config.sasl = config_.client_sasl;
    config.clock = &clock_;
    if (auto error = it->second->update(config)) return CommandResult::failure(*error);
    return CommandResult::success(
        "producer " + std::to_string(id) + " now sends " + describe(config), {{"producer", id}});
}

CommandResult Cluster::remove_producer(std::int32_t id) {
    std::lock_guard lock(mutex_);
    auto it = producers_.find(id);
    if (it == producers_.end())
        return CommandResult::failure("there is no producer " + std::to_string(id));
    it->second->stop();
    producers_.erase(it);
    snapshots_.remove_producer(id);
    return CommandResult::success("producer " + std::to_string(id) + " stopped",
                                  {{"producer", id}});
}

AddClientResult Cluster::add_consumer(ConsumerConfig config, ConsumerHooks hooks) {
    std::lock_guard lock(mutex_);
    if (auto error = check_topic(config.topic)) return {CommandResult::failure(*error), -1};
    if (auto error = validate(config)) return {CommandResult::failure(*error), -1};
    const std::int32_t id = next_consumer_id_;
    config.sasl = config_.client_sasl;
    config.clock = &clock_;
    auto consumer = std::make_unique<BuiltinConsumer>(id, config, bootstrap_locked(), events_,
                                                      snapshots_, std::move(hooks));
    if (auto error = consumer->start()) return {CommandResult::failure(*error), -1};
    ++next_consumer_id_;
    consumers_[id] = std::move(consumer);
    if (!config.group.empty()) {
        return {
            CommandResult::success(
                "consumer " + std::to_string(id) + " joins group " + config.group + " to read " +
                    config.topic + " (" + config.assignor + ", commits " + config.commit + ")",
                {{"consumer", id}, {"topic", config.topic}, {"group", config.group}}),
            id};
    }
    return {CommandResult::success("consumer " + std::to_string(id) + " reads " + config.topic +
                                       " from the " +
                                       std::string(start_from_name(config.start_from)) + " offset",
                                   {{"consumer", id}, {"topic", config.topic}}),
            id};
}

CommandResult Cluster::remove_consumer(std::int32_t id) {
    return end_consumer(id, false);
}

CommandResult Cluster::kill_consumer(std::int32_t id) {
    return end_consumer(id, true);
}

CommandResult Cluster::end_consumer(std::int32_t id, bool crash) {
    std::lock_guard lock(mutex_);
    auto it = consumers_.find(id);
    if (it == consumers_.end())
        return CommandResult::failure("there is no consumer " + std::to_string(id));
    it->second->stop(crash);
    consumers_.erase(it);
    snapshots_.remove_consumer(id);
    return CommandResult::success(
        "consumer " + std::to_string(id) + (crash ? " crashed" : " stopped"),
        {{"consumer", id}, {"crash", crash}});
}

std::optional<ProducerConfig> Cluster::producer_config(std::int32_t id) const {
    std::lock_guard lock(mutex_);
    auto it = producers_.find(id);
    if (it == producers_.end()) return std::nullopt;
    return it->second->config();
}

std::vector<std::int32_t> Cluster::producer_ids() const {
    std::lock_guard lock(mutex_);
    std::vector<std::int32_t> ids;
    for (const auto& [id, p] : producers_)
        ids.push_back(id);
    return ids;
}

std::vector<std::int32_t> Cluster::consumer_ids() const {
    std::lock_guard lock(mutex_);
    std::vector<std::int32_t> ids;
    for (const auto& [id, c] : consumers_)
        ids.push_back(id);
    return ids;
}

pid_t Cluster::producer_thread_id(std::int32_t id) const {
    std::lock_guard lock(mutex_);
    auto it = producers_.find(id);
    return it == producers_.end() ? 0 : it->second->thread_id();
}

nlohmann::json Cluster::status() const {
    auto image = metadata();
    nlohmann::json brokers = nlohmann::json::array();
    std::map<std::pair<std::string, std::int32_t>, const core::PartitionSnapshot*> logs;
    // Every replica's log of each partition (running brokers), for replication views.
    std::map<std::pair<std::string, std::int32_t>, nlohmann::json> replica_logs;
    auto snaps = snapshots_.brokers();
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, slot] : brokers_) {
            nlohmann::json b = {{"id", id},
                                {"host", slot.config.host},
                                {"port", slot.config.port},
                                {"up", slot.node != nullptr},
                                {"frozen", slot.node && slot.node->gate().frozen()}};
            if (const auto* info = image->broker(id)) b["fenced"] = info->fenced;
            b["flush_interval_ms"] = slot.config.flush_interval_ms;
            brokers.push_back(std::move(b));
        }
    }
    for (const auto& s : snaps) {
        if (!s->up) continue;
        for (const auto& p : s->partitions) {
            if (p.is_leader) logs[{p.topic, p.partition}] = &p;
            replica_logs[{p.topic, p.partition}].push_back(
                {{"broker", s->id},
                 {"log_end_offset", p.log_end_offset},
                 {"high_watermark", p.high_watermark},
                 {"flushed_offset", p.flushed_offset},
                 {"leader_epoch", p.leader_epoch},
                 {"leader", p.is_leader},
                 {"duplicates_prevented", p.duplicates_prevented_total},
                 {"idempotent_producers", p.idempotent_producers}});
        }
    }
    nlohmann::json controllers = nlohmann::json::array();
    {
        std::map<std::int32_t, std::shared_ptr<const core::ControllerSnapshot>> snaps_by_id;
        for (const auto& c : snapshots_.controllers())
            snaps_by_id[c->id] = c;
        std::lock_guard lock(mutex_);
        for (const auto& [id, slot] : controllers_) {
            nlohmann::json c = {{"id", id},
                                {"host", slot.config.host},
                                {"port", slot.config.port},
                                {"up", slot.node != nullptr},
                                {"frozen", slot.node && slot.node->gate().frozen()}};
            if (auto it = snaps_by_id.find(id);
                it != snaps_by_id.end() && it->second->up && slot.node) {
                const auto& sn = *it->second;
                c["role"] = sn.role;
                c["epoch"] = sn.epoch;
                c["leader"] = sn.leader;
                c["voted_for"] = sn.voted_for;
                c["log_end_offset"] = sn.log_end_offset;
                c["high_watermark"] = sn.high_watermark;
                c["active"] = sn.active;
                if (sn.active) {
                    // The heartbeat rings' source: each broker's session as the active
                    // controller saw it at its last snapshot (lab time).
                    nlohmann::json sessions = nlohmann::json::array();
                    for (const auto& b : sn.brokers) {
                        sessions.push_back({{"broker", b.id},
                                            {"heartbeat_age_ms", b.last_heartbeat_age_ms},
                                            {"fenced", b.fenced}});
                    }
                    c["sessions"] = std::move(sessions);
                }
            }
            controllers.push_back(std::move(c));
        }
    }
    nlohmann::json topics = nlohmann::json::array();
    for (const auto& [name, t] : image->topics()) {
        nlohmann::json parts = nlohmann::json::array();
        for (const auto& p : t->partitions) {
            nlohmann::json j = {{"partition", p.partition},
                                {"leader", p.leader},
                                {"leader_epoch", p.leader_epoch},
                                {"replicas", p.replicas},
                                {"isr", p.isr}};
            if (!p.adding_replicas.empty() || !p.removing_replicas.empty()) {
                j["adding_replicas"] = p.adding_replicas;
                j["removing_replicas"] = p.removing_replicas;
            }
            if (auto it = logs.find({name, p.partition}); it != logs.end()) {
                j["log_start_offset"] = it->second->log_start_offset;
                j["log_end_offset"] = it->second->log_end_offset;
                j["high_watermark"] = it->second->high_watermark;
                j["size_bytes"] = it->second->size_bytes;
            }
            if (auto it = replica_logs.find({name, p.partition}); it != replica_logs.end()) {
                j["replica_logs"] = it->second;
            }
            parts.push_back(std::move(j));
        }
        topics.push_back({{"name", name},
                          {"topic_id", t->id.to_base64()},
                          {"configs", image->topic_configs(name)},
                          {"partitions", std::move(parts)}});
    }
    nlohmann::json producers = nlohmann::json::array();
    for (const auto& p : snapshots_.producers()) {
        producers.push_back({{"id", p->id},
                             {"topic", p->topic},
                             {"records_per_second", p->target_records_per_second},
                             {"acks", acks_name(p->acks)},
                             {"route", p->route},
                             {"partitioner", p->partitioner},
                             {"keys", p->key_pattern},
                             {"value_bytes", p->value_bytes},
                             {"sent", p->records_sent_total},
                             {"acked", p->records_acked_total},
                             {"failed", p->records_failed_total},
                             {"partitioner_errors", p->partitioner_errors_total},
                             {"buffered", p->records_buffered},
                             {"latency_p50_ms", p->latency_p50_ms},
                             {"latency_p99_ms", p->latency_p99_ms},
                             {"last_error", p->last_error}});
    }
    nlohmann::json consumers = nlohmann::json::array();
    for (const auto& c : snapshots_.consumers()) {
        std::int64_t lag = 0;
        nlohmann::json assigned = nlohmann::json::array();
        nlohmann::json committed = nlohmann::json::array();
        for (const auto& p : c->partitions) {
            lag += p.lag;
            if (c->group.empty()) continue;
            if (p.assigned) assigned.push_back(p.partition);
            if (p.committed >= 0)
                committed.push_back({{"partition", p.partition}, {"offset", p.committed}});
        }
        nlohmann::json entry = {{"id", c->id},
                                {"topic", c->topic},
                                {"from", c->start_from},
                                {"records", c->records_total},
                                {"bytes", c->bytes_total},
                                {"lag", lag},
                                {"last_error", c->last_error}};
        if (!c->group.empty()) {
            // Its membership as it sees it (the coordinator's view is under "groups").
            entry["group"] = c->group;
            entry["assignor"] = c->assignor;
            entry["commit"] = c->commit;
            entry["member_id"] = c->member_id;
            entry["generation"] = c->generation;
            entry["group_state"] = c->group_state;
            entry["coordinator"] = c->coordinator;
            entry["assigned"] = std::move(assigned);
            entry["committed"] = std::move(committed);
        }
        consumers.push_back(std::move(entry));
    }
    // Consumer groups, from the brokers that coordinate them now.
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& b : snaps) {
        if (!b->up) continue;
        for (const auto& g : b->groups) {
            nlohmann::json members = nlohmann::json::array();
            for (const auto& m : g.members) {
                nlohmann::json assigned = nlohmann::json::array();
                for (const auto& [topic, partition] : m.assigned)
                    assigned.push_back({{"topic", topic}, {"partition", partition}});
                members.push_back({{"member_id", m.member_id},
                                   {"group_instance_id", m.group_instance_id},
                                   {"client_id", m.client_id},
                                   {"client_host", m.client_host},
                                   {"assigned", std::move(assigned)}});
            }
            nlohmann::json offsets = nlohmann::json::array();
            for (const auto& o : g.offsets) {
                offsets.push_back(
                    {{"topic", o.topic}, {"partition", o.partition}, {"offset", o.offset}});
            }
            groups.push_back({{"group", g.group_id},
                              {"coordinator", b->id},
                              {"offsets_partition", g.offsets_partition},
                              {"state", g.state},
                              {"protocol", g.protocol},
                              {"generation", g.generation},
                              {"leader", g.leader},
                              {"members", std::move(members)},
                              {"offsets", std::move(offsets)}});
        }
    }
    std::string cluster_id, data_dir;
    {
        std::lock_guard lock(mutex_);  // start() writes them under it
        cluster_id = cluster_id_;
        data_dir = data_dir_.string();
    }
    const LabTimeView time = lab_time();
    return {{"cluster_id", cluster_id},
            {"data", data_dir},
            {"lab_time",
             {{"lab_ms", time.lab_ms},
              {"speed", time.speed},
              {"paused", time.paused},
              {"pause_on_election", time.pause_on_election},
              {"pause_on_isr_change", time.pause_on_isr_change}}},
            {"flush_interval_ms", flush_interval_ms()},
            {"bootstrap", bootstrap()},
            {"metadata_offset", image->offset()},
            {"controllers", std::move(controllers)},
            {"brokers", std::move(brokers)},
            {"topics", std::move(topics)},
            {"producers", std::move(producers)},
            {"consumers", std::move(consumers)},
            {"groups", std::move(groups)}};
}

void Cluster::throughput_loop() {
    struct Totals {
        std::uint64_t records = 0;
        std::uint64_t bytes = 0;
    };
    // Per (broker, topic, partition): counters reset when a broker restarts.
    std::map<std::tuple<std::int32_t, std::string, std::int32_t>, Totals> last;
    auto last_time = clock_.now();
    for (;;) {
        {
            std::unique_lock lock(throughput_mutex_);
            if (throughput_cv_.wait_for(lock,
                                        std::chrono::milliseconds(config_.throughput_interval_ms),
                                        [this] { return throughput_stop_; })) {
                return;
            }
        }
        auto now = clock_.now();
        double seconds = std::chrono::duration<double>(now - last_time).count();
        last_time = now;
        if (seconds <= 0) continue;

        std::map<std::tuple<std::int32_t, std::string, std::int32_t>, Totals> current;
        nlohmann::json partitions = nlohmann::json::array();
        double total_records = 0;
        double total_bytes = 0;
        std::map<std::string, double> per_topic;
        for (const auto& s : snapshots_.brokers()) {
            if (!s->up) continue;
            for (const auto& p : s->partitions) {
                auto key = std::make_tuple(s->id, p.topic, p.partition);
                current[key] = {p.records_in_total, p.bytes_in_total};
                auto it = last.find(key);
                std::uint64_t prev_records = 0, prev_bytes = 0;
                if (it != last.end() && it->second.records <= p.records_in_total) {
                    prev_records = it->second.records;
                    prev_bytes = it->second.bytes;
                }
                double records = static_cast<double>(p.records_in_total - prev_records) / seconds;
                double bytes = static_cast<double>(p.bytes_in_total - prev_bytes) / seconds;
                // A partition seen for the first time counts from zero: its counters start when
                // its broker starts, so everything in them happened since.
                if (records <= 0) continue;
                partitions.push_back({{"topic", p.topic},
                                      {"partition", p.partition},
                                      {"broker", s->id},
                                      {"records_per_s", records},
                                      {"bytes_per_s", bytes}});
                total_records += records;
                total_bytes += bytes;
                per_topic[p.topic] += records;
            }
        }
        last = std::move(current);
        if (partitions.empty()) continue;
        std::string explain = "writes: " + format_rate(total_records) + " records/s, " +
                              format_rate(total_bytes / 1024.0) + " KiB/s (";
        bool first = true;
        for (const auto& [topic, rate] : per_topic) {
            explain += (first ? "" : ", ") + topic + " " + format_rate(rate) + "/s";
            first = false;
        }
        explain += ")";
        events_.publish(EventKind::Throughput, NodeRef::lab(), std::move(explain),
                        {{"records_per_s", total_records},
                         {"bytes_per_s", total_bytes},
                         {"partitions", std::move(partitions)}});
    }
}

}  // namespace kraftlab::lab
