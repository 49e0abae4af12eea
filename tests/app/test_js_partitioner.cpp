// The custom JavaScript partitioner: good code places records; bad code (syntax errors,
// exceptions, wrong results, endless loops) is reported in plain words and never crashes
// anything. Runs the partitioner on a plain std::thread, as the producer does.
#include <QtTest>
#include <thread>

#include "js_partitioner.h"

using kraftlab::app::check_partitioner;
using kraftlab::app::JsPartitioner;
using kraftlab::lab::Partitioner;

namespace {

Partitioner::Choice choose(JsPartitioner& p, const char* key, int n) {
    std::string k(key), v("value");
    return p.choose(
        kraftlab::protocol::ByteView(reinterpret_cast<const std::uint8_t*>(k.data()), k.size()),
        kraftlab::protocol::ByteView(reinterpret_cast<const std::uint8_t*>(v.data()), v.size()), n);
}

}  // namespace

class JsPartitionerTest : public QObject {
    Q_OBJECT

  private slots:
    void good_code_places_records() {
        JsPartitioner p("function partition(key, value, n) { return key.length % n; }");
        QVERIFY2(p.ok(), qPrintable(p.error()));
        auto c = choose(p, "abcd", 3);
        QVERIFY(c.error.empty());
        QCOMPARE(c.partition, 1);
        // A null key arrives as null.
        JsPartitioner nulls("function partition(key, value, n) { return key === null ? 2 : 0; }");
        auto none = nulls.choose(std::nullopt, {}, 4);
        QCOMPARE(none.partition, 2);
    }

    void default_source_is_valid_everywhere() {
        for (int n : {1, 2, 3, 6, 12}) {
            auto check = check_partitioner(kraftlab::app::default_partitioner_source(), n);
            QVERIFY2(check.ok, qPrintable(check.message));
            QCOMPARE(check.preview.size(), 10);
            for (int p : check.preview)
                QVERIFY(p >= 0 && p < n);
        }
    }

    void syntax_error_names_the_line() {
        auto check = check_partitioner("function partition(key, value, n) {\n  return (;\n}", 3);
        QVERIFY(!check.ok);
        QCOMPARE(check.line, 2);
        QVERIFY(check.message.contains("SyntaxError"));
    }

    void missing_function_is_explained() {
        auto check = check_partitioner("var x = 1;", 3);
        QVERIFY(!check.ok);
        QVERIFY(check.message.contains("function partition"));
    }

    void exception_is_reported_per_record() {
        JsPartitioner p(
            "function partition(key, value, n) { throw new Error('no partition for ' + key); }");
        QVERIFY(p.ok());
        auto c = choose(p, "k1", 3);
        QCOMPARE(c.partition, -1);
        QVERIFY(QString::fromStdString(c.error).contains("no partition for k1"));
    }

    void wrong_results_are_refused_data() {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("fraction") << "return 1.5;"
                                  << "not a whole number";
        QTest::newRow("string") << "return '2';"
                                << "not a number";
        QTest::newRow("undefined") << "return;"
                                   << "undefined";
        QTest::newRow("NaN") << "return NaN;"
                             << "not a whole number";
        QTest::newRow("infinity") << "return Infinity;"
                                  << "not a whole number";
        QTest::newRow("negative") << "return -1;"
                                  << "partitions 0 to 2";
        QTest::newRow("too large") << "return n;"
                                   << "partitions 0 to 2";
        QTest::newRow("object") << "return {};"
                                << "not a number";
    }

    void wrong_results_are_refused() {
        QFETCH(QString, body);
        QFETCH(QString, expected);
        JsPartitioner p("function partition(key, value, n) { " + body + " }");
        QVERIFY(p.ok());
        auto c = choose(p, "k", 3);
        QCOMPARE(c.partition, -1);
        QVERIFY2(QString::fromStdString(c.error).contains(expected), c.error.c_str());
        // The editor's check says the same before anything runs.
        auto check = check_partitioner("function partition(key, value, n) { " + body + " }", 3);
        QVERIFY(!check.ok);
    }

    void endless_loop_is_interrupted_and_the_partitioner_stops() {
        JsPartitioner p("function partition(key, value, n) { while (true) {} }", 50);
        QVERIFY(p.ok());
        QElapsedTimer t;
        t.start();
        auto c = choose(p, "k", 3);
        QVERIFY(t.elapsed() < 5000);
        QCOMPARE(c.partition, -1);
        QVERIFY2(QString::fromStdString(c.error).contains("stopped"), c.error.c_str());
        // From then on it refuses at once, until replaced.
        t.restart();
        auto again = choose(p, "k", 3);
        QVERIFY(t.elapsed() < 20);
        QCOMPARE(again.partition, -1);
    }

    void endless_loop_at_top_level_is_interrupted() {
        JsPartitioner p("while (true) {}\nfunction partition(k, v, n) { return 0; }", 50);
        QVERIFY(!p.ok());
        QVERIFY(p.error().contains("top-level"));
    }

    void runs_on_a_plain_thread_like_the_producer() {
        std::vector<int> counts(4, 0);
        std::string error;
        std::thread worker([&] {
            auto factory = JsPartitioner::factory(
                "function partition(key, value, n) { return parseInt(key.substring(4)) % n; }");
            auto p = factory(&error);
            if (!p) return;
            for (int i = 0; i < 4000; ++i) {
                std::string key = "key-" + std::to_string(i);
                auto c =
                    p->choose(kraftlab::protocol::ByteView(
                                  reinterpret_cast<const std::uint8_t*>(key.data()), key.size()),
                              {}, 4);
                if (c.partition >= 0) counts[static_cast<std::size_t>(c.partition)]++;
            }
        });
        worker.join();
        QVERIFY2(error.empty(), error.c_str());
        for (int n : counts)
            QCOMPARE(n, 1000);
    }

    void factory_reports_compile_errors() {
        std::string error;
        auto p = JsPartitioner::factory("function partition( {")(&error);
        QVERIFY(!p);
        QVERIFY(!error.empty());
    }
};

QTEST_GUILESS_MAIN(JsPartitionerTest)
#include "test_js_partitioner.moc"
