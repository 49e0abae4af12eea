// Metadata records, the image they build, and the controller's decisions.
#include <QtTest>

#include "metadata/image.h"
#include "metadata/records.h"
#include "metadata/replication_control.h"
#include "metadata/topic_config.h"

using namespace kraftlab::metadata;
using kraftlab::protocol::ErrorCode;

namespace {

std::shared_ptr<const MetadataImage> cluster_of(int brokers) {
    std::vector<MetadataRecord> records;
    auto image = MetadataImage::empty();
    for (int id = 1; id <= brokers; ++id) {
        auto reg = register_broker(*image, id, Uuid::random(), "127.0.0.1",
                                   static_cast<std::uint16_t>(9091 + id), std::nullopt);
        image = replay(image, reg, image->offset() + 1);
        image = replay(image, unfence_broker(*image, id), image->offset() + 1);
    }
    return image;
}

std::shared_ptr<const MetadataImage> after(std::shared_ptr<const MetadataImage> image,
                                           const std::vector<MetadataRecord>& records) {
    return replay(image, records, image->offset() + 1);
}

}  // namespace

class MetadataTest : public QObject {
    Q_OBJECT

  private slots:
    void every_record_type_round_trips() {
        Uuid topic = Uuid::random();
        std::vector<MetadataRecord> records = {
            RegisterBrokerRecord{3,
                                 Uuid::random(),
                                 42,
                                 {{"PLAINTEXT", "127.0.0.1", 9094, 0}},
                                 std::string("rack-a"),
                                 false,
                                 true},
            UnregisterBrokerRecord{3, 42},
            TopicRecord{"orders", topic},
            PartitionRecord{2, topic, {1, 2, 3}, {1, 3}, {}, {}, 1, 1, 7, 9},
            ConfigRecord{ConfigResourceType::Topic, "orders", "min.insync.replicas", "2"},
            ConfigRecord{ConfigResourceType::Topic, "orders", "min.insync.replicas", std::nullopt},
            PartitionChangeRecord{2, topic, std::vector<std::int32_t>{1}, 3, std::nullopt,
                                  std::nullopt, std::vector<std::int32_t>{}, std::int8_t{1}},
            PartitionChangeRecord{0, topic},
            FenceBrokerRecord{2, 17},
            UnfenceBrokerRecord{2, 17},
            RemoveTopicRecord{topic},
            NoOpRecord{},
        };
        for (const auto& r : records) {
            auto bytes = encode_record(r);
            QCOMPARE(bytes[0], std::uint8_t(1));  // frame version
            QCOMPARE(static_cast<std::int16_t>(bytes[1]), record_api_key(r));
            auto back = decode_record(bytes);
            QVERIFY2(back.has_value(), describe(r).c_str());
            QVERIFY2(*back == r, describe(r).c_str());
            // Every strict prefix is rejected.
            for (std::size_t n = 0; n < bytes.size(); ++n) {
                QVERIFY(!decode_record(std::span(bytes).first(n)).has_value());
            }
        }
    }

    void unknown_or_garbage_records_are_rejected() {
        QVERIFY(!decode_record(Bytes{1, 99, 0, 0}).has_value());  // api key 99
        QVERIFY(!decode_record(Bytes{2, 2, 0}).has_value());      // frame version 2
        QVERIFY(!decode_record(Bytes{}).has_value());
    }

    void leader_change_bumps_leader_epoch_and_partition_epoch() {
        auto image = cluster_of(3);
        auto created = create_topics(*image, {NewTopic{"t", 1, 3}}, {}, false);
        image = after(image, created.records);
        const PartitionInfo* p = image->partition("t", 0);
        QVERIFY(p);
        QCOMPARE(p->leader_epoch, 0);
        std::int32_t old_leader = p->leader;
        auto fenced = fence_broker(*image, old_leader);
        image = after(image, fenced);
        p = image->partition("t", 0);
        QVERIFY(p->leader != old_leader);
        QVERIFY(p->leader != kNoLeader);
        QCOMPARE(p->leader_epoch, 1);
        QCOMPARE(p->partition_epoch, 1);
        QVERIFY(!p->in_isr(old_leader));
    }

    void create_topics_places_replicas_on_distinct_brokers_and_spreads_leaders() {
        auto image = cluster_of(3);
        auto result = create_topics(*image, {NewTopic{"orders", 6, 3}}, {}, false);
        QCOMPARE(result.response.size(), 1u);
        QCOMPARE(result.response[0].error, ErrorCode::NONE);
        image = after(image, result.records);
        auto t = image->topic("orders");
        QVERIFY(t);
        QCOMPARE(t->partitions.size(), 6u);
        std::map<std::int32_t, int> leaders;
        for (const auto& p : t->partitions) {
            QCOMPARE(p.replicas.size(), 3u);
            QCOMPARE(std::set<std::int32_t>(p.replicas.begin(), p.replicas.end()).size(), 3u);
            QCOMPARE(p.leader, p.replicas.front());
            QCOMPARE(p.isr, p.replicas);
            leaders[p.leader]++;
        }
        QCOMPARE(leaders.size(), 3u);
        for (auto [b, n] : leaders)
            QCOMPARE(n, 2);
    }

    void create_topics_uses_defaults_for_minus_one() {
        auto image = cluster_of(2);
        ClusterDefaults defaults;
        defaults.num_partitions = 4;
        auto result = create_topics(*image, {NewTopic{"auto", -1, -1}}, defaults, false);
        QCOMPARE(result.response[0].error, ErrorCode::NONE);
        QCOMPARE(result.response[0].num_partitions, 4);
        QCOMPARE(result.response[0].replication_factor, std::int16_t(1));
    }

    void create_topics_errors() {
        auto image = cluster_of(2);
        image = after(image, create_topics(*image, {NewTopic{"exists", 1, 1}}, {}, false).records);
        struct Case {
            NewTopic topic;
            ErrorCode expected;
        } cases[] = {
            {NewTopic{"", 1, 1}, ErrorCode::INVALID_TOPIC_EXCEPTION},
            {NewTopic{"bad name", 1, 1}, ErrorCode::INVALID_TOPIC_EXCEPTION},
            {NewTopic{"..", 1, 1}, ErrorCode::INVALID_TOPIC_EXCEPTION},
            {NewTopic{std::string(250, 'a'), 1, 1}, ErrorCode::INVALID_TOPIC_EXCEPTION},
            {NewTopic{"__internal", 1, 1}, ErrorCode::INVALID_TOPIC_EXCEPTION},
            {NewTopic{"exists", 1, 1}, ErrorCode::TOPIC_ALREADY_EXISTS},
            {NewTopic{"zero", 0, 1}, ErrorCode::INVALID_PARTITIONS},
            {NewTopic{"rf3", 1, 3}, ErrorCode::INVALID_REPLICATION_FACTOR},
            {NewTopic{"rf0", 1, 0}, ErrorCode::INVALID_REPLICATION_FACTOR},
            {NewTopic{"cfg", 1, 1, {}, {{"min.insync.replicas", "zero"}}},
             ErrorCode::INVALID_CONFIG},
            {NewTopic{"cfg2", 1, 1, {}, {{"no.such.config", "1"}}}, ErrorCode::INVALID_CONFIG},
            {NewTopic{"assign", -1, -1, {{0, {1, 7}}}}, ErrorCode::INVALID_REPLICA_ASSIGNMENT},
            {NewTopic{"assign2", -1, -1, {{0, {1, 1}}}}, ErrorCode::INVALID_REPLICA_ASSIGNMENT},
            {NewTopic{"assign3", 2, -1, {{0, {1}}}}, ErrorCode::INVALID_REQUEST},
        };
        for (const auto& c : cases) {
            auto r = create_topics(*image, {c.topic}, {}, false);
            QCOMPARE(r.response.size(), 1u);
            QVERIFY2(r.response[0].error == c.expected, c.topic.name.c_str());
            QVERIFY(!r.response[0].message.empty());
            QVERIFY(r.records.empty());
        }
        // validate_only answers without records.
        auto dry = create_topics(*image, {NewTopic{"dry", 2, 1}}, {}, true);
        QCOMPARE(dry.response[0].error, ErrorCode::NONE);
        QVERIFY(dry.records.empty());
    }

    void explicit_assignment_is_kept() {
        auto image = cluster_of(3);
        auto r =
            create_topics(*image, {NewTopic{"a", -1, -1, {{1, {3, 1}}, {0, {2, 3}}}}}, {}, false);
        QCOMPARE(r.response[0].error, ErrorCode::NONE);
        image = after(image, r.records);
        QCOMPARE(image->partition("a", 0)->replicas, (std::vector<std::int32_t>{2, 3}));
        QCOMPARE(image->partition("a", 1)->leader, 3);
    }

    void configs_are_records_in_the_image() {
        auto image = cluster_of(1);
        auto r = create_topics(*image, {NewTopic{"c", 1, 1, {}, {{"min.insync.replicas", "1"}}}},
                               {}, false);
        image = after(image, r.records);
        QCOMPARE(image->topic_config("c", "min.insync.replicas"), std::optional<std::string>("1"));
        auto alter = alter_topic_configs(*image, "c", {{"unclean.leader.election.enable", "true"}});
        QCOMPARE(alter.response.error, ErrorCode::NONE);
        image = after(image, alter.records);
        QVERIFY(EffectiveTopicConfig::of(*image, "c").unclean_leader_election);
        image = after(image, delete_topics(*image, {"c"}).records);
        QVERIFY(!image->topic("c"));
        QVERIFY(image->topic_configs("c").empty());
    }

    void delete_topics_removes_and_reports_unknown() {
        auto image = cluster_of(1);
        image = after(image, create_topics(*image, {NewTopic{"x", 2, 1}}, {}, false).records);
        auto r = delete_topics(*image, {"x", "missing"});
        QCOMPARE(r.response[0].error, ErrorCode::NONE);
        QCOMPARE(r.response[1].error, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
        MetadataDelta delta(image);
        for (const auto& rec : r.records)
            delta.apply(rec, image->offset() + 1);
        QCOMPARE(delta.changes().topics_deleted.size(), 1u);
        image = delta.build();
        QVERIFY(!image->topic("x"));
        QVERIFY(image->topics().empty());
    }

    void single_replica_partition_goes_offline_and_returns() {
        auto image = cluster_of(2);
        image = after(image, create_topics(*image, {NewTopic{"solo", 2, 1}}, {}, false).records);
        std::int32_t host = image->partition("solo", 0)->leader;
        image = after(image, fence_broker(*image, host));
        QVERIFY(image->broker(host)->fenced);
        const PartitionInfo* p = image->partition("solo", 0);
        QCOMPARE(p->leader, kNoLeader);
        QCOMPARE(p->isr, std::vector<std::int32_t>{host});  // the last ISR member stays
        image = after(image, unfence_broker(*image, host));
        p = image->partition("solo", 0);
        QCOMPARE(p->leader, host);
        QCOMPARE(p->leader_epoch, 2);
    }

    void preferred_leader_returns() {
        auto image = cluster_of(3);
        image = after(image, create_topics(*image, {NewTopic{"p", 3, 3}}, {}, false).records);
        std::int32_t preferred = image->partition("p", 0)->replicas.front();
        image = after(image, fence_broker(*image, preferred));
        QVERIFY(image->partition("p", 0)->leader != preferred);
        image = after(image, unfence_broker(*image, preferred));
        // Back, but not in the ISR yet (replication will add it): no preferred election.
        QVERIFY(elect_preferred_leaders(*image).empty());
        PartitionChangeRecord rejoin;
        rejoin.topic_id = image->topic("p")->id;
        rejoin.partition_id = 0;
        rejoin.isr = image->partition("p", 0)->replicas;
        image = after(image, {rejoin});
        auto moves = elect_preferred_leaders(*image);
        QCOMPARE(moves.size(), 1u);
        image = after(image, moves);
        QCOMPARE(image->partition("p", 0)->leader, preferred);
    }

    void unchanged_topics_are_shared_between_images() {
        auto image = cluster_of(1);
        image = after(
            image,
            create_topics(*image, {NewTopic{"a", 1, 1}, NewTopic{"b", 1, 1}}, {}, false).records);
        auto before_a = image->topic("a");
        PartitionChangeRecord change;
        change.topic_id = image->topic("b")->id;
        change.partition_id = 0;
        change.isr = std::vector<std::int32_t>{1};
        auto next = after(image, {change});
        QCOMPARE(next->topic("a").get(), before_a.get());
        QVERIFY(next->topic("b").get() != image->topic("b").get());
    }

    void records_that_do_not_fit_are_skipped_with_a_reason() {
        auto image = cluster_of(1);
        MetadataDelta delta(image);
        std::string why;
        QVERIFY(!delta.apply(PartitionRecord{0, Uuid::random(), {1}, {1}, {}, {}, 1, 0, 0, 0}, 10,
                             &why));
        QVERIFY(!why.empty());
        QVERIFY(!delta.apply(FenceBrokerRecord{9, 0}, 11, &why));
        auto next = delta.build();
        QCOMPARE(next->offset(), 11);
    }
};

QTEST_APPLESS_MAIN(MetadataTest)
#include "test_metadata.moc"
