// Wire primitives: every type round-trips, and malformed input fails the reader instead of
// reading past the end or allocating what a hostile length asks for.
#include <QtTest>

#include "protocol/codec.h"
#include "protocol/header.h"

using namespace kraftlab::protocol;

class CodecTest : public QObject {
    Q_OBJECT

  private slots:
    void integers_round_trip() {
        Bytes buf;
        Writer w(buf);
        w.i8(-5);
        w.i16(-12345);
        w.i32(0x12345678);
        w.i64(-0x0123456789abcdefLL);
        w.u32(0xdeadbeef);
        w.f64(3.5);
        w.boolean(true);
        QCOMPARE(buf.size(), 1u + 2 + 4 + 8 + 4 + 8 + 1);
        QCOMPARE(buf[2], std::uint8_t(0xc7));  // -12345 = 0xcfc7, big-endian
        Reader r(buf);
        QCOMPARE(r.i8(), std::int8_t(-5));
        QCOMPARE(r.i16(), std::int16_t(-12345));
        QCOMPARE(r.i32(), 0x12345678);
        QCOMPARE(r.i64(), -0x0123456789abcdefLL);
        QCOMPARE(r.u32(), 0xdeadbeefu);
        QCOMPARE(r.f64(), 3.5);
        QCOMPARE(r.boolean(), true);
        QVERIFY(r.at_end());
    }

    void varints_match_kafka_encoding() {
        // Kafka's ByteUtilsTest: zigzag 300 -> 0xd8 0x04; unsigned 300 -> 0xac 0x02.
        Bytes buf;
        Writer w(buf);
        w.varint(300);
        w.uvarint(300);
        QCOMPARE(buf, (Bytes{0xd8, 0x04, 0xac, 0x02}));
        Reader r(buf);
        QCOMPARE(r.varint(), 300);
        QCOMPARE(r.uvarint(), 300u);
        for (std::int64_t v :
             std::initializer_list<std::int64_t>{0, -1, 1, -64, 63, std::int64_t{1} << 40,
                                                 -(std::int64_t{1} << 62), INT64_MAX, INT64_MIN}) {
            Bytes b;
            Writer(b).varlong(v);
            QCOMPARE(b.size(), varint_size(v));
            Reader rr(b);
            QCOMPARE(rr.varlong(), v);
            QVERIFY(rr.at_end());
        }
        for (std::int32_t v : {0, -1, 1, INT32_MAX, INT32_MIN}) {
            Bytes b;
            Writer(b).varint(v);
            Reader rr(b);
            QCOMPARE(rr.varint(), v);
        }
    }

    void overlong_varint_fails() {
        Bytes eleven(11, 0xff);
        Reader r(eleven);
        r.uvarlong();
        QVERIFY(!r.ok());
        Bytes five{0xff, 0xff, 0xff, 0xff, 0x7f};  // > 32 bits
        Reader r2(five);
        r2.uvarint();
        QVERIFY(!r2.ok());
    }

    void strings_and_bytes() {
        Bytes buf;
        Writer w(buf);
        w.string("kafka");
        w.nullable_string(std::nullopt);
        w.compact_string("raft");
        w.compact_nullable_string(std::nullopt);
        w.bytes(Bytes{1, 2, 3});
        w.nullable_bytes(std::nullopt);
        w.compact_bytes(Bytes{9});
        w.compact_nullable_bytes(std::nullopt);
        Reader r(buf);
        QCOMPARE(r.string(), std::string("kafka"));
        QVERIFY(!r.nullable_string().has_value());
        QCOMPARE(r.compact_string(), std::string("raft"));
        QVERIFY(!r.compact_nullable_string().has_value());
        QCOMPARE(r.bytes(), (Bytes{1, 2, 3}));
        QVERIFY(!r.nullable_bytes().has_value());
        QCOMPARE(r.compact_bytes(), (Bytes{9}));
        QVERIFY(!r.compact_nullable_bytes().has_value());
        QVERIFY(r.at_end());
    }

    void null_where_required_fails() {
        Bytes buf{0xff, 0xff};
        Reader r(buf);
        r.string();
        QVERIFY(!r.ok());
    }

    void hostile_lengths_fail_without_allocating() {
        // A string claiming 32767 bytes with 3 present; an array claiming 2^31-1 elements.
        Bytes s{0x7f, 0xff, 'a', 'b', 'c'};
        Reader r(s);
        r.string();
        QVERIFY(!r.ok());
        Bytes a{0x7f, 0xff, 0xff, 0xff, 0, 0};
        Reader ra(a);
        QCOMPARE(ra.array_length(), 0);
        QVERIFY(!ra.ok());
        Bytes b{0x7f, 0xff, 0xff, 0xff};
        Reader rb(b);
        rb.bytes();
        QVERIFY(!rb.ok());
        Bytes neg{0xff, 0xff, 0xff, 0xfe};  // -2 is not a valid array length
        Reader rn(neg);
        rn.array_length();
        QVERIFY(!rn.ok());
    }

    void failed_reader_stays_failed() {
        Bytes buf{0x00};
        Reader r(buf);
        r.i32();
        QVERIFY(!r.ok());
        QCOMPARE(r.i8(), std::int8_t(0));
        QCOMPARE(r.remaining(), 0u);
    }

    void tagged_fields_are_skipped_or_handled() {
        Bytes buf;
        Writer w(buf);
        w.uvarint(2);  // two fields
        w.uvarint(0);  // tag 0
        w.uvarint(4);  // 4 bytes
        w.i32(42);
        w.uvarint(7);  // tag 7, unknown
        w.uvarint(1);
        w.i8(1);
        w.i8(99);  // a byte after the section
        Reader r(buf);
        std::int32_t seen = 0;
        r.tagged_fields([&](std::uint32_t tag, Reader& f) {
            if (tag != 0) return false;
            seen = f.i32();
            return true;
        });
        QVERIFY(r.ok());
        QCOMPARE(seen, 42);
        QCOMPARE(r.i8(), std::int8_t(99));
    }

    void tagged_fields_out_of_order_fail() {
        Bytes buf;
        Writer w(buf);
        w.uvarint(2);
        w.uvarint(5);
        w.uvarint(0);
        w.uvarint(5);
        w.uvarint(0);
        Reader r(buf);
        r.tagged_fields();
        QVERIFY(!r.ok());
    }

    void uuid_base64_round_trip() {
        Uuid u{0x0123456789abcdefULL, 0xfedcba9876543210ULL};
        auto text = u.to_base64();
        QCOMPARE(text.size(), 22u);
        QCOMPARE(Uuid::from_base64(text), std::optional<Uuid>(u));
        // Kafka's Uuid.METADATA_TOPIC_ID is Uuid(0, 1), printed "AAAAAAAAAAAAAAAAAAAAAQ".
        QCOMPARE(Uuid(0, 1).to_base64(), std::string("AAAAAAAAAAAAAAAAAAAAAQ"));
        QVERIFY(!Uuid::from_base64("not a uuid").has_value());
    }

    void request_header_versions() {
        // Metadata v4 is not flexible (header v1); ApiVersions v3 is (header v2 with tags).
        for (auto [key, version, expect_tags] :
             {std::tuple{ApiKey::Metadata, 4, false}, std::tuple{ApiKey::ApiVersions, 3, true}}) {
            RequestHeader h{to_wire(key), static_cast<std::int16_t>(version), 77, "kcat"};
            Bytes buf;
            Writer w(buf);
            encode_request_header(w, h);
            QCOMPARE(buf.size(), 2u + 2 + 4 + 2 + 4 + (expect_tags ? 1 : 0));
            Reader r(buf);
            RequestHeader back;
            QVERIFY(decode_request_header(r, back));
            QVERIFY(r.at_end());
            QCOMPARE(back.correlation_id, 77);
            QCOMPARE(back.client_id, std::optional<std::string>("kcat"));
        }
        QCOMPARE(response_header_version(ApiKey::ApiVersions, 3), std::int16_t(0));
        QCOMPARE(response_header_version(ApiKey::Vote, 0), std::int16_t(1));
        QCOMPARE(response_header_version(ApiKey::Fetch, 4), std::int16_t(0));
    }
};

QTEST_APPLESS_MAIN(CodecTest)
#include "test_codec.moc"
