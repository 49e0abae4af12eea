#include "controller/local_controller.h"

#include <future>
#include <sstream>

#include "core/thread_name.h"
#include "protocol/records.h"

namespace kraftlab::controller {

namespace asio = net::asio;
using core::EventKind;
using core::NodeRef;
using metadata::MetadataRecord;
using protocol::ErrorCode;

namespace {

constexpr std::string_view kMetadataPartitionDir = "__cluster_metadata-0";

std::string ids_text(const std::vector<std::int32_t>& ids) {
    std::string s = "[";
    for (std::size_t i = 0; i < ids.size(); ++i)
        s += (i ? "," : "") + std::to_string(ids[i]);
    return s + "]";
}

std::vector<metadata::TopicResult> all_failed(const std::vector<std::string>& names,
                                              const std::string& why) {
    std::vector<metadata::TopicResult> out;
    for (const auto& n : names)
        out.push_back({n, ErrorCode::NOT_CONTROLLER, why});
    return out;
}

}  // namespace

LocalController::LocalController(LocalControllerConfig config, core::EventBus& events)
    : config_(std::move(config)), events_(events), image_(metadata::MetadataImage::empty()) {}

LocalController::~LocalController() {
    stop();
}

std::optional<std::string> LocalController::load_log() {
    auto opened = storage::PartitionLog::open(config_.log_dir / kMetadataPartitionDir, {});
    if (!opened.log) return "the metadata log cannot be opened: " + opened.error;
    log_ = std::move(opened.log);
    if (!opened.recovery.clean()) {
        events_.publish(EventKind::LogRecovered, NodeRef::lab(),
                        "the metadata log was repaired: " + opened.recovery.reason);
    }
    metadata::MetadataDelta delta(image_);
    std::vector<protocol::Record> batch_records;
    std::int64_t offset = log_->log_start_offset();
    const std::int64_t end = log_->log_end_offset();
    while (offset < end) {
        auto read = log_->read(offset, 1 << 20, end);
        if (!read.ok() || read.data.empty()) break;
        protocol::BatchIterator it(read.data);
        while (it.next()) {
            batch_records.clear();
            if (protocol::decode_records(it.batch(), batch_records) != protocol::BatchError::None) {
                return "the metadata log has an undecodable batch at offset " +
                       std::to_string(it.header().base_offset);
            }
            for (const auto& r : batch_records) {
                if (!r.value) continue;
                auto record = metadata::decode_record(*r.value);
                if (!record) continue;  // a record type this version does not know
                delta.apply(*record, r.offset);
                records_.emplace_back(r.offset, std::move(*record));
            }
        }
        offset = read.next_offset;
    }
    image_ = delta.build();
    return std::nullopt;
}

std::optional<std::string> LocalController::start() {
    if (auto error = load_log()) return error;
    io_ = std::make_unique<asio::io_context>(1);
    mailbox_ = core::Mailbox::create(io_->get_executor());
    work_ = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
        io_->get_executor());
    thread_ = std::thread([this] {
        core::name_this_thread("controller");
        io_->run();
    });
    // Brokers registered by an earlier session are not running now: fence them so that their
    // partitions show no leader until they come back.
    run_on_thread([this] {
        std::vector<MetadataRecord> records;
        auto image = image_;
        for (const auto& [id, b] : image->brokers()) {
            if (b.fenced) continue;
            auto fence = metadata::fence_broker(*image, id);
            image = metadata::replay(image, fence, image->offset() + 1);
            records.insert(records.end(), fence.begin(), fence.end());
        }
        if (!records.empty()) commit(std::move(records), "the lab started and no broker is up yet");
    });
    return std::nullopt;
}

void LocalController::stop() {
    if (!io_) return;
    mailbox_->close();
    work_.reset();
    thread_.join();
    if (log_) log_->close();
    log_.reset();
    brokers_.clear();
    io_.reset();
}

void LocalController::run_on_thread(std::function<void()> fn) {
    if (!mailbox_ || !mailbox_->post(std::move(fn))) {
        // Stopped: nothing runs. Callers that wait for an answer get one from their own timeout.
    }
}

std::shared_ptr<const metadata::MetadataImage> LocalController::image() const {
    std::lock_guard lock(image_mutex_);
    return image_;
}

bool LocalController::commit(std::vector<MetadataRecord> records, const std::string& cause) {
    if (records.empty()) return true;
    protocol::RecordBatchBuilder builder;
    const std::int64_t now = core::now_unix_ms();
    std::vector<protocol::Bytes> values;
    values.reserve(records.size());
    for (const auto& r : records)
        values.push_back(metadata::encode_record(r));
    for (const auto& v : values)
        builder.append(std::nullopt, protocol::ByteView(v), now);
    protocol::Bytes batch = builder.build();
    auto appended = log_->append_as_leader(batch, 0);
    if (!appended.ok()) {
        events_.publish(EventKind::CommandFailed, NodeRef::lab(),
                        "the controller could not write the metadata log: " + appended.message);
        return false;
    }
    log_->flush();  // metadata changes are rare and must survive a crash

    auto before = image_;
    metadata::MetadataDelta delta(before);
    std::vector<IndexedRecord> indexed;
    std::int64_t offset = appended.first_offset;
    for (auto& r : records) {
        delta.apply(r, offset);
        indexed.emplace_back(offset, std::move(r));
        ++offset;
    }
    auto changes = delta.changes();
    auto after = delta.build();
    {
        std::lock_guard lock(image_mutex_);
        image_ = after;
    }
    records_.insert(records_.end(), indexed.begin(), indexed.end());
    for (const auto& [id, inbox] : brokers_)
        inbox.deliver(indexed);
    report_changes(*before, *after, changes, cause);
    return true;
}

void LocalController::report_changes(const metadata::MetadataImage& before,
                                     const metadata::MetadataImage& after,
                                     const metadata::MetadataChanges& changes,
                                     const std::string& cause) {
    const std::string because = cause.empty() ? "" : " (" + cause + ")";
    for (const auto& id : changes.topics_created) {
        auto t = after.topic_by_id(id);
        if (!t) continue;
        nlohmann::json parts = nlohmann::json::array();
        std::ostringstream where;
        for (const auto& p : t->partitions) {
            parts.push_back(
                {{"partition", p.partition}, {"leader", p.leader}, {"replicas", p.replicas}});
        }
        std::size_t rf = t->partitions.empty() ? 0 : t->partitions.front().replicas.size();
        events_.publish(EventKind::TopicCreated, NodeRef::lab(),
                        "topic " + t->name + " created with " +
                            std::to_string(t->partitions.size()) +
                            " partition(s), replication factor " + std::to_string(rf) + because,
                        {{"partitions", parts}, {"topic_id", t->id.to_base64()}}, t->name);
    }
    for (const auto& [id, name] : changes.topics_deleted) {
        events_.publish(EventKind::TopicDeleted, NodeRef::lab(),
                        "topic " + name + " deleted" + because, {}, name);
    }
    for (auto broker_id : changes.brokers_changed) {
        const auto* old_b = before.broker(broker_id);
        const auto* new_b = after.broker(broker_id);
        if (!new_b) continue;
        const std::string who = "broker " + std::to_string(broker_id);
        if (!old_b || old_b->epoch != new_b->epoch) {
            events_.publish(EventKind::BrokerRegistered, NodeRef::broker(broker_id),
                            who + " registered at " + new_b->host + ":" +
                                std::to_string(new_b->port) + " with broker epoch " +
                                std::to_string(new_b->epoch),
                            {{"epoch", new_b->epoch}, {"port", new_b->port}});
        }
        bool was_fenced = old_b ? old_b->fenced : true;
        if (new_b->fenced && !was_fenced) {
            events_.publish(
                EventKind::BrokerFenced, NodeRef::broker(broker_id),
                who + " is fenced" + because + ": it leads nothing and clients are not sent to it");
        } else if (!new_b->fenced && was_fenced) {
            events_.publish(EventKind::BrokerUnfenced, NodeRef::broker(broker_id),
                            who + " is unfenced" + because + ": it may lead partitions again");
        }
    }
    for (const auto& [topic_id, partition] : changes.partitions_changed) {
        if (changes.topics_created.count(topic_id)) continue;
        auto t_new = after.topic_by_id(topic_id);
        auto t_old = before.topic_by_id(topic_id);
        if (!t_new || !t_old || partition < 0 ||
            partition >= static_cast<std::int32_t>(t_new->partitions.size()) ||
            partition >= static_cast<std::int32_t>(t_old->partitions.size())) {
            continue;
        }
        const auto& p_old = t_old->partitions[static_cast<std::size_t>(partition)];
        const auto& p_new = t_new->partitions[static_cast<std::size_t>(partition)];
        const std::string label = t_new->name + "-" + std::to_string(partition);
        nlohmann::json data = {{"leader", p_new.leader},
                               {"previous_leader", p_old.leader},
                               {"leader_epoch", p_new.leader_epoch},
                               {"isr", p_new.isr}};
        if (p_new.leader == p_old.leader) continue;
        if (p_new.leader == metadata::kNoLeader) {
            std::string why = p_new.replicas.size() == 1
                                  ? "its only replica, on broker " +
                                        std::to_string(p_new.replicas[0]) + ", is unavailable"
                                  : "no in-sync replica " + ids_text(p_new.isr) + " is available";
            events_.publish(EventKind::PartitionOffline, NodeRef::lab(),
                            label + " is offline: " + why + because, std::move(data), t_new->name,
                            partition);
        } else {
            std::string from = p_old.leader == metadata::kNoLeader
                                   ? "no leader"
                                   : "broker " + std::to_string(p_old.leader);
            events_.publish(EventKind::LeaderChanged, NodeRef::lab(),
                            label + " leader: " + from + " -> broker " +
                                std::to_string(p_new.leader) + ", leader epoch " +
                                std::to_string(p_new.leader_epoch) + because,
                            std::move(data), t_new->name, partition);
        }
    }
    for (const auto& name : changes.topic_configs_changed) {
        if (!after.topic(name)) continue;
        nlohmann::json configs = after.topic_configs(name);
        events_.publish(EventKind::TopicConfigChanged, NodeRef::lab(),
                        "topic " + name + " configs are now " + configs.dump(),
                        {{"configs", configs}}, name);
    }
}

void LocalController::decide(
    std::vector<std::string> names,
    std::function<metadata::ControllerResult<std::vector<metadata::TopicResult>>()> decision,
    TopicsDone done) {
    bool posted = mailbox_ && mailbox_->post([this, decision = std::move(decision), done] {
        auto result = decision();
        if (!result.records.empty() && !commit(std::move(result.records), "")) {
            for (auto& r : result.response) {
                if (r.error == ErrorCode::NONE) {
                    r.error = ErrorCode::KAFKA_STORAGE_ERROR;
                    r.message = "the metadata log could not be written";
                }
            }
        }
        done(std::move(result.response));
    });
    if (!posted) done(all_failed(names, "the controller is not running"));
}

void LocalController::create_topics(std::vector<metadata::NewTopic> topics, bool validate_only,
                                    TopicsDone done) {
    std::vector<std::string> names;
    for (const auto& t : topics)
        names.push_back(t.name);
    decide(
        std::move(names),
        [this, topics = std::move(topics), validate_only] {
            return metadata::create_topics(*image_, topics, config_.defaults, validate_only);
        },
        std::move(done));
}

void LocalController::delete_topics(std::vector<std::string> names, TopicsDone done) {
    decide(
        names, [this, names] { return metadata::delete_topics(*image_, names); }, std::move(done));
}

void LocalController::broker_started(std::int32_t id, std::string host, std::uint16_t port,
                                     broker::Broker::MetadataInbox inbox,
                                     std::function<void()> done) {
    run_on_thread([this, id, host = std::move(host), port, inbox = std::move(inbox), done] {
        // Catch the broker up with the whole log first; from then on it gets every new batch.
        // (The other order would let it apply its own registration first and then skip the
        // older records as already seen.)
        inbox.deliver(records_);
        brokers_[id] = inbox;
        commit(metadata::register_broker(*image_, id, protocol::Uuid::random(), host, port,
                                         std::nullopt),
               "");
        commit(metadata::unfence_broker(*image_, id),
               "broker " + std::to_string(id) + " is up and has the metadata");
        commit(metadata::elect_preferred_leaders(*image_), "preferred leader election");
        if (done) done();
    });
}

void LocalController::broker_stopped(std::int32_t id, std::string why) {
    std::promise<void> finished;
    auto future = finished.get_future();
    bool posted = mailbox_ && mailbox_->post([this, id, why = std::move(why), &finished] {
        brokers_.erase(id);
        commit(metadata::fence_broker(*image_, id), "broker " + std::to_string(id) + " " + why);
        finished.set_value();
    });
    if (posted) future.wait();
}

}  // namespace kraftlab::controller
