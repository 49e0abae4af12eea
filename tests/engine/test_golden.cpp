// Golden bytes from real clients (tests/engine/golden, captured by
// tests/tools/capture_requests.py): every captured request frame decodes with this project's
// message codecs, carries what the client was told to send, and re-encodes to exactly the client's
// bytes.
#include <QtTest>
#include <cctype>
#include <fstream>
#include <sstream>

#include "protocol/api_versions.h"
#include "protocol/header.h"
#include "protocol/metadata.h"
#include "protocol/produce.h"
#include "protocol/record_batch.h"
#include "protocol/records.h"

using namespace kraftlab::protocol;

namespace {

Bytes read_hex_file(const QString& file) {
    std::ifstream in(std::string(KRAFTLAB_GOLDEN_DIR) + "/" + file.toStdString());
    if (!in) qFatal("missing golden file %s", qPrintable(file));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string hex;
    for (char c : ss.str()) {
        if (std::isxdigit(static_cast<unsigned char>(c))) hex.push_back(c);
    }
    Bytes out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

// Splits a captured frame into its header and a reader positioned at the body.
struct Frame {
    Bytes bytes;
    RequestHeader header;
    std::size_t body_offset = 0;
};

Frame open_frame(const QString& file) {
    Frame f;
    f.bytes = read_hex_file(file);
    Reader size_reader(f.bytes);
    const auto size = size_reader.i32();
    if (static_cast<std::size_t>(size) + 4 != f.bytes.size())
        qFatal("size prefix mismatch in %s", qPrintable(file));
    Reader r(ByteView(f.bytes).subspan(4));
    if (!decode_request_header(r, f.header)) qFatal("bad header in %s", qPrintable(file));
    f.body_offset = 4 + r.position();
    return f;
}

// Decodes the body with M, checks it consumed everything, re-encodes header + body and compares
// with the captured bytes.
template <typename M>
M decode_and_reencode(const Frame& f) {
    Reader body(ByteView(f.bytes).subspan(f.body_offset));
    M message;
    if (!message.decode(body, f.header.api_version)) {
        QTest::qFail("decode failed", __FILE__, __LINE__);
        return message;
    }
    if (!body.at_end()) QTest::qFail("bytes left after the body", __FILE__, __LINE__);
    Bytes again;
    Writer w(again);
    w.i32(0);
    encode_request_header(w, f.header);
    message.encode(w, f.header.api_version);
    w.patch_i32(0, static_cast<std::int32_t>(again.size() - 4));
    if (again != f.bytes)
        QTest::qFail("re-encoding differs from the client's bytes", __FILE__, __LINE__);
    return message;
}

}  // namespace

class GoldenTest : public QObject {
    Q_OBJECT

  private slots:
    void kcat_api_versions_v3() {
        auto f = open_frame("kcat-apiversions-v3.hex");
        QCOMPARE(f.header.api_key, to_wire(ApiKey::ApiVersions));
        QCOMPARE(f.header.api_version, std::int16_t(3));
        QCOMPARE(f.header.header_version(), std::int16_t(2));
        auto m = decode_and_reencode<ApiVersionsRequest>(f);
        QCOMPARE(m.client_software_name, std::string("librdkafka"));
        QCOMPARE(m.client_software_version, std::string("2.0.2"));
    }

    void kcat_metadata_v4() {
        auto f = open_frame("kcat-metadata-v4.hex");
        QCOMPARE(f.header.api_version, std::int16_t(4));
        auto m = decode_and_reencode<MetadataRequest>(f);
        QVERIFY(m.topics.has_value());
        QCOMPARE(m.topics->size(), 1u);
        QCOMPARE(m.topics->front().name, std::string("golden"));
        QVERIFY(m.allow_auto_topic_creation);
    }

    void kafka_python_probe() {
        auto av = open_frame("kafka-python-apiversions-v0.hex");
        QCOMPARE(av.header.api_version, std::int16_t(0));
        decode_and_reencode<ApiVersionsRequest>(av);
        auto md0 = open_frame("kafka-python-metadata-v0.hex");
        QCOMPARE(md0.header.api_version, std::int16_t(0));
        auto m0 = decode_and_reencode<MetadataRequest>(md0);
        QVERIFY(!m0.topics.has_value());  // v0's empty array: all topics
        auto md1 = open_frame("kafka-python-metadata-v1.hex");
        auto m1 = decode_and_reencode<MetadataRequest>(md1);
        QVERIFY(!m1.topics.has_value());  // v1's null array: all topics
    }

    void produce_requests_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("version");
        QTest::addColumn<int>("acks");
        QTest::addColumn<int>("codec");
        QTest::newRow("kcat none")
            << "kcat-produce-v7-none.hex" << 7 << -1 << int(Compression::None);
        QTest::newRow("kcat gzip")
            << "kcat-produce-v7-gzip.hex" << 7 << -1 << int(Compression::Gzip);
        QTest::newRow("kcat snappy")
            << "kcat-produce-v7-snappy.hex" << 7 << -1 << int(Compression::Snappy);
        QTest::newRow("kcat lz4") << "kcat-produce-v7-lz4.hex" << 7 << -1 << int(Compression::Lz4);
        QTest::newRow("kcat zstd")
            << "kcat-produce-v7-zstd.hex" << 7 << -1 << int(Compression::Zstd);
        QTest::newRow("kcat gzip downgraded")
            << "kcat-produce-v7-gzip-downgraded.hex" << 7 << -1 << int(Compression::None);
        QTest::newRow("kafka-python none")
            << "kafka-python-produce-v3-none.hex" << 3 << 1 << int(Compression::None);
        QTest::newRow("kafka-python gzip")
            << "kafka-python-produce-v3-gzip.hex" << 3 << 1 << int(Compression::Gzip);
    }

    void produce_requests() {
        QFETCH(QString, file);
        QFETCH(int, version);
        QFETCH(int, acks);
        QFETCH(int, codec);
        auto f = open_frame(file);
        QCOMPARE(f.header.api_version, std::int16_t(version));
        auto p = decode_and_reencode<ProduceRequest>(f);
        QCOMPARE(p.acks, std::int16_t(acks));
        QVERIFY(!p.transactional_id.has_value());
        QCOMPARE(p.topic_data.size(), 1u);
        QCOMPARE(p.topic_data[0].name, std::string("golden"));
        const auto& records = p.topic_data[0].partition_data.at(0).records;
        QVERIFY(records.has_value());
        RecordBatchHeader h;
        QCOMPARE(int(validate_batch(*records, SIZE_MAX, &h)), int(BatchError::None));
        QCOMPARE(int(h.compression()), codec);
        std::vector<Record> decoded;
        QCOMPARE(int(decode_records(*records, decoded)), int(BatchError::None));
        QCOMPARE(decoded.size(), 3u);
        for (int i = 0; i < 3; ++i) {
            std::string key(decoded[i].key->begin(), decoded[i].key->end());
            QCOMPARE(key, "key-" + std::to_string(i + 1));
        }
    }
};

QTEST_APPLESS_MAIN(GoldenTest)
#include "test_golden.moc"
