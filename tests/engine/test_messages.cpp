// Per-API message codecs: every implemented version of every request and response round-trips,
// every strict prefix of an encoding is rejected (never read past), and a few encodings are checked
// byte by byte against Kafka's message schemas.
#include <QtTest>

#include <algorithm>
#include <string_view>

#include "message_test_util.h"
#include "protocol/allocate_producer_ids.h"
#include "protocol/create_topics.h"
#include "protocol/delete_groups.h"
#include "protocol/delete_topics.h"
#include "protocol/describe_groups.h"
#include "protocol/fetch.h"
#include "protocol/find_coordinator.h"
#include "protocol/heartbeat.h"
#include "protocol/incremental_alter_configs.h"
#include "protocol/init_producer_id.h"
#include "protocol/join_group.h"
#include "protocol/leave_group.h"
#include "protocol/list_groups.h"
#include "protocol/list_offsets.h"
#include "protocol/metadata.h"
#include "protocol/offset_commit.h"
#include "protocol/offset_delete.h"
#include "protocol/offset_fetch.h"
#include "protocol/produce.h"
#include "protocol/sync_group.h"

using namespace kraftlab::protocol;
using namespace kraftlab::protocol::test;

namespace {

// ---------------------------------------------------------------------------------------------
// Populated messages: every field valid at the version gets a non-default value; fields absent at
// that version keep their defaults so that the decoded copy compares equal.

std::vector<MetadataRequest> metadata_requests(std::int16_t v) {
    std::vector<MetadataRequest> out;
    MetadataRequest all;  // topics == nullopt: all topics
    if (v >= 4) all.allow_auto_topic_creation = false;
    out.push_back(all);
    MetadataRequest named;
    named.topics = std::vector<MetadataRequest::Topic>{{"orders"}, {"payments.eu-west"}, {"x"}};
    out.push_back(named);
    if (v >= 1) {  // v0 cannot say "no topics"
        MetadataRequest none;
        none.topics.emplace();
        out.push_back(none);
    }
    return out;
}

MetadataResponse metadata_response(std::int16_t v) {
    MetadataResponse m;
    if (v >= 3) m.throttle_time_ms = 25;
    m.brokers = {{1, "broker-1.local", 9092, std::nullopt}, {2, "", 19093, std::nullopt}};
    if (v >= 1) {
        m.brokers[0].rack = "rack-a";
        m.brokers[1].rack = "";
        m.controller_id = 2;
    }
    if (v >= 2) m.cluster_id = "MkU3OEVBNTcwNTJENDM2Qk";
    MetadataResponse::Topic orders{0, "orders", false, {}};
    orders.partitions = {
        {0, 0, 1, {1, 2, 3}, {1, 2}}, {0, 1, 2, {2, 3, 1}, {2, 3, 1}}, {5, 2, -1, {3}, {}}};
    MetadataResponse::Topic missing{3, "missing", false, {}};
    MetadataResponse::Topic offsets{0, "__consumer_offsets", v >= 1, {{0, 0, 1, {1}, {1}}}};
    m.topics = {orders, missing, offsets};
    return m;
}

std::vector<ProduceRequest> produce_requests(std::int16_t v) {
    ProduceRequest r;
    r.acks = -1;
    r.timeout_ms = 30000;
    r.topic_data = {{"orders", {{0, hex("00 01 02 03 04")}, {7, Bytes{}}, {2, std::nullopt}}},
                    {"logs", {{-1, hex("ff")}}}};
    if (v < 3) return {r};  // no transactional_id before v3
    ProduceRequest tx = r;
    tx.transactional_id = "tx-1";
    tx.acks = 1;
    ProduceRequest empty_id = r;
    empty_id.transactional_id = "";
    empty_id.acks = 0;
    empty_id.topic_data.clear();
    return {r, tx, empty_id};
}

ProduceResponse produce_response(std::int16_t v) {
    ProduceResponse r;
    r.responses = {{"orders", {{0, 0, 1234, -1, -1}, {1, 6, -1, 1700000000123LL, -1}}},
                   {"logs", {}}};
    if (v >= 5) {
        r.responses[0].partition_responses[0].log_start_offset = 0;
        r.responses[0].partition_responses[1].log_start_offset = 99;
    }
    if (v < 2) r.responses[0].partition_responses[1].log_append_time_ms = -1;
    if (v >= 1) r.throttle_time_ms = 7;
    return r;
}

ListOffsetsRequest list_offsets_request(std::int16_t v) {
    ListOffsetsRequest r;
    r.replica_id = -1;
    if (v >= 2) r.isolation_level = 1;
    r.topics = {{"orders",
                 {{0, ListOffsetsRequest::kEarliestTimestamp},
                  {1, ListOffsetsRequest::kLatestTimestamp},
                  {2, 1700000000000LL}}},
                {"logs", {{0, -1}}}};
    return r;
}

ListOffsetsResponse list_offsets_response(std::int16_t v) {
    ListOffsetsResponse r;
    if (v >= 2) r.throttle_time_ms = 3;
    r.topics = {{"orders", {{0, 0, -1, 0}, {1, 0, -1, 42}, {2, 0, 1700000000001LL, 17}}},
                {"missing", {{0, 3, -1, -1}}}};
    return r;
}

CreateTopicsRequest create_topics_request(std::int16_t v) {
    CreateTopicsRequest r;
    CreateTopicsRequest::CreatableTopic defaults{"defaults", -1, -1, {}, {}};
    defaults.configs = {
        {"cleanup.policy", "compact"}, {"retention.ms", std::nullopt}, {"segment.ms", ""}};
    CreateTopicsRequest::CreatableTopic placed{"placed", -1, -1, {}, {}};
    placed.assignments = {{0, {1, 2}}, {1, {2, 3}}, {2, {}}};
    CreateTopicsRequest::CreatableTopic plain{"plain", 6, 3, {}, {}};
    r.topics = {defaults, placed, plain};
    r.timeout_ms = 5000;
    if (v >= 1) r.validate_only = true;
    return r;
}

CreateTopicsResponse create_topics_response(std::int16_t v) {
    CreateTopicsResponse r;
    if (v >= 2) r.throttle_time_ms = 11;
    r.topics = {{"a", 0, std::string{}}, {"b", 36, std::string{}}, {"c", 37, std::string{}}};
    if (v >= 1) {
        r.topics[0].error_message = std::nullopt;
        r.topics[1].error_message = "Topic 'b' already exists.";
        r.topics[2].error_message = "";
    }
    return r;
}

DeleteTopicsRequest delete_topics_request(std::int16_t) {
    DeleteTopicsRequest r;
    r.topic_names = {"orders", "", "a-much-longer-topic-name.with.dots"};
    r.timeout_ms = 15000;
    return r;
}

DeleteTopicsResponse delete_topics_response(std::int16_t v) {
    DeleteTopicsResponse r;
    if (v >= 1) r.throttle_time_ms = 9;
    r.responses = {{"orders", 0}, {"", 17}, {"gone", 3}};
    return r;
}

const Uuid kOrdersId{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
const Uuid kLogsId{0, 1};

std::vector<FetchRequest> fetch_requests(std::int16_t v) {
    FetchRequest r;
    r.replica_id = -1;
    r.max_wait_ms = 500;
    r.min_bytes = 1;
    r.max_bytes = 52428800;
    r.isolation_level = 1;
    FetchRequest::FetchTopic orders;
    FetchRequest::FetchTopic logs;
    orders.partitions = {{0, -1, 0, -1, -1, 1048576}, {1, -1, 123456789012LL, -1, -1, 65536}};
    logs.partitions = {{3, -1, -5, -1, -1, 0}};
    if (v >= 13) {
        orders.topic_id = kOrdersId;
        logs.topic_id = kLogsId;
    } else {
        orders.topic = "orders";
        logs.topic = "logs";
    }
    for (auto* t : {&orders, &logs}) {
        for (auto& p : t->partitions) {
            if (v >= 5) p.log_start_offset = 10 + p.partition;
            if (v >= 9) p.current_leader_epoch = 4 + p.partition;
            if (v >= 12) p.last_fetched_epoch = 3 + p.partition;
        }
    }
    r.topics = {orders, logs};
    if (v >= 7) {
        r.session_id = 42;
        r.session_epoch = 3;
        FetchRequest::ForgottenTopic gone;
        FetchRequest::ForgottenTopic empty;
        gone.partitions = {0, 2, 5};
        if (v >= 13) {
            gone.topic_id = Uuid{7, 8};
            empty.topic_id = Uuid{9, 10};
        } else {
            gone.topic = "gone";
            empty.topic = "";
        }
        r.forgotten_topics_data = {gone, empty};
    }
    if (v >= 11) r.rack_id = "rack-b";
    if (v >= 12) r.cluster_id = "MkU3OEVBNTcwNTJENDM2Qk";

    // A follower's fetch: broker id, no topics, and (v12+) no cluster id.
    FetchRequest follower;
    follower.replica_id = 3;
    follower.max_wait_ms = 0;
    follower.min_bytes = 0;
    if (v >= 12) follower.cluster_id = "";
    FetchRequest minimal;
    return {r, follower, minimal};
}

FetchResponse fetch_response(std::int16_t v) {
    FetchResponse r;
    r.throttle_time_ms = 5;
    if (v >= 7) {
        r.error_code = 0;
        r.session_id = 1234567;
    }
    FetchResponse::PartitionData p0;
    p0.partition_index = 0;
    p0.high_watermark = 100;
    p0.last_stable_offset = 90;
    p0.aborted_transactions =
        std::vector<FetchResponse::AbortedTransaction>{{1000, 40}, {1001, 55}};
    p0.records = hex("00 00 00 00 00 00 00 00 00 00 00 10 de ad be ef");
    FetchResponse::PartitionData p1;
    p1.partition_index = 1;
    p1.error_code = 1;  // OFFSET_OUT_OF_RANGE
    p1.high_watermark = -1;
    p1.aborted_transactions = std::nullopt;
    p1.records = std::nullopt;
    FetchResponse::PartitionData p2;
    p2.partition_index = 2;
    p2.high_watermark = 7;
    p2.last_stable_offset = 7;
    p2.records = Bytes{};
    if (v >= 5) {
        p0.log_start_offset = 5;
        p1.log_start_offset = 0;
    }
    if (v >= 11) {
        p0.preferred_read_replica = 2;
        p2.preferred_read_replica = -1;
    }
    if (v >= 12) {
        p0.diverging_epoch = {4, 80};
        p0.current_leader = {1, 5};
        p0.snapshot_id = {60, 3};
        p1.current_leader = {-1, 9};  // only one tagged field, and one -1 inside it
        p2.snapshot_id = {-1, 0};
    }
    FetchResponse::FetchableTopicResponse orders;
    FetchResponse::FetchableTopicResponse logs;
    orders.partitions = {p0, p1, p2};
    if (v >= 13) {
        orders.topic_id = kOrdersId;
        logs.topic_id = kLogsId;
    } else {
        orders.topic = "orders";
        logs.topic = "logs";
    }
    r.responses = {orders, logs};
    return r;
}

std::int8_t to_wire_op(ConfigOperation op) {
    return static_cast<std::int8_t>(op);
}

}  // namespace

class MessagesTest : public QObject {
    Q_OBJECT

  private slots:
    // -----------------------------------------------------------------------------------------
    // Round trips and truncation, every version.

    void metadata_round_trip_data() { add_versions(0, 4); }
    void metadata_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        for (const auto& req : metadata_requests(v)) {
            check_round_trip(req, v);
            if (QTest::currentTestFailed()) return;
        }
        check_round_trip(metadata_response(v), v);
    }

    void produce_round_trip_data() { add_versions(0, 7); }
    void produce_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        for (const auto& req : produce_requests(v)) {
            check_round_trip(req, v);
            if (QTest::currentTestFailed()) return;
        }
        check_round_trip(produce_response(v), v);
    }

    void fetch_round_trip_data() { add_versions(4, 13); }
    void fetch_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        for (const auto& req : fetch_requests(v)) {
            check_round_trip(req, v);
            if (QTest::currentTestFailed()) return;
        }
        check_round_trip(fetch_response(v), v);
        if (QTest::currentTestFailed()) return;
        check_round_trip(FetchResponse{}, v);
    }

    void list_offsets_round_trip_data() { add_versions(1, 2); }
    void list_offsets_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_round_trip(list_offsets_request(v), v);
        if (QTest::currentTestFailed()) return;
        check_round_trip(list_offsets_response(v), v);
    }

    void create_topics_round_trip_data() { add_versions(0, 4); }
    void create_topics_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_round_trip(create_topics_request(v), v);
        if (QTest::currentTestFailed()) return;
        check_round_trip(create_topics_response(v), v);
    }

    void find_coordinator_round_trip_data() { add_versions(0, 2); }
    void find_coordinator_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        FindCoordinatorRequest request;
        request.key = "payments-group";
        if (v >= 1) request.key_type = 1;
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        FindCoordinatorResponse response;
        response.error_code = 15;
        response.node_id = 2;
        response.host = "127.0.0.1";
        response.port = 9093;
        if (v >= 1) {
            response.throttle_time_ms = 3;
            response.error_message = "consumer groups are not part of this lab yet";
        }
        check_round_trip(response, v);
    }

    void find_coordinator_v0_bytes() {
        // v0 request: key STRING. v0 response: error INT16, node INT32, host STRING, port INT32.
        FindCoordinatorRequest request;
        request.key = "g";
        QCOMPARE(encode(request, 0), hex("00 01 67"));
        FindCoordinatorResponse response;
        response.error_code = 15;
        response.node_id = -1;
        response.host = "";
        response.port = -1;
        QCOMPARE(encode(response, 0), hex("00 0f ff ff ff ff 00 00 ff ff ff ff"));
    }

    // The classic group protocol (issue 15), at the versions the lab's clients send.
    void join_group_round_trip_data() { add_versions(0, 5); }
    void join_group_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        JoinGroupRequest request;
        request.group_id = "orders-readers";
        request.session_timeout_ms = 10'000;
        if (v >= 1) request.rebalance_timeout_ms = 30'000;
        request.member_id = "rdkafka-1";
        if (v >= 5) request.group_instance_id = "reader-1";
        request.protocol_type = "consumer";
        request.protocols = {{"range", Bytes{0, 1, 2}}, {"roundrobin", Bytes{}}};
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        JoinGroupResponse response;
        if (v >= 2) response.throttle_time_ms = 5;
        response.error_code = 0;
        response.generation_id = 3;
        response.protocol_name = "range";
        response.leader = "rdkafka-1";
        response.member_id = "rdkafka-1";
        response.members = {{"rdkafka-1", std::nullopt, Bytes{9}}, {"rdkafka-2", std::nullopt, {}}};
        if (v >= 5) response.members[1].group_instance_id = "reader-2";
        check_round_trip(response, v);
    }

    void join_group_v0_bytes_and_a_hostile_count() {
        // v0: group STRING, session INT32, member STRING, protocol type STRING,
        // [name STRING, metadata BYTES].
        JoinGroupRequest request;
        request.group_id = "g";
        request.session_timeout_ms = 6000;
        request.protocol_type = "consumer";
        request.protocols = {{"range", Bytes{1}}};
        QCOMPARE(encode(request, 0), hex("00 01 67 00 00 17 70 00 00 00 08 63 6f 6e 73 75 6d 65 72 "
                                         "00 00 00 01 00 05 72 61 6e 67 65 00 00 00 01 01"));
        // A protocol count that the bytes cannot hold is refused before anything is allocated.
        JoinGroupRequest back;
        QVERIFY(!decode(hex("00 01 67 00 00 17 70 00 00 00 08 63 6f 6e 73 75 6d 65 72 "
                            "7f ff ff ff"),
                        0, back));
    }

    void sync_group_round_trip_data() { add_versions(0, 3); }
    void sync_group_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        SyncGroupRequest request;
        request.group_id = "orders-readers";
        request.generation_id = 3;
        request.member_id = "rdkafka-1";
        if (v >= 3) request.group_instance_id = "reader-1";
        request.assignments = {{"rdkafka-1", Bytes{1, 2}}, {"rdkafka-2", Bytes{}}};
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        SyncGroupResponse response;
        if (v >= 1) response.throttle_time_ms = 1;
        response.error_code = 27;
        response.assignment = Bytes{0, 0, 0, 1};
        check_round_trip(response, v);
    }

    void heartbeat_and_leave_group_round_trip_data() { add_versions(0, 3); }
    void heartbeat_and_leave_group_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        HeartbeatRequest heartbeat;
        heartbeat.group_id = "g";
        heartbeat.generation_id = 7;
        heartbeat.member_id = "m";
        if (v >= 3) heartbeat.group_instance_id = "i";
        check_round_trip(heartbeat, v);
        if (QTest::currentTestFailed()) return;
        HeartbeatResponse beat;
        if (v >= 1) beat.throttle_time_ms = 2;
        beat.error_code = 22;
        check_round_trip(beat, v);
        if (QTest::currentTestFailed()) return;
        LeaveGroupRequest leave;
        leave.group_id = "g";
        if (v <= 2) {
            leave.member_id = "m";
        } else {
            leave.members = {{"m", std::nullopt}, {"", std::string("i")}};
        }
        check_round_trip(leave, v);
        if (QTest::currentTestFailed()) return;
        LeaveGroupResponse left;
        if (v >= 1) left.throttle_time_ms = 4;
        if (v >= 3) left.members = {{"m", std::nullopt, 0}, {"", std::string("i"), 25}};
        check_round_trip(left, v);
    }

    void heartbeat_and_leave_group_bytes() {
        // Heartbeat v3: group STRING, generation INT32, member STRING, instance NULLABLE_STRING.
        HeartbeatRequest heartbeat;
        heartbeat.group_id = "g";
        heartbeat.generation_id = 2;
        heartbeat.member_id = "m";
        QCOMPARE(encode(heartbeat, 3), hex("00 01 67 00 00 00 02 00 01 6d ff ff"));
        // LeaveGroup v3: group STRING, [member STRING, instance NULLABLE_STRING].
        LeaveGroupRequest leave;
        leave.group_id = "g";
        leave.members = {{"m", std::string("i")}};
        QCOMPARE(encode(leave, 3), hex("00 01 67 00 00 00 01 00 01 6d 00 01 69"));
        // SyncGroup v0 response: error INT16, assignment BYTES.
        SyncGroupResponse sync;
        sync.assignment = Bytes{0xaa};
        QCOMPARE(encode(sync, 0), hex("00 00 00 00 00 01 aa"));
    }

    // The rest of the group APIs (issue 15): offsets, and the admin calls on groups.
    void offset_commit_round_trip_data() { add_versions(0, 7); }
    void offset_commit_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        OffsetCommitRequest request;
        request.group_id = "orders-readers";
        if (v >= 1) {
            request.generation_id = 4;
            request.member_id = "rdkafka-1";
        }
        if (v >= 7) request.group_instance_id = "reader-1";
        if (v >= 2 && v <= 4) request.retention_time_ms = 86'400'000;
        OffsetCommitRequest::Partition p0;
        p0.partition_index = 0;
        p0.committed_offset = 1'234'567'890'123;
        if (v >= 6) p0.committed_leader_epoch = 3;
        if (v == 1) p0.commit_timestamp = 1'700'000'000'000;
        p0.committed_metadata = "from the lab";
        OffsetCommitRequest::Partition p1;
        p1.partition_index = 5;
        p1.committed_offset = 0;
        request.topics = {{"orders", {p0, p1}}, {"payments", {}}};
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        check_round_trip(OffsetCommitRequest{}, v);
        if (QTest::currentTestFailed()) return;
        OffsetCommitResponse response;
        if (v >= 3) response.throttle_time_ms = 7;
        response.topics = {{"orders", {{0, 0}, {5, 22}}}, {"payments", {}}};
        check_round_trip(response, v);
    }

    void offset_fetch_round_trip_data() { add_versions(0, 5); }
    void offset_fetch_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        OffsetFetchRequest request;
        request.group_id = "orders-readers";
        request.topics =
            std::vector<OffsetFetchRequest::Topic>{{"orders", {0, 1, 2}}, {"payments", {}}};
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        OffsetFetchRequest none;  // an empty list: no partitions
        none.group_id = "g";
        none.topics.emplace();
        check_round_trip(none, v);
        if (QTest::currentTestFailed()) return;
        if (v >= 2) {
            OffsetFetchRequest all;  // null: every partition the group committed
            all.group_id = "g";
            check_round_trip(all, v);
            if (QTest::currentTestFailed()) return;
        }
        OffsetFetchResponse response;
        if (v >= 3) response.throttle_time_ms = 2;
        OffsetFetchResponse::Partition committed;
        committed.partition_index = 0;
        committed.committed_offset = 42;
        if (v >= 5) committed.committed_leader_epoch = 9;
        committed.metadata = "";
        OffsetFetchResponse::Partition never;  // nothing committed: offset -1, null metadata
        never.partition_index = 1;
        never.error_code = 3;
        response.topics = {{"orders", {committed, never}}, {"payments", {}}};
        if (v >= 2) response.error_code = 14;
        check_round_trip(response, v);
    }

    void describe_groups_round_trip_data() { add_versions(0, 4); }
    void describe_groups_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        DescribeGroupsRequest request;
        request.groups = {"orders-readers", "", "audit"};
        if (v >= 3) request.include_authorized_operations = true;
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        DescribeGroupsResponse response;
        if (v >= 1) response.throttle_time_ms = 3;
        DescribeGroupsResponse::Group stable;
        stable.group_id = "orders-readers";
        stable.group_state = "Stable";
        stable.protocol_type = "consumer";
        stable.protocol_data = "range";
        stable.members = {
            {"rdkafka-1", std::nullopt, "rdkafka", "/127.0.0.1", Bytes{0, 1, 2}, Bytes{3, 4}},
            {"rdkafka-2", std::nullopt, "rdkafka", "/127.0.0.2", {}, {}}};
        if (v >= 4) stable.members[1].group_instance_id = "reader-2";
        if (v >= 3) stable.authorized_operations = 0x0f;
        DescribeGroupsResponse::Group dead;
        dead.error_code = 16;
        dead.group_id = "audit";
        dead.group_state = "Dead";
        response.groups = {stable, dead};
        check_round_trip(response, v);
    }

    void list_groups_round_trip_data() { add_versions(0, 2); }
    void list_groups_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_round_trip(ListGroupsRequest{}, v);
        if (QTest::currentTestFailed()) return;
        ListGroupsResponse response;
        if (v >= 1) response.throttle_time_ms = 1;
        response.error_code = 14;
        response.groups = {{"orders-readers", "consumer"}, {"offsets-only", ""}};
        check_round_trip(response, v);
        if (QTest::currentTestFailed()) return;
        check_round_trip(ListGroupsResponse{}, v);
    }

    void delete_groups_round_trip_data() { add_versions(0, 1); }
    void delete_groups_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        DeleteGroupsRequest request;
        request.groups_names = {"orders-readers", "audit"};
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        DeleteGroupsResponse response;
        response.throttle_time_ms = 6;
        response.results = {{"orders-readers", 68}, {"audit", 0}};
        check_round_trip(response, v);
    }

    void offset_delete_round_trip_data() { add_versions(0, 0); }
    void offset_delete_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        OffsetDeleteRequest request;
        request.group_id = "orders-readers";
        request.topics = {{"orders", {0, 3}}, {"payments", {}}};
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        OffsetDeleteResponse response;
        response.error_code = 0;
        response.throttle_time_ms = 8;
        response.topics = {{"orders", {{0, 0}, {3, 86}}}, {"payments", {}}};
        check_round_trip(response, v);
    }

    void init_producer_id_round_trip_data() { add_versions(0, 4); }
    void init_producer_id_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        InitProducerIdRequest request;
        request.transaction_timeout_ms = 60000;
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        request.transactional_id = "orders-tx";
        if (v >= 3) {
            request.producer_id = 1234567890123;
            request.producer_epoch = 7;
        }
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        InitProducerIdResponse response;
        response.throttle_time_ms = 3;
        response.error_code = 53;
        response.producer_id = 1000;
        response.producer_epoch = 0;
        check_round_trip(response, v);
    }

    void producer_id_apis_bytes() {
        // InitProducerId v1 (kafkajs): transactional_id NULLABLE_STRING, timeout INT32.
        InitProducerIdRequest idem;
        idem.transaction_timeout_ms = 60000;
        QCOMPARE(encode(idem, 1), hex("ffff 0000ea60"));
        // v2 is flexible: compact nullable string (0 = null) and tagged fields.
        QCOMPARE(encode(idem, 2), hex("00 0000ea60 00"));
        // v3+ (librdkafka sends v4): the current producer id and epoch, -1/-1 when it has none.
        QCOMPARE(encode(idem, 4), hex("00 0000ea60 ffffffffffffffff ffff 00"));
        InitProducerIdRequest tx;
        tx.transactional_id = "tx";
        QCOMPARE(encode(tx, 0), hex("0002 7478 00000000"));
        QCOMPARE(encode(tx, 2), hex("03 7478 00000000 00"));
        InitProducerIdResponse got;
        got.producer_id = 7;
        got.producer_epoch = 0;
        QCOMPARE(encode(got, 1), hex("00000000 0000 0000000000000007 0000"));
        QCOMPARE(encode(got, 4), hex("00000000 0000 0000000000000007 0000 00"));
        // AllocateProducerIds v0 (flexible): broker INT32, epoch INT64; response: throttle,
        // error, start INT64, len INT32.
        AllocateProducerIdsRequest alloc;
        alloc.broker_id = 1;
        alloc.broker_epoch = 42;
        QCOMPARE(encode(alloc, 0), hex("00000001 000000000000002a 00"));
        check_round_trip(alloc, 0);
        AllocateProducerIdsResponse block;
        block.producer_id_start = 1000;
        block.producer_id_len = 1000;
        QCOMPARE(encode(block, 0), hex("00000000 0000 00000000000003e8 000003e8 00"));
        check_round_trip(block, 0);
        QCOMPARE(api_name(67), std::string_view("AllocateProducerIds"));
        QCOMPARE(first_flexible_version(ApiKey::InitProducerId), std::int16_t(2));
        QVERIFY(is_flexible(ApiKey::AllocateProducerIds, 0));
    }

    void producer_id_apis_refuse_bad_input() {
        const Bytes some(64, 0);
        InitProducerIdRequest r;
        QVERIFY(!decode(some, 5, r));
        QVERIFY(!decode(some, -1, r));
        // Cut short: every strict prefix of a v4 request.
        const Bytes full = hex("03 7478 0000ea60 ffffffffffffffff ffff 00");
        for (std::size_t n = 0; n < full.size(); ++n)
            QVERIFY(!decode(Bytes(full.begin(), full.begin() + std::ptrdiff_t(n)), 4, r));
        QVERIFY(decode(full, 4, r));
        // A string longer than what remains.
        QVERIFY(!decode(hex("7fff 74 00000000"), 0, r));
        InitProducerIdResponse resp;
        QVERIFY(!decode(some, 5, resp));
        AllocateProducerIdsRequest alloc;
        QVERIFY(!decode(some, 1, alloc));
        QVERIFY(!decode(hex("00000001 0000"), 0, alloc));
        AllocateProducerIdsResponse block;
        QVERIFY(!decode(hex("00000000 0000 00000000"), 0, block));
    }

    void offset_commit_and_fetch_bytes() {
        // OffsetCommit v1: group STRING, generation INT32, member STRING, [topic STRING,
        // [partition INT32, offset INT64, commit_timestamp INT64, metadata NULLABLE_STRING]].
        OffsetCommitRequest commit;
        commit.group_id = "g";
        commit.generation_id = 3;
        commit.member_id = "m";
        OffsetCommitRequest::Partition p;
        p.partition_index = 2;
        p.committed_offset = 5;
        p.commit_timestamp = 1000;
        p.committed_metadata = "x";
        commit.topics = {{"t", {p}}};
        QCOMPARE(encode(commit, 1), hex("0001 67 00000003 0001 6d 00000001 0001 74 00000001 "
                                        "00000002 0000000000000005 00000000000003e8 0001 78"));
        // v2: retention_time_ms INT64 after the member, and no commit_timestamp.
        commit.retention_time_ms = 86'400'000;
        QCOMPARE(encode(commit, 2), hex("0001 67 00000003 0001 6d 0000000005265c00 00000001 "
                                        "0001 74 00000001 00000002 0000000000000005 0001 78"));
        // v7: group_instance_id NULLABLE_STRING after the member, no retention, and
        // committed_leader_epoch INT32 after the offset.
        commit.topics[0].partitions[0].committed_leader_epoch = 4;
        commit.topics[0].partitions[0].committed_metadata = std::nullopt;
        QCOMPARE(encode(commit, 7), hex("0001 67 00000003 0001 6d ffff 00000001 0001 74 00000001 "
                                        "00000002 0000000000000005 00000004 ffff"));
        // OffsetCommit v3 response: throttle INT32, [topic STRING, [partition INT32, error INT16]].
        OffsetCommitResponse committed;
        committed.topics = {{"t", {{2, 25}}}};
        QCOMPARE(encode(committed, 3), hex("00000000 00000001 0001 74 00000001 00000002 0019"));
        QCOMPARE(encode(committed, 2), hex("00000001 0001 74 00000001 00000002 0019"));

        // OffsetFetch v1: group STRING, [topic STRING, [partition INT32]].
        OffsetFetchRequest fetch;
        fetch.group_id = "g";
        fetch.topics = std::vector<OffsetFetchRequest::Topic>{{"t", {0, 1}}};
        QCOMPARE(encode(fetch, 1), hex("0001 67 00000001 0001 74 00000002 00000000 00000001"));
        // v2: a null topics array asks for every committed partition; v1 cannot say it.
        OffsetFetchRequest all;
        all.group_id = "g";
        QCOMPARE(encode(all, 2), hex("0001 67 ffffffff"));
        OffsetFetchRequest back;
        QVERIFY(decode(hex("0001 67 ffffffff"), 2, back));
        QVERIFY(!back.topics);
        QVERIFY(!decode(hex("0001 67 ffffffff"), 1, back));
        // OffsetFetch v5 response: throttle INT32, [topic STRING, [partition INT32, offset INT64,
        // leader_epoch INT32, metadata NULLABLE_STRING, error INT16]], error INT16 (last).
        OffsetFetchResponse fetched;
        OffsetFetchResponse::Partition fp;
        fp.partition_index = 0;
        fp.committed_offset = 7;
        fp.committed_leader_epoch = 1;
        fp.metadata = "";
        fetched.topics = {{"t", {fp}}};
        fetched.error_code = 14;
        QCOMPARE(encode(fetched, 5), hex("00000000 00000001 0001 74 00000001 00000000 "
                                         "0000000000000007 00000001 0000 0000 000e"));
        // v1: no throttle, no leader epoch, no top-level error.
        QCOMPARE(encode(fetched, 1),
                 hex("00000001 0001 74 00000001 00000000 0000000000000007 0000 0000"));
    }

    void group_admin_bytes() {
        // DescribeGroups v3 request: [group STRING], include_authorized_operations BOOLEAN.
        DescribeGroupsRequest describe;
        describe.groups = {"g"};
        describe.include_authorized_operations = true;
        QCOMPARE(encode(describe, 3), hex("00000001 0001 67 01"));
        QCOMPARE(encode(describe, 2), hex("00000001 0001 67"));
        // DescribeGroups v4 response: throttle INT32, [error INT16, group STRING, state STRING,
        // protocol_type STRING, protocol_data STRING, [member STRING, instance NULLABLE_STRING,
        // client_id STRING, client_host STRING, metadata BYTES, assignment BYTES],
        // authorized_operations INT32].
        DescribeGroupsResponse described;
        DescribeGroupsResponse::Group g;
        g.group_id = "g";
        g.group_state = "Stable";
        g.protocol_type = "consumer";
        g.protocol_data = "range";
        g.members = {{"m", std::nullopt, "c", "/h", Bytes{0xaa}, Bytes{}}};
        described.groups = {g};
        QCOMPARE(encode(described, 4),
                 hex("00000000 00000001 0000 0001 67 0006 537461626c65 0008 636f6e73756d6572 "
                     "0005 72616e6765 00000001 0001 6d ffff 0001 63 0002 2f68 00000001 aa "
                     "00000000 80000000"));
        // v0: no throttle, no instance id, no authorized operations.
        QCOMPARE(encode(described, 0),
                 hex("00000001 0000 0001 67 0006 537461626c65 0008 636f6e73756d6572 "
                     "0005 72616e6765 00000001 0001 6d 0001 63 0002 2f68 00000001 aa 00000000"));

        // ListGroups: an empty request; v0 response: error INT16, [group STRING, type STRING].
        QCOMPARE(encode(ListGroupsRequest{}, 2), Bytes{});
        ListGroupsResponse listed;
        listed.groups = {{"g", "consumer"}};
        QCOMPARE(encode(listed, 0), hex("0000 00000001 0001 67 0008 636f6e73756d6572"));
        QCOMPARE(encode(listed, 1), hex("00000000 0000 00000001 0001 67 0008 636f6e73756d6572"));

        // DeleteGroups v0: [group STRING]; response: throttle INT32 (already in v0),
        // [group STRING, error INT16].
        DeleteGroupsRequest del;
        del.groups_names = {"g"};
        QCOMPARE(encode(del, 0), hex("00000001 0001 67"));
        DeleteGroupsResponse deleted;
        deleted.results = {{"g", 69}};
        QCOMPARE(encode(deleted, 0), hex("00000000 00000001 0001 67 0045"));

        // OffsetDelete v0: group STRING, [topic STRING, [partition INT32]]; response: error
        // INT16 before throttle INT32, [topic STRING, [partition INT32, error INT16]].
        OffsetDeleteRequest od;
        od.group_id = "g";
        od.topics = {{"t", {0}}};
        QCOMPARE(encode(od, 0), hex("0001 67 00000001 0001 74 00000001 00000000"));
        OffsetDeleteResponse odr;
        odr.error_code = 0;
        odr.throttle_time_ms = 1;
        odr.topics = {{"t", {{0, 86}}}};
        QCOMPARE(encode(odr, 0), hex("0000 00000001 00000001 0001 74 00000001 00000000 0056"));
    }

    void group_api_keys_and_flexible_versions() {
        // Each codec stops just below its API's first flexible version (headers depend on it).
        QCOMPARE(api_name(42), std::string_view("DeleteGroups"));
        QCOMPARE(api_name(47), std::string_view("OffsetDelete"));
        QCOMPARE(first_flexible_version(ApiKey::OffsetCommit),
                 OffsetCommitRequest::kMaxVersion + 1);
        QCOMPARE(first_flexible_version(ApiKey::OffsetFetch), OffsetFetchRequest::kMaxVersion + 1);
        QCOMPARE(first_flexible_version(ApiKey::DescribeGroups),
                 DescribeGroupsRequest::kMaxVersion + 1);
        QCOMPARE(first_flexible_version(ApiKey::ListGroups), ListGroupsRequest::kMaxVersion + 1);
        QCOMPARE(first_flexible_version(ApiKey::DeleteGroups),
                 DeleteGroupsRequest::kMaxVersion + 1);
        QVERIFY(!is_flexible(ApiKey::OffsetDelete, OffsetDeleteRequest::kMaxVersion));
    }

    void group_apis_refuse_hostile_counts() {
        // 2^31-1 elements announced in a few bytes: refused before anything is allocated.
        OffsetCommitRequest oc;
        QVERIFY(!decode(hex("0001 67 00000003 0001 6d ffff 7fffffff 0000"), 7, oc));
        // ... also one level down, in a topic's partitions.
        QVERIFY(!decode(hex("0001 67 00000001 0001 74 7fffffff 00000000"), 0, oc));
        // A count that fits the bytes at the generic minimum but not at a partition's 14 bytes.
        QVERIFY(!decode(hex("0001 67 00000001 0001 74 00000002 00000000 00000000 0000"), 0, oc));
        // Topics sent as null where the schema does not allow it.
        QVERIFY(!decode(hex("0001 67 ffffffff"), 0, oc));
        OffsetCommitResponse ocr;
        QVERIFY(!decode(hex("00000000 7fffffff 0000"), 3, ocr));
        OffsetFetchRequest of;
        QVERIFY(!decode(hex("0001 67 7fffffff 0000"), 2, of));
        QVERIFY(!decode(hex("0001 67 00000001 0001 74 7fffffff"), 5, of));
        OffsetFetchResponse ofr;
        QVERIFY(!decode(hex("00000000 7fffffff 0000 0000"), 5, ofr));
        DescribeGroupsRequest dg;
        QVERIFY(!decode(hex("7fffffff 0001 67 00"), 3, dg));
        DescribeGroupsResponse dgr;
        QVERIFY(
            !decode(hex("00000000 00000001 0000 0000 0000 0000 0000 7fffffff 00000000"), 4, dgr));
        ListGroupsResponse lg;
        QVERIFY(!decode(hex("0000 7fffffff 0000"), 0, lg));
        DeleteGroupsRequest del;
        QVERIFY(!decode(hex("7fffffff 0001 67"), 0, del));
        DeleteGroupsResponse delr;
        QVERIFY(!decode(hex("00000000 7fffffff 0001 67"), 1, delr));
        OffsetDeleteRequest od;
        QVERIFY(!decode(hex("0001 67 7fffffff 0000"), 0, od));
        OffsetDeleteResponse odr;
        QVERIFY(!decode(hex("0000 00000000 00000001 0001 74 7fffffff"), 0, odr));
        // A string longer than what remains.
        QVERIFY(!decode(hex("7fff 67 00000000"), 0, od));
    }

    void group_apis_refuse_unimplemented_versions() {
        const Bytes some(64, 0);
        OffsetCommitRequest oc;
        QVERIFY(!decode(some, -1, oc));
        QVERIFY(!decode(some, 8, oc));
        OffsetCommitResponse ocr;
        QVERIFY(!decode(some, 8, ocr));
        OffsetFetchRequest of;
        QVERIFY(!decode(some, 6, of));
        OffsetFetchResponse ofr;
        QVERIFY(!decode(some, 6, ofr));
        DescribeGroupsRequest dg;
        QVERIFY(!decode(some, 5, dg));
        DescribeGroupsResponse dgr;
        QVERIFY(!decode(some, 5, dgr));
        ListGroupsRequest lg;
        QVERIFY(!decode(Bytes{}, 3, lg));
        QVERIFY(decode(Bytes{}, 2, lg));
        ListGroupsResponse lgr;
        QVERIFY(!decode(some, 3, lgr));
        DeleteGroupsRequest del;
        QVERIFY(!decode(some, 2, del));
        DeleteGroupsResponse delr;
        QVERIFY(!decode(some, 2, delr));
        OffsetDeleteRequest od;
        QVERIFY(!decode(some, 1, od));
        OffsetDeleteResponse odr;
        QVERIFY(!decode(some, 1, odr));
    }

    void delete_topics_round_trip_data() { add_versions(0, 3); }
    void delete_topics_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_round_trip(delete_topics_request(v), v);
        if (QTest::currentTestFailed()) return;
        check_round_trip(delete_topics_response(v), v);
    }

    void incremental_alter_configs_round_trip_data() { add_versions(0, 1); }
    void incremental_alter_configs_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        IncrementalAlterConfigsRequest request;
        request.resources.push_back(
            {kConfigResourceTopic,
             "orders",
             {{"min.insync.replicas", to_wire_op(ConfigOperation::Set), "2"},
              {"unclean.leader.election.enable", to_wire_op(ConfigOperation::Delete),
               std::nullopt}}});
        request.resources.push_back({kConfigResourceBroker, "1", {}});
        request.validate_only = true;
        check_round_trip(request, v);
        if (QTest::currentTestFailed()) return;
        check_round_trip(IncrementalAlterConfigsRequest{}, v);
        if (QTest::currentTestFailed()) return;
        IncrementalAlterConfigsResponse response;
        response.throttle_time_ms = 5;
        response.responses.push_back({0, std::nullopt, kConfigResourceTopic, "orders"});
        response.responses.push_back(
            {40, "min.insync.replicas must be an integer >= 1", kConfigResourceTopic, "logs"});
        check_round_trip(response, v);
    }

    // -----------------------------------------------------------------------------------------
    // Hand-checked encodings (expected bytes written from Kafka's JSON schemas, field by field).

    void incremental_alter_configs_bytes() {
        // Request: Resources [ResourceType INT8, ResourceName STRING, Configs [Name STRING,
        // ConfigOperation INT8, Value nullable STRING]], ValidateOnly BOOL; v1 is flexible.
        IncrementalAlterConfigsRequest request;
        request.resources.push_back({2, "t", {{"k", 1, std::nullopt}}});
        QCOMPARE(encode(request, 0), hex("00000001 02 0001 74 00000001 0001 6b 01 ffff 00"));
        QCOMPARE(encode(request, 1), hex("02 02 02 74 02 02 6b 01 00 00 00 00 00"));
        // Response: ThrottleTimeMs INT32, Responses [ErrorCode INT16, ErrorMessage nullable
        // STRING, ResourceType INT8, ResourceName STRING].
        IncrementalAlterConfigsResponse response;
        response.responses.push_back({40, "x", 2, "t"});
        QCOMPARE(encode(response, 0), hex("00000000 00000001 0028 0001 78 02 0001 74"));
        QCOMPARE(encode(response, 1), hex("00000000 02 0028 02 78 02 02 74 00 00"));
    }

    void metadata_v0_request_bytes() {
        MetadataRequest r;
        r.topics = std::vector<MetadataRequest::Topic>{{"a"}, {"bc"}};
        const Bytes expected =
            hex("00 00 00 02"  // Topics: INT32 array length 2
                "00 01 61"     // Topics[0].Name: INT16 length 1, "a"
                "00 02 62 63"  // Topics[1].Name: INT16 length 2, "bc"
            );                 // no AllowAutoTopicCreation before v4
        QCOMPARE(to_hex(encode(r, 0)), to_hex(expected));
        MetadataRequest back;
        QVERIFY(decode(expected, 0, back));
        QVERIFY(back == r);
    }

    void produce_v3_request_bytes() {
        ProduceRequest r;
        r.acks = -1;
        r.timeout_ms = 30000;
        r.topic_data = {{"logs", {{0, hex("01 02 03")}, {5, std::nullopt}}}};
        const Bytes expected =
            hex("ff ff"                 // TransactionalId: INT16 length -1 = null
                "ff ff"                 // Acks: INT16 -1
                "00 00 75 30"           // TimeoutMs: INT32 30000
                "00 00 00 01"           // TopicData: INT32 array length 1
                "00 04 6c 6f 67 73"     // TopicData[0].Name: "logs"
                "00 00 00 02"           // TopicData[0].PartitionData: array length 2
                "00 00 00 00"           //   [0].Index: 0
                "00 00 00 03 01 02 03"  // [0].Records: INT32 length 3 + bytes
                "00 00 00 05"           //   [1].Index: 5
                "ff ff ff ff"           //   [1].Records: INT32 length -1 = null
            );
        QCOMPARE(to_hex(encode(r, 3)), to_hex(expected));
        // v3-v7 share the request layout.
        for (std::int16_t v = 4; v <= 7; ++v)
            QCOMPARE(to_hex(encode(r, v)), to_hex(expected));
        ProduceRequest back;
        QVERIFY(decode(expected, 3, back));
        QVERIFY(back == r);
    }

    void fetch_v12_request_bytes() {
        FetchRequest r;
        r.cluster_id = "kc";
        r.replica_id = -1;
        r.max_wait_ms = 500;
        r.min_bytes = 1;
        r.max_bytes = 0x7fffffff;
        r.isolation_level = 1;
        r.session_id = 0;
        r.session_epoch = -1;
        FetchRequest::FetchTopic t;
        t.topic = "abc";
        t.partitions = {{3, 7, 100, 6, -1, 1048576}};
        r.topics = {t};
        const Bytes expected =
            hex("ff ff ff ff"              // ReplicaId: -1
                "00 00 01 f4"              // MaxWaitMs: 500
                "00 00 00 01"              // MinBytes: 1
                "7f ff ff ff"              // MaxBytes: INT32_MAX
                "01"                       // IsolationLevel: read_committed
                "00 00 00 00"              // SessionId: 0
                "ff ff ff ff"              // SessionEpoch: -1
                "02"                       // Topics: compact array, UVARINT(1 + 1)
                "04 61 62 63"              //   Topic: compact string, UVARINT(3 + 1) "abc"
                "02"                       //   Partitions: compact array of 1
                "00 00 00 03"              //     Partition: 3
                "00 00 00 07"              //     CurrentLeaderEpoch: 7
                "00 00 00 00 00 00 00 64"  // FetchOffset: 100
                "00 00 00 06"              // LastFetchedEpoch: 6
                "ff ff ff ff ff ff ff ff"  // LogStartOffset: -1
                "00 10 00 00"              // PartitionMaxBytes: 1 MiB
                "00"                       //     partition tagged fields: none
                "00"                       //   topic tagged fields: none
                "01"                       // ForgottenTopicsData: compact array of 0
                "01"                       // RackId: compact string ""
                "01"                       // tagged fields: 1
                "00 03"                    //   tag 0 (ClusterId), 3 bytes
                "03 6b 63"                 //   compact nullable string "kc"
            );
        QCOMPARE(to_hex(encode(r, 12)), to_hex(expected));
        FetchRequest back;
        bool consumed_all = false;
        QVERIFY(decode(expected, 12, back, &consumed_all));
        QVERIFY(consumed_all);
        QVERIFY(back == r);
    }

    void fetch_v12_response_tagged_bytes() {
        FetchResponse r;
        FetchResponse::PartitionData p;
        p.high_watermark = 10;
        p.last_stable_offset = 10;
        p.log_start_offset = 0;
        p.aborted_transactions = std::nullopt;
        p.diverging_epoch = {4, 8};
        p.snapshot_id = {20, 3};
        r.responses = {{"t", {}, {p}}};
        const Bytes expected =
            hex("00 00 00 00"              // ThrottleTimeMs
                "00 00"                    // ErrorCode
                "00 00 00 00"              // SessionId
                "02"                       // Responses: compact array of 1
                "02 74"                    //   Topic: "t"
                "02"                       //   Partitions: compact array of 1
                "00 00 00 00"              //     PartitionIndex: 0
                "00 00"                    //     ErrorCode: 0
                "00 00 00 00 00 00 00 0a"  // HighWatermark: 10
                "00 00 00 00 00 00 00 0a"  // LastStableOffset: 10
                "00 00 00 00 00 00 00 00"  // LogStartOffset: 0
                "00"                       // AbortedTransactions: compact null
                "ff ff ff ff"              // PreferredReadReplica: -1
                "00"                       // Records: compact null
                "02"                       // tagged fields: 2 (CurrentLeader is default: omitted)
                "00 0d"                    //   tag 0 DivergingEpoch, 13 bytes:
                "00 00 00 04"              //     Epoch: 4
                "00 00 00 00 00 00 00 08"  //     EndOffset: 8
                "00"                       //     its own tagged fields: none
                "02 0d"                    //   tag 2 SnapshotId, 13 bytes:
                "00 00 00 00 00 00 00 14"  //     EndOffset: 20 (EndOffset first here)
                "00 00 00 03"              //     Epoch: 3
                "00"                       //     its own tagged fields: none
                "00"                       //   topic tagged fields
                "00"                       // response tagged fields
            );
        QCOMPARE(to_hex(encode(r, 12)), to_hex(expected));
        FetchResponse back;
        bool consumed_all = false;
        QVERIFY(decode(expected, 12, back, &consumed_all));
        QVERIFY(consumed_all);
        QVERIFY(back == r);
        QVERIFY(back.responses[0].partitions[0].current_leader ==
                FetchResponse::LeaderIdAndEpoch{});
    }

    // -----------------------------------------------------------------------------------------
    // Version-specific fields.

    void metadata_topics_null_vs_empty() {
        MetadataRequest all;
        QCOMPARE(to_hex(encode(all, 0)), to_hex(hex("00 00 00 00")));  // v0: empty = all
        QCOMPARE(to_hex(encode(all, 1)), to_hex(hex("ff ff ff ff")));  // v1+: null = all
        MetadataRequest none;
        none.topics.emplace();
        QCOMPARE(to_hex(encode(none, 1)), to_hex(hex("00 00 00 00")));  // v1+: empty = none

        MetadataRequest back;
        QVERIFY(decode(hex("00 00 00 00"), 0, back));
        QVERIFY(!back.topics.has_value());  // v0 empty means all
        QVERIFY(decode(hex("00 00 00 00"), 1, back));
        QVERIFY(back.topics.has_value() && back.topics->empty());
        QVERIFY(decode(hex("ff ff ff ff"), 1, back));
        QVERIFY(!back.topics.has_value());
        QVERIFY(!decode(hex("ff ff ff ff"), 0, back));  // v0 arrays are not nullable
    }

    void metadata_allow_auto_topic_creation_only_from_v4() {
        MetadataRequest on;
        on.topics = std::vector<MetadataRequest::Topic>{{"t"}};
        MetadataRequest off = on;
        off.allow_auto_topic_creation = false;
        for (std::int16_t v = 0; v <= 3; ++v) {
            QCOMPARE(encode(off, v), encode(on, v));  // not written
            MetadataRequest back;
            back.allow_auto_topic_creation = false;
            QVERIFY(decode(encode(off, v), v, back));
            QCOMPARE(back.allow_auto_topic_creation, true);  // Kafka's default
        }
        const Bytes v4 = encode(off, 4);
        QCOMPARE(v4.size(), encode(off, 3).size() + 1);
        QCOMPARE(v4.back(), std::uint8_t{0});
        QCOMPARE(encode(on, 4).back(), std::uint8_t{1});
    }

    void metadata_response_fields_by_version() {
        const MetadataResponse r = metadata_response(4);
        // v0 has no throttle, rack, cluster id, controller id or is_internal; v3 adds only
        // throttle_time_ms in front of v2's layout.
        QVERIFY(!contains(encode(r, 0), text_bytes("rack-a")));
        QVERIFY(contains(encode(r, 1), text_bytes("rack-a")));
        QVERIFY(!contains(encode(r, 1), text_bytes("MkU3OEVBNTcwNTJENDM2Qk")));
        QVERIFY(contains(encode(r, 2), text_bytes("MkU3OEVBNTcwNTJENDM2Qk")));
        QCOMPARE(encode(r, 3).size(), encode(r, 2).size() + 4);
        QCOMPARE(encode(r, 4), encode(r, 3));
        MetadataResponse back;
        QVERIFY(decode(encode(r, 0), 0, back));
        QCOMPARE(back.controller_id, -1);
        QVERIFY(!back.cluster_id.has_value());
        QVERIFY(!back.brokers[0].rack.has_value());
    }

    void produce_response_log_start_offset_from_v5() {
        const ProduceResponse r = produce_response(7);
        QCOMPARE(encode(r, 4), encode(r, 3));
        QCOMPARE(encode(r, 5).size(), encode(r, 4).size() + 2 * 8);  // two partitions
        QCOMPARE(encode(r, 7), encode(r, 5));
        ProduceResponse back;
        QVERIFY(decode(encode(r, 4), 4, back));
        QCOMPARE(back.responses[0].partition_responses[1].log_start_offset, std::int64_t{-1});
    }

    void fetch_v12_writes_compact_strings() {
        FetchRequest r;
        r.topics = {{"abc", {}, {}}};
        r.forgotten_topics_data = {{"gone", {}, {1}}};
        r.rack_id = "rk";
        const Bytes v11 = encode(r, 11);
        const Bytes v12 = encode(r, 12);
        QVERIFY(contains(v11, hex("00 03 61 62 63")));           // INT16 length + "abc"
        QVERIFY(contains(v11, hex("00 00 00 01 00 00 00 01")));  // INT32 array of one INT32
        QVERIFY(contains(v11, hex("00 02 72 6b")));              // rack_id "rk"
        QVERIFY(contains(v12, hex("02 04 61 62 63 01 00")));     // compact topics, "abc", no parts
        QVERIFY(contains(v12, hex("05 67 6f 6e 65 02 00 00 00 01 00")));  // "gone", [1], tags
        QVERIFY(!contains(v12, hex("00 03 61 62 63")));
        QCOMPARE(v12.back(), std::uint8_t{0});  // no cluster id: empty tagged fields
    }

    void fetch_v13_uses_topic_ids() {
        FetchRequest req;
        req.topics = {{"by-name", kOrdersId, {{0, -1, 5, -1, -1, 100}}}};
        const Bytes v12 = encode(req, 12);
        const Bytes v13 = encode(req, 13);
        QVERIFY(contains(v12, text_bytes("by-name")));
        QVERIFY(!contains(v12, hex("01 23 45 67 89 ab cd ef")));
        QVERIFY(!contains(v13, text_bytes("by-name")));
        QVERIFY(contains(v13, hex("01 23 45 67 89 ab cd ef fe dc ba 98 76 54 32 10")));
        FetchRequest back;
        QVERIFY(decode(v13, 13, back));
        QCOMPARE(back.topics[0].topic, std::string{});
        QVERIFY(back.topics[0].topic_id == kOrdersId);
        QVERIFY(decode(v12, 12, back));
        QCOMPARE(back.topics[0].topic, std::string{"by-name"});
        QVERIFY(back.topics[0].topic_id.is_zero());

        FetchResponse resp;
        resp.responses = {{"by-name", kLogsId, {}}};
        QVERIFY(!contains(encode(resp, 13), text_bytes("by-name")));
        QVERIFY(contains(encode(resp, 12), text_bytes("by-name")));
    }

    void fetch_fields_by_version() {
        const FetchRequest full = fetch_requests(13)[0];
        FetchRequest named = full;
        for (auto& t : named.topics)
            t.topic = "t";
        // v4 -> v5 adds LogStartOffset per partition (3 partitions).
        QCOMPARE(encode(named, 5).size(), encode(named, 4).size() + 3 * 8);
        // v7 adds SessionId, SessionEpoch and the forgotten topics array.
        QVERIFY(encode(named, 7).size() > encode(named, 6).size() + 8);
        // v9 adds CurrentLeaderEpoch per partition.
        QCOMPARE(encode(named, 9).size(), encode(named, 8).size() + 3 * 4);
        QCOMPARE(encode(named, 10), encode(named, 9));
        // v11 adds RackId.
        QCOMPARE(encode(named, 11).size(), encode(named, 10).size() + 2 + full.rack_id.size());

        const FetchResponse resp = fetch_response(12);
        // v4-v6 have no top-level ErrorCode / SessionId.
        QCOMPARE(encode(resp, 7).size(), encode(resp, 6).size() + 2 + 4);
        // v11 adds PreferredReadReplica per partition (3 partitions).
        QCOMPARE(encode(resp, 11).size(), encode(resp, 10).size() + 3 * 4);
        FetchResponse back;
        QVERIFY(decode(encode(resp, 11), 11, back));
        const auto& p0 = back.responses[0].partitions[0];
        QVERIFY(p0.diverging_epoch == FetchResponse::EpochEndOffset{});  // absent before v12
        QCOMPARE(p0.preferred_read_replica, 2);
        QVERIFY(decode(encode(resp, 10), 10, back));
        QCOMPARE(back.responses[0].partitions[0].preferred_read_replica, -1);
    }

    void fetch_tagged_fields_written_only_when_not_default() {
        FetchResponse r;
        r.responses = {{"t", {}, {FetchResponse::PartitionData{}}}};
        const Bytes plain = encode(r, 12);
        // Partition tags, topic tags, response tags: all empty.
        QCOMPARE(to_hex(Bytes(plain.end() - 3, plain.end())), to_hex(hex("00 00 00")));
        r.responses[0].partitions[0].current_leader = {2, 9};
        const Bytes leader = encode(r, 12);
        QCOMPARE(to_hex(Bytes(leader.end() - 14, leader.end())),
                 to_hex(hex("01 01 09 00 00 00 02 00 00 00 09 00 00 00")));
        // A ClusterId tag is written only when set (an empty string counts as set).
        FetchRequest req;
        QCOMPARE(encode(req, 12).back(), std::uint8_t{0});
        req.cluster_id = "";
        const Bytes with_id = encode(req, 12);
        QCOMPARE(to_hex(Bytes(with_id.end() - 4, with_id.end())), to_hex(hex("01 00 01 01")));
    }

    void fetch_unknown_tags_skipped_and_bad_tags_rejected() {
        FetchRequest req = fetch_requests(12)[1];  // follower fetch, ClusterId ""
        req.cluster_id.reset();
        Bytes wire = encode(req, 12);
        QCOMPARE(wire.back(), std::uint8_t{0});
        wire.pop_back();
        // Two tags: 0 (ClusterId "x") and an unknown tag 9 with 2 bytes.
        for (auto b : hex("02 00 02 02 78 09 02 aa bb"))
            wire.push_back(b);
        FetchRequest back;
        bool consumed_all = false;
        QVERIFY(decode(wire, 12, back, &consumed_all));
        QVERIFY(consumed_all);
        QCOMPARE(back.cluster_id, std::optional<std::string>{"x"});

        // The ClusterId field's declared size must match its content.
        Bytes wrong_size = encode(req, 12);
        wrong_size.pop_back();
        for (auto b : hex("01 00 03 02 78 ff"))
            wrong_size.push_back(b);
        QVERIFY(!decode(wrong_size, 12, back));

        // A partition's DivergingEpoch with a short body fails.
        FetchResponse resp;
        resp.responses = {{"t", {}, {FetchResponse::PartitionData{}}}};
        Bytes short_tag = encode(resp, 12);
        short_tag.resize(short_tag.size() - 3);
        for (auto b : hex("01 00 05 00 00 00 04 00 00 00"))
            short_tag.push_back(b);
        FetchResponse rback;
        QVERIFY(!decode(short_tag, 12, rback));
    }

    void fetch_aborted_transactions_null_and_empty_differ() {
        for (std::int16_t v : {std::int16_t{4}, std::int16_t{12}}) {
            FetchResponse r;
            r.responses = {{"t", {}, {FetchResponse::PartitionData{}}}};
            const Bytes empty = encode(r, v);
            r.responses[0].partitions[0].aborted_transactions.reset();
            const Bytes null = encode(r, v);
            QVERIFY(empty != null);
            FetchResponse back;
            QVERIFY(decode(null, v, back));
            QVERIFY(!back.responses[0].partitions[0].aborted_transactions.has_value());
            QVERIFY(decode(empty, v, back));
            QVERIFY(back.responses[0].partitions[0].aborted_transactions.has_value());
        }
    }

    void list_offsets_v2_adds_isolation_level_and_throttle() {
        const ListOffsetsRequest req = list_offsets_request(2);
        QCOMPARE(encode(req, 2).size(), encode(req, 1).size() + 1);
        QCOMPARE(encode(req, 2)[4], std::uint8_t{1});  // right after ReplicaId
        const ListOffsetsResponse resp = list_offsets_response(2);
        QCOMPARE(encode(resp, 2).size(), encode(resp, 1).size() + 4);
    }

    void create_topics_fields_by_version() {
        const CreateTopicsRequest req = create_topics_request(4);
        QCOMPARE(encode(req, 1).size(), encode(req, 0).size() + 1);  // validate_only
        QCOMPARE(encode(req, 4), encode(req, 1));
        const CreateTopicsResponse resp = create_topics_response(4);
        QVERIFY(!contains(encode(resp, 0), text_bytes("already exists")));
        QVERIFY(contains(encode(resp, 1), text_bytes("already exists")));
        QCOMPARE(encode(resp, 2).size(), encode(resp, 1).size() + 4);
        QCOMPARE(encode(resp, 4), encode(resp, 2));
        // Absent at v0, error_message keeps Kafka's default: "" (not null).
        CreateTopicsResponse back;
        QVERIFY(decode(encode(resp, 0), 0, back));
        QCOMPARE(back.topics[0].error_message, std::optional<std::string>{""});
        // -1 partitions / replication factor survive at every version (kafkajs sends them).
        for (std::int16_t v = 0; v <= 4; ++v) {
            CreateTopicsRequest r;
            QVERIFY(decode(encode(req, v), v, r));
            QCOMPARE(r.topics[0].num_partitions, -1);
            QCOMPARE(r.topics[0].replication_factor, std::int16_t{-1});
        }
    }

    void delete_topics_throttle_from_v1() {
        const DeleteTopicsRequest req = delete_topics_request(0);
        QCOMPARE(encode(req, 3), encode(req, 0));
        const DeleteTopicsResponse resp = delete_topics_response(3);
        QCOMPARE(encode(resp, 1).size(), encode(resp, 0).size() + 4);
        QCOMPARE(encode(resp, 3), encode(resp, 1));
    }

    // -----------------------------------------------------------------------------------------
    // Hostile input.

    void decode_rejects_unimplemented_versions() {
        const Bytes some(64, 0);
        MetadataRequest m;
        QVERIFY(!decode(some, -1, m));
        QVERIFY(!decode(some, 5, m));
        MetadataResponse mr;
        QVERIFY(!decode(some, 5, mr));
        ProduceRequest p;
        QVERIFY(!decode(some, -1, p));
        QVERIFY(!decode(some, 8, p));
        ProduceResponse pr;
        QVERIFY(!decode(some, 8, pr));
        FetchRequest f;
        QVERIFY(!decode(some, 3, f));
        QVERIFY(!decode(some, 14, f));
        FetchResponse fr;
        QVERIFY(!decode(some, 14, fr));
        ListOffsetsRequest l;
        QVERIFY(!decode(some, 0, l));
        QVERIFY(!decode(some, 3, l));
        ListOffsetsResponse lr;
        QVERIFY(!decode(some, 3, lr));
        CreateTopicsRequest c;
        QVERIFY(!decode(some, 5, c));
        CreateTopicsResponse cr;
        QVERIFY(!decode(some, 5, cr));
        DeleteTopicsRequest d;
        QVERIFY(!decode(some, 4, d));
        DeleteTopicsResponse dr;
        QVERIFY(!decode(some, 4, dr));
    }

    void hostile_counts_fail_before_allocating() {
        // Two billion brokers announced in a 16-byte frame.
        MetadataResponse m;
        QVERIFY(!decode(hex("7f ff ff ff 00 00 00 00 00 00 00 00 00 00 00 00"), 0, m));
        // A count that fits the bytes by the generic 1-byte minimum but not by a broker's 10.
        MetadataResponse m2;
        QVERIFY(!decode(hex("00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00"), 0, m2));
        // Non-nullable arrays sent as null.
        ProduceRequest p;
        QVERIFY(!decode(hex("ff ff ff ff 00 00 00 00 ff ff ff ff"), 3, p));
        DeleteTopicsRequest d;
        QVERIFY(!decode(hex("ff ff ff ff 00 00 00 00"), 0, d));
        // A compact array of 2^31 topics in Fetch v12.
        FetchRequest f;
        Bytes wire =
            hex("ff ff ff ff 00 00 00 00 00 00 00 00 7f ff ff ff 00 00 00 00 00 ff ff ff ff");
        for (auto b : hex("80 80 80 80 08"))
            wire.push_back(b);
        wire.resize(wire.size() + 32, 0);
        QVERIFY(!decode(wire, 12, f));
        // Non-nullable strings sent as null (Produce topic name).
        ProduceRequest p2;
        QVERIFY(!decode(hex("ff ff 00 01 00 00 00 00 00 00 00 01 ff ff 00 00 00 00"), 3, p2));
    }

    void decode_resets_previous_contents() {
        FetchRequest f = fetch_requests(12)[0];
        QVERIFY(decode(encode(FetchRequest{}, 12), 12, f));
        QVERIFY(f == FetchRequest{});
        CreateTopicsResponse c = create_topics_response(4);
        QVERIFY(decode(encode(CreateTopicsResponse{}, 0), 0, c));
        QVERIFY(c == CreateTopicsResponse{});
    }
};

QTEST_APPLESS_MAIN(MessagesTest)
#include "test_messages.moc"
