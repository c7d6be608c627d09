#include "tests/unit/sync/sync_fixture.hpp"

using namespace hse;
using hse::test::FakeRemote;
using hse::test::SyncTest;
using json = nlohmann::json;

class Conflicts : public SyncTest {
 protected:
  std::string iid;
  void SetUp() override {
    SyncTest::SetUp();
    json r = incident_body("Original");
    r["office_incident_id"] = iid = "c0000000-0000-4000-8000-000000000009";
    r["owned_active"] = true;
    r["description"] = "d0";
    server->put("incident", r);
    sync_ok(*a);
  }
  void server_edit(const json& patch) { server->update("incident", iid, patch); }
  // A round whose update of the incident applies with its answer lost, while the
  // user edits it again here (a second entry, made against `first`).
  void lose_an_update_edited_in_flight(const json& first, const json& second) {
    a->update("incident", iid, first);
    bool edited = false;
    server->on_call = [&](const std::string& op, const std::string&, const std::string&) {
      if (op != "update" || edited) return;
      edited = true;
      a->update("incident", iid, second);
    };
    server->faults.push_back({FakeRemote::Fault::none, Code::ok});              // the view
    server->faults.push_back({FakeRemote::Fault::lose_answer, Code::timeout});  // the update
    EXPECT_FALSE(a->sync()["ok"].get<bool>());
    server->on_call = nullptr;
    ASSERT_TRUE(edited);
    ASSERT_EQ(a->journal().size(), 2u);
  }
  std::unique_ptr<engine::Engine> reopen_with_policy(const json& policies) {
    a.reset();
    return open("a", {{"policies", policies}});
  }
};

TEST_F(Conflicts, DisjointFieldsMerge) {
  a->update("incident", iid, {{"name", "Mine"}});
  server_edit({{"description", "Theirs"}});
  sync_ok(*a);  // push: no overlap
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Mine");
  EXPECT_EQ(server->row("incident", iid)->at("description"), "Theirs");
  expect_converged(*a);
}

TEST_F(Conflicts, AnEditMadeDuringThePullMergesThreeWays) {
  server_edit({{"description", "Theirs"}, {"name", "Their name"}});
  bool edited = false;
  server->on_call = [&](const std::string& op, const std::string& entity, const std::string&) {
    if (op == "list" && entity == "incident" && !edited) {
      edited = true;  // the app writes while the round is pulling
      a->update("incident", iid, {{"code", "MINE-1"}, {"name", "My name"}});
    }
  };
  sync_ok(*a);
  server->on_call = nullptr;
  json row = *a->get("incident", iid);
  EXPECT_EQ(row["code"], "MINE-1");          // changed here only
  EXPECT_EQ(row["description"], "Theirs");   // changed there only
  EXPECT_EQ(row["name"], "Their name");      // both: the default policy lets the server win
  // A write made during the pull goes out in the same round, its patch recomputed
  // against the new base: the code only, so the server's name stays.
  EXPECT_TRUE(a->journal().empty());
  EXPECT_EQ(server->row("incident", iid)->at("code"), "MINE-1");
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Their name");
  expect_converged(*a);
}

// A client_wins policy that keeps a local edit against a delete the pull found journals
// the row's create again; the same round sends it, so no later round is needed.
TEST_F(Conflicts, ARecreateDecidedByThePullIsPushedInTheSameRound) {
  auto wins = reopen_with_policy({{"incident", "client_wins"}});
  wins->update("incident", iid, {{"name", "Kept"}});
  // The push's update is refused (so the push leaves the row alone), then someone
  // deletes the row before the pull: the pull is what finds it gone.
  server->faults = {{test::FakeRemote::Fault::none, Code::ok}, {test::FakeRemote::Fault::fail_before, Code::invalid}};
  bool deleted = false;
  server->on_call = [&](const std::string& op, const std::string& entity, const std::string&) {
    if (op == "list" && entity == "incident" && !deleted) {
      deleted = true;
      server->rows["incident"].erase(iid);
    }
  };
  json report = sync_ok(*wins);
  server->on_call = nullptr;
  ASSERT_TRUE(deleted);
  EXPECT_EQ(report["stats"]["rejected"], 1) << report;
  EXPECT_TRUE(wins->journal().empty());
  ASSERT_TRUE(server->row("incident", iid));
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Kept");
}

TEST_F(Conflicts, SameFieldDefaultIsServerWinsAndHistoryKeepsTheLoser) {
  a->update("incident", iid, {{"name", "Mine"}});
  server_edit({{"name", "Theirs"}});
  sync_ok(*a);
  EXPECT_EQ(a->get("incident", iid)->at("name"), "Theirs");
  expect_converged(*a);
  bool kept = false;
  for (const auto& v : a->history("incident", iid)) kept = kept || (v.row.is_object() && v.row["name"] == "Mine");
  EXPECT_TRUE(kept) << "the losing local value is not in history";
  EXPECT_TRUE(a->conflicts().empty());
}

TEST_F(Conflicts, ClientWins) {
  a = reopen_with_policy({{"incident", "client_wins"}});
  a->update("incident", iid, {{"name", "Mine"}});
  server_edit({{"name", "Theirs"}});
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Mine");
  expect_converged(*a);
}

// The pull settles a field both sides changed for ours (client_wins) while the
// entry could not be sent (its view failed): the row here does not change, but the
// decision is recorded all the same, with the server's value it overrides, before
// the next push writes over it.
TEST_F(Conflicts, APullDecisionThatKeepsTheRowAsItIsIsRecorded) {
  a = reopen_with_policy({{"incident", "client_wins"}});
  a->update("incident", iid, {{"name", "Mine"}});
  server_edit({{"name", "Theirs"}});
  server->faults.push_back({FakeRemote::Fault::fail_before, Code::server});  // the push's view: a 5xx
  a->sync();
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Mine");
  expect_converged(*a);
  bool recorded = false;
  for (const auto& v : a->history("incident", iid))
    recorded = recorded || (v.origin == "conflict" && v.detail.value("decisions", json()) == json{{"name", "local"}} &&
                            v.detail["remote"]["name"] == "Theirs");
  EXPECT_TRUE(recorded) << "the server's \"Theirs\" was overwritten with no decision in history";
}

TEST_F(Conflicts, PerFieldPolicy) {
  a = reopen_with_policy({{"incident", {{"*", "server_wins"}, {"description", "client_wins"}}}});
  a->update("incident", iid, {{"name", "Mine"}, {"description", "my words"}});
  server_edit({{"name", "Theirs"}, {"description", "their words"}});
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Theirs");
  EXPECT_EQ(server->row("incident", iid)->at("description"), "my words");
  expect_converged(*a);
}

TEST_F(Conflicts, ManualKeepsBothUntilResolved) {
  a = reopen_with_policy({{"incident", "manual"}});
  a->update("incident", iid, {{"name", "Mine"}});
  server_edit({{"name", "Theirs"}});
  sync_ok(*a);
  auto open = a->conflicts();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, engine::store::ConflictKind::update_update);
  EXPECT_EQ(open[0].local["name"], "Mine");
  EXPECT_EQ(open[0].remote["name"], "Theirs");
  EXPECT_EQ(a->status()["conflicts"], 1);
  sync_ok(*a);  // nothing is pushed while it is open
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Theirs");
  a->resolve(open[0].conflict_id, {{"take", "local"}});
  EXPECT_TRUE(a->conflicts().empty());
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Mine");
  expect_converged(*a);
}

TEST_F(Conflicts, ManualResolvedForTheServer) {
  a = reopen_with_policy({{"incident", "manual"}});
  a->update("incident", iid, {{"name", "Mine"}, {"code", "C-1"}});
  server_edit({{"name", "Theirs"}});
  sync_ok(*a);
  ASSERT_EQ(a->conflicts().size(), 1u);
  a->resolve(a->conflicts()[0].conflict_id, {{"take", "remote"}});
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Theirs");
  EXPECT_EQ(server->row("incident", iid)->at("code"), "C-1");  // the disjoint edit still goes
  expect_converged(*a);
  EXPECT_THROW(a->resolve("no-such-conflict", {{"take", "local"}}), Error);
}

TEST_F(Conflicts, ResolverCallbackDecides) {
  a = reopen_with_policy({{"incident", "callback"}});
  json seen;
  a->set_resolver([&](const json& c) -> std::optional<json> {
    seen = c;
    return json{{"row", {{"name", c["local"]["name"].get<std::string>() + " + " + c["remote"]["name"].get<std::string>()}}}};
  });
  a->update("incident", iid, {{"name", "Mine"}});
  server_edit({{"name", "Theirs"}});
  sync_ok(*a);
  EXPECT_EQ(seen["fields"], json::array({"name"}));
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Mine + Theirs");
  expect_converged(*a);
}

TEST_F(Conflicts, RemoteDeleteAgainstLocalUpdate) {
  a->update("incident", iid, {{"name", "Mine"}});
  server->rows["incident"].erase(iid);
  sync_ok(*a);  // default: the server's delete wins, history keeps the edit
  EXPECT_FALSE(a->get("incident", iid));
  auto h = a->history("incident", iid);
  bool kept = false;
  for (const auto& v : h) kept = kept || (v.row.is_object() && v.row["name"] == "Mine");
  EXPECT_TRUE(kept);
  expect_converged(*a);
}

TEST_F(Conflicts, RemoteDeleteAgainstLocalUpdateClientWinsRecreates) {
  a = reopen_with_policy({{"incident", "client_wins"}});
  a->update("incident", iid, {{"name", "Mine"}});
  server->rows["incident"].erase(iid);
  sync_ok(*a);
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Mine");
  expect_converged(*a);
}

TEST_F(Conflicts, LocalDeleteAgainstRemoteUpdate) {
  a->remove("incident", iid);
  server_edit({{"name", "Edited there"}});
  sync_ok(*a);  // default: the remote edit wins, the row comes back
  EXPECT_EQ(a->get("incident", iid)->at("name"), "Edited there");
  expect_converged(*a);
}

TEST_F(Conflicts, LocalDeleteAgainstRemoteUpdateManual) {
  a = reopen_with_policy({{"incident", "manual"}});
  a->remove("incident", iid);
  server_edit({{"name", "Edited there"}});
  sync_ok(*a);
  auto open = a->conflicts();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, engine::store::ConflictKind::delete_update);
  a->resolve(open[0].conflict_id, {{"take", "local"}});
  sync_ok(*a);
  EXPECT_FALSE(server->row("incident", iid));
  expect_converged(*a);
}

TEST_F(Conflicts, RejectedWriteStaysVisibleBlocksItsChildrenAndGoesOnceFixed) {
  // An office the server refuses (a name longer than the server allows would be
  // refused locally too; here the server refuses a parent the replica does not know).
  json office = a->create("office", {{"project_id", pid}, {"name", "New site"}});
  server->faults.push_back({test::FakeRemote::Fault::fail_before, Code::invalid});
  json inc = incident_body("under the new site");
  inc["subtenant_id"] = office["office_id"];
  json child = a->create("incident", inc);
  json report = sync_ok(*a);
  EXPECT_EQ(report["stats"]["rejected"], 1);
  EXPECT_EQ(report["stats"]["blocked"], 1);
  auto journal = a->journal();
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal[0].state, engine::journal::State::rejected);
  EXPECT_EQ(journal[1].state, engine::journal::State::blocked);
  EXPECT_EQ(a->status()["rejected"], 1);
  EXPECT_TRUE(a->get("office", office["office_id"]));  // the local row stays
  // The fix: an edit of the rejected row sends it again, and its child follows.
  a->update("office", office["office_id"], {{"name", "New site (fixed)"}});
  sync_ok(*a);
  EXPECT_TRUE(server->row("office", office["office_id"]));
  EXPECT_TRUE(server->row("incident", child["office_incident_id"]));
  expect_converged(*a);
}

// The retried update meets a server value it did not write, and the policy keeps it.
// The edit made in flight was made against our first value, not against theirs: it
// meets their value as a conflict too, and does not overwrite it unseen.
TEST_F(Conflicts, AnEditMadeWhileALostUpdateWasInFlightDoesNotOverwriteTheServerUnseen) {
  lose_an_update_edited_in_flight({{"name", "Mine 1"}}, {{"name", "Mine 2"}});
  server_edit({{"name", "Theirs"}});
  sync_ok(*a);
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Theirs");
  expect_converged(*a);
  bool kept = false;
  for (const auto& v : a->history("incident", iid)) kept = kept || (v.row.is_object() && v.row["name"] == "Mine 2");
  EXPECT_TRUE(kept) << "the losing local value is not in history";
}

// A resolution is the whole of what the row has left to push: the older entry the
// conflict was raised for goes with it, or it would be sent afterwards, stale.
TEST_F(Conflicts, AResolutionReplacesEveryPendingEntryOfTheRow) {
  a = reopen_with_policy({{"incident", "manual"}});
  lose_an_update_edited_in_flight({{"name", "Mine 1"}}, {{"name", "Mine 2"}});
  server_edit({{"name", "Theirs"}});
  sync_ok(*a);
  ASSERT_EQ(a->conflicts().size(), 1u);
  a->resolve(a->conflicts()[0].conflict_id, {{"take", "remote"}});
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Theirs");
  expect_converged(*a);
}

// The conflict the retried update raises covers the field the in-flight edit changed
// too, when the server changed it as well: "remote" keeps the server's value there.
TEST_F(Conflicts, AConflictCoversTheFieldsOfEditsMadeInFlight) {
  a = reopen_with_policy({{"incident", "manual"}});
  lose_an_update_edited_in_flight({{"name", "Mine 1"}}, {{"description", "mine"}});
  server_edit({{"name", "Theirs"}, {"description", "theirs"}});
  sync_ok(*a);
  auto open = a->conflicts();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].fields, json::array({"name", "description"}));
  a->resolve(open[0].conflict_id, {{"take", "remote"}});
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("description"), "theirs");
  expect_converged(*a);
}

// Outside the conflict's fields, a field both sides changed is settled by its policy.
TEST_F(Conflicts, AResolutionLeavesOtherFieldsBothSidesChangedToTheirPolicy) {
  a = reopen_with_policy({{"incident", {{"*", "server_wins"}, {"name", "manual"}}}});
  lose_an_update_edited_in_flight({{"name", "Mine 1"}}, {{"description", "mine"}});
  server_edit({{"name", "Theirs"}, {"description", "theirs"}});
  sync_ok(*a);
  auto open = a->conflicts();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].fields, json::array({"name"}));
  a->resolve(open[0].conflict_id, {{"take", "local"}});
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Mine 1");
  EXPECT_EQ(server->row("incident", iid)->at("description"), "theirs");
  expect_converged(*a);
  bool recorded = false;  // the policy's decision, with the losing local value
  for (const auto& v : a->history("incident", iid))
    recorded = recorded || (v.origin == "conflict" && v.detail.value("decisions", json()) ==
                                                                                json{{"description", "remote"}} &&
                            v.detail["local"]["description"] == "mine");
  EXPECT_TRUE(recorded);
}

// The app's answer decides the conflict's own fields, even when the policy has
// changed since the conflict was raised (here to server_wins).
TEST_F(Conflicts, TheAppsAnswerDecidesTheConflictsFieldsWhateverThePolicyIsNow) {
  a = reopen_with_policy({{"incident", "manual"}});
  a->update("incident", iid, {{"name", "Mine"}});
  server_edit({{"name", "Theirs"}});
  sync_ok(*a);
  ASSERT_EQ(a->conflicts().size(), 1u);
  a = reopen_with_policy({{"incident", "server_wins"}});
  a->resolve(a->conflicts()[0].conflict_id, {{"take", "local"}});
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", iid)->at("name"), "Mine");
  expect_converged(*a);
}
