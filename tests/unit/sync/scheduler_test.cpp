#include <thread>
#include "engine/engine_impl.hpp"

#include "engine/sync/scheduler.hpp"
#include "tests/unit/sync/sync_fixture.hpp"

using namespace hse;
using namespace std::chrono_literals;
using hse::engine::sync::next_delay;
using hse::engine::sync::ScheduleOptions;
using hse::test::FakeRemote;
using hse::test::SyncTest;
using json = nlohmann::json;

TEST(Backoff, GrowsExponentiallyWithJitterAndHonoursRetryAfter) {
  ScheduleOptions o;
  o.interval = 60s;
  o.backoff_min = 1s;
  o.backoff_max = 30s;
  EXPECT_EQ(next_delay(o, 0, 0.3, std::nullopt), 60s);
  EXPECT_NEAR(double(next_delay(o, 1, 1.0 - 1e-12, std::nullopt).count()), 1000.0, 1.0);  // the full step
  EXPECT_EQ(next_delay(o, 1, 0.0, std::nullopt), 500ms);                     // half, at the lowest jitter
  EXPECT_EQ(next_delay(o, 3, 0.0, std::nullopt), 2s);
  EXPECT_EQ(next_delay(o, 20, 0.0, std::nullopt), 15s);  // capped
  EXPECT_EQ(next_delay(o, 1, 0.0, 42), 42s);             // never before the server said
}

TEST(Backoff, FromConfig) {
  auto o = ScheduleOptions::from_config(
      {{"sync", {{"interval_s", 0.2}, {"pull_interval_s", 7.5}, {"debounce_ms", 10}, {"backoff_max_s", 1}}}});
  EXPECT_EQ(o.interval, 200ms);
  EXPECT_EQ(o.pull_interval, 7500ms);
  EXPECT_EQ(o.debounce, 10ms);
  EXPECT_EQ(o.backoff_max, 1s);
}

class Scheduling : public SyncTest {
 protected:
  // The reports of the rounds `e`'s scheduler finishes, in order (events arrive on the
  // dispatcher's thread).
  struct Rounds {
    std::mutex mu;
    std::vector<json> reports;
    size_t size() {
      std::lock_guard lock(mu);
      return reports.size();
    }
    std::vector<json> all() {
      std::lock_guard lock(mu);
      return reports;
    }
    // Waits up to 10 s for `n` rounds; false when they did not come.
    bool wait_for(size_t n) {
      for (int k = 0; k < 1000 && size() < n; ++k) std::this_thread::sleep_for(10ms);
      return size() >= n;
    }
  };
  void record(engine::Engine& e, Rounds& rounds) {
    e.set_event_sink([&rounds](const json& ev) {
      if (ev.value("type", "") != "round_finished") return;
      std::lock_guard lock(rounds.mu);
      rounds.reports.push_back(ev["report"]);
    });
  }
  static int scans(const std::vector<json>& reports) {
    int n = 0;
    for (const auto& r : reports) n += r.value("scanned", false) ? 1 : 0;
    return n;
  }

  std::unique_ptr<engine::Engine> fast() {
    return open("fast", {{"remote", {{"url", "fake://"}}},
                         {"sync", {{"interval_s", 30}, {"debounce_ms", 20}, {"backoff_min_ms", 20}, {"backoff_max_s", 0.2}}}});
  }
};

TEST_F(Scheduling, ALocalWriteIsPushedSoonWithoutAskingForIt) {
  auto e = fast();
  e->start();
  ASSERT_EQ(e->wait_synced(5000), engine::SyncWait::synced);
  json i = e->create("incident", incident_body("debounced"));
  // The interval is 30 s: only the debounced poke can push it this soon.
  for (int k = 0; k < 200 && !server->row("incident", i["office_incident_id"]); ++k) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(server->row("incident", i["office_incident_id"]));
  e->stop();
}

TEST_F(Scheduling, AFailedPushIsRetriedOnItsOwn) {
  auto e = fast();
  sync_ok(*e);
  json i = e->create("incident", incident_body("retried"));
  for (int k = 0; k < 3; ++k) server->faults.push_back({FakeRemote::Fault::fail_before, Code::network});
  e->start();
  // No further local write: only the scheduler's backoff can bring it to the server.
  for (int k = 0; k < 300 && !server->row("incident", i["office_incident_id"]); ++k) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(server->row("incident", i["office_incident_id"]));
  EXPECT_EQ(e->wait_synced(5000), engine::SyncWait::synced);
  e->stop();
  expect_converged(*e);
}

TEST_F(Scheduling, StopEndsTheRoundAfterTheCurrentPageAndLosesNothing) {
  for (int i = 0; i < 2000; ++i) {
    json r = incident_body("r" + std::to_string(i));
    r["office_incident_id"] = (*hse::engine::internals(*a).state).random->uuid4();
    server->put("incident", r);
  }
  auto e = open("stopping", {{"remote", {{"url", "fake://"}}}, {"sync", {{"per_page", 50}, {"interval_s", 30}}}});
  std::atomic<int> pages{0};
  e->set_event_sink([&](const json& ev) {
    if (ev["type"] == "page") pages++;
  });
  e->start();
  while (pages < 5) std::this_thread::sleep_for(1ms);
  e->stop();
  int seen = pages;
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(pages, seen) << "a round went on after stop()";
  EXPECT_LT(e->query("incident", {{"history", true}})["_meta"]["totalCount"].get<int>(), 2000);
  ASSERT_EQ(e->wait_synced(10000), engine::SyncWait::synced);  // restarted by hand: finishes the job
  expect_converged(*e);
}

TEST_F(Scheduling, StartWithoutARemoteFailsAtOnce) {
  auto offline = engine::Engine::open((dir / "offline.db").string());
  try {
    offline->start();
    FAIL();
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), Code::no_remote);
  }
}

TEST_F(Scheduling, WaitSyncedSaysUnsettledAtOnceWhenOnlyARejectedWriteIsLeft) {
  sync_ok(*a);
  json office = a->create("office", {{"project_id", pid}, {"name", "Refused"}});
  server->faults.push_back({FakeRemote::Fault::fail_before, Code::invalid});
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(a->wait_synced(30000), engine::SyncWait::unsettled);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  EXPECT_EQ(a->status()["rejected"], 1);
}

// Push rounds every 50 ms, a scan due only in an hour: the first round scans, the next
// ones push only (a server-side change is not fetched, a local write is sent), and an
// explicit "sync now" (wait_synced) scans.
TEST_F(Scheduling, ScansAtStartAndOnDemandAndOnlyPushesBetween) {
  Rounds rounds;  // declared first: it outlives the engine that reports to it
  auto e = open("cadence", {{"remote", {{"url", "fake://"}}},
                            {"sync", {{"interval_s", 0.05}, {"pull_interval_s", 3600}, {"debounce_ms", 10}}}});
  record(*e, rounds);
  e->start();
  ASSERT_TRUE(rounds.wait_for(1));
  json theirs = incident_body("made on the server after the first scan");
  theirs["office_incident_id"] = (*hse::engine::internals(*a).state).random->uuid4();
  server->put("incident", theirs);
  json mine = e->create("incident", incident_body("pushed between scans"));
  const size_t before_mine = rounds.size();
  for (int k = 0; k < 500 && !server->row("incident", mine["office_incident_id"]); ++k) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(server->row("incident", mine["office_incident_id"])) << "a push-only round sends local writes";
  ASSERT_TRUE(rounds.wait_for(before_mine + 5));
  std::vector<json> between = rounds.all();
  ASSERT_GE(between.size(), 6u);
  EXPECT_TRUE(between[0].value("scanned", false)) << between[0];
  for (size_t i = 1; i < between.size(); ++i) {
    EXPECT_TRUE(between[i].value("ok", false)) << between[i];
    EXPECT_FALSE(between[i].value("scanned", true)) << "round " << i << ": " << between[i];
  }
  EXPECT_FALSE(e->get("incident", theirs["office_incident_id"])) << "no scan ran, so the server's row is not here";

  const size_t before_now = rounds.size();
  ASSERT_EQ(e->wait_synced(5000), engine::SyncWait::synced);
  e->stop();
  std::vector<json> after = rounds.all();
  EXPECT_GE(scans(std::vector<json>(after.begin() + long(before_now), after.end())), 1) << "sync now scans";
  EXPECT_TRUE(e->get("incident", theirs["office_incident_id"]));
}

// Scans come back every pull_interval_s, and not faster: here they are all the
// scheduler does (the push interval is far longer).
TEST_F(Scheduling, ScansRecurOnThePullInterval) {
  Rounds rounds;  // declared first: it outlives the engine that reports to it
  auto e = open("recurring", {{"remote", {{"url", "fake://"}}}, {"sync", {{"interval_s", 3600}, {"pull_interval_s", 0.2}}}});
  record(*e, rounds);
  const auto started = std::chrono::steady_clock::now();
  e->start();
  ASSERT_TRUE(rounds.wait_for(4));
  e->stop();
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::vector<json> all = rounds.all();
  EXPECT_EQ(scans(all), int(all.size())) << "every round here is a scan";
  // Four scans need three intervals; a scheduler scanning back to back would finish far sooner.
  EXPECT_GE(elapsed_s, 0.6);
  EXPECT_LE(double(all.size()), elapsed_s / 0.2 + 2);
}

// A scan that fails stays due: the retry after the backoff scans, not only pushes.
TEST_F(Scheduling, AFailedScanIsRetriedAsAScan) {
  Rounds rounds;  // declared first: it outlives the engine that reports to it
  auto e = open("retried_scan", {{"remote", {{"url", "fake://"}}},
                                 {"sync", {{"interval_s", 3600}, {"pull_interval_s", 3600}, {"backoff_min_ms", 20}}}});
  server->faults.push_back({FakeRemote::Fault::fail_before, Code::network});  // the first list of the first scan
  record(*e, rounds);
  e->start();
  ASSERT_TRUE(rounds.wait_for(2));
  e->stop();
  std::vector<json> all = rounds.all();
  EXPECT_FALSE(all[0].value("ok", true)) << all[0];
  EXPECT_TRUE(all[1].value("ok", false)) << all[1];
  EXPECT_TRUE(all[1].value("scanned", false)) << all[1];
  EXPECT_TRUE(e->get("office", oid)) << "the retried scan brought the scope";
}
