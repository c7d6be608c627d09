// The status-page Incident API the hse-emulator serves beside v2 on the same port
// (adapters/statuspage/README.md, "Wire protocol"): create, list with filters and
// pages, view with comments, full update and its state rules, delete with comments,
// auth with and without a token, reset, --db, and the faults on /incident paths.
#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <unistd.h>

#include <filesystem>

#include "adapters/emulator/emulator.hpp"
#include "adapters/emulator/in_process_transport.hpp"
#include "adapters/emulator/statuspage_api.hpp"
#include "core/error.hpp"
#include "tests/integration/emulator/fixture.hpp"

namespace hse::test {
namespace {

namespace emu = adapters::emulator;

json incident(const std::string& name, const json& extra = json::object()) {
  json body = {{"scope", 1},         {"service", 2},
               {"name", name},       {"severity", "high"},
               {"start_impact_date", "2026-11-28T10:00"}};
  for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = it.value();
  return body;
}

// The body of a full update: the incident as it is, less id and comments, plus `changes`
// (a null in `changes` leaves the field out).
json full(json row, const json& changes) {
  row.erase("id");
  row.erase("comments");
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    if (it->is_null()) row.erase(it.key());
    else row[it.key()] = it.value();
  }
  for (auto it = row.begin(); it != row.end();) it = it->is_null() ? row.erase(it) : std::next(it);
  return row;
}

std::vector<int64_t> ids_of(const json& rows) {
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(r.at("id").get<int64_t>());
  return out;
}

std::string temp_db(const std::string& name) {
  static int n = 0;
  auto p = std::filesystem::temp_directory_path() /
           ("hse_sp_" + name + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix);  // a reused pid's
  return p.string();
}

void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

class StatuspageTest : public EmulatorTest {
 protected:
  std::vector<std::string> options() override { return {}; }

  Response create_incident(const json& body, const Headers& h = {}) {
    return client().post("/incident/create", body.dump(), h);
  }
  json created_incident(const json& body) {
    auto r = create_incident(body);
    EXPECT_EQ(r.status, 201) << r.body;
    return parse(r);
  }
  Response update_incident(int64_t id, const json& body) {
    return client().post("/incident/" + std::to_string(id) + "/update", body.dump());
  }
  Response comment(int64_t id, const json& body, const Headers& h = {}) {
    return client().post("/incident/" + std::to_string(id) + "/comment", body.dump(), h);
  }
  Response view_incident(int64_t id, const Headers& h = {}) {
    return client().get("/incident/" + std::to_string(id), h);
  }
  json list(const std::string& query = "") {
    auto r = client().get("/incident" + query);
    EXPECT_EQ(r.status, 200) << query << " " << r.body;
    return r.status == 200 ? parse(r) : json::array();
  }
};

TEST_F(StatuspageTest, CreateAnswers201WithIntegerIdAndStatusActive) {
  auto r = create_incident(incident("Outage", {{"external_link", "https://status.example.com/1"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  json a = parse(r);
  EXPECT_EQ(a, json({{"id", 1},
                     {"scope", 1},
                     {"service", 2},
                     {"name", "Outage"},
                     {"description", nullptr},
                     {"external_reference", nullptr},
                     {"external_link", "https://status.example.com/1"},
                     {"severity", "high"},
                     {"status", "active"},
                     {"start_impact_date", "2026-11-28T10:00"},
                     {"investigation_date", nullptr},
                     {"stable_date", nullptr},
                     {"resolve_date", nullptr}}));
  EXPECT_TRUE(a["id"].is_number_integer());
  json b = created_incident(incident("Second"));
  EXPECT_EQ(b["id"], 2);
  // The same port still serves v2.
  EXPECT_EQ(index("project").status, 200);
}

TEST_F(StatuspageTest, CreateRefusesStatusIdStateDatesAndBadValues) {
  for (const auto& [extra, field] : std::vector<std::pair<json, std::string>>{
           {{{"status", "active"}}, "status"},
           {{{"status", "stable"}}, "status"},
           {{{"id", 5}}, "id"},
           {{{"stable_date", "2026-11-28T11:00"}}, "stable_date"},
           {{{"investigation_date", "2026-11-28T11:00"}}, "investigation_date"},
           {{{"severity", "apocalyptic"}}, "severity"},
           {{{"scope", "1"}}, "scope"},
           {{{"external_link", "ftp://x"}}, "external_link"},
           {{{"start_impact_date", "2026-11-28 10:00"}}, "start_impact_date"},
           {{{"colour", "red"}}, "colour"},
       }) {
    auto r = create_incident(incident("Refused", extra));
    EXPECT_EQ(r.status, 422) << extra.dump() << " " << r.body;
    EXPECT_EQ(fields_of(r), std::vector<std::string>{field}) << extra.dump() << " " << r.body;
  }
  auto r = create_incident(json::object());
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(fields_of(r), (std::vector<std::string>{"scope", "service", "name", "severity", "start_impact_date"}));
  EXPECT_EQ(client().post("/incident/create", "{not json").status, 400);
  EXPECT_EQ(list().size(), 0u);
}

TEST_F(StatuspageTest, ListFiltersExactly) {
  created_incident(incident("A", {{"severity", "critical"}, {"external_reference", "ext-1"},
                                  {"start_impact_date", "2026-01-01T00:00"}}));
  created_incident(incident("B", {{"scope", 7}, {"start_impact_date", "2026-02-01T12:30"}}));
  created_incident(incident("C", {{"service", 9}, {"external_reference", "ext-10"},
                                  {"start_impact_date", "2026-03-01T08:00"}}));
  json c = parse(view_incident(3));
  ASSERT_EQ(update_incident(3, full(c, {{"status", "stable"}, {"stable_date", "2026-03-02T08:00"}})).status, 200);

  EXPECT_EQ(ids_of(list()), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(ids_of(list("?status=stable")), std::vector<int64_t>{3});
  EXPECT_EQ(ids_of(list("?status=active")), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(ids_of(list("?severity=critical")), std::vector<int64_t>{1});
  EXPECT_EQ(ids_of(list("?scope=7")), std::vector<int64_t>{2});
  EXPECT_EQ(ids_of(list("?service=9")), std::vector<int64_t>{3});
  EXPECT_EQ(ids_of(list("?external_reference=ext-1")), std::vector<int64_t>{1});  // exact, not a prefix
  EXPECT_EQ(ids_of(list("?impact_before=2026-02-01T12:30")), std::vector<int64_t>{1});
  EXPECT_EQ(ids_of(list("?impact_after=2026-02-01T12:30")), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(ids_of(list("?impact_after=2026-01-15T00:00&impact_before=2026-03-01T00:00")), std::vector<int64_t>{2});
  EXPECT_EQ(ids_of(list("?scope=1&severity=high")), std::vector<int64_t>{3});
  EXPECT_EQ(ids_of(list("?status=&unknown=x")), (std::vector<int64_t>{1, 2, 3}));  // empty and unknown: ignored

  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"?status=closed", "status"},
           {"?severity=HIGH", "severity"},
           {"?scope=abc", "scope"},
           {"?service=1.5", "service"},
           {"?impact_before=2026-02-01", "impact_before"},
           {"?impact_after=2026-13-01T00:00", "impact_after"},
           {"?page=0", "page"},
           {"?per_page=x", "per_page"},
       }) {
    auto r = client().get("/incident" + query);
    EXPECT_EQ(r.status, 422) << query;
    EXPECT_EQ(fields_of(r), std::vector<std::string>{field}) << query << " " << r.body;
  }
}

TEST_F(StatuspageTest, ListPaginatesAndClampsPerPage) {
  for (int i = 0; i < 25; ++i) created_incident(incident("I" + std::to_string(i)));
  auto r = client().get("/incident");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse(r).size(), 20u);
  EXPECT_EQ(r.header("x-page"), "1");
  EXPECT_EQ(r.header("x-per-page"), "20");
  EXPECT_EQ(r.header("x-total"), "25");
  EXPECT_EQ(r.header("x-total-pages"), "2");

  r = client().get("/incident?page=2");
  EXPECT_EQ(ids_of(parse(r)), (std::vector<int64_t>{21, 22, 23, 24, 25}));
  EXPECT_EQ(r.header("x-page"), "2");
  r = client().get("/incident?page=3");
  EXPECT_EQ(parse(r), json::array());  // past the end
  EXPECT_EQ(r.header("x-total"), "25");

  r = client().get("/incident?per_page=10&page=3");
  EXPECT_EQ(ids_of(parse(r)), (std::vector<int64_t>{21, 22, 23, 24, 25}));
  EXPECT_EQ(r.header("x-total-pages"), "3");

  for (int i = 25; i < 105; ++i) created_incident(incident("I" + std::to_string(i)));
  r = client().get("/incident?per_page=500");
  EXPECT_EQ(parse(r).size(), 100u);
  EXPECT_EQ(r.header("x-per-page"), "100");
  EXPECT_EQ(r.header("x-total"), "105");
  EXPECT_EQ(r.header("x-total-pages"), "2");
}

TEST_F(StatuspageTest, ViewShowsCommentsOldestFirst) {
  json a = created_incident(incident("Commented"));
  created_incident(incident("Other"));
  auto c1 = comment(1, {{"comment", "first"}});
  ASSERT_EQ(c1.status, 201) << c1.body;
  json first = parse(c1);
  EXPECT_EQ(first["id"], 1);
  EXPECT_EQ(first["incident"], 1);
  EXPECT_EQ(first["internal"], 0);
  EXPECT_TRUE(schema::is_datetime(first["created_at"].get<std::string>())) << first;
  ASSERT_EQ(comment(2, {{"comment", "elsewhere"}}).status, 201);
  json second = parse(comment(1, {{"comment", "second"}, {"internal", 1}}));
  EXPECT_EQ(second["id"], 3);
  EXPECT_EQ(second["internal"], 1);

  json v = parse(view_incident(1));
  ASSERT_EQ(v["comments"].size(), 2u);
  EXPECT_EQ(v["comments"][0], first);
  EXPECT_EQ(v["comments"][1], second);
  v.erase("comments");
  EXPECT_EQ(v, a);
  EXPECT_EQ(parse(view_incident(2))["comments"].size(), 1u);

  EXPECT_EQ(comment(99, {{"comment", "nobody"}}).status, 404);
  EXPECT_EQ(parse(comment(99, {{"comment", "nobody"}})).at("message").is_string(), true);
  for (const auto& [body, field] : std::vector<std::pair<json, std::string>>{
           {json::object(), "comment"},
           {{{"comment", "x"}, {"internal", 2}}, "internal"},
           {{{"comment", "x"}, {"internal", true}}, "internal"},
           {{{"comment", "x"}, {"incident", 2}}, "incident"},
           {{{"comment", 5}}, "comment"},
       }) {
    auto r = comment(1, body);
    EXPECT_EQ(r.status, 422) << body.dump();
    EXPECT_EQ(fields_of(r), std::vector<std::string>{field}) << body.dump() << " " << r.body;
  }
  EXPECT_EQ(parse(view_incident(1))["comments"].size(), 2u);
}

TEST_F(StatuspageTest, UpdateIsAFullUpdateWithStateRules) {
  json a = created_incident(incident("Full", {{"description", "details"}, {"external_reference", "ref"}}));
  // The full required set: scope left out is 422 naming it.
  auto r = update_incident(1, full(a, {{"scope", nullptr}}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(fields_of(r), std::vector<std::string>{"scope"}) << r.body;
  r = update_incident(1, full(a, {{"status", nullptr}}));
  EXPECT_EQ(fields_of(r), std::vector<std::string>{"status"}) << r.body;
  // Each state's date: required in its state, refused in the others.
  r = update_incident(1, full(a, {{"status", "stable"}}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(fields_of(r), std::vector<std::string>{"stable_date"}) << r.body;
  r = update_incident(1, full(a, {{"status", "stable"}, {"stable_date", "2026-11-28T12:00"},
                                  {"investigation_date", "2026-11-28T11:00"}}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(fields_of(r), std::vector<std::string>{"investigation_date"}) << r.body;
  r = update_incident(1, full(a, {{"status", "resolved"}, {"resolve_date", "tomorrow"}}));
  EXPECT_EQ(fields_of(r), std::vector<std::string>{"resolve_date"}) << r.body;
  EXPECT_EQ(parse(view_incident(1))["status"], "active");  // nothing refused was applied

  // Optional fields left out are cleared.
  r = update_incident(1, full(a, {{"status", "investigating"}, {"investigation_date", "2026-11-28T11:00"},
                                  {"description", nullptr}, {"name", "Renamed"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  json u = parse(r);
  EXPECT_EQ(u["status"], "investigating");
  EXPECT_EQ(u["investigation_date"], "2026-11-28T11:00");
  EXPECT_EQ(u["name"], "Renamed");
  EXPECT_TRUE(u["description"].is_null());
  EXPECT_EQ(u["external_reference"], "ref");
  json v = parse(view_incident(1));
  v.erase("comments");
  EXPECT_EQ(v, u);

  // Moving on to stable drops the investigation date (it is refused there).
  json to_stable = full(u, {{"status", "stable"}, {"stable_date", "2026-11-28T13:00"}, {"investigation_date", nullptr}});
  json with_id = to_stable;
  with_id["id"] = 1;  // the path's id may be repeated
  r = update_incident(1, with_id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(parse(r)["investigation_date"].is_null());
  with_id["id"] = 2;
  EXPECT_EQ(fields_of(update_incident(1, with_id)), std::vector<std::string>{"id"});
  EXPECT_EQ(update_incident(42, to_stable).status, 404);
}

TEST_F(StatuspageTest, DeleteTakesTheCommentsAlong) {
  created_incident(incident("Doomed"));
  created_incident(incident("Kept"));
  ASSERT_EQ(comment(1, {{"comment", "a"}}).status, 201);
  ASSERT_EQ(comment(1, {{"comment", "b"}, {"internal", 1}}).status, 201);
  ASSERT_EQ(comment(2, {{"comment", "c"}}).status, 201);
  auto r = client().post("/incident/1/delete", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r), json::object());
  EXPECT_EQ(view_incident(1).status, 404);
  EXPECT_EQ(client().post("/incident/1/delete", "").status, 404);
  EXPECT_EQ(comment(1, {{"comment", "late"}}).status, 404);
  EXPECT_EQ(ids_of(list()), std::vector<int64_t>{2});
  EXPECT_EQ(ids_of(parse(view_incident(2))["comments"]), std::vector<int64_t>{3});
  // Ids are never reused: the next incident and comment count on.
  EXPECT_EQ(created_incident(incident("After"))["id"], 3);
  EXPECT_EQ(parse(comment(3, {{"comment", "d"}}))["id"], 4);
}

TEST_F(StatuspageTest, RoutesAndMethods) {
  EXPECT_EQ(client().get("/incident/create").status, 405);
  EXPECT_EQ(client().post("/incident", "{}").status, 405);
  EXPECT_EQ(client().get("/incident/1/update").status, 405);
  EXPECT_EQ(client().post("/incident/1", "{}").status, 405);
  for (const char* path : {"/incident/abc", "/incident/", "/incident/0", "/incident/1/close", "/incident/1/update/x",
                           "/incidents"})
    EXPECT_EQ(client().get(path).status, 404) << path;
}

TEST_F(StatuspageTest, ResetEmptiesTheTablesAndRestartsIds) {
  created_incident(incident("Before"));
  ASSERT_EQ(comment(1, {{"comment", "x"}}).status, 201);
  ASSERT_EQ(admin("reset").status, 200);
  EXPECT_EQ(list().size(), 0u);
  EXPECT_EQ(created_incident(incident("After"))["id"], 1);
  EXPECT_EQ(parse(comment(1, {{"comment", "y"}}))["id"], 1);
}

class StatuspageAuthTest : public StatuspageTest {
 protected:
  std::vector<std::string> options() override { return {"--token", "sp-secret", "--user", "alice:pw"}; }
  const Headers bearer = {{"Authorization", "Bearer sp-secret"}};
};

TEST_F(StatuspageAuthTest, WritesNeedATokenAndAnonymousReadsArePublic) {
  auto r = create_incident(incident("Anonymous"));
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(parse(r).at("message").is_string()) << r.body;
  r = create_incident(incident("Token"), bearer);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(client().post("/incident/create?access-token=sp-secret", incident("Query").dump()).status, 201);
  // A password-grant token works as well.
  auto g = client().post("/realms/4hse/protocol/openid-connect/token",
                         "grant_type=password&client_id=c&username=alice&password=pw",
                         {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(g.status, 200);
  Headers alice = {{"Authorization", "Bearer " + parse(g)["access_token"].get<std::string>()}};
  ASSERT_EQ(comment(1, {{"comment", "public"}}, alice).status, 201);
  ASSERT_EQ(comment(1, {{"comment", "secret"}, {"internal", 1}}, bearer).status, 201);
  EXPECT_EQ(comment(1, {{"comment", "anonymous"}}).status, 401);
  EXPECT_EQ(client().post("/incident/1/update", "{}").status, 401);
  EXPECT_EQ(client().post("/incident/1/delete", "").status, 401);

  // Reads without a token: incidents, but no internal comment.
  EXPECT_EQ(ids_of(list()), (std::vector<int64_t>{1, 2}));
  json v = parse(view_incident(1));
  ASSERT_EQ(v["comments"].size(), 1u);
  EXPECT_EQ(v["comments"][0]["comment"], "public");
  v = parse(view_incident(1, bearer));
  ASSERT_EQ(v["comments"].size(), 2u);
  EXPECT_EQ(v["comments"][1]["comment"], "secret");
  EXPECT_EQ(v["comments"][1]["internal"], 1);

  // A wrong token is 401 on every path, reads included.
  const Headers wrong = {{"Authorization", "Bearer nope"}};
  EXPECT_EQ(client().get("/incident", wrong).status, 401);
  EXPECT_EQ(view_incident(1, wrong).status, 401);
  EXPECT_EQ(client().get("/incident?access-token=nope").status, 401);
  EXPECT_EQ(create_incident(incident("Wrong"), wrong).status, 401);
  EXPECT_EQ(r.body.find("sp-secret"), std::string::npos);
  EXPECT_EQ(list().size(), 2u);
}

TEST_F(StatuspageTest, OpenEmulatorShowsInternalCommentsWithoutAToken) {
  created_incident(incident("Open"));
  ASSERT_EQ(comment(1, {{"comment", "internal"}, {"internal", 1}}).status, 201);
  EXPECT_EQ(parse(view_incident(1))["comments"].size(), 1u);
}

class StatuspageFaultsTest : public StatuspageTest {
 protected:
  void faults(const json& config) { ASSERT_EQ(admin("faults", config).status, 200); }
};

TEST_F(StatuspageFaultsTest, LostResponseOnCreateCommitsTheIncident) {
  faults({{"seed", 3}, {"lost_response_rate", 1}});
  try {
    create_incident(incident("Lost"));
    FAIL() << "expected the answer to be lost";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::network);
  }
  faults(json::object());
  json rows = list();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["name"], "Lost");
  EXPECT_EQ(parse(client().get("/_admin/stats"))["faults"]["lost"], 1);
}

TEST_F(StatuspageFaultsTest, ErrorAndDropFaultsHitIncidentPaths) {
  faults({{"seed", 1}, {"error_rate", 1}, {"error_status", 503}, {"retry_after_s", 4}});
  auto r = create_incident(incident("Errored"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("retry-after"), "4");
  EXPECT_EQ(client().get("/incident").status, 503);
  EXPECT_EQ(client().get("/incident/1").status, 503);
  faults({{"seed", 3}, {"drop_rate", 1}});
  EXPECT_THROW(create_incident(incident("Dropped")), Error);
  faults(json::object());
  EXPECT_EQ(list().size(), 0u);  // neither reached the database
  EXPECT_EQ(parse(client().get("/_admin/stats"))["faults"], json({{"dropped", 1}, {"errors", 3}, {"lost", 0}}));
}

TEST(StatuspageInProcessTest, FaultsApplyThroughInProcessTransport) {
  emu::Emulator emulator;
  emu::InProcessTransport t(emulator, [](std::chrono::milliseconds) {});
  auto send = [&](const std::string& method, const std::string& target, const json& body = nullptr) {
    adapters::http::Request r;
    r.method = method;
    r.target = target;
    if (!body.is_null()) r.body = body.dump();
    return t.send(r);
  };
  emulator.set_faults({.lost_response_rate = 1});
  EXPECT_THROW(send("POST", "/incident/create", incident("Lost")), Error);
  emulator.set_faults({.error_rate = 1, .error_status = 502});
  EXPECT_EQ(send("GET", "/incident").status, 502);
  emulator.set_faults({});
  auto r = send("GET", "/incident/1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r)["name"], "Lost");
}

TEST(StatuspageInProcessTest, CommentTimesComeFromTheEmulatorClock) {
  emu::EmulatorOptions o;
  o.clock = std::make_shared<ManualClock>(1'795'860'300'000, 0);  // 2026-11-28T10:05:00Z
  emu::Emulator emulator(o);
  adapters::http::Request r;
  r.method = "POST";
  r.target = "/incident/create";
  r.body = incident("Clocked").dump();
  ASSERT_EQ(emulator.handle(r).status, 201);
  r.target = "/incident/1/comment";
  r.body = R"({"comment": "now"})";
  auto c = emulator.handle(r);
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(parse(c)["created_at"], "2026-11-28T10:05");
  EXPECT_EQ(adapters::emulator::format_datetime(0), "1970-01-01T00:00");
}

TEST(StatuspageDbTest, DbFileKeepsIncidentsAcrossRestartsAndDeleteRemovesCommentRows) {
  const std::string path = temp_db("restart");
  {
    auto emu = start_emulator({"--db", path});
    HttpClient c(emu.port);
    ASSERT_EQ(c.post("/incident/create", incident("Durable").dump()).status, 201);
    ASSERT_EQ(c.post("/incident/create", incident("Doomed").dump()).status, 201);
    ASSERT_EQ(c.post("/incident/2/comment", R"({"comment": "a"})").status, 201);
    ASSERT_EQ(c.post("/incident/2/comment", R"({"comment": "b", "internal": 1})").status, 201);
    ASSERT_EQ(c.post("/incident/1/comment", R"({"comment": "kept"})").status, 201);
    ASSERT_EQ(c.post("/incident/2/delete", "").status, 200);
    EXPECT_EQ(emu.process.stop(), 0);
  }
  {
    // The comment rows went with their incident, not only out of the answers.
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM statuspage_comment WHERE incident = 2").getInt(), 0);
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM statuspage_comment").getInt(), 1);
  }
  {
    auto emu = start_emulator({"--db", path});
    HttpClient c(emu.port);
    auto r = c.get("/incident");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(ids_of(parse(r)), std::vector<int64_t>{1});
    EXPECT_EQ(parse(c.get("/incident/1"))["comments"].size(), 1u);
    EXPECT_EQ(parse(c.post("/incident/create", incident("Third").dump()))["id"], 3);
    EXPECT_EQ(emu.process.stop(), 0);
  }
  remove_db(path);
}

}  // namespace
}  // namespace hse::test
