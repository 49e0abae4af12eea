// The records of __consumer_offsets (engine/group/offsets_records.h): keys and values round-trip,
// the bytes of an offset commit key and a v3 offset value match Kafka's schemas field by field,
// values of older versions (written by older Kafkas) decode with the defaults Kafka gives the
// fields they lack, and truncated, oversized or unknown records are refused.
#include <QtTest>

#include <variant>

#include "../engine/message_test_util.h"
#include "group/offsets_records.h"

using namespace kraftlab::group;
using kraftlab::protocol::test::hex;
using kraftlab::protocol::test::to_hex;

namespace {

GroupMetadataValue stable_group() {
    GroupMetadataValue v;
    v.protocol_type = "consumer";
    v.generation = 7;
    v.protocol = "range";
    v.leader = "rdkafka-1";
    v.current_state_timestamp = 1'700'000'000'000;
    MemberMetadata dynamic;
    dynamic.member_id = "rdkafka-1";
    dynamic.client_id = "rdkafka";
    dynamic.client_host = "/127.0.0.1";
    dynamic.rebalance_timeout_ms = 300'000;
    dynamic.session_timeout_ms = 45'000;
    dynamic.subscription = Bytes{0, 1, 0, 0, 0, 1, 0, 6, 'o', 'r', 'd', 'e', 'r', 's'};
    dynamic.assignment = Bytes{0, 1, 0, 0, 0, 0};
    MemberMetadata fixed = dynamic;
    fixed.member_id = "reader-2-0b1c";
    fixed.group_instance_id = "reader-2";
    fixed.assignment = {};
    v.members = {dynamic, fixed};
    return v;
}

// Every strict prefix of a record must be refused (each in its own exact allocation, so that a
// read past its end would land in ASan's redzone).
template <typename Decode>
bool every_prefix_refused(const Bytes& whole, Decode&& decode) {
    for (std::size_t n = 0; n < whole.size(); ++n) {
        Bytes prefix(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
        if (decode(prefix)) return false;
    }
    return true;
}

Bytes with_trailing_byte(Bytes b) {
    b.push_back(0);
    return b;
}

}  // namespace

class OffsetsRecordsTest : public QObject {
    Q_OBJECT

  private slots:
    void keys_round_trip() {
        const OffsetKey offset{"orders-readers", "orders", 11};
        const Bytes wire = encode_key(offset);
        QCOMPARE(key_version(wire), std::optional<std::int16_t>(1));
        auto back = decode_key(wire);
        QVERIFY(back && std::holds_alternative<OffsetKey>(*back));
        QVERIFY(std::get<OffsetKey>(*back) == offset);
        QVERIFY(every_prefix_refused(wire, [](const Bytes& b) { return decode_key(b); }));

        const GroupMetadataKey group{"orders-readers"};
        const Bytes gwire = encode_key(group);
        QCOMPARE(key_version(gwire), std::optional<std::int16_t>(2));
        auto gback = decode_key(gwire);
        QVERIFY(gback && std::holds_alternative<GroupMetadataKey>(*gback));
        QVERIFY(std::get<GroupMetadataKey>(*gback) == group);
        QVERIFY(every_prefix_refused(gwire, [](const Bytes& b) { return decode_key(b); }));
    }

    void offset_values_round_trip() {
        OffsetValue v;
        v.offset = 1'234'567'890'123;
        v.leader_epoch = 4;
        v.metadata = "from the lab";
        v.commit_timestamp = 1'700'000'000'000;
        const Bytes wire = encode_value(v);
        QCOMPARE(key_version(wire), std::optional<std::int16_t>(3));  // the value's version
        QCOMPARE(decode_offset_value(wire), std::optional<OffsetValue>(v));
        QVERIFY(every_prefix_refused(wire, [](const Bytes& b) { return decode_offset_value(b); }));

        // An expire timestamp only fits v1, which has no leader epoch: Kafka writes v1 then.
        OffsetValue expiring = v;
        expiring.expire_timestamp = 1'700'086'400'000;
        const Bytes v1 = encode_value(expiring);
        QCOMPARE(v1[0], std::uint8_t{0});
        QCOMPARE(v1[1], std::uint8_t{1});
        OffsetValue expected = expiring;
        expected.leader_epoch = -1;
        QCOMPARE(decode_offset_value(v1), std::optional<OffsetValue>(expected));
        QVERIFY(every_prefix_refused(v1, [](const Bytes& b) { return decode_offset_value(b); }));
    }

    void group_metadata_values_round_trip() {
        const GroupMetadataValue v = stable_group();
        const Bytes wire = encode_value(v);
        QCOMPARE(key_version(wire), std::optional<std::int16_t>(3));
        QVERIFY(decode_group_metadata_value(wire) == v);
        QVERIFY(every_prefix_refused(
            wire, [](const Bytes& b) { return decode_group_metadata_value(b); }));

        // What Kafka writes for a group whose last member left: no protocol, no leader, nobody.
        GroupMetadataValue empty;
        empty.protocol_type = "consumer";
        empty.generation = 8;
        QVERIFY(decode_group_metadata_value(encode_value(empty)) == empty);
    }

    void offset_commit_key_bytes() {
        // key version INT16 = 1, group STRING, topic STRING, partition INT32.
        QCOMPARE(to_hex(encode_key(OffsetKey{"g", "t", 1})),
                 to_hex(hex("0001 0001 67 0001 74 00000001")));
        // The group metadata key: key version INT16 = 2, group STRING.
        QCOMPARE(to_hex(encode_key(GroupMetadataKey{"g"})), to_hex(hex("0002 0001 67")));
        // Version 0 has version 1's layout.
        auto old = decode_key(hex("0000 0001 67 0001 74 00000001"));
        QVERIFY(old && std::get<OffsetKey>(*old) == (OffsetKey{"g", "t", 1}));
    }

    void offset_commit_value_v3_bytes() {
        // value version INT16 = 3, offset INT64, leader_epoch INT32, metadata STRING,
        // commit_timestamp INT64.
        OffsetValue v;
        v.offset = 100;
        v.leader_epoch = 10;
        v.metadata = "m";
        v.commit_timestamp = 1234;
        QCOMPARE(to_hex(encode_value(v)),
                 to_hex(hex("0003 0000000000000064 0000000a 0001 6d 00000000000004d2")));
    }

    void group_metadata_value_v3_bytes() {
        // version, protocol_type, generation, protocol, leader, current_state_timestamp,
        // [member_id, group_instance_id, client_id, client_host, rebalance_timeout,
        // session_timeout, subscription BYTES, assignment BYTES].
        GroupMetadataValue v;
        v.protocol_type = "consumer";
        v.generation = 1;
        v.protocol = "range";
        v.leader = "m";
        v.current_state_timestamp = 5;
        v.members = {{"m", std::nullopt, "c", "/h", 300'000, 10'000, Bytes{0xaa}, Bytes{0xbb}}};
        QCOMPARE(to_hex(encode_value(v)),
                 to_hex(hex("0003 0008 636f6e73756d6572 00000001 0005 72616e6765 0001 6d "
                            "0000000000000005 00000001 0001 6d ffff 0001 63 0002 2f68 "
                            "000493e0 00002710 00000001 aa 00000001 bb")));
    }

    void older_offset_values_decode() {
        // v0: offset, metadata, commit_timestamp: no leader epoch, no expiry.
        OffsetValue v0;
        v0.offset = 100;
        v0.commit_timestamp = 1234;
        QCOMPARE(decode_offset_value(hex("0000 0000000000000064 0000 00000000000004d2")),
                 std::optional<OffsetValue>(v0));
        // v1: v0 + expire_timestamp.
        OffsetValue v1 = v0;
        v1.metadata = "m";
        v1.expire_timestamp = 3000;
        QCOMPARE(decode_offset_value(
                     hex("0001 0000000000000064 0001 6d 00000000000004d2 0000000000000bb8")),
                 std::optional<OffsetValue>(v1));
        // v2: v0's layout.
        QCOMPARE(decode_offset_value(hex("0002 0000000000000064 0000 00000000000004d2")),
                 std::optional<OffsetValue>(v0));
    }

    void older_group_metadata_values_decode() {
        // v0: no current_state_timestamp, and members without instance id or rebalance timeout;
        // the rebalance timeout reads as the session timeout, as in Kafka.
        const Bytes v0 =
            hex("0000 0008 636f6e73756d6572 00000001 0005 72616e6765 0001 6d "
                "00000001 0001 6d 0001 63 0002 2f68 00002710 00000001 aa 00000001 bb");
        GroupMetadataValue expected;
        expected.protocol_type = "consumer";
        expected.generation = 1;
        expected.protocol = "range";
        expected.leader = "m";
        expected.members = {
            {"m", std::nullopt, "c", "/h", 10'000, 10'000, Bytes{0xaa}, Bytes{0xbb}}};
        QVERIFY(decode_group_metadata_value(v0) == expected);
        // v1 adds the rebalance timeout before the session timeout.
        const Bytes v1 =
            hex("0001 0008 636f6e73756d6572 00000001 0005 72616e6765 0001 6d "
                "00000001 0001 6d 0001 63 0002 2f68 000493e0 00002710 00000001 aa 00000001 bb");
        expected.members[0].rebalance_timeout_ms = 300'000;
        QVERIFY(decode_group_metadata_value(v1) == expected);
        // v2 adds current_state_timestamp after the leader; an empty group has null protocol
        // and leader.
        const Bytes v2 =
            hex("0002 0008 636f6e73756d6572 00000002 ffff ffff 0000000000000005 "
                "00000000");
        GroupMetadataValue empty;
        empty.protocol_type = "consumer";
        empty.generation = 2;
        empty.current_state_timestamp = 5;
        QVERIFY(decode_group_metadata_value(v2) == empty);
    }

    void unknown_versions_refused() {
        // Key types the lab does not know (KIP-848 and later records): refused, but their
        // version is readable so that a loader can skip them.
        const Bytes consumer_group_key = hex("0003 0001 67");
        QVERIFY(!decode_key(consumer_group_key));
        QCOMPARE(key_version(consumer_group_key), std::optional<std::int16_t>(3));
        QVERIFY(!decode_key(hex("ffff 0001 67")));
        QVERIFY(!key_version(hex("00")));
        // Flexible value versions (4) and negative ones.
        QVERIFY(!decode_offset_value(hex("0004 0000000000000064 00000000 01 00000000000004d2 00")));
        QVERIFY(!decode_offset_value(hex("ffff 0000000000000064 0000 00000000000004d2")));
        QVERIFY(
            !decode_group_metadata_value(hex("0004 09 636f6e73756d6572 00000001 00 00 "
                                             "0000000000000005 01 00")));
    }

    void malformed_and_hostile_records_refused() {
        // Bytes left over after the last field.
        QVERIFY(!decode_key(with_trailing_byte(encode_key(OffsetKey{"g", "t", 1}))));
        QVERIFY(!decode_key(with_trailing_byte(encode_key(GroupMetadataKey{"g"}))));
        OffsetValue ov;
        ov.metadata = "m";
        QVERIFY(!decode_offset_value(with_trailing_byte(encode_value(ov))));
        QVERIFY(!decode_group_metadata_value(with_trailing_byte(encode_value(stable_group()))));
        // A null where the schema has a plain string (the group, the metadata).
        QVERIFY(!decode_key(hex("0001 ffff 0001 74 00000001")));
        QVERIFY(!decode_offset_value(hex("0003 0000000000000064 0000000a ffff 00000000000004d2")));
        // A string or bytes length far beyond the record.
        QVERIFY(!decode_key(hex("0002 7fff 67")));
        QVERIFY(!decode_group_metadata_value(
            hex("0003 0000 00000001 ffff ffff 0000000000000005 00000001 0001 6d ffff 0000 0000 "
                "00000000 00000000 7fffffff 00000000")));
        // Two billion members announced in a few bytes: refused before anything is allocated.
        QVERIFY(!decode_group_metadata_value(
            hex("0003 0000 00000001 ffff ffff 0000000000000005 7fffffff 00000000 00000000")));
        // A member count the bytes hold at one byte a member but not at a member's 24.
        QVERIFY(!decode_group_metadata_value(
            hex("0003 0000 00000001 ffff ffff 0000000000000005 00000002 0000 0000 0000 0000 "
                "00000000 00000000 00000000 00000000 0000 0000")));
        // A null member array.
        QVERIFY(!decode_group_metadata_value(
            hex("0003 0000 00000001 ffff ffff 0000000000000005 ffffffff")));
        // Empty input.
        QVERIFY(!decode_key(Bytes{}));
        QVERIFY(!decode_offset_value(Bytes{}));
        QVERIFY(!decode_group_metadata_value(Bytes{}));
    }
};

QTEST_APPLESS_MAIN(OffsetsRecordsTest)
#include "test_offsets_records.moc"
