// Golden transcripts (tests/raft/testdata/*.txt, language in transcript.h): each file is run
// and its output must match the file byte for byte.
//
//   KRAFTLAB_RAFT_REWRITE=1 ./build/bin/test_raft_transcripts
//       writes the actual output back into the files; review the diff with git before
//       committing it.
#include <QtTest>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "transcript.h"

using kraftlab::raft::sim::run_transcript;

namespace {

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The first line where `a` and `b` differ, with a little context, for the failure message.
std::string first_difference(const std::string& expected, const std::string& actual) {
    std::istringstream e(expected), a(actual);
    std::string le, la;
    for (int line = 1;; ++line) {
        const bool has_e = static_cast<bool>(std::getline(e, le));
        const bool has_a = static_cast<bool>(std::getline(a, la));
        if (!has_e && !has_a) return "(they differ only in the final newline)";
        if (!has_e || !has_a || le != la) {
            return "line " + std::to_string(line) + "\n  expected: " + (has_e ? le : "<end>") +
                   "\n  actual:   " + (has_a ? la : "<end>");
        }
    }
}

}  // namespace

class RaftTranscriptTest : public QObject {
    Q_OBJECT

  private slots:
    void transcripts_data() {
        QTest::addColumn<QString>("file");
        std::vector<std::filesystem::path> files;
        for (const auto& f : std::filesystem::directory_iterator(KRAFTLAB_RAFT_TESTDATA)) {
            if (f.path().extension() == ".txt") files.push_back(f.path());
        }
        std::sort(files.begin(), files.end());
        QVERIFY(files.size() >= 6);
        for (const auto& f : files) {
            QTest::newRow(f.filename().string().c_str()) << QString::fromStdString(f.string());
        }
    }

    void transcripts() {
        QFETCH(QString, file);
        const std::filesystem::path path = file.toStdString();
        const std::string expected = read_file(path);
        const auto run = run_transcript(expected);
        const char* rewrite = std::getenv("KRAFTLAB_RAFT_REWRITE");
        if (rewrite && *rewrite && std::string(rewrite) != "0" && run.output != expected) {
            std::ofstream(path, std::ios::binary) << run.output;
            qInfo("rewrote %s", path.filename().string().c_str());
        }
        QVERIFY2(run.error.empty(), run.error.c_str());
        if (!(rewrite && *rewrite && std::string(rewrite) != "0")) {
            QVERIFY2(run.output == expected, (path.filename().string() + " differs at " +
                                              first_difference(expected, run.output) +
                                              "\n  (KRAFTLAB_RAFT_REWRITE=1 rewrites the file)")
                                                 .c_str());
        }
    }
};

QTEST_APPLESS_MAIN(RaftTranscriptTest)
#include "test_raft_transcripts.moc"
