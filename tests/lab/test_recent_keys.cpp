// The recent keys a partition leader shows in its snapshot: the newest keys, oldest first,
// across batches, compressed or not; text as is, anything else as hex.
#include <QtTest>

#include "broker/recent_keys.h"
#include "protocol/record_batch.h"
#include "protocol/records.h"

using namespace kraftlab;
using namespace kraftlab::protocol;
using broker::display_key;
using broker::RecentKeys;

namespace {

Bytes text(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

// A batch as the leader stores it: keys "k<first>".."k<first+count-1>" at offset `first`.
Bytes batch(int first, int count, Compression c = Compression::None) {
    RecordBatchBuilder b(c);
    for (int i = first; i < first + count; ++i) {
        auto key = text("k" + std::to_string(i));
        auto value = text("v");
        b.append(ByteView(key), ByteView(value), 1000 + i);
    }
    Bytes out = b.build();
    stamp_batch(out, first, 0);
    return out;
}

std::vector<std::string> names(int from, int to) {
    std::vector<std::string> out;
    for (int i = from; i <= to; ++i)
        out.push_back("k" + std::to_string(i));
    return out;
}

}  // namespace

class RecentKeysTest : public QObject {
    Q_OBJECT

  private slots:
    void keys_are_shown_as_text_or_hex() {
        QCOMPARE(display_key(std::nullopt), std::string("(null)"));
        QCOMPARE(display_key(text("order-17")), std::string("order-17"));
        QCOMPARE(display_key(text("clé €")), std::string("clé €"));
        QCOMPARE(display_key(Bytes{0x00, 0x01, 0xff}), std::string("0001ff"));
        QCOMPARE(display_key(text("a\nb")), std::string("610a62"));
        QCOMPARE(display_key(Bytes{0xc3}), std::string("c3"));                  // cut-short UTF-8
        QCOMPARE(display_key(Bytes{0xc0, 0x80}), std::string("c080"));          // overlong
        QCOMPARE(display_key(Bytes{0xed, 0xa0, 0x80}), std::string("eda080"));  // surrogate
        QCOMPARE(display_key(Bytes{}), std::string(""));
        const std::string long_key(100, 'x');
        auto shown = display_key(text(long_key));
        QCOMPARE(shown.size(), RecentKeys::kMaxKeyChars);
        QVERIFY(shown.ends_with("..."));
        auto long_binary = display_key(Bytes(100, 0x01));
        QVERIFY(long_binary.size() <= RecentKeys::kMaxKeyChars);
        QVERIFY(long_binary.ends_with("..."));
    }

    void the_newest_keys_across_batches_oldest_first() {
        RecentKeys recent;
        QVERIFY(recent.keys().empty());
        QCOMPARE(recent.end_offset(), std::int64_t{0});
        recent.appended(batch(0, 5));
        QCOMPARE(recent.keys(), names(0, 4));
        recent.appended(batch(5, 5));
        QCOMPARE(recent.keys(), names(2, 9));
        QCOMPARE(recent.end_offset(), std::int64_t{10});
        // Two batches in one append, one of them compressed.
        Bytes both = batch(10, 3, Compression::Zstd);
        Bytes more = batch(13, 2, Compression::Lz4);
        both.insert(both.end(), more.begin(), more.end());
        recent.appended(both);
        QCOMPARE(recent.keys(), names(7, 14));
        QCOMPARE(recent.end_offset(), std::int64_t{15});
        // A big batch alone covers all eight.
        recent.appended(batch(15, 100, Compression::Gzip));
        QCOMPARE(recent.keys(), names(107, 114));
        QCOMPARE(recent.end_offset(), std::int64_t{115});
    }

    void one_record_batches_keep_the_ring_small() {
        RecentKeys recent;
        for (int i = 0; i < 1000; ++i)
            recent.appended(batch(i, 1));
        QCOMPARE(recent.keys(), names(992, 999));
        QCOMPARE(recent.end_offset(), std::int64_t{1000});
    }

    void null_keys_are_marked() {
        RecordBatchBuilder b;
        auto v = text("v");
        b.append(std::nullopt, ByteView(v), 1);
        auto k = text("real");
        b.append(ByteView(k), ByteView(v), 2);
        Bytes out = b.build();
        stamp_batch(out, 40, 0);
        RecentKeys recent;
        recent.appended(out);
        QCOMPARE(recent.keys(), (std::vector<std::string>{"(null)", "real"}));
        QCOMPARE(recent.end_offset(), std::int64_t{42});
    }
};

QTEST_GUILESS_MAIN(RecentKeysTest)
#include "test_recent_keys.moc"
