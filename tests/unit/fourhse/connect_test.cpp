// The adapter over real sockets: FourHseRemote + http::Client against scripted servers
// on loopback, the token endpoint on a host of its own.
#include "adapters/fourhse/connect.hpp"

#include <gtest/gtest.h>

#include "tests/unit/http/test_server.hpp"

using hse::adapters::fourhse::connect_fourhse;
using hse::adapters::fourhse::Endpoints;
using hse::adapters::fourhse::FourHseOptions;
using hse::adapters::fourhse::OAuthOptions;
using hse::test::Reply;
using hse::test::Seen;
using hse::test::TestServer;
using json = nlohmann::json;

namespace {

Reply api(const Seen& s) {
  Reply r;
  r.headers = {{"Content-Type", "application/json"}};
  bool authed = s.target.find("access-token=tok") != std::string::npos ||
                (s.headers.count("authorization") && s.headers.at("authorization") == "Bearer bearer-1");
  if (!authed) {
    r.status = 401;
    r.body = R"({"name":"Unauthorized"})";
  } else if (s.target.rfind("/v2/project/index", 0) == 0) {
    r.headers.push_back({"X-Pagination-Current-Page", "1"});
    r.headers.push_back({"X-Pagination-Page-Count", "3"});
    r.headers.push_back({"X-Pagination-Per-Page", "1"});
    r.headers.push_back({"X-Pagination-Total-Count", "3"});
    r.body = R"([{"project_id":"p1"}])";
  } else if (s.target.rfind("/v2/project/view/p1", 0) == 0) {
    r.body = R"({"project_id":"p1","name":"Acme"})";
  } else {
    r.status = 404;
  }
  return r;
}

}  // namespace

TEST(FourHseConnect, StaticTokenOverASocket) {
  TestServer server(api);
  FourHseOptions o;
  o.access_token = "tok";
  auto remote = connect_fourhse(o, Endpoints{server.url(), "", {}});
  auto page = remote->list("project", json{{"per-page", 1}});
  EXPECT_EQ(page.page_count, 3);
  EXPECT_EQ(page.rows.at(0)["project_id"], "p1");
  auto pages = remote->list_pages("project", json{{"per-page", 1}}, {2, 3});
  EXPECT_EQ(pages.size(), 2u);
  EXPECT_EQ((*remote->view("project", "p1"))["name"], "Acme");
  EXPECT_FALSE(remote->view("project", "p2"));
  EXPECT_EQ(server.seen().at(0).target, "/v2/project/index?access-token=tok");
}

TEST(FourHseConnect, OAuthWithTheTokenEndpointOnAnotherHost) {
  TestServer auth([](const Seen& s) {
    Reply r;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = s.target == "/realms/4hse/protocol/openid-connect/token" && s.body.find("grant_type=password") == 0
                 ? R"({"access_token":"bearer-1","refresh_token":"r-1"})"
                 : R"({"error":"invalid_request"})";
    if (r.body.find("error") != std::string::npos) r.status = 400;
    return r;
  });
  TestServer server(api);
  FourHseOptions o;
  o.oauth = OAuthOptions{};
  o.oauth->client_id = "app";
  o.oauth->username = "u";
  o.oauth->password = "p";
  auto remote = connect_fourhse(o, Endpoints{server.url(), auth.url() + "/realms/4hse/protocol/openid-connect/token", {}});
  EXPECT_EQ((*remote->view("project", "p1"))["name"], "Acme");
  EXPECT_EQ(auth.requests(), 1u);
  EXPECT_EQ(server.seen().at(0).headers.at("authorization"), "Bearer bearer-1");
}
