// Kafka's consumer protocol bytes (engine/group/consumer_protocol.h): what clients put in
// JoinGroup and SyncGroup, checked against bytes written out by hand from Kafka's schemas.
#include <QtTest>

#include "group/consumer_protocol.h"

using namespace kraftlab::group;
using kraftlab::protocol::Bytes;

class ConsumerProtocolTest : public QObject {
    Q_OBJECT

  private slots:
    void a_subscription_has_kafkas_v0_layout() {
        const Bytes expected = {0,   0,              // version 0
                                0,   0,    0,    2,  // 2 topics
                                0,   1,    'a',  0,    2,   'b',
                                'c', 0xff, 0xff, 0xff, 0xff};  // null user data
        QCOMPARE(encode_subscription({"a", "bc"}), expected);
        auto s = decode_subscription(expected);
        QVERIFY(s);
        QCOMPARE(s->topics, (std::vector<std::string>{"a", "bc"}));
        QVERIFY(!s->user_data);
    }

    void a_v1_subscription_names_what_the_member_owns() {
        // librdkafka with cooperative-sticky: version 1, owned partitions after the user data;
        // and trailing fields of newer versions are ignored.
        const Bytes v1 = {0, 1, 0, 0, 0, 1, 0,   1, 't', 0, 0, 0, 0,  // topics [t], empty data
                          0, 0, 0, 1, 0, 1, 't', 0, 0,   0, 2, 0, 0,
                          0, 3, 0, 0, 0, 5, 9,   9};  // bytes of a later version's field
        auto s = decode_subscription(v1);
        QVERIFY(s);
        QCOMPARE(s->version, std::int16_t{1});
        QCOMPARE(s->owned_partitions.at("t"), (std::vector<std::int32_t>{3, 5}));
        // A subscription that ends after the topics (some clients) is still one.
        QVERIFY(decode_subscription(Bytes{0, 0, 0, 0, 0, 1, 0, 1, 'x'}));
    }

    void an_assignment_round_trips_and_empty_means_nothing_assigned() {
        TopicPartitions tp = {{"orders", {0, 2, 4}}, {"pay", {1}}};
        auto bytes = encode_assignment(tp);
        const Bytes head = {0, 0, 0, 0, 0, 2, 0, 6, 'o', 'r', 'd', 'e', 'r', 's', 0, 0, 0, 3};
        QVERIFY(std::equal(head.begin(), head.end(), bytes.begin()));
        auto a = decode_assignment(bytes);
        QVERIFY(a);
        QCOMPARE(a->partitions, tp);
        auto none = decode_assignment(Bytes{});
        QVERIFY(none && none->partitions.empty());
    }

    void hostile_bytes_are_refused_without_allocating() {
        // 2^31-1 topics in 10 bytes; a negative version; a truncated partition list.
        QVERIFY(!decode_subscription(Bytes{0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 1, 'a', 0}));
        QVERIFY(!decode_subscription(Bytes{0xff, 0xff, 0, 0, 0, 0}));
        QVERIFY(!decode_assignment(Bytes{0, 0, 0, 0, 0, 1, 0, 1, 't', 0x7f, 0xff, 0xff, 0xff}));
        QVERIFY(!decode_assignment(Bytes{0, 0, 0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 2, 0, 0, 0, 1}));
    }
};

QTEST_APPLESS_MAIN(ConsumerProtocolTest)
#include "test_consumer_protocol.moc"
