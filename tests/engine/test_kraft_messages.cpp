// Codecs of the KRaft and broker-lifecycle RPCs: Vote, BeginQuorumEpoch, EndQuorumEpoch,
// DescribeQuorum, BrokerRegistration, BrokerHeartbeat, AlterPartition and OffsetForLeaderEpoch.
//
// Every implemented version of every request and response round-trips and rejects every strict
// prefix; a few encodings are checked byte by byte against Kafka's JSON schemas; tagged fields
// behave like Kafka's generated code (written only when not default, unknown tags skipped); and
// every sample message encodes to exactly the bytes Kafka's own generated Java classes produce for
// it (tests/engine/golden/kraft-messages.txt, written by tests/tools/kraft_golden/generate.sh).
#include <QtTest>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "message_test_util.h"
#include "protocol/alter_partition.h"
#include "protocol/api_keys.h"
#include "protocol/begin_quorum_epoch.h"
#include "protocol/broker_heartbeat.h"
#include "protocol/broker_registration.h"
#include "protocol/describe_quorum.h"
#include "protocol/end_quorum_epoch.h"
#include "protocol/header.h"
#include "protocol/offset_for_leader_epoch.h"
#include "protocol/vote.h"

using namespace kraftlab::protocol;
using namespace kraftlab::protocol::test;

namespace {

// ---------------------------------------------------------------------------------------------
// Sample messages. Every field valid at the version gets a non-default value; fields absent at that
// version keep their defaults so that the decoded copy compares equal. The first sample of each
// list is the "full" one; later ones cover nulls, empty arrays and defaults.
//
// tests/tools/kraft_golden/KraftGolden.java builds the same samples with Kafka's generated classes:
// change both together and regenerate the golden file.

const Uuid kDirA{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
const Uuid kDirB{0x1000000000000001ULL, 0x2000000000000002ULL};
const Uuid kDirC{0, 1};
const Uuid kTopicId{0x5a5a5a5a5a5a5a5aULL, 0xa5a5a5a5a5a5a5a5ULL};
const Uuid kOtherTopicId{0, 2};
const Uuid kIncarnation{0x7e57000000000001ULL, 0x0000000000c0ffeeULL};

std::vector<VoteRequest> vote_requests(std::int16_t v) {
    VoteRequest r;
    r.cluster_id = "kraftlab-kc";
    VoteRequest::PartitionData p0{0, 7, 1, {}, {}, 6, 1234567890123LL};
    VoteRequest::PartitionData p1{1, 8, 3, {}, {}, -1, -1};
    if (v >= 1) {
        r.voter_id = 2;
        p0.candidate_directory_id = kDirA;
        p0.voter_directory_id = kDirB;
        p1.candidate_directory_id = kDirC;
    }
    r.topics = {{"__cluster_metadata", {p0, p1}}};
    return {r, VoteRequest{}};
}

std::vector<VoteResponse> vote_responses(std::int16_t v) {
    VoteResponse r;
    r.topics = {{"__cluster_metadata", {{0, 0, 3, 7, true}, {1, 74, -1, 8, false}}}};
    if (v >= 1) r.node_endpoints = {{3, "controller-3.local", 9093}, {1, "", 65535}};
    VoteResponse error;
    error.error_code = 104;  // INCONSISTENT_CLUSTER_ID
    return {r, error};
}

std::vector<BeginQuorumEpochRequest> begin_quorum_epoch_requests(std::int16_t v) {
    BeginQuorumEpochRequest r;
    r.cluster_id = "kc";
    BeginQuorumEpochRequest::PartitionData p0{0, {}, 1, 5};
    BeginQuorumEpochRequest::PartitionData p1{2, {}, -1, 0};
    if (v >= 1) {
        r.voter_id = 3;
        p0.voter_directory_id = kDirB;
        r.leader_endpoints = {{"CONTROLLER", "127.0.0.1", 9093},
                              {"CONTROLLER_SSL", "c1.local", 65535}};
    }
    r.topics = {{"__cluster_metadata", {p0}}, {"x", {p1}}};
    return {r, BeginQuorumEpochRequest{}};
}

std::vector<BeginQuorumEpochResponse> begin_quorum_epoch_responses(std::int16_t v) {
    BeginQuorumEpochResponse r;
    r.topics = {{"__cluster_metadata", {{0, 0, 1, 5}, {1, 6, -1, 4}}}};
    if (v >= 1) r.node_endpoints = {{1, "c1.local", 9093}};
    return {r, BeginQuorumEpochResponse{}};
}

std::vector<EndQuorumEpochRequest> end_quorum_epoch_requests(std::int16_t v) {
    EndQuorumEpochRequest r;
    r.cluster_id = "kc";
    EndQuorumEpochRequest::PartitionData p0{0, 1, 5, {}, {}};
    EndQuorumEpochRequest::PartitionData p1{1, 2, 6, {}, {}};
    if (v == 0) {
        p0.preferred_successors = {3, 2};
    } else {
        p0.preferred_candidates = {{3, kDirA}, {2, kDirC}};
        r.leader_endpoints = {{"CONTROLLER", "c1.local", 9093}};
    }
    r.topics = {{"__cluster_metadata", {p0, p1}}};
    return {r, EndQuorumEpochRequest{}};
}

std::vector<EndQuorumEpochResponse> end_quorum_epoch_responses(std::int16_t v) {
    EndQuorumEpochResponse r;
    r.topics = {{"__cluster_metadata", {{0, 0, 2, 6}}}};
    if (v >= 1) r.node_endpoints = {{2, "c2.local", 19093}, {3, "c3.local", 29093}};
    return {r, EndQuorumEpochResponse{}};
}

std::vector<DescribeQuorumRequest> describe_quorum_requests(std::int16_t) {
    DescribeQuorumRequest r;
    r.topics = {{"__cluster_metadata", {{0}}}, {"other", {{1}, {2}}}};
    return {r, DescribeQuorumRequest{}};
}

std::vector<DescribeQuorumResponse> describe_quorum_responses(std::int16_t v) {
    using R = DescribeQuorumResponse;
    R::PartitionData p0;
    p0.partition_index = 0;
    p0.leader_id = 1;
    p0.leader_epoch = 5;
    p0.high_watermark = 1000;
    p0.current_voters = {{1, {}, 1200, -1, -1}, {2, {}, 1100, -1, -1}};
    p0.observers = {{4, {}, -1, -1, -1}};
    R::PartitionData p1;
    p1.partition_index = 1;
    p1.error_code = 6;  // NOT_LEADER_OR_FOLLOWER
    p1.leader_id = -1;
    p1.leader_epoch = 5;
    p1.high_watermark = -1;
    if (v >= 1) {
        p0.current_voters[0].last_caught_up_timestamp = 1700000000000LL;
        p0.current_voters[1].last_fetch_timestamp = 1699999999000LL;
        p0.current_voters[1].last_caught_up_timestamp = 1699999998000LL;
    }
    R r;
    if (v >= 2) {
        p0.current_voters[0].replica_directory_id = kDirA;
        p0.current_voters[1].replica_directory_id = kDirB;
        p0.error_message = std::nullopt;
        p1.error_message = "this node is not the leader";
        r.error_message = std::nullopt;
        r.nodes = {{1, {{"CONTROLLER", "c1.local", 9093}, {"CONTROLLER_SSL", "c1.local", 9094}}},
                   {2, {}}};
    }
    r.topics = {{"__cluster_metadata", {p0, p1}}};
    return {r, R{}};
}

std::vector<BrokerRegistrationRequest> broker_registration_requests(std::int16_t v) {
    BrokerRegistrationRequest r;
    r.broker_id = 4;
    r.cluster_id = "MkU3OEVBNTcwNTJENDM2Qk";
    r.incarnation_id = kIncarnation;
    r.listeners = {{"PLAINTEXT", "broker-4.local", 9092, 0}, {"SASL_SSL", "10.0.0.4", 65535, 3}};
    r.features = {{"metadata.version", 1, 21}, {"kraft.version", 0, 1}};
    r.rack = "rack-a";
    if (v >= 1) r.is_migrating_zk_broker = true;
    if (v >= 2) r.log_dirs = {kDirA, kDirB};
    if (v >= 3) r.previous_broker_epoch = 4242;
    BrokerRegistrationRequest minimal;
    minimal.rack = std::nullopt;
    return {r, minimal};
}

std::vector<BrokerRegistrationResponse> broker_registration_responses(std::int16_t) {
    BrokerRegistrationResponse ok{12, 0, 8589934592LL};
    BrokerRegistrationResponse refused{0, 101, -1};  // DUPLICATE_BROKER_REGISTRATION
    return {ok, refused};
}

std::vector<BrokerHeartbeatRequest> broker_heartbeat_requests(std::int16_t v) {
    BrokerHeartbeatRequest r{4, 8589934592LL, 123456, false, true, {}};
    if (v >= 1) r.offline_log_dirs = {kDirA, kDirC};
    BrokerHeartbeatRequest fence{5, 3, 0, true, false, {}};
    return {r, fence};
}

std::vector<BrokerHeartbeatResponse> broker_heartbeat_responses(std::int16_t) {
    BrokerHeartbeatResponse r{1, 0, true, false, true};
    return {r, BrokerHeartbeatResponse{}};
}

std::vector<AlterPartitionRequest> alter_partition_requests(std::int16_t v) {
    AlterPartitionRequest r;
    r.broker_id = 1;
    r.broker_epoch = 77;
    AlterPartitionRequest::PartitionData p0{0, 5, {}, {}, 0, 9};
    AlterPartitionRequest::PartitionData p4{4, 2, {}, {}, 0, 3};
    if (v <= 2) {
        p0.new_isr = {1, 2, 3};
        p4.new_isr = {1};
    } else {
        p0.new_isr_with_epochs = {{1, 77}, {2, -1}, {3, 80}};
        p4.new_isr_with_epochs = {{1, 77}};
    }
    if (v >= 1) p0.leader_recovery_state = 1;
    AlterPartitionRequest::TopicData orders{{}, {}, {p0, p4}};
    AlterPartitionRequest::TopicData logs;
    if (v >= 2) {
        orders.topic_id = kTopicId;
        logs.topic_id = kOtherTopicId;
    } else {
        orders.topic_name = "orders";
        logs.topic_name = "logs";
    }
    r.topics = {orders, logs};
    return {r, AlterPartitionRequest{}};
}

std::vector<AlterPartitionResponse> alter_partition_responses(std::int16_t v) {
    AlterPartitionResponse r;
    r.throttle_time_ms = 5;
    AlterPartitionResponse::PartitionData p0{0, 0, 1, 5, {1, 2, 3}, 0, 10};
    AlterPartitionResponse::PartitionData p4{4, 107, -1, -1, {}, 0, -1};  // INELIGIBLE_REPLICA
    if (v >= 1) p0.leader_recovery_state = 1;
    AlterPartitionResponse::TopicData orders{{}, {}, {p0, p4}};
    if (v >= 2) {
        orders.topic_id = kTopicId;
    } else {
        orders.topic_name = "orders";
    }
    r.topics = {orders};
    AlterPartitionResponse not_controller;
    not_controller.error_code = 41;  // NOT_CONTROLLER
    return {r, not_controller};
}

std::vector<OffsetForLeaderEpochRequest> offset_for_leader_epoch_requests(std::int16_t v) {
    OffsetForLeaderEpochRequest r;
    r.topics = {{"orders", {{0, -1, 4}, {1, -1, 5}}}, {"logs", {{0, -1, 0}}}};
    if (v >= 2) {
        r.topics[0].partitions[0].current_leader_epoch = 5;
        r.topics[1].partitions[0].current_leader_epoch = 0;
    }
    if (v >= 3) r.replica_id = 2;
    return {r, OffsetForLeaderEpochRequest{}};
}

std::vector<OffsetForLeaderEpochResponse> offset_for_leader_epoch_responses(std::int16_t v) {
    OffsetForLeaderEpochResponse r;
    r.topics = {{"orders", {{0, 0, -1, 1000}, {74, 1, -1, -1}}}, {"logs", {{0, 0, -1, 0}}}};
    if (v >= 1) {
        r.topics[0].partitions[0].leader_epoch = 4;
        r.topics[1].partitions[0].leader_epoch = 0;
    }
    if (v >= 2) r.throttle_time_ms = 3;
    return {r, OffsetForLeaderEpochResponse{}};
}

template <typename M>
void check_all_round_trips(const std::vector<M>& samples, std::int16_t v) {
    for (const auto& m : samples) {
        check_round_trip(m, v);
        if (QTest::currentTestFailed()) return;
    }
}

// ---------------------------------------------------------------------------------------------
// The golden file: "<MessageName> <version> <sample index> <hex>" per line, '#' comments.

struct GoldenLine {
    std::string name;
    int version = 0;
    std::size_t sample = 0;
    Bytes bytes;
};

std::vector<GoldenLine> read_golden() {
    std::ifstream in(std::string(KRAFTLAB_GOLDEN_DIR) + "/kraft-messages.txt");
    if (!in) qFatal("missing golden file kraft-messages.txt");
    std::vector<GoldenLine> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        GoldenLine g;
        std::string hex_text;
        fields >> g.name >> g.version >> g.sample >> hex_text;
        if (hex_text == "-") hex_text.clear();  // an empty encoding
        g.bytes = hex(hex_text);
        out.push_back(std::move(g));
    }
    return out;
}

// Checks one golden line against sample `g.sample` of the samples for `g.version`: this codec
// encodes the sample to Kafka's bytes, and decodes Kafka's bytes back to the sample.
template <typename M>
void check_golden(const GoldenLine& g, const std::vector<M>& samples) {
    const auto v = static_cast<std::int16_t>(g.version);
    QVERIFY2(g.sample < samples.size(), g.name.c_str());
    const M& expected = samples[g.sample];
    const QByteArray what = QByteArray::fromStdString(g.name + " v" + std::to_string(g.version) +
                                                      " #" + std::to_string(g.sample));
    QVERIFY2(v >= M::kMinVersion && v <= M::kMaxVersion, what.constData());
    if (encode(expected, v) != g.bytes) {
        qWarning("%s\n  kafka: %s\n  ours:  %s", what.constData(), to_hex(g.bytes, 0).constData(),
                 to_hex(encode(expected, v), 0).constData());
        QFAIL(what.constData());
    }
    M back;
    bool consumed_all = false;
    QVERIFY2(decode(g.bytes, v, back, &consumed_all), what.constData());
    QVERIFY2(consumed_all, what.constData());
    QVERIFY2(back == expected, what.constData());
}

using GoldenCheck = std::function<void(const GoldenLine&)>;

template <typename M>
GoldenCheck golden_check(std::vector<M> (*samples)(std::int16_t)) {
    return [samples](const GoldenLine& g) {
        check_golden(g, samples(static_cast<std::int16_t>(g.version)));
    };
}

// Appends bytes in place of a flexible message's final (empty) tagged-field section.
Bytes replace_last_tag_section(Bytes wire, std::string_view section) {
    if (wire.empty() || wire.back() != 0) qFatal("message does not end with an empty tag section");
    wire.pop_back();
    for (auto b : hex(section))
        wire.push_back(b);
    return wire;
}

}  // namespace

class KraftMessagesTest : public QObject {
    Q_OBJECT

  private slots:
    // -----------------------------------------------------------------------------------------
    // Round trips and truncation, every version.

    void vote_round_trip_data() { add_versions(0, 1); }
    void vote_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_all_round_trips(vote_requests(v), v);
        if (QTest::currentTestFailed()) return;
        check_all_round_trips(vote_responses(v), v);
    }

    void begin_quorum_epoch_round_trip_data() { add_versions(0, 1); }
    void begin_quorum_epoch_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_all_round_trips(begin_quorum_epoch_requests(v), v);
        if (QTest::currentTestFailed()) return;
        check_all_round_trips(begin_quorum_epoch_responses(v), v);
    }

    void end_quorum_epoch_round_trip_data() { add_versions(0, 1); }
    void end_quorum_epoch_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_all_round_trips(end_quorum_epoch_requests(v), v);
        if (QTest::currentTestFailed()) return;
        check_all_round_trips(end_quorum_epoch_responses(v), v);
    }

    void describe_quorum_round_trip_data() { add_versions(0, 2); }
    void describe_quorum_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_all_round_trips(describe_quorum_requests(v), v);
        if (QTest::currentTestFailed()) return;
        check_all_round_trips(describe_quorum_responses(v), v);
    }

    void broker_registration_round_trip_data() { add_versions(0, 4); }
    void broker_registration_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_all_round_trips(broker_registration_requests(v), v);
        if (QTest::currentTestFailed()) return;
        check_all_round_trips(broker_registration_responses(v), v);
    }

    void broker_heartbeat_round_trip_data() { add_versions(0, 1); }
    void broker_heartbeat_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_all_round_trips(broker_heartbeat_requests(v), v);
        if (QTest::currentTestFailed()) return;
        check_all_round_trips(broker_heartbeat_responses(v), v);
    }

    void alter_partition_round_trip_data() { add_versions(0, 3); }
    void alter_partition_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_all_round_trips(alter_partition_requests(v), v);
        if (QTest::currentTestFailed()) return;
        check_all_round_trips(alter_partition_responses(v), v);
    }

    void offset_for_leader_epoch_round_trip_data() { add_versions(0, 4); }
    void offset_for_leader_epoch_round_trip() {
        QFETCH(int, version);
        const auto v = static_cast<std::int16_t>(version);
        check_all_round_trips(offset_for_leader_epoch_requests(v), v);
        if (QTest::currentTestFailed()) return;
        check_all_round_trips(offset_for_leader_epoch_responses(v), v);
    }

    // -----------------------------------------------------------------------------------------
    // Kafka's own encodings (generated Java classes of Kafka 3.9, see the file's header).

    void matches_kafka_generated_code() {
        const std::map<std::string, GoldenCheck> checks = {
            {"VoteRequest", golden_check(&vote_requests)},
            {"VoteResponse", golden_check(&vote_responses)},
            {"BeginQuorumEpochRequest", golden_check(&begin_quorum_epoch_requests)},
            {"BeginQuorumEpochResponse", golden_check(&begin_quorum_epoch_responses)},
            {"EndQuorumEpochRequest", golden_check(&end_quorum_epoch_requests)},
            {"EndQuorumEpochResponse", golden_check(&end_quorum_epoch_responses)},
            {"DescribeQuorumRequest", golden_check(&describe_quorum_requests)},
            {"DescribeQuorumResponse", golden_check(&describe_quorum_responses)},
            {"BrokerRegistrationRequest", golden_check(&broker_registration_requests)},
            {"BrokerRegistrationResponse", golden_check(&broker_registration_responses)},
            {"BrokerHeartbeatRequest", golden_check(&broker_heartbeat_requests)},
            {"BrokerHeartbeatResponse", golden_check(&broker_heartbeat_responses)},
            {"AlterPartitionRequest", golden_check(&alter_partition_requests)},
            {"AlterPartitionResponse", golden_check(&alter_partition_responses)},
            {"OffsetForLeaderEpochRequest", golden_check(&offset_for_leader_epoch_requests)},
            {"OffsetForLeaderEpochResponse", golden_check(&offset_for_leader_epoch_responses)},
        };
        // Every message, version and sample above must be in the file, each exactly once.
        const std::map<std::string, std::pair<int, int>> versions = {
            {"Vote", {0, 1}},
            {"BeginQuorumEpoch", {0, 1}},
            {"EndQuorumEpoch", {0, 1}},
            {"DescribeQuorum", {0, 2}},
            {"BrokerRegistration", {0, 4}},
            {"BrokerHeartbeat", {0, 1}},
            {"AlterPartition", {0, 3}},
            {"OffsetForLeaderEpoch", {0, 4}},
        };
        std::size_t expected_lines = 0;
        for (const auto& [api, range] : versions)
            expected_lines += 2 * 2 * static_cast<std::size_t>(range.second - range.first + 1);

        std::map<std::string, int> seen;
        for (const auto& g : read_golden()) {
            auto it = checks.find(g.name);
            QVERIFY2(it != checks.end(), g.name.c_str());
            it->second(g);
            if (QTest::currentTestFailed()) return;
            ++seen[g.name + " " + std::to_string(g.version) + " " + std::to_string(g.sample)];
        }
        QCOMPARE(seen.size(), expected_lines);  // every sample is 2 per message and version
        for (const auto& [key, count] : seen)
            QVERIFY2(count == 1, key.c_str());
    }

    // -----------------------------------------------------------------------------------------
    // Hand-checked encodings (expected bytes written from Kafka's JSON schemas, field by field).

    void vote_v0_request_bytes() {
        VoteRequest r;
        r.cluster_id = "kc";
        r.topics = {{"ab", {{0, 7, 1, {}, {}, 6, 300}}}};
        const Bytes expected =
            hex("03 6b 63"                 // ClusterId: compact nullable string, UVARINT(2+1) "kc"
                "02"                       // Topics: compact array, UVARINT(1+1)
                "03 61 62"                 //   TopicName: compact string "ab"
                "02"                       //   Partitions: compact array of 1
                "00 00 00 00"              //     PartitionIndex: 0
                "00 00 00 07"              //     CandidateEpoch: 7
                "00 00 00 01"              //     CandidateId: 1
                "00 00 00 06"              //     LastOffsetEpoch: 6
                "00 00 00 00 00 00 01 2c"  //     LastOffset: 300
                "00"                       //     partition tagged fields: none
                "00"                       //   topic tagged fields: none
                "00"                       // request tagged fields: none
            );
        QCOMPARE(to_hex(encode(r, 0)), to_hex(expected));
        VoteRequest back;
        bool consumed_all = false;
        QVERIFY(decode(expected, 0, back, &consumed_all));
        QVERIFY(consumed_all);
        QVERIFY(back == r);

        // A null ClusterId is UVARINT 0 (Kafka's default for the field).
        VoteRequest null_id;
        QCOMPARE(to_hex(encode(null_id, 0)), to_hex(hex("00 01 00")));
    }

    void broker_heartbeat_v0_request_bytes() {
        BrokerHeartbeatRequest r{1, 5, 42, true, false, {}};
        const Bytes expected =
            hex("00 00 00 01"              // BrokerId: 1
                "00 00 00 00 00 00 00 05"  // BrokerEpoch: 5
                "00 00 00 00 00 00 00 2a"  // CurrentMetadataOffset: 42
                "01"                       // WantFence: true
                "00"                       // WantShutDown: false
                "00"                       // tagged fields: none (no OfflineLogDirs before v1)
            );
        QCOMPARE(to_hex(encode(r, 0)), to_hex(expected));
        // v1 has the same bytes while OfflineLogDirs is empty (a tagged field at its default).
        QCOMPARE(to_hex(encode(r, 1)), to_hex(expected));
        BrokerHeartbeatRequest back;
        bool consumed_all = false;
        QVERIFY(decode(expected, 0, back, &consumed_all));
        QVERIFY(consumed_all);
        QVERIFY(back == r);
    }

    void broker_heartbeat_v1_offline_log_dirs_bytes() {
        BrokerHeartbeatRequest r{1, 5, 42, false, false, {kDirC}};
        const Bytes expected =
            hex("00 00 00 01 00 00 00 00 00 00 00 05 00 00 00 00 00 00 00 2a 00 00"
                "01"                                               // tagged fields: 1
                "00"                                               //   tag 0: OfflineLogDirs
                "11"                                               //   size 17
                "02"                                               //   compact array of 1
                "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"  // Uuid(0, 1)
            );
        QCOMPARE(to_hex(encode(r, 1)), to_hex(expected));
        // v0 has no OfflineLogDirs: not written, and a tag 0 there is unknown and skipped.
        QCOMPARE(to_hex(encode(r, 0)),
                 to_hex(hex("00 00 00 01 00 00 00 00 00 00 00 05 00 00 00 00 00 00 00 2a 00 00"
                            "00")));
        BrokerHeartbeatRequest back;
        bool consumed_all = false;
        QVERIFY(decode(expected, 0, back, &consumed_all));
        QVERIFY(consumed_all);
        QVERIFY(back.offline_log_dirs.empty());
        QVERIFY(decode(expected, 1, back, &consumed_all));
        QVERIFY(consumed_all);
        QVERIFY(back == r);
    }

    void begin_quorum_epoch_v0_is_not_flexible() {
        BeginQuorumEpochRequest r;
        r.topics = {{"ab", {{0, {}, 2, 9}}}};
        const Bytes expected =
            hex("ff ff"        // ClusterId: INT16 length -1 = null
                "00 00 00 01"  // Topics: INT32 array length 1
                "00 02 61 62"  //   TopicName: INT16 length 2, "ab"
                "00 00 00 01"  //   Partitions: INT32 array length 1
                "00 00 00 00"  //     PartitionIndex: 0
                "00 00 00 02"  //     LeaderId: 2
                "00 00 00 09"  //     LeaderEpoch: 9
            );                 // no tagged fields anywhere
        QCOMPARE(to_hex(encode(r, 0)), to_hex(expected));
        BeginQuorumEpochResponse resp;
        resp.error_code = 0;
        resp.topics = {{"ab", {{0, 0, 2, 9}}}};
        QCOMPARE(to_hex(encode(resp, 0)),
                 to_hex(hex("00 00  00 00 00 01  00 02 61 62  00 00 00 01"
                            "00 00 00 00  00 00  00 00 00 02  00 00 00 09")));
        QCOMPARE(request_header_version(ApiKey::BeginQuorumEpoch, 0), std::int16_t{1});
        QCOMPARE(response_header_version(ApiKey::BeginQuorumEpoch, 0), std::int16_t{0});
        QCOMPARE(request_header_version(ApiKey::BeginQuorumEpoch, 1), std::int16_t{2});
        QCOMPARE(response_header_version(ApiKey::BeginQuorumEpoch, 1), std::int16_t{1});
    }

    void vote_v1_response_node_endpoints_bytes() {
        VoteResponse r;
        r.node_endpoints = {{3, "h", 9093}};
        const Bytes expected =
            hex("00 00"        // ErrorCode: 0
                "01"           // Topics: compact array of 0
                "01"           // tagged fields: 1
                "00"           //   tag 0: NodeEndpoints
                "0a"           //   size 10
                "02"           //   compact array of 1
                "00 00 00 03"  //     NodeId: 3
                "02 68"        //     Host: "h"
                "23 85"        //     Port: UINT16 9093
                "00"           //     endpoint tagged fields
            );
        QCOMPARE(to_hex(encode(r, 1)), to_hex(expected));
        QCOMPARE(to_hex(encode(r, 0)), to_hex(hex("00 00 01 00")));  // no NodeEndpoints in v0
        VoteResponse back;
        QVERIFY(decode(expected, 1, back));
        QVERIFY(back == r);
        QVERIFY(decode(expected, 0, back));  // v0 skips the tag as unknown
        QVERIFY(back.node_endpoints.empty());
    }

    void offset_for_leader_epoch_v0_response_bytes() {
        OffsetForLeaderEpochResponse r;
        r.topics = {{"t", {{74, 3, -1, 500}}}};
        const Bytes expected =
            hex("00 00 00 01"              // Topics: INT32 array length 1 (no ThrottleTimeMs)
                "00 01 74"                 //   Topic: "t"
                "00 00 00 01"              //   Partitions: array length 1
                "00 4a"                    //     ErrorCode: 74 -- before Partition
                "00 00 00 03"              //     Partition: 3
                "00 00 00 00 00 00 01 f4"  //     EndOffset: 500 (no LeaderEpoch in v0)
            );
        QCOMPARE(to_hex(encode(r, 0)), to_hex(expected));
    }

    // -----------------------------------------------------------------------------------------
    // Tagged fields.

    void tagged_fields_absent_decode_to_defaults() {
        // Responses with NodeEndpoints: empty -> no tag at all; the decoder leaves the default.
        VoteResponse vote = vote_responses(1)[0];
        vote.node_endpoints.clear();
        QCOMPARE(encode(vote, 1), encode(vote, 0));
        BeginQuorumEpochResponse begin = begin_quorum_epoch_responses(1)[0];
        begin.node_endpoints.clear();
        QCOMPARE(encode(begin, 1).back(), std::uint8_t{0});
        EndQuorumEpochResponse end = end_quorum_epoch_responses(1)[0];
        end.node_endpoints.clear();
        QCOMPARE(encode(end, 1).back(), std::uint8_t{0});
        BrokerHeartbeatRequest hb = broker_heartbeat_requests(1)[0];
        hb.offline_log_dirs.clear();
        QCOMPARE(encode(hb, 1), encode(hb, 0));
        BrokerHeartbeatRequest back;
        back.offline_log_dirs = {kDirA};
        QVERIFY(decode(encode(hb, 1), 1, back));
        QVERIFY(back.offline_log_dirs.empty());
    }

    void unknown_tags_are_skipped_at_every_level() {
        // Top level: an unknown tag 7 (2 bytes) next to the known tag 0.
        const VoteResponse vote = vote_responses(1)[0];
        Bytes wire = encode(vote, 1);
        // The section is "01 00 <size> <array>"; make it "02 00 <size> <array> 07 02 aa bb".
        wire[wire.size() - encode_node_endpoints_size(vote)] = 0x02;
        for (auto b : hex("07 02 aa bb"))
            wire.push_back(b);
        VoteResponse vback;
        bool consumed_all = false;
        QVERIFY(decode(wire, 1, vback, &consumed_all));
        QVERIFY(consumed_all);
        QVERIFY(vback == vote);

        // Nested levels: a partition's and a topic's tagged fields in a Vote request.
        VoteRequest req;
        req.topics = {{"t", {{0, 1, 2, {}, {}, 3, 4}}}};
        const Bytes plain = encode(req, 0);
        // ... 00 (partition tags) 00 (topic tags) 00 (request tags)
        Bytes nested(plain.begin(), plain.end() - 3);
        for (auto b : hex("01 05 01 ff"          // partition: unknown tag 5, 1 byte
                          "02 01 00 09 00"       // topic: unknown tags 1 (empty) and 9 (empty)
                          "01 7f 03 01 02 03"))  // request: unknown tag 127, 3 bytes
            nested.push_back(b);
        VoteRequest rback;
        QVERIFY(decode(nested, 0, rback, &consumed_all));
        QVERIFY(consumed_all);
        QVERIFY(rback == req);

        // Non-flexible versions have no tag sections: the same bytes there are trailing garbage.
        BeginQuorumEpochRequest begin;
        Bytes v0 = encode(begin, 0);
        v0.push_back(0);
        BeginQuorumEpochRequest bback;
        QVERIFY(decode(v0, 0, bback, &consumed_all));
        QVERIFY(!consumed_all);

        // Every flexible message skips an unknown top-level tag.
        check_skips_unknown_tag(describe_quorum_responses(2)[0], 2);
        check_skips_unknown_tag(broker_registration_requests(4)[0], 4);
        check_skips_unknown_tag(broker_registration_responses(4)[0], 4);
        check_skips_unknown_tag(broker_heartbeat_responses(1)[0], 1);
        check_skips_unknown_tag(alter_partition_requests(3)[0], 3);
        check_skips_unknown_tag(alter_partition_responses(3)[0], 3);
        check_skips_unknown_tag(offset_for_leader_epoch_requests(4)[0], 4);
        check_skips_unknown_tag(offset_for_leader_epoch_responses(4)[0], 4);
        check_skips_unknown_tag(describe_quorum_requests(2)[0], 2);
        check_skips_unknown_tag(begin_quorum_epoch_requests(1)[0], 1);
        check_skips_unknown_tag(end_quorum_epoch_requests(1)[0], 1);
    }

    void malformed_known_tags_are_rejected() {
        // OfflineLogDirs whose declared size is larger than its content.
        BrokerHeartbeatRequest hb;
        const Bytes base = encode(hb, 1);
        BrokerHeartbeatRequest back;
        QVERIFY(!decode(replace_last_tag_section(base, "01 00 02 01 ff"), 1, back));
        // ... or smaller (the array claims one UUID in a 1-byte field).
        QVERIFY(!decode(replace_last_tag_section(base, "01 00 01 02"), 1, back));
        // A null array (UVARINT 0) where the schema does not allow null.
        QVERIFY(!decode(replace_last_tag_section(base, "01 00 01 00"), 1, back));
        // Tags out of order, or repeated.
        QVERIFY(!decode(replace_last_tag_section(base, "02 05 00 01 00"), 1, back));
        QVERIFY(!decode(replace_last_tag_section(base, "02 05 00 05 00"), 1, back));
        // The same bytes with an empty array are fine.
        QVERIFY(decode(replace_last_tag_section(base, "01 00 01 01"), 1, back));
        QVERIFY(back.offline_log_dirs.empty());

        // NodeEndpoints with a truncated endpoint.
        VoteResponse vote;
        const Bytes vbase = encode(vote, 1);
        VoteResponse vback;
        QVERIFY(!decode(replace_last_tag_section(vbase, "01 00 03 02 00 00"), 1, vback));
    }

    // -----------------------------------------------------------------------------------------
    // Version-specific fields.

    void vote_v1_adds_voter_key() {
        const VoteRequest r = vote_requests(1)[0];
        // VoterId (4 bytes) and two directory ids per partition (2 partitions).
        QCOMPARE(encode(r, 1).size(), encode(r, 0).size() + 4 + 2 * 32);
        QVERIFY(contains(encode(r, 1), hex("01 23 45 67 89 ab cd ef fe dc ba 98 76 54 32 10")));
        QVERIFY(!contains(encode(r, 0), hex("01 23 45 67 89 ab cd ef")));
        VoteRequest back;
        QVERIFY(decode(encode(r, 0), 0, back));
        QCOMPARE(back.voter_id, -1);
        QVERIFY(back.topics[0].partitions[0].candidate_directory_id.is_zero());
    }

    void begin_quorum_epoch_v1_is_flexible_with_voter_key_and_endpoints() {
        const BeginQuorumEpochRequest r = begin_quorum_epoch_requests(1)[0];
        const Bytes v0 = encode(r, 0);
        const Bytes v1 = encode(r, 1);
        QVERIFY(contains(v0, hex("00 02 6b 63")));           // ClusterId INT16 length + "kc"
        QVERIFY(contains(v1, hex("03 6b 63 00 00 00 03")));  // compact "kc", then VoterId 3
        QVERIFY(contains(v1, text_bytes("CONTROLLER_SSL")));
        QVERIFY(!contains(v0, text_bytes("CONTROLLER")));
        BeginQuorumEpochRequest back;
        QVERIFY(decode(v0, 0, back));
        QCOMPARE(back.voter_id, -1);
        QVERIFY(back.leader_endpoints.empty());
        QVERIFY(back.topics[0].partitions[0].voter_directory_id.is_zero());
    }

    void end_quorum_epoch_successors_then_candidates() {
        EndQuorumEpochRequest r = end_quorum_epoch_requests(0)[0];
        r.topics[0].partitions[0].preferred_candidates = {{3, kDirA}};
        r.leader_endpoints = {{"CONTROLLER", "c1.local", 9093}};
        // v0 writes only PreferredSuccessors; v1 writes only PreferredCandidates.
        EndQuorumEpochRequest back;
        QVERIFY(decode(encode(r, 0), 0, back));
        QCOMPARE(back.topics[0].partitions[0].preferred_successors,
                 (std::vector<std::int32_t>{3, 2}));
        QVERIFY(back.topics[0].partitions[0].preferred_candidates.empty());
        QVERIFY(back.leader_endpoints.empty());
        QVERIFY(decode(encode(r, 1), 1, back));
        QVERIFY(back.topics[0].partitions[0].preferred_successors.empty());
        QCOMPARE(back.topics[0].partitions[0].preferred_candidates.size(), std::size_t{1});
        QVERIFY(back.topics[0].partitions[0].preferred_candidates[0].candidate_directory_id ==
                kDirA);
        QCOMPARE(back.leader_endpoints.size(), std::size_t{1});
    }

    void describe_quorum_fields_by_version() {
        const DescribeQuorumRequest req = describe_quorum_requests(0)[0];
        QCOMPARE(encode(req, 1), encode(req, 0));
        QCOMPARE(encode(req, 2), encode(req, 0));
        const DescribeQuorumResponse r = describe_quorum_responses(2)[0];
        // v1: two timestamps per replica state (3 of them).
        QCOMPARE(encode(r, 1).size(), encode(r, 0).size() + 3 * 16);
        DescribeQuorumResponse back;
        QVERIFY(decode(encode(r, 1), 1, back));
        QCOMPARE(back.topics[0].partitions[0].current_voters[1].last_fetch_timestamp,
                 std::int64_t{1699999999000LL});
        QVERIFY(back.topics[0].partitions[0].current_voters[1].replica_directory_id.is_zero());
        QCOMPARE(back.error_message, std::optional<std::string>{""});  // Kafka's default
        QVERIFY(back.nodes.empty());
        QVERIFY(decode(encode(r, 0), 0, back));
        QCOMPARE(back.topics[0].partitions[0].current_voters[0].last_caught_up_timestamp,
                 std::int64_t{-1});
        // v2: error messages (null is UVARINT 0) and the nodes' listeners.
        QVERIFY(contains(encode(r, 2), text_bytes("this node is not the leader")));
        QVERIFY(contains(encode(r, 2), text_bytes("CONTROLLER_SSL")));
        QVERIFY(decode(encode(r, 2), 2, back));
        QVERIFY(!back.error_message.has_value());
        QVERIFY(!back.topics[0].partitions[0].error_message.has_value());
    }

    void broker_registration_fields_by_version() {
        const BrokerRegistrationRequest r = broker_registration_requests(4)[0];
        QCOMPARE(encode(r, 1).size(), encode(r, 0).size() + 1);           // IsMigratingZkBroker
        QCOMPARE(encode(r, 2).size(), encode(r, 1).size() + 1 + 2 * 16);  // LogDirs
        QCOMPARE(encode(r, 3).size(), encode(r, 2).size() + 8);           // PreviousBrokerEpoch
        QCOMPARE(encode(r, 4), encode(r, 3));                             // v4 changes meaning only
        BrokerRegistrationRequest back;
        QVERIFY(decode(encode(r, 2), 2, back));
        QCOMPARE(back.previous_broker_epoch, std::int64_t{-1});
        QVERIFY(decode(encode(r, 0), 0, back));
        QCOMPARE(back.is_migrating_zk_broker, false);
        QVERIFY(back.log_dirs.empty());
        // Listener ports are UINT16: 65535 is "ff ff", not -1.
        QVERIFY(contains(encode(r, 0), hex("ff ff 00 03 00")));
        QCOMPARE(back.listeners[1].port, std::uint16_t{65535});
        // Rack is nullable; Kafka's default is "" (the schema gives no "null" default).
        QCOMPARE(BrokerRegistrationRequest{}.rack, std::optional<std::string>{""});
        const BrokerRegistrationResponse resp = broker_registration_responses(0)[1];
        QCOMPARE(encode(resp, 4), encode(resp, 0));
        QCOMPARE(BrokerRegistrationResponse{}.broker_epoch, std::int64_t{-1});
    }

    void broker_heartbeat_response_defaults() {
        // Kafka's defaults: IsCaughtUp false, IsFenced true.
        const BrokerHeartbeatResponse r;
        QCOMPARE(to_hex(encode(r, 0)), to_hex(hex("00 00 00 00 00 00 00 01 00 00")));
        QCOMPARE(encode(r, 1), encode(r, 0));
    }

    void alter_partition_fields_by_version() {
        // v1 adds LeaderRecoveryState per partition (2 partitions).
        const AlterPartitionRequest r1 = alter_partition_requests(1)[0];
        QCOMPARE(encode(r1, 1).size(), encode(r1, 0).size() + 2);
        AlterPartitionRequest back;
        QVERIFY(decode(encode(r1, 0), 0, back));
        QCOMPARE(back.topics[0].partitions[0].leader_recovery_state, std::int8_t{0});
        // v2 names topics by id.
        AlterPartitionRequest both = r1;
        both.topics[0].topic_id = kTopicId;
        QVERIFY(contains(encode(both, 1), text_bytes("orders")));
        QVERIFY(!contains(encode(both, 1), hex("5a 5a 5a 5a 5a 5a 5a 5a")));
        QVERIFY(!contains(encode(both, 2), text_bytes("orders")));
        QVERIFY(contains(encode(both, 2), hex("5a 5a 5a 5a 5a 5a 5a 5a a5 a5 a5 a5")));
        QVERIFY(decode(encode(both, 2), 2, back));
        QCOMPARE(back.topics[0].topic_name, std::string{});
        QVERIFY(back.topics[0].topic_id == kTopicId);
        // v3 sends NewIsrWithEpochs instead of NewIsr.
        AlterPartitionRequest r3 = alter_partition_requests(3)[0];
        r3.topics[0].partitions[0].new_isr = {9, 9, 9};
        QVERIFY(decode(encode(r3, 3), 3, back));
        QVERIFY(back.topics[0].partitions[0].new_isr.empty());
        QCOMPARE(back.topics[0].partitions[0].new_isr_with_epochs.size(), std::size_t{3});
        QVERIFY(decode(encode(r3, 2), 2, back));
        QCOMPARE(back.topics[0].partitions[0].new_isr, (std::vector<std::int32_t>{9, 9, 9}));
        QVERIFY(back.topics[0].partitions[0].new_isr_with_epochs.empty());
        // The response is the same at v2 and v3.
        const AlterPartitionResponse resp = alter_partition_responses(3)[0];
        QCOMPARE(encode(resp, 3), encode(resp, 2));
    }

    void offset_for_leader_epoch_fields_by_version() {
        const OffsetForLeaderEpochRequest req = offset_for_leader_epoch_requests(4)[0];
        QCOMPARE(encode(req, 1), encode(req, 0));
        QCOMPARE(encode(req, 2).size(), encode(req, 1).size() + 3 * 4);  // CurrentLeaderEpoch
        QCOMPARE(encode(req, 3).size(), encode(req, 2).size() + 4);      // ReplicaId
        QCOMPARE(encode(req, 3)[3], std::uint8_t{2});                    // ... first
        OffsetForLeaderEpochRequest back;
        QVERIFY(decode(encode(req, 2), 2, back));
        QCOMPARE(back.replica_id, OffsetForLeaderEpochRequest::kDebugReplicaId);  // -2, not -1
        QVERIFY(decode(encode(req, 1), 1, back));
        QCOMPARE(back.topics[0].partitions[0].current_leader_epoch, -1);

        const OffsetForLeaderEpochResponse resp = offset_for_leader_epoch_responses(4)[0];
        QCOMPARE(encode(resp, 1).size(), encode(resp, 0).size() + 3 * 4);  // LeaderEpoch
        QCOMPARE(encode(resp, 2).size(), encode(resp, 1).size() + 4);      // ThrottleTimeMs
        QCOMPARE(encode(resp, 3), encode(resp, 2));
        OffsetForLeaderEpochResponse rback;
        QVERIFY(decode(encode(resp, 0), 0, rback));
        QCOMPARE(rback.topics[0].partitions[0].leader_epoch, -1);
        // v4: compact strings and tagged fields.
        QVERIFY(contains(encode(resp, 4), hex("07 6f 72 64 65 72 73")));
        QVERIFY(contains(encode(resp, 3), hex("00 06 6f 72 64 65 72 73")));
    }

    void api_key_table_matches_schemas() {
        // flexibleVersions of Kafka 3.9's schemas.
        QCOMPARE(first_flexible_version(ApiKey::Vote), std::int16_t{0});
        QCOMPARE(first_flexible_version(ApiKey::BeginQuorumEpoch), std::int16_t{1});
        QCOMPARE(first_flexible_version(ApiKey::EndQuorumEpoch), std::int16_t{1});
        QCOMPARE(first_flexible_version(ApiKey::DescribeQuorum), std::int16_t{0});
        QCOMPARE(first_flexible_version(ApiKey::AlterPartition), std::int16_t{0});
        QCOMPARE(first_flexible_version(ApiKey::BrokerRegistration), std::int16_t{0});
        QCOMPARE(first_flexible_version(ApiKey::BrokerHeartbeat), std::int16_t{0});
        QCOMPARE(first_flexible_version(ApiKey::OffsetForLeaderEpoch), std::int16_t{4});
        QCOMPARE(request_header_version(ApiKey::OffsetForLeaderEpoch, 3), std::int16_t{1});
        QCOMPARE(request_header_version(ApiKey::OffsetForLeaderEpoch, 4), std::int16_t{2});
        QCOMPARE(response_header_version(ApiKey::Vote, 0), std::int16_t{1});
        QCOMPARE(response_header_version(ApiKey::EndQuorumEpoch, 0), std::int16_t{0});
        QCOMPARE(response_header_version(ApiKey::BrokerHeartbeat, 0), std::int16_t{1});
        QCOMPARE(api_name(to_wire(ApiKey::AlterPartition)), std::string_view{"AlterPartition"});
    }

    // -----------------------------------------------------------------------------------------
    // Hostile input.

    void decode_rejects_unimplemented_versions() {
        check_version_range<VoteRequest>();
        check_version_range<VoteResponse>();
        check_version_range<BeginQuorumEpochRequest>();
        check_version_range<BeginQuorumEpochResponse>();
        check_version_range<EndQuorumEpochRequest>();
        check_version_range<EndQuorumEpochResponse>();
        check_version_range<DescribeQuorumRequest>();
        check_version_range<DescribeQuorumResponse>();
        check_version_range<BrokerRegistrationRequest>();
        check_version_range<BrokerRegistrationResponse>();
        check_version_range<BrokerHeartbeatRequest>();
        check_version_range<BrokerHeartbeatResponse>();
        check_version_range<AlterPartitionRequest>();
        check_version_range<AlterPartitionResponse>();
        check_version_range<OffsetForLeaderEpochRequest>();
        check_version_range<OffsetForLeaderEpochResponse>();
    }

    void hostile_counts_fail_before_allocating() {
        // Vote: a compact array of 2^31 topics in a small frame.
        VoteRequest v;
        QVERIFY(!decode(hex("00 80 80 80 80 08 00 00 00 00"), 0, v));
        // A partition count that fits the generic 1-byte minimum but not a partition's 25 bytes.
        QVERIFY(!decode(hex("00 02 02 74 05 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), 0,
                        v));
        // BeginQuorumEpoch v0: INT32 topic count 0x7fffffff.
        BeginQuorumEpochRequest b;
        QVERIFY(!decode(hex("ff ff 7f ff ff ff 00 00 00 00"), 0, b));
        // Non-nullable arrays sent as null: v0 (INT32 -1) and v1 (UVARINT 0).
        QVERIFY(!decode(hex("ff ff ff ff ff ff"), 0, b));
        QVERIFY(!decode(hex("00 ff ff ff ff 00 00"), 1, b));
        // Non-nullable topic name sent as null.
        QVERIFY(!decode(hex("ff ff 00 00 00 01 ff ff 00 00 00 00"), 0, b));
        // BrokerRegistration: 2^20 listeners; LogDirs claiming more UUIDs than bytes remain.
        BrokerRegistrationRequest r;
        Bytes wire = encode(BrokerRegistrationRequest{}, 2);
        Bytes huge = wire;
        huge[4 + 1 + 16] = 0x81;  // listeners count: UVARINT 0x81 0x80 0x40 ...
        huge.insert(huge.begin() + 4 + 1 + 16 + 1, {0x80, 0x40});
        QVERIFY(!decode(huge, 2, r));
        QVERIFY(decode(wire, 2, r));
        Bytes dirs = wire;
        dirs[dirs.size() - 2] = 0x03;  // LogDirs: compact array of 2, with no bytes for them
        QVERIFY(!decode(dirs, 2, r));
        // AlterPartition: NewIsr of 2^28 replica ids.
        AlterPartitionRequest a;
        QVERIFY(!decode(hex("00 00 00 01 00 00 00 00 00 00 00 01 02 02 6f 02 00 00 00 00 00 00 00"
                            "05 80 80 80 80 01 00 00 00 00 00 00"),
                        0, a));
        // DescribeQuorum: a replica state count far beyond the frame.
        DescribeQuorumResponse d;
        QVERIFY(!decode(hex("00 00 02 02 74 02 00 00 00 00 00 00 00 00 00 01 00 00 00 05 00 00 00"
                            "00 00 00 00 00 ff ff ff 0f 01 00 00 00"),
                        0, d));
    }

    void decode_resets_previous_contents() {
        VoteResponse v = vote_responses(1)[0];
        QVERIFY(decode(encode(VoteResponse{}, 1), 1, v));
        QVERIFY(v == VoteResponse{});
        DescribeQuorumResponse d = describe_quorum_responses(2)[0];
        QVERIFY(decode(encode(DescribeQuorumResponse{}, 0), 0, d));
        QVERIFY(d == DescribeQuorumResponse{});
        BrokerHeartbeatRequest h = broker_heartbeat_requests(1)[0];
        QVERIFY(decode(encode(BrokerHeartbeatRequest{}, 1), 1, h));
        QVERIFY(h == BrokerHeartbeatRequest{});
        OffsetForLeaderEpochRequest o = offset_for_leader_epoch_requests(4)[0];
        QVERIFY(decode(encode(OffsetForLeaderEpochRequest{}, 0), 0, o));
        QVERIFY(o == OffsetForLeaderEpochRequest{});
    }

  private:
    // Size of the NodeEndpoints tag section after its count byte (tag, size, value).
    static std::size_t encode_node_endpoints_size(const VoteResponse& r) {
        VoteResponse bare = r;
        bare.node_endpoints.clear();
        return encode(r, 1).size() - encode(bare, 1).size() + 1;
    }

    template <typename M>
    static void check_skips_unknown_tag(const M& msg, std::int16_t version) {
        const Bytes wire = encode(msg, version);
        const Bytes with_tag = replace_last_tag_section(wire, "01 1e 03 61 62 63");  // tag 30
        M back;
        bool consumed_all = false;
        QVERIFY(decode(with_tag, version, back, &consumed_all));
        QVERIFY(consumed_all);
        QVERIFY(back == msg);
        QCOMPARE(encode(back, version), wire);  // unknown tags are not kept
    }

    template <typename M>
    static void check_version_range() {
        const Bytes some(256, 0);
        M m;
        QVERIFY(!decode(some, static_cast<std::int16_t>(M::kMinVersion - 1), m));
        QVERIFY(!decode(some, static_cast<std::int16_t>(M::kMaxVersion + 1), m));
        QVERIFY(!decode(some, std::int16_t{-1}, m));
    }
};

QTEST_APPLESS_MAIN(KraftMessagesTest)
#include "test_kraft_messages.moc"
