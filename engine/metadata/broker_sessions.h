// The active controller's broker sessions, as decisions (Kafka's BrokerHeartbeatManager and the
// session rules of ClusterControlManager): heartbeats come in with the time, and the sessions
// say which brokers to fence because their session expired, which to unfence because they have
// caught up with the metadata log, and whether a broker may register (again).
//
// Pure: no sockets, no clock (time is lab milliseconds, given), no log. The controller runtime
// (engine/controller) turns the verdicts into records (fence_broker, unfence_broker in
// replication_control.h; heartbeat_records below) and commits them; the replication simulation
// (tests/replication) drives the same class with its simulated time and network.
//
// The rules:
//   - A broker's session lasts broker.session.timeout.ms after its last heartbeat (or its
//     registration, or the moment this controller became active). Silent for longer than that,
//     an unfenced broker is fenced; silent for exactly the timeout, it is still alive.
//   - A registration with another incarnation than the registered one is refused
//     (DUPLICATE_BROKER_REGISTRATION) while the registered broker is unfenced and its session
//     alive: another process may still hold the id, and a broker that restarts waits for its
//     old session to end. A restarted broker registers only once its old session is fenced: if
//     the session has expired but the fencing has not happened yet, the registration fences it
//     first (fence_broker, in the same records), so that the partitions the old life led get
//     new leaders and leader epochs. Without that, the new life would find itself leading in the
//     old leader epoch with a log that may have lost its tail and a high watermark back at its
//     start (the replication simulation found this). The same incarnation registering again is
//     a retry: it gets its epoch.
//   - A heartbeat must carry the registered broker epoch (STALE_BROKER_EPOCH otherwise,
//     BROKER_ID_NOT_REGISTERED for an unknown id). A fenced broker whose metadata offset has
//     reached its registration record is caught up and unfenced, unless it asks to be fenced
//     (a failed log directory) or to shut down, which fence it if it is not.
//
// Thread: not thread-safe; the controller's node thread (or the simulation) calls everything.
// Lifecycle: one per controller node, kept across its terms; start() each time it becomes
// active.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "metadata/image.h"
#include "protocol/errors.h"

namespace kraftlab::metadata {

class BrokerSessions {
  public:
    explicit BrokerSessions(std::int64_t session_timeout_ms);

    void set_session_timeout_ms(std::int64_t ms) { session_timeout_ms_ = ms; }
    std::int64_t session_timeout_ms() const { return session_timeout_ms_; }

    // This controller became active: every broker the image knows gets a full session from now
    // (the previous controller's heartbeat times are gone with it).
    void start(const MetadataImage& image, std::int64_t now_ms);
    // A RegisterBrokerRecord of `broker_id` is in the log at `offset` (every controller replays
    // it); the broker is caught up once its metadata offset reaches it.
    void on_registration_record(std::int32_t broker_id, std::int64_t offset);

    struct Registration {
        enum class Kind {
            Register,   // a new broker, or a new incarnation whose old session has ended
            Retry,      // the registered incarnation again: answer with its epoch
            Duplicate,  // DUPLICATE_BROKER_REGISTRATION: the registered session is alive
        };
        Kind kind = Kind::Register;
        std::int64_t broker_epoch = -1;  // Retry
        // Register: the old session expired unfenced; fence it (fence_broker) before the
        // RegisterBrokerRecord, in the same records.
        bool fence_first = false;
    };
    Registration check_registration(const MetadataImage& image, std::int32_t broker_id,
                                    const Uuid& incarnation_id, std::int64_t now_ms) const;
    // The registration is being committed: its session starts now.
    void registered(std::int32_t broker_id, std::int64_t now_ms);

    struct Heartbeat {
        std::int32_t broker_id = -1;
        std::int64_t broker_epoch = -1;
        std::int64_t current_metadata_offset = -1;
        bool want_fence = false;
        bool want_shut_down = false;
    };
    enum class Action {
        None,
        Fence,    // fence_broker: the broker shuts down or asks to be fenced
        Unfence,  // heartbeat_records: it has caught up
    };
    struct HeartbeatVerdict {
        protocol::ErrorCode error = protocol::ErrorCode::NONE;
        bool caught_up = false;
        bool fenced = false;  // as the image says before the action
        Action action = Action::None;
        std::string reason;  // Fence / Unfence, in plain words
    };
    // A heartbeat at now_ms: renews the session of a registered broker at its current epoch,
    // and says what to do.
    HeartbeatVerdict heartbeat(const MetadataImage& image, const Heartbeat& heartbeat,
                               std::int64_t now_ms);

    struct Expiry {
        std::int32_t broker_id = -1;
        std::int64_t silent_ms = 0;
        std::string reason;  // "no heartbeat for 3.2 s > broker.session.timeout.ms 3.0 s"
    };
    // The unfenced brokers of the image whose session has expired at now_ms, in id order. A
    // broker without a session yet (registered before this controller knew of it) starts one.
    std::vector<Expiry> expired(const MetadataImage& image, std::int64_t now_ms);

    // Milliseconds since the broker's last heartbeat; 0 when it has no session (snapshots).
    std::int64_t silent_ms(std::int32_t broker_id, std::int64_t now_ms) const;

  private:
    bool alive(std::int32_t broker_id, std::int64_t now_ms) const;

    std::int64_t session_timeout_ms_;
    std::map<std::int32_t, std::int64_t> last_heartbeat_ms_;
    std::map<std::int32_t, std::int64_t> registration_offsets_;
};

// The records a heartbeat's action commits: for Fence, fence_broker; for Unfence,
// unfence_broker and then the preferred leaders its return makes possible
// (elect_preferred_leaders on the image with the broker back); none for None.
std::vector<MetadataRecord> heartbeat_records(const MetadataImage& image, std::int32_t broker_id,
                                              BrokerSessions::Action action);

}  // namespace kraftlab::metadata
