// The controller's CreatePartitions, ElectLeaders and partition reassignment decisions
// (metadata/partition_admin.h, metadata/reassignment.h), on images built from records.
#include <QtTest>

#include <set>

#include "metadata/partition_admin.h"
#include "metadata/reassignment.h"
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

using Ids = std::vector<std::int32_t>;

// The leader of topic-partition asks for `isr` (AlterPartition v2), as a caught-up follower
// makes it do.
ControllerResult<kraftlab::protocol::AlterPartitionResponse> ask_isr(const MetadataImage& image,
                                                                     const std::string& topic,
                                                                     std::int32_t partition,
                                                                     const Ids& isr) {
    const PartitionInfo* p = image.partition(topic, partition);
    kraftlab::protocol::AlterPartitionRequest req;
    req.broker_id = p->leader;
    req.broker_epoch = image.broker(p->leader)->epoch;
    auto& t = req.topics.emplace_back();
    t.topic_name = topic;
    t.topic_id = image.topic(topic)->id;
    auto& pd = t.partitions.emplace_back();
    pd.partition_index = partition;
    pd.leader_epoch = p->leader_epoch;
    pd.partition_epoch = p->partition_epoch;
    pd.new_isr = isr;
    return alter_partition(image, req, 2);
}

ControllerResult<std::vector<ReassignmentResult>> reassign(const MetadataImage& image,
                                                           std::optional<Ids> target) {
    return alter_partition_reassignments(image, {{"t", 0, std::move(target)}});
}

}  // namespace

class PartitionAdminTest : public QObject {
    Q_OBJECT

  private slots:
    void a_move_adds_then_removes_and_the_leader_follows();
    void a_move_waits_for_every_adding_replica();
    void a_move_can_be_cancelled_or_replaced();
    void bad_reassignments_are_refused();
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

void PartitionAdminTest::a_move_adds_then_removes_and_the_leader_follows() {
    auto image = with_topic(4, "t", 1, 3);
    QCOMPARE(image->partition("t", 0)->replicas, (Ids{1, 2, 3}));
    auto r = reassign(*image, Ids{2, 3, 4});
    QCOMPARE(r.response.at(0).error, ErrorCode::NONE);
    image = after(image, r.records);
    const PartitionInfo* p = image->partition("t", 0);
    // The target first (its first replica is the preferred leader), then the ones leaving.
    QCOMPARE(p->replicas, (Ids{2, 3, 4, 1}));
    QCOMPARE(p->adding_replicas, (Ids{4}));
    QCOMPARE(p->removing_replicas, (Ids{1}));
    QCOMPARE(p->isr, (Ids{1, 2, 3}));
    QCOMPARE(p->leader, 1);
    const auto epoch = p->leader_epoch;

    // Broker 4 caught up: the leader's ISR change completes the move, and since the leader
    // itself leaves, the first in-sync target replica leads and the leader is told so.
    auto done = ask_isr(*image, "t", 0, {1, 2, 3, 4});
    QCOMPARE(done.response.topics.at(0).partitions.at(0).error_code,
             kraftlab::protocol::to_wire(ErrorCode::NEW_LEADER_ELECTED));
    image = after(image, done.records);
    p = image->partition("t", 0);
    QCOMPARE(p->replicas, (Ids{2, 3, 4}));
    QCOMPARE(p->isr, (Ids{2, 3, 4}));
    QVERIFY(p->adding_replicas.empty());
    QVERIFY(p->removing_replicas.empty());
    QCOMPARE(p->leader, 2);
    QCOMPARE(p->leader_epoch, epoch + 1);
}

void PartitionAdminTest::a_move_waits_for_every_adding_replica() {
    auto image = with_topic(4, "t", 1, 2);  // [1,2]
    image = after(image, reassign(*image, Ids{3, 4}).records);
    QCOMPARE(image->partition("t", 0)->adding_replicas, (Ids{3, 4}));
    auto half = ask_isr(*image, "t", 0, {1, 2, 3});
    QCOMPARE(half.response.topics.at(0).partitions.at(0).error_code, 0);
    image = after(image, half.records);
    QCOMPARE(image->partition("t", 0)->replicas, (Ids{3, 4, 1, 2}));
    QCOMPARE(image->partition("t", 0)->isr, (Ids{1, 2, 3}));
    image = after(image, ask_isr(*image, "t", 0, {1, 2, 3, 4}).records);
    QCOMPARE(image->partition("t", 0)->replicas, (Ids{3, 4}));
    QCOMPARE(image->partition("t", 0)->leader, 3);
    // A shrink adds nothing: it completes at once, the leader staying where it is.
    image = after(image, reassign(*image, Ids{4}).records);
    QCOMPARE(image->partition("t", 0)->replicas, (Ids{4}));
    QCOMPARE(image->partition("t", 0)->isr, (Ids{4}));
    QCOMPARE(image->partition("t", 0)->leader, 4);
    QVERIFY(image->partition("t", 0)->removing_replicas.empty());
    // Growing the replication factor is a move too.
    image = after(image, reassign(*image, Ids{4, 1, 2}).records);
    QCOMPARE(image->partition("t", 0)->adding_replicas, (Ids{1, 2}));
    QCOMPARE(image->partition("t", 0)->leader, 4);
}

void PartitionAdminTest::a_move_can_be_cancelled_or_replaced() {
    auto image = with_topic(5, "t", 1, 3);  // [1,2,3]
    image = after(image, reassign(*image, Ids{2, 3, 4}).records);
    // A new target counts from the original replicas: 4 is dropped, 5 added, 1 removed.
    image = after(image, reassign(*image, Ids{5, 2, 3}).records);
    QCOMPARE(image->partition("t", 0)->replicas, (Ids{5, 2, 3, 1}));
    QCOMPARE(image->partition("t", 0)->adding_replicas, (Ids{5}));
    QCOMPARE(image->partition("t", 0)->removing_replicas, (Ids{1}));
    auto cancel = reassign(*image, std::nullopt);
    QCOMPARE(cancel.response.at(0).error, ErrorCode::NONE);
    image = after(image, cancel.records);
    const PartitionInfo* p = image->partition("t", 0);
    // The original replicas come back in the move's order (the metadata keeps no other; Kafka's
    // revert does the same), so broker 2 is now the preferred leader; broker 1 still leads.
    QCOMPARE(p->replicas, (Ids{2, 3, 1}));
    QCOMPARE(p->isr, (Ids{1, 2, 3}));
    QVERIFY(p->adding_replicas.empty() && p->removing_replicas.empty());
    QCOMPARE(p->leader, 1);
    // Nothing moves now: a cancel is refused, the same target is a no-op.
    QCOMPARE(reassign(*image, std::nullopt).response.at(0).error,
             ErrorCode::NO_REASSIGNMENT_IN_PROGRESS);
    auto same = reassign(*image, Ids{2, 3, 1});
    QCOMPARE(same.response.at(0).error, ErrorCode::NONE);
    QVERIFY(same.records.empty());
}

void PartitionAdminTest::bad_reassignments_are_refused() {
    auto image = with_topic(3, "t", 1, 2);
    QCOMPARE(reassign(*image, Ids{}).response.at(0).error, ErrorCode::INVALID_REPLICA_ASSIGNMENT);
    QCOMPARE(reassign(*image, Ids{2, 2}).response.at(0).error,
             ErrorCode::INVALID_REPLICA_ASSIGNMENT);
    auto unknown = reassign(*image, Ids{1, 9});
    QCOMPARE(unknown.response.at(0).error, ErrorCode::INVALID_REPLICA_ASSIGNMENT);
    QVERIFY(unknown.response.at(0).message.find("broker 9") != std::string::npos);
    QVERIFY(unknown.records.empty());
    QCOMPARE(alter_partition_reassignments(*image, {{"t", 7, Ids{1}}}).response.at(0).error,
             ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    QCOMPARE(alter_partition_reassignments(*image, {{"nope", 0, Ids{1}}}).response.at(0).error,
             ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    // A fenced broker may be a target: the move waits for it.
    image = after(image, fence_broker(*image, 3));
    auto onto_fenced = reassign(*image, Ids{1, 3});
    QCOMPARE(onto_fenced.response.at(0).error, ErrorCode::NONE);
    image = after(image, onto_fenced.records);
    QCOMPARE(image->partition("t", 0)->adding_replicas, (Ids{3}));
}

QTEST_APPLESS_MAIN(PartitionAdminTest)
#include "test_partition_admin.moc"
