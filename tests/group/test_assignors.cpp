// Kafka's range and round-robin assignors (engine/group/assignors.h): the examples of Kafka's
// own documentation, members that subscribe to different topics, more members than partitions,
// and the member order Kafka uses (static members first).
#include <QtTest>

#include "group/assignors.h"

using namespace kraftlab::group;

namespace {

using Parts = std::vector<std::int32_t>;

AssignorMember member(std::string id, std::vector<std::string> topics,
                      std::optional<std::string> instance = std::nullopt) {
    return {std::move(id), std::move(instance), std::move(topics)};
}

// Every partition of every counted topic that someone subscribes to is assigned exactly once.
bool each_partition_once(const GroupAssignment& a, const PartitionCounts& counts) {
    std::map<std::pair<std::string, std::int32_t>, int> seen;
    for (const auto& [m, topics] : a) {
        for (const auto& [t, parts] : topics) {
            for (auto p : parts)
                ++seen[{t, p}];
        }
    }
    std::size_t expected = 0;
    for (const auto& [t, n] : counts)
        expected += static_cast<std::size_t>(n);
    if (seen.size() != expected) return false;
    return std::all_of(seen.begin(), seen.end(), [](const auto& s) { return s.second == 1; });
}

}  // namespace

class AssignorsTest : public QObject {
    Q_OBJECT

  private slots:
    void range_gives_each_topic_its_own_ranges_as_kafkas_javadoc_says() {
        const PartitionCounts counts{{"t0", 3}, {"t1", 3}};
        auto a = assign_range({member("C1", {"t0", "t1"}), member("C0", {"t0", "t1"})}, counts);
        QCOMPARE(a.size(), std::size_t{2});
        QCOMPARE(a["C0"], (TopicPartitions{{"t0", {0, 1}}, {"t1", {0, 1}}}));
        QCOMPARE(a["C1"], (TopicPartitions{{"t0", {2}}, {"t1", {2}}}));
        QVERIFY(each_partition_once(a, counts));
    }

    void round_robin_deals_partitions_in_a_circle_as_kafkas_javadoc_says() {
        const PartitionCounts counts{{"t0", 3}, {"t1", 3}};
        auto a =
            assign_round_robin({member("C0", {"t0", "t1"}), member("C1", {"t1", "t0"})}, counts);
        QCOMPARE(a["C0"], (TopicPartitions{{"t0", {0, 2}}, {"t1", {1}}}));
        QCOMPARE(a["C1"], (TopicPartitions{{"t0", {1}}, {"t1", {0, 2}}}));
        QVERIFY(each_partition_once(a, counts));
    }

    void round_robin_skips_members_not_subscribed_as_kafkas_javadoc_says() {
        // C0 reads t0; C1 t0, t1; C2 t0, t1, t2; with 1, 2 and 3 partitions.
        const PartitionCounts counts{{"t0", 1}, {"t1", 2}, {"t2", 3}};
        auto a = assign_round_robin(
            {member("C0", {"t0"}), member("C1", {"t0", "t1"}), member("C2", {"t0", "t1", "t2"})},
            counts);
        QCOMPARE(a["C0"], (TopicPartitions{{"t0", {0}}}));
        QCOMPARE(a["C1"], (TopicPartitions{{"t1", {0}}}));
        QCOMPARE(a["C2"], (TopicPartitions{{"t1", {1}}, {"t2", {0, 1, 2}}}));
        QVERIFY(each_partition_once(a, counts));
    }

    void range_with_different_subscriptions_counts_only_a_topics_own_members() {
        // t0 (4 partitions) is read by A and B; t1 (3) by B and C; t2 (2) by C alone.
        const PartitionCounts counts{{"t0", 4}, {"t1", 3}, {"t2", 2}};
        auto a = assign_range(
            {member("C", {"t1", "t2"}), member("A", {"t0"}), member("B", {"t0", "t1"})}, counts);
        QCOMPARE(a["A"], (TopicPartitions{{"t0", {0, 1}}}));
        QCOMPARE(a["B"], (TopicPartitions{{"t0", {2, 3}}, {"t1", {0, 1}}}));
        QCOMPARE(a["C"], (TopicPartitions{{"t1", {2}}, {"t2", {0, 1}}}));
        QVERIFY(each_partition_once(a, counts));
    }

    void more_members_than_partitions_leaves_some_with_nothing() {
        const PartitionCounts counts{{"t", 2}};
        const std::vector<AssignorMember> members = {member("m3", {"t"}), member("m1", {"t"}),
                                                     member("m2", {"t"}), member("m4", {"t"})};
        auto range = assign_range(members, counts);
        QCOMPARE(range.size(), std::size_t{4});  // everyone has an entry, empty or not
        QCOMPARE(range["m1"], (TopicPartitions{{"t", {0}}}));
        QCOMPARE(range["m2"], (TopicPartitions{{"t", {1}}}));
        QVERIFY(range["m3"].empty());
        QVERIFY(range["m4"].empty());
        auto rr = assign_round_robin(members, counts);
        QCOMPARE(rr, range);  // one partition each for the first two, either way
    }

    void six_partitions_over_three_then_two_members() {
        // The lab's demo: 3 members of a 6-partition topic get 2 each; when one leaves, the
        // other two get 3 each.
        const PartitionCounts counts{{"t", 6}};
        auto three =
            assign_range({member("a", {"t"}), member("b", {"t"}), member("c", {"t"})}, counts);
        QCOMPARE(three["a"], (TopicPartitions{{"t", {0, 1}}}));
        QCOMPARE(three["b"], (TopicPartitions{{"t", {2, 3}}}));
        QCOMPARE(three["c"], (TopicPartitions{{"t", {4, 5}}}));
        auto two = assign_round_robin({member("a", {"t"}), member("c", {"t"})}, counts);
        QCOMPARE(two["a"], (TopicPartitions{{"t", {0, 2, 4}}}));
        QCOMPARE(two["c"], (TopicPartitions{{"t", {1, 3, 5}}}));
    }

    void topics_without_partitions_are_assigned_to_nobody() {
        // "gone" is not in the leader's metadata; "none" has 0 partitions; repeats count once.
        const PartitionCounts counts{{"t", 2}, {"none", 0}};
        for (auto kind : {AssignorKind::Range, AssignorKind::RoundRobin}) {
            auto a = assign(kind, {member("x", {"gone", "t", "none", "t"}), member("y", {"gone"})},
                            counts);
            QCOMPARE(a["x"], (TopicPartitions{{"t", {0, 1}}}));
            QVERIFY(a["y"].empty());
        }
        QVERIFY(assign_range({}, counts).empty());
        QVERIFY(assign_round_robin({}, counts).empty());
    }

    void static_members_come_first_by_instance_id() {
        // Kafka's MemberInfo order: "z" has an instance id, so it is first, whatever its id.
        const PartitionCounts counts{{"t", 3}};
        auto a = assign_range({member("a", {"t"}), member("z", {"t"}, "i-1")}, counts);
        QCOMPARE(a["z"], (TopicPartitions{{"t", {0, 1}}}));
        QCOMPARE(a["a"], (TopicPartitions{{"t", {2}}}));
        auto b = assign_round_robin(
            {member("m1", {"t"}, "i-b"), member("m2", {"t"}, "i-a"), member("m0", {"t"})}, counts);
        QCOMPARE(b["m2"], (TopicPartitions{{"t", {0}}}));
        QCOMPARE(b["m1"], (TopicPartitions{{"t", {1}}}));
        QCOMPARE(b["m0"], (TopicPartitions{{"t", {2}}}));
    }

    void names_are_kafkas_protocol_names() {
        QCOMPARE(assignor_name(AssignorKind::Range), std::string_view("range"));
        QCOMPARE(assignor_name(AssignorKind::RoundRobin), std::string_view("roundrobin"));
        QCOMPARE(assignor_from_name("roundrobin"), std::optional(AssignorKind::RoundRobin));
        QCOMPARE(assignor_from_name("range"), std::optional(AssignorKind::Range));
        QVERIFY(!assignor_from_name("sticky"));
    }
};

QTEST_GUILESS_MAIN(AssignorsTest)
#include "test_assignors.moc"
