// The controller's CreatePartitions and ElectLeaders decisions (metadata/partition_admin.h), on
// images built from records.
#include <QtTest>

#include <set>

#include "metadata/partition_admin.h"
#include "metadata_test_util.h"

using namespace kraftlab::metadata;
using namespace kraftlab::metadata::test;
using kraftlab::protocol::ErrorCode;

namespace {

std::shared_ptr<const MetadataImage> with_topic(int brokers, const std::string& name,
                                                std::int32_t partitions, std::int16_t rf) {
    auto image = cluster_of(brokers);
    return after(image, create_topics(*image, {NewTopic{name, partitions, rf}}, {}, false).records);
}

}  // namespace

class PartitionAdminTest : public QObject {
    Q_OBJECT

  private slots:
    void partitions_are_added_with_the_topics_replication_factor() {
        auto image = with_topic(4, "t", 2, 3);
        auto r = create_partitions(*image, "t", 5, std::nullopt, {}, false);
        QCOMPARE(r.response.error, ErrorCode::NONE);
        QCOMPARE(r.records.size(), 3u);
        image = after(image, r.records);
        const auto topic = image->topic("t");
        QCOMPARE(topic->partitions.size(), 5u);
        std::set<std::int32_t> first_replicas;
        for (const auto& p : topic->partitions) {
            QCOMPARE(p.replicas.size(), 3u);
            QCOMPARE(std::set<std::int32_t>(p.replicas.begin(), p.replicas.end()).size(), 3u);
            QCOMPARE(p.leader, p.replicas.front());
            QCOMPARE(p.isr, p.replicas);
            first_replicas.insert(p.replicas.front());
        }
        // Leaders keep rotating over the brokers.
        QCOMPARE(first_replicas.size(), 4u);
        // validate_only decides but writes nothing.
        auto checked = create_partitions(*image, "t", 6, std::nullopt, {}, true);
        QCOMPARE(checked.response.error, ErrorCode::NONE);
        QVERIFY(checked.records.empty());
    }

    void explicit_assignments_are_kept_and_checked() {
        auto image = with_topic(3, "t", 1, 2);
        auto r = create_partitions(*image, "t", 2, std::vector<std::vector<std::int32_t>>{{3, 1}},
                                   {}, false);
        QCOMPARE(r.response.error, ErrorCode::NONE);
        image = after(image, r.records);
        QCOMPARE(image->partition("t", 1)->replicas, (std::vector<std::int32_t>{3, 1}));
        struct Case {
            std::vector<std::vector<std::int32_t>> lists;
            const char* says;
        } cases[] = {
            {{{1, 2}, {2, 3}}, "one replica list for each of the 1 new partitions"},
            {{{1}}, "replication factor is 2"},
            {{{2, 2}}, "lists a broker twice"},
            {{{1, 9}}, "broker 9 is not registered"},
        };
        for (const auto& c : cases) {
            auto bad = create_partitions(*image, "t", 3, c.lists, {}, false);
            QCOMPARE(bad.response.error, ErrorCode::INVALID_REPLICA_ASSIGNMENT);
            QVERIFY2(bad.response.message.find(c.says) != std::string::npos,
                     bad.response.message.c_str());
            QVERIFY(bad.records.empty());
        }
    }

    void bad_counts_and_topics_are_refused() {
        auto image = with_topic(3, "t", 3, 1);
        QCOMPARE(create_partitions(*image, "t", 3, std::nullopt, {}, false).response.error,
                 ErrorCode::INVALID_PARTITIONS);
        QCOMPARE(create_partitions(*image, "t", 2, std::nullopt, {}, false).response.error,
                 ErrorCode::INVALID_PARTITIONS);
        QCOMPARE(create_partitions(*image, "t", kMaxPartitionsPerTopic + 1, std::nullopt, {}, false)
                     .response.error,
                 ErrorCode::INVALID_PARTITIONS);
        QCOMPARE(create_partitions(*image, "nope", 4, std::nullopt, {}, false).response.error,
                 ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
        image =
            after(image,
                  create_topics(*image, {NewTopic{"__consumer_offsets", 3, 1}}, {}, false).records);
        auto offsets = create_partitions(*image, "__consumer_offsets", 4, std::nullopt, {}, false);
        QCOMPARE(offsets.response.error, ErrorCode::INVALID_PARTITIONS);
        QVERIFY(offsets.response.message.find("coordinator") != std::string::npos);
        // More replicas than live brokers.
        auto wide = with_topic(3, "w", 1, 3);
        wide = after(wide, fence_broker(*wide, 3));
        QCOMPARE(create_partitions(*wide, "w", 2, std::nullopt, {}, false).response.error,
                 ErrorCode::INVALID_REPLICATION_FACTOR);
    }

    void preferred_election_moves_leadership_back() {
        auto image = with_topic(3, "p", 1, 3);
        const std::int32_t preferred = image->partition("p", 0)->replicas.front();
        auto r = elect_leaders(*image, ElectionType::Preferred,
                               std::vector<std::pair<std::string, std::int32_t>>{{"p", 0}});
        QCOMPARE(r.response.at(0).error, ErrorCode::ELECTION_NOT_NEEDED);
        // The leader moves away; the preferred replica comes back into the ISR.
        image = after(image, fence_broker(*image, preferred));
        image = after(image, unfence_broker(*image, preferred));
        r = elect_leaders(*image, ElectionType::Preferred,
                          std::vector<std::pair<std::string, std::int32_t>>{{"p", 0}});
        QCOMPARE(r.response.at(0).error, ErrorCode::PREFERRED_LEADER_NOT_AVAILABLE);
        QVERIFY(r.response.at(0).message.find("not in sync") != std::string::npos);
        PartitionChangeRecord rejoin;
        rejoin.topic_id = image->topic("p")->id;
        rejoin.partition_id = 0;
        rejoin.isr = image->partition("p", 0)->replicas;
        image = after(image, {rejoin});
        r = elect_leaders(*image, ElectionType::Preferred, std::nullopt);
        QCOMPARE(r.response.size(), 1u);
        QCOMPARE(r.response[0].error, ErrorCode::NONE);
        image = after(image, r.records);
        QCOMPARE(image->partition("p", 0)->leader, preferred);
        // Every partition: those that need nothing are left out.
        QVERIFY(elect_leaders(*image, ElectionType::Preferred, std::nullopt).response.empty());
    }

    void unclean_election_on_request_whatever_the_topic_config() {
        auto image = with_topic(2, "u", 1, 2);
        // The follower goes, then the leader: offline with ISR [1].
        image = after(image, fence_broker(*image, 2));
        image = after(image, fence_broker(*image, 1));
        QCOMPARE(image->partition("u", 0)->leader, kNoLeader);
        auto none = elect_leaders(*image, ElectionType::Unclean,
                                  std::vector<std::pair<std::string, std::int32_t>>{{"u", 0}});
        QCOMPARE(none.response.at(0).error, ErrorCode::ELIGIBLE_LEADERS_NOT_AVAILABLE);
        image = after(image, unfence_broker(*image, 2));
        QCOMPARE(image->partition("u", 0)->leader, kNoLeader);
        auto r =
            elect_leaders(*image, ElectionType::Unclean,
                          std::vector<std::pair<std::string, std::int32_t>>{{"u", 0}, {"u", 7}});
        QCOMPARE(r.response.size(), 2u);
        QCOMPARE(r.response[0].error, ErrorCode::NONE);
        QCOMPARE(r.response[1].error, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
        image = after(image, r.records);
        const auto* p = image->partition("u", 0);
        QCOMPARE(p->leader, 2);
        QCOMPARE(p->isr, std::vector<std::int32_t>{2});
        QCOMPARE(p->leader_recovery_state, kLeaderRecovering);
        // A partition with a leader needs no unclean election.
        auto again = elect_leaders(*image, ElectionType::Unclean,
                                   std::vector<std::pair<std::string, std::int32_t>>{{"u", 0}});
        QCOMPARE(again.response.at(0).error, ErrorCode::ELECTION_NOT_NEEDED);
    }
};

QTEST_APPLESS_MAIN(PartitionAdminTest)
#include "test_partition_admin.moc"
