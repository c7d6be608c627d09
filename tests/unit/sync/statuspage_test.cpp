// Rows whose ids the server assigns (the status-page entities): created offline
// under a local id, mapped to the server's id when pushed, everywhere, atomically;
// a create that may have applied is found again instead of sent twice.
#include <SQLiteCpp/Database.h>

#include "tests/unit/sync/sync_fixture.hpp"
#include "core/ids.hpp"

using namespace hse;
using hse::test::FakeRemote;
using hse::test::SyncTest;
using json = nlohmann::json;

namespace {

const json kStatusPage = {{"remote", {{"kind", "statuspage"}, {"url", "fake://"}}}};

json incident(const std::string& name) {
  return {{"scope", 1}, {"service", 2}, {"name", name}, {"severity", "high"}, {"start_impact_date", "2026-11-28T09:30"}};
}

}  // namespace

class StatusPage : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    a = open("sp-a", kStatusPage);
    b = open("sp-b", kStatusPage);
  }

  json comment(const std::string& incident_id, const std::string& text, bool internal = false) {
    return {{"incident", incident_id}, {"comment", text}, {"internal", internal}};
  }

  // The replica holds exactly the server's status-page rows, and nothing is pending.
  void expect_mirrors_server(engine::Engine& e) {
    for (const char* name : {"statuspage_incident", "statuspage_comment"}) {
      const auto& ent = schema::entity(name);
      json items = e.query(name, {{"per-page", 1000}})["items"];
      ASSERT_EQ(items.size(), server->count(name)) << name;
      for (const auto& row : items) {
        auto srv = server->row(name, row["id"]);
        ASSERT_TRUE(srv) << name << " " << row["id"];
        for (const auto& f : ent.fields) EXPECT_EQ(row[f.name], (*srv)[f.name]) << name << "." << f.name;
      }
    }
    EXPECT_TRUE(e.journal().empty());
  }
};

TEST_F(StatusPage, OfflineIncidentAndCommentsAreMappedToServerIds) {
  json inc = a->create("statuspage_incident", incident("Database down"));
  const std::string local = inc["id"];
  EXPECT_TRUE(is_uuid(local));
  EXPECT_EQ(inc["status"], "active");
  EXPECT_EQ(inc["external_reference"], "hsesync:" + local);  // the key a lost create is found by
  json c1 = a->create("statuspage_comment", comment(local, "investigating"));
  json c2 = a->create("statuspage_comment", comment(local, "ops only", true));

  std::vector<json> mapped;
  a->set_event_sink([&](const json& ev) {
    if (ev["type"] == "mapped") mapped.push_back(ev);
  });
  sync_ok(*a);

  ASSERT_EQ(server->count("statuspage_incident"), 1u);
  ASSERT_EQ(server->count("statuspage_comment"), 2u);
  auto srv_c1 = server->row("statuspage_comment", "1");
  auto srv_c2 = server->row("statuspage_comment", "2");
  ASSERT_TRUE(srv_c1 && srv_c2);
  EXPECT_EQ((*srv_c1)["incident"], "1");
  EXPECT_EQ((*srv_c2)["incident"], "1");
  EXPECT_EQ((*srv_c2)["internal"], true);

  // The server id names the row now, and the local id still does.
  auto by_server = a->get("statuspage_incident", "1");
  auto by_local = a->get("statuspage_incident", local);
  ASSERT_TRUE(by_server && by_local);
  EXPECT_EQ(*by_server, *by_local);
  EXPECT_EQ((*by_server)["id"], "1");
  EXPECT_EQ(a->get("statuspage_comment", c1["id"].get<std::string>()).value()["incident"], "1");
  EXPECT_FALSE(a->history("statuspage_incident", local).empty());
  EXPECT_EQ(a->history("statuspage_incident", local).size(), a->history("statuspage_incident", "1").size());

  ASSERT_EQ(mapped.size(), 3u);
  EXPECT_EQ(mapped[0]["entity"], "statuspage_incident");
  EXPECT_EQ(mapped[0]["local_id"], local);
  EXPECT_EQ(mapped[0]["id"], "1");
  expect_mirrors_server(*a);

  // Another replica sees them under the server's ids.
  sync_ok(*b);
  expect_mirrors_server(*b);
  EXPECT_EQ(b->query("statuspage_comment", {{"filter", {{"incident", "1"}}}})["_meta"]["totalCount"], 2);
}

TEST_F(StatusPage, EditsAfterTheMappingUseTheServerId) {
  json inc = a->create("statuspage_incident", incident("Latency"));
  const std::string local = inc["id"];
  sync_ok(*a);
  a->update("statuspage_incident", local, {{"status", "investigating"}, {"investigation_date", "2026-11-28T10:00"}});
  sync_ok(*a);
  ASSERT_TRUE(server->row("statuspage_incident", "1"));
  EXPECT_EQ(server->row("statuspage_incident", "1").value()["status"], "investigating");
  expect_mirrors_server(*a);
  a->remove("statuspage_incident", local);
  sync_ok(*a);
  EXPECT_EQ(server->count("statuspage_incident"), 0u);
}

TEST_F(StatusPage, EditWhileTheCreateIsInFlightFollowsTheMapping) {
  json inc = a->create("statuspage_incident", incident("Outage"));
  const std::string local = inc["id"];
  server->on_call = [&](const std::string& op, const std::string& entity, const std::string&) {
    if (op == "create" && entity == "statuspage_incident")
      a->update("statuspage_incident", local, {{"description", "written while the create was sent"}});
  };
  sync_ok(*a);
  server->on_call = nullptr;
  sync_ok(*a);
  EXPECT_EQ(server->row("statuspage_incident", "1").value()["description"], "written while the create was sent");
  EXPECT_EQ(server->count("statuspage_incident"), 1u);
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, LostAnswerOnCreateIsFoundAgainNotDuplicated) {
  json inc = a->create("statuspage_incident", incident("Lost"));
  a->create("statuspage_comment", comment(inc["id"], "first"));
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  EXPECT_EQ(server->count("statuspage_incident"), 1u);  // applied, answer lost
  EXPECT_EQ(server->count("statuspage_comment"), 0u);
  sync_ok(*a);
  EXPECT_EQ(server->count("statuspage_incident"), 1u);
  EXPECT_EQ(server->calls["create"], 2);  // the incident once, the comment once
  EXPECT_EQ(server->row("statuspage_comment", "1").value()["incident"], "1");
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, LostAnswerOnACommentIsFoundAgainNotDuplicated) {
  json inc = a->create("statuspage_incident", incident("Comments"));
  sync_ok(*a);
  a->create("statuspage_comment", comment("1", "same text"));
  a->create("statuspage_comment", comment("1", "same text"));  // two equal comments are two comments
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::timeout});
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  // Both went out at once; one answer was lost.
  EXPECT_EQ(server->count("statuspage_comment"), 2u);
  sync_ok(*a);
  EXPECT_EQ(server->count("statuspage_comment"), 2u);
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, EditAfterALostCreateIsPushedAfterTheOrphanIsFound) {
  json inc = a->create("statuspage_incident", incident("Before"));
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  a->update("statuspage_incident", inc["id"], {{"name", "After"}});
  sync_ok(*a);
  ASSERT_EQ(server->count("statuspage_incident"), 1u);
  EXPECT_EQ(server->row("statuspage_incident", "1").value()["name"], "After");
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, CrashBetweenTheAnswerAndTheMappingMakesNoDuplicate) {
  json inc = a->create("statuspage_incident", incident("Crash"));
  a->create("statuspage_comment", comment(inc["id"], "after the crash"));
  // The server applies the create; the process dies before the mapping commits:
  // the entry is left in flight, its attempt never counted.
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  a.reset();
  {
    SQLite::Database db((dir / "sp-a.db").string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE journal SET state = 'in_flight', unanswered = 0 WHERE op = 'create' AND entity = 'statuspage_incident'");
  }
  a = open("sp-a", kStatusPage);
  sync_ok(*a);
  EXPECT_EQ(server->count("statuspage_incident"), 1u);
  EXPECT_EQ(server->row("statuspage_comment", "1").value()["incident"], "1");
  EXPECT_EQ(a->get("statuspage_incident", inc["id"].get<std::string>())->at("id"), "1");
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, ARowAnotherClientCreatedIsNeverTakenForOurs) {
  json inc = a->create("statuspage_incident", incident("Mine"));
  // The first attempt never reached the server; meanwhile b created one that looks alike.
  server->faults.push_back({FakeRemote::Fault::fail_before, Code::network});
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  b->create("statuspage_incident", incident("Mine"));
  sync_ok(*b);
  sync_ok(*a);
  EXPECT_EQ(server->count("statuspage_incident"), 2u);
  EXPECT_NE(a->get("statuspage_incident", inc["id"].get<std::string>())->at("id"), "1");
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, CommentWaitsWhileItsIncidentIsRefused) {
  json inc = a->create("statuspage_incident", incident("Refused"));
  a->create("statuspage_comment", comment(inc["id"], "never sent to a local id"));
  server->faults.push_back({FakeRemote::Fault::fail_before, Code::invalid});
  json report = a->sync();
  EXPECT_EQ(report["stats"]["rejected"], 1);
  EXPECT_EQ(report["stats"]["blocked"], 1);
  EXPECT_EQ(server->calls["create"], 1);
  EXPECT_EQ(server->count("statuspage_comment"), 0u);
  auto status = a->status();
  EXPECT_EQ(status["rejected"], 1);
  EXPECT_EQ(status["blocked"], 1);
  // The fix (an edit of the rejected row) sends both, the comment to the right id.
  a->update("statuspage_incident", inc["id"], {{"name", "Refused, fixed"}});
  sync_ok(*a);
  EXPECT_EQ(server->row("statuspage_comment", "1").value()["incident"], "1");
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, CommentsAreAppendOnly) {
  json inc = a->create("statuspage_incident", incident("Append only"));
  json unsent = a->create("statuspage_comment", comment(inc["id"], "take it back"));
  a->remove("statuspage_comment", unsent["id"]);  // never sent: nothing to push
  json kept = a->create("statuspage_comment", comment(inc["id"], "kept"));
  sync_ok(*a);
  EXPECT_EQ(server->count("statuspage_comment"), 1u);
  const std::string id = kept["id"];
  try {
    a->update("statuspage_comment", id, {{"comment", "edited"}});
    FAIL() << "a comment was updated";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::invalid);
    EXPECT_NE(std::string(e.what()).find("no update"), std::string::npos) << e.what();
  }
  EXPECT_THROW(a->remove("statuspage_comment", id), Error);
  EXPECT_EQ(a->get("statuspage_comment", id).value()["comment"], "kept");
  EXPECT_TRUE(a->journal().empty());
}

TEST_F(StatusPage, DeletingAnIncidentTakesItsCommentsOnBothSides) {
  json inc = a->create("statuspage_incident", incident("Gone"));
  a->create("statuspage_comment", comment(inc["id"], "one"));
  sync_ok(*a);
  sync_ok(*b);
  EXPECT_EQ(b->query("statuspage_comment", json::object())["_meta"]["totalCount"], 1);
  a->remove("statuspage_incident", "1", true);
  sync_ok(*a);
  EXPECT_EQ(server->count("statuspage_incident"), 0u);
  EXPECT_EQ(server->count("statuspage_comment"), 0u);
  sync_ok(*b);
  EXPECT_FALSE(b->get("statuspage_incident", "1"));
  EXPECT_EQ(b->query("statuspage_comment", json::object())["_meta"]["totalCount"], 0);
}

TEST_F(StatusPage, StateRulesAreCheckedOffline) {
  auto fields_of = [&](auto&& write) {
    std::vector<std::string> out;
    try {
      write();
    } catch (const Error& e) {
      for (const auto& f : e.fields()) out.push_back(f.field);
    }
    return out;
  };
  json body = incident("Rules");
  body["status"] = "investigating";
  body["investigation_date"] = "2026-11-28T10:00";
  EXPECT_EQ(fields_of([&] { a->create("statuspage_incident", body); }), std::vector<std::string>{"status"});
  body = incident("Rules");
  body["stable_date"] = "2026-11-28T10:00";
  EXPECT_EQ(fields_of([&] { a->create("statuspage_incident", body); }), std::vector<std::string>{"stable_date"});
  body = incident("Rules");
  body["id"] = "7";
  EXPECT_EQ(fields_of([&] { a->create("statuspage_incident", body); }), std::vector<std::string>{"id"});
  body = incident("Rules");
  body["start_impact_date"] = "2026-11-28 09:30";
  body["external_link"] = "not a url";
  body["severity"] = "bad";
  EXPECT_EQ(fields_of([&] { a->create("statuspage_incident", body); }),
            (std::vector<std::string>{"external_link", "severity", "start_impact_date"}));

  const std::string id = a->create("statuspage_incident", incident("Rules"))["id"];
  EXPECT_EQ(fields_of([&] { a->update("statuspage_incident", id, {{"status", "stable"}}); }),
            std::vector<std::string>{"stable_date"});
  EXPECT_EQ(fields_of([&] {
              a->update("statuspage_incident", id,
                        {{"status", "stable"}, {"stable_date", "2026-11-28T11:00"}, {"resolve_date", "2026-11-28T12:00"}});
            }),
            std::vector<std::string>{"resolve_date"});
  EXPECT_EQ(fields_of([&] { a->update("statuspage_incident", id, {{"scope", nullptr}}); }),
            std::vector<std::string>{"scope"});
  // Refused writes changed nothing; a valid transition goes through. The create
  // takes no status, so the incident is created active and then updated.
  EXPECT_EQ(a->get("statuspage_incident", id).value()["status"], "active");
  a->update("statuspage_incident", id, {{"status", "resolved"}, {"resolve_date", "2026-11-28T12:00"}});
  sync_ok(*a);
  auto srv = server->row("statuspage_incident", "1");
  ASSERT_TRUE(srv);
  EXPECT_EQ((*srv)["status"], "resolved");
  EXPECT_EQ((*srv)["resolve_date"], "2026-11-28T12:00");
  EXPECT_EQ(server->calls["create"], 1);
  EXPECT_EQ(server->calls["update"], 1);
  expect_mirrors_server(*a);
}

// Found by the property suite: each of these once lost a write or stuck the sync.

TEST_F(StatusPage, ClientWinsRecreateLeavesNoCommentTheServerDeleted) {
  a = open("sp-a", {{"policies", {{"statuspage_incident", "client_wins"}}}});
  json inc = a->create("statuspage_incident", incident("Recreated"));
  a->create("statuspage_comment", comment(inc["id"], "went with the incident"));
  sync_ok(*a);
  // Someone deletes the incident (its comments go with it) while we edit it.
  server->remove("statuspage_incident", "1", true);
  a->update("statuspage_incident", "1", {{"name", "Recreated, edited"}});
  sync_ok(*a);
  ASSERT_EQ(server->count("statuspage_incident"), 1u);
  EXPECT_EQ(server->row("statuspage_incident", "2").value()["name"], "Recreated, edited");
  EXPECT_EQ(a->get("statuspage_incident", inc["id"].get<std::string>())->at("id"), "2");
  expect_mirrors_server(*a);  // no comment the server no longer has
}

TEST_F(StatusPage, CommentOnAnIncidentDeletedThereWaitsAndGoesWithIt) {
  a->create("statuspage_incident", incident("Deleted there"));
  sync_ok(*a);
  server->remove("statuspage_incident", "1", true);
  json c = a->create("statuspage_comment", comment("1", "too late"));
  std::vector<json> discarded;
  a->set_event_sink([&](const json& ev) {
    if (ev["type"] == "discarded") discarded.push_back(ev);
  });
  json report = sync_ok(*a);
  EXPECT_EQ(report["stats"]["blocked"], 1);
  EXPECT_EQ(report["stats"]["rejected"], 0);
  // Not silently: the app hears that the comment will not reach the server.
  ASSERT_EQ(discarded.size(), 1u);
  EXPECT_EQ(discarded[0]["entity"], "statuspage_comment");
  EXPECT_EQ(discarded[0]["row"]["comment"], "too late");
  // The incident's deletion is pulled, the comment goes with it, and history keeps it.
  EXPECT_FALSE(a->get("statuspage_incident", "1"));
  EXPECT_FALSE(a->get("statuspage_comment", c["id"].get<std::string>()));
  EXPECT_EQ(a->history("statuspage_comment", c["id"]).front().row["comment"], "too late");
  expect_mirrors_server(*a);
  sync_ok(*a);  // and the next round is clean
}

TEST_F(StatusPage, AnAdoptedCreateKeepsWhatOthersChangedSince) {
  json inc = a->create("statuspage_incident", incident("Adopted"));
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  // Another user moves it on before our retry; we edit another field meanwhile.
  json moved = server->row("statuspage_incident", "1").value();
  moved["status"] = "investigating";
  moved["investigation_date"] = "2026-11-28T10:15";
  server->put("statuspage_incident", moved);
  a->update("statuspage_incident", inc["id"], {{"description", "ours"}});
  sync_ok(*a);
  ASSERT_EQ(server->count("statuspage_incident"), 1u);
  json srv = server->row("statuspage_incident", "1").value();
  EXPECT_EQ(srv["status"], "investigating");
  EXPECT_EQ(srv["investigation_date"], "2026-11-28T10:15");
  EXPECT_EQ(srv["description"], "ours");
  EXPECT_TRUE(a->conflicts().empty());
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, DeleteAfterALostCreateDeletesTheOrphan) {
  json inc = a->create("statuspage_incident", incident("Lost then deleted"));
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  a->remove("statuspage_incident", inc["id"]);
  sync_ok(*a);
  EXPECT_EQ(server->count("statuspage_incident"), 0u);
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, DeleteAfterACreateThatNeverArrivedSendsNothing) {
  json inc = a->create("statuspage_incident", incident("Never arrived"));
  server->faults.push_back({FakeRemote::Fault::fail_before, Code::network});
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  a->remove("statuspage_incident", inc["id"]);
  server->calls.clear();
  sync_ok(*a);
  EXPECT_EQ(server->calls["delete"], 0);
  EXPECT_EQ(server->count("statuspage_incident"), 0u);
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, EditingTheRecoveryKeyAfterALostAnswerMakesNoDuplicate) {
  json body = incident("Own reference");
  body["external_reference"] = "TICKET-1";
  json inc = a->create("statuspage_incident", body);
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  // The retry looks for what the lost attempt sent, kept in the journal entry.
  EXPECT_EQ(a->journal().at(0).sent.value("external_reference", ""), "TICKET-1");
  a->update("statuspage_incident", inc["id"], {{"external_reference", "TICKET-2"}, {"name", "Renamed"}});
  sync_ok(*a);
  ASSERT_EQ(server->count("statuspage_incident"), 1u);
  json srv = server->row("statuspage_incident", "1").value();
  EXPECT_EQ(srv["external_reference"], "TICKET-2");
  EXPECT_EQ(srv["name"], "Renamed");
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, DeletedWhileItsCreateWasInFlightAndTheSendFailed) {
  json inc = a->create("statuspage_incident", incident("Short-lived"));
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});
  server->on_call = [&](const std::string& op, const std::string& entity, const std::string&) {
    if (op == "create" && entity == "statuspage_incident") a->remove("statuspage_incident", inc["id"]);
  };
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  server->on_call = nullptr;
  EXPECT_EQ(server->count("statuspage_incident"), 1u);  // the create applied; its answer was lost
  sync_ok(*a);
  EXPECT_EQ(server->count("statuspage_incident"), 0u);  // found by what was sent, and deleted
  expect_mirrors_server(*a);
}

namespace {
struct Killed {};  // not an hse::Error: the process dies here
}  // namespace

TEST_F(StatusPage, APolicyDecisionIsRecordedBeforeTheUpdateIsSent) {
  a = open("sp-a", {{"policies", {{"statuspage_incident", "client_wins"}}}});
  a->create("statuspage_incident", incident("Decided"));
  sync_ok(*a);
  a->update("statuspage_incident", "1", {{"description", "ours"}});
  json theirs = server->row("statuspage_incident", "1").value();
  theirs["description"] = "theirs";
  server->put("statuspage_incident", theirs);
  server->on_call = [&](const std::string& op, const std::string&, const std::string&) {
    if (op == "update") throw Killed{};
  };
  EXPECT_THROW(a->sync(), Killed);
  server->on_call = nullptr;
  // The server's value the policy overrode is in history, though the update never went out.
  bool recorded = false;
  for (const auto& v : a->history("statuspage_incident", "1"))
    if (v.origin == "conflict" && v.detail.value("remote", json()).value("description", json()) == "theirs") recorded = true;
  EXPECT_TRUE(recorded);
}

TEST_F(StatusPage, ACommentOnAnIncidentRecreatedInTheSameRoundGoesInThatRound) {
  a = open("sp-a", {{"policies", {{"statuspage_incident", "client_wins"}}}});
  a->create("statuspage_incident", incident("Recreated with a comment"));
  sync_ok(*a);
  a->update("statuspage_incident", "1", {{"description", "still needed"}});
  a->create("statuspage_comment", comment("1", "written before we knew"));
  server->remove("statuspage_incident", "1", true);
  json report = sync_ok(*a);
  // The re-create (appended after the comment) maps 1 -> 2; a second pass sends the comment.
  EXPECT_EQ(report["stats"]["mapped"], 2);
  ASSERT_EQ(server->count("statuspage_comment"), 1u);
  EXPECT_EQ(server->row("statuspage_comment", "1").value()["incident"], "2");
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, AnEditAfterALostUpdateAnswerIsNotTakenForAServerChange) {
  a->create("statuspage_incident", incident("Edited twice"));
  sync_ok(*a);
  a->update("statuspage_incident", "1", {{"status", "stable"}, {"stable_date", "2026-11-28T10:15"}});
  server->faults.push_back({FakeRemote::Fault::none, Code::ok});            // the view
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});  // the update: applied, answer lost
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  // The next edit collapses into the entry; the server's "stable" is our own lost write.
  a->update("statuspage_incident", "1", {{"status", "active"}, {"stable_date", nullptr}});
  EXPECT_EQ(a->journal().at(0).sent.value("status", ""), "stable");
  sync_ok(*a);
  EXPECT_EQ(server->row("statuspage_incident", "1").value()["status"], "active");
  EXPECT_TRUE(a->conflicts().empty());
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, TwoLostUpdateAnswersInARowAndTheLastEditWins) {
  json inc = a->create("statuspage_incident", incident("Twice lost"));
  a->update("statuspage_incident", inc["id"], {{"status", "stable"}, {"stable_date", "2026-11-28T10:15"}});
  server->faults = {{FakeRemote::Fault::none, Code::ok},              // create
                    {FakeRemote::Fault::none, Code::ok},              // view
                    {FakeRemote::Fault::lose_answer, Code::network}};  // update: applied, answer lost
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  a->update("statuspage_incident", inc["id"], {{"status", "active"}, {"stable_date", nullptr}});
  server->faults = {{FakeRemote::Fault::none, Code::ok}, {FakeRemote::Fault::lose_answer, Code::network}};
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  sync_ok(*a);
  json srv = server->row("statuspage_incident", "1").value();
  EXPECT_EQ(srv["status"], "active");
  EXPECT_EQ(srv["stable_date"], nullptr);
  expect_mirrors_server(*a);
}

TEST_F(StatusPage, TwoClientsThatWinAgainstTheSameDeleteRecreateItOnce) {
  a = open("sp-a", {{"policies", {{"statuspage_incident", "client_wins"}}}});
  b = open("sp-b", {{"policies", {{"statuspage_incident", "client_wins"}}}});
  json body = incident("Wanted twice");
  body["external_reference"] = "TICKET-9";
  a->create("statuspage_incident", body);
  sync_ok(*a);
  sync_ok(*b);
  server->remove("statuspage_incident", "1", true);
  a->update("statuspage_incident", "1", {{"severity", "critical"}});
  b->update("statuspage_incident", "1", {{"severity", "critical"}});
  sync_ok(*a);
  sync_ok(*b);
  EXPECT_EQ(server->count("statuspage_incident"), 1u);  // b found a's re-create and took it
  sync_ok(*a);
  expect_mirrors_server(*a);
  expect_mirrors_server(*b);
}

namespace {
// A server whose create answers lack the id: the create applied, the answer is useless.
class NoIdInCreateAnswers : public FakeRemote {
 public:
  json create(const std::string& entity, const json& body) override {
    json row = FakeRemote::create(entity, body);
    row.erase("id");
    return row;
  }
};
}  // namespace

TEST_F(StatusPage, ACreateAnswerWithoutAnIdIsAServerErrorAndTheRetryFindsTheRow) {
  auto broken = std::make_shared<NoIdInCreateAnswers>();
  engine::EngineOptions o;
  o.remote = broken;
  auto c = engine::Engine::open((dir / "sp-c.db").string(), kStatusPage, o);
  c->create("statuspage_incident", incident("Answered badly"));
  json report = c->sync();
  EXPECT_FALSE(report["ok"].get<bool>());
  EXPECT_EQ(report["error"]["code"], "server");
  EXPECT_NE(report["error"]["message"].get<std::string>().find("has no id"), std::string::npos);
  // Counted against the entry (it alone failed), and unanswered: it may have applied.
  EXPECT_EQ(c->journal().at(0).attempts, 1);
  EXPECT_EQ(c->journal().at(0).unanswered, 1);
  // A sane answer path now: the orphan is found, not created twice.
  broken->faults.clear();
  auto fixed = std::make_shared<FakeRemote>();
  fixed->rows = broken->rows;
  fixed->next_id = broken->next_id;
  c.reset();
  o.remote = fixed;
  c = engine::Engine::open((dir / "sp-c.db").string(), kStatusPage, o);
  ASSERT_TRUE(c->sync()["ok"].get<bool>());
  EXPECT_EQ(fixed->count("statuspage_incident"), 1u);
  EXPECT_EQ(fixed->calls["create"], 0);
  EXPECT_TRUE(c->journal().empty());
}

// Two entries of one incident (an edit made while the first was in flight), the
// incident deleted on the server, client_wins: the incident comes back once, with
// both edits, not once per entry.
TEST_F(StatusPage, ClientWinsAgainstADeleteRecreatesOnceWhateverTheEntries) {
  a = open("sp-a", {{"remote", {{"kind", "statuspage"}, {"url", "fake://"}}},
                    {"policies", {{"statuspage_incident", "client_wins"}}}});
  json inc = a->create("statuspage_incident", incident("Queue stuck"));
  sync_ok(*a);
  const std::string id = a->get("statuspage_incident", inc["id"].get<std::string>())->at("id");
  a->update("statuspage_incident", id, {{"name", "Queue stuck again"}});
  bool during = false;
  server->on_call = [&](const std::string& op, const std::string& entity, const std::string&) {
    if (op == "view" && entity == "statuspage_incident" && !during) {
      during = true;  // the first entry is in flight: the app edits again, someone deletes
      a->update("statuspage_incident", id, {{"description", "second edit"}});
      server->rows["statuspage_incident"].erase(id);
    }
  };
  sync_ok(*a);
  server->on_call = nullptr;
  ASSERT_TRUE(during);
  ASSERT_EQ(server->count("statuspage_incident"), 1u);
  json back = server->rows["statuspage_incident"].begin()->second;
  EXPECT_NE(back["id"], id);
  EXPECT_EQ(back["name"], "Queue stuck again");
  EXPECT_EQ(back["description"], "second edit");
  expect_mirrors_server(*a);
}

// docs/api/004 types ids and `internal` as integers: a comment written with the API's
// own types (an incident id 1, internal 1) is taken, stored in the replica's form,
// and pushed to that incident.
TEST_F(StatusPage, ACommentTakesTheApisIntegerTypes) {
  a->create("statuspage_incident", incident("Disk full"));
  sync_ok(*a);
  ASSERT_TRUE(a->get("statuspage_incident", "1"));
  json c = a->create("statuspage_comment", {{"incident", 1}, {"comment", "cleaning up"}, {"internal", 1}});
  EXPECT_EQ(c["incident"], "1");
  EXPECT_EQ(c["internal"], true);
  EXPECT_EQ(a->query("statuspage_comment", {{"filter", {{"incident", "1"}}}})["_meta"]["totalCount"], 1);
  sync_ok(*a);
  ASSERT_EQ(server->count("statuspage_comment"), 1u);
  EXPECT_EQ(server->row("statuspage_comment", "1").value()["incident"], "1");
  expect_mirrors_server(*a);
  // An incident the replica does not have is refused by the relation check, as before.
  try {
    a->create("statuspage_comment", {{"incident", 99}, {"comment", "x"}});
    ADD_FAILURE() << "accepted a comment on a missing incident";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::invalid);
    ASSERT_FALSE(e.fields().empty());
    EXPECT_EQ(e.fields()[0].field, "incident");
  }
}
