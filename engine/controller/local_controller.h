// LocalController: the lab's single metadata controller, until the KRaft quorum exists.
//
// It owns the metadata log (record batches of KRaft metadata records, on disk under
// <session>/metadata/__cluster_metadata-0/), makes the controller's decisions with the pure
// functions of metadata/replication_control.h, appends the resulting records, replays them into
// its own MetadataImage, and sends them to every attached broker, which replays them into its
// own image. It is told by the lab when a broker starts or is killed (standing in for broker
// heartbeats), registers, fences and unfences brokers, and moves partition leaders accordingly.
//
// Threads: its own thread and io_context. Public methods are thread-safe; callbacks (`done`) run
// on the controller's thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker.h"
#include "broker/controller_channel.h"
#include "core/events.h"
#include "core/mailbox.h"
#include "metadata/image.h"
#include "metadata/replication_control.h"
#include "net/asio.h"
#include "storage/partition_log.h"

namespace kraftlab::controller {

struct LocalControllerConfig {
    std::filesystem::path log_dir;  // <session>/metadata
    metadata::ClusterDefaults defaults;
};

class LocalController final : public broker::ControllerChannel {
  public:
    LocalController(LocalControllerConfig config, core::EventBus& events);
    ~LocalController() override;

    // Opens the metadata log (replaying what a previous session wrote) and starts the thread.
    std::optional<std::string> start();
    void stop();

    // ControllerChannel (brokers forward admin requests here).
    void create_topics(std::vector<metadata::NewTopic> topics, bool validate_only,
                       TopicsDone done) override;
    void delete_topics(std::vector<std::string> names, TopicsDone done) override;

    // A broker came up: register it (a new incarnation), send it the whole log, unfence it,
    // give it back the partitions it can lead, and restore preferred leaders. `done` runs on the
    // controller thread once the broker is live in the image.
    void broker_started(std::int32_t id, std::string host, std::uint16_t port,
                        broker::Broker::MetadataInbox inbox, std::function<void()> done = {});
    // A broker went away (why: plain words, e.g. "it was killed"): stop sending it records,
    // fence it, move or offline its partitions. Blocks until done, so that the caller may then
    // destroy the broker.
    void broker_stopped(std::int32_t id, std::string why);

    // The image as of now, for status displays (a copy of the pointer; thread-safe).
    std::shared_ptr<const metadata::MetadataImage> image() const;

  private:
    using IndexedRecord = broker::IndexedRecord;

    // Appends records to the log, applies them, sends them to brokers, and reports what
    // changed. Returns false (and appends nothing) if the log write failed.
    bool commit(std::vector<metadata::MetadataRecord> records, const std::string& cause);
    void report_changes(const metadata::MetadataImage& before, const metadata::MetadataImage& after,
                        const metadata::MetadataChanges& changes, const std::string& cause);
    void run_on_thread(std::function<void()> fn);  // post, or fail if stopped
    // Runs a decision on the controller thread, commits its records and answers `done`.
    void decide(
        std::vector<std::string> names,
        std::function<metadata::ControllerResult<std::vector<metadata::TopicResult>>()> decision,
        TopicsDone done);
    std::optional<std::string> load_log();

    LocalControllerConfig config_;
    core::EventBus& events_;
    std::unique_ptr<net::asio::io_context> io_;
    core::MailboxPtr mailbox_;
    std::thread thread_;
    std::unique_ptr<net::asio::executor_work_guard<net::asio::io_context::executor_type>> work_;

    std::unique_ptr<storage::PartitionLog> log_;
    std::vector<IndexedRecord> records_;  // the whole metadata log, to catch brokers up
    std::shared_ptr<const metadata::MetadataImage> image_;
    mutable std::mutex image_mutex_;  // guards image_ for image() from other threads
    std::map<std::int32_t, broker::Broker::MetadataInbox> brokers_;
};

}  // namespace kraftlab::controller
