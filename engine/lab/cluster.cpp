#include "lab/cluster.h"

#include "core/thread_name.h"

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

}  // namespace

Cluster::Cluster(LabConfig config) : config_(std::move(config)) {}

Cluster::~Cluster() {
    stop();
}

std::optional<std::string> Cluster::start() {
    std::lock_guard lock(mutex_);
    if (started_) return "the lab is already running";
    if (config_.brokers < 1 || config_.brokers > kMaxBrokers) {
        return "the number of brokers must be between 1 and " + std::to_string(kMaxBrokers);
    }
    if (config_.port_base != 0 && config_.port_base + config_.brokers - 1 > 65535) {
        return "port base " + std::to_string(config_.port_base) + " leaves no room for " +
               std::to_string(config_.brokers) + " brokers";
    }

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

    controller_ = std::make_unique<controller::LocalController>(
        controller::LocalControllerConfig{data_dir_ / "metadata", config_.cluster}, events_);
    if (auto error = controller_->start()) {
        controller_.reset();
        return error;
    }

    for (std::int32_t id = 1; id <= config_.brokers; ++id) {
        BrokerSlot slot;
        slot.config = config_.broker;
        slot.config.node_id = id;
        slot.config.host = config_.host;
        slot.config.port =
            config_.port_base == 0 ? 0 : static_cast<std::uint16_t>(config_.port_base + id - 1);
        slot.config.data_dir = data_dir_ / ("broker-" + std::to_string(id));
        slot.config.cluster_id = cluster_id_;
        brokers_[id] = std::move(slot);
    }
    for (auto& [id, slot] : brokers_) {
        if (auto error = start_broker(slot)) {
            for (auto& [other, s] : brokers_) {
                if (s.node) s.node->shutdown();
                s.node.reset();
            }
            brokers_.clear();
            controller_->stop();
            controller_.reset();
            return error;
        }
    }
    started_ = true;
    publish_view_locked();
    throughput_stop_ = false;
    throughput_thread_ = std::thread([this] {
        core::name_this_thread("lab-stats");
        throughput_loop();
    });
    events_.publish(EventKind::LabReady, NodeRef::lab(),
                    "the lab is running with " + std::to_string(config_.brokers) +
                        " broker(s); session directory " + data_dir_.string(),
                    {{"bootstrap", bootstrap_locked()}, {"data", data_dir_.string()}});
    return std::nullopt;
}

std::optional<std::string> Cluster::start_broker(BrokerSlot& slot) {
    auto node = std::make_unique<broker::Broker>(slot.config, *controller_, events_, snapshots_);
    if (auto error = node->start()) return error;
    slot.config.port = node->port();  // an ephemeral port is kept for restarts
    events_.publish(EventKind::NodeStarted, NodeRef::broker(slot.config.node_id),
                    "broker " + std::to_string(slot.config.node_id) + " is listening on " +
                        slot.config.host + ":" + std::to_string(slot.config.port),
                    {{"port", slot.config.port}});
    std::promise<void> live;
    auto future = live.get_future();
    controller_->broker_started(slot.config.node_id, slot.config.host, node->port(),
                                node->metadata_inbox(), [&live] { live.set_value(); });
    if (future.wait_for(kCommandTimeout) != std::future_status::ready) {
        node->kill();
        return "broker " + std::to_string(slot.config.node_id) +
               " did not register with the controller";
    }
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
    // The workload first: its requests in flight still find their brokers.
    stop_workload();
    for (auto& [id, slot] : brokers_) {
        if (!slot.node) continue;
        slot.node->shutdown();
        slot.node.reset();
    }
    started_ = false;
    publish_view_locked();
    if (controller_) controller_->stop();
    controller_.reset();
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
        v->brokers.push_back({id, slot.config.host, slot.config.port, slot.node != nullptr});
    }
    std::lock_guard lock(view_mutex_);
    view_controller_ = started_ ? controller_.get() : nullptr;
    view_ = std::move(v);
}

LabView Cluster::view() const {
    std::lock_guard lock(view_mutex_);
    LabView v = *view_;
    if (view_controller_) v.metadata = view_controller_->image();
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
    std::lock_guard lock(mutex_);
    return controller_ ? controller_->image() : metadata::MetadataImage::empty();
}

std::optional<metadata::TopicResult> Cluster::ask_controller(
    const std::function<void(broker::ControllerChannel::TopicsDone)>& send) {
    std::promise<std::vector<metadata::TopicResult>> answer;
    auto future = answer.get_future();
    send([&answer](std::vector<metadata::TopicResult> r) { answer.set_value(std::move(r)); });
    if (future.wait_for(kCommandTimeout) != std::future_status::ready) return std::nullopt;
    auto results = future.get();
    if (results.empty()) return std::nullopt;
    return results.front();
}

CommandResult Cluster::create_topic(const std::string& name, std::int32_t partitions,
                                    std::int16_t replication_factor,
                                    std::vector<std::pair<std::string, std::string>> configs) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    metadata::NewTopic topic{name, partitions, replication_factor};
    for (auto& [k, v] : configs)
        topic.configs.emplace_back(k, v);
    auto r = ask_controller([&](auto done) { controller_->create_topics({topic}, false, done); });
    if (!r) return CommandResult::failure("the controller did not answer");
    if (r->error != protocol::ErrorCode::NONE) {
        return CommandResult::failure(std::string(protocol::error_name(r->error)) + ": " +
                                      r->message);
    }
    return CommandResult::success(
        "topic " + name + " created with " + std::to_string(r->num_partitions) +
            " partition(s), replication factor " + std::to_string(r->replication_factor),
        {{"topic", name},
         {"partitions", r->num_partitions},
         {"replication_factor", r->replication_factor},
         {"topic_id", r->topic_id.to_base64()}});
}

CommandResult Cluster::delete_topic(const std::string& name) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    auto r = ask_controller([&](auto done) { controller_->delete_topics({name}, done); });
    if (!r) return CommandResult::failure("the controller did not answer");
    if (r->error != protocol::ErrorCode::NONE) {
        return CommandResult::failure(std::string(protocol::error_name(r->error)) + ": " +
                                      r->message);
    }
    return CommandResult::success("topic " + name + " deleted", {{"topic", name}});
}

CommandResult Cluster::kill_broker(std::int32_t id) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    auto it = brokers_.find(id);
    if (it == brokers_.end())
        return CommandResult::failure("there is no broker " + std::to_string(id));
    if (!it->second.node)
        return CommandResult::failure("broker " + std::to_string(id) + " is already down");
    it->second.node->kill();
    events_.publish(EventKind::NodeKilled, NodeRef::broker(id),
                    "broker " + std::to_string(id) +
                        " was killed: its thread stopped and its connections were reset; its data "
                        "stays on disk");
    controller_->broker_stopped(id, "was killed");
    it->second.node.reset();
    publish_view_locked();
    return CommandResult::success("broker " + std::to_string(id) + " killed", {{"broker", id}});
}

CommandResult Cluster::restart_broker(std::int32_t id) {
    std::lock_guard lock(mutex_);
    if (!started_) return CommandResult::failure("the lab is not running");
    auto it = brokers_.find(id);
    if (it == brokers_.end())
        return CommandResult::failure("there is no broker " + std::to_string(id));
    if (it->second.node)
        return CommandResult::failure("broker " + std::to_string(id) + " is already running");
    if (auto error = start_broker(it->second)) {
        events_.publish(EventKind::NodeFailed, NodeRef::broker(id), *error);
        return CommandResult::failure(*error);
    }
    publish_view_locked();
    events_.publish(EventKind::NodeRestarted, NodeRef::broker(id),
                    "broker " + std::to_string(id) + " restarted on " + it->second.config.host +
                        ":" + std::to_string(it->second.config.port) + " and recovered its logs",
                    {{"port", it->second.config.port}});
    return CommandResult::success("broker " + std::to_string(id) + " restarted",
                                  {{"broker", id}, {"port", it->second.config.port}});
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
    auto image = controller_ ? controller_->image() : metadata::MetadataImage::empty();
    if (!image->topic(topic)) {
        return "there is no topic '" + topic + "'; create it first (create-topic " + topic +
               " PARTITIONS)";
    }
    return std::nullopt;
}

AddClientResult Cluster::add_producer(ProducerConfig config, ProducerHooks hooks) {
    std::lock_guard lock(mutex_);
    if (auto error = check_topic(config.topic)) return {CommandResult::failure(*error), -1};
    if (auto error = validate(config)) return {CommandResult::failure(*error), -1};
    const std::int32_t id = next_producer_id_;
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
    auto consumer = std::make_unique<BuiltinConsumer>(id, config, bootstrap_locked(), events_,
                                                      snapshots_, std::move(hooks));
    if (auto error = consumer->start()) return {CommandResult::failure(*error), -1};
    ++next_consumer_id_;
    consumers_[id] = std::move(consumer);
    return {CommandResult::success("consumer " + std::to_string(id) + " reads " + config.topic +
                                       " from the " +
                                       std::string(start_from_name(config.start_from)) + " offset",
                                   {{"consumer", id}, {"topic", config.topic}}),
            id};
}

CommandResult Cluster::remove_consumer(std::int32_t id) {
    std::lock_guard lock(mutex_);
    auto it = consumers_.find(id);
    if (it == consumers_.end())
        return CommandResult::failure("there is no consumer " + std::to_string(id));
    it->second->stop();
    consumers_.erase(it);
    snapshots_.remove_consumer(id);
    return CommandResult::success("consumer " + std::to_string(id) + " stopped",
                                  {{"consumer", id}});
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
    auto snaps = snapshots_.brokers();
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, slot] : brokers_) {
            nlohmann::json b = {{"id", id},
                                {"host", slot.config.host},
                                {"port", slot.config.port},
                                {"up", slot.node != nullptr}};
            if (const auto* info = image->broker(id)) b["fenced"] = info->fenced;
            brokers.push_back(std::move(b));
        }
    }
    for (const auto& s : snaps) {
        if (!s->up) continue;
        for (const auto& p : s->partitions) {
            if (p.is_leader) logs[{p.topic, p.partition}] = &p;
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
            if (auto it = logs.find({name, p.partition}); it != logs.end()) {
                j["log_start_offset"] = it->second->log_start_offset;
                j["log_end_offset"] = it->second->log_end_offset;
                j["size_bytes"] = it->second->size_bytes;
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
        for (const auto& p : c->partitions)
            lag += p.lag;
        consumers.push_back({{"id", c->id},
                             {"topic", c->topic},
                             {"from", c->start_from},
                             {"records", c->records_total},
                             {"bytes", c->bytes_total},
                             {"lag", lag},
                             {"last_error", c->last_error}});
    }
    return {{"cluster_id", cluster_id_},         {"data", data_dir_.string()},
            {"bootstrap", bootstrap()},          {"metadata_offset", image->offset()},
            {"brokers", std::move(brokers)},     {"topics", std::move(topics)},
            {"producers", std::move(producers)}, {"consumers", std::move(consumers)}};
}

void Cluster::throughput_loop() {
    struct Totals {
        std::uint64_t records = 0;
        std::uint64_t bytes = 0;
    };
    // Per (broker, topic, partition): counters reset when a broker restarts.
    std::map<std::tuple<std::int32_t, std::string, std::int32_t>, Totals> last;
    auto last_time = std::chrono::steady_clock::now();
    for (;;) {
        {
            std::unique_lock lock(throughput_mutex_);
            if (throughput_cv_.wait_for(lock,
                                        std::chrono::milliseconds(config_.throughput_interval_ms),
                                        [this] { return throughput_stop_; })) {
                return;
            }
        }
        auto now = std::chrono::steady_clock::now();
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
