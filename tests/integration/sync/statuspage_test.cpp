// The status-page entities end to end: an in-process Engine (adapters::make_remote, a
// "statuspage" remote) against a real hse-emulator process started with --token and
// --admin. Rows created offline get local ids and are mapped to the server's integer
// ids when pushed; a create whose answer was lost is found again (by external_reference,
// comments by incident and fields), never sent twice. Each fault the emulator injects
// (drop, 500, 503 and 429 with Retry-After, latency, lost response) has its own case;
// the server is always read with plain HTTP, never through the replica under test.
#include <mutex>

#include "adapters/remote_factory.hpp"
#include "engine/engine.hpp"
#include "schema/catalog.hpp"
#include "tests/integration/sync/fixture.hpp"

namespace hse::test {
namespace {

const std::string kToken = "sp-it-token-5c1e";

json incident_body(const std::string& name) {
  return {{"scope", 1}, {"service", 2}, {"name", name}, {"severity", "high"}, {"start_impact_date", "2026-11-28T09:30"}};
}
json comment_body(const std::string& incident, const std::string& text, bool internal = false) {
  return {{"incident", incident}, {"comment", text}, {"internal", internal}};
}

// A server row in the replica's form: ids (and a comment's incident) as decimal text,
// `internal` as a boolean (adapters/statuspage/README.md, "As an engine::sync::Remote").
json as_replica_row(const std::string& entity, json row) {
  auto to_text = [](json& v) {
    if (v.is_number_integer()) v = std::to_string(v.get<int64_t>());
  };
  to_text(row["id"]);
  if (entity == "statuspage_comment") {
    to_text(row["incident"]);
    if (row["internal"].is_number_integer()) row["internal"] = row["internal"].get<int>() != 0;
  }
  return row;
}

class StatusPageSyncTest : public SyncTest {
 protected:
  std::vector<std::string> options() override { return {"--token", kToken}; }

  json config() const {
    return {{"remote",
             {{"kind", "statuspage"}, {"url", "http://127.0.0.1:" + std::to_string(port())}, {"access_token", kToken}}}};
  }
  std::unique_ptr<engine::Engine> open(const std::string& name) {
    engine::EngineOptions o;
    o.remote_factory = adapters::make_remote;
    return engine::Engine::open((dir_ / (name + ".db")).string(), config(), o);
  }
  // A round that must succeed.
  json sync_ok(engine::Engine& e) {
    json report = e.sync();
    EXPECT_TRUE(report["ok"].get<bool>()) << report.dump();
    return report;
  }
  // Rounds until one ends well with nothing left in the journal; false when `max_rounds`
  // were not enough. Failed rounds must fail for a transient reason.
  // `failures` gets the error of each failed round.
  bool sync_until_synced(engine::Engine& e, int max_rounds, int* rounds_run = nullptr, std::vector<json>* failures = nullptr) {
    for (int i = 1; i <= max_rounds; ++i) {
      json report = e.sync();
      if (rounds_run) *rounds_run = i;
      if (!report["ok"].get<bool>()) {
        EXPECT_TRUE(report["error"]["transient"].get<bool>()) << report.dump();
        if (failures) failures->push_back(report["error"]);
        continue;
      }
      if (e.journal().empty()) return true;
    }
    return false;
  }

  Headers bearer() const { return {{"Authorization", "Bearer " + kToken}}; }
  // GET on the status-page API with the token (or without: public resources only).
  adapters::http::Response sp_get(const std::string& target, bool with_token = true) {
    return server().get(target, with_token ? bearer() : Headers{});
  }
  // The incident with its comments as the server has it, null on 404.
  json server_incident(const std::string& id, bool with_token = true) {
    auto r = sp_get("/incident/" + id, with_token);
    if (r.status == 404) return json();
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }
  // Every incident on the server, by id.
  std::vector<json> server_incidents(const std::string& query = "") {
    std::vector<json> out;
    for (int page = 1;; ++page) {
      auto r = sp_get("/incident?per_page=100&page=" + std::to_string(page) + query);
      EXPECT_EQ(r.status, 200) << r.body;
      json rows = json::parse(r.body);
      for (auto& row : rows) out.push_back(row);
      if (rows.size() < 100) break;
    }
    return out;
  }
  // How many incidents carry this external reference (a lost create sent twice shows as 2).
  size_t count_by_reference(const std::string& reference) {
    auto r = sp_get("/incident?external_reference=" + reference);
    EXPECT_EQ(r.status, 200) << r.body;
    size_t n = json::parse(r.body).size();
    EXPECT_EQ(r.header("x-total"), std::to_string(n));
    return n;
  }
  int64_t fault_count(const std::string& counter) {
    return json::parse(server().get("/_admin/stats").body)["faults"][counter].get<int64_t>();
  }

  // The replica holds exactly the server's incidents and comments, field for field, and
  // nothing is pending, rejected or in conflict.
  void expect_mirrors_server(engine::Engine& e) {
    std::map<std::string, json> remote_incidents, remote_comments;
    for (const auto& row : server_incidents()) {
      json view = server_incident(std::to_string(row["id"].get<int64_t>()));
      for (const auto& c : view["comments"]) {
        json rc = as_replica_row("statuspage_comment", c);
        remote_comments[rc["id"].get<std::string>()] = rc;
      }
      view.erase("comments");
      json ri = as_replica_row("statuspage_incident", view);
      remote_incidents[ri["id"].get<std::string>()] = ri;
    }
    for (const auto& [name, remote] : {std::pair{"statuspage_incident", &remote_incidents},
                                       std::pair{"statuspage_comment", &remote_comments}}) {
      const auto& ent = schema::entity(name);
      json items = e.query(name, {{"per-page", 1000}})["items"];
      EXPECT_EQ(items.size(), remote->size()) << name << ": " << items.dump();
      for (const auto& row : items) {
        auto it = remote->find(row["id"].get<std::string>());
        if (it == remote->end()) {
          ADD_FAILURE() << name << " " << row["id"] << " exists only in the replica: " << row.dump();
          continue;
        }
        for (const auto& f : ent.fields)
          EXPECT_EQ(row.value(f.name, json()), it->second.value(f.name, json())) << name << " " << row["id"] << "." << f.name;
      }
    }
    EXPECT_TRUE(e.journal().empty());
    json st = e.status();
    EXPECT_EQ(st["pending"], 0) << st;
    EXPECT_EQ(st["in_flight"], 0) << st;
    EXPECT_EQ(st["rejected"], 0) << st;
    EXPECT_EQ(st["blocked"], 0) << st;
    EXPECT_EQ(st["conflicts"], 0) << st;
  }

  // The texts of an incident's comments on the server, each with how often it appears.
  std::map<std::string, int> comment_texts(const json& view) {
    std::map<std::string, int> out;
    for (const auto& c : view["comments"]) out[c["comment"].get<std::string>()]++;
    return out;
  }
};

// Collects the "mapped" events of an engine (they come on its event thread).
struct MappedEvents {
  std::mutex mu;
  std::vector<json> events;
  void attach(engine::Engine& e) {
    e.set_event_sink([this](const json& ev) {
      if (ev["type"] != "mapped") return;
      std::lock_guard lock(mu);
      events.push_back(ev);
    });
  }
  std::vector<json> take() {
    std::lock_guard lock(mu);
    return std::exchange(events, {});
  }
};

TEST_F(StatusPageSyncTest, OfflineIncidentAndCommentsReachTheServerUnderItsIds) {
  auto a = open("a");
  json inc = a->create("statuspage_incident", incident_body("Database down"));
  const std::string local = inc["id"];
  EXPECT_EQ(inc["external_reference"], "hsesync:" + local);
  json c1 = a->create("statuspage_comment", comment_body(local, "looking into it"));
  json c2 = a->create("statuspage_comment", comment_body(local, "ops only: failover at 10:05", true));
  MappedEvents mapped;
  mapped.attach(*a);
  sync_ok(*a);

  // The server: one incident, integer ids, both comments under it.
  auto incidents = server_incidents();
  ASSERT_EQ(incidents.size(), 1u);
  ASSERT_TRUE(incidents[0]["id"].is_number_integer()) << incidents[0];
  const std::string sid = std::to_string(incidents[0]["id"].get<int64_t>());
  json view = server_incident(sid);
  EXPECT_EQ(view["name"], "Database down");
  EXPECT_EQ(view["external_reference"], "hsesync:" + local);
  EXPECT_EQ(view["status"], "active");
  ASSERT_EQ(view["comments"].size(), 2u) << view;
  for (const auto& c : view["comments"]) {
    EXPECT_TRUE(c["id"].is_number_integer()) << c;
    EXPECT_EQ(c["incident"], incidents[0]["id"]) << c;
  }
  // Both comments wait for the incident's server id, then go together (up to
  // sync.push_concurrency at once): the server may number them in either order.
  std::map<std::string, json> internal;  // comment text -> its `internal`
  for (const auto& c : view["comments"]) internal[c["comment"].get<std::string>()] = c["internal"];
  EXPECT_EQ(internal, (std::map<std::string, json>{{"looking into it", 0}, {"ops only: failover at 10:05", 1}})) << view;

  // The replica: the server id names the rows, and so do the local ids.
  auto by_server = a->get("statuspage_incident", sid);
  auto by_local = a->get("statuspage_incident", local);
  ASSERT_TRUE(by_server && by_local);
  EXPECT_EQ(*by_server, *by_local);
  EXPECT_EQ((*by_server)["id"], sid);
  for (const json* c : {&c1, &c2}) {
    auto row = a->get("statuspage_comment", (*c)["id"].get<std::string>());
    ASSERT_TRUE(row) << (*c)["id"];
    EXPECT_EQ((*row)["incident"], sid);
    EXPECT_NE((*row)["id"], (*c)["id"]) << "still under its local id";
  }

  // One "mapped" event per row, the incident first, each naming both ids.
  auto events = mapped.take();
  ASSERT_EQ(events.size(), 3u) << json(events).dump();
  EXPECT_EQ(events[0], (json{{"type", "mapped"}, {"entity", "statuspage_incident"}, {"local_id", local}, {"id", sid}}));
  std::set<std::string> comment_ids;
  for (const auto& c : view["comments"]) comment_ids.insert(std::to_string(c["id"].get<int64_t>()));
  std::set<std::string> comment_locals = {c1["id"], c2["id"]};
  std::set<std::string> mapped_ids, mapped_locals;
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["entity"], "statuspage_comment");
    mapped_ids.insert(events[i]["id"].get<std::string>());
    mapped_locals.insert(events[i]["local_id"].get<std::string>());
  }
  EXPECT_EQ(mapped_ids, comment_ids);
  EXPECT_EQ(mapped_locals, comment_locals);
  expect_mirrors_server(*a);

  // A second replica pulls them under the same ids (the internal comment too: it has the token).
  auto b = open("b");
  sync_ok(*b);
  expect_mirrors_server(*b);
  EXPECT_EQ(b->get("statuspage_incident", sid).value(), *by_server);
  EXPECT_EQ(b->query("statuspage_comment", {{"filter", {{"incident", sid}}}})["_meta"]["totalCount"], 2);

  // Without a token the internal comment is not visible.
  json pub = server_incident(sid, false);
  ASSERT_FALSE(pub.is_null());
  ASSERT_EQ(pub["comments"].size(), 1u) << pub;
  EXPECT_EQ(pub["comments"][0]["comment"], "looking into it");
}

// --- Faults: one case per kind the emulator injects ---------------------------------

struct FaultCase {
  std::string name;
  json faults;
  const char* counter;  // the /_admin/stats "faults" counter that must move ("" for latency)
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

class StatusPageFaultTest : public StatusPageSyncTest, public ::testing::WithParamInterface<FaultCase> {};

TEST_P(StatusPageFaultTest, EverythingPendingArrivesOnceUnderTheFault) {
  const FaultCase& c = GetParam();
  auto a = open("a");
  // Two incidents the server has: one to move on, one to delete.
  json existing = a->create("statuspage_incident", incident_body("Existing " + c.name));
  json doomed = a->create("statuspage_incident", incident_body("Doomed " + c.name));
  sync_ok(*a);
  const std::string existing_id = a->get("statuspage_incident", existing["id"].get<std::string>()).value()["id"];
  const std::string doomed_id = a->get("statuspage_incident", doomed["id"].get<std::string>()).value()["id"];

  // Offline: a new incident with two comments (one internal) moved on to investigating,
  // the existing one resolved, the other deleted.
  json inc = a->create("statuspage_incident", incident_body("New " + c.name));
  const std::string local = inc["id"];
  const std::string public_text = "first look (" + c.name + ")";
  const std::string internal_text = "ops note (" + c.name + ")";
  a->create("statuspage_comment", comment_body(local, public_text));
  a->create("statuspage_comment", comment_body(local, internal_text, true));
  a->update("statuspage_incident", local, {{"status", "investigating"}, {"investigation_date", "2026-11-28T09:45"}});
  a->update("statuspage_incident", existing_id, {{"status", "resolved"}, {"resolve_date", "2026-11-28T11:00"}});
  a->remove("statuspage_incident", doomed_id);

  admin("faults", c.faults);
  int rounds = 0;
  std::vector<json> failures;
  bool synced_under_fault = sync_until_synced(*a, 12, &rounds, &failures);
  if (*c.counter) {
    EXPECT_GT(fault_count(c.counter), 0) << "the fault never hit";
    EXPECT_FALSE(failures.empty()) << "no round failed under the fault";
  }
  // 429 and 503 carry Retry-After: the failed round reports it, as rate_limited.
  if (c.faults.contains("retry_after_s")) {
    bool reported = false;
    for (const auto& f : failures)
      if (f.value("retry_after_s", 0) == c.faults["retry_after_s"].get<int>() && f["code"] == "rate_limited") reported = true;
    EXPECT_TRUE(reported) << json(failures).dump();
  }
  admin("faults", json::object());
  if (!synced_under_fault) {
    // Entries that met a 5xx sync.max_attempts times are held: the app retries them.
    a->retry(0);
    ASSERT_TRUE(sync_until_synced(*a, 3)) << "not synced after the faults stopped";
  }
  std::cerr << "[ " << c.name << " ] " << rounds << " rounds under the fault, synced there: " << synced_under_fault << "\n";

  // No duplicates: one incident per external reference, one comment per text.
  EXPECT_EQ(count_by_reference("hsesync:" + local), 1u);
  EXPECT_EQ(count_by_reference(existing["external_reference"]), 1u);
  EXPECT_EQ(count_by_reference(doomed["external_reference"]), 0u);
  EXPECT_EQ(server_incidents().size(), 2u);

  // The server holds what was written.
  const std::string sid = a->get("statuspage_incident", local).value()["id"];
  json view = server_incident(sid);
  ASSERT_FALSE(view.is_null()) << sid;
  EXPECT_EQ(view["name"], "New " + c.name);
  EXPECT_EQ(view["status"], "investigating");
  EXPECT_EQ(view["investigation_date"], "2026-11-28T09:45");
  EXPECT_EQ(comment_texts(view), (std::map<std::string, int>{{public_text, 1}, {internal_text, 1}})) << view;
  for (const auto& cm : view["comments"]) EXPECT_EQ(cm["internal"], cm["comment"] == internal_text ? 1 : 0) << cm;
  json moved = server_incident(existing_id);
  EXPECT_EQ(moved["status"], "resolved");
  EXPECT_EQ(moved["resolve_date"], "2026-11-28T11:00");
  EXPECT_TRUE(server_incident(doomed_id).is_null()) << "deleted incident still on the server";

  expect_mirrors_server(*a);
  // A fresh replica agrees.
  auto b = open("b");
  sync_ok(*b);
  expect_mirrors_server(*b);
}

INSTANTIATE_TEST_SUITE_P(
    EachFault, StatusPageFaultTest,
    ::testing::Values(
        FaultCase{"drop", {{"seed", 21}, {"drop_rate", 0.25}}, "dropped"},
        FaultCase{"error_500", {{"seed", 22}, {"error_rate", 0.3}, {"error_status", 500}}, "errors"},
        FaultCase{"error_503_retry_after", {{"seed", 33}, {"error_rate", 0.25}, {"error_status", 503}, {"retry_after_s", 1}},
                  "errors"},
        FaultCase{"error_429_retry_after", {{"seed", 24}, {"error_rate", 0.3}, {"error_status", 429}, {"retry_after_s", 1}},
                  "errors"},
        FaultCase{"latency", {{"seed", 25}, {"latency_ms", 5}}, ""},
        FaultCase{"lost_response", {{"seed", 26}, {"lost_response_rate", 0.3}}, "lost"}),
    [](const ::testing::TestParamInfo<FaultCase>& info) { return info.param.name; });

// --- The lost answer, aimed at each create ------------------------------------------

TEST_F(StatusPageSyncTest, LostAnswerToTheIncidentCreateMakesNoDuplicate) {
  auto a = open("a");
  json inc = a->create("statuspage_incident", incident_body("Lost create"));
  const std::string local = inc["id"];
  a->create("statuspage_comment", comment_body(local, "after the lost create"));
  // Every answer lost: the round's first request, the incident's POST /incident/create,
  // is applied and unanswered.
  admin("faults", {{"seed", 1}, {"lost_response_rate", 1.0}});
  json report = a->sync();
  EXPECT_FALSE(report["ok"].get<bool>()) << report;
  EXPECT_GE(fault_count("lost"), 1);
  admin("faults", json::object());
  ASSERT_EQ(count_by_reference("hsesync:" + local), 1u) << "the create did not apply";
  EXPECT_EQ(a->get("statuspage_incident", local).value()["id"], local) << "mapped without an answer";

  sync_ok(*a);
  EXPECT_EQ(count_by_reference("hsesync:" + local), 1u);
  EXPECT_EQ(server_incidents().size(), 1u);
  const std::string sid = a->get("statuspage_incident", local).value()["id"];
  EXPECT_NE(sid, local);
  json view = server_incident(sid);
  EXPECT_EQ(comment_texts(view), (std::map<std::string, int>{{"after the lost create", 1}})) << view;
  expect_mirrors_server(*a);
}

TEST_F(StatusPageSyncTest, LostAnswerToACommentMakesNoDuplicate) {
  auto a = open("a");
  json inc = a->create("statuspage_incident", incident_body("Lost comment"));
  sync_ok(*a);
  const std::string sid = a->get("statuspage_incident", inc["id"].get<std::string>()).value()["id"];
  // Two equal comments are two comments: the one found again must not swallow the other.
  a->create("statuspage_comment", comment_body(sid, "same text"));
  a->create("statuspage_comment", comment_body(sid, "same text"));
  admin("faults", {{"seed", 2}, {"lost_response_rate", 1.0}});
  json report = a->sync();
  EXPECT_FALSE(report["ok"].get<bool>()) << report;
  admin("faults", json::object());
  // Both went out at once, and both applied with their answers lost.
  EXPECT_EQ(comment_texts(server_incident(sid)), (std::map<std::string, int>{{"same text", 2}}))
      << "the comments' POSTs did not apply";

  sync_ok(*a);
  EXPECT_EQ(comment_texts(server_incident(sid)), (std::map<std::string, int>{{"same text", 2}}));
  expect_mirrors_server(*a);
}

// The engine closed after the lost answer and reopened on the same file (a restart):
// the create is still found again, not sent twice.
TEST_F(StatusPageSyncTest, RestartAfterALostAnswerMakesNoDuplicate) {
  std::string local, comment_local;
  {
    auto a = open("a");
    local = a->create("statuspage_incident", incident_body("Restart"))["id"];
    comment_local = a->create("statuspage_comment", comment_body(local, "survives the restart"))["id"];
    admin("faults", {{"seed", 3}, {"lost_response_rate", 1.0}});
    EXPECT_FALSE(a->sync()["ok"].get<bool>());
    admin("faults", json::object());
  }
  ASSERT_EQ(count_by_reference("hsesync:" + local), 1u);

  auto a = open("a");
  MappedEvents mapped;
  mapped.attach(*a);
  sync_ok(*a);
  EXPECT_EQ(count_by_reference("hsesync:" + local), 1u);
  EXPECT_EQ(server_incidents().size(), 1u);
  const std::string sid = a->get("statuspage_incident", local).value()["id"];
  EXPECT_EQ(a->get("statuspage_comment", comment_local).value()["incident"], sid);
  EXPECT_EQ(comment_texts(server_incident(sid)), (std::map<std::string, int>{{"survives the restart", 1}}));
  auto events = mapped.take();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0]["local_id"], local);
  EXPECT_EQ(events[0]["id"], sid);
  expect_mirrors_server(*a);
}

// --- The state rules, end to end ------------------------------------------------------

TEST_F(StatusPageSyncTest, StateRulesRefuseOfflineAndAValidTransitionReachesTheServer) {
  auto a = open("a");
  auto fields_of = [](auto&& write) {
    std::vector<std::string> out;
    try {
      write();
      ADD_FAILURE() << "the write was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::invalid) << e.what();
      for (const auto& f : e.fields()) out.push_back(f.field);
    }
    return out;
  };
  json body = incident_body("Rules");
  body["status"] = "investigating";
  body["investigation_date"] = "2026-11-28T10:00";
  EXPECT_EQ(fields_of([&] { a->create("statuspage_incident", body); }), std::vector<std::string>{"status"});
  EXPECT_TRUE(a->journal().empty()) << "a refused create was journaled";

  json inc = a->create("statuspage_incident", incident_body("Rules"));
  const std::string local = inc["id"];
  const size_t journaled = a->journal().size();
  EXPECT_EQ(fields_of([&] { a->update("statuspage_incident", local, {{"status", "stable"}}); }),
            std::vector<std::string>{"stable_date"});
  EXPECT_EQ(fields_of([&] {
              a->update("statuspage_incident", local, {{"status", "investigating"}, {"stable_date", "2026-11-28T10:30"}});
            }),
            (std::vector<std::string>{"investigation_date", "stable_date"}));
  EXPECT_EQ(a->journal().size(), journaled) << "a refused update was journaled";
  EXPECT_EQ(a->get("statuspage_incident", local).value()["status"], "active");

  // active → investigating → stable, offline; each state's date only in its state.
  a->update("statuspage_incident", local, {{"status", "investigating"}, {"investigation_date", "2026-11-28T10:00"}});
  a->update("statuspage_incident", local,
            {{"status", "stable"}, {"investigation_date", nullptr}, {"stable_date", "2026-11-28T10:30"}});
  sync_ok(*a);
  const std::string sid = a->get("statuspage_incident", local).value()["id"];
  json view = server_incident(sid);
  EXPECT_EQ(view["status"], "stable") << view;
  EXPECT_EQ(view["stable_date"], "2026-11-28T10:30") << view;
  EXPECT_TRUE(view["investigation_date"].is_null()) << view;
  expect_mirrors_server(*a);
}

}  // namespace
}  // namespace hse::test
