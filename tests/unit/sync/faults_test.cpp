// Faults of the remote during a round, each named by what it injects.
#include <atomic>
#include <future>
#include <thread>

#include "engine/engine_impl.hpp"
#include "tests/unit/sync/sync_fixture.hpp"

using namespace hse;
using hse::test::FakeRemote;
using hse::test::SyncTest;
using json = nlohmann::json;

class Faults : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    sync_ok(*a);
  }

  // 30 incidents on the server, and a new replica that lists them 10 a page.
  std::unique_ptr<engine::Engine> thirty_incidents_ten_a_page() {
    for (int i = 0; i < 30; ++i) {
      json r = incident_body("r" + std::to_string(i));
      r["office_incident_id"] = (*hse::engine::internals(*a).state).random->uuid4();
      server->put("incident", r);
    }
    return open("small", {{"remote", {{"url", "fake://"}}}, {"sync", {{"per_page", 10}}}});
  }
};

TEST_F(Faults, NetworkErrorStopsThePushAndKeepsTheEntry) {
  a->create("incident", incident_body("one"));
  a->create("incident", incident_body("two"));
  server->faults.push_back({FakeRemote::Fault::fail_before, Code::network});
  json report = a->sync();
  EXPECT_FALSE(report["ok"].get<bool>());
  EXPECT_EQ(report["error"]["code"], "network");
  EXPECT_TRUE(report["error"]["transient"].get<bool>());
  // Both went out at once: the other one went through. The failed send may have
  // applied (unanswered); the remote's failure counts no attempt against the entry.
  auto j = a->journal();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].unanswered, 1);
  EXPECT_EQ(j[0].attempts, 0);
  EXPECT_EQ(j[0].state, engine::journal::State::pending);
  sync_ok(*a);
  EXPECT_EQ(server->count("incident"), 2u);
  expect_converged(*a);
}

TEST_F(Faults, CreateAppliedButAnswerLostIsNotDuplicated) {
  json i = a->create("incident", incident_body("once"));
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  EXPECT_EQ(server->count("incident"), 1u);
  sync_ok(*a);
  EXPECT_EQ(server->count("incident"), 1u);
  EXPECT_EQ(server->calls["create"], 2);  // retried, refused as a duplicate, checked with a view
  expect_converged(*a);
}

TEST_F(Faults, UpdateAppliedButAnswerLostConverges) {
  a->update("office", oid, {{"street", "Via Roma 2"}});
  server->faults.push_back({FakeRemote::Fault::none, Code::ok});            // the view
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::timeout});  // the update
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  sync_ok(*a);
  expect_converged(*a);
}

TEST_F(Faults, CrashLeavesAnEntryInFlightAndTheNextRoundRetriesIt) {
  json i = a->create("incident", incident_body("in flight"));
  {
    int64_t seq = a->journal()[0].seq;
    auto& s = (*hse::engine::internals(*a).state);
    std::lock_guard lock(s.mu);
    s.journal.set_state(seq, engine::journal::State::in_flight);
  }
  a.reset();  // the process dies mid-push
  a = open("a");
  // Opening takes nothing up (the entry could be another process's round's); the
  // next round, holding the sync lock, does.
  EXPECT_EQ(a->journal()[0].state, engine::journal::State::in_flight);
  sync_ok(*a);
  expect_converged(*a);
  EXPECT_EQ(server->calls["create"], 1);
}

// The daemon pushes while the CLI (another process, here another engine on the same
// file) opens the replica and asks for a round of its own.
TEST_F(Faults, ARoundInAnotherProcessKeepsItsEntriesAndTheSecondRoundIsBusy) {
  a->create("incident", incident_body("sent once"));
  std::promise<void> entered, release;
  auto released = release.get_future().share();
  std::atomic<bool> first{true};
  server->on_call = [&](const std::string& op, const std::string&, const std::string&) {
    if (op == "create" && first.exchange(false)) {
      entered.set_value();
      released.wait();
    }
  };
  json report_a;
  std::thread daemon([&] { report_a = a->sync(); });
  entered.get_future().wait();

  engine::EngineOptions o;
  o.remote = server;
  o.sync_lock_wait = std::chrono::milliseconds(200);
  auto cli = engine::Engine::open((dir / "a.db").string(), json::object(), o);
  EXPECT_EQ(cli->status()["in_flight"], 1);
  json busy = cli->sync();
  EXPECT_FALSE(busy["ok"].get<bool>()) << busy;
  EXPECT_EQ(busy["error"]["code"], "busy") << busy;
  EXPECT_TRUE(busy["error"]["transient"].get<bool>());
  EXPECT_EQ(cli->status()["in_flight"], 1);  // still the daemon's: not reset, not resent

  release.set_value();
  daemon.join();
  EXPECT_TRUE(report_a["ok"].get<bool>()) << report_a;
  sync_ok(*cli);
  EXPECT_EQ(server->calls["create"], 1);
  EXPECT_EQ(server->count("incident"), 1u);
  expect_converged(*cli);
}

TEST_F(Faults, APullCutShortDeletesNothing) {
  auto small_pages = thirty_incidents_ten_a_page();
  sync_ok(*small_pages);
  server->rows["incident"].clear();
  // The list of page 1 fails: the scan is incomplete, so nothing may be deleted.
  server->faults = {{FakeRemote::Fault::none, Code::ok}, {FakeRemote::Fault::none, Code::ok},
                    {FakeRemote::Fault::fail_before, Code::server}};
  EXPECT_FALSE(small_pages->sync()["ok"].get<bool>());
  EXPECT_EQ(small_pages->query("incident", {{"history", true}})["_meta"]["totalCount"], 30);
  sync_ok(*small_pages);
  EXPECT_EQ(small_pages->query("incident", {{"history", true}})["_meta"]["totalCount"], 0);
}

// A first scan keeps no ids and confirms nothing (pull.cpp): it is first when no row of
// the scope is server-known, not when no scan of it has completed. One cut short after
// page 1 left rows the server knew; the next scan must confirm the ones it then misses.
TEST_F(Faults, AFirstScanCutShortIsNotFirstTheNextTime) {
  auto small_pages = thirty_incidents_ten_a_page();
  std::atomic<int> incident_lists = 0;
  server->on_call = [&](const std::string& op, const std::string& entity, const std::string&) {
    if (op == "list" && entity == "incident" && ++incident_lists == 2)
      throw RemoteError(Code::network, "cut after page 1", 0);
  };
  EXPECT_FALSE(small_pages->sync()["ok"].get<bool>());
  server->on_call = nullptr;
  // Page 1 (the first ten ids in key order) was written, and nothing after it.
  ASSERT_EQ(small_pages->query("incident", {{"history", true}})["_meta"]["totalCount"], 10);
  const std::string gone = server->rows["incident"].begin()->first;
  ASSERT_TRUE(small_pages->get("incident", gone));
  server->rows["incident"].erase(gone);
  json report = sync_ok(*small_pages);
  EXPECT_EQ(report["stats"]["deleted"], 1) << report;
  EXPECT_FALSE(small_pages->get("incident", gone));
  EXPECT_EQ(small_pages->query("incident", {{"history", true}})["_meta"]["totalCount"], 29);
  EXPECT_GE(server->calls["view"], 1);  // the deletion was confirmed, not taken on trust
}
TEST_F(Faults, AnEditDuringThePushIsNotLost) {
  json i = a->create("incident", incident_body("racing"));
  const std::string id = i["office_incident_id"];
  bool edited = false;
  server->on_call = [&](const std::string& op, const std::string&, const std::string& which) {
    if (op == "create" && which == id && !edited) {
      edited = true;
      a->update("incident", id, {{"description", "typed while the create was in flight"}});
    }
  };
  sync_ok(*a);
  server->on_call = nullptr;
  EXPECT_EQ(a->get("incident", id)->at("description"), "typed while the create was in flight");
  sync_ok(*a);
  EXPECT_EQ(server->row("incident", id)->at("description"), "typed while the create was in flight");
  expect_converged(*a);
}

TEST_F(Faults, RateLimitIsReportedAsTransient) {
  a->create("incident", incident_body("x"));
  server->faults.push_back({FakeRemote::Fault::fail_before, Code::rate_limited});
  json report = a->sync();
  EXPECT_EQ(report["error"]["code"], "rate_limited");
  EXPECT_TRUE(report["error"]["transient"].get<bool>());
  sync_ok(*a);
  expect_converged(*a);
}

// A create whose answer is lost, edited here while it and its retry are in flight:
// the retry meets its own row as a collision, and whatever the policy decides, every
// edit made here is a version of the row's history, the newest included.
TEST_F(Faults, EditsMadeWhileALostCreateWasInFlightStayInHistory) {
  const std::string id = "c0000000-0000-4000-8000-0000000000aa";
  json body = incident_body("flight");
  body["office_incident_id"] = id;
  a->create("incident", body);
  for (const char* words : {"first words", "second words"}) {
    bool edited = false;
    server->on_call = [&](const std::string& op, const std::string&, const std::string&) {
      if (op != "create" || edited) return;
      edited = true;
      a->update("incident", id, {{"description", words}});
    };
    server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});
    a->sync();  // the first answer is lost; the retry meets the row as a duplicate
    server->on_call = nullptr;
    ASSERT_TRUE(edited);
  }
  sync_ok(*a);
  expect_converged(*a);
  bool first = false, second = false;
  for (const auto& v : a->history("incident", id)) {
    if (v.origin != "local" || !v.row.is_object()) continue;
    first = first || v.row["description"] == "first words";
    second = second || v.row["description"] == "second words";
  }
  EXPECT_TRUE(first && second) << "an edit made while the create was in flight is not in history";
}

// A client-keyed create whose answer is lost, edited here while it was in flight:
// the retry sends the row as it is now, and the server answers that the id exists,
// holding the first attempt's body. That row is ours, not a collision: the edit goes
// to the server as an update, whatever the policy for collisions (server_wins here
// would have thrown the edit away).
TEST_F(Faults, ARetriedCreateEditedInFlightMeetsItsOwnRowNotACollision) {
  a = open("a2", {{"remote", {{"kind", "fourhse"}, {"url", "fake://"}}}, {"policies", {{"incident", "server_wins"}}}});
  sync_ok(*a);
  const std::string id = "c0000000-0000-4000-8000-0000000000ab";
  json body = incident_body("flight");
  body["office_incident_id"] = id;
  a->create("incident", body);
  bool edited = false;
  server->on_call = [&](const std::string& op, const std::string&, const std::string&) {
    if (op != "create" || edited) return;
    edited = true;
    a->update("incident", id, {{"description", "written in flight"}});
  };
  server->faults.push_back({FakeRemote::Fault::lose_answer, Code::network});
  a->sync();  // the create applies, its answer is lost
  server->on_call = nullptr;
  ASSERT_TRUE(edited);
  sync_ok(*a);
  sync_ok(*a);
  expect_converged(*a);
  EXPECT_EQ((*server->row("incident", id))["description"], "written in flight")
      << "the edit made while the create was in flight did not reach the server";
  for (const auto& v : a->history("incident", id))
    EXPECT_NE(v.origin, "conflict") << "the engine's own row was taken for a collision: " << v.row.dump();
}

// Two entries of one row: the first (description d0, street t0) applied with its answer lost, the
// second an edit made while it was in flight (street t1). Another user then sets
// street t1 too, and the first entry's retry fails, so the pull merges the row: it
// differs from the server in nothing, and the second entry is emptied. The first
// entry must lose its street as well, or its retry writes the stale t0 over both.
TEST_F(Faults, AnOlderEntryDoesNotPushAFieldThePullFoundSettled) {
  a->update("office", oid, {{"description", "d0"}, {"street", "t0"}});
  int updates = 0;
  server->on_call = [&](const std::string& op, const std::string& entity, const std::string&) {
    if (op != "update" || entity != "office") return;
    ++updates;
    if (updates == 1) {
      a->update("office", oid, {{"street", "t1"}});  // the user edits while it is in flight
      json applied = *server->row("office", oid);
      applied["street"] = "t0";
      applied["description"] = "d0";
      server->put("office", applied);
      throw RemoteError(Code::network, "the answer was lost", 0);
    }
    if (updates == 2) throw RemoteError(Code::server, "answered 500", 500);
  };
  EXPECT_FALSE(a->sync()["ok"].get<bool>());
  ASSERT_EQ(updates, 1);
  ASSERT_EQ(a->journal().size(), 2u) << "the edit in flight is an entry of its own";
  json theirs = *server->row("office", oid);
  theirs["street"] = "t1";  // another API user
  server->put("office", theirs);
  a->sync();  // the first entry's retry fails; the pull merges the row
  ASSERT_EQ(updates, 2);
  server->on_call = nullptr;
  sync_ok(*a);
  sync_ok(*a);
  EXPECT_EQ(server->row("office", oid)->at("street"), "t1")
      << "an older entry wrote its stale value over the server's, which the replica had too";
  expect_converged(*a);
}

// The disk fills up in the middle of a round (SQLITE_FULL, here through the
// connection's max_page_count): the round fails with `storage`, the local write is
// not lost, and once there is room again the next round finishes the work.
TEST_F(Faults, ADiskFullMidRoundFailsWithStorageAndLosesNothing) {
  for (int i = 0; i < 400; ++i) {
    json r = incident_body("server incident " + std::to_string(i) + std::string(200, 'x'));
    char id[40];
    std::snprintf(id, sizeof id, "d0000000-0000-4000-8000-%012d", i);
    r["office_incident_id"] = id;
    r["owned_active"] = true;
    server->put("incident", r);
  }
  a->update("office", oid, {{"street", "Via Roma 2"}});
  auto& s = *hse::engine::internals(*a).state;
  auto set_max_pages = [&](int64_t pages) {
    std::lock_guard lock(s.mu);
    s.db.exec("PRAGMA max_page_count = " + std::to_string(pages));
  };
  int64_t used = 0;
  {
    std::lock_guard lock(s.mu);
    auto st = s.db.prepare("PRAGMA page_count");
    ASSERT_TRUE(st->executeStep());
    used = st->getColumn(0).getInt64();
  }
  set_max_pages(used + 4);
  // A storage failure is no round's report: the replica failed, and sync() throws it.
  try {
    a->sync();
    ADD_FAILURE() << "the round did not fail";
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), Code::storage) << err.what();
  }
  EXPECT_EQ(a->get("office", oid)->at("street"), "Via Roma 2");
  set_max_pages(1'073'741'823);
  sync_ok(*a);
  EXPECT_EQ(server->row("office", oid)->at("street"), "Via Roma 2");
  expect_converged(*a);
}
