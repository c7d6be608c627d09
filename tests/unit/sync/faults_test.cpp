// Faults of the remote during a round, each named by what it injects.
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
};

TEST_F(Faults, NetworkErrorStopsThePushAndKeepsTheEntry) {
  a->create("incident", incident_body("one"));
  a->create("incident", incident_body("two"));
  server->faults.push_back({FakeRemote::Fault::fail_before, Code::network});
  json report = a->sync();
  EXPECT_FALSE(report["ok"].get<bool>());
  EXPECT_EQ(report["error"]["code"], "network");
  EXPECT_TRUE(report["error"]["transient"].get<bool>());
  auto j = a->journal();
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0].attempts, 1);
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

TEST_F(Faults, CrashLeavesAnEntryInFlightAndReopeningRetriesIt) {
  json i = a->create("incident", incident_body("in flight"));
  {
    int64_t seq = a->journal()[0].seq;
    auto& s = a->state();
    std::lock_guard lock(s.mu);
    s.journal.set_state(seq, engine::journal::State::in_flight);
  }
  a.reset();  // the process dies mid-push
  a = open("a");
  EXPECT_EQ(a->journal()[0].state, engine::journal::State::pending);
  sync_ok(*a);
  expect_converged(*a);
}

TEST_F(Faults, APullCutShortDeletesNothing) {
  for (int i = 0; i < 30; ++i) {
    json r = incident_body("r" + std::to_string(i));
    r["office_incident_id"] = a->state().random->uuid4();
    server->put("incident", r);
  }
  auto small_pages = open("small", {{"remote", {{"url", "fake://"}}}, {"sync", {{"per_page", 10}}}});
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
