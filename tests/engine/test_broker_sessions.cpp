// The active controller's broker sessions (engine/metadata/broker_sessions.h): a session that
// expires fences, a heartbeat in time keeps it, a fenced broker is unfenced once caught up, and a
// restarted broker registers only once its old session has ended, fencing it first if needed.
#include <QtTest>

#include "metadata/broker_sessions.h"
#include "metadata/replication_control.h"

using namespace kraftlab::metadata;
using kraftlab::protocol::ErrorCode;
using Kind = BrokerSessions::Registration::Kind;
using Action = BrokerSessions::Action;

namespace {

const Uuid kFirstLife{1, 1};
const Uuid kSecondLife{1, 2};
const Uuid kTopicId{7, 7};

RegisterBrokerRecord registration(std::int32_t id, std::int64_t epoch, bool fenced,
                                  Uuid incarnation = kFirstLife) {
    RegisterBrokerRecord r;
    r.broker_id = id;
    r.incarnation_id = incarnation;
    r.broker_epoch = epoch;
    r.endpoints.push_back({"PLAINTEXT", "127.0.0.1", static_cast<std::uint16_t>(9000 + id), 0});
    r.fenced = fenced;
    return r;
}

// Brokers 1 and 2, unfenced; topic t with one partition led by 1, ISR {1,2}.
std::shared_ptr<const MetadataImage> two_brokers() {
    std::vector<MetadataRecord> records{registration(1, 10, false), registration(2, 11, false),
                                        TopicRecord{"t", kTopicId}};
    PartitionRecord p;
    p.partition_id = 0;
    p.topic_id = kTopicId;
    p.replicas = {1, 2};
    p.isr = {1, 2};
    p.leader = 1;
    p.leader_epoch = 3;
    p.partition_epoch = 4;
    records.emplace_back(p);
    return replay(MetadataImage::empty(), records, 0);
}

BrokerSessions::Heartbeat beat(std::int32_t id, std::int64_t epoch, std::int64_t offset = 100) {
    BrokerSessions::Heartbeat h;
    h.broker_id = id;
    h.broker_epoch = epoch;
    h.current_metadata_offset = offset;
    return h;
}

std::vector<std::int32_t> expired_ids(BrokerSessions& s, const MetadataImage& img,
                                      std::int64_t now) {
    std::vector<std::int32_t> ids;
    for (const auto& e : s.expired(img, now))
        ids.push_back(e.broker_id);
    return ids;
}

}  // namespace

class BrokerSessionsTest : public QObject {
    Q_OBJECT

  private slots:
    void a_session_expires_only_past_the_timeout() {
        auto img = two_brokers();
        BrokerSessions s(3000);
        s.start(*img, 1000);
        QVERIFY(expired_ids(s, *img, 4000).empty());  // exactly the timeout: still alive
        const auto e = s.expired(*img, 4001);
        QCOMPARE(e.size(), std::size_t{2});
        QCOMPARE(e[0].broker_id, 1);
        QCOMPARE(e[0].silent_ms, 3001);
        QVERIFY(e[0].reason.find("broker.session.timeout.ms 3.0 s") != std::string::npos);
    }

    void a_heartbeat_before_expiry_keeps_the_session() {
        auto img = two_brokers();
        BrokerSessions s(3000);
        s.start(*img, 0);
        QCOMPARE(s.heartbeat(*img, beat(1, 10), 2999).error, ErrorCode::NONE);
        QCOMPARE(expired_ids(s, *img, 3001), std::vector<std::int32_t>{2});
        QVERIFY(expired_ids(s, *img, 5999).size() == 1);
        QCOMPARE(expired_ids(s, *img, 6000), (std::vector<std::int32_t>{1, 2}));
        QCOMPARE(s.silent_ms(1, 4000), 1001);
        QCOMPARE(s.silent_ms(9, 4000), 0);  // no session
    }

    void fenced_brokers_do_not_expire_and_an_unknown_one_starts_a_session() {
        auto img = replay(two_brokers(), {FenceBrokerRecord{2, 11}}, 10);
        BrokerSessions s(3000);                         // never started: no session known
        QVERIFY(expired_ids(s, *img, 50'000).empty());  // broker 1 starts its session now
        QCOMPARE(expired_ids(s, *img, 53'001), std::vector<std::int32_t>{1});
    }

    void a_heartbeat_needs_the_registered_epoch() {
        auto img = two_brokers();
        BrokerSessions s(3000);
        s.start(*img, 0);
        QCOMPARE(s.heartbeat(*img, beat(1, 9), 100).error, ErrorCode::STALE_BROKER_EPOCH);
        QCOMPARE(s.heartbeat(*img, beat(5, 1), 100).error, ErrorCode::BROKER_ID_NOT_REGISTERED);
        QCOMPARE(s.silent_ms(1, 3001), 3001);  // a refused heartbeat renews nothing
    }

    void a_fenced_broker_is_unfenced_once_caught_up_with_its_registration() {
        auto img = replay(two_brokers(), {FenceBrokerRecord{2, 11}}, 10);
        BrokerSessions s(3000);
        s.on_registration_record(2, 42);
        s.start(*img, 0);
        auto v = s.heartbeat(*img, beat(2, 11, 41), 10);
        QVERIFY(v.fenced && !v.caught_up);
        QCOMPARE(v.action, Action::None);
        v = s.heartbeat(*img, beat(2, 11, 42), 20);
        QVERIFY(v.caught_up);
        QCOMPARE(v.action, Action::Unfence);
        const auto records = heartbeat_records(*img, 2, v.action);
        QVERIFY(!records.empty());
        QVERIFY(std::holds_alternative<UnfenceBrokerRecord>(records.front()));
        // Unfenced already: nothing more to do.
        QCOMPARE(s.heartbeat(*two_brokers(), beat(2, 11, 42), 30).action, Action::None);
    }

    void shutting_down_or_asking_fences_an_unfenced_broker() {
        auto img = two_brokers();
        BrokerSessions s(3000);
        s.start(*img, 0);
        auto h = beat(1, 10);
        h.want_shut_down = true;
        auto v = s.heartbeat(*img, h, 10);
        QCOMPARE(v.action, Action::Fence);
        const auto records = heartbeat_records(*img, 1, v.action);
        QVERIFY(std::holds_alternative<FenceBrokerRecord>(records.front()));
        // The leader is fenced: the partition moves to broker 2.
        const auto after = replay(img, records, img->offset() + 1);
        QCOMPARE(after->partition("t", 0)->leader, 2);
        h = beat(2, 11);
        h.want_fence = true;
        QCOMPARE(s.heartbeat(*after, h, 20).action, Action::Fence);
        s.on_registration_record(1, 0);  // caught up: its metadata offset 100 is past it
        QCOMPARE(s.heartbeat(*after, beat(1, 10), 30).action, Action::Unfence);
        h = beat(1, 10);
        h.want_fence = true;  // fenced and asking to stay so: not unfenced
        QCOMPARE(s.heartbeat(*after, h, 40).action, Action::None);
    }

    void a_new_life_waits_for_the_old_session_and_fences_it_first() {
        auto img = two_brokers();
        BrokerSessions s(3000);
        s.start(*img, 0);
        QCOMPARE(s.check_registration(*img, 1, kFirstLife, 100).kind, Kind::Retry);
        QCOMPARE(s.check_registration(*img, 1, kFirstLife, 100).broker_epoch, 10);
        QCOMPARE(s.check_registration(*img, 1, kSecondLife, 3000).kind, Kind::Duplicate);
        // Expired but not fenced yet: it may register, fencing the old life in the same records.
        auto r = s.check_registration(*img, 1, kSecondLife, 3001);
        QCOMPARE(r.kind, Kind::Register);
        QVERIFY(r.fence_first);
        // Fenced already: it registers plainly.
        const auto fenced = replay(img, fence_broker(*img, 1), img->offset() + 1);
        r = s.check_registration(*fenced, 1, kSecondLife, 100);
        QCOMPARE(r.kind, Kind::Register);
        QVERIFY(!r.fence_first);
        // A broker the image does not know registers plainly too.
        QCOMPARE(s.check_registration(*img, 3, kFirstLife, 0).kind, Kind::Register);
        s.registered(1, 5000);
        QCOMPARE(s.silent_ms(1, 5000), 0);
    }
};

QTEST_APPLESS_MAIN(BrokerSessionsTest)
#include "test_broker_sessions.moc"
