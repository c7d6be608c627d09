// StatusPageRemote over a scripted transport: the exact requests of every operation,
// the conversion of the server's rows (integer ids to text, internal to a boolean),
// the listing of comments, and the mapping of each status to a typed error.
#include "adapters/statuspage/statuspage_remote.hpp"

#include <gtest/gtest.h>

#include "tests/unit/fourhse/fake_transport.hpp"
#include "tests/support/error_fields.hpp"

using hse::test::names_field;

using hse::Code;
using hse::Error;
using hse::FieldError;
using hse::adapters::http::Request;
using hse::adapters::http::Response;
using hse::adapters::statuspage::StatusPageOptions;
using hse::adapters::statuspage::StatusPageRemote;
using hse::RemoteError;
using hse::test::answer;
using hse::test::FakeTransport;
using json = nlohmann::json;

namespace {

constexpr const char* kToken = "SECRET-bearer-tok";
const char* const kIncident = "statuspage_incident";
const char* const kComment = "statuspage_comment";

struct Fixture {
  std::shared_ptr<FakeTransport> transport;
  std::unique_ptr<StatusPageRemote> remote;
};

Fixture make(FakeTransport::Handler handler, std::string token = kToken, StatusPageOptions options = {}) {
  options.access_token = std::move(token);
  Fixture f;
  f.transport = std::make_shared<FakeTransport>(std::move(handler));
  f.remote = std::make_unique<StatusPageRemote>(options, f.transport);
  return f;
}

Fixture always(Response r) {
  return make([r](const Request&) { return r; });
}

json incident(int id, json over = json::object()) {
  json j = {{"id", id},
            {"scope", 1},
            {"service", 2},
            {"name", "Outage " + std::to_string(id)},
            {"description", nullptr},
            {"external_reference", nullptr},
            {"external_link", nullptr},
            {"severity", "high"},
            {"status", "active"},
            {"start_impact_date", "2026-11-28T10:00"},
            {"investigation_date", nullptr},
            {"stable_date", nullptr},
            {"resolve_date", nullptr}};
  j.update(over);
  return j;
}

json comment(int id, int incident_id, int internal) {
  return {{"id", id},
          {"incident", incident_id},
          {"comment", "note " + std::to_string(id)},
          {"internal", internal},
          {"created_at", "2026-11-28T10:05"}};
}

std::map<std::string, std::string> page_headers(int page, int per, int total, int pages) {
  return {{"x-page", std::to_string(page)},
          {"x-per-page", std::to_string(per)},
          {"x-total", std::to_string(total)},
          {"x-total-pages", std::to_string(pages)}};
}

// The hse::Error `f` throws (checking that no message holds the token); fails the
// test when it throws none.
template <class F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
    for (const auto& fe : e.fields()) EXPECT_EQ(fe.message.find("SECRET"), std::string::npos) << fe.message;
    return e;
  }
  ADD_FAILURE() << "expected an hse::Error";
  return Error(Code::ok, "");
}

template <class F>
RemoteError remote_error(F&& f) {
  try {
    f();
  } catch (const RemoteError& e) {
    EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
    for (const auto& fe : e.fields()) EXPECT_EQ(fe.message.find("SECRET"), std::string::npos) << fe.message;
    return e;
  }
  ADD_FAILURE() << "expected a RemoteError";
  return RemoteError(Code::ok, "", 0);
}

}  // namespace

// ---- list of incidents -------------------------------------------------------------

TEST(StatusPageRemote, ListEncodesFiltersClampsPerPageAndReadsThePage) {
  auto f = always(answer(200, json::array({incident(3), incident(4)}).dump(), page_headers(2, 100, 250, 3)));
  json body = {{"filter",
                {{"status", "active"},
                 {"severity", "high"},
                 {"scope", 7},
                 {"service", "9"},
                 {"external_reference", "INC 1/2&x=y"},
                 {"impact_before", "2026-12-01T00:00"},
                 {"impact_after", "2026-11-01T00:00"}}},
               {"page", 2},
               {"per-page", 1000},
               {"sort", "-name"},
               {"history", true}};
  auto page = f.remote->list(kIncident, body);
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[0].target,
            "/incident?status=active&severity=high&scope=7&service=9&external_reference=INC%201%2F2%26x%3Dy"
            "&impact_before=2026-12-01T00%3A00&impact_after=2026-11-01T00%3A00&page=2&per_page=100");
  EXPECT_TRUE(sent[0].body.empty());
  EXPECT_TRUE(sent[0].idempotent);
  EXPECT_EQ(sent[0].headers.at("Authorization"), std::string("Bearer ") + kToken);
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.rows[0]["id"], "3");
  EXPECT_EQ(page.rows[1]["id"], "4");
  EXPECT_EQ(page.rows[0]["scope"], 1);
  EXPECT_EQ(page.rows[0]["severity"], "high");
  EXPECT_TRUE(page.rows[0]["description"].is_null());
  EXPECT_EQ(page.page, 2);
  EXPECT_EQ(page.per_page, 100);
  EXPECT_EQ(page.total_count, 250);
  EXPECT_EQ(page.page_count, 3);
}

TEST(StatusPageRemote, ListWithoutTokenSendsNoAuthorization) {
  auto f = make([](const Request&) { return answer(200, "[]", page_headers(1, 20, 0, 0)); }, "");
  auto page = f.remote->list(kIncident, json::object());
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].headers.count("Authorization"), 0u);
  EXPECT_EQ(sent[0].target, "/incident?page=1&per_page=20");
  EXPECT_TRUE(page.rows.empty());
  EXPECT_EQ(page.page_count, 0);
}

TEST(StatusPageRemote, ListDropsFieldsOutsideTheCatalog) {
  auto f = always(answer(200, json::array({incident(1, {{"comments", json::array({comment(1, 1, 0)})}, {"extra", 1}})}).dump(),
                         page_headers(1, 20, 1, 1)));
  auto page = f.remote->list(kIncident, json::object());
  ASSERT_EQ(page.rows.size(), 1u);
  EXPECT_FALSE(page.rows[0].contains("comments"));
  EXPECT_FALSE(page.rows[0].contains("extra"));
  EXPECT_EQ(page.rows[0]["name"], "Outage 1");
}

TEST(StatusPageRemote, ListRefusesAnUnknownFilterBeforeSending) {
  auto f = always(answer(200, "[]"));
  auto e = error_of([&] { f.remote->list(kIncident, {{"filter", {{"owner", "x"}}}}); });
  EXPECT_EQ(e.code(), Code::invalid);
  EXPECT_TRUE(names_field(e, "filter.owner"));
  EXPECT_NE(std::string(e.what()).find("filter.owner"), std::string::npos);
  EXPECT_TRUE(f.transport->sent().empty());
}

TEST(StatusPageRemote, ListRefusesABadPage) {
  auto f = always(answer(200, "[]"));
  EXPECT_EQ(error_of([&] { f.remote->list(kIncident, {{"page", 0}}); }).code(), Code::invalid);
  EXPECT_EQ(error_of([&] { f.remote->list(kIncident, {{"per-page", "ten"}}); }).code(), Code::invalid);
  EXPECT_EQ(error_of([&] { f.remote->list(kIncident, {{"filter", {{"scope", json::array()}}}}); }).code(),
            Code::invalid);
  EXPECT_TRUE(f.transport->sent().empty());
}

TEST(StatusPageRemote, ListRefusesMoreRowsThanAsked) {
  json rows = json::array();
  for (int i = 1; i <= 3; ++i) rows.push_back(incident(i));
  auto f = always(answer(200, rows.dump(), page_headers(1, 2, 3, 2)));
  auto e = remote_error([&] { f.remote->list(kIncident, {{"per-page", 2}}); });
  EXPECT_EQ(e.code(), Code::server);

  // Even when the headers claim a larger page than was asked.
  auto g = always(answer(200, rows.dump(), page_headers(1, 100, 3, 1)));
  EXPECT_EQ(remote_error([&] { g.remote->list(kIncident, {{"per-page", 2}}); }).code(), Code::server);
}

TEST(StatusPageRemote, ListRefusesMoreThanAHundredRows) {
  json rows = json::array();
  for (int i = 1; i <= 101; ++i) rows.push_back(incident(i));
  auto f = always(answer(200, rows.dump()));
  EXPECT_EQ(remote_error([&] { f.remote->list(kIncident, {{"per-page", 500}}); }).code(), Code::server);
}

TEST(StatusPageRemote, ListRefusesInsaneHeaders) {
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"x-total-pages", "99999999999"}, {"x-total-pages", "-1"}, {"x-page", "abc"}, {"x-per-page", "0"},
           {"x-per-page", "101"}, {"x-total", "1e9"}}) {
    auto f = always(answer(200, "[]", {{name, value}}));
    EXPECT_EQ(remote_error([&] { f.remote->list(kIncident, json::object()); }).code(), Code::server)
        << name << ": " << value;
  }
}

TEST(StatusPageRemote, ListRefusesMalformedAnswers) {
  for (std::string body : {"not json", R"({"id":1})", R"([1,2])", R"([{"id":"abc"}])", R"([{"id":0}])",
                           R"([{"name":"no id"}])"}) {
    auto f = always(answer(200, body));
    EXPECT_EQ(remote_error([&] { f.remote->list(kIncident, json::object()); }).code(), Code::server) << body;
  }
}

TEST(StatusPageRemote, ListRefusesAnOversizedBody) {
  StatusPageOptions o;
  o.max_body_bytes = 64;
  auto f = make([](const Request&) { return answer(200, json::array({incident(1)}).dump()); }, kToken, o);
  EXPECT_EQ(remote_error([&] { f.remote->list(kIncident, json::object()); }).code(), Code::server);
}

TEST(StatusPageRemote, ListPagesSendsTogetherInOrder) {
  auto f = make([](const Request& r) {
    int page = r.target.find("page=3") != std::string::npos ? 3 : 2;
    return answer(200, json::array({incident(page * 10)}).dump(), page_headers(page, 5, 15, 3));
  });
  auto pages = f.remote->list_pages(kIncident, {{"per-page", 5}, {"filter", {{"status", "stable"}}}}, {2, 3});
  EXPECT_EQ(f.transport->send_all_calls(), 1);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].page, 2);
  EXPECT_EQ(pages[0].rows.at(0)["id"], "20");
  EXPECT_EQ(pages[1].page, 3);
  EXPECT_EQ(pages[1].rows.at(0)["id"], "30");
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].target, "/incident?status=stable&page=2&per_page=5");
  EXPECT_EQ(sent[1].target, "/incident?status=stable&page=3&per_page=5");
}

// ---- comments ----------------------------------------------------------------------

TEST(StatusPageRemote, ListCommentsOfOneIncident) {
  auto f = always(answer(200, incident(42, {{"comments", {comment(7, 42, 1), comment(8, 42, 0)}}}).dump()));
  auto page = f.remote->list(kComment, {{"filter", {{"incident", "42"}}}, {"page", 1}, {"per-page", 50}});
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[0].target, "/incident/42");
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.rows[0], (json{{"id", "7"},
                                {"incident", "42"},
                                {"comment", "note 7"},
                                {"internal", true},
                                {"created_at", "2026-11-28T10:05"}}));
  EXPECT_EQ(page.rows[1]["internal"], false);
  EXPECT_EQ(page.page, 1);
  EXPECT_EQ(page.page_count, 1);
  EXPECT_EQ(page.total_count, 2);

  // Page 2 of one incident's comments is empty, without asking.
  auto second = f.remote->list(kComment, {{"filter", {{"incident", "42"}}}, {"page", 2}});
  EXPECT_TRUE(second.rows.empty());
  EXPECT_EQ(f.transport->sent().size(), 1u);
}

TEST(StatusPageRemote, ListCommentsOfAGoneIncidentIsEmpty) {
  auto f = always(answer(404, R"({"message":"Not found"})"));
  auto page = f.remote->list(kComment, {{"filter", {{"incident", "42"}}}});
  EXPECT_TRUE(page.rows.empty());
  EXPECT_EQ(page.page_count, 1);
}

TEST(StatusPageRemote, ListCommentsRefusesALocalIncidentId) {
  auto f = always(answer(200, "{}"));
  auto e = error_of(
      [&] { f.remote->list(kComment, {{"filter", {{"incident", "0b5a7d60-3fc9-4e2a-9d1a-6e5b4c8f7a01"}}}}); });
  EXPECT_EQ(e.code(), Code::invalid);
  EXPECT_NE(std::string(e.what()).find("0b5a7d60"), std::string::npos);
  EXPECT_EQ(error_of([&] { f.remote->list(kComment, {{"filter", {{"comment", "x"}}}}); }).code(), Code::invalid);
  EXPECT_TRUE(f.transport->sent().empty());
}

TEST(StatusPageRemote, ListCommentsByIncidentPage) {
  auto f = make([](const Request& r) {
    if (r.target.rfind("/incident?", 0) == 0)
      return answer(200, json::array({incident(1), incident(2), incident(3)}).dump(), page_headers(2, 3, 8, 3));
    if (r.target == "/incident/1") return answer(200, incident(1, {{"comments", {comment(1, 1, 0), comment(2, 1, 1)}}}).dump());
    if (r.target == "/incident/2") return answer(404, R"({"message":"gone"})");  // deleted meanwhile
    if (r.target == "/incident/3") {
      json c = comment(5, 3, 0);
      c.erase("incident");  // the view's comments may leave their incident implicit
      return answer(200, incident(3, {{"comments", {c}}}).dump());
    }
    return answer(500, "");
  });
  auto page = f.remote->list(kComment, {{"page", 2}, {"per-page", 3}});
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[0].target, "/incident?page=2&per_page=3");
  EXPECT_EQ(sent[1].target, "/incident/1");
  EXPECT_EQ(sent[2].target, "/incident/2");
  EXPECT_EQ(sent[3].target, "/incident/3");
  EXPECT_EQ(f.transport->send_all_calls(), 1);  // the views went together
  ASSERT_EQ(page.rows.size(), 3u);
  EXPECT_EQ(page.rows[0]["id"], "1");
  EXPECT_EQ(page.rows[1]["id"], "2");
  EXPECT_EQ(page.rows[1]["internal"], true);
  EXPECT_EQ(page.rows[2]["id"], "5");
  EXPECT_EQ(page.rows[2]["incident"], "3");
  EXPECT_EQ(page.page, 2);
  EXPECT_EQ(page.page_count, 3);
}

TEST(StatusPageRemote, ListCommentsRefusesACommentOfAnotherIncident) {
  auto f = always(answer(200, incident(42, {{"comments", {comment(7, 41, 0)}}}).dump()));
  EXPECT_EQ(remote_error([&] { f.remote->list(kComment, {{"filter", {{"incident", "42"}}}}); }).code(), Code::server);
  auto g = always(answer(200, incident(42, {{"comments", {comment(7, 42, 2)}}}).dump()));
  EXPECT_EQ(remote_error([&] { g.remote->list(kComment, {{"filter", {{"incident", "42"}}}}); }).code(), Code::server);
}

TEST(StatusPageRemote, ListCommentsRefusesTooManyComments) {
  StatusPageOptions o;
  o.max_comments_per_incident = 2;
  auto f = make([](const Request&) {
    return answer(200, incident(42, {{"comments", {comment(1, 42, 0), comment(2, 42, 0), comment(3, 42, 0)}}}).dump());
  }, kToken, o);
  EXPECT_EQ(remote_error([&] { f.remote->list(kComment, {{"filter", {{"incident", "42"}}}}); }).code(), Code::server);
}

TEST(StatusPageRemote, CommentsHaveNoViewUpdateOrDelete) {
  auto f = always(answer(200, "{}"));
  EXPECT_EQ(error_of([&] { f.remote->view(kComment, "7"); }).code(), Code::invalid);
  EXPECT_EQ(error_of([&] { f.remote->update(kComment, "7", {{"comment", "x"}}); }).code(), Code::invalid);
  EXPECT_EQ(error_of([&] { f.remote->remove(kComment, "7", true); }).code(), Code::invalid);
  EXPECT_TRUE(f.transport->sent().empty());
}

TEST(StatusPageRemote, CreateCommentPostsToItsIncident) {
  auto f = always(answer(201, comment(9, 42, 1).dump()));
  json row = f.remote->create(kComment, {{"id", "local-uuid"}, {"incident", "42"}, {"comment", "hello"}, {"internal", true}});
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].target, "/incident/42/comment");
  EXPECT_FALSE(sent[0].idempotent);
  EXPECT_EQ(sent[0].headers.at("Content-Type"), "application/json");
  EXPECT_EQ(sent[0].headers.at("Authorization"), std::string("Bearer ") + kToken);
  EXPECT_EQ(json::parse(sent[0].body), (json{{"comment", "hello"}, {"internal", 1}}));
  EXPECT_EQ(row["id"], "9");
  EXPECT_EQ(row["incident"], "42");
  EXPECT_EQ(row["internal"], true);

  f.remote->create(kComment, {{"incident", "42"}, {"comment", "public"}, {"internal", false}});
  EXPECT_EQ(json::parse(f.transport->sent().at(1).body)["internal"], 0);
}

TEST(StatusPageRemote, CreateCommentOnALocalIncidentSendsNothing) {
  auto f = always(answer(201, comment(9, 42, 0).dump()));
  auto e = error_of([&] { f.remote->create(kComment, {{"incident", "0b5a7d60-aaaa"}, {"comment", "x"}}); });
  EXPECT_EQ(e.code(), Code::invalid);
  EXPECT_TRUE(names_field(e, "incident"));
  EXPECT_NE(std::string(e.what()).find("0b5a7d60-aaaa"), std::string::npos);
  EXPECT_TRUE(f.transport->sent().empty());
}

TEST(StatusPageRemote, CreateCommentOnAMissingIncidentIsNotFound) {
  auto f = always(answer(404, R"({"message":"Incident not found"})"));
  EXPECT_EQ(remote_error([&] { f.remote->create(kComment, {{"incident", "5"}, {"comment", "x"}}); }).code(),
            Code::not_found);
}

// ---- view, create, update, remove of incidents -----------------------------------------

TEST(StatusPageRemote, ViewDropsCommentsAndConvertsTheId) {
  auto f = always(answer(200, incident(42, {{"comments", {comment(7, 42, 0)}}}).dump()));
  auto row = f.remote->view(kIncident, "42");
  ASSERT_TRUE(row);
  EXPECT_EQ((*row)["id"], "42");
  EXPECT_FALSE(row->contains("comments"));
  EXPECT_EQ((*row)["status"], "active");
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[0].target, "/incident/42");
  EXPECT_TRUE(sent[0].idempotent);
}

TEST(StatusPageRemote, ViewOf404IsNullopt) {
  auto f = always(answer(404, R"({"message":"Not found"})"));
  EXPECT_FALSE(f.remote->view(kIncident, "42"));
}

TEST(StatusPageRemote, ViewOfAnotherIncidentIsMalformed) {
  auto f = always(answer(200, incident(43).dump()));
  EXPECT_EQ(remote_error([&] { f.remote->view(kIncident, "42"); }).code(), Code::server);
}

TEST(StatusPageRemote, NonNumericIdsAreRefusedBeforeSending) {
  auto f = always(answer(200, incident(1).dump()));
  for (std::string id : {"0b5a7d60-3fc9-4e2a-9d1a-6e5b4c8f7a01", "", "0", "-3", "007", "4 2", "42/delete",
                         "1234567890123456789012"}) {
    auto e = error_of([&] { f.remote->view(kIncident, id); });
    EXPECT_EQ(e.code(), Code::invalid) << id;
    EXPECT_NE(std::string(e.what()).find(id), std::string::npos) << e.what();
    EXPECT_EQ(error_of([&] { f.remote->update(kIncident, id, {{"name", "x"}}); }).code(), Code::invalid) << id;
    EXPECT_EQ(error_of([&] { f.remote->remove(kIncident, id, false); }).code(), Code::invalid) << id;
  }
  EXPECT_TRUE(f.transport->sent().empty());
}

TEST(StatusPageRemote, CreateSendsOnlyTheCreateFields) {
  auto f = always(answer(201, incident(5, {{"external_reference", "local-1"}}).dump()));
  json body = {{"id", "0b5a7d60-3fc9-4e2a-9d1a-6e5b4c8f7a01"},
               {"scope", 1},
               {"service", "2"},
               {"name", "Outage"},
               {"description", nullptr},
               {"external_reference", "local-1"},
               {"external_link", nullptr},
               {"severity", "high"},
               {"status", "active"},
               {"start_impact_date", "2026-11-28T10:00"},
               {"investigation_date", nullptr},
               {"stable_date", nullptr},
               {"resolve_date", nullptr}};
  json row = f.remote->create(kIncident, body);
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].target, "/incident/create");
  EXPECT_FALSE(sent[0].idempotent);
  EXPECT_EQ(json::parse(sent[0].body), (json{{"scope", 1},
                                             {"service", 2},
                                             {"name", "Outage"},
                                             {"external_reference", "local-1"},
                                             {"severity", "high"},
                                             {"start_impact_date", "2026-11-28T10:00"}}));
  EXPECT_EQ(row["id"], "5");
  EXPECT_EQ(row["external_reference"], "local-1");
}

TEST(StatusPageRemote, CreateRefusesAStateItCannotSet) {
  auto f = always(answer(201, incident(5).dump()));
  auto e = error_of([&] { f.remote->create(kIncident, {{"name", "x"}, {"status", "resolved"}}); });
  EXPECT_EQ(e.code(), Code::invalid);
  EXPECT_TRUE(names_field(e, "status"));
  auto d = error_of([&] { f.remote->create(kIncident, {{"name", "x"}, {"stable_date", "2026-11-28T11:00"}}); });
  EXPECT_EQ(d.code(), Code::invalid);
  EXPECT_TRUE(names_field(d, "stable_date"));
  EXPECT_TRUE(f.transport->sent().empty());
}

TEST(StatusPageRemote, CreateValidationFailureNamesTheFields) {
  auto f = always(answer(422, R"([{"field":"severity","message":"Severity is invalid."},
                                  {"field":"start_impact_date","message":"Start Impact Date cannot be blank."}])"));
  auto e = remote_error([&] { f.remote->create(kIncident, {{"name", "x"}}); });
  EXPECT_EQ(e.code(), Code::invalid);
  EXPECT_EQ(e.http_status(), 422);
  ASSERT_EQ(e.fields().size(), 2u);
  EXPECT_EQ(e.fields()[0], (FieldError{"severity", "Severity is invalid."}));
  EXPECT_EQ(e.fields()[1].field, "start_impact_date");
}

TEST(StatusPageRemote, UpdateSendsTheFullFieldSetWithThePatchApplied) {
  json current = incident(42, {{"description", "db down"},
                               {"external_link", "https://x.example/1"},
                               {"status", "investigating"},
                               {"investigation_date", "2026-11-28T10:30"},
                               {"comments", {comment(1, 42, 0)}}});
  auto f = make([&](const Request& r) {
    if (r.method == "GET") return answer(200, current.dump());
    json body = json::parse(r.body);
    body["id"] = 42;
    return answer(200, body.dump());
  });
  json row = f.remote->update(kIncident, "42",
                              {{"status", "stable"}, {"stable_date", "2026-11-28T12:00"}, {"external_link", nullptr}});
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[0].target, "/incident/42");
  EXPECT_EQ(sent[1].method, "POST");
  EXPECT_EQ(sent[1].target, "/incident/42/update");
  EXPECT_FALSE(sent[1].idempotent);
  // Every current value goes with the patch; the cleared link and the investigation
  // date of the former state are left out.
  EXPECT_EQ(json::parse(sent[1].body), (json{{"scope", 1},
                                             {"service", 2},
                                             {"name", "Outage 42"},
                                             {"description", "db down"},
                                             {"severity", "high"},
                                             {"status", "stable"},
                                             {"start_impact_date", "2026-11-28T10:00"},
                                             {"stable_date", "2026-11-28T12:00"}}));
  EXPECT_EQ(row["id"], "42");
  EXPECT_EQ(row["status"], "stable");
  EXPECT_FALSE(row.contains("comments"));
}

// The engine's push reads the incident (view) for its conflict check; the update is
// built on that row, so no second read widens the window before the POST.
TEST(StatusPageRemote, UpdateFromBuildsOnTheRowTheEngineReadWithoutReadingAgain) {
  json server = incident(42, {{"description", "as the engine saw it"}});
  auto f = make([&](const Request& r) {
    if (r.method == "GET") return answer(200, server.dump());
    json body = json::parse(r.body);
    body["id"] = 42;
    return answer(200, body.dump());
  });
  json seen = *f.remote->view(kIncident, "42");
  server["description"] = "changed since";  // what a second GET would have picked up
  json row = f.remote->update_from(kIncident, "42", {{"name", "Renamed"}}, seen);
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 2u);  // the engine's view, then the update
  EXPECT_EQ(sent[1].method, "POST");
  EXPECT_EQ(sent[1].target, "/incident/42/update");
  json body = json::parse(sent[1].body);
  EXPECT_EQ(body["name"], "Renamed");
  EXPECT_EQ(body["description"], "as the engine saw it");
  EXPECT_EQ(row["name"], "Renamed");

  // A row of another incident is no basis: the adapter reads the right one.
  f.remote->update_from(kIncident, "42", {{"name", "Again"}}, json{{"id", "7"}});
  sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[2].method, "GET");
  EXPECT_EQ(sent[2].target, "/incident/42");
  EXPECT_EQ(json::parse(sent[3].body)["description"], "changed since");
}

TEST(StatusPageRemote, UpdateKeepsTheDateOfTheCurrentState) {
  json current = incident(42, {{"status", "resolved"}, {"resolve_date", "2026-11-29T08:00"}});
  auto f = make([&](const Request&) { return answer(200, current.dump()); });
  f.remote->update(kIncident, "42", {{"name", "Renamed"}});
  json sent = json::parse(f.transport->sent().at(1).body);
  EXPECT_EQ(sent["name"], "Renamed");
  EXPECT_EQ(sent["resolve_date"], "2026-11-29T08:00");
  EXPECT_EQ(sent["status"], "resolved");
}

TEST(StatusPageRemote, UpdateOfAMissingIncidentIsNotFound) {
  auto f = always(answer(404, R"({"message":"Not found"})"));
  auto e = remote_error([&] { f.remote->update(kIncident, "42", {{"name", "x"}}); });
  EXPECT_EQ(e.code(), Code::not_found);
  EXPECT_EQ(f.transport->sent().size(), 1u);  // the read; no update was sent
}

TEST(StatusPageRemote, UpdateRefusesAnUnknownField) {
  auto f = always(answer(200, incident(42).dump()));
  auto e = error_of([&] { f.remote->update(kIncident, "42", {{"owner", "x"}}); });
  EXPECT_EQ(e.code(), Code::invalid);
  EXPECT_TRUE(names_field(e, "owner"));
  EXPECT_TRUE(f.transport->sent().empty());
}

TEST(StatusPageRemote, RemovePostsTheDelete) {
  auto f = always(answer(200, "{}"));
  EXPECT_TRUE(f.remote->remove(kIncident, "42", false));
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].target, "/incident/42/delete");
  EXPECT_FALSE(sent[0].idempotent);
  auto g = always(answer(204, ""));
  EXPECT_TRUE(g.remote->remove(kIncident, "42", true));
}

TEST(StatusPageRemote, RemoveOf404IsFalse) {
  auto f = always(answer(404, R"({"message":"Not found"})"));
  EXPECT_FALSE(f.remote->remove(kIncident, "42", true));
}

// ---- errors ------------------------------------------------------------------------

TEST(StatusPageRemote, UnknownEntityIsInvalid) {
  auto f = always(answer(200, "[]"));
  EXPECT_EQ(error_of([&] { f.remote->list("project", json::object()); }).code(), Code::invalid);
  EXPECT_EQ(error_of([&] { f.remote->view("incident", "1"); }).code(), Code::invalid);
  EXPECT_EQ(error_of([&] { f.remote->create("office", json::object()); }).code(), Code::invalid);
  EXPECT_TRUE(f.transport->sent().empty());
}

TEST(StatusPageRemote, UnauthorizedIsAuthWithoutTheToken) {
  // A server that echoes the token back must not get it into a message.
  auto f = always(answer(401, std::string(R"({"message":"bad token )") + kToken + R"("})"));
  auto e = remote_error([&] { f.remote->create(kIncident, {{"name", "x"}}); });
  EXPECT_EQ(e.code(), Code::auth);
  EXPECT_EQ(e.http_status(), 401);
  EXPECT_EQ(f.transport->sent().size(), 1u);  // a fixed token: no refresh, no retry
  EXPECT_EQ(remote_error([&] { f.remote->list(kIncident, json::object()); }).code(), Code::auth);
  EXPECT_EQ(remote_error([&] { f.remote->view(kIncident, "1"); }).code(), Code::auth);
}

TEST(StatusPageRemote, RateLimitedCarriesRetryAfter) {
  auto f = always(answer(429, R"({"message":"slow down"})", {{"retry-after", "7"}}));
  auto e = remote_error([&] { f.remote->list(kIncident, json::object()); });
  EXPECT_EQ(e.code(), Code::rate_limited);
  EXPECT_EQ(e.retry_after_s(), 7);
  EXPECT_EQ(e.http_status(), 429);
}

TEST(StatusPageRemote, ServerFaults) {
  auto unavailable = always(answer(503, "", {{"retry-after", "3"}}));
  auto e = remote_error([&] { unavailable.remote->view(kIncident, "1"); });
  EXPECT_EQ(e.code(), Code::rate_limited);
  EXPECT_EQ(e.retry_after_s(), 3);
  auto broken = always(answer(500, "<html>oops</html>"));
  EXPECT_EQ(remote_error([&] { broken.remote->remove(kIncident, "1", false); }).code(), Code::server);
  auto garbage = always(answer(200, "{not json"));
  EXPECT_EQ(remote_error([&] { garbage.remote->view(kIncident, "1"); }).code(), Code::server);
  EXPECT_EQ(remote_error([&] { garbage.remote->create(kIncident, {{"name", "x"}}); }).code(), Code::server);
}

TEST(StatusPageRemote, TransportFailuresPassThrough) {
  auto f = make([](const Request&) -> Response { throw Error(Code::network, "connection refused"); });
  EXPECT_EQ(error_of([&] { f.remote->view(kIncident, "1"); }).code(), Code::network);
}

TEST(StatusPageRemote, RefusesBadOptions) {
  auto t = std::make_shared<FakeTransport>([](const Request&) { return answer(200, ""); });
  StatusPageOptions o;
  o.max_rows_per_page = 101;
  EXPECT_THROW(StatusPageRemote(o, t), Error);
  EXPECT_THROW(StatusPageRemote(StatusPageOptions{}, nullptr), Error);
  StatusPageOptions crlf;
  crlf.access_token = "SECRET\r\nX-Evil: 1";
  auto e = error_of([&] { StatusPageRemote r(crlf, t); });
  EXPECT_EQ(e.code(), Code::invalid);
}
