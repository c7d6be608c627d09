#include "core/config_keys.hpp"
#include "engine/engine_impl.hpp"
#include "tests/unit/sync/sync_fixture.hpp"

using namespace hse;
using hse::test::SyncTest;
using json = nlohmann::json;

TEST_F(SyncTest, BootstrapThenANoChangeRoundWritesNothing) {
  for (int i = 0; i < 1200; ++i) {
    json r = incident_body("inc " + std::to_string(i));
    r["office_incident_id"] = (*hse::engine::internals(*a).state).random->uuid4();
    r["owned_active"] = true;
    server->put("incident", r);
  }
  json first = sync_ok(*a);
  EXPECT_EQ(first["stats"]["pulled"], 1202);
  expect_converged(*a);
  json second = sync_ok(*a);
  EXPECT_EQ(second["stats"]["pulled"], 0);
  EXPECT_EQ(second["stats"]["unchanged"], 1202);
  EXPECT_EQ(a->history("project", pid).size(), 1u);  // no history noise
}

TEST_F(SyncTest, OfflineWritesOnTwoReplicasConverge) {
  sync_ok(*a);
  sync_ok(*b);
  json ia = a->create("incident", incident_body("from a"));
  json ib = b->create("incident", incident_body("from b"));
  a->update("office", oid, {{"street", "Via Salaria 1"}});
  sync_ok(*a);
  sync_ok(*b);
  sync_ok(*a);
  expect_converged(*a);
  expect_converged(*b);
  EXPECT_EQ(server->count("incident"), 2u);
  EXPECT_EQ(server->row("office", oid)->at("street"), "Via Salaria 1");
}

TEST_F(SyncTest, ThePushedAnswerBecomesRowAndBase) {
  sync_ok(*a);
  json i = a->create("incident", incident_body("x"));
  sync_ok(*a);
  auto row = a->get("incident", i["office_incident_id"]);
  EXPECT_FALSE(row->at("created_at").is_null());  // server-computed
  EXPECT_EQ(a->status()["pending"], 0);
  auto h = a->history("incident", i["office_incident_id"]);
  EXPECT_EQ(h.back().origin, "push");
}

TEST_F(SyncTest, RemoteDeletionNeedsAConfirmingView) {
  json r = incident_body("moving");
  r["office_incident_id"] = "c0000000-0000-4000-8000-000000000001";
  server->put("incident", r);
  sync_ok(*a);
  ASSERT_TRUE(a->get("incident", "c0000000-0000-4000-8000-000000000001"));
  // Missing from the listing but still there: not deleted.
  server->hidden_from_list.insert("c0000000-0000-4000-8000-000000000001");
  sync_ok(*a);
  EXPECT_TRUE(a->get("incident", "c0000000-0000-4000-8000-000000000001"));
  // Really gone: deleted, and history keeps the last version.
  server->hidden_from_list.clear();
  server->rows["incident"].clear();
  json report = sync_ok(*a);
  EXPECT_EQ(report["stats"]["deleted"], 1);
  EXPECT_FALSE(a->get("incident", "c0000000-0000-4000-8000-000000000001"));
  auto h = a->history("incident", "c0000000-0000-4000-8000-000000000001");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].row["name"], "moving");
}

TEST_F(SyncTest, ScopesLimitThePull) {
  const std::string other = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a02";
  server->put("project", {{"project_id", other}, {"name", "Other"}, {"country", "DE"}, {"owned_active", true}});
  auto scoped = open("scoped", {{"remote", {{"url", "fake://"}}}, {"scopes", {{"projects", {pid}}}}});
  sync_ok(*scoped);
  EXPECT_TRUE(scoped->get("project", pid));
  EXPECT_FALSE(scoped->get("project", other));
  EXPECT_TRUE(scoped->get("office", oid));
}

TEST_F(SyncTest, NoRemoteConfiguredIsAClearError) {
  auto offline = engine::Engine::open((dir / "offline.db").string());
  try {
    offline->sync();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::no_remote);
  }
}

TEST_F(SyncTest, EventsTellTheRound) {
  std::vector<std::string> types;
  a->set_event_sink([&](const json& ev) { types.push_back(ev["type"]); });
  sync_ok(*a);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "round_started");
  EXPECT_EQ(types.back(), "round_finished");
  EXPECT_NE(std::find(types.begin(), types.end(), "page"), types.end());
}

// The pull reads sync.per_page and sync.concurrency from the typed configuration:
// pages of per_page rows, fetched in windows of twice the concurrency after page 1.
TEST_F(SyncTest, ThePullPagesAsConfigured) {
  struct PageRecorder : hse::test::FakeRemote {
    std::mutex mu;
    std::vector<std::vector<int>> batches;
    std::vector<int> per_page;  // of every incident list
    engine::sync::RemotePage list(const std::string& entity, const json& body) override {
      if (entity == "incident") {
        std::lock_guard lock(mu);
        per_page.push_back(body.at("per-page").get<int>());
      }
      return FakeRemote::list(entity, body);
    }
    std::vector<engine::sync::RemotePage> list_pages(const std::string& entity, const json& body,
                                                     const std::vector<int>& pages) override {
      if (entity == "incident") {
        std::lock_guard lock(mu);
        batches.push_back(pages);
      }
      return FakeRemote::list_pages(entity, body, pages);
    }
  };
  auto recorder = std::make_shared<PageRecorder>();
  recorder->rows = server->rows;
  server = recorder;
  for (int i = 0; i < 30; ++i) {
    json r = incident_body("r" + std::to_string(i));
    r["office_incident_id"] = "c0000000-0000-4000-8000-0000000000" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    server->put("incident", r);
  }

  auto paged = open("paged", {{"remote", {{"url", "fake://"}}}, {"sync", {{"per_page", 2}, {"concurrency", 2}}}});
  sync_ok(*paged);
  EXPECT_EQ(paged->query("incident", {{"per-page", 100}})["_meta"]["totalCount"], 30);
  ASSERT_EQ(recorder->per_page.size(), 15u);
  for (int n : recorder->per_page) EXPECT_EQ(n, 2);
  // Page 1 alone (it says how many there are), then windows of 2 * concurrency.
  const std::vector<std::vector<int>> windows = {{1}, {2, 3, 4, 5}, {6, 7, 8, 9}, {10, 11, 12, 13}, {14, 15}};
  EXPECT_EQ(recorder->batches, windows);

  // Without the keys: config_keys' defaults (sync.per_page 500: one page).
  recorder->per_page.clear();
  recorder->batches.clear();
  auto defaults = open("defaults", {{"remote", {{"url", "fake://"}}}});
  sync_ok(*defaults);
  EXPECT_EQ(recorder->per_page, std::vector<int>{std::stoi(std::string(config_key("sync.per_page").fallback))});
  EXPECT_EQ(recorder->batches, std::vector<std::vector<int>>{{1}});
}
