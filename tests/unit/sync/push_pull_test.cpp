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
