// The sync round end to end: real hse-emulator and hse-sync processes over loopback.
// Bootstrap, offline edits converging, three-way merges, each conflict policy,
// update/delete conflicts both ways, a 422 fixed locally, and historicized offices.
#include "tests/integration/sync/fixture.hpp"

namespace hse::test {
namespace {

// A demo --seed 42 server holds 2 projects, 10 offices, 300 actions and 135 incidents.
constexpr int kDemoRows = 2 + 10 + 300 + 135;

json action_body(const std::string& office, const std::string& project, const std::string& name) {
  return {{"action_type", "CHECK"}, {"name", name}, {"subtenant_id", office}, {"tenant_id", project}};
}

// The history versions of a row that record a conflict decision (origin "conflict" or
// "merge") whose detail holds both `a` and `b` somewhere: the two sides.
int decisions_with_both(const Replica& r, const std::string& e, const std::string& id, const std::string& a,
                        const std::string& b) {
  int n = 0;
  for (const auto& v : r.ok({"history", e, id})) {
    if (v["origin"] != "conflict" && v["origin"] != "merge") continue;
    std::string detail = v.value("detail", json()).dump();
    if (detail.find(a) != std::string::npos && detail.find(b) != std::string::npos) ++n;
  }
  return n;
}

using SyncRoundTest = SyncTest;

TEST_F(SyncRoundTest, BootstrapsADemoServerThenResyncWritesNothing) {
  Replica a = replica("a");
  json report = a.sync();
  EXPECT_TRUE(report["ok"].get<bool>()) << report;
  EXPECT_EQ(report["stats"]["pulled"], kDemoRows) << report;
  expect_converged({&a});

  // Without history the historicized demo office and its children are hidden.
  EXPECT_LT(a.ok({"query", "office"})["_meta"]["totalCount"].get<int>(), 10);

  json again = a.sync();
  EXPECT_EQ(again["stats"]["pulled"], 0) << again;
  EXPECT_EQ(again["stats"]["unchanged"], kDemoRows) << again;
  EXPECT_EQ(again["stats"]["pushed"], 0) << again;
}

TEST_F(SyncRoundTest, OfflineEditsOnTwoReplicasConverge) {
  Replica a = replica("a"), b = replica("b");
  a.sync();
  b.sync();
  auto [office, project] = active_office();
  json x = an_action(0), y = an_action(1), z = an_action(2);

  // Offline on both sides: creates, updates of different rows, a delete.
  json a_new = a.create("action", action_body(office, project, "Created on A"));
  a.update("action", x["action_id"], {{"name", "Renamed on A"}});
  json b_new = b.create("incident", {{"name", "Slip on B"}, {"date_incident", "2024-05-01"},
                                     {"tenant_id", project}, {"subtenant_id", office}});
  b.update("action", y["action_id"], {{"description", "Described on B"}});
  b.remove("action", z["action_id"]);
  // A later edit of a row created offline collapses into its create.
  b.update("incident", b_new["office_incident_id"], {{"description", "more detail"}});
  EXPECT_EQ(b.journal().size(), 3u);

  a.sync();
  b.sync();
  a.sync();

  EXPECT_EQ(server_view("action", a_new["action_id"])["name"], "Created on A");
  EXPECT_EQ(server_view("action", x["action_id"])["name"], "Renamed on A");
  EXPECT_EQ(server_view("action", y["action_id"])["description"], "Described on B");
  EXPECT_TRUE(server_view("action", z["action_id"]).is_null());
  EXPECT_EQ(server_view("incident", b_new["office_incident_id"])["description"], "more detail");
  EXPECT_FALSE(a.get("action", z["action_id"]).has_value());
  expect_converged({&a, &b});
}

TEST_F(SyncRoundTest, DisjointFieldEditsOfOneRowMerge) {
  Replica a = replica("a"), b = replica("b");
  a.sync();
  b.sync();
  std::string id = an_action(0)["action_id"];
  a.update("action", id, {{"name", "Name from A"}});
  b.update("action", id, {{"description", "Description from B"}});
  // Also a server-side edit of a third field, made meanwhile.
  server_update("action", id, {{"expire_interval", 77}});

  a.sync();
  json rb = b.sync();
  EXPECT_EQ(rb["stats"]["conflicts"], 0) << rb;
  a.sync();

  json s = server_view("action", id);
  EXPECT_EQ(s["name"], "Name from A");
  EXPECT_EQ(s["description"], "Description from B");
  EXPECT_EQ(s["expire_interval"], 77);
  expect_converged({&a, &b});
}

// Both replicas change the same field; A pushes first, so B meets the conflict.
class SameFieldConflictTest : public SyncTest {
 protected:
  void race(const Replica& a, const Replica& b) {
    a.sync();
    b.sync();
    id_ = an_action(0)["action_id"];
    a.update("action", id_, {{"name", "A's name"}});
    b.update("action", id_, {{"name", "B's name"}});
    EXPECT_TRUE(a.sync()["ok"].get<bool>());
    report_ = b.sync();
  }
  std::string id_;
  json report_;
};

TEST_F(SameFieldConflictTest, MergeDefaultGoesToServerWinsAndKeepsTheLoserInHistory) {
  Replica a = replica("a"), b = replica("b");
  race(a, b);
  EXPECT_EQ(report_["stats"]["conflicts"], 1) << report_;
  EXPECT_EQ(server_view("action", id_)["name"], "A's name");
  EXPECT_EQ((*b.get("action", id_))["name"], "A's name");
  EXPECT_EQ(decisions_with_both(b, "action", id_, "A's name", "B's name"), 1) << b.ok({"history", "action", id_}).dump(1);
  a.sync();
  expect_converged({&a, &b});
}

TEST_F(SameFieldConflictTest, ServerWinsPolicy) {
  Replica a = replica("a"), b = replica("b", {"--config", R"({"policies":{"action":"server_wins"}})"});
  race(a, b);
  EXPECT_EQ(report_["stats"]["conflicts"], 1) << report_;
  EXPECT_EQ(server_view("action", id_)["name"], "A's name");
  EXPECT_EQ(decisions_with_both(b, "action", id_, "A's name", "B's name"), 1) << b.ok({"history", "action", id_}).dump(1);
  a.sync();
  expect_converged({&a, &b});
}

TEST_F(SameFieldConflictTest, ClientWinsPolicy) {
  Replica a = replica("a"), b = replica("b", {"--config", R"({"policies":{"action":"client_wins"}})"});
  race(a, b);
  EXPECT_EQ(report_["stats"]["conflicts"], 1) << report_;
  EXPECT_EQ(server_view("action", id_)["name"], "B's name");
  a.sync();
  EXPECT_EQ((*a.get("action", id_))["name"], "B's name");
  // The losing server value is in B's history.
  EXPECT_EQ(decisions_with_both(b, "action", id_, "A's name", "B's name"), 1) << b.ok({"history", "action", id_}).dump(1);
  expect_converged({&a, &b});
}

TEST_F(SameFieldConflictTest, PerFieldPolicy) {
  Replica a = replica("a"), b = replica("b", {"--config", R"({"policies":{"action":{"name":"client_wins"}}})"});
  race(a, b);
  EXPECT_EQ(server_view("action", id_)["name"], "B's name");
  EXPECT_EQ(decisions_with_both(b, "action", id_, "A's name", "B's name"), 1) << b.ok({"history", "action", id_}).dump(1);
  a.sync();
  expect_converged({&a, &b});
}

TEST_F(SameFieldConflictTest, ManualThenResolvedThroughTheCli) {
  Replica a = replica("a"), b = replica("b", {"--config", R"({"policies":{"action":"manual"}})"});
  race(a, b);
  // Nothing decided: the server keeps A's value, B keeps both sides.
  EXPECT_EQ(server_view("action", id_)["name"], "A's name");
  json st = b.status();
  EXPECT_EQ(st["conflicts"], 1) << st;
  json cs = b.conflicts();
  ASSERT_EQ(cs.size(), 1u) << cs;
  EXPECT_EQ(cs[0]["id"], id_);
  EXPECT_EQ(cs[0]["local"]["name"], "B's name");
  EXPECT_EQ(cs[0]["remote"]["name"], "A's name");
  // Another round does not lose or decide it.
  b.sync();
  EXPECT_EQ(b.conflicts().size(), 1u);
  EXPECT_EQ(server_view("action", id_)["name"], "A's name");

  b.ok({"resolve", cs[0]["conflict_id"], "--take", "local"});
  EXPECT_EQ(b.conflicts().size(), 0u);
  b.sync();
  EXPECT_EQ(server_view("action", id_)["name"], "B's name");
  a.sync();
  expect_converged({&a, &b});
}

TEST_F(SameFieldConflictTest, ManualResolvedWithAThirdValue) {
  Replica a = replica("a"), b = replica("b", {"--config", R"({"policies":{"action":"manual"}})"});
  race(a, b);
  json cs = b.conflicts();
  ASSERT_EQ(cs.size(), 1u) << cs;
  json row = cs[0]["remote"];
  row["name"] = "Agreed name";
  b.ok({"resolve", cs[0]["conflict_id"], "--take", row.dump()});
  b.sync();
  EXPECT_EQ(server_view("action", id_)["name"], "Agreed name");
  a.sync();
  expect_converged({&a, &b});
}

TEST_F(SyncRoundTest, RemoteDeleteAgainstLocalUpdateManualThenKeptLocally) {
  Replica a = replica("a"), b = replica("b", {"--config", R"({"policies":{"action":"manual"}})"});
  a.sync();
  b.sync();
  std::string id = an_action(1)["action_id"];
  a.remove("action", id);
  a.sync();
  b.update("action", id, {{"name", "kept by B"}});
  json r = b.sync();
  EXPECT_TRUE(r["ok"].get<bool>()) << r;
  json cs = b.conflicts();
  ASSERT_EQ(cs.size(), 1u) << cs;
  EXPECT_EQ(cs[0]["kind"], "update_delete");
  EXPECT_TRUE(b.get("action", id).has_value());
  // Keeping the local side creates the row again on the server, with the same id.
  b.ok({"resolve", cs[0]["conflict_id"], "--take", "local"});
  b.sync();
  EXPECT_EQ(server_view("action", id)["name"], "kept by B");
  a.sync();
  expect_converged({&a, &b});
}

TEST_F(SyncRoundTest, RemoteDeleteAgainstLocalUpdateDefaultPolicy) {
  Replica a = replica("a"), b = replica("b");
  a.sync();
  b.sync();
  std::string id = an_action(0)["action_id"];
  a.remove("action", id);
  a.sync();
  b.update("action", id, {{"name", "edited on B"}});
  json r = b.sync();
  EXPECT_TRUE(r["ok"].get<bool>()) << r;
  EXPECT_EQ(r["stats"]["conflicts"], 1) << r;
  EXPECT_TRUE(server_view("action", id).is_null());
  EXPECT_FALSE(b.get("action", id).has_value());
  EXPECT_EQ(decisions_with_both(b, "action", id, "edited on B", "update_delete"), 1) << b.ok({"history", "action", id}).dump(1);
  expect_converged({&a, &b});
}

TEST_F(SyncRoundTest, LocalDeleteAgainstRemoteUpdate) {
  Replica a = replica("a"), b = replica("b", {"--config", R"({"policies":{"action":"client_wins"}})"});
  a.sync();
  b.sync();
  std::string kept = an_action(0)["action_id"], deleted = an_action(1)["action_id"];
  a.update("action", kept, {{"name", "updated on A"}});
  a.update("action", deleted, {{"name", "updated on A too"}});
  a.sync();
  // A (default policy) deletes `kept` offline: the server's update wins and the row returns.
  a.remove("action", kept);
  server_update("action", kept, {{"description", "touched on the server"}});
  json ra = a.sync();
  EXPECT_TRUE(ra["ok"].get<bool>()) << ra;
  EXPECT_EQ(ra["stats"]["conflicts"], 1) << ra;
  EXPECT_EQ(server_view("action", kept)["description"], "touched on the server");
  ASSERT_TRUE(a.get("action", kept).has_value());
  // B (client_wins) deletes `deleted` after A's update: the delete goes through.
  b.remove("action", deleted);
  json rb = b.sync();
  EXPECT_TRUE(rb["ok"].get<bool>()) << rb;
  EXPECT_TRUE(server_view("action", deleted).is_null());
  a.sync();
  b.sync();
  expect_converged({&a, &b});
}

TEST_F(SyncRoundTest, RejectedWriteIsFixedLocallyThenPushed) {
  Replica a = replica("a"), b = replica("b");
  a.sync();
  b.sync();
  auto [office, project] = active_office();
  (void)office;
  // Both create an office of the same name in the same project: each replica accepts it.
  json oa = a.create("office", {{"project_id", project}, {"name", "Magazzino Nord"}});
  json ob = b.create("office", {{"project_id", project}, {"name", "Magazzino Nord"}});
  // B also records work in its new office: it depends on the office's create.
  json act = b.create("action", action_body(ob["office_id"], project, "Inventory check"));
  EXPECT_TRUE(a.sync()["ok"].get<bool>());

  json r = b.sync();
  EXPECT_EQ(r["stats"]["rejected"], 1) << r;
  json st = b.status();
  EXPECT_EQ(st["rejected"], 1) << st;
  EXPECT_EQ(st["blocked"], 1) << st;
  json journal = b.journal();
  ASSERT_EQ(journal.size(), 2u) << journal;
  EXPECT_EQ(journal[0]["state"], "rejected");
  EXPECT_TRUE(journal[0].contains("errors")) << journal[0];
  EXPECT_NE(journal[0]["errors"].dump().find("name"), std::string::npos) << journal[0];
  EXPECT_EQ(journal[1]["state"], "blocked");
  EXPECT_TRUE(server_view("office", ob["office_id"]).is_null());
  EXPECT_TRUE(server_view("action", act["action_id"]).is_null());
  // The local rows stay.
  EXPECT_TRUE(b.get("office", ob["office_id"]).has_value());
  // Another round does not resend it unchanged.
  EXPECT_EQ(b.sync()["stats"]["pushed"], 0);

  b.update("office", ob["office_id"], {{"name", "Magazzino Nord 2"}});
  json r2 = b.sync();
  EXPECT_TRUE(r2["ok"].get<bool>()) << r2;
  EXPECT_EQ(r2["stats"]["pushed"], 2) << r2;
  EXPECT_EQ(server_view("office", ob["office_id"])["name"], "Magazzino Nord 2");
  EXPECT_EQ(server_view("action", act["action_id"])["subtenant_id"], ob["office_id"]);
  a.sync();
  expect_converged({&a, &b});
  (void)oa;
}

TEST_F(SyncRoundTest, RejectedByAServerEditMadeMeanwhile) {
  Replica a = replica("a");
  a.sync();
  // Two active offices of one project.
  auto [first, project] = active_office();
  (void)first;
  auto r = server().post("/v2/office/index",
                         json{{"per-page", 2}, {"sort", "code"}, {"filter", {{"project_id", project}}}}.dump());
  json two = json::parse(r.body);
  ASSERT_EQ(two.size(), 2u);
  std::string mine = two[0]["office_id"], theirs = two[1]["office_id"];
  // The replica renames one office; meanwhile the server gives that name to the other.
  a.update("office", mine, {{"name", "Sede Unica"}});
  server_update("office", theirs, {{"name", "Sede Unica"}});
  json rep = a.sync();
  EXPECT_EQ(rep["stats"]["rejected"], 1) << rep;
  json journal = a.journal();
  ASSERT_EQ(journal.size(), 1u) << journal;
  EXPECT_EQ(journal[0]["state"], "rejected");
  EXPECT_NE(server_view("office", mine)["name"], "Sede Unica");
  // The user picks another name: the fix replaces the rejected patch and goes out.
  a.update("office", mine, {{"name", "Sede Unica Est"}});
  json rep2 = a.sync();
  EXPECT_TRUE(rep2["ok"].get<bool>()) << rep2;
  EXPECT_EQ(server_view("office", mine)["name"], "Sede Unica Est");
  expect_converged({&a});
}

TEST_F(SyncRoundTest, HistoricizedOfficeHidesItsRowsUnlessHistory) {
  Replica a = replica("a");
  a.sync();
  auto [office, project] = active_office();
  (void)project;
  json filter = {{"subtenant_id", office}};
  int actions = a.ok({"query", "action", json{{"filter", filter}}.dump()})["_meta"]["totalCount"];
  ASSERT_GT(actions, 0);
  int offices = a.ok({"query", "office"})["_meta"]["totalCount"];

  admin("historicize", {{"entity", "office"}, {"id", office}});
  json r = a.sync();
  EXPECT_TRUE(r["ok"].get<bool>()) << r;
  // Only the office row changed; its children are hidden through parent_active.
  EXPECT_EQ(r["stats"]["pulled"], 1) << r;
  EXPECT_EQ(a.ok({"query", "office"})["_meta"]["totalCount"], offices - 1);
  EXPECT_EQ(a.ok({"query", "action", json{{"filter", filter}}.dump()})["_meta"]["totalCount"], 0);
  EXPECT_EQ(a.ok({"query", "incident", json{{"filter", filter}}.dump()})["_meta"]["totalCount"], 0);
  EXPECT_EQ(a.ok({"query", "action", json{{"filter", filter}, {"history", true}}.dump()})["_meta"]["totalCount"],
            actions);
  json row = a.ok({"query", "action", json{{"filter", filter}, {"history", true}, {"per-page", 1}}.dump()});
  EXPECT_EQ(row["items"][0]["parent_active"], false);
  // The local answer matches the server's with and without history.
  auto srv = server().post("/v2/action/index", json{{"filter", filter}}.dump());
  EXPECT_EQ(json::parse(srv.body).size(), 0u);
  expect_converged({&a});

  admin("restore", {{"entity", "office"}, {"id", office}});
  a.sync();
  EXPECT_EQ(a.ok({"query", "action", json{{"filter", filter}}.dump()})["_meta"]["totalCount"], actions);
}

}  // namespace
}  // namespace hse::test
