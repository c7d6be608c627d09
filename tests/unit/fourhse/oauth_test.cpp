// OAuth2 password grant with refresh: first fetch, refresh on a 401, fallback to the
// password grant, an auth error after the second 401, and one refresh shared by
// concurrent callers. No secret in any message.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "adapters/fourhse/fourhse_remote.hpp"
#include "tests/unit/fourhse/fake_transport.hpp"

using hse::Code;
using hse::Error;
using hse::adapters::fourhse::FourHseOptions;
using hse::adapters::fourhse::FourHseRemote;
using hse::adapters::fourhse::OAuthOptions;
using hse::adapters::http::Request;
using hse::adapters::http::Response;
using hse::RemoteError;
using hse::test::answer;
using hse::test::FakeTransport;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kTokenPath = "/realms/4hse/protocol/openid-connect/token";

FourHseOptions oauth_options() {
  FourHseOptions o;
  o.oauth = OAuthOptions{};
  o.oauth->client_id = "hse-app";
  o.oauth->username = "mario@example.com";
  o.oauth->password = "SECRET-pass word&=";
  return o;
}

Response token_answer(const std::string& access, const std::string& refresh) {
  return answer(200, json{{"access_token", access}, {"refresh_token", refresh}, {"expires_in", 300}, {"token_type", "Bearer"}}.dump());
}

// An API that accepts exactly one bearer token.
FakeTransport::Handler api_accepting(std::shared_ptr<std::string> good) {
  return [good](const Request& r) {
    auto it = r.headers.find("Authorization");
    if (it != r.headers.end() && it->second == "Bearer " + *good) return answer(200, R"({"project_id":"p"})");
    return answer(401, R"({"name":"Unauthorized","message":"Your request was made with invalid credentials."})");
  };
}

std::string grant_of(const Request& r) {
  auto at = r.body.find("grant_type=");
  return r.body.substr(at + 11, r.body.find('&', at) - at - 11);
}

template <class F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_EQ(m.find("SECRET"), std::string::npos) << m;
    EXPECT_EQ(m.find("pass word"), std::string::npos) << m;
    EXPECT_EQ(m.find("pass%20word"), std::string::npos) << m;
    EXPECT_EQ(m.find("mario"), std::string::npos) << m;
    return e;
  }
  ADD_FAILURE() << "expected an error";
  return Error(Code::ok, "");
}

}  // namespace

TEST(FourHseOAuth, FetchesATokenOnFirstUseAndReusesIt) {
  auto good = std::make_shared<std::string>("SECRET-A1");
  auto api = std::make_shared<FakeTransport>(api_accepting(good));
  auto tokens = std::make_shared<FakeTransport>([](const Request&) { return token_answer("SECRET-A1", "SECRET-R1"); });
  FourHseRemote remote(oauth_options(), api, tokens);
  EXPECT_TRUE(remote.view("project", "p"));
  EXPECT_TRUE(remote.view("project", "q"));

  auto t = tokens->sent();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].method, "POST");
  EXPECT_EQ(t[0].target, kTokenPath);
  EXPECT_EQ(t[0].headers.at("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(t[0].body, "grant_type=password&client_id=hse-app&username=mario%40example.com&password=SECRET-pass%20word%26%3D");
  auto a = api->sent();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].target, "/v2/project/view/p");  // no access-token with OAuth
  EXPECT_EQ(a[0].headers.at("Authorization"), "Bearer SECRET-A1");
}

TEST(FourHseOAuth, TheTokenEndpointDefaultsToTheApiTransport) {
  auto good = std::make_shared<std::string>("SECRET-A1");
  auto handler = api_accepting(good);
  auto both = std::make_shared<FakeTransport>([handler](const Request& r) {
    if (r.target == kTokenPath) return token_answer("SECRET-A1", "SECRET-R1");
    return handler(r);
  });
  FourHseOptions o = oauth_options();
  o.oauth->token_path = kTokenPath;
  FourHseRemote remote(o, both);
  EXPECT_TRUE(remote.view("project", "p"));
  EXPECT_EQ(both->sent().size(), 2u);
}

TEST(FourHseOAuth, RefreshesOnceOnA401AndRetries) {
  auto good = std::make_shared<std::string>("SECRET-A1");
  auto api = std::make_shared<FakeTransport>(api_accepting(good));
  auto tokens = std::make_shared<FakeTransport>([](const Request& r) {
    if (grant_of(r) == "password") return token_answer("SECRET-A1", "SECRET-R1");
    return token_answer("SECRET-A2", "SECRET-R2");
  });
  FourHseRemote remote(oauth_options(), api, tokens);
  EXPECT_TRUE(remote.view("project", "p"));
  *good = "SECRET-A2";  // the first token expires on the server
  EXPECT_TRUE(remote.view("project", "p"));

  auto t = tokens->sent();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].body, "grant_type=refresh_token&client_id=hse-app&refresh_token=SECRET-R1");
  auto a = api->sent();
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[1].headers.at("Authorization"), "Bearer SECRET-A1");
  EXPECT_EQ(a[2].headers.at("Authorization"), "Bearer SECRET-A2");
}

TEST(FourHseOAuth, FallsBackToThePasswordGrantWhenTheRefreshIsRefused) {
  auto good = std::make_shared<std::string>("SECRET-A1");
  auto api = std::make_shared<FakeTransport>(api_accepting(good));
  auto logins = std::make_shared<std::atomic<int>>(0);
  auto tokens = std::make_shared<FakeTransport>([logins](const Request& r) {
    if (grant_of(r) == "refresh_token")
      return answer(400, R"({"error":"invalid_grant","error_description":"Token is not active"})");
    return ++*logins == 1 ? token_answer("SECRET-A1", "SECRET-R1") : token_answer("SECRET-A3", "SECRET-R3");
  });
  FourHseRemote remote(oauth_options(), api, tokens);
  remote.view("project", "p");
  *good = "SECRET-A3";
  EXPECT_TRUE(remote.view("project", "p"));
  auto t = tokens->sent();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(grant_of(t[0]), "password");
  EXPECT_EQ(grant_of(t[1]), "refresh_token");
  EXPECT_EQ(grant_of(t[2]), "password");
  EXPECT_EQ(api->sent().back().headers.at("Authorization"), "Bearer SECRET-A3");
}

TEST(FourHseOAuth, ASecond401IsAnAuthError) {
  auto good = std::make_shared<std::string>("nobody has this");
  auto api = std::make_shared<FakeTransport>(api_accepting(good));
  auto tokens = std::make_shared<FakeTransport>([](const Request&) { return token_answer("SECRET-A1", "SECRET-R1"); });
  FourHseRemote remote(oauth_options(), api, tokens);
  Error e = error_of([&] { remote.update("project", "p", json{{"name", "n"}}); });
  EXPECT_EQ(e.code(), Code::auth);
  EXPECT_EQ(api->sent().size(), 2u);     // the request and one retry
  EXPECT_EQ(tokens->sent().size(), 2u);  // the login and one refresh
}

TEST(FourHseOAuth, ARefusedPasswordIsAnAuthError) {
  auto api = std::make_shared<FakeTransport>([](const Request&) { return answer(200, "{}"); });
  auto tokens = std::make_shared<FakeTransport>(
      [](const Request&) { return answer(401, R"({"error":"invalid_grant","error_description":"Invalid user credentials"})"); });
  FourHseRemote remote(oauth_options(), api, tokens);
  Error e = error_of([&] { remote.view("project", "p"); });
  EXPECT_EQ(e.code(), Code::auth);
  EXPECT_NE(std::string(e.what()).find("hse-app"), std::string::npos) << e.what();
  EXPECT_TRUE(api->sent().empty());
}

TEST(FourHseOAuth, TokenEndpointFailuresAreTyped) {
  auto api = std::make_shared<FakeTransport>([](const Request&) { return answer(200, "{}"); });
  for (auto [r, code] : std::vector<std::pair<Response, Code>>{{answer(503, "", {{"retry-after", "5"}}), Code::rate_limited},
                                                               {answer(500, ""), Code::server},
                                                               {answer(200, "{\"token_type\":\"Bearer\"}"), Code::server},
                                                               {answer(200, "<html>"), Code::server}}) {
    auto tokens = std::make_shared<FakeTransport>([r = r](const Request&) { return r; });
    FourHseRemote remote(oauth_options(), api, tokens);
    EXPECT_EQ(error_of([&] { remote.view("project", "p"); }).code(), code) << r.status << " " << r.body;
  }
}

TEST(FourHseOAuth, ConcurrentCallersShareOneRefresh) {
  auto good = std::make_shared<std::string>("SECRET-A1");
  std::mutex good_mu;
  auto api = std::make_shared<FakeTransport>([&](const Request& r) {
    std::lock_guard lock(good_mu);
    return api_accepting(good)(r);
  });
  std::atomic<int> refreshes{0};
  auto tokens = std::make_shared<FakeTransport>([&](const Request& r) {
    if (grant_of(r) == "password") return token_answer("SECRET-A1", "SECRET-R1");
    ++refreshes;
    std::this_thread::sleep_for(100ms);  // keep the others waiting on it
    return token_answer("SECRET-A2", "SECRET-R2");
  });
  FourHseRemote remote(oauth_options(), api, tokens);
  remote.view("project", "warm-up");
  {
    std::lock_guard lock(good_mu);
    *good = "SECRET-A2";
  }
  std::atomic<int> ok{0};
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&] {
        if (remote.view("project", "p")) ++ok;
      });
  }
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(refreshes.load(), 1);
  EXPECT_EQ(tokens->sent().size(), 2u);
}

TEST(FourHseOAuth, ListPagesRefreshesOnceForAllRefusedPages) {
  auto good = std::make_shared<std::string>("SECRET-A1");
  auto accept = api_accepting(good);
  auto api = std::make_shared<FakeTransport>([accept](const Request& r) {
    Response resp = accept(r);
    if (resp.status == 200) resp.body = R"([{"action_id":"a1"}])";
    return resp;
  });
  auto tokens = std::make_shared<FakeTransport>([](const Request& r) {
    return grant_of(r) == "password" ? token_answer("SECRET-A1", "SECRET-R1") : token_answer("SECRET-A2", "SECRET-R2");
  });
  FourHseRemote remote(oauth_options(), api, tokens);
  remote.list("action", json::object());
  *good = "SECRET-A2";
  auto pages = remote.list_pages("action", json::object(), {2, 3, 4});
  EXPECT_EQ(pages.size(), 3u);
  EXPECT_EQ(tokens->sent().size(), 2u);
  EXPECT_EQ(api->send_all_calls(), 2);
  EXPECT_EQ(api->sent().size(), 1u + 3u + 3u);
}

TEST(FourHseOAuth, AStaticTokenRefusedIsAnAuthErrorAtOnce) {
  FourHseOptions o;
  o.access_token = "SECRET-static";
  auto api = std::make_shared<FakeTransport>([](const Request&) { return answer(401, ""); });
  FourHseRemote remote(o, api);
  EXPECT_EQ(error_of([&] { remote.view("project", "p"); }).code(), Code::auth);
  EXPECT_EQ(api->sent().size(), 1u);
}

namespace {

struct ExpiringTokens {
  std::shared_ptr<hse::ManualClock> clock = std::make_shared<hse::ManualClock>(1'700'000'000'000, 0);
  std::shared_ptr<std::atomic<bool>> endpoint_down = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<FakeTransport> api = std::make_shared<FakeTransport>([](const Request& r) {
    return r.headers.at("Authorization").rfind("Bearer SECRET-A", 0) == 0 ? answer(200, "{}") : answer(401, "");
  });
  std::shared_ptr<FakeTransport> tokens = std::make_shared<FakeTransport>([down = endpoint_down](const Request& r) {
    if (*down) return answer(503, "");
    return grant_of(r) == "password" ? token_answer("SECRET-A1", "SECRET-R1") : token_answer("SECRET-A2", "SECRET-R2");
  });
  FourHseRemote remote() {
    FourHseOptions o = oauth_options();
    o.clock = clock;
    return FourHseRemote(o, api, tokens);
  }
};

}  // namespace

TEST(FourHseOAuth, RenewsATokenBeforeItExpires) {
  ExpiringTokens t;  // tokens live 300 s
  auto remote = t.remote();
  remote.view("project", "p");
  t.clock->advance(269'000);
  remote.view("project", "p");
  EXPECT_EQ(t.tokens->sent().size(), 1u);
  t.clock->advance(2'000);  // within 30 s of expiry
  remote.view("project", "p");
  auto sent = t.tokens->sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(grant_of(sent[1]), "refresh_token");
  EXPECT_EQ(t.api->sent().back().headers.at("Authorization"), "Bearer SECRET-A2");
  EXPECT_EQ(t.api->sent().size(), 3u);  // no 401 on the way
}

TEST(FourHseOAuth, KeepsTheOldTokenWhenAnEarlyRenewalFailsTransiently) {
  ExpiringTokens t;
  auto remote = t.remote();
  remote.view("project", "p");
  t.clock->advance(280'000);
  *t.endpoint_down = true;
  EXPECT_TRUE(remote.view("project", "p"));
  EXPECT_EQ(t.api->sent().back().headers.at("Authorization"), "Bearer SECRET-A1");
}
