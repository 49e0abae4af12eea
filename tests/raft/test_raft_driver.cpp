// The shipped long-poll path (issue 13): RaftDriver::serve holds a Fetch that has nothing new
// for its fetcher, on lab time, and hands it to the core once, when it is answered. The
// simulation models the same rule; this runs the driver itself on an io_context bound to a lab
// clock: a one-voter quorum (it elects itself), fetched by an observer as a broker would.
//
// Held Fetches: answered at the deadline (max wait, lab time) with nothing, or at once when the
// leader appends; not answered while the lab is paused; a Fetch with news is never held.
#include <QtTest>

#include <future>
#include <thread>

#include "core/lab_clock.h"
#include "net/lab_timer.h"
#include "raft/driver.h"
#include "raft/wire.h"

using namespace kraftlab;
using namespace kraftlab::raft;
using namespace std::chrono_literals;

namespace {

constexpr NodeId kObserver = 1001;
constexpr std::int32_t kMaxWaitMs = 500;

struct Answer {
    FetchResponse response;
    std::int64_t sent_lab_ms = 0;
    std::int64_t answered_lab_ms = 0;
};

// One voter (node 1) driven on its own thread, bound to `clock`, as a controller's io thread is.
class OneVoter {
  public:
    explicit OneVoter(core::LabClock& clock) : clock_(clock) {
        thread_ = std::thread([this] {
            core::ClockBinding bind(&clock_);
            net::ClockWaker waker(io_, clock_);
            Config config;
            config.id = 1;
            config.voters = {1};
            config.election_timeout_ms = 100;
            config.election_backoff_max_ms = 50;
            RaftDriver::Hooks hooks;
            hooks.persist_state = [](const QuorumState&) { return std::optional<std::string>{}; };
            hooks.persist_log = [](std::optional<std::int64_t>, const std::vector<Entry>&) {
                return std::optional<std::string>{};
            };
            RaftDriver::Options options;
            options.fetch_max_wait_ms = kMaxWaitMs;
            options.cluster_id = "long-poll-test";
            driver_ = std::make_unique<RaftDriver>(
                io_, RaftNode(config, QuorumState{}, {}, core::LabTime::now_ms()),
                std::vector<PeerAddress>{}, hooks, options);
            driver_->start();
            auto guard = net::asio::make_work_guard(io_);
            io_.run();
            driver_.reset();
        });
    }
    ~OneVoter() {
        net::asio::post(io_, [this] { driver_->stop(); });
        io_.stop();
        thread_.join();
    }

    template <typename F>
    auto on_thread(F f) {
        std::promise<decltype(f())> done;
        net::asio::post(io_, [&] { done.set_value(f()); });
        return done.get_future().get();
    }
    bool leads() {
        return on_thread([this] { return driver_->node().role() == Role::Leader; });
    }
    std::int32_t epoch() {
        return on_thread([this] { return driver_->node().epoch(); });
    }
    // Appends one record (as the controller proposes metadata); false if refused.
    bool propose() {
        return on_thread([this] {
            protocol::Bytes record{'r'};
            const bool ok = driver_->node().propose({record}, driver_->now_ms()).has_value();
            driver_->process();
            return ok;
        });
    }

    // Sends a Fetch through the driver's serve(), as one that arrived on a connection; the
    // answer comes into the returned future.
    std::future<Answer> fetch(FetchRequest request) {
        auto answer = std::make_shared<std::promise<Answer>>();
        auto future = answer->get_future();
        net::asio::co_spawn(
            io_,
            [this, request, answer]() -> net::awaitable<void> {
                Answer a;
                a.sent_lab_ms = core::LabTime::now_ms();
                auto encoded = wire::encode_request(request, "long-poll-test", kMaxWaitMs);
                protocol::Reader body(encoded.body);
                auto bytes = co_await driver_->serve(encoded.key, encoded.version, body);
                a.answered_lab_ms = core::LabTime::now_ms();
                std::string why;
                auto decoded = wire::decode_response(request, bytes, encoded.version, &why);
                if (decoded) a.response = std::get<FetchResponse>(*decoded);
                answer->set_value(a);
            },
            net::asio::detached);
        return future;
    }

  private:
    core::LabClock& clock_;
    net::asio::io_context io_;
    std::unique_ptr<RaftDriver> driver_;
    std::thread thread_;
};

bool ready_within(std::future<Answer>& f, std::chrono::milliseconds real) {
    return f.wait_for(real) == std::future_status::ready;
}

}  // namespace

class RaftDriverTest : public QObject {
    Q_OBJECT

  private slots:
    void a_fetch_with_nothing_new_is_held_on_lab_time() {
        core::LabClock clock;
        OneVoter voter(clock);
        QTRY_VERIFY_WITH_TIMEOUT(voter.leads(), 5000);
        const std::int32_t epoch = voter.epoch();

        // The observer catches up; answers with news (entries, a new high watermark) come at
        // once, so it fetches until an answer brings nothing new.
        FetchRequest at_end{kObserver, epoch, 0, 0};
        for (int i = 0;; ++i) {
            QVERIFY2(i < 10, "the observer never caught up");
            auto f = voter.fetch(at_end);
            QVERIFY(ready_within(f, 5000ms));
            const Answer a = f.get();
            QCOMPARE(a.response.error, FetchError::None);
            if (a.response.entries.empty() && a.answered_lab_ms - a.sent_lab_ms >= kMaxWaitMs)
                break;
            QVERIFY2(a.answered_lab_ms - a.sent_lab_ms < 100,
                     "a Fetch with news for its fetcher was held");
            if (!a.response.entries.empty()) {
                at_end.fetch_offset = a.response.entries.back().next_offset();
                at_end.last_fetched_epoch = a.response.entries.back().epoch;
            }
        }

        // Held to its deadline in lab time: at 0.25x, 500 ms of lab time is 2 s of real time.
        QVERIFY(clock.set_speed(0.25));
        {
            auto f = voter.fetch(at_end);
            QVERIFY(!ready_within(f, 1000ms));
            QVERIFY(ready_within(f, 5000ms));
            const Answer a = f.get();
            QVERIFY(a.response.entries.empty());
            QVERIFY2(a.answered_lab_ms - a.sent_lab_ms >= kMaxWaitMs,
                     std::to_string(a.answered_lab_ms - a.sent_lab_ms).c_str());
        }
        QVERIFY(clock.set_speed(1));

        // Not answered while the lab is paused, however long; answered after the resume.
        {
            auto f = voter.fetch(at_end);
            QTest::qWait(50);
            clock.pause();
            QVERIFY(!ready_within(f, 1200ms));
            clock.resume();
            QVERIFY(ready_within(f, 5000ms));
            QVERIFY(f.get().response.entries.empty());
        }

        // Released at once by an append, with the new entry.
        {
            auto f = voter.fetch(at_end);
            QVERIFY(!ready_within(f, 100ms));
            const std::int64_t appended = voter.on_thread([] { return core::LabTime::now_ms(); });
            QVERIFY(voter.propose());
            QVERIFY(ready_within(f, 5000ms));
            const Answer a = f.get();
            QCOMPARE(a.response.error, FetchError::None);
            QCOMPARE(a.response.entries.size(), std::size_t{1});
            QCOMPARE(a.response.entries.front().base_offset, at_end.fetch_offset);
            QVERIFY2(a.answered_lab_ms - appended < 100,
                     std::to_string(a.answered_lab_ms - appended).c_str());
            at_end.fetch_offset = a.response.entries.back().next_offset();
            at_end.last_fetched_epoch = a.response.entries.back().epoch;
        }

        // The next Fetch, at the new end, is news for the leader (the fetcher moved: for a
        // voter that may move the high watermark) and is answered at once, with the high
        // watermark. The driver used to hand every Fetch to the core before deciding whether
        // to wait; that spent the news, and this one was held for max wait. The one after it
        // has nothing new and waits.
        {
            auto f = voter.fetch(at_end);
            QVERIFY(ready_within(f, 5000ms));
            const Answer a = f.get();
            QVERIFY(a.response.entries.empty());
            QCOMPARE(a.response.high_watermark, at_end.fetch_offset);
            QVERIFY2(a.answered_lab_ms - a.sent_lab_ms < 100,
                     std::to_string(a.answered_lab_ms - a.sent_lab_ms).c_str());
            auto g = voter.fetch(at_end);
            QVERIFY(ready_within(g, 5000ms));
            const Answer b = g.get();
            QVERIFY2(b.answered_lab_ms - b.sent_lab_ms >= kMaxWaitMs,
                     std::to_string(b.answered_lab_ms - b.sent_lab_ms).c_str());
        }

        // A Fetch in an old epoch is answered at once, with the error.
        {
            auto f = voter.fetch(
                FetchRequest{kObserver, epoch - 1, at_end.fetch_offset, at_end.last_fetched_epoch});
            QVERIFY(ready_within(f, 1000ms));
            QVERIFY(f.get().response.error != FetchError::None);
        }
    }
};

QTEST_GUILESS_MAIN(RaftDriverTest)
#include "test_raft_driver.moc"
