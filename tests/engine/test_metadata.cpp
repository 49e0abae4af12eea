// Metadata records, the image they build, and the controller's decisions.
#include <QtTest>

#include <functional>

#include "metadata/image.h"
#include "metadata/records.h"
#include "metadata/replication_control.h"
#include "metadata/topic_config.h"
#include "metadata_test_util.h"

using namespace kraftlab::metadata;
using namespace kraftlab::metadata::test;
using kraftlab::protocol::ErrorCode;

namespace {

using kraftlab::protocol::AlterPartitionRequest;
using kraftlab::protocol::AlterPartitionResponse;

// An AlterPartition from the partition's leader, based on the partition's current epochs, asking
// for `isr` (at `version`: v3 with the members' current broker epochs, v2 by topic id, v0-1 by
// name).
AlterPartitionRequest ask(const MetadataImage& image, const std::string& topic,
                          std::int32_t partition, std::vector<std::int32_t> isr,
                          std::int16_t version = 3) {
    const PartitionInfo* p = image.partition(topic, partition);
    AlterPartitionRequest r;
    r.broker_id = p->leader;
    r.broker_epoch = image.broker(p->leader)->epoch;
    auto& t = r.topics.emplace_back();
    if (version >= 2) {
        t.topic_id = image.topic(topic)->id;
    } else {
        t.topic_name = topic;
    }
    auto& d = t.partitions.emplace_back();
    d.partition_index = partition;
    d.leader_epoch = p->leader_epoch;
    d.partition_epoch = p->partition_epoch;
    d.leader_recovery_state = p->leader_recovery_state;
    if (version >= 3) {
        for (auto id : isr)
            d.new_isr_with_epochs.push_back({id, image.broker(id)->epoch});
    } else {
        d.new_isr = std::move(isr);
    }
    return r;
}

ErrorCode partition_error(const AlterPartitionResponse& r) {
    return static_cast<ErrorCode>(r.topics.at(0).partitions.at(0).error_code);
}

// A cluster of `brokers` with topic `name` (one partition on brokers 1..rf, broker 1 leading)
// and the given topic configs.
std::shared_ptr<const MetadataImage> with_topic(
    int brokers, const std::string& name, std::int32_t rf,
    std::vector<std::pair<std::string, std::optional<std::string>>> configs = {}) {
    auto image = cluster_of(brokers);
    std::vector<std::int32_t> replicas;
    for (std::int32_t b = 1; b <= rf; ++b)
        replicas.push_back(b);
    auto created =
        create_topics(*image, {NewTopic{name, -1, -1, {{0, replicas}}, configs}}, {}, false);
    return after(image, created.records);
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
            ProducerIdsRecord{2, 17, 3000},
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

    void producer_ids_record_layout_and_replay() {
        // Kafka's ProducerIdsRecord (api key 15, v0): BrokerId INT32, BrokerEpoch INT64,
        // NextProducerId INT64, tagged fields.
        const auto bytes = encode_record(ProducerIdsRecord{1, 42, 1000});
        const Bytes expected = {1, 15, 0,    0, 0, 0, 1, 0, 0, 0, 0,    0,
                                0, 0,  0x2a, 0, 0, 0, 0, 0, 0, 3, 0xe8, 0};
        QCOMPARE(bytes, expected);
        QCOMPARE(record_name(ProducerIdsRecord{}), std::string_view("ProducerIds"));
        // Replay moves the next id forward; a record that would give ids out again is skipped.
        auto image = MetadataImage::empty();
        QCOMPARE(image->next_producer_id(), std::int64_t(0));
        MetadataDelta delta(image);
        QVERIFY(delta.apply(ProducerIdsRecord{1, 42, 1000}, 0));
        QVERIFY(delta.apply(ProducerIdsRecord{2, 43, 2000}, 1));
        std::string why;
        QVERIFY(!delta.apply(ProducerIdsRecord{1, 42, 2000}, 2, &why));
        QVERIFY(why.find("already") != std::string::npos);
        image = delta.build();
        QCOMPARE(image->next_producer_id(), std::int64_t(2000));
        QCOMPARE(image->offset(), std::int64_t(2));
        // Version 1 is not one this lab reads.
        auto v1 = bytes;
        v1[2] = 1;
        QVERIFY(!decode_record(v1).has_value());
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

    void explicit_assignments_obey_the_partitions_cap() {
        auto image = cluster_of(3);
        ClusterDefaults defaults;
        NewTopic big{"big", -1, -1};
        const auto cap = static_cast<std::size_t>(defaults.max_partitions_per_topic);
        for (std::size_t p = 0; p < cap + 2000; ++p)
            big.assignments.push_back({static_cast<std::int32_t>(p), {1, 2, 3}});
        auto r = create_topics(*image, {big}, defaults, false);
        QCOMPARE(r.response[0].error, ErrorCode::INVALID_PARTITIONS);
        QVERIFY2(r.response[0].message.find("at most 10000 partitions") != std::string::npos,
                 r.response[0].message.c_str());
        QVERIFY(r.records.empty());
        // Exactly the cap is accepted.
        big.assignments.resize(cap);
        QCOMPARE(create_topics(*image, {big}, defaults, true).response[0].error, ErrorCode::NONE);
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

    // ---- AlterPartition (the leader asks the controller to change the ISR) ----

    void alter_partition_shrinks_then_expands_the_isr() {
        for (std::int16_t version : {0, 1, 2, 3}) {
            auto image = with_topic(3, "orders", 3);
            const PartitionInfo before = *image->partition("orders", 0);
            QCOMPARE(before.isr, (std::vector<std::int32_t>{1, 2, 3}));

            auto shrink =
                alter_partition(*image, ask(*image, "orders", 0, {1, 2}, version), version);
            QCOMPARE(shrink.response.error_code, std::int16_t(0));
            QCOMPARE(partition_error(shrink.response), ErrorCode::NONE);
            QCOMPARE(shrink.records.size(), 1u);
            const auto& answer = shrink.response.topics[0].partitions[0];
            image = after(image, shrink.records);
            const PartitionInfo* p = image->partition("orders", 0);
            QCOMPARE(p->isr, (std::vector<std::int32_t>{1, 2}));
            QCOMPARE(p->leader, 1);
            QCOMPARE(p->leader_epoch, before.leader_epoch);  // the leader did not change
            // The answer is the partition as the committed record makes it.
            QCOMPARE(answer.leader_id, p->leader);
            QCOMPARE(answer.leader_epoch, p->leader_epoch);
            QCOMPARE(answer.partition_epoch, p->partition_epoch);
            QCOMPARE(answer.isr, p->isr);
            if (version >= 2) {
                QCOMPARE(shrink.response.topics[0].topic_id, image->topic("orders")->id);
            } else {
                QCOMPARE(shrink.response.topics[0].topic_name, std::string("orders"));
            }

            auto expand =
                alter_partition(*image, ask(*image, "orders", 0, {1, 2, 3}, version), version);
            QCOMPARE(partition_error(expand.response), ErrorCode::NONE);
            image = after(image, expand.records);
            QCOMPARE(image->partition("orders", 0)->isr, (std::vector<std::int32_t>{1, 2, 3}));
            QCOMPARE(image->partition("orders", 0)->partition_epoch, before.partition_epoch + 2);
        }
    }

    void alter_partition_without_a_change_writes_nothing() {
        auto image = with_topic(3, "same", 3);
        auto r = alter_partition(*image, ask(*image, "same", 0, {1, 2, 3}), 3);
        QCOMPARE(partition_error(r.response), ErrorCode::NONE);
        QVERIFY(r.records.empty());
        QCOMPARE(r.response.topics[0].partitions[0].partition_epoch,
                 image->partition("same", 0)->partition_epoch);
    }

    void alter_partition_refuses_a_stale_requester() {
        auto image = with_topic(3, "t", 3);
        auto req = ask(*image, "t", 0, {1, 2});
        req.broker_epoch -= 1;  // an earlier incarnation of broker 1
        auto r = alter_partition(*image, req, 3);
        QCOMPARE(static_cast<ErrorCode>(r.response.error_code), ErrorCode::STALE_BROKER_EPOCH);
        QVERIFY(r.response.topics.empty());
        QVERIFY(r.records.empty());
        req = ask(*image, "t", 0, {1, 2});
        req.broker_id = 9;  // not registered
        QCOMPARE(static_cast<ErrorCode>(alter_partition(*image, req, 3).response.error_code),
                 ErrorCode::STALE_BROKER_EPOCH);
    }

    void alter_partition_errors() {
        // Broker 4 is registered and live but holds no replica of t-0; broker 5 is fenced;
        // broker 6 is in controlled shutdown.
        auto image = with_topic(6, "t", 3);
        image = after(image, fence_broker(*image, 5));
        {
            RegisterBrokerRecord shutting;
            shutting.broker_id = 6;
            shutting.broker_epoch = image->broker(6)->epoch;
            shutting.fenced = false;
            shutting.in_controlled_shutdown = true;
            image = after(image, {shutting});
        }
        // Make every broker a replica-candidate: a second topic whose partition lists them all.
        auto wide =
            create_topics(*image, {NewTopic{"w", -1, -1, {{0, {1, 2, 3, 4, 5, 6}}}}}, {}, false);
        image = after(image, wide.records);
        QCOMPARE(image->partition("w", 0)->leader, 1);

        struct Case {
            const char* what;
            std::function<void(AlterPartitionRequest&)> edit;
            std::int16_t version;
            ErrorCode expected;
            std::string topic = "t";
        };
        const std::vector<Case> cases = {
            {"unknown topic id", [](auto& r) { r.topics[0].topic_id = Uuid::random(); }, 2,
             ErrorCode::UNKNOWN_TOPIC_ID},
            {"unknown topic name", [](auto& r) { r.topics[0].topic_name = "nope"; }, 1,
             ErrorCode::UNKNOWN_TOPIC_OR_PARTITION},
            {"unknown partition", [](auto& r) { r.topics[0].partitions[0].partition_index = 7; }, 3,
             ErrorCode::UNKNOWN_TOPIC_OR_PARTITION},
            {"newer leader epoch", [](auto& r) { r.topics[0].partitions[0].leader_epoch += 1; }, 3,
             ErrorCode::NOT_CONTROLLER},
            {"newer partition epoch",
             [](auto& r) { r.topics[0].partitions[0].partition_epoch += 1; }, 3,
             ErrorCode::NOT_CONTROLLER},
            {"stale leader epoch", [](auto& r) { r.topics[0].partitions[0].leader_epoch -= 1; }, 3,
             ErrorCode::FENCED_LEADER_EPOCH},
            {"stale partition epoch",
             [](auto& r) { r.topics[0].partitions[0].partition_epoch -= 1; }, 3,
             ErrorCode::INVALID_UPDATE_VERSION},
            {"leader not in the new ISR",
             [](auto& r) {
                 r.topics[0].partitions[0].new_isr_with_epochs.erase(
                     r.topics[0].partitions[0].new_isr_with_epochs.begin());
             },
             3, ErrorCode::INVALID_REQUEST},
            {"a member twice",
             [](auto& r) {
                 auto& isr = r.topics[0].partitions[0].new_isr_with_epochs;
                 isr.push_back(isr.back());
             },
             3, ErrorCode::INVALID_REQUEST},
            {"back to RECOVERING",
             [](auto& r) { r.topics[0].partitions[0].leader_recovery_state = 1; }, 3,
             ErrorCode::INVALID_REQUEST},
            {"not a replica",
             [](auto& r) {
                 r.topics[0].partitions[0].new_isr_with_epochs.push_back({4, -1});
             },
             3, ErrorCode::INELIGIBLE_REPLICA},
            {"member with another broker epoch",
             [](auto& r) { r.topics[0].partitions[0].new_isr_with_epochs[1].broker_epoch += 1; }, 3,
             ErrorCode::INELIGIBLE_REPLICA},
            {"fenced member (v2)", [](auto& r) { r.topics[0].partitions[0].new_isr.push_back(5); },
             2, ErrorCode::INELIGIBLE_REPLICA, "w"},
            {"member in controlled shutdown",
             [](auto& r) {
                 r.topics[0].partitions[0].new_isr_with_epochs.push_back({6, -1});
             },
             3, ErrorCode::INELIGIBLE_REPLICA, "w"},
            {"ineligible member before v2 (no INELIGIBLE_REPLICA yet)",
             [](auto& r) { r.topics[0].partitions[0].new_isr.push_back(5); }, 1,
             ErrorCode::OPERATION_NOT_ATTEMPTED, "w"},
        };
        for (const auto& c : cases) {
            // Start from the ISR the leader has: t-0 [1,2,3]; w-0 [1,2,3,4] (5 and 6 left it).
            std::vector<std::int32_t> isr = c.topic == "t" ? std::vector<std::int32_t>{1, 2, 3}
                                                           : std::vector<std::int32_t>{1, 2, 3, 4};
            auto req = ask(*image, c.topic, 0, isr, c.version);
            c.edit(req);
            auto r = alter_partition(*image, req, c.version);
            QVERIFY2(r.response.error_code == 0, c.what);
            QVERIFY2(
                partition_error(r.response) == c.expected,
                qPrintable(
                    QString("%1: got error %2").arg(c.what).arg(int(partition_error(r.response)))));
            QVERIFY2(r.records.empty(), c.what);
        }

        // A replica that does not lead the partition may not change it.
        auto req = ask(*image, "t", 0, {1, 2, 3});
        req.broker_id = 2;
        req.broker_epoch = image->broker(2)->epoch;
        QCOMPARE(partition_error(alter_partition(*image, req, 3).response),
                 ErrorCode::NOT_LEADER_OR_FOLLOWER);
    }

    void alter_partition_answers_each_partition_on_its_own() {
        auto image = with_topic(3, "a", 3);
        image =
            after(image,
                  create_topics(*image, {NewTopic{"b", -1, -1, {{0, {1, 2}}}}}, {}, false).records);
        auto req = ask(*image, "a", 0, {1, 3});
        auto other = ask(*image, "b", 0, {1});
        other.topics[0].partitions[0].leader_epoch -= 1;  // stale: refused
        req.topics.push_back(other.topics[0]);
        auto r = alter_partition(*image, req, 3);
        QCOMPARE(r.response.topics.size(), 2u);
        QCOMPARE(static_cast<ErrorCode>(r.response.topics[0].partitions[0].error_code),
                 ErrorCode::NONE);
        QCOMPARE(static_cast<ErrorCode>(r.response.topics[1].partitions[0].error_code),
                 ErrorCode::FENCED_LEADER_EPOCH);
        QCOMPARE(r.records.size(), 1u);
    }

    // ---- Unclean leader election (unclean.leader.election.enable) ----

    void without_unclean_election_a_partition_stays_offline() {
        auto image = with_topic(3, "safe", 3);
        // Followers 2 and 3 fell behind: the leader shrank the ISR to itself.
        image = after(image, alter_partition(*image, ask(*image, "safe", 0, {1}), 3).records);
        image = after(image, fence_broker(*image, 1));
        const PartitionInfo* p = image->partition("safe", 0);
        QCOMPARE(p->leader, kNoLeader);
        QCOMPARE(p->isr, std::vector<std::int32_t>{1});
        // A returning replica that was not in sync does not lead either.
        image = after(image, fence_broker(*image, 2));
        image = after(image, unfence_broker(*image, 2));
        QCOMPARE(image->partition("safe", 0)->leader, kNoLeader);
        QVERIFY(elect_unclean_leaders(*image, "safe").empty());
    }

    void unclean_election_when_the_last_in_sync_replica_is_fenced() {
        auto image = with_topic(3, "lossy", 3, {{"unclean.leader.election.enable", "true"}});
        image = after(image, alter_partition(*image, ask(*image, "lossy", 0, {1}), 3).records);
        const std::int32_t epoch = image->partition("lossy", 0)->leader_epoch;
        image = after(image, fence_broker(*image, 1));
        const PartitionInfo* p = image->partition("lossy", 0);
        QCOMPARE(p->leader, 2);  // the first live replica in preferred order
        QCOMPARE(p->isr, std::vector<std::int32_t>{2});
        QCOMPARE(p->leader_recovery_state, kLeaderRecovering);
        QCOMPARE(p->leader_epoch, epoch + 1);

        // While recovering, the ISR stays [leader]; then the leader reports it has recovered.
        auto grow = alter_partition(*image, ask(*image, "lossy", 0, {2, 3}), 3);
        auto too_soon = grow.response.topics[0].partitions[0];
        QCOMPARE(static_cast<ErrorCode>(too_soon.error_code), ErrorCode::INVALID_REQUEST);
        auto recovered = ask(*image, "lossy", 0, {2});
        recovered.topics[0].partitions[0].leader_recovery_state = kLeaderRecovered;
        auto done = alter_partition(*image, recovered, 3);
        QCOMPARE(partition_error(done.response), ErrorCode::NONE);
        image = after(image, done.records);
        QCOMPARE(image->partition("lossy", 0)->leader_recovery_state, kLeaderRecovered);
        image = after(image, alter_partition(*image, ask(*image, "lossy", 0, {2, 3}), 3).records);
        QCOMPARE(image->partition("lossy", 0)->isr, (std::vector<std::int32_t>{2, 3}));
    }

    void unclean_election_needs_a_live_replica() {
        auto image = with_topic(3, "gone", 2, {{"unclean.leader.election.enable", "true"}});
        image = after(image, fence_broker(*image, 2));
        image = after(image, fence_broker(*image, 1));
        QCOMPARE(image->partition("gone", 0)->leader, kNoLeader);
        QCOMPARE(image->partition("gone", 0)->isr, std::vector<std::int32_t>{1});
        // Broker 2 returns first: a replica, not in the ISR, so an unclean election makes it lead.
        image = after(image, unfence_broker(*image, 2));
        const PartitionInfo* p = image->partition("gone", 0);
        QCOMPARE(p->leader, 2);
        QCOMPARE(p->isr, std::vector<std::int32_t>{2});
        QCOMPARE(p->leader_recovery_state, kLeaderRecovering);
    }

    void turning_unclean_election_on_elects_offline_partitions() {
        auto image = with_topic(3, "late", 3);
        image = after(image, alter_partition(*image, ask(*image, "late", 0, {1}), 3).records);
        image = after(image, fence_broker(*image, 1));
        QCOMPARE(image->partition("late", 0)->leader, kNoLeader);
        auto bad = alter_topic_configs(*image, "late", {{"unclean.leader.election.enable", "yes"}});
        QCOMPARE(bad.response.error, ErrorCode::INVALID_CONFIG);
        QVERIFY(bad.records.empty());
        auto on = alter_topic_configs(*image, "late", {{"unclean.leader.election.enable", "true"}});
        QCOMPARE(on.response.error, ErrorCode::NONE);
        QCOMPARE(on.records.size(), 2u);  // the config, then the election
        image = after(image, on.records);
        QCOMPARE(image->partition("late", 0)->leader, 2);
        QCOMPARE(image->partition("late", 0)->leader_recovery_state, kLeaderRecovering);
        // Back to the default: nothing to elect.
        auto off = alter_topic_configs(*image, "late", {{"unclean.leader.election.enable", {}}});
        QCOMPARE(off.records.size(), 1u);
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
