// The admin APIs' codecs (DescribeConfigs, AlterConfigs, CreatePartitions, DeleteRecords,
// ElectLeaders, DescribeLogDirs, DescribeCluster, Alter/ListPartitionReassignments): every version
// round-trips and no strict prefix decodes; a few layouts are pinned byte for byte against Kafka's
// schemas.
#include <QtTest>

#include "message_test_util.h"
#include "protocol/alter_configs.h"
#include "protocol/create_partitions.h"
#include "protocol/delete_records.h"
#include "protocol/describe_cluster.h"
#include "protocol/describe_configs.h"
#include "protocol/describe_log_dirs.h"
#include "protocol/elect_leaders.h"
#include "protocol/partition_reassignments.h"

using namespace kraftlab::protocol;
using namespace kraftlab::protocol::test;

class AdminMessagesTest : public QObject {
    Q_OBJECT

  private slots:
    void describe_configs_round_trip_data() { add_versions(0, 2); }
    void describe_configs_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        DescribeConfigsRequest request;
        request.resources = {{2, "orders", std::nullopt},
                             {4, "1", std::vector<std::string>{"log.segment.bytes"}}};
        request.include_synonyms = v >= 1;
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        DescribeConfigsResponse response;
        response.throttle_time_ms = 3;
        DescribeConfigsResponse::Config c{"min.insync.replicas",
                                          "2",
                                          false,
                                          v == 0,
                                          static_cast<std::int8_t>(v == 0 ? -1 : 1),
                                          false,
                                          {}};
        if (v >= 1) c.synonyms = {{"min.insync.replicas", "2", 1}, {"min.insync.replicas", "1", 5}};
        response.results = {{0, std::nullopt, 2, "orders", {c}},
                            {3, "unknown topic", 2, "nope", {}}};
        check_round_trip(response, v);
    }

    void alter_configs_round_trip_data() { add_versions(0, 1); }
    void alter_configs_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        AlterConfigsRequest request;
        request.resources = {{2, "orders", {{"min.insync.replicas", "2"}, {"x", std::nullopt}}}};
        request.validate_only = true;
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        AlterConfigsResponse response;
        response.responses = {{40, "bad", 2, "orders"}, {0, std::nullopt, 2, "audit"}};
        check_round_trip(response, v);
    }

    void create_partitions_round_trip_data() { add_versions(0, 1); }
    void create_partitions_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        CreatePartitionsRequest request;
        request.topics = {{"orders", 6, std::nullopt},
                          {"audit", 3, std::vector<std::vector<std::int32_t>>{{1, 2}, {2, 3}}}};
        request.timeout_ms = 5000;
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        CreatePartitionsResponse response;
        response.results = {{"orders", 0, std::nullopt}, {"audit", 37, "fewer"}};
        check_round_trip(response, v);
    }

    void delete_records_round_trip_data() { add_versions(0, 1); }
    void delete_records_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        DeleteRecordsRequest request;
        request.topics = {{"orders", {{0, 10}, {2, -1}}}};
        request.timeout_ms = 1000;
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        DeleteRecordsResponse response;
        response.topics = {{"orders", {{0, 10, 0}, {2, -1, 1}}}};
        check_round_trip(response, v);
    }

    void elect_leaders_round_trip_data() { add_versions(0, 1); }
    void elect_leaders_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        ElectLeadersRequest request;
        request.election_type = v >= 1 ? kElectionUnclean : kElectionPreferred;
        request.topic_partitions = std::vector<ElectLeadersRequest::TopicPartitions>{{"o", {0, 1}}};
        check_round_trip(request, v);
        request.topic_partitions.reset();
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        ElectLeadersResponse response;
        response.error_code = v >= 1 ? 31 : 0;
        response.results = {{"o", {{0, 84, "not needed"}, {1, 0, std::nullopt}}}};
        check_round_trip(response, v);
    }

    void describe_log_dirs_round_trip_data() { add_versions(0, 1); }
    void describe_log_dirs_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        DescribeLogDirsRequest request;
        check_round_trip(request, v);
        request.topics = std::vector<DescribeLogDirsRequest::Topic>{{"orders", {0, 1}}};
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        DescribeLogDirsResponse response;
        response.results = {{0, "/data/broker-1", {{"orders", {{0, 4096, 3, false}}}}}};
        check_round_trip(response, v);
    }

    void describe_cluster_round_trip() {
        DescribeClusterRequest request;
        request.include_cluster_authorized_operations = true;
        check_round_trip(request, 0);
        DescribeClusterResponse response;
        response.cluster_id = "lab";
        response.controller_id = 1001;
        response.brokers = {{1, "127.0.0.1", 9092, std::nullopt}, {2, "127.0.0.1", 9093, "r1"}};
        check_round_trip(response, 0);
    }

    void partition_reassignments_round_trip() {
        AlterPartitionReassignmentsRequest alter;
        alter.timeout_ms = 5000;
        alter.topics = {{"orders", {{0, std::vector<std::int32_t>{2, 3, 4}}, {1, std::nullopt}}}};
        check_round_trip(alter, 0);
        AlterPartitionReassignmentsResponse altered;
        altered.responses = {{"orders", {{0, 0, std::nullopt}, {1, 85, "no move in progress"}}}};
        check_round_trip(altered, 0);
        ListPartitionReassignmentsRequest list;
        check_round_trip(list, 0);
        list.topics = std::vector<ListPartitionReassignmentsRequest::Topic>{{"orders", {0, 1}}};
        check_round_trip(list, 0);
        ListPartitionReassignmentsResponse listed;
        listed.topics = {{"orders", {{0, {2, 3, 4, 1}, {4}, {1}}}}};
        check_round_trip(listed, 0);
    }

    void layouts_follow_kafkas_schemas() {
        // AlterPartitionReassignments v0 (flexible): timeout, [name [index, nullable replicas]];
        // a null replica list (cancel) is compact length 0.
        AlterPartitionReassignmentsRequest ar;
        ar.timeout_ms = 1;
        ar.topics = {{"t", {{0, std::vector<std::int32_t>{2}}, {1, std::nullopt}}}};
        QCOMPARE(encode(ar, 0), hex("00000001 02 02 74 03 00000000 02 00000002 00 "
                                    "00000001 00 00 00 00"));
        // DeleteRecords v0: [topic STRING [partition INT32, offset INT64]], timeout INT32.
        DeleteRecordsRequest dr;
        dr.topics = {{"t", {{0, 5}}}};
        dr.timeout_ms = 1;
        QCOMPARE(encode(dr, 0),
                 hex("00000001 0001 74 00000001 00000000 0000000000000005 00000001"));
        // ElectLeaders v1: election type INT8 first, then a nullable array, then timeout.
        ElectLeadersRequest el;
        el.election_type = kElectionPreferred;
        el.timeout_ms = 2;
        QCOMPARE(encode(el, 1), hex("00 ffffffff 00000002"));
        QCOMPARE(encode(el, 0), hex("ffffffff 00000002"));
        // DescribeConfigs v1 config entry: name, value, read_only, source INT8, sensitive,
        // synonyms; v0 has is_default BOOL where v1 has the source.
        DescribeConfigsResponse dc;
        dc.results = {{0, std::nullopt, 2, "t", {{"k", "v", true, true, 5, false, {}}}}};
        QCOMPARE(encode(dc, 0),
                 hex("00000000 00000001 0000 ffff 02 0001 74 00000001 0001 6b 0001 76 01 01 00"));
        QCOMPARE(encode(dc, 1), hex("00000000 00000001 0000 ffff 02 0001 74 00000001 0001 6b "
                                    "0001 76 01 05 00 00000000"));
        // DescribeCluster v0 is flexible: compact strings, tagged fields.
        DescribeClusterResponse cl;
        cl.cluster_id = "c";
        cl.controller_id = 9;
        QCOMPARE(encode(cl, 0), hex("00000000 0000 00 02 63 00000009 01 80000000 00"));
    }

    void api_keys_and_flexible_versions() {
        QCOMPARE(api_name(43), std::string_view("ElectLeaders"));
        QCOMPARE(api_name(35), std::string_view("DescribeLogDirs"));
        QCOMPARE(api_name(45), std::string_view("AlterPartitionReassignments"));
        QVERIFY(!is_flexible(ApiKey::DescribeConfigs, 2));
        QVERIFY(is_flexible(ApiKey::DescribeConfigs, 4));
        QVERIFY(is_flexible(ApiKey::DescribeCluster, 0));
        QVERIFY(is_flexible(ApiKey::AlterPartitionReassignments, 0));
        QVERIFY(is_flexible(ApiKey::ListPartitionReassignments, 0));
        QVERIFY(!is_flexible(ApiKey::ElectLeaders, 1));
        QVERIFY(is_flexible(ApiKey::ElectLeaders, 2));
    }
};

QTEST_APPLESS_MAIN(AdminMessagesTest)
#include "test_admin_messages.moc"
