// FourHseRemote over a scripted transport: the exact requests of every operation,
// pagination headers, and the mapping of each status to a typed error.
#include "adapters/fourhse/fourhse_remote.hpp"

#include <gtest/gtest.h>

#include "tests/unit/fourhse/fake_transport.hpp"

using hse::Code;
using hse::Error;
using hse::FieldError;
using hse::adapters::fourhse::FourHseOptions;
using hse::adapters::fourhse::FourHseRemote;
using hse::adapters::http::Request;
using hse::adapters::http::Response;
using hse::RemoteError;
using hse::test::answer;
using hse::test::FakeTransport;
using json = nlohmann::json;

namespace {

constexpr const char* kToken = "SECRET tok/en+1";
constexpr const char* kTokenQuery = "access-token=SECRET%20tok%2Fen%2B1";
const std::string kId = "0b5a7d60-3fc9-4e2a-9d1a-6e5b4c8f7a01";

struct Fixture {
  std::shared_ptr<FakeTransport> transport;
  std::unique_ptr<FourHseRemote> remote;
};

Fixture make(FakeTransport::Handler handler, FourHseOptions options = {}) {
  if (options.access_token.empty() && !options.oauth) options.access_token = kToken;
  Fixture f;
  f.transport = std::make_shared<FakeTransport>(std::move(handler));
  f.remote = std::make_unique<FourHseRemote>(options, f.transport);
  return f;
}

Fixture always(Response r) {
  return make([r](const Request&) { return r; });
}

// The RemoteError `f` throws; fails the test when it throws none.
template <class F>
RemoteError remote_error(F&& f) {
  try {
    f();
  } catch (const RemoteError& e) {
    EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
    return e;
  }
  ADD_FAILURE() << "expected a RemoteError";
  return RemoteError(Code::ok, "", 0);
}

std::map<std::string, std::string> page_headers(int page, int count, int per, int total) {
  return {{"x-pagination-current-page", std::to_string(page)},
          {"x-pagination-page-count", std::to_string(count)},
          {"x-pagination-per-page", std::to_string(per)},
          {"x-pagination-total-count", std::to_string(total)}};
}

}  // namespace

TEST(FourHseRemote, ListPostsTheIndexBodyAndReadsThePage) {
  auto f = always(answer(200, R"([{"office_id":"a"},{"office_id":"b"}])", page_headers(2, 5, 2, 9)));
  json body = {{"filter", {{"project_id", "p"}}}, {"page", 2}, {"per-page", 2}, {"history", true}};
  auto page = f.remote->list("office", body);
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].target, std::string("/v2/office/index?") + kTokenQuery);
  EXPECT_EQ(sent[0].body, body.dump());
  EXPECT_EQ(sent[0].headers.at("Content-Type"), "application/json");
  EXPECT_TRUE(sent[0].idempotent);
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.rows[1]["office_id"], "b");
  EXPECT_EQ(page.page, 2);
  EXPECT_EQ(page.page_count, 5);
  EXPECT_EQ(page.per_page, 2);
  EXPECT_EQ(page.total_count, 9);
}

TEST(FourHseRemote, ListWithoutPaginationHeadersFallsBackToTheRequest) {
  auto f = always(answer(200, R"([{"action_id":"a"}])"));
  auto page = f.remote->list("action", json{{"page", 3}, {"per-page", 50}});
  EXPECT_EQ(page.page, 3);
  EXPECT_EQ(page.page_count, 1);
  EXPECT_EQ(page.per_page, 50);
  EXPECT_EQ(page.total_count, 1);
}

TEST(FourHseRemote, BadPaginationIsAServerError) {
  const std::vector<std::map<std::string, std::string>> bad = {
      {{"x-pagination-page-count", "many"}},
      {{"x-pagination-page-count", "-1"}},
      {{"x-pagination-page-count", "99999999999"}},
      {{"x-pagination-current-page", "0"}},
      {{"x-pagination-per-page", "0"}},
      {{"x-pagination-per-page", "20000"}},  // above max_rows_per_page
      {{"x-pagination-total-count", "7x"}},
  };
  for (const auto& headers : bad) {
    auto f = always(answer(200, "[]", headers));
    auto e = remote_error([&] { f.remote->list("project", json::object()); });
    EXPECT_EQ(e.code(), Code::server) << headers.begin()->first << "=" << headers.begin()->second;
  }
}

TEST(FourHseRemote, MalformedIndexBodiesAreServerErrors) {
  for (const char* body : {"{\"rows\":[]}", "[1,2]", "[{\"a\":1}", "not json"}) {
    auto f = always(answer(200, body));
    EXPECT_EQ(remote_error([&] { f.remote->list("project", json::object()); }).code(), Code::server) << body;
  }
}

TEST(FourHseRemote, TooManyRowsInAPageAreRefused) {
  FourHseOptions o;
  o.max_rows_per_page = 2;
  auto f = make([](const Request&) { return answer(200, "[{},{},{}]"); }, o);
  EXPECT_EQ(remote_error([&] { f.remote->list("project", json::object()); }).code(), Code::server);
  // More rows than the page size the server itself announced.
  auto g = always(answer(200, "[{},{},{}]", page_headers(1, 1, 2, 3)));
  EXPECT_EQ(remote_error([&] { g.remote->list("project", json::object()); }).code(), Code::server);
}

TEST(FourHseRemote, ListPagesSendsAllPagesTogetherInOrder) {
  auto f = make([](const Request& r) {
    int page = json::parse(r.body)["page"];
    return answer(200, "[{\"office_incident_id\":\"i\",\"n\":" + std::to_string(page) + "}]",
                  page_headers(page, 4, 1, 4));
  });
  json body = {{"per-page", 1}, {"history", true}};
  auto pages = f.remote->list_pages("incident", body, {2, 3, 4});
  EXPECT_EQ(f.transport->send_all_calls(), 1);
  ASSERT_EQ(pages.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(pages[i].page, i + 2);
    EXPECT_EQ(pages[i].rows[0]["n"], i + 2);
  }
  auto sent = f.transport->sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].target, std::string("/v2/incident/index?") + kTokenQuery);
  EXPECT_EQ(json::parse(sent[1].body), (json{{"per-page", 1}, {"history", true}, {"page", 3}}));
}

TEST(FourHseRemote, ViewGetsTheRowOrNothing) {
  auto f = make([](const Request& r) {
    if (r.target.find("/missing") != std::string::npos) return answer(404, R"({"name":"Not Found"})");
    return answer(200, R"({"project_id":"x","name":"Acme"})");
  });
  auto row = f.remote->view("project", kId);
  ASSERT_TRUE(row);
  EXPECT_EQ((*row)["name"], "Acme");
  EXPECT_FALSE(f.remote->view("project", "missing"));
  auto sent = f.transport->sent();
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[0].target, "/v2/project/view/" + kId + "?" + kTokenQuery);
  EXPECT_EQ(sent[0].body, "");
}

TEST(FourHseRemote, IdsArePercentEncodedInPaths) {
  auto f = always(answer(404, ""));
  f.remote->view("project", "a/b?c");
  EXPECT_EQ(f.transport->sent()[0].target, std::string("/v2/project/view/a%2Fb%3Fc?") + kTokenQuery);
}

TEST(FourHseRemote, CreateSendsOnlyTheCallersBody) {
  auto f = always(answer(201, R"({"office_id":"o","name":"HQ","project_name":"Acme"})"));
  json body = {{"office_id", "o"}, {"name", "HQ"}, {"project_id", "p"}};
  json row = f.remote->create("office", body);
  EXPECT_EQ(row["project_name"], "Acme");
  auto sent = f.transport->sent();
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].target, std::string("/v2/office/create?") + kTokenQuery);
  EXPECT_EQ(sent[0].body, body.dump());
  EXPECT_FALSE(sent[0].idempotent);
}

TEST(FourHseRemote, CreateValidationErrorsCarryTheFieldList) {
  auto f = always(answer(422, R"([{"field":"name","message":"Name cannot be blank."},{"field":"country","message":"Too long."}])"));
  auto e = remote_error([&] { f.remote->create("project", json{{"description", "x"}}); });
  EXPECT_EQ(e.code(), Code::invalid);
  EXPECT_EQ(e.http_status(), 422);
  EXPECT_EQ(e.fields(), (std::vector<FieldError>{{"name", "Name cannot be blank."}, {"country", "Too long."}}));
  EXPECT_NE(std::string(e.what()).find("Name cannot be blank."), std::string::npos);
}

TEST(FourHseRemote, CreateWithATakenIdIsAConflict) {
  auto f = always(answer(422, R"([{"field":"project_id","message":"Project ID \"x\" has already been taken."}])"));
  auto e = remote_error([&] { f.remote->create("project", json{{"project_id", "x"}}); });
  EXPECT_EQ(e.code(), Code::conflict);
  EXPECT_EQ(e.http_status(), 422);
  ASSERT_EQ(e.fields().size(), 1u);
  EXPECT_EQ(e.fields()[0].field, "project_id");
}

TEST(FourHseRemote, ATakenNameIsAValidationErrorNotAConflict) {
  auto f = always(answer(422, R"([{"field":"name","message":"has already been taken"}])"));
  EXPECT_EQ(remote_error([&] { f.remote->create("office", json{{"name", "HQ"}}); }).code(), Code::invalid);
  // And an update never turns a taken key into a conflict.
  auto g = always(answer(422, R"([{"field":"office_id","message":"has already been taken"}])"));
  EXPECT_EQ(remote_error([&] { g.remote->update("office", "o", json{{"name", "HQ"}}); }).code(), Code::invalid);
}

TEST(FourHseRemote, UpdatePutsThePatch) {
  auto f = always(answer(200, R"({"action_id":"a","name":"new"})"));
  json patch = {{"name", "new"}};
  EXPECT_EQ(f.remote->update("action", "a", patch)["name"], "new");
  auto sent = f.transport->sent();
  EXPECT_EQ(sent[0].method, "PUT");
  EXPECT_EQ(sent[0].target, std::string("/v2/action/update/a?") + kTokenQuery);
  EXPECT_EQ(sent[0].body, R"({"name":"new"})");
}

TEST(FourHseRemote, UpdateOfAMissingRowIsNotFound) {
  auto f = always(answer(404, R"({"name":"Not Found","message":"Action not found"})"));
  auto e = remote_error([&] { f.remote->update("action", "a", json{{"name", "x"}}); });
  EXPECT_EQ(e.code(), Code::not_found);
  EXPECT_EQ(e.http_status(), 404);
}

TEST(FourHseRemote, BadRequestIsInvalid) {
  auto f = always(answer(400, R"({"name":"Bad Request","message":"Unknown filter field"})"));
  auto e = remote_error([&] { f.remote->list("action", json{{"filter", {{"nope", 1}}}}); });
  EXPECT_EQ(e.code(), Code::invalid);
  EXPECT_NE(std::string(e.what()).find("Unknown filter field"), std::string::npos) << e.what();
}

TEST(FourHseRemote, RemoveSendsForceAndReportsWhetherTheRowWasThere) {
  auto f = make([](const Request& r) {
    if (r.target.find("/gone") != std::string::npos) return answer(404, "");
    if (r.target.find("force=false") != std::string::npos) return answer(200, R"({"offices":3})");
    return answer(204, "");
  });
  EXPECT_TRUE(f.remote->remove("office", "o", true));
  EXPECT_TRUE(f.remote->remove("office", "o", false));
  EXPECT_FALSE(f.remote->remove("office", "gone", true));
  auto sent = f.transport->sent();
  EXPECT_EQ(sent[0].method, "DELETE");
  EXPECT_EQ(sent[0].target, std::string("/v2/office/delete/o?force=true&") + kTokenQuery);
  EXPECT_EQ(sent[1].target, std::string("/v2/office/delete/o?force=false&") + kTokenQuery);
  EXPECT_EQ(sent[0].body, "");
}

TEST(FourHseRemote, RateLimitsCarryRetryAfter) {
  auto f = always(answer(429, "", {{"retry-after", "7"}}));
  auto e = remote_error([&] { f.remote->view("project", "p"); });
  EXPECT_EQ(e.code(), Code::rate_limited);
  EXPECT_EQ(e.http_status(), 429);
  EXPECT_EQ(e.retry_after_s(), 7);

  FourHseOptions o;
  o.clock = std::make_shared<hse::ManualClock>(784111777'000 - 30'000, 0);  // 30 s before the date
  auto g = make([](const Request&) { return answer(503, "", {{"retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"}}); }, o);
  auto e2 = remote_error([&] { g.remote->create("project", json::object()); });
  EXPECT_EQ(e2.code(), Code::rate_limited);
  EXPECT_EQ(e2.retry_after_s(), 30);

  auto h = always(answer(503, ""));
  auto e3 = remote_error([&] { h.remote->view("project", "p"); });
  EXPECT_EQ(e3.code(), Code::rate_limited);
  EXPECT_EQ(e3.retry_after_s(), std::nullopt);
}

TEST(FourHseRemote, StatusesMapToTypedErrors) {
  const std::vector<std::pair<int, Code>> cases = {
      {500, Code::server}, {502, Code::server},   {504, Code::server},  {401, Code::auth},
      {403, Code::auth},   {409, Code::conflict}, {413, Code::invalid}, {302, Code::server},
  };
  for (auto [status, code] : cases) {
    auto f = always(answer(status, R"({"message":"nope"})"));
    auto e = remote_error([&] { f.remote->update("project", "p", json{{"name", "n"}}); });
    EXPECT_EQ(e.code(), code) << status;
    EXPECT_EQ(e.http_status(), status);
  }
}

TEST(FourHseRemote, MalformedRowsAreServerErrors) {
  for (const char* body : {"", "{", "[]", "\"text\""}) {
    auto f = always(answer(200, body));
    EXPECT_EQ(remote_error([&] { f.remote->view("project", "p"); }).code(), Code::server) << body;
    EXPECT_EQ(remote_error([&] { f.remote->create("project", json::object()); }).code(), Code::server) << body;
  }
}

TEST(FourHseRemote, TransportFailuresPassThroughUnchanged) {
  for (Code code : {Code::network, Code::timeout}) {
    auto f = make([code](const Request&) -> Response { throw Error(code, "transport says no"); });
    try {
      f.remote->view("project", "p");
      ADD_FAILURE();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code);
      EXPECT_STREQ(e.what(), "transport says no");
    }
  }
}

TEST(FourHseRemote, UnknownEntitiesAreInvalidAndSendNothing) {
  auto f = always(answer(200, "[]"));
  try {
    f.remote->list("widget", json::object());
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::invalid);
  }
  EXPECT_TRUE(f.transport->sent().empty());
}

TEST(FourHseRemote, BasePathIsConfigurable) {
  FourHseOptions o;
  o.base_path = "/api/v2/";
  auto f = make([](const Request&) { return answer(404, ""); }, o);
  f.remote->view("project", "p");
  EXPECT_EQ(f.transport->sent()[0].target, std::string("/api/v2/project/view/p?") + kTokenQuery);
}

TEST(FourHseRemote, SecretsEchoedByTheServerAreScrubbed) {
  auto f = always(answer(500, std::string(R"({"message":"bad token )") + kToken + "\"}"));
  auto e = remote_error([&] { f.remote->view("project", "p"); });  // remote_error checks "SECRET"
  EXPECT_NE(std::string(e.what()).find("***"), std::string::npos) << e.what();
}

TEST(FourHseRemote, OptionsAreChecked) {
  FourHseOptions o;
  o.access_token = "t";
  o.oauth = hse::adapters::fourhse::OAuthOptions{};
  o.oauth->client_id = "c";
  o.oauth->username = "u";
  auto t = std::make_shared<FakeTransport>([](const Request&) { return answer(200, ""); });
  EXPECT_THROW(FourHseRemote(o, t), Error);
  o.access_token.clear();
  o.oauth->client_id.clear();
  EXPECT_THROW(FourHseRemote(o, t), Error);
  EXPECT_THROW(FourHseRemote(FourHseOptions{}, nullptr), Error);
}

TEST(FourHseRemote, ABodyThatIsNotUtf8IsInvalidInput) {
  auto f = always(answer(200, "{}"));
  try {
    f.remote->create("project", json{{"name", "\xff"}});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::invalid);
  }
  EXPECT_TRUE(f.transport->sent().empty());
}

// Hostile index pages: a row without its key would let the pull delete the replica's
// row as gone from the server; each such page fails with `server`, naming row and field.
TEST(FourHseRemote, RowsWithoutTheirKeyOrWithMisshapenFieldsAreServerErrorsNamingTheRow) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"([{}])", "row 1 of the page has no project_id"},
      {R"([{"project_id":"a"},{"name":"x"}])", "row 2 of the page has no project_id"},
      {R"([{"project_id":null}])", "row 1 of the page has no project_id"},
      {R"([{"project_id":7}])", "row 1 of the page: project_id is not a non-empty string"},
      {R"([{"project_id":""}])", "row 1 of the page: project_id is not a non-empty string"},
      {R"([{"project_id":"a"},3])", "row 2 of the page is not a JSON object"},
      {R"([{"project_id":"a","name":["x"]}])", "row 1 of the page: name is an array, not a single value"},
      {R"([{"project_id":"a"},{"project_id":"b","npeople":{"n":1}}])",
       "row 2 of the page: npeople is an object, not a single value"},
  };
  for (const auto& [body, why] : bad) {
    auto f = always(answer(200, body));
    auto e = remote_error([&] { f.remote->list("project", json::object()); });
    EXPECT_EQ(e.code(), Code::server) << body;
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
  }
}

TEST(FourHseRemote, DeeplyNestedAnswersAreServerErrorsNotCrashes) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  for (const std::string& body : {deep, "[{\"project_id\":\"a\",\"data\":" + deep + "}]"}) {
    auto f = always(answer(200, body));
    auto e = remote_error([&] { f.remote->list("project", json::object()); });
    EXPECT_EQ(e.code(), Code::server);
    EXPECT_NE(std::string(e.what()).find("deeper than"), std::string::npos) << e.what();
  }
  // An error answer with such a body still reports its status.
  auto f = always(answer(422, deep));
  EXPECT_EQ(remote_error([&] { f.remote->create("project", json::object()); }).code(), Code::invalid);
}

TEST(FourHseRemote, AHtmlPageIsAServerErrorSayingSo) {
  auto f = always(answer(200, "<html><body>Welcome to nginx</body></html>"));
  auto e = remote_error([&] { f.remote->list("project", json::object()); });
  EXPECT_EQ(e.code(), Code::server);
  EXPECT_NE(std::string(e.what()).find("is not valid JSON"), std::string::npos) << e.what();
}

// The pull reads index pages from their text (pull_pages); list_pages builds them.
// Both give the same page, or fail alike: every hostile body above, cut short
// anywhere, or with a byte replaced.
TEST(FourHseRemote, PulledPagesAreTheListedPagesAndFailAlike) {
  const std::string good =
      R"( [{"project_id":"a","name":"x \"y\"\n","npeople":3,"data":{"b":[1.5,null],"a":"\u00e8"}},)"
      R"(  {"project_id":"b","unknown":[1,{"z":2}],"name":"caf\u00e9 \/ café","parent_active":true} ] )";
  std::vector<std::string> bodies = {good, "[]", " [ ] ", "{\"rows\":[]}", "[1,2]", "[{\"a\":1}", "not json",
                                     "[{\"project_id\":\"a\"}] x", std::string(100000, '[') + std::string(100000, ']'),
                                     R"([{"project_id":"a","data":)" + std::string(70, '[') + std::string(70, ']') + "}]"};
  for (const char* b : {R"([{}])", R"([{"project_id":"a"},{"name":"x"}])", R"([{"project_id":null}])",
                        R"([{"project_id":7}])", R"([{"project_id":""}])", R"([{"project_id":"a"},3])",
                        R"([{"project_id":"a","name":["x"]}])", R"([{"project_id":"a","pro\u006a\u0065ct_id":"b"}])",
                        R"([{"project_id":"a"},{"project_id":"b","npeople":{"n":1}}])"})
    bodies.push_back(b);
  for (size_t cut = 0; cut < good.size(); ++cut) bodies.push_back(good.substr(0, cut));
  for (size_t at = 0; at < good.size(); ++at)
    for (char c : {'"', '\\', '[', '}', ',', '0', ' '}) {
      std::string t = good;
      t[at] = c;
      bodies.push_back(t);
    }
  const auto& e = hse::schema::entity("project");
  int read = 0, refused = 0;
  for (const std::string& body : bodies) {
    auto f = always(answer(200, body, page_headers(1, 1, 100, 2)));
    std::vector<hse::engine::sync::RemotePage> listed;
    std::string list_error, pull_error;
    std::vector<hse::engine::sync::PulledPage> pulled;
    try {
      listed = f.remote->list_pages("project", json::object(), {1});
    } catch (const RemoteError& err) {
      list_error = err.what();
    }
    try {
      pulled = f.remote->pull_pages("project", json::object(), {1});
    } catch (const RemoteError& err) {
      pull_error = err.what();
    }
    ASSERT_EQ(pull_error, list_error) << body;
    if (!list_error.empty()) {
      ++refused;
      continue;
    }
    ASSERT_EQ(pulled.size(), 1u);
    ASSERT_EQ(pulled[0].rows.size(), listed[0].rows.size()) << body;
    EXPECT_EQ(pulled[0].total_count, listed[0].total_count);
    for (size_t i = 0; i < listed[0].rows.size(); ++i) {
      hse::engine::store::CanonicalRow c;
      hse::engine::store::canonical_row(e, listed[0].rows[i], c);
      EXPECT_EQ(pulled[0].rows[i].text, c.text) << body;
      EXPECT_EQ(pulled[0].rows[i].normalized(e), hse::engine::store::normalize(e, listed[0].rows[i])) << body;
    }
    ++read;
  }
  EXPECT_GT(read, 5);
  EXPECT_GT(refused, 100);
}
