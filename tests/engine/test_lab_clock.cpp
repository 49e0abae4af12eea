// Lab time (issue 13): the clock's arithmetic (pause, resume, speed, step), Asio timers on lab
// time (a paused timer does not fire, a resume or speed change is noticed at once), the node
// gate, and the seam itself: no engine file but the clock reads a clock or sleeps.
#include <QtTest>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/lab_clock.h"
#include "core/node_gate.h"
#include "net/lab_timer.h"

using namespace kraftlab;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::int64_t ms(core::LabClock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// Real time, measured on the standalone clock (never paused or scaled).
core::LabClock::duration real_now() {
    return core::LabClock::standalone().now();
}

void real_sleep(std::chrono::milliseconds d) {
    core::LabClock::standalone().block_for(d);
}

// Runs an io_context on a thread bound to `clock`, with a ClockWaker, until stop().
struct BoundLoop {
    explicit BoundLoop(core::LabClock& clock) : clock(clock) {
        thread = std::thread([this] {
            core::ClockBinding bind(&this->clock);
            net::ClockWaker waker(io, this->clock);
            auto guard = net::asio::make_work_guard(io);
            io.run();
        });
    }
    ~BoundLoop() {
        io.stop();
        thread.join();
    }
    // Arms a timer of `lab` lab time on the loop's thread that sets `fired`; returns once armed.
    void arm(std::chrono::milliseconds lab, std::atomic<bool>& fired) {
        std::promise<void> armed;
        net::asio::post(io, [&] {
            auto timer = std::make_shared<net::LabTimer>(io);
            timer->expires_after(lab);
            timer->async_wait([&fired, timer](const net::error_code&) { fired = true; });
            armed.set_value();
        });
        armed.get_future().wait();
    }
    core::LabClock& clock;
    net::asio::io_context io;
    std::thread thread;
};

// Real milliseconds from `since` until `fired` is set, or -1 if it is not within 5 s.
std::int64_t real_ms_until(const std::atomic<bool>& fired, core::LabClock::duration since) {
    const auto give_up = real_now() + 5s;
    while (!fired && real_now() < give_up)
        real_sleep(1ms);
    return fired ? ms(real_now() - since) : -1;
}

}  // namespace

class LabClockTest : public QObject {
    Q_OBJECT

  private slots:
    void pause_freezes_and_resume_does_not_jump() {
        core::LabClock clock;
        real_sleep(20ms);
        clock.pause();
        QVERIFY(clock.paused());
        const auto at = clock.now();
        real_sleep(60ms);
        QCOMPARE(clock.now(), at);  // not a nanosecond moved
        clock.resume();
        QVERIFY(!clock.paused());
        const auto after = clock.now() - at;
        QVERIFY2(after < 20ms, std::to_string(ms(after)).c_str());  // no jump by the pause
        real_sleep(30ms);
        QVERIFY(clock.now() - at >= 30ms);
    }

    void speed_scales_lab_time() {
        core::LabClock clock;
        QVERIFY(!clock.set_speed(0.01));
        QVERIFY(!clock.set_speed(5));
        QVERIFY(!clock.set_speed(std::numeric_limits<double>::quiet_NaN()));
        QVERIFY(clock.set_speed(0.1));
        const auto lab0 = clock.now();
        const auto real0 = real_now();
        real_sleep(200ms);
        const double lab = static_cast<double>((clock.now() - lab0).count());
        const double real = static_cast<double>((real_now() - real0).count());
        QVERIFY2(lab / real > 0.09 && lab / real < 0.11, std::to_string(lab / real).c_str());
        const auto wait = clock.real_wait(10ms);
        QVERIFY(wait && *wait > 99ms && *wait < 101ms);  // 10 ms of lab time at 0.1×
    }

    void step_advances_exactly_then_stands_still() {
        core::LabClock clock;
        QVERIFY(!clock.step(100ms));  // only while paused
        clock.pause();
        const auto from = clock.now();
        core::LabClock::duration until{};
        QVERIFY(clock.step(100ms, &until));
        QCOMPARE(until, from + 100ms);
        clock.block_until(until);
        real_sleep(30ms);
        QCOMPARE(clock.now(), from + 100ms);  // exactly, and no further
        QVERIFY(clock.paused());
        QVERIFY(!clock.real_wait(1ms));
        // A second step starts from where the first stopped.
        QVERIFY(clock.step(50ms, &until));
        QCOMPARE(until, from + 150ms);
        clock.block_until(until);
        QCOMPARE(clock.now(), from + 150ms);
        clock.resume();
        real_sleep(10ms);
        QVERIFY(clock.now() > from + 150ms);
    }

    // A timer on lab time does not fire while paused, fires soon after the resume, and a speed
    // change is noticed by a timer already waiting (the ClockWaker), not after its old wait.
    // A pause during a step (a pause-on event) ends it: whoever waits for the step to run its
    // course is not left waiting for a lab time that will not come.
    void a_pause_during_a_step_ends_it() {
        core::LabClock clock;
        clock.pause();
        core::LabClock::duration until{};
        QVERIFY(clock.step(10s, &until));
        std::thread pauser([&] {
            real_sleep(50ms);
            clock.pause();
        });
        const auto t0 = real_now();
        clock.block_while_running();
        const auto waited = real_now() - t0;
        pauser.join();
        QVERIFY2(waited < 2s, std::to_string(ms(waited)).c_str());
        QVERIFY(clock.paused());
        QVERIFY(clock.now() < until);
    }

    void timers_wait_on_lab_time() {
        core::LabClock clock;
        std::atomic<bool> fired{false};  // before the loop: its handlers outlive nothing they set
        BoundLoop loop(clock);
        clock.pause();
        loop.arm(50ms, fired);
        real_sleep(200ms);
        QVERIFY(!fired);
        const auto resumed = real_now();
        clock.resume();
        const std::int64_t after_resume = real_ms_until(fired, resumed);
        QVERIFY2(after_resume >= 0 && after_resume < 500, std::to_string(after_resume).c_str());

        // At 0.05× a 100 ms timer would take 2 s; switched to 4× it fires within ~25 ms.
        fired = false;
        QVERIFY(clock.set_speed(0.05));
        loop.arm(100ms, fired);
        real_sleep(50ms);
        QVERIFY(!fired);
        const auto sped = real_now();
        QVERIFY(clock.set_speed(4));
        const std::int64_t after_speed = real_ms_until(fired, sped);
        QVERIFY2(after_speed >= 0 && after_speed < 500, std::to_string(after_speed).c_str());
    }

    // A resume whose wake-up runs after a timer fell due (the node was busy, or the pause came
    // just before the deadline) still wakes the reactor. It had armed itself for the 60 s park
    // while paused; a wake-up timer "due now" is then not the earliest (the overdue one is), so
    // Asio did not re-arm, and the overdue timer waited out the park: brokers' heartbeats stopped
    // after a few hundred pauses and the controller fenced them all.
    void a_timer_that_fell_due_before_the_wake_up_fires() {
        core::LabClock clock;
        std::atomic<bool> fired{false}, parked{false};  // before the loop, as above
        BoundLoop loop(clock);
        loop.arm(100ms, fired);
        clock.pause();
        // A timer due now completes only after the reactor has looked at its deadlines on the
        // paused clock, that is, parked.
        loop.arm(0ms, parked);
        QVERIFY(real_ms_until(parked, real_now()) >= 0);
        // The node is busy while the lab resumes and lab time passes the deadline.
        std::promise<void> release;
        auto busy = release.get_future().share();
        net::asio::post(loop.io, [busy] { busy.wait(); });
        clock.resume();
        real_sleep(150ms);
        QVERIFY(!fired);
        const auto freed = real_now();
        release.set_value();
        const std::int64_t after_release = real_ms_until(fired, freed);
        QVERIFY2(after_release >= 0 && after_release < 500, std::to_string(after_release).c_str());
    }

    // The gate holds a node's thread between handlers and lets it go; stopping opens it.
    void node_gate_holds_between_handlers() {
        core::LabClock clock;
        BoundLoop loop(clock);
        core::NodeGate gate;
        std::atomic<int> ran{0};
        gate.close(core::NodeGate::Reason::Frozen, loop.io.get_executor());
        QVERIFY(gate.wait_held(1000ms));
        net::asio::post(loop.io, [&] { ++ran; });
        real_sleep(50ms);
        QCOMPARE(ran.load(), 0);
        // A lab pause on top of the freeze: thawing alone does not release it.
        gate.close(core::NodeGate::Reason::LabPaused, loop.io.get_executor());
        gate.open(core::NodeGate::Reason::Frozen);
        real_sleep(30ms);
        QCOMPARE(ran.load(), 0);
        gate.open(core::NodeGate::Reason::LabPaused);
        QTRY_COMPARE_WITH_TIMEOUT(ran.load(), 1, 1000);
        gate.close(core::NodeGate::Reason::Frozen, loop.io.get_executor());
        QVERIFY(gate.wait_held(1000ms));
        gate.open_for_stop();
        net::asio::post(loop.io, [&] { ++ran; });
        QTRY_COMPARE_WITH_TIMEOUT(ran.load(), 2, 1000);
    }

    // The seam: time enters the engine only through core/lab_clock. Every other engine file that
    // reads a clock, waits on a real-time timer or sleeps fails here, with the file and line.
    void no_engine_file_reads_a_clock_or_sleeps() {
        const fs::path engine = fs::path(KRAFTLAB_SOURCE_DIR) / "engine";
        QVERIFY(fs::is_directory(engine));
        const std::set<std::string> allowed = {"core/lab_clock.h", "core/lab_clock.cpp"};
        const std::regex forbidden(
            R"(steady_clock|system_clock|high_resolution_clock|steady_timer|system_timer|)"
            R"(deadline_timer|this_thread::sleep_(for|until)|\busleep\s*\(|\bnanosleep\s*\(|)"
            R"(\bsleep\s*\(|clock_gettime|gettimeofday|\btime\s*\(\s*(nullptr|NULL|0)\s*\)|)"
            R"(QDateTime|QElapsedTimer)");
        std::vector<std::string> found;
        int files = 0;
        for (const auto& entry : fs::recursive_directory_iterator(engine)) {
            const auto ext = entry.path().extension();
            if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".h")) continue;
            const std::string rel = fs::relative(entry.path(), engine).generic_string();
            ++files;
            if (allowed.count(rel)) continue;
            std::ifstream in(entry.path());
            std::string line;
            for (int n = 1; std::getline(in, line); ++n) {
                // Comments may name what is forbidden (to say why); code may not.
                if (auto c = line.find("//"); c != std::string::npos) line.resize(c);
                // A coroutine's own sleep(ms) helper awaits a LabTimer: not POSIX sleep().
                for (std::size_t at; (at = line.find("co_await sleep(")) != std::string::npos;)
                    line.erase(at, 15);
                if (std::regex_search(line, forbidden)) {
                    found.push_back("engine/" + rel + ":" + std::to_string(n) + ": " + line);
                }
            }
        }
        QVERIFY(files > 100);
        std::ostringstream report;
        for (const auto& f : found)
            report << "\n  " << f;
        QVERIFY2(found.empty(), ("time enters the engine outside core/lab_clock (use "
                                 "core::LabTime, net::LabTimer or the LabClock):" +
                                 report.str())
                                    .c_str());
    }
};

QTEST_MAIN(LabClockTest)
#include "test_lab_clock.moc"
