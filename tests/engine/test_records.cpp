// Records, codecs, CRC-32C and murmur2: round trips, hostile input, and the bytes real clients
// (kcat / librdkafka 2.0.2, kafka-python 2.0.2) put on the wire, captured by
// tests/tools/capture_requests.py into tests/engine/golden/.
#include <QtTest>

#include <cctype>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "protocol/compression.h"
#include "protocol/crc32c.h"
#include "protocol/header.h"
#include "protocol/murmur2.h"
#include "protocol/record_batch.h"
#include "protocol/records.h"

using namespace kraftlab::protocol;

namespace {

constexpr Compression kAllCodecs[] = {Compression::None, Compression::Gzip, Compression::Snappy,
                                      Compression::Lz4, Compression::Zstd};
constexpr Compression kRealCodecs[] = {Compression::Gzip, Compression::Snappy, Compression::Lz4,
                                       Compression::Zstd};

Bytes bytes_of(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

ByteView view_of(std::string_view s) {
    return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

Bytes random_bytes(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    Bytes b(n);
    for (auto& x : b)
        x = static_cast<std::uint8_t>(rng());
    return b;
}

// Text-like data: words from a small vocabulary, so every codec finds matches.
Bytes compressible_bytes(std::size_t n, std::uint32_t seed) {
    static const char* words[] = {"kafka ",  "record ",  "batch ", "offset ", "partition ",
                                  "leader ", "replica ", "raft ",  "epoch ",  "kraftlab "};
    std::mt19937 rng(seed);
    Bytes b;
    b.reserve(n + 16);
    while (b.size() < n) {
        std::string_view w = words[rng() % 10];
        b.insert(b.end(), w.begin(), w.end());
    }
    b.resize(n);
    return b;
}

const char* name(Compression c) {
    return compression_name(c).data();
}

// Recomputes Length and the CRC after a test edits a batch, so the record decoder (not
// validate_batch) is what has to notice the edit.
void reseal(Bytes& batch) {
    Writer w(batch);
    w.patch_i32(8, static_cast<std::int32_t>(batch.size() - kLogOverheadBytes));
    std::uint32_t crc = crc32c(ByteView(batch).subspan(21));
    w.patch_i32(17, static_cast<std::int32_t>(crc));
}

// A batch around a hand-made records section (compressed with `codec` if set).
Bytes batch_around(ByteView section, std::int32_t count, Compression codec = Compression::None,
                   std::int32_t last_offset_delta = -2) {
    Bytes b;
    Writer w(b);
    w.i64(0);
    w.i32(0);
    w.i32(-1);
    w.i8(2);
    w.u32(0);
    w.i16(static_cast<std::int16_t>(codec));
    w.i32(last_offset_delta == -2 ? std::max(count - 1, 0) : last_offset_delta);
    w.i64(1000);
    w.i64(1000);
    w.i64(-1);
    w.i16(-1);
    w.i32(-1);
    w.i32(count);
    if (compress(codec, section, b) != CompressionError::None) qFatal("compress failed");
    reseal(b);
    return b;
}

// One record in wire form, with raw control over every length field.
Bytes raw_record(std::int32_t offset_delta, std::int32_t key_len, std::string_view key,
                 std::int32_t value_len, std::string_view value, std::int32_t header_count = 0,
                 std::int32_t length_adjust = 0) {
    Bytes body;
    Writer w(body);
    w.i8(0);
    w.varlong(0);
    w.varint(offset_delta);
    w.varint(key_len);
    w.raw(view_of(key));
    w.varint(value_len);
    w.raw(view_of(value));
    w.varint(header_count);
    Bytes rec;
    Writer(rec).varint(static_cast<std::int32_t>(body.size()) + length_adjust);
    rec.insert(rec.end(), body.begin(), body.end());
    return rec;
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

Bytes read_hex_file(const QString& file) {
    std::ifstream in(std::string(KRAFTLAB_GOLDEN_DIR) + "/" + file.toStdString());
    if (!in) qFatal("missing golden file %s", qPrintable(file));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string hex;
    for (char c : ss.str())
        if (std::isxdigit(static_cast<unsigned char>(c))) hex.push_back(c);
    Bytes out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

// A Produce request (v3-v7 share one schema) parsed by hand, far enough to reach the batch.
struct ProduceFrame {
    std::int16_t api_version = -1;
    std::optional<std::string> client_id;
    std::optional<std::string> transactional_id;
    std::int16_t acks = 0;
    std::int32_t timeout_ms = 0;
    std::string topic;
    std::int32_t partition = -1;
    Bytes records;
};

bool parse_produce(ByteView frame, ProduceFrame& out) {
    Reader in(frame);
    std::int32_t size = in.i32();
    if (!in.ok() || static_cast<std::size_t>(size) != in.remaining()) return false;
    // Request header v1: Produce v3-v8 is not flexible.
    if (in.i16() != 0) return false;
    out.api_version = in.i16();
    in.i32();  // correlation id
    out.client_id = in.nullable_string();
    out.transactional_id = in.nullable_string();
    out.acks = in.i16();
    out.timeout_ms = in.i32();
    if (in.array_length() != 1) return false;
    out.topic = in.string();
    if (in.array_length() != 1) return false;
    out.partition = in.i32();
    auto records = in.nullable_bytes();
    if (!records) return false;
    out.records = std::move(*records);
    return in.at_end();
}

// One uncompressed record holding value.
Bytes records_batch_of(const Bytes& value) {
    RecordBatchBuilder plain;
    plain.append(std::nullopt, value, 1);
    return plain.build();
}

}  // namespace

class RecordsTest : public QObject {
    Q_OBJECT

  private slots:
    // --- CRC-32C ---------------------------------------------------------------------------

    void crc32c_known_vectors() {
        QCOMPARE(crc32c(view_of("123456789")), 0xE3069283u);
        Bytes zeros(32, 0);
        QCOMPARE(crc32c(zeros), 0x8A9136AAu);
        QCOMPARE(detail::crc32c_extend_portable(0, view_of("123456789")), 0xE3069283u);
        QCOMPARE(detail::crc32c_extend_portable(0, zeros), 0x8A9136AAu);
        QCOMPARE(crc32c(ByteView{}), 0u);
    }

    void crc32c_portable_matches_fast_path() {
        Bytes data = random_bytes(70000, 1);
        std::mt19937 rng(2);
        for (std::size_t n = 0; n <= 300; ++n) {
            ByteView v = ByteView(data).subspan(n % 7, n);  // unaligned starts too
            std::uint32_t seed = rng();
            QCOMPARE(crc32c_extend(seed, v), detail::crc32c_extend_portable(seed, v));
            QCOMPARE(crc32c(v), detail::crc32c_extend_portable(0, v));
        }
        for (std::size_t n : {1024u, 4095u, 65536u, 69999u}) {
            ByteView v = ByteView(data).first(n);
            QCOMPARE(crc32c(v), detail::crc32c_extend_portable(0, v));
        }
    }

    void crc32c_extend_concatenates() {
        Bytes data = random_bytes(5000, 3);
        for (std::size_t split : {0u, 1u, 7u, 8u, 9u, 63u, 1000u, 4999u, 5000u}) {
            ByteView a = ByteView(data).first(split);
            ByteView b = ByteView(data).subspan(split);
            QCOMPARE(crc32c_extend(crc32c(a), b), crc32c(data));
            QCOMPARE(detail::crc32c_extend_portable(detail::crc32c_extend_portable(0, a), b),
                     detail::crc32c_extend_portable(0, data));
        }
    }

    // --- murmur2 ---------------------------------------------------------------------------

    void murmur2_matches_java() {
        // AK UtilsTest.testMurmur2, plus vectors from kafka-python's port (non-ASCII bytes and
        // every tail length).
        QCOMPARE(murmur2(view_of("21")), -973932308);
        QCOMPARE(murmur2(view_of("foobar")), -790332482);
        QCOMPARE(murmur2(view_of("a-little-bit-long-string")), -985981536);
        QCOMPARE(murmur2(view_of("abc")), 479470107);
        QCOMPARE(murmur2(view_of("")), 275646681);
        QCOMPARE(murmur2(view_of("key-1")), 193331640);
        QCOMPARE(murmur2(view_of("key-3")), -1839136101);
        QCOMPARE(murmur2(Bytes{0xff, 0x80, 0x7f}), 968261134);
        Bytes thirteen{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        QCOMPARE(murmur2(thirteen), -1626330841);
        QCOMPARE(murmur2(view_of("h\xc3\xa9llo w\xc3\xb6rld")), 439213890);
    }

    void murmur2_partition_choice() {
        QCOMPARE(to_positive(-1), 0x7fffffff);
        QCOMPARE(to_positive(INT32_MIN), 0);
        QCOMPARE(to_positive(42), 42);
        // (murmur2 & 0x7fffffff) % n over all partitions, as kafka-python computes it.
        QCOMPARE(murmur2_partition(view_of("21"), 6), 0);
        QCOMPARE(murmur2_partition(view_of("a-little-bit-long-string"), 6), 2);
        QCOMPARE(murmur2_partition(view_of("key-3"), 6), 5);
        QCOMPARE(murmur2_partition(view_of("key-1"), 7), 5);
        QCOMPARE(murmur2_partition(view_of(""), 6), 3);
        QCOMPARE(murmur2_partition(view_of("abc"), 1), 0);
        QCOMPARE(murmur2_partition(view_of("abc"), 0), -1);
        QCOMPARE(murmur2_partition(view_of("abc"), -3), -1);
    }

    // --- compression -------------------------------------------------------------------------

    void codecs_round_trip_data() {
        QTest::addColumn<int>("codec");
        QTest::addColumn<int>("kind");
        for (auto c : kAllCodecs) {
            for (int kind = 0; kind < 4; ++kind) {
                static const char* kinds[] = {"empty", "small", "1MiB-random", "1MiB-text"};
                QTest::addRow("%s-%s", name(c), kinds[kind]) << int(c) << kind;
            }
        }
    }
    void codecs_round_trip() {
        QFETCH(int, codec);
        QFETCH(int, kind);
        auto c = static_cast<Compression>(codec);
        Bytes input;
        if (kind == 1) input = bytes_of("hello, kafka");
        if (kind == 2) input = random_bytes(1 << 20, 10);
        if (kind == 3) input = compressible_bytes(1 << 20, 11);

        Bytes packed = {0xAA, 0xBB};  // output is appended after existing content
        QCOMPARE(compress(c, input, packed), CompressionError::None);
        QCOMPARE(packed[0], std::uint8_t(0xAA));
        ByteView body = ByteView(packed).subspan(2);
        if (kind == 3 && c != Compression::None) QVERIFY(body.size() < input.size() / 2);

        Bytes unpacked = {0x01};
        QCOMPARE(decompress(c, body, unpacked, input.size()), CompressionError::None);
        QCOMPARE(unpacked.size(), input.size() + 1);
        QVERIFY(std::equal(input.begin(), input.end(), unpacked.begin() + 1));

        // The limit is inclusive: one byte less must fail and leave `out` as it was.
        if (!input.empty()) {
            Bytes limited = {0x01};
            QCOMPARE(decompress(c, body, limited, input.size() - 1), CompressionError::TooLarge);
            QCOMPARE(limited, Bytes{0x01});
        }
    }

    void snappy_reads_raw_and_xerial() {
        Bytes input = compressible_bytes(100000, 20);
        Bytes xerial;
        QCOMPARE(compress(Compression::Snappy, input, xerial), CompressionError::None);
        // snappy-java's header: magic, version 1, compatible version 1, then 32 KiB blocks.
        const Bytes header = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
        QVERIFY(std::equal(header.begin(), header.end(), xerial.begin()));
        Bytes raw;
        QCOMPARE(detail::snappy_compress_raw(input, raw), CompressionError::None);
        QVERIFY(raw[0] != 0x82);
        for (const Bytes* form : {&xerial, &raw}) {
            Bytes out;
            QCOMPARE(decompress(Compression::Snappy, *form, out, 1 << 20), CompressionError::None);
            QCOMPARE(out, input);
        }
        // Header only (Java's SnappyOutputStream for empty input) is an empty stream.
        Bytes out;
        QCOMPARE(decompress(Compression::Snappy, header, out, 10), CompressionError::None);
        QVERIFY(out.empty());
        // A zero-length or overlong chunk is corrupt.
        Bytes zero_chunk = header;
        zero_chunk.insert(zero_chunk.end(), {0, 0, 0, 0});
        QCOMPARE(decompress(Compression::Snappy, zero_chunk, out, 10), CompressionError::Corrupt);
        Bytes long_chunk = header;
        long_chunk.insert(long_chunk.end(), {0, 0, 1, 0, 5, 0});
        QCOMPARE(decompress(Compression::Snappy, long_chunk, out, 10), CompressionError::Corrupt);
        // A raw block claiming far more output than its size allows is rejected unallocated.
        Bytes liar = {0x80, 0x80, 0x80, 0x40, 0x00};  // declares 128 MiB from 5 bytes
        QCOMPARE(decompress(Compression::Snappy, liar, out, SIZE_MAX), CompressionError::Corrupt);
        QVERIFY(out.capacity() < 1024);
    }

    void gzip_reads_concatenated_members() {
        Bytes a = bytes_of("first member;"), b = bytes_of("second member");
        Bytes packed;
        QCOMPARE(compress(Compression::Gzip, a, packed), CompressionError::None);
        QCOMPARE(compress(Compression::Gzip, b, packed), CompressionError::None);
        Bytes out;
        QCOMPARE(decompress(Compression::Gzip, packed, out, 100), CompressionError::None);
        QCOMPARE(out, concat({a, b}));
        packed.push_back(0x00);  // trailing garbage
        out.clear();
        QCOMPARE(decompress(Compression::Gzip, packed, out, 100), CompressionError::Corrupt);
        QVERIFY(out.empty());
    }

    void truncated_or_flipped_input_fails_cleanly_data() {
        QTest::addColumn<int>("codec");
        for (auto c : kRealCodecs)
            QTest::newRow(name(c)) << int(c);
    }
    void truncated_or_flipped_input_fails_cleanly() {
        QFETCH(int, codec);
        auto c = static_cast<Compression>(codec);
        Bytes input = compressible_bytes(100000, 30);
        Bytes packed;
        QCOMPARE(compress(c, input, packed), CompressionError::None);

        // Every truncation either fails or (xerial snappy cut at a chunk boundary) yields a
        // shorter stream; cutting into the last block always fails.
        for (std::size_t cut = 0; cut < packed.size(); cut += std::max<std::size_t>(1, cut / 8)) {
            Bytes out = {0x42};
            auto err = decompress(c, ByteView(packed).first(cut), out, 1 << 20);
            if (err == CompressionError::None) {
                QVERIFY(out.size() - 1 < input.size());
            } else {
                QCOMPARE(out, Bytes{0x42});
            }
        }
        for (std::size_t cut : {std::size_t{0}, std::size_t{1}, packed.size() - 1}) {
            Bytes out;
            QVERIFY(decompress(c, ByteView(packed).first(cut), out, 1 << 20) !=
                    CompressionError::None);
        }

        // Flipped bits: the codecs without checksums may decode garbage, but never crash, never
        // exceed the limit, and always fail on a damaged magic number.
        std::mt19937 rng(31);
        for (int i = 0; i < 400; ++i) {
            Bytes damaged = packed;
            damaged[rng() % damaged.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
            Bytes out;
            auto err = decompress(c, damaged, out, 200000);
            QVERIFY(out.size() <= 200000);
            if (err != CompressionError::None) QVERIFY(out.empty());
        }
        Bytes bad_magic = packed;
        bad_magic[0] ^= 0x01;
        Bytes out;
        QVERIFY(decompress(c, bad_magic, out, 1 << 20) != CompressionError::None);

        // Random garbage of many sizes.
        for (std::size_t n = 0; n < 600; n += 7) {
            Bytes garbage = random_bytes(n, static_cast<std::uint32_t>(n));
            Bytes sink;
            auto err = decompress(c, garbage, sink, 1 << 16);
            QVERIFY(sink.size() <= (1 << 16));
            if (err != CompressionError::None) QVERIFY(sink.empty());
        }
    }

    void decompression_bomb_fails_data() {
        QTest::addColumn<int>("codec");
        for (auto c : kRealCodecs)
            QTest::newRow(name(c)) << int(c);
        QTest::newRow("snappy-raw") << -1;
    }
    void decompression_bomb_fails() {
        QFETCH(int, codec);
        static const Bytes zeros(100u << 20, 0);  // 100 MiB
        Bytes bomb;
        auto c = codec < 0 ? Compression::Snappy : static_cast<Compression>(codec);
        if (codec < 0) {
            QCOMPARE(detail::snappy_compress_raw(zeros, bomb), CompressionError::None);
        } else {
            QCOMPARE(compress(c, zeros, bomb), CompressionError::None);
        }
        QVERIFY(bomb.size() < zeros.size() / 20);
        Bytes out;
        QCOMPARE(decompress(c, bomb, out, 1 << 20), CompressionError::TooLarge);
        QVERIFY(out.empty());
        // The limit bounds allocation, not just the result.
        QVERIFY(out.capacity() <= (8u << 20));
    }

    void unknown_codec_is_an_error() {
        Bytes out;
        auto bogus = static_cast<Compression>(6);
        QCOMPARE(compress(bogus, view_of("x"), out), CompressionError::Unsupported);
        QCOMPARE(decompress(bogus, view_of("x"), out, 10), CompressionError::Unsupported);
        QVERIFY(out.empty());
        QVERIFY(!describe(CompressionError::TooLarge).empty());
    }

    // --- records -----------------------------------------------------------------------------

    void builder_round_trip_data() {
        QTest::addColumn<int>("codec");
        for (auto c : kAllCodecs)
            QTest::newRow(name(c)) << int(c);
    }
    void builder_round_trip() {
        QFETCH(int, codec);
        auto c = static_cast<Compression>(codec);
        RecordBatchBuilder builder(c);
        QVERIFY(builder.empty());
        QCOMPARE(builder.uncompressed_bytes(), std::size_t{0});
        QVERIFY(builder.build().empty());

        std::vector<Record> expected;
        const std::int64_t base_offset = 1000;
        const std::int64_t t0 = 1'700'000'000'000;
        auto add = [&](std::optional<Bytes> key, std::optional<Bytes> value, std::int64_t ts,
                       std::vector<RecordHeader> headers = {}) {
            std::optional<ByteView> k, v;
            if (key) k = ByteView(*key);
            if (value) v = ByteView(*value);
            builder.append(k, v, ts, headers);
            expected.push_back(Record{base_offset + static_cast<std::int64_t>(expected.size()), ts,
                                      key, value, headers});
        };
        add(bytes_of("k"), bytes_of("v"), t0);
        add(std::nullopt, bytes_of("null key"), t0 + 5);
        add(bytes_of("null value"), std::nullopt, t0 - 3);  // timestamps may go backwards
        add(Bytes{}, Bytes{}, t0);                          // empty, not null
        add(std::nullopt, std::nullopt, t0 + 1);
        add(bytes_of("h"), bytes_of("with headers"), t0 + 2,
            {{"trace-id", bytes_of("abc123")}, {"", Bytes{}}, {"null-value", std::nullopt}});
        Bytes big = random_bytes(300000, 40);  // one record spanning many codec blocks
        add(bytes_of("big"), big, t0 + 3);
        for (int i = 0; i < 10000; ++i) {
            add(bytes_of("key-" + std::to_string(i)),
                bytes_of("value " + std::to_string(i * 7919) + " lorem ipsum"), t0 + 10 + i / 3);
        }
        QCOMPARE(builder.record_count(), static_cast<std::int32_t>(expected.size()));
        QVERIFY(builder.uncompressed_bytes() > 300000);

        Bytes batch = builder.build(base_offset);
        if (c != Compression::None) QVERIFY(batch.size() < builder.uncompressed_bytes());
        if (c == Compression::None) QCOMPARE(batch.size(), builder.uncompressed_bytes());
        RecordBatchHeader h;
        QCOMPARE(validate_batch(batch, batch.size(), &h), BatchError::None);
        QCOMPARE(h.base_offset, base_offset);
        QCOMPARE(h.partition_leader_epoch, -1);
        QCOMPARE(h.compression(), c);
        QCOMPARE(h.attributes, static_cast<std::int16_t>(codec));
        QCOMPARE(h.records_count, static_cast<std::int32_t>(expected.size()));
        QCOMPARE(h.last_offset_delta, static_cast<std::int32_t>(expected.size() - 1));
        QCOMPARE(h.base_timestamp, t0);
        QCOMPARE(h.max_timestamp, t0 + 10 + 9999 / 3);
        QCOMPARE(h.producer_id, std::int64_t{-1});
        QCOMPARE(h.producer_epoch, std::int16_t{-1});
        QCOMPARE(h.base_sequence, -1);

        std::vector<Record> decoded(1);  // decoding appends
        QCOMPARE(decode_records(batch, decoded), BatchError::None);
        QCOMPARE(decoded.size(), expected.size() + 1);
        decoded.erase(decoded.begin());
        QCOMPARE(decoded.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            if (!(decoded[i] == expected[i]))
                QFAIL(qPrintable(QString("record %1 differs").arg(i)));
        }

        // A smaller limit than the records section is refused, and leaves out untouched.
        std::vector<Record> limited;
        QCOMPARE(decode_records(batch, limited, 100000), BatchError::TooLarge);
        QVERIFY(limited.empty());

        // clear() starts a fresh batch.
        builder.clear();
        QVERIFY(builder.empty());
        builder.append(std::nullopt, view_of("again"), 5);
        Bytes second = builder.build();
        std::vector<Record> again;
        QCOMPARE(decode_records(second, again), BatchError::None);
        QCOMPARE(again.size(), std::size_t{1});
        QCOMPARE(again[0].offset, std::int64_t{0});
        QCOMPARE(again[0].timestamp_ms, std::int64_t{5});
        QCOMPARE(*again[0].value, bytes_of("again"));
    }

    void log_append_time_reports_max_timestamp() {
        RecordBatchBuilder builder;
        builder.append(view_of("a"), view_of("1"), 100);
        builder.append(view_of("b"), view_of("2"), 200);
        Bytes batch = builder.build();
        // What a broker with message.timestamp.type=LogAppendTime does: set the attribute and
        // MaxTimestamp, and reseal.
        batch[22] |= 0x08;
        Writer(batch).patch_i32(35, 0);
        Writer(batch).patch_i32(39, 999);
        reseal(batch);
        std::vector<Record> out;
        QCOMPARE(decode_records(batch, out), BatchError::None);
        QCOMPARE(out.size(), std::size_t{2});
        QCOMPARE(out[0].timestamp_ms, std::int64_t{999});
        QCOMPARE(out[1].timestamp_ms, std::int64_t{999});
    }

    void extreme_timestamps_wrap_like_java() {
        RecordBatchBuilder builder;
        builder.append(std::nullopt, std::nullopt, INT64_MIN);
        builder.append(std::nullopt, std::nullopt, INT64_MAX);
        builder.append(std::nullopt, std::nullopt, -1);
        std::vector<Record> out;
        QCOMPARE(decode_records(builder.build(), out), BatchError::None);
        QCOMPARE(out[0].timestamp_ms, INT64_MIN);
        QCOMPARE(out[1].timestamp_ms, INT64_MAX);
        QCOMPARE(out[2].timestamp_ms, std::int64_t{-1});
    }

    void corrupt_records_are_errors() {
        const Bytes good = concat({raw_record(0, 1, "a", 1, "x"), raw_record(1, 1, "b", 1, "y")});
        std::vector<Record> out;
        QCOMPARE(decode_records(batch_around(good, 2), out), BatchError::None);
        QCOMPARE(out.size(), std::size_t{2});

        auto expect_corrupt = [](const Bytes& batch, const char* what) {
            std::vector<Record> out(1);
            BatchError err = decode_records(batch, out);
            if (err != BatchError::CorruptRecords)
                QFAIL(qPrintable(QString("%1: got %2").arg(what).arg(describe(err).data())));
            if (out.size() != 1) QFAIL(qPrintable(QString("%1: out was changed").arg(what)));
        };
        expect_corrupt(batch_around(good, 3), "count above the records present");
        expect_corrupt(batch_around(good, 1), "count below the records present");
        expect_corrupt(batch_around(concat({good, Bytes{0}}), 2), "trailing byte");
        expect_corrupt(batch_around(concat({raw_record(0, 1, "a", 1, "x", 0, +1), Bytes{0}}), 1),
                       "record length too long");
        expect_corrupt(batch_around(raw_record(0, 1, "a", 1, "x", 0, -1), 1),
                       "record length too short");
        expect_corrupt(batch_around(Bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0}, 1),
                       "varint longer than 5 bytes");
        expect_corrupt(batch_around(Bytes{0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 0}, 1),
                       "varint beyond 32 bits");
        expect_corrupt(batch_around(Bytes{0x01}, 1), "negative record length");
        expect_corrupt(batch_around(raw_record(0, -2, "", 1, "x"), 1), "key length -2");
        expect_corrupt(batch_around(raw_record(0, 5, "a", 1, "x"), 1), "key longer than record");
        expect_corrupt(batch_around(raw_record(0, 1, "a", -7, ""), 1), "value length -7");
        expect_corrupt(batch_around(raw_record(0, 1, "a", 1, "x", -1), 1), "negative headers");
        expect_corrupt(batch_around(raw_record(0, 1, "a", 1, "x", 1000000), 1), "huge headers");
        expect_corrupt(
            batch_around(concat({raw_record(0, 1, "a", 1, "x"), raw_record(0, 1, "b", 1, "y")}), 2),
            "repeated offset delta");
        expect_corrupt(batch_around(raw_record(3, 1, "a", 1, "x"), 1),
                       "delta past LastOffsetDelta");

        // A header with a null key (Java: "Invalid negative header key size").
        Bytes body;
        Writer w(body);
        w.i8(0);
        w.varlong(0);
        w.varint(0);
        w.varint(-1);
        w.varint(-1);
        w.varint(1);
        w.varint(-1);
        w.varint(-1);
        Bytes rec;
        Writer(rec).varint(static_cast<std::int32_t>(body.size()));
        expect_corrupt(batch_around(concat({rec, body}), 1), "null header key");

        // More records claimed than could fit in the section (caught before reserving).
        expect_corrupt(batch_around(good, 1000000, Compression::None, 1), "absurd count");

        // Compressed batches: garbage payload, and the record checks after decompression.
        Bytes garbage = batch_around(good, 2);
        garbage[22] = static_cast<std::uint8_t>(Compression::Gzip);
        reseal(garbage);
        expect_corrupt(garbage, "gzip attribute on plain records");
        for (auto c : kRealCodecs)
            expect_corrupt(batch_around(good, 3, c), "compressed, count above records");
    }

    void mutated_batches_never_crash_data() {
        QTest::addColumn<int>("codec");
        for (auto c : kAllCodecs)
            QTest::newRow(name(c)) << int(c);
    }
    void mutated_batches_never_crash() {
        // Random damage behind a valid CRC, so every mutation reaches the codec and the record
        // decoder. Whatever happens must be an error value or a clean decode (run under ASan).
        QFETCH(int, codec);
        RecordBatchBuilder builder(static_cast<Compression>(codec));
        for (int i = 0; i < 50; ++i) {
            builder.append(bytes_of("key-" + std::to_string(i)), compressible_bytes(40, i), i,
                           {{"h", bytes_of("v")}});
        }
        const Bytes batch = builder.build();
        std::mt19937 rng(50 + codec);
        for (int i = 0; i < 3000; ++i) {
            Bytes damaged = batch;
            int flips = 1 + static_cast<int>(rng() % 4);
            for (int f = 0; f < flips; ++f) {
                std::size_t at = kRecordBatchHeaderBytes + rng() % (damaged.size() - 61);
                damaged[at] = static_cast<std::uint8_t>(rng());
            }
            if (rng() % 8 == 0) damaged.resize(61 + rng() % (damaged.size() - 61));
            reseal(damaged);
            std::vector<Record> out;
            BatchError err = decode_records(damaged, out, 1 << 20);
            // Damage inside keys and values (no codec, or no checksum in snappy/lz4/zstd) can
            // still decode; then it is all 50 records.
            QVERIFY(err == BatchError::None ? out.size() == 50 : out.empty());
        }
    }

    void batch_level_errors_pass_through() {
        RecordBatchBuilder builder(Compression::Lz4);
        builder.append(view_of("k"), view_of("v"), 1);
        Bytes batch = builder.build();
        std::vector<Record> out;
        Bytes bad_crc = batch;
        bad_crc.back() ^= 0x01;
        QCOMPARE(decode_records(bad_crc, out), BatchError::CrcMismatch);
        QCOMPARE(decode_records(ByteView(batch).first(40), out), BatchError::Truncated);
        Bytes magic1 = batch;
        magic1[16] = 1;
        QCOMPARE(decode_records(magic1, out), BatchError::UnsupportedMagic);
        QVERIFY(out.empty());

        // A bomb inside a batch: refused at the limit.
        Bytes zeros(4u << 20, 0);
        RecordBatchBuilder bomb(Compression::Zstd);
        bomb.append(std::nullopt, zeros, 1);
        Bytes bomb_batch = bomb.build();
        QVERIFY(bomb_batch.size() < 4096);
        QCOMPARE(decode_records(bomb_batch, out, 1 << 20), BatchError::TooLarge);
        QCOMPARE(decode_records(bomb_batch, out, 8 << 20), BatchError::None);
        QCOMPARE(out.at(0).value->size(), zeros.size());
    }

    // --- a producer's batch checked against its header (issue 12, item 5) ----------------------

    void validate_records_accepts_what_producers_build() {
        for (auto c : kAllCodecs) {
            RecordBatchBuilder builder(c);
            for (int i = 0; i < 20; ++i)
                builder.append(bytes_of("k" + std::to_string(i)), compressible_bytes(30, i), i,
                               {{"h", std::nullopt}});
            auto verdict = validate_records(builder.build(), 1 << 20);
            QVERIFY2(verdict.ok(), qPrintable(QString(name(c)) + ": " + verdict.reason.c_str()));
            QVERIFY(verdict.reason.empty());
        }
    }

    void validate_records_refuses_a_count_the_records_do_not_match() {
        auto expect = [](const Bytes& batch, BatchError want, const char* words, const char* what) {
            auto verdict = validate_records(batch, 1 << 20);
            if (verdict.error != want)
                QFAIL(qPrintable(QString("%1: got %2 (%3)")
                                     .arg(what)
                                     .arg(describe(verdict.error).data())
                                     .arg(verdict.reason.c_str())));
            if (verdict.reason.find(words) == std::string::npos)
                QFAIL(qPrintable(QString("%1: reason '%2' lacks '%3'")
                                     .arg(what)
                                     .arg(verdict.reason.c_str())
                                     .arg(words)));
        };
        const Bytes one = raw_record(0, 1, "a", 1, "x");
        // The tester's first batch: a header claiming 2^31-1 records holding one (the log end
        // offset jumped by 2^31-1).
        expect(batch_around(one, 0x7fffffff), BatchError::InvalidRecordCount,
               "claims 2147483647 records but the batch holds 1", "2^31-1 claimed, 1 held");
        // The second: one record claimed, 1,000 held (they hid the next acknowledged record).
        Bytes thousand;
        for (int i = 0; i < 1000; ++i) {
            const Bytes r = raw_record(i, 1, "k", 1, "v");
            thousand.insert(thousand.end(), r.begin(), r.end());
        }
        expect(batch_around(thousand, 1), BatchError::InvalidRecordCount,
               "claims 1 record but the batch holds 1000", "1 claimed, 1000 held");
        for (auto c : kRealCodecs)
            expect(batch_around(thousand, 1, c), BatchError::InvalidRecordCount, "holds 1000",
                   "compressed, 1 claimed, 1000 held");
        // Offset deltas must be 0, 1, 2, ... (decode_records allows gaps; a producer may not).
        expect(batch_around(concat({raw_record(0, 1, "a", 1, "x"), raw_record(2, 1, "b", 1, "y")}),
                            2, Compression::None, 1),
               BatchError::InvalidRecordCount, "record 1 has offset delta 2", "a gap in deltas");
        expect(batch_around(concat({one, one}), 2), BatchError::InvalidRecordCount,
               "record 1 has offset delta 0", "a repeated delta");
        expect(batch_around(one, 1, Compression::None, 5), BatchError::InvalidRecordCount,
               "last offset delta of 5", "LastOffsetDelta past the count");
        expect(batch_around(Bytes{}, 0), BatchError::InvalidRecordCount, "claims 0 records",
               "an empty batch");
        expect(batch_around(concat({one, Bytes{0}}), 1), BatchError::CorruptRecords,
               "record 1 of the batch is malformed", "a trailing byte");
        expect(batch_around(raw_record(0, 5, "a", 1, "x"), 1), BatchError::CorruptRecords,
               "record 0 of the batch is malformed", "a key longer than its record");
        Bytes bad_crc = batch_around(one, 1);
        bad_crc.back() ^= 1;
        expect(bad_crc, BatchError::CrcMismatch, "CRC", "a wrong CRC");
    }

    void validate_records_refuses_a_decompression_bomb() {
        // 8 MiB of zeros in a batch of a few hundred bytes: refused at the limit, not expanded.
        Bytes zeros(8u << 20, 0);
        for (auto c : kRealCodecs) {
            RecordBatchBuilder bomb(c);
            bomb.append(std::nullopt, zeros, 1);
            const Bytes batch = bomb.build();
            auto verdict = validate_records(batch, 1 << 20);
            QCOMPARE(verdict.error, BatchError::TooLarge);
            QVERIFY(verdict.reason.find("more than 1048576 bytes once decompressed") !=
                    std::string::npos);
            auto fits = validate_records(batch, 16 << 20);
            QVERIFY(fits.ok());
            QVERIFY(fits.decompressed_bytes > zeros.size());  // the records section, expanded
        }
        QCOMPARE(validate_records(records_batch_of(zeros), 16 << 20).decompressed_bytes,
                 std::size_t{0});
        QCOMPARE(decompressed_batch_limit(1048588), kMinDecompressedBatchLimit);
        QCOMPARE(decompressed_batch_limit(std::size_t{64} << 20), std::size_t{64} << 20);
    }

    void find_record_at_or_after_reads_one_batch() {
        RecordBatchBuilder builder(Compression::Lz4);
        for (int i = 0; i < 10; ++i)
            builder.append(view_of("k"), view_of("v"), 1000 + 10 * i);
        const Bytes batch = builder.build(500);
        std::optional<TimestampedOffset> found;
        QCOMPARE(find_record_at_or_after(batch, 1035, 1 << 20, found), BatchError::None);
        QVERIFY(found);
        QCOMPARE(found->offset, 504);
        QCOMPARE(found->timestamp_ms, 1040);
        QCOMPARE(find_record_at_or_after(batch, 0, 1 << 20, found), BatchError::None);
        QCOMPARE(found->offset, 500);
        QCOMPARE(find_record_at_or_after(batch, 2000, 1 << 20, found), BatchError::None);
        QVERIFY(!found);

        Bytes zeros(8u << 20, 0);
        RecordBatchBuilder bomb(Compression::Zstd);
        bomb.append(std::nullopt, zeros, 1);
        QCOMPARE(find_record_at_or_after(bomb.build(), 0, 1 << 20, found), BatchError::TooLarge);
        QVERIFY(!found);
        Bytes bad = batch;
        bad.back() ^= 1;
        QCOMPARE(find_record_at_or_after(bad, 0, 1 << 20, found), BatchError::CrcMismatch);
    }

    // --- golden captures from real clients ----------------------------------------------------

    void golden_produce_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("codec");
        QTest::addColumn<int>("version");
        QTest::addColumn<QString>("client");
        QTest::addColumn<int>("acks");
        const char* kcat[] = {"none", "gzip", "snappy", "lz4", "zstd"};
        for (int i = 0; i < 5; ++i) {
            QString file = QString("kcat-produce-v7-%1.hex").arg(kcat[i]);
            QTest::newRow(qPrintable(file)) << file << i << 7 << "rdkafka" << -1;
        }
        // Under the default advertised set (Produce 3-7) librdkafka 2.0.2 drops the codec.
        QTest::newRow("kcat-gzip-downgraded")
            << "kcat-produce-v7-gzip-downgraded.hex" << 0 << 7 << "rdkafka" << -1;
        QTest::newRow("kafka-python-none")
            << "kafka-python-produce-v3-none.hex" << 0 << 3 << "kafka-python-producer-1" << 1;
        QTest::newRow("kafka-python-gzip")
            << "kafka-python-produce-v3-gzip.hex" << 1 << 3 << "kafka-python-producer-1" << 1;
    }
    void golden_produce() {
        QFETCH(QString, file);
        QFETCH(int, codec);
        QFETCH(int, version);
        QFETCH(QString, client);
        QFETCH(int, acks);
        Bytes frame = read_hex_file(file);
        ProduceFrame p;
        QVERIFY(parse_produce(frame, p));
        QCOMPARE(int(p.api_version), version);
        QCOMPARE(QString::fromStdString(p.client_id.value_or("")), client);
        QVERIFY(!p.transactional_id.has_value());
        QCOMPARE(int(p.acks), acks);
        QCOMPARE(p.timeout_ms, 30000);
        QCOMPARE(p.topic, std::string("golden"));
        QCOMPARE(p.partition, 0);

        // The header decoder agrees with the hand parse.
        Reader hr(ByteView(frame).subspan(kFrameSizeBytes));
        RequestHeader header;
        QVERIFY(decode_request_header(hr, header));
        QCOMPARE(header.api_key, std::int16_t{0});
        QCOMPARE(int(header.api_version), version);

        RecordBatchHeader h;
        QCOMPARE(validate_batch(p.records, p.records.size(), &h), BatchError::None);
        QCOMPARE(h.size_bytes(), p.records.size());  // exactly one batch
        QCOMPARE(int(h.compression()), codec);
        QCOMPARE(h.records_count, 3);
        QCOMPARE(h.last_offset_delta, 2);
        QCOMPARE(h.base_offset, std::int64_t{0});
        QCOMPARE(h.partition_leader_epoch, 0);  // both clients send 0 where Java sends -1
        QCOMPARE(h.producer_id, std::int64_t{-1});
        QCOMPARE(h.producer_epoch, std::int16_t{-1});
        QCOMPARE(h.base_sequence, -1);
        QVERIFY(!h.log_append_time() && !h.is_transactional() && !h.is_control());

        std::vector<Record> records;
        QCOMPARE(decode_records(p.records, records), BatchError::None);
        QCOMPARE(records.size(), std::size_t{3});
        for (int i = 0; i < 3; ++i) {
            const Record& r = records[i];
            QCOMPARE(r.offset, std::int64_t{i});
            std::string key = "key-" + std::to_string(i + 1);
            std::string value = "value-" + std::to_string(i + 1) + " ";
            for (int n = 0; n < 4; ++n)
                value += "kraftlab golden record ";
            QVERIFY(r.key.has_value() && r.value.has_value());
            QCOMPARE(*r.key, bytes_of(key));
            QCOMPARE(*r.value, bytes_of(value));
            QVERIFY(r.headers.empty());
            QVERIFY(r.timestamp_ms >= h.base_timestamp && r.timestamp_ms <= h.max_timestamp);
        }

        // Rebuilt with the same records and timestamps, our uncompressed batch matches the
        // client's byte for byte except PartitionLeaderEpoch (bytes 12-15: they send 0, we -1,
        // as Java does; it lies outside the CRC, so the CRCs agree). For compressed captures the
        // records section matches the client's once decompressed.
        RecordBatchBuilder builder(Compression::None);
        for (const Record& r : records)
            builder.append(ByteView(*r.key), ByteView(*r.value), r.timestamp_ms);
        Bytes ours = builder.build(0);
        if (codec == 0) {
            QCOMPARE(ours.size(), p.records.size());
            Bytes theirs = p.records;
            Writer(theirs).patch_i32(12, -1);
            QCOMPARE(ours, theirs);
        } else {
            Bytes section;
            QCOMPARE(decompress(h.compression(), ByteView(p.records).subspan(61), section, 1 << 20),
                     CompressionError::None);
            QCOMPARE(Bytes(ours.begin() + 61, ours.end()), section);
            // And our own codec, applied to the same records, round-trips through the decoder.
            RecordBatchBuilder same(h.compression());
            for (const Record& r : records)
                same.append(ByteView(*r.key), ByteView(*r.value), r.timestamp_ms);
            std::vector<Record> back;
            QCOMPARE(decode_records(same.build(), back), BatchError::None);
            QVERIFY(back == records);
        }
    }

    void golden_wire_facts() {
        // Which codec framing each client really wrote (see the capture script's header).
        auto section = [](const char* file) {
            ProduceFrame p;
            if (!parse_produce(read_hex_file(file), p)) qFatal("bad frame %s", file);
            return Bytes(p.records.begin() + 61, p.records.end());
        };
        Bytes snappy = section("kcat-produce-v7-snappy.hex");
        QVERIFY(snappy[0] != 0x82);  // librdkafka: raw snappy, no xerial framing
        Bytes lz4 = section("kcat-produce-v7-lz4.hex");
        QCOMPARE(Bytes(lz4.begin(), lz4.begin() + 6), (Bytes{0x04, 0x22, 0x4d, 0x18, 0x60, 0x40}));
        Bytes zstd = section("kcat-produce-v7-zstd.hex");
        QCOMPARE(Bytes(zstd.begin(), zstd.begin() + 4), (Bytes{0x28, 0xb5, 0x2f, 0xfd}));
        QCOMPARE(zstd[4] & 0xc0, 0);  // Frame_Content_Size_flag 0: no content size
        QCOMPARE(zstd[4] & 0x20, 0);  // not single-segment
        for (const char* f : {"kcat-produce-v7-gzip.hex", "kafka-python-produce-v3-gzip.hex"}) {
            Bytes gz = section(f);
            QCOMPARE(Bytes(gz.begin(), gz.begin() + 3), (Bytes{0x1f, 0x8b, 0x08}));
        }

        // kcat's first request: ApiVersions v3, flexible header v2, client software name/version.
        Bytes av = read_hex_file("kcat-apiversions-v3.hex");
        Reader in(ByteView(av).subspan(kFrameSizeBytes));
        RequestHeader header;
        QVERIFY(decode_request_header(in, header));
        QCOMPARE(header.api_key, std::int16_t{18});
        QCOMPARE(header.api_version, std::int16_t{3});
        QCOMPARE(header.client_id.value_or(""), std::string("rdkafka"));
        QCOMPARE(in.compact_string(), std::string("librdkafka"));
        QCOMPARE(in.compact_string(), std::string("2.0.2"));
        in.tagged_fields();
        QVERIFY(in.at_end());

        // kcat's Metadata v4: topic "golden", AllowAutoTopicCreation true (producer default).
        Bytes md = read_hex_file("kcat-metadata-v4.hex");
        Reader m(ByteView(md).subspan(kFrameSizeBytes));
        QVERIFY(decode_request_header(m, header));
        QCOMPARE(header.api_version, std::int16_t{4});
        QCOMPARE(m.array_length(), 1);
        QCOMPARE(m.string(), std::string("golden"));
        QCOMPARE(m.boolean(), true);
        QVERIFY(m.at_end());

        // kafka-python: ApiVersions v0 (empty body), Metadata v0 with [] (all topics) as the
        // probe, then Metadata v1 with a null array (all topics, not just "golden").
        Bytes kav = read_hex_file("kafka-python-apiversions-v0.hex");
        Reader k(ByteView(kav).subspan(kFrameSizeBytes));
        QVERIFY(decode_request_header(k, header));
        QCOMPARE(header.api_version, std::int16_t{0});
        QCOMPARE(header.correlation_id, 1);
        QVERIFY(k.at_end());
        Bytes kmd0 = read_hex_file("kafka-python-metadata-v0.hex");
        Reader k0(ByteView(kmd0).subspan(kFrameSizeBytes));
        QVERIFY(decode_request_header(k0, header));
        QCOMPARE(header.correlation_id, 2);
        QCOMPARE(k0.array_length(), 0);
        QVERIFY(k0.at_end());
        Bytes kmd1 = read_hex_file("kafka-python-metadata-v1.hex");
        Reader k1(ByteView(kmd1).subspan(kFrameSizeBytes));
        QVERIFY(decode_request_header(k1, header));
        QCOMPARE(header.api_version, std::int16_t{1});
        QCOMPARE(k1.array_length(), -1);
        QVERIFY(k1.at_end());
    }
};

QTEST_APPLESS_MAIN(RecordsTest)
#include "test_records.moc"
