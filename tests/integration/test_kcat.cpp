// kcat (librdkafka 2.0.2) against kraftlab-cluster: metadata, and 10,000 keyed records produced
// and consumed back byte for byte with each compression codec. The on-disk segments are read
// afterwards to prove that each codec really reached the broker (librdkafka silently sends
// uncompressed batches to a broker whose API versions it distrusts).
#include <QDateTime>
#include <QDirIterator>
#include <QtTest>
#include <map>

#include "lab_process.h"
#include "protocol/record_batch.h"

using namespace kraftlab::testing;
using kraftlab::protocol::BatchIterator;
using kraftlab::protocol::Compression;

namespace {

constexpr int kRecords = 10'000;

// Keyed, compressible values (repeated words), so that no codec falls back to "uncompressed is
// smaller". Values are printable: kcat's line input cannot carry newlines.
QByteArray make_input(const QString& codec) {
    QByteArray input;
    for (int i = 0; i < kRecords; ++i) {
        input += "key-" + QByteArray::number(i % 97) + ":" + codec.toUtf8() + "-value-" +
                 QByteArray::number(i) + " the quick brown fox jumps over the lazy dog " +
                 QByteArray::number(i * 7919 % 10007) + "\n";
    }
    return input;
}

// Counts batches per codec in the topic's segment files under the session directory.
std::map<Compression, int> codecs_on_disk(const QString& data_dir, const QString& topic) {
    std::map<Compression, int> counts;
    QDirIterator it(data_dir, {"*.log"}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QString path = it.next();
        QString partition_dir = QFileInfo(path).dir().dirName();
        if (!partition_dir.startsWith(topic + "-")) continue;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) continue;
        QByteArray bytes = f.readAll();
        BatchIterator batches({reinterpret_cast<const std::uint8_t*>(bytes.constData()),
                               static_cast<std::size_t>(bytes.size())},
                              SIZE_MAX, /*check_crc=*/true);
        while (batches.next())
            counts[batches.header().compression()]++;
    }
    return counts;
}

}  // namespace

class KcatTest : public QObject {
    Q_OBJECT

    LabProcess lab;

  private slots:
    void initTestCase() { QVERIFY(lab.start({"--brokers", "3"})); }
    void cleanupTestCase() { QCOMPARE(lab.quit(), 0); }

    // --client-sasl: the brokers require SASL PLAIN from clients; kcat with the README's -X
    // settings produces and consumes, kcat with a wrong password or without SASL gets nothing.
    void client_sasl_with_kcat() {
        LabProcess secured;
        QVERIFY(secured.start(
            {"--controllers", "1", "--brokers", "1", "--client-sasl", "alice:wonderland"}));
        QVERIFY(secured.command("create-topic secured 1")["ok"].toBool());
        auto sasl = [&](const QString& password) {
            return QStringList{
                "-b", secured.bootstrap(),        "-X", "security.protocol=SASL_PLAINTEXT",
                "-X", "sasl.mechanisms=PLAIN",    "-X", "sasl.username=alice",
                "-X", "sasl.password=" + password};
        };
        auto produced = run_client("kcat", sasl("wonderland") + QStringList{"-P", "-t", "secured"},
                                   "one\ntwo\nthree\n");
        QVERIFY2(produced.ok(), produced.err.constData());
        auto consumed =
            run_client("kcat", sasl("wonderland") +
                                   QStringList{"-C", "-t", "secured", "-o", "beginning", "-e"});
        QVERIFY2(consumed.ok(), consumed.err.constData());
        QCOMPARE(consumed.out, QByteArray("one\ntwo\nthree\n"));
        auto wrong = run_client("kcat", sasl("guess") + QStringList{"-L", "-m", "3"}, {}, 20'000);
        QVERIFY(!wrong.ok());
        QVERIFY2(wrong.err.contains("Authentication failed") || wrong.err.contains("SASL"),
                 wrong.err.constData());
        auto plaintext =
            run_client("kcat", {"-L", "-m", "3", "-b", secured.bootstrap()}, {}, 20'000);
        QVERIFY(!plaintext.ok());
        QCOMPARE(secured.quit(), 0);
    }

    void metadata_lists_brokers_topics_and_leaders() {
        auto created = lab.command("create-topic listing 6");
        QVERIFY2(created["ok"].toBool(), qPrintable(created["error"].toString()));
        auto r = run_client("kcat", {"-L", "-J", "-b", lab.bootstrap()});
        QVERIFY2(r.ok(), r.err.constData());
        auto doc = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(doc["brokers"].toArray().size(), 3);
        QJsonObject listing;
        for (const auto& t : doc["topics"].toArray()) {
            if (t.toObject()["topic"] == "listing") listing = t.toObject();
        }
        QVERIFY(!listing.isEmpty());
        const auto partitions = listing["partitions"].toArray();
        QCOMPARE(partitions.size(), 6);
        QSet<int> leaders;
        for (const auto& p : partitions) {
            auto o = p.toObject();
            QVERIFY(o["leader"].toInt() >= 1 && o["leader"].toInt() <= 3);
            leaders.insert(o["leader"].toInt());
            QCOMPARE(o["replicas"].toArray().size(), 1);
            QCOMPARE(o["isrs"].toArray().size(), 1);
        }
        QCOMPARE(leaders.size(), 3);  // spread over all brokers
    }

    void consume_from_a_timestamp() {
        // kcat -o s@T asks ListOffsets (by timestamp) where to start: only the second burst,
        // produced after T, comes back.
        QVERIFY(lab.command("create-topic stamps 2")["ok"].toBool());
        QByteArray first, second;
        for (int i = 0; i < 300; ++i)
            first += "early-" + QByteArray::number(i) + "\n";
        for (int i = 0; i < 200; ++i)
            second += "late-" + QByteArray::number(i) + "\n";
        QVERIFY(run_client("kcat", {"-P", "-b", lab.bootstrap(), "-t", "stamps"}, first).ok());
        QTest::qWait(50);
        const qint64 boundary = QDateTime::currentMSecsSinceEpoch();
        QTest::qWait(50);
        QVERIFY(run_client("kcat", {"-P", "-b", lab.bootstrap(), "-t", "stamps"}, second).ok());
        auto consumed = run_client("kcat", {"-C", "-b", lab.bootstrap(), "-t", "stamps", "-o",
                                            "s@" + QString::number(boundary), "-e", "-q"});
        QVERIFY2(consumed.ok(), consumed.err.constData());
        auto lines = consumed.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 200);
        for (const auto& line : lines)
            QVERIFY2(line.startsWith("late-"), line.constData());
    }

    void produce_and_consume_every_codec_data() {
        QTest::addColumn<QString>("codec");
        QTest::addColumn<int>("attribute");
        QTest::newRow("none") << "none" << int(Compression::None);
        QTest::newRow("gzip") << "gzip" << int(Compression::Gzip);
        QTest::newRow("snappy") << "snappy" << int(Compression::Snappy);
        QTest::newRow("lz4") << "lz4" << int(Compression::Lz4);
        QTest::newRow("zstd") << "zstd" << int(Compression::Zstd);
    }

    void produce_and_consume_every_codec() {
        QFETCH(QString, codec);
        QFETCH(int, attribute);
        const QString topic = "codec-" + codec;
        auto created = lab.command("create-topic " + topic + " 3");
        QVERIFY2(created["ok"].toBool(), qPrintable(created["error"].toString()));

        const QByteArray input = make_input(codec);
        auto produced = run_client("kcat",
                                   {"-P", "-b", lab.bootstrap(), "-t", topic, "-K:", "-z", codec,
                                    "-X", "linger.ms=20", "-X", "partitioner=murmur2_random"},
                                   input, 120'000);
        QVERIFY2(produced.ok(), produced.err.constData());
        QVERIFY2(!produced.err.contains("failed"), produced.err.constData());

        auto consumed = run_client("kcat",
                                   {"-C", "-b", lab.bootstrap(), "-t", topic, "-o", "beginning",
                                    "-e", "-q", "-f", "%p %k:%s\\n"},
                                   {}, 120'000);
        QVERIFY2(consumed.ok(), consumed.err.constData());

        // Byte for byte: the same multiset of key:value lines, and per key the same order
        // (one key always lands in one partition, and a partition keeps order).
        QList<QByteArray> sent = input.split('\n');
        sent.removeAll(QByteArray());
        QList<QByteArray> got;
        std::map<QByteArray, QList<QByteArray>> sent_by_key, got_by_key;
        std::map<QByteArray, QSet<int>> partitions_by_key;
        for (const auto& line : consumed.out.split('\n')) {
            if (line.isEmpty()) continue;
            int space = line.indexOf(' ');
            QByteArray record = line.mid(space + 1);
            got.append(record);
            QByteArray key = record.left(record.indexOf(':'));
            got_by_key[key].append(record);
            partitions_by_key[key].insert(line.left(space).toInt());
        }
        for (const auto& line : sent)
            sent_by_key[line.left(line.indexOf(':'))].append(line);
        QCOMPARE(got.size(), kRecords);
        auto sorted_sent = sent;
        auto sorted_got = got;
        std::sort(sorted_sent.begin(), sorted_sent.end());
        std::sort(sorted_got.begin(), sorted_got.end());
        QVERIFY(sorted_sent == sorted_got);
        QVERIFY(sent_by_key == got_by_key);
        for (const auto& [key, parts] : partitions_by_key)
            QCOMPARE(parts.size(), 1);

        // The codec really reached the broker's disk.
        auto on_disk = codecs_on_disk(lab.data_dir(), topic);
        const auto expected = static_cast<Compression>(attribute);
        QVERIFY2(on_disk[expected] > 0, qPrintable("no " + codec + " batch in the segment files"));
        // librdkafka may send a tiny tail batch uncompressed when compression would not pay.
        if (expected != Compression::None)
            QVERIFY(on_disk[expected] > 4 * on_disk[Compression::None]);
    }
};

QTEST_GUILESS_MAIN(KcatTest)
#include "test_kcat.moc"
