// Issue 11: one failing entry never stalls the push. Held entries, their
// dependents, retry and drop, per-row order under concurrency, and which failures
// count an attempt.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "engine/engine_impl.hpp"
#include "tests/unit/sync/sync_fixture.hpp"

using namespace hse;
using hse::test::SyncTest;
using json = nlohmann::json;
using engine::journal::State;

class PushIsolation : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    // Two failures of an entry's own hold it (the default is 5).
    e = open("p", {{"remote", {{"kind", "fourhse"}, {"url", "fake://"}}}, {"sync", {{"max_attempts", 2}}}});
    e->set_event_sink([this](const json& ev) {
      std::lock_guard lock(events_mu);
      events.push_back(ev);
    });
    sync_ok(*e);
  }
  void TearDown() override {
    server->on_call = nullptr;
    e.reset();
    SyncTest::TearDown();
  }

  // Every request of `op` on `entity` `id` is answered 500 (a server that chokes on this row).
  void fail_always(const std::string& op, const std::string& entity, const std::string& id) {
    server->on_call = [=](const std::string& o, const std::string& en, const std::string& i) {
      if (o == op && en == entity && (id.empty() || i == id)) throw RemoteError(Code::server, "injected 500", 500);
    };
  }

  std::vector<engine::journal::Entry> entries_of(const std::string& entity, const std::string& id) {
    return e->journal({{"entity", entity}, {"id", id}});
  }
  std::optional<engine::store::SyncState> row_state(const std::string& entity, const std::string& id) {
    auto& s = *engine::internals(*e).state;
    std::lock_guard lock(s.mu);
    auto meta = s.replica.meta(schema::entity(entity), id);
    if (!meta) return std::nullopt;
    return meta->state;
  }
  static Code code_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& err) {
      return err.code();
    }
    return Code::ok;
  }

  // Events come on the engine's event thread; after a call other than sync(), wait
  // until `n` of `type` arrived (or a second passed).
  std::vector<json> wait_events(const std::string& type, size_t n) {
    for (int i = 0; i < 1000 && events_of(type).size() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return events_of(type);
  }
  std::vector<json> events_of(const std::string& type) {
    std::lock_guard lock(events_mu);
    std::vector<json> out;
    for (const auto& ev : events)
      if (ev["type"] == type) out.push_back(ev);
    return out;
  }

  void child_move_before_parent_delete(int concurrency);
  void remote_failure_counts_no_attempt(Code code, int status, const std::string& reported);

  std::unique_ptr<engine::Engine> e;
  std::mutex events_mu;
  std::vector<json> events;
};

// 1. The office's update always gets a 500: it is held after max_attempts rounds;
// the incidents written after it go out in the first round all the same.
TEST_F(PushIsolation, HeldEntryDoesNotStallIndependentEntries) {
  e->update("office", oid, {{"street", "Via Roma 2"}});
  json i1 = e->create("incident", incident_body("one"));
  json i2 = e->create("incident", incident_body("two"));
  fail_always("update", "office", oid);

  e->sync();
  EXPECT_TRUE(server->row("incident", i1["office_incident_id"]));
  EXPECT_TRUE(server->row("incident", i2["office_incident_id"]));
  auto j = entries_of("office", oid);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].state, State::pending);
  EXPECT_EQ(j[0].attempts, 1);
  EXPECT_TRUE(events_of("held").empty());

  e->sync();
  j = e->journal();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].entity, "office");
  EXPECT_EQ(j[0].state, State::held);
  EXPECT_EQ(j[0].attempts, 2);
  EXPECT_EQ(j[0].last_status, 500);
  EXPECT_EQ(row_state("office", oid), engine::store::SyncState::held);
  auto held = events_of("held");
  ASSERT_EQ(held.size(), 1u) << json(events).dump();
  EXPECT_EQ(held[0]["seq"], j[0].seq);
  EXPECT_EQ(held[0]["id"], oid);
  // 7. status counts it.
  EXPECT_EQ(e->status()["held"], 1);
  EXPECT_EQ((*server->row("office", oid))["street"], json());

  // A held entry is not sent again.
  std::atomic<int> office_updates{0};
  server->on_call = [&](const std::string& op, const std::string& en, const std::string&) {
    if (op == "update" && en == "office") office_updates++;
  };
  e->sync();
  EXPECT_EQ(office_updates, 0);
  EXPECT_EQ(e->journal()[0].state, State::held);
}

// 2a. A write of the row while its failing entry is in flight is a new entry: it
// waits behind the first, and once the first is held, it stays blocked behind it,
// naming it, and is not sent.
TEST_F(PushIsolation, LaterEntryOfAHeldRowStaysBlocked) {
  e->update("office", oid, {{"street", "Via Roma 2"}});
  std::atomic<bool> wrote{false};
  std::atomic<int> office_updates{0};
  server->on_call = [&](const std::string& op, const std::string& en, const std::string& id) {
    if (op != "update" || en != "office" || id != oid) return;
    office_updates++;
    if (!wrote.exchange(true)) e->update("office", oid, {{"name", "Rome South"}});
    throw RemoteError(Code::server, "injected 500", 500);
  };
  e->sync();
  // After one failure the first entry is sent again next round: the second waits for
  // it, pending; blocked (shown to the app as needing it) only once the first is held.
  auto j = entries_of("office", oid);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0].state, State::pending);
  EXPECT_EQ(j[1].state, State::pending);
  e->sync();
  j = entries_of("office", oid);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0].state, State::held);
  EXPECT_EQ(j[1].state, State::blocked);
  ASSERT_TRUE(j[1].last_error);
  EXPECT_NE(j[1].last_error->find(std::to_string(j[0].seq)), std::string::npos) << *j[1].last_error;
  const int sent = office_updates;
  EXPECT_EQ(sent, 2);  // the first entry, twice; never the second
  e->sync();
  EXPECT_EQ(office_updates, sent);
  EXPECT_EQ((*server->row("office", oid))["name"], "Rome North");
  EXPECT_EQ(entries_of("office", oid)[1].state, State::blocked);
}

// 2b. A child created under a parent whose create is held stays blocked, not sent.
TEST_F(PushIsolation, ChildOfAHeldCreateStaysBlocked) {
  json office = e->create("office", {{"project_id", pid}, {"name", "New site"}});
  const std::string new_oid = office["office_id"];
  json body = incident_body("under new site");
  body["subtenant_id"] = new_oid;
  json inc = e->create("incident", body);
  std::atomic<int> incident_creates{0};
  server->on_call = [&](const std::string& op, const std::string& en, const std::string&) {
    if (op == "create" && en == "incident") incident_creates++;
    if (op == "create" && en == "office") throw RemoteError(Code::server, "injected 500", 500);
  };
  e->sync();
  e->sync();
  e->sync();
  auto parent = entries_of("office", new_oid);
  auto child = entries_of("incident", inc["office_incident_id"]);
  ASSERT_EQ(parent.size(), 1u);
  ASSERT_EQ(child.size(), 1u);
  EXPECT_EQ(parent[0].state, State::held);
  EXPECT_EQ(child[0].state, State::blocked);
  ASSERT_TRUE(child[0].last_error);
  EXPECT_NE(child[0].last_error->find(std::to_string(parent[0].seq)), std::string::npos) << *child[0].last_error;
  EXPECT_EQ(row_state("incident", inc["office_incident_id"]), engine::store::SyncState::blocked);
  EXPECT_EQ(incident_creates, 0);
  EXPECT_FALSE(server->row("incident", inc["office_incident_id"]));
}

// 3. Once the server heals, a retried entry and those behind it all arrive.
TEST_F(PushIsolation, RetryAfterTheServerHeals) {
  e->update("office", oid, {{"street", "Via Roma 2"}});
  fail_always("update", "office", oid);
  e->sync();
  e->sync();
  auto j = e->journal();
  ASSERT_EQ(j.size(), 1u);
  ASSERT_EQ(j[0].state, State::held);
  const int64_t seq = j[0].seq;

  EXPECT_EQ(code_of([&] { e->retry(seq + 1000); }), Code::not_found);
  json inc = e->create("incident", incident_body("pending one"));
  const int64_t pending = entries_of("incident", inc["office_incident_id"]).at(0).seq;
  EXPECT_EQ(code_of([&] { e->retry(pending); }), Code::invalid);
  EXPECT_EQ(entries_of("incident", inc["office_incident_id"]).at(0).state, State::pending);

  server->on_call = nullptr;
  EXPECT_EQ(e->retry(seq), 1);
  auto after = entries_of("office", oid);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].state, State::pending);
  EXPECT_EQ(after[0].attempts, 0);
  EXPECT_EQ(code_of([&] { e->retry(seq); }), Code::invalid);  // pending now
  sync_ok(*e);
  EXPECT_EQ((*server->row("office", oid))["street"], "Via Roma 2");
  EXPECT_TRUE(server->row("incident", inc["office_incident_id"]));
  EXPECT_TRUE(e->journal().empty());
  EXPECT_EQ(e->status()["held"], 0);
  EXPECT_EQ(row_state("office", oid), engine::store::SyncState::synced);
}

// 3b. retry(0): every held entry, and what was blocked behind them, arrives.
TEST_F(PushIsolation, RetryAllAfterTheServerHeals) {
  e->update("office", oid, {{"street", "Via Roma 2"}});
  json office = e->create("office", {{"project_id", pid}, {"name", "New site"}});
  const std::string new_oid = office["office_id"];
  json body = incident_body("under new site");
  body["subtenant_id"] = new_oid;
  json inc = e->create("incident", body);
  server->on_call = [&](const std::string& op, const std::string& en, const std::string& id) {
    if ((op == "create" || op == "update") && en == "office") throw RemoteError(Code::server, "injected 500", 500);
  };
  e->sync();
  e->sync();
  e->sync();
  EXPECT_EQ(e->status()["held"], 2);
  server->on_call = nullptr;
  EXPECT_EQ(e->retry(0), 2);
  EXPECT_EQ(e->status()["held"], 0);
  sync_ok(*e);
  EXPECT_TRUE(e->journal().empty()) << json(e->journal().size()).dump();
  EXPECT_EQ((*server->row("office", oid))["street"], "Via Roma 2");
  EXPECT_TRUE(server->row("office", new_oid));
  EXPECT_TRUE(server->row("incident", inc["office_incident_id"]));
  expect_converged(*e);
}

// 4a. Dropping a held update: the row is the server's version again, history keeps
// the dropped patch (origin "dropped"), and a "dropped" event names the entry.
TEST_F(PushIsolation, DropRestoresTheServersVersionWithHistory) {
  const json server_row = *server->row("office", oid);
  e->update("office", oid, {{"street", "Via Roma 2"}});
  fail_always("update", "office", oid);
  e->sync();
  e->sync();
  auto j = entries_of("office", oid);
  ASSERT_EQ(j.size(), 1u);
  ASSERT_EQ(j[0].state, State::held);
  e->drop(j[0].seq);

  EXPECT_TRUE(entries_of("office", oid).empty());
  auto row = e->get("office", oid);
  ASSERT_TRUE(row);
  for (const auto& f : schema::entity("office").fields) {
    if (f.name == "parent_active") continue;  // computed from the parent locally
    EXPECT_EQ((*row)[f.name], server_row.value(f.name, json())) << f.name;
  }
  EXPECT_EQ(row_state("office", oid), engine::store::SyncState::synced);
  auto h = e->history("office", oid);
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h.back().origin, "dropped");
  EXPECT_NE(h.back().detail.dump().find("Via Roma 2"), std::string::npos) << h.back().detail.dump();
  auto dropped = wait_events("dropped", 1);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0]["id"], oid);
  EXPECT_EQ(dropped[0]["entries"], json::array({j[0].seq}));
  EXPECT_EQ(e->status()["held"], 0);

  // The next round sends nothing for it and leaves the server's row as it was.
  server->on_call = nullptr;
  sync_ok(*e);
  EXPECT_EQ((*server->row("office", oid))["street"], server_row.value("street", json()));
  expect_converged(*e);
}

// 4b. Dropping a held create the server never had: the row and its child go away
// here, history keeps both with origin "dropped".
TEST_F(PushIsolation, DropOfAHeldCreateRemovesTheRowAndItsChildren) {
  json office = e->create("office", {{"project_id", pid}, {"name", "New site"}});
  const std::string new_oid = office["office_id"];
  json body = incident_body("under new site");
  body["subtenant_id"] = new_oid;
  json inc = e->create("incident", body);
  const std::string iid = inc["office_incident_id"];
  fail_always("create", "office", "");
  e->sync();
  e->sync();
  auto j = entries_of("office", new_oid);
  ASSERT_EQ(j.size(), 1u);
  ASSERT_EQ(j[0].state, State::held);
  e->drop(j[0].seq);

  EXPECT_FALSE(e->get("office", new_oid));
  EXPECT_FALSE(e->get("incident", iid));
  EXPECT_TRUE(e->journal().empty());
  auto ho = e->history("office", new_oid);
  ASSERT_FALSE(ho.empty());
  EXPECT_EQ(ho.back().origin, "dropped");
  EXPECT_NE(ho.back().detail.dump().find("New site"), std::string::npos) << ho.back().detail.dump();
  auto hi = e->history("incident", iid);
  ASSERT_FALSE(hi.empty());
  EXPECT_EQ(hi.back().origin, "dropped");
  EXPECT_NE(hi.back().detail.dump().find("under new site"), std::string::npos) << hi.back().detail.dump();
  EXPECT_GE(wait_events("dropped", 2).size(), 2u);

  server->on_call = nullptr;
  sync_ok(*e);
  EXPECT_FALSE(server->row("office", new_oid));
  EXPECT_FALSE(server->row("incident", iid));
  expect_converged(*e);
}

// 4c. An entry in flight cannot be dropped (its answer will still be applied); an
// unknown seq is not_found. Neither changes anything.
TEST_F(PushIsolation, DropRefusesAnEntryInFlight) {
  e->update("office", oid, {{"street", "Via Roma 2"}});
  const int64_t seq = e->journal().at(0).seq;
  {
    auto& s = *engine::internals(*e).state;
    std::lock_guard lock(s.mu);
    s.journal.set_state(seq, State::in_flight);
  }
  EXPECT_EQ(code_of([&] { e->drop(seq); }), Code::busy);
  EXPECT_EQ(code_of([&] { e->drop(seq + 1000); }), Code::not_found);
  auto j = e->journal();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].state, State::in_flight);
  EXPECT_EQ((*e->get("office", oid))["street"], "Via Roma 2");
  EXPECT_TRUE(events_of("dropped").empty());
}

// 5a. Per-row order under concurrency (push_concurrency 8): each row's update is
// followed, while it is in flight, by another write of the same row. Whatever the
// interleaving, the server ends with every row's latest local value.
TEST_F(PushIsolation, LatestLocalValueWinsUnderConcurrency) {
  constexpr int kRows = 12;
  std::vector<std::string> ids;
  for (int i = 0; i < kRows; ++i)
    ids.push_back(e->create("incident", incident_body("row " + std::to_string(i)))["office_incident_id"]);
  sync_ok(*e);
  ASSERT_TRUE(e->journal().empty());
  for (int i = 0; i < kRows; ++i) e->update("incident", ids[i], {{"name", "first " + std::to_string(i)}});

  std::mutex mu;
  std::set<std::string> rewritten;
  server->on_call = [&](const std::string& op, const std::string& en, const std::string& id) {
    if (op != "update" || en != "incident") return;
    {
      std::lock_guard lock(mu);
      if (!rewritten.insert(id).second) return;
    }
    // A local write on the send thread, while this row's entry is in flight: the push
    // holds no lock while sending, so it goes through and becomes a second entry.
    const int i = int(std::find(ids.begin(), ids.end(), id) - ids.begin());
    e->update("incident", id, {{"name", "second " + std::to_string(i)}, {"description", "d" + std::to_string(i)}});
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let the others overlap
  };
  for (int round = 0; round < 3 && !e->journal().empty(); ++round) sync_ok(*e);
  EXPECT_EQ(rewritten.size(), size_t(kRows));
  EXPECT_TRUE(e->journal().empty());
  for (int i = 0; i < kRows; ++i) {
    auto local = e->get("incident", ids[i]);
    auto srv = server->row("incident", ids[i]);
    ASSERT_TRUE(local && srv);
    EXPECT_EQ((*local)["name"], "second " + std::to_string(i));
    EXPECT_EQ((*srv)["name"], (*local)["name"]) << ids[i];
    EXPECT_EQ((*srv)["description"], (*local)["description"]) << ids[i];
  }
  server->on_call = nullptr;
  expect_converged(*e);
}

// 5b. A child moved to another parent, then its old parent deleted: the move must
// reach the server before the delete, or the server's cascade takes the child with
// the parent (and the move finds it gone).
void PushIsolation::child_move_before_parent_delete(int concurrency) {
  e.reset();
  e = open("c" + std::to_string(concurrency),
           {{"remote", {{"kind", "fourhse"}, {"url", "fake://"}}}, {"sync", {{"push_concurrency", concurrency}}}});
  sync_ok(*e);
  const std::string oid2 = "c0ffee00-1111-4222-8333-444455556666";
  server->put("office", {{"office_id", oid2}, {"project_id", pid}, {"name", "Milan"}, {"owned_active", true},
                         {"parent_active", true}, {"project_name", "Acme"}});
  json inc = e->create("incident", incident_body("child"));
  const std::string iid = inc["office_incident_id"];
  sync_ok(*e);
  ASSERT_TRUE(e->get("office", oid2));
  e->update("incident", iid, {{"subtenant_id", oid2}, {"name", "child moved"}});
  e->remove("office", oid);
  ASSERT_EQ(e->journal().size(), 2u);
  std::mutex mu;
  std::vector<std::string> order;
  server->on_call = [&](const std::string& op, const std::string& en, const std::string& id) {
    {
      std::lock_guard lock(mu);
      order.push_back(op + " " + en + " " + id);
    }
    // A slow read of the child: were the two sent together, the delete would win.
    if (op == "view" && en == "incident") std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };
  for (int round = 0; round < 3 && !e->journal().empty(); ++round) sync_ok(*e);
  EXPECT_TRUE(e->journal().empty());
  auto pos = [&](const std::string& s) { return size_t(std::find(order.begin(), order.end(), s) - order.begin()); };
  const size_t office_delete = pos("delete office " + oid);
  const size_t child_update = pos("update incident " + iid);
  ASSERT_LT(office_delete, order.size()) << json(order).dump();
  auto local = e->get("incident", iid);
  json conflicts = json::array();
  for (const auto& c : e->conflicts()) conflicts.push_back(c.to_json());
  EXPECT_LT(child_update, office_delete) << json(order).dump() << "\nlocal: " << (local ? local->dump() : "gone")
                                         << "\nconflicts: " << conflicts.dump();
  EXPECT_FALSE(server->row("office", oid));
  auto srv = server->row("incident", iid);
  ASSERT_TRUE(srv);
  EXPECT_EQ((*srv)["subtenant_id"], oid2);
  EXPECT_EQ((*srv)["name"], "child moved");
  EXPECT_TRUE(e->conflicts().empty());
}

TEST_F(PushIsolation, ChildMoveGoesBeforeItsOldParentsDeleteSerial) { child_move_before_parent_delete(1); }

// The same at push concurrency 8: the old parent's delete waits for the move (a child
// counts for the parent its last server version names).
TEST_F(PushIsolation, ChildMoveGoesBeforeItsOldParentsDelete) { child_move_before_parent_delete(8); }

// 6. A failure of the whole remote (429, 503, the network) is no fault of the entry:
// it ends the round (no pull) and counts no attempt, so the entry is never held,
// however many rounds it fails.
void PushIsolation::remote_failure_counts_no_attempt(Code code, int status, const std::string& reported) {
  e->update("office", oid, {{"street", "Via Roma 2"}});
  std::atomic<int> lists{0};
  server->on_call = [&](const std::string& op, const std::string& en, const std::string& id) {
    if (op == "list") lists++;
    if (op == "update" && en == "office" && id == oid)
      throw RemoteError(code, "injected " + std::to_string(status), status, status ? std::optional<int>(1) : std::nullopt);
  };
  for (int round = 0; round < 3; ++round) {
    json report = e->sync();
    EXPECT_FALSE(report["ok"].get<bool>()) << report.dump();
    EXPECT_EQ(report["error"]["code"], reported) << report.dump();
    auto j = e->journal();
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0].state, State::pending);
    EXPECT_EQ(j[0].attempts, 0);
  }
  EXPECT_EQ(lists, 0);  // the round ended before its pull
  EXPECT_TRUE(events_of("held").empty());
  EXPECT_EQ(e->status()["held"], 0);
  server->on_call = nullptr;
  sync_ok(*e);
  EXPECT_EQ((*server->row("office", oid))["street"], "Via Roma 2");
  EXPECT_TRUE(e->journal().empty());
}

TEST_F(PushIsolation, TooManyRequestsCountsNoAttempt) { remote_failure_counts_no_attempt(Code::rate_limited, 429, "rate_limited"); }
TEST_F(PushIsolation, UnavailableCountsNoAttempt) { remote_failure_counts_no_attempt(Code::rate_limited, 503, "rate_limited"); }
TEST_F(PushIsolation, NetworkFailureCountsNoAttempt) { remote_failure_counts_no_attempt(Code::network, 0, "network"); }

// A 4xx the server gives for this request alone (not 401/404/409/422/429) counts
// against the entry like a 5xx; a 401 is the whole remote's and counts nothing.
TEST_F(PushIsolation, BadRequestCountsAnAttemptAndUnauthorizedDoesNot) {
  e->update("office", oid, {{"street", "Via Roma 2"}});
  server->on_call = [&](const std::string& op, const std::string& en, const std::string& id) {
    if (op == "update" && en == "office") throw RemoteError(Code::auth, "injected 401", 401);
  };
  json report = e->sync();
  EXPECT_FALSE(report["ok"].get<bool>());
  EXPECT_EQ(e->journal().at(0).attempts, 0);
  server->on_call = [&](const std::string& op, const std::string& en, const std::string& id) {
    if (op == "update" && en == "office") throw RemoteError(Code::invalid, "injected 400", 400);
  };
  e->sync();
  EXPECT_EQ(e->journal().at(0).attempts, 1);
  EXPECT_EQ(e->journal().at(0).last_status, 400);
  e->sync();
  auto j = e->journal();
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].state, State::held);
  EXPECT_EQ(j[0].last_status, 400);
  EXPECT_EQ(e->status()["held"], 1);
  EXPECT_EQ(e->journal({{"state", "held"}}).size(), 1u);
  EXPECT_TRUE(e->journal({{"state", "pending"}}).empty());
}

// The HTTP pool matches what a round sends at once: the push's entries, or the pull's
// window of pages (twice sync.concurrency), unless the app sizes it itself.
TEST(PushPool, PoolIsSizedFromTheRoundsConcurrencyUnlessConfigured) {
  auto dir = std::filesystem::temp_directory_path() / ("hse-pool-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto pool_of = [&](const json& sync, const json& remote_extra) {
    json seen;
    engine::EngineOptions o;
    o.remote_factory = [&](const json& remote) -> std::shared_ptr<engine::sync::Remote> {
      seen = remote;
      throw Error(Code::network, "not reached");
    };
    json remote = {{"kind", "fourhse"}, {"url", "https://example.invalid"}};
    remote.update(remote_extra);
    auto path = (dir / "r.db").string();
    std::filesystem::remove(path);
    auto e = engine::Engine::open(path, {{"remote", remote}, {"sync", sync}}, o);
    EXPECT_THROW(e->sync(), Error);
    return seen.value("pool_size", -1);
  };
  EXPECT_EQ(pool_of(json::object(), json::object()), 8);
  EXPECT_EQ(pool_of({{"push_concurrency", 20}}, json::object()), 20);
  EXPECT_EQ(pool_of({{"push_concurrency", 2}, {"concurrency", 6}}, json::object()), 12);
  EXPECT_EQ(pool_of({{"push_concurrency", 32}, {"concurrency", 16}}, json::object()), 32);
  EXPECT_EQ(pool_of({{"push_concurrency", 20}}, {{"pool_size", 3}}), 3);
  std::filesystem::remove_all(dir);
}
