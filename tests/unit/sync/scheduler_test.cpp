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
  auto o = ScheduleOptions::from_config({{"sync", {{"interval_s", 0.2}, {"debounce_ms", 10}, {"backoff_max_s", 1}}}});
  EXPECT_EQ(o.interval, 200ms);
  EXPECT_EQ(o.debounce, 10ms);
  EXPECT_EQ(o.backoff_max, 1s);
}

class Scheduling : public SyncTest {
 protected:
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
